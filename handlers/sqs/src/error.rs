//! SQS failures, raised once and turned into whichever operation error enum the calling
//! operation has.
//!
//! The model lists a different set of errors for each operation. Rules shared by several
//! operations (queue lookup, attribute validation, message validation) raise an
//! [`SqsError`]; the `From` impls below map it onto the operation's modelled variant when
//! the model has one, and onto an unmodelled AWS error with the same code otherwise.

use ferrostack_runtime as rt;
use sqs_api::error as op;
use sqs_api::types;

#[derive(Debug, Clone, PartialEq)]
pub enum SqsError {
    QueueDoesNotExist(String),
    QueueNameExists(String),
    QueueDeletedRecently(String),
    InvalidAttributeName(String),
    InvalidAttributeValue(String),
    InvalidAddress(String),
    InvalidMessageContents(String),
    ReceiptHandleIsInvalid(String),
    PurgeQueueInProgress(String),
    EmptyBatchRequest(String),
    TooManyEntriesInBatchRequest(String),
    BatchEntryIdsNotDistinct(String),
    InvalidBatchEntryId(String),
    BatchRequestTooLong(String),
    UnsupportedOperation(String),
    OverLimit(String),
    ResourceNotFoundException(String),
    /// An error the model has no shape for (`InvalidParameterValue`, `MissingParameter`).
    Unmodelled {
        code: &'static str,
        message: String,
    },
}

impl SqsError {
    pub fn invalid_parameter_value(message: impl Into<String>) -> SqsError {
        SqsError::Unmodelled { code: "InvalidParameterValue", message: message.into() }
    }

    /// `The request must contain the parameter MessageBody.`
    pub fn missing_parameter(parameter: &str) -> SqsError {
        SqsError::Unmodelled {
            code: "MissingParameter",
            message: format!("The request must contain the parameter {parameter}."),
        }
    }

    /// The error code clients see: for modelled errors the `awsQueryError` code, which is
    /// also what batch result entries carry.
    pub fn code(&self) -> &'static str {
        match self {
            SqsError::QueueDoesNotExist(_) => "AWS.SimpleQueueService.NonExistentQueue",
            SqsError::QueueNameExists(_) => "QueueAlreadyExists",
            SqsError::QueueDeletedRecently(_) => "AWS.SimpleQueueService.QueueDeletedRecently",
            SqsError::InvalidAttributeName(_) => "InvalidAttributeName",
            SqsError::InvalidAttributeValue(_) => "InvalidAttributeValue",
            SqsError::InvalidAddress(_) => "InvalidAddress",
            SqsError::InvalidMessageContents(_) => "InvalidMessageContents",
            SqsError::ReceiptHandleIsInvalid(_) => "ReceiptHandleIsInvalid",
            SqsError::PurgeQueueInProgress(_) => "AWS.SimpleQueueService.PurgeQueueInProgress",
            SqsError::EmptyBatchRequest(_) => "AWS.SimpleQueueService.EmptyBatchRequest",
            SqsError::TooManyEntriesInBatchRequest(_) => "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            SqsError::BatchEntryIdsNotDistinct(_) => "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            SqsError::InvalidBatchEntryId(_) => "AWS.SimpleQueueService.InvalidBatchEntryId",
            SqsError::BatchRequestTooLong(_) => "AWS.SimpleQueueService.BatchRequestTooLong",
            SqsError::UnsupportedOperation(_) => "AWS.SimpleQueueService.UnsupportedOperation",
            SqsError::OverLimit(_) => "OverLimit",
            SqsError::ResourceNotFoundException(_) => "ResourceNotFoundException",
            SqsError::Unmodelled { code, .. } => code,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            SqsError::QueueDoesNotExist(m)
            | SqsError::QueueNameExists(m)
            | SqsError::QueueDeletedRecently(m)
            | SqsError::InvalidAttributeName(m)
            | SqsError::InvalidAttributeValue(m)
            | SqsError::InvalidAddress(m)
            | SqsError::InvalidMessageContents(m)
            | SqsError::ReceiptHandleIsInvalid(m)
            | SqsError::PurgeQueueInProgress(m)
            | SqsError::EmptyBatchRequest(m)
            | SqsError::TooManyEntriesInBatchRequest(m)
            | SqsError::BatchEntryIdsNotDistinct(m)
            | SqsError::InvalidBatchEntryId(m)
            | SqsError::BatchRequestTooLong(m)
            | SqsError::UnsupportedOperation(m)
            | SqsError::OverLimit(m)
            | SqsError::ResourceNotFoundException(m)
            | SqsError::Unmodelled { message: m, .. } => m,
        }
    }

    /// A batch result entry reporting this error for entry `id`.
    pub fn batch_entry(&self, id: &str) -> types::BatchResultErrorEntry {
        types::BatchResultErrorEntry {
            id: id.to_owned(),
            // Everything this handler rejects is the caller's doing.
            sender_fault: true,
            code: self.code().to_owned(),
            message: Some(self.message().to_owned()),
        }
    }

    /// The error for an operation whose model does not list this one.
    fn into_common(self) -> rt::CommonError {
        let status = match self {
            SqsError::PurgeQueueInProgress(_) | SqsError::OverLimit(_) => 403,
            SqsError::ResourceNotFoundException(_) => 404,
            _ => 400,
        };
        let code = self.code();
        let message = match self {
            SqsError::Unmodelled { message, .. } => message,
            other => other.message().to_owned(),
        };
        rt::CommonError::Service(rt::ServiceError::new(status, code, message))
    }
}

impl std::fmt::Display for SqsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

/// `impl From<SqsError> for <Operation>Error`, naming the variants the operation models.
macro_rules! operation_error {
    ($($error:ident: [$($variant:ident),*];)*) => {$(
        impl From<SqsError> for op::$error {
            fn from(e: SqsError) -> Self {
                match e {
                    $(SqsError::$variant(message) => types::$variant { message: Some(message) }.into(),)*
                    other => other.into_common().into(),
                }
            }
        }
    )*};
}

operation_error! {
    CreateQueueError: [InvalidAddress, InvalidAttributeName, InvalidAttributeValue, QueueDeletedRecently, QueueNameExists, UnsupportedOperation];
    GetQueueUrlError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    ListQueuesError: [InvalidAddress, UnsupportedOperation];
    GetQueueAttributesError: [InvalidAddress, InvalidAttributeName, QueueDoesNotExist, UnsupportedOperation];
    SetQueueAttributesError: [InvalidAddress, InvalidAttributeName, InvalidAttributeValue, QueueDoesNotExist, UnsupportedOperation];
    DeleteQueueError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    PurgeQueueError: [InvalidAddress, PurgeQueueInProgress, QueueDoesNotExist, UnsupportedOperation];
    SendMessageError: [InvalidAddress, InvalidMessageContents, QueueDoesNotExist, UnsupportedOperation];
    SendMessageBatchError: [BatchEntryIdsNotDistinct, BatchRequestTooLong, EmptyBatchRequest, InvalidAddress, InvalidBatchEntryId, QueueDoesNotExist, TooManyEntriesInBatchRequest, UnsupportedOperation];
    ReceiveMessageError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    DeleteMessageError: [InvalidAddress, QueueDoesNotExist, ReceiptHandleIsInvalid, UnsupportedOperation];
    DeleteMessageBatchError: [BatchEntryIdsNotDistinct, EmptyBatchRequest, InvalidAddress, InvalidBatchEntryId, QueueDoesNotExist, TooManyEntriesInBatchRequest, UnsupportedOperation];
    ChangeMessageVisibilityError: [InvalidAddress, QueueDoesNotExist, ReceiptHandleIsInvalid, UnsupportedOperation];
    ChangeMessageVisibilityBatchError: [BatchEntryIdsNotDistinct, EmptyBatchRequest, InvalidAddress, InvalidBatchEntryId, QueueDoesNotExist, TooManyEntriesInBatchRequest, UnsupportedOperation];
    TagQueueError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    UntagQueueError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    ListQueueTagsError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    ListDeadLetterSourceQueuesError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    AddPermissionError: [InvalidAddress, OverLimit, QueueDoesNotExist, UnsupportedOperation];
    RemovePermissionError: [InvalidAddress, QueueDoesNotExist, UnsupportedOperation];
    StartMessageMoveTaskError: [InvalidAddress, ResourceNotFoundException, UnsupportedOperation];
    ListMessageMoveTasksError: [InvalidAddress, ResourceNotFoundException, UnsupportedOperation];
    CancelMessageMoveTaskError: [InvalidAddress, ResourceNotFoundException, UnsupportedOperation];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modelled_errors_keep_their_shape() {
        let e: op::GetQueueUrlError = SqsError::QueueDoesNotExist("gone".into()).into();
        assert!(
            matches!(e, op::GetQueueUrlError::QueueDoesNotExist(types::QueueDoesNotExist { message: Some(m) }) if m == "gone")
        );
    }

    #[test]
    fn unmodelled_errors_become_service_errors() {
        let e: op::ListQueuesError = SqsError::invalid_parameter_value("bad").into();
        let op::ListQueuesError::Common(rt::CommonError::Service(s)) = e else { panic!("not a service error") };
        assert_eq!((s.status, s.code.as_ref(), s.message.as_str()), (400, "InvalidParameterValue", "bad"));
        // A modelled error the operation does not list keeps its AWS code.
        let e: op::ListQueuesError = SqsError::QueueDoesNotExist("gone".into()).into();
        let op::ListQueuesError::Common(rt::CommonError::Service(s)) = e else { panic!("not a service error") };
        assert_eq!(s.code, "AWS.SimpleQueueService.NonExistentQueue");
    }
}

//! SNS failures. Every rule raises an [`SnsError`] (its awsQuery code, status and message);
//! operations turn it into an `rt::ServiceError`, which renders on the wire exactly as the
//! modelled error of the same code would (`<Code>NotFound</Code>`, 404), so one type serves
//! all 42 operation error enums.

use ferrostack_runtime as rt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    InvalidParameter,
    InvalidParameterValue,
    NotFound,
    ResourceNotFound,
    AuthorizationError,
    EndpointDisabled,
    TagLimitExceeded,
    SubscriptionLimitExceeded,
    EmptyBatchRequest,
    TooManyEntriesInBatchRequest,
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    InvalidBatchEntryId,
    UserError,
    Verification,
}

impl Kind {
    /// The `awsQueryError` code and status of the model's error shape.
    fn code_and_status(self) -> (&'static str, u16) {
        match self {
            Kind::InvalidParameter => ("InvalidParameter", 400),
            Kind::InvalidParameterValue => ("ParameterValueInvalid", 400),
            Kind::NotFound => ("NotFound", 404),
            Kind::ResourceNotFound => ("ResourceNotFound", 404),
            Kind::AuthorizationError => ("AuthorizationError", 403),
            Kind::EndpointDisabled => ("EndpointDisabled", 400),
            Kind::TagLimitExceeded => ("TagLimitExceeded", 400),
            Kind::SubscriptionLimitExceeded => ("SubscriptionLimitExceeded", 403),
            Kind::EmptyBatchRequest => ("EmptyBatchRequest", 400),
            Kind::TooManyEntriesInBatchRequest => ("TooManyEntriesInBatchRequest", 400),
            Kind::BatchEntryIdsNotDistinct => ("BatchEntryIdsNotDistinct", 400),
            Kind::BatchRequestTooLong => ("BatchRequestTooLong", 400),
            Kind::InvalidBatchEntryId => ("InvalidBatchEntryId", 400),
            Kind::UserError => ("UserError", 400),
            Kind::Verification => ("VerificationException", 400),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SnsError {
    pub kind: Kind,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, SnsError>;

impl SnsError {
    pub fn new(kind: Kind, message: impl Into<String>) -> SnsError {
        SnsError { kind, message: message.into() }
    }

    /// `InvalidParameter` with AWS's `Invalid parameter: ` prefix.
    pub fn invalid(what: impl std::fmt::Display) -> SnsError {
        SnsError::new(Kind::InvalidParameter, format!("Invalid parameter: {what}"))
    }

    pub fn invalid_value(message: impl Into<String>) -> SnsError {
        SnsError::new(Kind::InvalidParameterValue, message)
    }

    pub fn topic_not_found() -> SnsError {
        SnsError::new(Kind::NotFound, "Topic does not exist")
    }

    pub fn subscription_not_found() -> SnsError {
        SnsError::new(Kind::NotFound, "Subscription does not exist")
    }

    pub fn code(&self) -> &'static str {
        self.kind.code_and_status().0
    }

    /// A failed entry of PublishBatch.
    pub fn batch_entry(&self, id: &str) -> sns_api::types::BatchResultErrorEntry {
        sns_api::types::BatchResultErrorEntry {
            id: id.to_owned(),
            code: self.code().to_owned(),
            message: Some(self.message.clone()),
            sender_fault: true,
        }
    }
}

impl From<SnsError> for rt::ServiceError {
    fn from(e: SnsError) -> Self {
        let (code, status) = e.kind.code_and_status();
        rt::ServiceError::new(status, code, e.message)
    }
}

/// `.map_err(wire)?` turns an [`SnsError`] into any operation's error enum.
pub fn wire(e: SnsError) -> rt::ServiceError {
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_the_model_code_and_status() {
        let s: rt::ServiceError = SnsError::topic_not_found().into();
        assert_eq!((s.status, s.code.as_ref(), s.message.as_str()), (404, "NotFound", "Topic does not exist"));
        let s: rt::ServiceError = SnsError::invalid("Empty message").into();
        assert_eq!(
            (s.status, s.code.as_ref(), s.message.as_str()),
            (400, "InvalidParameter", "Invalid parameter: Empty message")
        );
    }
}

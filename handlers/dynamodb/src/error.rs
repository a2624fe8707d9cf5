//! One error type for the data plane, converted into each operation's generated error enum
//! at the edge. Messages are DynamoDB's.

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::item::Item;

#[derive(Debug)]
pub enum Error {
    Validation(String),
    /// Data-plane operations name no table in the message.
    NotFound(String),
    ConditionFailed(Option<Item>),
    Canceled(Vec<CancellationReason>),
    IdempotentMismatch,
    InUse(String),
    LimitExceeded(String),
    /// PartiQL INSERT of an existing key.
    Duplicate,
}

pub type Result<T> = std::result::Result<T, Error>;

pub fn not_found() -> Error {
    Error::NotFound("Requested resource not found".into())
}

pub fn invalid(message: impl Into<String>) -> Error {
    Error::Validation(message.into())
}

impl From<String> for Error {
    fn from(m: String) -> Error {
        Error::Validation(m)
    }
}

impl From<crate::expr::ExprError> for Error {
    fn from(e: crate::expr::ExprError) -> Error {
        Error::Validation(e.into_message())
    }
}

pub const CONDITION_FAILED: &str = "The conditional request failed";
pub const DUPLICATE: &str = "Duplicate primary key exists in table";

fn canceled_message(reasons: &[CancellationReason]) -> String {
    let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_deref().unwrap_or("None")).collect();
    format!("Transaction cancelled, please refer cancellation reasons for specific reasons [{}]", codes.join(", "))
}

impl Error {
    fn common(self) -> rt::CommonError {
        match self {
            Error::Validation(m) => rt::CommonError::Validation(m),
            Error::NotFound(m) => rt::CommonError::service(400, "ResourceNotFoundException", m),
            Error::ConditionFailed(_) => {
                rt::CommonError::service(400, "ConditionalCheckFailedException", CONDITION_FAILED)
            }
            Error::Canceled(r) => rt::CommonError::service(400, "TransactionCanceledException", canceled_message(&r)),
            Error::IdempotentMismatch => rt::CommonError::service(
                400,
                "IdempotentParameterMismatchException",
                "Request parameters do not match the parameters of an earlier request with the same idempotency token",
            ),
            Error::InUse(m) => rt::CommonError::service(400, "ResourceInUseException", m),
            Error::LimitExceeded(m) => rt::CommonError::service(400, "LimitExceededException", m),
            Error::Duplicate => rt::CommonError::service(400, "DuplicateItemException", DUPLICATE),
        }
    }

    /// For operations modelling ResourceNotFoundException.
    pub fn op<E: From<rt::CommonError> + From<ResourceNotFoundException>>(self) -> E {
        match self {
            Error::NotFound(m) => ResourceNotFoundException { message: Some(m) }.into(),
            other => other.common().into(),
        }
    }

    /// For single-item writes, whose ConditionalCheckFailedException may carry the item.
    pub fn write_op<E>(self) -> E
    where
        E: From<rt::CommonError> + From<ResourceNotFoundException> + From<ConditionalCheckFailedException>,
    {
        match self {
            Error::ConditionFailed(item) => {
                ConditionalCheckFailedException { message: Some(CONDITION_FAILED.into()), item }.into()
            }
            other => other.op(),
        }
    }

    /// For the transaction operations.
    pub fn tx_op<E>(self) -> E
    where
        E: From<rt::CommonError> + From<ResourceNotFoundException> + From<TransactionCanceledException>,
    {
        match self {
            Error::Canceled(reasons) => TransactionCanceledException {
                message: Some(canceled_message(&reasons)),
                cancellation_reasons: Some(reasons),
            }
            .into(),
            other => other.op(),
        }
    }

    /// For operations that model no ResourceNotFoundException.
    pub fn plain<E: From<rt::CommonError>>(self) -> E {
        self.common().into()
    }
}

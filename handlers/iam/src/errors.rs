//! IAM's errors, with the codes, statuses and wording AWS uses.
//!
//! Every operation's error enum converts from `rt::ServiceError`, so the handler raises
//! these and `?` carries them to whichever operation is answering.

use ferrostack_runtime as rt;

pub type Error = rt::ServiceError;
pub type Result<T> = std::result::Result<T, Error>;

pub fn no_such_entity(message: impl Into<String>) -> Error {
    rt::ServiceError::new(404, "NoSuchEntity", message)
}

pub fn already_exists(message: impl Into<String>) -> Error {
    rt::ServiceError::new(409, "EntityAlreadyExists", message)
}

pub fn delete_conflict(message: impl Into<String>) -> Error {
    rt::ServiceError::new(409, "DeleteConflict", message)
}

pub fn limit_exceeded(message: impl Into<String>) -> Error {
    rt::ServiceError::new(409, "LimitExceeded", message)
}

pub fn malformed_policy(message: impl Into<String>) -> Error {
    rt::ServiceError::new(400, "MalformedPolicyDocument", message)
}

pub fn invalid_input(message: impl Into<String>) -> Error {
    rt::ServiceError::new(400, "InvalidInput", message)
}

pub fn validation(message: impl Into<String>) -> Error {
    rt::ServiceError::new(400, "ValidationError", message)
}

pub fn unmodifiable(message: impl Into<String>) -> Error {
    rt::ServiceError::new(400, "UnmodifiableEntity", message)
}

/// "The user with name X cannot be found." and its siblings.
pub fn missing(kind: &str, name: &str) -> Error {
    no_such_entity(format!("The {kind} with name {name} cannot be found."))
}

pub fn missing_policy(arn: &str) -> Error {
    no_such_entity(format!("Policy {arn} does not exist or is not attachable."))
}

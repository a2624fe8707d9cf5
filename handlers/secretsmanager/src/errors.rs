//! The errors Secrets Manager answers with, worded as AWS words them.

use secretsmanager_api::types::*;

pub fn not_found() -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some("Secrets Manager can't find the specified secret.".to_string()) }
}

pub fn value_not_found_for_stage(stage: &str) -> ResourceNotFoundException {
    ResourceNotFoundException {
        message: Some(format!("Secrets Manager can't find the specified secret value for staging label: {stage}")),
    }
}

pub fn value_not_found_for_version(id: &str) -> ResourceNotFoundException {
    ResourceNotFoundException {
        message: Some(format!("Secrets Manager can't find the specified secret value for VersionId: {id}")),
    }
}

pub fn marked_for_deletion() -> InvalidRequestException {
    invalid_request("You can't perform this operation on the secret because it was marked for deletion.")
}

pub fn invalid_request(message: impl Into<String>) -> InvalidRequestException {
    InvalidRequestException { message: Some(message.into()) }
}

pub fn invalid_parameter(message: impl Into<String>) -> InvalidParameterException {
    InvalidParameterException { message: Some(message.into()) }
}

pub fn exists(message: impl Into<String>) -> ResourceExistsException {
    ResourceExistsException { message: Some(message.into()) }
}

pub fn invalid_token() -> InvalidNextTokenException {
    InvalidNextTokenException { message: Some("The NextToken value is invalid.".to_string()) }
}

//! Errors as handlers raise them and as the codecs render them.
//!
//! A generated operation error enum holds the operation's modelled errors plus
//! [`CommonError`]; it converts into a [`WireError`], which the protocol encoder turns
//! into the protocol's error envelope. Codes, statuses and envelopes are decided here and
//! by the schema, never by a handler writing bytes.

use std::borrow::Cow;

use crate::schema::{Fault, ShapeId};
use crate::value::Value;

/// An error AWS returns that the model does not describe as a shape (most of S3's, for
/// instance), or one of the errors every operation can raise.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    pub code: Cow<'static, str>,
    pub message: String,
    pub status: u16,
    pub fault: Fault,
    /// Extra members rendered next to `Code`/`Message` (e.g. S3's `<Key>`, `<BucketName>`).
    pub fields: Vec<(Cow<'static, str>, String)>,
}

impl ServiceError {
    pub fn new(status: u16, code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        ServiceError {
            code: code.into(),
            message: message.into(),
            status,
            fault: if status >= 500 { Fault::Server } else { Fault::Client },
            fields: Vec::new(),
        }
    }

    pub fn with_field(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }
}

/// The errors every operation can return, whatever its model says.
#[derive(Debug, Clone, PartialEq)]
pub enum CommonError {
    /// Input that breaks the model's constraints or the service's own rules; rendered with
    /// the service's validation code (`ValidationException`, `ValidationError`, ...).
    Validation(String),
    /// The operation exists in the model but has no behaviour here yet.
    NotImplemented(&'static str),
    Internal(String),
    AccessDenied(String),
    Throttling(String),
    /// Any other AWS error, with its exact code and status.
    Service(ServiceError),
}

impl CommonError {
    pub fn validation(message: impl Into<String>) -> Self {
        CommonError::Validation(message.into())
    }

    pub fn internal(message: impl Into<String>) -> Self {
        CommonError::Internal(message.into())
    }

    pub fn service(status: u16, code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        CommonError::Service(ServiceError::new(status, code, message))
    }
}

impl From<ServiceError> for CommonError {
    fn from(e: ServiceError) -> Self {
        CommonError::Service(e)
    }
}

impl std::fmt::Display for CommonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommonError::Validation(m) => write!(f, "validation error: {m}"),
            CommonError::NotImplemented(op) => write!(f, "{op} is not implemented"),
            CommonError::Internal(m) => write!(f, "internal error: {m}"),
            CommonError::AccessDenied(m) => write!(f, "access denied: {m}"),
            CommonError::Throttling(m) => write!(f, "throttled: {m}"),
            CommonError::Service(e) => write!(f, "{}: {}", e.code, e.message),
        }
    }
}

/// An operation error on its way to the wire.
#[derive(Debug)]
pub enum WireError {
    /// A modelled error structure and its members.
    Modeled {
        shape: ShapeId,
        value: Value,
    },
    Common(CommonError),
}

impl From<CommonError> for WireError {
    fn from(e: CommonError) -> Self {
        WireError::Common(e)
    }
}

impl From<crate::convert::ConvertError> for WireError {
    fn from(e: crate::convert::ConvertError) -> Self {
        WireError::Common(CommonError::Internal(format!("value conversion failed: {e}")))
    }
}

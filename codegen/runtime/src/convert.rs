//! Moving values between the [`Value`] tree and typed Rust shapes.
//!
//! Generated structs implement [`FromValue`] and [`IntoValue`] with one line per member;
//! everything else (primitives, collections, options, boxes) is implemented here once.
//! Inputs are validated against the schema before conversion, so a mismatch here is a
//! bug in a codec and is reported as an internal error rather than a client error.

use std::collections::HashMap;
use std::hash::Hash;

use bytes::Bytes;
use indexmap::IndexMap;

use crate::stream::ByteStream;
use crate::time::DateTime;
use crate::value::{Document, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct ConvertError(pub String);

impl ConvertError {
    pub fn mismatch(expected: &str, got: &Value) -> Self {
        ConvertError(format!("expected {expected}, found {}", got.type_name()))
    }
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub trait FromValue: Sized {
    fn from_value(value: Value) -> Result<Self, ConvertError>;
}

pub trait IntoValue {
    fn into_value(self) -> Value;
}

/// Fields of a structure value, for generated `FromValue` impls.
pub fn struct_fields(value: Value) -> Result<Vec<(u16, Value)>, ConvertError> {
    match value {
        Value::Struct(fields) => Ok(fields),
        Value::Null => Ok(Vec::new()),
        other => Err(ConvertError::mismatch("structure", &other)),
    }
}

/// Converts `value` into the field `slot`, for generated `FromValue` impls. One copy per
/// field type serves every structure of a crate, and the structure's own function keeps a
/// single error exit instead of one per member.
pub fn set<T: FromValue>(slot: &mut T, value: Value) -> Result<(), ConvertError> {
    *slot = T::from_value(value)?;
    Ok(())
}

/// Enums implement this to share the string conversions.
pub trait StringEnum: Sized {
    fn from_wire(s: String) -> Self;
    fn as_wire(&self) -> &str;
}

macro_rules! int_conv {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, ConvertError> {
                match value {
                    Value::Int(i) => <$t>::try_from(i).map_err(|_| ConvertError(format!("{i} out of range"))),
                    Value::Null => Ok(0),
                    other => Err(ConvertError::mismatch("integer", &other)),
                }
            }
        }
        impl IntoValue for $t {
            #[inline]
            fn into_value(self) -> Value {
                Value::Int(self as i64)
            }
        }
    )*};
}
int_conv!(i8, i16, i32, i64);

macro_rules! float_conv {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, ConvertError> {
                match value {
                    Value::Float(f) => Ok(f as $t),
                    Value::Int(i) => Ok(i as $t),
                    Value::Null => Ok(0.0),
                    other => Err(ConvertError::mismatch("float", &other)),
                }
            }
        }
        impl IntoValue for $t {
            #[inline]
            fn into_value(self) -> Value {
                Value::Float(self as f64)
            }
        }
    )*};
}
float_conv!(f32, f64);

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Bool(b) => Ok(b),
            Value::Null => Ok(false),
            other => Err(ConvertError::mismatch("boolean", &other)),
        }
    }
}

impl IntoValue for bool {
    #[inline]
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Str(s) | Value::BigNum(s) => Ok(s),
            Value::Null => Ok(String::new()),
            other => Err(ConvertError::mismatch("string", &other)),
        }
    }
}

impl IntoValue for String {
    #[inline]
    fn into_value(self) -> Value {
        Value::Str(self)
    }
}

impl IntoValue for &str {
    #[inline]
    fn into_value(self) -> Value {
        Value::Str(self.to_owned())
    }
}

/// bigInteger and bigDecimal keep their decimal text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BigNumber(pub String);

impl FromValue for BigNumber {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::BigNum(s) | Value::Str(s) => Ok(BigNumber(s)),
            Value::Int(i) => Ok(BigNumber(i.to_string())),
            Value::Float(f) => Ok(BigNumber(f.to_string())),
            Value::Null => Ok(BigNumber::default()),
            other => Err(ConvertError::mismatch("big number", &other)),
        }
    }
}

impl IntoValue for BigNumber {
    fn into_value(self) -> Value {
        Value::BigNum(self.0)
    }
}

impl FromValue for Bytes {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Blob(b) => Ok(b),
            Value::Stream(ByteStream::Buffered(b)) => Ok(b),
            Value::Null => Ok(Bytes::new()),
            other => Err(ConvertError::mismatch("blob", &other)),
        }
    }
}

impl IntoValue for Bytes {
    #[inline]
    fn into_value(self) -> Value {
        Value::Blob(self)
    }
}

impl FromValue for ByteStream {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Stream(s) => Ok(s),
            Value::Blob(b) => Ok(ByteStream::Buffered(b)),
            Value::Null => Ok(ByteStream::default()),
            other => Err(ConvertError::mismatch("stream", &other)),
        }
    }
}

impl IntoValue for ByteStream {
    #[inline]
    fn into_value(self) -> Value {
        Value::Stream(self)
    }
}

impl FromValue for DateTime {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Timestamp(t) => Ok(t),
            Value::Null => Ok(DateTime::default()),
            other => Err(ConvertError::mismatch("timestamp", &other)),
        }
    }
}

impl IntoValue for DateTime {
    #[inline]
    fn into_value(self) -> Value {
        Value::Timestamp(self)
    }
}

impl FromValue for Document {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Document(d) => Ok(*d),
            Value::Null => Ok(Document::Null),
            other => Err(ConvertError::mismatch("document", &other)),
        }
    }
}

impl IntoValue for Document {
    fn into_value(self) -> Value {
        Value::Document(Box::new(self))
    }
}

impl<T: FromValue> FromValue for Option<T> {
    #[inline]
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    #[inline]
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null,
        }
    }
}

impl<T: FromValue> FromValue for Box<T> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        T::from_value(value).map(Box::new)
    }
}

impl<T: IntoValue> IntoValue for Box<T> {
    fn into_value(self) -> Value {
        (*self).into_value()
    }
}

// The collection impls below are instantiated for every element type of every generated
// crate (a service has a hundred or more), so they are plain loops: `collect` into a
// `Result` brings in the in-place-collect and error-shunting iterator machinery per
// element type. Replacing it cut ssm-api's LLVM IR by about a sixth.

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        let items = list_items(value)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(T::from_value(item)?);
        }
        Ok(out)
    }
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        let mut items = Vec::with_capacity(self.len());
        for item in self {
            items.push(item.into_value());
        }
        Value::List(items)
    }
}

fn list_items(value: Value) -> Result<Vec<Value>, ConvertError> {
    match value {
        Value::List(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        other => Err(ConvertError::mismatch("list", &other)),
    }
}

fn map_entries(value: Value) -> Result<Vec<(String, Value)>, ConvertError> {
    match value {
        Value::Map(entries) => Ok(entries),
        Value::Null => Ok(Vec::new()),
        other => Err(ConvertError::mismatch("map", &other)),
    }
}

impl<K: From<String> + Hash + Eq, T: FromValue> FromValue for IndexMap<K, T> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        let entries = map_entries(value)?;
        let mut out = IndexMap::with_capacity(entries.len());
        for (k, v) in entries {
            out.insert(K::from(k), T::from_value(v)?);
        }
        Ok(out)
    }
}

impl<K: Into<String>, T: IntoValue> IntoValue for IndexMap<K, T> {
    fn into_value(self) -> Value {
        let mut entries = Vec::with_capacity(self.len());
        for (k, v) in self {
            entries.push((k.into(), v.into_value()));
        }
        Value::Map(entries)
    }
}

impl<T: FromValue> FromValue for HashMap<String, T> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        let entries = map_entries(value)?;
        let mut out = HashMap::with_capacity(entries.len());
        for (k, v) in entries {
            out.insert(k, T::from_value(v)?);
        }
        Ok(out)
    }
}

impl<T: IntoValue> IntoValue for HashMap<String, T> {
    fn into_value(self) -> Value {
        let mut entries = Vec::with_capacity(self.len());
        for (k, v) in self {
            entries.push((k, v.into_value()));
        }
        Value::Map(entries)
    }
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        Ok(value)
    }
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

/// The empty structure of operations without input or output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unit;

impl FromValue for Unit {
    fn from_value(_: Value) -> Result<Self, ConvertError> {
        Ok(Unit)
    }
}

impl IntoValue for Unit {
    fn into_value(self) -> Value {
        Value::Struct(Vec::new())
    }
}

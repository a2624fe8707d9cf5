//! JSON documents of shapes, for awsJson and restJson1 bodies.
//!
//! Timestamps default to epoch seconds; blobs are base64; `@jsonName` applies only to
//! restJson1 (awsJson ignores it).
//!
//! Reading is schema-guided streaming: serde_json's tokenizer drives `DeserializeSeed`s
//! chosen by the schema, so a body becomes a [`Value`] without an intermediate
//! `serde_json::Value` tree, object keys are matched without allocating, and the same
//! seeds also read an already parsed `serde_json::Value` ([`read_value`]). Writing goes
//! straight into a byte buffer.
//!
//! Numbers come from serde_json as `u64`/`i64`/`f64`, so bigInteger and bigDecimal values
//! keep full precision only within those types.

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use bytes::Bytes;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;

use crate::defaults;
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::{HttpBinding, Member, Schema, ShapeId, ShapeKind, TimestampFormat};
use crate::stream::ByteStream;
use crate::time::DateTime;
use crate::value::{Document, Value};

#[derive(Debug, Clone, Copy)]
pub struct JsonSettings {
    /// Honour `@jsonName` (restJson1) or use member names (awsJson).
    pub use_json_name: bool,
}

impl JsonSettings {
    /// awsJson1_0 / awsJson1_1: member names, `@jsonName` ignored.
    pub const AWS_JSON: JsonSettings = JsonSettings { use_json_name: false };
    /// restJson1: `@jsonName` honoured.
    pub const REST_JSON: JsonSettings = JsonSettings { use_json_name: true };

    #[inline]
    fn member_name(self, member: &Member) -> &'static str {
        if self.use_json_name {
            member.json_name()
        } else {
            member.name
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// Reads a JSON object into a structure value of `shape`. With `body_members_only`, only
/// members without a request binding are read (REST bodies); keys naming members bound
/// to headers, labels, query or payload are ignored.
///
/// An empty (or all-whitespace) body reads as `{}`. `@default`s of absent members are
/// left to [`crate::defaults::fill`], which the pipeline runs on every input.
pub fn read_body(
    schema: &Schema,
    shape: ShapeId,
    bytes: &[u8],
    settings: JsonSettings,
    body_members_only: bool,
) -> Result<Value, DecodeError> {
    let reader = Reader { schema, settings };
    if is_blank(bytes) {
        return Ok(empty_structure(schema, shape));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match &schema.shape(shape).kind {
        ShapeKind::Structure { members } => {
            de.deserialize_map(StructVisitor { reader, members, body_only: body_members_only })
        }
        _ => ShapeSeed { reader, target: shape, timestamp_format: None }.read_present(&mut de),
    }
    .map_err(serialization_error)?;
    de.end().map_err(serialization_error)?;
    Ok(value)
}

/// Reads one value of shape `target` from a parsed JSON value (restJson `@httpPayload`
/// structures, unions and documents). `member` supplies the member's traits (timestamp
/// format); JSON `null` reads as [`Value::Null`].
pub fn read_value(
    schema: &Schema,
    target: ShapeId,
    member: Option<&Member>,
    json: Document,
    settings: JsonSettings,
) -> Result<Value, DecodeError> {
    let seed = ShapeSeed {
        reader: Reader { schema, settings },
        target,
        timestamp_format: member.and_then(|m| m.timestamp_format),
    };
    seed.deserialize(json).map_err(serialization_error)
}

/// Like [`read_value`], straight from bytes. Empty (or all-whitespace) input reads as
/// [`Value::Null`], leaving the caller to decide what an absent payload means.
pub fn read_value_slice(
    schema: &Schema,
    target: ShapeId,
    member: Option<&Member>,
    bytes: &[u8],
    settings: JsonSettings,
) -> Result<Value, DecodeError> {
    if is_blank(bytes) {
        return Ok(Value::Null);
    }
    let seed = ShapeSeed {
        reader: Reader { schema, settings },
        target,
        timestamp_format: member.and_then(|m| m.timestamp_format),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = seed.deserialize(&mut de).map_err(serialization_error)?;
    de.end().map_err(serialization_error)?;
    Ok(value)
}

/// Checks that a body is empty or a JSON object, for operations without input whose body
/// is still required to be well formed.
pub fn validate_object(bytes: &[u8]) -> Result<(), DecodeError> {
    if is_blank(bytes) {
        return Ok(());
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.deserialize_map(AnyObjectVisitor).map_err(serialization_error)?;
    de.end().map_err(serialization_error)
}

/// Whether a member travels in a REST request's document body.
fn in_request_body(member: &Member) -> bool {
    !matches!(
        member.http,
        HttpBinding::Label
            | HttpBinding::Query(_)
            | HttpBinding::QueryParams
            | HttpBinding::Header(_)
            | HttpBinding::PrefixHeaders(_)
            | HttpBinding::Payload
    )
}

/// Whether a member travels in a REST response's document body.
fn in_response_body(member: &Member) -> bool {
    !matches!(
        member.http,
        HttpBinding::Header(_) | HttpBinding::PrefixHeaders(_) | HttpBinding::ResponseCode | HttpBinding::Payload
    )
}

/// Stores a member, replacing an earlier occurrence of the same key (last one wins).
pub(crate) fn set_field(fields: &mut Vec<(u16, Value)>, index: u16, value: Value) {
    match fields.iter_mut().find(|(i, _)| *i == index) {
        Some(slot) => slot.1 = value,
        None => fields.push((index, value)),
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

fn empty_structure(schema: &Schema, shape: ShapeId) -> Value {
    match &schema.shape(shape).kind {
        ShapeKind::Structure { .. } => Value::Struct(Vec::new()),
        _ => Value::Null,
    }
}

fn serialization_error(e: serde_json::Error) -> DecodeError {
    DecodeError::Serialization(e.to_string())
}

/// What every seed needs: the schema and the naming rule.
#[derive(Clone, Copy)]
struct Reader<'s> {
    schema: &'s Schema,
    settings: JsonSettings,
}

/// Reads a value of `target`, or `null` as [`Value::Null`].
#[derive(Clone, Copy)]
struct ShapeSeed<'s> {
    reader: Reader<'s>,
    target: ShapeId,
    timestamp_format: Option<TimestampFormat>,
}

impl<'s> ShapeSeed<'s> {
    fn for_member(reader: Reader<'s>, member: &Member) -> Self {
        ShapeSeed { reader, target: member.target, timestamp_format: member.timestamp_format }
    }

    /// Reads a value known not to be `null`, dispatching on the shape's type.
    fn read_present<'de, D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let reader = self.reader;
        match &reader.schema.shape(self.target).kind {
            ShapeKind::Boolean => d.deserialize_bool(BoolVisitor),
            ShapeKind::String { .. } | ShapeKind::Enum(_) => d.deserialize_string(StringVisitor),
            ShapeKind::Byte => d.deserialize_i64(IntegerVisitor::of::<i8>("byte")),
            ShapeKind::Short => d.deserialize_i64(IntegerVisitor::of::<i16>("short")),
            ShapeKind::Integer => d.deserialize_i64(IntegerVisitor::of::<i32>("integer")),
            ShapeKind::IntEnum(_) => d.deserialize_i64(IntegerVisitor::of::<i32>("intEnum")),
            ShapeKind::Long => d.deserialize_i64(IntegerVisitor::of::<i64>("long")),
            ShapeKind::Float | ShapeKind::Double => d.deserialize_any(FloatVisitor),
            ShapeKind::BigInteger => d.deserialize_any(BigNumberVisitor { integer: true }),
            ShapeKind::BigDecimal => d.deserialize_any(BigNumberVisitor { integer: false }),
            ShapeKind::Blob { .. } => d.deserialize_str(BlobVisitor),
            ShapeKind::Timestamp => {
                d.deserialize_any(TimestampVisitor(self.timestamp_format.unwrap_or(TimestampFormat::EpochSeconds)))
            }
            ShapeKind::Document => Document::deserialize(d).map(|d| Value::Document(Box::new(d))),
            ShapeKind::List { member, sparse } => d.deserialize_seq(ListVisitor { reader, member, sparse: *sparse }),
            ShapeKind::Map { value, sparse, .. } => d.deserialize_map(MapVisitor { reader, value, sparse: *sparse }),
            ShapeKind::Structure { members } => d.deserialize_map(StructVisitor { reader, members, body_only: false }),
            ShapeKind::Union { members } => d.deserialize_map(UnionVisitor { reader, members }),
        }
    }
}

impl<'de> DeserializeSeed<'de> for ShapeSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_option(self)
    }
}

/// The seed is its own visitor for the null-or-value decision.
impl<'de> Visitor<'de> for ShapeSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.read_present(d)
    }
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
}

/// An integral JSON number within the range of the shape's integer type.
struct IntegerVisitor {
    type_name: &'static str,
    min: i64,
    max: i64,
}

impl IntegerVisitor {
    fn of<T: Into<i64> + Bounded>(type_name: &'static str) -> Self {
        IntegerVisitor { type_name, min: T::MIN_I64, max: T::MAX_I64 }
    }

    fn checked<E: de::Error>(&self, v: i64) -> Result<Value, E> {
        if (self.min..=self.max).contains(&v) {
            Ok(Value::Int(v))
        } else {
            Err(E::custom(format_args!("{v} is out of range for a {}", self.type_name)))
        }
    }
}

/// The range of each Smithy integer type, as `i64`.
trait Bounded {
    const MIN_I64: i64;
    const MAX_I64: i64;
}

macro_rules! bounded {
    ($($t:ty),*) => {$(
        impl Bounded for $t {
            const MIN_I64: i64 = <$t>::MIN as i64;
            const MAX_I64: i64 = <$t>::MAX as i64;
        }
    )*};
}
bounded!(i8, i16, i32, i64);

impl<'de> Visitor<'de> for IntegerVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an integer ({})", self.type_name)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.checked(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(v) => self.checked(v),
            Err(_) => Err(E::custom(format_args!("{v} is out of range for a {}", self.type_name))),
        }
    }

    /// serde_json reports numbers with a fraction or exponent, and integers too large for
    /// 64 bits, as floats: integral values in range are accepted, others rejected.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if v.fract() != 0.0 || !v.is_finite() {
            return Err(E::custom(format_args!("{v} is not an integer ({})", self.type_name)));
        }
        // `max as f64 + 1.0` is exact for every bound (a power of two), so this admits
        // exactly the integral floats that fit.
        if v >= self.min as f64 && v < self.max as f64 + 1.0 {
            Ok(Value::Int(v as i64))
        } else {
            Err(E::custom(format_args!("{v} is out of range for a {}", self.type_name)))
        }
    }
}

/// A JSON number, or one of the strings `NaN`, `Infinity` and `-Infinity`.
struct FloatVisitor;

impl<'de> Visitor<'de> for FloatVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or one of \"NaN\", \"Infinity\", \"-Infinity\"")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        match v {
            "NaN" => Ok(Value::Float(f64::NAN)),
            "Infinity" => Ok(Value::Float(f64::INFINITY)),
            "-Infinity" => Ok(Value::Float(f64::NEG_INFINITY)),
            _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
    }
}

struct BigNumberVisitor {
    integer: bool,
}

impl<'de> Visitor<'de> for BigNumberVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if self.integer { "an integer (bigInteger)" } else { "a number (bigDecimal)" })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::BigNum(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::BigNum(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if !v.is_finite() {
            return Err(E::invalid_value(Unexpected::Float(v), &self));
        }
        if !self.integer {
            return Ok(Value::BigNum(v.to_string()));
        }
        if v.fract() != 0.0 {
            return Err(E::invalid_value(Unexpected::Float(v), &self));
        }
        Ok(Value::BigNum(format!("{v:.0}")))
    }
}

/// A base64 string (standard alphabet, padded).
struct BlobVisitor;

impl<'de> Visitor<'de> for BlobVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a base64-encoded string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        match BASE64.decode(v) {
            Ok(bytes) => Ok(Value::Blob(Bytes::from(bytes))),
            Err(e) => Err(E::custom(format_args!("invalid base64 blob: {e}"))),
        }
    }
}

/// A timestamp in the member's format: a number for epoch seconds, a string otherwise.
struct TimestampVisitor(TimestampFormat);

impl TimestampVisitor {
    fn epoch<E: de::Error>(&self, time: Option<DateTime>, unexpected: Unexpected<'_>) -> Result<Value, E> {
        match (self.0, time) {
            (TimestampFormat::EpochSeconds, Some(t)) => Ok(Value::Timestamp(t)),
            (TimestampFormat::EpochSeconds, None) => Err(E::invalid_value(unexpected, self)),
            _ => Err(E::invalid_type(unexpected, self)),
        }
    }
}

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self.0 {
            TimestampFormat::EpochSeconds => "a timestamp in epoch seconds (a number)",
            TimestampFormat::DateTime => "an RFC 3339 date-time string in UTC",
            TimestampFormat::HttpDate => "an HTTP-date string",
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.epoch(Some(DateTime::from_secs(v)), Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.epoch(i64::try_from(v).ok().map(DateTime::from_secs), Unexpected::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.epoch(epoch_from_f64(v), Unexpected::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        let parsed = match self.0 {
            // UTC only: offsets are valid RFC 3339 but AWS rejects them in bodies.
            TimestampFormat::DateTime => DateTime::parse_rfc3339(v).filter(|_| v.ends_with(['Z', 'z'])),
            TimestampFormat::HttpDate => DateTime::parse_http_date(v),
            TimestampFormat::EpochSeconds => return Err(E::invalid_type(Unexpected::Str(v), &self)),
        };
        parsed.map(Value::Timestamp).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// Fractional epoch seconds rounded to the microsecond, so that `1398796238.123` reads as
/// exactly .123 seconds despite binary floating point.
pub(crate) fn epoch_from_f64(v: f64) -> Option<DateTime> {
    if !v.is_finite() || v.abs() > 1e15 {
        return None;
    }
    let secs = v.floor();
    let micros = ((v - secs) * 1e6).round() as u32;
    Some(DateTime::from_parts(secs as i64, micros * 1000))
}

struct ListVisitor<'s> {
    reader: Reader<'s>,
    member: &'static Member,
    sparse: bool,
}

impl<'de> Visitor<'de> for ListVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let seed = ShapeSeed::for_member(self.reader, self.member);
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(item) = seq.next_element_seed(seed)? {
            if item.is_null() && !self.sparse {
                return Err(de::Error::custom("null is not allowed in a non-sparse list"));
            }
            items.push(item);
        }
        Ok(Value::List(items))
    }
}

struct MapVisitor<'s> {
    reader: Reader<'s>,
    value: &'static Member,
    sparse: bool,
}

impl<'de> Visitor<'de> for MapVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object (map)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let seed = ShapeSeed::for_member(self.reader, self.value);
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(seed)?;
            if value.is_null() && !self.sparse {
                return Err(de::Error::custom(format_args!("null value for key {key:?} in a non-sparse map")));
            }
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

struct StructVisitor<'s> {
    reader: Reader<'s>,
    members: &'static [Member],
    /// Skip members bound to HTTP headers, labels, query or payload (REST bodies).
    body_only: bool,
}

impl<'de> Visitor<'de> for StructVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object (structure)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let keys = MemberKey { members: self.members, settings: self.reader.settings, body_only: self.body_only };
        // One allocation for typical inputs instead of growing 4, 8, 16.
        let mut fields = Vec::with_capacity(self.members.len().min(16));
        while let Some(found) = map.next_key_seed(keys)? {
            let KeyMatch::Member(index) = found else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let value = map.next_value_seed(ShapeSeed::for_member(self.reader, &self.members[index]))?;
            // `null` means absent.
            if !value.is_null() {
                set_field(&mut fields, index as u16, value);
            }
        }
        Ok(Value::Struct(fields))
    }
}

/// A union: exactly one member set to a non-null value.
struct UnionVisitor<'s> {
    reader: Reader<'s>,
    members: &'static [Member],
}

impl<'de> Visitor<'de> for UnionVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object with exactly one member (union)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let keys = MemberKey { members: self.members, settings: self.reader.settings, body_only: false };
        let mut chosen = None;
        while let Some(found) = map.next_key_seed(keys)? {
            match found {
                KeyMatch::Member(index) => {
                    let value = map.next_value_seed(ShapeSeed::for_member(self.reader, &self.members[index]))?;
                    if value.is_null() {
                        continue;
                    }
                    if chosen.is_some() {
                        return Err(de::Error::custom("a union must have exactly one member set, found several"));
                    }
                    chosen = Some((index as u16, value));
                }
                KeyMatch::TypeTag => {
                    map.next_value::<IgnoredAny>()?;
                }
                KeyMatch::Unknown => return Err(de::Error::custom("unknown union member")),
            }
        }
        match chosen {
            Some(field) => Ok(Value::Struct(vec![field])),
            None => Err(de::Error::custom("a union must have exactly one member set, found none")),
        }
    }
}

/// An empty or non-empty object whose contents are ignored.
struct AnyObjectVisitor;

impl<'de> Visitor<'de> for AnyObjectVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

enum KeyMatch {
    Member(usize),
    /// `__type`, which some clients send in unions and which is never a member.
    TypeTag,
    Unknown,
}

/// Matches an object key against the members without allocating.
#[derive(Clone, Copy)]
struct MemberKey {
    members: &'static [Member],
    settings: JsonSettings,
    body_only: bool,
}

impl<'de> DeserializeSeed<'de> for MemberKey {
    type Value = KeyMatch;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<KeyMatch, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberKey {
    type Value = KeyMatch;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<KeyMatch, E> {
        let found = self
            .members
            .iter()
            .position(|m| self.settings.member_name(m) == key && (!self.body_only || in_request_body(m)));
        Ok(match found {
            Some(index) => KeyMatch::Member(index),
            None if key == "__type" => KeyMatch::TypeTag,
            None => KeyMatch::Unknown,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// Writes a structure value of `shape` as a JSON object. With `body_members_only`,
/// members bound to response headers, the status code or the payload are left out;
/// request-only bindings (labels, query) mean nothing in a response, so those members stay
/// in the body.
///
/// Absent members with a `@default` are written with their default, as servers should.
pub fn write_body(
    schema: &Schema,
    shape: ShapeId,
    value: &Value,
    settings: JsonSettings,
    body_members_only: bool,
) -> Vec<u8> {
    let writer = Writer { schema, settings };
    // Room for a typical answer up front: growing copies what is written so far.
    let mut out = Vec::with_capacity(512);
    match &schema.shape(shape).kind {
        ShapeKind::Structure { members } | ShapeKind::Union { members } => {
            writer.structure(&mut out, members, value, body_members_only)
        }
        _ => writer.value(&mut out, shape, None, value),
    }
    out
}

/// Writes one value of shape `target` (restJson `@httpPayload` structures, unions and
/// documents). `member` supplies the member's traits (timestamp format).
pub fn write_value(
    schema: &Schema,
    target: ShapeId,
    member: Option<&Member>,
    value: &Value,
    settings: JsonSettings,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    Writer { schema, settings }.value(&mut out, target, member.and_then(|m| m.timestamp_format), value);
    out
}

/// Writes an error document: `{"__type": type_field, ...}` followed by the modelled
/// error's members, or by `message` and the extra fields of an unmodelled error.
pub fn write_error_document(
    schema: &Schema,
    err: &RenderedError,
    type_field: Option<&str>,
    settings: JsonSettings,
    body_members_only: bool,
) -> Vec<u8> {
    let writer = Writer { schema, settings };
    // Room for a typical answer up front: growing copies what is written so far.
    let mut out = Vec::with_capacity(512);
    let mut object = ObjectWriter::open(&mut out);
    if let Some(type_field) = type_field {
        write_string(object.key("__type"), type_field);
    }
    match err.shape.map(|s| &schema.shape(s).kind) {
        Some(ShapeKind::Structure { members }) => writer.members(&mut object, members, &err.value, body_members_only),
        _ => {
            if let Some(message) = &err.message {
                write_string(object.key("message"), message);
            }
            for (name, text) in &err.fields {
                write_string(object.key(name), text);
            }
        }
    }
    object.close();
    out
}

/// Writes `{`, then `,`-separated `"key":` prefixes, then `}`.
struct ObjectWriter<'o> {
    out: &'o mut Vec<u8>,
    empty: bool,
}

impl<'o> ObjectWriter<'o> {
    fn open(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        ObjectWriter { out, empty: true }
    }

    /// Writes the key and returns the buffer for its value.
    fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        write_string(self.out, key);
        self.out.push(b':');
        self.out
    }

    /// Writes a member's key: its Smithy name (identifier characters only) or its
    /// `jsonName` (which the generator refuses if it would need escaping), so the escape
    /// scan of [`write_string`] is skipped.
    fn member_key(&mut self, key: &'static str) -> &mut Vec<u8> {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.reserve(key.len() + 3);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    fn close(self) {
        self.out.push(b'}');
    }
}

#[derive(Clone, Copy)]
struct Writer<'s> {
    schema: &'s Schema,
    settings: JsonSettings,
}

impl Writer<'_> {
    fn structure(&self, out: &mut Vec<u8>, members: &'static [Member], value: &Value, body_only: bool) {
        let mut object = ObjectWriter::open(out);
        self.members(&mut object, members, value, body_only);
        object.close();
    }

    /// Writes the present members in value order, then the defaults of absent ones.
    fn members(&self, object: &mut ObjectWriter<'_>, members: &'static [Member], value: &Value, body_only: bool) {
        let fields: &[(u16, Value)] = match value {
            Value::Struct(fields) => fields,
            _ => &[],
        };
        let in_body = |m: &Member| !body_only || in_response_body(m);
        for (index, field) in fields {
            let Some(member) = members.get(*index as usize) else { continue };
            if field.is_null() || !in_body(member) {
                continue;
            }
            let out = object.member_key(self.settings.member_name(member));
            self.value(out, member.target, member.timestamp_format, field);
        }
        for (index, member) in members.iter().enumerate() {
            if member.default.is_none() || !in_body(member) {
                continue;
            }
            if fields.iter().any(|(i, v)| *i as usize == index && !v.is_null()) {
                continue;
            }
            let default = member.default.and_then(|d| defaults::default_value(self.schema, member.target, d));
            if let Some(default) = default {
                let out = object.member_key(self.settings.member_name(member));
                self.value(out, member.target, member.timestamp_format, &default);
            }
        }
    }

    /// Writes `value` as the shape `target` says; values that do not fit the shape are
    /// written as their own type rather than dropped.
    fn value(&self, out: &mut Vec<u8>, target: ShapeId, timestamp_format: Option<TimestampFormat>, value: &Value) {
        let kind = &self.schema.shape(target).kind;
        match (kind, value) {
            (_, Value::Null) => out.extend_from_slice(b"null"),
            (ShapeKind::Structure { members } | ShapeKind::Union { members }, Value::Struct(_)) => {
                self.structure(out, members, value, false)
            }
            (ShapeKind::List { member, sparse }, Value::List(items)) => self.list(out, member, *sparse, items),
            (ShapeKind::Map { value: member, sparse, .. }, Value::Map(entries)) => {
                self.map(out, member, *sparse, entries)
            }
            (ShapeKind::Float, Value::Float(f)) => write_float(out, *f, true),
            (ShapeKind::Timestamp, Value::Timestamp(t)) => {
                write_timestamp(out, *t, timestamp_format.unwrap_or(TimestampFormat::EpochSeconds))
            }
            (
                ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long | ShapeKind::IntEnum(_),
                Value::Float(f),
            ) if f.fract() == 0.0 => write_number(out, *f as i64),
            _ => write_untyped(out, value),
        }
    }

    fn list(&self, out: &mut Vec<u8>, member: &Member, sparse: bool, items: &[Value]) {
        out.push(b'[');
        let mut first = true;
        for item in items {
            // A dense list cannot hold nulls; dropping is the only valid rendering.
            if item.is_null() && !sparse {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            self.value(out, member.target, member.timestamp_format, item);
        }
        out.push(b']');
    }

    fn map(&self, out: &mut Vec<u8>, member: &Member, sparse: bool, entries: &[(String, Value)]) {
        let mut object = ObjectWriter::open(out);
        for (key, entry) in entries {
            if entry.is_null() && !sparse {
                continue;
            }
            let out = object.key(key);
            self.value(out, member.target, member.timestamp_format, entry);
        }
        object.close();
    }
}

/// Writes a value by its own type, for values without (or not matching) a shape.
fn write_untyped(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => write_number(out, *i),
        Value::Float(f) => write_float(out, *f, false),
        Value::BigNum(text) if is_json_number(text) => out.extend_from_slice(text.as_bytes()),
        Value::BigNum(text) | Value::Str(text) => write_string(out, text),
        Value::Blob(bytes) => write_base64(out, bytes),
        Value::Stream(ByteStream::Buffered(bytes)) => write_base64(out, bytes),
        Value::Stream(ByteStream::Streaming(_)) => out.extend_from_slice(b"null"),
        Value::Timestamp(t) => write_epoch_seconds(out, *t),
        Value::Document(doc) => write_serialized(out, doc),
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_untyped(out, item);
            }
            out.push(b']');
        }
        Value::Map(entries) => {
            let mut object = ObjectWriter::open(out);
            for (key, entry) in entries {
                write_untyped(object.key(key), entry);
            }
            object.close();
        }
        // Member names are unknown without a shape.
        Value::Struct(_) => out.extend_from_slice(b"{}"),
    }
}

/// Numbers through serde_json's formatters (itoa / ryu) straight into the buffer.
fn write_serialized<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing into a Vec cannot fail, and the values here always serialize.
    let _ = serde_json::to_writer(out, value);
}

fn write_number(out: &mut Vec<u8>, value: i64) {
    write_serialized(out, &value);
}

/// Non-finite values as the strings Smithy uses; `float` shapes with `f32` precision so
/// that 0.1f32 reads back as `0.1`, not `0.10000000149011612`.
fn write_float(out: &mut Vec<u8>, value: f64, single: bool) {
    if value.is_nan() {
        out.extend_from_slice(b"\"NaN\"");
    } else if value.is_infinite() {
        out.extend_from_slice(if value > 0.0 { b"\"Infinity\"" } else { b"\"-Infinity\"" });
    } else if single && (value as f32).is_finite() {
        write_serialized(out, &(value as f32));
    } else {
        write_serialized(out, &value);
    }
}

fn write_timestamp(out: &mut Vec<u8>, time: DateTime, format: TimestampFormat) {
    match format {
        TimestampFormat::EpochSeconds => write_epoch_seconds(out, time),
        TimestampFormat::DateTime => write_string(out, &time.to_rfc3339()),
        TimestampFormat::HttpDate => write_string(out, &time.to_http_date()),
    }
}

/// Epoch seconds as a JSON number, with a fraction only when there is one.
fn write_epoch_seconds(out: &mut Vec<u8>, time: DateTime) {
    let nanos = time.subsec_nanos();
    if nanos == 0 {
        return write_number(out, time.secs());
    }
    if time.secs() < 0 {
        // Before 1970 the whole part and the fraction have different signs.
        return write_serialized(out, &time.as_f64());
    }
    write_number(out, time.secs());
    let mut digits = [b'0'; 9];
    let mut rest = nanos;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let len = digits.iter().rposition(|&d| d != b'0').map_or(0, |p| p + 1);
    out.push(b'.');
    out.extend_from_slice(&digits[..len]);
}

fn write_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    let start = out.len();
    let len = base64::encoded_len(bytes.len(), true).unwrap_or(0);
    out.resize(start + len, 0);
    let written = BASE64.encode_slice(bytes, &mut out[start..]).unwrap_or(0);
    out.truncate(start + written);
    out.push(b'"');
}

/// Writes a JSON string literal, escaping quotes, backslashes and control characters.
pub(crate) fn write_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(text.len() + 2);
    out.push(b'"');
    let bytes = text.as_bytes();
    // Nearly every string needs no escape: a branch-free vector scan tells, and the text
    // is then copied whole.
    let needs_escape = crate::scan::any_of(bytes, b"\"\\", 0x20);
    if !needs_escape {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => &[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether `text` is a JSON number literal (so a bigInteger/bigDecimal can be written
/// verbatim without breaking the document).
fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int_start = i;
    let int_len = digits(&mut i);
    if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Hand-written schema tables shared by the codec tests of this crate's JSON and CBOR
/// protocols, modelled on the Smithy protocol-test services.
#[cfg(test)]
#[allow(dead_code)]
pub(crate) mod fixture {
    use crate::schema::*;

    pub const fn member(name: &'static str, target: ShapeId) -> Member {
        Member { name, target, ..Member::DEFAULT }
    }

    const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
        Shape { name, kind, ..Shape::DEFAULT }
    }

    const fn error_shape(name: &'static str, members: &'static [Member], info: ErrorInfo) -> Shape {
        Shape {
            name,
            kind: ShapeKind::Structure { members },
            xml_name: None,
            xml_namespace: None,
            error: Some(info),
            internal_values: &[],
        }
    }

    const fn defaulted(name: &'static str, target: ShapeId, default: &'static DefaultValue) -> Member {
        Member { default: Some(default), ..member(name, target) }
    }

    pub const STRING: ShapeId = 0;
    pub const BOOLEAN: ShapeId = 1;
    pub const BYTE: ShapeId = 2;
    pub const SHORT: ShapeId = 3;
    pub const INTEGER: ShapeId = 4;
    pub const LONG: ShapeId = 5;
    pub const FLOAT: ShapeId = 6;
    pub const DOUBLE: ShapeId = 7;
    pub const BIG_INTEGER: ShapeId = 8;
    pub const BIG_DECIMAL: ShapeId = 9;
    pub const TIMESTAMP: ShapeId = 10;
    pub const BLOB: ShapeId = 11;
    pub const DOCUMENT: ShapeId = 12;
    pub const FOO_ENUM: ShapeId = 13;
    pub const INT_ENUM: ShapeId = 14;
    pub const STRING_LIST: ShapeId = 15;
    pub const SPARSE_STRING_LIST: ShapeId = 16;
    pub const STRING_MAP: ShapeId = 17;
    pub const SPARSE_STRING_MAP: ShapeId = 18;
    pub const SIMPLE_STRUCT: ShapeId = 19;
    pub const STRUCT_LIST: ShapeId = 20;
    pub const STRUCT_MAP: ShapeId = 21;
    pub const UNION: ShapeId = 22;
    pub const KITCHEN_SINK: ShapeId = 23;
    pub const KITCHEN_SINK_LIST: ShapeId = 24;
    pub const DEFAULTS: ShapeId = 25;
    pub const COMPLEX_ERROR: ShapeId = 26;
    pub const COMPLEX_NESTED: ShapeId = 27;
    pub const INVALID_GREETING: ShapeId = 28;
    pub const CUSTOM_CODE_ERROR: ShapeId = 29;
    pub const EMPTY_STRUCT: ShapeId = 30;
    pub const TIMESTAMP_LIST: ShapeId = 31;
    pub const BLOB_LIST: ShapeId = 32;
    pub const SIMPLE_SCALARS: ShapeId = 33;

    static STRING_MEMBER: Member = member("member", STRING);
    static STRING_KEY: Member = member("key", STRING);
    static SIMPLE_STRUCT_MEMBER: Member = member("member", SIMPLE_STRUCT);
    static KITCHEN_SINK_MEMBER: Member = member("member", KITCHEN_SINK);
    static TIMESTAMP_MEMBER: Member = member("member", TIMESTAMP);
    static BLOB_MEMBER: Member = member("member", BLOB);

    static SIMPLE_STRUCT_MEMBERS: [Member; 1] = [member("Value", STRING)];
    static UNION_MEMBERS: [Member; 5] = [
        member("stringValue", STRING),
        member("integerValue", INTEGER),
        member("structureValue", SIMPLE_STRUCT),
        member("listValue", STRING_LIST),
        member("timestampValue", TIMESTAMP),
    ];
    static KITCHEN_SINK_MEMBERS: [Member; 31] = [
        member("String", STRING),
        member("Boolean", BOOLEAN),
        member("Byte", BYTE),
        member("Short", SHORT),
        member("Integer", INTEGER),
        member("Long", LONG),
        member("Float", FLOAT),
        member("Double", DOUBLE),
        member("BigInteger", BIG_INTEGER),
        member("BigDecimal", BIG_DECIMAL),
        member("Timestamp", TIMESTAMP),
        Member { timestamp_format: Some(TimestampFormat::DateTime), ..member("Iso8601Timestamp", TIMESTAMP) },
        Member { timestamp_format: Some(TimestampFormat::HttpDate), ..member("HttpdateTimestamp", TIMESTAMP) },
        member("Blob", BLOB),
        member("Document", DOCUMENT),
        member("Enum", FOO_ENUM),
        member("IntEnum", INT_ENUM),
        member("ListOfStrings", STRING_LIST),
        member("SparseList", SPARSE_STRING_LIST),
        member("MapOfStrings", STRING_MAP),
        member("SparseMap", SPARSE_STRING_MAP),
        member("ListOfStructs", STRUCT_LIST),
        member("MapOfStructs", STRUCT_MAP),
        member("Union", UNION),
        member("RecursiveList", KITCHEN_SINK_LIST),
        Member { http: HttpBinding::Header("x-header"), ..member("HeaderValue", STRING) },
        Member { json_name: Some("renamed"), ..member("JsonNamed", STRING) },
        member("SimpleStruct", SIMPLE_STRUCT),
        member("TimestampList", TIMESTAMP_LIST),
        member("BlobList", BLOB_LIST),
        Member { http: HttpBinding::Query("q"), ..member("QueryValue", STRING) },
    ];
    static DEFAULTS_MEMBERS: [Member; 14] = [
        defaulted("defaultString", STRING, &DefaultValue::Str("hi")),
        defaulted("defaultBoolean", BOOLEAN, &DefaultValue::Bool(true)),
        defaulted("defaultList", STRING_LIST, &DefaultValue::EmptyList),
        defaulted("defaultDocumentMap", DOCUMENT, &DefaultValue::EmptyMap),
        defaulted("defaultDocumentString", DOCUMENT, &DefaultValue::Str("hi")),
        defaulted("defaultTimestamp", TIMESTAMP, &DefaultValue::Int(0)),
        defaulted("defaultBlob", BLOB, &DefaultValue::Str("YWJj")),
        defaulted("defaultByte", BYTE, &DefaultValue::Int(1)),
        defaulted("defaultFloat", FLOAT, &DefaultValue::Float(1.0)),
        defaulted("defaultMap", STRING_MAP, &DefaultValue::EmptyMap),
        defaulted("defaultEnum", FOO_ENUM, &DefaultValue::Str("FOO")),
        defaulted("defaultIntEnum", INT_ENUM, &DefaultValue::Int(1)),
        defaulted("zeroInteger", INTEGER, &DefaultValue::Int(0)),
        member("noDefault", STRING),
    ];
    /// The rpcv2Cbor protocol tests' `SimpleScalarStructure`, for their test vectors.
    static SIMPLE_SCALAR_MEMBERS: [Member; 10] = [
        member("trueBooleanValue", BOOLEAN),
        member("falseBooleanValue", BOOLEAN),
        member("byteValue", BYTE),
        member("doubleValue", DOUBLE),
        member("floatValue", FLOAT),
        member("integerValue", INTEGER),
        member("longValue", LONG),
        member("shortValue", SHORT),
        member("stringValue", STRING),
        member("blobValue", BLOB),
    ];
    static COMPLEX_ERROR_MEMBERS: [Member; 2] = [member("TopLevel", STRING), member("Nested", COMPLEX_NESTED)];
    static COMPLEX_NESTED_MEMBERS: [Member; 1] = [member("Foo", STRING)];
    static GREETING_MEMBERS: [Member; 1] = [member("Message", STRING)];
    static CUSTOM_CODE_MEMBERS: [Member; 1] = [member("message", STRING)];

    const CLIENT_ERROR: ErrorInfo =
        ErrorInfo { fault: Fault::Client, http_status: 400, query_code: None, query_status: None };

    pub static SHAPES: [Shape; 34] = [
        shape("String", ShapeKind::String { media_type: None }),
        shape("Boolean", ShapeKind::Boolean),
        shape("Byte", ShapeKind::Byte),
        shape("Short", ShapeKind::Short),
        shape("Integer", ShapeKind::Integer),
        shape("Long", ShapeKind::Long),
        shape("Float", ShapeKind::Float),
        shape("Double", ShapeKind::Double),
        shape("BigInteger", ShapeKind::BigInteger),
        shape("BigDecimal", ShapeKind::BigDecimal),
        shape("Timestamp", ShapeKind::Timestamp),
        shape("Blob", ShapeKind::Blob { streaming: false, media_type: None }),
        shape("Document", ShapeKind::Document),
        shape("FooEnum", ShapeKind::Enum(&[("FOO", "Foo"), ("ZERO", "0")])),
        shape("IntEnum", ShapeKind::IntEnum(&[("A", 1), ("B", 2)])),
        shape("StringList", ShapeKind::List { member: &STRING_MEMBER, sparse: false }),
        shape("SparseStringList", ShapeKind::List { member: &STRING_MEMBER, sparse: true }),
        shape("StringMap", ShapeKind::Map { key: &STRING_KEY, value: &STRING_MEMBER, sparse: false }),
        shape("SparseStringMap", ShapeKind::Map { key: &STRING_KEY, value: &STRING_MEMBER, sparse: true }),
        shape("SimpleStruct", ShapeKind::Structure { members: &SIMPLE_STRUCT_MEMBERS }),
        shape("StructList", ShapeKind::List { member: &SIMPLE_STRUCT_MEMBER, sparse: false }),
        shape("StructMap", ShapeKind::Map { key: &STRING_KEY, value: &SIMPLE_STRUCT_MEMBER, sparse: false }),
        shape("MyUnion", ShapeKind::Union { members: &UNION_MEMBERS }),
        shape("KitchenSink", ShapeKind::Structure { members: &KITCHEN_SINK_MEMBERS }),
        shape("KitchenSinkList", ShapeKind::List { member: &KITCHEN_SINK_MEMBER, sparse: false }),
        shape("Defaults", ShapeKind::Structure { members: &DEFAULTS_MEMBERS }),
        error_shape("ComplexError", &COMPLEX_ERROR_MEMBERS, CLIENT_ERROR),
        shape("ComplexNestedErrorData", ShapeKind::Structure { members: &COMPLEX_NESTED_MEMBERS }),
        error_shape("InvalidGreeting", &GREETING_MEMBERS, CLIENT_ERROR),
        error_shape(
            "CustomCodeError",
            &CUSTOM_CODE_MEMBERS,
            ErrorInfo {
                fault: Fault::Client,
                http_status: 400,
                query_code: Some("Customized"),
                query_status: Some(402),
            },
        ),
        shape("EmptyStruct", ShapeKind::Structure { members: &[] }),
        shape("TimestampList", ShapeKind::List { member: &TIMESTAMP_MEMBER, sparse: false }),
        shape("BlobList", ShapeKind::List { member: &BLOB_MEMBER, sparse: false }),
        shape("SimpleScalarStructure", ShapeKind::Structure { members: &SIMPLE_SCALAR_MEMBERS }),
    ];

    const fn operation(name: &'static str, input: ShapeId, output: ShapeId, unit: bool) -> Operation {
        Operation {
            name,
            input,
            output,
            errors: &[COMPLEX_ERROR, INVALID_GREETING],
            http: None,
            unit_input: unit,
            unit_output: unit,
        }
    }

    /// Sorted by name, as the generator emits them.
    pub static OPERATIONS: [Operation; 5] = [
        operation("EmptyInputAndEmptyOutput", EMPTY_STRUCT, EMPTY_STRUCT, false),
        operation("KitchenSinkOperation", KITCHEN_SINK, KITCHEN_SINK, false),
        operation("NoInputAndNoOutput", EMPTY_STRUCT, EMPTY_STRUCT, true),
        operation("OperationWithDefaults", DEFAULTS, DEFAULTS, false),
        operation("SimpleScalarProperties", SIMPLE_SCALARS, SIMPLE_SCALARS, false),
    ];

    pub const fn service(shape_name: &'static str, namespace: &'static str, query_compatible: bool) -> ServiceInfo {
        ServiceInfo {
            name: "test",
            shape_name,
            namespace,
            version: "2020-07-14",
            signing_name: "test",
            target_prefix: shape_name,
            protocols: &[Protocol::AwsJson1_0, Protocol::AwsJson1_1, Protocol::RpcV2Cbor],
            query_compatible,
            xml_namespace: None,
            xml_no_error_wrapping: false,
            validation: ValidationStyle::Aws,
            validation_code: "ValidationException",
        }
    }

    const NAMESPACE: &str = "aws.protocoltests.json10";
    pub static SCHEMA: Schema = Schema {
        service: service("JsonRpc10", NAMESPACE, false),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };
    pub static QUERY_SCHEMA: Schema = Schema {
        service: service("QueryCompatibleJsonRpc10", NAMESPACE, true),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };

    /// Index of a SimpleScalarStructure member by name.
    pub fn scalar(name: &str) -> u16 {
        SIMPLE_SCALAR_MEMBERS.iter().position(|m| m.name == name).expect("simple scalar member") as u16
    }

    /// Index of a KitchenSink member by name.
    pub fn ks(name: &str) -> u16 {
        KITCHEN_SINK_MEMBERS.iter().position(|m| m.name == name).expect("kitchen sink member") as u16
    }

    /// A tiny xorshift PRNG for the fuzz-style tests (no dependency, reproducible).
    pub struct XorShift(pub u64);

    impl XorShift {
        pub fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        pub fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::*;
    use super::*;

    const AWS: JsonSettings = JsonSettings::AWS_JSON;
    const REST: JsonSettings = JsonSettings::REST_JSON;

    fn read(body: &str) -> Result<Value, DecodeError> {
        read_body(&SCHEMA, KITCHEN_SINK, body.as_bytes(), AWS, false)
    }

    fn read_ok(body: &str) -> Value {
        read(body).unwrap_or_else(|e| panic!("{body}: {e:?}"))
    }

    fn assert_rejected(body: &str) {
        match read(body) {
            Err(DecodeError::Serialization(_)) => {}
            other => panic!("{body} should be a serialization error, got {other:?}"),
        }
    }

    fn fields(pairs: Vec<(&str, Value)>) -> Value {
        Value::Struct(pairs.into_iter().map(|(name, v)| (ks(name), v)).collect())
    }

    fn s(text: &str) -> Value {
        Value::Str(text.to_owned())
    }

    fn simple(text: &str) -> Value {
        Value::Struct(vec![(0, s(text))])
    }

    fn json(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(bytes)))
    }

    fn write(value: &Value) -> serde_json::Value {
        json(&write_body(&SCHEMA, KITCHEN_SINK, value, AWS, false))
    }

    #[test]
    fn reads_every_scalar_type() {
        let value = read_ok(
            r#"{"String":"abc \"q\" \u00e9","Boolean":true,"Byte":-128,"Short":32767,"Integer":-2147483648,
               "Long":9223372036854775807,"Float":1234.5,"Double":123456789.12345679,"BigInteger":12345678901234567890,
               "BigDecimal":1.5,"Timestamp":946845296,"Iso8601Timestamp":"2000-01-02T20:34:56Z",
               "HttpdateTimestamp":"Sun, 02 Jan 2000 20:34:56 GMT","Blob":"YmluYXJ5LXZhbHVl",
               "Document":{"foo":[1,"bar",null]},"Enum":"Foo","IntEnum":2}"#,
        );
        let t = DateTime::from_secs(946845296);
        assert_eq!(
            value,
            fields(vec![
                ("String", s("abc \"q\" é")),
                ("Boolean", Value::Bool(true)),
                ("Byte", Value::Int(-128)),
                ("Short", Value::Int(32767)),
                ("Integer", Value::Int(-2147483648)),
                ("Long", Value::Int(i64::MAX)),
                ("Float", Value::Float(1234.5)),
                ("Double", Value::Float(123456789.12345679)),
                ("BigInteger", Value::BigNum("12345678901234567890".into())),
                ("BigDecimal", Value::BigNum("1.5".into())),
                ("Timestamp", Value::Timestamp(t)),
                ("Iso8601Timestamp", Value::Timestamp(t)),
                ("HttpdateTimestamp", Value::Timestamp(t)),
                ("Blob", Value::Blob(Bytes::from_static(b"binary-value"))),
                ("Document", Value::Document(Box::new(serde_json::json!({"foo": [1, "bar", null]})))),
                ("Enum", s("Foo")),
                ("IntEnum", Value::Int(2)),
            ])
        );
    }

    #[test]
    fn reads_nested_collections_and_recursive_structures() {
        let value = read_ok(
            r#"{"ListOfStrings":["a","b"],"MapOfStrings":{"k":"v"},"ListOfStructs":[{"Value":"x"},{}],
               "MapOfStructs":{"one":{"Value":"1"}},
               "RecursiveList":[{"RecursiveList":[{"String":"deep","SimpleStruct":{"Value":"s"}}]}]}"#,
        );
        let deep = fields(vec![("String", s("deep")), ("SimpleStruct", simple("s"))]);
        assert_eq!(
            value,
            fields(vec![
                ("ListOfStrings", Value::List(vec![s("a"), s("b")])),
                ("MapOfStrings", Value::Map(vec![("k".into(), s("v"))])),
                ("ListOfStructs", Value::List(vec![simple("x"), Value::Struct(vec![])])),
                ("MapOfStructs", Value::Map(vec![("one".into(), simple("1"))])),
                ("RecursiveList", Value::List(vec![fields(vec![("RecursiveList", Value::List(vec![deep]))])])),
            ])
        );
    }

    #[test]
    fn null_members_are_absent_and_unknown_members_ignored() {
        let value = read_ok(r#"{"String":null,"Nope":{"deep":[1,2,{"x":null}]},"Integer":5,"__type":"x"}"#);
        assert_eq!(value, fields(vec![("Integer", Value::Int(5))]));
        assert!(value.field(ks("String")).is_none());
    }

    #[test]
    fn later_duplicate_keys_win() {
        assert_eq!(read_ok(r#"{"Integer":1,"Integer":2}"#), fields(vec![("Integer", Value::Int(2))]));
    }

    #[test]
    fn sparse_collections_keep_nulls_and_dense_ones_reject_them() {
        let value = read_ok(r#"{"SparseList":["a",null],"SparseMap":{"k":null}}"#);
        assert_eq!(
            value,
            fields(vec![
                ("SparseList", Value::List(vec![s("a"), Value::Null])),
                ("SparseMap", Value::Map(vec![("k".into(), Value::Null)])),
            ])
        );
        assert_rejected(r#"{"ListOfStrings":["a",null,"b"]}"#);
        assert_rejected(r#"{"MapOfStrings":{"abc":null}}"#);
        assert_rejected(r#"{"MapOfStrings":{null:"abc"}}"#);
    }

    #[test]
    fn reads_timestamps_in_each_format() {
        let epoch = read_ok(r#"{"Timestamp":1398796238.123}"#);
        assert_eq!(
            epoch.field(ks("Timestamp")),
            Some(&Value::Timestamp(DateTime::from_parts(1398796238, 123_000_000)))
        );
        let negative = read_ok(r#"{"Timestamp":-1.5}"#);
        assert_eq!(negative.field(ks("Timestamp")), Some(&Value::Timestamp(DateTime::from_parts(-2, 500_000_000))));
        let fractional = read_ok(r#"{"Iso8601Timestamp":"1985-04-12T23:20:50.52Z"}"#);
        assert_eq!(
            fractional.field(ks("Iso8601Timestamp")),
            Some(&Value::Timestamp(DateTime::parse_rfc3339("1985-04-12T23:20:50.52Z").unwrap()))
        );
        // Each format rejects the others' representations.
        for bad in [
            r#"{"Timestamp":"1515531081"}"#,
            r#"{"Timestamp":"1985-04-12T23:20:50Z"}"#,
            r#"{"Timestamp":true}"#,
            r#"{"Iso8601Timestamp":1515531081}"#,
            r#"{"Iso8601Timestamp":"1996-12-19T16:39:57-08:00"}"#,
            r#"{"Iso8601Timestamp":"1996-12-19T16:39:57"}"#,
            r#"{"Iso8601Timestamp":"Tue, 29 Apr 2014 18:30:38 GMT"}"#,
            r#"{"HttpdateTimestamp":1515531081}"#,
            r#"{"HttpdateTimestamp":"1985-04-12T23:20:50Z"}"#,
        ] {
            assert_rejected(bad);
        }
    }

    #[test]
    fn reads_blobs_and_rejects_bad_base64() {
        let value = read_ok(r#"{"Blob":"","BlobList":["Zm9v","YmFy"]}"#);
        assert_eq!(value.field(ks("Blob")), Some(&Value::Blob(Bytes::new())));
        assert_eq!(
            value.field(ks("BlobList")),
            Some(&Value::List(vec![Value::Blob(Bytes::from_static(b"foo")), Value::Blob(Bytes::from_static(b"bar"))]))
        );
        for bad in ["\"xyz\"", "\"YmxvYg=\"", "[98, 108]", "981081198", "true", "\"-_==\""] {
            assert_rejected(&format!(r#"{{"Blob":{bad}}}"#));
        }
    }

    #[test]
    fn reads_non_numeric_floats() {
        let value = read_ok(r#"{"Float":"NaN","Double":"-Infinity"}"#);
        assert!(matches!(value.field(ks("Float")), Some(Value::Float(f)) if f.is_nan()));
        assert_eq!(value.field(ks("Double")), Some(&Value::Float(f64::NEG_INFINITY)));
        assert_eq!(read_ok(r#"{"Double":"Infinity"}"#).field(ks("Double")), Some(&Value::Float(f64::INFINITY)));
        assert_eq!(read_ok(r#"{"Double":7}"#).field(ks("Double")), Some(&Value::Float(7.0)));
        for bad in ["\"123\"", "true", "\"nan\"", "Infinity", "NaN", "2ABC", "0x42"] {
            assert_rejected(&format!(r#"{{"Double":{bad}}}"#));
        }
    }

    #[test]
    fn integers_must_be_integral_and_in_range() {
        assert_eq!(read_ok(r#"{"Byte":127}"#).field(ks("Byte")), Some(&Value::Int(127)));
        assert_eq!(read_ok(r#"{"Integer":1e2}"#).field(ks("Integer")), Some(&Value::Int(100)));
        assert_eq!(read_ok(r#"{"Long":-9223372036854775808}"#).field(ks("Long")), Some(&Value::Int(i64::MIN)));
        for (member, bad) in [
            ("Byte", "256"),
            ("Byte", "-129"),
            ("Short", "40000"),
            ("Integer", "2147483648"),
            ("Integer", "-9223372000000000000"),
            ("Long", "9223372036854775808"),
            ("Long", "184467440737095500000"),
            ("Long", "123000000000000000000000"),
            ("IntEnum", "1.5"),
            ("Integer", "1.001"),
            ("Integer", "\"123\""),
            ("Integer", "true"),
            ("Integer", "\"Infinity\""),
            ("Integer", "-Infinity"),
            ("Integer", "0x42"),
            ("BigInteger", "1.5"),
            ("BigInteger", "\"1\""),
        ] {
            assert_rejected(&format!(r#"{{"{member}":{bad}}}"#));
        }
    }

    #[test]
    fn type_mismatches_are_serialization_errors() {
        for bad in [
            r#"{"String":1}"#,
            r#"{"Boolean":"true"}"#,
            r#"{"Boolean":1}"#,
            r#"{"ListOfStrings":"a"}"#,
            r#"{"ListOfStrings":[1]}"#,
            r#"{"MapOfStrings":["a"]}"#,
            r#"{"SimpleStruct":"x"}"#,
            r#"{"Enum":1}"#,
        ] {
            assert_rejected(bad);
        }
        let Err(DecodeError::Serialization(message)) = read(r#"{"Byte":256}"#) else { panic!() };
        assert!(message.contains("out of range for a byte"), "{message}");
    }

    #[test]
    fn reads_unions() {
        let value = read_ok(r#"{"Union":{"structureValue":{"Value":"hi"},"listValue":null,"__type":"ignored"}}"#);
        assert_eq!(value.field(ks("Union")), Some(&Value::Struct(vec![(2, simple("hi"))])));
        let timestamp = read_ok(r#"{"Union":{"timestampValue":1398796238}}"#);
        assert_eq!(
            timestamp.field(ks("Union")),
            Some(&Value::Struct(vec![(4, Value::Timestamp(DateTime::from_secs(1398796238)))]))
        );
        for bad in [
            r#"{"Union":{"integerValue":2,"stringValue":"three"}}"#,
            r#"{"Union":{"integerValue":2,"unknownField":"three"}}"#,
            r#"{"Union":{"integerValue":null}}"#,
            r#"{"Union":{}}"#,
            r#"{"Union":["integerValue"]}"#,
            r#"{"Union":{"unknown":"hello"}}"#,
        ] {
            assert_rejected(bad);
        }
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [
            "{[",
            "{ \"Integer\": 10 }abc",
            "abc{ \"Integer\": 10 }",
            "{\n \"Integer\": 10 // comment\n}",
            "{\n \"Integer\": 10 /* comment */\n}",
            "{\"Integer\" :\u{c}10}",
            "{'Integer': 10}",
            "{\"Integer\": 10,}",
            "[{ \"Integer\": 10}]",
            "10",
            "null",
            "\"x\"",
            "{\"ListOfStrings\" : [\"a\", \"b\", \"c\" }",
            "{\"String\":\"\u{1}\"}",
            "{\"String\":\"\\x\"}",
            "{\"String\":\"\\ud800\"}",
        ] {
            assert_rejected(bad);
        }
        let invalid_utf8 = read_body(&SCHEMA, KITCHEN_SINK, b"{\"String\":\"\xff\"}", AWS, false);
        assert!(matches!(invalid_utf8, Err(DecodeError::Serialization(_))));
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let depth = 100_000;
        let body = format!("{{\"RecursiveList\":{}", "[{\"RecursiveList\":".repeat(depth));
        assert_rejected(&body);
        let document = format!("{{\"Document\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        assert_rejected(&document);
    }

    #[test]
    fn empty_body_reads_as_empty_object() {
        assert_eq!(read_ok(""), Value::Struct(vec![]));
        assert_eq!(read_ok(" \n"), Value::Struct(vec![]));
        assert_eq!(read_body(&SCHEMA, EMPTY_STRUCT, b"{}", AWS, false), Ok(Value::Struct(vec![])));
        // Defaults are the pipeline's job (`defaults::fill`), not the reader's.
        assert_eq!(read_body(&SCHEMA, DEFAULTS, b"", AWS, false), Ok(Value::Struct(vec![])));
        let partial = read_body(&SCHEMA, DEFAULTS, br#"{"defaultString":"bye","noDefault":"x"}"#, AWS, false).unwrap();
        assert_eq!(partial, Value::Struct(vec![(0, s("bye")), (13, s("x"))]));
    }

    #[test]
    fn body_members_only_skips_bound_members() {
        let body = br#"{"HeaderValue":"from-body","QueryValue":"q","String":"x"}"#;
        let rest = read_body(&SCHEMA, KITCHEN_SINK, body, REST, true).unwrap();
        assert_eq!(rest, fields(vec![("String", s("x"))]));
        let rpc = read_body(&SCHEMA, KITCHEN_SINK, body, AWS, false).unwrap();
        assert_eq!(rpc.field(ks("HeaderValue")), Some(&s("from-body")));
        assert_eq!(rpc.field(ks("QueryValue")), Some(&s("q")));

        // In responses only response bindings count: a query-bound member is body content.
        let value = fields(vec![("HeaderValue", s("h")), ("QueryValue", s("q")), ("String", s("x"))]);
        let written = json(&write_body(&SCHEMA, KITCHEN_SINK, &value, REST, true));
        assert_eq!(written, serde_json::json!({"String": "x", "QueryValue": "q"}));
    }

    #[test]
    fn json_name_applies_only_when_asked() {
        let rest = read_body(&SCHEMA, KITCHEN_SINK, br#"{"renamed":"a","JsonNamed":"b"}"#, REST, false).unwrap();
        assert_eq!(rest, fields(vec![("JsonNamed", s("a"))]));
        let rpc = read_body(&SCHEMA, KITCHEN_SINK, br#"{"renamed":"a","JsonNamed":"b"}"#, AWS, false).unwrap();
        assert_eq!(rpc, fields(vec![("JsonNamed", s("b"))]));
        let value = fields(vec![("JsonNamed", s("v"))]);
        assert_eq!(json(&write_body(&SCHEMA, KITCHEN_SINK, &value, REST, false)), serde_json::json!({"renamed": "v"}));
        assert_eq!(write(&value), serde_json::json!({"JsonNamed": "v"}));
    }

    fn kitchen_sink_value() -> Value {
        let t = DateTime::from_parts(946845296, 250_000_000);
        fields(vec![
            ("String", s("line\nbreak \"quoted\" \\ \u{1} \u{1f} é 😀")),
            ("Boolean", Value::Bool(false)),
            ("Byte", Value::Int(-5)),
            ("Short", Value::Int(300)),
            ("Integer", Value::Int(70000)),
            ("Long", Value::Int(-9007199254740993)),
            ("Float", Value::Float(0.1f32 as f64)),
            ("Double", Value::Float(0.1)),
            ("BigInteger", Value::BigNum("-12345678901234567".into())),
            ("BigDecimal", Value::BigNum("1.25e-3".into())),
            ("Timestamp", Value::Timestamp(t)),
            ("Iso8601Timestamp", Value::Timestamp(t)),
            ("HttpdateTimestamp", Value::Timestamp(DateTime::from_secs(946845296))),
            ("Blob", Value::Blob(Bytes::from_static(b"\x00\x01binary\xff"))),
            ("Document", Value::Document(Box::new(serde_json::json!({"a": [1.5, true, null, "x"]})))),
            ("Enum", s("0")),
            ("IntEnum", Value::Int(1)),
            ("ListOfStrings", Value::List(vec![s("a"), s("")])),
            ("SparseList", Value::List(vec![Value::Null, s("b")])),
            ("MapOfStrings", Value::Map(vec![("k\"ey".into(), s("v"))])),
            ("SparseMap", Value::Map(vec![("n".into(), Value::Null)])),
            ("ListOfStructs", Value::List(vec![simple("1"), Value::Struct(vec![])])),
            ("MapOfStructs", Value::Map(vec![("m".into(), simple("2"))])),
            ("Union", Value::Struct(vec![(3, Value::List(vec![s("u")]))])),
            ("RecursiveList", Value::List(vec![fields(vec![("Integer", Value::Int(123))])])),
            ("TimestampList", Value::List(vec![Value::Timestamp(DateTime::from_secs(-1))])),
        ])
    }

    #[test]
    fn writes_what_it_reads() {
        let value = kitchen_sink_value();
        let bytes = write_body(&SCHEMA, KITCHEN_SINK, &value, AWS, false);
        let reread = read_body(&SCHEMA, KITCHEN_SINK, &bytes, AWS, false).unwrap();
        let Value::Struct(mut expected) = value else { unreachable!() };
        // Writing the float shape with f32 precision reads back as the shortest f32 text.
        let float = expected.iter_mut().find(|(i, _)| *i == ks("Float")).unwrap();
        float.1 = Value::Float(0.1);
        // Big numbers come back in serde_json's canonical decimal form.
        let decimal = expected.iter_mut().find(|(i, _)| *i == ks("BigDecimal")).unwrap();
        decimal.1 = Value::BigNum("0.00125".into());
        assert_eq!(reread, Value::Struct(expected), "{}", String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn writes_shapes_in_their_wire_forms() {
        let written = write(&kitchen_sink_value());
        assert_eq!(written["Float"], serde_json::json!(0.1));
        assert_eq!(written["Timestamp"], serde_json::json!(946845296.25));
        assert_eq!(written["Iso8601Timestamp"], "2000-01-02T20:34:56.25Z");
        assert_eq!(written["HttpdateTimestamp"], "Sun, 02 Jan 2000 20:34:56 GMT");
        assert_eq!(written["Blob"], "AAFiaW5hcnn/");
        assert_eq!(written["BigDecimal"], serde_json::json!(1.25e-3));
        assert_eq!(written["SparseList"], serde_json::json!([null, "b"]));
        assert_eq!(written["SparseMap"], serde_json::json!({"n": null}));
        assert_eq!(written["Union"], serde_json::json!({"listValue": ["u"]}));
        assert_eq!(written["TimestampList"], serde_json::json!([-1]));
        let text = String::from_utf8(write_body(&SCHEMA, KITCHEN_SINK, &kitchen_sink_value(), AWS, false)).unwrap();
        assert!(text.contains(r#""line\nbreak \"quoted\" \\ \u0001 \u001f é 😀""#), "{text}");
        assert!(text.contains(r#""BigInteger":-12345678901234567"#), "{text}");
    }

    #[test]
    fn writes_non_numeric_floats_as_strings() {
        let value = fields(vec![
            ("Float", Value::Float(f64::NAN)),
            ("Double", Value::Float(f64::INFINITY)),
            ("Document", Value::Document(Box::new(serde_json::json!(1)))),
        ]);
        assert_eq!(write(&value), serde_json::json!({"Float": "NaN", "Double": "Infinity", "Document": 1}));
        let negative = fields(vec![("Double", Value::Float(f64::NEG_INFINITY))]);
        assert_eq!(write(&negative), serde_json::json!({"Double": "-Infinity"}));
    }

    #[test]
    fn dense_collections_drop_null_entries_when_written() {
        let value = fields(vec![
            ("ListOfStrings", Value::List(vec![s("a"), Value::Null])),
            ("MapOfStrings", Value::Map(vec![("x".into(), Value::Null)])),
            ("String", Value::Null),
        ]);
        assert_eq!(write(&value), serde_json::json!({"ListOfStrings": ["a"], "MapOfStrings": {}}));
    }

    #[test]
    fn writes_empty_and_default_outputs() {
        assert_eq!(write_body(&SCHEMA, EMPTY_STRUCT, &Value::Struct(vec![]), AWS, false), b"{}");
        assert_eq!(write_body(&SCHEMA, EMPTY_STRUCT, &Value::Null, AWS, false), b"{}");
        let defaults = json(&write_body(&SCHEMA, DEFAULTS, &Value::Struct(vec![]), AWS, false));
        assert_eq!(
            defaults,
            serde_json::json!({
                "defaultString": "hi", "defaultBoolean": true, "defaultList": [], "defaultDocumentMap": {},
                "defaultDocumentString": "hi", "defaultTimestamp": 0, "defaultBlob": "YWJj", "defaultByte": 1,
                "defaultFloat": 1.0, "defaultMap": {}, "defaultEnum": "FOO", "defaultIntEnum": 1, "zeroInteger": 0
            })
        );
        let explicit = json(&write_body(&SCHEMA, DEFAULTS, &Value::Struct(vec![(0, s("bye"))]), AWS, false));
        assert_eq!(explicit["defaultString"], "bye");
    }

    #[test]
    fn values_outside_their_shape_are_still_valid_json() {
        let value = fields(vec![
            ("Integer", s("not a number")),
            ("Timestamp", Value::Int(5)),
            ("ListOfStrings", Value::Struct(vec![(0, s("x"))])),
            ("BigInteger", Value::BigNum("12abc".into())),
            ("Byte", Value::Float(3.0)),
        ]);
        let written = write(&value);
        assert_eq!(
            written,
            serde_json::json!({"Integer": "not a number", "Timestamp": 5, "ListOfStrings": {}, "BigInteger": "12abc", "Byte": 3})
        );
    }

    #[test]
    fn read_value_takes_parsed_json() {
        let union = read_value(&SCHEMA, UNION, None, serde_json::json!({"stringValue": "foo"}), AWS).unwrap();
        assert_eq!(union, Value::Struct(vec![(0, s("foo"))]));
        let structure =
            read_value(&SCHEMA, KITCHEN_SINK, None, serde_json::json!({"renamed": "a", "Blob": "Zm9v"}), REST).unwrap();
        assert_eq!(structure, fields(vec![("JsonNamed", s("a")), ("Blob", Value::Blob(Bytes::from_static(b"foo")))]));
        let document = read_value(&SCHEMA, DOCUMENT, None, serde_json::json!([1, {"a": null}]), REST).unwrap();
        assert_eq!(document, Value::Document(Box::new(serde_json::json!([1, {"a": null}]))));
        assert_eq!(read_value(&SCHEMA, SIMPLE_STRUCT, None, serde_json::Value::Null, REST), Ok(Value::Null));
        assert!(matches!(
            read_value(&SCHEMA, SIMPLE_STRUCT, None, serde_json::json!([1]), REST),
            Err(DecodeError::Serialization(_))
        ));
        let iso = Member { timestamp_format: Some(TimestampFormat::DateTime), ..member("t", TIMESTAMP) };
        let time = read_value(&SCHEMA, TIMESTAMP, Some(&iso), serde_json::json!("2000-01-02T20:34:56Z"), REST).unwrap();
        assert_eq!(time, Value::Timestamp(DateTime::from_secs(946845296)));
        assert_eq!(read_value_slice(&SCHEMA, UNION, None, b"", REST), Ok(Value::Null));
        assert_eq!(
            read_value_slice(&SCHEMA, UNION, None, br#"{"integerValue":3}"#, REST),
            Ok(Value::Struct(vec![(1, Value::Int(3))]))
        );
        assert!(read_value_slice(&SCHEMA, UNION, None, br#"{"integerValue":3} x"#, REST).is_err());
    }

    #[test]
    fn write_value_writes_a_single_shape() {
        assert_eq!(
            write_value(&SCHEMA, UNION, None, &Value::Struct(vec![(0, s("foo"))]), REST),
            br#"{"stringValue":"foo"}"#
        );
        let doc = Value::Document(Box::new(serde_json::json!({"a": [1]})));
        assert_eq!(write_value(&SCHEMA, DOCUMENT, None, &doc, REST), br#"{"a":[1]}"#);
        let http_date = Member { timestamp_format: Some(TimestampFormat::HttpDate), ..member("t", TIMESTAMP) };
        let t = Value::Timestamp(DateTime::from_secs(0));
        assert_eq!(write_value(&SCHEMA, TIMESTAMP, Some(&http_date), &t, REST), br#""Thu, 01 Jan 1970 00:00:00 GMT""#);
    }

    #[test]
    fn validates_objects_for_operations_without_input() {
        assert_eq!(validate_object(b""), Ok(()));
        assert_eq!(validate_object(br#"{"anything": [1, {"x": null}]}"#), Ok(()));
        for bad in [&b"[]"[..], b"null", b"{", b"{} {}"] {
            assert!(matches!(validate_object(bad), Err(DecodeError::Serialization(_))));
        }
    }

    #[test]
    fn error_documents_carry_type_and_members() {
        let modeled = RenderedError {
            code: "ComplexError".into(),
            query_code: None,
            status: 400,
            fault: crate::schema::Fault::Client,
            message: None,
            shape: Some(COMPLEX_ERROR),
            value: Value::Struct(vec![(0, s("Top level")), (1, Value::Struct(vec![(0, s("bar"))]))]),
            fields: Vec::new(),
        };
        let body = json(&write_error_document(&SCHEMA, &modeled, Some("ns#ComplexError"), AWS, false));
        assert_eq!(
            body,
            serde_json::json!({"__type": "ns#ComplexError", "TopLevel": "Top level", "Nested": {"Foo": "bar"}})
        );
        let unmodeled = RenderedError {
            code: "ThrottlingException".into(),
            query_code: None,
            status: 400,
            fault: crate::schema::Fault::Client,
            message: Some("slow down".into()),
            shape: None,
            value: Value::Null,
            fields: vec![("Reason".into(), "busy".into())],
        };
        let body = json(&write_error_document(&SCHEMA, &unmodeled, None, AWS, false));
        assert_eq!(body, serde_json::json!({"message": "slow down", "Reason": "busy"}));
    }

    #[test]
    fn number_literals_are_recognised() {
        for good in ["0", "-0", "12", "1.5", "-1.5e10", "2E-3", "1e+2"] {
            assert!(is_json_number(good), "{good}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "1e+", "NaN", "0x1", "1 ", "+1"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let alphabet = b"{}[]\",:0123456789.-+eE truefalsn\\u\x00\xff";
        for _ in 0..20_000 {
            let len = rng.below(64);
            let bytes: Vec<u8> = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let _ = read_body(&SCHEMA, KITCHEN_SINK, &bytes, AWS, false);
            let raw: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = read_body(&SCHEMA, KITCHEN_SINK, &raw, REST, true);
        }
    }

    #[test]
    fn mutated_documents_never_panic() {
        let mut rng = XorShift(42);
        let seed = write_body(&SCHEMA, KITCHEN_SINK, &kitchen_sink_value(), AWS, false);
        for _ in 0..20_000 {
            let mut bytes = seed.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(3) {
                    0 => bytes[at] = rng.next() as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, b"{}[]\",:0n"[rng.below(9)]),
                }
            }
            if let Ok(value) = read_body(&SCHEMA, KITCHEN_SINK, &bytes, AWS, false) {
                // Whatever was accepted must write back out as valid JSON.
                json(&write_body(&SCHEMA, KITCHEN_SINK, &value, AWS, false));
            }
        }
    }
}

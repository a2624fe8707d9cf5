//! CBOR documents of shapes, for rpcv2Cbor bodies.
//!
//! Structures and unions are maps keyed by member name, timestamps are tag 1 (epoch
//! seconds), blobs are byte strings, bigInteger is a plain integer or tag 2/3 bignum and
//! bigDecimal a tag 4 decimal fraction. The reader accepts any integer width, half,
//! single and double floats, indefinite-length strings, arrays and maps; the writer uses
//! definite lengths and the smallest integer encodings. Documents are not part of the
//! protocol: they are skipped when read and left out when written.

use std::borrow::Cow;

use bytes::Bytes;
use minicbor::data::{Tag, Type};
use minicbor::{Decoder, Encoder};

use crate::defaults;
use crate::protocol::json::{epoch_from_f64, set_field};
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::{Member, Schema, ShapeId, ShapeKind};
use crate::stream::ByteStream;
use crate::time::DateTime;
use crate::value::Value;

type Result<T> = std::result::Result<T, DecodeError>;

/// Nesting limit, so hostile input cannot exhaust the stack through recursive shapes.
const MAX_DEPTH: u32 = 128;
/// Largest bignum magnitude accepted, in bytes (about 1200 decimal digits); the decimal
/// conversion is quadratic.
const MAX_BIGNUM_BYTES: usize = 512;
/// Largest decimal-fraction exponent accepted, so `1e999999999` cannot ask for a
/// gigabyte of zeros.
const MAX_DECIMAL_EXPONENT: i64 = 4096;

const TAG_EPOCH: u64 = 1;
const TAG_DATE_TIME: u64 = 0;
const TAG_POSITIVE_BIGNUM: u64 = 2;
const TAG_NEGATIVE_BIGNUM: u64 = 3;
const TAG_DECIMAL_FRACTION: u64 = 4;

/// Reads a CBOR map into a structure value of `shape`. An empty body reads as an empty
/// map. `@default`s of absent members are left to [`crate::defaults::fill`], which the
/// pipeline runs on every input.
pub fn read_body(schema: &Schema, shape: ShapeId, bytes: &[u8]) -> Result<Value> {
    let mut reader = Reader { schema, dec: Decoder::new(bytes), depth: 0 };
    let value = match &schema.shape(shape).kind {
        ShapeKind::Structure { .. } if bytes.is_empty() => return Ok(Value::Struct(Vec::new())),
        ShapeKind::Structure { members } => reader.structure(members)?,
        _ if bytes.is_empty() => return Ok(Value::Null),
        _ => reader.value(shape)?,
    };
    reader.finish()?;
    Ok(value)
}

/// Checks that a body is empty or a single well-formed CBOR map, for operations without
/// input.
pub fn validate_map(bytes: &[u8]) -> Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut dec = Decoder::new(bytes);
    match dec.datatype().or_malformed()? {
        Type::Map | Type::MapIndef => dec.skip().or_malformed()?,
        other => return Err(malformed(format!("expected a map, found {other}"))),
    }
    if dec.position() != bytes.len() {
        return Err(malformed("trailing bytes after the body"));
    }
    Ok(())
}

fn malformed(message: impl std::fmt::Display) -> DecodeError {
    DecodeError::Serialization(format!("malformed CBOR: {message}"))
}

trait OrMalformed<T> {
    fn or_malformed(self) -> Result<T>;
}

impl<T> OrMalformed<T> for std::result::Result<T, minicbor::decode::Error> {
    fn or_malformed(self) -> Result<T> {
        self.map_err(malformed)
    }
}

/// Walks a CBOR item along the schema.
struct Reader<'b, 's> {
    schema: &'s Schema,
    dec: Decoder<'b>,
    depth: u32,
}

impl<'b> Reader<'b, '_> {
    fn finish(&self) -> Result<()> {
        if self.dec.position() == self.dec.input().len() {
            Ok(())
        } else {
            Err(malformed("trailing bytes after the body"))
        }
    }

    fn datatype(&self) -> Result<Type> {
        self.dec.datatype().or_malformed()
    }

    /// Reads a value of `target`, or [`Value::Null`] for CBOR `null` and `undefined`.
    fn value(&mut self, target: ShapeId) -> Result<Value> {
        let tag = self.tags()?;
        if matches!(self.datatype()?, Type::Null | Type::Undefined) {
            self.dec.skip().or_malformed()?;
            return Ok(Value::Null);
        }
        match &self.schema.shape(target).kind {
            ShapeKind::Boolean => self.dec.bool().map(Value::Bool).or_malformed(),
            ShapeKind::String { .. } | ShapeKind::Enum(_) => self.text().map(|t| Value::Str(t.into_owned())),
            ShapeKind::Byte => self.integer("byte", i8::MIN.into(), i8::MAX.into()),
            ShapeKind::Short => self.integer("short", i16::MIN.into(), i16::MAX.into()),
            ShapeKind::Integer => self.integer("integer", i32::MIN.into(), i32::MAX.into()),
            ShapeKind::IntEnum(_) => self.integer("intEnum", i32::MIN.into(), i32::MAX.into()),
            ShapeKind::Long => self.integer("long", i64::MIN, i64::MAX),
            ShapeKind::Float | ShapeKind::Double => self.float().map(Value::Float),
            ShapeKind::BigInteger => self.big_integer(tag).map(Value::BigNum),
            ShapeKind::BigDecimal => self.big_decimal(tag).map(Value::BigNum),
            ShapeKind::Blob { .. } => self.byte_string().map(Value::Blob),
            ShapeKind::Timestamp => self.timestamp(tag).map(Value::Timestamp),
            ShapeKind::Document => {
                // Not supported by rpcv2Cbor: treated as absent.
                self.dec.skip().or_malformed()?;
                Ok(Value::Null)
            }
            ShapeKind::List { member, sparse } => self.list(member, *sparse),
            ShapeKind::Map { value, sparse, .. } => self.map(value, *sparse),
            ShapeKind::Structure { members } => self.structure(members),
            ShapeKind::Union { members } => self.union(members),
        }
    }

    /// Consumes any tags before a value and returns the one nearest to it.
    fn tags(&mut self) -> Result<Option<u64>> {
        let mut last = None;
        while self.datatype()? == Type::Tag {
            last = Some(self.dec.tag().or_malformed()?.as_u64());
        }
        Ok(last)
    }

    fn text(&mut self) -> Result<Cow<'b, str>> {
        match self.datatype()? {
            Type::String => self.dec.str().map(Cow::Borrowed).or_malformed(),
            Type::StringIndef => {
                let mut text = String::new();
                for chunk in self.dec.str_iter().or_malformed()? {
                    text.push_str(chunk.or_malformed()?);
                }
                Ok(Cow::Owned(text))
            }
            other => Err(malformed(format!("expected a text string, found {other}"))),
        }
    }

    fn byte_string(&mut self) -> Result<Bytes> {
        match self.datatype()? {
            Type::Bytes => self.dec.bytes().map(Bytes::copy_from_slice).or_malformed(),
            Type::BytesIndef => {
                let mut bytes = Vec::new();
                for chunk in self.dec.bytes_iter().or_malformed()? {
                    bytes.extend_from_slice(chunk.or_malformed()?);
                }
                Ok(Bytes::from(bytes))
            }
            other => Err(malformed(format!("expected a byte string, found {other}"))),
        }
    }

    /// Any CBOR integer, or an integral float, within `min..=max`.
    fn integer(&mut self, type_name: &str, min: i64, max: i64) -> Result<Value> {
        let out_of_range = |v: &dyn std::fmt::Display| malformed(format!("{v} is out of range for a {type_name}"));
        match self.datatype()? {
            Type::F16 | Type::F32 | Type::F64 => {
                let v = self.dec.f64().or_malformed()?;
                if v.fract() != 0.0 || !v.is_finite() {
                    return Err(malformed(format!("{v} is not an integer ({type_name})")));
                }
                // `max as f64 + 1.0` is exact for every bound (a power of two).
                if v >= min as f64 && v < max as f64 + 1.0 {
                    Ok(Value::Int(v as i64))
                } else {
                    Err(out_of_range(&v))
                }
            }
            _ => {
                let v = self.any_int(type_name)?;
                match i64::try_from(v) {
                    Ok(i) if (min..=max).contains(&i) => Ok(Value::Int(i)),
                    _ => Err(out_of_range(&v)),
                }
            }
        }
    }

    /// A CBOR integer of any width and sign.
    fn any_int(&mut self, expected: &str) -> Result<i128> {
        match self.datatype()? {
            Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
                self.dec.int().map(i128::from).or_malformed()
            }
            other => Err(malformed(format!("expected a {expected}, found {other}"))),
        }
    }

    /// Half, single or double floats, or integers.
    fn float(&mut self) -> Result<f64> {
        match self.datatype()? {
            Type::F16 | Type::F32 | Type::F64 => self.dec.f64().or_malformed(),
            _ => Ok(self.any_int("number")? as f64),
        }
    }

    /// Tag 1 with epoch seconds (integer or float); tag 0 date-time strings are accepted
    /// too, as are untagged numbers.
    fn timestamp(&mut self, tag: Option<u64>) -> Result<DateTime> {
        match (tag, self.datatype()?) {
            (Some(TAG_DATE_TIME), Type::String | Type::StringIndef) => {
                let text = self.text()?;
                DateTime::parse_rfc3339(&text).ok_or_else(|| malformed(format!("invalid date-time {text:?}")))
            }
            (None | Some(TAG_EPOCH), Type::F16 | Type::F32 | Type::F64) => {
                let secs = self.dec.f64().or_malformed()?;
                epoch_from_f64(secs).ok_or_else(|| malformed(format!("{secs} is not a valid timestamp")))
            }
            (None | Some(TAG_EPOCH), _) => {
                let secs = self.any_int("timestamp")?;
                i64::try_from(secs)
                    .ok()
                    .filter(|s| s.unsigned_abs() <= 1_000_000_000_000_000)
                    .map(DateTime::from_secs)
                    .ok_or_else(|| malformed(format!("{secs} is not a valid timestamp")))
            }
            (Some(other), _) => Err(malformed(format!("unexpected tag {other} on a timestamp"))),
        }
    }

    /// A plain integer, or a tag 2/3 bignum, as decimal text.
    fn big_integer(&mut self, tag: Option<u64>) -> Result<String> {
        match tag {
            Some(TAG_POSITIVE_BIGNUM) => Ok(magnitude_to_decimal(&self.bignum_magnitude()?)),
            Some(TAG_NEGATIVE_BIGNUM) => {
                // Tag 3 holds n for the value -1 - n.
                let mut magnitude = self.bignum_magnitude()?;
                increment(&mut magnitude);
                Ok(format!("-{}", magnitude_to_decimal(&magnitude)))
            }
            Some(other) => Err(malformed(format!("unexpected tag {other} on a bigInteger"))),
            None => Ok(self.any_int("bigInteger")?.to_string()),
        }
    }

    fn bignum_magnitude(&mut self) -> Result<Vec<u8>> {
        let bytes = self.byte_string()?;
        if bytes.len() > MAX_BIGNUM_BYTES {
            return Err(malformed("bignum too large"));
        }
        Ok(bytes.to_vec())
    }

    /// A tag 4 decimal fraction `[exponent, mantissa]`, or a plain integer or float, as
    /// decimal text.
    fn big_decimal(&mut self, tag: Option<u64>) -> Result<String> {
        match tag {
            Some(TAG_DECIMAL_FRACTION) => {
                if self.dec.array().or_malformed()? != Some(2) {
                    return Err(malformed("a decimal fraction must be a two-element array"));
                }
                let exponent = self.dec.i64().or_malformed()?;
                if exponent.abs() > MAX_DECIMAL_EXPONENT {
                    return Err(malformed("decimal exponent too large"));
                }
                let mantissa_tag = self.tags()?;
                let mantissa = self.big_integer(mantissa_tag)?;
                Ok(scale_decimal(&mantissa, exponent))
            }
            Some(other) => Err(malformed(format!("unexpected tag {other} on a bigDecimal"))),
            None => match self.datatype()? {
                Type::F16 | Type::F32 | Type::F64 => {
                    let v = self.dec.f64().or_malformed()?;
                    if v.is_finite() {
                        Ok(v.to_string())
                    } else {
                        Err(malformed("a bigDecimal must be finite"))
                    }
                }
                _ => Ok(self.any_int("bigDecimal")?.to_string()),
            },
        }
    }

    /// Runs `each` once per array item, for definite and indefinite arrays.
    fn items(&mut self, mut each: impl FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.enter()?;
        match self.dec.array().or_malformed()? {
            Some(len) => {
                for _ in 0..len {
                    each(self)?;
                }
            }
            None => {
                while !self.at_break()? {
                    each(self)?;
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Runs `each` once per map entry (it reads both key and value).
    fn entries(&mut self, mut each: impl FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.enter()?;
        match self.dec.map().or_malformed()? {
            Some(len) => {
                for _ in 0..len {
                    each(self)?;
                }
            }
            None => {
                while !self.at_break()? {
                    each(self)?;
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(malformed("nesting too deep"));
        }
        Ok(())
    }

    /// True, and consumed, at the break that ends an indefinite-length item.
    fn at_break(&mut self) -> Result<bool> {
        if self.datatype()? == Type::Break {
            self.dec.set_position(self.dec.position() + 1);
            return Ok(true);
        }
        Ok(false)
    }

    /// Capacity for a collection, never more than the input could hold.
    fn capacity_hint(&self) -> usize {
        (self.dec.input().len() - self.dec.position()).min(64)
    }

    fn list(&mut self, member: &Member, sparse: bool) -> Result<Value> {
        let mut items = Vec::with_capacity(self.capacity_hint().min(8));
        self.items(|r| {
            let item = r.value(member.target)?;
            if item.is_null() && !sparse {
                return Err(malformed("null is not allowed in a non-sparse list"));
            }
            items.push(item);
            Ok(())
        })?;
        Ok(Value::List(items))
    }

    fn map(&mut self, member: &Member, sparse: bool) -> Result<Value> {
        let mut entries = Vec::new();
        self.entries(|r| {
            let key = r.key()?.into_owned();
            let value = r.value(member.target)?;
            if value.is_null() && !sparse {
                return Err(malformed(format!("null value for key {key:?} in a non-sparse map")));
            }
            entries.push((key, value));
            Ok(())
        })?;
        Ok(Value::Map(entries))
    }

    fn structure(&mut self, members: &'static [Member]) -> Result<Value> {
        // One allocation for typical inputs instead of growing 4, 8, 16.
        let mut fields = Vec::with_capacity(members.len().min(16));
        self.entries(|r| {
            let key = r.key()?;
            let Some(index) = members.iter().position(|m| m.name == key) else {
                return r.dec.skip().or_malformed();
            };
            let value = r.value(members[index].target)?;
            // `null` means absent.
            if !value.is_null() {
                set_field(&mut fields, index as u16, value);
            }
            Ok(())
        })?;
        Ok(Value::Struct(fields))
    }

    /// Exactly one member set to a non-null value; a `__type` entry is ignored.
    fn union(&mut self, members: &'static [Member]) -> Result<Value> {
        let mut chosen = None;
        self.entries(|r| {
            let key = r.key()?;
            let Some(index) = members.iter().position(|m| m.name == key) else {
                if key == "__type" {
                    return r.dec.skip().or_malformed();
                }
                return Err(malformed(format!("unknown union member {key:?}")));
            };
            let value = r.value(members[index].target)?;
            if value.is_null() {
                return Ok(());
            }
            if chosen.is_some() {
                return Err(malformed("a union must have exactly one member set, found several"));
            }
            chosen = Some((index as u16, value));
            Ok(())
        })?;
        match chosen {
            Some(field) => Ok(Value::Struct(vec![field])),
            None => Err(malformed("a union must have exactly one member set, found none")),
        }
    }

    /// A map key, which must be a text string.
    fn key(&mut self) -> Result<Cow<'b, str>> {
        self.tags()?;
        self.text()
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// Writes a structure value of `shape` as a CBOR map. Absent members with a `@default`
/// are written with their default.
pub fn write_body(schema: &Schema, shape: ShapeId, value: &Value) -> Vec<u8> {
    let mut writer = Writer { schema, enc: Encoder::new(Vec::with_capacity(128)) };
    writer.value(shape, value);
    writer.enc.into_writer()
}

/// Writes an error map: `__type`, then the modelled error's members, or `message` and
/// the extra fields of an unmodelled error.
pub fn write_error_map(schema: &Schema, err: &RenderedError, type_field: &str) -> Vec<u8> {
    let mut writer = Writer { schema, enc: Encoder::new(Vec::with_capacity(96)) };
    match err.shape.map(|s| &schema.shape(s).kind) {
        Some(ShapeKind::Structure { members }) => {
            writer.enc.map(1 + writer.structure_len(members, &err.value)).ok();
            writer.enc.str("__type").ok().and_then(|e| e.str(type_field).ok());
            writer.structure_entries(members, &err.value);
        }
        _ => {
            let len = 1 + u64::from(err.message.is_some()) + err.fields.len() as u64;
            writer.enc.map(len).ok();
            writer.enc.str("__type").ok().and_then(|e| e.str(type_field).ok());
            if let Some(message) = &err.message {
                writer.enc.str("message").ok().and_then(|e| e.str(message).ok());
            }
            for (name, text) in &err.fields {
                writer.enc.str(name).ok().and_then(|e| e.str(text).ok());
            }
        }
    }
    writer.enc.into_writer()
}

// Writing into a `Vec` cannot fail, so the encoder's results are dropped with `.ok()`.
struct Writer<'s> {
    schema: &'s Schema,
    enc: Encoder<Vec<u8>>,
}

impl Writer<'_> {
    fn value(&mut self, target: ShapeId, value: &Value) {
        let kind = &self.schema.shape(target).kind;
        match (kind, value) {
            (_, Value::Null) => {
                self.enc.null().ok();
            }
            (ShapeKind::Structure { members } | ShapeKind::Union { members }, _) => {
                self.enc.map(self.structure_len(members, value)).ok();
                self.structure_entries(members, value);
            }
            (ShapeKind::List { member, sparse }, Value::List(items)) => self.list(member, *sparse, items),
            (ShapeKind::Map { value: member, sparse, .. }, Value::Map(entries)) => self.map(member, *sparse, entries),
            (ShapeKind::Float, Value::Float(f)) if (*f as f32).is_finite() || !f.is_finite() => {
                self.enc.f32(*f as f32).ok();
            }
            (ShapeKind::Float | ShapeKind::Double, Value::Int(i)) => {
                self.enc.f64(*i as f64).ok();
            }
            (
                ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long | ShapeKind::IntEnum(_),
                Value::Float(f),
            ) if f.fract() == 0.0 => {
                self.enc.i64(*f as i64).ok();
            }
            (ShapeKind::BigInteger, Value::BigNum(text)) => self.big_integer(text),
            (ShapeKind::BigDecimal, Value::BigNum(text)) => self.big_decimal(text),
            _ => self.untyped(value),
        }
    }

    /// Writes a value by its own type, for values without (or not matching) a shape.
    fn untyped(&mut self, value: &Value) {
        match value {
            Value::List(items) => {
                self.enc.array(items.len() as u64).ok();
                items.iter().for_each(|item| self.untyped(item));
            }
            Value::Map(entries) => {
                self.enc.map(entries.len() as u64).ok();
                for (key, entry) in entries {
                    self.enc.str(key).ok();
                    self.untyped(entry);
                }
            }
            scalar => self.untyped_scalar(scalar),
        }
    }

    fn untyped_scalar(&mut self, value: &Value) {
        let enc = &mut self.enc;
        match value {
            Value::Bool(b) => enc.bool(*b).ok(),
            Value::Int(i) => enc.i64(*i).ok(),
            Value::Float(f) => enc.f64(*f).ok(),
            Value::BigNum(text) | Value::Str(text) => enc.str(text).ok(),
            Value::Blob(bytes) | Value::Stream(ByteStream::Buffered(bytes)) => enc.bytes(bytes).ok(),
            // Epoch seconds as a double, which keeps millisecond precision.
            Value::Timestamp(t) => enc.tag(Tag::new(TAG_EPOCH)).ok().and_then(|e| e.f64(t.as_f64()).ok()),
            // Member names are unknown without a shape.
            Value::Struct(_) => enc.map(0).ok(),
            _ => enc.null().ok(),
        };
    }

    /// Whether a member is written: present, and not a document (unsupported).
    fn writes(&self, member: &Member, value: &Value) -> bool {
        !value.is_null() && !matches!(self.schema.shape(member.target).kind, ShapeKind::Document)
    }

    /// Whether an absent member's default is written.
    fn writes_default(&self, fields: &[(u16, Value)], index: usize, member: &Member) -> bool {
        member.default.is_some()
            && !matches!(self.schema.shape(member.target).kind, ShapeKind::Document)
            && !fields.iter().any(|(i, v)| *i as usize == index && !v.is_null())
    }

    fn default_of(&self, member: &Member) -> Option<Value> {
        member.default.and_then(|d| defaults::default_value(self.schema, member.target, d))
    }

    /// The number of entries [`Writer::structure_entries`] writes.
    fn structure_len(&self, members: &[Member], value: &Value) -> u64 {
        let fields = struct_fields(value);
        let present =
            fields.iter().filter(|(i, v)| members.get(*i as usize).is_some_and(|m| self.writes(m, v))).count();
        let defaults = members
            .iter()
            .enumerate()
            .filter(|(i, m)| self.writes_default(fields, *i, m) && self.default_of(m).is_some())
            .count();
        (present + defaults) as u64
    }

    fn structure_entries(&mut self, members: &[Member], value: &Value) {
        let fields = struct_fields(value);
        for (index, field) in fields {
            let Some(member) = members.get(*index as usize) else { continue };
            if self.writes(member, field) {
                self.enc.str(member.name).ok();
                self.value(member.target, field);
            }
        }
        for (index, member) in members.iter().enumerate() {
            if !self.writes_default(fields, index, member) {
                continue;
            }
            if let Some(default) = self.default_of(member) {
                self.enc.str(member.name).ok();
                self.value(member.target, &default);
            }
        }
    }

    fn list(&mut self, member: &Member, sparse: bool, items: &[Value]) {
        // A dense list cannot hold nulls; dropping is the only valid rendering.
        let kept = |item: &&Value| sparse || !item.is_null();
        self.enc.array(items.iter().filter(kept).count() as u64).ok();
        for item in items.iter().filter(kept) {
            self.value(member.target, item);
        }
    }

    fn map(&mut self, member: &Member, sparse: bool, entries: &[(String, Value)]) {
        let kept = |entry: &&(String, Value)| sparse || !entry.1.is_null();
        self.enc.map(entries.iter().filter(kept).count() as u64).ok();
        for (key, entry) in entries.iter().filter(kept) {
            self.enc.str(key).ok();
            self.value(member.target, entry);
        }
    }

    /// A plain integer when it fits 64 bits, else a tag 2/3 bignum.
    fn big_integer(&mut self, text: &str) {
        match parse_integer(text) {
            Some((negative, digits)) => self.signed_magnitude(negative, digits),
            None => {
                self.enc.str(text).ok();
            }
        }
    }

    /// A tag 4 decimal fraction `[exponent, mantissa]`.
    fn big_decimal(&mut self, text: &str) {
        match parse_decimal(text) {
            Some((negative, digits, exponent)) => {
                self.enc.tag(Tag::new(TAG_DECIMAL_FRACTION)).ok();
                self.enc.array(2).ok();
                self.enc.i64(exponent).ok();
                self.signed_magnitude(negative, &digits);
            }
            None => {
                self.enc.str(text).ok();
            }
        }
    }

    /// An integer given as sign and decimal digits.
    fn signed_magnitude(&mut self, negative: bool, digits: &str) {
        if let Ok(v) = digits.parse::<u64>() {
            if !negative {
                self.enc.u64(v).ok();
                return;
            }
            // -1 - (v - 1) = -v, so CBOR's negative form holds v - 1 (v >= 1 here).
            if v > 0 {
                self.enc.int(minicbor::data::Int::try_from(-(v as i128)).expect("fits CBOR")).ok();
                return;
            }
            self.enc.u64(0).ok();
            return;
        }
        let mut magnitude = decimal_to_magnitude(digits);
        let tag = if negative {
            decrement(&mut magnitude);
            TAG_NEGATIVE_BIGNUM
        } else {
            TAG_POSITIVE_BIGNUM
        };
        self.enc.tag(Tag::new(tag)).ok();
        self.enc.bytes(&magnitude).ok();
    }
}

fn struct_fields(value: &Value) -> &[(u16, Value)] {
    match value {
        Value::Struct(fields) => fields,
        _ => &[],
    }
}

// ---------------------------------------------------------------------------------------
// Big numbers: decimal text <-> big-endian magnitudes
// ---------------------------------------------------------------------------------------

/// `[-]digits` split into sign and digits (leading zeros kept).
fn parse_integer(text: &str) -> Option<(bool, &str)> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    (!digits.is_empty() && digits.len() <= 2 * MAX_BIGNUM_BYTES && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some((negative, digits))
}

/// `[-]int[.frac][e[+-]exp]` as sign, mantissa digits and base-10 exponent.
fn parse_decimal(text: &str) -> Option<(bool, String, i64)> {
    let (number, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    let (negative, int_digits) = parse_integer(int_part)?;
    if !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits = format!("{int_digits}{frac_part}");
    let trimmed = digits.trim_start_matches('0').len();
    digits.drain(..digits.len() - trimmed);
    if digits.is_empty() {
        digits.push('0');
    }
    let exponent = exponent.checked_sub(frac_part.len() as i64)?;
    (exponent.abs() <= MAX_DECIMAL_EXPONENT).then_some((negative, digits, exponent))
}

/// Decimal text of `mantissa × 10^exponent`, e.g. (`-12345`, -2) → `-123.45`.
fn scale_decimal(mantissa: &str, exponent: i64) -> String {
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", mantissa),
    };
    if exponent >= 0 {
        return format!("{sign}{digits}{}", "0".repeat(exponent as usize));
    }
    let scale = exponent.unsigned_abs() as usize;
    if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        format!("{sign}{whole}.{fraction}")
    } else {
        format!("{sign}0.{}{digits}", "0".repeat(scale - digits.len()))
    }
}

/// Decimal digits of a big-endian unsigned magnitude.
fn magnitude_to_decimal(bytes: &[u8]) -> String {
    // Repeated division by 10^9 over base-2^32 limbs (most significant first).
    let mut limbs: Vec<u32> = Vec::with_capacity(bytes.len() / 4 + 1);
    let head = bytes.len() % 4;
    if head > 0 {
        limbs.push(bytes[..head].iter().fold(0, |acc, &b| (acc << 8) | u32::from(b)));
    }
    for chunk in bytes[head..].chunks(4) {
        limbs.push(u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
    }
    let mut groups = Vec::new();
    loop {
        while limbs.first() == Some(&0) {
            limbs.remove(0);
        }
        if limbs.is_empty() {
            break;
        }
        let mut remainder = 0u64;
        for limb in limbs.iter_mut() {
            let current = (remainder << 32) | u64::from(*limb);
            *limb = (current / 1_000_000_000) as u32;
            remainder = current % 1_000_000_000;
        }
        groups.push(remainder as u32);
    }
    match groups.split_last() {
        None => "0".to_owned(),
        Some((most, rest)) => {
            let mut text = most.to_string();
            for group in rest.iter().rev() {
                text.push_str(&format!("{group:09}"));
            }
            text
        }
    }
}

/// Big-endian magnitude of decimal digits, without leading zero bytes.
fn decimal_to_magnitude(digits: &str) -> Vec<u8> {
    // Little-endian bytes, multiplied by 10 and added to per digit.
    let mut little: Vec<u8> = Vec::with_capacity(digits.len() / 2 + 1);
    for digit in digits.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in little.iter_mut() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = v as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            little.push(carry as u8);
            carry >>= 8;
        }
    }
    while little.last() == Some(&0) {
        little.pop();
    }
    little.reverse();
    little
}

/// Adds one to a big-endian magnitude.
fn increment(magnitude: &mut Vec<u8>) {
    for byte in magnitude.iter_mut().rev() {
        let (v, overflow) = byte.overflowing_add(1);
        *byte = v;
        if !overflow {
            return;
        }
    }
    magnitude.insert(0, 1);
}

/// Subtracts one from a non-zero big-endian magnitude.
fn decrement(magnitude: &mut Vec<u8>) {
    for byte in magnitude.iter_mut().rev() {
        let (v, borrow) = byte.overflowing_sub(1);
        *byte = v;
        if !borrow {
            break;
        }
    }
    while magnitude.first() == Some(&0) && magnitude.len() > 1 {
        magnitude.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use base64::Engine;

    use super::*;
    use crate::protocol::json::fixture::*;
    use crate::schema::Fault;

    type Built = std::result::Result<(), minicbor::encode::Error<Infallible>>;

    /// CBOR bytes built with minicbor's encoder.
    fn cbor(build: impl FnOnce(&mut Encoder<Vec<u8>>) -> Built) -> Vec<u8> {
        let mut enc = Encoder::new(Vec::new());
        build(&mut enc).unwrap();
        enc.into_writer()
    }

    fn b64(text: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(text).unwrap()
    }

    fn s(text: &str) -> Value {
        Value::Str(text.to_owned())
    }

    fn fields(pairs: Vec<(&str, Value)>) -> Value {
        Value::Struct(pairs.into_iter().map(|(name, v)| (ks(name), v)).collect())
    }

    fn scalars(pairs: Vec<(&str, Value)>) -> Value {
        Value::Struct(pairs.into_iter().map(|(name, v)| (scalar(name), v)).collect())
    }

    fn read_sink(bytes: &[u8]) -> Result<Value> {
        read_body(&SCHEMA, KITCHEN_SINK, bytes)
    }

    /// A KitchenSink map with one member.
    fn sink_with(name: &str, build: impl FnOnce(&mut Encoder<Vec<u8>>) -> Built) -> Vec<u8> {
        cbor(|e| {
            e.map(1)?.str(name)?;
            build(e)
        })
    }

    fn read_member(name: &str, build: impl FnOnce(&mut Encoder<Vec<u8>>) -> Built) -> Result<Option<Value>> {
        read_sink(&sink_with(name, build)).map(|mut v| v.take_field(ks(name)))
    }

    fn assert_rejected(bytes: &[u8]) {
        match read_sink(bytes) {
            Err(DecodeError::Serialization(_)) => {}
            other => panic!("{bytes:02x?} should be rejected, got {other:?}"),
        }
    }

    fn expected_scalars() -> Value {
        scalars(vec![
            ("byteValue", Value::Int(5)),
            ("doubleValue", Value::Float(1.889)),
            ("falseBooleanValue", Value::Bool(false)),
            ("floatValue", Value::Float(7.625)),
            ("integerValue", Value::Int(256)),
            ("longValue", Value::Int(9873)),
            ("shortValue", Value::Int(9898)),
            ("stringValue", s("simple")),
            ("trueBooleanValue", Value::Bool(true)),
            ("blobValue", Value::Blob(Bytes::from_static(b"foo"))),
        ])
    }

    #[test]
    fn reads_the_protocol_test_vectors() {
        let definite = "v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABsaW50ZWdlclZhbHVlGQEAaWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFsdWVDZm9v/w==";
        let indefinite = "qmlieXRlVmFsdWUFf2Zkb3VibGVlVmFsdWX/+z/+OVgQYk3Tf2VmYWxzZWdCb29sZWFuZVZhbHVl//RqZmxvYXRWYWx1ZfpA9AAAbGludGVnZXJWYWx1ZRkBAGlsb25nVmFsdWUZJpFqc2hvcnRWYWx1ZRkmqn9mc3RyaW5nZVZhbHVl/2ZzaW1wbGVwdHJ1ZUJvb2xlYW5WYWx1ZfVpYmxvYlZhbHVlQ2Zvbw==";
        let extra_fields = "v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABrZXh0cmFPYmplY3S/c2luZGVmaW5pdGVMZW5ndGhNYXC/a3dpdGhBbkFycmF5nwECA///cWRlZmluaXRlTGVuZ3RoTWFwo3J3aXRoQURlZmluaXRlQXJyYXmDAQIDeB1hbmRTb21lSW5kZWZpbml0ZUxlbmd0aFN0cmluZ3gfdGhhdCBoYXMsIGJlZW4gY2h1bmtlZCBvbiBjb21tYWxub3JtYWxTdHJpbmdjZm9vanNob3J0VmFsdWUZJw9uc29tZU90aGVyRmllbGR2dGhpcyBzaG91bGQgYmUgc2tpcHBlZP9saW50ZWdlclZhbHVlGQEAaWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFsdWVDZm9v/w==";
        for body in [definite, indefinite, extra_fields] {
            assert_eq!(read_body(&SCHEMA, SIMPLE_SCALARS, &b64(body)), Ok(expected_scalars()), "{body}");
        }
        let upcast = read_body(
            &SCHEMA,
            SIMPLE_SCALARS,
            &b64("v2tkb3VibGVWYWx1Zfk+AGpmbG9hdFZhbHVl+UegbGludGVnZXJWYWx1ZRg4aWxvbmdWYWx1ZRkBAGpzaG9ydFZhbHVlCv8="),
        )
        .unwrap();
        assert_eq!(
            upcast,
            scalars(vec![
                ("doubleValue", Value::Float(1.5)),
                ("floatValue", Value::Float(7.625)),
                ("integerValue", Value::Int(56)),
                ("longValue", Value::Int(256)),
                ("shortValue", Value::Int(10)),
            ])
        );
        let null_member = read_body(&SCHEMA, SIMPLE_SCALARS, &b64("v2tzdHJpbmdWYWx1Zfb/")).unwrap();
        assert_eq!(null_member, Value::Struct(vec![]));
        for (body, expected) in [
            ("v2tkb3VibGVWYWx1Zft/8AAAAAAAAGpmbG9hdFZhbHVl+n+AAAD/", f64::INFINITY),
            ("v2tkb3VibGVWYWx1Zfv/8AAAAAAAAGpmbG9hdFZhbHVl+v+AAAD/", f64::NEG_INFINITY),
        ] {
            let value = read_body(&SCHEMA, SIMPLE_SCALARS, &b64(body)).unwrap();
            assert_eq!(
                value,
                scalars(vec![("doubleValue", Value::Float(expected)), ("floatValue", Value::Float(expected))])
            );
        }
        let nan =
            read_body(&SCHEMA, SIMPLE_SCALARS, &b64("v2tkb3VibGVWYWx1Zft/+AAAAAAAAGpmbG9hdFZhbHVl+n/AAAD/")).unwrap();
        assert!(matches!(nan.field(scalar("doubleValue")), Some(Value::Float(f)) if f.is_nan()));
        assert!(matches!(nan.field(scalar("floatValue")), Some(Value::Float(f)) if f.is_nan()));
    }

    #[test]
    fn reads_every_scalar_type() {
        let bytes = cbor(|e| {
            e.begin_map()?;
            e.str("String")?.str("text")?;
            e.str("Boolean")?.bool(true)?;
            e.str("Byte")?.i8(-128)?;
            e.str("Short")?.u16(300)?;
            e.str("Integer")?.i32(-70000)?;
            e.str("Long")?.u64(i64::MAX as u64)?;
            e.str("Float")?.f16(1.5)?;
            e.str("Double")?.f32(0.25)?;
            e.str("Timestamp")?.tag(Tag::new(1))?.u32(1398796238)?;
            e.str("Iso8601Timestamp")?.tag(Tag::new(1))?.f64(1398796238.123)?;
            e.str("HttpdateTimestamp")?.u32(5)?;
            e.str("Blob")?.bytes(b"\x00\xff")?;
            e.str("Enum")?.str("Foo")?;
            e.str("IntEnum")?.u8(2)?;
            e.str("Document")?.map(1)?.str("ignored")?.bool(true)?;
            e.end()?;
            Ok(())
        });
        assert_eq!(
            read_sink(&bytes),
            Ok(fields(vec![
                ("String", s("text")),
                ("Boolean", Value::Bool(true)),
                ("Byte", Value::Int(-128)),
                ("Short", Value::Int(300)),
                ("Integer", Value::Int(-70000)),
                ("Long", Value::Int(i64::MAX)),
                ("Float", Value::Float(1.5)),
                ("Double", Value::Float(0.25)),
                ("Timestamp", Value::Timestamp(DateTime::from_secs(1398796238))),
                ("Iso8601Timestamp", Value::Timestamp(DateTime::from_parts(1398796238, 123_000_000))),
                ("HttpdateTimestamp", Value::Timestamp(DateTime::from_secs(5))),
                ("Blob", Value::Blob(Bytes::from_static(b"\x00\xff"))),
                ("Enum", s("Foo")),
                ("IntEnum", Value::Int(2)),
            ]))
        );
    }

    #[test]
    fn reads_indefinite_strings_bytes_and_collections() {
        let bytes = cbor(|e| {
            e.map(3)?;
            e.str("ListOfStrings")?.begin_array()?;
            e.begin_str()?.str("An example, ")?.str("chunked")?.end()?;
            e.str("plain")?.end()?;
            e.str("MapOfStrings")?.begin_map()?.begin_str()?.str("k")?.str("ey")?.end()?.str("v")?.end()?;
            e.str("Blob")?.begin_bytes()?.bytes(b"ab")?.bytes(b"c")?.end()?;
            Ok(())
        });
        assert_eq!(
            read_sink(&bytes),
            Ok(fields(vec![
                ("ListOfStrings", Value::List(vec![s("An example, chunked"), s("plain")])),
                ("MapOfStrings", Value::Map(vec![("key".into(), s("v"))])),
                ("Blob", Value::Blob(Bytes::from_static(b"abc"))),
            ]))
        );
    }

    #[test]
    fn reads_nested_and_recursive_structures() {
        let bytes = cbor(|e| {
            e.map(3)?;
            e.str("ListOfStructs")?.array(2)?.map(1)?.str("Value")?.str("a")?.map(0)?;
            e.str("MapOfStructs")?.map(1)?.str("k")?.map(1)?.str("Value")?.str("b")?;
            e.str("RecursiveList")?.array(1)?.map(1)?.str("RecursiveList")?.array(1)?.map(1)?.str("Integer")?.u8(1)?;
            Ok(())
        });
        let simple = |t: &str| Value::Struct(vec![(0, s(t))]);
        assert_eq!(
            read_sink(&bytes),
            Ok(fields(vec![
                ("ListOfStructs", Value::List(vec![simple("a"), Value::Struct(vec![])])),
                ("MapOfStructs", Value::Map(vec![("k".into(), simple("b"))])),
                (
                    "RecursiveList",
                    Value::List(vec![fields(vec![(
                        "RecursiveList",
                        Value::List(vec![fields(vec![("Integer", Value::Int(1))])])
                    )])])
                ),
            ]))
        );
    }

    #[test]
    fn sparse_collections_keep_nulls_and_dense_ones_reject_them() {
        let bytes = cbor(|e| {
            e.map(2)?;
            e.str("SparseList")?.array(2)?.null()?.undefined()?;
            e.str("SparseMap")?.map(1)?.str("x")?.null()?;
            Ok(())
        });
        assert_eq!(
            read_sink(&bytes),
            Ok(fields(vec![
                ("SparseList", Value::List(vec![Value::Null, Value::Null])),
                ("SparseMap", Value::Map(vec![("x".into(), Value::Null)])),
            ]))
        );
        assert_rejected(&sink_with("ListOfStrings", |e| e.array(1)?.null().map(drop)));
        assert_rejected(&sink_with("MapOfStrings", |e| e.map(1)?.str("x")?.null().map(drop)));
    }

    #[test]
    fn reads_big_numbers() {
        let two_to_64 = [1u8, 0, 0, 0, 0, 0, 0, 0, 0];
        let big = |tag: u64, bytes: &'static [u8]| {
            move |e: &mut Encoder<Vec<u8>>| e.tag(Tag::new(tag))?.bytes(bytes).map(drop)
        };
        assert_eq!(
            read_member("BigInteger", big(2, &[1, 0, 0, 0, 0, 0, 0, 0, 0])),
            Ok(Some(Value::BigNum("18446744073709551616".into())))
        );
        assert_eq!(
            read_member("BigInteger", big(3, &[1, 0, 0, 0, 0, 0, 0, 0, 0])),
            Ok(Some(Value::BigNum("-18446744073709551617".into())))
        );
        assert_eq!(read_member("BigInteger", big(3, &[0xff])), Ok(Some(Value::BigNum("-256".into()))));
        assert_eq!(read_member("BigInteger", big(2, &[])), Ok(Some(Value::BigNum("0".into()))));
        assert_eq!(read_member("BigInteger", |e| e.i64(-42).map(drop)), Ok(Some(Value::BigNum("-42".into()))));
        let fraction = |exponent: i64, mantissa: i64| {
            move |e: &mut Encoder<Vec<u8>>| e.tag(Tag::new(4))?.array(2)?.i64(exponent)?.i64(mantissa).map(drop)
        };
        assert_eq!(read_member("BigDecimal", fraction(-2, 12345)), Ok(Some(Value::BigNum("123.45".into()))));
        assert_eq!(read_member("BigDecimal", fraction(-5, -3)), Ok(Some(Value::BigNum("-0.00003".into()))));
        assert_eq!(read_member("BigDecimal", fraction(2, 7)), Ok(Some(Value::BigNum("700".into()))));
        let big_mantissa = |e: &mut Encoder<Vec<u8>>| {
            e.tag(Tag::new(4))?.array(2)?.i8(-1)?.tag(Tag::new(2))?.bytes(&two_to_64).map(drop)
        };
        assert_eq!(read_member("BigDecimal", big_mantissa), Ok(Some(Value::BigNum("1844674407370955161.6".into()))));
        assert_eq!(read_member("BigDecimal", |e| e.f64(2.5).map(drop)), Ok(Some(Value::BigNum("2.5".into()))));
        assert!(read_member("BigDecimal", fraction(100_000, 1)).is_err());
        assert!(read_member("BigInteger", big(5, &[1])).is_err());
        assert!(read_member("BigInteger", |e| e.tag(Tag::new(2))?.bytes(&[1; 4096]).map(drop)).is_err());
    }

    #[test]
    fn reads_timestamps_and_rejects_other_forms() {
        let at = |build: fn(&mut Encoder<Vec<u8>>) -> Built| read_member("Timestamp", build);
        assert_eq!(
            at(|e| e.tag(Tag::new(1))?.f16(1.5).map(drop)),
            Ok(Some(Value::Timestamp(DateTime::from_parts(1, 500_000_000))))
        );
        assert_eq!(
            at(|e| e.tag(Tag::new(1))?.i64(-10).map(drop)),
            Ok(Some(Value::Timestamp(DateTime::from_secs(-10))))
        );
        assert_eq!(
            at(|e| e.tag(Tag::new(0))?.str("2014-04-29T18:30:38Z").map(drop)),
            Ok(Some(Value::Timestamp(DateTime::from_secs(1398796238))))
        );
        for bad in [
            (|e| e.str("1398796238").map(drop)) as fn(&mut Encoder<Vec<u8>>) -> Built,
            |e| e.tag(Tag::new(1))?.str("x").map(drop),
            |e| e.tag(Tag::new(2))?.u8(1).map(drop),
            |e| e.tag(Tag::new(1))?.f64(f64::NAN).map(drop),
            |e| e.tag(Tag::new(1))?.u64(u64::MAX).map(drop),
            |e| e.bool(true).map(drop),
        ] {
            assert!(matches!(at(bad), Err(DecodeError::Serialization(_))));
        }
    }

    #[test]
    fn integers_must_fit_their_shape() {
        assert_eq!(read_member("Byte", |e| e.f32(3.0).map(drop)), Ok(Some(Value::Int(3))));
        assert_eq!(read_member("Long", |e| e.i64(i64::MIN).map(drop)), Ok(Some(Value::Int(i64::MIN))));
        for (name, build) in [
            ("Byte", (|e| e.u16(256).map(drop)) as fn(&mut Encoder<Vec<u8>>) -> Built),
            ("Byte", |e| e.i16(-129).map(drop)),
            ("Short", |e| e.u32(40000).map(drop)),
            ("Integer", |e| e.u64(1 << 31).map(drop)),
            ("Long", |e| e.u64(u64::MAX).map(drop)),
            ("Long", |e| e.int(minicbor::data::Int::try_from(-(1i128 << 64)).unwrap()).map(drop)),
            ("Integer", |e| e.f64(1.5).map(drop)),
            ("Integer", |e| e.f64(f64::INFINITY).map(drop)),
            ("Integer", |e| e.str("1").map(drop)),
            ("String", |e| e.u8(1).map(drop)),
            ("Boolean", |e| e.u8(1).map(drop)),
            ("Blob", |e| e.str("Zm9v").map(drop)),
            ("ListOfStrings", |e| e.map(0).map(drop)),
            ("SimpleStruct", |e| e.array(0).map(drop)),
        ] {
            assert!(matches!(read_member(name, build), Err(DecodeError::Serialization(_))), "{name}");
        }
    }

    #[test]
    fn type_errors_name_what_was_expected() {
        let Err(DecodeError::Serialization(message)) = read_member("Double", |e| e.bool(true).map(drop)) else {
            panic!()
        };
        assert!(message.contains("expected a number, found bool"), "{message}");
        let Err(DecodeError::Serialization(message)) = read_member("Short", |e| e.str("1").map(drop)) else { panic!() };
        assert!(message.contains("expected a short, found string"), "{message}");
    }

    #[test]
    fn reads_unions() {
        let one =
            sink_with("Union", |e| e.map(2)?.str("__type")?.str("ns#MyUnion")?.str("integerValue")?.u8(3).map(drop));
        assert_eq!(read_sink(&one).unwrap().field(ks("Union")), Some(&Value::Struct(vec![(1, Value::Int(3))])));
        let nested = sink_with("Union", |e| e.map(1)?.str("structureValue")?.map(1)?.str("Value")?.str("v").map(drop));
        assert_eq!(
            read_sink(&nested).unwrap().field(ks("Union")),
            Some(&Value::Struct(vec![(2, Value::Struct(vec![(0, s("v"))]))]))
        );
        for bad in [
            sink_with("Union", |e| e.map(2)?.str("stringValue")?.str("a")?.str("integerValue")?.u8(1).map(drop)),
            sink_with("Union", |e| e.map(1)?.str("nope")?.u8(1).map(drop)),
            sink_with("Union", |e| e.map(1)?.str("stringValue")?.null().map(drop)),
            sink_with("Union", |e| e.map(0).map(drop)),
        ] {
            assert_rejected(&bad);
        }
    }

    #[test]
    fn unknown_members_and_documents_are_skipped() {
        let bytes = cbor(|e| {
            e.map(3)?;
            e.str("extra")?.begin_map()?.str("deep")?.begin_array()?.u8(1)?.tag(Tag::new(1))?.f64(1.0)?.end()?.end()?;
            e.str("Document")?.array(1)?.u8(1)?;
            e.str("Integer")?.u8(7)?;
            Ok(())
        });
        assert_eq!(read_sink(&bytes), Ok(fields(vec![("Integer", Value::Int(7))])));
    }

    #[test]
    fn rejects_malformed_cbor() {
        let valid = sink_with("String", |e| e.str("abc").map(drop));
        assert_rejected(&valid[..valid.len() - 1]);
        let mut trailing = valid.clone();
        trailing.push(0);
        assert_rejected(&trailing);
        for bad in [
            &[0x80][..],                                                               // an array, not a map
            &[0xf6],                                                                   // null body
            &[0xa1, 0x01, 0x01],                                                       // integer key
            &[0xbf, 0x61, 0x61, 0x01],                                                 // unterminated indefinite map
            &[0xa1, 0x63, 0xff, 0xfe, 0xfd, 0x01],                                     // key is not UTF-8
            &[0xa1, 0x66, b'S', b't', b'r', b'i', b'n', b'g', 0x7f, 0x41, b'x', 0xff], // byte chunk in text
            &[0x1c],                                                                   // reserved additional info
            &[0xff],                                                                   // stray break
            &[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],                   // absurd length
        ] {
            assert_rejected(bad);
        }
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let mut bytes = Vec::new();
        for _ in 0..100_000 {
            bytes.extend_from_slice(b"\xa1\x6dRecursiveList\x81");
        }
        assert_rejected(&bytes);
    }

    #[test]
    fn empty_bodies_read_as_empty_structures() {
        assert_eq!(read_body(&SCHEMA, EMPTY_STRUCT, b""), Ok(Value::Struct(vec![])));
        assert_eq!(read_body(&SCHEMA, EMPTY_STRUCT, &[0xbf, 0xff]), Ok(Value::Struct(vec![])));
        // Defaults are the pipeline's job (`defaults::fill`), not the reader's.
        assert_eq!(read_body(&SCHEMA, DEFAULTS, b""), Ok(Value::Struct(vec![])));
        assert_eq!(validate_map(b""), Ok(()));
        assert_eq!(validate_map(&[0xbf, 0x61, b'a', 0x01, 0xff]), Ok(()));
        assert!(validate_map(&[0x80]).is_err());
        assert!(validate_map(&[0xa0, 0xa0]).is_err());
    }

    fn kitchen_sink_value() -> Value {
        fields(vec![
            ("String", s("text é")),
            ("Boolean", Value::Bool(false)),
            ("Byte", Value::Int(-1)),
            ("Short", Value::Int(-300)),
            ("Integer", Value::Int(70000)),
            ("Long", Value::Int(i64::MIN)),
            ("Float", Value::Float(7.625)),
            ("Double", Value::Float(1.889)),
            ("BigInteger", Value::BigNum("-18446744073709551617".into())),
            ("BigDecimal", Value::BigNum("-123.45".into())),
            ("Timestamp", Value::Timestamp(DateTime::from_parts(1398796238, 123_000_000))),
            ("Blob", Value::Blob(Bytes::from_static(b"\x00\x01"))),
            ("Enum", s("Foo")),
            ("IntEnum", Value::Int(2)),
            ("ListOfStrings", Value::List(vec![s("a"), s("b")])),
            ("SparseList", Value::List(vec![Value::Null, s("b")])),
            ("MapOfStrings", Value::Map(vec![("k".into(), s("v"))])),
            ("SparseMap", Value::Map(vec![("n".into(), Value::Null)])),
            ("ListOfStructs", Value::List(vec![Value::Struct(vec![(0, s("x"))])])),
            ("Union", Value::Struct(vec![(4, Value::Timestamp(DateTime::from_secs(0)))])),
            ("RecursiveList", Value::List(vec![fields(vec![("Integer", Value::Int(123))])])),
            ("TimestampList", Value::List(vec![Value::Timestamp(DateTime::from_secs(-1))])),
            ("BlobList", Value::List(vec![Value::Blob(Bytes::from_static(b"foo"))])),
        ])
    }

    #[test]
    fn writes_what_it_reads() {
        let value = kitchen_sink_value();
        let bytes = write_body(&SCHEMA, KITCHEN_SINK, &value);
        assert_eq!(read_sink(&bytes), Ok(value));
        let scalars = expected_scalars();
        assert_eq!(read_body(&SCHEMA, SIMPLE_SCALARS, &write_body(&SCHEMA, SIMPLE_SCALARS, &scalars)), Ok(scalars));
    }

    #[test]
    fn writes_wire_types_the_protocol_expects() {
        let member = |name: &str, value: Value| write_body(&SCHEMA, KITCHEN_SINK, &fields(vec![(name, value)]));
        let key = |name: &str| {
            let mut k = vec![0xa1, 0x60 + name.len() as u8];
            k.extend_from_slice(name.as_bytes());
            k
        };
        let expect = |name: &str, tail: &[u8]| [key(name), tail.to_vec()].concat();
        assert_eq!(member("Float", Value::Float(7.625)), expect("Float", &[0xfa, 0x40, 0xf4, 0, 0]));
        assert_eq!(member("Double", Value::Float(1.5)), expect("Double", &[0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]));
        assert_eq!(member("Float", Value::Float(f64::NAN)), expect("Float", &[0xfa, 0x7f, 0xc0, 0, 0]));
        assert_eq!(
            member("Double", Value::Float(f64::NEG_INFINITY)),
            expect("Double", &[0xfb, 0xff, 0xf0, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(member("Long", Value::Int(1)), expect("Long", &[0x01]));
        assert_eq!(member("Integer", Value::Int(-500)), expect("Integer", &[0x39, 0x01, 0xf3]));
        assert_eq!(
            member("Timestamp", Value::Timestamp(DateTime::from_secs(0))),
            expect("Timestamp", &[0xc1, 0xfb, 0, 0, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(member("Blob", Value::Blob(Bytes::from_static(b"foo"))), expect("Blob", b"\x43foo"));
        assert_eq!(member("BigInteger", Value::BigNum("-42".into())), expect("BigInteger", &[0x38, 41]));
        assert_eq!(
            member("BigInteger", Value::BigNum("18446744073709551616".into())),
            expect("BigInteger", &[0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(
            member("BigInteger", Value::BigNum("-18446744073709551616".into())),
            expect("BigInteger", &[0xc3, 0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        );
        assert_eq!(
            member("BigDecimal", Value::BigNum("273.15".into())),
            expect("BigDecimal", &[0xc4, 0x82, 0x21, 0x19, 0x6a, 0xb3])
        );
        assert_eq!(
            member("BigDecimal", Value::BigNum("1.5e3".into())),
            expect("BigDecimal", &[0xc4, 0x82, 0x02, 0x0f])
        );
        assert_eq!(member("Document", Value::Document(Box::new(serde_json::json!(1)))), vec![0xa0]);
        assert_eq!(member("String", Value::Null), vec![0xa0]);
        let dense = member("ListOfStrings", Value::List(vec![Value::Null, s("a")]));
        assert_eq!(dense, expect("ListOfStrings", b"\x81\x61a"));
        let sparse = member("SparseMap", Value::Map(vec![("k".into(), Value::Null)]));
        assert_eq!(sparse, expect("SparseMap", b"\xa1\x61k\xf6"));
    }

    #[test]
    fn writes_defaults_for_absent_members() {
        let bytes = write_body(&SCHEMA, DEFAULTS, &Value::Struct(vec![(0, s("bye"))]));
        let value = read_body(&SCHEMA, DEFAULTS, &bytes).unwrap();
        assert_eq!(value.field(0), Some(&s("bye")));
        assert_eq!(value.field(1), Some(&Value::Bool(true)));
        assert_eq!(value.field(5), Some(&Value::Timestamp(DateTime::from_secs(0))));
        // Documents are not part of rpcv2Cbor, so their defaults are not sent: 11 of the
        // 13 defaulted members are on the wire.
        assert_eq!(value.field(3), None);
        let mut dec = Decoder::new(&bytes);
        assert_eq!(dec.map().unwrap(), Some(11));
    }

    #[test]
    fn writes_error_maps() {
        let err = RenderedError {
            code: "ComplexError".into(),
            query_code: None,
            status: 400,
            fault: Fault::Client,
            message: None,
            shape: Some(COMPLEX_ERROR),
            value: Value::Struct(vec![(0, s("Top level")), (1, Value::Struct(vec![(0, s("bar"))]))]),
            fields: Vec::new(),
        };
        let expected = cbor(|e| {
            e.map(3)?.str("__type")?.str("ns#ComplexError")?;
            e.str("TopLevel")?.str("Top level")?.str("Nested")?.map(1)?.str("Foo")?.str("bar")?;
            Ok(())
        });
        assert_eq!(write_error_map(&SCHEMA, &err, "ns#ComplexError"), expected);

        let empty = RenderedError { value: Value::Null, ..err };
        assert_eq!(write_error_map(&SCHEMA, &empty, "t"), cbor(|e| e.map(1)?.str("__type")?.str("t").map(drop)));

        let unmodeled = RenderedError {
            code: "ThrottlingException".into(),
            query_code: None,
            status: 400,
            fault: Fault::Client,
            message: Some("slow".into()),
            shape: None,
            value: Value::Null,
            fields: vec![("Reason".into(), "busy".into())],
        };
        let expected = cbor(|e| {
            e.map(3)?.str("__type")?.str("t")?.str("message")?.str("slow")?.str("Reason")?.str("busy").map(drop)
        });
        assert_eq!(write_error_map(&SCHEMA, &unmodeled, "t"), expected);
    }

    #[test]
    fn big_number_helpers_round_trip() {
        let mut rng = XorShift(7);
        for _ in 0..500 {
            let digits: String = (0..1 + rng.below(60)).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            let canonical = digits.trim_start_matches('0');
            let canonical = if canonical.is_empty() { "0" } else { canonical };
            assert_eq!(magnitude_to_decimal(&decimal_to_magnitude(&digits)), canonical);
        }
        let mut m = vec![0xff, 0xff];
        increment(&mut m);
        assert_eq!(m, [1, 0, 0]);
        decrement(&mut m);
        assert_eq!(m, [0xff, 0xff]);
        assert_eq!(scale_decimal("-5", -3), "-0.005");
        assert_eq!(scale_decimal("12345", -5), "0.12345");
        assert_eq!(parse_decimal("-0.0012"), Some((true, "12".into(), -4)));
        assert_eq!(parse_decimal("1e"), None);
        assert_eq!(parse_decimal("abc"), None);
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = XorShift(0xdead_beef);
        for _ in 0..30_000 {
            let len = rng.below(48);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = read_body(&SCHEMA, KITCHEN_SINK, &bytes);
            let _ = validate_map(&bytes);
        }
    }

    #[test]
    fn mutated_bodies_never_panic() {
        let mut rng = XorShift(99);
        let seed = write_body(&SCHEMA, KITCHEN_SINK, &kitchen_sink_value());
        for _ in 0..30_000 {
            let mut bytes = seed.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(3) {
                    0 => bytes[at] = rng.next() as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, [0x9f, 0xbf, 0xff, 0xf6, 0xc1, 0x5f, 0x7f][rng.below(7)]),
                }
            }
            if let Ok(value) = read_body(&SCHEMA, KITCHEN_SINK, &bytes) {
                read_body(&SCHEMA, KITCHEN_SINK, &write_body(&SCHEMA, KITCHEN_SINK, &value)).unwrap();
            }
        }
    }
}

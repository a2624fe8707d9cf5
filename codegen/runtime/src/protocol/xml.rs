//! XML documents of shapes, for restXml bodies and awsQuery responses: `@xmlName`,
//! `@xmlAttribute`, `@xmlFlattened`, `@xmlNamespace`, wrapped and flattened lists and
//! maps.
//!
//! Reading streams quick-xml's event reader over the borrowed body and walks the schema
//! alongside it: text that needs no unescaping stays borrowed, and nothing is buffered
//! into a DOM. Writing appends straight into a `String`.
//!
//! Namespaces are written where the model puts them: the root's comes from the caller,
//! every other element's from the member it represents (`Member.xml_namespace`). On input
//! namespaces are ignored: elements and attributes match on their name, falling back to
//! the local part when the prefixes differ.
//!
//! The generator names list members `member` and map members `key` / `value`, so
//! [`Member::xml_name`] yields the right element name for them too.

use std::borrow::Cow;
use std::fmt::Write as _;

use base64::Engine as _;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::protocol::DecodeError;
use crate::schema::{HttpBinding, Member, Schema, ShapeId, ShapeKind, TimestampFormat, XmlNamespace};
use crate::time::DateTime;
use crate::value::Value;

/// Nesting deeper than this is rejected rather than recursed into: recursive shapes
/// would otherwise let a small body exhaust the stack.
const MAX_DEPTH: usize = 100;

/// Reads an XML document whose root element is a structure of `shape` (the root's name
/// is not checked). With `body_members_only`, members a request binds elsewhere (headers,
/// labels, query, payload) are ignored.
///
/// An empty (or whitespace-only) body reads as a structure without members; restXml
/// requests often carry no body at all.
pub fn read_body(schema: &Schema, shape: ShapeId, bytes: &[u8], body_members_only: bool) -> Result<Value, DecodeError> {
    let mut decoder = Decoder { schema, xml: XmlReader::new(bytes) };
    let Some(root) = decoder.xml.root()? else {
        return Ok(Value::Struct(Vec::new()));
    };
    let members = schema.shape(shape).kind.members();
    let value = decoder.read_struct(root, members, body_members_only, 0)?;
    decoder.xml.finish()?;
    Ok(value)
}

/// Reads an XML document whose root element holds one value of `member`'s target, of
/// any kind: a structure, union, list, map or scalar (restXml `@httpPayload`). The
/// root's name is not checked. An empty body reads as [`Value::Null`].
pub fn read_value(schema: &Schema, member: &Member, bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut decoder = Decoder { schema, xml: XmlReader::new(bytes) };
    let Some(root) = decoder.xml.root()? else {
        return Ok(Value::Null);
    };
    let value = decoder.read_member(root, member, 0)?;
    decoder.xml.finish()?;
    Ok(value)
}

/// Writes a structure value of `shape` as the element `root` (with `xmlns` when given),
/// its members as children and attributes. With `body_members_only`, members a response
/// binds elsewhere (headers, status code, payload) are left out; members with request-only
/// bindings (`@httpLabel`, `@httpQuery`) are written, as Smithy ignores those in output.
pub fn write_struct(
    out: &mut String,
    schema: &Schema,
    shape: ShapeId,
    value: &Value,
    root: &str,
    namespace: Option<XmlNamespace>,
    body_members_only: bool,
) {
    let members = schema.shape(shape).kind.members();
    write_struct_element(out, schema, members, value, root, namespace, body_members_only);
}

/// Writes only the member elements of a structure value (for awsQuery's `<XResult>` and
/// error envelopes), filtered like [`write_struct`]. `@xmlAttribute` members are skipped:
/// they belong on an element this function does not write.
pub fn write_members(out: &mut String, schema: &Schema, shape: ShapeId, value: &Value, body_members_only: bool) {
    let members = schema.shape(shape).kind.members();
    write_child_elements(out, schema, members, value, body_members_only);
}

/// Writes one member value as the element(s) named by the member: a single element for
/// scalars, structures, unions and wrapped collections, repeated elements for
/// `@xmlFlattened` lists and maps, nothing for [`Value::Null`]. The member's
/// `@xmlNamespace` is declared on the element. `@xmlAttribute` is not looked at here; the
/// caller places attributes.
pub fn write_value(out: &mut String, schema: &Schema, member: &Member, value: &Value) {
    write_member(out, schema, member, value);
}

/// Escapes text for element content and attribute values: `&`, `<`, `>`, `"`, `'` and
/// carriage returns (which parsers would otherwise normalise away). Line feeds and tabs
/// are kept; use [`escape_attribute`] for attribute values that must keep them.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, false)
}

/// Like [`escape`], and also encodes line feeds and tabs, which XML parsers turn into
/// spaces inside attribute values.
pub fn escape_attribute(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// An element whose start tag has been read but whose content has not.
struct Element<'a> {
    start: BytesStart<'a>,
    /// `<name/>`: there is no content and no end tag to consume.
    empty: bool,
}

/// quick-xml's reader over a borrowed body, with the few moves the decoder needs.
struct XmlReader<'a> {
    inner: Reader<&'a [u8]>,
}

impl<'a> XmlReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut inner = Reader::from_reader(bytes);
        let config = inner.config_mut();
        // Whitespace inside string values is data; whitespace between elements is
        // skipped by the decoder itself.
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        XmlReader { inner }
    }

    fn event(&mut self) -> Result<Event<'a>, DecodeError> {
        self.inner.read_event().map_err(|e| self.malformed(e))
    }

    fn malformed(&self, error: impl std::fmt::Display) -> DecodeError {
        DecodeError::Serialization(format!("malformed XML at byte {}: {error}", self.inner.buffer_position()))
    }

    /// The root element, after any declaration, comments and whitespace; `None` when
    /// the document holds nothing else.
    fn root(&mut self) -> Result<Option<Element<'a>>, DecodeError> {
        loop {
            match self.event()? {
                Event::Start(start) => return Ok(Some(Element { start, empty: false })),
                Event::Empty(start) => return Ok(Some(Element { start, empty: true })),
                Event::Text(text) if is_blank(&text) => {}
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Eof => return Ok(None),
                _ => return Err(self.malformed("content outside the root element")),
            }
        }
    }

    /// Checks that nothing but whitespace, comments and processing instructions follow
    /// the root element.
    fn finish(&mut self) -> Result<(), DecodeError> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(text) if is_blank(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => return Err(self.malformed("content after the root element")),
            }
        }
    }

    /// The next child element of the element being read, or `None` once its end tag
    /// has been consumed. Text, CDATA and comments between children carry no data.
    fn next_child(&mut self) -> Result<Option<Element<'a>>, DecodeError> {
        loop {
            match self.event()? {
                Event::Start(start) => return Ok(Some(Element { start, empty: false })),
                Event::Empty(start) => return Ok(Some(Element { start, empty: true })),
                Event::End(_) => return Ok(None),
                Event::Eof => return Err(self.malformed("unexpected end of document")),
                _ => {}
            }
        }
    }

    /// Consumes an element and everything in it; nested elements of the same name are
    /// counted by quick-xml.
    fn skip(&mut self, element: &Element<'a>) -> Result<(), DecodeError> {
        if !element.empty {
            self.inner.read_to_end(element.start.name()).map_err(|e| self.malformed(e))?;
        }
        Ok(())
    }

    /// The text content of a scalar element, entities and CDATA decoded; child elements
    /// are skipped. Stays borrowed when the text is one run without entities.
    fn text(&mut self, element: &Element<'a>) -> Result<Cow<'a, str>, DecodeError> {
        if element.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let piece = match self.event()? {
                Event::Text(t) => t.unescape().map_err(|e| self.malformed(e))?,
                Event::CData(c) => c.decode().map_err(|e| self.malformed(e))?,
                Event::Start(child) => {
                    self.inner.read_to_end(child.name()).map_err(|e| self.malformed(e))?;
                    continue;
                }
                Event::End(_) => break,
                Event::Eof => return Err(self.malformed("unexpected end of document")),
                _ => continue,
            };
            match &mut text {
                None => text = Some(piece),
                Some(acc) => acc.to_mut().push_str(&piece),
            }
        }
        Ok(text.unwrap_or(Cow::Borrowed("")))
    }
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

/// Walks the schema alongside the XML events.
struct Decoder<'s, 'a> {
    schema: &'s Schema,
    xml: XmlReader<'a>,
}

impl<'a> Decoder<'_, 'a> {
    /// Reads the value of `member`'s target from `element`, whatever its kind.
    fn read_member(&mut self, element: Element<'a>, member: &Member, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::Serialization("XML nested too deeply".into()));
        }
        match &self.schema.shape(member.target).kind {
            ShapeKind::Structure { members } | ShapeKind::Union { members } => {
                self.read_struct(element, members, false, depth + 1)
            }
            ShapeKind::List { member: item, .. } => self.read_wrapped_list(element, item, depth + 1),
            ShapeKind::Map { key, value, .. } => self.read_wrapped_map(element, key, value, depth + 1),
            _ => {
                let text = self.xml.text(&element)?;
                scalar_from_text(self.schema, member, text).map_err(DecodeError::Serialization)
            }
        }
    }

    /// Reads a structure or union: attributes of `element`, then its child elements.
    fn read_struct(
        &mut self,
        element: Element<'a>,
        members: &'static [Member],
        body_only: bool,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::Serialization("XML nested too deeply".into()));
        }
        let mut fields: Vec<(u16, Value)> = Vec::new();
        self.read_attributes(&element, members, body_only, &mut fields)?;
        if element.empty {
            return Ok(Value::Struct(fields));
        }
        let mut last_match = 0;
        while let Some(child) = self.xml.next_child()? {
            let name = child.start.name();
            let local = local_part(name.as_ref());
            let found = find_member(members, last_match, |m| {
                !m.xml_attribute && in_request_body(m, body_only) && names_match(local, m.xml_name())
            });
            let Some(index) = found else {
                self.xml.skip(&child)?;
                continue;
            };
            last_match = index;
            let member = &members[index];
            let index = index as u16;
            match (&self.schema.shape(member.target).kind, member.xml_flattened) {
                (ShapeKind::List { member: item, .. }, true) => {
                    let value = self.read_member(child, item, depth + 1)?;
                    push_list_item(&mut fields, index, value);
                }
                (ShapeKind::Map { key, value, .. }, true) => {
                    let (k, v) = self.read_entry(child, key, value, depth + 1)?;
                    push_map_entry(&mut fields, index, k, v);
                }
                _ => {
                    let value = self.read_member(child, member, depth)?;
                    set_field(&mut fields, index, value);
                }
            }
        }
        Ok(Value::Struct(fields))
    }

    /// Reads the `@xmlAttribute` members from the start tag; namespace declarations and
    /// unknown attributes are ignored.
    fn read_attributes(
        &self,
        element: &Element<'a>,
        members: &'static [Member],
        body_only: bool,
        fields: &mut Vec<(u16, Value)>,
    ) -> Result<(), DecodeError> {
        if !members.iter().any(|m| m.xml_attribute) {
            return Ok(());
        }
        for attribute in element.start.attributes() {
            let attribute = attribute.map_err(|e| self.xml.malformed(e))?;
            let key = attribute.key.as_ref();
            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                continue;
            }
            let local = local_part(key);
            let found = members
                .iter()
                .enumerate()
                .find(|(_, m)| m.xml_attribute && in_request_body(m, body_only) && names_match(local, m.xml_name()));
            if let Some((index, member)) = found {
                let text = attribute.unescape_value().map_err(|e| self.xml.malformed(e))?;
                let value = scalar_from_text(self.schema, member, text).map_err(DecodeError::Serialization)?;
                set_field(fields, index as u16, value);
            }
        }
        Ok(())
    }

    /// `<Name><member>..</member>...</Name>`: children named by the list member.
    fn read_wrapped_list(&mut self, element: Element<'a>, item: &Member, depth: usize) -> Result<Value, DecodeError> {
        let mut items = Vec::new();
        if element.empty {
            return Ok(Value::List(items));
        }
        while let Some(child) = self.xml.next_child()? {
            if names_match(local_part(child.start.name().as_ref()), item.xml_name()) {
                items.push(self.read_member(child, item, depth)?);
            } else {
                self.xml.skip(&child)?;
            }
        }
        Ok(Value::List(items))
    }

    /// `<Name><entry><key>..</key><value>..</value></entry>...</Name>`.
    fn read_wrapped_map(
        &mut self,
        element: Element<'a>,
        key: &Member,
        value: &Member,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let mut entries = Vec::new();
        if element.empty {
            return Ok(Value::Map(entries));
        }
        while let Some(child) = self.xml.next_child()? {
            if names_match(local_part(child.start.name().as_ref()), "entry") {
                entries.push(self.read_entry(child, key, value, depth)?);
            } else {
                self.xml.skip(&child)?;
            }
        }
        Ok(Value::Map(entries))
    }

    /// One map entry: the children named by the key and value members of the map. A
    /// missing value reads as null (sparse maps); a missing key is an error.
    fn read_entry(
        &mut self,
        element: Element<'a>,
        key: &Member,
        value: &Member,
        depth: usize,
    ) -> Result<(String, Value), DecodeError> {
        let mut entry_key = None;
        let mut entry_value = Value::Null;
        if !element.empty {
            while let Some(child) = self.xml.next_child()? {
                let name = child.start.name();
                let local = local_part(name.as_ref());
                if names_match(local, key.xml_name()) {
                    entry_key = Some(self.xml.text(&child)?.into_owned());
                } else if names_match(local, value.xml_name()) {
                    entry_value = self.read_member(child, value, depth)?;
                } else {
                    self.xml.skip(&child)?;
                }
            }
        }
        match entry_key {
            Some(k) => Ok((k, entry_value)),
            None => Err(DecodeError::Serialization(format!("map entry without a <{}> element", key.xml_name()))),
        }
    }
}

/// The index of the first member satisfying `wanted`, searching from `start` round to
/// `start - 1`. Documents mostly list members in model order and repeat flattened ones,
/// so starting at the previous match usually finds the next one in a step or two.
fn find_member(members: &[Member], start: usize, wanted: impl Fn(&Member) -> bool) -> Option<usize> {
    let start = start.min(members.len());
    (start..members.len()).chain(0..start).find(|&i| wanted(&members[i]))
}

/// True when a request document carries the member. `@httpResponseCode` means nothing in
/// a request, so such a member stays in the body.
fn in_request_body(member: &Member, body_only: bool) -> bool {
    !body_only || matches!(member.http, HttpBinding::Body | HttpBinding::ResponseCode)
}

/// True when a response document carries the member. Request-only bindings (labels,
/// query parameters) are ignored in output, so those members stay in the body.
fn in_response_body(member: &Member, body_only: bool) -> bool {
    !body_only
        || matches!(
            member.http,
            HttpBinding::Body | HttpBinding::Label | HttpBinding::Query(_) | HttpBinding::QueryParams
        )
}

/// Compares the local part of a wire name (see [`local_part`]) with a model name.
/// Prefixes are only bindings chosen by the sender, so the local parts decide: `x:foo`
/// matches `foo`, `foo` matches `xsi:foo`. Lengths reject most candidates before any
/// byte is compared.
fn names_match(local: &[u8], model: &str) -> bool {
    let model = model.as_bytes();
    match model.len().checked_sub(local.len()) {
        Some(0) => model == local,
        Some(prefix_len) => model[prefix_len - 1] == b':' && model.ends_with(local),
        None => false,
    }
}

/// `foo` of `x:foo`.
fn local_part(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// Replaces or adds a structure member.
fn set_field(fields: &mut Vec<(u16, Value)>, index: u16, value: Value) {
    match fields.iter_mut().find(|(i, _)| *i == index) {
        Some(slot) => slot.1 = value,
        None => fields.push((index, value)),
    }
}

/// Appends an item of a flattened list, whose elements arrive one at a time.
fn push_list_item(fields: &mut Vec<(u16, Value)>, index: u16, item: Value) {
    match fields.iter_mut().find(|(i, _)| *i == index) {
        Some((_, Value::List(items))) => items.push(item),
        _ => set_field(fields, index, Value::List(vec![item])),
    }
}

/// Appends an entry of a flattened map.
fn push_map_entry(fields: &mut Vec<(u16, Value)>, index: u16, key: String, value: Value) {
    match fields.iter_mut().find(|(i, _)| *i == index) {
        Some((_, Value::Map(entries))) => entries.push((key, value)),
        _ => set_field(fields, index, Value::Map(vec![(key, value)])),
    }
}

// ---------------------------------------------------------------------------------------
// Scalars as text, shared with the awsQuery parameter reader
// ---------------------------------------------------------------------------------------

/// Base64 as clients send it: padding optional, since some encoders drop it.
const LENIENT_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Parses the text form of a scalar of `member`'s target (XML text and attributes,
/// awsQuery parameter values). Strings keep their whitespace; other scalars are trimmed.
/// The error is a message for [`DecodeError::Serialization`].
pub(crate) fn scalar_from_text(schema: &Schema, member: &Member, text: Cow<'_, str>) -> Result<Value, String> {
    let kind = &schema.shape(member.target).kind;
    let invalid = |what: &str| format!("'{}' is not a valid {what} for {}", text.trim(), member.name);
    match kind {
        ShapeKind::String { .. } | ShapeKind::Enum(_) => Ok(Value::Str(text.into_owned())),
        ShapeKind::Boolean => match text.trim() {
            t if t.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(invalid("boolean")),
        },
        ShapeKind::Byte => parse_int(&text, i8::MIN as i64, i8::MAX as i64).ok_or_else(|| invalid("byte")),
        ShapeKind::Short => parse_int(&text, i16::MIN as i64, i16::MAX as i64).ok_or_else(|| invalid("short")),
        ShapeKind::Integer | ShapeKind::IntEnum(_) => {
            parse_int(&text, i32::MIN as i64, i32::MAX as i64).ok_or_else(|| invalid("integer"))
        }
        ShapeKind::Long => parse_int(&text, i64::MIN, i64::MAX).ok_or_else(|| invalid("long")),
        ShapeKind::Float | ShapeKind::Double => {
            text.trim().parse::<f64>().map(Value::Float).map_err(|_| invalid("number"))
        }
        ShapeKind::BigInteger | ShapeKind::BigDecimal => {
            let t = text.trim();
            if is_decimal_text(t) {
                Ok(Value::BigNum(t.to_owned()))
            } else {
                Err(invalid("number"))
            }
        }
        ShapeKind::Timestamp => {
            parse_timestamp(member.timestamp_format, text.trim()).ok_or_else(|| invalid("timestamp"))
        }
        ShapeKind::Blob { .. } => decode_base64(&text).map(Value::Blob).ok_or_else(|| invalid("base64 blob")),
        ShapeKind::Document => {
            Err(format!("document values are not supported in XML or query input ({})", member.name))
        }
        ShapeKind::List { .. } | ShapeKind::Map { .. } | ShapeKind::Structure { .. } | ShapeKind::Union { .. } => {
            Err(format!("expected a nested value for {}", member.name))
        }
    }
}

fn parse_int(text: &str, min: i64, max: i64) -> Option<Value> {
    let n: i64 = text.trim().parse().ok()?;
    (min..=max).contains(&n).then_some(Value::Int(n))
}

/// Digits with an optional sign, fraction and exponent.
fn is_decimal_text(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(e) => (&unsigned[..e], Some(&unsigned[e + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && digits(e)
        }
    };
    !(whole.is_empty() && fraction.is_empty()) && digits(whole) && digits(fraction) && exponent_ok
}

/// The member's format first (date-time by default), then the other two: clients of
/// query services are not always exact about formats, and the three never overlap.
fn parse_timestamp(format: Option<TimestampFormat>, text: &str) -> Option<Value> {
    let primary = format.unwrap_or(TimestampFormat::DateTime);
    [primary, TimestampFormat::DateTime, TimestampFormat::EpochSeconds, TimestampFormat::HttpDate]
        .into_iter()
        .find_map(|f| DateTime::parse(f, text))
        .map(Value::Timestamp)
}

/// Decodes base64, tolerating missing padding and line breaks.
fn decode_base64(text: &str) -> Option<bytes::Bytes> {
    let text = text.trim();
    let decoded = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        LENIENT_BASE64.decode(compact)
    } else {
        LENIENT_BASE64.decode(text)
    };
    decoded.ok().map(bytes::Bytes::from)
}

/// Appends the text form of a scalar value, escaped (attribute escaping when
/// `in_attribute`). Timestamps use the member's format, date-time by default.
pub(crate) fn push_scalar_text(out: &mut String, schema: &Schema, member: &Member, value: &Value, in_attribute: bool) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => {
            let single = matches!(schema.shape(member.target).kind, ShapeKind::Float);
            push_float(out, *f, single);
        }
        Value::BigNum(n) => out.push_str(n),
        Value::Str(s) => push_escaped(out, s, in_attribute),
        Value::Blob(b) => base64::engine::general_purpose::STANDARD.encode_string(b, out),
        Value::Stream(s) => {
            if let Some(b) = s.buffered() {
                base64::engine::general_purpose::STANDARD.encode_string(b, out);
            }
        }
        Value::Timestamp(t) => out.push_str(&t.format(member.timestamp_format.unwrap_or(TimestampFormat::DateTime))),
        Value::Document(d) => push_escaped(out, &d.to_string(), in_attribute),
        // Aggregates have no text form; the element writers never pass them here.
        Value::List(_) | Value::Map(_) | Value::Struct(_) => {}
    }
}

/// `NaN`, `Infinity`, `-Infinity`, or the shortest decimal that reads back to the same
/// number (of `f32` for float shapes), with an exponent only for very large or small
/// magnitudes.
fn push_float(out: &mut String, value: f64, single: bool) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        let magnitude = value.abs();
        let exponent = magnitude >= 1e16 || (magnitude != 0.0 && magnitude < 1e-6);
        let _ = match (single, exponent) {
            (true, false) => write!(out, "{}", value as f32),
            (true, true) => write!(out, "{:e}", value as f32),
            (false, false) => write!(out, "{value}"),
            (false, true) => write!(out, "{value:e}"),
        };
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// The members of a structure or union value, in the order they were built (member
/// order for generated shapes).
fn struct_fields(value: &Value) -> &[(u16, Value)] {
    match value {
        Value::Struct(fields) => fields,
        _ => &[],
    }
}

/// `<name xmlns.. attr="..">children</name>`, or `<name .../>` without children.
fn write_struct_element(
    out: &mut String,
    schema: &Schema,
    members: &[Member],
    value: &Value,
    name: &str,
    namespace: Option<XmlNamespace>,
    body_only: bool,
) {
    out.push('<');
    out.push_str(name);
    if let Some(ns) = namespace {
        push_namespace(out, ns);
    }
    let mut has_children = false;
    for (index, field) in struct_fields(value) {
        let Some(member) = members.get(*index as usize) else { continue };
        if field.is_null() || !in_response_body(member, body_only) {
            continue;
        }
        if member.xml_attribute {
            out.push(' ');
            out.push_str(member.xml_name());
            out.push_str("=\"");
            push_scalar_text(out, schema, member, field, true);
            out.push('"');
        } else {
            has_children = true;
        }
    }
    if !has_children {
        out.push_str("/>");
        return;
    }
    out.push('>');
    write_child_elements(out, schema, members, value, body_only);
    push_end_tag(out, name);
}

/// The element members of a structure value, attributes left out.
fn write_child_elements(out: &mut String, schema: &Schema, members: &[Member], value: &Value, body_only: bool) {
    for (index, field) in struct_fields(value) {
        let Some(member) = members.get(*index as usize) else { continue };
        if !member.xml_attribute && in_response_body(member, body_only) {
            write_member(out, schema, member, field);
        }
    }
}

/// Writes a member value as its element(s); see [`write_value`].
fn write_member(out: &mut String, schema: &Schema, member: &Member, value: &Value) {
    if value.is_null() {
        return;
    }
    let name = member.xml_name();
    match (&schema.shape(member.target).kind, value) {
        (ShapeKind::List { member: item, .. }, Value::List(items)) => {
            if member.xml_flattened {
                // Each item is an element named by the structure member; the list
                // member's namespace applies unless the structure member has its own.
                let namespace = member.xml_namespace.or(item.xml_namespace);
                for value in items {
                    write_element(out, schema, item, value, name, namespace);
                }
            } else {
                write_wrapped_list(out, schema, item, items, name, member.xml_namespace);
            }
        }
        (ShapeKind::Map { key, value: map_value, .. }, Value::Map(entries)) => {
            if member.xml_flattened {
                for (k, v) in entries {
                    write_entry(out, schema, key, map_value, k, v, name, member.xml_namespace);
                }
            } else {
                push_start_tag(out, name, member.xml_namespace);
                for (k, v) in entries {
                    write_entry(out, schema, key, map_value, k, v, "entry", None);
                }
                push_end_tag(out, name);
            }
        }
        _ => write_element(out, schema, member, value, name, member.xml_namespace),
    }
}

/// One element holding a value of `member`'s target under the given name.
fn write_element(
    out: &mut String,
    schema: &Schema,
    member: &Member,
    value: &Value,
    name: &str,
    namespace: Option<XmlNamespace>,
) {
    match (&schema.shape(member.target).kind, value) {
        (ShapeKind::Structure { members } | ShapeKind::Union { members }, _) => {
            write_struct_element(out, schema, members, value, name, namespace, false);
        }
        (ShapeKind::List { member: item, .. }, Value::List(items)) => {
            write_wrapped_list(out, schema, item, items, name, namespace);
        }
        (ShapeKind::Map { key, value: map_value, .. }, Value::Map(entries)) => {
            push_start_tag(out, name, namespace);
            for (k, v) in entries {
                write_entry(out, schema, key, map_value, k, v, "entry", None);
            }
            push_end_tag(out, name);
        }
        _ => write_scalar_element(out, schema, member, value, name, namespace),
    }
}

/// `<name><member>..</member>...</name>`, `<name/>` when empty.
fn write_wrapped_list(
    out: &mut String,
    schema: &Schema,
    item: &Member,
    items: &[Value],
    name: &str,
    namespace: Option<XmlNamespace>,
) {
    if items.is_empty() {
        push_empty_element(out, name, namespace);
        return;
    }
    push_start_tag(out, name, namespace);
    for value in items {
        write_element(out, schema, item, value, item.xml_name(), item.xml_namespace);
    }
    push_end_tag(out, name);
}

/// `<name><key>k</key><value>v</value></name>`; a null value (sparse maps) has no
/// value element.
#[allow(clippy::too_many_arguments)]
fn write_entry(
    out: &mut String,
    schema: &Schema,
    key: &Member,
    value_member: &Member,
    k: &str,
    v: &Value,
    name: &str,
    namespace: Option<XmlNamespace>,
) {
    push_start_tag(out, name, namespace);
    let key_name = key.xml_name();
    if k.is_empty() {
        push_empty_element(out, key_name, key.xml_namespace);
    } else {
        push_start_tag(out, key_name, key.xml_namespace);
        push_escaped(out, k, false);
        push_end_tag(out, key_name);
    }
    if !v.is_null() {
        write_element(out, schema, value_member, v, value_member.xml_name(), value_member.xml_namespace);
    }
    push_end_tag(out, name);
}

/// `<name>text</name>`, or `<name/>` for an empty string (and a null sparse item).
fn write_scalar_element(
    out: &mut String,
    schema: &Schema,
    member: &Member,
    value: &Value,
    name: &str,
    namespace: Option<XmlNamespace>,
) {
    let empty = match value {
        Value::Str(s) => s.is_empty(),
        Value::Null => true,
        _ => false,
    };
    if empty {
        push_empty_element(out, name, namespace);
        return;
    }
    push_start_tag(out, name, namespace);
    push_scalar_text(out, schema, member, value, false);
    push_end_tag(out, name);
}

fn push_start_tag(out: &mut String, name: &str, namespace: Option<XmlNamespace>) {
    out.push('<');
    out.push_str(name);
    if let Some(ns) = namespace {
        push_namespace(out, ns);
    }
    out.push('>');
}

fn push_empty_element(out: &mut String, name: &str, namespace: Option<XmlNamespace>) {
    out.push('<');
    out.push_str(name);
    if let Some(ns) = namespace {
        push_namespace(out, ns);
    }
    out.push_str("/>");
}

fn push_end_tag(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// ` xmlns="uri"` or ` xmlns:prefix="uri"`.
fn push_namespace(out: &mut String, ns: XmlNamespace) {
    out.push_str(" xmlns");
    if let Some(prefix) = ns.prefix {
        out.push(':');
        out.push_str(prefix);
    }
    out.push_str("=\"");
    push_escaped(out, ns.uri, true);
    out.push('"');
}

/// The replacement for a character that cannot appear as itself, if any.
#[inline]
fn escaped_byte(b: u8, in_attribute: bool) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&apos;"),
        b'\r' => Some("&#xD;"),
        b'\n' if in_attribute => Some("&#xA;"),
        b'\t' if in_attribute => Some("&#x9;"),
        _ => None,
    }
}

/// Appends `text` escaped, copying unescaped runs whole. Every character that needs
/// escaping is ASCII, so scanning bytes is enough and cuts only at character boundaries.
pub(crate) fn push_escaped(out: &mut String, text: &str, in_attribute: bool) {
    if !needs_escape(text, in_attribute) {
        out.push_str(text);
        return;
    }
    let mut run_start = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if let Some(replacement) = escaped_byte(b, in_attribute) {
            out.push_str(&text[run_start..i]);
            out.push_str(replacement);
            run_start = i + 1;
        }
    }
    out.push_str(&text[run_start..]);
}

/// Whether some byte of `text` has an [`escaped_byte`] replacement. Nearly no text does:
/// a branch-free vector scan tells, so the text is then copied whole.
fn needs_escape(text: &str, in_attribute: bool) -> bool {
    if in_attribute {
        crate::scan::any_of(text.as_bytes(), b"&<>\"'\r\n\t", 0)
    } else {
        crate::scan::any_of(text.as_bytes(), b"&<>\"'\r", 0)
    }
}

fn escape_with(text: &str, in_attribute: bool) -> Cow<'_, str> {
    if !needs_escape(text, in_attribute) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(&mut out, text, in_attribute);
    Cow::Owned(out)
}

/// A hand-written schema covering the XML and query traits, shared by the codec tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::schema::*;

    pub const fn member(name: &'static str, target: ShapeId) -> Member {
        Member { name, target, ..Member::DEFAULT }
    }

    const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
        Shape { name, kind, ..Shape::DEFAULT }
    }

    const fn renamed(name: &'static str, xml_name: &'static str, target: ShapeId) -> Member {
        Member { xml_name: Some(xml_name), ..member(name, target) }
    }

    const fn flattened(name: &'static str, target: ShapeId) -> Member {
        Member { xml_flattened: true, ..member(name, target) }
    }

    pub const STRING: ShapeId = 0;
    pub const INTEGER: ShapeId = 1;
    pub const BOOLEAN: ShapeId = 2;
    pub const TIMESTAMP: ShapeId = 3;
    pub const BLOB: ShapeId = 4;
    pub const FLOAT: ShapeId = 5;
    pub const DOUBLE: ShapeId = 6;
    pub const STRING_LIST: ShapeId = 7;
    pub const RENAMED_LIST: ShapeId = 8;
    pub const STRING_MAP: ShapeId = 9;
    pub const RENAMED_MAP: ShapeId = 10;
    pub const NESTED: ShapeId = 11;
    pub const TOP: ShapeId = 12;
    pub const NESTED_LIST: ShapeId = 13;
    pub const CHOICE: ShapeId = 14;
    pub const ENUM: ShapeId = 15;
    pub const INT_ENUM: ShapeId = 16;
    pub const LONG: ShapeId = 17;
    pub const BIG_DECIMAL: ShapeId = 18;
    pub const STRUCT_LIST: ShapeId = 19;
    pub const MAP_OF_LISTS: ShapeId = 20;
    pub const BYTE: ShapeId = 21;
    pub const NAMESPACED_LIST: ShapeId = 22;
    pub const NAMESPACED_MAP: ShapeId = 23;
    pub const EMPTY: ShapeId = 24;
    pub const INVALID_GREETING: ShapeId = 25;
    pub const COMPLEX_ERROR: ShapeId = 26;
    pub const COMPLEX_NESTED: ShapeId = 27;
    pub const CUSTOM_CODE_ERROR: ShapeId = 28;
    pub const GREETING_OUTPUT: ShapeId = 29;
    pub const SERVER_ERROR: ShapeId = 30;

    static LIST_MEMBER: Member = member("member", STRING);
    static RENAMED_LIST_MEMBER: Member = renamed("member", "item", STRING);
    static MAP_KEY: Member = member("key", STRING);
    static MAP_VALUE: Member = member("value", STRING);
    static RENAMED_MAP_KEY: Member = renamed("key", "K", STRING);
    static RENAMED_MAP_VALUE: Member = renamed("value", "V", STRING);
    static NESTED_LIST_MEMBER: Member = member("member", STRING_LIST);
    static STRUCT_LIST_MEMBER: Member = renamed("member", "item", NESTED);
    static LIST_MAP_VALUE: Member = member("value", STRING_LIST);
    static NAMESPACED_LIST_MEMBER: Member = Member {
        xml_namespace: Some(XmlNamespace { uri: "http://bux.com", prefix: None }),
        ..member("member", STRING)
    };
    static NAMESPACED_MAP_KEY: Member = Member {
        xml_namespace: Some(XmlNamespace { uri: "https://the-key.example.com", prefix: None }),
        ..renamed("key", "K", STRING)
    };
    static NAMESPACED_MAP_VALUE: Member = Member {
        xml_namespace: Some(XmlNamespace { uri: "https://the-value.example.com", prefix: None }),
        ..renamed("value", "V", STRING)
    };

    static NESTED_MEMBERS: [Member; 3] = [
        member("foo", STRING),
        member("nested", NESTED),
        Member { xml_attribute: true, ..renamed("attr", "a", STRING) },
    ];

    static CHOICE_MEMBERS: [Member; 2] = [member("s", STRING), member("n", NESTED)];

    pub static TOP_MEMBERS: [Member; 32] = [
        member("Str", STRING),                                                                          // 0
        member("Int", INTEGER),                                                                         // 1
        member("Bool", BOOLEAN),                                                                        // 2
        member("Time", TIMESTAMP),                                                                      // 3
        Member { timestamp_format: Some(TimestampFormat::EpochSeconds), ..member("Epoch", TIMESTAMP) }, // 4
        Member { timestamp_format: Some(TimestampFormat::HttpDate), ..member("HttpDate", TIMESTAMP) },  // 5
        member("Data", BLOB),                                                                           // 6
        member("Float", FLOAT),                                                                         // 7
        member("Double", DOUBLE),                                                                       // 8
        member("List", STRING_LIST),                                                                    // 9
        renamed("RenamedList", "renamed", RENAMED_LIST),                                                // 10
        flattened("Flat", RENAMED_LIST),                                                                // 11
        member("Map", STRING_MAP),                                                                      // 12
        Member { xml_flattened: true, ..renamed("FlatMap", "KVP", RENAMED_MAP) },                       // 13
        member("Nested", NESTED),                                                                       // 14
        Member { xml_attribute: true, ..renamed("Id", "id", STRING) },                                  // 15
        member("NestedList", NESTED_LIST),                                                              // 16
        member("Choice", CHOICE),                                                                       // 17
        member("Enum", ENUM),                                                                           // 18
        member("IntEnum", INT_ENUM),                                                                    // 19
        member("Long", LONG),                                                                           // 20
        member("Big", BIG_DECIMAL),                                                                     // 21
        member("Structs", STRUCT_LIST),                                                                 // 22
        member("MapOfLists", MAP_OF_LISTS),                                                             // 23
        member("Byte", BYTE),                                                                           // 24
        Member {
            xml_namespace: Some(XmlNamespace { uri: "http://baz.com", prefix: Some("baz") }),
            ..member("Prefixed", STRING)
        }, // 25
        Member {
            xml_namespace: Some(XmlNamespace { uri: "http://qux.com", prefix: None }),
            ..member("Values", NAMESPACED_LIST)
        }, // 26
        Member {
            xml_namespace: Some(XmlNamespace { uri: "https://the-member.example.com", prefix: None }),
            ..renamed("NsMap", "NsKVP", NAMESPACED_MAP)
        }, // 27
        flattened("FlatNs", NAMESPACED_LIST),                                                           // 28
        Member { http: HttpBinding::Header("X-Foo"), ..member("Header", STRING) },                      // 29
        renamed("RenamedMap", "Renamed", RENAMED_MAP),                                                  // 30
        Member { http: HttpBinding::Query("q"), ..member("Query", STRING) },                            // 31
    ];

    static MESSAGE_ONLY: [Member; 1] = [member("Message", STRING)];
    static COMPLEX_ERROR_MEMBERS: [Member; 3] = [
        member("TopLevel", STRING),
        member("Nested", COMPLEX_NESTED),
        Member { http: HttpBinding::Header("X-Header"), ..member("Header", STRING) },
    ];
    static COMPLEX_NESTED_MEMBERS: [Member; 1] = [renamed("Foo", "Foo", STRING)];
    static GREETING_MEMBERS: [Member; 1] = [member("greeting", STRING)];
    static SERVER_ERROR_MEMBERS: [Member; 2] = [member("message", STRING), member("RetryAfter", INTEGER)];

    const fn error(
        name: &'static str,
        members: &'static [Member],
        fault: Fault,
        query: Option<(&'static str, u16)>,
    ) -> Shape {
        let (query_code, query_status) = match query {
            Some((code, status)) => (Some(code), Some(status)),
            None => (None, None),
        };
        let http_status = match fault {
            Fault::Client => 400,
            Fault::Server => 500,
        };
        Shape {
            error: Some(ErrorInfo { fault, http_status, query_code, query_status }),
            internal_values: &[],
            ..shape(name, ShapeKind::Structure { members })
        }
    }

    pub static SHAPES: [Shape; 31] = [
        shape("String", ShapeKind::String { media_type: None }),
        shape("Integer", ShapeKind::Integer),
        shape("Boolean", ShapeKind::Boolean),
        shape("Timestamp", ShapeKind::Timestamp),
        shape("Blob", ShapeKind::Blob { streaming: false, media_type: None }),
        shape("Float", ShapeKind::Float),
        shape("Double", ShapeKind::Double),
        shape("StringList", ShapeKind::List { member: &LIST_MEMBER, sparse: false }),
        shape("RenamedList", ShapeKind::List { member: &RENAMED_LIST_MEMBER, sparse: false }),
        shape("StringMap", ShapeKind::Map { key: &MAP_KEY, value: &MAP_VALUE, sparse: false }),
        shape("RenamedMap", ShapeKind::Map { key: &RENAMED_MAP_KEY, value: &RENAMED_MAP_VALUE, sparse: false }),
        shape("Nested", ShapeKind::Structure { members: &NESTED_MEMBERS }),
        shape("Top", ShapeKind::Structure { members: &TOP_MEMBERS }),
        shape("NestedList", ShapeKind::List { member: &NESTED_LIST_MEMBER, sparse: false }),
        shape("Choice", ShapeKind::Union { members: &CHOICE_MEMBERS }),
        shape("FooEnum", ShapeKind::Enum(&[("FOO", "Foo"), ("ZERO", "0")])),
        shape("IntEnum", ShapeKind::IntEnum(&[("A", 1), ("B", 2)])),
        shape("Long", ShapeKind::Long),
        shape("BigDecimal", ShapeKind::BigDecimal),
        shape("StructList", ShapeKind::List { member: &STRUCT_LIST_MEMBER, sparse: false }),
        shape("MapOfLists", ShapeKind::Map { key: &MAP_KEY, value: &LIST_MAP_VALUE, sparse: false }),
        shape("Byte", ShapeKind::Byte),
        shape("NamespacedList", ShapeKind::List { member: &NAMESPACED_LIST_MEMBER, sparse: false }),
        shape(
            "NamespacedMap",
            ShapeKind::Map { key: &NAMESPACED_MAP_KEY, value: &NAMESPACED_MAP_VALUE, sparse: false },
        ),
        shape("Empty", ShapeKind::Structure { members: &[] }),
        error("InvalidGreeting", &MESSAGE_ONLY, Fault::Client, None),
        error("ComplexError", &COMPLEX_ERROR_MEMBERS, Fault::Client, None),
        shape("ComplexNestedErrorData", ShapeKind::Structure { members: &COMPLEX_NESTED_MEMBERS }),
        error("CustomCodeError", &MESSAGE_ONLY, Fault::Client, Some(("Customized", 402))),
        shape("GreetingOutput", ShapeKind::Structure { members: &GREETING_MEMBERS }),
        error("ServiceUnavailable", &SERVER_ERROR_MEMBERS, Fault::Server, None),
    ];

    pub static SCHEMA: Schema = Schema {
        service: ServiceInfo {
            name: "test",
            shape_name: "TestService",
            namespace: "com.example",
            version: "2020-01-08",
            signing_name: "test",
            target_prefix: "TestService",
            protocols: &[Protocol::AwsQuery],
            query_compatible: false,
            xml_namespace: Some("https://example.com/"),
            xml_no_error_wrapping: false,
            validation: ValidationStyle::Aws,
            validation_code: "ValidationError",
        },
        shapes: &SHAPES,
        operations: &[],
        derived: crate::schema::Derived::new(),
    };

    /// Index of a member of `Top` by name.
    pub fn top(name: &str) -> u16 {
        TOP_MEMBERS.iter().position(|m| m.name == name).unwrap_or_else(|| panic!("no member {name}")) as u16
    }

    pub fn s(text: &str) -> crate::value::Value {
        crate::value::Value::Str(text.to_owned())
    }

    /// A tiny xorshift generator for the no-panic loops.
    pub struct XorShift(pub u64);

    impl XorShift {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn read(xml: &str) -> Value {
        read_body(&SCHEMA, TOP, xml.as_bytes(), false).unwrap_or_else(|e| panic!("{e:?} for {xml}"))
    }

    fn read_err(xml: &str) -> DecodeError {
        read_body(&SCHEMA, TOP, xml.as_bytes(), false).expect_err(xml)
    }

    fn field(value: &Value, name: &str) -> Value {
        match value.field(top(name)) {
            Some(v) => clone(v),
            None => Value::Null,
        }
    }

    /// Values are not `Clone` (streams); tests only clone plain trees.
    fn clone(v: &Value) -> Value {
        match v {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::BigNum(n) => Value::BigNum(n.clone()),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Blob(b) => Value::Blob(b.clone()),
            Value::Timestamp(t) => Value::Timestamp(*t),
            Value::Document(d) => Value::Document(d.clone()),
            Value::List(items) => Value::List(items.iter().map(clone).collect()),
            Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (k.clone(), clone(v))).collect()),
            Value::Struct(fields) => Value::Struct(fields.iter().map(|(i, v)| (*i, clone(v))).collect()),
            Value::Stream(s) => Value::Stream(s.clone()),
        }
    }

    fn write_top(value: &Value) -> String {
        let mut out = String::new();
        write_struct(&mut out, &SCHEMA, TOP, value, "Top", None, false);
        out
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|i| s(i)).collect())
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), clone(v))).collect())
    }

    #[test]
    fn reads_scalars() {
        let v = read(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Top>\n  <Str>  hello  world </Str>\n  <Int> 42 </Int>\n  <Bool>true</Bool>\n  \
             <Float>5.5</Float><Double>-Infinity</Double><Long>-9007199254740993</Long><Byte>-128</Byte>\n  \
             <Big>1.5e300</Big><Enum>Foo</Enum><IntEnum>2</IntEnum><Data>dmFsdWU=</Data></Top>",
        );
        assert_eq!(field(&v, "Str"), s("  hello  world "));
        assert_eq!(field(&v, "Int"), Value::Int(42));
        assert_eq!(field(&v, "Bool"), Value::Bool(true));
        assert_eq!(field(&v, "Float"), Value::Float(5.5));
        assert_eq!(field(&v, "Double"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(field(&v, "Long"), Value::Int(-9007199254740993));
        assert_eq!(field(&v, "Byte"), Value::Int(-128));
        assert_eq!(field(&v, "Big"), Value::BigNum("1.5e300".into()));
        assert_eq!(field(&v, "Enum"), s("Foo"));
        assert_eq!(field(&v, "IntEnum"), Value::Int(2));
        assert_eq!(field(&v, "Data"), Value::Blob(bytes::Bytes::from_static(b"value")));
    }

    #[test]
    fn reads_nan_and_infinity() {
        let v = read("<Top><Float>NaN</Float><Double>Infinity</Double></Top>");
        assert!(matches!(field(&v, "Float"), Value::Float(f) if f.is_nan()));
        assert_eq!(field(&v, "Double"), Value::Float(f64::INFINITY));
    }

    #[test]
    fn reads_text_with_entities_and_cdata() {
        let v = read("<Top><Str>&lt;a&gt; &amp; &#65;&#x42; <![CDATA[<raw> & ]]>end</Str></Top>");
        assert_eq!(field(&v, "Str"), s("<a> & AB <raw> & end"));
        // Whitespace-only string values are data.
        assert_eq!(field(&read("<Top><Str>   </Str></Top>"), "Str"), s("   "));
        assert_eq!(field(&read("<Top><Str/></Top>"), "Str"), s(""));
        assert_eq!(field(&read("<Top><Str></Str></Top>"), "Str"), s(""));
    }

    #[test]
    fn ignores_preamble_comments_and_stray_cdata() {
        let v = read(
            "<?xml version = \"1.0\" encoding = \"UTF-8\"?>\n<Top>\n    <![CDATA[characters representing CDATA]]>\n    \
             <Str>string</Str>\n    <!--xml comment-->\n</Top>\n<!-- trailing -->\n",
        );
        assert_eq!(v, Value::Struct(vec![(top("Str"), s("string"))]));
    }

    #[test]
    fn reads_timestamps_in_each_format() {
        let v = read(
            "<Top><Time>2014-04-29T18:30:38Z</Time><Epoch>1398796238</Epoch>\
             <HttpDate>Tue, 29 Apr 2014 18:30:38 GMT</HttpDate></Top>",
        );
        let t = Value::Timestamp(DateTime::from_secs(1398796238));
        assert_eq!(field(&v, "Time"), t);
        assert_eq!(field(&v, "Epoch"), t);
        assert_eq!(field(&v, "HttpDate"), t);
        let offset = read("<Top><Time>2019-12-16T22:48:18-01:00</Time></Top>");
        assert_eq!(field(&offset, "Time"), Value::Timestamp(DateTime::from_secs(1576540098)));
        let fraction = read("<Top><Time>2000-01-02T20:34:56.123Z</Time></Top>");
        assert_eq!(field(&fraction, "Time"), Value::Timestamp(DateTime::from_millis(946845296123)));
    }

    #[test]
    fn reads_wrapped_and_flattened_lists() {
        let v = read(
            "<Top><List><member>foo</member><member>bar</member></List>\
             <renamed><item>a</item><item>b</item></renamed>\
             <Flat>hi</Flat><Str>between</Str><Flat>bye</Flat>\
             <NestedList><member><member>foo</member><member>bar</member></member><member><member>baz</member></member></NestedList>\
             <Structs><item><foo>1</foo></item><item a=\"x\"><foo>2</foo></item></Structs></Top>",
        );
        assert_eq!(field(&v, "List"), strs(&["foo", "bar"]));
        assert_eq!(field(&v, "RenamedList"), strs(&["a", "b"]));
        assert_eq!(field(&v, "Flat"), strs(&["hi", "bye"]));
        assert_eq!(field(&v, "NestedList"), Value::List(vec![strs(&["foo", "bar"]), strs(&["baz"])]));
        assert_eq!(
            field(&v, "Structs"),
            Value::List(vec![Value::Struct(vec![(0, s("1"))]), Value::Struct(vec![(0, s("2")), (2, s("x"))]),])
        );
        assert_eq!(field(&read("<Top><List/></Top>"), "List"), Value::List(vec![]));
        assert_eq!(field(&read("<Top><List>\n</List></Top>"), "List"), Value::List(vec![]));
    }

    #[test]
    fn reads_wrapped_and_flattened_maps() {
        let v = read(
            "<Top><Map><entry><key>foo</key><value>Foo</value></entry><entry><key>baz</key><value>Baz</value></entry></Map>\
             <KVP><K>a</K><V>A</V></KVP><KVP><V>B</V><K>b</K></KVP>\
             <Renamed><entry><K>x</K><V>X</V></entry></Renamed>\
             <MapOfLists><entry><key>l</key><value><member>1</member><member>2</member></value></entry></MapOfLists></Top>",
        );
        assert_eq!(field(&v, "Map"), map(&[("foo", s("Foo")), ("baz", s("Baz"))]));
        assert_eq!(field(&v, "FlatMap"), map(&[("a", s("A")), ("b", s("B"))]));
        assert_eq!(field(&v, "RenamedMap"), map(&[("x", s("X"))]));
        assert_eq!(field(&v, "MapOfLists"), map(&[("l", strs(&["1", "2"]))]));
        assert!(matches!(
            read_err("<Top><Map><entry><value>v</value></entry></Map></Top>"),
            DecodeError::Serialization(_)
        ));
    }

    #[test]
    fn reads_recursive_structures_with_same_name_nesting() {
        let v = read(
            "<Top><Nested a=\"1\"><foo>Foo1</foo><nested><foo>Foo2</foo><nested a=\"3\"><nested/></nested></nested></Nested>\
             <Str>after</Str></Top>",
        );
        let expected = Value::Struct(vec![
            (2, s("1")),
            (0, s("Foo1")),
            (1, Value::Struct(vec![(0, s("Foo2")), (1, Value::Struct(vec![(2, s("3")), (1, Value::Struct(vec![]))]))])),
        ]);
        assert_eq!(field(&v, "Nested"), expected);
        assert_eq!(field(&v, "Str"), s("after"));
    }

    #[test]
    fn skips_unknown_elements_including_same_named_nesting() {
        let v = read(
            "<Top><Unknown><Unknown><Str>inner</Str></Unknown></Unknown><Str>outer</Str>\
             <Int>1<b>ignored</b></Int><Other/></Top>",
        );
        assert_eq!(v, Value::Struct(vec![(top("Str"), s("outer")), (top("Int"), Value::Int(1))]));
    }

    #[test]
    fn reads_attributes_and_tolerates_namespaces() {
        let v = read(
            "<Top xmlns=\"https://example.com/\" xmlns:x=\"urn:x\" id=\"&lt;i&amp;d&gt;\" other=\"1\">\
             <x:Str>prefixed</x:Str><Prefixed xmlns:baz=\"http://baz.com\">p</Prefixed>\
             <Values xmlns=\"http://qux.com\"><member xmlns=\"http://bux.com\">Bar</member></Values></Top>",
        );
        assert_eq!(field(&v, "Id"), s("<i&d>"));
        assert_eq!(field(&v, "Str"), s("prefixed"));
        assert_eq!(field(&v, "Prefixed"), s("p"));
        assert_eq!(field(&v, "Values"), strs(&["Bar"]));
    }

    #[test]
    fn reads_unions() {
        let v = read("<Top><Choice><n><foo>x</foo></n></Choice></Top>");
        assert_eq!(field(&v, "Choice"), Value::Struct(vec![(1, Value::Struct(vec![(0, s("x"))]))]));
    }

    #[test]
    fn body_members_only_ignores_bound_members() {
        let xml = b"<Top><Header>h</Header><Str>s</Str></Top>";
        let v = read_body(&SCHEMA, TOP, xml, true).unwrap();
        assert_eq!(v, Value::Struct(vec![(top("Str"), s("s"))]));
        let v = read_body(&SCHEMA, TOP, xml, false).unwrap();
        assert_eq!(field(&v, "Header"), s("h"));
    }

    #[test]
    fn request_only_bindings_stay_in_response_bodies() {
        let v = read_body(&SCHEMA, TOP, b"<Top><Query>q</Query></Top>", true).unwrap();
        assert_eq!(v, Value::Struct(vec![]));
        let value = Value::Struct(vec![(top("Query"), s("bam")), (top("Header"), s("h"))]);
        let mut out = String::new();
        write_struct(&mut out, &SCHEMA, TOP, &value, "Out", None, true);
        assert_eq!(out, "<Out><Query>bam</Query></Out>");
    }

    #[test]
    fn empty_body_is_an_empty_structure() {
        assert_eq!(read(""), Value::Struct(vec![]));
        assert_eq!(read("  \n"), Value::Struct(vec![]));
        assert_eq!(read("<Top/>"), Value::Struct(vec![]));
    }

    #[test]
    fn rejects_malformed_xml() {
        for bad in [
            "<Top>",
            "<Top><Str>x</Top>",
            "<Top><Str>x</Str>",
            "<Top></Other>",
            "<Top><Str>&bogus;</Str></Top>",
            "text<Top/>",
            "<Top/><Top/>",
            "<Top/>trailing",
            "<Top id=\"1\" id=\"2\"/>",
            "<Top><Str>\u{0}</Str>",
        ] {
            assert!(matches!(read_err(bad), DecodeError::Serialization(_)), "{bad}");
        }
    }

    #[test]
    fn rejects_malformed_scalars() {
        for bad in [
            "<Top><Int>x</Int></Top>",
            "<Top><Int>2147483648</Int></Top>",
            "<Top><Byte>128</Byte></Top>",
            "<Top><Bool>yes</Bool></Top>",
            "<Top><Float>1.2.3</Float></Top>",
            "<Top><Time>yesterday</Time></Top>",
            "<Top><Data>!!!</Data></Top>",
            "<Top><Big>1e</Big></Top>",
            "<Top id=\"&nope;\"/>",
        ] {
            assert!(matches!(read_err(bad), DecodeError::Serialization(_)), "{bad}");
        }
    }

    #[test]
    fn rejects_excessive_nesting() {
        let depth = 10_000;
        let xml = format!(
            "<Top>{}{}</Top>",
            "<Nested>".to_string() + &"<nested>".repeat(depth),
            "</nested>".repeat(depth) + "</Nested>"
        );
        assert!(matches!(read_err(&xml), DecodeError::Serialization(_)));
    }

    #[test]
    fn writes_scalars() {
        let value = Value::Struct(vec![
            (top("Str"), s("a<b>&\"c\"")),
            (top("Int"), Value::Int(-3)),
            (top("Bool"), Value::Bool(false)),
            (top("Float"), Value::Float(5.5)),
            (top("Double"), Value::Float(f64::NAN)),
            (top("Data"), Value::Blob(bytes::Bytes::from_static(b"value"))),
            (top("Time"), Value::Timestamp(DateTime::from_secs(1398796238))),
            (top("Epoch"), Value::Timestamp(DateTime::from_parts(1398796238, 123_000_000))),
            (top("HttpDate"), Value::Timestamp(DateTime::from_secs(1398796238))),
            (top("Long"), Value::Null),
            (top("Enum"), s("")),
        ]);
        assert_eq!(
            write_top(&value),
            "<Top><Str>a&lt;b&gt;&amp;&quot;c&quot;</Str><Int>-3</Int><Bool>false</Bool><Float>5.5</Float>\
             <Double>NaN</Double><Data>dmFsdWU=</Data><Time>2014-04-29T18:30:38Z</Time><Epoch>1398796238.123</Epoch>\
             <HttpDate>Tue, 29 Apr 2014 18:30:38 GMT</HttpDate><Enum/></Top>"
        );
    }

    #[test]
    fn writes_floats_readably() {
        let cases: [(f64, bool, &str); 7] = [
            (0.1f32 as f64, true, "0.1"),
            (0.1, false, "0.1"),
            (6.0, false, "6"),
            (1e300, false, "1e300"),
            (-2.5e-9, false, "-2.5e-9"),
            (f64::INFINITY, false, "Infinity"),
            (f64::NEG_INFINITY, true, "-Infinity"),
        ];
        for (value, single, expected) in cases {
            let mut out = String::new();
            push_float(&mut out, value, single);
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn writes_lists_maps_attributes_and_namespaces() {
        let value = Value::Struct(vec![
            (top("Id"), s("a\"b\nc")),
            (top("List"), strs(&["foo", "bar"])),
            (top("RenamedList"), strs(&[])),
            (top("Flat"), strs(&["hi", "bye"])),
            (top("Map"), map(&[("k", s("v"))])),
            (top("FlatMap"), map(&[("a", s("A")), ("b", s("B"))])),
            (top("Nested"), Value::Struct(vec![(2, s("attr")), (0, s("x")), (1, Value::Struct(vec![]))])),
            (top("NestedList"), Value::List(vec![strs(&["a"]), strs(&[])])),
            (top("Prefixed"), s("Foo")),
            (top("Values"), strs(&["Bar", "Baz"])),
            (top("NsMap"), map(&[("a", s("A"))])),
            (top("FlatNs"), strs(&["a"])),
            (top("Choice"), Value::Struct(vec![(0, s("one"))])),
        ]);
        let mut out = String::new();
        write_struct(
            &mut out,
            &SCHEMA,
            TOP,
            &value,
            "Top",
            Some(XmlNamespace { uri: "http://foo.com", prefix: None }),
            false,
        );
        assert_eq!(
            out,
            "<Top xmlns=\"http://foo.com\" id=\"a&quot;b&#xA;c\">\
             <List><member>foo</member><member>bar</member></List><renamed/>\
             <Flat>hi</Flat><Flat>bye</Flat>\
             <Map><entry><key>k</key><value>v</value></entry></Map>\
             <KVP><K>a</K><V>A</V></KVP><KVP><K>b</K><V>B</V></KVP>\
             <Nested a=\"attr\"><foo>x</foo><nested/></Nested>\
             <NestedList><member><member>a</member></member><member/></NestedList>\
             <Prefixed xmlns:baz=\"http://baz.com\">Foo</Prefixed>\
             <Values xmlns=\"http://qux.com\"><member xmlns=\"http://bux.com\">Bar</member><member xmlns=\"http://bux.com\">Baz</member></Values>\
             <NsKVP xmlns=\"https://the-member.example.com\"><entry><K xmlns=\"https://the-key.example.com\">a</K>\
             <V xmlns=\"https://the-value.example.com\">A</V></entry></NsKVP>\
             <FlatNs xmlns=\"http://bux.com\">a</FlatNs>\
             <Choice><s>one</s></Choice></Top>"
        );
        // What was written reads back the same, namespaces and all.
        assert_eq!(read_body(&SCHEMA, TOP, out.as_bytes(), false).unwrap(), value);
    }

    #[test]
    fn writes_members_and_single_values() {
        let value = Value::Struct(vec![(top("Id"), s("skipped")), (top("Str"), s("x")), (top("Header"), s("h"))]);
        let mut out = String::new();
        write_members(&mut out, &SCHEMA, TOP, &value, true);
        assert_eq!(out, "<Str>x</Str>");
        out.clear();
        write_members(&mut out, &SCHEMA, TOP, &value, false);
        assert_eq!(out, "<Str>x</Str><Header>h</Header>");
        out.clear();
        write_value(&mut out, &SCHEMA, &TOP_MEMBERS[top("Flat") as usize], &strs(&["a", "b"]));
        assert_eq!(out, "<Flat>a</Flat><Flat>b</Flat>");
        out.clear();
        write_struct(&mut out, &SCHEMA, EMPTY, &Value::Struct(vec![]), "Empty", None, false);
        assert_eq!(out, "<Empty/>");
    }

    #[test]
    fn read_value_reads_any_root() {
        let list = &TOP_MEMBERS[top("List") as usize];
        let v = read_value(&SCHEMA, list, b"<Whatever><member>a</member></Whatever>").unwrap();
        assert_eq!(v, strs(&["a"]));
        let nested = &TOP_MEMBERS[top("Nested") as usize];
        let v = read_value(&SCHEMA, nested, b"<Hola a=\"1\"><foo>x</foo></Hola>").unwrap();
        assert_eq!(v, Value::Struct(vec![(2, s("1")), (0, s("x"))]));
        assert_eq!(read_value(&SCHEMA, nested, b"").unwrap(), Value::Null);
    }

    #[test]
    fn round_trips_everything() {
        let value = Value::Struct(vec![
            (top("Str"), s(" \t multi\nline\r\n & <tags> ")),
            (top("Int"), Value::Int(i32::MIN as i64)),
            (top("Long"), Value::Int(i64::MAX)),
            (top("Double"), Value::Float(1.0e-300)),
            (top("Float"), Value::Float(3.25)),
            (top("Big"), Value::BigNum("-12.5E-3".into())),
            (top("Time"), Value::Timestamp(DateTime::from_parts(1, 500_000_000))),
            (top("Data"), Value::Blob(bytes::Bytes::from_static(&[0, 255, 10, 13]))),
            (top("Structs"), Value::List(vec![Value::Struct(vec![(0, s("a"))])])),
            (top("MapOfLists"), map(&[("k", strs(&["x", ""]))])),
            (top("RenamedMap"), map(&[("", s(""))])),
        ]);
        let xml = write_top(&value);
        assert_eq!(read_body(&SCHEMA, TOP, xml.as_bytes(), false).unwrap(), value, "{xml}");
    }

    #[test]
    fn escape_borrows_when_clean() {
        assert!(matches!(escape("plain text"), Cow::Borrowed(_)));
        assert_eq!(escape("a&b<c>\"'\r\n"), "a&amp;b&lt;c&gt;&quot;&apos;&#xD;\n");
        assert_eq!(escape_attribute("a\tb\n"), "a&#x9;b&#xA;");
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let alphabet: &[u8] =
            b"<>/=\"' &;#x![]CDATA?-Top Str Int List member entry key value Nested nested Flat KVP K V id a 1 \n\xff";
        let mut buf = Vec::new();
        for round in 0..20_000 {
            buf.clear();
            let len = rng.below(64);
            for _ in 0..len {
                // Mostly XML-ish tokens, sometimes raw bytes.
                if round % 4 == 0 {
                    buf.push(rng.next() as u8);
                } else {
                    buf.push(alphabet[rng.below(alphabet.len())]);
                }
            }
            let _ = read_body(&SCHEMA, TOP, &buf, false);
            let _ = read_value(&SCHEMA, &TOP_MEMBERS[top("MapOfLists") as usize], &buf);
        }
    }

    #[test]
    fn mutated_documents_never_panic() {
        let seed = b"<Top id=\"1\"><Str>a</Str><List><member>x</member></List><KVP><K>a</K><V>b</V></KVP>\
            <Nested a=\"2\"><nested><foo>f</foo></nested></Nested><MapOfLists><entry><key>k</key><value><member>1</member></value></entry></MapOfLists></Top>";
        let mut rng = XorShift(42);
        for _ in 0..20_000 {
            let mut doc = seed.to_vec();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(doc.len());
                match rng.below(3) {
                    0 => doc[at] = rng.next() as u8,
                    1 => {
                        doc.remove(at);
                    }
                    _ => doc.insert(at, b"<>/&\"="[rng.below(6)]),
                }
            }
            let _ = read_body(&SCHEMA, TOP, &doc, false);
        }
    }
}

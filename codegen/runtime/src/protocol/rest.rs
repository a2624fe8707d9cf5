//! Smithy HTTP bindings shared by restJson1 and restXml: labels (greedy too), query
//! strings and query maps, headers and prefix headers, payloads and response codes.
//!
//! Which member travels where is worked out once per operation ([`Bindings`], cached per
//! schema); decoding and encoding then only visit the members each location holds. The
//! document codec (JSON or XML) comes in through [`DocumentCodec`]; everything else about
//! REST bindings is the same for both protocols and lives here.
//!
//! Bound values are text on the wire. Labels and query values use date-time timestamps
//! by default, headers http-date; blobs (and `@mediaType` strings in headers) are
//! base64; lists in headers are comma separated, with quoted strings for items that hold
//! commas or quotes. Text that does not parse as its shape is a
//! [`DecodeError::Serialization`].

use std::borrow::Cow;
use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderName, HeaderValue};

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::router::{Labels, Router};
use crate::protocol::DecodeError;
use crate::schema::{HttpBinding, Member, Schema, ShapeId, ShapeKind, TimestampFormat};
use crate::stream::ByteStream;
use crate::time::DateTime;
use crate::value::Value;

/// The document format of a REST protocol: how bodies and structured payloads read and
/// write.
pub trait DocumentCodec {
    /// Media type of documents, e.g. `application/json`.
    const MEDIA_TYPE: &'static str;
    /// Whether an output without body members still gets a document: restJson1 answers
    /// `{}`, restXml an empty body.
    const DOCUMENT_WITHOUT_BODY_MEMBERS: bool;
    /// Whether `@httpQueryParams` stays empty when every parameter is bound by name.
    /// restJson1's protocol tests put every parameter in the map regardless; restXml's
    /// (`AllQueryStringTypes` against `QueryPrecedence`) only when some parameter is not
    /// bound by name.
    const QUERY_PARAMS_NEED_UNNAMED: bool = false;

    /// Reads the unbound members of structure `shape` from a non-empty body.
    fn read_members(&self, schema: &Schema, shape: ShapeId, body: &[u8]) -> Result<Value, DecodeError>;
    /// Reads a structure, union or document `@httpPayload` from a non-empty body;
    /// [`Value::Null`] when the payload is to be treated as absent.
    fn read_payload(&self, schema: &Schema, member: &'static Member, body: &[u8]) -> Result<Value, DecodeError>;
    /// Writes the unbound members of structure `shape` as a document.
    fn write_members(&self, schema: &Schema, shape: ShapeId, value: &Value) -> Vec<u8>;
    /// Writes a structure, union or document `@httpPayload`; nothing at all when the
    /// payload is to be treated as absent.
    fn write_payload(&self, schema: &Schema, member: &'static Member, value: &Value) -> Vec<u8>;
}

/// Where the members of one structure travel, by member index.
#[derive(Debug, Default, Clone)]
pub struct Bindings {
    pub labels: Vec<u16>,
    pub queries: Vec<u16>,
    pub query_params: Option<u16>,
    pub headers: Vec<u16>,
    /// `headers` by lower-cased header name, so decoding looks only at the headers a
    /// request carries (S3 inputs bind dozens; requests send a handful).
    pub header_index: HashMap<HeaderName, u16, fnv::FnvBuildHasher>,
    /// The parsed header name of each `@httpHeader` member, by member index, so encoding
    /// a response does not parse (and allocate) the names again.
    pub header_names: Vec<Option<HeaderName>>,
    pub prefix_headers: Vec<u16>,
    pub payload: Option<u16>,
    pub response_code: Option<u16>,
    /// How many members travel in the document body.
    pub body_members: usize,
}

impl Bindings {
    /// Bindings of a request structure.
    pub fn of(schema: &Schema, shape: ShapeId) -> Bindings {
        Bindings::classify(schema, shape, false)
    }

    /// Bindings of a response structure (output or error): labels and query members
    /// have no place in a response, so they travel in the body.
    pub fn of_response(schema: &Schema, shape: ShapeId) -> Bindings {
        Bindings::classify(schema, shape, true)
    }

    fn classify(schema: &Schema, shape: ShapeId, response: bool) -> Bindings {
        let mut b = Bindings::default();
        for (i, member) in schema.shape(shape).kind.members().iter().enumerate() {
            let i = i as u16;
            match member.http {
                HttpBinding::Body => b.body_members += 1,
                HttpBinding::Label | HttpBinding::Query(_) | HttpBinding::QueryParams if response => {
                    b.body_members += 1
                }
                HttpBinding::Label => b.labels.push(i),
                HttpBinding::Query(_) => b.queries.push(i),
                HttpBinding::QueryParams => b.query_params = Some(i),
                HttpBinding::Header(name) => {
                    b.headers.push(i);
                    match model_header_name(name) {
                        Ok(header) => {
                            b.header_index.insert(header.clone(), i);
                            if b.header_names.len() <= i as usize {
                                b.header_names.resize(i as usize + 1, None);
                            }
                            b.header_names[i as usize] = Some(header);
                        }
                        Err(_) => tracing::debug!(name, "@httpHeader is not a valid header name"),
                    }
                }
                HttpBinding::PrefixHeaders(_) => b.prefix_headers.push(i),
                HttpBinding::Payload => b.payload = Some(i),
                HttpBinding::ResponseCode => b.response_code = Some(i),
            }
        }
        b
    }

    /// Whether a request body holds anything: a payload or body members.
    pub fn has_body(&self) -> bool {
        self.payload.is_some() || self.body_members > 0
    }
}

/// The bindings of an operation's input and output.
#[derive(Debug)]
pub struct OperationBindings {
    pub input: Bindings,
    pub output: Bindings,
}

/// Bindings of operation `op`, computed once per schema.
/// A header name of the model. Most are lower case already and then refer to the model's
/// text: cloning one for each response is free, where a parsed custom name is a
/// reference-counted buffer whose count every clone and drop updates.
fn model_header_name(name: &'static str) -> Result<HeaderName, http::header::InvalidHeaderName> {
    let parsed = HeaderName::from_bytes(name.as_bytes())?;
    Ok(if parsed.as_str() == name { HeaderName::from_static(name) } else { parsed })
}

pub fn operation_bindings(schema: &Schema, op: usize) -> &OperationBindings {
    let all = schema.derived.bindings.get_or_init(|| {
        schema
            .operations
            .iter()
            .map(|o| OperationBindings {
                input: Bindings::of(schema, o.input),
                output: Bindings::of_response(schema, o.output),
            })
            .collect()
    });
    &all[op]
}

/// What an `@httpPayload` member holds, which decides how its bytes are read and written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PayloadKind {
    /// Raw bytes; `media_type` from `@mediaType`.
    Blob { media_type: Option<&'static str>, streaming: bool },
    /// Raw UTF-8 text (strings and enums).
    Text { media_type: Option<&'static str> },
    /// A structure, union or document in the protocol's document format.
    Document,
}

impl PayloadKind {
    pub fn of(schema: &Schema, member: &Member) -> PayloadKind {
        match &schema.shape(member.target).kind {
            ShapeKind::Blob { streaming, media_type } => {
                PayloadKind::Blob { media_type: *media_type, streaming: *streaming }
            }
            ShapeKind::String { media_type } => PayloadKind::Text { media_type: *media_type },
            ShapeKind::Enum(_) => PayloadKind::Text { media_type: None },
            _ => PayloadKind::Document,
        }
    }

    /// The media type this payload is sent with; `None` when any will do (blobs without
    /// `@mediaType`).
    pub fn expected_media_type<C: DocumentCodec>(self) -> Option<&'static str> {
        match self {
            PayloadKind::Blob { media_type, .. } => media_type,
            PayloadKind::Text { media_type } => Some(media_type.unwrap_or("text/plain")),
            PayloadKind::Document => Some(C::MEDIA_TYPE),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

/// Where bound text came from: decides the default timestamp format and header rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Label,
    Query,
    Header,
}

/// The input member of operation `op` that is a streaming blob payload (S3's PutObject and
/// UploadPart `Body`), which can be handed to the handler as a stream.
pub fn streaming_payload(schema: &Schema, op: usize) -> Option<u16> {
    let operation = &schema.operations[op];
    if operation.unit_input {
        return None;
    }
    let i = operation_bindings(schema, op).input.payload?;
    let member = &schema.shape(operation.input).kind.members()[i as usize];
    matches!(PayloadKind::of(schema, member), PayloadKind::Blob { streaming: true, .. }).then_some(i)
}

/// Decodes the input of operation `op`: the body or payload, then every bound member.
/// `labels` are the request's URI labels when routing has decoded them already; without
/// them they are found again from the path.
pub fn decode_input<C: DocumentCodec>(
    schema: &Schema,
    op: usize,
    req: &HttpRequest,
    labels: Option<Labels>,
    codec: &C,
) -> Result<Value, DecodeError> {
    let operation = &schema.operations[op];
    let bindings = &operation_bindings(schema, op).input;
    let members = schema.shape(operation.input).kind.members();
    let mut fields = decode_body(schema, operation.input, members, bindings, &req.body, codec)?;
    if !bindings.labels.is_empty() {
        let labels = match labels {
            Some(labels) => labels,
            None => Router::for_schema(schema).labels_for(op, req)?,
        };
        decode_labels(schema, members, &bindings.labels, labels, &mut fields)?;
    }
    if !bindings.queries.is_empty() || bindings.query_params.is_some() {
        let query: Vec<(Cow<str>, Cow<str>)> = crate::form::pairs(req.query.as_bytes()).collect();
        decode_query(schema, members, bindings, &query, C::QUERY_PARAMS_NEED_UNNAMED, &mut fields)?;
    }
    if !bindings.header_index.is_empty() {
        for name in req.headers.keys() {
            if let Some(&i) = bindings.header_index.get(name) {
                let lines = req.headers.get_all(name).iter().map(|v| header_text(v.as_bytes()));
                decode_header(schema, i, &members[i as usize], lines, &mut fields)?;
            }
        }
    }
    for &i in &bindings.prefix_headers {
        if let HttpBinding::PrefixHeaders(prefix) = members[i as usize].http {
            if let Some(map) = prefix_headers(prefix, req) {
                fields.push((i, map));
            }
        }
    }
    Ok(Value::Struct(fields))
}

fn decode_body<C: DocumentCodec>(
    schema: &Schema,
    shape: ShapeId,
    members: &'static [Member],
    bindings: &Bindings,
    body: &Bytes,
    codec: &C,
) -> Result<Vec<(u16, Value)>, DecodeError> {
    if body.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(i) = bindings.payload {
        let payload = decode_payload(schema, &members[i as usize], body, codec)?;
        return Ok(if payload.is_null() { Vec::new() } else { vec![(i, payload)] });
    }
    if bindings.body_members == 0 {
        return Ok(Vec::new());
    }
    match codec.read_members(schema, shape, body)? {
        Value::Struct(fields) => Ok(fields),
        _ => Ok(Vec::new()),
    }
}

/// The payload of a non-empty body.
fn decode_payload<C: DocumentCodec>(
    schema: &Schema,
    member: &'static Member,
    body: &Bytes,
    codec: &C,
) -> Result<Value, DecodeError> {
    Ok(match PayloadKind::of(schema, member) {
        PayloadKind::Blob { streaming: true, .. } => Value::Stream(ByteStream::Buffered(body.clone())),
        PayloadKind::Blob { streaming: false, .. } => Value::Blob(body.clone()),
        PayloadKind::Text { .. } => match std::str::from_utf8(body) {
            Ok(text) => Value::Str(text.to_owned()),
            Err(_) => return Err(DecodeError::Serialization(format!("payload {} is not valid UTF-8", member.name))),
        },
        PayloadKind::Document => codec.read_payload(schema, member, body)?,
    })
}

fn decode_labels(
    schema: &Schema,
    members: &[Member],
    indexes: &[u16],
    mut labels: Labels,
    fields: &mut Vec<(u16, Value)>,
) -> Result<(), DecodeError> {
    for &i in indexes {
        let member = &members[i as usize];
        if let Some((_, text)) = labels.iter_mut().find(|(name, _)| *name == member.name) {
            // Routing decoded the label into a string of its own already: a string member
            // takes it as it is (S3's bucket and key on every object request).
            let value = match schema.shape(member.target).kind {
                ShapeKind::String { .. } | ShapeKind::Enum(_) => Value::Str(std::mem::take(text)),
                _ => parse_text(schema, member, member.target, text, Location::Label)?,
            };
            fields.push((i, value));
        }
    }
    Ok(())
}

fn decode_query(
    schema: &Schema,
    members: &[Member],
    bindings: &Bindings,
    query: &[(Cow<str>, Cow<str>)],
    map_needs_unnamed: bool,
    fields: &mut Vec<(u16, Value)>,
) -> Result<(), DecodeError> {
    for &i in &bindings.queries {
        let member = &members[i as usize];
        let HttpBinding::Query(key) = member.http else { continue };
        let mut values = query.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_ref()).peekable();
        if values.peek().is_none() {
            continue;
        }
        let value = match &schema.shape(member.target).kind {
            ShapeKind::List { member: item, .. } => Value::List(
                values
                    .map(|text| parse_text(schema, item_with_format(item, member), item.target, text, Location::Query))
                    .collect::<Result<_, _>>()?,
            ),
            _ => parse_text(schema, member, member.target, values.next().unwrap_or_default(), Location::Query)?,
        };
        fields.push((i, value));
    }
    if let Some(i) = bindings.query_params {
        let bound_by_name = |key: &str| {
            bindings.queries.iter().any(|&q| matches!(members[q as usize].http, HttpBinding::Query(k) if k == key))
        };
        let all_named = query.iter().all(|(k, _)| bound_by_name(k));
        if !(query.is_empty() || (map_needs_unnamed && all_named)) {
            fields.push((i, query_params_map(schema, &members[i as usize], query)));
        }
    }
    Ok(())
}

/// `@httpQueryParams`: every query parameter (servers put all of them in the map, named
/// ones included), as a map of strings (first value wins) or of string lists.
fn query_params_map(schema: &Schema, member: &Member, query: &[(Cow<str>, Cow<str>)]) -> Value {
    let lists = match &schema.shape(member.target).kind {
        ShapeKind::Map { value, .. } => matches!(schema.shape(value.target).kind, ShapeKind::List { .. }),
        _ => false,
    };
    let mut entries: Vec<(String, Value)> = Vec::new();
    for (k, v) in query {
        match entries.iter_mut().find(|(key, _)| key == k) {
            Some((_, Value::List(items))) if lists => items.push(Value::Str(v.to_string())),
            Some(_) => {}
            None if lists => entries.push((k.to_string(), Value::List(vec![Value::Str(v.to_string())]))),
            None => entries.push((k.to_string(), Value::Str(v.to_string()))),
        }
    }
    Value::Map(entries)
}

/// Decodes the lines of one bound header (more than one only for repeated headers).
fn decode_header<'r>(
    schema: &Schema,
    index: u16,
    member: &Member,
    mut lines: impl Iterator<Item = Cow<'r, str>>,
    fields: &mut Vec<(u16, Value)>,
) -> Result<(), DecodeError> {
    let value = match &schema.shape(member.target).kind {
        ShapeKind::List { member: item, .. } => {
            let item_member = item_with_format(item, member);
            let http_dates = matches!(schema.shape(item.target).kind, ShapeKind::Timestamp)
                && item_member.timestamp_format.unwrap_or(TimestampFormat::HttpDate) == TimestampFormat::HttpDate;
            let mut items = Vec::new();
            for line in lines {
                for text in split_header_list(&line, http_dates) {
                    items.push(parse_text(schema, item_member, item.target, &text, Location::Header)?);
                }
            }
            Value::List(items)
        }
        kind => {
            let text = lines.next().unwrap_or_default();
            let text = text.trim();
            // A blank header is an empty string; for other shapes it carries nothing.
            if text.is_empty() && !matches!(kind, ShapeKind::String { media_type: None } | ShapeKind::Enum(_)) {
                return Ok(());
            }
            parse_text(schema, member, member.target, text, Location::Header)?
        }
    };
    fields.push((index, value));
    Ok(())
}

/// Header bytes as text; bytes beyond ASCII are taken as UTF-8 (S3 metadata).
fn header_text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// `@httpPrefixHeaders`: headers whose name starts with `prefix` (case-insensitively),
/// keyed by the rest of the name. `None` when no header matches.
fn prefix_headers(prefix: &str, req: &HttpRequest) -> Option<Value> {
    let mut entries: Vec<(String, Value)> = Vec::new();
    for (name, value) in &req.headers {
        let name = name.as_str();
        if name.len() < prefix.len() || !name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()) {
            continue;
        }
        let key = &name[prefix.len()..];
        let text = header_text(value.as_bytes());
        match entries.iter_mut().find(|(k, _)| k == key) {
            // Repeated headers combine as HTTP says: comma separated.
            Some((_, Value::Str(existing))) => {
                existing.push_str(", ");
                existing.push_str(&text);
            }
            _ => entries.push((key.to_owned(), Value::Str(text.into_owned()))),
        }
    }
    (!entries.is_empty()).then_some(Value::Map(entries))
}

/// A list item member that inherits the list member's `@timestampFormat` when it has
/// none of its own.
fn item_with_format<'m>(item: &'m Member, outer: &'m Member) -> &'m Member {
    if item.timestamp_format.is_none() && outer.timestamp_format.is_some() {
        outer
    } else {
        item
    }
}

/// Splits a list header into items: comma separated, items in double quotes may hold
/// commas and `\"`; http-date timestamps hold a comma of their own (`Mon, 16 Dec ...`).
fn split_header_list(line: &str, http_dates: bool) -> Vec<String> {
    if line.trim().is_empty() {
        return Vec::new();
    }
    if http_dates {
        return split_http_dates(line);
    }
    let mut items = Vec::new();
    let mut rest = line.trim_start();
    loop {
        let (item, after) = match rest.strip_prefix('"') {
            Some(quoted) => read_quoted(quoted),
            None => match rest.split_once(',') {
                Some((item, after)) => (item.trim().to_owned(), Some(after)),
                None => (rest.trim().to_owned(), None),
            },
        };
        items.push(item);
        match after {
            Some(after) => rest = after.trim_start(),
            None => return items,
        }
    }
}

/// Reads a quoted item (after its opening quote); returns it unescaped and the text after
/// the comma that ends it.
fn read_quoted(text: &str) -> (String, Option<&str>) {
    let mut item = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => item.extend(chars.next().map(|(_, c)| c)),
            '"' => {
                let after = &text[i + 1..];
                return (item, after.split_once(',').map(|(_, rest)| rest));
            }
            c => item.push(c),
        }
    }
    (item, None)
}

/// `Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 ...`: every other comma separates.
fn split_http_dates(line: &str) -> Vec<String> {
    let parts: Vec<&str> = line.split(',').map(str::trim).collect();
    let mut items = Vec::with_capacity(parts.len() / 2 + 1);
    let mut i = 0;
    while i < parts.len() {
        let is_weekday = parts[i].len() == 3 && parts[i].bytes().all(|b| b.is_ascii_alphabetic());
        if is_weekday && i + 1 < parts.len() {
            items.push(format!("{}, {}", parts[i], parts[i + 1]));
            i += 2;
        } else {
            items.push(parts[i].to_owned());
            i += 1;
        }
    }
    items
}

/// Parses bound text as a value of `target`.
fn parse_text(
    schema: &Schema,
    member: &Member,
    target: ShapeId,
    text: &str,
    location: Location,
) -> Result<Value, DecodeError> {
    let kind = &schema.shape(target).kind;
    let parsed = match kind {
        ShapeKind::String { media_type: Some(_) } if location == Location::Header => {
            BASE64.decode(text).ok().and_then(|bytes| String::from_utf8(bytes).ok()).map(Value::Str)
        }
        ShapeKind::String { .. } | ShapeKind::Enum(_) => Some(Value::Str(text.to_owned())),
        ShapeKind::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ShapeKind::Byte => parse_int(text, i8::MIN as i64, i8::MAX as i64),
        ShapeKind::Short => parse_int(text, i16::MIN as i64, i16::MAX as i64),
        ShapeKind::Integer | ShapeKind::IntEnum(_) => parse_int(text, i32::MIN as i64, i32::MAX as i64),
        ShapeKind::Long => parse_int(text, i64::MIN, i64::MAX),
        ShapeKind::Float | ShapeKind::Double => parse_float(text).map(Value::Float),
        ShapeKind::BigInteger | ShapeKind::BigDecimal => {
            parse_float(text).filter(|f| f.is_finite()).map(|_| Value::BigNum(text.to_owned()))
        }
        ShapeKind::Timestamp => {
            let format = member.timestamp_format.unwrap_or(match location {
                Location::Header => TimestampFormat::HttpDate,
                Location::Label | Location::Query => TimestampFormat::DateTime,
            });
            parse_timestamp(text, format).map(Value::Timestamp)
        }
        ShapeKind::Blob { .. } => BASE64.decode(text).ok().map(|b| Value::Blob(Bytes::from(b))),
        _ => None,
    };
    parsed.ok_or_else(|| {
        let place = match location {
            Location::Label => "label",
            Location::Query => "query parameter",
            Location::Header => "header",
        };
        DecodeError::Serialization(format!(
            "{place} value '{text}' of {} is not a valid {}",
            member.name,
            kind_name(kind)
        ))
    })
}

fn kind_name(kind: &ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Boolean => "boolean",
        ShapeKind::Byte => "byte",
        ShapeKind::Short => "short",
        ShapeKind::Integer | ShapeKind::IntEnum(_) => "integer",
        ShapeKind::Long => "long",
        ShapeKind::Float => "float",
        ShapeKind::Double => "double",
        ShapeKind::BigInteger | ShapeKind::BigDecimal => "number",
        ShapeKind::Timestamp => "timestamp",
        ShapeKind::Blob { .. } => "base64 blob",
        ShapeKind::String { .. } => "base64 string",
        _ => "bound value",
    }
}

/// Decimal integers only: no fractions, exponents, hex or surrounding text.
fn parse_int(text: &str, min: i64, max: i64) -> Option<Value> {
    text.parse::<i64>().ok().filter(|n| (min..=max).contains(n)).map(Value::Int)
}

/// Decimal numbers plus Smithy's `NaN`, `Infinity` and `-Infinity` spellings (Rust's own
/// `inf`/`nan` spellings are not accepted).
fn parse_float(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ if text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) => {
            text.parse().ok()
        }
        _ => None,
    }
}

/// Strict timestamp text: date-time must be UTC (`Z`), as Smithy requires.
fn parse_timestamp(text: &str, format: TimestampFormat) -> Option<DateTime> {
    match format {
        TimestampFormat::DateTime if text.ends_with(['Z', 'z']) => DateTime::parse_rfc3339(text),
        TimestampFormat::DateTime => None,
        TimestampFormat::HttpDate => DateTime::parse_http_date(text),
        TimestampFormat::EpochSeconds => DateTime::parse_epoch(text),
    }
}

// ---------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------

/// How an output response is laid out besides its value.
#[derive(Debug, Clone, Copy)]
pub struct ResponseShape {
    /// The operation has no output (`smithy.api#Unit`): no body, no content type.
    pub unit: bool,
    /// The operation's `@http` code, used unless an `@httpResponseCode` member is set.
    pub status: u16,
    /// HEAD responses carry headers only.
    pub head: bool,
}

/// Encodes an output value: payload or document, headers, prefix headers, status.
pub fn encode_output<C: DocumentCodec>(
    schema: &Schema,
    shape: ShapeId,
    bindings: &Bindings,
    mut value: Value,
    layout: ResponseShape,
    codec: &C,
) -> HttpResponse {
    let status = response_code(bindings, &value).unwrap_or(layout.status);
    let mut response = HttpResponse::new(status);
    // Room for the bound headers and the few every answer gets (type, length, request
    // ids) up front: growing a header map on the way rehashes it.
    if let Value::Struct(fields) = &value {
        response.headers.reserve(fields.len() + 4);
    }
    let body_allowed = !layout.head && status != 204 && status != 304;
    if body_allowed && !layout.unit {
        let members = schema.shape(shape).kind.members();
        match bindings.payload {
            Some(i) => {
                let payload = value.take_field(i);
                write_payload(schema, &members[i as usize], payload, codec, &mut response);
            }
            None => {
                if bindings.body_members > 0 || C::DOCUMENT_WITHOUT_BODY_MEMBERS {
                    response.body = ByteStream::Buffered(Bytes::from(codec.write_members(schema, shape, &value)));
                }
                response.headers.insert(CONTENT_TYPE, HeaderValue::from_static(C::MEDIA_TYPE));
            }
        }
    }
    // Prefix maps first, as in `write_headers`; then the single headers, strings moved.
    write_prefix_headers(schema, shape, bindings, &value, &mut response);
    move_string_headers(schema, shape, bindings, &mut value, &mut response);
    write_bound_headers(schema, shape, bindings, &value, &mut response);
    // HTTP semantics the models leave implicit: a body that is a byte range of the
    // resource is partial content (S3 GetObject with `Range`), never a 200.
    if response.status == 200 && response.headers.contains_key(http::header::CONTENT_RANGE) {
        response.status = 206;
    }
    if body_allowed {
        set_content_length(&mut response);
    }
    response
}

/// States the length of a body held in memory (an empty one too), unless a bound member
/// already did.
fn set_content_length(response: &mut HttpResponse) {
    if response.headers.contains_key(CONTENT_LENGTH) {
        return;
    }
    if let Some(length) = response.body.len() {
        response.headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
}

/// The status an `@httpResponseCode` member asks for, if set to something plausible.
fn response_code(bindings: &Bindings, value: &Value) -> Option<u16> {
    match value.field(bindings.response_code?) {
        Some(Value::Int(code)) if (100..=999).contains(code) => Some(*code as u16),
        _ => None,
    }
}

fn write_payload<C: DocumentCodec>(
    schema: &Schema,
    member: &'static Member,
    value: Option<Value>,
    codec: &C,
    response: &mut HttpResponse,
) {
    let Some(value) = value.filter(|v| !v.is_null()) else { return };
    let (body, content_type) = match (PayloadKind::of(schema, member), value) {
        (PayloadKind::Blob { media_type, .. }, Value::Blob(bytes)) => {
            (ByteStream::Buffered(bytes), media_type.unwrap_or("application/octet-stream"))
        }
        (PayloadKind::Blob { media_type, .. }, Value::Stream(stream)) => {
            (stream, media_type.unwrap_or("application/octet-stream"))
        }
        (PayloadKind::Text { media_type }, Value::Str(text)) => {
            (ByteStream::Buffered(Bytes::from(text)), media_type.unwrap_or("text/plain"))
        }
        (PayloadKind::Document, value) => match codec.write_payload(schema, member, &value) {
            // The codec wrote nothing: it treats this payload as absent.
            document if document.is_empty() => return,
            document => (ByteStream::Buffered(Bytes::from(document)), C::MEDIA_TYPE),
        },
        _ => return,
    };
    response.body = body;
    put_header(response, CONTENT_TYPE.as_str(), content_type, false);
}

/// Writes the header-bound members of a value of `shape`: prefix headers first, so a
/// specific `@httpHeader` wins over a map entry of the same name.
/// Visits the set fields rather than the bound members: outputs bind many headers and
/// set few.
pub fn write_headers(schema: &Schema, shape: ShapeId, bindings: &Bindings, value: &Value, response: &mut HttpResponse) {
    write_prefix_headers(schema, shape, bindings, value, response);
    write_bound_headers(schema, shape, bindings, value, response);
}

/// The `@httpPrefixHeaders` maps. Written before the single headers, which win a clash.
fn write_prefix_headers(
    schema: &Schema,
    shape: ShapeId,
    bindings: &Bindings,
    value: &Value,
    response: &mut HttpResponse,
) {
    let Value::Struct(fields) = value else { return };
    if bindings.prefix_headers.is_empty() {
        return;
    }
    let members = schema.shape(shape).kind.members();
    for (i, field) in fields {
        if let (Some(HttpBinding::PrefixHeaders(prefix)), Value::Map(entries)) =
            (members.get(*i as usize).map(|m| m.http), field)
        {
            for (key, entry) in entries {
                if let Value::Str(text) = entry {
                    put_header(response, &format!("{prefix}{key}"), text, false);
                }
            }
        }
    }
}

/// The `@httpHeader` members.
fn write_bound_headers(
    schema: &Schema,
    shape: ShapeId,
    bindings: &Bindings,
    value: &Value,
    response: &mut HttpResponse,
) {
    let Value::Struct(fields) = value else { return };
    let members = schema.shape(shape).kind.members();
    for (i, field) in fields {
        if let Some((member, header)) = header_binding(members, bindings, *i) {
            if let Some(text) = header_value(schema, member, field) {
                insert_header(response, header, member, text);
            }
        }
    }
}

/// [`write_bound_headers`] for the plain string members of an output about to be
/// dropped: their text moves into the header instead of being copied, and the member is
/// left null (so `write_bound_headers` then passes over it).
fn move_string_headers(
    schema: &Schema,
    shape: ShapeId,
    bindings: &Bindings,
    value: &mut Value,
    response: &mut HttpResponse,
) {
    let Value::Struct(fields) = value else { return };
    let members = schema.shape(shape).kind.members();
    for (i, field) in fields.iter_mut() {
        let Some((member, header)) = header_binding(members, bindings, *i) else { continue };
        if matches!(field, Value::Str(_)) && !is_media_type_string(schema, member) {
            if let Value::Str(text) = std::mem::replace(field, Value::Null) {
                insert_header(response, header, member, text);
            }
        }
    }
}

/// Member `i` and its parsed header name, when it is bound to a single header.
fn header_binding<'b>(
    members: &'static [Member],
    bindings: &'b Bindings,
    i: u16,
) -> Option<(&'static Member, &'b HeaderName)> {
    if bindings.headers.is_empty() {
        return None;
    }
    let member = members.get(i as usize)?;
    match (member.http, bindings.header_names.get(i as usize)) {
        (HttpBinding::Header(_), Some(Some(header))) => Some((member, header)),
        _ => None,
    }
}

/// Sets a bound header; the text becomes the value's buffer, without a copy.
fn insert_header(response: &mut HttpResponse, header: &HeaderName, member: &Member, text: String) {
    match crate::http::header_value(Bytes::from(text)) {
        Ok(value) => {
            response.headers.insert(header.clone(), value);
        }
        Err(_) => {
            tracing::debug!(header = %header, member = member.name, "skipping a header value that is not valid HTTP")
        }
    }
}

/// Sets (or appends) a header whose value may hold UTF-8; invalid names or values (control
/// characters) are skipped.
fn put_header(response: &mut HttpResponse, name: &str, value: &str, append: bool) {
    let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value.as_bytes()))
    else {
        tracing::debug!(name, "skipping a header that is not valid HTTP");
        return;
    };
    if append {
        response.headers.append(name, value);
    } else {
        response.headers.insert(name, value);
    }
}

/// A member's value as header text: lists comma separated, quoting string items that
/// hold commas or quotes. An empty list or string is an empty header.
fn header_value(schema: &Schema, member: &Member, value: &Value) -> Option<String> {
    match (value, &schema.shape(member.target).kind) {
        (Value::Null, _) => None,
        (Value::List(items), ShapeKind::List { member: item, .. }) => {
            let item_member = item_with_format(item, member);
            let texts: Vec<String> = items
                .iter()
                .filter_map(|v| {
                    let text = scalar_text(schema, item_member, item.target, v)?;
                    Some(if matches!(v, Value::Str(_)) { quote_if_needed(text) } else { text })
                })
                .collect();
            Some(texts.join(", "))
        }
        (value, _) => scalar_text(schema, member, member.target, value),
    }
}

fn quote_if_needed(text: String) -> String {
    if !text.contains([',', '"']) {
        return text;
    }
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// One scalar as bound text (headers; also labels and query values, which responses
/// do not carry).
/// Whether a string member's header text is its value in base64 (`@mediaType` strings).
fn is_media_type_string(schema: &Schema, member: &Member) -> bool {
    matches!(schema.shape(member.target).kind, ShapeKind::String { media_type: Some(_) })
}

fn scalar_text(schema: &Schema, member: &Member, target: ShapeId, value: &Value) -> Option<String> {
    let kind = &schema.shape(target).kind;
    Some(match value {
        Value::Str(s) if matches!(kind, ShapeKind::String { media_type: Some(_) }) => BASE64.encode(s),
        Value::Str(s) | Value::BigNum(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => float_text(*f, matches!(kind, ShapeKind::Float)),
        Value::Timestamp(t) => t.format(member.timestamp_format.unwrap_or(TimestampFormat::HttpDate)),
        Value::Blob(b) => BASE64.encode(b),
        _ => return None,
    })
}

/// Smithy's float spellings; `float` shapes print at single precision (`1.1`, not
/// `1.100000023841858`).
fn float_text(f: f64, single: bool) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".to_owned()
        } else {
            "-Infinity".to_owned()
        }
    } else if single {
        (f as f32).to_string()
    } else {
        f.to_string()
    }
}

/// Whether a media type (without parameters) is `expected`, ignoring case.
pub fn media_type_is(actual: &str, expected: &str) -> bool {
    actual.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{HttpTrait, Operation, Protocol, ServiceInfo, Shape, ValidationStyle};
    use http::Method;

    const fn m(name: &'static str, target: ShapeId, http: HttpBinding) -> Member {
        Member { name, target, http, ..Member::DEFAULT }
    }

    const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
        Shape { name, kind, ..Shape::DEFAULT }
    }

    const fn op(
        name: &'static str,
        input: ShapeId,
        output: ShapeId,
        method: &'static str,
        uri: &'static str,
        code: u16,
    ) -> Operation {
        Operation {
            name,
            input,
            output,
            errors: &[],
            http: Some(HttpTrait { method, uri, code }),
            unit_input: false,
            unit_output: false,
        }
    }

    const STRING: ShapeId = 0;
    const INTEGER: ShapeId = 1;
    const BOOLEAN: ShapeId = 2;
    const TIMESTAMP: ShapeId = 3;
    const FLOAT: ShapeId = 4;
    const STRING_LIST: ShapeId = 5;
    const TIMESTAMP_LIST: ShapeId = 6;
    const STRING_MAP: ShapeId = 7;
    const LIST_MAP: ShapeId = 8;
    const BLOB: ShapeId = 9;
    const STREAM: ShapeId = 10;
    const JSON_STRING: ShapeId = 11;
    const BYTE: ShapeId = 12;
    const INTEGER_LIST: ShapeId = 13;
    const LABELS: ShapeId = 14;
    const QUERIES: ShapeId = 15;
    const HEADERS: ShapeId = 16;
    const BLOB_PAYLOAD: ShapeId = 17;
    const STREAM_PAYLOAD: ShapeId = 18;
    const TEXT_PAYLOAD: ShapeId = 19;
    const STRUCT_PAYLOAD: ShapeId = 20;
    const BODY: ShapeId = 21;
    const CODE_OUTPUT: ShapeId = 22;
    const EMPTY: ShapeId = 23;
    const NESTED: ShapeId = 24;

    static STRING_ITEM: Member = m("member", STRING, HttpBinding::Body);
    static TIMESTAMP_ITEM: Member = m("member", TIMESTAMP, HttpBinding::Body);
    static INTEGER_ITEM: Member = m("member", INTEGER, HttpBinding::Body);
    static KEY: Member = m("key", STRING, HttpBinding::Body);
    static STRING_VALUE: Member = m("value", STRING, HttpBinding::Body);
    static LIST_VALUE: Member = m("value", STRING_LIST, HttpBinding::Body);

    static SHAPES: [Shape; 25] = [
        shape("String", ShapeKind::String { media_type: None }),
        shape("Integer", ShapeKind::Integer),
        shape("Boolean", ShapeKind::Boolean),
        shape("Timestamp", ShapeKind::Timestamp),
        shape("Float", ShapeKind::Float),
        shape("StringList", ShapeKind::List { member: &STRING_ITEM, sparse: false }),
        shape("TimestampList", ShapeKind::List { member: &TIMESTAMP_ITEM, sparse: false }),
        shape("StringMap", ShapeKind::Map { key: &KEY, value: &STRING_VALUE, sparse: false }),
        shape("StringListMap", ShapeKind::Map { key: &KEY, value: &LIST_VALUE, sparse: false }),
        shape("Blob", ShapeKind::Blob { streaming: false, media_type: None }),
        shape("Stream", ShapeKind::Blob { streaming: true, media_type: Some("image/jpeg") }),
        shape("JsonString", ShapeKind::String { media_type: Some("application/json") }),
        shape("Byte", ShapeKind::Byte),
        shape("IntegerList", ShapeKind::List { member: &INTEGER_ITEM, sparse: false }),
        shape(
            "LabelsInput",
            ShapeKind::Structure {
                members: &[
                    m("string", STRING, HttpBinding::Label),
                    m("integer", INTEGER, HttpBinding::Label),
                    m("boolean", BOOLEAN, HttpBinding::Label),
                    m("timestamp", TIMESTAMP, HttpBinding::Label),
                    Member {
                        timestamp_format: Some(TimestampFormat::EpochSeconds),
                        ..m("epoch", TIMESTAMP, HttpBinding::Label)
                    },
                    m("rest", STRING, HttpBinding::Label),
                ],
            },
        ),
        shape(
            "QueryInput",
            ShapeKind::Structure {
                members: &[
                    m("string", STRING, HttpBinding::Query("String")),
                    m("list", STRING_LIST, HttpBinding::Query("List")),
                    m("timestamp", TIMESTAMP, HttpBinding::Query("Timestamp")),
                    m("float", FLOAT, HttpBinding::Query("Float")),
                    m("all", LIST_MAP, HttpBinding::QueryParams),
                ],
            },
        ),
        shape(
            "HeadersInput",
            ShapeKind::Structure {
                members: &[
                    m("string", STRING, HttpBinding::Header("X-String")),
                    m("list", STRING_LIST, HttpBinding::Header("X-StringList")),
                    m("timestamps", TIMESTAMP_LIST, HttpBinding::Header("X-TimestampList")),
                    m("timestamp", TIMESTAMP, HttpBinding::Header("X-Timestamp")),
                    m("integers", INTEGER_LIST, HttpBinding::Header("X-IntegerList")),
                    m("boolean", BOOLEAN, HttpBinding::Header("X-Boolean")),
                    m("json", JSON_STRING, HttpBinding::Header("X-Json")),
                    m("float", FLOAT, HttpBinding::Header("X-Float")),
                    m("byte", BYTE, HttpBinding::Header("X-Byte")),
                    m("meta", STRING_MAP, HttpBinding::PrefixHeaders("x-meta-")),
                    m("specific", STRING, HttpBinding::Header("x-meta-one")),
                    m("empty", STRING, HttpBinding::Header("X-Empty")),
                ],
            },
        ),
        shape(
            "BlobPayloadInput",
            ShapeKind::Structure {
                members: &[m("data", BLOB, HttpBinding::Payload), m("foo", STRING, HttpBinding::Header("X-Foo"))],
            },
        ),
        shape("StreamPayloadInput", ShapeKind::Structure { members: &[m("body", STREAM, HttpBinding::Payload)] }),
        shape("TextPayloadInput", ShapeKind::Structure { members: &[m("text", STRING, HttpBinding::Payload)] }),
        shape("StructPayloadInput", ShapeKind::Structure { members: &[m("nested", NESTED, HttpBinding::Payload)] }),
        shape(
            "BodyInput",
            ShapeKind::Structure {
                members: &[m("a", STRING, HttpBinding::Body), m("h", STRING, HttpBinding::Header("X-H"))],
            },
        ),
        shape(
            "CodeOutput",
            ShapeKind::Structure {
                members: &[m("Status", INTEGER, HttpBinding::ResponseCode), m("a", STRING, HttpBinding::Body)],
            },
        ),
        shape("Empty", ShapeKind::Structure { members: &[] }),
        shape("Nested", ShapeKind::Structure { members: &[m("greeting", STRING, HttpBinding::Body)] }),
    ];

    static OPERATIONS: [Operation; 8] = [
        op("Body", BODY, BODY, "POST", "/body", 200),
        op("Code", EMPTY, CODE_OUTPUT, "PUT", "/code", 200),
        op("Headers", HEADERS, HEADERS, "POST", "/headers", 200),
        op("Labels", LABELS, EMPTY, "GET", "/labels/{string}/{integer}/{boolean}/{timestamp}/{epoch}/{rest+}", 200),
        op("Queries", QUERIES, EMPTY, "GET", "/queries", 204),
        op("Stream", STREAM_PAYLOAD, STREAM_PAYLOAD, "PUT", "/stream", 200),
        op("Struct", STRUCT_PAYLOAD, STRUCT_PAYLOAD, "PUT", "/struct", 200),
        op("Text", TEXT_PAYLOAD, TEXT_PAYLOAD, "POST", "/text", 200),
    ];

    static SCHEMA: Schema = Schema {
        service: ServiceInfo {
            name: "rest",
            shape_name: "Rest",
            namespace: "test",
            version: "1",
            signing_name: "rest",
            target_prefix: "",
            protocols: &[Protocol::RestJson1],
            query_compatible: false,
            xml_namespace: None,
            xml_no_error_wrapping: false,
            validation: ValidationStyle::Aws,
            validation_code: "ValidationException",
        },
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };

    /// A toy document codec: the body is the text of the first body member, which shows
    /// where the bindings hand over to the codec.
    struct TextCodec;

    impl DocumentCodec for TextCodec {
        const MEDIA_TYPE: &'static str = "application/test";
        const DOCUMENT_WITHOUT_BODY_MEMBERS: bool = true;

        fn read_members(&self, _: &Schema, _: ShapeId, body: &[u8]) -> Result<Value, DecodeError> {
            Ok(Value::Struct(vec![(0, Value::Str(String::from_utf8_lossy(body).into_owned()))]))
        }

        fn read_payload(&self, _: &Schema, _: &'static Member, body: &[u8]) -> Result<Value, DecodeError> {
            Ok(if body == b"-" {
                Value::Null
            } else {
                Value::Struct(vec![(0, Value::Str(String::from_utf8_lossy(body).into_owned()))])
            })
        }

        fn write_members(&self, _: &Schema, _: ShapeId, value: &Value) -> Vec<u8> {
            match value.field(1) {
                Some(Value::Str(s)) => s.clone().into_bytes(),
                _ => b"{}".to_vec(),
            }
        }

        fn write_payload(&self, _: &Schema, _: &'static Member, value: &Value) -> Vec<u8> {
            match value.field(0) {
                Some(Value::Str(s)) => s.clone().into_bytes(),
                _ => Vec::new(),
            }
        }
    }

    fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        let mut req = HttpRequest::new(Method::from_bytes(method.as_bytes()).unwrap(), uri);
        for (name, value) in headers {
            req.headers.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        }
        req.body = Bytes::from(body.to_owned());
        req
    }

    fn decode(op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
        decode_input(&SCHEMA, op, req, None, &TextCodec)
    }

    fn encode(op: usize, value: Value) -> HttpResponse {
        let operation = &OPERATIONS[op];
        let http = operation.http.as_ref().unwrap();
        let layout = ResponseShape { unit: operation.unit_output, status: http.code, head: http.method == "HEAD" };
        encode_output(&SCHEMA, operation.output, &operation_bindings(&SCHEMA, op).output, value, layout, &TextCodec)
    }

    fn s(text: &str) -> Value {
        Value::Str(text.into())
    }

    fn ts(secs: i64) -> Value {
        Value::Timestamp(DateTime::from_secs(secs))
    }

    fn header<'r>(response: &'r HttpResponse, name: &str) -> Option<&'r str> {
        response.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn body(response: &HttpResponse) -> &[u8] {
        response.body.buffered().unwrap()
    }

    fn is_serialization_error(result: Result<Value, DecodeError>) -> bool {
        matches!(result, Err(DecodeError::Serialization(_)))
    }

    #[test]
    fn bindings_are_grouped_once() {
        let b = &operation_bindings(&SCHEMA, 2).input;
        assert_eq!(b.headers, vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11]);
        assert_eq!(b.prefix_headers, vec![9]);
        assert!(!b.has_body());
        assert_eq!(operation_bindings(&SCHEMA, 1).output.response_code, Some(0));
        assert!(std::ptr::eq(operation_bindings(&SCHEMA, 2), operation_bindings(&SCHEMA, 2)));
        let blob = Bindings::of(&SCHEMA, BLOB_PAYLOAD);
        assert_eq!((blob.payload, blob.headers.as_slice(), blob.body_members), (Some(0), &[1][..], 0));
        assert_eq!(
            PayloadKind::of(&SCHEMA, &SHAPES[BLOB_PAYLOAD as usize].kind.members()[0])
                .expected_media_type::<TextCodec>(),
            None
        );
    }

    #[test]
    fn labels_are_typed() {
        let req = request("GET", "/labels/a%20b/-7/true/2019-12-16T23%3A48%3A18Z/1576540098/x/y%2Fz", &[], "");
        let value = decode(3, &req).unwrap();
        let expected = Value::Struct(vec![
            (0, s("a b")),
            (1, Value::Int(-7)),
            (2, Value::Bool(true)),
            (3, ts(1576540098)),
            (4, ts(1576540098)),
            (5, s("x/y/z")),
        ]);
        assert_eq!(value, expected);
        for bad in [
            "/labels/a/1.5/true/2019-12-16T23%3A48%3A18Z/1/x",
            "/labels/a/1/True/2019-12-16T23%3A48%3A18Z/1/x",
            "/labels/a/1/true/2019-12-16T23%3A48%3A18-08%3A00/1/x",
            "/labels/a/1/true/1576540098/1/x",
            "/labels/a/1/true/2019-12-16T23%3A48%3A18Z/2019-12-16T23%3A48%3A18Z/x",
            "/labels/a/99999999999/true/2019-12-16T23%3A48%3A18Z/1/x",
        ] {
            assert!(is_serialization_error(decode(3, &request("GET", bad, &[], ""))), "{bad}");
        }
    }

    #[test]
    fn query_values_lists_and_maps() {
        let req = request(
            "GET",
            "/queries?String=Hello%20there&List=a&List=b&Timestamp=1970-01-01T00%3A00%3A01Z&Float=NaN&empty",
            &[],
            "",
        );
        let Value::Struct(fields) = decode(4, &req).unwrap() else { panic!() };
        assert_eq!(fields[0], (0, s("Hello there")));
        assert_eq!(fields[1], (1, Value::List(vec![s("a"), s("b")])));
        assert_eq!(fields[2], (2, ts(1)));
        assert!(matches!(fields[3], (3, Value::Float(f)) if f.is_nan()));
        let Value::Map(all) = &fields[4].1 else { panic!() };
        assert_eq!(all[1], ("List".to_owned(), Value::List(vec![s("a"), s("b")])));
        assert_eq!(all[4], ("empty".to_owned(), Value::List(vec![s("")])));
        for bad in [
            "Float=0x42",
            "Float=2ABC",
            "Float=inf",
            "Timestamp=1",
            "Timestamp=Tue%2C%2029%20Apr%202014%2018%3A30%3A38%20GMT",
        ] {
            assert!(is_serialization_error(decode(4, &request("GET", &format!("/queries?{bad}"), &[], ""))), "{bad}");
        }
    }

    #[test]
    fn headers_lists_quotes_dates_and_prefixes() {
        let req = request(
            "POST",
            "/headers",
            &[
                ("X-String", "Hello"),
                ("X-StringList", "\"b,c\", \"\\\"def\\\"\", a"),
                ("X-TimestampList", "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT"),
                ("X-Timestamp", "Mon, 16 Dec 2019 23:48:18 GMT"),
                ("X-IntegerList", "1, 2,3"),
                ("X-IntegerList", "4"),
                ("X-Boolean", "false"),
                ("X-Json", "dHJ1ZQ=="),
                ("X-Float", "-Infinity"),
                ("x-meta-one", "1"),
                ("X-Meta-Two", "2"),
                ("X-Empty", ""),
            ],
            "",
        );
        let value = decode(2, &req).unwrap();
        let expected = Value::Struct(vec![
            (0, s("Hello")),
            (1, Value::List(vec![s("b,c"), s("\"def\""), s("a")])),
            (2, Value::List(vec![ts(1576540098), ts(1576540098)])),
            (3, ts(1576540098)),
            (4, Value::List((1..=4).map(Value::Int).collect())),
            (5, Value::Bool(false)),
            (6, s("true")),
            (7, Value::Float(f64::NEG_INFINITY)),
            (9, Value::Map(vec![("one".into(), s("1")), ("two".into(), s("2"))])),
            (10, s("1")),
            (11, s("")),
        ]);
        assert_eq!(value, expected);
        for (name, bad) in [
            ("X-Boolean", "1"),
            ("X-Json", "YmxvYg="),
            ("X-Byte", "256"),
            ("X-Timestamp", "2019-12-16T23:48:18Z"),
            ("X-IntegerList", "1, x"),
        ] {
            assert!(
                is_serialization_error(decode(2, &request("POST", "/headers", &[(name, bad)], ""))),
                "{name}: {bad}"
            );
        }
    }

    #[test]
    fn payloads_and_bodies() {
        let text = decode(7, &request("POST", "/text", &[], "raw text")).unwrap();
        assert_eq!(text, Value::Struct(vec![(0, s("raw text"))]));
        let stream = decode(5, &request("PUT", "/stream", &[], "bytes")).unwrap();
        assert!(matches!(stream.field(0), Some(Value::Stream(s)) if s.buffered().unwrap() == "bytes"));
        // An empty body is an absent payload.
        assert_eq!(decode(5, &request("PUT", "/stream", &[], "")).unwrap(), Value::Struct(vec![]));
        assert_eq!(decode(6, &request("PUT", "/struct", &[], "-")).unwrap(), Value::Struct(vec![]));
        assert_eq!(
            decode(6, &request("PUT", "/struct", &[], "hi")).unwrap(),
            Value::Struct(vec![(0, Value::Struct(vec![(0, s("hi"))]))])
        );
        let body = decode(0, &request("POST", "/body", &[("X-H", "h")], "document")).unwrap();
        assert_eq!(body, Value::Struct(vec![(0, s("document")), (1, s("h"))]));
    }

    #[test]
    fn encodes_headers() {
        let value = Value::Struct(vec![
            (1, Value::List(vec![s("b,c"), s("\"def\""), s("a")])),
            (2, Value::List(vec![ts(1576540098), ts(1576540098)])),
            (4, Value::List(vec![])),
            (6, s("true")),
            (7, Value::Float(1.100000023841858)),
            (9, Value::Map(vec![("one".into(), s("from map")), ("two".into(), s("2"))])),
            (10, s("specific")),
            (11, s("")),
        ]);
        let response = encode(2, value);
        assert_eq!(header(&response, "x-stringlist"), Some("\"b,c\", \"\\\"def\\\"\", a"));
        assert_eq!(
            header(&response, "x-timestamplist"),
            Some("Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT")
        );
        assert_eq!(header(&response, "x-integerlist"), Some(""));
        assert_eq!(header(&response, "x-json"), Some("dHJ1ZQ=="));
        assert_eq!(header(&response, "x-float"), Some("1.1"));
        assert_eq!(header(&response, "x-meta-one"), Some("specific"));
        assert_eq!(header(&response, "x-meta-two"), Some("2"));
        assert_eq!(header(&response, "x-empty"), Some(""));
        assert_eq!(header(&response, "x-string"), None);
        assert_eq!(response.status, 200);
    }

    #[test]
    fn encodes_payloads() {
        let response = encode(7, Value::Struct(vec![(0, s("rawstring"))]));
        assert_eq!((body(&response), header(&response, "content-type")), (&b"rawstring"[..], Some("text/plain")));
        let response = encode(5, Value::Struct(vec![(0, Value::Blob(Bytes::from_static(b"jpeg")))]));
        assert_eq!((body(&response), header(&response, "content-type")), (&b"jpeg"[..], Some("image/jpeg")));
        let response = encode(6, Value::Struct(vec![(0, Value::Struct(vec![(0, s("hello"))]))]));
        assert_eq!((body(&response), header(&response, "content-type")), (&b"hello"[..], Some("application/test")));
        // An absent payload is an empty body without a content type.
        let response = encode(6, Value::Struct(vec![]));
        assert_eq!((body(&response), header(&response, "content-type")), (&b""[..], None));
    }

    #[test]
    fn response_codes_and_empty_bodies() {
        let response = encode(1, Value::Struct(vec![(0, Value::Int(201)), (1, s("x"))]));
        assert_eq!((response.status, body(&response)), (201, &b"x"[..]));
        assert_eq!(header(&response, "content-length"), Some("1"));
        let response = encode(1, Value::Struct(vec![]));
        assert_eq!((response.status, body(&response)), (200, &b"{}"[..]));
        // 204 has no body.
        let response = encode(4, Value::Struct(vec![]));
        assert_eq!((response.status, body(&response), header(&response, "content-type")), (204, &b""[..], None));
        assert_eq!(header(&response, "content-length"), None);
    }

    #[test]
    fn header_list_splitting() {
        assert_eq!(split_header_list("a, b,c", false), ["a", "b", "c"]);
        assert_eq!(split_header_list("\"a,b\" , c", false), ["a,b", "c"]);
        assert_eq!(split_header_list("", false), Vec::<String>::new());
        assert_eq!(split_http_dates("Mon, 16 Dec 2019 23:48:18 GMT"), ["Mon, 16 Dec 2019 23:48:18 GMT"]);
    }

    #[test]
    fn binding_is_fast() {
        let req = request(
            "GET",
            "/labels/a/1/true/2019-12-16T23%3A48%3A18Z/1576540098/x/y",
            &[("x-string", "hello"), ("content-type", "application/json")],
            "",
        );
        let start = std::time::Instant::now();
        for _ in 0..10_000 {
            std::hint::black_box(decode(3, std::hint::black_box(&req)).unwrap());
        }
        let per_request = start.elapsed() / 10_000;
        // Generous bound for unoptimised test builds.
        assert!(per_request < std::time::Duration::from_micros(100), "{per_request:?}");
    }
}

//! Static schema tables emitted by the generator.
//!
//! Every generated service crate holds one [`Schema`]: a flat table of shapes that
//! refer to each other by index, plus the operations. The protocol codecs in this crate
//! walk these tables, so wire behaviour (names, XML traits, timestamp formats, HTTP
//! bindings) is decided once here and by the model, never per handler.
//!
//! Traits that Smithy allows on both a member and its target (constraints, timestamp
//! format, XML namespace) are merged by the generator into the [`Member`], so the codecs
//! only look at the member.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Index of a shape inside [`Schema::shapes`].
pub type ShapeId = u32;

/// The wire protocols a service can be served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
    RestXml,
    AwsQuery,
    RpcV2Cbor,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::RestJson1 => "restJson1",
            Protocol::RestXml => "restXml",
            Protocol::AwsQuery => "awsQuery",
            Protocol::RpcV2Cbor => "rpcv2Cbor",
        }
    }

    pub fn is_rest(self) -> bool {
        matches!(self, Protocol::RestJson1 | Protocol::RestXml)
    }
}

/// How a service reports input that fails its constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationStyle {
    /// AWS services: `1 validation error detected: Value 'x' at 'name' failed to satisfy
    /// constraint: ...` under the service's validation error code.
    Aws,
    /// As `Aws`, but values outside a modelled enum pass through to the handler: the
    /// service takes names its model does not list (SQS's `AttributeNames` accept the
    /// message system attribute names, and unknown ones get the handler's own error).
    AwsOpenEnums,
    /// `smithy.framework#ValidationException` with `message` and `fieldList` (the protocol
    /// test services).
    SmithyFramework,
}

#[derive(Debug)]
pub struct Schema {
    pub service: ServiceInfo,
    pub shapes: &'static [Shape],
    pub operations: &'static [Operation],
    /// Tables the runtime builds from `shapes` and `operations` when first needed.
    pub derived: Derived,
}

/// Tables derived from a schema on first use and kept inside it, so that a request reaches
/// each with one load instead of a lock and a search of a process-wide cache.
pub struct Derived {
    pub(crate) router: OnceLock<crate::protocol::router::Router>,
    pub(crate) bindings: OnceLock<Vec<crate::protocol::rest::OperationBindings>>,
    pub(crate) checks: OnceLock<crate::validate::ShapeFlags>,
    pub(crate) defaults: OnceLock<crate::defaults::Plan>,
    operations_by_name: OnceLock<HashMap<&'static str, usize, fnv::FnvBuildHasher>>,
}

impl Derived {
    /// Nothing built yet: what every schema starts with.
    pub const fn new() -> Self {
        Derived {
            router: OnceLock::new(),
            bindings: OnceLock::new(),
            checks: OnceLock::new(),
            defaults: OnceLock::new(),
            operations_by_name: OnceLock::new(),
        }
    }
}

impl Default for Derived {
    fn default() -> Self {
        Derived::new()
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Derived { .. }")
    }
}

impl Schema {
    #[inline]
    pub fn shape(&self, id: ShapeId) -> &'static Shape {
        &self.shapes[id as usize]
    }

    /// The shapes for which `holds(kind, marked)` comes true, where `marked` says which
    /// shapes are already known to: repeated until nothing changes, so that a property
    /// that spreads from members to their containers settles on recursive shapes too.
    pub fn closure(&self, holds: impl Fn(&ShapeKind, &[bool]) -> bool) -> Vec<bool> {
        let mut marked = vec![false; self.shapes.len()];
        loop {
            let mut changed = false;
            for (i, shape) in self.shapes.iter().enumerate() {
                if !marked[i] && holds(&shape.kind, &marked) {
                    marked[i] = true;
                    changed = true;
                }
            }
            if !changed {
                return marked;
            }
        }
    }

    pub fn operation(&self, name: &str) -> Option<(usize, &'static Operation)> {
        // Every RPC request looks its operation up by name: one hash and one comparison
        // cost about half of a binary search's several.
        let by_name = self
            .derived
            .operations_by_name
            .get_or_init(|| self.operations.iter().enumerate().map(|(index, op)| (op.name, index)).collect());
        by_name.get(name).map(|&index| (index, &self.operations[index]))
    }

    pub fn has_protocol(&self, protocol: Protocol) -> bool {
        self.service.protocols.contains(&protocol)
    }
}

#[derive(Debug)]
pub struct ServiceInfo {
    /// Our name for the service (manifest key), e.g. `sqs`.
    pub name: &'static str,
    /// Service shape name, e.g. `AmazonSQS`.
    pub shape_name: &'static str,
    /// Smithy namespace, e.g. `com.amazonaws.sqs`.
    pub namespace: &'static str,
    /// API version, e.g. `2012-11-05`.
    pub version: &'static str,
    /// SigV4 signing name, e.g. `sqs`.
    pub signing_name: &'static str,
    /// `X-Amz-Target` prefix for awsJson, e.g. `AmazonSQS`.
    pub target_prefix: &'static str,
    /// Protocols served, the first being the model's own.
    pub protocols: &'static [Protocol],
    /// `aws.protocols#awsQueryCompatible`: JSON errors carry `x-amzn-query-error`.
    pub query_compatible: bool,
    /// XML namespace of awsQuery / restXml documents.
    pub xml_namespace: Option<&'static str>,
    /// restXml `noErrorWrapping` (S3): errors are `<Error>` at the root.
    pub xml_no_error_wrapping: bool,
    pub validation: ValidationStyle,
    /// Error code for constraint violations (`ValidationException`, `ValidationError`, ...).
    pub validation_code: &'static str,
}

#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub kind: ShapeKind,
    /// `@xmlName` on the shape itself (root element of payloads and documents).
    pub xml_name: Option<&'static str>,
    pub xml_namespace: Option<XmlNamespace>,
    /// `@error` / `@httpError` / `@awsQueryError` on structures.
    pub error: Option<ErrorInfo>,
    /// Enum values marked `@internal`: accepted, but not listed in validation messages.
    pub internal_values: &'static [&'static str],
}

#[derive(Debug)]
pub enum ShapeKind {
    Blob {
        streaming: bool,
        media_type: Option<&'static str>,
    },
    Boolean,
    String {
        media_type: Option<&'static str>,
    },
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    /// `(member name, wire value)` pairs.
    Enum(&'static [(&'static str, &'static str)]),
    IntEnum(&'static [(&'static str, i32)]),
    List {
        member: &'static Member,
        sparse: bool,
    },
    Map {
        key: &'static Member,
        value: &'static Member,
        sparse: bool,
    },
    Structure {
        members: &'static [Member],
    },
    Union {
        members: &'static [Member],
    },
}

impl Shape {
    /// A shape with no traits, for struct-update syntax in generated tables.
    pub const DEFAULT: Shape = Shape {
        name: "",
        kind: ShapeKind::Structure { members: &[] },
        xml_name: None,
        xml_namespace: None,
        error: None,
        internal_values: &[],
    };
}

impl ShapeKind {
    pub fn members(&self) -> &'static [Member] {
        match self {
            ShapeKind::Structure { members } | ShapeKind::Union { members } => members,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlNamespace {
    pub uri: &'static str,
    pub prefix: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Client,
    Server,
}

#[derive(Debug, Clone, Copy)]
pub struct ErrorInfo {
    pub fault: Fault,
    /// `@httpError`, else 400 for client and 500 for server faults.
    pub http_status: u16,
    /// `@awsQueryError` code, used by awsQuery and by awsQueryCompatible JSON.
    pub query_code: Option<&'static str>,
    pub query_status: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    HttpDate,
    EpochSeconds,
}

/// Where a member travels in a REST request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpBinding {
    /// In the document body (or the whole body for RPC protocols).
    Body,
    Label,
    Query(&'static str),
    QueryParams,
    Header(&'static str),
    PrefixHeaders(&'static str),
    Payload,
    ResponseCode,
}

#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    pub target: ShapeId,
    pub json_name: Option<&'static str>,
    pub xml_name: Option<&'static str>,
    pub xml_attribute: bool,
    pub xml_flattened: bool,
    pub xml_namespace: Option<XmlNamespace>,
    pub timestamp_format: Option<TimestampFormat>,
    pub http: HttpBinding,
    pub required: bool,
    pub default: Option<&'static DefaultValue>,
    pub idempotency_token: bool,
    pub constraints: Option<&'static Constraints>,
}

impl Member {
    /// A member with no traits, for struct-update syntax in generated tables.
    pub const DEFAULT: Member = Member {
        name: "",
        target: 0,
        json_name: None,
        xml_name: None,
        xml_attribute: false,
        xml_flattened: false,
        xml_namespace: None,
        timestamp_format: None,
        http: HttpBinding::Body,
        required: false,
        default: None,
        idempotency_token: false,
        constraints: None,
    };

    /// Name of this member in JSON documents.
    #[inline]
    pub fn json_name(&self) -> &'static str {
        self.json_name.unwrap_or(self.name)
    }

    /// Name of this member's element or attribute in XML and in awsQuery keys.
    #[inline]
    pub fn xml_name(&self) -> &'static str {
        self.xml_name.unwrap_or(self.name)
    }
}

/// `@default` values, as the model writes them.
#[derive(Debug, PartialEq)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Strings, enums, blobs (base64) and date-time timestamps.
    Str(&'static str),
    EmptyList,
    EmptyMap,
    EmptyDocument,
}

/// Constraint traits that validation checks.
#[derive(Debug)]
pub struct Constraints {
    /// `@length(min, max)`: characters of strings, bytes of blobs, entries of collections.
    pub length: Option<(Option<u64>, Option<u64>)>,
    /// `@range(min, max)` on numbers.
    pub range: Option<(Option<f64>, Option<f64>)>,
    /// `@pattern`, an ECMA 262 regular expression (not anchored).
    pub pattern: Option<&'static str>,
    pub unique_items: bool,
}

impl Constraints {
    pub const NONE: Constraints = Constraints { length: None, range: None, pattern: None, unique_items: false };
}

/// An operation and its HTTP binding.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub input: ShapeId,
    pub output: ShapeId,
    pub errors: &'static [ShapeId],
    pub http: Option<HttpTrait>,
    /// True when the model gives no input/output (`smithy.api#Unit`).
    pub unit_input: bool,
    pub unit_output: bool,
}

#[derive(Debug)]
pub struct HttpTrait {
    pub method: &'static str,
    /// The URI pattern, e.g. `/{Bucket}/{Key+}?uploads`.
    pub uri: &'static str,
    pub code: u16,
}

//! REST routing: matches method, path and query against the operations' `@http` URI
//! patterns the way AWS does (literal segments, labels, greedy labels, query literals).
//!
//! Each schema's patterns are parsed once into a [`Router`], kept for the process. A
//! request is split into path segments once; the routes of its method are checked
//! against them without allocating, and only the winner's labels are decoded. When
//! several operations match, the most specific wins: more literal segments, then more
//! query literals, then a non-greedy pattern, then a matching `x-id` query literal, then
//! the operations whose required `@httpQuery` and `@httpHeader` inputs the request
//! carries (the most of them first). That last rule is how S3 tells `PutObject`,
//! `UploadPart`, `CopyObject` and `UploadPartCopy` apart: they share
//! `PUT /{Bucket}/{Key+}`.

use std::borrow::Cow;

use http::{HeaderName, Method};
use percent_encoding::percent_decode_str;

use crate::http::HttpRequest;
use crate::protocol::DecodeError;
use crate::schema::{HttpBinding, Schema};

/// `(label name, percent-decoded value)` for each URI label of a request.
pub type Labels = Vec<(&'static str, String)>;

#[derive(Debug, Clone, PartialEq)]
pub struct RouteMatch {
    pub operation: usize,
    pub labels: Labels,
}

pub struct Router {
    routes: Vec<Route>,
    /// Indexes into `routes` per method, so a request only looks at its own method's.
    by_method: Vec<MethodRoutes>,
}

/// The routes of one method.
struct MethodRoutes {
    method: Method,
    all: Vec<usize>,
    /// Those without query literals: the only ones a request without a query string can
    /// match. S3 distinguishes most of its operations by a query literal (`?acl`,
    /// `?tagging`, ...), so a plain object GET looks at a handful instead of dozens.
    without_query: Vec<usize>,
}

/// One operation's parsed `@http` trait plus what disambiguates it.
struct Route {
    operation: usize,
    method: Method,
    segments: Vec<Segment>,
    /// Position of the greedy label in `segments`, if any.
    greedy: Option<usize>,
    literal_count: usize,
    query_literals: Vec<QueryLiteral>,
    /// S3's `?x-id=GetObject`: preferred when present, never required (boto3 leaves it
    /// out, the Rust SDK sends it).
    preferred: Option<QueryLiteral>,
    required_query: Vec<&'static str>,
    required_headers: Vec<HeaderName>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Segment {
    Literal(&'static str),
    Label(&'static str),
    Greedy(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct QueryLiteral {
    key: &'static str,
    /// `None` for `?uploads` (the key alone must be present).
    value: Option<&'static str>,
}

/// How specific a matching route is; larger wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Specificity {
    literals: usize,
    query_literals: usize,
    not_greedy: bool,
    preferred: bool,
    all_required_present: bool,
    required_present: usize,
}

impl Router {
    /// The router of a schema, built on first use and kept in the schema.
    pub fn for_schema(schema: &Schema) -> &Router {
        schema.derived.router.get_or_init(|| Router::build(schema))
    }

    fn build(schema: &Schema) -> Router {
        let routes: Vec<Route> =
            schema.operations.iter().enumerate().filter_map(|(index, op)| Route::parse(schema, index, op)).collect();
        let mut by_method: Vec<MethodRoutes> = Vec::new();
        for (i, route) in routes.iter().enumerate() {
            let at = match by_method.iter().position(|m| m.method == route.method) {
                Some(at) => at,
                None => {
                    let method = route.method.clone();
                    by_method.push(MethodRoutes { method, all: Vec::new(), without_query: Vec::new() });
                    by_method.len() - 1
                }
            };
            by_method[at].all.push(i);
            if route.query_literals.is_empty() {
                by_method[at].without_query.push(i);
            }
        }
        Router { routes, by_method }
    }

    /// The operation a request targets, with its decoded labels.
    pub fn route(&self, req: &HttpRequest) -> Result<RouteMatch, DecodeError> {
        let path = RequestPath::new(&req.path);
        let (index, trimmed) = self.best_route(req, &path)?;
        let route = &self.routes[index];
        let segments = if trimmed { path.without_trailing_slash().unwrap_or_default() } else { path.segments() };
        Ok(RouteMatch { operation: route.operation, labels: route.labels(&path, segments)? })
    }

    /// The operation a request is for, without decoding its labels (the decoder does
    /// that, with [`Router::labels_for`]).
    pub fn operation(&self, req: &HttpRequest) -> Result<usize, DecodeError> {
        let path = RequestPath::new(&req.path);
        self.best_route(req, &path).map(|(index, _)| self.routes[index].operation)
    }

    /// The index of the best route for the request, and whether it matched only once a
    /// trailing slash was set aside.
    fn best_route(&self, req: &HttpRequest, path: &RequestPath) -> Result<(usize, bool), DecodeError> {
        let candidates = match self.by_method.iter().find(|m| m.method == req.method) {
            Some(routes) if req.query.is_empty() => routes.without_query.as_slice(),
            Some(routes) => routes.all.as_slice(),
            None => &[],
        };
        let mut query = LazyQuery::new(&req.query);
        let best = self.best(candidates, path.segments(), req, &mut query).map(|i| (i, false)).or_else(|| {
            let trimmed = path.without_trailing_slash()?;
            self.best(candidates, trimmed, req, &mut query).map(|i| (i, true))
        });
        best.ok_or_else(|| DecodeError::UnknownOperation(format!("no operation matches {} {}", req.method, req.path)))
    }

    /// The labels of operation `op` in this request, if the request matches its pattern
    /// (decoders use this to recover what routing found).
    pub fn labels_for(&self, op: usize, req: &HttpRequest) -> Result<Labels, DecodeError> {
        let Some(route) = self.routes.iter().find(|r| r.operation == op) else { return Ok(Vec::new()) };
        let path = RequestPath::new(&req.path);
        if route.matches_path(path.segments()) {
            return route.labels(&path, path.segments());
        }
        match path.without_trailing_slash() {
            Some(trimmed) if route.matches_path(trimmed) => route.labels(&path, trimmed),
            _ => Ok(Vec::new()),
        }
    }

    /// Whether some operation's path pattern and query literals match the request,
    /// whatever its method: lets the gateway pick a service by REST path.
    pub fn matches_any(&self, req: &HttpRequest) -> bool {
        let path = RequestPath::new(&req.path);
        let mut query = LazyQuery::new(&req.query);
        let trimmed = path.without_trailing_slash();
        self.routes.iter().any(|route| {
            (route.matches_path(path.segments()) || trimmed.is_some_and(|t| route.matches_path(t)))
                && route.query_literals.iter().all(|q| query.has(q))
        })
    }

    /// The most specific route among `candidates` matching `segments`.
    fn best(&self, candidates: &[usize], segments: &[&str], req: &HttpRequest, query: &mut LazyQuery) -> Option<usize> {
        let mut best: Option<(Specificity, usize)> = None;
        for &i in candidates {
            let route = &self.routes[i];
            // Most routes of a REST service that share a path differ by a query literal
            // (S3's `?acl`, `?tagging`, ...): a request without a query skips them at once.
            if !route.query_literals.is_empty() && req.query.is_empty() {
                continue;
            }
            if !route.matches_path(segments) || !route.query_literals.iter().all(|q| query.has(q)) {
                continue;
            }
            let score = route.specificity(req, query);
            if best.is_none_or(|(top, _)| score > top) {
                best = Some((score, i));
            }
        }
        best.map(|(_, i)| i)
    }
}

impl Route {
    fn parse(schema: &Schema, operation: usize, op: &'static crate::schema::Operation) -> Option<Route> {
        let http = op.http.as_ref()?;
        let method = Method::from_bytes(http.method.as_bytes()).ok()?;
        let (path, query) = http.uri.split_once('?').unwrap_or((http.uri, ""));
        let segments = pattern_segments(path);
        let mut query_literals = Vec::new();
        let mut preferred = None;
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let literal = match part.split_once('=') {
                Some((key, value)) => QueryLiteral { key, value: Some(value) },
                None => QueryLiteral { key: part, value: None },
            };
            if literal.key == "x-id" {
                preferred = Some(literal);
            } else {
                query_literals.push(literal);
            }
        }
        let (required_query, required_headers) = required_inputs(schema, op);
        Some(Route {
            operation,
            method,
            greedy: segments.iter().position(|s| matches!(s, Segment::Greedy(_))),
            literal_count: segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count(),
            segments,
            query_literals,
            preferred,
            required_query,
            required_headers,
        })
    }

    fn matches_path(&self, request: &[&str]) -> bool {
        let Some(g) = self.greedy else {
            return request.len() == self.segments.len()
                && self.segments.iter().zip(request).all(|(pattern, segment)| pattern.matches(segment));
        };
        if request.len() < self.segments.len() {
            return false;
        }
        let tail = self.segments.len() - g - 1;
        let greedy_end = request.len() - tail;
        let span = &request[g..greedy_end];
        // A greedy label holds at least one character: `/bucket/` has no key.
        let span_empty = span.len() == 1 && span[0].is_empty();
        !span_empty
            && self.segments[..g].iter().zip(request).all(|(p, s)| p.matches(s))
            && self.segments[g + 1..].iter().zip(&request[greedy_end..]).all(|(p, s)| p.matches(s))
    }

    fn specificity(&self, req: &HttpRequest, query: &mut LazyQuery) -> Specificity {
        let required_total = self.required_query.len() + self.required_headers.len();
        let present = self.required_query.iter().filter(|k| query.has_key(k)).count()
            + self.required_headers.iter().filter(|h| req.headers.contains_key(*h)).count();
        Specificity {
            literals: self.literal_count,
            query_literals: self.query_literals.len(),
            not_greedy: self.greedy.is_none(),
            preferred: self.preferred.is_some_and(|p| query.has(&p)),
            all_required_present: present == required_total,
            required_present: present,
        }
    }

    /// Decodes the labels of a request known to match this route.
    fn labels(&self, path: &RequestPath, request: &[&str]) -> Result<Labels, DecodeError> {
        let mut labels = Vec::with_capacity(self.segments.len() - self.literal_count);
        let tail = self.greedy.map(|g| self.segments.len() - g - 1).unwrap_or(0);
        for (i, pattern) in self.segments.iter().enumerate() {
            match *pattern {
                Segment::Literal(_) => {}
                Segment::Label(name) => {
                    let at =
                        if self.greedy.is_some_and(|g| i > g) { request.len() - (self.segments.len() - i) } else { i };
                    labels.push((name, decode_label(name, request[at])?));
                }
                Segment::Greedy(name) => {
                    let raw = path.span(&request[i..request.len() - tail]);
                    labels.push((name, decode_label(name, raw)?));
                }
            }
        }
        Ok(labels)
    }
}

impl Segment {
    /// Whether one request segment (percent-encoded) fits this non-greedy segment.
    fn matches(&self, segment: &str) -> bool {
        match self {
            Segment::Literal(literal) => {
                segment == *literal
                    || (segment.contains('%') && percent_decode_str(segment).decode_utf8().is_ok_and(|d| d == *literal))
            }
            // Empty label segments never match (`//` is not a label).
            Segment::Label(_) => !segment.is_empty(),
            Segment::Greedy(_) => false,
        }
    }
}

/// Segments of a URI pattern's path; a trailing `/` is not a segment.
fn pattern_segments(path: &'static str) -> Vec<Segment> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    path.split('/')
        .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(label) => match label.strip_suffix('+') {
                Some(greedy) => Segment::Greedy(greedy),
                None => Segment::Label(label),
            },
            None => Segment::Literal(segment),
        })
        .collect()
}

/// The required `@httpQuery` keys and `@httpHeader` names of the operation's input.
fn required_inputs(schema: &Schema, op: &crate::schema::Operation) -> (Vec<&'static str>, Vec<HeaderName>) {
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for member in schema.shape(op.input).kind.members().iter().filter(|m| m.required) {
        match member.http {
            HttpBinding::Query(key) => query.push(key),
            HttpBinding::Header(name) => headers.extend(HeaderName::from_bytes(name.as_bytes()).ok()),
            _ => {}
        }
    }
    (query, headers)
}

fn decode_label(name: &str, raw: &str) -> Result<String, DecodeError> {
    // Most labels (bucket names, plain keys) have nothing encoded: copied as they are.
    if !raw.contains('%') {
        return Ok(raw.to_owned());
    }
    percent_decode_str(raw)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| DecodeError::Serialization(format!("label {name} is not valid UTF-8 once percent-decoded")))
}

/// A request path split into its percent-encoded segments, once.
struct RequestPath<'a> {
    /// The path without its leading `/`.
    text: &'a str,
    segments: Vec<&'a str>,
}

impl<'a> RequestPath<'a> {
    fn new(path: &'a str) -> Self {
        let text = path.strip_prefix('/').unwrap_or(path);
        let segments = if text.is_empty() { Vec::new() } else { text.split('/').collect() };
        RequestPath { text, segments }
    }

    fn segments(&self) -> &[&'a str] {
        &self.segments
    }

    /// The segments without a trailing empty one: S3's `/bucket/` is `/bucket`.
    fn without_trailing_slash(&self) -> Option<&[&'a str]> {
        match self.segments.split_last() {
            Some((&"", rest)) => Some(rest),
            _ => None,
        }
    }

    /// The raw text covering consecutive segments, slashes included.
    fn span(&self, segments: &[&str]) -> &'a str {
        let (Some(first), Some(last)) = (segments.first(), segments.last()) else { return "" };
        let base = self.text.as_ptr() as usize;
        let start = first.as_ptr() as usize - base;
        let end = last.as_ptr() as usize - base + last.len();
        &self.text[start..end]
    }
}

/// The query string's pairs, decoded on first use only.
struct LazyQuery<'a> {
    raw: &'a str,
    pairs: Option<Vec<(Cow<'a, str>, Cow<'a, str>)>>,
}

impl<'a> LazyQuery<'a> {
    fn new(raw: &'a str) -> Self {
        LazyQuery { raw, pairs: None }
    }

    fn pairs(&mut self) -> &[(Cow<'a, str>, Cow<'a, str>)] {
        let raw = self.raw;
        self.pairs.get_or_insert_with(|| crate::form::pairs(raw.as_bytes()).collect())
    }

    fn has_key(&mut self, key: &str) -> bool {
        !self.raw.is_empty() && self.pairs().iter().any(|(k, _)| k == key)
    }

    fn has(&mut self, literal: &QueryLiteral) -> bool {
        if self.raw.is_empty() {
            return false;
        }
        self.pairs().iter().any(|(k, v)| k == literal.key && literal.value.is_none_or(|expected| v == expected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{HttpTrait, Member, Operation, ServiceInfo, Shape, ShapeId, ShapeKind, ValidationStyle};

    const fn member(name: &'static str, http: HttpBinding, required: bool) -> Member {
        Member {
            name,
            target: 0,
            json_name: None,
            xml_name: None,
            xml_attribute: false,
            xml_flattened: false,
            xml_namespace: None,
            timestamp_format: None,
            http,
            required,
            default: None,
            idempotency_token: false,
            constraints: None,
        }
    }

    const fn structure(name: &'static str, members: &'static [Member]) -> Shape {
        Shape {
            name,
            kind: ShapeKind::Structure { members },
            xml_name: None,
            xml_namespace: None,
            error: None,
            internal_values: &[],
        }
    }

    const fn op(name: &'static str, input: ShapeId, method: &'static str, uri: &'static str) -> Operation {
        Operation {
            name,
            input,
            output: 0,
            errors: &[],
            http: Some(HttpTrait { method, uri, code: 200 }),
            unit_input: false,
            unit_output: false,
        }
    }

    const BUCKET: Member = member("Bucket", HttpBinding::Label, true);
    const KEY: Member = member("Key", HttpBinding::Label, true);
    const PART: Member = member("PartNumber", HttpBinding::Query("partNumber"), true);
    const UPLOAD: Member = member("UploadId", HttpBinding::Query("uploadId"), true);
    const COPY: Member = member("CopySource", HttpBinding::Header("x-amz-copy-source"), true);

    static SHAPES: [Shape; 6] = [
        structure("String", &[]),
        structure("BucketInput", &[BUCKET]),
        structure("ObjectInput", &[BUCKET, KEY]),
        structure("UploadPartInput", &[BUCKET, KEY, PART, UPLOAD]),
        structure("CopyObjectInput", &[BUCKET, KEY, COPY]),
        structure("UploadPartCopyInput", &[BUCKET, KEY, PART, UPLOAD, COPY]),
    ];

    // Sorted by name, as the generator emits them.
    static OPERATIONS: [Operation; 14] = [
        op("CopyObject", 4, "PUT", "/{Bucket}/{Key+}?x-id=CopyObject"),
        op("CreateBucket", 1, "PUT", "/{Bucket}"),
        op("CreateMultipartUpload", 2, "POST", "/{Bucket}/{Key+}?uploads"),
        op("GetObject", 2, "GET", "/{Bucket}/{Key+}?x-id=GetObject"),
        op("GetObjectAcl", 2, "GET", "/{Bucket}/{Key+}?acl"),
        op("GetObjectAttributes", 2, "GET", "/{Bucket}/{Key+}?attributes"),
        op("Greedy", 2, "GET", "/greedy/{Bucket}/{Key+}/tail"),
        op("ListBuckets", 0, "GET", "/"),
        op("ListObjects", 1, "GET", "/{Bucket}"),
        op("ListObjectsV2", 1, "GET", "/{Bucket}?list-type=2"),
        op("PutBucketTagging", 1, "PUT", "/{Bucket}?tagging"),
        op("PutObject", 2, "PUT", "/{Bucket}/{Key+}?x-id=PutObject"),
        op("UploadPart", 3, "PUT", "/{Bucket}/{Key+}?x-id=UploadPart"),
        op("UploadPartCopy", 5, "PUT", "/{Bucket}/{Key+}?x-id=UploadPartCopy"),
    ];

    static SCHEMA: Schema = Schema {
        service: ServiceInfo {
            name: "s3",
            shape_name: "AmazonS3",
            namespace: "com.amazonaws.s3",
            version: "2006-03-01",
            signing_name: "s3",
            target_prefix: "",
            protocols: &[crate::schema::Protocol::RestXml],
            query_compatible: false,
            xml_namespace: None,
            xml_no_error_wrapping: true,
            validation: ValidationStyle::Aws,
            validation_code: "InvalidArgument",
        },
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };

    fn request(method: &str, uri: &str, headers: &[&str]) -> HttpRequest {
        let mut req = HttpRequest::new(Method::from_bytes(method.as_bytes()).unwrap(), uri);
        for h in headers {
            req.headers.insert(HeaderName::from_bytes(h.as_bytes()).unwrap(), "x".parse().unwrap());
        }
        req
    }

    /// An operation's name and its labels.
    type Routed = (&'static str, Vec<(&'static str, String)>);

    fn route(method: &str, uri: &str, headers: &[&str]) -> Result<Routed, DecodeError> {
        let m = Router::for_schema(&SCHEMA).route(&request(method, uri, headers))?;
        Ok((OPERATIONS[m.operation].name, m.labels))
    }

    fn name(method: &str, uri: &str, headers: &[&str]) -> &'static str {
        route(method, uri, headers).map(|(n, _)| n).unwrap_or("<none>")
    }

    #[test]
    fn labels_and_greedy_labels() {
        let (op, labels) = route("GET", "/my-bucket/a/b%2Fc/d%20e.txt", &[]).unwrap();
        assert_eq!(op, "GetObject");
        assert_eq!(labels, vec![("Bucket", "my-bucket".to_owned()), ("Key", "a/b/c/d e.txt".to_owned())]);
        let (op, labels) = route("GET", "/greedy/b/x/y/tail", &[]).unwrap();
        assert_eq!(op, "Greedy");
        assert_eq!(labels, vec![("Bucket", "b".to_owned()), ("Key", "x/y".to_owned())]);
        // Dot segments are data, not navigation.
        assert_eq!(route("GET", "/b/../key.txt", &[]).unwrap().1[1].1, "../key.txt");
        // `+` in a path is a plus.
        assert_eq!(route("GET", "/b/a+b", &[]).unwrap().1[1].1, "a+b");
    }

    #[test]
    fn trailing_slashes_and_empty_keys() {
        assert_eq!(name("GET", "/", &[]), "ListBuckets");
        assert_eq!(name("GET", "/bucket", &[]), "ListObjects");
        assert_eq!(name("GET", "/bucket/", &[]), "ListObjects");
        let (op, labels) = route("GET", "/bucket/folder/", &[]).unwrap();
        assert_eq!((op, labels[1].1.as_str()), ("GetObject", "folder/"));
        // A key may start with a slash.
        assert_eq!(route("GET", "/bucket//key", &[]).unwrap().1[1].1, "/key");
        // Empty label segments do not match.
        assert_eq!(name("GET", "//key", &[]), "<none>");
    }

    #[test]
    fn query_literals() {
        assert_eq!(name("GET", "/bucket?list-type=2", &[]), "ListObjectsV2");
        assert_eq!(name("GET", "/bucket?list-type=1", &[]), "ListObjects");
        assert_eq!(name("GET", "/bucket/key?acl", &[]), "GetObjectAcl");
        assert_eq!(name("GET", "/bucket/key?acl=", &[]), "GetObjectAcl");
        assert_eq!(name("GET", "/bucket/key?attributes&x-id=GetObjectAttributes", &[]), "GetObjectAttributes");
        assert_eq!(name("PUT", "/bucket?tagging", &[]), "PutBucketTagging");
        assert_eq!(name("PUT", "/bucket", &[]), "CreateBucket");
        assert_eq!(name("POST", "/bucket/key?uploads", &[]), "CreateMultipartUpload");
        assert_eq!(name("POST", "/bucket/key", &[]), "<none>");
    }

    #[test]
    fn s3_put_disambiguation() {
        assert_eq!(name("PUT", "/b/k", &[]), "PutObject");
        assert_eq!(name("PUT", "/b/k?partNumber=1&uploadId=u", &[]), "UploadPart");
        assert_eq!(name("PUT", "/b/k", &["x-amz-copy-source"]), "CopyObject");
        assert_eq!(name("PUT", "/b/k?partNumber=1&uploadId=u", &["x-amz-copy-source"]), "UploadPartCopy");
        // Half of UploadPart's required inputs is not UploadPart.
        assert_eq!(name("PUT", "/b/k?partNumber=1", &[]), "PutObject");
        // `x-id` names the operation when sent.
        assert_eq!(name("PUT", "/b/k?x-id=PutObject", &[]), "PutObject");
        assert_eq!(name("PUT", "/b/k?x-id=UploadPart", &[]), "UploadPart");
    }

    #[test]
    fn unknown_operations() {
        assert!(matches!(route("DELETE", "/b", &[]), Err(DecodeError::UnknownOperation(_))));
        let router = Router::for_schema(&SCHEMA);
        assert!(router.matches_any(&request("DELETE", "/b", &[])));
        assert!(router.matches_any(&request("GET", "/", &[])));
        assert!(!router.matches_any(&request("GET", "//", &[])));
    }

    #[test]
    fn labels_for_an_operation() {
        let router = Router::for_schema(&SCHEMA);
        let labels = router.labels_for(3, &request("GET", "/b/k/", &[])).unwrap();
        assert_eq!(labels, vec![("Bucket", "b".to_owned()), ("Key", "k/".to_owned())]);
        assert!(std::ptr::eq(router, Router::for_schema(&SCHEMA)));
    }

    #[test]
    fn pattern_parsing() {
        assert_eq!(pattern_segments("/"), vec![]);
        assert_eq!(
            pattern_segments("/2015-03-31/functions/{FunctionName}/"),
            vec![Segment::Literal("2015-03-31"), Segment::Literal("functions"), Segment::Label("FunctionName")]
        );
        assert_eq!(pattern_segments("/{Key+}"), vec![Segment::Greedy("Key")]);
    }

    #[test]
    fn routing_is_fast() {
        let router = Router::for_schema(&SCHEMA);
        let req = request("PUT", "/bucket/some/key.txt?partNumber=1&uploadId=abc", &["x-amz-copy-source"]);
        let start = std::time::Instant::now();
        for _ in 0..10_000 {
            std::hint::black_box(router.route(std::hint::black_box(&req)).unwrap());
        }
        let per_route = start.elapsed() / 10_000;
        // Generous bound for unoptimised test builds; release builds take far less.
        assert!(per_route < std::time::Duration::from_micros(50), "{per_route:?}");
    }
}

//! Which service, and which of its protocols, a request is for.
//!
//! Every AWS client says which service it means, but in different places depending on
//! the protocol, so the rules go from the most to the least specific signal:
//!
//! 1. `Host: <apiId>.execute-api.<domain>` or a `/_aws/execute-api/<apiId>/` path: API
//!    Gateway's data plane. Checked first because these are requests of the user's own
//!    API, whose bodies and headers may look like anything (including an AWS call).
//! 2. `X-Amz-Target: <TargetPrefix>.<Operation>`: awsJson.
//! 3. `smithy-protocol: rpc-v2-cbor` on `/service/<ServiceShape>/operation/<Op>`.
//! 4. The SigV4 credential scope's service (its signing name); when several services sign
//!    alike, the awsQuery `Version`, then the REST routes, decide.
//! 5. An awsQuery `Action` with a `Version` (or a unique action) and no usable signature.
//! 6. `Host: <bucket>.s3.<domain>` or `<bucket>.localhost`: virtual-hosted S3.
//! 7. A REST service with a route for the path (any method: a wrong method is for that
//!    service to refuse, in its own words).
//! 8. S3, which answers for anything else (a path is always a bucket and a key).
//!
//! Virtual-hosted S3 requests are rewritten to path style whichever rule picked S3, so
//! the S3 service only ever sees `/<bucket>/<key>`.

use std::borrow::Cow;

use ferrostack_runtime::http::{names, HttpRequest};
use ferrostack_runtime::protocol::aws_json;
use ferrostack_runtime::protocol::router::Router;
use ferrostack_runtime::schema::Schema;
use ferrostack_runtime::Protocol;

use crate::services::{rest_protocol, Registry};
use crate::sigv4::Credential;
use crate::vhost::{HostKind, HostNames};

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Service {
        index: usize,
        protocol: Protocol,
        rule: Rule,
        /// The operation, when routing has already read its name (an awsJson target, an
        /// awsQuery form's `Action`) and the service has it: the protocol layer then need
        /// not read it again. `None` leaves finding it, or refusing the request, to the
        /// protocol layer.
        operation: Option<usize>,
    },
    /// API Gateway's data plane for API `api_id`.
    ExecuteApi { api_id: String },
    /// S3's website endpoint for `bucket` (`<bucket>.s3-website[.-]<region>.<domain>`).
    S3Website { bucket: String },
    /// Nothing matched and there is no S3 to fall back to.
    Unknown,
}

/// Which rule chose the service: for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Target,
    RpcV2Cbor,
    SigningName,
    QueryAction,
    S3VirtualHost,
    RestPath,
    S3Fallback,
}

/// What routing reads from a request, computed once.
pub struct RequestFacts<'r> {
    pub credential: &'r Credential,
    /// `(Action, Version)` of an awsQuery call, from a form body or the query string;
    /// borrowed from the body when they need no decoding.
    pub action: Option<QueryAction<'r>>,
    pub host: Option<&'r str>,
    pub headers: HeaderFlags,
}

impl<'r> RequestFacts<'r> {
    /// `req.body` must hold the body already when it is a form; other bodies are not read.
    pub fn new(req: &HttpRequest, credential: &'r Credential, host: Option<&'r str>) -> Self {
        let headers = HeaderFlags::scan(&req.headers);
        let action = query_action(&req.body, headers.form, &req.query).map(owned_action);
        RequestFacts { credential, action, host, headers }
    }

    /// [`RequestFacts::new`] for a caller that has already scanned the headers and holds
    /// `body`, the request's body (a form's `Action` is borrowed from it).
    pub fn with_headers(
        req: &HttpRequest,
        body: &'r [u8],
        credential: &'r Credential,
        host: Option<&'r str>,
        headers: HeaderFlags,
    ) -> Self {
        let action = query_action(body, headers.form, &req.query);
        RequestFacts { credential, action, host, headers }
    }
}

/// Which of the headers the gateway asks about a request carries, from one walk over
/// its few headers: most requests lack most of these, and looking up a missing custom
/// name costs hashing it.
#[derive(Debug, Clone, Copy, Default)]
pub struct HeaderFlags {
    /// `X-Amz-Target` (awsJson).
    pub target: bool,
    /// `Smithy-Protocol` (rpcv2Cbor).
    pub smithy_protocol: bool,
    /// `X-Amz-Security-Token` (temporary credentials).
    pub security_token: bool,
    /// A `Content-Type` of `application/x-www-form-urlencoded` (awsQuery, or a browser form).
    pub form: bool,
}

/// The values of `Host` and `Authorization` (the first of each, as `HeaderMap::get`
/// answers), found by the same walk as the [`HeaderFlags`].
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyHeaders<'h> {
    pub host: Option<&'h http::HeaderValue>,
    pub authorization: Option<&'h http::HeaderValue>,
}

impl HeaderFlags {
    pub fn scan(headers: &http::HeaderMap) -> HeaderFlags {
        HeaderFlags::scan_with_values(headers).0
    }

    /// [`HeaderFlags::scan`], also keeping the headers every request reads the value of.
    pub fn scan_with_values(headers: &http::HeaderMap) -> (HeaderFlags, KeyHeaders<'_>) {
        let mut flags = HeaderFlags::default();
        let mut key = KeyHeaders::default();
        let mut content_type = None;
        for (name, value) in headers {
            // Each keeps its first value, as `HeaderMap::get` would answer.
            if name == http::header::HOST {
                key.host = key.host.or(Some(value));
            } else if name == http::header::AUTHORIZATION {
                key.authorization = key.authorization.or(Some(value));
            } else if name == http::header::CONTENT_TYPE {
                content_type = content_type.or(Some(value));
            } else if name == names::X_AMZ_TARGET {
                flags.target = true;
            } else if name == names::SMITHY_PROTOCOL {
                flags.smithy_protocol = true;
            } else if name == names::X_AMZ_SECURITY_TOKEN {
                flags.security_token = true;
            }
        }
        flags.form = content_type.is_some_and(|v| ferrostack_runtime::http::is_form_media_type(v.as_bytes()));
        (flags, key)
    }
}

/// Picks the service for `req`, rewriting virtual-hosted S3 paths to path style.
pub fn select(registry: &Registry, hosts: &HostNames, req: &mut HttpRequest, facts: &RequestFacts<'_>) -> Route {
    if let Some((api_id, rest)) = execute_api_path(&req.path) {
        let route = Route::ExecuteApi { api_id: api_id.to_owned() };
        req.path = rest;
        return route;
    }
    if let Some(bucket) = facts.host.and_then(s3_website_bucket) {
        if registry.s3().is_some() {
            return Route::S3Website { bucket: bucket.to_owned() };
        }
    }
    let host_kind = match facts.host {
        Some(host) => hosts.classify(host, |label| registry.is_service_label(label)),
        None => HostKind::Plain,
    };
    if let HostKind::ExecuteApi(api_id) = host_kind {
        return Route::ExecuteApi { api_id: api_id.to_owned() };
    }
    let route = select_service(registry, req, facts, host_kind);
    if let (Route::Service { index, .. }, HostKind::S3Bucket(bucket)) = (&route, host_kind) {
        if Some(*index) == registry.s3() {
            req.path = path_style(bucket, &req.path);
        }
    }
    route
}

fn select_service(registry: &Registry, req: &HttpRequest, facts: &RequestFacts<'_>, host_kind: HostKind<'_>) -> Route {
    // Each header is looked up once, and only when the scan saw it; `protocol_for`
    // needs them again.
    let target = if facts.headers.target { req.header(&names::X_AMZ_TARGET) } else { None };
    let smithy_protocol = if facts.headers.smithy_protocol { req.header(&names::SMITHY_PROTOCOL) } else { None };
    let service = |index: usize, protocol: Protocol, rule: Rule| Route::Service {
        index,
        protocol,
        rule,
        operation: known_operation(registry.schema(index), protocol, req, facts, target),
    };
    if let Some(target) = target {
        if let Some((prefix, _operation)) = target.rsplit_once('.') {
            if let Some(index) = registry.by_target_prefix(prefix) {
                if let Some(protocol) = json_protocol(registry.schema(index)) {
                    return service(index, protocol, Rule::Target);
                }
            }
        }
    }

    if smithy_protocol.is_some_and(|p| p.eq_ignore_ascii_case("rpc-v2-cbor")) {
        if let Some(index) = rpcv2_service_name(&req.path).and_then(|name| registry.by_shape_name(name)) {
            if registry.schema(index).has_protocol(Protocol::RpcV2Cbor) {
                return service(index, Protocol::RpcV2Cbor, Rule::RpcV2Cbor);
            }
        }
    }

    if let Some(signing_name) = facts.credential.service.as_deref() {
        let candidates = registry.by_signing_name(signing_name);
        let chosen = match candidates {
            [] => None,
            [only] => Some(*only),
            several => Some(disambiguate(registry, several, req, facts)),
        };
        if let Some(index) = chosen {
            let headers = ProtocolHeaders { target: target.is_some(), smithy_protocol: smithy_protocol.is_some() };
            return service(index, protocol_for(registry.schema(index), headers, facts), Rule::SigningName);
        }
    }

    if let Some((action, version)) = &facts.action {
        if let Some(index) = query_service(registry, action, version.as_deref()) {
            return service(index, Protocol::AwsQuery, Rule::QueryAction);
        }
    }

    if let (HostKind::S3Bucket(_), Some(s3)) = (host_kind, registry.s3()) {
        return service(s3, Protocol::RestXml, Rule::S3VirtualHost);
    }

    for &index in registry.rest_services() {
        let schema = registry.schema(index);
        if Router::for_schema(schema).matches_any(req) {
            if let Some(protocol) = rest_protocol(schema) {
                return service(index, protocol, Rule::RestPath);
            }
        }
    }

    match registry.s3() {
        Some(s3) => service(s3, Protocol::RestXml, Rule::S3Fallback),
        None => Route::Unknown,
    }
}

/// The operation the request names, read the way the protocol layer reads it, when
/// routing has the name at hand: the awsJson target after the service's prefix, or the
/// `Action` of a form body. A query string with an `Action` is left to the protocol
/// layer, which reads the query string before the body.
fn known_operation(
    schema: &Schema,
    protocol: Protocol,
    req: &HttpRequest,
    facts: &RequestFacts<'_>,
    target: Option<&str>,
) -> Option<usize> {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::operation_for_target(schema, target?).ok(),
        Protocol::AwsQuery if !req.query.contains("Action=") => {
            schema.operation(&facts.action.as_ref()?.0).map(|(index, _)| index)
        }
        _ => None,
    }
}

/// Several services share a signing name: an awsQuery call goes to the one with its
/// `Version`, anything else to the first whose REST routes match, else to the first.
fn disambiguate(registry: &Registry, candidates: &[usize], req: &HttpRequest, facts: &RequestFacts<'_>) -> usize {
    if let Some((action, version)) = &facts.action {
        let query = |&&i: &&usize| registry.schema(i).has_protocol(Protocol::AwsQuery);
        let by_version =
            candidates.iter().filter(query).find(|&&i| version.as_deref() == Some(registry.schema(i).service.version));
        let by_action = || candidates.iter().filter(query).find(|&&i| registry.schema(i).operation(action).is_some());
        if let Some(&index) = by_version.or_else(by_action) {
            return index;
        }
    }
    candidates
        .iter()
        .copied()
        .find(|&i| {
            rest_protocol(registry.schema(i)).is_some() && Router::for_schema(registry.schema(i)).matches_any(req)
        })
        .unwrap_or(candidates[0])
}

/// Which protocol-naming headers a request carries.
#[derive(Clone, Copy)]
struct ProtocolHeaders {
    /// `X-Amz-Target` (awsJson).
    target: bool,
    /// `Smithy-Protocol` (rpcv2Cbor).
    smithy_protocol: bool,
}

/// The protocol to read a request for `schema` with, once the service is known.
fn protocol_for(schema: &Schema, headers: ProtocolHeaders, facts: &RequestFacts<'_>) -> Protocol {
    if facts.action.is_some() && schema.has_protocol(Protocol::AwsQuery) {
        return Protocol::AwsQuery;
    }
    if headers.target {
        if let Some(protocol) = json_protocol(schema) {
            return protocol;
        }
    }
    if headers.smithy_protocol && schema.has_protocol(Protocol::RpcV2Cbor) {
        return Protocol::RpcV2Cbor;
    }
    if let Some(protocol) = rest_protocol(schema) {
        return protocol;
    }
    // The model's own protocol; its decoder will say what is missing (a target, an action).
    schema.service.protocols.first().copied().unwrap_or(Protocol::RestJson1)
}

/// The awsQuery service for `Version`, or, without one, the only one with `Action`.
fn query_service(registry: &Registry, action: &str, version: Option<&str>) -> Option<usize> {
    match version {
        Some(version) => registry.by_query_version(version).first().copied(),
        None => {
            let mut having = registry.query_services().filter(|&i| registry.schema(i).operation(action).is_some());
            let first = having.next()?;
            having.next().is_none().then_some(first)
        }
    }
}

fn json_protocol(schema: &Schema) -> Option<Protocol> {
    schema.service.protocols.iter().copied().find(|p| matches!(p, Protocol::AwsJson1_0 | Protocol::AwsJson1_1))
}

/// `<Service>` of `[prefix]/service/<Service>/operation/<Operation>`.
fn rpcv2_service_name(path: &str) -> Option<&str> {
    let start = path.rfind("/service/")? + "/service/".len();
    let (name, rest) = path[start..].split_once('/')?;
    rest.strip_prefix("operation/").filter(|op| !op.is_empty() && !op.contains('/'))?;
    (!name.is_empty()).then_some(name)
}

/// `(Action, Version)` of an awsQuery call.
pub type QueryAction<'a> = (Cow<'a, str>, Option<Cow<'a, str>>);

/// `Action` and `Version` from a form body, or else from the query string (copied: the
/// query string is not held apart from the request, which routing may rewrite).
fn query_action<'b>(body: &'b [u8], form: bool, query: &str) -> Option<QueryAction<'b>> {
    if form && !body.is_empty() {
        if let Some(found) = action_in(body) {
            return Some(found);
        }
    }
    // Cheap test first: nearly no query string holds an action.
    if query.contains("Action=") {
        return action_in(query.as_bytes()).map(owned_action);
    }
    None
}

fn owned_action<'a>((action, version): QueryAction<'_>) -> QueryAction<'a> {
    (Cow::Owned(action.into_owned()), version.map(|v| Cow::Owned(v.into_owned())))
}

fn action_in(form: &[u8]) -> Option<QueryAction<'_>> {
    let mut action = None;
    let mut version = None;
    for (key, value) in ferrostack_runtime::form::pairs(form) {
        match key.as_ref() {
            "Action" if action.is_none() => action = Some(value),
            "Version" if version.is_none() => version = Some(value),
            _ => {}
        }
        if action.is_some() && version.is_some() {
            break;
        }
    }
    action.filter(|a| !a.is_empty()).map(|a| (a, version))
}

/// The bucket of a website-endpoint host: `<bucket>.s3-website.<domain>`,
/// `<bucket>.s3-website-<region>.<domain>` or `<bucket>.s3-website.<region>.<domain>`.
fn s3_website_bucket(host: &str) -> Option<&str> {
    const MARK: &[u8] = b".s3-website";
    let name =
        host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(n, _)| n);
    // Every request asks: a plain byte scan, cheaper than setting up a substring searcher.
    let at = name.as_bytes().windows(MARK.len()).position(|w| w == MARK)?;
    let after = &name[at + MARK.len()..];
    let bucket = &name[..at];
    (!bucket.is_empty() && (after.starts_with('.') || after.starts_with('-'))).then_some(bucket)
}

/// LocalStack's path form of the data plane, `/_aws/execute-api/<apiId>/<stage>/<path>`:
/// the api id and the path the API sees (`/<stage>/<path>`).
fn execute_api_path(path: &str) -> Option<(&str, String)> {
    let rest = path.strip_prefix("/_aws/execute-api/")?;
    let (api_id, rest) = rest.split_once('/').unwrap_or((rest, ""));
    (!api_id.is_empty()).then(|| (api_id, format!("/{rest}")))
}

/// `/<bucket><path>`; the bucket root is `/<bucket>`, as path-style clients send it.
fn path_style(bucket: &str, path: &str) -> String {
    if path.is_empty() || path == "/" {
        format!("/{bucket}")
    } else if path.starts_with('/') {
        format!("/{bucket}{path}")
    } else {
        format!("/{bucket}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpcv2_paths() {
        assert_eq!(
            rpcv2_service_name("/service/GraniteServiceVersion20100801/operation/GetMetricData"),
            Some("GraniteServiceVersion20100801")
        );
        assert_eq!(rpcv2_service_name("/prefix/service/S/operation/Op"), Some("S"));
        assert_eq!(rpcv2_service_name("/service/S/operation/"), None);
        assert_eq!(rpcv2_service_name("/service//operation/Op"), None);
        assert_eq!(rpcv2_service_name("/service/S"), None);
    }

    #[test]
    fn path_style_rewrite() {
        assert_eq!(path_style("b", "/"), "/b");
        assert_eq!(path_style("b", ""), "/b");
        assert_eq!(path_style("b", "/k/e/y"), "/b/k/e/y");
    }

    #[test]
    fn actions() {
        assert_eq!(
            action_in(b"Action=ListQueues&Version=2012-11-05"),
            Some(("ListQueues".into(), Some("2012-11-05".into())))
        );
        assert_eq!(action_in(b"Version=1&Action=X"), Some(("X".into(), Some("1".into()))));
        assert_eq!(action_in(b"Action="), None);
        assert_eq!(action_in(b"\xff\xfe=%%"), None);
    }
}

//! CORS: the stored configuration (Put/Get/DeleteBucketCors) and serving it.
//!
//! CORS lives at the HTTP level, below S3's operations: browsers send an `OPTIONS`
//! preflight no operation models, and expect `Access-Control-*` headers on the answers to
//! their real requests. The gateway therefore calls [`preflight`] for every `OPTIONS` routed
//! to S3 and [`decorate`] on S3's answer to every request carrying an `Origin`. Both find
//! the state through the handler [`super::publish`] made known.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::http::{HttpRequest, HttpResponse};
use s3_api::types::*;

use super::{errors, with_bucket};
use crate::state::S3State;

const MAX_RULES: usize = 100;
const METHODS: [&str; 5] = ["GET", "PUT", "HEAD", "POST", "DELETE"];

pub fn put_bucket_cors(state: &GlobalStore<S3State>, input: PutBucketCorsRequest) -> Result<rt::Unit, rt::CommonError> {
    let rules = input.cors_configuration.cors_rules;
    validate(&rules)?;
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.cors = Some(rules);
        Ok(rt::Unit)
    })
}

fn validate(rules: &[CORSRule]) -> Result<(), rt::CommonError> {
    if rules.is_empty() {
        return Err(errors::malformed_xml());
    }
    if rules.len() > MAX_RULES {
        return Err(errors::invalid_request("The number of CORS rules should not exceed allowed limit of 100 rules."));
    }
    for rule in rules {
        if rule.allowed_methods.is_empty() || rule.allowed_origins.is_empty() {
            return Err(errors::malformed_xml());
        }
        if let Some(bad) = rule.allowed_methods.iter().find(|m| !METHODS.contains(&m.as_str())) {
            return Err(errors::invalid_request(format!(
                "Found unsupported HTTP method in CORS config. Unsupported method is {bad}"
            )));
        }
        if let Some(bad) = rule.allowed_origins.iter().find(|o| o.matches('*').count() > 1) {
            return Err(errors::invalid_request(format!(
                "AllowedOrigin \"{bad}\" can not have more than one wildcard."
            )));
        }
        if let Some(bad) = rule.allowed_headers.iter().flatten().find(|h| h.matches('*').count() > 1) {
            return Err(errors::invalid_request(format!(
                "AllowedHeader \"{bad}\" can not have more than one wildcard."
            )));
        }
        if rule.id.as_ref().is_some_and(|id| id.chars().count() > 255) {
            return Err(errors::invalid_argument_bare("ID length should not exceed allowed limit of 255"));
        }
    }
    Ok(())
}

pub fn get_bucket_cors(
    state: &GlobalStore<S3State>,
    input: GetBucketCorsRequest,
) -> Result<GetBucketCorsOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let rules = bucket.config.cors.clone().ok_or_else(|| errors::no_such_cors(&input.bucket))?;
        Ok(GetBucketCorsOutput { cors_rules: Some(rules) })
    })
}

pub fn delete_bucket_cors(
    state: &GlobalStore<S3State>,
    input: DeleteBucketCorsRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.cors = None;
        Ok(rt::Unit)
    })
}

// ---- matching ------------------------------------------------------------------------------

/// `pattern` with at most one `*` standing for any run of characters.
fn wildcard_match(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let (pattern, value) = if ignore_case {
        (pattern.to_ascii_lowercase(), value.to_ascii_lowercase())
    } else {
        (pattern.to_owned(), value.to_owned())
    };
    match pattern.split_once('*') {
        None => pattern == value,
        Some((head, tail)) => {
            value.len() >= head.len() + tail.len() && value.starts_with(head) && value.ends_with(tail)
        }
    }
}

/// The headers S3 answers with when `rule` admits a request from `origin`.
fn allow_headers(rule: &CORSRule, origin: &str, requested_headers: Option<&str>) -> Vec<(&'static str, String)> {
    let any_origin = rule.allowed_origins.iter().any(|o| o == "*");
    let mut out = vec![
        ("Access-Control-Allow-Origin", if any_origin { "*".to_owned() } else { origin.to_owned() }),
        ("Access-Control-Allow-Methods", rule.allowed_methods.join(", ")),
    ];
    if let Some(requested) = requested_headers.filter(|h| !h.trim().is_empty()) {
        out.push(("Access-Control-Allow-Headers", requested.to_ascii_lowercase()));
    }
    if let Some(expose) = rule.expose_headers.as_ref().filter(|e| !e.is_empty()) {
        out.push(("Access-Control-Expose-Headers", expose.join(", ")));
    }
    if let Some(age) = rule.max_age_seconds {
        out.push(("Access-Control-Max-Age", age.to_string()));
    }
    if !any_origin {
        out.push(("Access-Control-Allow-Credentials", "true".to_owned()));
    }
    out.push(("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method".to_owned()));
    out
}

/// The first rule admitting `origin` and `method` and every requested header.
fn matching_rule<'r>(
    rules: &'r [CORSRule],
    origin: &str,
    method: &str,
    requested_headers: Option<&str>,
) -> Option<&'r CORSRule> {
    let requested: Vec<&str> =
        requested_headers.map(|h| h.split(',').map(str::trim).filter(|h| !h.is_empty()).collect()).unwrap_or_default();
    rules.iter().find(|rule| {
        rule.allowed_origins.iter().any(|o| wildcard_match(o, origin, false))
            && rule.allowed_methods.iter().any(|m| m == method)
            && requested.iter().all(|h| rule.allowed_headers.iter().flatten().any(|a| wildcard_match(a, h, true)))
    })
}

/// The bucket a path-style request path names.
fn bucket_of(path: &str) -> Option<String> {
    let name = path.trim_start_matches('/').split('/').next().filter(|b| !b.is_empty())?;
    Some(crate::url_encoding::percent_decode(name).unwrap_or_else(|| name.to_owned()))
}

/// What an `OPTIONS` finds: the bucket's rules, or why there are none.
enum Lookup {
    NoBucket,
    NotEnabled,
    Rules(Vec<CORSRule>),
}

fn lookup(state: &GlobalStore<S3State>, bucket: &str) -> Lookup {
    state.with(|s| match s.buckets.get(bucket) {
        None => Lookup::NoBucket,
        Some(b) => match &b.config.cors {
            None => Lookup::NotEnabled,
            Some(rules) => Lookup::Rules(rules.clone()),
        },
    })
}

// ---- serving -------------------------------------------------------------------------------

fn xml_error(status: u16, code: &str, message: &str, extra: &[(&str, &str)], request_id: &str) -> HttpResponse {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message>",
        escape(message)
    );
    for (name, value) in extra {
        body.push_str(&format!("<{name}>{}</{name}>", escape(value)));
    }
    body.push_str(&format!("<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>"));
    let mut response = HttpResponse::with_body(status, "application/xml", body);
    response.set_header("x-amz-request-id", request_id);
    response
}

/// Answers a CORS preflight (`OPTIONS`) routed to S3.
pub fn preflight(state: &GlobalStore<S3State>, req: &HttpRequest, ctx: &rt::RequestContext) -> HttpResponse {
    let request_id = &ctx.request_id;
    let Some(origin) = req.header("origin") else {
        return xml_error(
            400,
            "BadRequest",
            "Insufficient information. Origin request header needed.",
            &[],
            request_id,
        );
    };
    let Some(method) = req.header("access-control-request-method") else {
        return xml_error(400, "BadRequest", "Invalid Access-Control-Request-Method: null", &[], request_id);
    };
    let Some(bucket) = bucket_of(&req.path) else {
        return xml_error(403, "AccessForbidden", "CORSResponse: Bucket not found", &[], request_id);
    };
    let resource = if req.path.trim_start_matches('/').contains('/') { "OBJECT" } else { "BUCKET" };
    let refusal = |message: &str| {
        xml_error(403, "AccessForbidden", message, &[("Method", method), ("ResourceType", resource)], request_id)
    };
    let rules = match lookup(state, &bucket) {
        Lookup::NoBucket => {
            return xml_error(
                404,
                "NoSuchBucket",
                "The specified bucket does not exist",
                &[("BucketName", &bucket)],
                request_id,
            )
        }
        Lookup::NotEnabled => return refusal("CORSResponse: CORS is not enabled for this bucket."),
        Lookup::Rules(rules) => rules,
    };
    let requested_headers = req.header("access-control-request-headers");
    match matching_rule(&rules, origin, method, requested_headers) {
        None => refusal(
            "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request \
             method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the \
             resource's CORS spec.",
        ),
        Some(rule) => {
            let mut response = HttpResponse::new(200);
            for (name, value) in allow_headers(rule, origin, requested_headers) {
                response.set_header(name, &value);
            }
            response.set_header("x-amz-request-id", request_id);
            response.set_header("Content-Length", "0");
            response
        }
    }
}

/// Adds the `Access-Control-*` headers of the first matching rule to S3's answer to a
/// request with an `Origin` (`req` carries the request's method, path and headers).
pub fn decorate(state: &GlobalStore<S3State>, req: &HttpRequest, response: &mut HttpResponse) {
    let Some(origin) = req.header("origin") else { return };
    let Some(bucket) = bucket_of(&req.path) else { return };
    let Lookup::Rules(rules) = lookup(state, &bucket) else { return };
    if let Some(rule) = matching_rule(&rules, origin, req.method.as_str(), None) {
        for (name, value) in allow_headers(rule, origin, None) {
            response.set_header(name, &value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_one_run() {
        assert!(wildcard_match("*", "http://a.example", false));
        assert!(wildcard_match("http://*.example.com", "http://www.example.com", false));
        assert!(!wildcard_match("http://*.example.com", "https://www.example.com", false));
        assert!(wildcard_match("x-amz-*", "X-Amz-Date", true));
        assert!(!wildcard_match("ab*ba", "aba", false));
    }

    #[test]
    fn rules_need_origin_method_and_all_headers() {
        let rule = CORSRule {
            allowed_methods: vec!["GET".into()],
            allowed_origins: vec!["https://app.example".into()],
            allowed_headers: Some(vec!["content-type".into()]),
            ..Default::default()
        };
        let rules = [rule];
        assert!(matching_rule(&rules, "https://app.example", "GET", Some("Content-Type")).is_some());
        assert!(matching_rule(&rules, "https://app.example", "PUT", None).is_none());
        assert!(matching_rule(&rules, "https://other.example", "GET", None).is_none());
        assert!(matching_rule(&rules, "https://app.example", "GET", Some("content-type, x-custom")).is_none());
    }
}

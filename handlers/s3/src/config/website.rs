//! The website endpoint: `http://<bucket>.s3-website[.-]<region>.<domain>` serves a bucket
//! with a website configuration as static site: index documents for "directories", the
//! error document (or S3's HTML error page) for misses, `RedirectAllRequestsTo`, routing
//! rules, and objects' `x-amz-website-redirect-location`. Answers are HTML, never XML.
//! Only GET and HEAD are served. Access is not checked (nothing enforces bucket policies).

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::http::{HttpRequest, HttpResponse};
use s3_api::types::*;

use crate::state::{Bucket, S3State};
use crate::stored::StoredObject;

/// What the website answers for one request, worked out under the state lock.
enum Answer {
    Object(StoredObject),
    Redirect(u16, String),
    /// Status, code, message, extra `(name, value)` lines, and the error document if any.
    Error(u16, &'static str, &'static str, Vec<(&'static str, String)>, Option<StoredObject>),
}

/// Serves `req` (its path is the key, percent-encoded) from the bucket `bucket`'s website.
pub fn serve(state: &GlobalStore<S3State>, bucket: &str, req: &HttpRequest, ctx: &rt::RequestContext) -> HttpResponse {
    let method = req.method.as_str();
    if method != "GET" && method != "HEAD" {
        let lines = vec![("Method", method.to_owned()), ("ResourceType", "OBJECT".to_owned())];
        return error_page(
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            &lines,
            &ctx.request_id,
        );
    }
    let raw_key = req.path.trim_start_matches('/');
    let key = crate::url_encoding::percent_decode(raw_key).unwrap_or_else(|| raw_key.to_owned());
    let host = req.header("host").unwrap_or("localhost").to_owned();
    let answer = state.with(|s| match s.buckets.get(bucket) {
        None => Answer::Error(
            404,
            "NoSuchBucket",
            "The specified bucket does not exist",
            vec![("BucketName", bucket.to_owned())],
            None,
        ),
        Some(b) => answer(b, &key, &host),
    });
    match answer {
        Answer::Object(object) => object_response(&object, &ctx.request_id),
        Answer::Redirect(status, location) => {
            let mut response = HttpResponse::new(status);
            response.set_header("Location", &location);
            response.set_header("x-amz-request-id", &ctx.request_id);
            response.set_header("Content-Length", "0");
            response
        }
        Answer::Error(status, code, message, lines, document) => match document {
            Some(document) => {
                let mut response = object_response(&document, &ctx.request_id);
                response.status = status;
                response
            }
            None => error_page(status, code, message, &lines, &ctx.request_id),
        },
    }
}

fn answer(bucket: &Bucket, key: &str, host: &str) -> Answer {
    let Some(website) = &bucket.config.website else {
        let lines = vec![("BucketName", bucket.name.clone())];
        return Answer::Error(
            404,
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
            lines,
            None,
        );
    };
    if let Some(all) = &website.redirect_all_requests_to {
        let scheme = all.protocol.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "http".to_owned());
        return Answer::Redirect(301, format!("{scheme}://{}/{key}", all.host_name));
    }
    if let Some(redirect) = routing_redirect(website, key, None, host) {
        return redirect;
    }
    let suffix = website.index_document.as_ref().map(|i| i.suffix.as_str()).unwrap_or("index.html");
    let wanted = if key.is_empty() || key.ends_with('/') { format!("{key}{suffix}") } else { key.to_owned() };
    if let Some(object) = bucket.objects.get(&wanted) {
        if let Some(location) = &object.website_redirect_location {
            return Answer::Redirect(301, location.clone());
        }
        return Answer::Object(object.clone());
    }
    // `docs` with a `docs/index.html` is a directory: S3 sends the browser to `docs/`.
    if !key.is_empty() && !key.ends_with('/') && bucket.objects.contains_key(&format!("{key}/{suffix}")) {
        return Answer::Redirect(302, format!("/{key}/"));
    }
    if let Some(redirect) = routing_redirect(website, key, Some("404"), host) {
        return redirect;
    }
    let document = website.error_document.as_ref().and_then(|e| bucket.objects.get(&e.key)).cloned();
    Answer::Error(404, "NoSuchKey", "The specified key does not exist.", vec![("Key", wanted)], document)
}

/// The first routing rule whose condition holds for `key` (and, when given, the error
/// code the request would otherwise get), as a redirect.
fn routing_redirect(website: &WebsiteConfiguration, key: &str, error_code: Option<&str>, host: &str) -> Option<Answer> {
    for rule in website.routing_rules.iter().flatten() {
        let condition = rule.condition.clone().unwrap_or_default();
        if condition.key_prefix_equals.as_deref().is_some_and(|p| !key.starts_with(p)) {
            continue;
        }
        match (condition.http_error_code_returned_equals.as_deref(), error_code) {
            (Some(wanted), Some(actual)) if wanted == actual => {}
            (Some(_), _) => continue,
            (None, Some(_)) => continue,
            (None, None) => {}
        }
        let redirect = &rule.redirect;
        let new_key = if let Some(replacement) = &redirect.replace_key_with {
            replacement.clone()
        } else if let Some(prefix) = &redirect.replace_key_prefix_with {
            let rest = key.strip_prefix(condition.key_prefix_equals.as_deref().unwrap_or("")).unwrap_or(key);
            format!("{prefix}{rest}")
        } else {
            key.to_owned()
        };
        let scheme = redirect.protocol.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "http".to_owned());
        let target_host = redirect.host_name.clone().unwrap_or_else(|| host.to_owned());
        let status = redirect.http_redirect_code.as_deref().and_then(|c| c.parse().ok()).unwrap_or(301);
        return Some(Answer::Redirect(status, format!("{scheme}://{target_host}/{new_key}")));
    }
    None
}

fn object_response(object: &StoredObject, request_id: &str) -> HttpResponse {
    let mut response = HttpResponse::new(200);
    response.body = object.body.read(None);
    response.set_header("Content-Type", &object.headers.content_type);
    response.set_header("Content-Length", &object.size().to_string());
    response.set_header("ETag", &object.etag);
    response.set_header("Last-Modified", &object.last_modified.to_http_date());
    if let Some(encoding) = &object.headers.content_encoding {
        response.set_header("Content-Encoding", encoding);
    }
    if let Some(cache) = &object.headers.cache_control {
        response.set_header("Cache-Control", cache);
    }
    response.set_header("x-amz-request-id", request_id);
    response
}

fn error_page(status: u16, code: &str, message: &str, lines: &[(&str, String)], request_id: &str) -> HttpResponse {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let title = match status {
        404 => "404 Not Found",
        405 => "405 Method Not Allowed",
        403 => "403 Forbidden",
        _ => "Error",
    };
    let mut items = format!("<li>Code: {code}</li>\n<li>Message: {}</li>\n", escape(message));
    for (name, value) in lines {
        items.push_str(&format!("<li>{name}: {}</li>\n", escape(value)));
    }
    items.push_str(&format!("<li>RequestId: {request_id}</li>\n<li>HostId: {request_id}</li>\n"));
    let body = format!(
        "<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n{items}</ul>\n<hr/>\n</body>\n</html>\n"
    );
    let mut response = HttpResponse::with_body(status, "text/html; charset=utf-8", body);
    response.set_header("x-amz-request-id", request_id);
    response.set_header("x-amz-error-code", code);
    response.set_header("x-amz-error-message", message);
    response
}

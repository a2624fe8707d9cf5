//! Whether a request fits any of a REST service's `@http` routes.
//!
//! TEMPORARY: stands in for `ferrostack_runtime::protocol::router::Router::matches_any`
//! until the runtime's router lands; then `matches_any` below becomes a one-line call to
//! it and this matcher goes. It only answers yes or no, so it needs no tables: it walks the
//! few URI patterns of the candidate services in place, without allocating.

use ferrostack_runtime::http::HttpRequest;
use ferrostack_runtime::schema::Schema;

pub(crate) fn matches_any(schema: &'static Schema, req: &HttpRequest) -> bool {
    schema.operations.iter().filter_map(|op| op.http.as_ref()).any(|http| {
        http.method.eq_ignore_ascii_case(req.method.as_str()) && uri_matches(http.uri, &req.path, &req.query)
    })
}

/// `/2015-03-31/functions/{FunctionName}/invocations?qualifier` against a path and query.
fn uri_matches(pattern: &str, path: &str, query: &str) -> bool {
    let (pattern_path, pattern_query) = pattern.split_once('?').unwrap_or((pattern, ""));
    path_matches(pattern_path, path) && query_matches(pattern_query, query)
}

fn path_matches(pattern: &str, path: &str) -> bool {
    // A trailing slash the pattern does not have is tolerated, as AWS front ends do.
    let path = if path.len() > 1 && !pattern.ends_with('/') { path.strip_suffix('/').unwrap_or(path) } else { path };
    let mut wanted = pattern.trim_start_matches('/').split('/');
    let mut got = path.trim_start_matches('/').split('/');
    loop {
        match (wanted.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with("+}") => {
                // A greedy label takes the rest of the path, which must not be empty.
                let _ = got.by_ref().count();
                return !g.is_empty() && wanted.next().is_none();
            }
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(g)) => {
                if w != g {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Literal query parts of a pattern (`?uploads`, `?list-type=2`) must be present.
fn query_matches(pattern_query: &str, query: &str) -> bool {
    pattern_query.split('&').filter(|p| !p.is_empty()).all(|wanted| {
        let (key, value) = wanted.split_once('=').map_or((wanted, None), |(k, v)| (k, Some(v)));
        query.split('&').any(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            k == key && value.is_none_or(|value| v == value)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(uri_matches("/2015-03-31/functions", "/2015-03-31/functions", ""));
        assert!(uri_matches("/2015-03-31/functions", "/2015-03-31/functions/", ""));
        assert!(uri_matches("/2015-03-31/functions/{FunctionName}/invocations", "/2015-03-31/functions/f/invocations", ""));
        assert!(!uri_matches("/2015-03-31/functions/{FunctionName}/invocations", "/2015-03-31/functions//invocations", ""));
        assert!(uri_matches("/v2/apis/{ApiId}", "/v2/apis/abc", ""));
        assert!(!uri_matches("/v2/apis/{ApiId}", "/v2/apis", ""));
        assert!(!uri_matches("/v2/apis/{ApiId}", "/v2/apis/abc/stages", ""));
        assert!(uri_matches("/{Bucket}/{Key+}", "/b/a/b/c", ""));
        assert!(!uri_matches("/{Bucket}/{Key+}", "/b/", ""));
        assert!(uri_matches("/{Bucket}?uploads", "/b", "uploads"));
        assert!(uri_matches("/{Bucket}?list-type=2", "/b", "prefix=x&list-type=2"));
        assert!(!uri_matches("/{Bucket}?list-type=2", "/b", "list-type=1"));
        assert!(uri_matches("/", "/", ""));
        assert!(!uri_matches("/", "/x", ""));
    }
}

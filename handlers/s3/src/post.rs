//! Browser-based uploads: `POST /<bucket>` with a `multipart/form-data` body whose fields name
//! the key and the object's headers, a `file` field with the contents, and optionally a policy
//! document that bounds what the form may upload.
//!
//! The gateway hands such a request to [`crate::Handler::prepare_post_upload`], which checks
//! the policy and turns the form into the equivalent PutObject request (`prepare`); that runs
//! through the normal pipeline, with the Handler noting that its PutObject is a POST (the event
//! is `ObjectCreated:Post`), and [`crate::Handler::finish_post_upload`] turns its answer into
//! what a POST answers (204 by default, 200/201 on request, or a 303 redirect).

use base64::Engine;
use ferrostack_runtime as rt;
use rt::http::{HttpRequest, HttpResponse};
use rt::Bytes;

/// What the answer to the POST needs to know about the form.
pub struct PostUpload {
    bucket: String,
    key: String,
    success_status: Option<u16>,
    redirect: Option<String>,
}

struct Field {
    name: String,
    value: Bytes,
    filename: Option<String>,
    content_type: Option<String>,
}

/// Whether a request is a browser POST upload: `POST /<bucket>` (no key, no subresource)
/// with a `multipart/form-data` body. The path is path-style (virtual hosts already rewritten).
pub fn is_post_upload(req: &HttpRequest) -> bool {
    let path = req.path.trim_start_matches('/').trim_end_matches('/');
    req.method == http::Method::POST
        && !path.is_empty()
        && !path.contains('/')
        && req.query.is_empty()
        && req.content_type().is_some_and(|t| t == "multipart/form-data")
}

fn error(status: u16, code: &str, message: &str, request_id: &str) -> HttpResponse {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId><HostId>{}</HostId></Error>",
        escape(code),
        escape(message),
        escape(request_id),
        escape(&rt::host_id(request_id))
    );
    let mut response = HttpResponse::with_body(status, "application/xml", body);
    response.set_header("x-amz-request-id", request_id);
    response.set_header("x-amz-id-2", &rt::host_id(request_id));
    response
}

fn parse_form(req: &HttpRequest) -> Option<Vec<Field>> {
    let content_type = req.header("content-type")?;
    let boundary = content_type.split(';').map(str::trim).find_map(|p| p.strip_prefix("boundary="))?;
    let boundary = boundary.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = &req.body;
    let mut fields = Vec::new();
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(fields);
        }
        // Past the CRLF after the delimiter: part headers up to a blank line.
        at = find(body, b"\r\n", at)? + 2;
        let headers_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(&body[at..headers_end]).ok()?;
        let content_start = headers_end + 4;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), content_start)?;
        let mut name = None;
        let mut filename = None;
        let mut part_type = None;
        for line in headers.split("\r\n") {
            let (h, v) = line.split_once(':')?;
            if h.trim().eq_ignore_ascii_case("content-disposition") {
                for param in v.split(';').map(str::trim) {
                    if let Some(n) = param.strip_prefix("name=") {
                        name = Some(n.trim_matches('"').to_owned());
                    } else if let Some(f) = param.strip_prefix("filename=") {
                        filename = Some(f.trim_matches('"').to_owned());
                    }
                }
            } else if h.trim().eq_ignore_ascii_case("content-type") {
                part_type = Some(v.trim().to_owned());
            }
        }
        fields.push(Field { name: name?, value: body.slice(content_start..next), filename, content_type: part_type });
        at = next + 2 + delimiter.len();
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() || needle.is_empty() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Checks the form against its policy document. `Err` is the message S3 gives after
/// "Invalid according to Policy: ".
fn check_policy(policy_b64: &str, form: &[(String, String)], file_len: u64, bucket: &str) -> Result<(), String> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(policy_b64.trim())
        .map_err(|_| "Policy could not be decoded".to_owned())?;
    let policy: serde_json::Value =
        serde_json::from_slice(&decoded).map_err(|_| "Policy could not be parsed as JSON".to_owned())?;
    let expiration = policy.get("expiration").and_then(|e| e.as_str()).ok_or("Policy missing expiration")?;
    let expires = rt::DateTime::parse_rfc3339(expiration).ok_or("Invalid Policy expiration")?;
    if expires <= rt::DateTime::now() {
        return Err("Policy expired.".to_owned());
    }
    let conditions = policy.get("conditions").and_then(|c| c.as_array()).ok_or("Policy missing conditions")?;
    let value_of = |name: &str| -> String {
        if name.eq_ignore_ascii_case("bucket") {
            return bucket.to_owned();
        }
        form.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let mut covered: Vec<String> = vec!["bucket".to_owned()];
    for condition in conditions {
        let failed = || format!("Policy Condition failed: {condition}");
        match condition {
            serde_json::Value::Object(map) => {
                for (name, wanted) in map {
                    covered.push(name.to_ascii_lowercase());
                    if value_of(name) != wanted.as_str().unwrap_or_default() {
                        return Err(failed());
                    }
                }
            }
            serde_json::Value::Array(items) => {
                let op = items.first().and_then(|o| o.as_str()).unwrap_or_default().to_ascii_lowercase();
                if op == "content-length-range" {
                    let min = items.get(1).and_then(|v| v.as_u64()).unwrap_or(0);
                    let max = items.get(2).and_then(|v| v.as_u64()).unwrap_or(u64::MAX);
                    if file_len < min {
                        return Err("Your proposed upload is smaller than the minimum allowed size".to_owned());
                    }
                    if file_len > max {
                        return Err("Your proposed upload exceeds the maximum allowed size".to_owned());
                    }
                    continue;
                }
                let field = items.get(1).and_then(|f| f.as_str()).unwrap_or_default();
                let field = field.strip_prefix('$').unwrap_or(field);
                let wanted = items.get(2).and_then(|v| v.as_str()).unwrap_or_default();
                covered.push(field.to_ascii_lowercase());
                let actual = value_of(field);
                let holds = match op.as_str() {
                    "eq" => actual == wanted,
                    "starts-with" => actual.starts_with(wanted),
                    _ => false,
                };
                if !holds {
                    return Err(failed());
                }
            }
            _ => return Err(failed()),
        }
    }
    // Every field must be named by a condition, but for these.
    const EXEMPT: &[&str] = &["policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"];
    for (name, _) in form {
        let lower = name.to_ascii_lowercase();
        if !EXEMPT.contains(&lower.as_str()) && !lower.starts_with("x-ignore-") && !covered.contains(&lower) {
            return Err(format!("Extra input fields: {name}"));
        }
    }
    Ok(())
}

/// Checks the form and builds the PutObject request it amounts to; `Err` is the answer to send.
// The error is a whole response, sent at once: boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn prepare(req: HttpRequest, request_id: &str) -> Result<(HttpRequest, PostUpload), HttpResponse> {
    let bucket = req.path.trim_matches('/').to_owned();
    let Some(fields) = parse_form(&req) else {
        return Err(error(
            400,
            "MalformedPOSTRequest",
            "The body of your POST request is not well-formed multipart/form-data.",
            request_id,
        ));
    };
    let mut form: Vec<(String, String)> = Vec::new();
    let mut file = None;
    for f in fields {
        if f.name.eq_ignore_ascii_case("file") {
            // Fields after the file are ignored, as S3 does.
            file = Some(f);
            break;
        }
        form.push((f.name, String::from_utf8_lossy(&f.value).into_owned()));
    }
    let Some(file) = file else {
        return Err(error(400, "InvalidArgument", "POST requires exactly one file upload per request.", request_id));
    };
    let get = |name: &str| form.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let Some(key_template) = get("key") else {
        return Err(error(
            400,
            "InvalidArgument",
            "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
            request_id,
        ));
    };
    let key = key_template.replace("${filename}", file.filename.as_deref().unwrap_or(""));
    if let Some(policy) = get("policy") {
        if let Err(reason) = check_policy(policy, &form, file.value.len() as u64, &bucket) {
            return Err(error(403, "AccessDenied", &format!("Invalid according to Policy: {reason}"), request_id));
        }
    }

    let encoded_key: String = key.split('/').map(percent_encode).collect::<Vec<_>>().join("/");
    let mut put = HttpRequest::new(http::Method::PUT, &format!("/{bucket}/{encoded_key}"));
    // The caller's credentials and host carry over; the form's fields become headers.
    for name in [http::header::AUTHORIZATION, http::header::HOST] {
        if let Some(v) = req.headers.get(&name) {
            put.headers.insert(name, v.clone());
        }
    }
    const HEADER_FIELDS: &[&str] = &[
        "cache-control",
        "content-type",
        "content-disposition",
        "content-encoding",
        "expires",
        "x-amz-storage-class",
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-website-redirect-location",
        "x-amz-checksum-algorithm",
        "x-amz-checksum-crc32",
        "x-amz-checksum-crc32c",
        "x-amz-checksum-crc64nvme",
        "x-amz-checksum-sha1",
        "x-amz-checksum-sha256",
        "x-amz-object-lock-mode",
        "x-amz-object-lock-retain-until-date",
        "x-amz-object-lock-legal-hold",
    ];
    for (name, value) in &form {
        let lower = name.to_ascii_lowercase();
        if HEADER_FIELDS.contains(&lower.as_str()) || lower.starts_with("x-amz-meta-") {
            put.set_header(&lower, value);
        }
    }
    // `acl` is the canned ACL; `tagging` the tag set as XML, which PutObject takes as a
    // query-encoded header.
    if let Some(acl) = get("acl") {
        put.set_header("x-amz-acl", acl);
    }
    if let Some(xml) = get("tagging") {
        match tagging_header(xml) {
            Some(tags) => put.set_header("x-amz-tagging", &tags),
            None => return Err(error(400, "MalformedXML", MALFORMED_XML, request_id)),
        }
    }
    if !put.headers.contains_key(http::header::CONTENT_TYPE) {
        if let Some(t) = &file.content_type {
            put.set_header("content-type", t);
        }
    }
    put.set_header("content-length", &file.value.len().to_string());
    put.body = file.value;
    let upload = PostUpload {
        bucket,
        key,
        success_status: get("success_action_status").and_then(|s| s.parse().ok()),
        redirect: get("success_action_redirect").or(get("redirect")).map(str::to_owned),
    };
    Ok((put, upload))
}

const MALFORMED_XML: &str = "The XML you provided was not well-formed or did not validate against our published schema";

/// `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>…</TagSet></Tagging>` as
/// `k=v&…`, or `None` when the text is not such a document.
fn tagging_header(xml: &str) -> Option<String> {
    let set = between(xml, "<TagSet>", "</TagSet>").or_else(|| xml.contains("<TagSet/>").then_some(""))?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut rest = set;
    while let Some(start) = rest.find("<Tag>") {
        let end = rest[start..].find("</Tag>")? + start;
        let tag = &rest[start + "<Tag>".len()..end];
        let key = unescape(between(tag, "<Key>", "</Key>")?);
        let value = between(tag, "<Value>", "</Value>").map(unescape).unwrap_or_default();
        query.append_pair(&key, &value);
        rest = &rest[end + "</Tag>".len()..];
    }
    Some(query.finish())
}

fn between<'t>(text: &'t str, open: &str, close: &str) -> Option<&'t str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

trait SetHeader {
    fn set_header(&mut self, name: &str, value: &str);
}

impl SetHeader for HttpRequest {
    fn set_header(&mut self, name: &str, value: &str) {
        if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(name.as_bytes()), http::HeaderValue::from_str(value)) {
            self.headers.insert(n, v);
        }
    }
}

/// The POST's answer from the PutObject's.
pub(crate) fn finish(upload: &PostUpload, put: HttpResponse, host: &str) -> HttpResponse {
    if put.status != 200 {
        return put;
    }
    let etag = put.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let encoded_key: String = upload.key.split('/').map(percent_encode).collect::<Vec<_>>().join("/");
    let location = format!("http://{host}/{}/{encoded_key}", upload.bucket);
    let mut response = match (&upload.redirect, upload.success_status) {
        (Some(redirect), _) if redirect.starts_with("http") => {
            let sep = if redirect.contains('?') { '&' } else { '?' };
            let target = format!(
                "{redirect}{sep}bucket={}&key={}&etag={}",
                percent_encode(&upload.bucket),
                percent_encode(&upload.key),
                percent_encode(&etag)
            );
            let mut r = HttpResponse::new(303);
            r.set_header("location", &target);
            r
        }
        (_, Some(201)) => {
            let escape =
                |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>{}</Location><Bucket>{}</Bucket><Key>{}</Key><ETag>{}</ETag></PostResponse>",
                escape(&location),
                escape(&upload.bucket),
                escape(&upload.key),
                escape(&etag)
            );
            HttpResponse::with_body(201, "application/xml", body)
        }
        (_, Some(200)) => HttpResponse::new(200),
        _ => HttpResponse::new(204),
    };
    for name in ["x-amz-request-id", "x-amz-id-2", "x-amz-version-id", "x-amz-server-side-encryption", "etag"] {
        if let Some(v) = put.headers.get(name) {
            response.headers.insert(http::HeaderName::from_static(name), v.clone());
        }
    }
    if response.status != 303 {
        response.set_header("location", &location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_request(fields: &[(&str, &str)], file: &[u8]) -> HttpRequest {
        let mut body = Vec::new();
        for (n, v) in fields {
            body.extend_from_slice(
                format!("--XyZ\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n");
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let mut req = HttpRequest::new(http::Method::POST, "/bkt");
        req.headers.insert("content-type", http::HeaderValue::from_static("multipart/form-data; boundary=XyZ"));
        req.body = Bytes::from(body);
        req
    }

    #[test]
    fn form_becomes_a_put() {
        let req = form_request(&[("key", "up/${filename}"), ("x-amz-meta-a", "1")], b"data\r\n--not the end");
        assert!(is_post_upload(&req));
        let (put, upload) = prepare(req, "rid").ok().unwrap();
        assert_eq!(put.path, "/bkt/up/a.txt");
        assert_eq!(&put.body[..], b"data\r\n--not the end");
        assert_eq!(put.headers.get("x-amz-meta-a").unwrap(), "1");
        assert_eq!(put.headers.get("content-type").unwrap(), "text/plain");
        assert_eq!(upload.key, "up/a.txt");
    }

    #[test]
    fn policies_are_enforced() {
        let policy = |expiration: &str, conditions: &str| {
            base64::engine::general_purpose::STANDARD
                .encode(format!("{{\"expiration\": \"{expiration}\", \"conditions\": {conditions}}}"))
        };
        let form = |p: &str| vec![("key".to_owned(), "k1".to_owned()), ("policy".to_owned(), p.to_owned())];
        let ok = policy(
            "2999-01-01T00:00:00Z",
            r#"[{"bucket": "b"}, ["starts-with", "$key", "k"], ["content-length-range", 1, 10]]"#,
        );
        assert_eq!(check_policy(&ok, &form(&ok), 5, "b"), Ok(()));
        assert!(check_policy(&ok, &form(&ok), 50, "b").is_err());
        assert!(check_policy(&ok, &form(&ok), 5, "other").is_err());
        let expired = policy("2001-01-01T00:00:00Z", "[]");
        assert_eq!(check_policy(&expired, &form(&expired), 5, "b"), Err("Policy expired.".to_owned()));
        let uncovered = policy("2999-01-01T00:00:00Z", r#"[{"bucket": "b"}]"#);
        assert!(check_policy(&uncovered, &form(&uncovered), 5, "b").unwrap_err().starts_with("Extra input fields"));
    }
}

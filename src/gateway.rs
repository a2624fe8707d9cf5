//! One request, start to finish: admin check, routing, body, the service's protocol
//! pipeline, and the way back to an HTTP response.
//!
//! Whatever goes wrong, the client gets an answer in its protocol's error format: bodies
//! over the limit are refused with 413 without being read, a handler that panics yields a
//! 500 (and an error log line), and requests no service claims end at S3's errors or a
//! JSON 404. No input may take the connection down.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use ferrostack_runtime::http::{HttpRequest, HttpResponse};
use ferrostack_runtime::{protocol, BoxFuture, Endpoint, Protocol, RequestContext};
use futures_util::FutureExt;
use http::header::CONTENT_LENGTH;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body::Body;

use crate::body::{into_stream, read_limited, ReadError, ResponseBody};
use crate::config::BodyLimits;
use crate::envelope::{self, ErrorStyle};
use crate::route::{self, RequestFacts, Route};
use crate::services::Registry;
use crate::sigv4::Credential;
use crate::vhost::HostNames;
use ferrostack_store::KeyStanding;

/// API Gateway's data plane: requests to `<apiId>.execute-api.<domain>`, and to
/// `/_aws/execute-api/<apiId>/...` (LocalStack's path form for hosts without DNS).
/// Without one, such requests get API Gateway's 404.
///
/// Handler crates cannot name this trait (they sit below this crate), so any plain
/// function of the same shape is one: `apigatewayv2_handler::invoke` written as
/// `fn invoke<'a>(api_id: &'a str, req: HttpRequest, ctx: &'a RequestContext) ->
/// BoxFuture<'a, HttpResponse>` plugs in as `Arc::new(apigatewayv2_handler::invoke)`.
pub trait ExecuteApi: Send + Sync {
    fn invoke<'a>(&'a self, api_id: &'a str, req: HttpRequest, ctx: &'a RequestContext) -> BoxFuture<'a, HttpResponse>;
}

impl<F> ExecuteApi for F
where
    F: for<'a> Fn(&'a str, HttpRequest, &'a RequestContext) -> BoxFuture<'a, HttpResponse> + Send + Sync,
{
    fn invoke<'a>(&'a self, api_id: &'a str, req: HttpRequest, ctx: &'a RequestContext) -> BoxFuture<'a, HttpResponse> {
        self(api_id, req, ctx)
    }
}

pub struct Gateway {
    registry: Arc<Registry>,
    endpoint: Arc<Endpoint>,
    hosts: HostNames,
    limits: BodyLimits,
    execute_api: Option<Arc<dyn ExecuteApi>>,
    started: Instant,
}

impl Gateway {
    pub fn new(registry: Registry, endpoint: Endpoint, limits: BodyLimits) -> Gateway {
        Gateway {
            hosts: HostNames::new(&endpoint.host),
            registry: Arc::new(registry),
            endpoint: Arc::new(endpoint),
            limits,
            execute_api: None,
            started: Instant::now(),
        }
    }

    pub fn with_execute_api(mut self, hook: Option<Arc<dyn ExecuteApi>>) -> Gateway {
        self.execute_api = hook;
        self
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Answers one request. Never fails and never panics.
    pub async fn handle<B>(&self, req: Request<B>) -> Response<ResponseBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: std::fmt::Display,
    {
        // Per-request logging costs nothing unless debug is on.
        let trace =
            tracing::enabled!(tracing::Level::DEBUG).then(|| (req.method().clone(), req.uri().clone(), Instant::now()));
        let head_only = req.method() == Method::HEAD;

        let (response, served_by) = match AssertUnwindSafe(self.dispatch(req)).catch_unwind().await {
            Ok(answer) => answer,
            // The per-service guard in `call_service` catches handler panics; this one
            // only fires if the gateway itself broke.
            Err(panic) => {
                let request_id = ferrostack_runtime::request_id();
                tracing::error!(request_id, panic = %panic_message(&*panic), "request panicked in the gateway");
                (envelope::internal(ErrorStyle::Json, &request_id), None)
            }
        };

        if let Some((method, uri, started)) = trace {
            tracing::debug!(
                %method,
                %uri,
                service = served_by.unwrap_or("-"),
                status = response.status,
                micros = started.elapsed().as_micros() as u64,
                "request"
            );
        }
        into_hyper(response, head_only)
    }

    /// The response, and the name of the service that gave it.
    async fn dispatch<B>(&self, req: Request<B>) -> (HttpResponse, Option<&'static str>)
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: std::fmt::Display,
    {
        let (parts, body) = req.into_parts();
        if let Some(response) = crate::admin::handle(&self.registry, self.started, &parts.method, &parts.uri) {
            return (response, None);
        }

        let request_id = ferrostack_runtime::request_id();
        let query = parts.uri.query().unwrap_or("");
        let (header_flags, key_headers) = route::HeaderFlags::scan_with_values(&parts.headers);
        let mut credential = Credential::from_request_with(key_headers.authorization, &parts.headers, query);
        let host = key_headers
            .host
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .map(str::to_owned);
        let mut req = HttpRequest {
            path: parts.uri.path().to_owned(),
            query: query.to_owned(),
            method: parts.method,
            headers: parts.headers,
            body: Bytes::new(),
        };

        // A posted form's `Action` and `Version` name the service, so such forms are read
        // before routing; other bodies wait until the service, and so the limit, is known
        // (curl labels every upload a form: S3 PUTs with that type are not read early).
        // A request without a body (most GETs) has nothing to read or stream.
        let mut body = (!body.is_end_stream()).then_some(body);
        if header_flags.form && req.method == Method::POST {
            let form = body.take().map(|b| read_limited(b, self.limits.default));
            if let Some(read) = form {
                match read.await {
                    Ok(bytes) => req.body = bytes,
                    Err(e) => return (read_failure(e, ErrorStyle::query(), self.limits.default, &request_id), None),
                }
            }
        }

        // Its own handle on the body (a reference count), so that the facts can borrow
        // a form's `Action` while routing rewrites the request.
        let body_read = req.body.clone();
        let facts = RequestFacts::with_headers(&req, &body_read, &credential, host.as_deref(), header_flags);
        let route = route::select(&self.registry, &self.hosts, &mut req, &facts);
        let query_style_unknown = facts.action.is_some();
        drop(facts);
        // Temporary credentials act in their session's account (a role assumed across
        // accounts) and IAM users' keys in their user's; other keys carry theirs in
        // themselves. Only keys we issued are checked: ASIA/AKIA keys no service here
        // issued (the arbitrary fake credentials users pass) are accepted, in the account
        // the key names or the default one.
        let standing = match credential.access_key_id.as_deref() {
            Some(key) => self.registry.key_standing(
                key,
                session_token(header_flags.security_token.then_some(&req.headers), &req.query).as_deref(),
            ),
            None => KeyStanding::Unknown,
        };
        let account_id = match &standing {
            KeyStanding::Valid { account } => account.clone(),
            _ => credential.account_id().to_owned(),
        };
        let signing_name = credential.service.take();
        // One context per request, its strings moved in rather than copied; each route
        // sets the protocol it speaks.
        let mut ctx = RequestContext {
            region: credential.region.take().unwrap_or_else(|| crate::sigv4::DEFAULT_REGION.to_owned()),
            request_id,
            account_id,
            access_key_id: credential.access_key_id,
            protocol: Protocol::RestJson1,
            endpoint: self.endpoint.clone(),
            host,
            success_status: Default::default(),
        };

        match route {
            Route::Service { index, protocol, rule, operation } => {
                let service = self.registry.service(index).clone();
                let schema = service.schema();
                let style = ErrorStyle::for_service(schema, protocol);
                // S3's CORS sits below its operations: preflights are answered from the
                // bucket's rules, and answers to requests with an `Origin` get its headers.
                let is_s3 = Some(index) == self.registry.s3();
                if let Some(refused) = credentials_refused(&standing, style, schema, &ctx.request_id) {
                    return (refused, Some(schema.service.name));
                }
                if is_s3 && presigned_url_expired(&req.query) {
                    let mut response =
                        envelope::error(style, 403, "AccessDenied", "Request has expired", &ctx.request_id);
                    response.set_header("x-amz-id-2", &ferrostack_runtime::host_id(&ctx.request_id));
                    return (response, Some(schema.service.name));
                }
                let s3 = if is_s3 { self.s3_handler() } else { None };
                // S3 Express's control plane signs as `s3express`: its `GET /` is
                // ListDirectoryBuckets, which the path alone cannot tell from ListBuckets.
                if is_s3 && req.method == Method::GET && req.path == "/" && signing_name.as_deref() == Some("s3express")
                {
                    let sep = if req.query.is_empty() { "" } else { "&" };
                    req.query = format!("{}{sep}x-id=ListDirectoryBuckets", req.query);
                }
                ctx.protocol = protocol;
                if let (Some(s3), true) = (&s3, req.method == Method::OPTIONS) {
                    return (s3.cors_preflight(&req, &ctx), Some(schema.service.name));
                }
                let cors_request =
                    (s3.is_some() && req.headers.contains_key(http::header::ORIGIN)).then(|| HttpRequest {
                        method: req.method.clone(),
                        path: req.path.clone(),
                        query: String::new(),
                        headers: req.headers.clone(),
                        body: Bytes::new(),
                    });
                let limit = if is_s3 { self.limits.s3 } else { self.limits.default };
                // A browser form upload (POST with a policy) is a PutObject in disguise. Boxed:
                // a rare path, kept out of the future every request carries.
                if let (Some(s3), true) = (&s3, s3_handler::post::is_post_upload(&req)) {
                    let upload = Box::pin(self.s3_post_upload(s3, &*service, protocol, req, body.take(), limit, &ctx));
                    return (upload.await, Some(schema.service.name));
                }
                // Object uploads reach S3 as a stream, so a 5 GiB PUT never sits in memory
                // here; everything else is read whole first.
                let mut streamed = None;
                let mut body_ended = None;
                if let Some(body) = body.take() {
                    if is_s3 && protocol::streaming_operation(schema, protocol, &req).is_some() {
                        if body.size_hint().lower() > limit {
                            return (
                                read_failure(ReadError::TooLarge, style, limit, &ctx.request_id),
                                Some(schema.service.name),
                            );
                        }
                        let (stream, ended) = into_stream(body, limit);
                        streamed = Some(stream);
                        body_ended = Some(ended);
                    } else {
                        match read_limited(body, limit).await {
                            Ok(bytes) => req.body = bytes,
                            Err(e) => {
                                return (read_failure(e, style, limit, &ctx.request_id), Some(schema.service.name))
                            }
                        }
                    }
                }
                tracing::trace!(service = schema.service.name, protocol = protocol.name(), ?rule, "routed");
                self.registry.mark_used(index);
                let outcome =
                    AssertUnwindSafe(protocol::handle_with_body(&*service, protocol, req, streamed, operation, &ctx))
                        .catch_unwind()
                        .await;
                let mut response = outcome.unwrap_or_else(|panic| {
                    tracing::error!(
                        service = schema.service.name,
                        request_id = ctx.request_id,
                        panic = %panic_message(&*panic),
                        "handler panicked"
                    );
                    envelope::internal(style, &ctx.request_id)
                });
                // An upload answered before its body was read whole (an early error): the
                // rest of the body is still on the connection, so it is closed after this
                // answer, and `Connection: close` tells the client not to send more on it.
                if body_ended.is_some_and(|ended| !ended.load(std::sync::atomic::Ordering::Relaxed)) {
                    response.headers.insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
                }
                if let (Some(s3), Some(cors_request)) = (&s3, &cors_request) {
                    s3.cors_decorate(cors_request, &mut response);
                }
                (response, Some(schema.service.name))
            }
            Route::ExecuteApi { api_id } => {
                if let Some(body) = body.take() {
                    match read_limited(body, self.limits.default).await {
                        Ok(bytes) => req.body = bytes,
                        Err(e) => {
                            return (read_failure(e, ErrorStyle::Json, self.limits.default, &ctx.request_id), None)
                        }
                    }
                }
                ctx.protocol = Protocol::RestJson1;
                (self.execute_api(&api_id, req, &ctx).await, Some("execute-api"))
            }
            Route::S3Website { bucket } => {
                if let Some(body) = body.take() {
                    let _ = read_limited(body, self.limits.default).await;
                }
                ctx.protocol = Protocol::RestXml;
                let response = match self.s3_handler() {
                    Some(s3) => s3.website(&bucket, &req, &ctx),
                    None => envelope::error(
                        ErrorStyle::S3,
                        404,
                        "NoSuchBucket",
                        "The specified bucket does not exist",
                        &ctx.request_id,
                    ),
                };
                (response, Some("s3"))
            }
            Route::Unknown => {
                // Drain what the client sends (within the limit) so the connection stays usable.
                if let Some(body) = body.take() {
                    let _ = read_limited(body, self.limits.default).await;
                }
                let style = if query_style_unknown { ErrorStyle::query() } else { ErrorStyle::Json };
                let code = if style == ErrorStyle::Json { "UnknownOperationException" } else { "InvalidAction" };
                let status = if style == ErrorStyle::Json { 404 } else { 400 };
                let message = "No service of this emulator matches the request.";
                (envelope::error(style, status, code, message, &ctx.request_id), None)
            }
        }
    }

    /// A browser POST upload: the form is read whole (it is bounded by the S3 limit), turned
    /// into a PutObject, and S3's answer into the one the form's fields ask for.
    #[allow(clippy::too_many_arguments)]
    async fn s3_post_upload<B>(
        &self,
        s3: &s3_handler::Handler,
        service: &dyn ferrostack_runtime::Service,
        protocol: Protocol,
        mut req: HttpRequest,
        body: Option<B>,
        limit: u64,
        ctx: &RequestContext,
    ) -> HttpResponse
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: std::fmt::Display,
    {
        let style = ErrorStyle::for_service(service.schema(), protocol);
        if let Some(body) = body {
            match read_limited(body, limit).await {
                Ok(bytes) => req.body = bytes,
                Err(e) => return read_failure(e, style, limit, &ctx.request_id),
            }
        }
        match s3.prepare_post_upload(req, ctx) {
            Err(refused) => refused,
            Ok((put, upload)) => {
                let answer = AssertUnwindSafe(protocol::handle(service, protocol, put, ctx))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| envelope::internal(style, &ctx.request_id));
                let host = ctx.host.clone().unwrap_or_else(|| format!("{}:{}", self.endpoint.host, self.endpoint.port));
                s3.finish_post_upload(&upload, answer, &host, ctx)
            }
        }
    }

    /// S3's handler, for what S3 answers below its operations (CORS, website endpoint,
    /// browser POST uploads); `None` when this registry serves no S3.
    fn s3_handler(&self) -> Option<Arc<s3_handler::Handler>> {
        self.registry.peers()?.get::<s3_handler::Handler>()
    }

    async fn execute_api(&self, api_id: &str, req: HttpRequest, ctx: &RequestContext) -> HttpResponse {
        match &self.execute_api {
            Some(hook) => match AssertUnwindSafe(hook.invoke(api_id, req, ctx)).catch_unwind().await {
                Ok(response) => response,
                Err(panic) => {
                    tracing::error!(api_id, panic = %panic_message(&*panic), "execute-api handler panicked");
                    envelope::internal(ErrorStyle::Json, &ctx.request_id)
                }
            },
            None => execute_api_not_found(&ctx.request_id),
        }
    }
}

/// The session token a request carries: the `X-Amz-Security-Token` header, or the query
/// parameter of a presigned URL (`X-Amz-Security-Token` under SigV4, `x-amz-security-token`
/// under SigV2).
/// `headers` is `None` when the request has no such header (the gateway's scan tells).
fn session_token<'a>(headers: Option<&'a http::HeaderMap>, query: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    if let Some(token) = headers
        .and_then(|h| h.get(&ferrostack_runtime::http::names::X_AMZ_SECURITY_TOKEN))
        .and_then(|v| v.to_str().ok())
    {
        return Some(std::borrow::Cow::Borrowed(token));
    }
    if !(query.contains("X-Amz-Security-Token=") || query.contains("x-amz-security-token=")) {
        return None;
    }
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-security-token"))
        .map(|(_, v)| v)
}

/// AWS's answer, in the service's protocol, to credentials it would not accept (`None`
/// for the ones it would). S3 speaks of access key ids and tokens; awsQuery services of
/// `InvalidClientTokenId` / `ExpiredToken`; JSON services of `UnrecognizedClientException`
/// / `ExpiredTokenException` (400 under awsJson, 403 under restJson1); awsQueryCompatible
/// JSON services (SQS) add the query code in `x-amzn-query-error` with the query status.
fn credentials_refused(
    standing: &KeyStanding,
    style: ErrorStyle,
    schema: &ferrostack_runtime::schema::Schema,
    request_id: &str,
) -> Option<HttpResponse> {
    const INVALID: &str = "The security token included in the request is invalid.";
    const EXPIRED: &str = "The security token included in the request is expired";
    let expired = match standing {
        KeyStanding::Unknown | KeyStanding::Valid { .. } => return None,
        KeyStanding::NotRecognised | KeyStanding::WrongToken => false,
        KeyStanding::Expired => true,
    };
    let (status, code, message) = match style {
        ErrorStyle::S3 => match standing {
            KeyStanding::NotRecognised => {
                (403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
            }
            KeyStanding::WrongToken => (400, "InvalidToken", "The provided token is malformed or otherwise invalid."),
            _ => (400, "ExpiredToken", "The provided token has expired."),
        },
        ErrorStyle::XmlWrapped { .. } if expired => (403, "ExpiredToken", EXPIRED),
        ErrorStyle::XmlWrapped { .. } => (403, "InvalidClientTokenId", INVALID),
        ErrorStyle::RestJson if expired => (403, "ExpiredTokenException", EXPIRED),
        ErrorStyle::RestJson => (403, "UnrecognizedClientException", INVALID),
        _ if schema.service.query_compatible && expired => (403, "ExpiredTokenException", EXPIRED),
        _ if schema.service.query_compatible => (403, "UnrecognizedClientException", INVALID),
        _ if expired => (400, "ExpiredTokenException", EXPIRED),
        _ => (400, "UnrecognizedClientException", INVALID),
    };
    let mut response = envelope::error(style, status, code, message, request_id);
    if schema.service.query_compatible && matches!(style, ErrorStyle::AwsJson(_) | ErrorStyle::Cbor) {
        let query_code = if expired { "ExpiredToken" } else { "InvalidClientTokenId" };
        response.set_header("x-amzn-query-error", &format!("{query_code};Sender"));
    }
    Some(response)
}

/// Whether a presigned S3 URL is past its expiry: SigV4's `X-Amz-Date` + `X-Amz-Expires`
/// seconds, or SigV2's `Expires` (epoch seconds, next to `Signature`).
fn presigned_url_expired(query: &str) -> bool {
    if !query.contains("Expires=") {
        return false;
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let mut date = None;
    let mut expires_in = None;
    let mut expires_at = None;
    let mut v2 = false;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "X-Amz-Date" => date = parse_amz_date(&v),
            "X-Amz-Expires" => expires_in = v.parse::<i64>().ok(),
            "Expires" => expires_at = v.parse::<i64>().ok(),
            "Signature" | "AWSAccessKeyId" => v2 = true,
            _ => {}
        }
    }
    match (date, expires_in, expires_at) {
        (Some(date), Some(seconds), _) => now > date + seconds,
        (_, _, Some(at)) if v2 => now > at,
        _ => false,
    }
}

/// `20260101T000000Z` as epoch seconds.
fn parse_amz_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// API Gateway's answer for an API or route that does not exist.
pub fn execute_api_not_found(request_id: &str) -> HttpResponse {
    let mut response = HttpResponse::with_body(404, "application/json", r#"{"message":"Not Found"}"#);
    response.set_header("x-amzn-RequestId", request_id);
    response.set_header("x-amzn-ErrorType", "NotFoundException");
    response
}

fn read_failure(error: ReadError, style: ErrorStyle, limit: u64, request_id: &str) -> HttpResponse {
    match error {
        ReadError::TooLarge => envelope::too_large(style, limit, request_id),
        ReadError::Broken(reason) => {
            tracing::debug!(reason, "request body could not be read");
            envelope::error(style, 400, "IncompleteBody", "The request body could not be read completely.", request_id)
        }
    }
}

/// Turns the protocol layer's response into hyper's. Buffered bodies always carry their
/// exact `Content-Length`; streams carry theirs when known and are chunked otherwise;
/// `HEAD` answers keep the length a `GET` would have and send no body.
pub fn into_hyper(response: HttpResponse, head_only: bool) -> Response<ResponseBody> {
    let HttpResponse { status, mut headers, body } = response;
    let status = match StatusCode::from_u16(status) {
        Ok(s) if !s.is_informational() => s,
        _ => {
            tracing::error!(status, "a handler answered with an invalid status; sending 500");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let body = if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        headers.remove(CONTENT_LENGTH);
        ResponseBody::empty()
    } else {
        // A length the handler gave a HEAD response is the object's: keep it.
        let keep_given_length = head_only && headers.contains_key(CONTENT_LENGTH);
        if let (Some(len), false) = (body.len(), keep_given_length) {
            // Only a stated length that differs is rewritten. Without one, hyper states
            // the length of a body in memory itself, except for HEAD, whose empty body
            // says nothing of the length of the GET it stands for.
            match headers.get(CONTENT_LENGTH) {
                Some(stated) if stated.to_str().ok().and_then(|v| v.parse::<u64>().ok()) == Some(len) => {}
                None if !head_only => {}
                _ => {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
                }
            }
        } else if body.len().is_none() && !head_only {
            // A stream of unknown length goes out chunked; a stale length would cut it.
            headers.remove(CONTENT_LENGTH);
        }
        if head_only {
            ResponseBody::empty()
        } else {
            ResponseBody::from_stream(body)
        }
    };
    let mut out = Response::new(body);
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    out
}

/// The text a panic was raised with, for the log.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

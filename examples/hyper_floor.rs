//! The benchmark's floor: the same runtime, allocator, socket options and hyper connection
//! builder as `ferrostack`, answering every request with one fixed XML body after reading
//! the request's body, and nothing else.
//!
//! `bench/run.sh` loads it exactly as it loads the real server, so its CPU per request is
//! what the kernel, tokio and hyper cost on this machine; the difference to a real call is
//! what routing, the generated protocol layer and the handler add. Kernel time for loopback
//! TCP moves a lot between machines (it is most of the floor), which is why the floor is
//! measured next to the figures rather than quoted.
//!
//! Run: `GATEWAY_LISTEN=127.0.0.1:4599 cargo run --release --example hyper_floor`.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

#[global_allocator]
static ALLOCATOR: ferrostack::allocator::Mimalloc = ferrostack::allocator::Mimalloc;

/// About the size of STS's GetCallerIdentity answer.
const BODY: &str = concat!(
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">",
    "<GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn>",
    "<UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult>",
    "<ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId>",
    "</ResponseMetadata></GetCallerIdentityResponse>"
);

async fn answer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // A real server reads what it was sent; so does the floor.
    let _ = req.into_body().collect().await;
    let mut response = Response::new(Full::new(Bytes::from_static(BODY.as_bytes())));
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/xml"));
    headers.insert("x-amzn-requestid", http::HeaderValue::from_static("00000000-0000-4000-8000-000000000000"));
    Ok(response)
}

fn main() -> std::io::Result<()> {
    let listen = std::env::var("GATEWAY_LISTEN").unwrap_or_else(|_| "127.0.0.1:4599".to_owned());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        let builder = auto::Builder::new(TokioExecutor::new());
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            let connection = builder.serve_connection(TokioIo::new(stream), service_fn(answer)).into_owned();
            tokio::spawn(async move {
                let _ = connection.await;
            });
        }
    })
}

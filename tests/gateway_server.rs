//! The server over real sockets: keep-alive, panics that must not drop the connection,
//! oversized uploads, graceful shutdown, and the built binary's startup and SIGTERM.

mod gateway_support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrostack::config::BodyLimits;
use ferrostack::ExecuteApi;
use ferrostack_runtime::http::{HttpRequest, HttpResponse};
use ferrostack_runtime::{BoxFuture, RequestContext};
use gateway_support::*;

/// A minimal HTTP/1.1 client over one connection: enough to see exactly what the server
/// writes, keep-alive included.
struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Client { stream, buffer: Vec::new() }
    }

    fn send(&mut self, raw: &[u8]) {
        self.stream.write_all(raw).unwrap();
    }

    /// Reads one response; `head_only` for answers to HEAD, which have no body whatever
    /// their Content-Length says.
    fn read(&mut self, head_only: bool) -> Reply {
        let head_end = loop {
            if let Some(i) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            self.fill();
        };
        let head = String::from_utf8(self.buffer[..head_end].to_vec()).unwrap();
        self.buffer.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> =
            lines.map(|l| l.split_once(": ").map(|(n, v)| (n.to_owned(), v.to_owned())).unwrap()).collect();
        let mut reply = Reply { status, headers, body: Vec::new() };
        if head_only {
            return reply;
        }
        if let Some(len) = reply.header("content-length").map(|l| l.parse::<usize>().unwrap()) {
            while self.buffer.len() < len {
                self.fill();
            }
            reply.body = self.buffer.drain(..len).collect();
        } else if reply.header("transfer-encoding") == Some("chunked") {
            panic!("unexpected chunked body");
        }
        reply
    }

    fn fill(&mut self) {
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed by the server");
        self.buffer.extend_from_slice(&chunk[..n]);
    }

    /// Whether the server closed the connection (reads EOF or a reset).
    fn is_closed(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(self.stream.read(&mut byte), Ok(0) | Err(_))
    }
}

/// A data-plane hook that takes its time, to have a request in flight during shutdown.
struct SlowApi(Duration);

impl ExecuteApi for SlowApi {
    fn invoke<'a>(
        &'a self,
        _api_id: &'a str,
        _req: HttpRequest,
        _ctx: &'a RequestContext,
    ) -> BoxFuture<'a, HttpResponse> {
        Box::pin(async move {
            tokio::time::sleep(self.0).await;
            HttpResponse::with_body(200, "text/plain", "slow done")
        })
    }
}

struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    finished: std::sync::mpsc::Receiver<bool>,
    _runtime: std::thread::JoinHandle<()>,
}

/// The server on an ephemeral loopback port, on its own runtime thread.
fn start(limits: BodyLimits) -> Running {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let gateway =
                gateway(&all_fakes(), limits).with_execute_api(Some(Arc::new(SlowApi(Duration::from_millis(400)))));
            let clean = ferrostack::server::serve(
                listener,
                Arc::new(gateway),
                async {
                    let _ = stop_rx.await;
                },
                Duration::from_secs(3),
            )
            .await;
            let _ = done_tx.send(clean);
        });
    });
    Running { addr: addr_rx.recv().unwrap(), stop: Some(stop_tx), finished: done_rx, _runtime: thread }
}

const HEALTH: &[u8] = b"GET /_localstack/health HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[test]
fn keep_alive_and_pipelining() {
    let server = start(BodyLimits::default());
    let mut client = Client::connect(server.addr);
    client.send(HEALTH);
    assert_eq!(client.read(false).status, 200);
    // Two more on the same connection, sent back to back.
    client.send(&[HEALTH, b"HEAD /_ministack/health HTTP/1.1\r\nHost: localhost\r\n\r\n"].concat());
    let first = client.read(false);
    let second = client.read(true);
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(second.header("content-length").unwrap(), first.body.len().to_string());
    client.send(HEALTH);
    assert_eq!(client.read(false).status, 200);
}

#[test]
fn a_panicking_handler_leaves_the_connection_usable() {
    let server = start(BodyLimits::default());
    let mut client = Client::connect(server.addr);
    client.send(b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: JsonQuery_2012.Boom\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}");
    let reply = client.read(false);
    assert_eq!(reply.status, 500);
    assert!(String::from_utf8_lossy(&reply.body).contains("InternalFailure"));
    client.send(HEALTH);
    assert_eq!(client.read(false).status, 200);
}

#[test]
fn oversized_upload_is_refused_without_waiting_for_it() {
    let server = start(BodyLimits { default: 1024, s3: 1024 });
    let mut client = Client::connect(server.addr);
    // Announce 10 MB and send none of it: the answer must come anyway.
    client.send(b"PUT /bucket/key HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n");
    let reply = client.read(false);
    assert_eq!(reply.status, 413);
    assert!(String::from_utf8_lossy(&reply.body).contains("EntityTooLarge"));
    // Chunked, no length announced: refused once the limit is passed.
    let mut client = Client::connect(server.addr);
    client.send(b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nX-Amz-Target: JsonQuery_2012.ListQueues\r\n\r\n");
    let chunk = format!("{:x}\r\n{}\r\n", 800, "x".repeat(800));
    client.send(chunk.as_bytes());
    client.send(chunk.as_bytes());
    let reply = client.read(false);
    assert_eq!(reply.status, 413);
    assert!(String::from_utf8_lossy(&reply.body).contains("RequestEntityTooLargeException"));
}

#[test]
fn garbage_gets_an_answer_or_a_close_never_a_hang() {
    let server = start(BodyLimits::default());
    let garbage: [&[u8]; 4] = [
        b"\x00\x01\x02garbage\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\nConnection: close\r\n\r\n",
        b"GET /%zz%00?%%% HTTP/1.1\r\nHost: a..s3.localhost\r\nConnection: close\r\n\r\n",
        b"POST /?Action=%ff HTTP/1.1\r\nX-Amz-Target: .\r\nAuthorization: AWS4-HMAC-SHA256 Credential=//\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\n%%%",
    ];
    for raw in garbage {
        let mut client = Client::connect(server.addr);
        client.send(raw);
        let mut all = Vec::new();
        let _ = client.stream.read_to_end(&mut all);
        if let Some(line) = all.split(|&b| b == b'\r').next().filter(|l| !l.is_empty()) {
            let status = String::from_utf8_lossy(line);
            assert!(!status.contains(" 5"), "{status}");
        }
    }
    let mut client = Client::connect(server.addr);
    client.send(HEALTH);
    assert_eq!(client.read(false).status, 200);
}

#[test]
fn graceful_shutdown_finishes_in_flight_requests() {
    let mut server = start(BodyLimits::default());
    let mut idle = Client::connect(server.addr);
    idle.send(HEALTH);
    assert_eq!(idle.read(false).status, 200);

    let mut busy = Client::connect(server.addr);
    busy.send(b"GET /prod/slow HTTP/1.1\r\nHost: api1.execute-api.localhost\r\n\r\n");
    std::thread::sleep(Duration::from_millis(100));
    let asked = Instant::now();
    server.stop.take().unwrap().send(()).unwrap();

    let reply = busy.read(false);
    assert_eq!((reply.status, reply.body.as_slice()), (200, &b"slow done"[..]));
    assert!(idle.is_closed(), "idle keep-alive connections close at shutdown");
    let clean = server.finished.recv_timeout(Duration::from_secs(5)).expect("serve returned");
    assert!(clean, "every connection finished within the grace period");
    assert!(asked.elapsed() < Duration::from_secs(2));
    assert!(TcpStream::connect(server.addr).is_err(), "no longer listening");
}

/// The built binary: answers quickly after spawn, and exits 0 on SIGTERM.
#[cfg(unix)]
#[test]
fn binary_starts_fast_and_stops_on_sigterm() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let spawned = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ferrostack"))
        .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
        .env("LOG_LEVEL", "warn")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let first_answer = loop {
        if let Ok(stream) = TcpStream::connect(addr) {
            let mut client = Client { stream, buffer: Vec::new() };
            client.stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            client.send(HEALTH);
            assert_eq!(client.read(false).status, 200);
            break spawned.elapsed();
        }
        assert!(spawned.elapsed() < Duration::from_secs(5), "not listening after 5 s");
        assert!(child.try_wait().unwrap().is_none(), "exited during startup");
        std::thread::sleep(Duration::from_millis(1));
    };
    eprintln!("spawn to first answer: {first_answer:?}");

    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running 5 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(0));
}

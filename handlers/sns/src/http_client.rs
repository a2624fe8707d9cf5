//! A minimal HTTP/1.1 client for HTTP/S subscribers: one POST per connection, status line
//! read back. Enough for SNS's deliveries, without a client crate (and its compile time);
//! `https://` endpoints get rustls on top of the same exchange (see `tls`).

use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::tls;

/// For one whole attempt: connect, handshake, request and status line.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The parts of a subscriber's URL a POST needs.
#[derive(Debug, PartialEq)]
struct Target<'a> {
    tls: bool,
    /// The host to connect to and (with TLS) to name in SNI and verify the certificate
    /// against: a DNS name or an IP address, IPv6 without its brackets.
    host: &'a str,
    port: u16,
    /// The Host header: the URL's authority as written, without user info.
    authority: &'a str,
    /// Path and query, never empty.
    path: String,
}

fn parse(url: &str) -> Result<Target<'_>, String> {
    let (tls, rest) = if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else {
        return Err(format!("not an http or https URL: {url}"));
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let path = path.split('#').next().unwrap_or_default();
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']').ok_or_else(|| format!("unclosed IPv6 address in {url}"))?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(format!("no host in {url}"));
    }
    let port = match port {
        None | Some("") => {
            if tls {
                443
            } else {
                80
            }
        }
        Some(port) => port.parse().map_err(|_| format!("invalid port in {url}"))?,
    };
    Ok(Target { tls, host, port, authority, path })
}

/// POSTs `body` to `url`; the response status, or why there is none (connection refused,
/// TLS handshake or certificate failure, timeout, no HTTP answer).
pub async fn post(url: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
    let target = parse(url)?;
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        target.path,
        target.authority,
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let attempt = async {
        let (host, port) = (target.host, target.port);
        let stream = TcpStream::connect((host, port)).await.map_err(|e| format!("connect {host}:{port}: {e}"))?;
        if !target.tls {
            return exchange(stream, request.as_bytes()).await;
        }
        let name = ServerName::try_from(host.to_owned()).map_err(|e| format!("invalid TLS server name {host}: {e}"))?;
        let stream = tokio_rustls::TlsConnector::from(tls::client_config().await)
            .connect(name, stream)
            .await
            .map_err(|e| format!("TLS handshake with {host}:{port}: {e}"))?;
        exchange(stream, request.as_bytes()).await
    };
    tokio::time::timeout(TIMEOUT, attempt).await.map_err(|_| "timed out".to_owned())?
}

/// Writes the request and reads until the status line is in.
async fn exchange(mut stream: impl AsyncRead + AsyncWrite + Unpin, request: &[u8]) -> Result<u16, String> {
    stream.write_all(request).await.map_err(|e| format!("write: {e}"))?;
    stream.flush().await.map_err(|e| format!("write: {e}"))?;
    let mut head = Vec::with_capacity(256);
    let mut buf = [0u8; 1024];
    while !head.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            // A TLS peer that closes without close_notify after answering is an error to
            // rustls, but the answer it sent still stands.
            Err(_) if !head.is_empty() => break,
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    let line = String::from_utf8_lossy(&head);
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("no HTTP status in response: {:?}", line.lines().next().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    fn target(url: &str) -> (bool, &str, u16, &str, String) {
        let t = parse(url).unwrap();
        (t.tls, t.host, t.port, t.authority, t.path)
    }

    #[test]
    fn parses_endpoints_with_the_scheme_default_ports() {
        assert_eq!(target("https://example.com"), (true, "example.com", 443, "example.com", "/".into()));
        assert_eq!(target("https://example.com/h?a=1"), (true, "example.com", 443, "example.com", "/h?a=1".into()));
        assert_eq!(target("http://example.com?a=1"), (false, "example.com", 80, "example.com", "/?a=1".into()));
        assert_eq!(target("https://h:8443/p"), (true, "h", 8443, "h:8443", "/p".into()));
        assert_eq!(target("https://h:/p"), (true, "h", 443, "h:", "/p".into()));
        assert_eq!(target("https://u:pw@h.test/p#frag"), (true, "h.test", 443, "h.test", "/p".into()));
        assert_eq!(target("https://127.0.0.1:9/x"), (true, "127.0.0.1", 9, "127.0.0.1:9", "/x".into()));
        assert_eq!(target("https://[::1]/x"), (true, "::1", 443, "[::1]", "/x".into()));
        assert_eq!(target("https://[::1]:8443"), (true, "::1", 8443, "[::1]:8443", "/".into()));
    }

    #[test]
    fn rejects_what_is_not_an_http_url() {
        for url in ["ftp://h/", "https://", "https:///p", "https://h:x/", "https://h:99999/", "https://[::1/"] {
            assert!(parse(url).is_err(), "{url}");
        }
    }

    #[tokio::test]
    async fn posts_and_reads_the_status() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let n = socket.read(&mut buf).await.unwrap();
            socket.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").await.unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        let status = post(
            &format!("http://127.0.0.1:{port}/hook?x=1"),
            &[("x-amz-sns-message-type", "Notification".into())],
            "hello",
        )
        .await
        .unwrap();
        assert_eq!(status, 204);
        let request = server.await.unwrap();
        assert!(request.starts_with(&format!("POST /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n")));
        assert!(request.contains("x-amz-sns-message-type: Notification\r\n"));
        assert!(request.ends_with("\r\n\r\nhello"));
    }

    #[tokio::test]
    async fn reports_connection_and_handshake_failures() {
        assert!(post("http://127.0.0.1:1/", &[], "").await.unwrap_err().contains("connect"));
        // A plain-HTTP server behind an https:// URL: the handshake fails, not the request.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        });
        let error = post(&format!("https://127.0.0.1:{port}/"), &[], "").await.unwrap_err();
        assert!(error.starts_with("TLS handshake"), "{error}");
    }
}

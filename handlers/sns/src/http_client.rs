//! A minimal HTTP/1.1 client for HTTP subscribers: one POST per connection, status line
//! read back. Enough for SNS's deliveries, without a client crate (and its compile time).
//! `https://` endpoints would need TLS, which this build does not carry: they fail.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_secs(5);

/// POSTs `body` to `url`; the response status, or why there is none.
pub async fn post(url: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
    let rest = match url.strip_prefix("http://") {
        Some(rest) => rest,
        None if url.starts_with("https://") => return Err("HTTPS delivery is not supported by this build".into()),
        None => return Err(format!("not an http URL: {url}")),
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], rest[i..].to_owned()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_owned()),
    };
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let address = if authority.contains(':') && !authority.ends_with(']') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let mut request =
        format!("POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let exchange = async {
        let mut stream = TcpStream::connect(&address).await.map_err(|e| format!("connect {address}: {e}"))?;
        stream.write_all(request.as_bytes()).await.map_err(|e| format!("write: {e}"))?;
        let mut head = Vec::with_capacity(256);
        let mut buf = [0u8; 1024];
        while !head.windows(2).any(|w| w == b"\r\n") {
            let n = stream.read(&mut buf).await.map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        let line = String::from_utf8_lossy(&head);
        line.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("no HTTP status in response: {:?}", line.lines().next().unwrap_or_default()))
    };
    tokio::time::timeout(TIMEOUT, exchange).await.map_err(|_| "timed out".to_owned())?
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

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
        assert!(request.starts_with("POST /hook?x=1 HTTP/1.1\r\n"));
        assert!(request.contains("x-amz-sns-message-type: Notification\r\n"));
        assert!(request.ends_with("\r\n\r\nhello"));
    }

    #[tokio::test]
    async fn refuses_https_and_reports_connection_errors() {
        assert!(post("https://example.com/", &[], "").await.unwrap_err().contains("HTTPS"));
        assert!(post("http://127.0.0.1:1/", &[], "").await.is_err());
    }
}

//! The `CONNECT` tunnel through an HTTP proxy (RFC 9110 §9.3.6).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use xhttp_core::Error;

use super::{ProxyTarget, authority};
use crate::connect::io::Io;

/// The longest proxy answer to a `CONNECT` read.
const MAX_HEAD: usize = 16 * 1024;

/// Asks the proxy on `io` for a tunnel to `host:port`: `CONNECT host:port`, with
/// `Host: host:port`, `Accept: */*` and the proxy's headers (credentials included).
/// A 2xx answer opens the tunnel; any other is a `Proxy` error naming the status.
pub(crate) async fn open(
    mut io: Io,
    proxy: &ProxyTarget,
    host: &str,
    port: u16,
) -> Result<Io, Error> {
    let target = authority(host, port);
    let mut head =
        format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nAccept: */*\r\n").into_bytes();
    for (name, value) in &proxy.headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    io.write_all(&head)
        .await
        .map_err(|error| proxy.error(format_args!("sending CONNECT failed: {error}")))?;
    io.flush()
        .await
        .map_err(|error| proxy.error(format_args!("sending CONNECT failed: {error}")))?;

    let mut answer = Vec::with_capacity(256);
    let mut chunk = [0u8; 1024];
    let head_len = loop {
        if let Some(end) = find_head_end(&answer) {
            break end;
        }
        if answer.len() > MAX_HEAD {
            return Err(proxy.error("its answer to CONNECT is longer than 16 KiB"));
        }
        let read = io.read(&mut chunk).await.map_err(|error| {
            proxy.error(format_args!(
                "reading its answer to CONNECT failed: {error}"
            ))
        })?;
        if read == 0 {
            return Err(proxy.error("it closed the connection instead of answering CONNECT"));
        }
        answer.extend_from_slice(&chunk[..read]);
    };
    let (code, reason) = status(&answer[..head_len])
        .ok_or_else(|| proxy.error("its answer to CONNECT is not HTTP"))?;
    if !(200..300).contains(&code) {
        let error = proxy.error(format_args!("{code} {reason}"));
        return Err(match http::StatusCode::from_u16(code) {
            Ok(status) => error.with_status(status),
            Err(_) => error,
        });
    }
    if head_len < answer.len() {
        return Err(proxy.error("it sent data after opening the tunnel, before the client spoke"));
    }
    Ok(io)
}

/// The index just past the blank line ending a head.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// The status code and reason of `HTTP/1.x NNN reason`.
fn status(head: &[u8]) -> Option<(u16, String)> {
    let line_end = head.iter().position(|&byte| byte == b'\r')?;
    // The reason phrase may be Latin-1 (RFC 9112 allows obs-text): read lossily, the
    // status code is ASCII either way.
    let line = String::from_utf8_lossy(&head[..line_end]);
    let rest = line.strip_prefix("HTTP/1.")?;
    let mut parts = rest.splitn(3, ' ');
    let _minor = parts.next().filter(|minor| minor.len() == 1)?;
    let code = parts.next().filter(|code| code.len() == 3)?.parse().ok()?;
    let reason = parts.next().unwrap_or("").trim();
    let reason = if reason.is_empty() {
        http::StatusCode::from_u16(code)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("")
    } else {
        reason
    };
    // The reason comes from the network: keep it short and printable.
    let reason: String = reason
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    Some((code, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(
            status(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"),
            Some((407, "Proxy Authentication Required".into()))
        );
        assert_eq!(status(b"HTTP/1.0 200\r\n\r\n"), Some((200, "OK".into())));
        assert_eq!(status(b"SSH-2.0-x\r\n\r\n"), None);
        assert_eq!(status(b"HTTP/1.1 2000 x\r\n\r\n"), None);
        // A Latin-1 reason phrase still gives the status.
        let (code, reason) = status(b"HTTP/1.1 407 Authentification requise \xe9\r\n\r\n").unwrap();
        assert_eq!(code, 407);
        assert!(reason.starts_with("Authentification requise"), "{reason}");
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n\r\nextra"), Some(19));
    }
}

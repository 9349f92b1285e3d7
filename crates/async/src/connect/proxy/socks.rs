//! SOCKS5 (RFC 1928) with username/password authentication (RFC 1929), by
//! `tokio-socks`, over a TCP connection to the proxy.
//!
//! `socks5://` resolves the target's name here (through the client's resolver and
//! its overrides) and sends the address; `socks5h://` sends the name for the proxy to
//! resolve. (httpx sends the name for both.)

use std::net::{IpAddr, SocketAddr};

use hyper_util::client::legacy::connect::dns::Name;
use tokio::net::TcpStream;
use tokio_socks::tcp::Socks5Stream;
use tower_service::Service;
use xhttp_core::proxy::ProxyScheme;
use xhttp_core::{Error, ErrorKind};

use super::ProxyTarget;
use crate::connect::dns::ResolverService;
use crate::http::key::Key;

/// Runs the SOCKS5 handshake on `stream` (connected to `proxy`) asking for a
/// connection to `key`'s host and port; the stream then carries the target's bytes.
/// When the port is the scheme's default and `socks5://` resolves here, a resolver
/// override's port applies, as for a direct connection.
pub(crate) async fn handshake(
    stream: TcpStream,
    proxy: &ProxyTarget,
    key: &Key,
    resolver: &ResolverService,
) -> Result<TcpStream, Error> {
    let (host, port) = (&*key.host, key.port);
    let target = match host.parse::<IpAddr>() {
        Ok(ip) => Target::Address(SocketAddr::new(ip, port)),
        Err(_) if proxy.scheme == ProxyScheme::Socks5 => {
            let address = resolve(resolver, host).await?;
            let port = match address.port() {
                given if key.port_is_default() && given != 0 => given,
                _ => port,
            };
            Target::Address(SocketAddr::new(address.ip(), port))
        }
        Err(_) => Target::Name(host),
    };
    let connected = match (&proxy.socks_auth, target) {
        (None, Target::Address(address)) => {
            Socks5Stream::connect_with_socket(stream, address).await
        }
        (None, Target::Name(name)) => Socks5Stream::connect_with_socket(stream, (name, port)).await,
        (Some((user, password)), Target::Address(address)) => {
            Socks5Stream::connect_with_password_and_socket(stream, address, user, password).await
        }
        (Some((user, password)), Target::Name(name)) => {
            Socks5Stream::connect_with_password_and_socket(stream, (name, port), user, password)
                .await
        }
    };
    connected
        .map(Socks5Stream::into_inner)
        .map_err(|error| proxy.error(describe(&error)).with_source(error))
}

enum Target<'a> {
    Address(SocketAddr),
    Name(&'a str),
}

/// The first address of `host`, resolved as for a direct connection (its port is 0
/// unless a resolver override gave one).
async fn resolve(resolver: &ResolverService, host: &str) -> Result<SocketAddr, Error> {
    let name: Name = host.parse().map_err(|_| {
        Error::new(ErrorKind::Connect).with_message(format!("'{host}' is not a valid host name"))
    })?;
    let mut resolver = resolver.clone();
    let mut addresses = resolver.call(name).await.map_err(|error| {
        Error::new(ErrorKind::Connect)
            .with_message(format!(
                "cannot resolve '{host}' for the SOCKS5 proxy: {error}"
            ))
            .with_source(error)
    })?;
    addresses.next().ok_or_else(|| {
        Error::new(ErrorKind::Connect).with_message(format!("no addresses for host '{host}'"))
    })
}

/// What went wrong, in words (never the credentials, which no variant holds).
fn describe(error: &tokio_socks::Error) -> String {
    use tokio_socks::Error as E;
    match error {
        E::PasswordAuthFailure(_) => "the SOCKS5 proxy refused the username and password".into(),
        E::NoAcceptableAuthMethods => {
            "the SOCKS5 proxy accepts none of the offered authentication methods (credentials \
             missing or not wanted)"
                .into()
        }
        E::InvalidAuthValues(why) => format!("the SOCKS5 credentials cannot be sent: {why}"),
        E::Io(error) => format!("the SOCKS5 handshake failed: {error}"),
        other => format!("the SOCKS5 proxy could not connect: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_plain() {
        let text = describe(&tokio_socks::Error::PasswordAuthFailure(1));
        assert!(text.contains("refused the username and password"));
        let text = describe(&tokio_socks::Error::HostUnreachable);
        assert_eq!(text, "the SOCKS5 proxy could not connect: Host unreachable");
    }
}

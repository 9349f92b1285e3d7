//! The connection to the proxy itself: TCP, and TLS for an `https://` proxy (HTTP/1.1
//! only by ALPN: `CONNECT` and forwarded requests are HTTP/1.1 here).

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::ClientConfig;
use tokio::net::TcpStream;
use xhttp_core::Error;
use xhttp_core::proxy::ProxyScheme;

use super::ProxyTarget;
use crate::connect::io::Io;
use crate::connect::{Connector, tls_handshake};

impl Connector {
    /// A TCP connection to the proxy.
    pub(in crate::connect) async fn tcp_to_proxy(
        &self,
        proxy: &ProxyTarget,
    ) -> Result<TcpStream, Error> {
        let uri = http::Uri::try_from(format!("http://{}", proxy.address()))
            .map_err(|_| proxy.error("its address is not valid"))?;
        self.tcp_connect(uri, &proxy.host, proxy.port)
            .await
            .map_err(|error| {
                let message = error.message().unwrap_or("cannot connect").to_owned();
                error.with_message(format!("proxy: {message}"))
            })
    }

    /// A connection to an HTTP proxy, over TLS for an `https://` one; with the
    /// proxy's address and ours.
    pub(in crate::connect) async fn connect_to_proxy(
        &self,
        proxy: &ProxyTarget,
    ) -> Result<(Io, Option<SocketAddr>, Option<SocketAddr>), Error> {
        let stream = self.tcp_to_proxy(proxy).await?;
        let (remote, local) = (stream.peer_addr().ok(), stream.local_addr().ok());
        if proxy.scheme != ProxyScheme::Https {
            return Ok((Io::Tcp(stream), remote, local));
        }
        let config = self.proxy_tls_config().await?;
        let (io, _) = tls_handshake(Io::Tcp(stream), &proxy.host, config)
            .await
            .map_err(|error| {
                let message = error.message().unwrap_or("TLS failed").to_owned();
                error.with_message(format!("proxy: {message}"))
            })?;
        Ok((io, remote, local))
    }

    /// The TLS configuration for an https proxy: the client's roots and versions, with
    /// `http/1.1` as the only ALPN protocol, always verified and without the client
    /// certificate. `verify(false)`, the identity and a replaced rustls configuration are
    /// the origins' (as httpx, whose proxy context is its own): a man in the middle of
    /// the proxy link would otherwise read the proxy's credentials.
    async fn proxy_tls_config(&self) -> Result<Arc<ClientConfig>, Error> {
        self.proxy_tls
            .get_or_try_init(|| async {
                let mut options = (*self.options).clone();
                options.verify = true;
                options.identity = None;
                let mut config =
                    crate::connect::tls::client_config(&options, &self.env, self.trust_env).await?;
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                Ok(Arc::new(config))
            })
            .await
            .cloned()
    }
}

//! The [`ClientBuilder`] settings of proxies.

use super::ClientFlavor;
use super::builder::ClientBuilder;
use crate::proxy::IntoProxy;

impl<C: ClientFlavor> ClientBuilder<C> {
    /// Sends every request through `proxy` (a [`Proxy`](crate::proxy::Proxy) or a
    /// proxy URL such as `"http://user:pass@proxy:3128"` or `"socks5h://127.0.0.1:1080"`),
    /// as httpx's `proxy=`: the same as `proxy_for("all://", proxy)`. Proxies from the
    /// environment are then not used. Mounts still take precedence where they match.
    ///
    /// An invalid proxy URL is reported by [`build`](ClientBuilder::build).
    pub fn proxy(self, proxy: impl IntoProxy) -> Self {
        self.proxy_for("all://", proxy)
    }

    /// Sends the requests whose URL matches `pattern` (a mount pattern such as
    /// `"https://"` or `"all://*.example.com"`) through `proxy`, with the client's own
    /// settings and connection pool. Proxies from the environment are then not used.
    /// A later call with the same pattern replaces the proxy; an invalid pattern is
    /// reported by [`build`](ClientBuilder::build).
    pub fn proxy_for(self, pattern: impl Into<String>, proxy: impl IntoProxy) -> Self {
        let (pattern, proxy) = (pattern.into(), proxy.into_proxy());
        self.with(|config| {
            let proxy = proxy?;
            match config
                .proxies
                .iter_mut()
                .find(|(known, _)| *known == pattern)
            {
                Some(entry) => entry.1 = proxy,
                None => config.proxies.push((pattern, proxy)),
            }
            Ok(())
        })
    }
}

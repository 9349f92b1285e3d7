//! The blocking [`xhttp::Client`] the options describe: timeouts, redirects, TLS, HTTP
//! versions, proxy.

use std::time::Duration;

use xhttp::{Client, Timeout};

use crate::args::Args;
use crate::exit::CliError;

/// The client for one run of the command.
pub(crate) fn build(args: &Args) -> Result<Client, CliError> {
    let timeout = if args.timeout == 0.0 {
        Timeout::none()
    } else {
        Timeout::new(Duration::from_secs_f64(args.timeout))
    };
    let mut builder = Client::builder()
        .timeout(timeout)
        .follow_redirects(args.follow_redirects)
        .verify(!args.no_verify);
    if let Some(proxy) = &args.proxy {
        // A bad proxy URL is reported by `build()`, without its credentials.
        builder = builder.proxy(proxy.as_str());
    }
    if let Some(max) = args.max_redirects {
        builder = builder.max_redirects(max);
    }
    if let Some(path) = &args.cacert {
        let certificate = std::fs::read(path)
            .map_err(|error| CliError::io(&format!("--cacert {}", path.display()), &error))?;
        builder = builder.add_root_certificate(certificate);
    }
    if args.http1 {
        builder = builder.http2(false);
    }
    if args.http2 {
        // h2 by ALPN on https, h2c by prior knowledge on http.
        builder = builder.http1(false).http2_prior_knowledge();
    }
    if let Some(path) = &args.unix_socket {
        builder = builder.unix_socket(path);
    }
    Ok(builder.build()?)
}

//! Cookies: [`Cookies`] (httpx's name), a jar following RFC 6265 on top of the
//! `cookie_store` crate, the [`CookieStore`] trait a client talks to, and [`Jar`], the
//! shareable jar every client gets by default.
//!
//! The rules (RFC 6265, where httpx's stdlib jar is more liberal):
//! * a cookie set without `Domain` is **host-only**: it goes back to that exact host,
//!   never to its subdomains (httpx sends it to subdomains too, reference A.7);
//! * a cookie with `Domain=example.org` goes to `example.org` and every subdomain; a
//!   `Domain` the response's host is not inside is rejected;
//! * `Path` matching per RFC 6265 §5.1.4; the default path is the directory of the
//!   request path; more specific (longer) paths come first in the `Cookie` header;
//! * `Secure` cookies are sent over `https` only (no exception for `localhost`);
//! * `Max-Age` wins over `Expires`; `Max-Age=0`, a negative `Max-Age` or a past
//!   `Expires` deletes the stored cookie.
//!
//! There is no public-suffix list (nothing is bundled). As httpx's stdlib policy does,
//! a `Domain` without an inner dot (`Domain=com`) is refused unless it is the host
//! itself, and so is a registry domain under a country code (`Domain=co.uk`); deeper
//! public suffixes (`Domain=github.io`) are not recognised.
//!
//! Cookies set by hand with an empty domain ([`Cookies::set`] with `""`, and
//! `ClientBuilder::cookie`) are valid for **any host**, as in httpx. RFC 6265 has no such
//! cookie, so they are kept beside the RFC store: path matching applies to them, they
//! never expire and are never `Secure`.
//!
//! No cookie value ever appears in a `Debug` output or in an error.

mod any_host;
mod collection;
mod extract;
mod header;
mod persist;
mod store;
mod view;

#[cfg(test)]
mod proptests;

pub use collection::Cookies;
pub use store::{CookieStore, Jar};
pub use view::Cookie;

pub(crate) use header::request_cookie_header;

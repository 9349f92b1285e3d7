//! [`Policy`]: whether a redirect is followed.

use http::{Method, StatusCode};
use xhttp_core::{Error, ErrorKind, Url};

/// A redirect the layer is about to follow, as a [`Policy`] sees it.
#[derive(Debug)]
pub struct Attempt<'a> {
    pub(super) status: StatusCode,
    pub(super) method: &'a Method,
    pub(super) previous: &'a Url,
    pub(super) location: &'a Url,
    pub(super) redirects: usize,
}

impl Attempt<'_> {
    /// The redirect's status (301, 302, 303, 307 or 308).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The method of the request that was redirected.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The URL that answered with the redirect.
    pub fn previous(&self) -> &Url {
        self.previous
    }

    /// Where the redirect points (resolved against [`previous`](Self::previous), the
    /// fragment carried over).
    pub fn location(&self) -> &Url {
        self.location
    }

    /// How many redirect responses this logical request has met, this one included
    /// (1 for the first).
    pub fn redirects(&self) -> usize {
        self.redirects
    }
}

/// What to do with a redirect.
#[derive(Debug)]
pub enum Action {
    /// Send the next request.
    Follow,
    /// Return the redirect response as the answer (with its `next_request`).
    Stop,
    /// Fail the exchange with this error.
    Error(Error),
}

/// Decides, for each redirect, whether the [`Redirect`](super::Redirect) layer follows
/// it (in the spirit of tower-http's redirect policy).
///
/// A policy is cloned for each logical request, so it may count or remember things
/// for that request in `&mut self`. The rules that make the next request (method,
/// body, headers) are the layer's, not the policy's.
///
/// ```
/// use xhttp_async::layers::redirect::{Action, Attempt, Policy};
///
/// /// Follows redirects within the same host only.
/// #[derive(Debug, Clone)]
/// struct SameHost;
///
/// impl Policy for SameHost {
///     fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
///         if attempt.location().host() == attempt.previous().host() {
///             Action::Follow
///         } else {
///             Action::Stop
///         }
///     }
/// }
/// ```
pub trait Policy: Clone + Send + Sync + 'static {
    /// The decision for `attempt`.
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action;
}

/// httpx's policy: follow up to `max_redirects` redirects (20 by default: 20 redirects
/// are followed, the 21st fails with `TooManyRedirects`).
#[derive(Debug, Clone, Copy)]
pub struct Standard {
    max_redirects: usize,
}

impl Standard {
    /// Follows at most `max_redirects` redirects.
    pub fn new(max_redirects: usize) -> Standard {
        Standard { max_redirects }
    }
}

impl Default for Standard {
    fn default() -> Standard {
        Standard::new(xhttp_core::client::DEFAULT_MAX_REDIRECTS)
    }
}

impl Policy for Standard {
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
        if attempt.redirects > self.max_redirects {
            return Action::Error(
                Error::new(ErrorKind::TooManyRedirects)
                    .with_message("exceeded the maximum allowed redirects"),
            );
        }
        Action::Follow
    }
}

/// Any closure deciding on an [`Attempt`] is a policy.
impl<F> Policy for F
where
    F: FnMut(&Attempt<'_>) -> Action + Clone + Send + Sync + 'static,
{
    fn redirect(&mut self, attempt: &Attempt<'_>) -> Action {
        self(attempt)
    }
}

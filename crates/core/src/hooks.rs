//! Event hooks (httpx's `event_hooks`): functions the client calls for **every hop** of
//! every request (each redirect, each auth retry), inline, in registration order.
//!
//! * A request hook sees the hop's [`Request`] before the client adds cookies, and may
//!   change it; an error from it fails the exchange.
//! * A response hook sees the hop's response (before the redirect or auth decision), and
//!   may change it; an error fails the exchange. Its body is unread unless the hook was
//!   registered as needing it (`on_response_with_body`): then it is read into memory
//!   first, so `content()` works (opt-in, so `stream()` keeps bounded memory).
//!
//! Hooks run inside the client's async pipeline, for both clients: that is why a response
//! hook gets a `Response<Async>` even on the blocking client (only the shared accessors,
//! and `content()` for a body hook, are of use there). A sync hook must not block (no
//! blocking I/O, no blocking client call: that fails with `BlockingInsideRuntime`).
//! The async client also takes async hooks, which own the value and hand it back.
//!
//! Set them with `ClientBuilder::on_request`, `on_response`, `on_response_with_body`,
//! `on_request_async` and `on_response_async`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::flavor::Async;
use crate::response::Response;
use crate::{Error, Request};

/// A boxed, sendable future (what async hooks return).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A sync request hook.
pub type RequestFn = dyn Fn(&mut Request) -> Result<(), Error> + Send + Sync;
/// An async request hook: takes the request and gives it back.
pub type AsyncRequestFn = dyn Fn(Request) -> BoxFuture<Result<Request, Error>> + Send + Sync;
/// A sync response hook.
pub type ResponseFn = dyn Fn(&mut Response<Async>) -> Result<(), Error> + Send + Sync;
/// An async response hook: takes the response and gives it back.
pub type AsyncResponseFn =
    dyn Fn(Response<Async>) -> BoxFuture<Result<Response<Async>, Error>> + Send + Sync;

/// One request hook.
#[derive(Clone)]
pub enum RequestHook {
    /// Called inline; must not block.
    Sync(Arc<RequestFn>),
    /// Awaited (async client only).
    Async(Arc<AsyncRequestFn>),
}

/// How a response hook is called.
#[derive(Clone)]
pub enum ResponseHookFn {
    /// Called inline; must not block.
    Sync(Arc<ResponseFn>),
    /// Awaited (async client only).
    Async(Arc<AsyncResponseFn>),
}

/// One response hook.
#[derive(Clone)]
pub struct ResponseHook {
    /// The function.
    pub hook: ResponseHookFn,
    /// Whether the body is read into memory before the hook runs.
    pub needs_body: bool,
}

/// A client's hooks, shared (each is an `Arc`).
#[derive(Clone, Default)]
pub struct Hooks {
    /// Called for each hop's request, in order.
    pub request: Vec<RequestHook>,
    /// Called for each hop's response, in order.
    pub response: Vec<ResponseHook>,
}

impl Hooks {
    /// Whether there is no hook at all (the client then skips the hooks layer).
    pub fn is_empty(&self) -> bool {
        self.request.is_empty() && self.response.is_empty()
    }

    /// Whether a response hook needs the body read first.
    pub fn needs_body(&self) -> bool {
        self.response.iter().any(|hook| hook.needs_body)
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("request", &self.request.len())
            .field("response", &self.response.len())
            .finish()
    }
}

impl fmt::Debug for RequestHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestHook::Sync(_) => f.write_str("RequestHook::Sync"),
            RequestHook::Async(_) => f.write_str("RequestHook::Async"),
        }
    }
}

impl fmt::Debug for ResponseHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.hook {
            ResponseHookFn::Sync(_) => "sync",
            ResponseHookFn::Async(_) => "async",
        };
        f.debug_struct("ResponseHook")
            .field("kind", &kind)
            .field("needs_body", &self.needs_body)
            .finish()
    }
}

impl fmt::Debug for ResponseHookFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseHookFn::Sync(_) => f.write_str("ResponseHookFn::Sync"),
            ResponseHookFn::Async(_) => f.write_str("ResponseHookFn::Async"),
        }
    }
}

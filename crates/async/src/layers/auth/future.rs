//! The future of [`AuthService`](super::AuthService).

/// The future of [`AuthService`](super::AuthService): the inner future itself for a
/// request without auth, one boxed future running the flow otherwise.
pub type ResponseFuture<F, B> = crate::layers::future::MaybeBoxed<F, B>;

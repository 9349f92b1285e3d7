//! httpx's merge of client defaults into a request, with xhttp's deliberate differences.

use std::sync::Arc;

use http::header::{self, HeaderValue};

use super::config::ClientConfig;
use crate::auth::{Auth, BasicAuth};
use crate::body::Body;
use crate::context::RequestContext;
use crate::cookies::request_cookie_header;
use crate::headers::Headers;
use crate::query::QueryParams;
use crate::timeout::Timeout;
use crate::trace::{OnProgress, Trace};
use crate::url::Url;
use crate::{Error, ErrorKind, Request};

/// Which credentials a request uses.
#[derive(Debug, Clone, Default)]
pub enum AuthChoice {
    /// The client's, or the URL's userinfo when the client has none.
    #[default]
    ClientDefault,
    /// None from the client (the URL's userinfo is still used, as httpx).
    Disabled,
    /// These, instead of the client's.
    Use(Arc<dyn Auth>),
}

/// What a [`RequestBuilder`](super::RequestBuilder) gathers before the merge.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RequestParts {
    /// The method.
    pub method: http::Method,
    /// The URL as given (possibly relative).
    pub url: Option<Url>,
    /// Request headers: each name replaces all of the client's values for it.
    pub headers: Headers,
    /// Request params, merged over the client's and into the URL's query.
    pub params: QueryParams,
    /// Request cookies, over the client's (the same name wins), for this request only.
    pub cookies: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// Credentials.
    pub auth: AuthChoice,
    /// Timeouts replacing the client's wholesale (as httpx).
    pub timeout: Option<Timeout>,
    /// Whether to follow redirects, instead of the client's setting.
    pub follow_redirects: Option<bool>,
    /// Extensions given by the user.
    pub extensions: http::Extensions,
    /// This request's trace callback (after the client's).
    pub trace: Option<Trace>,
    /// Called as the request body is sent.
    pub upload_progress: Option<OnProgress>,
    /// Called as the response body arrives.
    pub download_progress: Option<OnProgress>,
}

/// Builds the request to send from the client's settings and the request's own parts.
///
/// The rules are httpx's (reference §2), except where xhttp differs on purpose:
/// * params are merged **into** the URL's own query (httpx replaces the query);
/// * a relative URL with no `base_url` is an error naming the missing scheme;
/// * URL userinfo becomes Basic credentials and is removed from the URL that is sent.
pub fn merge_request<T>(config: &ClientConfig<T>, parts: RequestParts) -> Result<Request, Error> {
    let RequestParts {
        method,
        url,
        headers: request_headers,
        params,
        cookies,
        body,
        auth,
        timeout,
        follow_redirects,
        extensions,
        trace,
        upload_progress,
        download_progress,
    } = parts;

    let url = url.ok_or_else(|| Error::new(ErrorKind::InvalidUrl).with_message("no URL given"))?;
    let params = if config.params.is_empty() {
        params
    } else {
        let mut merged = config.params.clone();
        merged.merge(&params);
        merged
    };
    let mut url = match config.base_url.as_ref() {
        // Joined and given its parameters in one normalisation.
        Some(base) if !url.is_absolute() => base.merge_base_and_params(&url, &params)?,
        _ => absolute(url)?.merge_params(&params)?,
    };

    let auth = match auth {
        AuthChoice::ClientDefault => config.auth.clone(),
        AuthChoice::Disabled => None,
        AuthChoice::Use(auth) => Some(auth),
    };
    let auth = match auth {
        Some(auth) => Some(auth),
        None if url.has_userinfo() => Some(Arc::new(BasicAuth::new(
            url.username(),
            url.password().unwrap_or_default(),
        )) as Arc<dyn Auth>),
        None => None,
    };
    if url.has_userinfo() {
        url = url.without_userinfo();
    }

    let mut headers = config.headers.clone();
    headers.merge(request_headers)?;
    let map = headers.as_map_mut();
    if !map.contains_key(header::HOST) {
        // The cached URI's authority is `host[:port]` already (no userinfo): no formatting.
        let host = match url.uri().and_then(http::Uri::authority) {
            Some(authority) => HeaderValue::from_str(authority.as_str()),
            None => HeaderValue::try_from(url.netloc()),
        };
        if let Ok(host) = host {
            map.insert(header::HOST, host);
        }
    }
    // The store's cookies are added per hop by the client's cookies layer; only a
    // request with cookies of its own gets its `Cookie` header here (store + own).
    let mut cookies_from_client = false;
    if !cookies.is_empty() && !map.contains_key(header::COOKIE) {
        let store = config.cookie_store.as_deref();
        if let Some(cookie) = request_cookie_header(store, &url, &cookies)? {
            map.insert(header::COOKIE, cookie);
            cookies_from_client = true;
        }
    }
    add_content_length(map, &method, &body);

    let mut request = Request::new(method, url);
    *request.headers_mut() = headers;
    request.set_body(body);
    *request.extensions_mut() = extensions;
    let context: &mut RequestContext = request.context_mut();
    context.timeout = Some(timeout.unwrap_or(config.timeout));
    context.follow_redirects = Some(follow_redirects.unwrap_or(config.follow_redirects));
    // The client's auth layer runs it (and adds `Authorization`) when sending.
    context.auth = auth;
    context.cookies_from_client = cookies_from_client;
    context.trace = Trace::combine(config.trace.clone(), trace);
    context.upload_progress = upload_progress;
    context.download_progress = download_progress;
    Ok(request)
}

/// An absolute URL as it is; a relative one (with no `base_url`) is an error.
fn absolute(url: Url) -> Result<Url, Error> {
    if url.is_absolute() {
        return Ok(url);
    }
    Err(Error::new(ErrorKind::UnsupportedProtocol)
        .with_message("request URL is missing an 'http://' or 'https://' protocol")
        .with_url(&url))
}

/// `Content-Length` for a body of known length (and `0` for an empty POST, PUT or
/// PATCH, as httpx), unless the caller set a length or a transfer coding.
fn add_content_length(map: &mut http::HeaderMap, method: &http::Method, body: &Body) {
    if map.contains_key(header::CONTENT_LENGTH) || map.contains_key(header::TRANSFER_ENCODING) {
        return;
    }
    match body.content_length() {
        Some(0) => {
            if matches!(
                *method,
                http::Method::POST | http::Method::PUT | http::Method::PATCH
            ) {
                map.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
        }
        Some(length) => {
            map.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        None => {}
    }
}

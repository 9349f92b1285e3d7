//! `multipart/form-data` bodies, laid out as httpx lays them out.
//!
//! * **Order**: text fields first, in the order added, then file parts ([`Multipart::file`],
//!   [`Multipart::part`]) in the order added, as httpx puts `data=` before `files=`.
//! * **Layout**: per field `--BOUNDARY\r\n`, the part headers, `\r\n\r\n`, the data,
//!   `\r\n`; at the end `--BOUNDARY--\r\n`.
//! * **Parameters** (`name`, `filename`) are quoted the HTML5 way: `"` → `%22`, `\` →
//!   `\\`, control characters except ESC → `%XX`, non-ASCII as raw UTF-8.
//! * **Boundary**: 32 random lower-case hex digits, or [`Multipart::boundary`]. When the
//!   request already has a `Content-Type: multipart/...; boundary=X` header (parameter
//!   name in any case, in any position, quoted or not), the body uses X and the header
//!   is kept as it is; X must pass the same RFC 2046 check as a boundary given to
//!   [`Multipart::boundary`]. A multipart `Content-Type` **without** a boundary (httpx
//!   sends it so, which no server can parse: its quirk A.19) gets `; boundary=...`
//!   added. An **empty** one (`boundary=""` or `boundary=`) is an `InvalidBody` error
//!   (it is not replaced: the caller's header is never rewritten behind their back). A
//!   non-multipart `Content-Type` set by the caller is kept as written.
//! * **Boundary in the data**: a boundary chosen by the caller (either way) is checked
//!   against the text fields and the in-memory (bytes) parts: if `--BOUNDARY` occurs in
//!   one, encoding fails with `InvalidBody` naming the field, rather than sending a body
//!   the server would split wrongly. (File and reader parts are not read for this; a
//!   random boundary is not checked: 128 random bits do not occur by chance.)
//! * **Length**: exact (`Content-Length`) when every part's size is known; else the
//!   body is sent chunked.
//! * **Files** are opened and read when the request is sent, by the client, off the
//!   async runtime; a form of bytes and files can be replayed (redirects, retries), a
//!   form with a reader part cannot.

mod boundary;
mod mime;
mod part;
mod quote;

use std::fmt;
use std::path::Path;

use http::HeaderValue;

use crate::body::Body;
use crate::body::segment::{Segment, SegmentsBuilder};
use crate::error::copy_error;
use crate::{Error, ErrorKind};

pub use boundary::random_boundary;
pub use mime::guess_mime;
pub use part::Part;

use boundary::{Declared, check_boundary, declared, with_boundary};
use quote::push_param;

/// A `multipart/form-data` form: text fields and file parts.
///
/// Mistakes (a missing file, a bad boundary, a bad part header) are kept and reported
/// when the form is encoded, by [`into_body`](Multipart::into_body) or by the request
/// that sends it.
///
/// ```
/// use xhttp_core::multipart::{Multipart, Part};
///
/// let form = Multipart::new()
///     .boundary("b")
///     .part("data", Part::bytes("1,2").file_name("d.csv"))
///     .text("user", "ann");
/// let (body, content_type) = form.into_body()?;
/// assert_eq!(content_type, "multipart/form-data; boundary=b");
/// assert_eq!(
///     body.as_bytes().unwrap(),
///     b"--b\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nann\r\n\
///       --b\r\nContent-Disposition: form-data; name=\"data\"; filename=\"d.csv\"\r\n\
///       Content-Type: text/csv\r\n\r\n1,2\r\n--b--\r\n"
/// );
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Default)]
pub struct Multipart {
    texts: Vec<(String, String)>,
    files: Vec<(String, Part)>,
    boundary: Option<String>,
    error: Option<Error>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Adds a text field (sent before every file part, as httpx).
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.texts.push((name.into(), value.into()));
        self
    }

    /// Adds the file at `path` as a part named `name`, with the path's file name and a
    /// media type guessed from its extension (see [`Part::file`]). A path that does not
    /// exist is reported when the form is encoded.
    pub fn file(self, name: impl Into<String>, path: impl AsRef<Path>) -> Multipart {
        match Part::file(path) {
            Ok(part) => self.part(name, part),
            Err(error) => self.fail(error),
        }
    }

    /// Adds a part named `name`.
    pub fn part(mut self, name: impl Into<String>, part: Part) -> Multipart {
        self.files.push((name.into(), part));
        self
    }

    /// Uses `boundary` instead of a random one: 1 to 70 characters among letters,
    /// digits, `'()+_,-./:=?` and space (RFC 2046). It must not occur in the data: a
    /// text field or bytes part holding `--boundary` makes encoding fail with
    /// `InvalidBody` (file and reader parts are not read for this check).
    pub fn boundary(mut self, boundary: impl Into<String>) -> Multipart {
        let boundary = boundary.into();
        if let Err(error) = check_boundary(&boundary) {
            return self.fail(error);
        }
        self.boundary = Some(boundary);
        self
    }

    fn fail(mut self, error: Error) -> Multipart {
        if self.error.is_none() {
            self.error = Some(error);
        }
        self
    }

    /// Whether the form can be sent again (no reader, pipe or device parts).
    pub fn is_replayable(&self) -> bool {
        self.files.iter().all(|(_, part)| part.is_replayable())
    }

    /// A copy of the form, unless a part is a reader.
    pub fn try_clone(&self) -> Option<Multipart> {
        let files = self
            .files
            .iter()
            .map(|(name, part)| Some((name.clone(), part.try_clone()?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Multipart {
            texts: self.texts.clone(),
            files,
            boundary: self.boundary.clone(),
            error: self.error.as_ref().map(copy_error),
        })
    }

    /// Puts `fields` before the form's own text fields (a request's `form()` given
    /// together with `multipart()`).
    pub(crate) fn prepend_texts(&mut self, fields: Vec<(String, String)>) {
        let own = std::mem::replace(&mut self.texts, fields);
        self.texts.extend(own);
    }

    /// The body and its `Content-Type` value (`multipart/form-data; boundary=...`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidBody`] for the first mistake made while building the form.
    pub fn into_body(self) -> Result<(Body, String), Error> {
        let (boundary, chosen) = match self.boundary.clone() {
            Some(boundary) => (boundary, true),
            None => (random_boundary(), false),
        };
        let body = self.encode(&boundary, chosen)?;
        Ok((body, format!("multipart/form-data; boundary={boundary}")))
    }

    /// The body for a request whose `Content-Type` (after merging the client's
    /// headers) is `content_type`, and the `Content-Type` value to set, if the request
    /// needs one set or changed (see the module docs).
    pub(crate) fn into_request_body(
        self,
        content_type: Option<&HeaderValue>,
    ) -> Result<(Body, Option<HeaderValue>), Error> {
        let own = self.boundary.clone();
        let by_caller = own.is_some();
        let chosen = || own.clone().unwrap_or_else(random_boundary);
        let (boundary, header, by_caller) =
            match content_type.map(|value| (value, declared(value.as_bytes()))) {
                None => {
                    let boundary = chosen();
                    let value = format!("multipart/form-data; boundary={boundary}");
                    (boundary, Some(value.into_bytes()), by_caller)
                }
                Some((_, Declared::Boundary(theirs))) => {
                    check_boundary(&theirs).map_err(|error| {
                        Error::new(ErrorKind::InvalidBody).with_message(format!(
                            "the boundary in the request's Content-Type header is not valid: {}",
                            error.message().unwrap_or_default()
                        ))
                    })?;
                    if own.as_ref().is_some_and(|own| *own != theirs) {
                        return Err(Error::new(ErrorKind::InvalidBody).with_message(format!(
                            "the multipart boundary given to the form ({:?}) differs from \
                             the one in the request's Content-Type header ({theirs:?})",
                            own.unwrap_or_default()
                        )));
                    }
                    (theirs, None, true)
                }
                Some((_, Declared::EmptyBoundary)) => {
                    return Err(Error::new(ErrorKind::InvalidBody).with_message(
                        "the request's multipart Content-Type header has an empty boundary \
                         parameter: give a boundary, or leave the parameter out to have one \
                         added",
                    ));
                }
                Some((value, Declared::MultipartWithout)) => {
                    let boundary = chosen();
                    let header = with_boundary(value.as_bytes(), &boundary);
                    (boundary, Some(header), by_caller)
                }
                Some((_, Declared::Other)) => (chosen(), None, by_caller),
            };
        let header = header
            .map(|value| {
                // The bytes are moved in, not copied.
                HeaderValue::from_maybe_shared(bytes::Bytes::from(value)).map_err(|_| {
                    Error::new(ErrorKind::InvalidHeader)
                        .with_message("the multipart Content-Type header is not valid")
                })
            })
            .transpose()?;
        Ok((self.encode(&boundary, by_caller)?, header))
    }

    /// An `InvalidBody` error when a text field or an in-memory part holds a delimiter
    /// line: `--boundary` at its start or after a CRLF (naming the field, never quoting
    /// its value). `--boundary` elsewhere breaks nothing.
    fn check_data(&self, boundary: &str) -> Result<(), Error> {
        let delimiter = format!("--{boundary}");
        let after_crlf = format!("\r\n{delimiter}");
        let holds = |data: &[u8]| {
            data.starts_with(delimiter.as_bytes()) || contains(data, after_crlf.as_bytes())
        };
        let texts = self
            .texts
            .iter()
            .filter(|(_, value)| holds(value.as_bytes()));
        let parts = self
            .files
            .iter()
            .filter(|(_, part)| matches!(&part.data, Segment::Bytes(bytes) if holds(bytes)));
        let mut clash = texts
            .map(|(name, _)| name)
            .chain(parts.map(|(name, _)| name));
        match clash.next() {
            Some(name) => Err(Error::new(ErrorKind::InvalidBody).with_message(format!(
                "the multipart boundary {boundary:?} occurs (as '--{boundary}') in the data \
                 of field {name:?}: choose another boundary, or let one be generated"
            ))),
            None => Ok(()),
        }
    }

    /// The body with `boundary`; with `check`, the data is first checked not to hold it
    /// (a boundary chosen by the caller).
    fn encode(self, boundary: &str, check: bool) -> Result<Body, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if check {
            self.check_data(boundary)?;
        }
        let mut out = SegmentsBuilder::default();
        let mut head = Vec::with_capacity(128);
        for (name, value) in &self.texts {
            head.clear();
            start_part(&mut head, boundary, name);
            head.extend_from_slice(b"\r\n\r\n");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
            out.push_slice(&head);
        }
        for (name, part) in self.files {
            if let Some(error) = part.error {
                return Err(error);
            }
            head.clear();
            start_part(&mut head, boundary, &name);
            if let Some(file_name) = &part.file_name {
                head.extend_from_slice(b"; ");
                push_param(&mut head, "filename", file_name);
            }
            let mut has_type = false;
            for (header, value) in &part.headers {
                has_type |= header.eq_ignore_ascii_case("content-type");
                push_header(&mut head, header, value);
            }
            if !has_type {
                if let Some(content_type) = part.content_type() {
                    push_header(&mut head, "Content-Type", content_type);
                }
            }
            head.extend_from_slice(b"\r\n\r\n");
            out.push_slice(&head);
            out.push(part.data);
            out.push_slice(b"\r\n");
        }
        head.clear();
        head.extend_from_slice(b"--");
        head.extend_from_slice(boundary.as_bytes());
        head.extend_from_slice(b"--\r\n");
        out.push_slice(&head);
        Ok(Body::from_segments(out.finish()))
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// `--BOUNDARY\r\nContent-Disposition: form-data; name="NAME"`.
fn start_part(out: &mut Vec<u8>, boundary: &str, name: &str) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"\r\nContent-Disposition: form-data; ");
    push_param(out, "name", name);
}

/// `\r\nNAME: VALUE`.
fn push_header(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
}

impl fmt::Debug for Multipart {
    /// Text fields as `(name, value length)`: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<(&str, usize)> = self
            .texts
            .iter()
            .map(|(name, value)| (name.as_str(), value.len()))
            .collect();
        f.debug_struct("Multipart")
            .field("texts", &texts)
            .field("files", &self.files)
            .field("boundary", &self.boundary)
            .field("error", &self.error)
            .finish()
    }
}

#[cfg(test)]
mod tests;

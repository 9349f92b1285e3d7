//! [`Part`]: one file-like field of a multipart form.

use std::fmt;
use std::io::Read;
use std::path::Path;

use bytes::Bytes;

use super::mime::guess_mime;
use crate::body::segment::Segment;
use crate::{Error, ErrorKind};

/// One field of a [`Multipart`](super::Multipart) form with its data: bytes, a file
/// (read when the request is sent) or a reader, plus an optional file name, media
/// type and extra headers.
///
/// Part headers follow httpx: `Content-Disposition: form-data; name="..."` (with
/// `; filename="..."` when the part has a file name), then the extra headers in the
/// order given, then `Content-Type` last. The `Content-Type` is the one given with
/// [`mime`](Part::mime), else guessed from the file name's extension; a part with no
/// file name and no `mime` has none. An extra `Content-Type` header replaces it.
///
/// ```
/// use xhttp_core::multipart::Part;
///
/// let part = Part::bytes("a,b\n1,2\n").file_name("data.csv");
/// assert_eq!(part.content_type(), Some("text/csv"));
/// assert_eq!(Part::bytes("x").content_type(), None);
/// ```
pub struct Part {
    pub(crate) data: Segment,
    pub(crate) file_name: Option<String>,
    mime: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) error: Option<Error>,
}

impl Part {
    fn new(data: Segment, file_name: Option<String>) -> Part {
        Part {
            data,
            file_name,
            mime: None,
            headers: Vec::new(),
            error: None,
        }
    }

    /// A part holding `data` (bytes or text), with no file name.
    pub fn bytes(data: impl Into<Bytes>) -> Part {
        Part::new(Segment::Bytes(data.into()), None)
    }

    /// A part read from `reader`, `length` bytes long when known (when not, the whole
    /// body is sent chunked). One-shot: a body holding it cannot be replayed. Read off
    /// the async runtime, as reader bodies are.
    pub fn reader(reader: impl Read + Send + 'static, length: Option<u64>) -> Part {
        Part::new(Segment::reader(Box::new(reader), length), None)
    }

    /// A part sending the file at `path`, named after the path's last component
    /// (`"upload"` when it has none; a name that is not UTF-8 is converted lossily).
    /// The file is opened when the request is sent, so the body can be replayed (a
    /// regular file: a pipe or a device is sent once, chunked); its size is read now
    /// and a file that changes size meanwhile fails the request.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidBody`] when the path does not exist or is a directory.
    pub fn file(path: impl AsRef<Path>) -> Result<Part, Error> {
        let path = path.as_ref();
        let segment = Segment::file(path)?;
        let name = path.file_name().map_or_else(
            || "upload".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
        Ok(Part::new(segment, Some(name)))
    }

    /// Sets the file name sent in `Content-Disposition` (and used to guess the media
    /// type).
    pub fn file_name(mut self, name: impl Into<String>) -> Part {
        self.file_name = Some(name.into());
        self
    }

    /// Sends no file name: no `filename` parameter and, unless [`mime`](Part::mime)
    /// is given, no `Content-Type` (as httpx with `filename=None`).
    pub fn without_file_name(mut self) -> Part {
        self.file_name = None;
        self
    }

    /// Sets the media type (`Content-Type`) instead of guessing it.
    pub fn mime(mut self, mime: impl Into<String>) -> Part {
        let mime = mime.into();
        if http::HeaderValue::from_str(&mime).is_err() {
            self.fail(format!(
                "invalid media type for a multipart part: {mime:?} holds control characters"
            ));
        }
        self.mime = Some(mime);
        self
    }

    /// Adds a header to the part, after `Content-Disposition` (a `Content-Type` given
    /// here replaces the part's own).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Part {
        let (name, value) = (name.into(), value.into());
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            self.fail(format!(
                "invalid header name for a multipart part: {name:?}"
            ));
        } else if http::HeaderValue::from_str(&value).is_err() {
            self.fail(format!(
                "invalid value for header '{name}' of a multipart part: it holds CR, LF \
                 or another control character"
            ));
        }
        self.headers.push((name, value));
        self
    }

    /// Keeps the first error, reported when the form is encoded.
    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::new(ErrorKind::InvalidBody).with_message(message));
        }
    }

    /// The `Content-Type` this part will be sent with, if any (see the type's docs).
    pub fn content_type(&self) -> Option<&str> {
        if let Some((_, value)) = self
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            return Some(value);
        }
        match (&self.mime, &self.file_name) {
            (Some(mime), _) => Some(mime),
            (None, Some(name)) => Some(guess_mime(name)),
            (None, None) => None,
        }
    }

    /// The size of the data, when known.
    pub fn length(&self) -> Option<u64> {
        self.data.size()
    }

    /// Whether a body holding this part can be replayed (bytes and regular files yes;
    /// readers, pipes and devices no).
    pub fn is_replayable(&self) -> bool {
        self.data.is_replayable()
    }

    /// A copy, unless the data is a reader.
    pub fn try_clone(&self) -> Option<Part> {
        Some(Part {
            data: self.data.try_clone()?,
            file_name: self.file_name.clone(),
            mime: self.mime.clone(),
            headers: self.headers.clone(),
            error: self.error.as_ref().map(crate::error::copy_error),
        })
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("data", &self.data)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type())
            .field("headers", &self.headers)
            .finish()
    }
}

//! A request body read with blocking I/O: a sequence of segments (bytes in memory,
//! files opened at send time, one-shot readers), walked in chunks.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Read};
use std::path::PathBuf;

use bytes::{Bytes, BytesMut};
use sync_wrapper::SyncWrapper;

use super::segment::{Segment, total_size};

/// How many bytes a reader body is read in at a time.
pub const READ_CHUNK: usize = 64 * 1024;

/// A body taken out of a [`Body`](crate::Body) with
/// [`take_reader`](crate::Body::take_reader), for a client to drive on a thread where
/// blocking is allowed: it may open and read files and read `io::Read`ers.
///
/// A file's size is read when the body is made; a file that is then shorter or longer
/// when it is sent makes [`read_chunk`](ReaderBody::read_chunk) fail (the length was
/// already announced). A reader given with a length is held to it the same way, and so
/// is the whole body to a length a caller's `Content-Length` header declared.
pub struct ReaderBody {
    segments: VecDeque<Segment>,
    length: Option<u64>,
    /// The bytes read so far, held to `length` when there is one.
    sent: u64,
    open: Option<Open>,
}

/// The segment being read.
struct Open {
    reader: SyncWrapper<Box<dyn Read + Send>>,
    expected: Option<u64>,
    read: u64,
    file: Option<PathBuf>,
}

impl Open {
    fn what(&self) -> String {
        match &self.file {
            Some(path) => format!("file '{}'", path.display()),
            None => "the body's reader".to_owned(),
        }
    }

    fn size_error(&self, more: bool) -> io::Error {
        let expected = self.expected.unwrap_or_default();
        let changed = if self.file.is_some() {
            "changed size since the body was made"
        } else {
            "does not hold the length it was given"
        };
        let found = if more {
            "more".to_owned()
        } else {
            self.read.to_string()
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} {changed}: {expected} bytes expected, {found} found",
                self.what()
            ),
        )
    }
}

impl ReaderBody {
    /// One reader of `length` bytes when known.
    pub(crate) fn new(reader: Box<dyn Read + Send>, length: Option<u64>) -> ReaderBody {
        ReaderBody::from_segments(vec![Segment::reader(reader, length)])
    }

    /// The segments in order; the length is known when every size is.
    pub(crate) fn from_segments(segments: Vec<Segment>) -> ReaderBody {
        let length = total_size(&segments);
        ReaderBody {
            segments: segments.into(),
            length,
            sent: 0,
            open: None,
        }
    }

    /// The exact length in bytes, when known.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether every segment can be sent again (no one-shot reader) and reading has not
    /// started.
    pub(crate) fn is_replayable(&self) -> bool {
        self.open.is_none() && self.segments.iter().all(Segment::is_replayable)
    }

    /// A copy to send again, when [`is_replayable`](Self::is_replayable).
    pub(crate) fn try_clone(&self) -> Option<ReaderBody> {
        if self.open.is_some() {
            return None;
        }
        let segments = self
            .segments
            .iter()
            .map(Segment::try_clone)
            .collect::<Option<VecDeque<_>>>()?;
        Some(ReaderBody {
            segments,
            length: self.length,
            sent: 0,
            open: None,
        })
    }

    /// Holds a body of unknown length to the `length` a caller declared.
    pub(crate) fn declare_length(&mut self, length: u64) {
        if self.length.is_none() {
            self.length = Some(length);
        }
    }

    /// Reads the next chunk of at most [`READ_CHUNK`] bytes; `None` at the end.
    /// This blocks (files are opened and read here): call it only where blocking is
    /// allowed.
    ///
    /// # Errors
    ///
    /// A file that cannot be opened or read, a reader's error, or a file, a reader or
    /// the whole body whose length differs from the one announced.
    pub fn read_chunk(&mut self) -> io::Result<Option<Bytes>> {
        let chunk = self.next_chunk()?;
        let Some(length) = self.length else {
            return Ok(chunk);
        };
        // Each segment of known size is checked on its own; this catches a declared
        // length over segments of unknown size.
        if let Some(chunk) = &chunk {
            self.sent = self.sent.saturating_add(chunk.len() as u64);
        }
        let wrong = match &chunk {
            Some(_) => self.sent > length,
            None => self.sent != length,
        };
        if wrong {
            let found = if chunk.is_some() {
                "more".to_owned()
            } else {
                self.sent.to_string()
            };
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the request body does not hold its declared length: {length} bytes \
                     expected, {found} found"
                ),
            ));
        }
        Ok(chunk)
    }

    fn next_chunk(&mut self) -> io::Result<Option<Bytes>> {
        loop {
            if let Some(open) = &mut self.open {
                if let Some(chunk) = read_open(open)? {
                    return Ok(Some(chunk));
                }
                self.open = None;
                continue;
            }
            let Some(segment) = self.segments.pop_front() else {
                return Ok(None);
            };
            match segment {
                Segment::Bytes(mut bytes) => {
                    if bytes.is_empty() {
                        continue;
                    }
                    if bytes.len() > READ_CHUNK {
                        let rest = bytes.split_off(READ_CHUNK);
                        self.segments.push_front(Segment::Bytes(rest));
                    }
                    return Ok(Some(bytes));
                }
                Segment::File { path, size } => {
                    let file = std::fs::File::open(&path).map_err(|error| {
                        io::Error::new(
                            error.kind(),
                            format!("cannot open file '{}': {error}", path.display()),
                        )
                    })?;
                    self.open = Some(Open {
                        reader: SyncWrapper::new(Box::new(file)),
                        expected: size,
                        read: 0,
                        file: Some(path),
                    });
                }
                Segment::Reader { reader, size } => {
                    self.open = Some(Open {
                        reader,
                        expected: size,
                        read: 0,
                        file: None,
                    });
                }
            }
        }
    }
}

/// The next chunk of the open segment; `None` at its end (checked against its size).
fn read_open(open: &mut Open) -> io::Result<Option<Bytes>> {
    let mut buffer = BytesMut::zeroed(READ_CHUNK);
    loop {
        match open.reader.get_mut().read(&mut buffer) {
            Ok(0) => {
                return match open.expected {
                    Some(expected) if expected != open.read => Err(open.size_error(false)),
                    _ => Ok(None),
                };
            }
            Ok(read) => {
                // A reader claiming more than the buffer holds is a broken reader.
                let read = read.min(buffer.len());
                open.read = open.read.saturating_add(read as u64);
                if open.expected.is_some_and(|expected| open.read > expected) {
                    return Err(open.size_error(true));
                }
                buffer.truncate(read);
                return Ok(Some(buffer.freeze()));
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                let what = open.what();
                return Err(io::Error::new(
                    error.kind(),
                    format!("reading {what} failed: {error}"),
                ));
            }
        }
    }
}

impl fmt::Debug for ReaderBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderBody")
            .field("length", &self.length)
            .field("segments", &self.segments)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::temp_file;

    fn read_all(body: &mut ReaderBody) -> io::Result<Vec<u8>> {
        let mut all = Vec::new();
        while let Some(chunk) = body.read_chunk()? {
            assert!(!chunk.is_empty() && chunk.len() <= READ_CHUNK);
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    }

    #[test]
    fn reads_in_chunks_until_the_end() {
        let data = vec![7u8; READ_CHUNK + 10];
        let mut body = ReaderBody::new(Box::new(io::Cursor::new(data)), None);
        assert_eq!(body.read_chunk().unwrap().unwrap().len(), READ_CHUNK);
        assert_eq!(body.read_chunk().unwrap().unwrap().len(), 10);
        assert!(body.read_chunk().unwrap().is_none());
    }

    #[test]
    fn walks_bytes_files_and_readers_in_order() {
        let path = temp_file("walk", &vec![b'f'; READ_CHUNK + 1]);
        let segments = vec![
            Segment::Bytes(Bytes::from(vec![b'a'; READ_CHUNK * 2 + 3])),
            Segment::file(&path).unwrap(),
            Segment::Bytes(Bytes::new()),
            Segment::reader(Box::new(io::Cursor::new(b"xyz".to_vec())), Some(3)),
        ];
        let mut body = ReaderBody::from_segments(segments);
        assert_eq!(body.length(), Some((READ_CHUNK * 3 + 7) as u64));
        assert!(!body.is_replayable());
        let all = read_all(&mut body).unwrap();
        std::fs::remove_file(&path).unwrap();
        let mut expected = vec![b'a'; READ_CHUNK * 2 + 3];
        expected.extend(vec![b'f'; READ_CHUNK + 1]);
        expected.extend_from_slice(b"xyz");
        assert_eq!(all, expected);
    }

    #[test]
    fn files_are_opened_at_send_time_so_they_replay() {
        let path = temp_file("replay", b"first");
        let body = ReaderBody::from_segments(vec![Segment::file(&path).unwrap()]);
        assert!(body.is_replayable());
        let mut copy = body.try_clone().expect("replayable");
        let mut body = body;
        assert_eq!(read_all(&mut body).unwrap(), b"first");
        assert_eq!(read_all(&mut copy).unwrap(), b"first");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_file_that_changed_size_is_an_error() {
        let path = temp_file("grow", b"12345");
        let mut longer = ReaderBody::from_segments(vec![Segment::file(&path).unwrap()]);
        let mut shorter = ReaderBody::from_segments(vec![Segment::file(&path).unwrap()]);
        std::fs::write(&path, b"1234567").unwrap();
        let error = read_all(&mut longer).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(error.to_string().contains("changed size"), "{error}");
        std::fs::write(&path, b"12").unwrap();
        let error = read_all(&mut shorter).unwrap_err();
        assert!(
            error.to_string().contains("5 bytes expected, 2 found"),
            "{error}"
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_missing_file_at_send_time_is_an_error_naming_it() {
        let path = temp_file("gone", b"x");
        let mut body = ReaderBody::from_segments(vec![Segment::file(&path).unwrap()]);
        std::fs::remove_file(&path).unwrap();
        let error = read_all(&mut body).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(error.to_string().contains("xhttp-core-gone"), "{error}");
    }

    #[test]
    fn a_reader_must_hold_its_announced_length() {
        let mut short = ReaderBody::new(Box::new(io::Cursor::new(b"ab".to_vec())), Some(3));
        assert!(read_all(&mut short).is_err());
        let mut long = ReaderBody::new(Box::new(io::Cursor::new(b"abcd".to_vec())), Some(3));
        assert!(read_all(&mut long).is_err());
        let mut unknown = ReaderBody::new(Box::new(io::Cursor::new(b"abcd".to_vec())), None);
        assert_eq!(read_all(&mut unknown).unwrap(), b"abcd");
    }

    #[test]
    fn a_declared_length_holds_the_whole_body() {
        let reader = |data: &[u8]| Segment::reader(Box::new(io::Cursor::new(data.to_vec())), None);
        let mut exact = ReaderBody::from_segments(vec![reader(b"ab"), reader(b"cd")]);
        exact.declare_length(4);
        assert_eq!(exact.length(), Some(4));
        assert_eq!(read_all(&mut exact).unwrap(), b"abcd");
        for declared in [3, 5] {
            let mut body = ReaderBody::from_segments(vec![reader(b"ab"), reader(b"cd")]);
            body.declare_length(declared);
            let error = read_all(&mut body).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidData);
            assert!(error.to_string().contains("declared length"), "{error}");
        }
    }

    #[test]
    fn a_directory_or_a_missing_path_is_refused_when_the_body_is_made() {
        let error = Segment::file(&std::env::temp_dir()).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidBody);
        let error = Segment::file(std::path::Path::new("/no/such/xhttp/file")).unwrap_err();
        assert!(error.to_string().contains("/no/such/xhttp/file"), "{error}");
    }
}

//! The pieces a segmented body is made of: bytes in memory, a file named by its path,
//! or a one-shot reader.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use sync_wrapper::SyncWrapper;

use crate::{Error, ErrorKind};

/// One piece of a segmented body (see [`ReaderBody`](super::ReaderBody)).
pub(crate) enum Segment {
    /// Bytes in memory: replayable.
    Bytes(Bytes),
    /// A file, opened only when the body is sent; `size` is the size it had when the
    /// body was made. A regular file (`Some` size) is replayable; a pipe or a device
    /// (`None`) is not: opened again it gives other bytes, or none.
    File { path: PathBuf, size: Option<u64> },
    /// A one-shot reader of `size` bytes when known.
    Reader {
        reader: SyncWrapper<Box<dyn Read + Send>>,
        size: Option<u64>,
    },
}

impl Segment {
    /// A file segment: the path is checked and its size read now (a `stat`, no read);
    /// the file is opened when the body is sent.
    pub(crate) fn file(path: &Path) -> Result<Segment, Error> {
        let metadata = std::fs::metadata(path).map_err(|error| {
            Error::new(ErrorKind::InvalidBody)
                .with_message(format!("cannot use file '{}' as a body", path.display()))
                .with_source(error)
        })?;
        if metadata.is_dir() {
            return Err(Error::new(ErrorKind::InvalidBody).with_message(format!(
                "cannot use '{}' as a body: it is a directory",
                path.display()
            )));
        }
        // A pipe or a device has no meaningful size: sent chunked, and once only.
        let size = metadata.is_file().then_some(metadata.len());
        Ok(Segment::File {
            path: path.to_path_buf(),
            size,
        })
    }

    /// A reader segment.
    pub(crate) fn reader(reader: Box<dyn Read + Send>, size: Option<u64>) -> Segment {
        Segment::Reader {
            reader: SyncWrapper::new(reader),
            size,
        }
    }

    /// The exact size in bytes, when known.
    pub(crate) fn size(&self) -> Option<u64> {
        match self {
            Segment::Bytes(bytes) => Some(bytes.len() as u64),
            Segment::File { size, .. } | Segment::Reader { size, .. } => *size,
        }
    }

    /// A copy for sending again; `None` for a reader, a pipe or a device.
    pub(crate) fn try_clone(&self) -> Option<Segment> {
        match self {
            Segment::Bytes(bytes) => Some(Segment::Bytes(bytes.clone())),
            Segment::File {
                path,
                size: Some(size),
            } => Some(Segment::File {
                path: path.clone(),
                size: Some(*size),
            }),
            Segment::File { size: None, .. } | Segment::Reader { .. } => None,
        }
    }

    /// Whether [`try_clone`](Segment::try_clone) gives a copy: bytes, or a regular file
    /// (whose size is known).
    pub(crate) fn is_replayable(&self) -> bool {
        match self {
            Segment::Bytes(_) | Segment::File { size: Some(_), .. } => true,
            Segment::File { size: None, .. } | Segment::Reader { .. } => false,
        }
    }
}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Bytes(bytes) => write!(f, "Bytes({})", bytes.len()),
            Segment::File { path, size } => f
                .debug_struct("File")
                .field("path", path)
                .field("size", size)
                .finish(),
            Segment::Reader { size, .. } => f.debug_struct("Reader").field("size", size).finish(),
        }
    }
}

/// The total size of `segments`, when every size is known (and the sum fits).
pub(crate) fn total_size<'a>(segments: impl IntoIterator<Item = &'a Segment>) -> Option<u64> {
    segments
        .into_iter()
        .try_fold(0u64, |total, segment| total.checked_add(segment.size()?))
}

/// Puts segments together, joining small in-memory pieces into one (so that the many
/// headers of a multipart body travel as few chunks).
#[derive(Debug, Default)]
pub(crate) struct SegmentsBuilder {
    segments: Vec<Segment>,
    pending: Vec<u8>,
}

/// In-memory data at least this long is kept as its own segment rather than copied.
const JOIN_LIMIT: usize = 8 * 1024;

impl SegmentsBuilder {
    /// Appends a copy of `bytes`.
    pub(crate) fn push_slice(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// Appends `bytes`, copied when short, kept as they are when long.
    pub(crate) fn push_bytes(&mut self, bytes: Bytes) {
        if bytes.len() < JOIN_LIMIT {
            self.push_slice(&bytes);
        } else {
            self.flush();
            self.segments.push(Segment::Bytes(bytes));
        }
    }

    /// Appends a file or a reader segment.
    pub(crate) fn push(&mut self, segment: Segment) {
        match segment {
            Segment::Bytes(bytes) => self.push_bytes(bytes),
            other => {
                self.flush();
                self.segments.push(other);
            }
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.segments.push(Segment::Bytes(Bytes::from(pending)));
        }
    }

    /// The segments, in order.
    pub(crate) fn finish(mut self) -> Vec<Segment> {
        self.flush();
        self.segments
    }
}

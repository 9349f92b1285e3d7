//! A request body read from a [`std::io::Read`].

use std::fmt;
use std::io::{self, Read};

use bytes::{Bytes, BytesMut};
use sync_wrapper::SyncWrapper;

/// How many bytes a reader body is read in at a time.
pub const READ_CHUNK: usize = 64 * 1024;

/// A reader taken out of a [`Body`](crate::Body) with
/// [`take_reader`](crate::Body::take_reader), for a client to drive on a thread where
/// blocking is allowed.
pub struct ReaderBody {
    reader: SyncWrapper<Box<dyn Read + Send>>,
    length: Option<u64>,
}

impl ReaderBody {
    pub(crate) fn new(reader: Box<dyn Read + Send>, length: Option<u64>) -> ReaderBody {
        ReaderBody {
            reader: SyncWrapper::new(reader),
            length,
        }
    }

    /// The announced length in bytes, when known.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Reads the next chunk of at most [`READ_CHUNK`] bytes; `None` at the end.
    /// This blocks: call it only where blocking is allowed.
    pub fn read_chunk(&mut self) -> io::Result<Option<Bytes>> {
        let mut buffer = BytesMut::zeroed(READ_CHUNK);
        loop {
            match self.reader.get_mut().read(&mut buffer) {
                Ok(0) => return Ok(None),
                Ok(read) => {
                    buffer.truncate(read);
                    return Ok(Some(buffer.freeze()));
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        }
    }
}

impl fmt::Debug for ReaderBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderBody")
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_chunks_until_the_end() {
        let data = vec![7u8; READ_CHUNK + 10];
        let mut body = ReaderBody::new(Box::new(io::Cursor::new(data)), None);
        assert_eq!(body.read_chunk().unwrap().unwrap().len(), READ_CHUNK);
        assert_eq!(body.read_chunk().unwrap().unwrap().len(), 10);
        assert!(body.read_chunk().unwrap().is_none());
    }
}

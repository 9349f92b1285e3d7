//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use bytes::Bytes;
use xhttp::Body;

/// A one-shot body of several chunks, produced on another thread so that reading it
/// really waits for each.
pub fn streamed<C: Into<Bytes>>(chunks: impl IntoIterator<Item = C> + Send + 'static) -> Body {
    let (sender, body) = xhttp::body_channel::channel(None);
    std::thread::spawn(move || {
        for chunk in chunks {
            if sender.send(Ok(chunk.into())).is_err() {
                return;
            }
        }
    });
    Body::from_stream(body)
}

/// Body helpers with one name per operation and a flavour each.
pub mod blocking_body {
    use bytes::Bytes;

    pub fn chunks(
        response: &mut xhttp::Response,
        size: Option<usize>,
    ) -> Result<Vec<Bytes>, xhttp::Error> {
        response.iter_bytes(size).collect()
    }

    pub fn raw_chunks(
        response: &mut xhttp::Response,
        size: Option<usize>,
    ) -> Result<Vec<Bytes>, xhttp::Error> {
        response.iter_raw(size).collect()
    }

    pub fn read(response: &mut xhttp::Response) -> Result<Bytes, xhttp::Error> {
        response.read()
    }

    pub fn close(response: &mut xhttp::Response) {
        response.close()
    }
}

pub mod async_body {
    use bytes::Bytes;
    use std::future::poll_fn;
    use std::pin::Pin;

    async fn collect(
        mut stream: xhttp::types::BytesStream<'_>,
    ) -> Result<Vec<Bytes>, xhttp::Error> {
        let mut out = Vec::new();
        while let Some(chunk) =
            poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut stream), cx)).await
        {
            out.push(chunk?);
        }
        Ok(out)
    }

    pub async fn chunks(
        response: &mut xhttp::AsyncResponse,
        size: Option<usize>,
    ) -> Result<Vec<Bytes>, xhttp::Error> {
        collect(response.bytes_stream(size)).await
    }

    pub async fn raw_chunks(
        response: &mut xhttp::AsyncResponse,
        size: Option<usize>,
    ) -> Result<Vec<Bytes>, xhttp::Error> {
        collect(response.raw_stream(size)).await
    }

    pub async fn read(response: &mut xhttp::AsyncResponse) -> Result<Bytes, xhttp::Error> {
        response.read().await
    }

    pub async fn close(response: &mut xhttp::AsyncResponse) {
        response.close().await
    }
}

/// A file under the temporary directory holding `contents`, deleted when dropped.
pub struct TempFile(pub std::path::PathBuf);

impl TempFile {
    /// A new file whose name contains `tag`.
    pub fn new(tag: &str, contents: &[u8]) -> TempFile {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "xhttp-test-{}-{}-{tag}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    /// The file's name (without its folder).
    pub fn name(&self) -> String {
        self.0.file_name().unwrap().to_str().unwrap().to_owned()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

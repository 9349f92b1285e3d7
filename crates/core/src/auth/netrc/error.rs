//! [`NetRcError`]: why a `.netrc` file could not be loaded.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why [`NetRcAuth`](super::NetRcAuth) could not load a `.netrc` file. (Its contents
/// never fail: parsing is lenient.)
#[derive(Debug)]
#[non_exhaustive]
pub enum NetRcError {
    /// Neither `NETRC` nor `HOME` (nor, on Windows, `USERPROFILE`) is set.
    NoHome,
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

impl fmt::Display for NetRcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetRcError::NoHome => {
                f.write_str("cannot locate a .netrc file: neither NETRC nor HOME is set")
            }
            NetRcError::Read { path, source } => {
                write!(
                    f,
                    "cannot read the .netrc file '{}': {source}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for NetRcError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NetRcError::NoHome => None,
            NetRcError::Read { source, .. } => Some(source),
        }
    }
}

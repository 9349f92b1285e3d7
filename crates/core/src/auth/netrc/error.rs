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
    /// The default file (`$HOME/.netrc`, on Unix) holds a password but another user
    /// owns it or its group or others have access to it: it is refused, as Python's
    /// `netrc` (which httpx uses) refuses it. `chmod 600` the file (and `chown` it when
    /// it is another user's).
    Insecure {
        /// The file.
        path: PathBuf,
        /// Its permission bits (`st_mode & 0o7777`).
        mode: u32,
        /// Whether another user owns it.
        foreign_owner: bool,
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
            NetRcError::Insecure {
                path,
                foreign_owner: true,
                ..
            } => write!(
                f,
                "refusing the .netrc file '{0}': it holds passwords but belongs to another \
                 user; make it yours and private to you (chown \"$USER\" '{0}' && chmod 600 \
                 '{0}')",
                path.display()
            ),
            NetRcError::Insecure { path, mode, .. } => write!(
                f,
                "refusing the .netrc file '{0}': it holds passwords but its permissions \
                 ({mode:04o}) give other users access; make it private to you (chmod 600 \
                 '{0}')",
                path.display()
            ),
        }
    }
}

impl std::error::Error for NetRcError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NetRcError::NoHome | NetRcError::Insecure { .. } => None,
            NetRcError::Read { source, .. } => Some(source),
        }
    }
}

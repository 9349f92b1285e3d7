//! [`NetRcAuth`]: Basic credentials looked up in a `.netrc` file by host.

mod error;
mod parse;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::NetRcError;
pub use parse::{NetRc, NetRcEntry};

use super::{Auth, AuthFlow, BasicAuth};
use crate::env::Env;
use crate::{Error, Request};

/// Basic credentials from a `.netrc` file, looked up by the request's host (falling
/// back to the `default` entry), as httpx's `NetRCAuth`. A host without an entry, or
/// whose entry has an empty password, gets no `Authorization` header.
///
/// The file is read once, when the `NetRcAuth` is created (a blocking read: create it
/// at start-up, not on an async task's hot path); requests never touch the file system.
///
/// ```
/// use xhttp_core::auth::{AuthDriver, NetRcAuth};
/// use xhttp_core::{Request, Url};
///
/// let auth = NetRcAuth::from_text("machine example.com login alice password wonder");
/// let mut request = Request::new(http::Method::GET, Url::parse("https://example.com/")?);
/// AuthDriver::new(&auth).start(&mut request)?;
/// assert_eq!(request.headers().get("authorization").unwrap(), "Basic YWxpY2U6d29uZGVy");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone)]
pub struct NetRcAuth {
    netrc: Arc<NetRc>,
}

impl NetRcAuth {
    /// Reads the file named by `NETRC`, else `$HOME/.netrc` (`%USERPROFILE%\.netrc`
    /// when `HOME` is unset), in the process environment.
    pub fn load() -> Result<NetRcAuth, NetRcError> {
        NetRcAuth::from_env(&Env::process())
    }

    /// Reads the file named by `NETRC`, else `$HOME/.netrc` (`%USERPROFILE%\.netrc`
    /// when `HOME` is unset), looked up in `env`.
    pub fn from_env(env: &Env) -> Result<NetRcAuth, NetRcError> {
        NetRcAuth::from_path(default_path(env)?)
    }

    /// Reads the `.netrc` file at `path` (bytes that are not UTF-8 are replaced).
    pub fn from_path(path: impl AsRef<Path>) -> Result<NetRcAuth, NetRcError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| NetRcError::Read {
            path: path.to_owned(),
            source,
        })?;
        Ok(NetRcAuth::from_text(&String::from_utf8_lossy(&bytes)))
    }

    /// Parses `text` as a `.netrc` file.
    pub fn from_text(text: &str) -> NetRcAuth {
        NetRcAuth::new(NetRc::parse(text))
    }

    /// Uses an already parsed [`NetRc`].
    pub fn new(netrc: NetRc) -> NetRcAuth {
        NetRcAuth {
            netrc: Arc::new(netrc),
        }
    }

    /// The parsed file.
    pub fn netrc(&self) -> &NetRc {
        &self.netrc
    }
}

/// `NETRC`, else `HOME/.netrc`, else `USERPROFILE/.netrc`; empty values count as unset.
fn default_path(env: &Env) -> Result<PathBuf, NetRcError> {
    let var = |name: &str| env.var(name).filter(|value| !value.is_empty());
    if let Some(path) = var("NETRC") {
        return Ok(PathBuf::from(path));
    }
    var("HOME")
        .or_else(|| var("USERPROFILE"))
        .map(|home| Path::new(&home).join(".netrc"))
        .ok_or(NetRcError::NoHome)
}

impl Auth for NetRcAuth {
    fn flow(&self) -> Box<dyn AuthFlow> {
        Box::new(NetRcFlow {
            netrc: Arc::clone(&self.netrc),
        })
    }
}

struct NetRcFlow {
    netrc: Arc<NetRc>,
}

impl AuthFlow for NetRcFlow {
    fn authenticate(&mut self, request: &mut Request) -> Result<(), Error> {
        let url = request.url();
        let entry = self
            .netrc
            .get(&url.raw_host())
            .or_else(|| self.netrc.get(&url.host()));
        let Some(entry) = entry.filter(|entry| !entry.password().is_empty()) else {
            return Ok(());
        };
        let value = BasicAuth::new(entry.login(), entry.password()).header_value()?;
        request
            .headers_mut()
            .as_map_mut()
            .insert(http::header::AUTHORIZATION, value);
        Ok(())
    }
}

impl fmt::Debug for NetRcAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetRcAuth")
            .field("machines", &self.netrc.machines_len())
            .field("default", &self.netrc.has_default())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_driver::{authorization, exchange, get};

    fn header_for(auth: &NetRcAuth, url: &str) -> Option<String> {
        let (sent, _) = exchange(auth, get(url), |_| {
            (http::StatusCode::OK, crate::Headers::new())
        })
        .unwrap();
        authorization(&sent[0])
    }

    #[test]
    fn host_then_default_and_no_header_without_a_password() {
        let auth = NetRcAuth::from_text(
            "machine example.com login user password pass\n\
             machine nopass.com login user\n\
             default login anon password guest\n",
        );
        assert_eq!(
            header_for(&auth, "http://example.com:8080/x").as_deref(),
            Some("Basic dXNlcjpwYXNz")
        );
        assert_eq!(header_for(&auth, "http://nopass.com/"), None);
        assert_eq!(
            header_for(&auth, "http://other.org/").as_deref(),
            Some("Basic YW5vbjpndWVzdA==")
        );
        let no_default = NetRcAuth::from_text("machine example.com login u password p");
        assert_eq!(header_for(&no_default, "http://other.org/"), None);
    }

    #[test]
    fn the_path_comes_from_netrc_then_home() {
        let netrc = Env::from_pairs([("NETRC", "/x/netrc"), ("HOME", "/home/u")]);
        assert_eq!(default_path(&netrc).unwrap(), PathBuf::from("/x/netrc"));
        let home = Env::from_pairs([("NETRC", ""), ("HOME", "/home/u")]);
        assert_eq!(
            default_path(&home).unwrap(),
            Path::new("/home/u").join(".netrc")
        );
        assert!(matches!(
            default_path(&Env::empty()),
            Err(NetRcError::NoHome)
        ));
    }

    #[test]
    fn the_file_is_read_when_created() {
        let dir = std::env::temp_dir().join(format!("xhttp-netrc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(".netrc");
        std::fs::write(&file, "machine h login u password p\n").unwrap();
        let auth =
            NetRcAuth::from_env(&Env::from_pairs([("HOME", dir.to_str().unwrap())])).unwrap();
        std::fs::remove_file(&file).unwrap();
        assert_eq!(
            header_for(&auth, "http://h/").as_deref(),
            Some("Basic dTpw")
        );

        let error = NetRcAuth::from_path(&file).unwrap_err();
        assert!(matches!(error, NetRcError::Read { .. }), "{error:?}");
        assert!(error.to_string().contains(".netrc"), "{error}");
        assert!(std::error::Error::source(&error).is_some());
        let _ = std::fs::remove_dir(&dir);
    }

    #[test]
    fn debug_never_shows_credentials() {
        let auth = NetRcAuth::from_text("machine h login u password hunter2");
        let text = format!("{auth:?}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}

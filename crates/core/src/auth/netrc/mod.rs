//! [`NetRcAuth`]: Basic credentials looked up in a `.netrc` file by host.

mod error;
mod parse;

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::NetRcError;
pub use parse::{NetRc, NetRcEntry};

use super::{Auth, AuthFlow, BasicAuth};
use crate::env::Env;
use crate::{Error, Request};

/// Basic credentials from a `.netrc` file, looked up by the request's host (its
/// `machine` entry under the ASCII (punycode) spelling, else under the Unicode one,
/// else the `default` entry), as httpx's `NetRCAuth`. A host without an entry, or
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
    ///
    /// On Unix, `$HOME/.netrc` (not a file named by `NETRC`) is refused with
    /// [`NetRcError::Insecure`] when it holds a password and another user owns it or
    /// its group or others have any access to it, as Python's `netrc` (and so httpx).
    pub fn load() -> Result<NetRcAuth, NetRcError> {
        NetRcAuth::from_env(&Env::process())
    }

    /// Reads the file named by `NETRC`, else `$HOME/.netrc` (`%USERPROFILE%\.netrc`
    /// when `HOME` is unset), looked up in `env`; on Unix, an insecure `$HOME/.netrc`
    /// is refused as by [`load`](NetRcAuth::load).
    pub fn from_env(env: &Env) -> Result<NetRcAuth, NetRcError> {
        let (path, source) = default_path(env)?;
        let (netrc, metadata) = read(&path)?;
        if source == PathSource::Home && netrc.has_password() {
            check_private(&path, &metadata)?;
        }
        Ok(NetRcAuth::new(netrc))
    }

    /// Reads the `.netrc` file at `path` (bytes that are not UTF-8 are replaced). Its
    /// permissions are not checked: the caller chose the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<NetRcAuth, NetRcError> {
        let (netrc, _) = read(path.as_ref())?;
        Ok(NetRcAuth::new(netrc))
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

/// Where the path of the `.netrc` file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathSource {
    /// The `NETRC` variable: a file the user chose.
    Variable,
    /// The home directory: the default file, whose permissions are checked.
    Home,
}

/// `NETRC`, else `HOME/.netrc`, else `USERPROFILE/.netrc`; empty values count as unset.
fn default_path(env: &Env) -> Result<(PathBuf, PathSource), NetRcError> {
    let var = |name: &str| env.var(name).filter(|value| !value.is_empty());
    if let Some(path) = var("NETRC") {
        return Ok((PathBuf::from(path), PathSource::Variable));
    }
    var("HOME")
        .or_else(|| var("USERPROFILE"))
        .map(|home| (Path::new(&home).join(".netrc"), PathSource::Home))
        .ok_or(NetRcError::NoHome)
}

/// The parsed file at `path` and the metadata of the file that was read.
fn read(path: &Path) -> Result<(NetRc, std::fs::Metadata), NetRcError> {
    let error = |source| NetRcError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(error)?;
    let metadata = file.metadata().map_err(error)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(error)?;
    Ok((NetRc::parse(&String::from_utf8_lossy(&bytes)), metadata))
}

/// Python's `netrc` check of the default file (on POSIX): another user must not own it,
/// and its group and others must have no access (`mode & 0o077 == 0`).
#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata) -> Result<(), NetRcError> {
    use std::os::unix::fs::MetadataExt as _;
    check_owner_and_mode(path, metadata.mode(), metadata.uid(), current_user())
}

/// Elsewhere there is no such check (as Python's `netrc`).
#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), NetRcError> {
    Ok(())
}

/// The check of [`check_private`] on the facts: the file's `mode` and `owner`, and the
/// user running xhttp (`None` when unknown: then only the mode is checked).
#[cfg(unix)]
fn check_owner_and_mode(
    path: &Path,
    mode: u32,
    owner: u32,
    current_user: Option<u32>,
) -> Result<(), NetRcError> {
    let foreign_owner = current_user.is_some_and(|user| user != owner);
    if foreign_owner || mode & 0o077 != 0 {
        return Err(NetRcError::Insecure {
            path: path.to_owned(),
            mode: mode & 0o7777,
            foreign_owner,
        });
    }
    Ok(())
}

/// The (effective) user id of this process, read from the owner of `/proc/self`; `None`
/// where there is no `/proc` (the owner is then not checked). The standard library has
/// no `getuid`, and this crate no `unsafe` nor `libc`. Root is `None` too: a process
/// that is not dumpable (setuid, capabilities) shows a root-owned `/proc/self` whoever
/// runs it, and root reads any file anyway; only the mode is checked then.
#[cfg(unix)]
fn current_user() -> Option<u32> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self")
        .ok()
        .map(|metadata| metadata.uid())
        .filter(|&uid| uid != 0)
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
        // Both spellings of the host before `default`: a Unicode-spelled machine must not
        // be hidden by `default` matching the punycode spelling.
        let entry = self
            .netrc
            .machine(&url.raw_host())
            .or_else(|| self.netrc.machine(&url.host()))
            .or_else(|| self.netrc.default_entry());
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
    fn a_unicode_machine_is_not_hidden_by_default() {
        let auth = NetRcAuth::from_text(
            "machine münchen.de login u password p\n\
             default login anon password guest\n",
        );
        assert_eq!(
            header_for(&auth, "http://münchen.de/").as_deref(),
            Some("Basic dTpw")
        );
        assert_eq!(
            header_for(&auth, "http://xn--mnchen-3ya.de/").as_deref(),
            Some("Basic dTpw")
        );
        let punycode = NetRcAuth::from_text(
            "default login anon password guest\n\
             machine xn--mnchen-3ya.de login u password p\n",
        );
        assert_eq!(
            header_for(&punycode, "http://münchen.de/").as_deref(),
            Some("Basic dTpw")
        );
        assert_eq!(
            header_for(&auth, "http://other.de/").as_deref(),
            Some("Basic YW5vbjpndWVzdA==")
        );
    }

    #[test]
    fn the_path_comes_from_netrc_then_home() {
        let netrc = Env::from_pairs([("NETRC", "/x/netrc"), ("HOME", "/home/u")]);
        assert_eq!(
            default_path(&netrc).unwrap(),
            (PathBuf::from("/x/netrc"), PathSource::Variable)
        );
        let home = Env::from_pairs([("NETRC", ""), ("HOME", "/home/u")]);
        assert_eq!(
            default_path(&home).unwrap(),
            (Path::new("/home/u").join(".netrc"), PathSource::Home)
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
        make_private(&file);
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

    /// Gives `file` mode 0600 (on Unix; a no-op elsewhere).
    fn make_private(file: &Path) {
        set_mode(file, 0o600);
    }

    #[cfg(unix)]
    fn set_mode(file: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(not(unix))]
    fn set_mode(_file: &Path, _mode: u32) {}

    #[cfg(unix)]
    #[test]
    fn an_insecure_default_file_with_a_password_is_refused() {
        let dir = std::env::temp_dir().join(format!("xhttp-netrc-insecure-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(".netrc");
        let home = Env::from_pairs([("HOME", dir.to_str().unwrap())]);
        std::fs::write(&file, "machine h login u password hunter2\n").unwrap();
        for mode in [0o644, 0o640, 0o604, 0o610, 0o666] {
            set_mode(&file, mode);
            let error = NetRcAuth::from_env(&home).unwrap_err();
            assert!(
                matches!(error, NetRcError::Insecure { mode: m, foreign_owner: false, .. } if m == mode),
                "{error:?}"
            );
            let text = format!("{error} {error:?}");
            assert!(text.contains(&file.display().to_string()), "{text}");
            assert!(text.contains("chmod 600"), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
            // A file the user names is theirs to judge, as Python's `netrc(file)`.
            assert!(NetRcAuth::from_path(&file).is_ok());
            let named = Env::from_pairs([("NETRC", file.to_str().unwrap())]);
            assert!(NetRcAuth::from_env(&named).is_ok());
        }
        set_mode(&file, 0o600);
        assert!(NetRcAuth::from_env(&home).is_ok());
        set_mode(&file, 0o400);
        assert!(NetRcAuth::from_env(&home).is_ok());
        // Without a password there is nothing to protect.
        std::fs::write(&file, "machine h login u\ndefault login anonymous\n").unwrap();
        set_mode(&file, 0o644);
        assert!(NetRcAuth::from_env(&home).is_ok());
        std::fs::remove_file(&file).unwrap();
        let _ = std::fs::remove_dir(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn another_users_default_file_is_refused() {
        let path = Path::new("/home/u/.netrc");
        assert!(check_owner_and_mode(path, 0o100600, 1000, Some(1000)).is_ok());
        assert!(check_owner_and_mode(path, 0o100600, 1000, None).is_ok());
        let error = check_owner_and_mode(path, 0o100600, 0, Some(1000)).unwrap_err();
        assert!(
            matches!(
                error,
                NetRcError::Insecure {
                    foreign_owner: true,
                    mode: 0o600,
                    ..
                }
            ),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.contains("/home/u/.netrc") && text.contains("another user"),
            "{text}"
        );
        let error = check_owner_and_mode(path, 0o100700, 1000, Some(1000));
        assert!(error.is_ok(), "the owner's own bits are fine: {error:?}");
        let error = check_owner_and_mode(path, 0o100601, 1000, Some(1000)).unwrap_err();
        assert!(error.to_string().contains("0601"), "{error}");
    }

    #[test]
    fn debug_never_shows_credentials() {
        let auth = NetRcAuth::from_text("machine h login u password hunter2");
        let text = format!("{auth:?}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}

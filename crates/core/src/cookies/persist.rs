//! Saving a jar to JSON and loading it back, for scripts that keep a login between
//! runs.
//!
//! The format is xhttp's own, one JSON document:
//! `{"version": 1, "any_host": [{"name", "value", "path"}...], "cookies": [...]}`, where
//! each entry of `cookies` is `cookie_store`'s serde form of one cookie (its
//! `Set-Cookie` text, path, domain and expiry).
//!
//! A loaded file is checked as strictly as the cookies a server sends: a file is data,
//! and a hand-edited or planted one must not give a cookie to a whole top-level domain.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use cookie_store::CookieDomain;
use serde::{Deserialize, Serialize};

use super::any_host::AnyHostCookie;
use super::collection::{Cookies, check_name, check_value};
use super::extract::acceptable_domain;
use crate::{Error, ErrorKind};

const VERSION: u32 = 1;

/// The largest cookie file [`Cookies::load_from_path`] reads: 16 MiB.
const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    any_host: &'a [AnyHostCookie],
    cookies: Vec<cookie_store::Cookie<'static>>,
}

#[derive(Deserialize)]
struct FileIn {
    version: u32,
    #[serde(default)]
    any_host: Vec<AnyHostCookie>,
    #[serde(default)]
    cookies: Vec<cookie_store::Cookie<'static>>,
}

impl Cookies {
    /// Writes every unexpired cookie as JSON, **session cookies included** (a script's
    /// session spans its runs), and the cookies valid for any host. The output is
    /// buffered here and flushed before returning.
    ///
    /// The file holds the values in clear: it must not be readable by other users
    /// (mode `0600` on Unix). [`save_to_path`](Self::save_to_path) takes care of that
    /// and replaces the file atomically; prefer it to handing a `File` in here.
    ///
    /// A cookie that [`load_json`](Self::load_json) would refuse is left out, so that
    /// a saved file always loads: one whose name holds white space, or whose `Domain`
    /// has a single label (`Domain=intranet`, kept from the host `intranet` itself,
    /// cannot be told apart from `Domain=com` once the host is gone).
    ///
    /// An I/O failure, of a write or of the final flush, is a `Write` error.
    ///
    /// ```
    /// use xhttp_core::cookies::Cookies;
    ///
    /// let mut cookies = Cookies::new();
    /// cookies.set("session", "abc", "example.org", "/")?;
    /// let mut file = Vec::new();
    /// cookies.save_json(&mut file)?;
    /// let loaded = Cookies::load_json(file.as_slice())?;
    /// assert_eq!(loaded.get("session", None, None)?.as_deref(), Some("abc"));
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn save_json(&self, writer: impl Write) -> Result<(), Error> {
        let file = FileOut {
            version: VERSION,
            any_host: &self.any_host,
            cookies: self
                .store
                .iter_unexpired()
                .map(|cookie| narrowed(cookie.clone()))
                .filter(|cookie| store_cookie_problem(cookie).is_none())
                .collect(),
        };
        let write_error = |error: Box<dyn std::error::Error + Send + Sync>| {
            Error::new(ErrorKind::Write)
                .with_message("could not write the cookies")
                .with_source(error)
        };
        let mut writer = BufWriter::new(writer);
        serde_json::to_writer_pretty(&mut writer, &file).map_err(|e| write_error(e.into()))?;
        writer.flush().map_err(|e| write_error(e.into()))
    }

    /// Reads cookies written by [`save_json`](Self::save_json) (through a buffer); those
    /// that have expired since are left out.
    ///
    /// Every cookie is checked as one from a server would be, and **one bad entry
    /// makes the whole load fail** (a file is not trusted piecemeal): a name or value
    /// that [`set`](Self::set) would refuse, or a cookie with no domain or a malformed
    /// one. The error is a `Decoding` error naming the entry's position in `cookies`
    /// and its domain, never its value. A domain cookie whose domain only that host
    /// itself could give (`localhost`; or `com`, `co.uk`, which no server may set: see
    /// the [module docs](super)) is kept for that host alone, never for the hosts
    /// under it.
    ///
    /// An I/O failure is a `Read` error; a document that is not such a file is a
    /// `Decoding` error naming the line and column (never a cookie value).
    ///
    /// ```
    /// use xhttp_core::cookies::Cookies;
    /// use xhttp_core::url::Url;
    /// use xhttp_core::ErrorKind;
    ///
    /// let file = r#"{"version":1,"cookies":[{"raw_cookie":"a=1; Path=/",
    ///     "path":["/",true],"domain":{"Suffix":"com"},"expires":"SessionEnd"}]}"#;
    /// let loaded = Cookies::load_json(file.as_bytes())?;
    /// assert!(loaded.header_for(&Url::parse("https://bank.com/")?).is_none());
    ///
    /// let file = r#"{"version":1,"cookies":[{"raw_cookie":"a=1; Path=/",
    ///     "path":["/",true],"domain":"Empty","expires":"SessionEnd"}]}"#;
    /// let error = Cookies::load_json(file.as_bytes()).unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Decoding);
    /// assert!(error.to_string().contains("entry 0 (domain '')"));
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn load_json(reader: impl Read) -> Result<Cookies, Error> {
        let file: FileIn = serde_json::from_reader(BufReader::new(reader)).map_err(|error| {
            if error.is_io() {
                return Error::new(ErrorKind::Read)
                    .with_message("could not read the cookies")
                    .with_source(error);
            }
            // serde's message may quote the cookie text: give the position only.
            decoding(format!(
                "not a cookie file of xhttp ({:?} error at line {}, column {})",
                error.classify(),
                error.line(),
                error.column()
            ))
        })?;
        if file.version != VERSION {
            return Err(decoding(format!(
                "cookie file version {} is not supported (expected {VERSION})",
                file.version
            )));
        }
        for cookie in &file.any_host {
            check_name(&cookie.name)
                .and_then(|()| check_value(&cookie.value))
                .map_err(|_| decoding("the cookie file holds a bad name or value".to_owned()))?;
            if !cookie.path.starts_with('/') {
                return Err(decoding("the cookie file holds a bad path".to_owned()));
            }
        }
        // Expired entries are dropped unread (whatever they hold); a domain cookie of a
        // domain only its own host could give is kept for that host alone.
        let file_cookies: Vec<_> = file
            .cookies
            .into_iter()
            .filter(|cookie| !cookie.is_expired())
            .map(narrowed)
            .collect();
        for (index, cookie) in file_cookies.iter().enumerate() {
            if let Some(problem) = store_cookie_problem(cookie) {
                let domain = match &cookie.domain {
                    CookieDomain::HostOnly(domain) | CookieDomain::Suffix(domain) => {
                        domain.as_str()
                    }
                    CookieDomain::NotPresent | CookieDomain::Empty => "",
                };
                return Err(decoding(format!(
                    "the cookie file's entry {index} (domain '{}') is refused: {problem}",
                    domain.escape_debug()
                )));
            }
        }
        let cookies = file_cookies
            .into_iter()
            .map(Ok::<_, std::convert::Infallible>);
        let store = match cookie_store::CookieStore::from_cookies(cookies, false) {
            Ok(store) => store,
            Err(never) => match never {},
        };
        Ok(Cookies {
            store,
            any_host: file.any_host,
        })
    }

    /// Saves the jar to the file at `path` as [`save_json`](Self::save_json) does,
    /// safely: the JSON goes to a new temporary file in the same directory (created
    /// with mode `0600` on Unix, readable by its owner only), is flushed and synced to
    /// disk, then renamed over `path` in one step. A reader never sees half a file, and
    /// a failed save leaves `path` as it was and no temporary file behind.
    ///
    /// A failure is a `Write` error naming the path.
    ///
    /// ```no_run
    /// use xhttp_core::cookies::Cookies;
    ///
    /// let mut cookies = Cookies::new();
    /// cookies.set("session", "abc", "example.org", "/")?;
    /// cookies.save_to_path("cookies.json")?;
    /// let loaded = Cookies::load_from_path("cookies.json")?;
    /// assert_eq!(loaded.len(), 1);
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn save_to_path(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = path.as_ref();
        let io_error = |what: &str, error: std::io::Error| {
            Error::new(ErrorKind::Write)
                .with_message(format!(
                    "could not save the cookies to '{}' ({what})",
                    path.display()
                ))
                .with_source(error)
        };
        let file_name = path.file_name().ok_or_else(|| {
            Error::new(ErrorKind::Write).with_message(format!(
                "could not save the cookies to '{}': not a file name",
                path.display()
            ))
        })?;
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        // A name left by a run that crashed (the pid repeats, in containers) is passed
        // over: a few more names are tried before giving up.
        let mut attempt = 0;
        let (temporary, mut file) = loop {
            let mut temporary_name = std::ffi::OsString::from(".");
            temporary_name.push(file_name);
            temporary_name.push(format!(
                ".{}-{}.tmp",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            let temporary = path.with_file_name(temporary_name);
            match options.open(&temporary) {
                Ok(file) => break (temporary, file),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => {
                    attempt += 1;
                }
                Err(error) => return Err(io_error("creating a temporary file", error)),
            }
        };
        let written = self.save_json(&mut file).and_then(|()| {
            file.sync_all()
                .map_err(|error| io_error("syncing the file", error))
        });
        drop(file);
        let renamed = written.and_then(|()| {
            fs::rename(&temporary, path).map_err(|error| io_error("renaming the file", error))
        });
        if renamed.is_err() {
            let _ = fs::remove_file(&temporary);
            return renamed;
        }
        // Make the rename itself durable (best effort: not every system can sync a
        // directory).
        #[cfg(unix)]
        if let Some(directory) = path.parent() {
            let directory = if directory.as_os_str().is_empty() {
                Path::new(".")
            } else {
                directory
            };
            if let Ok(directory) = File::open(directory) {
                let _ = directory.sync_all();
            }
        }
        Ok(())
    }

    /// Loads a file written by [`save_to_path`](Self::save_to_path) (or
    /// [`save_json`](Self::save_json)), with the checks of
    /// [`load_json`](Self::load_json). A file larger than 16 MiB is refused with a
    /// `Decoding` error before it is parsed; an I/O failure is a `Read` error naming
    /// the path.
    pub fn load_from_path(path: impl AsRef<Path>) -> Result<Cookies, Error> {
        let path = path.as_ref();
        let read_error = |error: std::io::Error| {
            Error::new(ErrorKind::Read)
                .with_message(format!(
                    "could not read the cookies from '{}'",
                    path.display()
                ))
                .with_source(error)
        };
        let too_large = || {
            decoding(format!(
                "the cookie file '{}' is larger than {} MiB",
                path.display(),
                MAX_FILE_SIZE / (1024 * 1024)
            ))
        };
        let file = File::open(path).map_err(read_error)?;
        if file.metadata().map_err(read_error)?.len() > MAX_FILE_SIZE {
            return Err(too_large());
        }
        // The size may change between the check and the read: the cap holds anyway.
        let mut bytes = Vec::new();
        BufReader::new(file)
            .take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        if bytes.len() as u64 > MAX_FILE_SIZE {
            return Err(too_large());
        }
        Cookies::load_json(bytes.as_slice())
    }
}

/// Why a cookie of the RFC store may not come from a file, or `None` when it may: its
/// name and value must pass [`Cookies::set`]'s checks, and its domain must be one a
/// `Set-Cookie` could have given (a host-only cookie's domain judged as its own host).
/// The reason never quotes the value.
pub(super) fn store_cookie_problem(cookie: &cookie_store::Cookie<'_>) -> Option<&'static str> {
    if check_name(cookie.name()).is_err() {
        return Some("a bad cookie name");
    }
    if check_value(cookie.value()).is_err() {
        return Some("a bad cookie value");
    }
    let (domain, host_only) = match &cookie.domain {
        CookieDomain::HostOnly(domain) => (domain.as_str(), true),
        CookieDomain::Suffix(domain) => (domain.as_str(), false),
        CookieDomain::NotPresent | CookieDomain::Empty => return Some("no domain"),
    };
    if domain.is_empty() || domain.trim() != domain || domain.starts_with('.') {
        return Some("a malformed domain");
    }
    if host_only && is_ip_address(domain) {
        return None;
    }
    let host = host_only.then_some(domain);
    if !acceptable_domain(domain, host) {
        return Some("a domain no Set-Cookie could give");
    }
    None
}

/// A domain cookie whose domain no `Set-Cookie` from another host could give
/// (`Domain=localhost`, kept from `localhost` itself, or `.localhost` set by hand) as a
/// host-only cookie of that domain: saved and loaded for exactly that host, a narrower
/// scope, instead of dropped or refused. Other cookies are unchanged.
fn narrowed(mut cookie: cookie_store::Cookie<'static>) -> cookie_store::Cookie<'static> {
    if let CookieDomain::Suffix(domain) = &cookie.domain {
        let well_formed =
            !domain.is_empty() && domain.trim() == domain.as_str() && !domain.starts_with('.');
        if well_formed && !acceptable_domain(domain, None) {
            cookie.domain = CookieDomain::HostOnly(domain.clone());
        }
    }
    cookie
}

/// An IPv4 address or a (bracketed) IPv6 address, as a URL's host is written.
fn is_ip_address(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|host| host.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>().is_ok()
}

fn decoding(message: String) -> Error {
    Error::new(ErrorKind::Decoding).with_message(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::Url;

    fn extract(cookies: &mut Cookies, url: &str, values: &[&str]) {
        let mut headers = http::HeaderMap::new();
        for value in values {
            headers.append(http::header::SET_COOKIE, value.parse().unwrap());
        }
        cookies.extract_from(&Url::parse(url).unwrap(), &headers);
    }

    #[test]
    fn a_round_trip_keeps_every_rule() {
        let mut cookies = Cookies::new();
        extract(
            &mut cookies,
            "https://www.example.org/app/page",
            &[
                "host=1",
                "dom=2; Domain=example.org; Path=/",
                "sec=3; Secure; Path=/; Max-Age=3600",
                "gone=4; Max-Age=0",
            ],
        );
        cookies.set("any", "5", "", "/").unwrap();
        let mut file = Vec::new();
        cookies.save_json(&mut file).unwrap();
        let loaded = Cookies::load_json(file.as_slice()).unwrap();
        assert_eq!(loaded.len(), 4);
        for url in [
            "https://www.example.org/app/x",
            "http://www.example.org/app/x",
            "https://sub.example.org/",
            "http://elsewhere.net/",
        ] {
            let url = Url::parse(url).unwrap();
            assert_eq!(cookies.header_for(&url), loaded.header_for(&url), "{url}");
        }
        let header = |url: &str| {
            let value = loaded.header_for(&Url::parse(url).unwrap()).unwrap();
            value.to_str().unwrap().to_owned()
        };
        assert_eq!(
            header("https://www.example.org/app/x"),
            "host=1; sec=3; dom=2; any=5"
        );
        assert_eq!(
            header("http://www.example.org/app/x"),
            "host=1; dom=2; any=5"
        );
        assert_eq!(header("https://sub.example.org/"), "dom=2; any=5");
    }

    #[test]
    fn expired_cookies_are_not_loaded() {
        let file = r#"{"version":1,"cookies":[{"raw_cookie":"old=1; Path=/",
            "path":["/",true],"domain":{"HostOnly":"h.org"},
            "expires":{"AtUtc":"2000-01-01T00:00:00Z"}}]}"#;
        let loaded = Cookies::load_json(file.as_bytes()).unwrap();
        assert!(loaded.is_empty());
    }

    #[test]
    fn a_bad_file_is_a_decoding_error_without_values() {
        let error =
            Cookies::load_json(&b"{\"version\":1,\"cookies\":[{\"raw_cookie\":\"s3cr3t\"}]}"[..])
                .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decoding);
        assert!(!format!("{error:?}").contains("s3cr3t"));
        let error = Cookies::load_json(&b"not json"[..]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decoding);
        let error = Cookies::load_json(&b"{\"version\":2}"[..]).unwrap_err();
        assert!(error.to_string().contains("version 2"), "{error}");
        let bad = br#"{"version":1,"any_host":[{"name":"a","value":"x;y","path":"/"}]}"#;
        assert_eq!(
            Cookies::load_json(&bad[..]).unwrap_err().kind(),
            ErrorKind::Decoding
        );
    }

    #[test]
    fn a_failing_writer_is_a_write_error() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "", "/").unwrap();
        assert_eq!(
            cookies.save_json(Broken).unwrap_err().kind(),
            ErrorKind::Write
        );
    }

    #[test]
    fn a_flush_error_is_a_write_error() {
        struct NoFlush(Vec<u8>);
        impl Write for NoFlush {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Err(std::io::Error::other("flush failed"))
            }
        }
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "", "/").unwrap();
        let error = cookies.save_json(NoFlush(Vec::new())).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Write);
    }

    fn store_file(domain: &str, raw_cookie: &str) -> String {
        let raw_cookie = serde_json::to_string(raw_cookie).unwrap();
        format!(
            r#"{{"version":1,"cookies":[
            {{"raw_cookie":"ok=1; Path=/","path":["/",true],"domain":{{"HostOnly":"h.org"}},
              "expires":"SessionEnd"}},
            {{"raw_cookie":{raw_cookie},"path":["/",true],"domain":{domain},
              "expires":"SessionEnd"}}]}}"#
        )
    }

    #[test]
    fn a_loaded_store_cookie_is_checked_like_a_set_cookie() {
        // A domain no Set-Cookie from another host could give is narrowed to its own
        // host (a file of an earlier version may hold `Domain=localhost` cookies): never
        // sent to the hosts under it.
        for (domain, host) in [
            (r#"{"Suffix":"com"}"#, "com"),
            (r#"{"Suffix":"co.uk"}"#, "co.uk"),
            (r#"{"Suffix":"localhost"}"#, "localhost"),
        ] {
            let file = store_file(domain, "a=s3cr3t; Path=/");
            let loaded = Cookies::load_json(file.as_bytes()).unwrap();
            let sent = |url: &str| loaded.header_for(&Url::parse(url).unwrap()).is_some();
            assert!(sent(&format!("http://{host}/")), "{domain}");
            assert!(!sent(&format!("http://bank.{host}/")), "{domain}");
        }
        // Expired entries are dropped before any check.
        let file = store_file(r#""Empty""#, "a=1; Path=/").replace(
            r#""domain":"Empty",
              "expires":"SessionEnd""#,
            r#""domain":"Empty",
              "expires":{"AtUtc":"2000-01-01T00:00:00Z"}"#,
        );
        assert!(file.contains("2000-01-01"), "{file}");
        assert_eq!(Cookies::load_json(file.as_bytes()).unwrap().len(), 1);
        for (domain, shown) in [
            (r#"{"Suffix":".com"}"#, ".com"),
            (r#"{"Suffix":""}"#, ""),
            (r#"{"HostOnly":""}"#, ""),
            (r#""Empty""#, ""),
            (r#""NotPresent""#, ""),
        ] {
            let file = store_file(domain, "a=s3cr3t; Path=/");
            let error = Cookies::load_json(file.as_bytes()).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Decoding, "{domain}");
            let text = format!("{error} {error:?}");
            assert!(
                text.contains(&format!("entry 1 (domain '{shown}')")),
                "{text}"
            );
            assert!(!text.contains("s3cr3t"), "{text}");
        }
        for raw in ["a b=s3cr3t; Path=/", "a=s3\u{1}cr3t; Path=/"] {
            let file = store_file(r#"{"HostOnly":"h.org"}"#, raw);
            let error = Cookies::load_json(file.as_bytes()).unwrap_err();
            let text = format!("{error} {error:?}");
            assert!(text.contains("entry 1 (domain 'h.org')"), "{text}");
            assert!(!text.contains("s3cr3t"), "{text}");
        }
        // What a Set-Cookie could give is accepted: a host-only cookie for a one-label
        // host or an address, a domain cookie for a registrable domain.
        for domain in [
            r#"{"HostOnly":"intranet"}"#,
            r#"{"HostOnly":"[::1]"}"#,
            r#"{"HostOnly":"127.0.0.1"}"#,
            r#"{"Suffix":"example.co.uk"}"#,
            r#"{"Suffix":"example.org"}"#,
        ] {
            let file = store_file(domain, "a=1; Path=/");
            let loaded = Cookies::load_json(file.as_bytes()).unwrap();
            assert_eq!(loaded.len(), 2, "{domain}");
        }
    }

    /// A `Domain=intranet` cookie (kept from that host) is saved host-only and loads
    /// back; a name loading would refuse is left out.
    #[test]
    fn a_saved_file_leaves_out_what_loading_would_refuse() {
        let mut cookies = Cookies::new();
        extract(
            &mut cookies,
            "http://intranet/",
            &["one=1; Domain=intranet"],
        );
        extract(
            &mut cookies,
            "http://h.org/",
            &["a b=2; Path=/", "ok=3; Path=/"],
        );
        assert_eq!(cookies.len(), 3);
        let mut file = Vec::new();
        cookies.save_json(&mut file).unwrap();
        let loaded = Cookies::load_json(file.as_slice()).unwrap();
        let mut names: Vec<_> = loaded.iter().map(|c| c.name().to_owned()).collect();
        names.sort();
        assert_eq!(names, ["ok", "one"]);
        let sent = |url: &str| loaded.header_for(&Url::parse(url).unwrap());
        assert!(sent("http://intranet/").is_some());
        assert!(
            sent("http://www.intranet/").is_none(),
            "host-only once saved"
        );
    }

    /// A fresh directory under the system's temporary one, removed on drop.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let path =
                std::env::temp_dir().join(format!("xhttp-cookies-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        fn entries(&self) -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(&self.0)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn save_to_path_writes_a_private_file_that_loads_back() {
        let dir = TempDir::new("save");
        let path = dir.0.join("cookies.json");
        let mut cookies = Cookies::new();
        cookies.set("session", "abc", "example.org", "/").unwrap();
        cookies.save_to_path(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Saving again replaces the file (and keeps it private).
        cookies.set("theme", "dark", "example.org", "/").unwrap();
        cookies.save_to_path(&path).unwrap();
        assert_eq!(dir.entries(), ["cookies.json"]);
        let loaded = Cookies::load_from_path(&path).unwrap();
        assert_eq!(
            loaded.get("theme", None, None).unwrap().as_deref(),
            Some("dark")
        );
        assert_eq!(loaded.len(), 2);
    }

    /// Temporary files left by a crashed run with the same pid (containers) do not
    /// block a save.
    #[test]
    fn save_to_path_passes_over_leftover_temporary_files() {
        let dir = TempDir::new("leftover");
        let path = dir.0.join("cookies.json");
        // The first names of this process (nextest runs each test in a process of its
        // own, so no save came before).
        for n in 0..3 {
            let name = format!(".cookies.json.{}-{n}.tmp", std::process::id());
            std::fs::write(dir.0.join(name), b"left over").unwrap();
        }
        let mut cookies = Cookies::new();
        extract(&mut cookies, "http://h.org/", &["a=1; Path=/"]);
        cookies.save_to_path(&path).unwrap();
        assert_eq!(Cookies::load_from_path(&path).unwrap().len(), 1);
    }

    #[test]
    fn a_failed_save_to_path_leaves_no_file_behind() {
        let dir = TempDir::new("failed");
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "", "/").unwrap();
        let missing = dir.0.join("missing").join("cookies.json");
        let error = cookies.save_to_path(&missing).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Write);
        assert!(dir.entries().is_empty());
        // The target is a directory: the temporary file is written, the rename fails.
        let target = dir.0.join("taken");
        fs::create_dir(&target).unwrap();
        let error = cookies.save_to_path(&target).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Write);
        assert_eq!(dir.entries(), ["taken"]);
    }

    #[test]
    fn load_from_path_refuses_an_oversized_file() {
        let dir = TempDir::new("large");
        let path = dir.0.join("cookies.json");
        let file = File::create(&path).unwrap();
        file.set_len(MAX_FILE_SIZE + 1).unwrap();
        let error = Cookies::load_from_path(&path).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decoding);
        assert!(error.to_string().contains("16 MiB"), "{error}");
        let error = Cookies::load_from_path(dir.0.join("absent.json")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Read);
    }
}

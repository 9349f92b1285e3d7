//! Saving a jar to JSON and loading it back, for scripts that keep a login between
//! runs.
//!
//! The format is xhttp's own, one JSON document:
//! `{"version": 1, "any_host": [{"name", "value", "path"}...], "cookies": [...]}`, where
//! each entry of `cookies` is `cookie_store`'s serde form of one cookie (its
//! `Set-Cookie` text, path, domain and expiry).

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::any_host::AnyHostCookie;
use super::collection::{Cookies, check_name, check_value};
use crate::{Error, ErrorKind};

const VERSION: u32 = 1;

#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    any_host: &'a [AnyHostCookie],
    cookies: Vec<&'a cookie_store::Cookie<'static>>,
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
    /// session spans its runs), and the cookies valid for any host. The file holds the
    /// values in clear: keep it private.
    ///
    /// An I/O failure is a `Write` error.
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
            cookies: self.store.iter_unexpired().collect(),
        };
        serde_json::to_writer_pretty(writer, &file).map_err(|error| {
            Error::new(ErrorKind::Write)
                .with_message("could not write the cookies")
                .with_source(error)
        })
    }

    /// Reads cookies written by [`save_json`](Self::save_json); those that have expired
    /// since are left out.
    ///
    /// An I/O failure is a `Read` error; a document that is not such a file is a
    /// `Decoding` error naming the line and column (never a cookie value).
    pub fn load_json(reader: impl Read) -> Result<Cookies, Error> {
        let file: FileIn = serde_json::from_reader(reader).map_err(|error| {
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
        let cookies = file
            .cookies
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
}

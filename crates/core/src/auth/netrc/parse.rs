//! [`NetRc`]: the `.netrc` file format, as Python's `netrc` module reads it.

use std::fmt;

/// The credentials of one `machine` (or of the `default` entry).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct NetRcEntry {
    login: String,
    password: String,
    account: Option<String>,
}

impl NetRcEntry {
    /// The `login` (or `user`); empty when the entry has none.
    pub fn login(&self) -> &str {
        &self.login
    }

    /// The `password`; empty when the entry has none.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The `account`, when given.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }
}

impl fmt::Debug for NetRcEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetRcEntry")
            .field("login", &self.login)
            .field("password", &"[secure]")
            .field("account", &self.account.as_ref().map(|_| "[secure]"))
            .finish()
    }
}

/// A parsed `.netrc`: `machine NAME` entries and an optional `default` entry.
///
/// The format: whitespace-separated tokens; `machine NAME` or `default` starts an
/// entry whose `login` (or `user`), `password` and `account` follow; `macdef NAME`
/// starts a macro whose lines are skipped up to the next blank line; a token starting
/// with `#` where a keyword is expected comments out the rest of its line; a token may
/// be `"quoted"`, and `\` escapes the next character. Parsing is lenient: unknown
/// tokens are skipped, so any text parses. A later entry for the same machine
/// replaces an earlier one (as Python's `netrc`).
///
/// ```
/// use xhttp_core::auth::NetRc;
///
/// let netrc = NetRc::parse("machine example.com login alice password \"s3 cret\"\n\
///                           default login anonymous password guest\n");
/// assert_eq!(netrc.get("example.com").unwrap().password(), "s3 cret");
/// assert_eq!(netrc.get("other.org").unwrap().login(), "anonymous");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct NetRc {
    machines: Vec<(String, NetRcEntry)>,
    default: Option<NetRcEntry>,
}

impl NetRc {
    /// Parses the text of a `.netrc` file.
    pub fn parse(text: &str) -> NetRc {
        let mut netrc = NetRc::default();
        let mut lexer = Lexer { text, at: 0 };
        while let Some(token) = lexer.token() {
            match token.as_str() {
                "machine" => {
                    let Some(name) = lexer.token() else { break };
                    let entry = parse_entry(&mut lexer);
                    netrc.machines.retain(|(existing, _)| *existing != name);
                    netrc.machines.push((name, entry));
                }
                "default" => netrc.default = Some(parse_entry(&mut lexer)),
                "macdef" => {
                    lexer.token();
                    lexer.skip_macro();
                }
                comment if comment.starts_with('#') => lexer.skip_line(),
                _ => {}
            }
        }
        netrc
    }

    /// The entry of `host` (ASCII case-insensitive), else the `default` entry.
    pub fn get(&self, host: &str) -> Option<&NetRcEntry> {
        self.machine(host).or(self.default.as_ref())
    }

    /// The `machine` entry of `host` (ASCII case-insensitive), without falling back to
    /// the `default` entry.
    ///
    /// ```
    /// use xhttp_core::auth::NetRc;
    ///
    /// let netrc = NetRc::parse("machine a.org password p\ndefault password d\n");
    /// assert_eq!(netrc.machine("A.org").unwrap().password(), "p");
    /// assert!(netrc.machine("b.org").is_none());
    /// assert_eq!(netrc.default_entry().unwrap().password(), "d");
    /// ```
    pub fn machine(&self, host: &str) -> Option<&NetRcEntry> {
        self.machines
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(host))
            .map(|(_, entry)| entry)
    }

    /// The `default` entry, when there is one.
    pub fn default_entry(&self) -> Option<&NetRcEntry> {
        self.default.as_ref()
    }

    /// Whether some entry (a `machine` or the `default`) has a non-empty password.
    pub(super) fn has_password(&self) -> bool {
        self.machines
            .iter()
            .map(|(_, entry)| entry)
            .chain(self.default.as_ref())
            .any(|entry| !entry.password.is_empty())
    }

    /// How many `machine` entries there are.
    pub fn machines_len(&self) -> usize {
        self.machines.len()
    }

    /// Whether there is a `default` entry.
    pub fn has_default(&self) -> bool {
        self.default.is_some()
    }
}

impl fmt::Debug for NetRc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetRc")
            .field("machines", &self.machines)
            .field("default", &self.default)
            .finish()
    }
}

/// The fields of an entry, up to the next `machine`, `default` or `macdef` (left for
/// the caller) or the end.
fn parse_entry(lexer: &mut Lexer<'_>) -> NetRcEntry {
    let mut entry = NetRcEntry::default();
    loop {
        let before = lexer.at;
        let Some(token) = lexer.token() else { break };
        match token.as_str() {
            "machine" | "default" | "macdef" => {
                lexer.at = before;
                break;
            }
            "login" | "user" => entry.login = lexer.token().unwrap_or_default(),
            "password" => entry.password = lexer.token().unwrap_or_default(),
            "account" => entry.account = lexer.token(),
            comment if comment.starts_with('#') => lexer.skip_line(),
            _ => {}
        }
    }
    entry
}

/// Reads tokens, lines and macros from the text (`at` is always a char boundary).
struct Lexer<'a> {
    text: &'a str,
    at: usize,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.at..).unwrap_or_default()
    }

    /// The next token, unquoted and unescaped; `None` at the end.
    fn token(&mut self) -> Option<String> {
        let rest = self.rest();
        let start = rest.find(|c: char| !c.is_whitespace())?;
        self.at += start;
        let mut chars = self.rest().char_indices();
        let mut token = String::new();
        let quoted = self.rest().starts_with('"');
        if quoted {
            chars.next();
        }
        let mut end = self.rest().len();
        while let Some((index, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        token.push(escaped);
                    }
                }
                '"' if quoted => {
                    end = index + 1;
                    break;
                }
                c if !quoted && c.is_whitespace() => {
                    end = index;
                    break;
                }
                c => token.push(c),
            }
        }
        self.at += end;
        Some(token)
    }

    /// Skips to the start of the next line.
    fn skip_line(&mut self) {
        let rest = self.rest();
        self.at += rest.find('\n').map_or(rest.len(), |index| index + 1);
    }

    /// Skips the rest of the `macdef` line, then every line up to and including the
    /// next blank (empty or whitespace-only) line.
    fn skip_macro(&mut self) {
        self.skip_line();
        while !self.rest().is_empty() {
            let blank = self
                .rest()
                .split('\n')
                .next()
                .is_none_or(|line| line.trim().is_empty());
            self.skip_line();
            if blank {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_default_and_fields() {
        let netrc = NetRc::parse(
            "machine a.example login alice password pa account acc\n\
             machine b.example\n  user bob\n  password pb\n\
             default login anon password guest\n",
        );
        let a = netrc.get("a.example").unwrap();
        assert_eq!(
            (a.login(), a.password(), a.account()),
            ("alice", "pa", Some("acc"))
        );
        let b = netrc.get("B.Example").unwrap();
        assert_eq!((b.login(), b.password(), b.account()), ("bob", "pb", None));
        assert_eq!(netrc.get("elsewhere").unwrap().login(), "anon");
        assert_eq!((netrc.machines_len(), netrc.has_default()), (2, true));
    }

    #[test]
    fn missing_entries_and_fields() {
        let netrc = NetRc::parse("machine a login only\n");
        assert_eq!(netrc.get("a").unwrap().password(), "");
        assert!(netrc.get("b").is_none());
        assert!(NetRc::parse("").get("a").is_none());
        assert!(NetRc::parse("machine").get("machine").is_none());
        assert_eq!(
            NetRc::parse("machine a password")
                .get("a")
                .unwrap()
                .password(),
            ""
        );
    }

    #[test]
    fn macdef_is_skipped_up_to_a_blank_line() {
        let netrc = NetRc::parse(
            "macdef init\ncd /pub\nmachine fake login x password y\n\n\
             machine real login r password s\n\
             macdef other\nmachine fake2 password z\n",
        );
        assert!(netrc.get("fake").is_none());
        assert!(netrc.get("fake2").is_none());
        assert_eq!(netrc.get("real").unwrap().password(), "s");
        assert_eq!(netrc.machines_len(), 1);
    }

    #[test]
    fn a_macdef_ends_the_entry_before_it() {
        let netrc = NetRc::parse("machine a login l macdef m\npassword p\n\n");
        assert_eq!(netrc.get("a").unwrap().password(), "");
    }

    #[test]
    fn comments_quotes_and_escapes() {
        let netrc = NetRc::parse(
            "# a comment: machine x login y password z\n\
             machine q login \"a b\" password p\\ q # trailing password nope\n\
             machine e password \"with \\\" quote\"\n",
        );
        assert!(netrc.get("x").is_none());
        let q = netrc.get("q").unwrap();
        assert_eq!((q.login(), q.password()), ("a b", "p q"));
        assert_eq!(netrc.get("e").unwrap().password(), "with \" quote");
        // A value is taken verbatim, even when it starts with `#`.
        assert_eq!(
            NetRc::parse("machine h password #pw")
                .get("h")
                .unwrap()
                .password(),
            "#pw"
        );
    }

    #[test]
    fn a_later_entry_replaces_an_earlier_one() {
        let netrc = NetRc::parse("machine a password 1\nmachine a password 2\n");
        assert_eq!(netrc.get("a").unwrap().password(), "2");
        assert_eq!(netrc.machines_len(), 1);
    }

    #[test]
    fn unknown_tokens_and_unclosed_quotes_are_tolerated() {
        let netrc = NetRc::parse("port 21 machine a protocol ftp password \"open");
        assert_eq!(netrc.get("a").unwrap().password(), "open");
    }

    #[test]
    fn debug_never_shows_passwords_or_accounts() {
        let netrc = NetRc::parse("machine a login l password hunter2 account acct99\n");
        let text = format!("{netrc:?}");
        assert!(
            !text.contains("hunter2") && !text.contains("acct99"),
            "{text}"
        );
        assert!(text.contains("\"a\"") && text.contains("\"l\""), "{text}");
    }

    proptest::proptest! {
        #[test]
        fn no_input_panics(text in "\\PC{0,4096}") {
            let _ = NetRc::parse(&text);
        }

        #[test]
        fn no_keyword_soup_panics(
            words in proptest::collection::vec(
                "machine|default|macdef|login|password|account|#|\"|\\\\|\n|\n\n| |a|\"x y\"",
                0..200,
            )
        ) {
            let text = words.concat();
            let netrc = NetRc::parse(&text);
            let _ = netrc.get("a");
        }
    }
}

//! Credentials from `--auth USER PASS` or `-u USER[:PASS]`, with a hidden prompt when
//! the password is `-` (or missing from `-u`).

use xhttp::{BasicAuth, BearerAuth, DigestAuth, RequestBuilder};

use crate::args::AuthType;
use crate::exit::CliError;

/// Credentials to send.
#[derive(PartialEq, Eq)]
pub(crate) enum Credentials {
    /// Basic.
    Basic(String, String),
    /// Digest.
    Digest(String, String),
    /// A bearer token.
    Bearer(String),
}

impl std::fmt::Debug for Credentials {
    /// Never shows a password or a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic(user, _) => write!(f, "Basic({user:?}, ***)"),
            Credentials::Digest(user, _) => write!(f, "Digest({user:?}, ***)"),
            Credentials::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

/// Where a secret that was not given comes from.
pub(crate) trait Prompt {
    /// Asks for a secret, showing `label`.
    fn ask(&mut self, label: &str) -> Result<String, CliError>;
}

/// Asks on the terminal with echo off (`rpassword` reads `/dev/tty`).
#[derive(Debug)]
pub(crate) struct TerminalPrompt;

impl Prompt for TerminalPrompt {
    fn ask(&mut self, label: &str) -> Result<String, CliError> {
        rpassword::prompt_password(label).map_err(|error| {
            CliError::usage(format!(
                "cannot ask for the password or token: no terminal to ask on ({error}); \
                 give it on the command line"
            ))
        })
    }
}

/// The credentials the command line asks for, prompting for a missing secret.
/// `auth_type` is `-A` as given (basic when absent): given without `--auth` or `-u`, it
/// is a usage error rather than silently sending nothing.
pub(crate) fn credentials(
    auth: &[String],
    user: Option<&str>,
    auth_type: Option<AuthType>,
    prompt: &mut dyn Prompt,
) -> Result<Option<Credentials>, CliError> {
    let given_type = auth_type;
    let auth_type = auth_type.unwrap_or(AuthType::Basic);
    let (name, secret) = match (auth, user) {
        ([], None) => {
            return match given_type {
                None => Ok(None),
                Some(kind) => Err(CliError::usage(format!(
                    "-A {} needs credentials: give --auth USER PASS or -u USER[:PASS] \
                     (-u TOKEN for bearer)",
                    type_name(kind)
                ))),
            };
        }
        ([name, secret], None) => (name.clone(), Some(secret.clone())),
        ([], Some(value)) if auth_type == AuthType::Bearer => {
            let token = match value {
                "-" => prompt.ask("Token: ")?,
                token => token.to_owned(),
            };
            return Ok(Some(Credentials::Bearer(token)));
        }
        ([], Some(value)) => match value.split_once(':') {
            Some((name, secret)) => (name.to_owned(), Some(secret.to_owned())),
            None => (value.to_owned(), None),
        },
        // clap refuses these (--auth takes two values, once, and conflicts with -u);
        // never drop credentials silently if that changes.
        _ => {
            return Err(CliError::usage(
                "give credentials once: --auth USER PASS or -u USER[:PASS]",
            ));
        }
    };
    if auth_type == AuthType::Bearer {
        return Err(CliError::usage(
            "a bearer token is one value: use -A bearer -u TOKEN",
        ));
    }
    let secret = match secret.as_deref() {
        None | Some("-") => prompt.ask(&format!("Password for user '{name}': "))?,
        Some(secret) => secret.to_owned(),
    };
    Ok(Some(match auth_type {
        AuthType::Digest => Credentials::Digest(name, secret),
        _ => Credentials::Basic(name, secret),
    }))
}

/// The name of a scheme as `-A` takes it.
fn type_name(kind: AuthType) -> &'static str {
    match kind {
        AuthType::Basic => "basic",
        AuthType::Digest => "digest",
        AuthType::Bearer => "bearer",
    }
}

impl Credentials {
    /// Puts the credentials on the request.
    pub(crate) fn apply(self, request: RequestBuilder) -> RequestBuilder {
        match self {
            Credentials::Basic(user, password) => request.auth(BasicAuth::new(user, password)),
            Credentials::Digest(user, password) => request.auth(DigestAuth::new(user, password)),
            Credentials::Bearer(token) => request.auth(BearerAuth::new(token)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers with a fixed secret and records what it was asked.
    struct Canned(Vec<String>);

    impl Prompt for Canned {
        fn ask(&mut self, label: &str) -> Result<String, CliError> {
            self.0.push(label.to_owned());
            Ok("typed".to_owned())
        }
    }

    fn run(
        auth: &[&str],
        user: Option<&str>,
        kind: AuthType,
    ) -> (Option<Credentials>, Vec<String>) {
        let auth: Vec<String> = auth.iter().map(|s| (*s).to_owned()).collect();
        let mut prompt = Canned(Vec::new());
        let credentials = credentials(&auth, user, Some(kind), &mut prompt).unwrap();
        (credentials, prompt.0)
    }

    fn refused(auth: &[&str], user: Option<&str>, kind: Option<AuthType>) -> String {
        let auth: Vec<String> = auth.iter().map(|s| (*s).to_owned()).collect();
        credentials(&auth, user, kind, &mut Canned(Vec::new()))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn given_secrets_are_used_as_they_are() {
        let (credentials, asked) = run(&["ann", "pw"], None, AuthType::Basic);
        assert_eq!(
            credentials,
            Some(Credentials::Basic("ann".into(), "pw".into()))
        );
        assert!(asked.is_empty());
        let (credentials, _) = run(&[], Some("ann:p:w"), AuthType::Digest);
        assert_eq!(
            credentials,
            Some(Credentials::Digest("ann".into(), "p:w".into()))
        );
        let (credentials, _) = run(&[], Some("tok"), AuthType::Bearer);
        assert_eq!(credentials, Some(Credentials::Bearer("tok".into())));
        let none = super::credentials(&[], None, None, &mut Canned(Vec::new())).unwrap();
        assert_eq!(none, None);
        let auth = ["ann".to_owned(), "pw".to_owned()];
        let basic = super::credentials(&auth, None, None, &mut Canned(Vec::new())).unwrap();
        assert_eq!(basic, Some(Credentials::Basic("ann".into(), "pw".into())));
    }

    #[test]
    fn a_scheme_without_credentials_is_refused() {
        for (kind, name) in [
            (AuthType::Digest, "-A digest"),
            (AuthType::Bearer, "-A bearer"),
            (AuthType::Basic, "-A basic"),
        ] {
            let error = refused(&[], None, Some(kind));
            assert!(
                error.starts_with(&format!("{name} needs credentials")),
                "{error}"
            );
        }
    }

    #[test]
    fn credentials_that_match_no_form_are_refused() {
        let error = refused(&["a", "p", "b", "q"], None, None);
        assert!(error.contains("give credentials once"), "{error}");
        let error = refused(&["a", "p"], Some("b:q"), None);
        assert!(error.contains("give credentials once"), "{error}");
    }

    #[test]
    fn a_dash_or_a_missing_password_prompts() {
        let (credentials, asked) = run(&["ann", "-"], None, AuthType::Basic);
        assert_eq!(
            credentials,
            Some(Credentials::Basic("ann".into(), "typed".into()))
        );
        assert_eq!(asked, ["Password for user 'ann': "]);
        let (credentials, asked) = run(&[], Some("ann"), AuthType::Basic);
        assert_eq!(
            credentials,
            Some(Credentials::Basic("ann".into(), "typed".into()))
        );
        assert_eq!(asked.len(), 1);
        let (credentials, asked) = run(&[], Some("-"), AuthType::Bearer);
        assert_eq!(credentials, Some(Credentials::Bearer("typed".into())));
        assert_eq!(asked, ["Token: "]);
    }

    #[test]
    fn debug_hides_secrets_and_bearer_takes_one_value() {
        let shown = format!("{:?}", Credentials::Basic("ann".into(), "hunter2".into()));
        assert!(!shown.contains("hunter2"), "{shown}");
        let auth = ["a".to_owned(), "b".to_owned()];
        let error =
            credentials(&auth, None, Some(AuthType::Bearer), &mut Canned(Vec::new())).unwrap_err();
        assert!(error.to_string().contains("-A bearer -u TOKEN"));
    }
}

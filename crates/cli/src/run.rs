//! One run of the command: arguments to request, request to response, response to
//! output and exit code.

use std::io::Write;

use xhttp::{Method, RequestBuilder};

use crate::args::{self, Args};
use crate::auth::{self, TerminalPrompt};
use crate::client;
use crate::download;
use crate::exit::{self, CliError};
use crate::items::{self, Item};
use crate::output::{self, Style, body};
use crate::payload::{self, BodyOptions, Payload};
use crate::target;

/// Runs the request the arguments describe; the exit code on success.
pub(crate) fn run(args: Args) -> Result<u8, CliError> {
    let style = Style::detect(args.color);
    check_redirect_options(&args)?;
    let target = target::split(&args.positional)?;
    let items = items::parse_all(target.items)?;
    let payload = Payload::choose(
        BodyOptions {
            content: args.content.clone(),
            json: args.json.clone(),
            data: args::pairs(&args.data),
            files: args::pairs(&args.files),
            form: args.form,
        },
        &items,
    )?;
    let method = method(
        given_method(args.method.as_deref(), target.method.as_deref())?,
        &payload,
    )?;
    let client = client::build(&args)?;
    let credentials = auth::credentials(
        &args.auth,
        args.user.as_deref(),
        args.auth_type,
        &mut TerminalPrompt,
    )?;

    let mut request = client.request(method, target.url.as_str());
    request = add_headers_query_cookies(request, &args, &items);
    let user_content_type = payload::user_content_type(&args::pairs(&args.headers), &items);
    request = payload.apply(request, user_content_type)?;
    if let Some(credentials) = credentials {
        request = credentials.apply(request);
    }

    if let Some(path) = &args.download {
        let offset = if args.resume {
            download::existing_length(path)?
        } else {
            0
        };
        request = request.header("accept-encoding", "identity");
        if offset > 0 {
            request = request.header("range", format!("bytes={offset}-"));
        }
        let request = request.build()?;
        let sent = request.url().clone();
        let mut response = client.send_stream(request)?;
        print(&output::head_section(&response, &sent, style, args.verbose))?;
        let plan = download::plan(&response, offset)?;
        let code = download::save(&mut response, path, plan, args.ignore_status)?;
        if args.verbose {
            print(&output::verbose::timings(response.timings(), style))?;
            print(&output::verbose::elapsed(response.elapsed(), style))?;
        }
        return Ok(code);
    }

    let request = request.build()?;
    let sent = request.url().clone();
    let response = client.send(request)?;
    let mut out = output::head_section(&response, &sent, style, args.verbose);
    let content = response.content()?;
    let content_type = response
        .headers()
        .as_map()
        .get("content-type")
        .and_then(|value| value.to_str().ok());
    let kind = body::classify(content_type, content);
    let text = match kind {
        body::Kind::Json | body::Kind::Text => response.text()?,
        body::Kind::Empty | body::Kind::Binary => String::new(),
    };
    out.push_str(&body::render(
        kind,
        content_type,
        content.len(),
        &text,
        style,
    ));
    if args.verbose {
        out.push_str(&output::verbose::timings(response.timings(), style));
        out.push_str(&output::verbose::elapsed(response.elapsed(), style));
    }
    print(&out)?;
    Ok(exit::for_status(response.status(), args.ignore_status))
}

/// `--max-redirects` needs `--follow-redirects`. httpx's CLI (like curl, xh and HTTPie)
/// ignores the limit when redirects are not followed, which hides a forgotten flag;
/// implying `--follow-redirects` instead would silently send requests to hosts the
/// command line never named. A careful user wants neither: say what is missing.
fn check_redirect_options(args: &Args) -> Result<(), CliError> {
    if args.max_redirects.is_some() && !args.follow_redirects {
        return Err(CliError::usage(
            "--max-redirects applies to followed redirects: add --follow-redirects",
        ));
    }
    Ok(())
}

/// The method given with `-m` or before the URL; both at once is a usage error (one of
/// them would be thrown away).
fn given_method<'a>(
    option: Option<&'a str>,
    positional: Option<&'a str>,
) -> Result<Option<&'a str>, CliError> {
    match (option, positional) {
        (Some(option), Some(positional)) => Err(CliError::usage(format!(
            "give the method once: -m {option} and {positional} before the URL"
        ))),
        (option, positional) => Ok(option.or(positional)),
    }
}

/// The method given (with `-m` or before the URL), or GET, or POST when there is a
/// body.
fn method(given: Option<&str>, payload: &Payload) -> Result<Method, CliError> {
    match given {
        Some(name) => Method::from_bytes(name.to_ascii_uppercase().as_bytes())
            .map_err(|_| CliError::usage(format!("'{name}' is not an HTTP method"))),
        None if payload.is_empty() => Ok(Method::GET),
        None => Ok(Method::POST),
    }
}

/// `-H`, `-p`, `--cookies` and the header and query items, in the order given
/// (options first).
fn add_headers_query_cookies(
    mut request: RequestBuilder,
    args: &Args,
    items: &[Item],
) -> RequestBuilder {
    for (name, value) in args::pairs(&args.headers) {
        request = request.header(name, value);
    }
    let mut query = args::pairs(&args.params);
    for item in items {
        match item {
            Item::Header(name, value) => request = request.header(name.as_str(), value.as_str()),
            Item::Query(name, value) => query.push((name.clone(), value.clone())),
            _ => {}
        }
    }
    if !query.is_empty() {
        request = request.query(&query);
    }
    for (name, value) in args::pairs(&args.cookies) {
        request = request.cookie(name, value);
    }
    request
}

/// Writes to stdout; a closed pipe (`xhttp ... | head`) ends quietly.
pub(crate) fn print(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(CliError::io("stdout", &error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_method_is_given_once() {
        assert_eq!(given_method(Some("PUT"), None).unwrap(), Some("PUT"));
        assert_eq!(given_method(None, Some("POST")).unwrap(), Some("POST"));
        assert_eq!(given_method(None, None).unwrap(), None);
        let error = given_method(Some("PUT"), Some("POST"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "give the method once: -m PUT and POST before the URL"
        );
    }
}

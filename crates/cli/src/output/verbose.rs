//! The `*` lines of `-v`: the connection, what TLS negotiated, the server's
//! certificate, and the time taken.

use std::time::Duration;

use xhttp::{Response, Timings};

use super::{Style, cert, palette};

/// The connection and TLS lines, before the request.
pub(crate) fn connection(response: &Response, style: Style) -> String {
    let mut lines = Vec::new();
    if let Some(info) = response.connection_info() {
        match (info.remote_addr, info.local_addr) {
            (Some(remote), Some(local)) => lines.push(format!(
                "Connected to {} port {} (from {local})",
                remote.ip(),
                remote.port()
            )),
            (Some(remote), None) => lines.push(format!(
                "Connected to {} port {}",
                remote.ip(),
                remote.port()
            )),
            (None, _) => lines.push("Connected (no TCP address: a Unix socket)".to_owned()),
        }
        if let Some(tls) = &info.tls {
            lines.push(format!(
                "TLS established: {}, cipher {}",
                tls.version.replace('_', "."),
                tls.cipher
            ));
            let alpn = tls.alpn.as_deref().map_or_else(
                || "none".to_owned(),
                |alpn| String::from_utf8_lossy(alpn).into_owned(),
            );
            lines.push(format!("ALPN protocol: {alpn}"));
            if let Some(der) = &tls.peer_certificate {
                match cert::summary(der) {
                    Some(summary) => lines.extend(certificate_lines(&summary, style)),
                    None => lines.push("Server certificate: (not readable)".to_owned()),
                }
                lines.push(format!("  SHA-256 {}", cert::fingerprint(der)));
            }
        }
    }
    star_lines(&lines, style)
}

/// The certificate's subject, issuer and validity. The names are the server's text: on
/// a terminal their control characters are escaped, so that a certificate cannot send
/// escape sequences to it.
fn certificate_lines(summary: &cert::Summary, style: Style) -> [String; 3] {
    [
        format!(
            "Server certificate: subject {}",
            style.visible(&summary.subject)
        ),
        format!("  issuer {}", style.visible(&summary.issuer)),
        format!(
            "  valid from {} to {}",
            summary.not_before, summary.not_after
        ),
    ]
}

/// A note, before the final request, that redirects led to `url` (each earlier hop's
/// request and response are printed above it).
pub(crate) fn redirected(url: &str, style: Style) -> String {
    star_lines(&[format!("Redirects followed to {url}")], style)
}

/// `* Elapsed time: ...`, from sending the request to the end of the body.
pub(crate) fn elapsed(elapsed: Option<Duration>, style: Style) -> String {
    let text = match elapsed {
        Some(elapsed) => format!("Elapsed time: {}", human_duration(elapsed)),
        None => "Elapsed time: unknown".to_owned(),
    };
    star_lines(&[text], style)
}

/// `* Timings: dns …, connect …, tls …, waiting …, download …`: the phases the
/// response recorded (from the transport's trace points); phases that did not happen
/// (a reused connection has no connect) are left out. Nothing when none was recorded.
pub(crate) fn timings(timings: Timings, style: Style) -> String {
    let phases = [
        ("dns", timings.dns),
        ("connect", timings.connect),
        ("tls", timings.tls),
        ("waiting", timings.waiting),
        ("download", timings.download),
    ];
    let parts: Vec<String> = phases
        .iter()
        .filter_map(|(name, took)| took.map(|took| format!("{name} {}", human_duration(took))))
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    star_lines(&[format!("Timings: {}", parts.join(", "))], style)
}

/// `1.234 s` or `12.35 ms`.
pub(crate) fn human_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds >= 1.0 {
        format!("{seconds:.3} s")
    } else {
        format!("{:.2} ms", seconds * 1000.0)
    }
}

fn star_lines(lines: &[String], style: Style) -> String {
    let mut out = String::new();
    for line in lines {
        style.paint_into(&mut out, palette::META, &format!("* {line}"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::from_micros(12_345)), "12.35 ms");
        assert_eq!(human_duration(Duration::from_millis(1_500)), "1.500 s");
        assert_eq!(
            elapsed(Some(Duration::from_millis(2)), Style::new(false)),
            "* Elapsed time: 2.00 ms\n"
        );
    }

    #[test]
    fn timings_list_the_phases_that_happened() {
        let mut recorded = Timings::default();
        assert_eq!(timings(recorded, Style::new(false)), "");
        recorded.waiting = Some(Duration::from_millis(3));
        recorded.download = Some(Duration::from_micros(500));
        assert_eq!(
            timings(recorded, Style::new(false)),
            "* Timings: waiting 3.00 ms, download 0.50 ms\n"
        );
    }

    #[test]
    fn certificate_names_are_escaped_on_a_terminal() {
        let summary = cert::Summary {
            subject: "CN=evil\x1b]0;title\x07\u{9b}2J".into(),
            issuer: "O=\x1b[31mCA".into(),
            not_before: "2024-01-02 03:04:05 UTC".into(),
            not_after: "2051-06-07 08:09:10 UTC".into(),
        };
        let terminal = Style::new(false).on_terminal(true);
        assert_eq!(
            certificate_lines(&summary, terminal),
            [
                "Server certificate: subject CN=evil\\u{1b}]0;title\\u{7}\\u{9b}2J",
                "  issuer O=\\u{1b}[31mCA",
                "  valid from 2024-01-02 03:04:05 UTC to 2051-06-07 08:09:10 UTC",
            ]
        );
        let piped = certificate_lines(&summary, Style::new(false));
        assert_eq!(
            piped[0],
            "Server certificate: subject CN=evil\x1b]0;title\x07\u{9b}2J"
        );
        assert_eq!(piped[1], "  issuer O=\x1b[31mCA");
    }

    #[test]
    fn a_response_without_connection_info_adds_no_lines() {
        let response = Response::new(xhttp::StatusCode::OK);
        assert_eq!(connection(&response, Style::new(false)), "");
    }
}

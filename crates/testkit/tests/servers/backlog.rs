//! A loopback connect that hangs.

use std::io::ErrorKind;
use std::net::TcpStream;

use xhttp_testkit::FullBacklog;

use crate::QUIET;

#[test]
fn a_connect_to_a_full_backlog_times_out() {
    let full = FullBacklog::new();
    assert!(full.addr().ip().is_loopback());
    assert!(full.fillers() >= 1);
    for _ in 0..2 {
        let attempt = TcpStream::connect_timeout(&full.addr(), QUIET);
        assert_eq!(attempt.unwrap_err().kind(), ErrorKind::TimedOut);
    }
}

#[test]
#[allow(clippy::print_stderr)] // the skip is said on the test's output
fn a_full_backlog_works_on_ipv6_too() {
    if !xhttp_testkit::ipv6_loopback_available() {
        eprintln!("skipped: this machine has no IPv6 loopback (::1)");
        return;
    }
    let full = FullBacklog::ipv6();
    assert!(full.addr().is_ipv6());
    assert!(full.url("/").starts_with("http://[::1]:"));
    let attempt = TcpStream::connect_timeout(&full.addr(), QUIET);
    assert_eq!(attempt.unwrap_err().kind(), ErrorKind::TimedOut);
}

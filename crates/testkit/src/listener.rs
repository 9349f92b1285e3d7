//! Loopback listeners made with `socket2`, so options that must be set before
//! `listen()` (the receive buffer) can be.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};

/// The loopback address of the chosen family.
pub(crate) fn loopback(ipv6: bool) -> IpAddr {
    if ipv6 {
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    }
}

/// A listening socket on `ip:0` with room for `backlog` pending connections and, when
/// given, a receive buffer of `recv_buffer` bytes (the kernel may round it: Linux
/// doubles it), which the accepted sockets inherit.
pub(crate) fn bind(
    ip: IpAddr,
    recv_buffer: Option<usize>,
    backlog: i32,
) -> io::Result<std::net::TcpListener> {
    let addr = SocketAddr::new(ip, 0);
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if let Some(size) = recv_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_receive_buffer_is_set_before_listening() {
        let listener = bind(loopback(false), Some(4096), 16).unwrap();
        let socket = Socket::from(listener);
        let size = socket.recv_buffer_size().unwrap();
        assert!(size < 64 * 1024, "receive buffer of {size} bytes");
    }
}

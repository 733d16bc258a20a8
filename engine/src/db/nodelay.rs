//! `TCP_NODELAY` on the connections to PostgreSQL over TCP. sqlx 0.9.0 no longer sets it (sqlx
//! issue 4335, fixed upstream after that release), so a statement whose message spans more than
//! one TCP segment (a page of task ids, a pass's thousand outbox rows; on a real network, any
//! statement over about 1 400 bytes) holds back its last segment until the server's delayed
//! acknowledgement, some 40 ms later. sqlx gives no access to its socket: a new connection's
//! socket is found among the process's open files by the two addresses the server knows it by,
//! and the option is set through a duplicate of it (both are the same socket).
//!
//! Linux only. Where the socket cannot be found (a proxy in between, a sandbox refusing
//! `pidfd_getfd`, another system), the connection is used as it is. This module goes once a sqlx
//! release sets the option again.

use std::net::{IpAddr, SocketAddr};

use sea_orm::sqlx::{self, PgConnection};

/// Sets `TCP_NODELAY` on the socket of `conn`, a new connection; when it cannot, says why in the
/// log and leaves the connection as it is. Never fails: a connection the probe finds broken fails
/// its first statement, which the pool handles as any other.
pub(super) async fn set(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let ends: Result<Ends, sqlx::Error> = sqlx::query_as(
        "SELECT host(inet_client_addr()), inet_client_port(), \
         host(inet_server_addr()), inet_server_port()",
    )
    .fetch_one(&mut *conn)
    .await;
    let (client, client_port, server, server_port) = match ends {
        Ok(ends) => ends,
        Err(error) => {
            tracing::debug!(%error, "the server's addresses of the connection are unknown: TCP_NODELAY not set");
            return Ok(());
        }
    };
    // Both are NULL over a Unix socket, which has no segments to hold back.
    let (Some(local), Some(peer)) = (address(client, client_port), address(server, server_port))
    else {
        return Ok(());
    };
    match set_on_socket(local, peer) {
        Ok(true) => {}
        // Behind a proxy or a port mapping the server sees other addresses than this process.
        Ok(false) => {
            tracing::debug!(%local, %peer, "socket of the connection not found: TCP_NODELAY not set")
        }
        Err(error) => {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                tracing::warn!(
                    %error,
                    "TCP_NODELAY cannot be set on the connections to PostgreSQL (a container's \
                     seccomp profile may refuse pidfd_getfd): statements longer than a TCP \
                     segment may wait about 40 ms; a Unix socket URL avoids it"
                );
            });
        }
    }
    Ok(())
}

/// The client's and the server's address and port, as the server sees them.
type Ends = (Option<String>, Option<i32>, Option<String>, Option<i32>);

fn address(host: Option<String>, port: Option<i32>) -> Option<SocketAddr> {
    let ip: IpAddr = host?.parse().ok()?;
    Some(SocketAddr::new(
        ip.to_canonical(),
        u16::try_from(port?).ok()?,
    ))
}

/// Sets `TCP_NODELAY` on this process's TCP socket from `local` to `peer`; returns whether there
/// is one.
#[cfg(target_os = "linux")]
fn set_on_socket(local: SocketAddr, peer: SocketAddr) -> std::io::Result<bool> {
    use rustix::process::{PidfdFlags, PidfdGetfdFlags, getpid, pidfd_getfd, pidfd_open};

    let canonical = |a: rustix::net::SocketAddrAny| {
        SocketAddr::try_from(a)
            .ok()
            .map(|a| SocketAddr::new(a.ip().to_canonical(), a.port()))
    };
    let this = pidfd_open(getpid(), PidfdFlags::empty())?;
    for entry in std::fs::read_dir("/proc/self/fd")? {
        let entry = entry?;
        // Sockets only: closing a duplicate of a file would drop this process's POSIX locks on
        // it (SQLite's, for one).
        let is_socket = std::fs::read_link(entry.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        let number = entry.file_name().to_str().and_then(|n| n.parse().ok());
        let Some(fd) = number.filter(|_| is_socket) else {
            continue;
        };
        let socket = match pidfd_getfd(&this, fd, PidfdGetfdFlags::empty()) {
            Ok(socket) => socket,
            // Refused (a sandbox, an old kernel): no other socket will do better.
            Err(e) if e == rustix::io::Errno::PERM || e == rustix::io::Errno::NOSYS => {
                return Err(e.into());
            }
            // Closed meanwhile.
            Err(_) => continue,
        };
        let Ok(name) = rustix::net::getsockname(&socket) else {
            // The number was closed and given to a file meanwhile: this duplicate is left open
            // rather than closed, for the reason above.
            std::mem::forget(socket);
            continue;
        };
        let to = rustix::net::getpeername(&socket).ok().flatten();
        if canonical(name) == Some(local) && to.and_then(canonical) == Some(peer) {
            rustix::net::sockopt::set_tcp_nodelay(&socket, true)?;
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(not(target_os = "linux"))]
fn set_on_socket(_local: SocketAddr, _peer: SocketAddr) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::net::{TcpListener, TcpStream};

    use super::*;

    #[test]
    fn the_socket_between_the_two_addresses_gets_the_option_and_no_other() -> std::io::Result<()> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let one = TcpStream::connect(listener.local_addr()?)?;
        let other = TcpStream::connect(listener.local_addr()?)?;
        assert!(!one.nodelay()? && !other.nodelay()?);

        match set_on_socket(one.local_addr()?, one.peer_addr()?) {
            Ok(found) => assert!(found),
            // A sandbox that refuses `pidfd_getfd`: what the warning in the log is for.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::Unsupported
                ) =>
            {
                eprintln!("skipped: this sandbox refuses pidfd_getfd ({e})");
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        assert!(one.nodelay()?);
        assert!(!other.nodelay()?, "only the socket of the given addresses");

        let (accepted, _) = listener.accept()?;
        let unknown = SocketAddr::new(IpAddr::from([127, 0, 0, 1]), 9);
        assert!(!set_on_socket(accepted.local_addr()?, unknown)?);
        Ok(())
    }

    #[test]
    fn addresses_are_read_as_the_server_writes_them() {
        let mapped = address(Some("::ffff:127.0.0.1".into()), Some(5432));
        assert_eq!(mapped, Some(SocketAddr::from(([127, 0, 0, 1], 5432))));
        assert_eq!(address(None, None), None);
        assert_eq!(address(Some("127.0.0.1".into()), Some(70_000)), None);
    }
}

//! A real SMTP server on 127.0.0.1 for tests (mailin-embedded), keeping what it receives.
//! Recipients containing `reject` are refused with 550.
#![allow(dead_code)]

use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex, PoisonError};

use mailin_embedded::response::{NO_MAILBOX, OK};
use mailin_embedded::{Handler, Response, Server};
use mandate_engine::mail::{MailSettings, Renderer, Security, SmtpSettings, Transport};
use mandate_engine::notifications::Sender;

/// One message as the server got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

#[derive(Clone, Default)]
struct Capture {
    received: Arc<Mutex<Vec<Received>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Capture {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.to.clear();
        self.data.clear();
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if to.contains("reject") {
            return NO_MAILBOX;
        }
        self.to.push(to.to_owned());
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = Received {
            to: std::mem::take(&mut self.to),
            raw: std::mem::take(&mut self.data),
        };
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(message);
        OK
    }
}

/// A running server: its port and what it received so far.
pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    /// Starts a server on a free port (it runs until the test process ends).
    pub fn start() -> Self {
        Self::on(0)
    }

    /// Starts a server on `port` of 127.0.0.1 (`0`: a free one).
    pub fn on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("free port");
        let port = listener.local_addr().expect("address").port();
        let capture = Capture::default();
        let received = capture.received.clone();
        let mut server = Server::new(capture);
        // A thread per connection, and lettre keeps its connections open in a pool: leave room
        // for two senders at full parallelism.
        server
            .with_name("smtp.mandate.test")
            .with_num_threads(32)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A port nothing listens on.
pub fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    listener.local_addr().expect("address").port()
}

/// A sender to the server on `port` of 127.0.0.1, from `from`, giving up on a message after
/// `max_attempts`, four messages in flight.
pub fn sender(port: u16, from: &str, max_attempts: i32) -> Sender {
    Sender {
        transport: Transport::smtp(&SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            credentials: None,
            timeout: std::time::Duration::from_secs(10),
        })
        .expect("transport"),
        renderer: Renderer::builtin().expect("templates"),
        settings: MailSettings {
            from: from.parse().expect("address"),
            public_url: "https://mandate.test".into(),
        },
        lease: std::time::Duration::from_secs(300),
        max_attempts,
        parallel: 4,
    }
}

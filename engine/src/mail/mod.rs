//! Sending e-mail: the transports (SMTP, or `.eml` files for a machine with no mail server) and
//! the rendering of notifications from templates in the recipient institution's language.

mod render;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub use render::{Rendered, Renderer};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// Plain, then upgraded with STARTTLS, which is required (usually port 587).
    StartTls,
    /// No encryption (a local relay or a test server only).
    None,
}

/// Where an SMTP server is and how to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, String)>,
    pub timeout: Duration,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (connection refused, timeout, 4xx).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Will not succeed as it is (5xx: unknown mailbox, rejected sender, invalid message).
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The server could not be reached at all (refused, no route): the message was not tried,
    /// and is tried again however long the server stays down.
    #[error("mail server unreachable: {0}")]
    Unreachable(String),
}

/// A way to deliver messages.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Writes each message as an `.eml` file in a folder.
    Files(PathBuf, AsyncFileTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
            Self::Files(dir, _) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// An SMTP transport (connections pooled).
    pub fn smtp(settings: &SmtpSettings) -> Result<Self, SendError> {
        let tls = || {
            TlsParameters::new(settings.host.clone()).map_err(|e| {
                SendError::Permanent(format!("TLS settings for {}: {e}", settings.host))
            })
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(settings.timeout));
        builder = match settings.security {
            Security::Tls => builder.tls(Tls::Wrapper(tls()?)),
            Security::StartTls => builder.tls(Tls::Required(tls()?)),
            Security::None => builder.tls(Tls::None),
        };
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self::Smtp(builder.build()))
    }

    /// A transport writing `.eml` files into `dir` (created if missing).
    pub fn files(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Self::Files(dir.clone(), AsyncFileTransport::new(dir)))
    }

    /// Delivers one message.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else if unreachable(&e) {
                    SendError::Unreachable(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            }),
            Self::Files(_, files) => files
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
}

/// Whether `e` comes from failing to open a connection to the server, before anything was sent.
fn unreachable(e: &lettre::transport::smtp::Error) -> bool {
    use std::io::ErrorKind;
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::HostUnreachable
                    | ErrorKind::NetworkUnreachable
                    | ErrorKind::AddrNotAvailable
            );
        }
        cause = c.source();
    }
    false
}

/// What every message needs besides its content.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The sender, e.g. `Mandate <mandate@anitp.mai.gov.ro>`.
    pub from: Mailbox,
    /// Where links in messages point, e.g. `https://mandate.anitp.ro`.
    pub public_url: String,
}

impl MailSettings {
    /// The domain for Message-IDs: the sender's.
    pub fn domain(&self) -> &str {
        self.from.email.domain()
    }
}

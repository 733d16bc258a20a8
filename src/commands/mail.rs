//! Mail settings shared by `serve` and `tick`, and `mandate tick`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use mandate_engine::mail::{MailSettings, Renderer, Security, SmtpSettings, Transport};
use mandate_engine::notifications::Sender;

use super::Config;

/// How mail leaves: SMTP when `--smtp-host` is given, else `.eml` files in `--outbox-dir`.
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// SMTP server; without it, messages are written as `.eml` files to `--outbox-dir`.
    #[arg(long, env = "MANDATE_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "MANDATE_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// `starttls` (required), `tls` (implicit, port 465) or `none`.
    #[arg(long, env = "MANDATE_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: String,
    #[arg(long, env = "MANDATE_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// Better given through the environment than on the command line.
    #[arg(long, env = "MANDATE_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Folder for `.eml` files when no SMTP server is given.
    #[arg(long, env = "MANDATE_OUTBOX_DIR", default_value = "outbox")]
    pub outbox_dir: PathBuf,
    /// The sender of every message.
    #[arg(
        long,
        env = "MANDATE_MAIL_FROM",
        default_value = "Mandate <mandate@mandate.localhost>"
    )]
    pub mail_from: String,
    /// The address people reach this server at, for links in messages. Default: `serve`'s
    /// listen address as bound (the machine's name when listening on every interface).
    #[arg(long, env = "MANDATE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Attempts before a message is given up as failed (a server that cannot be reached uses
    /// up none).
    #[arg(long, env = "MANDATE_MAIL_ATTEMPTS", default_value_t = 8)]
    pub mail_attempts: i32,
}

/// Where links in messages point, and why there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    pub url: String,
    /// How a default was chosen, for people; `None` when it was given.
    pub derived: Option<String>,
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.derived {
            Some(how) => write!(f, "{} ({how}; set --public-url to change)", self.url),
            None => write!(f, "{}", self.url),
        }
    }
}

impl MailArgs {
    /// `--public-url`, or else the URL of a server listening on `listen`.
    pub fn public_url(&self, listen: SocketAddr) -> PublicUrl {
        if let Some(url) = &self.public_url {
            return PublicUrl {
                url: url.clone(),
                derived: None,
            };
        }
        if !listen.ip().is_unspecified() {
            return PublicUrl {
                url: format!("http://{listen}"),
                derived: Some(format!("the listen address {listen}")),
            };
        }
        match hostname() {
            Some(host) => PublicUrl {
                url: format!("http://{host}:{}", listen.port()),
                derived: Some(format!(
                    "listening on every interface ({listen}): this machine's name"
                )),
            },
            None => PublicUrl {
                url: format!("http://127.0.0.1:{}", listen.port()),
                derived: Some(format!(
                    "listening on every interface ({listen}) and this machine's name is unknown: \
                     reachable from this machine only"
                )),
            },
        }
    }

    /// The sender these settings describe; links in messages point to `public_url`.
    pub fn sender(&self, public_url: &PublicUrl) -> anyhow::Result<Sender> {
        let transport = match &self.smtp_host {
            Some(host) => {
                let security = match self.smtp_security.as_str() {
                    "starttls" => Security::StartTls,
                    "tls" => Security::Tls,
                    "none" => Security::None,
                    other => bail!("`{other}` is not an SMTP security (starttls, tls, none)"),
                };
                let credentials = match (&self.smtp_user, &self.smtp_password) {
                    (Some(user), Some(password)) => Some((user.clone(), password.clone())),
                    (None, None) => None,
                    _ => bail!("give both --smtp-user and MANDATE_SMTP_PASSWORD, or neither"),
                };
                Transport::smtp(&SmtpSettings {
                    host: host.clone(),
                    port: self.smtp_port,
                    security,
                    credentials,
                    timeout: Duration::from_secs(30),
                })?
            }
            None => Transport::files(&self.outbox_dir)
                .with_context(|| format!("cannot create {}", self.outbox_dir.display()))?,
        };
        Ok(Sender {
            transport,
            renderer: Renderer::builtin().map_err(anyhow::Error::msg)?,
            settings: MailSettings {
                from: self
                    .mail_from
                    .parse()
                    .with_context(|| format!("`{}` is not a sender address", self.mail_from))?,
                public_url: public_url.url.clone(),
            },
            lease: Duration::from_secs(300),
            max_attempts: self.mail_attempts.max(1),
            parallel: 8,
        })
    }

    /// Where messages go, for people.
    pub fn describe(&self) -> String {
        match &self.smtp_host {
            Some(host) => format!("SMTP {host}:{} ({})", self.smtp_port, self.smtp_security),
            None => format!(".eml files in {}", self.outbox_dir.display()),
        }
    }
}

/// The machine's host name, if the system tells it and it can stand in a URL.
fn hostname() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        })
}

/// Where `serve` listens, as `tick` sees it (for the default of `--public-url`):
/// `MANDATE_LISTEN`, or `serve`'s default.
fn serve_listen() -> anyhow::Result<SocketAddr> {
    let text =
        std::env::var("MANDATE_LISTEN").unwrap_or_else(|_| super::serve::DEFAULT_LISTEN.to_owned());
    text.parse()
        .with_context(|| format!("MANDATE_LISTEN `{text}` is not an address (e.g. 127.0.0.1:8080)"))
}

/// `mandate tick --at INSTANT`: one scheduler pass as of that instant, then the outbox drained
/// (unless `--no-send`), with the engine's clock at that instant.
pub async fn tick(config: &Config, at: &str, send: bool, mail: &MailArgs) -> anyhow::Result<()> {
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(at)
        .with_context(|| format!("`{at}` is not an instant (e.g. 2021-06-25T08:00:00+03:00)"))?
        .with_timezone(&Utc);
    let public_url = if send {
        Some(mail.public_url(serve_listen()?))
    } else {
        None
    };
    let engine = config.engine_at(at).await?;
    let summary = engine.tick(at).await?;
    if summary.skipped {
        println!(
            "tick at {at} in {}: skipped (another replica is running a pass, or the pass as of \
             this instant ran already)",
            config.database_name()
        );
    } else {
        println!(
            "tick at {at} in {}: {} open tasks looked at, {} new notifications",
            config.database_name(),
            summary.tasks,
            summary.written
        );
    }
    if summary.unreachable > 0 {
        println!(
            "warning: {} task(s) are owed a reminder but their institution has no e-mail address",
            summary.unreachable
        );
    }
    if let Some(public_url) = public_url {
        println!("links in e-mails point to {public_url}");
        let sender = mail.sender(&public_url)?;
        let sent = engine.send_outbox(&sender, 100).await?;
        println!(
            "outbox ({}): {} sent, {} to retry, {} failed, {} dropped",
            mail.describe(),
            sent.sent,
            sent.retried,
            sent.failed,
            sent.dropped
        );
    }
    Ok(())
}

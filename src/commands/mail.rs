//! Mail settings shared by `serve` and `tick`, and `mandate tick`.

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
    /// The address people reach this server at, for links in messages.
    #[arg(
        long,
        env = "MANDATE_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Attempts before a message is given up as failed.
    #[arg(long, env = "MANDATE_MAIL_ATTEMPTS", default_value_t = 8)]
    pub mail_attempts: i32,
}

impl MailArgs {
    /// The sender these settings describe.
    pub fn sender(&self) -> anyhow::Result<Sender> {
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
                public_url: self.public_url.clone(),
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

/// `mandate tick --at INSTANT`: one scheduler pass as of that instant, then the outbox drained
/// (unless `--no-send`), with the engine's clock at that instant.
pub async fn tick(config: &Config, at: &str, send: bool, mail: &MailArgs) -> anyhow::Result<()> {
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(at)
        .with_context(|| format!("`{at}` is not an instant (e.g. 2021-06-25T08:00:00+03:00)"))?
        .with_timezone(&Utc);
    let engine = config.engine_at(at).await?;
    let summary = engine.tick(at).await?;
    println!(
        "tick at {at}: {} open tasks looked at, {} new notifications",
        summary.tasks, summary.written
    );
    if summary.unreachable > 0 {
        println!(
            "warning: {} task(s) are owed a reminder but their institution has no e-mail address",
            summary.unreachable
        );
    }
    if send {
        let sender = mail.sender()?;
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

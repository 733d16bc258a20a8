//! `mandate user create`, `mandate user password` and `mandate token create`: the operator's
//! way in before any token exists.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, Utc};
use clap::Subcommand;
use mandate_engine::accounts::NewUser;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode};

use super::Config;

/// Managing users.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, coordinator, member or auditor.
        #[arg(long)]
        role: String,
        /// Institution code (required for coordinators and members).
        #[arg(long)]
        institution: Option<String>,
    },
    /// Set a user's password for the web pages (argon2id; at least 12 characters).
    ///
    /// The password is read from standard input, one line (e.g. `mandate user password --email
    /// E < file`, or typed after the prompt), never from the command line: so it appears neither
    /// in the shell's history nor in the list of processes.
    Password {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
    },
}

/// Managing API tokens.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token for a user and print it (it is stored only as a hash).
    Create {
        /// The user's e-mail address.
        #[arg(long)]
        user: String,
        /// Lifetime: `90d`, `12h` (at most 3650 days), or `never`.
        #[arg(long, default_value = "90d")]
        expires: String,
        #[arg(long)]
        label: Option<String>,
    },
}

pub async fn user(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            email,
            name,
            role,
            institution,
        } => create_user(config, email, name, role, institution).await,
        UserCommand::Password { email } => set_password(config, &email).await,
    }
}

async fn create_user(
    config: &Config,
    email: String,
    name: String,
    role: String,
    institution: Option<String>,
) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    let new = NewUser {
        email: EmailAddress::parse(&email)?,
        name,
        role: role.parse()?,
        institution: institution
            .as_deref()
            .map(InstitutionCode::parse)
            .transpose()?,
    };
    let created = match engine.create_user(&Actor::operator(), new).await {
        Ok(created) => created,
        Err(e) => return Err(config.in_database(&engine, e).await),
    };
    println!(
        "created user {} ({}) in {}",
        created.email,
        created.role,
        config.database_name()
    );
    Ok(())
}

/// `mandate user password`: the password from standard input's first line.
async fn set_password(config: &Config, email: &str) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("new password for {email} (one line; it is shown as typed): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line
        .strip_suffix('\n')
        .map_or(line.as_str(), |l| l.strip_suffix('\r').unwrap_or(l));
    if password.is_empty() {
        bail!(
            "no password on standard input: give it as one line, e.g. `mandate user password --email {email} < FILE`"
        );
    }
    let engine = config.engine().await?;
    if let Err(e) = engine
        .set_password(&Actor::operator(), email, password)
        .await
    {
        return Err(config.in_database(&engine, e).await);
    }
    println!("password set for {email} in {}", config.database_name());
    Ok(())
}

pub async fn token(config: &Config, command: TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Create {
        user,
        expires,
        label,
    } = command;
    let engine = config.engine().await?;
    let expires_at = expiry(&expires, engine.now())?;
    let issued = match engine
        .issue_token(&Actor::operator(), &user, expires_at, label)
        .await
    {
        Ok(issued) => issued,
        Err(e) => return Err(config.in_database(&engine, e).await),
    };
    let database = config.database_name();
    match expires_at {
        Some(at) => eprintln!("token for {user} in {database}, expires {at}:"),
        None => eprintln!("token for {user} in {database}, never expires:"),
    }
    println!("{}", issued.token);
    Ok(())
}

/// Longest lifetime of a token that expires, in days (as `issueToken` grants).
const MAX_TOKEN_DAYS: i64 = 3650;

/// `90d`, `12h` or `never`, from `now`; at most [`MAX_TOKEN_DAYS`] days.
fn expiry(text: &str, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
    if text == "never" {
        return Ok(None);
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .with_context(|| format!("`{text}` is not a lifetime (e.g. 90d, 12h, never)"))?;
    let length = match unit {
        "d" => Duration::try_days(n),
        "h" => Duration::try_hours(n),
        _ => None,
    };
    let too_long = || {
        anyhow::anyhow!(
            "`{text}` is too long: a token lives at most {MAX_TOKEN_DAYS} days (or `never`)"
        )
    };
    let Some(length) = length.filter(|_| n > 0) else {
        // A number of days too large for a duration at all: the same limit.
        if matches!(unit, "d" | "h") && n > 0 {
            return Err(too_long());
        }
        bail!("`{text}` is not a lifetime (e.g. 90d, 12h, never)");
    };
    if length > Duration::days(MAX_TOKEN_DAYS) {
        return Err(too_long());
    }
    now.checked_add_signed(length)
        .map(Some)
        .with_context(|| format!("`{text}` from now is past the last date there is"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        let now = Utc::now();
        assert_eq!(expiry("90d", now).unwrap(), Some(now + Duration::days(90)));
        assert_eq!(expiry("12h", now).unwrap(), Some(now + Duration::hours(12)));
        assert_eq!(expiry("never", now).unwrap(), None);
        for bad in ["", "d", "0d", "-1d", "3w", "ninety"] {
            assert!(expiry(bad, now).is_err(), "{bad}");
        }
        assert_eq!(
            expiry("3650d", now).unwrap(),
            Some(now + Duration::days(3650))
        );
        assert_eq!(
            expiry("87600h", now).unwrap(),
            Some(now + Duration::days(3650))
        );
        for long in [
            "3651d",
            "87601h",
            "3650000d",
            "99999999d",
            "999999999999999d",
        ] {
            let e = expiry(long, now).unwrap_err().to_string();
            assert!(e.contains("at most 3650 days"), "{long}: {e}");
        }
    }
}

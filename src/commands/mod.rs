//! One module per command; shared start-up here.

pub mod accounts;
pub mod audit;
pub mod bench;
pub mod cases;
pub mod demo;
pub mod mail;
pub mod plans;
pub mod report;
pub mod serve;
pub mod status;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use mandate_engine::notifications::reminders::ReminderPolicies;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Actor, Engine, SystemClock, db};

/// What every command is told by the global options.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: String,
    pub lifecycles: Option<PathBuf>,
    pub reminder_policies: Option<PathBuf>,
}

impl Config {
    /// Connects, migrates, loads the lifecycles and returns an engine on the system clock.
    pub async fn engine(&self) -> anyhow::Result<Engine> {
        let db = db::connect_and_migrate(&self.database)
            .await
            .with_context(|| format!("cannot open database {}", redact(&self.database)))?;
        self.equip(Engine::new(db, Arc::new(SystemClock), self.lifecycles()?))
    }

    /// `engine` with the reminder policies of `--reminder-policies`, if given.
    fn equip(&self, engine: Engine) -> anyhow::Result<Engine> {
        Ok(match &self.reminder_policies {
            Some(dir) => engine.with_reminder_policies(ReminderPolicies::with_dir(dir)?),
            None => engine,
        })
    }

    /// Connects, migrates and returns an engine whose clock stands at `at` (operators' passes at
    /// a chosen instant, benches).
    pub async fn engine_at(&self, at: chrono::DateTime<chrono::Utc>) -> anyhow::Result<Engine> {
        let db = db::connect_and_migrate(&self.database)
            .await
            .with_context(|| format!("cannot open database {}", redact(&self.database)))?;
        let clock = mandate_engine::ManualClock::new(at);
        self.equip(Engine::new(db, Arc::new(clock), self.lifecycles()?))
    }

    /// The database, as messages name it: without password or options
    /// (`sqlite://mandate.db`, `postgres://u@h:5432/db`).
    pub fn database_name(&self) -> String {
        let url = redact(&self.database);
        match url.split_once('?') {
            Some((base, _)) => base.to_owned(),
            None => url,
        }
    }

    /// A record not found, said of the database it was looked for in; when that database is
    /// empty, with a hint (the demo's database beside it, or how to fill this one). Other errors
    /// as they are.
    pub async fn in_database(
        &self,
        engine: &Engine,
        error: mandate_engine::Error,
    ) -> anyhow::Error {
        match error {
            mandate_engine::Error::NotFound { .. } => anyhow::anyhow!(
                "{error} in {}{}",
                self.database_name(),
                self.hint(engine).await
            ),
            other => other.into(),
        }
    }

    /// ` (empty database: …)` when the database has no institutions; else nothing.
    async fn hint(&self, engine: &Engine) -> String {
        if !matches!(engine.institutions(&Actor::operator()).await, Ok(list) if list.is_empty()) {
            return String::new();
        }
        let advice = self.demo_hint().unwrap_or_else(|| {
            "load plans with `mandate import FILE` or `mandate demo`".to_owned()
        });
        format!(" (empty database: {advice})")
    }

    /// `did you mean --database sqlite://mandate-demo.db?` when the demo's database is in the
    /// working directory and this is another one.
    pub fn demo_hint(&self) -> Option<String> {
        let demo = format!("sqlite://{}", serve::DEMO_DATABASE);
        (std::path::Path::new(serve::DEMO_DATABASE).is_file() && self.database_name() != demo)
            .then(|| format!("did you mean --database {demo}?"))
    }

    /// The reminder policies of `--reminder-policies`, or the built-in one alone.
    pub fn reminder_policies(&self) -> anyhow::Result<ReminderPolicies> {
        Ok(match &self.reminder_policies {
            Some(dir) => ReminderPolicies::with_dir(dir)?,
            None => ReminderPolicies::builtin()?,
        })
    }

    /// The built-in lifecycle plus those of `--lifecycles`, if given.
    pub fn lifecycles(&self) -> anyhow::Result<Lifecycles> {
        Ok(match &self.lifecycles {
            Some(dir) => Lifecycles::with_dir(dir)?,
            None => Lifecycles::builtin()?,
        })
    }
}

/// `mandate migrate`.
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = db::connect_and_migrate(&config.database)
        .await
        .with_context(|| format!("cannot migrate database {}", redact(&config.database)))?;
    db.close().await.ok();
    println!("database {} is up to date", config.database_name());
    Ok(())
}

/// A database URL with any password hidden, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact("sqlite://mandate.db?mode=rwc"),
            "sqlite://mandate.db?mode=rwc"
        );
    }
}

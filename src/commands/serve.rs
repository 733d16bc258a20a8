//! `mandate serve`: the GraphQL server, until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use cron::Schedule;
use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::notifications::scheduler;
use mandate_graphql::{SchemaOptions, ServerConfig};
use mandate_web::WebConfig;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::Config;

/// The SQLite file of `serve --demo`, in the working directory.
pub const DEMO_DATABASE: &str = "mandate-demo.db";

/// Where `serve` listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Options of `mandate serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "MANDATE_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Serve the demo: a SQLite file (mandate-demo.db) with the seed plans and demo users, kept
    /// from one start to the next; prints a new token for each demo user.
    #[arg(long)]
    pub demo: bool,
    /// With `--demo`: start over on a fresh mandate-demo.db.
    #[arg(long, requires = "demo")]
    pub fresh: bool,
    /// Refuse schema introspection (`__schema`, `__type`).
    #[arg(long, env = "MANDATE_NO_INTROSPECTION")]
    pub no_introspection: bool,
    /// Largest request body, in bytes.
    #[arg(long, env = "MANDATE_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Longest a request may take, in seconds.
    #[arg(long, env = "MANDATE_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// When the reminder scheduler runs: a cron expression with seconds (`sec min hour day
    /// month weekday`); the default is every minute.
    #[arg(long, env = "MANDATE_SCHEDULE", default_value = "0 * * * * *")]
    pub schedule: String,
    /// Serve the API only: no reminders, no sending (for extra replicas).
    #[arg(long, env = "MANDATE_NO_SCHEDULER")]
    pub no_scheduler: bool,
    #[command(flatten)]
    pub mail: super::mail::MailArgs,
}

/// Demo users: (e-mail, name, role, institution).
const DEMO_USERS: [(&str, &str, UserRole, Option<&str>); 5] = [
    (
        "admin@mandate.example",
        "Administrator",
        UserRole::Admin,
        None,
    ),
    (
        "coordonator@anitp.example",
        "Coordonator ANITP",
        UserRole::Coordinator,
        Some("ANITP"),
    ),
    (
        "ofiter@igpr.example",
        "Ofițer IGPR",
        UserRole::Member,
        Some("IGPR"),
    ),
    (
        "koordynator@lubartow.example",
        "Koordynator KPP Lubartów",
        UserRole::Coordinator,
        Some("KPP-LUBARTOW"),
    ),
    (
        "auditor@mandate.example",
        "Auditor",
        UserRole::Auditor,
        None,
    ),
];

pub async fn run(config: &Config, args: ServeArgs) -> anyhow::Result<()> {
    let config = if args.demo {
        if args.fresh {
            remove_demo_database()?;
        }
        Config {
            database: format!("sqlite://{DEMO_DATABASE}?mode=rwc"),
            ..config.clone()
        }
    } else {
        config.clone()
    };
    let engine = config.engine().await?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener
        .local_addr()
        .with_context(|| format!("cannot tell where {} is listening", args.listen))?;
    if args.demo {
        load_demo(&engine).await?;
        demo_users(&engine, address).await?;
    }
    let server = ServerConfig {
        body_limit: args.body_limit,
        request_timeout: Duration::from_secs(args.request_timeout),
        schema: SchemaOptions {
            introspection: !args.no_introspection,
            ..SchemaOptions::default()
        },
    };
    let (stop, stopped) = watch::channel(false);
    let scheduler = if args.no_scheduler {
        None
    } else {
        let schedule: Schedule = args.schedule.parse().with_context(|| {
            format!(
                "`{}` is not a cron schedule (6 fields, with seconds)",
                args.schedule
            )
        })?;
        let public_url = args.mail.public_url(address);
        let sender = args.mail.sender(&public_url)?;
        println!(
            "reminders on `{}`, mail to {}",
            args.schedule,
            args.mail.describe()
        );
        println!("links in e-mails point to {public_url}");
        Some(tokio::spawn(scheduler::run(
            engine.clone(),
            schedule,
            sender,
            stopped.clone(),
        )))
    };
    let web = mandate_web::router(
        engine.clone(),
        WebConfig {
            public_url: args.mail.public_url(address).url,
            demo: args.demo,
        },
    )
    .map_err(anyhow::Error::msg)?;
    let router = mandate_graphql::router(engine, &server)
        .map_err(anyhow::Error::msg)?
        .merge(web);
    println!(
        "listening on http://{address}/ (the web application; the API at /graphql; database {})",
        config.database_name()
    );
    tracing::info!(%address, "serving");
    tokio::spawn(async move {
        shutdown_signal().await;
        stop.send(true).ok();
    });
    let mut on_stop = stopped;
    mandate_graphql::serve(listener, router, async move {
        on_stop.changed().await.ok();
    })
    .await?;
    if let Some(scheduler) = scheduler {
        scheduler.await.ok();
    }
    tracing::info!("stopped");
    Ok(())
}

/// Removes the demo database (and SQLite's files beside it), for `--fresh`.
fn remove_demo_database() -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{DEMO_DATABASE}{suffix}");
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {path}"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Continues the demo database if it has plans; else loads the seed plans into it.
async fn load_demo(engine: &Engine) -> anyhow::Result<()> {
    let plans = engine
        .plans(&Actor::operator())
        .await
        .with_context(|| format!("cannot read the plans of {DEMO_DATABASE}"))?
        .len();
    if plans > 0 {
        println!("demo: continuing {DEMO_DATABASE} ({plans} plans; --fresh starts over)");
        return Ok(());
    }
    super::demo::load_seed_plans(engine).await?;
    println!("demo: fresh {DEMO_DATABASE}, seed plans loaded");
    Ok(())
}

/// Creates the demo users that are missing and prints a new token for each (tokens are stored
/// hashed: the ones printed on an earlier start cannot be shown again, but stay valid).
async fn demo_users(engine: &Engine, address: SocketAddr) -> anyhow::Result<()> {
    let operator = Actor::operator();
    let expires = engine.now() + chrono::Duration::days(30);
    println!("\ndemo users and new tokens (valid 30 days):");
    for (email, name, role, institution) in DEMO_USERS {
        match engine.user_by_email(email).await {
            Ok(_) => {}
            Err(mandate_engine::Error::NotFound { .. }) => {
                let new = NewUser {
                    email: EmailAddress::parse(email)?,
                    name: name.to_owned(),
                    role,
                    institution: institution.map(InstitutionCode::parse).transpose()?,
                };
                engine.create_user(&operator, new).await?;
            }
            Err(e) => return Err(e.into()),
        }
        let issued = engine
            .issue_token(&operator, email, Some(expires), Some("demo".into()))
            .await?;
        println!("  {:<11} {email:<30} {}", role.as_str(), issued.token);
    }
    println!(
        "\ntry: curl -s http://{address}/graphql -H 'Authorization: Bearer <token>' \\\n       -H 'Content-Type: application/json' -d '{{\"query\":\"{{ viewer {{ email role }} plans {{ code progress {{ total overdue }} }} }}\"}}'\n"
    );
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

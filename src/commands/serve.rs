//! `mandate serve`: the GraphQL server, until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use cron::Schedule;
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
    /// With `--demo`, on a fresh demo: the instant the demo clock starts at (its history is
    /// played up to it), e.g. 2021-10-01T09:00:00+03:00. Default: 2021-09-28T09:00:00+03:00.
    /// The clock then moves on in real time, and a later start continues it.
    #[arg(long, requires = "demo", value_name = "INSTANT")]
    pub demo_start: Option<String>,
    /// Refuse schema introspection (`__schema`, `__type`).
    #[arg(long, env = "MANDATE_NO_INTROSPECTION")]
    pub no_introspection: bool,
    /// Largest request body, in bytes.
    #[arg(long, env = "MANDATE_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Longest a request may take, in seconds; also how long a stopped server waits for open
    /// connections (live updates, subscriptions) before it closes them.
    #[arg(long, env = "MANDATE_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// When the reminder scheduler runs: a cron expression with seconds (`sec min hour day
    /// month weekday`); the default is every minute.
    #[arg(long, env = "MANDATE_SCHEDULE", default_value = "0 * * * * *")]
    pub schedule: String,
    /// Serve the API only: no reminders, no sending (for extra replicas).
    #[arg(long, env = "MANDATE_NO_SCHEDULER")]
    pub no_scheduler: bool,
    /// Serve Prometheus metrics at `/metrics` on this address (e.g. `127.0.0.1:9100`), apart
    /// from the main port; without it there are none. Unauthenticated: bind it where only the
    /// monitoring system can reach it.
    #[arg(long, env = "MANDATE_METRICS_LISTEN", value_name = "ADDRESS")]
    pub metrics_listen: Option<SocketAddr>,
    #[command(flatten)]
    pub mail: super::mail::MailArgs,
}

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
    // Bound and installed before anything runs, so that nothing goes uncounted.
    let monitoring = match args.metrics_listen {
        Some(address) => Some((
            crate::monitoring::bind(address).await?,
            crate::monitoring::install()?,
        )),
        None => None,
    };
    let engine = config.engine().await?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener
        .local_addr()
        .with_context(|| format!("cannot tell where {} is listening", args.listen))?;
    let engine = if args.demo {
        super::demo::serve(engine, args.demo_start.as_deref(), address).await?
    } else {
        engine
    };
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
            request_timeout: server.request_timeout,
        },
    )
    .map_err(anyhow::Error::msg)?;
    let router = mandate_graphql::router(engine.clone(), &server)
        .map_err(anyhow::Error::msg)?
        .merge(web);
    let router = crate::requests::layered(router);
    let signalled = shutdown_signal()?;
    let metrics = monitoring.map(|((listener, bound), handle)| {
        println!("metrics at http://{bound}/metrics");
        tokio::spawn(crate::monitoring::serve(
            listener,
            engine,
            handle,
            stopped.clone(),
        ))
    });
    println!(
        "listening on http://{address}/ (the web application; the API at /graphql; database {})",
        config.database_name()
    );
    tracing::info!(%address, "serving");
    tokio::spawn(async move {
        signalled.await;
        stop.send(true).ok();
    });
    let mut on_stop = stopped.clone();
    let serving = mandate_graphql::serve(listener, router, async move {
        on_stop.changed().await.ok();
    });
    // Requests in flight end within the time limit; streams that never end by themselves (live
    // updates, subscriptions) are closed when it has passed, and their clients reconnect.
    let grace = server.request_timeout;
    let mut closing = stopped;
    tokio::select! {
        served = serving => served?,
        () = async move {
            closing.changed().await.ok();
            tokio::time::sleep(grace).await;
        } => tracing::info!(
            grace_seconds = grace.as_secs_f64(),
            "closed the connections still open after the stop signal"
        ),
    }
    if let Some(scheduler) = scheduler {
        scheduler.await.ok();
    }
    if let Some(metrics) = metrics
        && let Ok(Err(e)) = metrics.await
    {
        tracing::error!(error = %e, "metrics listener");
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

/// Listens for Ctrl-C and SIGTERM from the moment it is called, so a signal sent as soon as
/// `listening on …` is printed already stops the server cleanly; the future completes on the first.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
            signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

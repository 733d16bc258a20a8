//! `/metrics` for Prometheus, on its own listener (`serve --metrics-listen`), never on the port
//! people and API clients reach: operators bind it to a loopback or private address that only
//! their Prometheus can reach.
//!
//! Counters and histograms are recorded as things happen (requests in [`crate::requests`], the
//! engine's in `mandate_engine::metrics`); the outbox and the connection pool are read when
//! Prometheus scrapes.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use mandate_engine::Engine;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Outbox messages, by `status`.
const OUTBOX: &str = "mandate_outbox_messages";
/// Seconds since the oldest message that is due and not yet sent was due.
const OUTBOX_OLDEST: &str = "mandate_outbox_oldest_unsent_age_seconds";
/// Connections of the database pool, by `state` (`idle`, `in_use`).
const POOL: &str = "mandate_db_pool_connections";
/// 1 when the database answered the last scrape's outbox query, else 0 (the outbox gauges then
/// keep the values of the last scrape that could read them).
const DATABASE_UP: &str = "mandate_database_up";

/// Latency buckets (seconds) of every `*_seconds` histogram: requests and scheduler passes.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often the recorder's histograms are compacted between scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

#[derive(Clone)]
struct Scrape {
    engine: Engine,
    handle: PrometheusHandle,
}

/// Serves `/metrics` from `handle` on `listener` until `stop` turns true.
pub async fn serve(
    listener: TcpListener,
    engine: Engine,
    handle: PrometheusHandle,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let router = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape {
            engine,
            handle: handle.clone(),
        });
    let mut upkeep_stop = stop.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP);
        loop {
            tokio::select! {
                _ = every.tick() => handle.run_upkeep(),
                _ = upkeep_stop.changed() => return,
            }
        }
    });
    let mut stop = stop;
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            stop.changed().await.ok();
        })
        .await
        .context("the metrics listener failed")
}

/// Binds the metrics listener.
pub async fn bind(address: SocketAddr) -> anyhow::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen for metrics on {address}"))?;
    let bound = listener
        .local_addr()
        .with_context(|| format!("cannot tell where {address} is listening"))?;
    Ok((listener, bound))
}

/// Installs the Prometheus recorder for the whole process (before anything is counted: what is
/// recorded earlier is lost), with the help texts.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
        .and_then(PrometheusBuilder::install_recorder)
        .context("cannot set up the metrics recorder")?;
    describe();
    Ok(handle)
}

/// The `# HELP` line of each metric.
fn describe() {
    use mandate_engine::metrics as engine;
    metrics::describe_counter!(
        crate::requests::REQUESTS,
        "HTTP requests answered, by method, route template and status."
    );
    metrics::describe_histogram!(
        crate::requests::DURATION,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request (to the response head), by method and route template."
    );
    metrics::describe_counter!(
        engine::TASK_TRANSITIONS,
        "Task transitions committed, by transition."
    );
    metrics::describe_histogram!(
        engine::TICK_DURATION,
        metrics::Unit::Seconds,
        "Time of one scheduler pass (reminders written to the outbox)."
    );
    metrics::describe_counter!(engine::TICK_FAILURES, "Scheduler passes that failed.");
    metrics::describe_counter!(engine::MAIL_SENT, "Messages sent.");
    metrics::describe_counter!(
        engine::MAIL_SEND_ERRORS,
        "Messages not sent: outcome retry (tried again later) or failed (given up)."
    );
    metrics::describe_gauge!(OUTBOX, "Outbox messages, by status.");
    metrics::describe_gauge!(
        OUTBOX_OLDEST,
        metrics::Unit::Seconds,
        "Age of the oldest outbox message that is due and not yet sent (0 when none)."
    );
    metrics::describe_gauge!(POOL, "Database pool connections, by state.");
    metrics::describe_gauge!(
        DATABASE_UP,
        "1 when the database answered the outbox query of this scrape, else 0."
    );
}

/// `GET /metrics`: reads the outbox and the pool, then renders every metric.
async fn scrape(State(scrape): State<Scrape>) -> impl IntoResponse {
    match scrape.engine.outbox_health().await {
        Ok(outbox) => {
            for (status, count) in outbox.by_status {
                metrics::gauge!(OUTBOX, "status" => status).set(count as f64);
            }
            metrics::gauge!(OUTBOX_OLDEST).set(outbox.oldest_unsent_age.as_secs_f64());
            metrics::gauge!(DATABASE_UP).set(1.0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot read the outbox");
            metrics::gauge!(DATABASE_UP).set(0.0);
        }
    }
    if let Some(pool) = scrape.engine.pool_use() {
        metrics::gauge!(POOL, "state" => "idle").set(f64::from(pool.idle));
        metrics::gauge!(POOL, "state" => "in_use")
            .set(f64::from(pool.open.saturating_sub(pool.idle)));
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
}

//! The scheduler loop run by `mandate serve`: on each cron instant, one tick, then the outbox is
//! drained. Stops between steps when told to.

use std::time::Duration;

use cron::Schedule;
use tokio::sync::watch;

use super::Sender;
use crate::engine::Engine;

/// Messages claimed per round trip.
const BATCH: u64 = 100;

/// Ticks on `schedule` and sends, until `stop` turns true. Failures are logged and the loop
/// goes on: the next tick catches up with whatever the failed one missed.
pub async fn run(
    engine: Engine,
    schedule: Schedule,
    sender: Sender,
    mut stop: watch::Receiver<bool>,
) {
    tracing::info!(%schedule, "scheduler started");
    loop {
        let Some(next) = schedule.after(&engine.now()).next() else {
            tracing::warn!("the schedule has no next instant; scheduler stopped");
            return;
        };
        let wait = (next - engine.now()).to_std().unwrap_or(Duration::ZERO);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            tracing::info!("scheduler stopped");
            return;
        }
        let at = engine.now();
        match engine.tick(at).await {
            Ok(summary) => tracing::info!(tasks = summary.tasks, written = summary.written, "tick"),
            Err(e) => tracing::error!(error = %e, "tick failed"),
        }
        match engine.send_outbox(&sender, BATCH).await {
            Ok(s) if s == super::SendSummary::default() => {}
            Ok(s) => tracing::info!(
                sent = s.sent,
                retried = s.retried,
                failed = s.failed,
                dropped = s.dropped,
                "outbox drained"
            ),
            Err(e) => tracing::error!(error = %e, "sending failed"),
        }
    }
}

//! The scheduler loop run by `mandate serve`: on each cron instant, one tick, then the outbox is
//! drained; between instants, the outbox is drained whenever a message must go at once. Stops
//! between steps when told to.

use std::time::{Duration, Instant};

use cron::Schedule;
use tokio::sync::watch;

use super::{SendSummary, Sender};
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
        // A message that must go at once (a sign-in link) rings the bell: the outbox is
        // drained without a tick.
        let scheduled = tokio::select! {
            () = tokio::time::sleep(wait) => true,
            () = engine.outbox_rung() => false,
            _ = stop.changed() => false,
        };
        if *stop.borrow() {
            tracing::info!("scheduler stopped");
            return;
        }
        if scheduled {
            // As of the cron instant itself, which every replica on the schedule names alike:
            // the first to get there runs the pass, the others skip it.
            let started = Instant::now();
            let ticked = engine.tick(next).await;
            crate::metrics::tick_done(started.elapsed(), ticked.is_err());
            match ticked {
                // The pass logged why it skipped.
                Ok(summary) if summary.skipped => {}
                Ok(summary) => {
                    tracing::info!(tasks = summary.tasks, written = summary.written, "tick");
                }
                Err(e) => tracing::error!(error = %e, "tick failed"),
            }
        }
        // Batch by batch, so that a stop is heard between them rather than after the outbox.
        let mut sent = SendSummary::default();
        while !*stop.borrow() {
            match engine.send_batch(&sender, BATCH, &mut sent).await {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "sending failed");
                    break;
                }
            }
        }
        if sent != SendSummary::default() {
            tracing::info!(
                sent = sent.sent,
                retried = sent.retried,
                failed = sent.failed,
                dropped = sent.dropped,
                "outbox drained"
            );
        }
    }
}

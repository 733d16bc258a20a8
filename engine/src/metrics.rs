//! What the engine measures, through the `metrics` facade: the binary installs a recorder (and
//! serves it to Prometheus); without one every call here costs next to nothing. The names of the
//! engine's metrics are here and nowhere else. Gauges that are read from the database when they
//! are scraped (the outbox, the connection pool) come from [`Engine::outbox_health`] and
//! [`Engine::pool_use`].

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnectionType, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::notification;
use crate::error::Result;
use crate::notifications::status;

/// Task transitions fired and committed, by transition name (`transition`); tasks cancelled
/// because their plan changed are not counted.
pub const TASK_TRANSITIONS: &str = "mandate_task_transitions_total";
/// How long one scheduler pass (the reminder tick) took, in seconds.
pub const TICK_DURATION: &str = "mandate_scheduler_tick_duration_seconds";
/// Scheduler passes that failed.
pub const TICK_FAILURES: &str = "mandate_scheduler_tick_failures_total";
/// Messages sent.
pub const MAIL_SENT: &str = "mandate_mail_sent_total";
/// Messages that could not be sent, by `outcome`: `retry` (transient, tried again later) or
/// `failed` (given up).
pub const MAIL_SEND_ERRORS: &str = "mandate_mail_send_errors_total";

/// Counts one committed transition called `name`.
pub(crate) fn transition_committed(name: &str) {
    metrics::counter!(TASK_TRANSITIONS, "transition" => name.to_owned()).increment(1);
}

/// Records a scheduler pass that took `took` and whether it failed.
pub(crate) fn tick_done(took: Duration, failed: bool) {
    metrics::histogram!(TICK_DURATION).record(took.as_secs_f64());
    if failed {
        metrics::counter!(TICK_FAILURES).increment(1);
    }
}

/// Counts a message sent.
pub(crate) fn mail_sent() {
    metrics::counter!(MAIL_SENT).increment(1);
}

/// Counts a message not sent: to be `retried`, or given up.
pub(crate) fn mail_send_error(retried: bool) {
    let outcome = if retried { "retry" } else { "failed" };
    metrics::counter!(MAIL_SEND_ERRORS, "outcome" => outcome).increment(1);
}

/// The outbox at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxHealth {
    /// Messages per status, every status present (zero when none).
    pub by_status: BTreeMap<&'static str, u64>,
    /// How long the oldest message that is due and not yet sent (pending or being sent) has been
    /// due; zero when there is none.
    pub oldest_unsent_age: Duration,
}

/// The database connection pool at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open.
    pub open: u32,
    /// Of them, idle.
    pub idle: u32,
}

impl Engine {
    /// The outbox's depth per status and the age of its oldest unsent message, as of the
    /// engine's clock (for monitoring; nobody's rows are shown, only counts).
    pub async fn outbox_health(&self) -> Result<OutboxHealth> {
        let counts = self.outbox_counts(&Actor::operator()).await?;
        let by_status = [
            status::PENDING,
            status::SENDING,
            status::SENT,
            status::FAILED,
            status::DROPPED,
        ]
        .into_iter()
        .map(|s| (s, counts.get(s).copied().unwrap_or(0)))
        .collect();
        let now = self.now();
        let oldest: Option<DateTime<Utc>> = notification::Entity::find()
            .select_only()
            .column(notification::Column::SlotAt)
            .filter(notification::Column::Status.is_in([status::PENDING, status::SENDING]))
            .filter(notification::Column::SlotAt.lte(now))
            .order_by_asc(notification::Column::SlotAt)
            .into_tuple()
            .one(self.db())
            .await?;
        let oldest_unsent_age = oldest
            .and_then(|at| (now - at).to_std().ok())
            .unwrap_or(Duration::ZERO);
        Ok(OutboxHealth {
            by_status,
            oldest_unsent_age,
        })
    }

    /// The connection pool's open and idle connections.
    pub fn pool_use(&self) -> Option<PoolUse> {
        let (open, idle) = match &self.db().inner {
            DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
                let pool = self.db().get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
                let pool = self.db().get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => return None,
        };
        Some(PoolUse {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
        })
    }
}

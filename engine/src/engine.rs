//! The `Engine` handle: a database connection, a clock and the known lifecycles.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, broadcast};

use crate::clock::Clock;
use crate::demo::DemoInfo;
use crate::error::{Error, Result};
use crate::notifications::reminders::{DEFAULT_POLICY, ReminderPolicies, ReminderPolicy};
use crate::status::StatusPolicy;
use crate::tasks::TaskEvent;
use crate::tasks::lifecycle::{Lifecycle, Lifecycles};

/// How many committed transitions a slow subscriber may fall behind before it misses some.
const FEED_CAPACITY: usize = 4096;

/// Every engine operation goes through this handle. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Engine {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    lifecycles: Arc<Lifecycles>,
    /// Reminder policies from a folder, besides the built-in default.
    policies: Option<Arc<ReminderPolicies>>,
    feed: broadcast::Sender<TaskEvent>,
    /// Set when the engine runs a demo (on a demo clock).
    demo: Option<Arc<DemoInfo>>,
    /// Rung when a message must go at once (a sign-in link): the scheduler drains the outbox.
    outbox_bell: Arc<Notify>,
}

impl Engine {
    /// An engine over `db` (already migrated) reading time from `clock`.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, lifecycles: Lifecycles) -> Self {
        Self {
            db,
            clock,
            lifecycles: Arc::new(lifecycles),
            policies: None,
            feed: broadcast::channel(FEED_CAPACITY).0,
            demo: None,
            outbox_bell: Arc::new(Notify::new()),
        }
    }

    /// The same engine, knowing these reminder policies.
    pub fn with_reminder_policies(mut self, policies: ReminderPolicies) -> Self {
        self.policies = Some(Arc::new(policies));
        self
    }

    /// The same engine (database, lifecycles, policies, subscribers) reading time from `clock`.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            ..self.clone()
        }
    }

    /// The same engine, running the demo `info` describes.
    pub fn with_demo(mut self, info: DemoInfo) -> Self {
        self.demo = Some(Arc::new(info));
        self
    }

    /// The demo this engine runs, if it runs one: pages show a banner with its clock.
    pub fn demo(&self) -> Option<&DemoInfo> {
        self.demo.as_deref()
    }

    /// The reminder policy called `name`, or the built-in default (with a warning when a name
    /// was given that is not known).
    pub fn reminder_policy(&self, name: Option<&str>) -> Result<Arc<ReminderPolicy>> {
        let name = name.unwrap_or(DEFAULT_POLICY);
        if let Some(found) = self.policies.as_ref().and_then(|p| p.get(name)) {
            return Ok(found);
        }
        if name != DEFAULT_POLICY {
            tracing::warn!(policy = name, "unknown reminder policy; using the default");
        }
        ReminderPolicy::builtin()
            .map_err(|e| Error::internal(format!("the built-in reminder policy: {e}")))
    }

    /// The status rule's policy (`workflows/policies/status.yaml`, built in).
    pub fn status_policy(&self) -> Result<Arc<StatusPolicy>> {
        StatusPolicy::builtin()
            .map_err(|e| Error::internal(format!("the built-in status policy: {e}")))
    }

    /// The database connection, for the engine's own work. Everything outside the engine reads
    /// through [`crate::reads`], on behalf of an actor (tests that look at rows use their own
    /// connection).
    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    /// The database connection itself, with no rule applied, for `mandate bench` only: it
    /// builds large plans in bulk and measures bare statements against the engine. Nothing that
    /// serves people may use it; they read through [`crate::reads`].
    pub fn connection_for_benchmarks(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The current instant, as the engine's clock tells it.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Every task transition of this process, as it commits.
    pub fn subscribe(&self) -> broadcast::Receiver<TaskEvent> {
        self.feed.subscribe()
    }

    /// How many subscribers are listening now.
    pub fn subscribers(&self) -> usize {
        self.feed.receiver_count()
    }

    /// Tells subscribers about a committed transition (nobody listening is fine), and counts it.
    pub(crate) fn publish(&self, event: TaskEvent) {
        crate::metrics::transition_committed(&event.event.kind);
        let _ = self.feed.send(event);
    }

    /// Asks the sender to drain the outbox now rather than at the next scheduled instant.
    pub(crate) fn wake_sender(&self) {
        self.outbox_bell.notify_one();
    }

    /// Completes when a message must go at once (see [`Engine::wake_sender`]).
    pub async fn outbox_rung(&self) {
        self.outbox_bell.notified().await;
    }

    /// The known lifecycles.
    pub fn lifecycles(&self) -> &Lifecycles {
        &self.lifecycles
    }

    /// The lifecycle called `name`, or a validation error listing the known ones.
    pub fn lifecycle(&self, name: &str) -> Result<Arc<Lifecycle>> {
        self.lifecycles.get(name).ok_or_else(|| {
            Error::validation(
                "lifecycle",
                format!(
                    "unknown lifecycle `{name}` (known: {})",
                    self.lifecycles.names().join(", ")
                ),
            )
        })
    }
}

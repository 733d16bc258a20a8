//! The `Engine` handle: a database connection, a clock and the known lifecycles.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tokio::sync::{Notify, OnceCell};

use crate::bus::{self, Bus, Credential, CredentialWatch, Ended, Subscriber};
use crate::clock::Clock;
use crate::demo::DemoInfo;
use crate::error::{Error, Result};
use crate::notifications::reminders::{DEFAULT_POLICY, ReminderPolicies, ReminderPolicy};
use crate::status::StatusPolicy;
use crate::tasks::lifecycle::{Lifecycle, Lifecycles};

/// Every engine operation goes through this handle. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Engine {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    lifecycles: Arc<Lifecycles>,
    /// Reminder policies from a folder, besides the built-in default.
    policies: Option<Arc<ReminderPolicies>>,
    /// Events and revocations across replicas.
    bus: Bus,
    /// Set when the engine runs a demo (on a demo clock).
    demo: Option<Arc<DemoInfo>>,
    /// Rung when a message must go at once (a sign-in link): the scheduler drains the outbox.
    outbox_bell: Arc<Notify>,
    /// The link-signing secret once read: it is made once and never changes.
    link_secret: Arc<OnceCell<Vec<u8>>>,
}

impl Engine {
    /// An engine over `db` (already migrated) reading time from `clock`.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, lifecycles: Lifecycles) -> Self {
        Self {
            db,
            clock,
            lifecycles: Arc::new(lifecycles),
            policies: None,
            bus: Bus::new(bus::DEFAULT_CAPACITY),
            demo: None,
            outbox_bell: Arc::new(Notify::new()),
            link_secret: Arc::new(OnceCell::new()),
        }
    }

    /// The same engine, knowing these reminder policies.
    pub fn with_reminder_policies(mut self, policies: ReminderPolicies) -> Self {
        self.policies = Some(Arc::new(policies));
        self
    }

    /// The same engine, whose subscribers may fall `capacity` events behind before they are
    /// resynchronised. Call it before anyone subscribes.
    pub fn with_bus_capacity(mut self, capacity: usize) -> Self {
        self.bus = Bus::new(capacity);
        self
    }

    /// The same engine (database, lifecycles, policies, subscribers) reading time from `clock`.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            ..self.clone()
        }
    }

    /// The same engine over `db`, another handle on the same database.
    pub(crate) fn with_connection(&self, db: DatabaseConnection) -> Self {
        Self { db, ..self.clone() }
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

    /// Where the link-signing secret is kept once read (`notifications::links`).
    pub(crate) fn link_secret_cell(&self) -> &OnceCell<Vec<u8>> {
        &self.link_secret
    }

    /// The current instant, as the engine's clock tells it.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Every event about a task committed from now on, by any replica, as it commits. The first
    /// call starts this replica's listener.
    pub async fn subscribe(&self) -> Result<Subscriber> {
        self.bus.subscribe(&self.db).await
    }

    /// How many subscribers are listening on this replica now.
    pub fn subscribers(&self) -> usize {
        self.bus.subscribers()
    }

    /// Completes once this replica has handed the event `event_id` (or a later one) to its
    /// subscribers.
    pub async fn delivered(&self, event_id: i64) {
        self.bus.delivered(event_id).await;
    }

    /// Commits a transaction that may have appended events, and tells the bus.
    pub(crate) async fn commit(&self, txn: DatabaseTransaction) -> Result<()> {
        txn.commit().await?;
        self.bus.ring(&self.db);
        Ok(())
    }

    /// Tells every replica that a credential ended, once its change committed.
    pub(crate) async fn announce_ended(&self, ended: Ended) -> Result<()> {
        self.bus.announce_ended(&self.db, ended).await
    }

    /// Watches a credential: [`CredentialWatch::ended`] completes when it is revoked or signed
    /// out, on any replica. A credential already ended (or unknown) ends at once.
    pub async fn watch_credential(&self, credential: Credential<'_>) -> Result<CredentialWatch> {
        let ended = self.bus.watch(&self.db).await?;
        let which = self.credential_id(credential).await?;
        let watch = CredentialWatch {
            engine: self.clone(),
            which,
            ended,
            live: self.credential_live(which).await?,
        };
        Ok(watch)
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

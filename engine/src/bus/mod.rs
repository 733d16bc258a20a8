//! The event bus across replicas. Every event about a task (a transition, a creation, a
//! cancellation) is announced after it commits: on PostgreSQL by `NOTIFY mandate_events, '<id>'`
//! sent in the writing transaction (delivered at commit, to every replica), on SQLite by ringing
//! an in-process bell. Each replica runs one listener ([`listen`]) that reads the announced rows
//! and fans them out to its local subscribers. A subscriber that falls behind gets
//! [`BusItem::Resync`] and then the events since the last one it saw, read from the database:
//! never a silent gap.
//!
//! Revoked tokens and ended web sessions travel the same way (`mandate_revocations`), so that a
//! replica closes the subscriptions they opened.

mod credentials;
mod listen;
pub(crate) mod rows;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryTrait, Statement,
};
use tokio::sync::{Notify, OnceCell, broadcast, watch};

use crate::entity::event;
use crate::error::{Error, Result};
use crate::tasks::TaskEvent;

/// The PostgreSQL channel that carries event ids.
pub(crate) const EVENTS_CHANNEL: &str = "mandate_events";
/// The PostgreSQL channel that carries revoked credentials (`token:<id>`, `session:<id>`).
pub(crate) const REVOCATIONS_CHANNEL: &str = "mandate_revocations";

/// How many events a slow subscriber may fall behind before it is resynchronised.
pub const DEFAULT_CAPACITY: usize = 4096;
/// How many revocations may wait for a slow watcher before it checks the database.
const REVOCATION_CAPACITY: usize = 256;

/// What a subscriber receives.
#[derive(Debug, Clone)]
pub enum BusItem {
    /// An event about a task, committed; the task as it was read after the commit.
    Event(Box<TaskEvent>),
    /// The subscriber fell behind: what it built from earlier events may be stale. The events
    /// since the last one it received follow, oldest first.
    Resync,
}

/// A credential whose end closes the subscriptions it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// An API token (its secret).
    Token(&'a str),
    /// A web session (its cookie).
    Session(&'a str),
}

/// A credential that ended, by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    Token(i64),
    Session(i64),
}

impl Ended {
    fn payload(self) -> String {
        match self {
            Ended::Token(id) => format!("token:{id}"),
            Ended::Session(id) => format!("session:{id}"),
        }
    }

    fn parse(payload: &str) -> Option<Self> {
        let (kind, id) = payload.split_once(':')?;
        let id = id.parse().ok()?;
        match kind {
            "token" => Some(Ended::Token(id)),
            "session" => Some(Ended::Session(id)),
            _ => None,
        }
    }
}

/// One replica's end of the bus. Cheap to clone; the listener stops when the last clone goes.
#[derive(Debug, Clone)]
pub(crate) struct Bus {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    feed: broadcast::Sender<TaskEvent>,
    revocations: broadcast::Sender<Ended>,
    /// Rung after a commit on SQLite: the listener reads what is new.
    bell: Arc<Notify>,
    /// Rung when the last handle goes: the listener ends.
    stop: Arc<Notify>,
    /// The highest event id fanned out here.
    delivered: watch::Sender<i64>,
    /// Set once the listener listens.
    started: OnceCell<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

impl Bus {
    /// A bus whose subscribers may fall `capacity` events behind before a resync.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                feed: broadcast::channel(capacity.max(1)).0,
                revocations: broadcast::channel(REVOCATION_CAPACITY).0,
                bell: Arc::new(Notify::new()),
                stop: Arc::new(Notify::new()),
                delivered: watch::channel(0).0,
                started: OnceCell::new(),
            }),
        }
    }

    /// Starts this replica's listener unless it runs already; returns once it listens.
    async fn start(&self, db: &DatabaseConnection) -> Result<()> {
        self.inner
            .started
            .get_or_try_init(|| listen::start(self, db.clone()))
            .await?;
        Ok(())
    }

    /// A new subscriber, starting after the last event fanned out here.
    pub(crate) async fn subscribe(&self, db: &DatabaseConnection) -> Result<Subscriber> {
        self.start(db).await?;
        let feed = self.inner.feed.subscribe();
        Ok(Subscriber {
            db: db.clone(),
            feed,
            last_id: *self.inner.delivered.borrow(),
            backlog: VecDeque::new(),
            catching_up: false,
            caught_up: HashSet::new(),
        })
    }

    /// How many subscribers listen on this replica.
    pub(crate) fn subscribers(&self) -> usize {
        self.inner.feed.receiver_count()
    }

    /// Tells the SQLite listener that something committed (on PostgreSQL the notifications
    /// sent in the transaction do it).
    pub(crate) fn ring(&self, db: &DatabaseConnection) {
        if db.get_database_backend() != DbBackend::Postgres {
            self.inner.bell.notify_one();
        }
    }

    /// Completes once this replica has fanned out the event `id` (or a later one).
    pub(crate) async fn delivered(&self, id: i64) {
        let mut seen = self.inner.delivered.subscribe();
        // The sender lives as long as `self`: waiting cannot fail.
        let _ = seen.wait_for(|&last| last >= id).await;
    }

    /// Announces that a credential ended, to every replica, once its change committed.
    pub(crate) async fn announce_ended(&self, db: &DatabaseConnection, ended: Ended) -> Result<()> {
        if db.get_database_backend() == DbBackend::Postgres {
            notify(db, REVOCATIONS_CHANNEL, &ended.payload()).await
        } else {
            let _ = self.inner.revocations.send(ended);
            Ok(())
        }
    }

    /// Watches for the end of the credential with row id `ended`.
    pub(crate) async fn watch(
        &self,
        db: &DatabaseConnection,
    ) -> Result<broadcast::Receiver<Ended>> {
        self.start(db).await?;
        Ok(self.inner.revocations.subscribe())
    }

    /// Fans events out to this replica's subscribers (nobody listening is fine).
    fn fan_out(&self, events: Vec<TaskEvent>) {
        for event in events {
            let id = event.event.id;
            let _ = self.inner.feed.send(event);
            self.inner.delivered.send_if_modified(|last| {
                let newer = id > *last;
                if newer {
                    *last = id;
                }
                newer
            });
        }
    }

    fn last_delivered(&self) -> i64 {
        *self.inner.delivered.borrow()
    }

    fn set_delivered_at_least(&self, id: i64) {
        self.inner.delivered.send_if_modified(|last| {
            let newer = id > *last;
            if newer {
                *last = id;
            }
            newer
        });
    }
}

/// Inserts `event` and, when it is about a task, announces it. On PostgreSQL the announcement
/// (`pg_notify`, delivered at commit and never if the transaction rolls back) goes in the same
/// statement as the insert: one round trip. On SQLite nothing is sent: the commit rings.
pub(crate) async fn insert_event<C: ConnectionTrait>(
    db: &C,
    event: event::ActiveModel,
) -> Result<event::Model> {
    let about_a_task = matches!(event.task_id, ActiveValue::Set(Some(_)));
    if db.get_database_backend() != DbBackend::Postgres || !about_a_task {
        return Ok(event.insert(db).await?);
    }
    let insert = event::Entity::insert(event).build(DbBackend::Postgres);
    let sql = format!(
        "WITH appended AS ({} RETURNING *) \
         SELECT appended.*, pg_notify('{EVENTS_CHANNEL}', appended.id::text)::text AS announced \
         FROM appended",
        insert.sql
    );
    let values = insert.values.map(|values| values.0).unwrap_or_default();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?
        .ok_or_else(|| Error::internal("inserting an event returned no row"))?;
    Ok(event::Model::from_query_result(&row, "")?)
}

async fn notify<C: ConnectionTrait>(db: &C, channel: &str, payload: &str) -> Result<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [channel.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

/// One subscriber's view of the bus.
pub struct Subscriber {
    db: DatabaseConnection,
    feed: broadcast::Receiver<TaskEvent>,
    /// The id of the last event this subscriber received.
    last_id: i64,
    /// Events read back from the database while catching up, not yet handed out.
    backlog: VecDeque<TaskEvent>,
    /// Whether more pages may remain to be read back.
    catching_up: bool,
    /// Events handed out while catching up: the feed may bring them again.
    caught_up: HashSet<i64>,
}

impl Subscriber {
    /// The next item, or `None` once the bus is gone. A database error while catching up is
    /// returned; the subscriber may be asked again.
    pub async fn next(&mut self) -> Result<Option<BusItem>> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                return Ok(Some(BusItem::Event(Box::new(event))));
            }
            if self.catching_up {
                let page = rows::since(&self.db, self.last_id).await?;
                self.catching_up = page.full;
                self.last_id = self.last_id.max(page.last_id);
                for event in &page.events {
                    self.caught_up.insert(event.event.id);
                }
                self.backlog.extend(page.events);
                continue;
            }
            match self.feed.recv().await {
                Ok(event) => {
                    if self.caught_up.remove(&event.event.id) {
                        continue;
                    }
                    self.last_id = self.last_id.max(event.event.id);
                    return Ok(Some(BusItem::Event(Box::new(event))));
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::info!(missed, "a subscriber fell behind; resynchronising");
                    // What the feed still holds is read back too: start afresh after it.
                    self.feed = self.feed.resubscribe();
                    self.caught_up.clear();
                    self.catching_up = true;
                    return Ok(Some(BusItem::Resync));
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(None),
            }
        }
    }

    /// The subscriber as a stream; it ends with the bus, or after a database error (logged)
    /// following a resync.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = BusItem> + Send + 'static {
        futures_util::stream::unfold(self, |mut subscriber| async move {
            match subscriber.next().await {
                Ok(Some(item)) => Some((item, subscriber)),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, "a subscriber cannot catch up; closing it");
                    None
                }
            }
        })
    }
}

/// Completes when a credential ends (revoked, signed out) on any replica.
pub struct CredentialWatch {
    pub(crate) engine: crate::engine::Engine,
    pub(crate) which: Ended,
    pub(crate) ended: broadcast::Receiver<Ended>,
    /// Whether it held when the watch began.
    pub(crate) live: bool,
}

impl CredentialWatch {
    /// Waits for the end. A watcher that fell behind asks the database.
    pub async fn ended(mut self) {
        if !self.live {
            return;
        }
        loop {
            match self.ended.recv().await {
                Ok(ended) if ended == self.which => return,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    match self.engine.credential_live(self.which).await {
                        Ok(true) => {}
                        Ok(false) => return,
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot check a credential; ending its subscriptions");
                            return;
                        }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

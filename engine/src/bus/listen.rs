//! This replica's listener: one task that learns which events committed (PostgreSQL
//! notifications, or the SQLite bell), reads them and fans them out. A lost connection is
//! opened again, and the events committed meanwhile are read back from the last one fanned out.

use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgListener, PgNotification};
use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::Notify;

use super::rows::{self, PAGE};
use super::{Bus, EVENTS_CHANNEL, Ended, Inner, REVOCATIONS_CHANNEL};
use crate::error::{Error, Result};

/// How long the listener waits before it tries a failed read or connection again.
const RETRY: Duration = Duration::from_secs(1);

/// Starts the listener of `bus`; returns once it listens, so that nothing committed after
/// this returns is missed.
pub(super) async fn start(bus: &Bus, db: DatabaseConnection) -> Result<()> {
    let weak = Arc::downgrade(&bus.inner);
    let stop = bus.inner.stop.clone();
    if db.get_database_backend() == DbBackend::Postgres {
        let listener = connect(&db).await?;
        bus.set_delivered_at_least(rows::last_id(&db).await?);
        tokio::spawn(postgres(weak, stop, db, listener));
    } else {
        bus.set_delivered_at_least(rows::last_id(&db).await?);
        let bell = bus.inner.bell.clone();
        tokio::spawn(sqlite(weak, stop, bell, db));
    }
    tracing::debug!("the event listener listens");
    Ok(())
}

/// A listener on both channels, over a connection of its own from the pool.
async fn connect(db: &DatabaseConnection) -> Result<PgListener> {
    let failed =
        |e: sea_orm::sqlx::Error| Error::internal(format!("cannot listen for events: {e}"));
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool())
        .await
        .map_err(failed)?;
    listener
        .listen_all([EVENTS_CHANNEL, REVOCATIONS_CHANNEL])
        .await
        .map_err(failed)?;
    Ok(listener)
}

async fn postgres(
    bus: Weak<Inner>,
    stop: Arc<Notify>,
    db: DatabaseConnection,
    mut listener: PgListener,
) {
    loop {
        let got = tokio::select! {
            _ = stop.notified() => return,
            got = listener.try_recv() => got,
        };
        let more = match got {
            Ok(Some(first)) => {
                let mut batch = vec![first];
                while batch.len() < PAGE as usize
                    && let Some(next) = listener.next_buffered()
                {
                    batch.push(next);
                }
                deliver(&bus, &stop, &db, &batch).await
            }
            Ok(None) => {
                tracing::warn!("the event listener lost its connection and opened another");
                catch_up(&bus, &stop, &db).await
            }
            Err(e) => {
                tracing::warn!(error = %e, "the event listener lost its connection");
                match retrying(&stop, "open the event listener's connection", || {
                    connect(&db)
                })
                .await
                {
                    Some(fresh) => {
                        listener = fresh;
                        catch_up(&bus, &stop, &db).await
                    }
                    None => false,
                }
            }
        };
        if !more {
            return;
        }
    }
}

async fn sqlite(bus: Weak<Inner>, stop: Arc<Notify>, bell: Arc<Notify>, db: DatabaseConnection) {
    loop {
        tokio::select! {
            _ = stop.notified() => return,
            _ = bell.notified() => {}
        }
        if !catch_up(&bus, &stop, &db).await {
            return;
        }
    }
}

/// Reads the events a batch of notifications names and fans them out; passes revocations on.
/// Returns whether the bus is still there.
async fn deliver(
    bus: &Weak<Inner>,
    stop: &Notify,
    db: &DatabaseConnection,
    batch: &[PgNotification],
) -> bool {
    let mut ids = Vec::new();
    for notification in batch {
        let payload = notification.payload();
        match notification.channel() {
            EVENTS_CHANNEL => match payload.parse::<i64>() {
                Ok(id) => ids.push(id),
                Err(_) => tracing::warn!(payload, "an event notification without an event id"),
            },
            _ => match Ended::parse(payload) {
                Some(ended) => {
                    let Some(inner) = bus.upgrade() else {
                        return false;
                    };
                    let _ = inner.revocations.send(ended);
                }
                None => tracing::warn!(payload, "a revocation that names no credential"),
            },
        }
    }
    if ids.is_empty() {
        return true;
    }
    let Some(events) = retrying(stop, "read announced events", || rows::by_ids(db, &ids)).await
    else {
        return false;
    };
    match bus.upgrade() {
        Some(inner) => {
            Bus { inner }.fan_out(events);
            true
        }
        None => false,
    }
}

/// Reads and fans out every event committed after the last one fanned out. Returns whether the
/// bus is still there.
async fn catch_up(bus: &Weak<Inner>, stop: &Notify, db: &DatabaseConnection) -> bool {
    loop {
        let Some(after) = bus.upgrade().map(|inner| Bus { inner }.last_delivered()) else {
            return false;
        };
        let Some(page) = retrying(stop, "read committed events", || rows::since(db, after)).await
        else {
            return false;
        };
        let Some(inner) = bus.upgrade() else {
            return false;
        };
        let bus = Bus { inner };
        let full = page.full;
        bus.fan_out(page.events);
        bus.set_delivered_at_least(page.last_id);
        if !full {
            return true;
        }
    }
}

/// Runs `attempt` until it succeeds, waiting [`RETRY`] between failures; `None` if the bus
/// stops meanwhile.
async fn retrying<T, F, Fut>(stop: &Notify, what: &str, mut attempt: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    loop {
        match attempt().await {
            Ok(done) => return Some(done),
            Err(e) => tracing::error!(error = %e, "the event listener cannot {what}; retrying"),
        }
        tokio::select! {
            _ = stop.notified() => return None,
            _ = tokio::time::sleep(RETRY) => {}
        }
    }
}

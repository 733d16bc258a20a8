//! What monitoring reads of the outbox and the connection pool, on SQLite and PostgreSQL.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mandate_engine::entity::notification;
use mandate_engine::notifications::status;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use support::{Fixture, TestDb};

on_both_databases!(the_outbox_is_counted_per_status_and_its_oldest_unsent_message_aged);

async fn the_outbox_is_counted_per_status_and_its_oldest_unsent_message_aged(db: TestDb) {
    let f = Fixture::new(&db).await;
    // Reminders fall due: the scheduler writes them as of 16 June 2021, 07:00 UTC.
    let at = Utc.with_ymd_and_hms(2021, 6, 16, 7, 0, 0).unwrap();
    f.clock.set(at);
    f.engine.tick(at).await.expect("tick");
    let rows = notification::Entity::find().all(&f.db).await.unwrap();
    assert!(rows.len() >= 2, "reminders were written: {rows:?}");
    let oldest = rows.iter().map(|n| n.slot_at).min().unwrap();

    // Two hours later, nothing sent: all pending, the oldest due since its slot.
    let later = at + chrono::Duration::hours(2);
    f.clock.set(later);
    let health = f.engine.outbox_health().await.expect("health");
    let expected: BTreeMap<&str, u64> = [
        (status::DROPPED, 0),
        (status::FAILED, 0),
        (status::PENDING, rows.len() as u64),
        (status::SENDING, 0),
        (status::SENT, 0),
    ]
    .into();
    assert_eq!(health.by_status, expected);
    assert_eq!(
        health.oldest_unsent_age,
        (later - oldest).to_std().unwrap(),
        "{rows:?}"
    );
    assert!(health.oldest_unsent_age >= Duration::from_secs(2 * 3600));

    // The oldest fails for good and the rest are sent: nothing is waiting any more.
    let first = rows.iter().find(|n| n.slot_at == oldest).unwrap();
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(status::FAILED))
        .filter(notification::Column::Id.eq(first.id))
        .exec(&f.db)
        .await
        .unwrap();
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(status::SENT))
        .filter(notification::Column::Id.ne(first.id))
        .exec(&f.db)
        .await
        .unwrap();
    let health = f.engine.outbox_health().await.expect("health");
    assert_eq!(health.by_status[status::FAILED], 1);
    assert_eq!(health.by_status[status::SENT], rows.len() as u64 - 1);
    assert_eq!(health.by_status[status::PENDING], 0);
    assert_eq!(health.oldest_unsent_age, Duration::ZERO);

    // One back to pending but due only tomorrow (a retry): waiting, yet not overdue.
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(status::PENDING))
        .col_expr(
            notification::Column::SlotAt,
            Expr::value(later + chrono::Duration::days(1)),
        )
        .filter(notification::Column::Id.eq(first.id))
        .exec(&f.db)
        .await
        .unwrap();
    let health = f.engine.outbox_health().await.expect("health");
    assert_eq!(health.by_status[status::PENDING], 1);
    assert_eq!(health.oldest_unsent_age, Duration::ZERO);

    let pool = f.engine.pool_use().expect("a pooled connection");
    assert!(pool.open >= 1 && pool.idle <= pool.open, "{pool:?}");
}

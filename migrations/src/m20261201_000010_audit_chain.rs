use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement};
use sea_orm_migration::{prelude::*, schema::*};

use crate::audit_chain::{EventContent, GENESIS, event_hash};
use crate::{fk, index};

/// Events read at a time while the trail written before this migration is chained.
const BATCH: u64 = 1000;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// The whole change, chaining included, is one transaction on every back end.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Plans are archived, never deleted: their events outlive them.
        manager
            .alter_table(
                Table::alter()
                    .table("plans")
                    .add_column(timestamp_with_time_zone_null("archived_at"))
                    .to_owned(),
            )
            .await?;
        // Every event carries the hash of the previous event of its plan and its own hash, and no
        // plan that has events can be deleted. The events written before this migration are
        // chained here, in id order per plan (see `audit_chain`).
        match manager.get_database_backend() {
            DbBackend::Sqlite => rebuild_events_sqlite(manager).await,
            _ => chain_events_in_place(manager).await,
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                // SQLite cannot change a foreign key: the table is built again, as it was.
                manager
                    .create_table(events_table("events_unchained", false))
                    .await?;
                db.execute_unprepared(&format!(
                    "INSERT INTO events_unchained ({COLUMNS}) SELECT {COLUMNS} FROM events"
                ))
                .await?;
                manager
                    .drop_table(Table::drop().table("events").to_owned())
                    .await?;
                rename_and_index(manager, "events_unchained").await?;
            }
            _ => {
                db.execute_unprepared(
                    "ALTER TABLE events DROP COLUMN prev_hash, DROP COLUMN hash, \
                     DROP CONSTRAINT fk_events_plan_id, \
                     ADD CONSTRAINT fk_events_plan_id FOREIGN KEY (plan_id) \
                     REFERENCES plans (id) ON DELETE CASCADE",
                )
                .await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table("plans")
                    .drop_column("archived_at")
                    .to_owned(),
            )
            .await
    }
}

/// The columns of `events` before this migration.
const COLUMNS: &str = "id, plan_id, action_id, task_id, kind, actor, actor_institution_id, \
                       from_state, to_state, comment, payload, at";

/// The `events` table under the name `name`: chained (with hashes, its plan restricted) or as it
/// was before this migration.
fn events_table(name: &str, chained: bool) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(name.to_owned())
        .col(big_pk_auto("id"))
        .col(big_integer("plan_id"))
        .col(big_integer_null("action_id"))
        .col(big_integer_null("task_id"))
        .col(string("kind"))
        .col(string("actor"))
        .col(big_integer_null("actor_institution_id"))
        .col(string_null("from_state"))
        .col(string_null("to_state"))
        .col(text_null("comment"))
        .col(json("payload"))
        .col(timestamp_with_time_zone("at"));
    let on_delete = if chained {
        table.col(string("prev_hash")).col(string("hash"));
        ForeignKeyAction::Restrict
    } else {
        ForeignKeyAction::Cascade
    };
    table
        .foreign_key(
            &mut fk(name, "plan_id", "plans", on_delete)
                .name("fk_events_plan_id")
                .to_owned(),
        )
        .to_owned()
}

/// Renames `from` to `events` and gives it the indexes of `events`.
async fn rename_and_index(manager: &SchemaManager<'_>, from: &str) -> Result<(), DbErr> {
    manager
        .rename_table(Table::rename().table(from.to_owned(), "events").to_owned())
        .await?;
    for columns in [["task_id", "id"], ["action_id", "id"], ["plan_id", "id"]] {
        manager
            .create_index(index("events", &columns, false))
            .await?;
    }
    Ok(())
}

/// SQLite, which cannot change a foreign key: copies the events into a chained table, fills in
/// their hashes, and puts it in the place of the old one.
async fn rebuild_events_sqlite(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(events_table("events_chained", true))
        .await?;
    manager
        .get_connection()
        .execute_unprepared(&format!(
            "INSERT INTO events_chained ({COLUMNS}, prev_hash, hash) \
             SELECT {COLUMNS}, '', '' FROM events"
        ))
        .await?;
    chain(manager, "events_chained").await?;
    manager
        .drop_table(Table::drop().table("events").to_owned())
        .await?;
    rename_and_index(manager, "events_chained").await
}

/// PostgreSQL: adds the hash columns, fills them in, makes them required, and restricts the
/// foreign key to plans.
async fn chain_events_in_place(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared(
        "ALTER TABLE events ADD COLUMN prev_hash varchar, ADD COLUMN hash varchar",
    )
    .await?;
    chain(manager, "events").await?;
    db.execute_unprepared(
        "ALTER TABLE events ALTER COLUMN prev_hash SET NOT NULL, \
         ALTER COLUMN hash SET NOT NULL, DROP CONSTRAINT fk_events_plan_id, \
         ADD CONSTRAINT fk_events_plan_id FOREIGN KEY (plan_id) \
         REFERENCES plans (id) ON DELETE RESTRICT",
    )
    .await?;
    Ok(())
}

/// An event as read from the table before it is chained.
struct OldEvent {
    id: i64,
    plan_id: i64,
    action_id: Option<i64>,
    task_id: Option<i64>,
    kind: String,
    actor: String,
    actor_institution_id: Option<i64>,
    from_state: Option<String>,
    to_state: Option<String>,
    comment: Option<String>,
    payload: serde_json::Value,
    at: DateTime<Utc>,
}

impl OldEvent {
    fn read(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get("", "id")?,
            plan_id: row.try_get("", "plan_id")?,
            action_id: row.try_get("", "action_id")?,
            task_id: row.try_get("", "task_id")?,
            kind: row.try_get("", "kind")?,
            actor: row.try_get("", "actor")?,
            actor_institution_id: row.try_get("", "actor_institution_id")?,
            from_state: row.try_get("", "from_state")?,
            to_state: row.try_get("", "to_state")?,
            comment: row.try_get("", "comment")?,
            payload: row.try_get("", "payload")?,
            at: row.try_get("", "at")?,
        })
    }

    fn content(&self) -> EventContent<'_> {
        EventContent {
            plan_id: self.plan_id,
            action_id: self.action_id,
            task_id: self.task_id,
            kind: &self.kind,
            actor: &self.actor,
            actor_institution_id: self.actor_institution_id,
            at: self.at,
            from_state: self.from_state.as_deref(),
            to_state: self.to_state.as_deref(),
            comment: self.comment.as_deref(),
            payload: &self.payload,
        }
    }
}

/// Walks the events of `events` in id order, a batch at a time, and writes each one's previous
/// hash and hash into `target` (a table with the same ids).
async fn chain(manager: &SchemaManager<'_>, target: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let update = match backend {
        DbBackend::Sqlite => format!("UPDATE {target} SET prev_hash = ?, hash = ? WHERE id = ?"),
        _ => format!("UPDATE {target} SET prev_hash = $1, hash = $2 WHERE id = $3"),
    };
    let mut last: HashMap<i64, String> = HashMap::new();
    let mut after = 0_i64;
    loop {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT {COLUMNS} FROM events WHERE id > {after} ORDER BY id LIMIT {BATCH}"
                ),
            ))
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in &rows {
            let event = OldEvent::read(row)?;
            let prev_hash = last
                .get(&event.plan_id)
                .cloned()
                .unwrap_or_else(|| GENESIS.to_owned());
            let hash = event_hash(&prev_hash, &event.content());
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                &update,
                [prev_hash.into(), hash.clone().into(), event.id.into()],
            ))
            .await?;
            last.insert(event.plan_id, hash);
            after = event.id;
        }
    }
}

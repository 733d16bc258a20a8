use sea_orm_migration::prelude::*;

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes led by `open`, which no query needs any more (the scheduler finds its tasks by
/// `next_reminder_at`) and which SQLite's planner, without statistics, took for a query on one
/// institution's or one plan's open tasks, walking every open task of the database.
const DROPPED: [&[&str]; 2] = [&["open", "id"], &["open", "due_at"]];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The tasks of one action: an import, a reassignment, an action's page and a plan's
        // progress ask for them, and without this index each asks by reading every task.
        manager
            .create_index(index("tasks", &["action_id", "period_id"], false))
            .await?;
        for columns in DROPPED {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_tasks_{}", columns.join("_")))
                        .table("tasks")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for columns in DROPPED {
            manager.create_index(index("tasks", columns, false)).await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_tasks_action_id_period_id")
                    .table("tasks")
                    .to_owned(),
            )
            .await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The instant an open task must next be looked at by the scheduler; none for a closed
        // task or one owed nothing more. Left empty here: the reminder policies are files the
        // engine reads, so the scheduler's first pass plans every open task (it plans a plan's
        // tasks whenever the policy it was planned with is not the one in force).
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .add_column(timestamp_with_time_zone_null("next_reminder_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("tasks", &["next_reminder_at"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_tasks_next_reminder_at")
                    .table("tasks")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .drop_column("next_reminder_at")
                    .to_owned(),
            )
            .await
    }
}

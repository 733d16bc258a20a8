use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Whether the scheduler may have left deadline notifications of the task in the outbox
        // since its last transition: a transition drops them only then. True for every task
        // already stored, since the outbox may hold some of theirs.
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .add_column(boolean("reminders_queued").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table("tasks")
                    .value("reminders_queued", true)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .drop_column("reminders_queued")
                    .to_owned(),
            )
            .await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Failed password sign-ins per address (its SHA-256, whether or not a user has it), so
        // that every replica refuses guessing past a few attempts.
        manager
            .create_table(
                Table::create()
                    .table("password_attempts")
                    .col(string("address_hash").primary_key())
                    .col(integer("failures"))
                    .col(timestamp_with_time_zone("first_failed_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("password_attempts").to_owned())
            .await
    }
}

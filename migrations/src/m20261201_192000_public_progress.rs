use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables and the opt-in column each gains: a plan shown on the public progress page, a
/// report whose narrative that page may show.
const COLUMNS: [&str; 2] = ["plans", "reports"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Nothing is public until its plan file or its coordinator says so.
        for table in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(boolean("public").default(false))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in COLUMNS {
            manager
                .alter_table(Table::alter().table(table).drop_column("public").to_owned())
                .await?;
        }
        Ok(())
    }
}

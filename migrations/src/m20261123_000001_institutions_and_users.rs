use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("institutions")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("code"))
                    .col(text("name"))
                    .col(big_integer_null("parent_id"))
                    .col(json("emails"))
                    .col(string("language"))
                    .col(string("time_zone"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "institutions",
                        "parent_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("email"))
                    .col(text("name"))
                    .col(string("role"))
                    .col(big_integer_null("institution_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "users",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("users", &["institution_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("users").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("institutions").to_owned())
            .await
    }
}

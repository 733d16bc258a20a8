use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Who invited whom, for which institution, and when the invitation was accepted (its
        // link works once). The audit trail's events belong to a plan; an invitation does not.
        manager
            .create_table(
                Table::create()
                    .table("invitations")
                    .col(big_pk_auto("id"))
                    .col(big_integer_uniq("user_id"))
                    .col(big_integer("institution_id"))
                    .col(string("invited_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .foreign_key(&mut fk(
                        "invitations",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "invitations",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("invitations", &["institution_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("invitations").to_owned())
            .await
    }
}

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
                    .table("notifications")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("key"))
                    .col(string("kind"))
                    .col(big_integer_null("task_id"))
                    .col(big_integer("institution_id"))
                    .col(string("recipient"))
                    .col(timestamp_with_time_zone("slot_at"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("claimed_until"))
                    .col(text_null("last_error"))
                    .col(string_null("message_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(timestamp_with_time_zone_null("link_used_at"))
                    .foreign_key(&mut fk(
                        "notifications",
                        "task_id",
                        "tasks",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "notifications",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "notifications",
                &["status", "next_attempt_at"],
                false,
            ))
            .await?;
        manager
            .create_index(index("notifications", &["task_id"], false))
            .await?;
        // The scheduler walks open tasks in id order, a page at a time.
        manager
            .create_index(index("tasks", &["open", "id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notification_settings")
                    .col(big_integer("institution_id").primary_key())
                    .col(string_null("delivery"))
                    .col(string_null("send_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string("updated_by"))
                    .foreign_key(&mut fk(
                        "notification_settings",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("settings")
                    .col(string("name").primary_key())
                    .col(text("value"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("settings").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("notification_settings").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("notifications").to_owned())
            .await
    }
}

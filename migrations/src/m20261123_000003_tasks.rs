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
                    .table("reporting_periods")
                    .col(big_pk_auto("id"))
                    .col(big_integer("action_id"))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .col(timestamp_with_time_zone("due_at"))
                    .col(timestamp_with_time_zone_null("approved_at"))
                    .col(string_null("approved_by"))
                    .foreign_key(&mut fk(
                        "reporting_periods",
                        "action_id",
                        "actions",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "reporting_periods",
                &["action_id", "start_date", "end_date"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("tasks")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(big_integer("action_id"))
                    .col(big_integer("period_id"))
                    .col(big_integer("institution_id"))
                    .col(string("role"))
                    .col(string("state"))
                    .col(boolean("open"))
                    .col(timestamp_with_time_zone("due_at"))
                    .col(big_integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "tasks",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "tasks",
                        "action_id",
                        "actions",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "tasks",
                        "period_id",
                        "reporting_periods",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "tasks",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("tasks", &["period_id", "institution_id"], true))
            .await?;
        manager
            .create_index(index(
                "tasks",
                &["institution_id", "state", "due_at"],
                false,
            ))
            .await?;
        manager
            .create_index(index("tasks", &["plan_id", "state", "due_at"], false))
            .await?;
        manager
            .create_index(index("tasks", &["open", "due_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reports")
                    .col(big_pk_auto("id"))
                    .col(big_integer("task_id"))
                    .col(json("indicator_values"))
                    .col(text("narrative"))
                    .col(json("evidence"))
                    .col(string("submitted_by"))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .foreign_key(&mut fk(
                        "reports",
                        "task_id",
                        "tasks",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("reports", &["task_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sign_offs")
                    .col(big_pk_auto("id"))
                    .col(big_integer("period_id"))
                    .col(big_integer_null("task_id"))
                    .col(string("signed_by"))
                    .col(text_null("comment"))
                    .col(timestamp_with_time_zone("signed_at"))
                    .foreign_key(&mut fk(
                        "sign_offs",
                        "period_id",
                        "reporting_periods",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "sign_offs",
                        "task_id",
                        "tasks",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("sign_offs", &["period_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("events")
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
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut fk(
                        "events",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("events", &["task_id", "id"], false))
            .await?;
        manager
            .create_index(index("events", &["action_id", "id"], false))
            .await?;
        manager
            .create_index(index("events", &["plan_id", "id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "events",
            "sign_offs",
            "reports",
            "tasks",
            "reporting_periods",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

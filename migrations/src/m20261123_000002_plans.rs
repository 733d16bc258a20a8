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
                    .table("plans")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("code"))
                    .col(text("title"))
                    .col(big_integer("owner_id"))
                    .col(date("period_start"))
                    .col(date("period_end"))
                    .col(string("time_zone"))
                    .col(string("language"))
                    .col(string("lifecycle"))
                    .col(string_null("reminder_policy"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "plans",
                        "owner_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("objectives")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(big_integer_null("parent_id"))
                    .col(string("number"))
                    .col(text("title"))
                    .col(text_null("result"))
                    .foreign_key(&mut fk(
                        "objectives",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "objectives",
                        "parent_id",
                        "objectives",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("objectives", &["plan_id", "number"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("actions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(big_integer("objective_id"))
                    .col(string("number"))
                    .col(text("text"))
                    .col(text("deadline"))
                    .col(string_null("recurrence"))
                    .col(json("funding"))
                    .foreign_key(&mut fk(
                        "actions",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "actions",
                        "objective_id",
                        "objectives",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("actions", &["plan_id", "number"], true))
            .await?;
        manager
            .create_index(index("actions", &["objective_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("indicators")
                    .col(big_pk_auto("id"))
                    .col(big_integer("action_id"))
                    .col(integer("position"))
                    .col(text("name"))
                    .col(string_null("unit"))
                    .col(string_null("target"))
                    .foreign_key(&mut fk(
                        "indicators",
                        "action_id",
                        "actions",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("indicators", &["action_id", "position"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("performance_indicators")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(integer("position"))
                    .col(text("name"))
                    .col(string_null("baseline"))
                    .col(string("target"))
                    .col(string_null("comparison"))
                    .foreign_key(&mut fk(
                        "performance_indicators",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "performance_indicators",
                &["plan_id", "position"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("assignments")
                    .col(big_pk_auto("id"))
                    .col(big_integer("action_id"))
                    .col(big_integer("institution_id"))
                    .col(string("role"))
                    .col(boolean("lead"))
                    .foreign_key(&mut fk(
                        "assignments",
                        "action_id",
                        "actions",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "assignments",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("assignments", &["action_id", "institution_id"], true))
            .await?;
        manager
            .create_index(index("assignments", &["institution_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "assignments",
            "performance_indicators",
            "indicators",
            "actions",
            "objectives",
            "plans",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A register is a plan of kind `register`: its cases are actions, and its deadline rule a
        // wording counted from an event of each case ("30 de zile de la înregistrare").
        // One column per statement: SQLite alters one at a time.
        let plan_columns = [
            string("kind").default("plan").to_owned(),
            string_null("deadline_rule").to_owned(),
        ];
        for column in plan_columns {
            manager
                .alter_table(Table::alter().table("plans").add_column(column).to_owned())
                .await?;
        }
        // A case: when it was received, and a reference to the petitioner (no personal data).
        let action_columns = [
            timestamp_with_time_zone_null("received_at").to_owned(),
            string_null("petitioner").to_owned(),
        ];
        for column in action_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table("actions")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // The departments a register routes its cases to.
        manager
            .create_table(
                Table::create()
                    .table("register_departments")
                    .col(big_pk_auto("id"))
                    .col(big_integer("plan_id"))
                    .col(big_integer("institution_id"))
                    .foreign_key(&mut fk(
                        "register_departments",
                        "plan_id",
                        "plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "register_departments",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "register_departments",
                &["plan_id", "institution_id"],
                true,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("register_departments").to_owned())
            .await?;
        for (table, column) in [
            ("actions", "petitioner"),
            ("actions", "received_at"),
            ("plans", "deadline_rule"),
            ("plans", "kind"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

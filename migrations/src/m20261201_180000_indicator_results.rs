use sea_orm_migration::{prelude::*, schema::*};

use crate::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns that make an indicator's definition data: its unit and target already exist on
/// `indicators`; both tables gain the rest (`mandate_engine::results::spec` reads them).
fn definition(table: &str) -> Vec<TableAlterStatement> {
    [
        double_null("baseline_value"),
        string_null("baseline_period"),
        string("direction").default("up").to_owned(),
        string_null("aggregation"),
    ]
    .into_iter()
    .map(|mut column| {
        Table::alter()
            .table(table.to_owned())
            .add_column(&mut column)
            .to_owned()
    })
    .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut changes = definition("indicators");
        changes.extend(definition("performance_indicators"));
        // A plan-level indicator: its unit, the reporting periods its values are entered for
        // (deadline wording, as an action's), and the institution that enters them (none: the
        // plan's coordinators). Its written baseline becomes a value and a period.
        for mut column in [
            string_null("unit"),
            string_null("reporting"),
            big_integer_null("responsible_id"),
        ] {
            changes.push(
                Table::alter()
                    .table("performance_indicators")
                    .add_column(&mut column)
                    .to_owned(),
            );
        }
        changes.push(
            Table::alter()
                .table("performance_indicators")
                .drop_column("baseline")
                .to_owned(),
        );
        for change in changes {
            manager.alter_table(change).await?;
        }
        // The values of plan-level indicators, one per indicator, institution and period: a
        // value entered again replaces the one before (the audit trail keeps both).
        manager
            .create_table(
                Table::create()
                    .table("indicator_values")
                    .col(big_pk_auto("id"))
                    .col(big_integer("performance_indicator_id"))
                    .col(big_integer("institution_id"))
                    .col(date("period_start"))
                    .col(date("period_end"))
                    .col(double("value"))
                    .col(string("entered_by"))
                    .col(timestamp_with_time_zone("entered_at"))
                    .foreign_key(&mut fk(
                        "indicator_values",
                        "performance_indicator_id",
                        "performance_indicators",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "indicator_values",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "indicator_values",
                &[
                    "performance_indicator_id",
                    "institution_id",
                    "period_start",
                    "period_end",
                ],
                true,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("indicator_values").to_owned())
            .await?;
        let mut changes = vec![
            Table::alter()
                .table("performance_indicators")
                .add_column(string_null("baseline"))
                .to_owned(),
        ];
        for column in ["unit", "reporting", "responsible_id"] {
            changes.push(
                Table::alter()
                    .table("performance_indicators")
                    .drop_column(column)
                    .to_owned(),
            );
        }
        for table in ["indicators", "performance_indicators"] {
            for column in [
                "baseline_value",
                "baseline_period",
                "direction",
                "aggregation",
            ] {
                changes.push(
                    Table::alter()
                        .table(table.to_owned())
                        .drop_column(column)
                        .to_owned(),
                );
            }
        }
        for change in changes {
            manager.alter_table(change).await?;
        }
        Ok(())
    }
}

//! The database schema of Mandate. This crate is the only place that changes it.

pub use sea_orm_migration::prelude::*;

pub mod audit_chain;

mod m20261123_000001_institutions_and_users;
mod m20261123_000002_plans;
mod m20261123_000003_tasks;
mod m20261123_000004_api_tokens;
mod m20261123_000005_notifications;
mod m20261123_000006_invitations;
mod m20261201_000007_web_sign_in;
mod m20261201_000008_password_attempts;
mod m20261201_000010_audit_chain;
mod m20261201_180000_indicator_results;
mod m20261201_191000_calendar_feeds;
mod m20261201_192000_public_progress;
mod m20261201_210000_registers;
mod m20261202_010000_next_reminder;
mod m20261202_120000_reminders_queued;
mod m20261202_130000_task_indexes;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_institutions_and_users::Migration),
            Box::new(m20261123_000002_plans::Migration),
            Box::new(m20261123_000003_tasks::Migration),
            Box::new(m20261123_000004_api_tokens::Migration),
            Box::new(m20261123_000005_notifications::Migration),
            Box::new(m20261123_000006_invitations::Migration),
            Box::new(m20261201_000007_web_sign_in::Migration),
            Box::new(m20261201_000008_password_attempts::Migration),
            Box::new(m20261201_000010_audit_chain::Migration),
            Box::new(m20261201_180000_indicator_results::Migration),
            Box::new(m20261201_192000_public_progress::Migration),
            Box::new(m20261201_191000_calendar_feeds::Migration),
            Box::new(m20261201_210000_registers::Migration),
            Box::new(m20261202_010000_next_reminder::Migration),
            Box::new(m20261202_120000_reminders_queued::Migration),
            Box::new(m20261202_130000_task_indexes::Migration),
        ]
    }
}

/// A foreign key from `table.column` to `target.id`.
fn fk(
    table: &str,
    column: &str,
    target: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table.to_owned(), column.to_owned())
        .to(target.to_owned(), "id")
        .on_delete(on_delete)
        .to_owned()
}

/// An index named after its table and columns.
fn index(table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(table.to_owned());
    for column in columns {
        stmt.col(String::from(*column));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

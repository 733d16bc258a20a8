//! `mandate case`: registering a case in a register and routing it, as the operator.

use chrono::{DateTime, Utc};
use clap::Subcommand;
use mandate_engine::Actor;
use mandate_engine::registers::NewCase;

use super::Config;

/// What `mandate case` does.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Register a case; prints its registration number and the end of its term.
    Create {
        /// The register's code (e.g. petitii-plt).
        #[arg(long)]
        register: String,
        /// When it was received (RFC 3339, e.g. 2024-11-29T09:40:00+02:00).
        #[arg(long)]
        received: DateTime<Utc>,
        /// What it is about.
        #[arg(long)]
        subject: String,
        /// A reference to the petitioner (no personal data needed).
        #[arg(long)]
        petitioner: Option<String>,
        /// When it was registered, if not now (RFC 3339).
        #[arg(long)]
        registered: Option<DateTime<Utc>>,
    },
    /// Route a case to one of its register's departments, which gets its task.
    Route {
        #[arg(long)]
        register: String,
        /// The case's registration number.
        #[arg(long)]
        number: String,
        /// The department's code.
        #[arg(long)]
        department: String,
    },
}

pub async fn run(config: &Config, command: CaseCommand) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    let operator = Actor::operator();
    match command {
        CaseCommand::Create {
            register,
            received,
            subject,
            petitioner,
            registered,
        } => {
            let new = NewCase {
                register,
                received_at: received,
                subject,
                petitioner,
                registered_at: registered,
            };
            let case = match engine.create_case(&operator, new).await {
                Ok(case) => case,
                Err(e) => return Err(config.in_database(&engine, e).await),
            };
            println!(
                "case {} registered in {}: due {}",
                case.number(),
                case.register.code,
                case.period
                    .due_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
        CaseCommand::Route {
            register,
            number,
            department,
        } => {
            let routed = async {
                let case = engine.case_by_number(&operator, &register, &number).await?;
                engine
                    .route_case(&operator, case.action.id, &department)
                    .await
            };
            let task = match routed.await {
                Ok(task) => task,
                Err(e) => return Err(config.in_database(&engine, e).await),
            };
            println!(
                "case {number} of {register} routed to {department}: task {} due {}",
                task.id,
                task.due_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
    }
    Ok(())
}

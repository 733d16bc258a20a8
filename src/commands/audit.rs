//! `mandate audit verify`: checks the hash chain of the audit trail.

use clap::Subcommand;
use mandate_engine::audit::Verification;

use super::Config;

/// What `mandate audit` does.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of every plan's events; print OK with counts, or the first
    /// broken link and fail.
    Verify {
        /// Only the plan with this code (archived plans included).
        #[arg(long)]
        plan: Option<String>,
    },
}

pub async fn run(config: &Config, command: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify { plan } = command;
    let engine = config.engine().await?;
    let verification = match engine.verify_audit_trail(plan.as_deref()).await {
        Ok(v) => v,
        Err(e) => return Err(config.in_database(&engine, e).await),
    };
    match verification {
        Verification::Intact { plans, events } => {
            println!(
                "OK: {events} events in {plans} plans, every link holds ({})",
                config.database_name()
            );
            Ok(())
        }
        Verification::Broken(link) => anyhow::bail!(
            "the audit trail of plan `{}` is broken at event {}: {}",
            link.plan,
            link.event_id,
            link.problem
        ),
    }
}

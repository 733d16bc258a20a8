//! When an action period is complete: its lifecycle's completion rule (every responsible
//! institution, the lead only, or at least n of them signed off) and, where the lifecycle asks,
//! the coordinator's approval.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::{assignment, reporting_period, task};
use crate::error::Result;
use crate::plans::assignments_of;
use crate::tasks::lifecycle::{CompletionRule, Lifecycle};

/// Where an action period stands against its lifecycle's completion rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodCompletion {
    /// Responsible institutions (ids) whose task is signed off.
    pub signed_off: Vec<i64>,
    /// Responsible institutions (ids) the rule still waits for.
    pub waiting_for: Vec<i64>,
    /// The rule holds (enough responsible tasks signed off).
    pub rule_met: bool,
    /// The coordinator approved the consolidated report.
    pub approved: bool,
    /// The period is complete: rule met and, where required, approved.
    pub complete: bool,
}

/// Where `period` stands against `lifecycle`'s completion rule.
pub async fn completion_of<C: ConnectionTrait>(
    db: &C,
    lifecycle: &Lifecycle,
    period: &reporting_period::Model,
) -> Result<PeriodCompletion> {
    let assignments = assignments_of(db, period.action_id).await?;
    let tasks = task::Entity::find()
        .filter(task::Column::PeriodId.eq(period.id))
        .all(db)
        .await?;
    Ok(decide(lifecycle, period, &assignments, &tasks))
}

/// Where `period` stands, from its action's `assignments` and the period's `tasks` (all of
/// them, whoever reads: the rule counts every responsible institution).
pub(crate) fn decide(
    lifecycle: &Lifecycle,
    period: &reporting_period::Model,
    assignments: &[assignment::Model],
    tasks: &[task::Model],
) -> PeriodCompletion {
    let signed = |institution: i64| {
        tasks.iter().any(|t| {
            t.institution_id == institution && t.state == lifecycle.completion.signed_off_state
        })
    };
    let responsible: Vec<&assignment::Model> = assignments
        .iter()
        .filter(|a| a.role == "responsible")
        .collect();
    let (signed_off, unsigned): (Vec<i64>, Vec<i64>) = responsible
        .iter()
        .map(|a| a.institution_id)
        .partition(|&id| signed(id));
    let (rule_met, waiting_for) = match lifecycle.completion.rule {
        CompletionRule::AllResponsible => (unsigned.is_empty() && !signed_off.is_empty(), unsigned),
        CompletionRule::LeadOnly => {
            let lead = responsible
                .iter()
                .find(|a| a.lead)
                .map(|a| a.institution_id);
            match lead {
                Some(lead) if signed(lead) => (true, Vec::new()),
                Some(lead) => (false, vec![lead]),
                None => (false, Vec::new()),
            }
        }
        CompletionRule::AtLeast(n) => {
            let needed = (n as usize).min(responsible.len());
            let met = needed > 0 && signed_off.len() >= needed;
            (met, if met { Vec::new() } else { unsigned })
        }
    };
    let approved = period.approved_at.is_some();
    PeriodCompletion {
        signed_off,
        waiting_for,
        rule_met,
        approved,
        complete: rule_met && (approved || !lifecycle.completion.coordinator_approval),
    }
}

//! What a register's office reports to its leadership: per month of receipt and department,
//! the cases received, answered in term and late, closed otherwise, still open and overdue,
//! and extended.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::readable_register;
use crate::access::{action_scope, task_scope};
use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, event, institution, task};
use crate::error::Result;

/// The counts of one month and department.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatisticsRow {
    /// The month of receipt, `YYYY-MM` in the register's time zone.
    pub month: String,
    /// The department's code; `None` for cases not routed yet.
    pub department: Option<String>,
    /// Cases received (a case routed to two departments counts for each).
    pub received: u64,
    /// Answered by the end of the term (as extended).
    pub answered_in_term: u64,
    /// Answered after it.
    pub answered_late: u64,
    /// Closed without an answer (unfounded, redirected, …).
    pub closed: u64,
    /// Still open.
    pub open: u64,
    /// Still open past the end of the term.
    pub open_overdue: u64,
    /// Whose term was extended.
    pub extended: u64,
}

/// A register's statistics as of an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterStatistics {
    pub register: String,
    pub as_of: DateTime<Utc>,
    /// By month, then department code (cases not routed yet last in their month).
    pub rows: Vec<StatisticsRow>,
}

impl RegisterStatistics {
    /// The sums of every row of `month` (every month: `None`), as a row without department.
    pub fn total(&self, month: Option<&str>) -> StatisticsRow {
        let mut total = StatisticsRow {
            month: month.unwrap_or_default().to_owned(),
            ..Default::default()
        };
        for r in self
            .rows
            .iter()
            .filter(|r| month.is_none_or(|m| r.month == m))
        {
            total.received += r.received;
            total.answered_in_term += r.answered_in_term;
            total.answered_late += r.answered_late;
            total.closed += r.closed;
            total.open += r.open;
            total.open_overdue += r.open_overdue;
            total.extended += r.extended;
        }
        total
    }

    /// The months that have rows, in order.
    pub fn months(&self) -> Vec<String> {
        let months: BTreeSet<&str> = self.rows.iter().map(|r| r.month.as_str()).collect();
        months.into_iter().map(str::to_owned).collect()
    }
}

impl Engine {
    /// The statistics of register `code` as `actor` may read it (its tasks that `actor` may
    /// read), as of now.
    pub async fn register_statistics(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<RegisterStatistics> {
        let db = self.db();
        let now = self.now();
        let plan = readable_register(db, actor, code).await?;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let tz = plan.zone()?;
        let actions = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan.id))
            .filter(action_scope(actor))
            .all(db)
            .await?;
        let tasks = task::Entity::find()
            .filter(task::Column::PlanId.eq(plan.id))
            .filter(task_scope(actor))
            .order_by_asc(task::Column::Id)
            .all(db)
            .await?;
        let extensions: Vec<&str> = lifecycle
            .transitions()
            .iter()
            .filter(|t| t.extends_due.is_some())
            .map(|t| t.name.as_str())
            .collect();
        let answered_state = &lifecycle.completion.signed_off_state;
        let task_ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
        let mut extended: BTreeSet<i64> = BTreeSet::new();
        let mut answered_at: BTreeMap<i64, DateTime<Utc>> = BTreeMap::new();
        for chunk in task_ids.chunks(1000) {
            let events = event::Entity::find()
                .filter(event::Column::TaskId.is_in(chunk.iter().copied()))
                .filter(
                    sea_orm::Condition::any()
                        .add(event::Column::Kind.is_in(extensions.iter().copied()))
                        .add(event::Column::ToState.eq(answered_state.as_str())),
                )
                .order_by_asc(event::Column::Id)
                .all(db)
                .await?;
            for e in events {
                let Some(task_id) = e.task_id else { continue };
                if extensions.contains(&e.kind.as_str()) {
                    extended.insert(task_id);
                }
                if e.to_state.as_deref() == Some(answered_state.as_str()) {
                    answered_at.insert(task_id, e.at);
                }
            }
        }
        let codes: BTreeMap<i64, String> = institution::Entity::find()
            .filter(institution::Column::Id.is_in(tasks.iter().map(|t| t.institution_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect();
        let month_of = |a: &action::Model| {
            a.received_at
                .map(|r| r.with_timezone(&tz).format("%Y-%m").to_string())
                .unwrap_or_default()
        };
        let mut rows: BTreeMap<(String, Option<String>), StatisticsRow> = BTreeMap::new();
        let mut routed: BTreeSet<i64> = BTreeSet::new();
        let months: BTreeMap<i64, String> = actions.iter().map(|a| (a.id, month_of(a))).collect();
        for t in &tasks {
            routed.insert(t.action_id);
            let Some(month) = months.get(&t.action_id) else {
                continue;
            };
            let department = codes.get(&t.institution_id).cloned();
            let row = rows
                .entry((month.clone(), department.clone()))
                .or_insert_with(|| StatisticsRow {
                    month: month.clone(),
                    department,
                    ..Default::default()
                });
            row.received += 1;
            if extended.contains(&t.id) {
                row.extended += 1;
            }
            if t.open {
                row.open += 1;
                if t.due_at < now {
                    row.open_overdue += 1;
                }
            } else if &t.state == answered_state {
                match answered_at.get(&t.id) {
                    Some(at) if *at > t.due_at => row.answered_late += 1,
                    _ => row.answered_in_term += 1,
                }
            } else {
                row.closed += 1;
            }
        }
        for a in actions.iter().filter(|a| !routed.contains(&a.id)) {
            let month = month_of(a);
            // Sorts after every department of its month.
            let row = rows
                .entry((month.clone(), Some("\u{10FFFF}".to_owned())))
                .or_insert_with(|| StatisticsRow {
                    month,
                    department: None,
                    ..Default::default()
                });
            row.received += 1;
            row.open += 1;
        }
        Ok(RegisterStatistics {
            register: plan.code,
            as_of: now,
            rows: rows.into_values().collect(),
        })
    }
}

//! Registers of cases (petitions and the like), their cases and statistics.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use mandate_engine::registers;

use crate::context::{actor, engine};
use crate::error::IntoGql;
use crate::id::{Kind, encode};
use crate::page::page_size;
use crate::types::{Action, Institution, Plan, Task};

/// A register of cases: a plan of kind `register` whose actions are its cases, each routed to
/// one of its departments with a term counted by its deadline rule.
pub(crate) struct Register(pub registers::Register);

#[Object]
impl Register {
    /// The id of the plan that holds it.
    async fn id(&self) -> ID {
        encode(Kind::Plan, self.0.plan.id)
    }
    async fn code(&self) -> &str {
        &self.0.plan.code
    }
    async fn title(&self) -> &str {
        &self.0.plan.title
    }
    /// The term of a case, as written (e.g. `30 de zile de la înregistrare`).
    async fn deadline_rule(&self) -> Option<&str> {
        self.0.plan.deadline_rule.as_deref()
    }
    /// The lifecycle its cases' tasks follow.
    async fn lifecycle(&self) -> &str {
        &self.0.plan.lifecycle
    }
    /// The institutions its cases are routed to, by code.
    async fn departments(&self) -> Vec<Institution> {
        self.0
            .departments
            .iter()
            .cloned()
            .map(Institution)
            .collect()
    }
    /// The register as a plan (owner, events, status).
    async fn plan(&self) -> Plan {
        Plan(self.0.plan.clone())
    }
    /// Its cases the viewer may read, newest first.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, at most 200 (default 50).")] first: Option<i32>,
    ) -> Result<Vec<Case>> {
        let found = engine(ctx)
            .cases(actor(ctx)?, &self.0.plan.code, page_size(first)?)
            .await
            .gql()?;
        Ok(found.into_iter().map(Case).collect())
    }
}

/// A case of a register: a petition, a request, an incident report.
pub(crate) struct Case(pub registers::Case);

#[Object]
impl Case {
    /// The id of the action that holds it.
    async fn id(&self) -> ID {
        encode(Kind::Action, self.0.action.id)
    }
    /// The registration number.
    async fn number(&self) -> &str {
        &self.0.action.number
    }
    async fn subject(&self) -> &str {
        &self.0.action.text
    }
    async fn received_at(&self) -> Option<DateTime<Utc>> {
        self.0.action.received_at
    }
    /// A reference to the petitioner (no personal data).
    async fn petitioner(&self) -> Option<&str> {
        self.0.action.petitioner.as_deref()
    }
    /// The register's code.
    async fn register(&self) -> &str {
        &self.0.register.code
    }
    /// The end of the legal term (before any extension of a department's task).
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.period.due_at
    }
    /// `registered` until it is routed; then the state of its first department's task.
    async fn state(&self) -> &str {
        self.0.state()
    }
    /// Its departments' tasks the viewer may read.
    async fn tasks(&self) -> Vec<Task> {
        self.0.tasks.iter().cloned().map(Task).collect()
    }
    /// The case as an action of its register's plan.
    async fn action(&self) -> Action {
        Action(self.0.action.clone())
    }
}

/// The counts of one month of receipt and one department.
#[derive(SimpleObject)]
pub(crate) struct RegisterStatisticsRow {
    /// `YYYY-MM`, in the register's time zone.
    month: String,
    /// The department's code; null for cases not routed yet (or a total).
    department: Option<String>,
    /// Cases received (a case routed to two departments counts for each).
    received: u64,
    /// Answered by the end of the term, as extended.
    answered_in_term: u64,
    answered_late: u64,
    /// Closed without an answer (unfounded, redirected).
    closed: u64,
    open: u64,
    /// Open past the end of the term.
    open_overdue: u64,
    /// Whose term was extended.
    extended: u64,
}

impl From<registers::StatisticsRow> for RegisterStatisticsRow {
    fn from(r: registers::StatisticsRow) -> Self {
        Self {
            month: r.month,
            department: r.department,
            received: r.received,
            answered_in_term: r.answered_in_term,
            answered_late: r.answered_late,
            closed: r.closed,
            open: r.open,
            open_overdue: r.open_overdue,
            extended: r.extended,
        }
    }
}

/// What a register's office reports to its leadership, as of an instant, over the cases the
/// viewer may read.
#[derive(SimpleObject)]
pub(crate) struct RegisterStatistics {
    register: String,
    as_of: DateTime<Utc>,
    /// By month of receipt, then department.
    rows: Vec<RegisterStatisticsRow>,
    /// One row per month, every department together.
    months: Vec<RegisterStatisticsRow>,
    /// Every month and department together.
    total: RegisterStatisticsRow,
}

impl From<registers::RegisterStatistics> for RegisterStatistics {
    fn from(s: registers::RegisterStatistics) -> Self {
        let months = s.months().iter().map(|m| s.total(Some(m)).into()).collect();
        let total = s.total(None).into();
        Self {
            register: s.register,
            as_of: s.as_of,
            rows: s.rows.into_iter().map(Into::into).collect(),
            months,
            total,
        }
    }
}

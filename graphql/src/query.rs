//! The query root.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use mandate_engine::notifications::Kind as NotificationKind;
use mandate_engine::reads::{EventFilter, NotificationFilter, TaskCursor, TaskFilter};
use mandate_engine::reports::ReportPeriod;
use mandate_reports::Format;

use crate::context::{actor, engine, viewer};
use crate::downloads::{self, ReportDownload, ReportFormat};
use crate::error::{IntoGql, invalid};
use crate::id::{self, Kind};
use crate::page::{EventConnection, NotificationConnection, TaskConnection, page_size};
use crate::types::{
    Action, CalendarFeed, Case, Event, Institution, Notification, NotificationSettings, Plan,
    Register, RegisterStatistics, SignOff, Task, User,
};

/// Which tasks to list; every field given narrows the list.
#[derive(InputObject, Default)]
pub(crate) struct TaskFilterInput {
    plan_id: Option<ID>,
    /// Institution code, e.g. `IGPR`.
    institution: Option<String>,
    /// Lifecycle states, e.g. `["pending", "acknowledged"]`.
    states: Option<Vec<String>>,
    /// Due strictly before this instant.
    due_before: Option<DateTime<Utc>>,
    /// Due at or after this instant.
    due_after: Option<DateTime<Utc>>,
    /// `true`: only open tasks past their due date; `false`: only the others.
    overdue: Option<bool>,
}

/// Which notifications to list.
#[derive(InputObject, Default)]
pub(crate) struct NotificationFilterInput {
    /// `pending`, `sending`, `sent`, `failed` or `dropped`.
    status: Option<String>,
    /// `reminder`, `overdue`, `escalation`, …
    kind: Option<String>,
    /// Institution code.
    institution: Option<String>,
}

/// Reading the plans, their actions and tasks, and the audit trail.
pub struct Query;

fn task_cursor(task: &Task) -> String {
    format!("{}_{}", task.0.due_at.timestamp_micros(), task.0.id)
}

fn parse_task_cursor(after: &str) -> Result<TaskCursor> {
    let parsed = after.split_once('_').and_then(|(micros, id)| {
        let due_at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        Some(TaskCursor {
            due_at,
            id: id.parse().ok()?,
        })
    });
    parsed.ok_or_else(|| not_a_cursor(after))
}

/// The cursor of a list ordered by row id.
fn parse_id_cursor(after: &str) -> Result<i64> {
    after.parse().map_err(|_| not_a_cursor(after))
}

fn not_a_cursor(after: &str) -> async_graphql::Error {
    invalid("after", format!("`{after}` is not a cursor of this list"))
}

#[Object]
impl Query {
    /// The signed-in user.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<User> {
        Ok(User(viewer(ctx)?.user.clone()))
    }

    /// The plans the viewer may read, by code.
    #[graphql(complexity = "5 * child_complexity")]
    async fn plans(&self, ctx: &Context<'_>) -> Result<Vec<Plan>> {
        let found = engine(ctx).plans(actor(ctx)?).await.gql()?;
        Ok(found.into_iter().map(Plan).collect())
    }

    /// A link to download the monitoring report of plan `plan` (its code) over `period` (a year
    /// `2021`, a half-year `2021-S1`, a quarter `2021-Q3` or dates `2021-01-01..2021-06-30`) as
    /// `format`, read as the viewer; it works for 15 minutes.
    async fn monitoring_report_url(
        &self,
        ctx: &Context<'_>,
        plan: String,
        period: String,
        format: ReportFormat,
    ) -> Result<ReportDownload> {
        let user = &viewer(ctx)?.user;
        let period = ReportPeriod::parse(&period).map_err(|e| invalid("period", e.to_string()))?;
        let link = engine(ctx)
            .report_download_link(user, &plan, &period, Format::from(format).extension())
            .await
            .gql()?;
        Ok(ReportDownload {
            url: downloads::path(&link.token),
            expires_at: link.expires_at,
        })
    }

    async fn plan(&self, ctx: &Context<'_>, id: ID) -> Result<Plan> {
        let id = id::decode(&id, Kind::Plan, "id")?;
        engine(ctx).plan(actor(ctx)?, id).await.gql().map(Plan)
    }

    /// The registers of cases the viewer may read, by code.
    async fn registers(&self, ctx: &Context<'_>) -> Result<Vec<Register>> {
        let found = engine(ctx).registers(actor(ctx)?).await.gql()?;
        Ok(found.into_iter().map(Register).collect())
    }

    /// The register with `code`.
    async fn register(&self, ctx: &Context<'_>, code: String) -> Result<Register> {
        engine(ctx)
            .register(actor(ctx)?, &code)
            .await
            .gql()
            .map(Register)
    }

    /// A case of a register, by its id (an `Action:` id).
    async fn case(&self, ctx: &Context<'_>, id: ID) -> Result<Case> {
        let id = id::decode(&id, Kind::Action, "id")?;
        engine(ctx).case(actor(ctx)?, id).await.gql().map(Case)
    }

    /// Register `register`'s cases received, answered in term and late, closed, open, overdue
    /// and extended, by month of receipt and department, over the cases the viewer may read.
    #[graphql(complexity = 50)]
    async fn register_statistics(
        &self,
        ctx: &Context<'_>,
        register: String,
    ) -> Result<RegisterStatistics> {
        engine(ctx)
            .register_statistics(actor(ctx)?, &register)
            .await
            .gql()
            .map(Into::into)
    }

    async fn action(&self, ctx: &Context<'_>, id: ID) -> Result<Action> {
        let id = id::decode(&id, Kind::Action, "id")?;
        engine(ctx).action(actor(ctx)?, id).await.gql().map(Action)
    }

    async fn task(&self, ctx: &Context<'_>, id: ID) -> Result<Task> {
        let id = id::decode(&id, Kind::Task, "id")?;
        engine(ctx).task(actor(ctx)?, id).await.gql().map(Task)
    }

    /// The tasks the viewer may read, by due date, a page at a time.
    #[graphql(
        complexity = "first.unwrap_or(crate::page::DEFAULT_PAGE).max(1) as usize * child_complexity"
    )]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        filter: Option<TaskFilterInput>,
        #[graphql(desc = "Page size, at most 200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<TaskConnection> {
        let engine = engine(ctx);
        let actor = actor(ctx)?;
        let size = page_size(first)?;
        let input = filter.unwrap_or_default();
        let institution_id = match &input.institution {
            Some(code) => Some(engine.institution(actor, code).await.gql()?.id),
            None => None,
        };
        let filter = TaskFilter {
            plan_id: input
                .plan_id
                .as_ref()
                .map(|id| id::decode(id, Kind::Plan, "filter.planId"))
                .transpose()?,
            institution_id,
            states: input.states.unwrap_or_default(),
            due_before: input.due_before,
            due_after: input.due_after,
            overdue: input.overdue,
            ..Default::default()
        };
        let after = after.as_deref().map(parse_task_cursor).transpose()?;
        let rows = engine.tasks(actor, &filter, after, size + 1).await.gql()?;
        let total = if ctx.look_ahead().field("totalCount").exists() {
            engine.count_tasks(actor, &filter).await.gql()?
        } else {
            0
        };
        let rows = rows.into_iter().map(Task).collect();
        Ok(TaskConnection::new(rows, size, total, task_cursor))
    }

    /// The viewer's calendar feeds, newest first (revoked ones included; at most 100).
    async fn calendar_feeds(&self, ctx: &Context<'_>) -> Result<Vec<CalendarFeed>> {
        let found = engine(ctx).calendar_feeds(actor(ctx)?).await.gql()?;
        Ok(found.into_iter().map(CalendarFeed).collect())
    }

    /// Every institution, by code.
    async fn institutions(&self, ctx: &Context<'_>) -> Result<Vec<Institution>> {
        let found = engine(ctx).institutions(actor(ctx)?).await.gql()?;
        Ok(found.into_iter().map(Institution).collect())
    }

    async fn institution(&self, ctx: &Context<'_>, code: String) -> Result<Institution> {
        engine(ctx)
            .institution(actor(ctx)?, &code)
            .await
            .gql()
            .map(Institution)
    }

    /// The audit trail of a plan, action or task (of everything the viewer may read, without
    /// `entityId`), oldest first.
    #[graphql(
        complexity = "first.unwrap_or(crate::page::DEFAULT_PAGE).max(1) as usize * child_complexity"
    )]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A plan, action or task id.")] entity_id: Option<ID>,
        #[graphql(desc = "Page size, at most 200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<EventConnection> {
        let engine = engine(ctx);
        let actor = actor(ctx)?;
        let size = page_size(first)?;
        let mut filter = EventFilter::default();
        if let Some(entity) = &entity_id {
            match id::decode_any(entity, "entityId")? {
                (Kind::Plan, id) => filter.plan_id = Some(engine.plan(actor, id).await.gql()?.id),
                (Kind::Action, id) => {
                    filter.action_id = Some(engine.action(actor, id).await.gql()?.id)
                }
                (Kind::Task, id) => filter.task_id = Some(engine.task(actor, id).await.gql()?.id),
                _ => {
                    return Err(invalid(
                        "entityId",
                        "events are kept for plans, actions and tasks",
                    ));
                }
            }
        }
        let after = after.as_deref().map(parse_id_cursor).transpose()?;
        let rows = engine.events(actor, &filter, after, size + 1).await.gql()?;
        let total = if ctx.look_ahead().field("totalCount").exists() {
            engine.count_events(actor, &filter).await.gql()?
        } else {
            0
        };
        let rows = rows.into_iter().map(Event).collect();
        Ok(EventConnection::new(rows, size, total, |e: &Event| {
            e.0.id.to_string()
        }))
    }

    /// The outbox, newest first: what was sent, what waits, what failed (admins and auditors see
    /// all; others, what went to their institution).
    #[graphql(
        complexity = "first.unwrap_or(crate::page::DEFAULT_PAGE).max(1) as usize * child_complexity"
    )]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        filter: Option<NotificationFilterInput>,
        #[graphql(desc = "Page size, at most 200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<NotificationConnection> {
        let engine = engine(ctx);
        let actor = actor(ctx)?;
        let size = page_size(first)?;
        let input = filter.unwrap_or_default();
        let filter = NotificationFilter {
            status: input.status,
            kind: match &input.kind {
                Some(kind) => Some(NotificationKind::parse(kind).ok_or_else(|| {
                    invalid(
                        "filter.kind",
                        format!("`{kind}` is not a notification kind"),
                    )
                })?),
                None => None,
            },
            institution_id: match &input.institution {
                Some(code) => Some(engine.institution(actor, code).await.gql()?.id),
                None => None,
            },
        };
        let after = after.as_deref().map(parse_id_cursor).transpose()?;
        let rows = engine
            .notifications(actor, &filter, after, size + 1)
            .await
            .gql()?;
        let total = if ctx.look_ahead().field("totalCount").exists() {
            engine.count_notifications(actor, &filter).await.gql()?
        } else {
            0
        };
        let rows = rows.into_iter().map(Notification).collect();
        Ok(NotificationConnection::new(
            rows,
            size,
            total,
            |n: &Notification| n.0.id.to_string(),
        ))
    }

    /// How an institution receives its notifications.
    async fn notification_settings(
        &self,
        ctx: &Context<'_>,
        institution: String,
    ) -> Result<NotificationSettings> {
        engine(ctx)
            .notification_settings(actor(ctx)?, &institution)
            .await
            .gql()
            .map(NotificationSettings)
    }

    /// Sign-offs of an action's periods: task sign-offs and the coordinator's approvals.
    async fn sign_offs(&self, ctx: &Context<'_>, action_id: ID) -> Result<Vec<SignOff>> {
        let id = id::decode(&action_id, Kind::Action, "actionId")?;
        let found = engine(ctx).sign_offs(actor(ctx)?, id).await.gql()?;
        Ok(found.into_iter().map(SignOff).collect())
    }
}

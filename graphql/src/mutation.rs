//! The mutation root. Every task mutation names the task and the `version` the client saw.

use std::collections::BTreeMap;

use async_graphql::{Context, ID, InputObject, Json, Object, Result, SimpleObject};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use mandate_engine::accounts::NewUser;
use mandate_engine::domain::{EmailAddress, InstitutionCode};
use mandate_engine::notifications::reminders::policy::InstitutionSettings;
use mandate_engine::plans::AssignmentChange;
use mandate_engine::plans::plan_file;
use mandate_engine::registers::NewCase;
use mandate_engine::results::IndicatorEntry;
use mandate_engine::tasks::lifecycle::Role as LifecycleRole;
use mandate_engine::tasks::{Fire, ReportInput};
use serde_json::Value;

use crate::context::{actor, engine};
use crate::error::{IntoGql, invalid, to_gql};
use crate::id::{self, Kind};
use crate::types::{
    Action, CalendarFeed, Case, Delivery, ImportResult, IssuedCalendarFeed, IssuedToken,
    NotificationSettings, PerformanceIndicator, ReportingPeriod, Role, Task, Token, User,
};

/// One indicator's value in a report.
#[derive(InputObject)]
pub(crate) struct IndicatorValueInput {
    /// The indicator's name, as the action lists it.
    indicator: String,
    /// A number or a text.
    value: Json<Value>,
}

/// Changing plans, assignments, tasks, users and tokens.
pub struct Mutation;

/// What `assignAction` did.
#[derive(SimpleObject)]
pub(crate) struct AssignResult {
    /// The action as it now is.
    action: Action,
    /// Pending tasks of institutions no longer assigned, now cancelled.
    cancelled_tasks: Vec<Task>,
}

/// Longest token lifetime `issueToken` grants.
const MAX_TOKEN_DAYS: i32 = 3650;

impl Mutation {
    async fn fire(&self, ctx: &Context<'_>, fire: Fire) -> Result<Task> {
        engine(ctx).fire(actor(ctx)?, fire).await.gql().map(Task)
    }
}

fn task_fire(id: &ID, version: i64, transition: &str) -> Result<Fire> {
    Ok(Fire::new(
        id::decode(id, Kind::Task, "id")?,
        version,
        transition,
    ))
}

/// Fires the transition playing `role` in the plan's lifecycle.
fn task_role(id: &ID, version: i64, role: LifecycleRole) -> Result<Fire> {
    Ok(Fire::playing(
        id::decode(id, Kind::Task, "id")?,
        version,
        role,
    ))
}

#[Object]
impl Mutation {
    /// Imports a plan file (YAML, as in `workflows/plans/`), or re-imports it: records are matched
    /// by plan code, objective and action number and institution code. Problems come back as one
    /// `VALIDATION` error listing each with its line and column in `extensions.problems`; nothing
    /// is written then. With `dryRun`, nothing is written either.
    async fn import_plan(
        &self,
        ctx: &Context<'_>,
        yaml: String,
        #[graphql(default = false)] dry_run: bool,
    ) -> Result<ImportResult> {
        let engine = engine(ctx);
        let actor = actor(ctx)?;
        let draft =
            plan_file::parse(&yaml, "yaml", None, engine.lifecycles()).map_err(|problems| {
                to_gql(mandate_engine::Error::Problems {
                    forbidden: false,
                    problems,
                })
            })?;
        engine
            .import_plan(actor, &draft, dry_run)
            .await
            .gql()
            .map(ImportResult)
    }

    /// Changes who takes part in an action, by institution code. Each argument left out keeps that
    /// part as it is; a list given replaces it whole. The lead must be among the responsible
    /// institutions (else `VALIDATION`), and an action has at most 200 institutions. Institutions
    /// added get a task in every open period; those removed have their still-pending tasks
    /// cancelled, and the answer lists them (work already started is left as it is).
    async fn assign_action(
        &self,
        ctx: &Context<'_>,
        action_id: ID,
        #[graphql(desc = "The lead institution; left out: the current lead.")] lead: Option<String>,
        #[graphql(desc = "Every responsible institution, lead included; left out: unchanged.")]
        responsible: Option<Vec<String>>,
        #[graphql(desc = "Every partner institution; left out: unchanged, `[]`: none.")]
        partners: Option<Vec<String>>,
    ) -> Result<AssignResult> {
        let engine = engine(ctx);
        let actor = actor(ctx)?;
        let action_id = id::decode(&action_id, Kind::Action, "actionId")?;
        let change = AssignmentChange {
            lead,
            responsible,
            partners,
        };
        let assigned = engine.assign_action(actor, action_id, change).await.gql()?;
        let action = engine.action(actor, action_id).await.gql()?;
        Ok(AssignResult {
            action: Action(action),
            cancelled_tasks: assigned.cancelled.into_iter().map(Task).collect(),
        })
    }

    /// The task's institution acknowledges it.
    async fn acknowledge_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        comment: Option<String>,
    ) -> Result<Task> {
        let mut fire = task_role(&id, version, LifecycleRole::Acknowledge)?;
        fire.comment = comment;
        self.fire(ctx, fire).await
    }

    /// The task's institution declines it, saying why.
    async fn decline_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        reason: String,
    ) -> Result<Task> {
        let fire = task_role(&id, version, LifecycleRole::Decline)?.reason(&reason);
        self.fire(ctx, fire).await
    }

    /// The task's institution starts the work.
    async fn start_task(&self, ctx: &Context<'_>, id: ID, version: i64) -> Result<Task> {
        self.fire(ctx, task_role(&id, version, LifecycleRole::Start)?)
            .await
    }

    /// The task's institution submits its report: a value for indicators of the action, a
    /// narrative, and links to evidence.
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        #[graphql(default)] indicator_values: Vec<IndicatorValueInput>,
        narrative: String,
        #[graphql(default)] evidence_urls: Vec<String>,
    ) -> Result<Task> {
        let mut values = BTreeMap::new();
        for item in indicator_values {
            if values
                .insert(item.indicator.clone(), item.value.0)
                .is_some()
            {
                return Err(invalid(
                    "indicatorValues",
                    format!("indicator `{}` is given twice", item.indicator),
                ));
            }
        }
        let report = ReportInput {
            indicator_values: values,
            narrative,
            evidence: evidence_urls,
        };
        self.fire(
            ctx,
            task_role(&id, version, LifecycleRole::Submit)?.report(report),
        )
        .await
    }

    /// A coordinator of the plan, or a member of the indicator's responsible institution,
    /// enters the value of a plan-level indicator for one of its periods (see
    /// `PerformanceIndicator.periods`), replacing the value entered before. The value must fit
    /// the indicator's unit.
    async fn enter_indicator_value(
        &self,
        ctx: &Context<'_>,
        indicator_id: ID,
        period_start: NaiveDate,
        period_end: NaiveDate,
        value: f64,
    ) -> Result<PerformanceIndicator> {
        let actor = actor(ctx)?;
        let engine = engine(ctx);
        let id = id::decode(&indicator_id, Kind::PerformanceIndicator, "indicatorId")?;
        engine
            .enter_indicator_value(
                actor,
                IndicatorEntry {
                    indicator_id: id,
                    period_start,
                    period_end,
                    value,
                },
            )
            .await
            .gql()?;
        let plan = engine.plan_of_indicator(actor, id).await.gql()?;
        engine
            .plan_indicator_entries(actor, &plan)
            .await
            .gql()?
            .into_iter()
            .find(|e| e.indicator.id == id)
            .map(PerformanceIndicator)
            .ok_or_else(|| {
                to_gql(mandate_engine::Error::not_found(
                    "performance indicator",
                    id,
                ))
            })
    }

    /// The coordinator (or, for a partner's task, the lead institution) signs the report off.
    async fn approve_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        comment: Option<String>,
    ) -> Result<Task> {
        let mut fire = task_role(&id, version, LifecycleRole::SignOff)?;
        fire.comment = comment;
        self.fire(ctx, fire).await
    }

    /// The report is sent back for changes, saying why.
    async fn return_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        reason: String,
    ) -> Result<Task> {
        let fire = task_role(&id, version, LifecycleRole::Return)?.reason(&reason);
        self.fire(ctx, fire).await
    }

    /// The coordinator cancels an open task, saying why.
    async fn cancel_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        reason: String,
    ) -> Result<Task> {
        let fire = task_role(&id, version, LifecycleRole::Cancel)?.reason(&reason);
        self.fire(ctx, fire).await
    }

    /// Fires any transition of the plan's lifecycle by name (for lifecycles other than the
    /// default one).
    #[allow(clippy::too_many_arguments)]
    async fn fire_transition(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i64,
        transition: String,
        reason: Option<String>,
        comment: Option<String>,
        #[graphql(
            desc = "The institution (code, or `Institution:` id number) a transition with a target moves the task to, e.g. forwarding a case to another department."
        )]
        target: Option<String>,
    ) -> Result<Task> {
        let mut fire = task_fire(&id, version, &transition)?;
        fire.reason = reason;
        fire.comment = comment;
        fire.target = target;
        self.fire(ctx, fire).await
    }

    /// Registers a case in register `register` (its code): only its office (coordinators of its
    /// owner). The term runs by the register's deadline rule; the case has no department until
    /// `routeCase`.
    async fn create_case(
        &self,
        ctx: &Context<'_>,
        register: String,
        received_at: DateTime<Utc>,
        subject: String,
        #[graphql(desc = "A reference to the petitioner; no personal data is needed.")]
        petitioner: Option<String>,
        #[graphql(desc = "When it was registered, if not now (a case entered after the fact).")]
        registered_at: Option<DateTime<Utc>>,
    ) -> Result<Case> {
        engine(ctx)
            .create_case(
                actor(ctx)?,
                NewCase {
                    register,
                    received_at,
                    subject,
                    petitioner,
                    registered_at,
                },
            )
            .await
            .gql()
            .map(Case)
    }

    /// Routes case `id` to `department` (a code among the register's departments), which gets
    /// its task, due at the end of the case's term.
    async fn route_case(&self, ctx: &Context<'_>, id: ID, department: String) -> Result<Task> {
        let id = id::decode(&id, Kind::Action, "id")?;
        engine(ctx)
            .route_case(actor(ctx)?, id, &department)
            .await
            .gql()
            .map(Task)
    }

    /// The coordinator approves an action period's consolidated report, completing it. Refused
    /// until the lifecycle's completion rule holds.
    async fn approve_action_period(
        &self,
        ctx: &Context<'_>,
        period_id: ID,
        comment: Option<String>,
    ) -> Result<ReportingPeriod> {
        let period_id = id::decode(&period_id, Kind::Period, "periodId")?;
        engine(ctx)
            .approve_action_period(actor(ctx)?, period_id, comment)
            .await
            .gql()
            .map(ReportingPeriod)
    }

    /// Sets how an institution receives its reminders: only who manages it (admins; its
    /// coordinators; coordinators of its parent), else `FORBIDDEN`. A field left out goes back to
    /// the reminder policy's value.
    async fn set_notification_settings(
        &self,
        ctx: &Context<'_>,
        institution: String,
        delivery: Option<Delivery>,
        #[graphql(desc = "Local time `HH:MM`.")] send_at: Option<String>,
    ) -> Result<NotificationSettings> {
        let engine = engine(ctx);
        let actor = actor(ctx)?;
        // The institution and who may, before the settings themselves.
        engine.settings_to_change(actor, &institution).await.gql()?;
        let send_at = send_at
            .map(|t| {
                chrono::NaiveTime::parse_from_str(&t, "%H:%M")
                    .map_err(|_| invalid("sendAt", format!("`{t}` is not a time of day (HH:MM)")))
            })
            .transpose()?;
        let own = InstitutionSettings {
            delivery: delivery.map(Into::into),
            send_at,
        };
        engine
            .set_notification_settings(actor, &institution, own)
            .await
            .gql()
            .map(NotificationSettings)
    }

    /// Creates a user: admins create anyone, a coordinator creates members of its institution.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        email: String,
        name: String,
        role: Role,
        #[graphql(desc = "Institution code; required for members and coordinators.")]
        institution: Option<String>,
    ) -> Result<User> {
        let new = NewUser {
            email: EmailAddress::parse(&email).gql()?,
            name,
            role: role.into(),
            institution: institution
                .as_deref()
                .map(InstitutionCode::parse)
                .transpose()
                .gql()?,
        };
        engine(ctx)
            .create_user(actor(ctx)?, new)
            .await
            .gql()
            .map(User)
    }

    /// Issues a token for a user (yourself; a member of your institution as its coordinator;
    /// anyone as an admin). The token text is in the answer and nowhere else.
    async fn issue_token(
        &self,
        ctx: &Context<'_>,
        email: String,
        #[graphql(default = 90, desc = "Days until it expires (1 to 3650).")] expires_in_days: i32,
        label: Option<String>,
    ) -> Result<IssuedToken> {
        if !(1..=MAX_TOKEN_DAYS).contains(&expires_in_days) {
            return Err(invalid(
                "expiresInDays",
                format!("`{expires_in_days}` is out of range: 1 to {MAX_TOKEN_DAYS} days"),
            ));
        }
        let engine = engine(ctx);
        let expires = engine.now() + Duration::days(i64::from(expires_in_days));
        engine
            .issue_token(actor(ctx)?, &email, Some(expires), label)
            .await
            .gql()
            .map(IssuedToken)
    }

    /// Revokes a token at once.
    async fn revoke_token(&self, ctx: &Context<'_>, id: ID) -> Result<Token> {
        let id = id::decode(&id, Kind::Token, "id")?;
        engine(ctx)
            .revoke_token(actor(ctx)?, id)
            .await
            .gql()
            .map(Token)
    }

    /// Creates a calendar feed for the viewer: a secret address listing due dates as all-day
    /// events (iCalendar), readable by calendar programs without signing in. Without
    /// `institution`, every task the viewer may read; with it, that institution's tasks (one the
    /// viewer acts for or manages, else `FORBIDDEN`). The secret is in the answer and nowhere
    /// else; at most 20 feeds work at once (`VALIDATION` beyond).
    async fn create_calendar_feed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code of the institution whose tasks the feed lists.")]
        institution: Option<String>,
    ) -> Result<IssuedCalendarFeed> {
        let institution = institution
            .as_deref()
            .map(InstitutionCode::parse)
            .transpose()
            .gql()?;
        engine(ctx)
            .create_calendar_feed(actor(ctx)?, institution.as_ref())
            .await
            .gql()
            .map(IssuedCalendarFeed)
    }

    /// Revokes one of the viewer's calendar feeds at once: its address answers 404 from then on.
    async fn revoke_calendar_feed(&self, ctx: &Context<'_>, id: ID) -> Result<CalendarFeed> {
        let id = id::decode(&id, Kind::CalendarFeed, "id")?;
        engine(ctx)
            .revoke_calendar_feed(actor(ctx)?, id)
            .await
            .gql()
            .map(CalendarFeed)
    }

    /// Invites a person to act for an institution, as a `MEMBER` (the role cannot be chosen). Who
    /// manages the institution (admins; coordinators of it or of its parent) may invite anyone. A
    /// coordinator of a plan in which the institution is assigned to an action (responsible or
    /// partner) brings in partners: it may invite only an address at the domain of one of the
    /// institution's stored addresses, or, while the institution has no stored address and no user
    /// yet (a partner new to Mandate), anyone. Anyone else gets `FORBIDDEN`, saying who may invite,
    /// checked before the other arguments. An unknown institution is `NOT_FOUND`; an e-mail address
    /// already in use is `VALIDATION` on `email`. Creates the user and, in the same transaction, an
    /// `invitation` e-mail in the outbox, in the institution's language: it names who invited, the
    /// institution and the plans it takes part in, and carries a link (HMAC-signed, valid 14 days,
    /// usable once) to a page whose button gives the person an API token, valid 90 days and shown
    /// only there.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's e-mail address; the invitation goes there.")] email: String,
        #[graphql(desc = "The person's name, as the invitation and the directory show it.")]
        name: String,
        #[graphql(desc = "The code of the institution the person will act for.")]
        institution: String,
    ) -> Result<User> {
        engine(ctx)
            .invite_member(actor(ctx)?, &email, &name, &institution)
            .await
            .gql()
            .map(|invited| User(invited.user))
    }
}

//! The sender: claims due outbox rows for a short lease, renders and sends each, then records the
//! outcome. Transient failures are retried with exponential backoff and jitter up to a limit;
//! permanent ones fail at once; a mail server that cannot be reached uses up no attempt, so that
//! what was due while it was down goes once it is back; every failure stays visible in the table. On PostgreSQL the claim
//! skips rows another sender holds (`FOR UPDATE SKIP LOCKED`); on SQLite writers queue.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use chrono_tz::Tz;
use futures_util::{StreamExt, TryStreamExt};
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Order, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use super::about::{self, About};
use super::links::LINK_LIFETIME_DAYS;
use super::{Kind, status};
use crate::engine::Engine;
use crate::entity::{action, event, indicator, institution, notification, plan, task};
use crate::error::{Error, Result};
use crate::i18n::Language;
use crate::mail::{MailSettings, Renderer, SendError, Transport};
use crate::results::IndicatorSpec;
use crate::tasks::lifecycle::{Lifecycle, Role};

/// Everything the sender needs.
#[derive(Debug)]
pub struct Sender {
    pub transport: Transport,
    pub renderer: Renderer,
    pub settings: MailSettings,
    /// How long a claim holds before another sender may take the message over.
    pub lease: Duration,
    /// Attempts before a message is marked `failed`.
    pub max_attempts: i32,
    /// Messages handed to the mail server at once (SMTP connections are pooled). As many more
    /// are composed and recorded meanwhile, so that no connection waits on the database.
    pub parallel: usize,
}

/// What one drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendSummary {
    pub sent: u64,
    /// Failed for now, to be tried again.
    pub retried: u64,
    pub failed: u64,
    /// No longer relevant (the task closed, nothing left for a digest).
    pub dropped: u64,
}

/// Claimed messages, each with the end of its lease.
type ClaimedRows =
    futures_util::stream::Iter<std::vec::IntoIter<Result<(notification::Model, DateTime<Utc>)>>>;

/// Which count of the summary an outcome adds to.
enum Counted {
    Sent,
    Retried,
    Failed,
    Dropped,
}

/// The outcome of one message.
enum Outcome {
    Sent(String),
    Retry(String),
    /// The server could not be reached: tried again later, no attempt used up.
    Unreached(String),
    Failed(String),
    Dropped(String),
}

/// The delay before attempt `attempts + 1`: 30 s doubled each time, at most an hour, ±20 %.
fn backoff(attempts: i32) -> chrono::Duration {
    jittered(30.0 * 2f64.powi(attempts.clamp(1, 20) - 1))
}

/// The delay before a message that found the server unreachable is tried again: a quarter of
/// the time it has waited so far, from 30 s to an hour, ±20 %.
fn outage_backoff(waited: chrono::Duration) -> chrono::Duration {
    jittered(waited.num_seconds() as f64 / 4.0)
}

/// `seconds`, brought between 30 s and an hour, ±20 %.
fn jittered(seconds: f64) -> chrono::Duration {
    let jitter = getrandom::u32().map_or(0.5, |r| f64::from(r) / f64::from(u32::MAX));
    let seconds = seconds.clamp(30.0, 3600.0) * (0.8 + 0.4 * jitter);
    chrono::Duration::milliseconds((seconds * 1000.0) as i64)
}

impl Engine {
    /// Claims up to `limit` messages: those whose sender's lease ran out (a sender stopped
    /// mid-message; rarely any), then those due, earliest first.
    async fn claim(
        &self,
        limit: u64,
        lease: Duration,
    ) -> Result<(Vec<notification::Model>, DateTime<Utc>)> {
        let now = self.now();
        // Whole seconds, so that both databases store it exactly and `record` can match it.
        let until = (now
            + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5)))
        .trunc_subsecs(0);
        let lapsed = Condition::all()
            .add(notification::Column::Status.eq(status::SENDING))
            .add(notification::Column::ClaimedUntil.lt(now));
        let mut rows = self.claim_where(lapsed, limit, until).await?;
        if let Some(left) = limit.checked_sub(rows.len() as u64).filter(|&n| n > 0) {
            let due = Condition::all()
                .add(notification::Column::Status.eq(status::PENDING))
                .add(notification::Column::NextAttemptAt.lte(now));
            rows.extend(self.claim_where(due, left, until).await?);
        }
        Ok((rows, until))
    }

    /// Claims until `until` up to `limit` messages matching `which`, earliest due first, in one
    /// statement that marks them as being sent and returns them. The messages are found through
    /// the index on status and due instant, whatever the outbox holds of sent ones; those
    /// another sender holds are skipped (PostgreSQL; SQLite runs one writer at a time).
    async fn claim_where(
        &self,
        which: Condition,
        limit: u64,
        until: DateTime<Utc>,
    ) -> Result<Vec<notification::Model>> {
        let ids = Query::select()
            .column(notification::Column::Id)
            .from(notification::Entity)
            .cond_where(which)
            .order_by(notification::Column::NextAttemptAt, Order::Asc)
            .limit(limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .to_owned();
        Ok(notification::Entity::update_many()
            .col_expr(notification::Column::Status, Expr::value(status::SENDING))
            .col_expr(notification::Column::ClaimedUntil, Expr::value(Some(until)))
            .filter(notification::Column::Id.in_subquery(ids))
            .exec_with_returning(self.db())
            .await?)
    }

    /// Sends what is due in the outbox, `batch` messages at a time, until nothing is left.
    #[tracing::instrument(skip_all)]
    pub async fn send_outbox(&self, sender: &Sender, batch: u64) -> Result<SendSummary> {
        let mut summary = SendSummary::default();
        while self.send_batch(sender, batch, &mut summary).await? > 0 {}
        Ok(summary)
    }

    /// Sends up to `batch` due messages, adding to `summary`; returns how many were claimed.
    /// The messages flow through `parallel` slots of the mail server and as many of the
    /// database: whenever one frees and none is waiting, the next few are claimed, so that a
    /// slow message holds up no other.
    pub async fn send_batch(
        &self,
        sender: &Sender,
        batch: u64,
        summary: &mut SendSummary,
    ) -> Result<usize> {
        let parallel = sender.parallel.max(1);
        let server = Semaphore::new(parallel);
        // No more claimed at a time than can be in flight at once: a claimed message reaches
        // the server within about a message's time, well inside its lease; one whose lease ran
        // out meanwhile is not sent (see `send_in_turn`).
        let claims = futures_util::stream::try_unfold(0, move |claimed: u64| {
            self.claim_more(claimed, batch, parallel, sender.lease)
        })
        .try_flatten()
        .boxed();
        let mut outcomes = claims
            .map(|claimed| {
                let server = &server;
                async move {
                    let (n, until) = claimed?;
                    self.send_one(sender, server, n, until).await
                }
            })
            .buffer_unordered(parallel.saturating_mul(2));
        let mut count = 0;
        while let Some(done) = outcomes.next().await {
            count += 1;
            match done? {
                Counted::Sent => summary.sent += 1,
                Counted::Retried => summary.retried += 1,
                Counted::Failed => summary.failed += 1,
                Counted::Dropped => summary.dropped += 1,
            }
        }
        Ok(count)
    }

    /// The next messages to send when `claimed` of `batch` were claimed already: up to
    /// `parallel` of them, with the end of their lease and the new count; none at the end.
    async fn claim_more(
        &self,
        claimed: u64,
        batch: u64,
        parallel: usize,
        lease: Duration,
    ) -> Result<Option<(ClaimedRows, u64)>> {
        if claimed >= batch {
            return Ok(None);
        }
        let (rows, until) = self
            .claim((batch - claimed).min(parallel as u64), lease)
            .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let next = claimed + rows.len() as u64;
        let rows: Vec<Result<_>> = rows.into_iter().map(|n| Ok((n, until))).collect();
        Ok(Some((futures_util::stream::iter(rows), next)))
    }

    /// Composes, sends and records one claimed message, holding one of the `server`'s slots
    /// only while it sends.
    async fn send_one(
        &self,
        sender: &Sender,
        server: &Semaphore,
        n: notification::Model,
        until: DateTime<Utc>,
    ) -> Result<Counted> {
        let outcome = match self.compose(sender, &n).await {
            Ok(Ok(message)) => match self.send_in_turn(sender, server, message, until).await {
                Ok(()) => Outcome::Sent(message_id(&n, &sender.settings)),
                Err(SendError::Transient(e)) if n.attempts + 1 < sender.max_attempts => {
                    Outcome::Retry(e)
                }
                Err(SendError::Unreachable(e)) => Outcome::Unreached(e),
                Err(e) => Outcome::Failed(e.to_string()),
            },
            Ok(Err(why)) => Outcome::Dropped(why),
            Err(Error::Database(e)) => return Err(Error::Database(e)),
            Err(e) => Outcome::Failed(e.to_string()),
        };
        // Recorded here, not by the caller: a future left unpolled while the caller waited for
        // a connection could hold one, and the pool would run dry.
        self.record(&n, outcome, until).await
    }

    /// Sends `message` once one of the `server`'s slots is free, unless the claim ran out
    /// (`until`) while it waited: another sender may hold the message then, and both would send.
    async fn send_in_turn(
        &self,
        sender: &Sender,
        server: &Semaphore,
        message: Message,
        until: DateTime<Utc>,
    ) -> std::result::Result<(), SendError> {
        // The semaphore lives as long as the batch and is never closed.
        let _slot = server.acquire().await;
        if self.now() >= until {
            return Err(SendError::Transient(
                "the claim ran out while the message waited for the mail server".into(),
            ));
        }
        sender.transport.send(message).await
    }

    /// Records an outcome, unless the claim (`until`) lapsed and another sender holds it now.
    async fn record(
        &self,
        n: &notification::Model,
        outcome: Outcome,
        until: DateTime<Utc>,
    ) -> Result<Counted> {
        let now = self.now();
        let mut update = notification::Entity::update_many().col_expr(
            notification::Column::ClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        );
        let counted;
        let attempted = |u: sea_orm::UpdateMany<notification::Entity>| {
            u.col_expr(notification::Column::Attempts, Expr::value(n.attempts + 1))
        };
        update = match outcome {
            Outcome::Sent(id) => {
                counted = Counted::Sent;
                crate::metrics::mail_sent();
                attempted(update)
                    .col_expr(notification::Column::Status, Expr::value(status::SENT))
                    .col_expr(notification::Column::SentAt, Expr::value(Some(now)))
                    .col_expr(notification::Column::MessageId, Expr::value(Some(id)))
                    .col_expr(notification::Column::LastError, Expr::value(None::<String>))
            }
            Outcome::Retry(e) => {
                counted = Counted::Retried;
                crate::metrics::mail_send_error(true);
                tracing::warn!(notification = n.id, error = %e, "sending failed; will retry");
                attempted(update)
                    .col_expr(notification::Column::Status, Expr::value(status::PENDING))
                    .col_expr(
                        notification::Column::NextAttemptAt,
                        Expr::value(now + backoff(n.attempts + 1)),
                    )
                    .col_expr(notification::Column::LastError, Expr::value(Some(e)))
            }
            Outcome::Unreached(e) => {
                counted = Counted::Retried;
                crate::metrics::mail_send_error(true);
                tracing::warn!(notification = n.id, error = %e, "mail server unreachable; will retry");
                update
                    .col_expr(notification::Column::Status, Expr::value(status::PENDING))
                    .col_expr(
                        notification::Column::NextAttemptAt,
                        Expr::value(now + outage_backoff(now - n.created_at)),
                    )
                    .col_expr(notification::Column::LastError, Expr::value(Some(e)))
            }
            Outcome::Failed(e) => {
                counted = Counted::Failed;
                crate::metrics::mail_send_error(false);
                tracing::error!(notification = n.id, error = %e, "sending failed for good");
                attempted(update)
                    .col_expr(notification::Column::Status, Expr::value(status::FAILED))
                    .col_expr(notification::Column::LastError, Expr::value(Some(e)))
            }
            Outcome::Dropped(why) => {
                counted = Counted::Dropped;
                update
                    .col_expr(notification::Column::Status, Expr::value(status::DROPPED))
                    .col_expr(notification::Column::LastError, Expr::value(Some(why)))
            }
        };
        update
            .filter(notification::Column::Id.eq(n.id))
            .filter(notification::Column::Status.eq(status::SENDING))
            .filter(notification::Column::ClaimedUntil.eq(until))
            .exec(self.db())
            .await?;
        Ok(counted)
    }

    /// The message for `n`, or why it no longer applies.
    async fn compose(
        &self,
        sender: &Sender,
        n: &notification::Model,
    ) -> Result<Result<Message, String>> {
        let kind = Kind::parse(&n.kind).ok_or_else(|| {
            Error::internal(format!("outbox row {} has unknown kind `{}`", n.id, n.kind))
        })?;
        let about = match n.task_id {
            Some(task_id) => match about::read(self.db(), task_id).await? {
                Some(about) => Some(about),
                None => return Ok(Err("the task no longer exists".to_owned())),
            },
            None => None,
        };
        // Most messages go to the task's own institution, read with the task already.
        let recipient_institution = match &about {
            Some(about) if about.institution.id == n.institution_id => about.institution.clone(),
            _ => institution::Entity::find_by_id(n.institution_id)
                .one(self.db())
                .await?
                .ok_or_else(|| Error::not_found("institution", n.institution_id))?,
        };
        let settings_link = format!(
            "{}/notifications/{}",
            sender.settings.public_url.trim_end_matches('/'),
            recipient_institution.code
        );
        let public_url = sender.settings.public_url.trim_end_matches('/');
        let mut facts = match about {
            Some(about) => match self.task_facts(kind, about).await? {
                Ok((mut facts, task, pending)) => {
                    let asks_for_acknowledgement = matches!(
                        kind,
                        Kind::Assigned
                            | Kind::Reminder
                            | Kind::DueToday
                            | Kind::Overdue
                            | Kind::AckChase
                    ) && n.institution_id == task.institution_id
                        && pending;
                    if asks_for_acknowledgement {
                        let expires = self.now() + chrono::Duration::days(LINK_LIFETIME_DAYS);
                        let token = self.ack_token(n, expires).await?;
                        facts["links"]["acknowledge"] = json!(format!("{public_url}/ack/{token}"));
                    }
                    facts["links"]["task"] = json!(format!("{public_url}/tasks/{}", task.id));
                    facts
                }
                Err(why) => return Ok(Err(why)),
            },
            None if kind == Kind::SignIn => {
                match self
                    .sign_in_facts(n, &recipient_institution, public_url)
                    .await?
                {
                    Ok(facts) => facts,
                    Err(why) => return Ok(Err(why)),
                }
            }
            None if kind == Kind::Invitation => {
                match self
                    .invitation_facts(n, &recipient_institution, public_url)
                    .await?
                {
                    Ok(facts) => facts,
                    Err(why) => return Ok(Err(why)),
                }
            }
            None => match self.digest_facts(&recipient_institution).await? {
                Some(mut facts) => {
                    facts["links"]["inbox"] = json!(format!("{public_url}/"));
                    facts
                }
                None => return Ok(Err("nothing left for the digest".to_owned())),
            },
        };
        facts["links"]["settings"] = json!(settings_link);
        let rendered = sender
            .renderer
            .render(
                Language::or_fallback(&recipient_institution.language),
                kind,
                &facts,
            )
            .map_err(|e| Error::internal(format!("template for `{kind}`: {e}")))?;
        let to: Mailbox = n
            .recipient
            .parse()
            .map_err(|e| Error::internal(format!("recipient `{}`: {e}", n.recipient)))?;
        let domain = sender.settings.domain();
        let mut builder = Message::builder()
            .from(sender.settings.from.clone())
            .to(to)
            .subject(rendered.subject)
            .date(SystemTime::from(self.now()))
            .message_id(Some(message_id(n, &sender.settings)))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{settings_link}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Mandate-Kind"),
                kind.as_str().to_owned(),
            ));
        if let Some(task_id) = n.task_id {
            let thread = format!("<task-{task_id}@{domain}>");
            builder = builder.in_reply_to(thread.clone()).references(thread);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|e| Error::internal(format!("message for notification {}: {e}", n.id)))?;
        Ok(Ok(message))
    }

    /// What a message about `about`'s task shows, the task, and whether it still waits to be
    /// acknowledged; or why the message no longer applies.
    async fn task_facts(
        &self,
        kind: Kind,
        about: About,
    ) -> Result<Result<(Value, task::Model, bool), String>> {
        let About {
            task,
            action,
            plan,
            objective,
            institution,
        } = about;
        let lifecycle = self.lifecycle(&plan.lifecycle)?;
        let pending = lifecycle.awaits_acknowledgement(&task.state);
        if !still_applies(kind, &task, &lifecycle) {
            return Ok(Err(format!(
                "no longer applies: the task is now `{}`",
                task.state
            )));
        }
        let indicators: Vec<Value> = indicator::Entity::find()
            .filter(indicator::Column::ActionId.eq(action.id))
            .order_by_asc(indicator::Column::Position)
            .all(self.db())
            .await?
            .into_iter()
            .map(|i| {
                let target = IndicatorSpec::stored(&i.written())
                    .target_text(Language::or_fallback(&institution.language));
                json!({ "name": i.name, "target": target })
            })
            .collect();
        let returned = lifecycle
            .role(Role::Return)
            .filter(|_| kind == Kind::Returned);
        let reason = if let Some(returned) = returned {
            event::Entity::find()
                .filter(event::Column::TaskId.eq(task.id))
                .filter(event::Column::Kind.eq(&returned.name))
                .order_by_desc(event::Column::Id)
                .one(self.db())
                .await?
                .and_then(|e| e.comment)
        } else {
            None
        };
        let tz = zone(&institution, &plan);
        let due_date = task.due_at.with_timezone(&tz).date_naive();
        let today = self.now().with_timezone(&tz).date_naive();
        let days = (due_date - today).num_days().abs();
        Ok(Ok((
            json!({
                "plan": { "code": plan.code, "title": plan.title },
                "objective": { "number": objective.number, "title": objective.title },
                "action": { "number": action.number, "text": action.text, "indicators": indicators },
                "institution": { "code": institution.code, "name": institution.name },
                "due": iso_date(due_date),
                "days": days,
                "state": task.state,
                "reason": reason,
                "links": {},
            }),
            task,
            pending,
        )))
    }

    /// What an institution's digest shows: its overdue, soon due and unacknowledged open tasks
    /// (50 of each at most); `None` when all three are empty.
    async fn digest_facts(&self, institution: &institution::Model) -> Result<Option<Value>> {
        const EACH: u64 = 50;
        let now = self.now();
        let open = task::Entity::find()
            .filter(task::Column::InstitutionId.eq(institution.id))
            .filter(task::Column::Open.eq(true))
            .order_by_asc(task::Column::DueAt);
        let overdue = open
            .clone()
            .filter(task::Column::DueAt.lt(now))
            .limit(EACH)
            .all(self.db())
            .await?;
        let soon = open
            .clone()
            .filter(task::Column::DueAt.gte(now))
            .filter(task::Column::DueAt.lt(now + chrono::Duration::days(7)))
            .limit(EACH)
            .all(self.db())
            .await?;
        let mut waiting = Vec::new();
        for plan in plan::Entity::find().all(self.db()).await? {
            let lifecycle = self.lifecycle(&plan.lifecycle)?;
            waiting.extend(
                lifecycle
                    .states()
                    .iter()
                    .filter(|s| lifecycle.awaits_acknowledgement(s))
                    .cloned(),
            );
        }
        waiting.sort();
        waiting.dedup();
        let unacknowledged = open
            .filter(task::Column::State.is_in(waiting))
            .limit(EACH)
            .all(self.db())
            .await?;
        let count = overdue.len() + soon.len() + unacknowledged.len();
        if count == 0 {
            return Ok(None);
        }
        let mut cache = DigestCache::default();
        let mut sections = Vec::new();
        for (label, tasks) in [
            ("overdue", overdue),
            ("due_soon", soon),
            ("unacknowledged", unacknowledged),
        ] {
            let mut items = Vec::new();
            for t in tasks {
                items.push(cache.line(self, institution, &t).await?);
            }
            sections.push(json!({ "label": label, "tasks": items }));
        }
        Ok(Some(json!({
            "institution": { "code": institution.code, "name": institution.name },
            "sections": sections,
            "count": count,
            "date": iso_date(now.with_timezone(&zone_of(institution)).date_naive()),
            "links": {},
        })))
    }
}

/// Plans and actions read once per digest.
#[derive(Default)]
struct DigestCache {
    plans: HashMap<i64, plan::Model>,
    actions: HashMap<i64, action::Model>,
}

impl DigestCache {
    async fn line(
        &mut self,
        engine: &Engine,
        institution: &institution::Model,
        t: &task::Model,
    ) -> Result<Value> {
        if !self.plans.contains_key(&t.plan_id)
            && let Some(plan) = plan::Entity::find_by_id(t.plan_id).one(engine.db()).await?
        {
            self.plans.insert(plan.id, plan);
        }
        if !self.actions.contains_key(&t.action_id)
            && let Some(action) = action::Entity::find_by_id(t.action_id)
                .one(engine.db())
                .await?
        {
            self.actions.insert(action.id, action);
        }
        let plan = self.plans.get(&t.plan_id);
        let action = self.actions.get(&t.action_id);
        let tz = plan.map_or_else(|| zone_of(institution), |p| zone(institution, p));
        Ok(json!({
            "plan": plan.map(|p| p.title.clone()),
            "action_number": action.map(|a| a.number.clone()),
            "action_text": action.map(|a| a.text.clone()),
            "due": iso_date(t.due_at.with_timezone(&tz).date_naive()),
            "state": t.state,
        }))
    }
}

/// Whether a message of `kind` about `task` still holds as the task now is: a new task only while
/// it waits to be acknowledged (so not once acknowledged, declined or cancelled), an
/// acknowledgement chase likewise, deadline reminders and escalations while it is open, a return
/// while the task is still where the return put it, a sign-off while it stays signed off.
fn still_applies(kind: Kind, task: &task::Model, lifecycle: &Lifecycle) -> bool {
    match kind {
        Kind::Assigned => task.open && task.state == lifecycle.initial,
        Kind::AckChase => task.open && lifecycle.awaits_acknowledgement(&task.state),
        Kind::Reminder | Kind::DueToday | Kind::Overdue | Kind::Escalation => task.open,
        Kind::Returned => lifecycle
            .role(Role::Return)
            .is_some_and(|t| task.open && t.to == task.state),
        Kind::Approved => task.state == lifecycle.completion.signed_off_state,
        // Not about a task.
        Kind::Digest | Kind::Invitation | Kind::SignIn => true,
    }
}

/// The Message-ID of a notification: stable, so a resend is recognisable as the same message.
fn message_id(n: &notification::Model, settings: &MailSettings) -> String {
    format!(
        "<n{}.{}@{}>",
        n.id,
        n.slot_at.timestamp(),
        settings.domain()
    )
}

fn zone_of(institution: &institution::Model) -> Tz {
    institution.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

fn zone(institution: &institution::Model, plan: &plan::Model) -> Tz {
    institution
        .time_zone
        .parse()
        .or_else(|_| plan.time_zone.parse())
        .unwrap_or(chrono_tz::UTC)
}

/// A date as the templates take it (`YYYY-MM-DD`); each language writes it its own way.
fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

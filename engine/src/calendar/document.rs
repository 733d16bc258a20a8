//! The document a feed answers: an RFC 5545 calendar with one all-day event per task.
//!
//! - Which tasks: those the owner may read (of the feed's institution, if it has one) due from
//!   [`FEED_PAST_DAYS`] days ago on, at most [`FEED_LIMIT`]: those due from yesterday on first,
//!   then past ones while the limit allows; read a page at a time, so a feed of a large plan
//!   holds one page of rows and the events written so far.
//! - Open tasks, and closed ones: a task closed by sign-off stays as a past event (the record of
//!   work done, `STATUS:CONFIRMED`); a cancelled or declined one is `STATUS:CANCELLED`.
//! - The date: the due instant's date in the feed's time zone: its institution's, else the
//!   owner's institution's, else each plan's.
//! - `UID` `task-{id}@{host of the public address}`, stable for the task's life; `SEQUENCE`, how
//!   many times its due date moved (its `due_moved` events).
//! - An open task carries a display alarm at the first reminder of its plan's policy: the
//!   furthest `before_due` offset, at the policy's `send_at` (working days counted as days).
//! - The calendar's name, labels and alarm text are in the owner's language.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use icalendar::{Alarm, Calendar, Component, Event, EventLike, EventStatus, Property, Trigger};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::engine::Engine;
use crate::entity::{action, event, institution, plan, task};
use crate::error::{Error, Result};
use crate::i18n::{self, Arg, Language};
use crate::notifications::reminders::ReminderPolicy;
use crate::plans::DUE_MOVED;
use crate::reads::{TaskCursor, TaskFilter};
use crate::tasks::lifecycle::Lifecycle;

/// The most events one feed lists.
pub const FEED_LIMIT: u64 = 2000;
/// How far back a feed reaches: tasks due earlier are left out.
pub const FEED_PAST_DAYS: i64 = 366;
/// Tasks read per query.
const PAGE: u64 = 500;
/// Longest action text in an event's title, in characters (an ellipsis marks the cut).
const SUMMARY_CHARS: usize = 80;
/// How often calendar programs are asked to fetch the feed again.
const REFRESH_HOURS: i64 = 4;

/// How long before the start of a due date's all-day event the first reminder of `policy` goes
/// out: its furthest `before_due` offset, at its `send_at` (`None` without reminders before
/// the due date). "30 days" at 08:00 is 29 days and 16 hours before the due date's midnight.
pub fn first_reminder(policy: &ReminderPolicy) -> Option<TimeDelta> {
    let days = policy.before_due.iter().map(|o| o.days).max()?;
    let into_day = TimeDelta::seconds(i64::from(policy.send_at.num_seconds_from_midnight()));
    Some(TimeDelta::days(i64::from(days)) - into_day)
}

/// `text` cut to `max` characters, an ellipsis marking the cut (at a word's end when one is
/// near).
fn shortened(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

/// The host of `public_url` (`https://mandate.gov.ro:8443/x` → `mandate.gov.ro`), for UIDs.
fn host_of(public_url: &str) -> &str {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or_default();
    if host.is_empty() { "mandate" } else { host }
}

/// What a feed knows of a plan: the plan, its lifecycle, its first reminder.
struct PlanFacts {
    plan: plan::Model,
    lifecycle: Arc<Lifecycle>,
    reminder: Option<TimeDelta>,
}

/// Everything the events of one feed share.
struct Feed<'a> {
    language: Language,
    /// The feed's time zone; `None`: each plan's.
    zone: Option<Tz>,
    public_url: &'a str,
    host: &'a str,
    now: DateTime<Utc>,
    /// The plans and institution codes met so far.
    plans: HashMap<i64, PlanFacts>,
    codes: HashMap<i64, String>,
}

impl Feed<'_> {
    fn t(&self, key: &str, args: &[(&str, Arg)]) -> String {
        i18n::t(self.language, key, args)
    }

    /// The event of `task`.
    fn event(
        &self,
        task: &task::Model,
        action: &action::Model,
        facts: &PlanFacts,
        institution: &str,
        sequence: u32,
    ) -> Event {
        let zone = self
            .zone
            .unwrap_or_else(|| facts.plan.time_zone.parse().unwrap_or(chrono_tz::UTC));
        let due: NaiveDate = task.due_at.with_timezone(&zone).date_naive();
        let summary = format!(
            "{} {} ({})",
            action.number,
            shortened(&action.text, SUMMARY_CHARS),
            facts.plan.code
        );
        let link = format!(
            "{}/tasks/{}",
            self.public_url.trim_end_matches('/'),
            task.id
        );
        let state = i18n::lookup(self.language, &format!("state-{}", task.state), &[])
            .unwrap_or_else(|| task.state.clone());
        let description = [
            format!("{}: {state}", self.t("calendar-label-state", &[])),
            format!(
                "{}: {institution}",
                self.t("calendar-label-institution", &[])
            ),
            format!(
                "{}: {} {}",
                self.t("calendar-label-plan", &[]),
                facts.plan.code,
                facts.plan.title
            ),
            format!("{}: {}", self.t("calendar-label-action", &[]), action.text),
            link.clone(),
        ]
        .join("\n");
        let signed_off = task.state == facts.lifecycle.completion.signed_off_state;
        let status = if task.open || signed_off {
            EventStatus::Confirmed
        } else {
            EventStatus::Cancelled
        };
        let uid = format!("task-{}@{}", task.id, self.host);
        let mut event = Event::new();
        event
            .uid(&uid)
            .timestamp(self.now)
            .last_modified(task.updated_at)
            .sequence(sequence)
            .starts(due)
            .ends(due.checked_add_days(Days::new(1)).unwrap_or(due))
            .summary(&summary)
            .description(&description)
            .url(&link)
            .status(status);
        if task.open
            && let Some(before) = facts.reminder
        {
            let text = self.t(
                "calendar-reminder",
                &[
                    ("date", i18n::date(self.language, due).into()),
                    ("action", summary.clone().into()),
                ],
            );
            // Without them the library would add a random UID and the system clock's DTSTAMP.
            let mut alarm = Alarm::display(&text, Trigger::before_start(before));
            alarm.uid(&format!("alarm-{uid}")).timestamp(self.now);
            event.alarm(alarm);
        }
        event.done()
    }
}

impl Engine {
    /// The calendar the feed with `secret` answers, its links under `public_url`; `NotFound`
    /// for an unknown secret, a revoked feed, or an owner who lost access to its institution.
    #[tracing::instrument(skip_all, fields(feed = tracing::field::Empty))]
    pub async fn calendar_feed_document(&self, secret: &str, public_url: &str) -> Result<String> {
        let (feed, owner, actor, institution) = self.live_feed(secret).await?;
        tracing::Span::current().record("feed", feed.id);
        let language = Language::or_fallback(&self.language_of(&owner).await?);
        let zone_holder = match (&institution, owner.institution_id) {
            (Some(i), _) => Some(i.clone()),
            (None, Some(id)) => institution::Entity::find_by_id(id).one(self.db()).await?,
            (None, None) => None,
        };
        let zone: Option<Tz> = zone_holder.as_ref().and_then(|i| i.time_zone.parse().ok());
        let now = self.now();
        let since = now - TimeDelta::days(FEED_PAST_DAYS);
        let mut context = Feed {
            language,
            zone,
            public_url,
            host: host_of(public_url),
            now,
            plans: HashMap::new(),
            codes: HashMap::new(),
        };

        let mut calendar = Calendar::new();
        let name = match &institution {
            Some(i) => context.t(
                "calendar-name-institution",
                &[("code", i.code.as_str().into())],
            ),
            None => context.t("calendar-name-own", &[("name", owner.name.as_str().into())]),
        };
        let description = context.t(
            "calendar-description",
            &[
                ("name", owner.name.as_str().into()),
                ("date", i18n::date(language, since.date_naive()).into()),
                ("count", Arg::from(FEED_LIMIT as i64)),
            ],
        );
        calendar
            .append_property(Property::new("PRODID", "-//Mandate//Calendar feed//EN"))
            .append_property(Property::new("METHOD", "PUBLISH"))
            .name(&name)
            .description(&description)
            .ttl(&TimeDelta::hours(REFRESH_HOURS));
        if let Some(zone) = zone {
            calendar.timezone(zone.name());
        }

        // Upcoming due dates first, so that a feed at its limit drops past ones, not these.
        let upcoming = now - TimeDelta::days(1);
        let mut listed = 0u64;
        for (after, before) in [(upcoming, None), (since, Some(upcoming))] {
            let filter = TaskFilter {
                institution_id: institution.as_ref().map(|i| i.id),
                due_after: Some(after),
                due_before: before,
                ..Default::default()
            };
            listed += self
                .add_events(
                    &mut context,
                    &mut calendar,
                    &actor,
                    &filter,
                    FEED_LIMIT - listed,
                )
                .await?;
        }
        let mut out = String::new();
        use std::fmt::Write as _;
        write!(out, "{calendar}").map_err(|e| Error::internal(format!("a calendar feed: {e}")))?;
        Ok(out)
    }

    /// Adds to `calendar` the events of the tasks `actor` may read that match `filter`, in due
    /// order, at most `budget`, a page at a time; returns how many.
    async fn add_events(
        &self,
        feed: &mut Feed<'_>,
        calendar: &mut Calendar,
        actor: &crate::domain::Actor,
        filter: &TaskFilter,
        budget: u64,
    ) -> Result<u64> {
        let mut cursor = None;
        let mut listed = 0u64;
        while listed < budget {
            let page = self
                .tasks(actor, filter, cursor, PAGE.min(budget - listed))
                .await?;
            let Some(last) = page.last() else { break };
            cursor = Some(TaskCursor {
                due_at: last.due_at,
                id: last.id,
            });
            listed += page.len() as u64;
            self.learn_plans(&mut feed.plans, &page).await?;
            self.learn_codes(&mut feed.codes, &page).await?;
            let actions: HashMap<i64, action::Model> = action::Entity::find()
                .filter(action::Column::Id.is_in(page.iter().map(|t| t.action_id)))
                .all(self.db())
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
            let moves = self.due_moves(&page).await?;
            for task in &page {
                let (Some(action), Some(facts)) =
                    (actions.get(&task.action_id), feed.plans.get(&task.plan_id))
                else {
                    continue;
                };
                let institution = feed
                    .codes
                    .get(&task.institution_id)
                    .map_or("", String::as_str);
                let sequence = moves.get(&task.id).copied().unwrap_or(0);
                calendar.push(feed.event(task, action, facts, institution, sequence));
            }
            if (page.len() as u64) < PAGE {
                break;
            }
        }
        Ok(listed)
    }

    /// Adds to `plans` the plans of `tasks` not in it yet.
    async fn learn_plans(
        &self,
        plans: &mut HashMap<i64, PlanFacts>,
        tasks: &[task::Model],
    ) -> Result<()> {
        let missing: Vec<i64> = tasks
            .iter()
            .map(|t| t.plan_id)
            .filter(|id| !plans.contains_key(id))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        for plan in plan::Entity::find()
            .filter(plan::Column::Id.is_in(missing))
            .all(self.db())
            .await?
        {
            let lifecycle = self.lifecycle(&plan.lifecycle)?;
            let policy = self.reminder_policy(plan.reminder_policy.as_deref())?;
            plans.insert(
                plan.id,
                PlanFacts {
                    reminder: first_reminder(&policy),
                    lifecycle,
                    plan,
                },
            );
        }
        Ok(())
    }

    /// Adds to `codes` the codes of the institutions of `tasks` not in it yet.
    async fn learn_codes(
        &self,
        codes: &mut HashMap<i64, String>,
        tasks: &[task::Model],
    ) -> Result<()> {
        let missing: Vec<i64> = tasks
            .iter()
            .map(|t| t.institution_id)
            .filter(|id| !codes.contains_key(id))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let found: Vec<(i64, String)> = institution::Entity::find()
            .select_only()
            .column(institution::Column::Id)
            .column(institution::Column::Code)
            .filter(institution::Column::Id.is_in(missing))
            .into_tuple()
            .all(self.db())
            .await?;
        codes.extend(found);
        Ok(())
    }

    /// How many times the due date of each of `tasks` moved (tasks that never moved are left
    /// out).
    async fn due_moves(&self, tasks: &[task::Model]) -> Result<HashMap<i64, u32>> {
        let counts: Vec<(Option<i64>, i64)> = event::Entity::find()
            .select_only()
            .column(event::Column::TaskId)
            .column_as(event::Column::Id.count(), "moves")
            .filter(event::Column::Kind.eq(DUE_MOVED))
            .filter(event::Column::TaskId.is_in(tasks.iter().map(|t| t.id)))
            .group_by(event::Column::TaskId)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(counts
            .into_iter()
            .filter_map(|(task, n)| Some((task?, u32::try_from(n).unwrap_or(u32::MAX))))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reminder_is_the_furthest_offset_at_the_send_time() {
        let policy = ReminderPolicy::default_policy().unwrap();
        // "30 days" at 08:00: 29 days and 16 hours before the due date's midnight.
        assert_eq!(
            first_reminder(&policy),
            Some(TimeDelta::days(29) + TimeDelta::hours(16))
        );
        let mut none = policy.clone();
        none.before_due.clear();
        assert_eq!(first_reminder(&none), None);
    }

    #[test]
    fn long_texts_are_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(
            shortened("  Campanii   de\ninformare ", 80),
            "Campanii de informare"
        );
        let long = "Organizarea de campanii de informare și conștientizare privind riscurile \
                    traficului de persoane în rândul tinerilor";
        let cut = shortened(long, 40);
        assert!(cut.chars().count() <= 40, "{cut}");
        assert!(
            cut.ends_with('…') && long.starts_with(cut.trim_end_matches('…')),
            "{cut}"
        );
        assert_eq!(
            shortened(&"ș".repeat(100), 10),
            format!("{}…", "ș".repeat(9))
        );
    }

    #[test]
    fn uids_take_the_host_of_the_public_address() {
        assert_eq!(host_of("https://mandate.gov.ro"), "mandate.gov.ro");
        assert_eq!(host_of("http://127.0.0.1:8080/"), "127.0.0.1");
        assert_eq!(host_of("https://x.ro:8443/mandate/"), "x.ro");
        assert_eq!(host_of(""), "mandate");
    }
}

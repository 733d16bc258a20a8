//! The audit trail as a page shows it: the events the reader may read, newest first, a page at a
//! time, filtered by plan, by the institution and the person who acted, and by date (days in the
//! reader's time zone), with what each event is about.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::Actor;
use crate::engine::Engine;
use crate::entity::{action, event, institution, plan, task};
use crate::error::{Error, Result};
use crate::reads::EventFilter;

/// Events on one page of the audit trail.
pub const AUDIT_PAGE: u64 = 100;

/// Which events the audit trail shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub plan_id: Option<i64>,
    /// The institution of who acted.
    pub institution_id: Option<i64>,
    /// Who acted: an e-mail address (any case).
    pub actor: Option<String>,
    /// The first day shown (in the reader's time zone).
    pub from: Option<NaiveDate>,
    /// The last day shown.
    pub to: Option<NaiveDate>,
    /// Only events older than this one (the cursor of the page before).
    pub before: Option<i64>,
}

/// One event with what it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub event: event::Model,
    pub plan: Option<plan::Model>,
    pub action: Option<action::Model>,
    /// The institution whose task the event is about.
    pub task_institution: Option<institution::Model>,
    /// The institution of who acted.
    pub actor_institution: Option<institution::Model>,
}

/// A page of the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditTrail {
    pub rows: Vec<AuditRow>,
    /// The cursor of the next, older page, when there is one.
    pub older: Option<i64>,
    /// The reader's time zone (its institution's; UTC without one): days are read in it.
    pub zone: Tz,
    /// The plans the reader may read, for the filter.
    pub plans: Vec<plan::Model>,
    /// Every institution, for the filter.
    pub institutions: Vec<institution::Model>,
}

/// The first instant of `day` in `zone`.
fn start_of(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    zone.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        // Midnight skipped by a clock change: the day starts an hour later.
        .or_else(|| {
            zone.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        })
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

fn by_id<M, F: Fn(&M) -> i64>(rows: Vec<M>, id: F) -> HashMap<i64, M> {
    rows.into_iter().map(|r| (id(&r), r)).collect()
}

impl Engine {
    /// A page of the events `actor` may read that match `query`, newest first
    /// ([`AUDIT_PAGE`] at most). A last day before the first is a validation error on `to`.
    pub async fn audit_trail(&self, actor: &Actor, query: &AuditQuery) -> Result<AuditTrail> {
        if let (Some(from), Some(to)) = (query.from, query.to)
            && to < from
        {
            return Err(Error::validation(
                "to",
                "the last day is before the first day",
            ));
        }
        let institutions = self.institutions(actor).await?;
        let zone = actor
            .institution_id
            .and_then(|id| institutions.iter().find(|i| i.id == id))
            .and_then(|i| i.time_zone.parse().ok())
            .unwrap_or(chrono_tz::UTC);
        let filter = EventFilter {
            plan_id: query.plan_id,
            actor_institution_id: query.institution_id,
            actor: query
                .actor
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
            from: query.from.map(|d| start_of(d, zone)),
            until: query
                .to
                .and_then(|d| d.succ_opt())
                .map(|d| start_of(d, zone)),
            ..Default::default()
        };
        let mut events = self
            .recent_events(actor, &filter, query.before, AUDIT_PAGE + 1)
            .await?;
        let older = (events.len() as u64 > AUDIT_PAGE).then(|| {
            events.truncate(AUDIT_PAGE as usize);
            events.last().map_or(0, |e| e.id)
        });

        let ids = |f: fn(&event::Model) -> Option<i64>| -> Vec<i64> {
            let mut ids: Vec<i64> = events.iter().filter_map(f).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let plans = by_id(
            self.readable_rows::<plan::Entity>(actor, plan::Column::Id, &ids(|e| Some(e.plan_id)))
                .await?,
            |p| p.id,
        );
        let actions = by_id(
            self.readable_rows::<action::Entity>(actor, action::Column::Id, &ids(|e| e.action_id))
                .await?,
            |a| a.id,
        );
        let task_institutions: HashMap<i64, i64> = task::Entity::find()
            .select_only()
            .column(task::Column::Id)
            .column(task::Column::InstitutionId)
            .filter(task::Column::Id.is_in(ids(|e| e.task_id)))
            .into_tuple::<(i64, i64)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let known: HashMap<i64, &institution::Model> =
            institutions.iter().map(|i| (i.id, i)).collect();
        let institution = |id: Option<i64>| id.and_then(|id| known.get(&id)).map(|i| (*i).clone());
        let rows = events
            .into_iter()
            .map(|event| AuditRow {
                plan: plans.get(&event.plan_id).cloned(),
                action: event.action_id.and_then(|id| actions.get(&id)).cloned(),
                task_institution: institution(
                    event
                        .task_id
                        .and_then(|id| task_institutions.get(&id).copied()),
                ),
                actor_institution: institution(event.actor_institution_id),
                event,
            })
            .collect();
        Ok(AuditTrail {
            rows,
            older,
            zone,
            plans: self.plans(actor).await?,
            institutions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2021, 7, 1).expect("date");
        assert_eq!(
            start_of(day, chrono_tz::Europe::Bucharest).to_rfc3339(),
            "2021-06-30T21:00:00+00:00"
        );
        assert_eq!(
            start_of(day, chrono_tz::UTC).to_rfc3339(),
            "2021-07-01T00:00:00+00:00"
        );
    }
}

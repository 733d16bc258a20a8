//! What the pages of the web application show, read on behalf of an actor: a task with everything
//! around it, an institution's inbox, the plans, a plan's objective tree, an action with its
//! periods, the reports waiting for sign-off, the directory of institutions, a page of the audit
//! trail. Each view is read through the actor's scopes (what it may not read is `NotFound`) and
//! carries the status of the status rule ([`crate::status`]).

mod action;
mod audit;
mod directory;
mod inbox;
mod plans;
mod task;

pub use action::{ActionView, PeriodRow, PeriodTask, SignOffRow};
pub use audit::{AUDIT_PAGE, AuditQuery, AuditRow, AuditTrail};
pub use directory::{
    DIRECTORY_SEARCH_CHARS, Directory, DirectoryEntry, DirectorySettings, sees_contacts,
};
pub use inbox::{Inbox, InboxFilter, InboxGroup, InboxRow};
pub use plans::{ActionRow, IndicatorTotal, ObjectiveNode, PlanSummary, PlanView};
pub use task::{Participant, TaskView};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::entity::plan;

/// The plan's zone, UTC when it names none that is known.
pub(crate) fn zone_of(plan: &plan::Model) -> Tz {
    plan.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// The date of `instant` in `tz`.
pub(crate) fn local_date(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

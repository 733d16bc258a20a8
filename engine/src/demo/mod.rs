//! The demo: the bundled seed plans, the demo users, a believable history played through the
//! engine's own operations up to the instant the demo's clock starts at, and that clock.
//!
//! `mandate serve --demo` builds a fresh demo with [`build`], then runs the engine on the clock
//! [`start_clock`] records; a later start continues it with [`recorded_clock`]. Pages read
//! [`crate::Engine::demo`] to show a banner with the demo clock.

mod history;
mod texts;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::{EntityTrait, Set};
use serde_json::json;

use crate::clock::OffsetClock;
use crate::domain::{Actor, EmailAddress, UserRole};
use crate::engine::Engine;
use crate::entity::setting;
use crate::error::{Error, Result};
use crate::plans::plan_file::PlanDraft;

pub use history::HistorySummary;

/// The seed plans shipped with Mandate: (file name, YAML), in the order they are loaded.
pub const SEED_PLANS: [(&str, &str); 4] = [
    (
        "pna-trafic-2021-2022.yaml",
        include_str!("../../../workflows/plans/pna-trafic-2021-2022.yaml"),
    ),
    (
        "cluj-2024.yaml",
        include_str!("../../../workflows/plans/cluj-2024.yaml"),
    ),
    (
        "caras-severin-2024.yaml",
        include_str!("../../../workflows/plans/caras-severin-2024.yaml"),
    ),
    (
        "lubartow-rejon-3-2024.yaml",
        include_str!("../../../workflows/plans/lubartow-rejon-3-2024.yaml"),
    ),
];

/// Where the demo clock starts unless told otherwise: a Tuesday morning in the national
/// anti-trafficking plan's first year, when its first-semester reports are in (or late), one
/// report is due that day and the third quarter's within the week.
pub const DEFAULT_START: &str = "2021-09-28T09:00:00+03:00";

/// The time zone the demo clock is shown in.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Bucharest;

/// A person of the demo, who gets a token on every start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: UserRole,
    /// The institution's code.
    pub institution: Option<&'static str>,
}

/// The demo users. The history has them act for their institutions.
pub const DEMO_USERS: [DemoUser; 5] = [
    DemoUser {
        email: "admin@mandate.example",
        name: "Administrator",
        role: UserRole::Admin,
        institution: None,
    },
    DemoUser {
        email: "coordonator@anitp.example",
        name: "Coordonator ANITP",
        role: UserRole::Coordinator,
        institution: Some("ANITP"),
    },
    DemoUser {
        email: "ofiter@igpr.example",
        name: "Ofițer IGPR",
        role: UserRole::Member,
        institution: Some("IGPR"),
    },
    DemoUser {
        email: "koordynator@lubartow.example",
        name: "Koordynator KPP Lubartów",
        role: UserRole::Coordinator,
        institution: Some("KPP-LUBARTOW"),
    },
    DemoUser {
        email: "auditor@mandate.example",
        name: "Auditor",
        role: UserRole::Auditor,
        institution: None,
    },
];

/// A demo in progress: what pages need for their banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoInfo {
    /// The instant the demo clock started at: where its history ends.
    pub started_at: DateTime<Utc>,
    /// How far the demo clock is ahead of the real time (negative: behind).
    pub offset: Duration,
    /// The time zone to show the demo clock in.
    pub time_zone: Tz,
}

impl DemoInfo {
    /// The demo clock: the real time shifted by the offset.
    pub fn clock(&self) -> OffsetClock {
        OffsetClock::with_offset(self.offset)
    }

    /// `at` as the banner shows it: `28 Sep 2021 09:00 Europe/Bucharest`.
    pub fn show(&self, at: DateTime<Utc>) -> String {
        format!(
            "{} {}",
            at.with_timezone(&self.time_zone).format("%-d %b %Y %H:%M"),
            self.time_zone.name()
        )
    }
}

/// The `settings` row that keeps the demo clock from one start to the next.
const CLOCK_SETTING: &str = "demo_clock";

/// Builds the demo on a fresh database: imports the seed plans at believable instants, creates
/// the demo users, plays the history up to `start` through the engine's operations (at the
/// instants they happen, on a clock of its own), then runs the reminder pass at `start`. The
/// same `start` gives the same history on any database.
pub async fn build(engine: &Engine, start: DateTime<Utc>) -> Result<HistorySummary> {
    history::play(engine, start).await
}

/// The seed plans name no e-mail addresses; in the demo every institution without one gets
/// `code@mandate-demo.invalid` (a domain that cannot exist), so that reminders have somewhere to go.
pub async fn give_demo_addresses(engine: &Engine) -> Result<()> {
    let operator = Actor::operator();
    for institution in engine.institutions(&operator).await? {
        if crate::notifications::addresses(&institution).is_empty() {
            let address = demo_address(&institution.code)?;
            engine
                .set_institution_emails(&operator, &institution.code, &[address])
                .await?;
        }
    }
    Ok(())
}

/// The demo's address of institution `code`.
fn demo_address(code: &str) -> Result<EmailAddress> {
    EmailAddress::parse(&format!("{}@mandate-demo.invalid", code.to_lowercase()))
}

/// `draft` with a demo address for every institution it creates without one (`known`: the
/// codes that exist already, whose stored addresses the import keeps), so that the mails of
/// the tasks it assigns have somewhere to go.
fn with_demo_addresses(draft: &PlanDraft, known: &BTreeSet<String>) -> Result<PlanDraft> {
    let mut draft = draft.clone();
    for institution in &mut draft.institutions {
        let code = institution.code.as_str();
        if institution.emails.as_ref().is_none_or(Vec::is_empty) && !known.contains(code) {
            institution.emails = Some(vec![demo_address(code)?]);
        }
    }
    Ok(draft)
}

/// Starts the demo clock at `start`, now, and records it so that later starts continue it.
pub async fn start_clock(engine: &Engine, start: DateTime<Utc>) -> Result<DemoInfo> {
    let info = DemoInfo {
        started_at: start,
        offset: OffsetClock::starting_at(start).offset(),
        time_zone: TIME_ZONE,
    };
    let value = json!({
        "started_at": info.started_at.to_rfc3339(),
        "offset_ms": info.offset.num_milliseconds(),
        "time_zone": info.time_zone.name(),
    });
    setting::Entity::insert(setting::ActiveModel {
        name: Set(CLOCK_SETTING.to_owned()),
        value: Set(value.to_string()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(setting::Column::Name)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(engine.db())
    .await?;
    Ok(info)
}

/// The demo clock recorded by [`start_clock`], if this database holds a demo that has one
/// (demo databases made before the demo clock have none).
pub async fn recorded_clock(engine: &Engine) -> Result<Option<DemoInfo>> {
    let Some(row) = setting::Entity::find_by_id(CLOCK_SETTING)
        .one(engine.db())
        .await?
    else {
        return Ok(None);
    };
    let unreadable = || Error::validation(CLOCK_SETTING, format!("unreadable: {}", row.value));
    let value: serde_json::Value = serde_json::from_str(&row.value).map_err(|_| unreadable())?;
    let started_at = value["started_at"]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .ok_or_else(unreadable)?
        .with_timezone(&Utc);
    let offset = value["offset_ms"]
        .as_i64()
        .map(Duration::milliseconds)
        .ok_or_else(unreadable)?;
    let time_zone = value["time_zone"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(TIME_ZONE);
    Ok(Some(DemoInfo {
        started_at,
        offset,
        time_zone,
    }))
}

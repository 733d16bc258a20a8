//! The demo's history: from each plan's import up to the instant the demo clock starts at, the
//! institutions acknowledge, start, report and decline, coordinators and lead institutions sign
//! off or return reports and approve periods, one coordinator reassigns an action after a
//! decline, one institution asks for a daily digest and a member is invited. Every step goes
//! through the engine's public operations, as the actor who would take it, at the instant it
//! happens (a clock of the player's own moves from one step to the next), so events, reports and
//! outbox rows carry believable times.
//!
//! Nothing is random in the wall-clock sense: each choice is drawn from a generator seeded by a
//! fixed number and the task's natural key (plan, action, period, institution), so the same
//! start instant gives the same history on any database.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::texts::{self, Texts};
use super::{DEMO_USERS, SEED_PLANS, give_demo_addresses, with_demo_addresses};
use crate::accounts::NewUser;
use crate::clock::ManualClock;
use crate::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use crate::engine::Engine;
use crate::entity::{action, assignment, indicator, institution, plan, reporting_period, task};
use crate::error::{Error, Result};
use crate::notifications::TickSummary;
use crate::notifications::reminders::policy::InstitutionSettings;
use crate::notifications::reminders::{Calendar, Delivery};
use crate::plans::AssignmentChange;
use crate::plans::plan_file::{self, PlanDraft};
use crate::results::{IndicatorSpec, Unit};
use crate::tasks::lifecycle::{ActorRole, Lifecycle, Role};
use crate::tasks::{Fire, ReportInput};

/// The history's seed: change it and every choice changes.
const SEED: u64 = 0x6d61_6e64_6174_6521;

/// The institution that reads its reminders as one daily digest (its coordinator asks for it).
const DIGEST_INSTITUTION: &str = "ONG";

/// The member its institution's coordinator invites the working day before the demo starts:
/// (e-mail, name, institution).
const INVITED: (&str, &str, &str) = ("mihaela.stan@diicot.example", "Mihaela Stan", "DIICOT");

/// Where evidence links point: a domain that cannot exist.
const EVIDENCE_HOST: &str = "https://documente.mandate-demo.invalid";

/// What the history did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistorySummary {
    /// Plans imported.
    pub plans: usize,
    /// Transition name → how many times it was fired.
    pub fired: BTreeMap<String, u64>,
    /// Action periods the coordinator approved.
    pub periods_approved: u64,
    /// Actions given another partner after a decline.
    pub reassigned: u64,
    /// Members invited.
    pub invited: u64,
    /// The reminder pass at the demo's start.
    pub tick: TickSummary,
}

impl HistorySummary {
    /// Transitions fired, in all.
    pub fn transitions(&self) -> u64 {
        self.fired.values().sum()
    }
}

impl fmt::Display for HistorySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fired: Vec<String> = self.fired.iter().map(|(t, n)| format!("{t} {n}")).collect();
        write!(
            f,
            "{} transitions ({}), {} periods approved, {} reassigned, {} invited; the reminder \
             pass at the start wrote {} e-mails",
            self.transitions(),
            fired.join(", "),
            self.periods_approved,
            self.reassigned,
            self.invited,
            self.tick.written
        )
    }
}

/// A deterministic generator (SplitMix64) seeded by a text key.
pub(super) struct Rng(u64);

impl Rng {
    /// The generator of `key` (FNV-1a of the key, mixed with [`SEED`]).
    pub(super) fn for_key(key: &str) -> Self {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in key.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Self(hash ^ SEED)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A whole number in `low..=high`.
    pub(super) fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = u64::try_from(high.saturating_sub(low)).unwrap_or(0) + 1;
        low + i64::try_from(self.next() % span).unwrap_or(0)
    }

    /// An index below `len` (0 when `len` is 0).
    pub(super) fn index(&mut self, len: usize) -> usize {
        let len = u64::try_from(len).unwrap_or(u64::MAX).max(1);
        usize::try_from(self.next() % len).unwrap_or(0)
    }

    /// One of `items` (empty: an empty text).
    pub(super) fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items
            .get(self.index(items.len()))
            .copied()
            .unwrap_or_default()
    }
}

/// Days and working hours where a plan is.
#[derive(Debug, Clone, Copy)]
struct Local {
    tz: Tz,
    calendar: Calendar,
}

impl Local {
    fn of(tz: Tz) -> Self {
        Self {
            tz,
            calendar: Calendar::for_time_zone(tz.name()),
        }
    }

    fn date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    fn days(&self, date: NaiveDate, days: i64) -> NaiveDate {
        date.checked_add_signed(Duration::days(days))
            .unwrap_or(date)
    }

    fn working_days(&self, date: NaiveDate, days: i64) -> NaiveDate {
        self.calendar.add_working_days(date, days).unwrap_or(date)
    }

    /// A moment of office hours (08:30–17:00) on `date`, or on the next working day.
    fn at(&self, date: NaiveDate, rng: &mut Rng) -> DateTime<Utc> {
        let day = self.calendar.working_day_on_or_after(date).unwrap_or(date);
        let minute = rng.range(8 * 60 + 30, 17 * 60);
        let time = u32::try_from(minute * 60)
            .ok()
            .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, 0))
            .unwrap_or_default();
        let local = day.and_time(time);
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
    }
}

/// The transitions a task takes on its way: those playing the roles of the plan's lifecycle (so
/// that no name is spelled here).
#[derive(Debug, Clone)]
struct Moves {
    acknowledge: String,
    decline: Option<String>,
    start: String,
    submit: String,
    approve: String,
    give_back: String,
    /// The lead institution may sign off its partners' reports.
    lead_reviews: bool,
}

impl Moves {
    fn of(lifecycle: &Lifecycle) -> Option<Self> {
        let acknowledge = lifecycle.role(Role::Acknowledge)?;
        let decline = lifecycle.role(Role::Decline);
        let start = lifecycle.role(Role::Start)?;
        let submit = lifecycle.role(Role::Submit)?;
        let approve = lifecycle.role(Role::SignOff)?;
        let give_back = lifecycle.role(Role::Return)?;
        Some(Self {
            acknowledge: acknowledge.name.clone(),
            decline: decline.map(|t| t.name.clone()),
            start: start.name.clone(),
            submit: submit.name.clone(),
            approve: approve.name.clone(),
            give_back: give_back.name.clone(),
            lead_reviews: approve.by.contains(&ActorRole::LeadInstitution),
        })
    }
}

/// Where a task is meant to stand when the demo starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Pending,
    Acknowledged,
    InProgress,
    Submitted,
    SignedOff,
    /// Returned, not yet sent again.
    Returned,
    /// Returned, sent again, waiting for sign-off.
    Resubmitted,
    /// Returned, sent again and signed off.
    ReturnedSignedOff,
}

/// One thing someone does.
#[derive(Debug)]
enum Step {
    Import(usize),
    Digest {
        actor: Actor,
    },
    Invite {
        actor: Actor,
    },
    Fire(Act),
    ApprovePeriod {
        period: i64,
        actor: Actor,
        comment: String,
    },
    Reassign {
        action: i64,
        actor: Actor,
        leaving: i64,
        joining: i64,
    },
}

/// A transition someone fires on a task.
#[derive(Debug)]
struct Act {
    task: i64,
    actor: Actor,
    transition: String,
    reason: Option<String>,
    report: Option<ReportInput>,
    comment: Option<String>,
}

/// How an (action, institution) pair behaves over all its periods.
#[derive(Debug, Clone, Copy)]
struct Party {
    /// Acknowledges its tasks (else leaves them all pending).
    responsive: bool,
    /// Declines its first task (partners only).
    declines: bool,
    /// When it first looks at its assignment.
    first_look: NaiveDate,
}

/// What planning one plan needs to know of it.
struct PlanFacts {
    plan: plan::Model,
    local: Local,
    texts: &'static Texts,
    moves: Moves,
    coordinator: Actor,
    institutions: HashMap<i64, institution::Model>,
    actions: BTreeMap<i64, action::Model>,
    indicators: HashMap<i64, Vec<(String, Unit)>>,
    assignments: Vec<assignment::Model>,
    periods: HashMap<i64, reporting_period::Model>,
    tasks: Vec<task::Model>,
}

impl PlanFacts {
    fn code_of(&self, institution_id: i64) -> &str {
        self.institutions
            .get(&institution_id)
            .map_or("", |i| i.code.as_str())
    }

    /// Who acts for an institution: its demo user, else an invented member.
    fn member(&self, institution_id: i64) -> Actor {
        let code = self.code_of(institution_id);
        match DEMO_USERS.iter().find(|u| u.institution == Some(code)) {
            Some(user) => Actor::user(user.email, user.role, Some(institution_id)),
            None => Actor::user(
                format!("{}@{}.example", self.texts.member, code.to_lowercase()),
                UserRole::Member,
                Some(institution_id),
            ),
        }
    }

    fn lead_of(&self, action_id: i64) -> Option<i64> {
        self.assignments
            .iter()
            .find(|a| a.action_id == action_id && a.lead)
            .map(|a| a.institution_id)
    }
}

/// A coordinator of institution `id`: its demo coordinator, else an invented one.
fn coordinator_of(
    id: i64,
    institutions: &HashMap<i64, institution::Model>,
    texts: &Texts,
) -> Actor {
    let code = institutions.get(&id).map_or("", |i| i.code.as_str());
    match DEMO_USERS
        .iter()
        .find(|u| u.institution == Some(code) && u.role == UserRole::Coordinator)
    {
        Some(user) => Actor::user(user.email, user.role, Some(id)),
        None => Actor::user(
            format!("{}@{}.example", texts.coordinator, code.to_lowercase()),
            UserRole::Coordinator,
            Some(id),
        ),
    }
}

/// Plays the demo's history on a fresh database up to `until`, then the reminder pass there.
pub(super) async fn play(engine: &Engine, until: DateTime<Utc>) -> Result<HistorySummary> {
    let mut drafts = Vec::with_capacity(SEED_PLANS.len());
    for (name, source) in SEED_PLANS {
        let draft =
            plan_file::parse(source, name, None, engine.lifecycles()).map_err(|problems| {
                let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
                Error::validation("seed plan", said.join("; "))
            })?;
        drafts.push(draft);
    }
    let clock = ManualClock::new(until);
    let mut player = Player {
        engine: engine.with_clock(Arc::new(clock.clone())),
        clock,
        until,
        schedule: BTreeMap::new(),
        next: 0,
        versions: HashMap::new(),
        users: BTreeSet::new(),
        digest_planned: false,
        invite_planned: false,
        summary: HistorySummary::default(),
    };
    for (index, draft) in drafts.iter().enumerate() {
        // Plans are loaded ten days into their period, or three weeks before the demo starts if
        // that is earlier (a 2024 plan in a 2021 demo is loaded ahead of time).
        let local = Local::of(draft.plan.time_zone);
        let after_start = local.days(draft.plan.period_start, 10);
        let before_demo = local.days(local.date(until), -21);
        let mut rng = Rng::for_key(&format!("import|{}", draft.plan.code));
        let at = local.at(after_start.min(before_demo), &mut rng);
        player.add(at, Step::Import(index));
    }
    while let Some(((at, _), step)) = player.schedule.pop_first() {
        player.clock.set(at);
        player.run(&drafts, at, step).await?;
    }
    player.clock.set(until);
    player.summary.tick = player.engine.tick(until).await?;
    Ok(player.summary)
}

struct Player {
    /// The engine, on the player's clock.
    engine: Engine,
    clock: ManualClock,
    until: DateTime<Utc>,
    /// What happens next: (instant, order of planning) → step.
    schedule: BTreeMap<(DateTime<Utc>, u64), Step>,
    next: u64,
    /// Each task's version as last seen.
    versions: HashMap<i64, i64>,
    /// Demo users created so far.
    users: BTreeSet<&'static str>,
    /// The daily digest and the invitation are planned (once, with the first plan that names
    /// the institution).
    digest_planned: bool,
    invite_planned: bool,
    summary: HistorySummary,
}

impl Player {
    /// Plans `step` at `at`, unless that is not before the demo's start.
    fn add(&mut self, at: DateTime<Utc>, step: Step) -> bool {
        if at >= self.until {
            return false;
        }
        self.schedule.insert((at, self.next), step);
        self.next += 1;
        true
    }

    async fn run(&mut self, drafts: &[PlanDraft], at: DateTime<Utc>, step: Step) -> Result<()> {
        match step {
            Step::Import(index) => {
                let Some(draft) = drafts.get(index) else {
                    return Ok(());
                };
                let known: BTreeSet<String> = self
                    .engine
                    .institutions(&Actor::operator())
                    .await?
                    .into_iter()
                    .map(|i| i.code)
                    .collect();
                let draft = with_demo_addresses(draft, &known)?;
                self.engine
                    .import_plan(&Actor::operator(), &draft, false)
                    .await?;
                self.summary.plans += 1;
                give_demo_addresses(&self.engine).await?;
                self.create_demo_users().await?;
                self.plan(&draft.plan.code, at).await?;
            }
            Step::Digest { actor } => {
                let own = InstitutionSettings {
                    delivery: Some(Delivery::DailyDigest),
                    send_at: None,
                };
                self.engine
                    .set_notification_settings(&actor, DIGEST_INSTITUTION, own)
                    .await?;
            }
            Step::Invite { actor } => {
                let (email, name, code) = INVITED;
                self.engine.invite_member(&actor, email, name, code).await?;
                self.summary.invited += 1;
            }
            Step::Fire(Act {
                task,
                actor,
                transition,
                reason,
                report,
                comment,
            }) => {
                let version = *self
                    .versions
                    .get(&task)
                    .ok_or_else(|| Error::not_found("task", task))?;
                let fire = Fire {
                    comment,
                    reason,
                    report,
                    ..Fire::new(task, version, &transition)
                };
                let fired = self.engine.fire(&actor, fire).await?;
                self.versions.insert(task, fired.version);
                *self.summary.fired.entry(transition).or_default() += 1;
            }
            Step::ApprovePeriod {
                period,
                actor,
                comment,
            } => {
                self.engine
                    .approve_action_period(&actor, period, Some(comment))
                    .await?;
                self.summary.periods_approved += 1;
            }
            Step::Reassign {
                action,
                actor,
                leaving,
                joining,
            } => {
                let codes: HashMap<i64, String> = self
                    .engine
                    .institutions(&Actor::operator())
                    .await?
                    .into_iter()
                    .map(|i| (i.id, i.code))
                    .collect();
                let mut partners: Vec<String> = assignment::Entity::find()
                    .filter(assignment::Column::ActionId.eq(action))
                    .filter(assignment::Column::Role.eq("partner"))
                    .order_by_asc(assignment::Column::Id)
                    .all(self.engine.db())
                    .await?
                    .into_iter()
                    .filter(|a| a.institution_id != leaving)
                    .filter_map(|a| codes.get(&a.institution_id).cloned())
                    .collect();
                if let Some(code) = codes.get(&joining)
                    && !partners.contains(code)
                {
                    partners.push(code.clone());
                }
                let change = AssignmentChange {
                    partners: Some(partners),
                    ..AssignmentChange::default()
                };
                self.engine.assign_action(&actor, action, change).await?;
                self.summary.reassigned += 1;
            }
        }
        Ok(())
    }

    /// Creates the demo users whose institution exists by now.
    async fn create_demo_users(&mut self) -> Result<()> {
        let known: BTreeSet<String> = self
            .engine
            .institutions(&Actor::operator())
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        for user in DEMO_USERS {
            let ready = user.institution.is_none_or(|code| known.contains(code));
            if !ready || self.users.contains(user.email) {
                continue;
            }
            match self.engine.user_by_email(user.email).await {
                Ok(_) => {}
                Err(Error::NotFound { .. }) => {
                    let new = NewUser {
                        email: EmailAddress::parse(user.email)?,
                        name: user.name.to_owned(),
                        role: user.role,
                        institution: user.institution.map(InstitutionCode::parse).transpose()?,
                    };
                    self.engine.create_user(&Actor::operator(), new).await?;
                }
                Err(e) => return Err(e),
            }
            self.users.insert(user.email);
        }
        Ok(())
    }

    /// Reads what one plan holds.
    async fn facts(&self, code: &str) -> Result<Option<PlanFacts>> {
        let db = self.engine.db();
        let plan = plan::Entity::find()
            .filter(plan::Column::Code.eq(code))
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("plan", code))?;
        let lifecycle = self.engine.lifecycle(&plan.lifecycle)?;
        let Some(moves) = Moves::of(&lifecycle) else {
            tracing::warn!(plan = %plan.code, lifecycle = %lifecycle.name, "no history for a lifecycle without acknowledge, start, submit, approve and return");
            return Ok(None);
        };
        let local = Local::of(plan.time_zone.parse().unwrap_or(chrono_tz::UTC));
        let texts = texts::of(&plan.language);
        let institutions: HashMap<i64, institution::Model> = self
            .engine
            .institutions(&Actor::operator())
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let actions: BTreeMap<i64, action::Model> = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan.id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let ids: Vec<i64> = actions.keys().copied().collect();
        let mut indicators: HashMap<i64, Vec<(String, Unit)>> = HashMap::new();
        for chunk in ids.chunks(500) {
            for i in indicator::Entity::find()
                .filter(indicator::Column::ActionId.is_in(chunk.iter().copied()))
                .order_by_asc(indicator::Column::Position)
                .all(db)
                .await?
            {
                let unit = IndicatorSpec::stored(&i.written()).unit;
                indicators
                    .entry(i.action_id)
                    .or_default()
                    .push((i.name, unit));
            }
        }
        let mut assignments = Vec::new();
        let mut periods = HashMap::new();
        for chunk in ids.chunks(500) {
            assignments.extend(
                assignment::Entity::find()
                    .filter(assignment::Column::ActionId.is_in(chunk.iter().copied()))
                    .order_by_asc(assignment::Column::ActionId)
                    .order_by_asc(assignment::Column::InstitutionId)
                    .all(db)
                    .await?,
            );
            periods.extend(
                reporting_period::Entity::find()
                    .filter(reporting_period::Column::ActionId.is_in(chunk.iter().copied()))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p)),
            );
        }
        let tasks = task::Entity::find()
            .filter(task::Column::PlanId.eq(plan.id))
            .order_by_asc(task::Column::Id)
            .all(db)
            .await?;
        let coordinator = coordinator_of(plan.owner_id, &institutions, texts);
        Ok(Some(PlanFacts {
            plan,
            local,
            texts,
            moves,
            coordinator,
            institutions,
            actions,
            indicators,
            assignments,
            periods,
            tasks,
        }))
    }

    /// Plans the history of plan `code`, imported at `imported`.
    async fn plan(&mut self, code: &str, imported: DateTime<Utc>) -> Result<()> {
        let Some(facts) = self.facts(code).await? else {
            return Ok(());
        };
        let local = facts.local;
        let plan_code = facts.plan.code.clone();
        let until_date = local.date(self.until);
        let first_day = local.date(imported);
        for t in &facts.tasks {
            self.versions.insert(t.id, t.version);
        }

        // Housekeeping: one institution's coordinator asks for a daily digest; another invites a
        // member the working day before the demo starts.
        let mut rng = Rng::for_key(&format!("{plan_code}|housekeeping"));
        let taking_part = |code: &str| {
            facts
                .assignments
                .iter()
                .map(|a| a.institution_id)
                .find(|id| facts.code_of(*id) == code)
        };
        if let Some(id) = taking_part(DIGEST_INSTITUTION).filter(|_| !self.digest_planned) {
            self.digest_planned = true;
            let at = local.at(local.working_days(first_day, 2), &mut rng);
            self.add(
                at,
                Step::Digest {
                    actor: coordinator_of(id, &facts.institutions, facts.texts),
                },
            );
        }
        if let Some(id) = taking_part(INVITED.2).filter(|_| !self.invite_planned) {
            let at = local.at(local.working_days(until_date, -1), &mut rng);
            if at > imported {
                self.invite_planned = true;
                self.add(
                    at,
                    Step::Invite {
                        actor: coordinator_of(id, &facts.institutions, facts.texts),
                    },
                );
            }
        }

        // How each institution takes its part in each action.
        let mut parties: BTreeMap<(i64, i64), Party> = BTreeMap::new();
        for a in &facts.assignments {
            let Some(action) = facts.actions.get(&a.action_id) else {
                continue;
            };
            let mut rng = Rng::for_key(&format!(
                "{plan_code}|{}|{}",
                action.number,
                facts.code_of(a.institution_id)
            ));
            let partner = a.role == "partner";
            let declines = partner && facts.moves.decline.is_some() && rng.unit() < 0.10;
            let responsive = declines || rng.unit() >= 0.05;
            let first_look =
                local.working_days(first_day, rng.range(2, if partner { 18 } else { 12 }));
            parties.insert(
                (a.action_id, a.institution_id),
                Party {
                    responsive,
                    declines,
                    first_look,
                },
            );
        }

        // Past periods where every responsible institution gets its report signed off.
        let mut done: BTreeSet<i64> = BTreeSet::new();
        let mut period_ids: Vec<i64> = facts.periods.keys().copied().collect();
        period_ids.sort_unstable();
        for id in &period_ids {
            let Some(p) = facts.periods.get(id) else {
                continue;
            };
            let mut rng = Rng::for_key(&format!(
                "{plan_code}|period|{}|{}",
                facts
                    .actions
                    .get(&p.action_id)
                    .map_or("", |a| a.number.as_str()),
                p.start_date
            ));
            if p.due_at < self.until && rng.unit() < 0.4 {
                done.insert(p.id);
            }
        }

        // The declines: each declining party declines its first task.
        let mut first_task: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        for t in &facts.tasks {
            first_task
                .entry((t.action_id, t.institution_id))
                .or_insert(t.id);
        }

        // Responsible institutions' sign-off instants per period (None: not signed off in time).
        let mut signed: BTreeMap<i64, Vec<Option<DateTime<Utc>>>> = BTreeMap::new();
        for t in &facts.tasks {
            let (Some(party), Some(period), Some(action)) = (
                parties.get(&(t.action_id, t.institution_id)).copied(),
                facts.periods.get(&t.period_id),
                facts.actions.get(&t.action_id),
            ) else {
                continue;
            };
            let responsible = t.role == "responsible";
            let key = format!(
                "{plan_code}|{}|{}|{}",
                action.number,
                period.start_date,
                facts.code_of(t.institution_id)
            );
            let mut rng = Rng::for_key(&key);
            let signed_at = if party.declines {
                if first_task.get(&(t.action_id, t.institution_id)) == Some(&t.id) {
                    self.decline(&facts, t, party.first_look, &mut rng);
                }
                None
            } else if party.responsive {
                self.task(
                    &facts,
                    t,
                    period,
                    &party,
                    done.contains(&period.id),
                    &mut rng,
                )
            } else {
                None
            };
            if responsible {
                signed.entry(period.id).or_default().push(signed_at);
            }
        }

        // The coordinator approves most periods whose responsible institutions are all signed off.
        for (period_id, instants) in signed {
            let Some(period) = facts.periods.get(&period_id) else {
                continue;
            };
            let all: Option<Vec<DateTime<Utc>>> = instants.into_iter().collect();
            let Some(last) = all.and_then(|all| all.into_iter().max()) else {
                continue;
            };
            let mut rng = Rng::for_key(&format!(
                "{plan_code}|approve|{}|{}",
                facts
                    .actions
                    .get(&period.action_id)
                    .map_or("", |a| a.number.as_str()),
                period.start_date
            ));
            if rng.unit() < 0.8 {
                let day = local.working_days(local.date(last), rng.range(2, 8));
                let comment = facts
                    .texts
                    .period_approval
                    .replace("{start}", &period.start_date.format("%d.%m.%Y").to_string())
                    .replace("{end}", &period.end_date.format("%d.%m.%Y").to_string());
                self.add(
                    local.at(day, &mut rng),
                    Step::ApprovePeriod {
                        period: period_id,
                        actor: facts.coordinator.clone(),
                        comment,
                    },
                );
            }
        }
        Ok(())
    }

    /// Plans the life of task `t` of a party that answers, up to the demo's start; returns when
    /// it is signed off, if it is by then.
    fn task(
        &mut self,
        facts: &PlanFacts,
        t: &task::Model,
        period: &reporting_period::Model,
        party: &Party,
        done: bool,
        rng: &mut Rng,
    ) -> Option<DateTime<Utc>> {
        let local = facts.local;
        let until_date = local.date(self.until);
        let past = t.due_at < self.until;
        let current = !past && period.start_date <= until_date;
        let fate = fate(past, current, done && t.role == "responsible", rng.unit());
        if fate == Fate::Pending {
            return None;
        }
        let moves = &facts.moves;
        let actor = facts.member(t.institution_id);
        // Acknowledged at the first look; a period that starts later, around its start.
        let ack_day = if past || current {
            party
                .first_look
                .max(local.days(period.start_date, -rng.range(0, 10)))
        } else {
            party.first_look
        };
        let acknowledged = local.at(ack_day, rng);
        if !self.add(acknowledged, fire(t.id, &actor, &moves.acknowledge)) {
            return None;
        }
        if fate == Fate::Acknowledged {
            return None;
        }
        let day = local.days(
            local.date(acknowledged).max(period.start_date),
            rng.range(2, 20),
        );
        let started = local.at(day.max(next_working(local, acknowledged, 1)), rng);
        if !self.add(started, fire(t.id, &actor, &moves.start)) {
            return None;
        }
        if fate == Fate::InProgress {
            return None;
        }
        // Sent near the due date when that is past (now and then late), else early.
        let day = if past {
            let offset = if done || rng.unit() < 0.85 {
                rng.range(-21, 2)
            } else {
                rng.range(3, 30)
            };
            local.days(local.date(t.due_at), offset)
        } else {
            local.days(until_date, -rng.range(3, 40))
        };
        let submitted = local.at(day.max(next_working(local, started, 3)), rng);
        let report = compose_report(facts, t, period, false, rng);
        if !self.add(submitted, submit(t.id, &actor, &moves.submit, report)) {
            return None;
        }
        if fate == Fate::Submitted {
            return None;
        }
        let reviewer = reviewer(facts, t, rng);
        let reviewed = local.at(next_working(local, submitted, rng.range(2, 9)), rng);
        if matches!(fate, Fate::SignedOff) {
            let comment = (rng.unit() < 0.6).then(|| rng.pick(facts.texts.approvals).to_owned());
            let step = Step::Fire(Act {
                comment,
                ..act(t.id, &reviewer, &moves.approve)
            });
            return self.add(reviewed, step).then_some(reviewed);
        }
        let step = Step::Fire(Act {
            reason: Some(rng.pick(facts.texts.returns).to_owned()),
            ..act(t.id, &reviewer, &moves.give_back)
        });
        if !self.add(reviewed, step) || fate == Fate::Returned {
            return None;
        }
        let again = local.at(next_working(local, reviewed, rng.range(3, 12)), rng);
        let report = compose_report(facts, t, period, true, rng);
        if !self.add(again, submit(t.id, &actor, &moves.submit, report))
            || fate == Fate::Resubmitted
        {
            return None;
        }
        let signed = local.at(next_working(local, again, rng.range(1, 6)), rng);
        let step = Step::Fire(Act {
            comment: Some(facts.texts.approval_after_return.to_owned()),
            ..act(t.id, &reviewer, &moves.approve)
        });
        self.add(signed, step).then_some(signed)
    }

    /// Plans a partner's decline of task `t`, and, when it names another institution of the plan
    /// and no period of the action is over by then, the coordinator's reassignment to that one.
    fn decline(
        &mut self,
        facts: &PlanFacts,
        t: &task::Model,
        first_look: NaiveDate,
        rng: &mut Rng,
    ) {
        let Some(decline) = facts.moves.decline.clone() else {
            return;
        };
        let at = facts.local.at(first_look, rng);
        let assigned: BTreeSet<i64> = facts
            .assignments
            .iter()
            .filter(|a| a.action_id == t.action_id)
            .map(|a| a.institution_id)
            .collect();
        let others: Vec<i64> = facts
            .assignments
            .iter()
            .map(|a| a.institution_id)
            .filter(|id| !assigned.contains(id))
            .collect::<BTreeSet<i64>>()
            .into_iter()
            .collect();
        let joining = if !others.is_empty() && rng.unit() < 0.4 {
            others.get(rng.index(others.len())).copied()
        } else {
            None
        };
        let reason = match joining {
            Some(id) => facts
                .texts
                .decline_redirect
                .replace("{}", facts.code_of(id)),
            None => rng.pick(facts.texts.declines).to_owned(),
        };
        let declined = self.add(
            at,
            Step::Fire(Act {
                reason: Some(reason),
                ..act(t.id, &facts.member(t.institution_id), &decline)
            }),
        );
        let Some(joining) = joining else {
            return;
        };
        let day = facts
            .local
            .working_days(facts.local.date(at), rng.range(3, 8));
        let reassign_at = facts.local.at(day, rng);
        let over = facts
            .periods
            .values()
            .any(|p| p.action_id == t.action_id && p.due_at <= reassign_at);
        if declined && !over {
            self.add(
                reassign_at,
                Step::Reassign {
                    action: t.action_id,
                    actor: facts.coordinator.clone(),
                    leaving: t.institution_id,
                    joining,
                },
            );
        }
    }
}

/// Where a task is meant to stand at the demo's start, from a roll in [0, 1): its period is over
/// (`past`), running (`current`) or to come; `complete`: a responsible task of a past period
/// that every responsible institution finishes.
fn fate(past: bool, current: bool, complete: bool, roll: f64) -> Fate {
    let table: &[(f64, Fate)] = if complete {
        &[(0.8, Fate::SignedOff), (1.0, Fate::ReturnedSignedOff)]
    } else if past {
        &[
            (0.05, Fate::Pending),
            (0.12, Fate::Acknowledged),
            (0.26, Fate::InProgress),
            (0.36, Fate::Submitted),
            (0.44, Fate::Returned),
            (0.50, Fate::Resubmitted),
            (0.58, Fate::ReturnedSignedOff),
            (1.0, Fate::SignedOff),
        ]
    } else if current {
        &[
            (0.08, Fate::Pending),
            (0.34, Fate::Acknowledged),
            (0.80, Fate::InProgress),
            (0.90, Fate::Submitted),
            (0.96, Fate::SignedOff),
            (1.0, Fate::Returned),
        ]
    } else {
        &[(0.5, Fate::Pending), (1.0, Fate::Acknowledged)]
    };
    table
        .iter()
        .find(|(below, _)| roll < *below)
        .map_or(Fate::Pending, |(_, fate)| *fate)
}

/// The working day `days` working days after the local date of `after`.
fn next_working(local: Local, after: DateTime<Utc>, days: i64) -> NaiveDate {
    local.working_days(local.date(after), days.max(1))
}

/// `transition` on task `task` by `actor`, with no input.
fn act(task: i64, actor: &Actor, transition: &str) -> Act {
    Act {
        task,
        actor: actor.clone(),
        transition: transition.to_owned(),
        reason: None,
        report: None,
        comment: None,
    }
}

/// `transition` on task `task` by `actor`, with no input, as a step.
fn fire(task: i64, actor: &Actor, transition: &str) -> Step {
    Step::Fire(act(task, actor, transition))
}

/// A report sent with `transition`.
fn submit(task: i64, actor: &Actor, transition: &str, report: ReportInput) -> Step {
    Step::Fire(Act {
        report: Some(report),
        ..act(task, actor, transition)
    })
}

/// Who reviews a report: for a partner's, mostly the action's lead institution; else the
/// coordinator.
fn reviewer(facts: &PlanFacts, t: &task::Model, rng: &mut Rng) -> Actor {
    let by_lead = rng.unit() < 0.7;
    if t.role != "responsible"
        && facts.moves.lead_reviews
        && by_lead
        && let Some(lead) = facts.lead_of(t.action_id)
        && lead != t.institution_id
    {
        return facts.member(lead);
    }
    facts.coordinator.clone()
}

/// A report on task `t`: a value for every indicator of its action, a narrative, and now and
/// then a link to a document; `again`: sent after a return.
fn compose_report(
    facts: &PlanFacts,
    t: &task::Model,
    period: &reporting_period::Model,
    again: bool,
    rng: &mut Rng,
) -> ReportInput {
    let indicator_values = facts
        .indicators
        .get(&t.action_id)
        .map(|names| {
            names
                .iter()
                .map(|(name, unit)| {
                    let value = texts::indicator_value(name, *unit, facts.texts, rng);
                    (name.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    let narrative = rng.pick(facts.texts.narratives);
    let narrative = if again {
        format!("{} {narrative}", facts.texts.resubmitted)
    } else {
        narrative.to_owned()
    };
    let evidence = if again || rng.unit() < 0.6 {
        let action = facts
            .actions
            .get(&t.action_id)
            .map_or("", |a| a.number.as_str());
        vec![format!(
            "{EVIDENCE_HOST}/{}/{action}/{}-{}.pdf",
            facts.plan.code,
            period.start_date,
            facts.code_of(t.institution_id).to_lowercase()
        )]
    } else {
        Vec::new()
    };
    ReportInput {
        indicator_values,
        narrative,
        evidence,
    }
}

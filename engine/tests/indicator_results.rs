//! Results on a real database: the Lubartów criterion ("−50 % offences against the previous
//! period") evaluated from the values its district officer enters month by month, who may enter
//! them, and report values that must fit their indicators' units.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Datelike, TimeZone, Utc};
use mandate_engine::domain::{Actor, UserRole};
use mandate_engine::entity::{event, indicator_value, institution, plan, report};
use mandate_engine::plans::plan_file;
use mandate_engine::reports::ReportPeriod;
use mandate_engine::results::{IndicatorEntry, Verdict};
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_engine::{Engine, Error, ManualClock};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use support::{Fixture, TestDb, date};

on_both_databases!(
    lubartow_criterion_is_evaluated_from_the_entered_counts,
    only_the_coordinator_and_the_responsible_institution_enter_values,
    report_values_must_fit_their_indicators,
    the_monitoring_report_sums_the_reported_values_and_waits_for_the_missing,
);

struct Lubartow {
    engine: Engine,
    clock: ManualClock,
    plan: plan::Model,
    indicator_id: i64,
    coordinator: Actor,
    officer: Actor,
    partner: Actor,
}

async fn institution(db: &TestDb, code: &str) -> institution::Model {
    institution::Entity::find()
        .filter(institution::Column::Code.eq(code))
        .one(&db.db)
        .await
        .expect("institution query")
        .unwrap_or_else(|| panic!("institution {code}"))
}

/// The Lubartów plan imported from its seed file, at the start of 2024.
async fn lubartow(db: &TestDb) -> Lubartow {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2024, 1, 2, 8, 0, 0).unwrap());
    let lifecycles = Lifecycles::builtin().expect("lifecycles");
    let engine = Engine::new(db.db.clone(), Arc::new(clock.clone()), lifecycles.clone());
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows/plans/lubartow-rejon-3-2024.yaml");
    let draft = plan_file::load(&file, &lifecycles).expect("the seed plan loads");
    engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("import");
    let plan = plan::Entity::find()
        .filter(plan::Column::Code.eq("lubartow-rejon-3-2024"))
        .one(&db.db)
        .await
        .expect("plan query")
        .expect("the plan");
    let police = institution(db, "KPP-LUBARTOW").await;
    let officer = institution(db, "DZIELNICOWY-R3").await;
    let housing = institution(db, "SM-LUBARTOW").await;
    let coordinator = Actor::user("kpp@lubartow.pl", UserRole::Coordinator, Some(police.id));
    let entries = engine
        .plan_indicator_entries(&coordinator, &plan)
        .await
        .expect("indicators");
    assert_eq!(entries.len(), 1);
    Lubartow {
        indicator_id: entries[0].indicator.id,
        engine,
        clock,
        plan,
        coordinator,
        officer: Actor::user(
            "dzielnicowy@lubartow.pl",
            UserRole::Member,
            Some(officer.id),
        ),
        partner: Actor::user("sm@lubartow.pl", UserRole::Member, Some(housing.id)),
    }
}

impl Lubartow {
    async fn enter(
        &self,
        actor: &Actor,
        start: (i32, u32, u32),
        end: (i32, u32, u32),
        value: f64,
    ) -> mandate_engine::Result<()> {
        self.engine
            .enter_indicator_value(
                actor,
                IndicatorEntry {
                    indicator_id: self.indicator_id,
                    period_start: date(start.0, start.1, start.2),
                    period_end: date(end.0, end.1, end.2),
                    value,
                },
            )
            .await
            .map(|_| ())
    }

    /// The officer's count of month `m` (January to June) of 2024.
    async fn month(&self, m: u32, value: f64) {
        let last = date(2024, m + 1, 1).pred_opt().expect("a day");
        self.enter(&self.officer, (2024, m, 1), (2024, m, last.day()), value)
            .await
            .unwrap_or_else(|e| panic!("month {m}: {e}"));
    }

    /// The criterion as the monitoring report of the plan's half year evaluates it.
    async fn criterion(&self) -> (Verdict, Option<f64>, Option<f64>, String) {
        let report = self
            .engine
            .monitoring_report(
                &self.coordinator,
                &self.plan.code,
                &ReportPeriod::parse("2024-S1").expect("period"),
            )
            .await
            .expect("report");
        let value = &report.plan_indicators[0].value;
        (
            value.evaluation.verdict,
            value.evaluation.actual,
            value.evaluation.baseline,
            value.explanation(mandate_engine::i18n::Language::Pl),
        )
    }
}

async fn lubartow_criterion_is_evaluated_from_the_entered_counts(db: TestDb) {
    let l = lubartow(&db).await;
    let entries = l
        .engine
        .plan_indicator_entries(&l.officer, &l.plan)
        .await
        .expect("entries");
    let periods = &entries[0].periods;
    // The previous period, as long as the plan's half year, then each month of the plan.
    assert_eq!(periods[0], (date(2023, 7, 1), date(2023, 12, 31)));
    assert_eq!(periods.len(), 7, "{periods:?}");
    assert_eq!(periods[6], (date(2024, 6, 1), date(2024, 6, 30)));
    assert!(entries[0].may_enter);

    // Nothing entered: nothing to say.
    l.clock
        .set(Utc.with_ymd_and_hms(2024, 7, 10, 8, 0, 0).unwrap());
    let (verdict, actual, baseline, _) = l.criterion().await;
    assert_eq!((verdict, actual, baseline), (Verdict::Unknown, None, None));

    // 40 offences in the previous half year; five months counted, June not yet.
    l.enter(&l.coordinator, (2023, 7, 1), (2023, 12, 31), 40.0)
        .await
        .expect("baseline");
    for (m, count) in [(1, 5.0), (2, 4.0), (3, 3.0), (4, 3.0), (5, 3.0)] {
        l.month(m, count).await;
    }
    let (verdict, actual, baseline, words) = l.criterion().await;
    assert_eq!(
        (verdict, actual, baseline),
        (Verdict::Unknown, Some(18.0), Some(40.0))
    );
    assert!(words.contains("5 z 6"), "{words}");

    // June's 2 make 20: half of 40, the criterion is met.
    l.month(6, 2.0).await;
    let (verdict, actual, _, words) = l.criterion().await;
    assert_eq!((verdict, actual), (Verdict::Met, Some(20.0)));
    assert!(
        words.contains("osiągnięty") && words.contains("-50 %"),
        "{words}"
    );

    // June counted again as 3: 21 is more than half, not met; the first count stays in the trail.
    l.month(6, 3.0).await;
    let (verdict, actual, _, _) = l.criterion().await;
    assert_eq!((verdict, actual), (Verdict::NotMet, Some(21.0)));
    assert_eq!(
        indicator_value::Entity::find()
            .count(&db.db)
            .await
            .expect("count"),
        7,
        "one value per period"
    );
    let entered: Vec<event::Model> = event::Entity::find()
        .filter(event::Column::Kind.eq("indicator_value_entered"))
        .order_by_asc(event::Column::Id)
        .all(&db.db)
        .await
        .expect("events");
    assert_eq!(entered.len(), 8);
    let last = entered.last().expect("an event");
    assert_eq!(last.payload["value"], json!(3.0));
    assert_eq!(last.payload["previous"], json!(2.0));
    assert_eq!(last.actor, "dzielnicowy@lubartow.pl");
    let verified = l
        .engine
        .verify_audit_trail(Some(&l.plan.code))
        .await
        .expect("verify");
    assert!(
        matches!(verified, mandate_engine::audit::Verification::Intact { .. }),
        "{verified:?}"
    );
}

async fn only_the_coordinator_and_the_responsible_institution_enter_values(db: TestDb) {
    let l = lubartow(&db).await;
    // The housing co-operative takes part in the plan and reads it, but does not count offences.
    let refused = l.enter(&l.partner, (2024, 1, 1), (2024, 1, 31), 5.0).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    // Someone outside the plan learns nothing of it.
    let stranger = Actor::user(
        "x@elsewhere.pl",
        UserRole::Member,
        Some(l.plan.owner_id + 1000),
    );
    let refused = l.enter(&stranger, (2024, 1, 1), (2024, 1, 31), 5.0).await;
    assert!(
        matches!(refused, Err(Error::NotFound { .. })),
        "{refused:?}"
    );
    // A count is a whole number, and a period must be one of the indicator's.
    match l.enter(&l.officer, (2024, 1, 1), (2024, 1, 31), 2.5).await {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "value");
            assert!(message.contains("2.5"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match l.enter(&l.officer, (2024, 1, 1), (2024, 3, 31), 9.0).await {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "period");
            assert!(
                message.contains("2024-01-01..2024-03-31")
                    && message.contains("2024-02-01..2024-02-29"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        indicator_value::Entity::find()
            .count(&db.db)
            .await
            .expect("count"),
        0,
        "nothing refused was written"
    );
    let entries = l
        .engine
        .plan_indicator_entries(&l.partner, &l.plan)
        .await
        .expect("the partner reads the indicator");
    assert!(!entries[0].may_enter);
}

/// The lead's first task, acknowledged and started, ready to submit.
async fn started(f: &Fixture) -> (Actor, mandate_engine::entity::task::Model) {
    let member = f.member(&f.lead);
    let mut t = f.task_of(&f.lead).await;
    for transition in ["acknowledge", "start"] {
        t = f
            .engine
            .fire(&member, Fire::new(t.id, t.version, transition))
            .await
            .expect(transition);
    }
    (member, t)
}

fn report_with(value: Value) -> ReportInput {
    ReportInput {
        indicator_values: BTreeMap::from([("Număr de campanii".to_owned(), value)]),
        narrative: "Două campanii în județele Iași și Vaslui.".to_owned(),
        evidence: Vec::new(),
    }
}

async fn report_values_must_fit_their_indicators(db: TestDb) {
    let f = Fixture::new(&db).await;
    let (member, t) = started(&f).await;
    for (given, wrong) in [
        (json!("multe"), "multe"),
        (json!("2,5"), "2.5"),
        (json!(-1), "-1"),
        (json!(true), "true"),
    ] {
        let refused = f
            .engine
            .fire(
                &member,
                Fire::new(t.id, t.version, "submit").report(report_with(given.clone())),
            )
            .await;
        match refused {
            Err(Error::Validation { field, message }) => {
                assert_eq!(field, "report.indicatorValues.Număr de campanii");
                assert!(message.contains(wrong), "{given}: {message}");
            }
            other => panic!("{given}: {other:?}"),
        }
    }
    assert_eq!(
        report::Entity::find().count(&db.db).await.expect("count"),
        0
    );
    // A form's text "12" is the number 12.
    f.engine
        .fire(
            &member,
            Fire::new(t.id, t.version, "submit").report(report_with(json!(" 12 "))),
        )
        .await
        .expect("submit");
    let stored = report::Entity::find()
        .one(&db.db)
        .await
        .expect("report query")
        .expect("a report");
    assert_eq!(stored.indicator_values["Număr de campanii"], json!(12));
}

async fn the_monitoring_report_sums_the_reported_values_and_waits_for_the_missing(db: TestDb) {
    let f = Fixture::new(&db).await;
    // The lead reports 7 campaigns, the other responsible institution 5; the partners nothing.
    for (inst, count) in [(&f.lead, 7), (&f.responsible, 5)] {
        let member = f.member(inst);
        let mut t = f.task_of(inst).await;
        for transition in ["acknowledge", "start"] {
            t = f
                .engine
                .fire(&member, Fire::new(t.id, t.version, transition))
                .await
                .expect(transition);
        }
        f.engine
            .fire(
                &member,
                Fire::new(t.id, t.version, "submit").report(report_with(json!(count))),
            )
            .await
            .expect("submit");
    }
    let report = f
        .engine
        .monitoring_report(
            &f.coordinator,
            &f.plan.code,
            &ReportPeriod::parse("2021-S1").expect("period"),
        )
        .await
        .expect("report");
    let (_, action) = report.actions().next().expect("the action");
    let campaigns = &action.indicators[0];
    // Four institutions take part in the first half year: two values given, two still unknown.
    assert_eq!(campaigns.evaluation.actual, Some(12.0));
    assert_eq!(
        (campaigns.evaluation.reported, campaigns.evaluation.expected),
        (2, 4)
    );
    assert_eq!(campaigns.evaluation.verdict, Verdict::Unknown);
    assert_eq!(
        campaigns.explanation(mandate_engine::i18n::Language::En),
        "12 (no target): not yet known, 2 of 4 values given"
    );
}

//! Results through the API, on SQLite and PostgreSQL: the Lubartów criterion's values entered
//! month by month by the district officer, `Plan.results` evaluating it, and the refusals.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use app::{TestApp, data, error_code, error_message};
use chrono::{TimeZone, Utc};
use mandate_engine::UserRole;
use serde_json::{Value, json};
use support::TestDb;

on_both_databases!(
    the_criterion_is_entered_and_evaluated_through_the_api,
    bad_entries_and_bad_periods_are_refused_by_name,
);

const LUBARTOW: &str = include_str!("../../workflows/plans/lubartow-rejon-3-2024.yaml");

const ENTER: &str = "mutation($id: ID!, $start: NaiveDate!, $end: NaiveDate!, $value: Float!) {
  enterIndicatorValue(indicatorId: $id, periodStart: $start, periodEnd: $end, value: $value) {
    values { periodStart value enteredBy }
  }
}";

struct Lubartow {
    app: TestApp,
    clock: mandate_engine::ManualClock,
    plan_id: String,
    indicator_id: String,
    periods: Vec<(String, String)>,
    coordinator: String,
    officer: String,
    partner: String,
}

async fn lubartow(db: &TestDb) -> Lubartow {
    let (app, clock) = TestApp::new(db).await;
    clock.set(Utc.with_ymd_and_hms(2024, 1, 2, 8, 0, 0).unwrap());
    app.institution("KPP-LUBARTOW").await;
    let coordinator = app
        .token_for(
            "kpp@lubartow.pl",
            UserRole::Coordinator,
            Some("KPP-LUBARTOW"),
        )
        .await;
    let answer = app
        .gql(
            &coordinator,
            "mutation($yaml: String!) { importPlan(yaml: $yaml) { plan { id performanceIndicators { id mayEnter periods { start end } } } } }",
            json!({ "yaml": LUBARTOW }),
        )
        .await;
    let plan = &data(&answer)["importPlan"]["plan"];
    let indicator = &plan["performanceIndicators"][0];
    assert_eq!(indicator["mayEnter"], true, "{answer:#}");
    let periods = indicator["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|p| {
            (
                p["start"].as_str().expect("start").to_owned(),
                p["end"].as_str().expect("end").to_owned(),
            )
        })
        .collect();
    let officer = app
        .token_for(
            "dzielnicowy@lubartow.pl",
            UserRole::Member,
            Some("DZIELNICOWY-R3"),
        )
        .await;
    let partner = app
        .token_for("sm@lubartow.pl", UserRole::Member, Some("SM-LUBARTOW"))
        .await;
    Lubartow {
        plan_id: plan["id"].as_str().expect("plan id").to_owned(),
        indicator_id: indicator["id"].as_str().expect("indicator id").to_owned(),
        periods,
        app,
        clock,
        coordinator,
        officer,
        partner,
    }
}

impl Lubartow {
    async fn enter(&self, token: &str, period: usize, value: f64) -> Value {
        let (start, end) = &self.periods[period];
        self.app
            .gql(
                token,
                ENTER,
                json!({ "id": self.indicator_id, "start": start, "end": end, "value": value }),
            )
            .await
    }

    async fn results(&self, period: &str, language: &str) -> Value {
        self.app
            .gql(
                &self.coordinator,
                "query($id: ID!, $period: String!, $language: String) { plan(id: $id) { results(period: $period, language: $language) {
                   planIndicators { name unit direction target baseline actual baselineValue targetValue progress verdict reported expected explanation }
                   indicators { actionNumber name }
                 } } }",
                json!({ "id": self.plan_id, "period": period, "language": language }),
            )
            .await
    }
}

async fn the_criterion_is_entered_and_evaluated_through_the_api(db: TestDb) {
    let l = lubartow(&db).await;
    assert_eq!(l.periods.len(), 7, "the previous half year and six months");
    assert_eq!(l.periods[0], ("2023-07-01".into(), "2023-12-31".into()));
    let answer = l.enter(&l.coordinator, 0, 40.0).await;
    assert_eq!(
        data(&answer)["enterIndicatorValue"]["values"][0]["enteredBy"],
        "kpp@lubartow.pl"
    );
    for (month, count) in (1..=6).zip([5.0, 4.0, 3.0, 3.0, 3.0, 2.0]) {
        let answer = l.enter(&l.officer, month, count).await;
        assert_eq!(
            data(&answer)["enterIndicatorValue"]["values"]
                .as_array()
                .map(Vec::len),
            Some(month + 1),
            "{answer:#}"
        );
    }
    l.clock
        .set(Utc.with_ymd_and_hms(2024, 7, 10, 8, 0, 0).unwrap());
    let answer = l.results("2024-S1", "en").await;
    let criterion = &data(&answer)["plan"]["results"]["planIndicators"][0];
    assert_eq!(criterion["verdict"], "MET", "{answer:#}");
    assert_eq!(criterion["actual"], 20.0);
    assert_eq!(criterion["baselineValue"], 40.0);
    assert_eq!(criterion["targetValue"], 20.0);
    assert_eq!(criterion["progress"], 1.0);
    assert_eq!(
        (criterion["reported"].clone(), criterion["expected"].clone()),
        (json!(6), json!(6))
    );
    assert_eq!(
        (criterion["unit"].clone(), criterion["direction"].clone()),
        (json!("count"), json!("down"))
    );
    assert_eq!(criterion["target"], "-50 % vs the previous period");
    assert_eq!(
        criterion["explanation"],
        "20 against 40 before (-50 %; -50 % wanted, so 20): met"
    );
    // The plan's own language by default.
    let polish = l.results("2024-S1", "pl").await;
    assert_eq!(
        data(&polish)["plan"]["results"]["planIndicators"][0]["explanation"],
        "20 wobec 40 poprzednio (-50 %; zakładano -50 %, czyli 20): osiągnięty"
    );
    // The plan's phases state no indicators of their own.
    assert_eq!(data(&answer)["plan"]["results"]["indicators"], json!([]));
}

async fn bad_entries_and_bad_periods_are_refused_by_name(db: TestDb) {
    let l = lubartow(&db).await;
    let answer = l.enter(&l.partner, 1, 5.0).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer:#}"
    );
    let answer = l.enter(&l.officer, 1, 2.5).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    assert_eq!(answer["errors"][0]["extensions"]["field"], "value");
    assert!(error_message(&answer).contains("2.5"), "{answer:#}");
    let answer = l
        .app
        .gql(
            &l.officer,
            ENTER,
            json!({ "id": l.plan_id, "start": "2024-01-01", "end": "2024-01-31", "value": 1 }),
        )
        .await;
    assert!(
        error_message(&answer).contains("not of a PerformanceIndicator"),
        "{answer:#}"
    );
    let answer = l.results("2024-H9", "en").await;
    assert!(error_message(&answer).contains("2024-H9"), "{answer:#}");
    let answer = l.results("2024", "xx").await;
    assert!(error_message(&answer).contains("`xx`"), "{answer:#}");
    // Nothing refused was entered.
    let answer = l
        .app
        .gql(
            &l.coordinator,
            "query($id: ID!) { plan(id: $id) { performanceIndicators { values { value } } } }",
            json!({ "id": l.plan_id }),
        )
        .await;
    assert_eq!(
        data(&answer)["plan"]["performanceIndicators"][0]["values"],
        json!([])
    );
}

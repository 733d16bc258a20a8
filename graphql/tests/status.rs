//! `status` and `statusReason` over the API, on SQLite and PostgreSQL: the one status rule gives
//! a plan, its objectives, actions, reporting periods and tasks their status, and says why in
//! the plan's language or another asked for.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use app::{TestApp, data};
use chrono::{TimeZone, Utc};
use mandate_engine::UserRole;
use serde_json::{Value, json};
use support::TestDb;

on_both_databases!(statuses_and_their_reasons_follow_the_rule);

/// One action, due every half-year, of a plan written in Romanian.
const PLAN: &str = r#"plan:
  code: "status-plan"
  title: "Plan"
  owner: "ANITP"
  period: "2021-01-01..2021-12-31"
  time_zone: "Europe/Bucharest"
  language: "ro"
institutions:
  - code: "ANITP"
  - code: "IGPR"
    name: "Inspectoratul General al Poliției Române"
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii de informare"
        indicators: []
        deadline: "semestrial"
        responsible: ["IGPR"]
        partners: []
        funding: []
"#;

const QUERY: &str = r#"query($id: ID!) { plan(id: $id) {
  status statusReason { key text arguments { name value } }
  objectives { status statusReason { key }
    actions { id status statusReason { key text(language: "en") } } } } }"#;

/// An action's periods and tasks (a query of its own: the plan's would be too complex).
const ACTION_QUERY: &str = r#"query($id: ID!) { action(id: $id) {
  periods { start status statusReason { key } }
  tasks { status statusReason { key text } } } }"#;

/// The plan's statuses, flattened: (path, status, reason key), with its action's periods and
/// tasks.
async fn statuses(app: &TestApp, token: &str, plan: &Value) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut push = |path: String, v: &Value| {
        found.push((
            path,
            v["status"].to_string(),
            v["statusReason"]["key"].to_string(),
        ));
    };
    push("plan".into(), plan);
    for o in plan["objectives"].as_array().expect("objectives") {
        push("objective".into(), o);
        for a in o["actions"].as_array().expect("actions") {
            push("action".into(), a);
            let answer = app.gql(token, ACTION_QUERY, json!({ "id": a["id"] })).await;
            let action = &data(&answer)["action"];
            for p in action["periods"].as_array().expect("periods") {
                push(
                    format!("period {}", p["start"].as_str().unwrap_or_default()),
                    p,
                );
            }
            for t in action["tasks"].as_array().expect("tasks") {
                push("task".into(), t);
            }
        }
    }
    found
}

fn row(path: &str, status: &str, key: &str) -> (String, String, String) {
    (
        path.to_owned(),
        format!("\"{status}\""),
        format!("\"{key}\""),
    )
}

async fn statuses_and_their_reasons_follow_the_rule(db: TestDb) {
    let (app, clock) = TestApp::new(&db).await;
    app.institution("ANITP").await;
    let coordinator = app
        .token_for("coordonator@anitp.ro", UserRole::Coordinator, Some("ANITP"))
        .await;
    let answer = app
        .gql(
            &coordinator,
            "mutation($yaml: String!) { importPlan(yaml: $yaml) { plan { id } } }",
            json!({ "yaml": PLAN }),
        )
        .await;
    let id = data(&answer)["importPlan"]["plan"]["id"].clone();

    // On the first day: the first half-year's task waits for acknowledgement, the second's has
    // not begun.
    let answer = app.gql(&coordinator, QUERY, json!({ "id": id })).await;
    let plan = &data(&answer)["plan"];
    assert_eq!(
        statuses(&app, &coordinator, plan).await,
        [
            row("plan", "at_risk", "status-reason-unacknowledged"),
            row("objective", "at_risk", "status-reason-unacknowledged"),
            row("action", "at_risk", "status-reason-unacknowledged"),
            row(
                "period 2021-01-01",
                "at_risk",
                "status-reason-unacknowledged"
            ),
            row(
                "period 2021-07-01",
                "not_started",
                "status-reason-not-begun"
            ),
            row("task", "at_risk", "status-reason-unacknowledged"),
            row("task", "not_started", "status-reason-not-begun"),
        ],
        "{plan:#}"
    );
    assert_eq!(
        plan["statusReason"]["text"],
        "risc de întârziere: se așteaptă luarea la cunoștință"
    );

    // Twelve days past the first due date: late, and the reason says since when.
    clock.set(Utc.with_ymd_and_hms(2021, 7, 12, 9, 0, 0).unwrap());
    let answer = app.gql(&coordinator, QUERY, json!({ "id": id })).await;
    let plan = &data(&answer)["plan"];
    let found = statuses(&app, &coordinator, plan).await;
    assert_eq!(
        found[0],
        row("plan", "late", "status-reason-late"),
        "{plan:#}"
    );
    assert_eq!(found[2], row("action", "late", "status-reason-late"));
    assert_eq!(
        found[3],
        row("period 2021-01-01", "late", "status-reason-late")
    );
    assert_eq!(
        found[4],
        row(
            "period 2021-07-01",
            "at_risk",
            "status-reason-unacknowledged"
        )
    );
    assert_eq!(
        plan["statusReason"]["text"],
        "întârziată: termen 30.06.2021, acum 12 zile"
    );
    assert_eq!(
        plan["statusReason"]["arguments"],
        json!([{ "name": "due", "value": "2021-06-30" }, { "name": "days", "value": "12" }])
    );
    let action = &plan["objectives"][0]["actions"][0];
    assert_eq!(
        action["statusReason"]["text"],
        "late: due 30 Jun 2021, 12 days ago"
    );
}

//! Registers through the API, on SQLite and PostgreSQL: the petitions register imported, a case
//! registered, routed, forwarded with a target, extended once, and counted in the statistics.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::sync::Arc;

use app::{TestApp, data, error_code, error_message};
use chrono::{TimeZone, Utc};
use mandate_engine::notifications::reminders::ReminderPolicies;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Engine, ManualClock, UserRole};
use mandate_graphql::ServerConfig;
use serde_json::json;
use support::TestDb;

on_both_databases!(a_petition_through_the_api);

const REGISTER: &str =
    include_str!("../../workflows/registers/politia-locala-timisoara-petitii.yaml");

const FIRE: &str = "mutation($id: ID!, $version: Int!, $transition: String!, $reason: String, $target: String) {
  fireTransition(id: $id, version: $version, transition: $transition, reason: $reason, target: $target) {
    id state version dueAt institution { code }
  }
}";

fn workflows(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows")
        .join(path)
}

async fn a_petition_through_the_api(db: TestDb) {
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2024, 11, 29, 8, 0, 0)
            .single()
            .expect("instant"),
    );
    let engine = Engine::new(
        db.db.clone(),
        Arc::new(clock.clone()),
        Lifecycles::with_dir(&workflows("lifecycles")).expect("lifecycles"),
    )
    .with_reminder_policies(ReminderPolicies::with_dir(&workflows("reminders")).expect("policies"));
    let app = TestApp::spawn(engine, ServerConfig::default()).await;
    let admin = app
        .token_for("admin@mandate.test", UserRole::Admin, None)
        .await;
    let imported = app
        .gql(
            &admin,
            "mutation($yaml: String!) { importPlan(yaml: $yaml) { plan { code } } }",
            json!({ "yaml": REGISTER }),
        )
        .await;
    assert_eq!(data(&imported)["importPlan"]["plan"]["code"], "petitii-plt");
    let head = app
        .token_for("sef@scpd.test", UserRole::Coordinator, Some("PLT-SCPD"))
        .await;
    let scr = app
        .token_for("scr@plt.test", UserRole::Member, Some("PLT-SCR"))
        .await;

    let registers = app
        .gql(
            &head,
            "{ registers { code deadlineRule lifecycle departments { code } } }",
            json!({}),
        )
        .await;
    let register = &data(&registers)["registers"][0];
    assert_eq!(register["deadlineRule"], "30 de zile de la înregistrare");
    assert_eq!(register["lifecycle"], "petition");
    assert_eq!(register["departments"].as_array().map(Vec::len), Some(8));

    // Friday 29 November 2024, 10:00 in Timișoara: the term ends on Monday 30 December.
    let created = app
        .gql(
            &head,
            "mutation { createCase(register: \"petitii-plt\", receivedAt: \"2024-11-29T07:40:00Z\", subject: \"Parcare pe trotuar\", petitioner: \"P-118\") { id number state dueAt receivedAt petitioner } }",
            json!({}),
        )
        .await;
    let case = &data(&created)["createCase"];
    assert_eq!(case["number"], "1");
    assert_eq!(case["state"], "registered");
    assert_eq!(case["dueAt"], "2024-12-30T21:59:59+00:00");
    let case_id = case["id"].as_str().expect("id").to_owned();

    let bad = app
        .gql(
            &head,
            "mutation($id: ID!) { routeCase(id: $id, department: \"PLT-NOPE\") { id } }",
            json!({ "id": case_id }),
        )
        .await;
    assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"), "{bad:#}");
    assert!(
        error_message(&bad).contains("`PLT-NOPE` is not a department"),
        "{bad:#}"
    );
    let routed = app
        .gql(
            &head,
            "mutation($id: ID!) { routeCase(id: $id, department: \"PLT-SOP\") { id state version dueAt institution { code } } }",
            json!({ "id": case_id }),
        )
        .await;
    let task = data(&routed)["routeCase"].clone();
    assert_eq!(task["state"], "routed");
    assert_eq!(task["institution"]["code"], "PLT-SOP");

    // The office forwards it to the road traffic service.
    let forwarded = app
        .gql(
            &head,
            FIRE,
            json!({ "id": task["id"], "version": task["version"], "transition": "forward", "reason": "competența SCR", "target": "PLT-SCR" }),
        )
        .await;
    let task = data(&forwarded)["fireTransition"].clone();
    assert_eq!(task["state"], "forwarded");
    assert_eq!(task["institution"]["code"], "PLT-SCR");
    let task = data(
        &app.gql(
            &scr,
            FIRE,
            json!({ "id": task["id"], "version": task["version"], "transition": "start" }),
        )
        .await,
    )["fireTransition"]
        .clone();
    let extended = app
        .gql(
            &head,
            FIRE,
            json!({ "id": task["id"], "version": task["version"], "transition": "extend", "reason": "verificări în teren" }),
        )
        .await;
    let task = data(&extended)["fireTransition"].clone();
    assert_eq!(task["dueAt"], "2025-01-14T21:59:59+00:00");
    let twice = app
        .gql(
            &head,
            FIRE,
            json!({ "id": task["id"], "version": task["version"], "transition": "extend", "reason": "din nou" }),
        )
        .await;
    assert_eq!(
        error_code(&twice).as_deref(),
        Some("VALIDATION"),
        "{twice:#}"
    );

    let stats = app
        .gql(
            &head,
            "{ registerStatistics(register: \"petitii-plt\") { rows { month department received open extended } total { received } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&stats)["registerStatistics"]["rows"],
        json!([{ "month": "2024-11", "department": "PLT-SCR", "received": 1, "open": 1, "extended": 1 }])
    );
    let case = app
        .gql(
            &scr,
            "query($id: ID!) { case(id: $id) { state tasks { state } } }",
            json!({ "id": case_id }),
        )
        .await;
    assert_eq!(data(&case)["case"]["state"], "in_progress");
}

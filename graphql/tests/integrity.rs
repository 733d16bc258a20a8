//! What outside clients broke, over real HTTP on both databases: plan imports that rewrote
//! institutions they do not manage, errors that told the state of unreadable tasks, and
//! `assignAction` changing more than it said.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use app::{TestApp, data, error_code, error_message};
use mandate_engine::domain::{Actor, EmailAddress, UserRole};
use mandate_engine::entity::institution;
use mandate_engine::plans::plan_file;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use support::TestDb;

on_both_databases!(
    an_import_cannot_rewrite_institutions_it_does_not_manage,
    unreadable_objects_answer_not_found_before_any_other_check,
    assign_action_changes_only_what_it_names,
);

const PNA: &str = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");

const IMPORT: &str = "mutation($yaml: String!, $dry: Boolean!) { importPlan(yaml: $yaml, dryRun: $dry) { planCode dryRun institutionChanges { code field from to } } }";

/// The anti-trafficking plan imported by the operator, with addresses for IGPR, and the Lubartów
/// police owning a plan of its own.
async fn world(db: &TestDb) -> TestApp {
    let (app, _clock) = TestApp::new(db).await;
    let draft = plan_file::parse(PNA, "pna.yaml", None, app.engine.lifecycles()).expect("plan");
    app.engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("imported");
    app.engine
        .set_institution_emails(
            &Actor::operator(),
            "IGPR",
            &[EmailAddress::parse("registratura@igpr.ro").expect("address")],
        )
        .await
        .expect("addresses");
    app.institution("KPP-LUBARTOW").await;
    app
}

async fn stored(db: &TestDb, code: &str) -> institution::Model {
    institution::Entity::find()
        .filter(institution::Column::Code.eq(code))
        .one(&db.db)
        .await
        .expect("db")
        .expect("institution")
}

/// A Lubartów plan file whose institutions are `institutions` (YAML list items).
fn lubartow_plan(institutions: &str) -> String {
    format!(
        r#"plan:
  code: "lubartow-test"
  title: "Plan działania"
  owner: "KPP-LUBARTOW"
  period: "2024-01-01..2024-06-30"
  time_zone: "Europe/Warsaw"
  language: "pl"
institutions:
  - code: "KPP-LUBARTOW"
    name: "Institution KPP-LUBARTOW"
{institutions}
objectives:
  - number: "1"
    title: "Bezpieczeństwo"
    actions:
      - number: "1.1"
        text: "Kontrole"
        deadline: "I kwartał 2024"
        responsible: ["KPP-LUBARTOW"]
        partners: ["IGPR"]
"#
    )
}

async fn an_import_cannot_rewrite_institutions_it_does_not_manage(db: TestDb) {
    let app = world(&db).await;
    let lubartow = app
        .token_for(
            "koordynator@lubartow.policja.gov.pl",
            UserRole::Coordinator,
            Some("KPP-LUBARTOW"),
        )
        .await;
    let igpr_before = stored(&db, "IGPR").await;
    let anitp_before = stored(&db, "ANITP").await;

    // The hijack: new names, the attacker's address and a new parent for two shared agencies.
    let hijack = lubartow_plan(
        r#"  - code: "IGPR"
    name: "Przejęta"
    emails: ["attacker@evil.example"]
    parent: "KPP-LUBARTOW"
  - code: "ANITP"
    name: "Agenția"
    emails: ["attacker@evil.example"]"#,
    );
    for dry in [true, false] {
        let answer = app
            .gql(&lubartow, IMPORT, json!({ "yaml": hijack, "dry": dry }))
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("FORBIDDEN"),
            "{answer:#}"
        );
        let problems = answer["errors"][0]["extensions"]["problems"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            problems.len(),
            2,
            "one located problem per institution: {answer:#}"
        );
        // Each names where, which fields, and who may change them.
        let igpr = problems
            .iter()
            .find(|p| p["message"].as_str().is_some_and(|m| m.contains("IGPR")))
            .expect("IGPR's problem");
        assert_eq!(igpr["line"], 11, "{igpr}");
        let message = igpr["message"].as_str().unwrap_or_default();
        for word in [
            "`name`",
            "`emails`",
            "`parent`",
            "coordinator of IGPR or of MAI",
        ] {
            assert!(message.contains(word), "{word} missing in: {message}");
        }
    }
    assert_eq!(stored(&db, "IGPR").await, igpr_before);
    assert_eq!(stored(&db, "ANITP").await, anitp_before);
    assert!(
        app.engine
            .institution(&Actor::operator(), "KPP-LUBARTOW")
            .await
            .is_ok()
            && app.gql(&lubartow, "{ plans { code } }", json!({})).await["data"]["plans"]
                .as_array()
                .is_some_and(Vec::is_empty),
        "nothing of the refused plan was written"
    );

    // Referring to shared institutions — by code alone, or by code and the same name — changes
    // nothing of theirs: a field left out never overwrites the stored one.
    let refer = lubartow_plan(
        r#"  - code: "IGPR"
    name: "Inspectoratul General al Poliției Române"
  - code: "ANITP""#,
    );
    let answer = app
        .gql(&lubartow, IMPORT, json!({ "yaml": refer, "dry": false }))
        .await;
    let imported = &data(&answer)["importPlan"];
    assert_eq!(imported["institutionChanges"], json!([]), "{answer:#}");
    let igpr_after = stored(&db, "IGPR").await;
    assert_eq!(
        (
            igpr_after.language.as_str(),
            &igpr_after.emails,
            &igpr_after.time_zone
        ),
        (
            igpr_before.language.as_str(),
            &igpr_before.emails,
            &igpr_before.time_zone
        ),
        "a plan in Polish that only names IGPR leaves its language, addresses and zone alone"
    );
    assert_eq!(igpr_after, igpr_before);

    // Those who manage an institution may change it, and the dry run lists each field first.
    let mai = app
        .token_for("coordonator@mai.gov.ro", UserRole::Coordinator, Some("MAI"))
        .await;
    app.gql(&mai, "{ plans { code } }", json!({})).await;
    let admin = app
        .token_for("admin@mandate.ro", UserRole::Admin, None)
        .await;
    let change = lubartow_plan(
        r#"  - code: "IGPR"
    emails: ["secretariat@igpr.ro", "registratura@igpr.ro"]
    language: "ro""#,
    );
    let answer = app
        .gql(&admin, IMPORT, json!({ "yaml": change, "dry": true }))
        .await;
    assert_eq!(
        data(&answer)["importPlan"]["institutionChanges"],
        json!([{
            "code": "IGPR",
            "field": "emails",
            "from": "registratura@igpr.ro",
            "to": "secretariat@igpr.ro, registratura@igpr.ro",
        }]),
        "{answer:#}"
    );
    assert_eq!(
        stored(&db, "IGPR").await,
        igpr_before,
        "a dry run writes nothing"
    );
    // IGPR's parent (MAI) manages it: the same change by MAI's coordinator is refused only
    // because MAI does not own the plan, not because of IGPR.
    let answer = app
        .gql(&mai, IMPORT, json!({ "yaml": change, "dry": false }))
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer:#}"
    );
    assert!(
        error_message(&answer).contains("may not import plans owned by KPP-LUBARTOW"),
        "{answer:#}"
    );
}

/// Fires `mutation` as `token` and returns the first error.
async fn first_error(app: &TestApp, token: &str, mutation: &str, variables: Value) -> Value {
    let answer = app.gql(token, mutation, variables).await;
    assert!(
        answer.get("errors").is_some(),
        "expected an error: {answer:#}"
    );
    answer["errors"][0].clone()
}

async fn unreadable_objects_answer_not_found_before_any_other_check(db: TestDb) {
    let app = world(&db).await;
    let diicot = app
        .token_for("procuror@diicot.ro", UserRole::Member, Some("DIICOT"))
        .await;
    let igpr = app
        .token_for("ofiter@igpr.ro", UserRole::Member, Some("IGPR"))
        .await;
    // A task of IGPR's that DIICOT may not read, and an id that does not exist at all.
    let answer = app
        .gql(
            &igpr,
            "{ tasks(first: 50, filter: {institution: \"IGPR\"}) { nodes { id version state action { id } period { id } } } }",
            json!({}),
        )
        .await;
    let mut task = Value::Null;
    for candidate in data(&answer)["tasks"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let reads_it = app
            .gql(
                &diicot,
                "query($id: ID!) { task(id: $id) { id } }",
                json!({ "id": candidate["id"] }),
            )
            .await;
        if error_code(&reads_it).as_deref() == Some("NOT_FOUND") {
            task = candidate.clone();
            break;
        }
    }
    assert!(
        task.is_object(),
        "IGPR has tasks DIICOT may not read: {answer:#}"
    );
    let missing = "Task:999999";
    let probes = [
        "mutation($id: ID!) { fireTransition(id: $id, version: 0, transition: \"no_such_transition\") { id } }",
        "mutation($id: ID!) { fireTransition(id: $id, version: 0, transition: \"acknowledge\") { id } }",
        "mutation($id: ID!) { acknowledgeTask(id: $id, version: 1) { id } }",
        "mutation($id: ID!) { approveTask(id: $id, version: 1) { id } }",
        "mutation($id: ID!) { cancelTask(id: $id, version: 7, reason: \"x\") { id } }",
        "mutation($id: ID!) { submitReport(id: $id, version: 1, narrative: \"\") { id } }",
    ];
    for probe in probes {
        let unreadable = first_error(&app, &diicot, probe, json!({ "id": task["id"] })).await;
        let absent = first_error(&app, &diicot, probe, json!({ "id": missing })).await;
        assert_eq!(
            unreadable["extensions"]["code"], "NOT_FOUND",
            "{probe}: {unreadable:#}"
        );
        // The same answer as for a task that does not exist, but for the id.
        let id_number = task["id"]
            .as_str()
            .and_then(|i| i.strip_prefix("Task:"))
            .unwrap_or("");
        assert_eq!(
            unreadable["message"]
                .as_str()
                .map(|m| m.replace(id_number, "N")),
            absent["message"].as_str().map(|m| m.replace("999999", "N")),
            "{probe}"
        );
        assert_eq!(unreadable["extensions"], absent["extensions"], "{probe}");
        let text = unreadable.to_string();
        for leak in ["pending", "state", "version"] {
            assert!(!text.contains(leak), "{probe} leaks `{leak}`: {text}");
        }
    }
    // Actions and periods too: assigning or approving what one cannot read is not found.
    let assign = first_error(
        &app,
        &diicot,
        "mutation($id: ID!) { assignAction(actionId: $id, lead: \"DIICOT\", responsible: [\"DIICOT\"]) { action { id } } }",
        json!({ "id": task["action"]["id"] }),
    )
    .await;
    assert_eq!(assign["extensions"]["code"], "NOT_FOUND", "{assign:#}");
    let approve = first_error(
        &app,
        &diicot,
        "mutation($id: ID!) { approveActionPeriod(periodId: $id) { id } }",
        json!({ "id": task["period"]["id"] }),
    )
    .await;
    assert_eq!(approve["extensions"]["code"], "NOT_FOUND", "{approve:#}");
    // What the actor reads but may not do stays FORBIDDEN.
    let own = first_error(
        &app,
        &igpr,
        "mutation($id: ID!, $v: Int!) { approveTask(id: $id, version: $v) { id } }",
        json!({ "id": task["id"], "v": task["version"] }),
    )
    .await;
    assert_eq!(own["extensions"]["code"], "FORBIDDEN", "{own:#}");
}

const ASSIGN: &str = "mutation($id: ID!, $lead: String, $responsible: [String!], $partners: [String!]) { assignAction(actionId: $id, lead: $lead, responsible: $responsible, partners: $partners) { action { assignments { institution { code } role lead } } cancelledTasks { id state institution { code } } } }";

async fn assign_action_changes_only_what_it_names(db: TestDb) {
    let app = world(&db).await;
    let anitp = app
        .token_for("coordonator@anitp.ro", UserRole::Coordinator, Some("ANITP"))
        .await;
    // Action 1.1.1 as the plan assigns it.
    let answer = app
        .gql(
            &anitp,
            "{ plans { objectives { children { actions { id number assignments { institution { code } role lead } } } } } }",
            json!({}),
        )
        .await;
    let action = data(&answer)["plans"][0]["objectives"][0]["children"][0]["actions"][0].clone();
    assert_eq!(action["number"], "1.1.1");
    let id = action["id"].clone();
    let before = action["assignments"].clone();
    let partners_before: Vec<Value> = before
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["role"] == "partner")
        .cloned()
        .collect();
    assert!(
        !partners_before.is_empty(),
        "1.1.1 has partners: {before:#}"
    );

    // A lead not among the responsible institutions is an error, not silently added.
    let answer = app
        .gql(
            &anitp,
            ASSIGN,
            json!({ "id": id, "lead": "DIICOT", "responsible": ["ANITP"] }),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    assert_eq!(answer["errors"][0]["extensions"]["field"], "lead");

    // Omitting `partners` keeps them, and nothing is cancelled.
    let lead = before
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["lead"] == true)
        .and_then(|a| a["institution"]["code"].as_str())
        .expect("a lead")
        .to_owned();
    let answer = app
        .gql(
            &anitp,
            ASSIGN,
            json!({ "id": id, "lead": lead, "responsible": [lead] }),
        )
        .await;
    let assigned = &data(&answer)["assignAction"];
    let partners_after: Vec<Value> = assigned["action"]["assignments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["role"] == "partner")
        .cloned()
        .collect();
    assert_eq!(partners_after, partners_before, "{answer:#}");

    // An explicit empty list removes them, and the answer lists every task it cancelled.
    let answer = app
        .gql(&anitp, ASSIGN, json!({ "id": id, "partners": [] }))
        .await;
    let cancelled = data(&answer)["assignAction"]["cancelledTasks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let periods = 2; // "anual" over 2021–2022
    assert_eq!(
        cancelled.len(),
        partners_before.len() * periods,
        "{answer:#}"
    );
    assert!(
        cancelled.iter().all(|t| t["state"] == "cancelled"),
        "{answer:#}"
    );

    // Lists longer than an action may have are refused before any institution is looked up.
    let many: Vec<String> = (0..50_000).map(|i| format!("X{i}")).collect();
    let outsider = app
        .token_for("ofiter@igpr.ro", UserRole::Member, Some("IGPR"))
        .await;
    for token in [&anitp, &outsider] {
        let answer = app
            .gql(
                token,
                ASSIGN,
                json!({ "id": id, "lead": "ANITP", "responsible": many }),
            )
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("VALIDATION"),
            "{}",
            answer["errors"]
        );
        assert!(
            error_message(&answer).contains("at most 200"),
            "{}",
            answer["errors"]
        );
    }
}

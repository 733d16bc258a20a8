//! What an outside tester found in the third round, over real HTTP on both databases: a plan's
//! coordinator that took over another institution (an account acting for it, its notification
//! settings) by naming it as a partner in a plan of its own; look-alike institutions; texts of
//! any length stored in full; errors naming internal ids or checking inputs before who may.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use app::{TestApp, data, error_code, error_message};
use mandate_engine::domain::{Actor, EmailAddress, UserRole};
use mandate_engine::entity::{institution, invitation, notification_setting, user};
use mandate_engine::plans::plan_file;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use support::TestDb;

on_both_databases!(
    a_plan_coordinator_invites_only_at_the_partners_domain_or_for_a_partner_new_to_mandate,
    only_who_manages_an_institution_changes_its_notification_settings,
    look_alike_codes_and_parents_one_does_not_manage_are_refused,
    texts_are_bounded_with_an_error_naming_the_field_and_the_limit,
    errors_name_codes_and_check_who_may_before_the_inputs,
);

const PNA: &str = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");

const IMPORT: &str = "mutation($yaml: String!) { importPlan(yaml: $yaml) { planCode } }";

const INVITE: &str = "mutation($email: String!, $institution: String!) { \
    inviteMember(email: $email, name: \"Invited\", institution: $institution) { \
    email role institution { code } } }";

const SETTINGS: &str = "mutation($institution: String!, $d: Delivery, $t: String) { \
    setNotificationSettings(institution: $institution, delivery: $d, sendAt: $t) { \
    delivery sendAt ownChoice } }";

/// The anti-trafficking plan imported by the operator (IGPR among its institutions, under MAI),
/// IGPR with its registry's address, and the Lubartów police owning a plan of its own.
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

/// Lubartów's coordinator, after importing a plan of its own that names IGPR (by code alone)
/// and DIICOT as partners, and creates a partner new to Mandate, SM-NOWA.
async fn lubartow_naming_igpr(app: &TestApp) -> String {
    let lubartow = app
        .token_for(
            "koordynator@lubartow.policja.gov.pl",
            UserRole::Coordinator,
            Some("KPP-LUBARTOW"),
        )
        .await;
    let plan = r#"plan:
  code: "lubartow-test"
  title: "Plan działania"
  owner: "KPP-LUBARTOW"
  period: "2024-01-01..2024-06-30"
  time_zone: "Europe/Warsaw"
  language: "pl"
institutions:
  - code: "KPP-LUBARTOW"
    name: "Institution KPP-LUBARTOW"
  - code: "IGPR"
  - code: "DIICOT"
  - code: "SM-NOWA"
    name: "Spółdzielnia Mieszkaniowa Nowa"
objectives:
  - number: "1"
    title: "Bezpieczeństwo"
    actions:
      - number: "1.1"
        text: "Kontrole"
        deadline: "I kwartał 2024"
        responsible: ["KPP-LUBARTOW"]
        partners: ["IGPR", "DIICOT", "SM-NOWA"]
"#;
    let answer = app.gql(&lubartow, IMPORT, json!({ "yaml": plan })).await;
    assert_eq!(
        data(&answer)["importPlan"]["planCode"],
        "lubartow-test",
        "referring to IGPR is allowed: {answer:#}"
    );
    lubartow
}

fn invite(email: &str, institution: &str) -> Value {
    json!({ "email": email, "institution": institution })
}

async fn users_and_invitations(db: &TestDb) -> (u64, u64) {
    (
        user::Entity::find().count(&db.db).await.unwrap(),
        invitation::Entity::find().count(&db.db).await.unwrap(),
    )
}

async fn a_plan_coordinator_invites_only_at_the_partners_domain_or_for_a_partner_new_to_mandate(
    db: TestDb,
) {
    let app = world(&db).await;
    let lubartow = lubartow_naming_igpr(&app).await;
    // DIICOT has no address on file but already has a user.
    app.token_for("procuror@diicot.ro", UserRole::Member, Some("DIICOT"))
        .await;
    let before = users_and_invitations(&db).await;

    // The hole: an account acting for IGPR (in every plan, the national one included) for an
    // address of the attacker's. Refused, saying who may invite; also at a look-alike domain.
    for email in [
        "mole@attacker.example",
        "mole@igpr.ro.attacker.example",
        "mole@sub.igpr.ro",
    ] {
        let answer = app.gql(&lubartow, INVITE, invite(email, "IGPR")).await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("FORBIDDEN"),
            "{email}: {answer:#}"
        );
        let message = error_message(&answer);
        for said in [
            "an admin",
            "a coordinator of IGPR or of MAI",
            "an address at igpr.ro",
        ] {
            assert!(message.contains(said), "{said:?} missing in: {message}");
        }
    }
    // An institution with a user but no address on file: no plan coordinator can tell whose
    // addresses are its own.
    let answer = app
        .gql(&lubartow, INVITE, invite("mole@attacker.example", "DIICOT"))
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer:#}"
    );
    assert!(
        error_message(&answer).contains("a partner new to Mandate"),
        "{answer:#}"
    );
    assert_eq!(
        users_and_invitations(&db).await,
        before,
        "a refusal writes nothing"
    );
    assert!(
        app.engine
            .user_by_email("mole@attacker.example")
            .await
            .is_err()
    );

    // The onboarding purpose stays: an address at the institution's own domain (any case)…
    let answer = app
        .gql(&lubartow, INVITE, invite("Jan.Kowalski@IGPR.ro", "IGPR"))
        .await;
    assert_eq!(
        data(&answer)["inviteMember"],
        json!({ "email": "Jan.Kowalski@IGPR.ro", "role": "MEMBER", "institution": { "code": "IGPR" } })
    );
    // …and the first person of a partner new to Mandate (no address, no user), once.
    let answer = app
        .gql(
            &lubartow,
            INVITE,
            invite("prezes@sm-nowa.example", "SM-NOWA"),
        )
        .await;
    assert_eq!(
        data(&answer)["inviteMember"]["institution"]["code"],
        "SM-NOWA"
    );
    let answer = app
        .gql(
            &lubartow,
            INVITE,
            invite("mole@attacker.example", "SM-NOWA"),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "SM-NOWA has a user now: {answer:#}"
    );

    // Who manages IGPR invites anyone: its parent's coordinator and an admin.
    let mai = app
        .token_for("coordonator@mai.gov.ro", UserRole::Coordinator, Some("MAI"))
        .await;
    let answer = app
        .gql(&mai, INVITE, invite("consultant@extern.example", "IGPR"))
        .await;
    assert_eq!(data(&answer)["inviteMember"]["role"], "MEMBER");
    let admin = app
        .token_for("admin@mandate.test", UserRole::Admin, None)
        .await;
    let answer = app
        .gql(&admin, INVITE, invite("expert@altul.example", "DIICOT"))
        .await;
    assert_eq!(data(&answer)["inviteMember"]["role"], "MEMBER");
}

async fn only_who_manages_an_institution_changes_its_notification_settings(db: TestDb) {
    let app = world(&db).await;
    let lubartow = lubartow_naming_igpr(&app).await;
    let anitp = app
        .token_for("coordonator@anitp.ro", UserRole::Coordinator, Some("ANITP"))
        .await;

    // Naming IGPR in a plan, even owning the plan IGPR works in, does not make one its manager.
    for token in [&lubartow, &anitp] {
        let answer = app
            .gql(
                token,
                SETTINGS,
                json!({ "institution": "IGPR", "d": "DAILY_DIGEST", "t": "03:00" }),
            )
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("FORBIDDEN"),
            "{answer:#}"
        );
        assert!(
            error_message(&answer).contains("a coordinator of IGPR or of MAI"),
            "{answer:#}"
        );
    }
    assert_eq!(
        notification_setting::Entity::find()
            .count(&db.db)
            .await
            .unwrap(),
        0,
        "nothing written"
    );

    // IGPR's own coordinator, its parent's, and an admin may.
    let igpr = app
        .token_for("coordonator@igpr.ro", UserRole::Coordinator, Some("IGPR"))
        .await;
    let mai = app
        .token_for("coordonator@mai.gov.ro", UserRole::Coordinator, Some("MAI"))
        .await;
    let admin = app
        .token_for("admin@mandate.test", UserRole::Admin, None)
        .await;
    for (token, time) in [(&igpr, "09:30"), (&mai, "10:00"), (&admin, "11:00")] {
        let answer = app
            .gql(
                token,
                SETTINGS,
                json!({ "institution": "IGPR", "d": "DAILY_DIGEST", "t": time }),
            )
            .await;
        assert_eq!(
            data(&answer)["setNotificationSettings"],
            json!({ "delivery": "DAILY_DIGEST", "sendAt": time, "ownChoice": true })
        );
    }
}

/// A Lubartów plan declaring `institutions` (YAML list items) beside its owner, with them all
/// as partners of its one action.
fn lubartow_plan(institutions: &str, partners: &[&str]) -> String {
    format!(
        r#"plan:
  code: "lubartow-codes"
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
        partners: {partners:?}
"#
    )
}

async fn look_alike_codes_and_parents_one_does_not_manage_are_refused(db: TestDb) {
    let app = world(&db).await;
    let lubartow = app
        .token_for(
            "koordynator@lubartow.policja.gov.pl",
            UserRole::Coordinator,
            Some("KPP-LUBARTOW"),
        )
        .await;
    let count = || async { institution::Entity::find().count(&db.db).await.unwrap() };
    let before = count().await;
    let import = |yaml: String| {
        let app = &app;
        let lubartow = &lubartow;
        async move { app.gql(lubartow, IMPORT, json!({ "yaml": yaml })).await }
    };
    let problems = |answer: &Value| -> Vec<String> {
        answer["errors"][0]["extensions"]["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    };

    // `igpr` is IGPR: a file that gives it IGPR's name and its own address would change IGPR,
    // which Lubartów does not manage; it creates no second IGPR.
    let answer = import(lubartow_plan(
        r#"  - code: "igpr"
    name: "Inspectoratul General al Poliţiei Române"
    emails: ["registratura@igpr-ro.example"]"#,
        &["igpr"],
    ))
    .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer:#}"
    );
    assert!(
        problems(&answer)
            .iter()
            .any(|p| p.contains("institution IGPR is shared") && p.contains("`emails`")),
        "{answer:#}"
    );
    // A Cyrillic І (or any letter outside ASCII) is no code at all.
    let answer = import(lubartow_plan(
        "  - code: \"\u{0406}GPR\"\n    name: \"Inspectoratul General al Poliţiei Române\"",
        &["\u{0406}GPR"],
    ))
    .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    let said = problems(&answer);
    assert!(
        said.iter()
            .any(|p| p.contains("\u{0406}GPR") && p.contains("ASCII")),
        "{said:#?}"
    );
    // A new institution under one Lubartów does not manage: IGPR's coordinators would get its
    // escalations. A located FORBIDDEN problem.
    let answer = import(lubartow_plan(
        r#"  - code: "IGPR"
  - code: "IGPR-LUBLIN"
    name: "Komenda Wojewódzka"
    parent: "IGPR""#,
        &["IGPR-LUBLIN"],
    ))
    .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer:#}"
    );
    let said = problems(&answer);
    assert!(
        said.iter()
            .any(|p| p.contains("IGPR-LUBLIN") && p.contains("a coordinator of IGPR or of MAI")),
        "{said:#?}"
    );
    assert_eq!(
        answer["errors"][0]["extensions"]["problems"][0]["line"], 12,
        "{answer:#}"
    );
    assert_eq!(count().await, before, "no institution was created");

    // Whereas a new institution under one's own, and a lower-case code, are fine: stored
    // upper-case, and found again in any case.
    let answer = import(lubartow_plan(
        r#"  - code: "dzielnicowy-r3"
    name: "Dzielnicowy rejonu nr 3"
    parent: "KPP-LUBARTOW"
  - code: "IGPR""#,
        &["Dzielnicowy-R3", "IGPR"],
    ))
    .await;
    assert_eq!(
        data(&answer)["importPlan"]["planCode"],
        "lubartow-codes",
        "{answer:#}"
    );
    assert_eq!(count().await, before + 1);
    let stored = app
        .engine
        .institution(&mandate_engine::Actor::operator(), "DZIELNICOWY-R3")
        .await
        .expect("stored");
    assert_eq!(stored.code, "DZIELNICOWY-R3");
}

/// Asserts that `answer` is a `VALIDATION` error on `field` whose message names `limit`.
fn assert_bounded(answer: &Value, field: &str, limit: &str) {
    assert_eq!(
        error_code(answer).as_deref(),
        Some("VALIDATION"),
        "{field}: {answer:#}"
    );
    assert_eq!(
        answer["errors"][0]["extensions"]["field"], field,
        "{answer:#}"
    );
    let message = error_message(answer);
    assert!(
        message.contains(limit) && message.len() < 300,
        "{field}: {message}"
    );
}

async fn texts_are_bounded_with_an_error_naming_the_field_and_the_limit(db: TestDb) {
    let app = world(&db).await;
    let igpr = app
        .token_for("ofiter@igpr.ro", UserRole::Member, Some("IGPR"))
        .await;
    let anitp = app
        .token_for("coordonator@anitp.ro", UserRole::Coordinator, Some("ANITP"))
        .await;
    let admin = app
        .token_for("admin@mandate.test", UserRole::Admin, None)
        .await;
    // A pending task of IGPR's whose action has an indicator described in words.
    let answer = app
        .gql(
            &igpr,
            "{ tasks(first: 200, filter: {institution: \"IGPR\"}) { nodes { id version state \
             action { indicators { name unit } } period { id } } } }",
            json!({}),
        )
        .await;
    let task = data(&answer)["tasks"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| {
            t["state"] == "pending"
                && t["action"]["indicators"]
                    .as_array()
                    .is_some_and(|i| i.iter().any(|i| i["unit"] == "text"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("a pending IGPR task with a text indicator: {answer:#}"));
    let id = task["id"].clone();
    let indicator = task["action"]["indicators"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["unit"] == "text"))
        .map(|i| i["name"].clone())
        .expect("the text indicator");
    let long = |n: usize| "x".repeat(n);
    let version = |answer: &Value, mutation: &str| {
        data(answer)[mutation]["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("{answer:#}"))
    };

    // A comment: 2 000 characters at most.
    let acknowledge = "mutation($id: ID!, $v: Int!, $c: String) { \
        acknowledgeTask(id: $id, version: $v, comment: $c) { version } }";
    let answer = app
        .gql(
            &igpr,
            acknowledge,
            json!({ "id": id, "v": task["version"], "c": long(1_000_000) }),
        )
        .await;
    assert_bounded(&answer, "comment", "2000");
    let answer = app
        .gql(
            &igpr,
            acknowledge,
            json!({ "id": id, "v": task["version"], "c": long(2001) }),
        )
        .await;
    assert_bounded(&answer, "comment", "2000");
    let answer = app
        .gql(
            &igpr,
            acknowledge,
            json!({ "id": id, "v": task["version"], "c": "é".repeat(2000) }),
        )
        .await;
    let v = version(&answer, "acknowledgeTask");
    let answer = app
        .gql(
            &igpr,
            "mutation($id: ID!, $v: Int!) { startTask(id: $id, version: $v) { version } }",
            json!({ "id": id, "v": v }),
        )
        .await;
    let v = version(&answer, "startTask");

    // A report: narrative 20 000, at most 50 evidence links of 2 000 each, text values 2 000.
    let submit = "mutation($id: ID!, $v: Int!, $n: String!, $e: [String!]!, \
        $i: [IndicatorValueInput!]!) { submitReport(id: $id, version: $v, narrative: $n, \
        evidenceUrls: $e, indicatorValues: $i) { version } }";
    let link = |n: usize| format!("https://igpr.ro/{}", long(n - "https://igpr.ro/".len()));
    let report = |n: String, e: Vec<String>, value: Value| {
        json!({
            "id": id, "v": v, "n": n, "e": e,
            "i": [{ "indicator": indicator, "value": value }],
        })
    };
    for (variables, field, limit) in [
        (
            report(long(20_001), vec![], json!(1)),
            "report.narrative",
            "20000",
        ),
        (
            report("Raport".into(), vec![link(30); 51], json!(1)),
            "report.evidence",
            "50",
        ),
        (
            report("Raport".into(), vec![link(30), link(2001)], json!(1)),
            "report.evidence[1]",
            "2000",
        ),
        (
            report("Raport".into(), vec![], json!(long(2001))),
            &format!("report.indicatorValues.{}", indicator.as_str().unwrap()),
            "2000",
        ),
    ] {
        let answer = app.gql(&igpr, submit, variables).await;
        assert_bounded(&answer, field, limit);
    }
    let answer = app
        .gql(
            &igpr,
            submit,
            report(long(20_000), vec![link(2000); 50], json!(long(2000))),
        )
        .await;
    let v = version(&answer, "submitReport");

    // A reason: 2 000.
    let answer = app
        .gql(
            &anitp,
            "mutation($id: ID!, $v: Int!, $r: String!) { returnTask(id: $id, version: $v, \
             reason: $r) { version } }",
            json!({ "id": id, "v": v, "r": long(2001) }),
        )
        .await;
    assert_bounded(&answer, "reason", "2000");
    // An action period's approval comment: 2 000, checked before whether the period is ready.
    let answer = app
        .gql(
            &anitp,
            "mutation($p: ID!, $c: String) { approveActionPeriod(periodId: $p, comment: $c) \
             { id } }",
            json!({ "p": task["period"]["id"], "c": long(2001) }),
        )
        .await;
    assert_bounded(&answer, "comment", "2000");

    // A token's label and a user's name: 200.
    let issue =
        "mutation($l: String) { issueToken(email: \"ofiter@igpr.ro\", label: $l) { token } }";
    let answer = app.gql(&igpr, issue, json!({ "l": long(900_000) })).await;
    assert_bounded(&answer, "label", "200");
    let answer = app.gql(&igpr, issue, json!({ "l": long(200) })).await;
    assert!(data(&answer)["issueToken"]["token"].is_string());
    let answer = app
        .gql(
            &admin,
            "mutation($n: String!) { createUser(email: \"nou@igpr.ro\", name: $n, role: MEMBER, \
             institution: \"IGPR\") { email } }",
            json!({ "n": long(201) }),
        )
        .await;
    assert_bounded(&answer, "name", "200");
    assert!(app.engine.user_by_email("nou@igpr.ro").await.is_err());

    // Nothing refused was stored: the task is where the last accepted change left it.
    let answer = app
        .gql(
            &igpr,
            "query($id: ID!) { task(id: $id) { state version } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        data(&answer)["task"],
        json!({ "state": "submitted", "version": v })
    );
}

async fn errors_name_codes_and_check_who_may_before_the_inputs(db: TestDb) {
    let app = world(&db).await;
    let anitp = app
        .token_for("coordonator@anitp.ro", UserRole::Coordinator, Some("ANITP"))
        .await;

    // An institution already responsible, named as a partner: the error names its code.
    let answer = app
        .gql(
            &anitp,
            "{ plans { objectives { children { actions { id number periods { id } \
             assignments { institution { code } role } } } } } }",
            json!({}),
        )
        .await;
    let action = data(&answer)["plans"][0]["objectives"][0]["children"][0]["actions"][0].clone();
    let responsible = action["assignments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["role"] == "responsible")
        .and_then(|a| a["institution"]["code"].as_str())
        .unwrap_or_else(|| panic!("a responsible institution: {action:#}"))
        .to_owned();
    let answer = app
        .gql(
            &anitp,
            "mutation($id: ID!, $p: [String!]) { assignAction(actionId: $id, partners: $p) \
             { action { id } } }",
            json!({ "id": action["id"], "p": [responsible] }),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    assert_eq!(answer["errors"][0]["extensions"]["field"], "partners");
    let message = error_message(&answer);
    assert!(
        message.contains(&format!("`{responsible}` is already responsible")),
        "{message}"
    );
    assert!(
        !message.contains("institution ") || !message.chars().any(|c| c.is_ascii_digit()),
        "no internal id: {message}"
    );

    // A period not ready names whom it waits for by code too.
    let answer = app
        .gql(
            &anitp,
            "mutation($p: ID!) { approveActionPeriod(periodId: $p) { id } }",
            json!({ "p": action["periods"][0]["id"] }),
        )
        .await;
    assert_eq!(answer["errors"][0]["extensions"]["field"], "period");
    let message = error_message(&answer);
    assert!(
        message.contains("waiting for the sign-off of") && message.contains(&responsible),
        "{message}"
    );
    assert!(!message.contains('['), "no list of ids: {message}");

    // setNotificationSettings: the institution, then who may, then the time of day.
    let bad_time = |institution: &str| json!({ "institution": institution, "t": "99:99" });
    let answer = app.gql(&anitp, SETTINGS, bad_time("NOPE-XYZ")).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("NOT_FOUND"),
        "{answer:#}"
    );
    let answer = app.gql(&anitp, SETTINGS, bad_time("IGPR")).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer:#}"
    );
    let answer = app.gql(&anitp, SETTINGS, bad_time("ANITP")).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    assert_eq!(answer["errors"][0]["extensions"]["field"], "sendAt");
}

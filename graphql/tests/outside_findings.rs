//! What an outside tester found in the third round, over real HTTP on both databases: a plan's
//! coordinator that took over another institution (an account acting for it, its notification
//! settings) by naming it as a partner in a plan of its own; look-alike institutions.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use app::{TestApp, data, error_code, error_message};
use mandate_engine::domain::{Actor, EmailAddress, UserRole};
use mandate_engine::entity::{institution, invitation, notification_setting, user};
use mandate_engine::plan_file;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use support::TestDb;

on_both_databases!(
    a_plan_coordinator_invites_only_at_the_partners_domain_or_for_a_partner_new_to_mandate,
    only_who_manages_an_institution_changes_its_notification_settings,
    look_alike_codes_and_parents_one_does_not_manage_are_refused,
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
    let count = || async {
        institution::Entity::find()
            .count(app.engine.db())
            .await
            .unwrap()
    };
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

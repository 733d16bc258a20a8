//! Onboarding over HTTP, on SQLite and PostgreSQL: a plan's coordinator invites members for the
//! institutions taking part in its plan; the invitation goes through the outbox as an e-mail in the
//! institution's language, whose link (once, until it expires) gives the invitee an access key.
//! Who may not invite is refused, and a refusal writes nothing.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::Duration;

use app::{TestApp, data, error_code, error_message};
use mandate_engine::accounts::NewUser;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode};
use mandate_engine::entity::{api_token, institution, notification, user};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::Sender;
use mandate_engine::{UserRole, plans::plan_file};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use support::TestDb;

on_both_databases!(
    a_coordinator_invites_a_partner_member_who_gets_access_by_the_link,
    who_may_not_invite_is_refused_and_nothing_is_written,
);

const INVITE: &str = "mutation($email: String!, $name: String!, $institution: String!) { \
    inviteMember(email: $email, name: $name, institution: $institution) { \
    email name role institution { code } } }";

/// The server over a fresh database with the anti-trafficking plan (owned by ANITP, DIICOT and
/// IGPR among its institutions) and the Lubartów plan (owned by KPP-LUBARTOW) imported by the
/// operator, and ANITP's coordinator, Ioana Popescu.
async fn setup(db: &TestDb) -> (TestApp, mandate_engine::ManualClock, String) {
    let (app, clock) = TestApp::new(db).await;
    for (file, source) in [
        (
            "pna-trafic-2021-2022.yaml",
            include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml"),
        ),
        (
            "lubartow-rejon-3-2024.yaml",
            include_str!("../../workflows/plans/lubartow-rejon-3-2024.yaml"),
        ),
    ] {
        let draft = plan_file::parse(source, file, None, app.engine.lifecycles())
            .unwrap_or_else(|problems| panic!("{file}: {problems:?}"));
        app.engine
            .import_plan(&Actor::operator(), &draft, false)
            .await
            .expect("imported");
    }
    app.engine
        .create_user(
            &Actor::operator(),
            NewUser {
                email: EmailAddress::parse("ioana.popescu@anitp.example").unwrap(),
                name: "Ioana Popescu".into(),
                role: UserRole::Coordinator,
                institution: Some(InstitutionCode::parse("ANITP").unwrap()),
            },
        )
        .await
        .unwrap();
    let coordinator = app
        .token_for(
            "ioana.popescu@anitp.example",
            UserRole::Coordinator,
            Some("ANITP"),
        )
        .await;
    (app, clock, coordinator)
}

fn invite(email: &str, name: &str, institution: &str) -> Value {
    json!({ "email": email, "name": name, "institution": institution })
}

/// A sender writing `.eml` files into `dir`, with links to `https://mandate.test`.
fn file_sender(dir: &Path) -> Sender {
    Sender {
        transport: Transport::files(dir).unwrap(),
        renderer: Renderer::builtin().unwrap(),
        settings: MailSettings {
            from: "mandate@mandate.test".parse().unwrap(),
            public_url: "https://mandate.test".into(),
        },
        lease: Duration::from_secs(60),
        max_attempts: 3,
        parallel: 4,
    }
}

/// A message written by the file transport: its headers of interest, its text part and the
/// invitation link's path.
struct Mail {
    to: String,
    subject: String,
    kind: String,
    text: String,
    html: String,
    link: String,
}

fn mails_in(dir: &Path) -> Vec<Mail> {
    use mailparse::MailHeaderMap;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("outbox") {
        let raw = std::fs::read(entry.expect("file").path()).expect("message");
        let mail = mailparse::parse_mail(&raw).expect("parsed");
        let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
        let text = mail.subparts[0]
            .get_body()
            .expect("text")
            .replace("\r\n", "\n");
        let html = mail.subparts[1].get_body().expect("html");
        let link = text
            .find("https://mandate.test/invitation/")
            .map(|start| {
                text[start + "https://mandate.test".len()..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect()
            })
            .unwrap_or_default();
        found.push(Mail {
            to: header("To"),
            subject: header("Subject"),
            kind: header("X-Mandate-Kind"),
            text,
            html,
            link,
        });
    }
    found
}

/// The access key shown on a page.
fn key_in(page: &str) -> String {
    let start = page
        .find("mdt_")
        .unwrap_or_else(|| panic!("no key in {page}"));
    page[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// How many API tokens user `user_id` has.
async fn keys_of(db: &TestDb, user_id: i64) -> u64 {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .count(&db.db)
        .await
        .unwrap()
}

/// A POST from a browser set to Romanian (a refused link's page is in the browser's language).
async fn post(app: &TestApp, path: &str) -> (u16, String, Option<String>) {
    let response = reqwest::Client::new()
        .post(app.url(path))
        .header("accept-language", "ro-RO,ro;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, response.text().await.expect("page"), cache)
}

async fn a_coordinator_invites_a_partner_member_who_gets_access_by_the_link(db: TestDb) {
    let (app, clock, coordinator) = setup(&db).await;
    let engine = &app.engine;
    let diicot = institution::Entity::find()
        .filter(institution::Column::Code.eq("DIICOT"))
        .one(&db.db)
        .await
        .unwrap()
        .unwrap();

    // createUser is only for the coordinator's own institution: DIICOT is a partner's.
    let refused = app
        .gql(
            &coordinator,
            "mutation { createUser(email: \"x@diicot.example\", name: \"X\", role: MEMBER, institution: \"DIICOT\") { email } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));

    let invited = app
        .gql(
            &coordinator,
            INVITE,
            invite(" ana.ionescu@diicot.example ", " Ana Ionescu ", "DIICOT"),
        )
        .await;
    assert_eq!(
        data(&invited)["inviteMember"],
        json!({
            "email": "ana.ionescu@diicot.example",
            "name": "Ana Ionescu",
            "role": "MEMBER",
            "institution": { "code": "DIICOT" },
        })
    );

    // The outbox holds the invitation, to the invitee, for DIICOT (whose language is Romanian).
    let rows = notification::Entity::find()
        .filter(notification::Column::Kind.eq("invitation"))
        .all(&db.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].recipient, "ana.ionescu@diicot.example");
    assert_eq!((rows[0].institution_id, rows[0].task_id), (diicot.id, None));
    assert_eq!(rows[0].status, "pending");
    assert_eq!(diicot.language, "ro");
    let invitee = engine
        .user_by_email("ana.ionescu@diicot.example")
        .await
        .unwrap();
    assert_eq!(
        keys_of(&db, invitee.id).await,
        0,
        "no key before the link is used"
    );

    // KPP-LUBARTOW's coordinator invites for its plan's partner, which writes Polish.
    let lubartow = app
        .token_for(
            "koordynator@lubartow.example",
            UserRole::Coordinator,
            Some("KPP-LUBARTOW"),
        )
        .await;
    let polish = app
        .gql(
            &lubartow,
            INVITE,
            invite("jan.nowak@sm-lubartow.example", "Jan Nowak", "SM-LUBARTOW"),
        )
        .await;
    assert_eq!(data(&polish)["inviteMember"]["role"], "MEMBER");

    // Sent: one message each, in the institution's language, with a link.
    let outbox = tempfile::tempdir().unwrap();
    let summary = engine
        .send_outbox(&file_sender(outbox.path()), 50)
        .await
        .unwrap();
    assert_eq!(summary.sent, 2, "{summary:?}");
    let mails = mails_in(outbox.path());
    let to = |address: &str| {
        mails
            .iter()
            .find(|m| m.to.contains(address))
            .unwrap_or_else(|| panic!("no message to {address}"))
    };
    let ro = to("ana.ionescu@diicot.example");
    assert_eq!(ro.kind, "invitation");
    assert_eq!(ro.subject, "Invitație în Mandate pentru DIICOT");
    for shown in [
        "Ioana Popescu (Agenţia Naţională împotriva Traficului de Persoane) vă invită să folosiți Mandate",
        &format!("Instituție: {} (DIICOT)", diicot.name),
        "Invitație transmisă de: Ioana Popescu <ioana.popescu@anitp.example>",
        "Planuri la care participă instituția:\n  - Plan național de acțiune 2021-2022 pentru implementarea strategiei naționale împotriva traficului de persoane",
        "Linkul este valabil până la: 15.01.2021",
        "Acceptați invitația: https://mandate.test/invitation/",
    ] {
        assert!(ro.text.contains(shown), "lacks {shown:?}:\n{}", ro.text);
    }
    assert!(ro.html.contains("Acceptați invitația"), "{}", ro.html);
    assert!(!ro.text.contains("mdt_"), "no key in the e-mail itself");
    let pl = to("jan.nowak@sm-lubartow.example");
    assert_eq!(pl.subject, "Zaproszenie do systemu Mandate dla SM-LUBARTOW");
    assert!(
        pl.text
            .contains("zaprasza Państwa do pracy w systemie Mandate")
            && pl.text.contains("Plany, w których uczestniczy instytucja"),
        "{}",
        pl.text
    );

    // GET shows a confirmation page and issues nothing (mail scanners open links).
    let (status, page) = app.get(&ro.link).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Ana Ionescu, vă rugăm să confirmați")
            && page.contains("method=\"post\"")
            && page.contains("Confirm și primesc cheia de acces"),
        "{page}"
    );
    assert_eq!(keys_of(&db, invitee.id).await, 0);

    // A tampered link is refused.
    let mut tampered = ro.link.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    assert_eq!(post(&app, &tampered).await.0, 400);
    assert_eq!(keys_of(&db, invitee.id).await, 0);

    // POST gives the key, once, on a page no cache keeps; the key gives access.
    let (status, page, cache) = post(&app, &ro.link).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(cache.as_deref(), Some("no-store"));
    assert!(page.contains("Cheie de acces"), "{page}");
    let key = key_in(&page);
    assert_eq!(keys_of(&db, invitee.id).await, 1);
    let me = app
        .gql(
            &key,
            "{ viewer { email role institution { code } } tasks(filter: {institution: \"DIICOT\"}, first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&me)["viewer"],
        json!({ "email": "ana.ionescu@diicot.example", "role": "MEMBER", "institution": { "code": "DIICOT" } })
    );
    assert!(
        data(&me)["tasks"]["totalCount"].as_i64().unwrap() > 0,
        "{me}"
    );
    let (status, page, _) = post(&app, &ro.link).await;
    assert_eq!(status, 409, "used once: {page}");
    assert!(page.contains("a fost deja folosită"), "{page}");
    assert_eq!(app.get(&ro.link).await.0, 409);
    assert_eq!(keys_of(&db, invitee.id).await, 1);

    // After 14 days the other link has expired.
    clock.advance(chrono::Duration::days(15));
    let (status, page, _) = post(&app, &pl.link).await;
    assert_eq!(status, 410, "{page}");
    let nowak = engine
        .user_by_email("jan.nowak@sm-lubartow.example")
        .await
        .unwrap();
    assert_eq!(keys_of(&db, nowak.id).await, 0);
}

async fn who_may_not_invite_is_refused_and_nothing_is_written(db: TestDb) {
    let (app, _clock, coordinator) = setup(&db).await;
    let engine = &app.engine;
    let lubartow = app
        .token_for(
            "koordynator@lubartow.example",
            UserRole::Coordinator,
            Some("KPP-LUBARTOW"),
        )
        .await;
    // A member of IGPR (DIICOT keeps no user and no address: a partner new to Mandate, which
    // ANITP's coordinator may bring in).
    let member = app
        .token_for("member@igpr.example", UserRole::Member, Some("IGPR"))
        .await;
    let counts = || async {
        (
            user::Entity::find().count(&db.db).await.unwrap(),
            notification::Entity::find().count(&db.db).await.unwrap(),
        )
    };
    let before = counts().await;

    // An institution in none of ANITP's plans (SM-LUBARTOW takes part in Lubartów's only).
    let answer = app
        .gql(
            &coordinator,
            INVITE,
            invite("x@sm.example", "X", "SM-LUBARTOW"),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer}"
    );
    assert!(
        error_message(&answer).contains("a coordinator of a plan in which SM-LUBARTOW takes part"),
        "{answer}"
    );
    // Lubartów's coordinator and IGPR: IGPR is in no plan KPP-LUBARTOW owns.
    let answer = app
        .gql(&lubartow, INVITE, invite("x@igpr.example", "X", "IGPR"))
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("FORBIDDEN"),
        "{answer}"
    );
    // A member invites no one, not even for its own institution; who may is checked first.
    for (email, name) in [("y@igpr.example", "Y"), ("not an address", "")] {
        let answer = app.gql(&member, INVITE, invite(email, name, "IGPR")).await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("FORBIDDEN"),
            "{answer}"
        );
    }
    // The role is not for the inviter to choose.
    let answer = app
        .gql(
            &coordinator,
            "mutation { inviteMember(email: \"z@diicot.example\", name: \"Z\", institution: \"DIICOT\", role: COORDINATOR) { role } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("BAD_REQUEST"),
        "{answer}"
    );
    // An address in use, in any case and whoever has it: which institution is not told.
    for taken in [
        "koordynator@lubartow.example",
        "KOORDYNATOR@Lubartow.example",
    ] {
        let answer = app
            .gql(&coordinator, INVITE, invite(taken, "K", "DIICOT"))
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("VALIDATION"),
            "{answer}"
        );
        assert_eq!(answer["errors"][0]["extensions"]["field"], "email");
        assert!(!error_message(&answer).contains("LUBARTOW"), "{answer}");
    }
    // Inputs are checked once who may is settled.
    let answer = app
        .gql(
            &coordinator,
            INVITE,
            invite("w@diicot.example", "  ", "DIICOT"),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer}"
    );
    assert_eq!(answer["errors"][0]["extensions"]["field"], "name");
    let answer = app
        .gql(&coordinator, INVITE, invite("w@", "W", "DIICOT"))
        .await;
    assert_eq!(
        answer["errors"][0]["extensions"]["field"], "email",
        "{answer}"
    );
    // The directory is public: an unknown code is not found, for anyone.
    for token in [&coordinator, &member] {
        let answer = app
            .gql(token, INVITE, invite("w@x.example", "W", "NOPE"))
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("NOT_FOUND"),
            "{answer}"
        );
    }

    assert_eq!(counts().await, before, "no user and no outbox row written");
    assert!(
        engine.user_by_email("x@sm.example").await.is_err()
            && engine.user_by_email("x@igpr.example").await.is_err()
    );

    // Whereas an admin invites for any institution.
    let admin = app
        .token_for("admin@mandate.test", UserRole::Admin, None)
        .await;
    let answer = app
        .gql(&admin, INVITE, invite("x@sm.example", "X", "SM-LUBARTOW"))
        .await;
    assert_eq!(data(&answer)["inviteMember"]["role"], "MEMBER");
}

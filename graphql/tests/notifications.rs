//! Notifications over HTTP, on SQLite and PostgreSQL. Acknowledge links from real e-mails: a GET
//! changes nothing, a POST acknowledges once, tampered, expired and reused links are refused.
//! Institutions choosing a daily digest and a send time; the outbox as GraphQL shows it.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::time::Duration;

use app::{TestApp, data, error_code};
use chrono::{TimeZone, Utc};
use mandate_engine::UserRole;
use mandate_engine::entity::{notification, task};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::Sender;
use mandate_graphql::ServerConfig;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use support::{Fixture, TestDb};

on_both_databases!(
    an_acknowledge_link_works_once_and_only_by_post,
    digest_settings_and_the_outbox_over_graphql,
);

/// The acknowledge links in the messages written to `dir`, with the kind of each message.
fn links_in(dir: &std::path::Path) -> Vec<(String, String, String)> {
    use mailparse::MailHeaderMap;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("outbox") {
        let raw = std::fs::read(entry.expect("file").path()).expect("message");
        let mail = mailparse::parse_mail(&raw).expect("parsed");
        let kind = mail
            .headers
            .get_first_value("X-Mandate-Kind")
            .unwrap_or_default();
        let to = mail.headers.get_first_value("To").unwrap_or_default();
        let text = mail.subparts[0].get_body().expect("text");
        if let Some(start) = text.find("https://mandate.test/ack/") {
            let link: String = text[start..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            found.push((kind, to, link));
        }
    }
    found
}

async fn an_acknowledge_link_works_once_and_only_by_post(db: TestDb) {
    let f = Fixture::new(&db).await;
    let at = Utc.with_ymd_and_hms(2021, 5, 31, 7, 0, 0).unwrap();
    f.clock.set(at);
    f.engine.tick(at).await.unwrap();
    let outbox = tempfile::tempdir().unwrap();
    let sender = Sender {
        transport: Transport::files(outbox.path()).unwrap(),
        renderer: Renderer::builtin().unwrap(),
        settings: MailSettings {
            from: "mandate@mandate.test".parse().unwrap(),
            public_url: "https://mandate.test".into(),
        },
        lease: Duration::from_secs(60),
        max_attempts: 3,
        parallel: 8,
    };
    f.engine.send_outbox(&sender, 50).await.unwrap();
    let links = links_in(outbox.path());
    let task = f.task_of(&f.responsible).await;
    let mine: Vec<&(String, String, String)> = links
        .iter()
        .filter(|(_, to, _)| to == "me@example.ro")
        .collect();
    // The messages about ME's first-half task: the token starts with the notification's id.
    let about_task: Vec<i64> = notification::Entity::find()
        .filter(notification::Column::TaskId.eq(task.id))
        .all(&f.db)
        .await
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    let of_task = |kind: &str| {
        mine.iter()
            .find(|(k, _, link)| {
                let id = link.rsplit('/').next().and_then(|t| t.split('.').next());
                k == kind && id.is_some_and(|id| about_task.iter().any(|n| n.to_string() == id))
            })
            .unwrap_or_else(|| panic!("a {kind} with a link"))
    };
    let (reminder, chase) = (of_task("reminder"), of_task("ack_chase"));
    let app = TestApp::spawn(f.engine.clone(), ServerConfig::default()).await;
    let path = |link: &str| link.trim_start_matches("https://mandate.test").to_owned();
    let client = reqwest::Client::new();
    let post = |p: String| {
        let client = client.clone();
        let url = app.url(&p);
        async move {
            let r = client.post(url).send().await.expect("POST");
            (r.status().as_u16(), r.text().await.expect("page"))
        }
    };
    let events = || async {
        f.engine
            .task_history(&f.admin, task.id)
            .await
            .unwrap()
            .len()
    };
    let before = events().await;

    // GET shows the task and a button, in Romanian, and changes nothing (scanners open links).
    let (status, page) = app.get(&path(&reminder.2)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Campanii de informare") && page.contains("method=\"post\""),
        "{page}"
    );
    assert!(page.contains("Confirm luarea la cunoștință"), "{page}");
    assert_eq!(app.get(&path(&reminder.2)).await.0, 200);
    assert_eq!(events().await, before);

    // Tampered and expired links are refused, by GET and POST alike.
    let mut tampered = path(&reminder.2);
    let last = tampered.pop().expect("a character");
    tampered.push(if last == '0' { '1' } else { '0' });
    assert_eq!(app.get(&tampered).await.0, 400);
    assert_eq!(post(tampered.clone()).await.0, 400);
    assert_eq!(post("/ack/1.2.3".into()).await.0, 400);
    let row = notification::Entity::find()
        .filter(notification::Column::TaskId.eq(task.id))
        .filter(notification::Column::Kind.eq("reminder"))
        .one(&f.db)
        .await
        .unwrap()
        .unwrap();
    let expired = f
        .engine
        .ack_token(&row, at - chrono::Duration::hours(1))
        .await
        .unwrap();
    let (status, page) = post(format!("/ack/{expired}")).await;
    assert_eq!(status, 410, "{page}");
    assert_eq!(events().await, before);

    // POST acknowledges, as the institution, through the link.
    let (status, page) = post(path(&reminder.2)).await;
    assert_eq!(status, 200, "{page}");
    let acknowledged = task::Entity::find_by_id(task.id)
        .one(&f.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (acknowledged.state.as_str(), acknowledged.version),
        ("acknowledged", task.version + 1)
    );
    let history = f.engine.task_history(&f.admin, task.id).await.unwrap();
    let event = history.last().unwrap();
    assert_eq!(
        (event.kind.as_str(), event.actor.as_str()),
        ("acknowledge", "me@example.ro")
    );
    assert_eq!(event.actor_institution_id, Some(f.responsible.id));
    assert_eq!(event.payload["context"]["via"], "email_link");

    // Once only; and the other message's link has nothing left to do.
    assert_eq!(post(path(&reminder.2)).await.0, 409);
    assert_eq!(app.get(&path(&reminder.2)).await.0, 409);
    assert_eq!(post(path(&chase.2)).await.0, 409);
    assert_eq!(
        f.engine
            .task_history(&f.admin, task.id)
            .await
            .unwrap()
            .len(),
        before + 1
    );
}

async fn digest_settings_and_the_outbox_over_graphql(db: TestDb) {
    let f = Fixture::new(&db).await;
    let app = TestApp::spawn(f.engine.clone(), ServerConfig::default()).await;
    // IGPR's own coordinator: a plan's coordinator does not manage its partners' settings.
    let coordinator = app
        .token_for("coord@igpr.ro", UserRole::Coordinator, Some("IGPR"))
        .await;
    let igpr = app
        .token_for("user@igpr.ro", UserRole::Member, Some("IGPR"))
        .await;
    let outsider = app
        .token_for("user@diicot.ro", UserRole::Member, Some("DIICOT"))
        .await;
    let admin = app
        .token_for("admin@mandate.test", UserRole::Admin, None)
        .await;
    let set = "mutation($d: Delivery, $t: String) { setNotificationSettings(institution: \"IGPR\", delivery: $d, sendAt: $t) { delivery sendAt ownChoice } }";

    let before = app
        .gql(
            &igpr,
            "{ notificationSettings(institution: \"IGPR\") { delivery sendAt ownChoice } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&before)["notificationSettings"],
        json!({ "delivery": "IMMEDIATE", "sendAt": "08:00", "ownChoice": false })
    );
    let refused = app
        .gql(&outsider, set, json!({ "d": "DAILY_DIGEST" }))
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    let bad = app.gql(&coordinator, set, json!({ "t": "9.30" })).await;
    assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"));
    assert_eq!(bad["errors"][0]["extensions"]["field"], "sendAt");
    let changed = app
        .gql(
            &coordinator,
            set,
            json!({ "d": "DAILY_DIGEST", "t": "09:30" }),
        )
        .await;
    assert_eq!(
        data(&changed)["setNotificationSettings"],
        json!({ "delivery": "DAILY_DIGEST", "sendAt": "09:30", "ownChoice": true })
    );

    // The page every message's List-Unsubscribe header points to, in the institution's language.
    let (status, page) = app.get("/notifications/IGPR").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Transmitere: un rezumat zilnic") && page.contains("09:30"),
        "{page}"
    );
    assert_eq!(app.get("/notifications/NOPE").await.0, 404);

    // Monday 31 May 2021 at 09:00 Bucharest: before IGPR's 09:30, nothing for IGPR yet.
    let early = Utc.with_ymd_and_hms(2021, 5, 31, 6, 0, 0).unwrap();
    f.clock.set(early);
    f.engine.tick(early).await.unwrap();
    let at = Utc.with_ymd_and_hms(2021, 5, 31, 6, 30, 0).unwrap();
    f.clock.set(at);
    f.engine.tick(at).await.unwrap();
    let list = "query($f: NotificationFilterInput) { notifications(filter: $f, first: 200) { totalCount nodes { kind status recipient dueAt institution { code } task { id } } } }";
    let answer = app
        .gql(&admin, list, json!({ "f": { "institution": "IGPR" } }))
        .await;
    let igpr_rows = data(&answer)["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        data(&answer)["notifications"]["totalCount"],
        igpr_rows.len()
    );
    let kinds: Vec<&str> = igpr_rows
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"digest"), "{igpr_rows:#?}");
    assert!(
        !kinds.contains(&"reminder") && !kinds.contains(&"ack_chase"),
        "folded into the digest: {kinds:?}"
    );
    let digest = igpr_rows.iter().find(|n| n["kind"] == "digest").unwrap();
    assert_eq!(
        digest["dueAt"], "2021-05-31T06:30:00+00:00",
        "09:30 in Bucharest"
    );
    assert!(digest["task"].is_null());
    let answer = app
        .gql(
            &admin,
            list,
            json!({ "f": { "institution": "ME", "status": "pending" } }),
        )
        .await;
    let me_rows = data(&answer)["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        me_rows.iter().any(|n| n["kind"] == "reminder"),
        "{me_rows:#?}"
    );
    // A member sees what went to its own institution only.
    let answer = app.gql(&igpr, list, json!({})).await;
    let own = data(&answer)["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        !own.is_empty() && own.iter().all(|n| n["institution"]["code"] == "IGPR"),
        "{own:#?}"
    );
    let bad_kind = app
        .gql(&admin, list, json!({ "f": { "kind": "sms" } }))
        .await;
    assert_eq!(bad_kind["errors"][0]["extensions"]["field"], "filter.kind");
}

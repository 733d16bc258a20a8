//! Acknowledge links from real reminder e-mails, over HTTP, on SQLite and PostgreSQL: a GET
//! changes nothing; a POST acknowledges once; tampered, expired and reused links are refused.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::time::Duration;

use app::TestApp;
use chrono::{TimeZone, Utc};
use mandate_engine::entity::{notification, task};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::Sender;
use mandate_graphql::ServerConfig;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use support::{Fixture, TestDb};

on_both_databases!(an_acknowledge_link_works_once_and_only_by_post);

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
        .all(f.engine.db())
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
    let events = || async { f.engine.task_history(task.id).await.unwrap().len() };
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
        .one(f.engine.db())
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
        .one(f.engine.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (acknowledged.state.as_str(), acknowledged.version),
        ("acknowledged", task.version + 1)
    );
    let history = f.engine.task_history(task.id).await.unwrap();
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
        f.engine.task_history(task.id).await.unwrap().len(),
        before + 1
    );
}

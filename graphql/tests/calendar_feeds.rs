//! Calendar feeds through the API, on SQLite and PostgreSQL: created with their secret shown
//! once, listed without it, revoked by their owner only, and the feed's address dead after.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use app::{TestApp, data, error_code};
use mandate_engine::{Error, UserRole};
use serde_json::json;
use support::TestDb;

on_both_databases!(calendar_feeds_are_created_listed_and_revoked);

const CREATE: &str = "mutation($institution: String) {
  createCalendarFeed(institution: $institution) {
    secret path feed { id institution { code } revokedAt }
  }
}";

async fn calendar_feeds_are_created_listed_and_revoked(db: TestDb) {
    let (app, _clock) = TestApp::new(&db).await;
    app.institution("IGPR").await;
    app.institution("DIICOT").await;
    let igpr = app
        .token_for("user@igpr.ro", UserRole::Member, Some("IGPR"))
        .await;
    let diicot = app
        .token_for("user@diicot.ro", UserRole::Member, Some("DIICOT"))
        .await;

    let answer = app
        .gql(&igpr, CREATE, json!({ "institution": "IGPR" }))
        .await;
    let created = &data(&answer)["createCalendarFeed"];
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("mdc_") && secret.len() == 68, "{secret}");
    assert_eq!(created["path"], json!(format!("/calendar/{secret}.ics")));
    assert_eq!(created["feed"]["institution"]["code"], "IGPR");
    assert_eq!(created["feed"]["revokedAt"], json!(null));
    let id = created["feed"]["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("CalendarFeed:"), "{id}");
    app.engine
        .calendar_feed_document(&secret, "http://mandate.test")
        .await
        .expect("the feed answers");

    // Another institution's feed is refused; a code that is no code names the argument.
    let refused = app
        .gql(&igpr, CREATE, json!({ "institution": "DIICOT" }))
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );
    let bad = app
        .gql(&igpr, CREATE, json!({ "institution": "MAI prin IGPR" }))
        .await;
    assert_eq!(error_code(&bad).as_deref(), Some("VALIDATION"), "{bad}");
    let own = app.gql(&igpr, CREATE, json!({})).await;
    assert_eq!(
        data(&own)["createCalendarFeed"]["feed"]["institution"],
        json!(null)
    );

    // The list has both, newest first, and no secret to show.
    let list = app
        .gql(
            &igpr,
            "{ calendarFeeds { id institution { code } } }",
            json!({}),
        )
        .await;
    let feeds = data(&list)["calendarFeeds"]
        .as_array()
        .expect("feeds")
        .clone();
    assert_eq!(feeds.len(), 2);
    assert_eq!(feeds[1]["id"], json!(id));
    assert!(!list.to_string().contains(&secret));
    let others = app
        .gql(&diicot, "{ calendarFeeds { id } }", json!({}))
        .await;
    assert_eq!(data(&others)["calendarFeeds"], json!([]));

    // Only its owner revokes it; to anyone else it does not exist.
    const REVOKE: &str = "mutation($id: ID!) { revokeCalendarFeed(id: $id) { id revokedAt } }";
    let refused = app.gql(&diicot, REVOKE, json!({ "id": id })).await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("NOT_FOUND"),
        "{refused}"
    );
    let wrong_kind = app.gql(&igpr, REVOKE, json!({ "id": "Task:1" })).await;
    assert_eq!(
        error_code(&wrong_kind).as_deref(),
        Some("VALIDATION"),
        "{wrong_kind}"
    );
    app.engine
        .calendar_feed_document(&secret, "http://mandate.test")
        .await
        .expect("still answers");
    let revoked = app.gql(&igpr, REVOKE, json!({ "id": id })).await;
    assert!(
        data(&revoked)["revokeCalendarFeed"]["revokedAt"].is_string(),
        "{revoked}"
    );
    let gone = app
        .engine
        .calendar_feed_document(&secret, "http://mandate.test")
        .await
        .unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }), "{gone}");
}

//! Mandate works without the internet (it runs inside closed networks): no page the server serves
//! (GraphiQL, the acknowledge, invitation and notification-settings pages, the error answers)
//! loads, posts to or opens anything on another host, and every asset GraphiQL needs is served by
//! the server itself, with a fitting content type and a long cache lifetime.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use app::TestApp;
use chrono::{Duration, TimeZone, Utc};
use mandate_engine::entity::notification;
use mandate_engine::notifications::status;
use mandate_graphql::ServerConfig;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use support::{Fixture, TestDb};

/// Attributes whose value the browser loads, submits to or opens.
const ATTRIBUTES: [&str; 8] = [
    "src",
    "srcset",
    "href",
    "action",
    "formaction",
    "poster",
    "manifest",
    "ping",
];

/// Calls and rules whose argument the browser loads or connects to.
const CALLS: [&str; 7] = [
    "url(",
    "@import",
    "fetch(",
    "import(",
    "websocket(",
    "eventsource(",
    "sendbeacon(",
];

/// How a reference to another host starts.
const FOREIGN: [&str; 5] = ["http://", "https://", "ws://", "wss://", "//"];

/// The references in `text` to another host: each attribute value, `url(…)`, `@import`, `fetch(…)`
/// (and the like) that starts with a scheme and host or is protocol-relative. An address that is
/// plain text for the reader, outside any of these, is not a reference.
fn foreign_references(text: &str) -> Vec<String> {
    // ASCII lowercasing keeps every byte offset.
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut check = |value: &str| {
        let value = value.trim_start().trim_start_matches(['"', '\'', '`']);
        let value = value.trim_start().replace("\\/", "/");
        if FOREIGN.iter().any(|f| value.starts_with(f)) {
            let end = value
                .find(|c: char| c.is_whitespace() || "\"'`)>".contains(c))
                .unwrap_or(value.len());
            found.push(value[..end].to_owned());
        }
    };
    for name in ATTRIBUTES {
        for (at, _) in lower.match_indices(name) {
            let rest = lower[at + name.len()..].trim_start();
            if let Some(value) = rest.strip_prefix('=') {
                check(value);
            }
        }
    }
    for call in CALLS {
        for (at, _) in lower.match_indices(call) {
            let rest = &lower[at + call.len()..];
            // `@import url(…)` is checked as `url(`.
            check(rest.trim_start().trim_start_matches('('));
        }
    }
    found
}

/// The same-origin paths the page loads (`src=` and `href=` values starting with one `/`).
fn own_assets(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for name in ["src", "href"] {
        for (at, _) in page.match_indices(name) {
            let Some(rest) = page[at + name.len()..].trim_start().strip_prefix('=') else {
                continue;
            };
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
            let value: String = match quote {
                Some(q) => rest[1..].chars().take_while(|c| *c != q).collect(),
                None => rest
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '>')
                    .collect(),
            };
            if value.starts_with('/') && !value.starts_with("//") {
                found.push(value);
            }
        }
    }
    found
}

/// A GET or POST: status, content type, cache control and body.
async fn fetch(app: &TestApp, post: bool, path: &str) -> (u16, String, String, String) {
    let client = reqwest::Client::new();
    let url = app.url(path);
    let request = if post {
        client.post(url)
    } else {
        client.get(url)
    };
    let response = request.send().await.expect("request sent");
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, cache) = (header(CONTENT_TYPE), header(CACHE_CONTROL));
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    (status, content_type, cache, body)
}

#[test]
fn the_check_sees_references_to_other_hosts_and_only_those() {
    let foreign = [
        r#"<script crossorigin src="https://unpkg.com/react@18/umd/react.development.js">"#,
        r#"<link rel="icon" href="https://graphql.org/favicon.ico">"#,
        "<link rel=stylesheet href=//cdn.example/x.css>",
        r#"<img SRC = 'http://example.org/a.png'>"#,
        r#"<form method="post" action="https://example.org/ack">"#,
        "body { background: url( 'https://fonts.example/a.woff2' ) }",
        r#"@import "https://fonts.googleapis.com/css?family=Roboto";"#,
        r#"fetch("https://example.org/graphql", {})"#,
        "new WebSocket(`wss://example.org/graphql/ws`)",
        r#"fetch('https:\/\/example.org\/graphql')"#,
    ];
    for text in foreign {
        assert_eq!(foreign_references(text).len(), 1, "not seen in {text}");
    }
    let local = [
        r#"<script src="/assets/graphiql/react.production.min.0123456789abcdef.js"></script>"#,
        r#"<link rel="stylesheet" href="/assets/graphiql/graphiql.min.css">"#,
        r#"<form method="post" action="/ack/1.2.3">"#,
        "src: url(data:font/woff2;base64,d09GMgABAAAAAA2QAA4AAAAAHpwAAA05A)",
        "<p>Read more at https://example.org/help (text for the reader).</p>",
        r#"fetch("/graphql", { method: "POST" })"#,
    ];
    for text in local {
        assert_eq!(foreign_references(text), Vec::<String>::new(), "{text}");
    }
    assert_eq!(
        own_assets(
            r#"<link href="/a.css"><script src='/b.js'></script><img src=/c.png><a href="//x/d">"#
        ),
        ["/b.js", "/c.png", "/a.css"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_served_page_references_another_host() {
    let db = TestDb::sqlite().await;
    let f = Fixture::new(&db).await;
    // A reminder is due: its notification gets a genuine acknowledge link.
    let at = Utc.with_ymd_and_hms(2021, 5, 31, 7, 0, 0).unwrap();
    f.clock.set(at);
    f.engine.tick(at).await.unwrap();
    let reminder = notification::Entity::find()
        .filter(notification::Column::Kind.eq("reminder"))
        .one(&f.db)
        .await
        .unwrap()
        .expect("a reminder");
    let token = f
        .engine
        .ack_token(&reminder, at + Duration::days(30))
        .await
        .unwrap();
    // As the sender leaves it (an unsent reminder is dropped once its task moves on).
    let mut sent: notification::ActiveModel = reminder.into();
    sent.status = Set(status::SENT.to_owned());
    sent.sent_at = Set(Some(at));
    sent.update(&f.db).await.unwrap();
    let app = TestApp::spawn(f.engine.clone(), ServerConfig::default()).await;

    // Every page and answer: (POST?, path, status, content type).
    let ack = format!("/ack/{token}");
    let pages: [(bool, &str, u16, &str); 10] = [
        (false, "/graphql", 200, "text/html"),
        (false, &ack, 200, "text/html"),
        (true, &ack, 200, "text/html"),
        (true, &ack, 409, "text/html"),
        (false, "/ack/1.2.3", 400, "text/html"),
        (false, "/invitation/1.2.3", 400, "text/html"),
        (false, "/notifications/ANITP", 200, "text/html"),
        (false, "/notifications/NOSUCH", 404, "text/plain"),
        (false, "/no/such/page", 404, "application/json"),
        (false, "/healthz", 200, "text/plain"),
    ];
    let mut graphiql = String::new();
    for (post, path, status, kind) in pages {
        let (got, content_type, _, body) = fetch(&app, post, path).await;
        let method = if post { "POST" } else { "GET" };
        assert!(
            got == status && content_type.starts_with(kind),
            "{method} {path}: {got} {content_type:?}\n{body}"
        );
        let foreign = foreign_references(&body);
        assert!(
            foreign.is_empty(),
            "{method} {path} references other hosts: {foreign:#?}"
        );
        if path == "/graphql" && !post {
            graphiql = body;
        }
    }

    // GraphiQL talks to this server only, and the header editor is there for the token.
    for wiring in ["'/graphql'", "/graphql/ws", "Authorization"] {
        assert!(graphiql.contains(wiring), "no {wiring} in\n{graphiql}");
    }

    // Every asset the page loads is served here, as what it is, cacheable for good.
    let assets = own_assets(&graphiql);
    let kinds = |ext: &str| assets.iter().filter(|a| a.ends_with(ext)).count();
    assert!(
        kinds(".js") >= 3 && kinds(".css") >= 1,
        "React, ReactDOM, GraphiQL and its style sheet: {assets:?}"
    );
    for asset in &assets {
        let (status, content_type, cache, body) = fetch(&app, false, asset).await;
        assert_eq!(status, 200, "{asset}");
        let fitting = if asset.ends_with(".js") {
            content_type.starts_with("text/javascript")
        } else if asset.ends_with(".css") {
            content_type.starts_with("text/css")
        } else {
            false
        };
        assert!(fitting, "{asset} is served as {content_type:?}");
        assert!(
            cache.contains("immutable") && cache.contains("max-age=31536000"),
            "{asset}: cache-control {cache:?}"
        );
        assert!(body.len() > 1000, "{asset} is nearly empty");
        if asset.ends_with(".css") {
            // Fonts and images come inline, never from a font service.
            let foreign = foreign_references(&body);
            assert!(foreign.is_empty(), "{asset} loads {foreign:#?}");
        }
    }
    // Only the current (fingerprinted) names exist.
    let (status, content_type, _, _) = fetch(&app, false, "/assets/graphiql/graphiql.min.js").await;
    assert_eq!((status, &content_type[..]), (404, "application/json"));
}

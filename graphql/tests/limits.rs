//! Work bounded before it is done, over real HTTP on both databases: each request an outside
//! client used to hold the server (fragment doubling, aliased progress trees, huge lists, a plan of
//! millions of periods, a request past its time) is refused with a code, and the server serves on.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use app::{TestApp, data, error_code, error_message};
use mandate_engine::clock::ManualClock;
use mandate_engine::domain::Actor;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Engine, plans::plan_file};
use mandate_graphql::ServerConfig;
use serde_json::json;
use support::{TestDb, plan_start_instant};

on_both_databases!(
    expensive_requests_are_refused_before_the_work,
    a_request_past_its_time_gets_a_json_error,
    subscriptions_are_bounded_too,
);

const PNA: &str = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");

/// `head { ...F{levels} } }` with fragments that double at each level.
fn fragment_bomb(head: &str, levels: u32) -> String {
    let mut bomb = format!("{head} {{ ...F{levels} }} }} fragment F0 on Plan {{ code }}");
    for level in 1..=levels {
        let below = level - 1;
        bomb.push_str(&format!(
            " fragment F{level} on Plan {{ ...F{below} ...F{below} }}"
        ));
    }
    bomb
}

async fn with_pna(db: &TestDb, config: ServerConfig) -> TestApp {
    let engine = Engine::new(
        db.db.clone(),
        Arc::new(ManualClock::new(plan_start_instant())),
        Lifecycles::builtin().expect("default lifecycle"),
    );
    let draft = plan_file::parse(PNA, "pna.yaml", None, engine.lifecycles()).expect("plan");
    engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("imported");
    TestApp::spawn(engine, config).await
}

/// A plan file with `actions` actions of deadline `deadline` over `period`.
fn big_plan(actions: usize, deadline: &str, period: &str) -> String {
    let mut yaml = format!(
        "plan:\n  code: \"big\"\n  title: \"Big\"\n  owner: \"ANITP\"\n  period: \"{period}\"\n  \
         time_zone: \"Europe/Bucharest\"\n  language: \"ro\"\ninstitutions:\n  - code: \"ANITP\"\n\
         objectives:\n  - number: \"1\"\n    title: \"O\"\n    actions:\n"
    );
    for i in 1..=actions {
        yaml.push_str(&format!(
            "      - number: \"1.{i}\"\n        text: \"A\"\n        deadline: \"{deadline}\"\n        responsible: [\"ANITP\"]\n"
        ));
    }
    yaml
}

async fn expensive_requests_are_refused_before_the_work(db: TestDb) {
    let app = with_pna(&db, ServerConfig::default()).await;
    let admin = app
        .token_for("admin@mandate.ro", mandate_engine::UserRole::Admin, None)
        .await;
    let member = app
        .token_for(
            "ofiter@igpr.ro",
            mandate_engine::UserRole::Member,
            Some("IGPR"),
        )
        .await;

    // Fragments that double at each of 25 levels: 2^25 fields once expanded.
    let mut bomb = String::from("query { plans { ...F25 } } fragment F0 on Plan { code }");
    for level in 1..=25 {
        let below = level - 1;
        bomb.push_str(&format!(
            " fragment F{level} on Plan {{ ...F{below} ...F{below} }}"
        ));
    }
    let answer = app.gql(&member, &bomb, json!({})).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("QUERY_TOO_LARGE"),
        "{answer:#}"
    );
    assert!(
        error_message(&answer).contains("at most 10000"),
        "{answer:#}"
    );

    // 300 aliases of the progress tree.
    let aliased: String = (0..300)
        .map(|i| format!("a{i}: plans {{ objectives {{ progress {{ overdue }} children {{ progress {{ overdue }} }} }} }} "))
        .collect();
    let answer = app
        .gql(&member, &format!("{{ {aliased} }}"), json!({}))
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("QUERY_TOO_COMPLEX"),
        "{answer:#}"
    );
    // One such tree is an ordinary dashboard and is answered.
    let one = app
        .gql(
            &admin,
            "{ plans { objectives { progress { overdue } children { progress { overdue } } } } }",
            json!({}),
        )
        .await;
    assert!(data(&one)["plans"][0]["objectives"].is_array());

    // A filter with 100 000 states.
    let states: Vec<&str> = vec!["x"; 100_000];
    let answer = app
        .gql(
            &member,
            "query($s: [String!]) { tasks(filter: {states: $s}) { nodes { id } } }",
            json!({ "s": states }),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    assert_eq!(answer["errors"][0]["extensions"]["field"], "filter.states");
    assert!(error_message(&answer).contains("at most 50"), "{answer:#}");

    // Plans whose periods would run into the millions: refused while being read, located.
    let import = "mutation($y: String!) { importPlan(yaml: $y, dryRun: true) { planCode } }";
    let lunar = big_plan(300, "lunar", "1200-01-01..2022-12-31");
    let answer = app.gql(&admin, import, json!({ "y": lunar })).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    let problems = answer["errors"][0]["extensions"]["problems"].to_string();
    assert!(problems.contains("50 years"), "{problems}");
    let daily = big_plan(300, "lunar", "2000-01-01..2049-12-31");
    let answer = app.gql(&admin, import, json!({ "y": daily })).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("VALIDATION"),
        "{answer:#}"
    );
    let problems = answer["errors"][0]["extensions"]["problems"].to_string();
    assert!(
        problems.contains("yields 180000 tasks") && problems.contains("at most 20000"),
        "{problems}"
    );

    // The server serves on.
    let answer = app.gql(&member, "{ viewer { email } }", json!({})).await;
    assert_eq!(data(&answer)["viewer"]["email"], "ofiter@igpr.ro");
}

async fn a_request_past_its_time_gets_a_json_error(db: TestDb) {
    let config = ServerConfig {
        request_timeout: Duration::from_millis(1),
        ..ServerConfig::default()
    };
    let app = with_pna(&db, config).await;
    let admin = app
        .token_for("admin@mandate.ro", mandate_engine::UserRole::Admin, None)
        .await;
    // Importing the whole plan again takes far longer than a millisecond.
    let body = json!({
        "query": "mutation($y: String!) { importPlan(yaml: $y, dryRun: true) { planCode } }",
        "variables": { "y": PNA },
    });
    let (status, answer) = app.post(Some(&admin), body.to_string()).await;
    assert_eq!(status, 408, "{answer:#}");
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("TIMEOUT"),
        "{answer:#}"
    );
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(socket: &mut Socket) -> serde_json::Value {
    use futures_util::StreamExt;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("socket open")
            .expect("a message");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON message");
        }
    }
}

/// The next message about subscription `id` that is not its end.
async fn answer_to(socket: &mut Socket, id: &str) -> serde_json::Value {
    loop {
        let message = next_json(socket).await;
        if message["id"] == id && message["type"] != "complete" {
            return message;
        }
    }
}

async fn send(socket: &mut Socket, message: serde_json::Value) {
    use futures_util::SinkExt;
    socket
        .send(tokio_tungstenite::tungstenite::Message::text(
            message.to_string(),
        ))
        .await
        .expect("sent");
}

async fn subscriptions_are_bounded_too(db: TestDb) {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::http::HeaderValue;
    let app = with_pna(&db, ServerConfig::default()).await;
    let member = app
        .token_for(
            "ofiter@igpr.ro",
            mandate_engine::UserRole::Member,
            Some("IGPR"),
        )
        .await;
    let mut request = format!("ws://{}/graphql/ws", app.address)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connected");
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {member}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");

    // A fragment bomb as a subscription is refused at once, like a query.
    let bomb = fragment_bomb("subscription { taskEvents { task { plan", 40).replacen(
        "} fragment",
        "} } } fragment",
        1,
    );
    send(
        &mut socket,
        json!({ "id": "bomb", "type": "subscribe", "payload": { "query": bomb } }),
    )
    .await;
    let answer = answer_to(&mut socket, "bomb").await;
    assert!(answer.to_string().contains("QUERY_TOO_LARGE"), "{answer:#}");

    // One connection holds at most 32 subscriptions; the 33rd is refused with a code.
    let limit = mandate_graphql::limits::MAX_SUBSCRIPTIONS_PER_CONNECTION;
    for i in 0..limit {
        send(&mut socket, json!({ "id": format!("s{i}"), "type": "subscribe", "payload": { "query": "subscription { taskEvents { event { kind } } }" } })).await;
    }
    app.wait_for_subscribers(limit).await;
    send(&mut socket, json!({ "id": "one-too-many", "type": "subscribe", "payload": { "query": "subscription { taskEvents { event { kind } } }" } })).await;
    let answer = answer_to(&mut socket, "one-too-many").await;
    assert!(
        answer.to_string().contains("TOO_MANY_SUBSCRIPTIONS"),
        "{answer:#}"
    );
    // Ending one gives its place back.
    send(&mut socket, json!({ "id": "s0", "type": "complete" })).await;
    for _ in 0..500 {
        if app.engine.subscribers() < limit {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    send(&mut socket, json!({ "id": "again", "type": "subscribe", "payload": { "query": "subscription { taskEvents { event { kind } } }" } })).await;
    app.wait_for_subscribers(limit).await;
}

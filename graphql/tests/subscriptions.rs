//! `taskEvents` over WebSocket as a client sees it: replicas on one PostgreSQL database serve a
//! transition made on another; revoking the connection's token ends its subscriptions.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use app::TestApp;
use futures_util::{SinkExt, StreamExt};
use mandate_engine::clock::ManualClock;
use mandate_engine::domain::{Actor, UserRole};
use mandate_engine::entity::task;
use mandate_engine::reads::TaskFilter;
use mandate_engine::tasks::Fire;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Engine, db, plans::plan_file};
use mandate_graphql::ServerConfig;
use serde_json::{Value, json};
use support::{TestDb, plan_start_instant};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

on_both_databases!(a_revoked_tokens_subscriptions_end);

const PNA: &str = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");
const MEMBER: &str = "ofiter@igpr.ro";

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An engine over a pool of its own on `test_db`'s database: one replica.
async fn replica(test_db: &TestDb) -> Engine {
    let pool = db::connect(&test_db.url).await.expect("a replica's pool");
    Engine::new(
        pool,
        Arc::new(ManualClock::new(plan_start_instant())),
        Lifecycles::builtin().expect("default lifecycle"),
    )
}

/// A replica with the national plan imported.
async fn with_pna(test_db: &TestDb) -> Engine {
    let engine = replica(test_db).await;
    let draft = plan_file::parse(PNA, "pna.yaml", None, engine.lifecycles()).expect("plan");
    engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("imported");
    engine
}

async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("socket open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON message");
        }
    }
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("sent");
}

/// A socket signed in with `token`, subscribed to `taskEvents` as subscription `1`.
async fn subscribed(app: &TestApp, token: &str) -> Socket {
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
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { taskEvents { resync event { kind } task { id state } } }" } }),
    )
    .await;
    socket
}

/// Acknowledges a pending task of IGPR through `engine`; returns it.
async fn acknowledge_one(engine: &Engine, app: &TestApp) -> task::Model {
    let igpr = app.institution("IGPR").await;
    let pending = engine
        .tasks(&Actor::operator(), &TaskFilter::default(), None, 1000)
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| t.institution_id == igpr && t.state == "pending")
        .expect("a pending task of IGPR");
    let member = Actor::user(MEMBER, UserRole::Member, Some(igpr));
    engine
        .fire(
            &member,
            Fire::new(pending.id, pending.version, "acknowledge"),
        )
        .await
        .expect("acknowledged")
}

async fn a_revoked_tokens_subscriptions_end(test_db: TestDb) {
    let app = TestApp::spawn(with_pna(&test_db).await, ServerConfig::default()).await;
    let revoked = app.token_for(MEMBER, UserRole::Member, Some("IGPR")).await;
    let kept = app.token_for(MEMBER, UserRole::Member, Some("IGPR")).await;
    let mut ending = subscribed(&app, &revoked).await;
    let mut going_on = subscribed(&app, &kept).await;
    app.wait_for_subscribers(2).await;
    // The token issued first has the lower id.
    let tokens = app
        .engine
        .tokens_of(&Actor::operator(), MEMBER)
        .await
        .expect("tokens");
    assert_eq!(tokens.len(), 2);
    let older = tokens.iter().map(|t| t.id).min().expect("a token");
    app.engine
        .revoke_token(&Actor::operator(), older)
        .await
        .expect("revoked");
    let message = next_json(&mut ending).await;
    assert_eq!(message, json!({ "id": "1", "type": "complete" }));
    // The other token's subscription goes on.
    let task = acknowledge_one(&app.engine, &app).await;
    let message = next_json(&mut going_on).await;
    assert_eq!(message["type"], "next", "{message:#}");
    assert_eq!(
        message["payload"]["data"]["taskEvents"],
        json!({ "resync": false, "event": { "kind": "acknowledge" }, "task": { "id": format!("Task:{}", task.id), "state": "acknowledged" } })
    );
}

/// The acceptance of the bus over the API: subscribers on two replicas both see a transition
/// made on a third.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
)]
async fn replicas_serve_a_transition_made_on_a_third() {
    let test_db = TestDb::postgres().await;
    let third = with_pna(&test_db).await;
    let one = TestApp::spawn(replica(&test_db).await, ServerConfig::default()).await;
    let two = TestApp::spawn(replica(&test_db).await, ServerConfig::default()).await;
    let token = one.token_for(MEMBER, UserRole::Member, Some("IGPR")).await;
    let mut on_one = subscribed(&one, &token).await;
    let mut on_two = subscribed(&two, &token).await;
    one.wait_for_subscribers(1).await;
    two.wait_for_subscribers(1).await;
    let task = acknowledge_one(&third, &one).await;
    for socket in [&mut on_one, &mut on_two] {
        let message = next_json(socket).await;
        assert_eq!(message["type"], "next", "{message:#}");
        assert_eq!(
            message["payload"]["data"]["taskEvents"]["task"],
            json!({ "id": format!("Task:{}", task.id), "state": "acknowledged" })
        );
    }
}

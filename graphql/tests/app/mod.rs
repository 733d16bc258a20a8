//! The server under test: the real router on a free port over a fresh database, with a manual
//! clock, and a client that talks to it as any other would.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::clock::ManualClock;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_graphql::ServerConfig;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::support::{TestDb, plan_start_instant};

/// A running server and a client for it.
pub struct TestApp {
    pub address: SocketAddr,
    pub engine: Engine,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
}

impl TestApp {
    /// A server over `db`, its clock at 2021-01-01T00:00Z.
    pub async fn new(db: &TestDb) -> (Self, ManualClock) {
        let clock = ManualClock::new(plan_start_instant());
        let engine = Engine::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            Lifecycles::builtin().expect("default lifecycle"),
        );
        (Self::spawn(engine, ServerConfig::default()).await, clock)
    }

    /// A server over `engine` with `config`.
    pub async fn spawn(engine: Engine, config: ServerConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("free port");
        let address = listener.local_addr().expect("address");
        let router = mandate_graphql::router(engine.clone(), &config).expect("router");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(mandate_graphql::serve(listener, router, async {
            stopped.await.ok();
        }));
        Self {
            address,
            engine,
            // No idle connections kept: after a refused oversized body the server closes the
            // connection it did not read to the end, and a pooled client would reuse it.
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("HTTP client"),
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Creates an institution (as the operator) unless it exists.
    pub async fn institution(&self, code: &str) -> i64 {
        use mandate_engine::plans::{InstitutionDefaults, NewInstitution};
        self.engine
            .upsert_institution(
                &Actor::operator(),
                NewInstitution {
                    code: InstitutionCode::parse(code).expect("code"),
                    name: Some(format!("Institution {code}")),
                    parent: None,
                    emails: None,
                    language: None,
                    time_zone: None,
                },
                &InstitutionDefaults {
                    language: "ro".into(),
                    time_zone: chrono_tz::Europe::Bucharest,
                },
            )
            .await
            .expect("institution")
            .id
    }

    /// Creates a user (as the operator) and returns a fresh token for it.
    pub async fn token_for(
        &self,
        email: &str,
        role: UserRole,
        institution: Option<&str>,
    ) -> String {
        let operator = Actor::operator();
        let new = NewUser {
            email: EmailAddress::parse(email).expect("email"),
            name: email.to_owned(),
            role,
            institution: institution.map(|c| InstitutionCode::parse(c).expect("code")),
        };
        if self.engine.user_by_email(email).await.is_err() {
            self.engine.create_user(&operator, new).await.expect("user");
        }
        self.engine
            .issue_token(&operator, email, None, None)
            .await
            .expect("token")
            .token
    }

    /// Runs a GraphQL operation with `token`; the whole JSON answer.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables });
        self.post(Some(token), body.to_string()).await.1
    }

    /// Posts a raw body to `/graphql`; the status and the JSON answer.
    pub async fn post(&self, token: Option<&str>, body: impl Into<reqwest::Body>) -> (u16, Value) {
        let mut request = self
            .http
            .post(self.url("/graphql"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("answer is not JSON ({e}): {text}"));
        (status, json)
    }

    /// A GET; the status and the body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .expect("request sent");
        (
            response.status().as_u16(),
            response.text().await.expect("body"),
        )
    }

    /// Waits until the engine has `n` subscribers (a WebSocket subscription is set up after its
    /// `subscribe` message is read, with no answer to wait for).
    pub async fn wait_for_subscribers(&self, n: usize) {
        for _ in 0..500 {
            if self.engine.subscribers() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{n} subscriber(s) never arrived");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
    }
}

/// The `data` of an answer, which must have no errors.
pub fn data(answer: &Value) -> &Value {
    assert!(
        answer.get("errors").is_none(),
        "unexpected errors: {answer:#}"
    );
    &answer["data"]
}

/// The `extensions.code` of the first error (`None` without errors).
pub fn error_code(answer: &Value) -> Option<String> {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}

/// The message of the first error.
pub fn error_message(answer: &Value) -> String {
    answer["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

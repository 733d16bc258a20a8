//! Faults under load, from outside: `mandate serve` processes on one database, four clients
//! firing task transitions over GraphQL, and then a replica killed with SIGKILL, or the
//! database's connections cut. Every mutation answered is recorded; afterwards each must be in
//! the database (its event, the task's version), and the history checker must find every task's
//! history one the engine may have written.

mod server;
#[path = "../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::clock::SystemClock;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::entity::{event, institution, task};
use mandate_engine::tasks::lifecycle::Lifecycles;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use server::Server;
use support::{TestDb, history, import_anti_trafficking_plan};
use tokio::sync::watch;

on_both_databases!(a_replica_killed_under_load_loses_no_answered_transition);

/// Longest a client waits for an answer: a request that takes longer hangs, and fails the test.
const HANG: Duration = Duration::from_secs(15);

/// Longest the load takes to reach a number of answers.
const PATIENCE: Duration = Duration::from_secs(90);

/// The world the clients work in: the anti-trafficking plan, and a member's token for each of
/// the four institutions with the most tasks, with those tasks.
struct World {
    clients: Vec<(String, Vec<i64>)>,
}

async fn world(db: &TestDb) -> World {
    let engine = Engine::new(
        db.db.clone(),
        Arc::new(SystemClock),
        Lifecycles::builtin().expect("lifecycles"),
    );
    import_anti_trafficking_plan(&engine, &db.db).await;
    let mut tasks: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for t in task::Entity::find()
        .order_by_asc(task::Column::Id)
        .all(&db.db)
        .await
        .expect("tasks")
    {
        tasks.entry(t.institution_id).or_default().push(t.id);
    }
    let mut busiest: Vec<(i64, Vec<i64>)> = tasks.into_iter().collect();
    busiest.sort_by_key(|(_, tasks)| std::cmp::Reverse(tasks.len()));
    let operator = Actor::operator();
    let mut clients = Vec::new();
    for (id, tasks) in busiest.into_iter().take(4) {
        let code = institution::Entity::find_by_id(id)
            .one(&db.db)
            .await
            .expect("institution")
            .expect("it exists")
            .code;
        let email = format!("member@{}.example.ro", code.to_lowercase());
        engine
            .create_user(
                &operator,
                NewUser {
                    email: EmailAddress::parse(&email).expect("address"),
                    name: format!("Member of {code}"),
                    role: UserRole::Member,
                    institution: Some(InstitutionCode::parse(&code).expect("code")),
                },
            )
            .await
            .expect("member");
        let token = engine
            .issue_token(&operator, &email, None, None)
            .await
            .expect("token")
            .token;
        clients.push((token, tasks));
    }
    World { clients }
}

/// `mandate serve` on `db`, with the scheduler ticking every second (mail as `.eml` files in
/// `dir`) unless `scheduler` is false.
fn serve(db: &TestDb, dir: &std::path::Path, scheduler: bool) -> (Server, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mandate"));
    command
        .current_dir(dir)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--request-timeout",
            "10",
        ])
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn,sqlx=error");
    if scheduler {
        command.args(["--schedule", "* * * * * *", "--outbox-dir", "outbox"]);
    } else {
        command.arg("--no-scheduler");
    }
    let mut server = Server::start(command);
    let (_, address) = server.started();
    (server, address)
}

/// A mutation answered `200` with its result.
#[derive(Debug, Clone)]
struct Answer {
    task: i64,
    transition: &'static str,
    version: i64,
    state: String,
}

/// What every client shares with the test: the answers, their count, the errors a client was
/// told to retry, and when to stop.
#[derive(Default)]
struct Load {
    answers: Mutex<Vec<Answer>>,
    retryable: Mutex<Vec<Value>>,
    stop: AtomicBool,
}

impl Load {
    fn answered(&self) -> Vec<Answer> {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The next step of the default lifecycle's happy path from `state`: the mutation, its
/// transition, and its extra arguments.
fn next_step(state: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match state {
        "pending" => Some(("acknowledgeTask", "acknowledge", "")),
        "acknowledged" => Some(("startTask", "start", "")),
        "in_progress" => Some(("submitReport", "submit", ", narrative: \"Raport\"")),
        _ => None,
    }
}

/// What came of one request.
enum Reply {
    /// `200`, no error: the data.
    Data(Value),
    /// A GraphQL error, with the answer's status and `Retry-After`.
    Refused {
        status: u16,
        retry_after: Option<String>,
        body: Value,
    },
    /// No answer: the connection was refused or broken.
    Lost(String),
}

/// One client: its token, the servers it knows (it uses the first that answers), its tasks.
struct Client {
    http: reqwest::Client,
    token: String,
    servers: Vec<String>,
    current: usize,
    load: Arc<Load>,
    answered: Arc<watch::Sender<usize>>,
}

impl Client {
    async fn post(&self, query: &str) -> Reply {
        let sent = self
            .http
            .post(format!("http://{}/graphql", self.servers[self.current]))
            .bearer_auth(&self.token)
            .json(&json!({ "query": query }))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) if e.is_timeout() => panic!("{query}: no answer within {HANG:?}: {e}"),
            Err(e) => return Reply::Lost(e.to_string()),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: Value = match response.json().await {
            Ok(body) => body,
            Err(e) if e.is_timeout() => panic!("{query}: no answer within {HANG:?}: {e}"),
            Err(e) => return Reply::Lost(e.to_string()),
        };
        if status == 200 && body.get("errors").is_none() {
            Reply::Data(body["data"].clone())
        } else {
            Reply::Refused {
                status,
                retry_after,
                body,
            }
        }
    }

    /// Goes on with the next server it knows, after its current one stopped answering.
    fn fail_over(&mut self, why: &str) {
        assert!(
            self.servers.len() > 1,
            "the only server stopped answering: {why}"
        );
        self.current = (self.current + 1) % self.servers.len();
    }

    /// Waits as a `503` asked, after checking it is a clear retryable refusal.
    async fn retry_later(&self, status: u16, retry_after: Option<String>, body: Value) {
        let code = body["errors"][0]["extensions"]["code"].as_str();
        assert_eq!(
            (status, code),
            (503, Some("UNAVAILABLE")),
            "only a retryable refusal is expected: {body}"
        );
        let seconds: u64 = retry_after
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a 503 says when to retry: {body}"));
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            !message.contains("Error") && !message.contains("sqlx"),
            "no internals in {message}"
        );
        self.load
            .retryable
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(body);
        tokio::time::sleep(Duration::from_secs(seconds.min(1))).await;
    }

    /// The task's state and version, as the server now has them.
    async fn read(&mut self, task: i64) -> (String, i64) {
        let query = format!("{{ task(id: \"Task:{task}\") {{ state version }} }}");
        loop {
            match self.post(&query).await {
                Reply::Data(data) => {
                    let t = &data["task"];
                    return (
                        t["state"].as_str().expect("state").to_owned(),
                        t["version"].as_i64().expect("version"),
                    );
                }
                Reply::Refused {
                    status,
                    retry_after,
                    body,
                } => self.retry_later(status, retry_after, body).await,
                Reply::Lost(why) => self.fail_over(&why),
            }
        }
    }

    /// Takes each task along acknowledge, start, submit, until told to stop.
    async fn run(mut self, tasks: Vec<i64>) {
        for task in tasks {
            let (mut state, mut version) = ("pending".to_owned(), 1);
            // Whether the last mutation of the task went unanswered: it may have been made.
            let mut unsure = false;
            while let Some((mutation, transition, extra)) = next_step(&state) {
                if self.load.stop.load(Ordering::Relaxed) {
                    return;
                }
                let query = format!(
                    "mutation {{ {mutation}(id: \"Task:{task}\", version: {version}{extra}) {{ state version }} }}"
                );
                match self.post(&query).await {
                    Reply::Data(data) => {
                        let t = &data[mutation];
                        state = t["state"].as_str().expect("state").to_owned();
                        version = t["version"].as_i64().expect("version");
                        unsure = false;
                        let mut answers = self
                            .load
                            .answers
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        answers.push(Answer {
                            task,
                            transition,
                            version,
                            state: state.clone(),
                        });
                        self.answered.send_replace(answers.len());
                    }
                    Reply::Refused {
                        status,
                        retry_after,
                        body,
                    } => {
                        let code = body["errors"][0]["extensions"]["code"].as_str();
                        if code == Some("CONFLICT") {
                            // Only a change made without an answer can have moved the task on.
                            assert!(unsure, "{query}: a conflict nobody caused: {body}");
                        } else {
                            self.retry_later(status, retry_after, body).await;
                            unsure = true;
                        }
                        (state, version) = self.read(task).await;
                    }
                    Reply::Lost(why) => {
                        unsure = true;
                        self.fail_over(&why);
                        (state, version) = self.read(task).await;
                    }
                }
            }
        }
    }
}

/// Four clients, each on its own tokio task; client `i` starts on `servers[i % len]` and knows
/// the others. Returns their handles and the count of answers as it grows.
fn start_load(
    world: &World,
    servers: &[String],
    load: &Arc<Load>,
) -> (Vec<tokio::task::JoinHandle<()>>, watch::Receiver<usize>) {
    let (answered, count) = watch::channel(0);
    let answered = Arc::new(answered);
    let http = reqwest::Client::builder()
        .timeout(HANG)
        .build()
        .expect("HTTP client");
    let handles = world
        .clients
        .iter()
        .enumerate()
        .map(|(i, (token, tasks))| {
            let mut order = servers.to_vec();
            order.rotate_left(i % servers.len());
            let client = Client {
                http: http.clone(),
                token: token.clone(),
                servers: order,
                current: 0,
                load: load.clone(),
                answered: answered.clone(),
            };
            tokio::spawn(client.run(tasks.clone()))
        })
        .collect();
    (handles, count)
}

/// Waits (within [`PATIENCE`]) until the clients have had `n` answers in all.
async fn until_answered(count: &mut watch::Receiver<usize>, n: usize) {
    tokio::time::timeout(PATIENCE, count.wait_for(|answered| *answered >= n))
        .await
        .unwrap_or_else(|_| panic!("fewer than {n} answers within {PATIENCE:?}"))
        .expect("clients running");
}

/// Stops the clients and waits for them (each panics on an answer it did not expect).
async fn stop_load(load: &Load, handles: Vec<tokio::task::JoinHandle<()>>) {
    load.stop.store(true, Ordering::Relaxed);
    for handle in handles {
        tokio::time::timeout(PATIENCE, handle)
            .await
            .expect("a client stops")
            .expect("a client saw only what it expects");
    }
}

/// Every answered mutation is in the database: an event of its transition that made its
/// version and state, and the task at that version or later. Then the history checker.
async fn assert_answers_kept(db: &DatabaseConnection, answers: &[Answer]) {
    for answer in answers {
        let made = event::Entity::find()
            .filter(event::Column::TaskId.eq(answer.task))
            .filter(event::Column::Kind.eq(answer.transition))
            .all(db)
            .await
            .expect("events")
            .into_iter()
            .any(|e| {
                e.payload.get("version").and_then(Value::as_i64) == Some(answer.version)
                    && e.to_state.as_deref() == Some(answer.state.as_str())
            });
        assert!(made, "answered but not in the database: {answer:?}");
        let t = task::Entity::find_by_id(answer.task)
            .one(db)
            .await
            .expect("task")
            .expect("the task exists");
        assert!(t.version >= answer.version, "{answer:?} but {t:?}");
    }
    history::check(db, &Lifecycles::builtin().expect("lifecycles"))
        .await
        .assert_healthy();
}

/// Fault: of two replicas serving four clients (two on each, each knowing the other replica),
/// one is killed with SIGKILL after 30 answers; its clients move to the survivor and the load
/// goes on to 70 answers; then the killed one is started again on the same database.
/// Guarantee: every mutation answered `200` is in the database, no task is half-changed (the
/// history checker), conflicts arise only for mutations that went unanswered, and the
/// restarted replica serves the tasks as they were left.
async fn a_replica_killed_under_load_loses_no_answered_transition(db: TestDb) {
    let world = world(&db).await;
    let dir = tempfile::tempdir().expect("folder");
    let (doomed, first) = serve(&db, dir.path(), true);
    let (survivor, second) = serve(&db, dir.path(), false);
    let load = Arc::new(Load::default());
    let (clients, mut count) = start_load(&world, &[first, second.clone()], &load);
    until_answered(&mut count, 30).await;
    doomed.kill();
    let killed_at = load.answered().len();
    until_answered(&mut count, killed_at + 40).await;
    stop_load(&load, clients).await;
    let answers = load.answered();

    let (restarted, address) = serve(&db, dir.path(), true);
    assert_answers_kept(&db.db, &answers).await;
    // The restarted replica shows each task as the last answer about it left it, or later.
    let mut last: BTreeMap<i64, &Answer> = BTreeMap::new();
    for answer in &answers {
        last.insert(answer.task, answer);
    }
    let http = reqwest::Client::new();
    let token = &world.clients[0].0;
    let own: Vec<i64> = world.clients[0].1.clone();
    for (task, answer) in last.iter().filter(|(t, _)| own.contains(t)) {
        let body: Value = http
            .post(format!("http://{address}/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": format!("{{ task(id: \"Task:{task}\") {{ version }} }}") }))
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("JSON");
        let version = body["data"]["task"]["version"].as_i64();
        assert!(
            version.is_some_and(|v| v >= answer.version),
            "{answer:?}: {body}"
        );
    }
    restarted.stop();
    survivor.stop();
}

/// Fault: while four clients fire transitions at one replica on PostgreSQL, every connection to
/// the test database is terminated (`pg_terminate_backend`), five times, 15 answers apart.
/// Guarantee: each time the replica reconnects (an answer comes within seconds); a client is
/// refused only with a clear retryable error (`503`, `Retry-After`, `UNAVAILABLE`, no
/// internals), never a hang or a bare failure; and no answered write is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
)]
async fn database_connections_cut_under_load_lose_no_answered_transition() {
    let db = TestDb::postgres().await;
    let world = world(&db).await;
    let dir = tempfile::tempdir().expect("folder");
    let (replica, address) = serve(&db, dir.path(), true);
    let load = Arc::new(Load::default());
    let (clients, mut count) = start_load(&world, &[address], &load);
    let cutter = db.cutter().await;
    let mut cuts = 0;
    for round in 1..=5 {
        until_answered(&mut count, round * 15).await;
        cuts += cutter.cut().await;
        let cut = Instant::now();
        let before = *count.borrow();
        until_answered(&mut count, before + 1).await;
        assert!(
            cut.elapsed() < Duration::from_secs(10),
            "answered again {:?} after the cut",
            cut.elapsed()
        );
    }
    stop_load(&load, clients).await;
    assert!(cuts >= 5, "{cuts} connections cut");
    let answers = load.answered();
    assert_answers_kept(&cutter.db, &answers).await;
    let stderr = replica.stop();
    let refused = load
        .retryable
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .len();
    eprintln!(
        "{} answers, {refused} retryable refusals, {cuts} connections cut",
        answers.len()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

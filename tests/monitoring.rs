//! `mandate serve` as an operator watches it: JSON logs whose lines carry the request id sent
//! back in `x-request-id`, no link token in the logs, and Prometheus metrics on their own
//! listener that move with requests, transitions and mail. On SQLite and PostgreSQL.

#[path = "../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use prom_text_format_parser::{Scrape, ValueType};
use support::TestDb;

on_both_databases!(json_logs_carry_request_ids_and_metrics_move_with_the_work);

const PLAN: &str = r#"plan:
  code: "ops"
  title: "Planul de test"
  owner: "ANITP"
  period: "2021-01-01..2021-12-31"
  time_zone: "Europe/Bucharest"
  language: "ro"
institutions:
  - code: "ANITP"
    name: "Agenția Națională împotriva Traficului de Persoane"
  - code: "IGPR"
    name: "Inspectoratul General al Poliției Române"
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii de informare"
        deadline: "2021"
        responsible: ["IGPR"]
"#;

const MEMBER: &str = "ofiter@igpr.example";

fn mandate(db: &TestDb, dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .current_dir(dir)
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run mandate");
    assert!(
        out.status.success(),
        "mandate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A `serve` in the background: the addresses it printed, its stderr collected.
struct Server {
    child: Child,
    address: String,
    metrics: String,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Server {
    fn start(db: &TestDb, dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mandate"))
            .current_dir(dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(["--metrics-listen", "127.0.0.1:0", "--log-format", "json"])
            .args(["--schedule", "* * * * * *", "--outbox-dir", "outbox"])
            .args(["--request-timeout", "5"])
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve started");
        let mut err = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            err.read_to_string(&mut text).ok();
            text
        });
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut metrics = None;
        let address = loop {
            let line = lines
                .next()
                .expect("serve printed its address")
                .expect("line");
            if let Some(rest) = line.strip_prefix("metrics at http://") {
                metrics = rest.split('/').next().map(str::to_owned);
            }
            if let Some(rest) = line.strip_prefix("listening on http://") {
                break rest.split('/').next().expect("address").to_owned();
            }
        };
        // Keep reading stdout so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self {
            child,
            address,
            metrics: format!(
                "http://{}",
                metrics.expect("serve printed its metrics address")
            ),
            stderr: Some(stderr),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// SIGTERM, then the clean exit (within the request time limit and a margin) and what went
    /// to stderr.
    fn stop(&mut self) -> String {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("serve's status") {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "serve still runs 20 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let stderr = self
            .stderr
            .take()
            .map(|reader| reader.join().expect("stderr"))
            .unwrap_or_default();
        assert!(status.success(), "serve exits cleanly: {status}\n{stderr}");
        stderr
    }
}

impl Drop for Server {
    /// A test that failed leaves no server behind.
    fn drop(&mut self) {
        if self.stderr.is_some() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

async fn graphql(server: &Server, token: &str, query: &str) -> serde_json::Value {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(server.url("/graphql"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("JSON");
    assert!(answer.get("errors").is_none(), "{query}: {answer}");
    answer
}

/// The sign-in link in the first `.eml` to appear in `outbox` (the sender runs every second).
async fn e_mailed_link(outbox: &Path) -> String {
    for _ in 0..300 {
        let mail = std::fs::read_dir(outbox).ok().and_then(|mut files| {
            files.find_map(|f| {
                let path = f.ok()?.path();
                path.extension().is_some_and(|e| e == "eml").then_some(path)
            })
        });
        if let Some(mail) = mail {
            let text = std::fs::read_to_string(&mail)
                .expect("the message")
                .replace("=\r\n", "")
                .replace("=\n", "");
            return text
                .split_whitespace()
                .find(|word| word.starts_with("http://") && word.contains("/sign-in/"))
                .unwrap_or_else(|| panic!("no sign-in link in:\n{text}"))
                .to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no .eml in {}", outbox.display());
}

/// A scrape as its text and its samples: (metric, labels, kind of value, value).
struct Scraped {
    text: String,
    samples: Vec<(String, BTreeMap<String, String>, ValueType, f64)>,
}

impl Scraped {
    /// The value of `metric` with exactly these labels (0 when absent): a counter's or a
    /// gauge's value, a histogram's count.
    fn value(&self, metric: &str, labels: &[(&str, &str)]) -> f64 {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .iter()
            .find(|(name, l, kind, _)| name == metric && *l == wanted && *kind != ValueType::Sum)
            .map_or(0.0, |(_, _, _, value)| *value)
    }

    fn has(&self, metric: &str) -> bool {
        self.samples.iter().any(|(name, ..)| name == metric)
    }
}

/// `/metrics`, parsed as the Prometheus text format (any syntax error fails the test).
async fn scrape(server: &Server) -> Scraped {
    let answer = reqwest::get(format!("{}/metrics", server.metrics))
        .await
        .expect("scrape");
    assert_eq!(answer.status().as_u16(), 200);
    assert!(
        answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        answer.headers()
    );
    let text = answer.text().await.expect("text");
    let parsed = Scrape::parse(&text)
        .unwrap_or_else(|e| panic!("not the Prometheus text format ({e:?}):\n{text}"));
    let mut samples = Vec::new();
    for metric in parsed.metrics {
        for sample in metric.samples {
            let labels = sample
                .labels
                .iter()
                .map(|l| (l.key.clone(), l.value.clone()))
                .collect();
            let value = sample.value.value.parse::<f64>().expect("a number");
            samples.push((metric.name.clone(), labels, sample.value.value_type, value));
        }
    }
    Scraped { text, samples }
}

async fn json_logs_carry_request_ids_and_metrics_move_with_the_work(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("ops.yaml"), PLAN).expect("plan file");
    mandate(&db, dir.path(), &["import", "ops.yaml"]);
    mandate(
        &db,
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            MEMBER,
            "--name",
            "Ofițer",
            "--role",
            "member",
            "--institution",
            "IGPR",
        ],
    );
    let issued = mandate(&db, dir.path(), &["token", "create", "--user", MEMBER]);
    let token = String::from_utf8_lossy(&issued.stdout).trim().to_owned();
    let mut server = Server::start(&db, dir.path());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // Before: nothing counted yet.
    let before = scrape(&server).await;
    let healthz = [("method", "GET"), ("route", "/healthz"), ("status", "200")];
    assert_eq!(before.value("mandate_http_requests_total", &healthz), 0.0);

    // Requests: two health checks, a path no route matches, a transition over GraphQL.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let answer = client
            .get(server.url("/healthz"))
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status().as_u16(), 200);
        let id = answer
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("an x-request-id header")
            .to_owned();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1], "each request has its own id");
    // An id the reverse proxy set is kept and sent back.
    let answer = client
        .get(server.url("/no/such/page"))
        .header("x-request-id", "proxy-id-1")
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status().as_u16(), 404);
    assert_eq!(answer.headers()["x-request-id"], "proxy-id-1");
    let pending = graphql(
        &server,
        &token,
        r#"{ tasks(filter: {states: ["pending"]}, first: 1) { nodes { id version } } }"#,
    )
    .await;
    let task = &pending["data"]["tasks"]["nodes"][0];
    let (id, version) = (task["id"].as_str().expect("a task"), &task["version"]);
    let acknowledged = graphql(
        &server,
        &token,
        &format!(r#"mutation {{ acknowledgeTask(id: "{id}", version: {version}) {{ state }} }}"#),
    )
    .await;
    assert_eq!(
        acknowledged["data"]["acknowledgeTask"]["state"],
        "acknowledged"
    );

    // A sign-in link, asked for on the sign-in page, mailed, opened and used.
    let asked = client
        .post(server.url("/sign-in/link"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=ofiter%40igpr.example&next=%2F")
        .send()
        .await
        .expect("answer");
    assert_eq!(asked.status().as_u16(), 303);
    let link = e_mailed_link(&dir.path().join("outbox")).await;
    let link_token = link.rsplit('/').next().expect("a token").to_owned();
    assert!(link_token.len() > 20, "{link}");
    let link = link.replace(
        &link[..link.find("/sign-in/").expect("path")],
        &format!("http://{}", server.address),
    );
    let confirm = client.get(&link).send().await.expect("answer");
    assert_eq!(confirm.status().as_u16(), 200);
    let used = client.post(&link).send().await.expect("answer");
    assert_eq!(used.status().as_u16(), 303);
    let cookie = used
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    // A page's live updates: a stream that stays open until the server stops.
    let live = client
        .get(server.url("/events"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("answer");
    assert_eq!(live.status().as_u16(), 200);

    // After: the counters moved by exactly what was done (once the scheduler has ticked).
    let mut after = scrape(&server).await;
    for _ in 0..50 {
        if after.value("mandate_scheduler_tick_duration_seconds", &[]) >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        after = scrape(&server).await;
    }
    let text = &after.text;
    let count = |route: &str, method: &str, status: &str| {
        after.value(
            "mandate_http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(count("/healthz", "GET", "200"), 2.0, "{text}");
    assert_eq!(count("unmatched", "GET", "404"), 1.0, "{text}");
    assert_eq!(count("/graphql", "POST", "200"), 2.0, "{text}");
    assert_eq!(count("/sign-in/link", "POST", "303"), 1.0, "{text}");
    assert_eq!(count("/sign-in/{token}", "GET", "200"), 1.0, "{text}");
    assert_eq!(count("/sign-in/{token}", "POST", "303"), 1.0, "{text}");
    assert_eq!(count("/events", "GET", "200"), 1.0, "{text}");
    assert_eq!(
        after.value(
            "mandate_http_request_duration_seconds",
            &[("method", "GET"), ("route", "/healthz")]
        ),
        2.0,
        "{text}"
    );
    assert_eq!(
        after.value(
            "mandate_task_transitions_total",
            &[("transition", "acknowledge")]
        ),
        1.0,
        "{text}"
    );
    assert!(after.value("mandate_mail_sent_total", &[]) >= 1.0, "{text}");
    assert!(
        after.value("mandate_outbox_messages", &[("status", "sent")]) >= 1.0,
        "{text}"
    );
    assert_eq!(
        after.value("mandate_outbox_messages", &[("status", "failed")]),
        0.0,
        "{text}"
    );
    assert!(
        after.has("mandate_outbox_oldest_unsent_age_seconds"),
        "{text}"
    );
    assert_eq!(after.value("mandate_database_up", &[]), 1.0, "{text}");
    assert!(
        after.value("mandate_db_pool_connections", &[("state", "idle")])
            + after.value("mandate_db_pool_connections", &[("state", "in_use")])
            >= 1.0,
        "{text}"
    );
    assert!(
        after.value("mandate_scheduler_tick_duration_seconds", &[]) >= 1.0,
        "the scheduler ticks every second: {text}"
    );
    assert!(
        !text.contains(&link_token),
        "a token in the metrics:\n{text}"
    );

    // Stopped with the live stream still open: serve closes it once the time limit has passed,
    // and exits cleanly.
    let logs = server.stop();
    drop(live);
    // The logs: one JSON object a line; the lines of a request carry its id, and the route
    // template stands where the token would be.
    assert!(
        !logs.contains(&link_token),
        "a sign-in token in the logs:\n{logs}"
    );
    assert!(!logs.contains(&token), "an API token in the logs:\n{logs}");
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let request_span = |line: &serde_json::Value| -> Option<serde_json::Value> {
        line["spans"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == "request")
            .cloned()
    };
    for id in &ids {
        let of_request: Vec<&serde_json::Value> = lines
            .iter()
            .filter(|l| request_span(l).is_some_and(|s| s["request_id"] == id.as_str()))
            .collect();
        assert!(
            !of_request.is_empty(),
            "no line with request id {id}:\n{logs}"
        );
        assert!(
            of_request
                .iter()
                .all(|l| request_span(l).is_some_and(|s| s["route"] == "/healthz")),
            "{of_request:?}"
        );
    }
    assert!(
        lines.iter().any(|l| request_span(l)
            .is_some_and(|s| s["request_id"] == "proxy-id-1" && s["route"] == "unmatched")),
        "{logs}"
    );
    let sign_in_lines = lines
        .iter()
        .filter(|l| request_span(l).is_some_and(|s| s["route"] == "/sign-in/{token}"))
        .count();
    assert!(
        sign_in_lines >= 2,
        "the link's two requests are logged:\n{logs}"
    );
    assert!(
        lines
            .iter()
            .filter_map(request_span)
            .all(|s| s["request_id"].as_str().is_some_and(|id| !id.is_empty())),
        "{logs}"
    );
}

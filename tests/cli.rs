//! The `mandate` binary, run as an operator runs it, on SQLite and PostgreSQL.

#[path = "../engine/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::TestDb;

on_both_databases!(
    import_of_a_broken_plan_reports_every_mistake_and_writes_nothing,
    demo_loads_every_seed_plan_and_status_shows_them,
    serve_answers_with_a_cli_token_and_stops_on_sigterm,
);

fn mandate(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run mandate")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const BROKEN: &str = r#"plan:
  code: "broken"
  title: "Plan"
  owner: "ANITP"
  period: 2021-01-01..2021-12-31
  time_zone: Europe/Bucharest
  language: ro
institutions:
  - code: "MAI"
    name: "Ministerul Afacerilor Interne"
  - code: "ANITP"
    name: "Agenţia Naţională împotriva Traficului de Persoane"
    parent: "MAI"
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii"
        deadline: "anual"
        responsible: ["MAI prin ANTIP"]
      - number: "1.2"
        text: "Sesiuni"
        deadline: "în curând"
        responsible: ["ANITP"]
        funding: ["Buget ANITP"
  - number: "1"
    title: "Duplicat"
"#;

async fn import_of_a_broken_plan_reports_every_mistake_and_writes_nothing(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("broken.yaml");
    std::fs::write(&file, BROKEN).expect("write plan");
    let path = file.display().to_string();
    let out = mandate(&db, &["import", &path]);
    assert!(!out.status.success());
    let text = stdout(&out);
    for expected in [
        format!(
            "{path}:21:23: responsible of action 1.1: unknown institution `ANTIP` (did you mean `ANITP`?)"
        ),
        format!("{path}:24:19: action 1.2: deadline \"în curând\""),
        format!("{path}:26:18: the bracket `[` is never closed on this line"),
        format!("{path}:27:13: objective number `1` is used twice in this plan"),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("4 problem(s), nothing imported"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let status = mandate(&db, &["status"]);
    assert!(status.status.success());
    assert!(
        stdout(&status).contains("no plans yet"),
        "{}",
        stdout(&status)
    );
}

async fn demo_loads_every_seed_plan_and_status_shows_them(db: TestDb) {
    let out = mandate(&db, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = stdout(&mandate(&db, &["status"]));
    for code in [
        "pna-trafic-2021-2022",
        "cluj-2024",
        "caras-severin-2024",
        "lubartow-rejon-3-2024",
    ] {
        assert!(status.contains(code), "{code} missing in:\n{status}");
    }
    let line = status
        .lines()
        .find(|l| l.starts_with("pna-trafic-2021-2022"))
        .expect("pna row");
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cells[2], "520",
        "tasks of the anti-trafficking plan: {line}"
    );
    // Loading again changes nothing.
    assert!(mandate(&db, &["demo"]).status.success());
    assert_eq!(stdout(&mandate(&db, &["status"])), status);
}

#[test]
fn validate_accepts_the_seed_plans_and_deadline_prints_json() {
    let plans = Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows/plans");
    let mut files: Vec<String> = std::fs::read_dir(&plans)
        .expect("plans folder")
        .filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    files.sort();
    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .arg("validate")
        .args(&files)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(stdout(&out).matches(": ok").count(), files.len());

    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args([
            "deadline",
            "semestrial",
            "--plan-period",
            "2021-01-01..2021-12-31",
            "--tz",
            "Europe/Bucharest",
            "--json",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        r#"[{"due":"2021-06-30T23:59:59+03:00","end":"2021-06-30","start":"2021-01-01"},{"due":"2021-12-31T23:59:59+02:00","end":"2021-12-31","start":"2021-07-01"}]"#
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args([
            "deadline",
            "cândva",
            "--plan-period",
            "2021-01-01..2021-12-31",
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: deadline \"cândva\""), "{err}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
}

async fn serve_answers_with_a_cli_token_and_stops_on_sigterm(db: TestDb) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let created = mandate(
        &db,
        &[
            "user",
            "create",
            "--email",
            "auditor@curtea.ro",
            "--name",
            "Auditor",
            "--role",
            "auditor",
        ],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let issued = mandate(
        &db,
        &[
            "token",
            "create",
            "--user",
            "auditor@curtea.ro",
            "--expires",
            "1d",
        ],
    );
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let token = stdout(&issued).trim().to_owned();
    assert!(token.starts_with("mdt_") && token.len() == 68, "{token}");
    let unknown = mandate(&db, &["token", "create", "--user", "nobody@curtea.ro"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nobody@curtea.ro"));

    let mut server = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["serve", "--listen", "127.0.0.1:0", "--no-scheduler"])
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve started");
    let stdout = server.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("line");
        if let Some(rest) = line.strip_prefix("listening on http://") {
            break rest.split('/').next().expect("address").to_owned();
        }
    };
    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{address}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(health.status().as_u16(), 200);
    let answer: serde_json::Value = client
        .post(format!("http://{address}/graphql"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "query": "{ viewer { email role } }" }))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        answer["data"]["viewer"]["email"], "auditor@curtea.ro",
        "{answer}"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = server.wait().expect("serve stopped");
    assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
}

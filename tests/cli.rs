//! The `mandate` binary, run as an operator runs it, on SQLite and PostgreSQL.

mod server;
#[path = "../engine/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};

use server::Server;
use support::TestDb;

on_both_databases!(
    import_of_a_broken_plan_reports_every_mistake_and_writes_nothing,
    a_plan_runs_on_a_lifecycle_from_the_lifecycles_folder,
    demo_loads_every_seed_plan_and_status_shows_them,
    serve_answers_with_a_cli_token_and_stops_on_sigterm,
    report_writes_every_format_in_the_plan_language,
    audit_verify_finds_an_edited_event_and_archive_keeps_the_plan,
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

/// A plan naming the lifecycle `petitii` (line 8, column 14).
const ON_PETITII: &str = r#"plan:
  code: "petitii-2024"
  title: "Petiții"
  owner: "ANITP"
  period: 2024-01-01..2024-12-31
  time_zone: Europe/Bucharest
  language: ro
  lifecycle: petitii
institutions:
  - code: "ANITP"
    name: "Agenţia Naţională împotriva Traficului de Persoane"
objectives:
  - number: "1"
    title: "Petiții"
    actions:
      - number: "1.1"
        text: "Răspuns la petiții"
        deadline: "semestrial"
        responsible: ["ANITP"]
"#;

async fn audit_verify_finds_an_edited_event_and_archive_keeps_the_plan(db: TestDb) {
    use mandate_engine::entity::event;
    use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/workflows/plans/pna-trafic-2021-2022.yaml"
    );
    let out = mandate(&db, &["import", plan]);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = mandate(&db, &["archive", "pna-trafic-2021-2022"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("plan pna-trafic-2021-2022 archived at "));
    let out = mandate(&db, &["audit", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(&db.db)
        .await
        .expect("events");
    assert!(
        stdout(&out).starts_with(&format!("OK: {} events in 1 plans", events.len())),
        "{}",
        stdout(&out)
    );

    let edited = &events[events.len() / 2];
    db.db
        .execute_unprepared(&format!(
            "UPDATE events SET actor = 'someone else' WHERE id = {}",
            edited.id
        ))
        .await
        .expect("edit an event");
    let out = mandate(&db, &["audit", "verify", "--plan", "pna-trafic-2021-2022"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: the audit trail of plan `pna-trafic-2021-2022` is broken at event {}: its \
             content hashes to",
            edited.id
        )),
        "{stderr}"
    );
    let out = mandate(&db, &["audit", "verify", "--plan", "no-such-plan"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no-such-plan"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn a_plan_runs_on_a_lifecycle_from_the_lifecycles_folder(db: TestDb) {
    use mandate_engine::entity::{plan, task};
    use sea_orm::EntityTrait;

    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("lifecycles");
    std::fs::create_dir(&folder).expect("lifecycles folder");
    // The default lifecycle under another name, whose tasks start as `registered`.
    let petitii = include_str!("../workflows/lifecycles/default.yaml")
        .replace("name: default", "name: petitii")
        .replace("pending", "registered");
    std::fs::write(folder.join("petitii.yaml"), petitii).expect("write lifecycle");
    let file = dir.path().join("petitii.yaml");
    std::fs::write(&file, ON_PETITII).expect("write plan");
    let (path, folder) = (file.display().to_string(), folder.display().to_string());

    // Without the folder, the lifecycle is unknown, where the plan names it.
    let out = mandate(&db, &["validate", &path]);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains(&format!(
            "{path}:8:14: unknown lifecycle `petitii` (known: default, petition)"
        )),
        "{}",
        stdout(&out)
    );
    let typo = dir.path().join("typo.yaml");
    std::fs::write(
        &typo,
        ON_PETITII.replace("lifecycle: petitii", "lifecycle: petitie"),
    )
    .expect("write plan");
    let typo = typo.display().to_string();
    let out = mandate(&db, &["--lifecycles", &folder, "import", &typo]);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains(&format!(
            "{typo}:8:14: unknown lifecycle `petitie` (known: default, petitii, petition)"
        )),
        "{}",
        stdout(&out)
    );

    let out = mandate(&db, &["--lifecycles", &folder, "import", &path]);
    assert!(
        out.status.success(),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let plans = plan::Entity::find().all(&db.db).await.expect("plans");
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].lifecycle, "petitii");
    let tasks = task::Entity::find().all(&db.db).await.expect("tasks");
    assert_eq!(tasks.len(), 2, "one task per half-year");
    assert!(
        tasks.iter().all(|t| t.state == "registered"),
        "{:?}",
        tasks.iter().map(|t| &t.state).collect::<Vec<_>>()
    );
    // Validating again with the folder: the plan is fine.
    let out = mandate(&db, &["--lifecycles", &folder, "validate", &path]);
    assert!(out.status.success(), "{}", stdout(&out));

    // A lifecycle that gives no transition the acknowledge role cannot run a plan whose reminder
    // policy chases acknowledgements: refused where the plan names it, by validate and import.
    let default = include_str!("../workflows/lifecycles/default.yaml");
    assert!(
        default.contains("\n  acknowledge: acknowledge\n"),
        "the default's role"
    );
    let silent = default
        .replace("name: default", "name: tacit")
        .replace("\n  acknowledge: acknowledge\n", "\n");
    std::fs::write(Path::new(&folder).join("tacit.yaml"), silent).expect("write lifecycle");
    let tacit = dir.path().join("tacit.yaml");
    std::fs::write(
        &tacit,
        ON_PETITII
            .replace("lifecycle: petitii", "lifecycle: tacit")
            .replace("petitii-2024", "tacit-2024"),
    )
    .expect("write plan");
    let tacit = tacit.display().to_string();
    let expected = format!(
        "{tacit}:8:14: the reminder policy `default` chases acknowledgements, but the lifecycle \
         `tacit` gives no transition the role `acknowledge`"
    );
    for command in ["validate", "import"] {
        let out = mandate(&db, &["--lifecycles", &folder, command, &tacit]);
        assert!(!out.status.success(), "{command}");
        assert!(
            stdout(&out).contains(&expected),
            "{command}: {}",
            stdout(&out)
        );
    }
    assert_eq!(
        plan::Entity::find().all(&db.db).await.expect("plans").len(),
        1
    );
}

async fn report_writes_every_format_in_the_plan_language(db: TestDb) {
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/workflows/plans/lubartow-rejon-3-2024.yaml"
    );
    let out = mandate(&db, &["import", plan]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let code = "lubartow-rejon-3-2024";
    for format in ["xlsx", "docx", "html", "csv"] {
        let file = dir.path().join(format!("report.{format}"));
        let file = file.display().to_string();
        // The format comes from the file's extension.
        let out = mandate(
            &db,
            &["report", "--plan", code, "--period", "2024-H1", "-o", &file],
        );
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&file).expect("the report file");
        match format {
            "xlsx" | "docx" => assert!(bytes.starts_with(b"PK"), "{format} is a ZIP archive"),
            "html" => {
                let html = String::from_utf8(bytes).expect("UTF-8");
                assert!(html.contains(r#"<html lang="pl">"#), "{html}");
                assert!(html.contains("Informacja dotycząca realizacji planu"));
            }
            _ => assert!(
                bytes.starts_with("Cel,Nr,Podmiot,Rola".as_bytes()),
                "{}",
                String::from_utf8_lossy(&bytes)
            ),
        }
    }
    let out = mandate(
        &db,
        &[
            "report", "--plan", code, "--period", "2024-Q1", "--format", "csv", "-o", "-",
        ],
    );
    assert!(out.status.success());
    assert_eq!(stdout(&out).lines().count(), 7, "a header and six tasks");
    let out = mandate(
        &db,
        &[
            "report", "--plan", code, "--period", "2030", "--format", "csv", "-o", "-",
        ],
    );
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no work of plan lubartow-rejon-3-2024 falls in 2030"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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
    // The seed plans and registers, with the built-in lifecycles and policies alone.
    let workflows = Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows");
    let mut files: Vec<String> = ["plans", "registers"]
        .iter()
        .flat_map(|folder| std::fs::read_dir(workflows.join(folder)).expect("seed folder"))
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

#[test]
fn deadline_counted_in_days_prints_its_due_date() {
    let deadline = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mandate"))
            .arg("deadline")
            .args(args)
            .output()
            .expect("run")
    };
    // Thursday; 3 and 6 May 2024 are Orthodox Easter holidays in Romania.
    let out = deadline(&[
        "în termen de 15 zile lucrătoare de la înregistrare",
        "--from",
        "2024-05-02T10:00:00+03:00",
        "--tz",
        "Europe/Bucharest",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout(&out).trim(),
        r#"{"count":"working","days":15,"due":"2024-05-27T23:59:59+03:00","due_date":"2024-05-27","from":"registration"}"#
    );
    // In Poland the same Monday is a working day; 3 May is a holiday there too.
    let out = deadline(&[
        "w ciągu 15 dni roboczych od dnia otrzymania",
        "--from",
        "2024-05-02T10:00:00+02:00",
        "--tz",
        "Europe/Warsaw",
        "--json",
    ]);
    assert_eq!(
        stdout(&out).trim(),
        r#"{"count":"working","days":15,"due":"2024-05-24T23:59:59+02:00","due_date":"2024-05-24","from":"receipt"}"#
    );
    let out = deadline(&["30 days from registration", "--json"]);
    assert_eq!(
        stdout(&out).trim(),
        r#"{"count":"calendar","days":30,"from":"registration"}"#
    );
    let out = deadline(&[
        "30 de zile de la înregistrarea petiției",
        "--from",
        "2024-05-02T10:00:00+03:00",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unrecognised word \"petiției\""), "{err}");
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

/// The binary in `dir` as working directory, with no configuration from the environment.
fn mandate_in(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mandate"));
    command.current_dir(dir).env("RUST_LOG", "warn");
    for (name, _) in std::env::vars() {
        if name == "DATABASE_URL" || name.starts_with("MANDATE_") {
            command.env_remove(name);
        }
    }
    command
}

/// Exit code 1 and exactly one line on stderr, `error: …`, without a panic.
fn assert_one_clear_line(what: &str, out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: exit code {:?}, stderr:\n{stderr}",
        out.status.code()
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{what}: one line on stderr, got:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{what}: {stderr}");
    for bad in ["panicked", "RUST_BACKTRACE", "\x1b["] {
        assert!(!stderr.contains(bad), "{what}: {bad:?} in:\n{stderr}");
    }
    lines[0].to_owned()
}

#[test]
fn every_bad_input_ends_in_one_clear_error_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| dir.path().join(name).display().to_string();
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.path().join(name), bytes).expect("write file");
        at(name)
    };
    let empty = write("empty.yaml", b"");
    let comments = write("comments.yaml", b"# a plan, one day\n\n   # nothing yet\n");
    let binary = write(
        "binary.yaml",
        &(0..=255u8).cycle().take(4096).collect::<Vec<_>>(),
    );
    let latin1 = write("latin1.yaml", b"plan:\n  title: \"Agen\xfeia\"\n");
    let nul = write("nul.yaml", b"plan:\n  code: \"a\0b\"\n\0\0\0");
    let list = write("list.yaml", b"- plan\n- institutions\n");
    let scalar = write("scalar.yaml", b"just a sentence\n");
    let far = write(
        "far.yaml",
        format!("{}plan: [never closed\n", "\n".repeat(200_000)).as_bytes(),
    );
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).expect("folder");
    let folder = folder.display().to_string();
    let missing = at("missing.yaml");
    let report = at("report.csv");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("a port to occupy");
    let busy = busy.local_addr().expect("address").to_string();
    let nowhere = at("no-such-folder/x.db");
    let unopenable = format!("sqlite://{nowhere}?mode=rwc");

    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("import of an empty file", vec!["import", &empty]),
        ("import of comments only", vec!["import", &comments]),
        ("import of a folder", vec!["import", &folder]),
        ("import of a binary file", vec!["import", &binary]),
        ("import of a non-UTF-8 file", vec!["import", &latin1]),
        ("import of NUL bytes", vec!["import", &nul]),
        ("import of a missing file", vec!["import", &missing]),
        ("import of a YAML list", vec!["import", &list]),
        ("import of a YAML scalar", vec!["import", &scalar]),
        ("import with a mistake on line 200001", vec!["import", &far]),
        (
            "dry-run import of an empty file",
            vec!["import", "--dry-run", &empty],
        ),
        ("validate of an empty file", vec!["validate", &empty]),
        ("validate of a folder", vec!["validate", &folder, &list]),
        (
            "an unknown database scheme",
            vec!["--database", "nosuch://x", "status"],
        ),
        (
            "a database URL that is no URL",
            vec!["--database", "::::", "status"],
        ),
        (
            "a SQLite file in a missing folder",
            vec!["--database", &unopenable, "status"],
        ),
        (
            "an unreachable PostgreSQL",
            vec!["--database", "postgres://nobody@127.0.0.1:1/db", "status"],
        ),
        (
            "a PostgreSQL URL with a bad port",
            vec!["--database", "postgres://u@h:notaport/db", "status"],
        ),
        ("a bad --at", vec!["tick", "--at", "yesterday"]),
        (
            "an --at out of range",
            vec!["tick", "--at", "99999-01-01T00:00:00Z"],
        ),
        (
            "an unknown SMTP security",
            vec![
                "tick",
                "--at",
                "2021-06-25T08:00:00+03:00",
                "--smtp-host",
                "h",
                "--smtp-security",
                "tlsx",
            ],
        ),
        (
            "a bad sender",
            vec![
                "tick",
                "--at",
                "2021-06-25T08:00:00+03:00",
                "--mail-from",
                "not an address",
            ],
        ),
        (
            "an unknown institution",
            vec![
                "user",
                "create",
                "--email",
                "a@b.ro",
                "--name",
                "A",
                "--role",
                "member",
                "--institution",
                "IGPR",
            ],
        ),
        (
            "a bad e-mail",
            vec![
                "user", "create", "--email", "nope", "--name", "A", "--role", "admin",
            ],
        ),
        (
            "a bad role",
            vec![
                "user", "create", "--email", "a@b.ro", "--name", "A", "--role", "king",
            ],
        ),
        (
            "a member of nothing",
            vec![
                "user", "create", "--email", "a@b.ro", "--name", "A", "--role", "member",
            ],
        ),
        (
            "an unknown user's token",
            vec!["token", "create", "--user", "nobody@b.ro"],
        ),
        (
            "a bad lifetime",
            vec![
                "token",
                "create",
                "--user",
                "nobody@b.ro",
                "--expires",
                "3w",
            ],
        ),
        (
            "a lifetime too long",
            vec![
                "token",
                "create",
                "--user",
                "nobody@b.ro",
                "--expires",
                "999999999999d",
            ],
        ),
        // Past chrono's last date: was a panic (DateTime + TimeDelta overflowed).
        (
            "a lifetime past the last date",
            vec![
                "token",
                "create",
                "--user",
                "nobody@b.ro",
                "--expires",
                "99999999d",
            ],
        ),
        // Valid until the year 12020: longer than issueToken grants (3650 days).
        (
            "a lifetime over ten years",
            vec![
                "token",
                "create",
                "--user",
                "nobody@b.ro",
                "--expires",
                "3650000d",
            ],
        ),
        (
            "a lifetime over ten years, in hours",
            vec![
                "token",
                "create",
                "--user",
                "nobody@b.ro",
                "--expires",
                "87601h",
            ],
        ),
        (
            "a bad plan period",
            vec!["deadline", "anual", "--plan-period", "2021..x"],
        ),
        (
            "a bad time zone",
            vec![
                "deadline",
                "anual",
                "--plan-period",
                "2021-01-01..2021-12-31",
                "--tz",
                "Mars/Olympus",
            ],
        ),
        (
            "a period wording without a plan period",
            vec!["deadline", "anual"],
        ),
        (
            "a wording counted in days with a recurrence",
            vec!["deadline", "30 de zile", "--recurrence", "0 8 1 * *"],
        ),
        (
            "a wording counted in days from a bad instant",
            vec!["deadline", "30 de zile", "--from", "2024-05-02"],
        ),
        (
            "a missing lifecycles folder",
            vec!["--lifecycles", &missing, "validate", &list],
        ),
        (
            "a missing policies folder",
            vec!["--reminder-policies", &missing, "status"],
        ),
        ("a port already taken", vec!["serve", "--listen", &busy]),
        (
            "a report for a quarter that does not exist",
            vec![
                "report", "--plan", "p", "--period", "2021-Q5", "-o", &report,
            ],
        ),
        (
            "a report for a backwards range",
            vec![
                "report",
                "--plan",
                "p",
                "--period",
                "2021-06-30..2021-01-01",
                "-o",
                &report,
            ],
        ),
        (
            "a report in an unknown format",
            vec![
                "report", "--plan", "p", "--period", "2021", "--format", "pdf", "-o", &report,
            ],
        ),
        (
            "a report to a file whose extension names no format",
            vec!["report", "--plan", "p", "--period", "2021", "-o", &missing],
        ),
        (
            "a report of a plan that does not exist",
            vec!["report", "--plan", "p", "--period", "2021", "-o", &report],
        ),
        (
            "a bad schedule",
            vec![
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--schedule",
                "every minute",
            ],
        ),
    ];
    for (what, args) in &cases {
        let out = mandate_in(dir.path())
            .args(args)
            .output()
            .expect("run mandate");
        assert_one_clear_line(what, &out);
    }
}

#[test]
fn commands_name_the_database_they_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A demo beside an empty default database: the likely mistake is named.
    std::fs::write(dir.path().join("mandate-demo.db"), b"").expect("demo file");
    let out = mandate_in(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "o@igpr.ro",
            "--name",
            "O",
            "--role",
            "member",
        ])
        .args(["--institution", "IGPR"])
        .output()
        .expect("run");
    assert_eq!(
        assert_one_clear_line("unknown institution", &out),
        "error: institution IGPR not found in sqlite://mandate.db \
         (empty database: did you mean --database sqlite://mandate-demo.db?)"
    );
    let out = mandate_in(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "a@curtea.ro",
            "--name",
            "A",
            "--role",
            "auditor",
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout(&out).trim(),
        "created user a@curtea.ro (auditor) in sqlite://mandate.db"
    );
    let out = mandate_in(dir.path()).arg("status").output().expect("run");
    assert!(
        stdout(&out).starts_with("no plans yet in sqlite://mandate.db"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn logs_carry_no_colour_codes_when_piped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = mandate_in(dir.path())
        .env("RUST_LOG", "info")
        .args(["tick", "--at", "2021-06-25T08:00:00+03:00"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("INFO"), "the command logs: {stderr}");
    assert!(
        !stderr.contains("\x1b["),
        "colour codes in piped logs: {stderr}"
    );
}

/// `mandate` in `dir` with `stdin` as its standard input.
fn mandate_with_input(dir: &Path, args: &[&str], stdin: &str, log: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = mandate_in(dir)
        .env("RUST_LOG", log)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mandate");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("mandate ran")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_password_reads_stdin_and_stores_only_an_argon2id_hash() {
    const PASSWORD: &str = "Quokka-Lantern-Mistral-4471";
    let dir = tempfile::tempdir().expect("temp dir");
    let out = mandate_in(dir.path())
        .args(["user", "create", "--email", "a@curtea.ro", "--name", "A"])
        .args(["--role", "auditor"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Refusals, each in one line, the database unchanged.
    let args = ["user", "password", "--email", "a@curtea.ro"];
    for (what, input, says) in [
        ("no input", "", "no password on standard input"),
        ("an empty line", "\n", "no password on standard input"),
        ("a short password", "short\n", "12"),
    ] {
        let out = mandate_with_input(dir.path(), &args, input, "warn");
        let said = assert_one_clear_line(what, &out);
        assert!(said.contains(says), "{what}: {said}");
    }
    let out = mandate_with_input(
        dir.path(),
        &["user", "password", "--email", "nobody@curtea.ro"],
        &format!("{PASSWORD}\n"),
        "warn",
    );
    let said = assert_one_clear_line("an unknown user", &out);
    assert!(said.contains("not found in sqlite://mandate.db"), "{said}");

    // Set, with every log line on: the password is in neither output.
    let out = mandate_with_input(dir.path(), &args, &format!("{PASSWORD}\r\n"), "trace");
    let (printed, logged) = (
        stdout(&out),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{logged}");
    assert_eq!(
        printed.trim(),
        "password set for a@curtea.ro in sqlite://mandate.db"
    );
    assert!(logged.contains("password set"), "logs were on: {logged}");
    for text in [&printed, &logged] {
        assert!(
            !text.contains(PASSWORD),
            "the password was written out:\n{text}"
        );
    }

    // The database file (and its journal, if any) holds the hash, never the password.
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("mandate.db") {
            bytes.extend(std::fs::read(&path).expect("database file"));
        }
    }
    let holds = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        holds(b"$argon2id$"),
        "no argon2id hash in the database file"
    );
    assert!(
        !holds(PASSWORD.as_bytes()),
        "the password is in the database file"
    );

    // The row is an argon2id PHC string of the line without its line end.
    use sea_orm::ConnectionTrait;
    let url = format!("sqlite://{}", dir.path().join("mandate.db").display());
    let db = mandate_engine::db::connect(&url).await.expect("database");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT s.password_hash AS hash FROM user_settings s \
             JOIN users u ON u.id = s.user_id WHERE u.email = 'a@curtea.ro'",
        ))
        .await
        .expect("user_settings read");
    assert_eq!(rows.len(), 1);
    let hash: String = rows[0].try_get("", "hash").expect("a hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let engine = mandate_engine::Engine::new(
        db,
        std::sync::Arc::new(mandate_engine::SystemClock),
        mandate_engine::tasks::lifecycle::Lifecycles::builtin().expect("lifecycles"),
    );
    engine
        .sign_in_with_password("a@curtea.ro", PASSWORD)
        .await
        .expect("the password set signs in");
    assert!(
        engine
            .sign_in_with_password("a@curtea.ro", &format!("{PASSWORD}\r"))
            .await
            .is_err()
    );
}

/// The API token printed for a demo user: on the line after its e-mail and sign-in link.
fn demo_token(lines: &[String], email: &str) -> String {
    lines
        .iter()
        .position(|l| l.split_whitespace().nth(1) == Some(email))
        .and_then(|at| lines.get(at + 1))
        .and_then(|l| l.split_whitespace().find(|w| w.starts_with("mdt_")))
        .unwrap_or_else(|| panic!("no token for {email} in:\n{}", lines.join("\n")))
        .to_owned()
}

/// The one-click sign-in link printed for a demo user.
fn demo_sign_in(lines: &[String], email: &str) -> String {
    lines
        .iter()
        .find(|l| l.split_whitespace().nth(1) == Some(email))
        .and_then(|l| l.split_whitespace().nth(2))
        .filter(|link| link.contains("/sign-in/"))
        .unwrap_or_else(|| panic!("no sign-in link for {email} in:\n{}", lines.join("\n")))
        .to_owned()
}

async fn graphql(address: &str, token: &str, query: &str) -> serde_json::Value {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
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

const ACKNOWLEDGED: &str = r#"{ tasks(filter: {states: ["acknowledged"]}) { totalCount } }"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_mails_links_to_its_port_and_continues_unless_fresh() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");

    // First start: fresh, reminders every second, mail to .eml files.
    let mut command = mandate_in(dir.path());
    command.env("RUST_LOG", "info").args([
        "serve",
        "--demo",
        "--listen",
        &listen,
        "--schedule",
        "* * * * * *",
    ]);
    let mut server = Server::start(command);
    let (lines, address) = server.started();
    let printed = lines.join("\n");
    assert_eq!(address, listen);
    assert!(
        printed.contains("demo: fresh mandate-demo.db, seed plans loaded"),
        "{printed}"
    );
    // The demo runs on its own clock, from the end of its history.
    assert!(
        printed.contains("demo clock: 28 Sep 2021 09:0"),
        "{printed}"
    );
    assert!(
        printed.contains(&format!(
            "links in e-mails point to http://127.0.0.1:{port} "
        )),
        "{printed}"
    );
    let outbox = dir.path().join("outbox");
    let mut mail = None;
    for _ in 0..300 {
        mail = std::fs::read_dir(&outbox).ok().and_then(|mut files| {
            files.find_map(|f| {
                let path = f.ok()?.path();
                path.extension().is_some_and(|e| e == "eml").then_some(path)
            })
        });
        if mail.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mail = mail.expect("the scheduler wrote an .eml");
    let text = std::fs::read_to_string(&mail)
        .expect("the message")
        .replace("=\r\n", "")
        .replace("=\n", "");
    // In the List-Unsubscribe header and in both parts of the message.
    assert!(
        text.matches(&format!("http://127.0.0.1:{port}/")).count() >= 2,
        "links to port {port} in {}:\n{text}",
        mail.display()
    );
    assert!(!text.contains(":8080"), "{text}");
    assert!(
        text.contains("Sep 2021"),
        "dated by the demo clock:\n{text}"
    );

    // A change over GraphQL, by a demo user with the token just printed, on top of the
    // history's acknowledgements.
    let admin = demo_token(&lines, "admin@mandate.example");
    let count = graphql(&address, &admin, ACKNOWLEDGED).await;
    let history = count["data"]["tasks"]["totalCount"]
        .as_u64()
        .expect("a count");
    assert!(history > 0, "{count}");
    let member = demo_token(&lines, "ofiter@igpr.example");
    // The printed sign-in link opens the web application as that user, once.
    let link = demo_sign_in(&lines, "ofiter@igpr.example");
    assert!(
        link.starts_with(&format!("http://{address}/sign-in/")),
        "{link}"
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let signed_in = no_redirects.post(&link).send().await.expect("answer");
    assert_eq!(signed_in.status().as_u16(), 303);
    assert!(
        signed_in
            .headers()
            .get("set-cookie")
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("mandate_session=mds_")),
        "{:?}",
        signed_in.headers()
    );
    let again = no_redirects.post(&link).send().await.expect("answer");
    assert_eq!(again.status().as_u16(), 409, "a sign-in link works once");
    let pending = graphql(
        &address,
        &member,
        r#"{ tasks(filter: {states: ["pending"], institution: "IGPR"}, first: 1) { nodes { id version } } }"#,
    )
    .await;
    let task = &pending["data"]["tasks"]["nodes"][0];
    let (id, version) = (task["id"].as_str().expect("id"), task["version"].clone());
    let acknowledged = graphql(
        &address,
        &member,
        &format!(r#"mutation {{ acknowledgeTask(id: "{id}", version: {version}) {{ state }} }}"#),
    )
    .await;
    assert_eq!(
        acknowledged["data"]["acknowledgeTask"]["state"],
        "acknowledged"
    );
    let stderr = server.stop();
    assert!(stderr.contains("serving"), "the server logs: {stderr}");
    assert!(
        !stderr.contains("\x1b["),
        "colour codes in piped logs: {stderr}"
    );

    // Second start: the demo goes on, with new tokens that work.
    let mut command = mandate_in(dir.path());
    command.args([
        "serve",
        "--demo",
        "--listen",
        "127.0.0.1:0",
        "--no-scheduler",
    ]);
    let mut server = Server::start(command);
    let (lines, address) = server.started();
    let printed = lines.join("\n");
    assert!(
        printed.contains("demo: continuing mandate-demo.db (4 plans"),
        "{printed}"
    );
    assert!(printed.contains("demo clock: 28 Sep 2021 "), "{printed}");
    let member = demo_token(&lines, "ofiter@igpr.example");
    let task = graphql(
        &address,
        &member,
        &format!(r#"{{ task(id: "{id}") {{ state }} }}"#),
    )
    .await;
    assert_eq!(task["data"]["task"]["state"], "acknowledged");
    let admin = demo_token(&lines, "admin@mandate.example");
    let count = graphql(&address, &admin, ACKNOWLEDGED).await;
    assert_eq!(count["data"]["tasks"]["totalCount"], history + 1, "{count}");
    server.stop();

    // The clock of a demo that goes on is its own: another start instant needs --fresh.
    let out = mandate_in(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .args(["--demo-start", "2021-10-01T09:00:00+03:00"])
        .output()
        .expect("mandate runs");
    let said = assert_one_clear_line("--demo-start on a demo that goes on", &out);
    assert!(said.contains("add --fresh"), "{said}");

    // Third start, --fresh: the change is gone.
    let mut command = mandate_in(dir.path());
    command.args([
        "serve",
        "--demo",
        "--fresh",
        "--listen",
        "127.0.0.1:0",
        "--no-scheduler",
    ]);
    let mut server = Server::start(command);
    let (lines, address) = server.started();
    let printed = lines.join("\n");
    assert!(
        printed.contains("demo: fresh mandate-demo.db, seed plans loaded"),
        "{printed}"
    );
    let admin = demo_token(&lines, "admin@mandate.example");
    let count = graphql(&address, &admin, ACKNOWLEDGED).await;
    assert_eq!(count["data"]["tasks"]["totalCount"], history, "{count}");
    server.stop();

    // Fresh, from another instant.
    let mut command = mandate_in(dir.path());
    command.args([
        "serve",
        "--demo",
        "--fresh",
        "--demo-start",
        "2021-10-01T09:00:00+03:00",
        "--listen",
        "127.0.0.1:0",
        "--no-scheduler",
    ]);
    let mut server = Server::start(command);
    let (lines, _) = server.started();
    let printed = lines.join("\n");
    assert!(printed.contains("demo clock: 1 Oct 2021 09:0"), "{printed}");
    server.stop();
}

//! `mandate convert`, `validate` and `import` on a plan table, run as an operator runs them, on
//! SQLite and PostgreSQL.

#[path = "../engine/tests/support/mod.rs"]
mod support;

use std::process::{Command, Output};

use support::TestDb;

on_both_databases!(convert_writes_a_plan_file_that_imports_as_the_table_does);

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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HEADER: &str = r#"plan:
  code: "trafic-judet-2024"
  title: "Plan județean 2024"
  owner: "ANITP"
  period: 2024-01-01..2024-12-31
  time_zone: Europe/Bucharest
  language: ro
institutions:
  - code: "MAI"
    name: "Ministerul Afacerilor Interne"
  - code: "ANITP"
    name: "Agenţia Naţională împotriva Traficului de Persoane"
    parent: "MAI"
  - code: "IGPR"
    name: "Inspectoratul General al Poliţiei Române"
    parent: "MAI"
  - code: "ME"
    name: "Ministerul Educaţiei"
"#;

/// Objectives written once and carried down; two actions of 1.1, one of 1.2.
const TABLE: &str = "\
Obiectiv,Acțiune,Indicatori de monitorizare,Termen de realizare,Responsabil,Parteneri,Surse de finanțare
\"Obiectiv general nr. 1 Prevenire
Rezultat: mai puține victime
Obiectiv specific 1.1 Informare\",Campanii de informare,\"Număr de campanii
Număr de beneficiari\",semestrial,MAI prin ANITP,\"ME, MAI prin IGPR\",Buget ANITP
,Sesiuni în școli,Număr de sesiuni,anual,ME,MAI prin ANITP,Buget ME
1.2 Formare,Cursuri pentru profesori,Număr de cursuri,primul semestru 2024,ME,,
";

async fn convert_writes_a_plan_file_that_imports_as_the_table_does(db: TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = dir.path().join("plan.csv");
    std::fs::write(&table, TABLE).expect("table");
    std::fs::write(dir.path().join("plan.header.yaml"), HEADER).expect("header");
    let table = table.display().to_string();
    let output = dir.path().join("out").join("plan.yaml");
    std::fs::create_dir_all(output.parent().expect("parent")).expect("dir");
    let output = output.display().to_string();

    let converted = mandate(&db, &["convert", &table, "-o", &output]);
    assert!(converted.status.success(), "{}", stderr(&converted));
    assert!(
        stderr(&converted).contains("plan `trafic-judet-2024`, 3 objectives, 3 actions"),
        "{}",
        stderr(&converted)
    );
    let yaml = std::fs::read_to_string(&output).expect("plan file written");
    assert!(yaml.starts_with(HEADER), "the header comes first:\n{yaml}");
    for expected in [
        "  - number: \"1\"\n    title: \"Prevenire\"\n    result: \"mai puține victime\"",
        "      - number: \"1.1\"\n        title: \"Informare\"",
        "          - number: \"1.1.2\"\n            text: \"Sesiuni în școli\"",
        "            partners:\n              - \"ME\"\n              - \"MAI prin IGPR\"",
        "            deadline: \"primul semestru 2024\"",
        "            partners: []",
    ] {
        assert!(yaml.contains(expected), "missing {expected:?} in:\n{yaml}");
    }

    // The written file is a plan file like any other: it validates and imports.
    let validated = mandate(&db, &["validate", &output]);
    assert!(validated.status.success(), "{}", stdout(&validated));
    assert!(
        stdout(&validated)
            .contains("ok — plan `trafic-judet-2024`: 3 objectives, 3 actions, 9 tasks"),
        "{}",
        stdout(&validated)
    );
    let dry = mandate(&db, &["import", &table, "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("dry run: nothing was written"),
        "{}",
        stdout(&dry)
    );
    let imported = mandate(&db, &["import", &output]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        stdout(&imported).contains(&format!("{:<24} {:>5} new", "actions", 3)),
        "{}",
        stdout(&imported)
    );
    // The table re-imported in place changes nothing.
    let again = mandate(&db, &["import", &table]);
    assert!(again.status.success(), "{}", stderr(&again));
    let text = stdout(&again);
    for kind in ["objectives", "actions", "tasks"] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(kind) && l.contains("    0 new      0 changed")),
            "{kind} unchanged in:\n{text}"
        );
    }
}

#[test]
fn convert_reports_problems_at_their_cells_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = dir.path().join("plan.csv");
    std::fs::write(
        &table,
        TABLE.replace(
            "Sesiuni în școli,Număr de sesiuni,anual,ME",
            "Sesiuni în școli,Număr de sesiuni,anual,MEN",
        ),
    )
    .expect("table");
    let header = dir.path().join("antet.yaml");
    std::fs::write(&header, HEADER).expect("header");
    let output = dir.path().join("plan.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args([
            "convert",
            &table.display().to_string(),
            "--header",
            &header.display().to_string(),
            "-o",
            &output.display().to_string(),
        ])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run mandate");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "{}:E3: responsible of action 1.1.2: unknown institution `MEN` (did you mean `ME`?)",
        table.display()
    );
    assert!(
        stdout(&out).contains(&expected),
        "missing {expected:?} in:\n{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("1 problem(s), nothing written"),
        "{}",
        stderr(&out)
    );
    assert!(!output.exists(), "nothing is written");

    let not_a_table = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["convert", &header.display().to_string()])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run mandate");
    assert_eq!(not_a_table.status.code(), Some(1));
    assert!(
        stderr(&not_a_table).contains("not a plan table"),
        "{}",
        stderr(&not_a_table)
    );
}

//! The monitoring report of the anti-trafficking plan on a real database: transitions fired with
//! report values, then the report's totals against counts made here from the database, and each
//! document read back (XLSX with calamine, CSV with the csv crate, DOCX unzipped, HTML as text).

#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use mandate_engine::entity::{action, assignment, institution, plan, reporting_period, task};
use mandate_engine::plans::plan_file;
use mandate_engine::reports::{MonitoringReport, ReportPeriod};
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_engine::{Actor, Engine, ManualClock, UserRole};
use mandate_reports::Format;
use mandate_reports::charts::{self, PROGRESS_COLOURS, PROGRESS_STATUSES};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use support::TestDb;

on_both_databases!(
    totals_match_what_was_fired_and_every_document_shows_them,
    an_empty_period_says_so,
    a_member_reads_only_its_own_part,
    the_charts_draw_what_the_report_counts,
    a_priority_action_plan_reports_in_its_own_form,
);

const PLAN: &str = "pna-trafic-2021-2022";
const ACTION: &str = "1.1.1";
const BENEFICIARIES: &str = "Număr de beneficiari";
const CAMPAIGNS: &str = "Număr de acțiuni/campanii de informare derulate";
const MATERIALS: &str = "Număr de materiale informativ-preventive diseminate";
const DECLINE_REASON: &str = "Nu avem buget în 2021";

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .expect("valid instant")
}

struct World {
    engine: Engine,
    clock: ManualClock,
    plan: plan::Model,
    coordinator: Actor,
}

async fn world(db: &TestDb) -> World {
    world_of(db, PLAN).await
}

/// The plan `code` of `workflows/plans` imported, the clock at 2021-02-01.
async fn world_of(db: &TestDb, code: &str) -> World {
    let clock = ManualClock::new(at(2021, 2, 1));
    let lifecycles = Lifecycles::builtin().expect("lifecycles");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows/plans")
        .join(format!("{code}.yaml"));
    let draft = plan_file::load(&path, &lifecycles).unwrap_or_else(|problems| {
        panic!(
            "{}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let engine = Engine::new(db.db.clone(), Arc::new(clock.clone()), lifecycles);
    engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("import");
    let plan = plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .one(&db.db)
        .await
        .expect("db")
        .expect("plan");
    let coordinator = Actor::user("coord@anitp.ro", UserRole::Coordinator, Some(plan.owner_id));
    World {
        engine,
        clock,
        plan,
        coordinator,
    }
}

fn member(institution_id: i64) -> Actor {
    Actor::user(
        format!("user{institution_id}@example.ro"),
        UserRole::Member,
        Some(institution_id),
    )
}

fn values(pairs: &[(&str, Value)]) -> ReportInput {
    ReportInput {
        indicator_values: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        narrative: format!("Raport cu {} valori", pairs.len()),
        evidence: vec!["https://anitp.mai.gov.ro/campanie".to_owned()],
    }
}

async fn fire(w: &World, actor: &Actor, t: task::Model, fire: Fire) -> task::Model {
    let name = fire.step.to_string();
    w.engine
        .fire(actor, fire)
        .await
        .unwrap_or_else(|e| panic!("{name} on task {}: {e}", t.id))
}

async fn work_and_submit(w: &World, t: task::Model, report: ReportInput) -> task::Model {
    let who = member(t.institution_id);
    let t = fire(
        w,
        &who,
        t.clone(),
        Fire::new(t.id, t.version, "acknowledge"),
    )
    .await;
    let t = fire(w, &who, t.clone(), Fire::new(t.id, t.version, "start")).await;
    fire(
        w,
        &who,
        t.clone(),
        Fire::new(t.id, t.version, "submit").report(report),
    )
    .await
}

/// The partner tasks of action 1.1.1 (by institution id) in the period starting in `year`.
async fn partner_tasks(db: &TestDb, w: &World, year: i32) -> Vec<task::Model> {
    let action = action::Entity::find()
        .filter(action::Column::PlanId.eq(w.plan.id))
        .filter(action::Column::Number.eq(ACTION))
        .one(&db.db)
        .await
        .expect("db")
        .expect("action 1.1.1");
    let periods: Vec<i64> = reporting_period::Entity::find()
        .filter(reporting_period::Column::ActionId.eq(action.id))
        .all(&db.db)
        .await
        .expect("db")
        .into_iter()
        .filter(|p| p.start_date.format("%Y").to_string() == year.to_string())
        .map(|p| p.id)
        .collect();
    let mut tasks: Vec<task::Model> = task::Entity::find()
        .filter(task::Column::ActionId.eq(action.id))
        .filter(task::Column::Role.eq("partner"))
        .filter(task::Column::PeriodId.is_in(periods))
        .all(&db.db)
        .await
        .expect("db");
    tasks.sort_by_key(|t| t.institution_id);
    tasks
}

/// The plan's tasks whose reporting period meets 2021, read straight from the tables.
async fn tasks_meeting_2021(db: &TestDb, plan_id: i64) -> Vec<task::Model> {
    let (start, end) = (
        NaiveDate::from_ymd_opt(2021, 1, 1).expect("date"),
        NaiveDate::from_ymd_opt(2021, 12, 31).expect("date"),
    );
    let periods: HashMap<i64, reporting_period::Model> = reporting_period::Entity::find()
        .all(&db.db)
        .await
        .expect("db")
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .all(&db.db)
        .await
        .expect("db")
        .into_iter()
        .filter(|t| {
            let p = &periods[&t.period_id];
            p.start_date <= end && p.end_date >= start
        })
        .collect()
}

fn document(report: &MonitoringReport, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    mandate_reports::write(report, format, &mut out).unwrap_or_else(|e| panic!("{format}: {e}"));
    out
}

fn sheet(bytes: &[u8], name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an XLSX workbook");
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn number(cell: Option<&Data>) -> f64 {
    match cell {
        Some(Data::Float(n)) => *n,
        Some(Data::Int(n)) => *n as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// Excel's serial number of a date (days since 1899-12-30).
fn serial(date: NaiveDate) -> f64 {
    (date - NaiveDate::from_ymd_opt(1899, 12, 30).expect("date")).num_days() as f64
}

fn docx_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a DOCX archive");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("UTF-8");
    xml
}

async fn totals_match_what_was_fired_and_every_document_shows_them(db: TestDb) {
    let w = world(&db).await;
    let partners = partner_tasks(&db, &w, 2021).await;
    assert!(partners.len() >= 3, "1.1.1 has at least three partners");
    let (signed, returned, declined) = (&partners[0], &partners[1], &partners[2]);

    // A partner reports two numbers and is signed off.
    w.clock.set(at(2021, 6, 1));
    let t = work_and_submit(
        &w,
        signed.clone(),
        values(&[(BENEFICIARIES, json!(5)), (CAMPAIGNS, json!(2))]),
    )
    .await;
    let signed_off = fire(
        &w,
        &w.coordinator,
        t.clone(),
        Fire::new(t.id, t.version, "approve"),
    )
    .await;
    assert_eq!(signed_off.state, "signed_off");

    // Another reports, is returned, and reports again: only the latest report counts.
    let t = work_and_submit(&w, returned.clone(), values(&[(BENEFICIARIES, json!(7))])).await;
    let t = fire(
        &w,
        &w.coordinator,
        t.clone(),
        Fire::new(t.id, t.version, "return").reason("Lipsesc dovezile"),
    )
    .await;
    let who = member(t.institution_id);
    fire(
        &w,
        &who,
        t.clone(),
        Fire::new(t.id, t.version, "submit").report(values(&[
            (BENEFICIARIES, json!(4)),
            (MATERIALS, json!(300)),
        ])),
    )
    .await;

    // A third declines.
    let who = member(declined.institution_id);
    fire(
        &w,
        &who,
        declined.clone(),
        Fire::new(declined.id, declined.version, "decline").reason(DECLINE_REASON),
    )
    .await;

    // The 2022 period of the same partner: not in a 2021 report.
    let next = partner_tasks(&db, &w, 2022).await;
    let later = next
        .iter()
        .find(|t| t.institution_id == signed.institution_id)
        .expect("a 2022 task");
    w.clock.set(at(2022, 2, 1));
    work_and_submit(&w, later.clone(), values(&[(BENEFICIARIES, json!(100))])).await;

    // The report is read on 1 March 2022: what was due in 2021 and is still open is overdue.
    let now = at(2022, 3, 1);
    w.clock.set(now);
    let period = ReportPeriod::parse("2021").expect("period");
    let report = w
        .engine
        .monitoring_report(&Actor::operator(), PLAN, &period)
        .await
        .expect("report");

    // Totals against counts made here from the tables.
    let tasks = tasks_meeting_2021(&db, w.plan.id).await;
    let mut by_state: BTreeMap<String, u64> = BTreeMap::new();
    for t in &tasks {
        *by_state.entry(t.state.clone()).or_default() += 1;
    }
    let overdue = tasks.iter().filter(|t| t.open && t.due_at < now).count() as u64;
    assert!(!report.is_empty());
    assert_eq!(report.tally.tasks, tasks.len() as u64);
    assert_eq!(report.tally.by_state, by_state);
    assert_eq!(by_state.get("signed_off"), Some(&1));
    assert_eq!(by_state.get("submitted"), Some(&1));
    assert_eq!(by_state.get("declined"), Some(&1));
    assert_eq!(report.tally.declined, 1);
    assert_eq!(report.tally.overdue, overdue);
    assert!(overdue > 0 && overdue < tasks.len() as u64 - 1);
    let actions_with_work: std::collections::BTreeSet<i64> =
        tasks.iter().map(|t| t.action_id).collect();
    assert_eq!(report.tally.actions, actions_with_work.len() as u64);
    let periods_with_work: std::collections::BTreeSet<i64> =
        tasks.iter().map(|t| t.period_id).collect();
    assert_eq!(report.tally.periods, periods_with_work.len() as u64);
    assert_eq!(report.tally.periods_complete, 0, "no period was approved");

    let (_, a) = report
        .actions()
        .find(|(_, a)| a.action.number == ACTION)
        .expect("1.1.1 in the report");
    let value = |name: &str| {
        a.indicators
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("indicator {name}"))
    };
    let known = |name: &str| {
        let e = &value(name).evaluation;
        (e.actual, e.reported)
    };
    assert_eq!(known(BENEFICIARIES), (Some(9.0), 2));
    assert_eq!(known(CAMPAIGNS), (Some(2.0), 1));
    assert_eq!(known(MATERIALS), (Some(300.0), 1));
    assert_eq!(a.narratives.len(), 2);
    assert_eq!(
        a.status,
        mandate_engine::status::Status::Late,
        "work due in 2021 and still open on 1 March 2022"
    );
    let declined_line = a
        .tasks
        .iter()
        .find(|t| t.declined)
        .expect("the declined task");
    assert_eq!(declined_line.reason.as_deref(), Some(DECLINE_REASON));
    let declined_code = institution::Entity::find_by_id(declined.institution_id)
        .one(&db.db)
        .await
        .expect("db")
        .expect("institution")
        .code;

    // XLSX: the values in their cells, real numbers and dates.
    let xlsx = document(&report, Format::Xlsx);
    let indicators = sheet(&xlsx, "Indicatori");
    assert_eq!(text(indicators.get((0, 3))), "Valoare raportată");
    let row = |name: &str| {
        indicators
            .rows()
            .position(|r| text(r.first()) == ACTION && text(r.get(1)) == name)
            .unwrap_or_else(|| panic!("row of {name}"))
    };
    assert_eq!(number(indicators.get((row(BENEFICIARIES), 3))), 9.0);
    assert_eq!(number(indicators.get((row(BENEFICIARIES), 4))), 2.0);
    assert_eq!(number(indicators.get((row(CAMPAIGNS), 3))), 2.0);
    assert_eq!(number(indicators.get((row(MATERIALS), 3))), 300.0);
    // No target in the plan: the evaluation says what is known and what is missing.
    let evaluation = text(indicators.get((row(BENEFICIARIES), 6)));
    assert!(
        evaluation.starts_with("9 (fără țintă): încă necunoscut"),
        "{evaluation}"
    );

    let summary = sheet(&xlsx, "Sinteză");
    let total = summary.height() - 1;
    assert_eq!(text(summary.get((total, 0))), "Total");
    assert_eq!(number(summary.get((total, 4))), tasks.len() as f64);
    let column = |name: &str| {
        summary
            .rows()
            .next()
            .and_then(|h| h.iter().position(|c| text(Some(c)) == name))
            .unwrap_or_else(|| panic!("column {name}"))
    };
    assert_eq!(
        number(summary.get((total, column("Termen depășit")))),
        overdue as f64
    );
    assert_eq!(number(summary.get((total, column("Total refuzate")))), 1.0);
    assert_eq!(number(summary.get((total, column("Refuzată")))), 1.0);
    assert_eq!(number(summary.get((total, column("Aprobată")))), 1.0);

    // Every table's sheet has its header row frozen and filters on.
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx.clone())).expect("a ZIP archive");
    for index in 2..=9 {
        let mut xml = String::new();
        archive
            .by_name(&format!("xl/worksheets/sheet{index}.xml"))
            .expect("a sheet per table")
            .read_to_string(&mut xml)
            .expect("UTF-8");
        assert!(
            xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#),
            "sheet {index}: frozen header"
        );
        assert!(xml.contains("<autoFilter ref="), "sheet {index}: filters");
    }

    let task_sheet = sheet(&xlsx, "Sarcini");
    assert_eq!(task_sheet.height(), tasks.len() + 1);
    let declined_row = task_sheet
        .rows()
        .find(|r| text(r.get(1)) == ACTION && text(r.get(10)) == "da")
        .expect("the declined row");
    assert_eq!(text(declined_row.get(2)), declined_code);
    assert_eq!(text(declined_row.get(11)), DECLINE_REASON);
    match declined_row.get(5) {
        Some(Data::DateTime(d)) => assert_eq!(
            d.as_f64(),
            serial(NaiveDate::from_ymd_opt(2021, 12, 31).expect("date"))
        ),
        other => panic!("the period end is a date: {other:?}"),
    }

    // CSV: one row per task, the declined one with its reason.
    let csv = document(&report, Format::Csv);
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert_eq!(rows.len(), tasks.len());
    assert_eq!(
        rows.iter().filter(|r| &r[10] == "da").count(),
        1,
        "one declined"
    );
    assert_eq!(
        rows.iter().filter(|r| &r[9] == "da").count() as u64,
        overdue
    );
    let declined_csv = rows
        .iter()
        .find(|r| &r[1] == ACTION && r[2] == declined_code)
        .expect("the declined task's row");
    assert_eq!(
        (&declined_csv[4], &declined_csv[5], &declined_csv[11]),
        ("2021-01-01", "2021-12-31", DECLINE_REASON)
    );

    // DOCX: the sections as headings, the actions and the declined work as table rows.
    let xml = docx_xml(&document(&report, Format::Docx));
    let paragraphs: Vec<&str> = xml.split("</w:p>").collect();
    for heading in [
        "1. Obiective și rezultate așteptate",
        "2. Stadiul realizării acțiunilor",
        "3. Instituții partenere",
        "5. Sinteză",
        "7. Activități refuzate",
    ] {
        assert!(
            paragraphs
                .iter()
                .any(|p| p.contains(r#"w:val="Heading1""#) && p.contains(heading)),
            "heading {heading}"
        );
    }
    let rows: Vec<&str> = xml.split("</w:tr>").collect();
    let row_with = |parts: &[&str]| rows.iter().any(|r| parts.iter().all(|p| r.contains(p)));
    assert!(
        row_with(&[&format!(">{ACTION}<"), &format!("{BENEFICIARIES}: 9")]),
        "1.1.1's row with its value"
    );
    assert!(
        row_with(&[&format!(">{ACTION}<"), &declined_code, DECLINE_REASON]),
        "the declined row"
    );

    // HTML: in Romanian, printable, with the values.
    let html = String::from_utf8(document(&report, Format::Html)).expect("UTF-8");
    assert!(html.contains(r#"<html lang="ro">"#));
    assert!(html.contains("@media print"));
    assert!(html.contains("9 (fără țintă): încă necunoscut"));
    assert!(html.contains("necunoscut"));
    assert!(html.contains(DECLINE_REASON));
}

async fn an_empty_period_says_so(db: TestDb) {
    let w = world(&db).await;
    let period = ReportPeriod::parse("2025-Q1").expect("period");
    let report = w
        .engine
        .monitoring_report(&Actor::operator(), PLAN, &period)
        .await
        .expect("an empty report, not an error");
    assert!(report.is_empty());
    assert_eq!(report.tally.tasks, 0);
    let empty = "Nicio activitate a planului nu se încadrează în această perioadă.";

    let xlsx = document(&report, Format::Xlsx);
    let cover = sheet(&xlsx, "Raport de monitorizare a implem");
    assert!(cover.rows().any(|r| text(r.first()) == empty));
    assert_eq!(sheet(&xlsx, "Sarcini").height(), 1, "the header alone");
    let csv = document(&report, Format::Csv);
    assert_eq!(
        csv::Reader::from_reader(csv.as_slice()).records().count(),
        0
    );
    assert!(docx_xml(&document(&report, Format::Docx)).contains(empty));
    assert!(
        String::from_utf8(document(&report, Format::Html))
            .expect("UTF-8")
            .contains(empty)
    );

    let missing = w
        .engine
        .monitoring_report(&Actor::operator(), "no-such-plan", &period)
        .await;
    assert!(matches!(
        missing,
        Err(mandate_engine::Error::NotFound { .. })
    ));
}

async fn a_member_reads_only_its_own_part(db: TestDb) {
    let w = world(&db).await;
    let partner = partner_tasks(&db, &w, 2021).await[0].institution_id;
    let led: std::collections::BTreeSet<i64> = assignment::Entity::find()
        .filter(assignment::Column::InstitutionId.eq(partner))
        .filter(assignment::Column::Lead.eq(true))
        .all(&db.db)
        .await
        .expect("db")
        .into_iter()
        .map(|a| a.action_id)
        .collect();
    let expected = tasks_meeting_2021(&db, w.plan.id)
        .await
        .into_iter()
        .filter(|t| t.institution_id == partner || led.contains(&t.action_id))
        .count() as u64;
    let period = ReportPeriod::parse("2021").expect("period");
    let report = w
        .engine
        .monitoring_report(&member(partner), PLAN, &period)
        .await
        .expect("the partner reads the plan it takes part in");
    assert!(expected > 0);
    assert_eq!(report.tally.tasks, expected);
    let code = institution::Entity::find_by_id(partner)
        .one(&db.db)
        .await
        .expect("db")
        .expect("institution")
        .code;
    for (_, a) in report.actions() {
        assert!(
            led.contains(&a.action.id) || a.tasks.iter().all(|t| t.institution.code == code),
            "only the partner's own tasks in {}",
            a.action.number
        );
    }

    let stranger = member(i64::MAX);
    let refused = w.engine.monitoring_report(&stranger, PLAN, &period).await;
    assert!(matches!(
        refused,
        Err(mandate_engine::Error::NotFound { .. })
    ));
}

/// The `(x, height)` of the bars of each status colour, left to right.
fn bars(svg: &roxmltree::Document) -> Vec<Vec<(f64, f64)>> {
    let colours = PROGRESS_COLOURS.map(|(r, g, b)| format!("#{r:02X}{g:02X}{b:02X}"));
    let mut bars = vec![Vec::new(); colours.len()];
    for rect in svg.descendants().filter(|n| n.has_tag_name("rect")) {
        let fill = rect.attribute("fill").unwrap_or_default().to_uppercase();
        if let Some(k) = colours.iter().position(|c| *c == fill) {
            let number = |name| {
                rect.attribute(name)
                    .and_then(|v: &str| v.parse::<f64>().ok())
            };
            bars[k].push((number("x").expect("x"), number("height").expect("height")));
        }
    }
    for b in &mut bars {
        b.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    bars
}

async fn the_charts_draw_what_the_report_counts(db: TestDb) {
    let w = world(&db).await;
    let partners = partner_tasks(&db, &w, 2021).await;
    // One partner's work signed off in June, one declined in March; the rest stays open.
    w.clock.set(at(2021, 3, 10));
    let declined = fire(
        &w,
        &member(partners[1].institution_id),
        partners[1].clone(),
        Fire::new(partners[1].id, partners[1].version, "decline").reason(DECLINE_REASON),
    )
    .await;
    w.clock.set(at(2021, 6, 1));
    let submitted = work_and_submit(&w, partners[0].clone(), values(&[])).await;
    fire(
        &w,
        &w.coordinator,
        submitted.clone(),
        Fire::new(submitted.id, submitted.version, "approve"),
    )
    .await;
    w.clock.set(at(2021, 11, 15));
    let period = ReportPeriod::parse("2021").expect("period");
    let report = w
        .engine
        .monitoring_report(&w.coordinator, PLAN, &period)
        .await
        .expect("report");

    // Per general objective, its tasks by status, counted here from the task lines.
    let progress = charts::progress(&report);
    let general: Vec<&str> = report
        .objectives
        .iter()
        .filter(|o| o.tally.tasks > 0)
        .map(|o| o.objective.number.as_str())
        .collect();
    assert_eq!(
        progress
            .iter()
            .map(|p| p.number.as_str())
            .collect::<Vec<_>>(),
        general
    );
    for p in &progress {
        for (k, status) in PROGRESS_STATUSES.iter().enumerate() {
            let counted = report
                .actions()
                .filter(|(_, a)| a.action.number.split('.').next() == Some(p.number.as_str()))
                .flat_map(|(_, a)| &a.tasks)
                .filter(|t| t.status == *status)
                .count() as u64;
            assert_eq!(p.counts[k], counted, "objective {} {status:?}", p.number);
        }
    }
    let shown: u64 = progress.iter().flat_map(|p| p.counts).sum();
    let closed = report
        .actions()
        .flat_map(|(_, a)| &a.tasks)
        .filter(|t| t.status == mandate_engine::status::Status::Closed)
        .count() as u64;
    assert_eq!(shown + closed, report.tally.tasks);

    // The bar chart: well-formed, an objective's label once, its bars as tall as its counts.
    let svg = charts::progress_svg(&report, mandate_reports::labels::labels("ro")).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    for p in &progress {
        let labels = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("text") && n.text().map(str::trim) == Some(p.number.as_str())
            })
            .count();
        assert_eq!(labels, 1, "objective {}'s label", p.number);
    }
    let drawn = bars(&doc);
    let max = progress
        .iter()
        .flat_map(|p| p.counts)
        .max()
        .expect("counts") as f64;
    let tallest = drawn.iter().flatten().map(|b| b.1).fold(0.0, f64::max);
    for (k, status_bars) in drawn.iter().enumerate() {
        let heights: Vec<u64> = status_bars
            .iter()
            .filter(|b| b.1 > 0.5)
            .map(|b| (b.1 / tallest * max).round() as u64)
            .collect();
        let counts: Vec<u64> = progress
            .iter()
            .map(|p| p.counts[k])
            .filter(|n| *n > 0)
            .collect();
        assert_eq!(heights, counts, "{:?}", PROGRESS_STATUSES[k]);
    }

    // Overdue at each month end up to the report's day, counted here from the tables.
    let series = charts::overdue_series(&report);
    assert_eq!(series.len(), 10, "January to October 2021");
    let tz = chrono_tz::Europe::Bucharest;
    let tasks = tasks_meeting_2021(&db, w.plan.id).await;
    for (day, n) in &series {
        let expected = tasks
            .iter()
            .filter(|t| {
                t.due_at.with_timezone(&tz).date_naive() < *day
                    && (t.open || t.updated_at.with_timezone(&tz).date_naive() > *day)
            })
            .count() as u64;
        assert_eq!(*n, expected, "{day}");
    }
    let declined_on = declined.updated_at.with_timezone(&tz).date_naive();
    assert_eq!(
        declined_on,
        NaiveDate::from_ymd_opt(2021, 3, 10).expect("date")
    );
    let svg = charts::overdue_svg(&report, mandate_reports::labels::labels("ro")).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let line = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke")
                    .is_some_and(|c| c.eq_ignore_ascii_case("#C62828"))
        })
        .expect("the line");
    assert_eq!(
        line.attribute("points")
            .unwrap_or_default()
            .split_whitespace()
            .count(),
        series.len()
    );

    // Inline in the HTML report, nothing to run.
    let html = String::from_utf8(document(&report, Format::Html)).expect("UTF-8");
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(!html.contains("<script"));
    assert!(html.contains("Grafice"));
}

async fn a_priority_action_plan_reports_in_its_own_form(db: TestDb) {
    let code = "lubartow-rejon-3-2024";
    let w = world_of(&db, code).await;
    let period = ReportPeriod::parse("2024-H1").expect("period");
    let report = w
        .engine
        .monitoring_report(&Actor::operator(), code, &period)
        .await
        .expect("report");
    let xml = docx_xml(&document(&report, Format::Docx));
    let paragraphs: Vec<&str> = xml.split("</w:p>").collect();
    let headings: Vec<&str> = paragraphs
        .iter()
        .filter(|p| p.contains(r#"w:val="Heading1""#))
        .copied()
        .collect();
    let sections = [
        "1. Charakterystyka zdiagnozowanego zagrożenia w rejonie służbowym:",
        "2. Zakładany cel do osiągnięcia:",
        "3. Podjęte działania wraz z terminami realizacji poszczególnych etapów/zadań:",
        "4. Podmioty współpracujące w realizacji działania priorytetowego",
        "5. Sposób przekazania społeczności rejonu informacji o działaniu priorytetowym:",
    ];
    for (i, section) in sections.iter().enumerate() {
        assert!(
            headings.get(i).is_some_and(|h| h.contains(section)),
            "section {}: {section}",
            i + 1
        );
    }
    let after = |heading: &str, text: &str| {
        let at = paragraphs
            .iter()
            .position(|p| p.contains(heading))
            .unwrap_or_else(|| panic!("{heading}"));
        paragraphs[at..].iter().any(|p| p.contains(text))
    };
    assert!(after(
        sections[1],
        "Zwiększenie poziomu poczucia bezpieczeństwa"
    ));
    assert!(after(sections[1], "zmniejszenie o 50 procent"));
    assert!(after(sections[2], "styczeń – czerwiec 2024 roku – "));
    assert!(after(sections[2], "marzec- czerwiec 2024 roku – "));
    assert!(after(
        sections[3],
        "SM-LUBARTOW — Spółdzielnia Mieszkaniowa w Lubartowie"
    ));
    assert!(after(sections[4], "Plan nie zawiera tych informacji."));

    // Another plan keeps the generic form.
    let other = world(&db).await;
    let report = other
        .engine
        .monitoring_report(
            &Actor::operator(),
            PLAN,
            &ReportPeriod::parse("2021").expect("period"),
        )
        .await
        .expect("report");
    let xml = docx_xml(&document(&report, Format::Docx));
    assert!(!xml.contains("Charakterystyka"));
    assert!(xml.contains("1. Obiective și rezultate așteptate"));
}

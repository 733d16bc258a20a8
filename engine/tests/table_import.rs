//! Importing plans kept as tables: the anti-trafficking plan written into an `.xlsx` sheet (merged
//! objective cells), a `.docx` table (vMerge objective cells, responsible and partners in one
//! cell as in the source) and a Polish-headed `.csv` file imports into the same plan as its YAML
//! file; and every problem in a table names its cell.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow, VMergeType};
use mandate_engine::domain::Actor;
use mandate_engine::plans::plan_file::{self, PlanDraft, Problem};
use mandate_engine::plans::table;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Engine, ManualClock};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;
use support::TestDb;

on_both_databases!(tables_import_into_the_plan_of_the_yaml_file);

const PLAN: &str = "pna-trafic-2021-2022.yaml";

fn seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows/plans")
        .join(PLAN)
}

fn lifecycles() -> Lifecycles {
    Lifecycles::builtin().expect("lifecycles")
}

fn shown(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The plan file's header and institutions: its text before `objectives:`.
fn header_of_seed() -> String {
    let text = std::fs::read_to_string(seed()).expect("seed");
    let end = text.find("\nobjectives:").expect("objectives");
    text[..end].to_owned()
}

/// One action of the seed, as a table row holds it.
struct Row {
    /// The objective cell text when this row starts a new specific objective.
    objective: Option<String>,
    text: String,
    indicators: Vec<String>,
    deadline: String,
    recurrence: String,
    responsible: Vec<String>,
    partners: Vec<String>,
    funding: Vec<String>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().expect("text").to_owned())
        .collect()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The seed's actions in table order; the first row of each specific objective names it (and,
/// for the first specific objective of a general one, the general objective and its result).
fn rows() -> Vec<Row> {
    let raw: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(seed()).expect("seed")).expect("yaml");
    let mut rows = Vec::new();
    for general in raw["objectives"].as_array().expect("objectives") {
        for (s, specific) in general["objectives"]
            .as_array()
            .expect("specific")
            .iter()
            .enumerate()
        {
            for (a, action) in specific["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .enumerate()
            {
                let objective = (a == 0).then(|| {
                    let mut cell = String::new();
                    if s == 0 {
                        writeln!(
                            cell,
                            "Obiectiv general nr. {} {}\nRezultat: {}",
                            text(&general["number"]),
                            text(&general["title"]),
                            text(&general["result"])
                        )
                        .expect("write");
                    }
                    write!(
                        cell,
                        "Obiectiv specific {}\n{}",
                        text(&specific["number"]),
                        text(&specific["title"])
                    )
                    .expect("write");
                    cell
                });
                rows.push(Row {
                    objective,
                    text: text(&action["text"]),
                    indicators: action["indicators"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|i| text(&i["name"]))
                        .collect(),
                    deadline: text(&action["deadline"]),
                    recurrence: text(&action["recurrence"]),
                    responsible: strings(&action["responsible"]),
                    partners: strings(&action["partners"]),
                    funding: strings(&action["funding"]),
                });
            }
        }
    }
    rows
}

/// Rows of the same objective: `(first, last)` row indexes.
fn objective_spans(rows: &[Row]) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].objective.is_some())
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| (start, starts.get(k + 1).map_or(rows.len(), |&n| n) - 1))
        .collect()
}

/// The plan as a Romanian-headed sheet `Plan`, the objective cells merged over their actions.
fn write_xlsx(rows: &[Row], path: &Path) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Plan").expect("name");
    let header = [
        "Obiectiv",
        "Acțiune (activitate)",
        "Indicatori de monitorizare",
        "Termen de realizare",
        "Recurență",
        "Instituţii responsabile",
        "Instituţii partenere",
        "Surse de finanţare",
    ];
    for (c, title) in (0u16..).zip(header) {
        sheet.write_string(0, c, title).expect("header");
    }
    for (r, row) in (1u32..).zip(rows) {
        let cells = [
            row.text.clone(),
            row.indicators.join("\n"),
            row.deadline.clone(),
            row.recurrence.clone(),
            row.responsible.join("\n"),
            row.partners.join("\n"),
            row.funding.join("\n"),
        ];
        for (c, value) in (1u16..).zip(cells) {
            if !value.is_empty() {
                sheet.write_string(r, c, value).expect("cell");
            }
        }
    }
    let format = Format::new().set_text_wrap();
    for (first, last) in objective_spans(rows) {
        let cell = rows[first].objective.as_deref().expect("objective");
        let (first_row, last_row) = (first as u32 + 1, last as u32 + 1);
        if first_row == last_row {
            sheet.write_string(first_row, 0, cell).expect("objective");
        } else {
            sheet
                .merge_range(first_row, 0, last_row, 0, cell, &format)
                .expect("merge");
        }
    }
    workbook.save(path).expect("save xlsx");
}

fn paragraphs(cell: TableCell, text: &str) -> TableCell {
    text.lines().fold(cell, |cell, line| {
        cell.add_paragraph(Paragraph::new().add_run(Run::new().add_text(line)))
    })
}

/// The plan as an English-headed Word table (the document's second table: the first is a
/// title box without a header row), the objective cells merged down with vMerge, responsible
/// and partners in one cell under "Responsabili:" / "Parteneri:" as in the source.
fn write_docx(rows: &[Row], path: &Path) {
    let title = Table::new(vec![TableRow::new(vec![paragraphs(
        TableCell::new(),
        "Anexa 3\nPlan național de acțiune 2021-2022",
    )])]);
    let header = [
        "Objective",
        "Action",
        "Indicators",
        "Deadline",
        "Recurrence",
        "Responsible institutions / partners",
        "Funding",
    ];
    let mut table_rows = vec![TableRow::new(
        header
            .iter()
            .map(|h| paragraphs(TableCell::new(), h))
            .collect(),
    )];
    for row in rows {
        let objective = match &row.objective {
            Some(text) => paragraphs(TableCell::new().vertical_merge(VMergeType::Restart), text),
            None => TableCell::new().vertical_merge(VMergeType::Continue),
        };
        let mut institutions = format!("Responsabili:\n{}", row.responsible.join("\n"));
        if !row.partners.is_empty() {
            write!(institutions, "\n\nParteneri:\n{}", row.partners.join("\n")).expect("write");
        }
        table_rows.push(TableRow::new(vec![
            objective,
            paragraphs(TableCell::new(), &row.text),
            // Indicators a paragraph each, blank paragraphs between them, as in the source.
            paragraphs(TableCell::new(), &row.indicators.join("\n\n")),
            paragraphs(TableCell::new(), &row.deadline),
            paragraphs(TableCell::new(), &row.recurrence),
            paragraphs(TableCell::new(), &institutions),
            paragraphs(TableCell::new(), &row.funding.join("\n")),
        ]));
    }
    let file = std::fs::File::create(path).expect("create docx");
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Anexa 3")))
        .add_table(title)
        .add_table(Table::new(table_rows))
        .build()
        .pack(file)
        .expect("pack docx");
}

/// The plan as a Polish-headed CSV file: the objective written once, on its first row.
fn write_csv(rows: &[Row], path: &Path) {
    let mut writer = csv::Writer::from_path(path).expect("csv");
    writer
        .write_record([
            "Cel",
            "Działanie",
            "Wskaźniki",
            "Termin realizacji",
            "Powtarzalność",
            "Podmiot odpowiedzialny",
            "Podmioty współpracujące",
            "Źródła finansowania",
        ])
        .expect("header");
    for row in rows {
        writer
            .write_record([
                row.objective.clone().unwrap_or_default(),
                row.text.clone(),
                row.indicators.join("\n"),
                row.deadline.clone(),
                row.recurrence.clone(),
                row.responsible.join("; "),
                row.partners.join("\n"),
                row.funding.join("\n"),
            ])
            .expect("row");
    }
    writer.flush().expect("flush");
}

/// Writes the seed plan as `plan.xlsx`, `plan.docx` and `plan.csv` with `plan.header.yaml`.
fn write_tables(dir: &Path) -> [PathBuf; 3] {
    let rows = rows();
    assert_eq!(rows.len(), 67, "the plan's 67 actions");
    std::fs::write(dir.join("plan.header.yaml"), header_of_seed()).expect("header");
    let tables = [
        dir.join("plan.xlsx"),
        dir.join("plan.docx"),
        dir.join("plan.csv"),
    ];
    write_xlsx(&rows, &tables[0]);
    write_docx(&rows, &tables[1]);
    write_csv(&rows, &tables[2]);
    tables
}

fn load_table(path: &Path) -> PlanDraft {
    table::load(path, None, &lifecycles())
        .unwrap_or_else(|p| panic!("{}: {}", path.display(), shown(&p)))
        .draft
}

/// Field by field: the plan, institutions, objectives (numbers, parents, titles, results) and
/// actions (numbers, texts, indicators, deadlines, recurrences, funding, lead, responsible,
/// partners, reporting periods).
fn assert_same_plan(table: &PlanDraft, yaml: &PlanDraft, what: &str) {
    assert_eq!(
        format!("{:?}", table.plan),
        format!("{:?}", yaml.plan),
        "{what}: plan"
    );
    assert_eq!(
        format!("{:?}", table.institutions),
        format!("{:?}", yaml.institutions),
        "{what}: institutions"
    );
    assert_eq!(
        table.objectives.len(),
        yaml.objectives.len(),
        "{what}: objectives"
    );
    for (t, y) in table.objectives.iter().zip(&yaml.objectives) {
        assert_eq!(t, y, "{what}: objective {}", y.number);
    }
    assert_eq!(table.actions.len(), yaml.actions.len(), "{what}: actions");
    for (t, y) in table.actions.iter().zip(&yaml.actions) {
        let n = &y.number;
        assert_eq!(t.objective, y.objective, "{what}: objective of {n}");
        assert_eq!(t.number, y.number, "{what}: number of {n}");
        assert_eq!(t.text, y.text, "{what}: text of {n}");
        assert_eq!(t.indicators, y.indicators, "{what}: indicators of {n}");
        assert_eq!(t.deadline, y.deadline, "{what}: deadline of {n}");
        assert_eq!(t.recurrence, y.recurrence, "{what}: recurrence of {n}");
        assert_eq!(t.funding, y.funding, "{what}: funding of {n}");
        assert_eq!(t.lead, y.lead, "{what}: lead of {n}");
        assert_eq!(t.responsible, y.responsible, "{what}: responsible of {n}");
        assert_eq!(t.partners, y.partners, "{what}: partners of {n}");
        assert_eq!(t.periods, y.periods, "{what}: periods of {n}");
    }
    assert_eq!(table.task_count(), yaml.task_count(), "{what}: tasks");
}

async fn tables_import_into_the_plan_of_the_yaml_file(db: TestDb) {
    let dir = tempfile::tempdir().expect("dir");
    let tables = write_tables(dir.path());
    let yaml = plan_file::load(&seed(), &lifecycles()).expect("the YAML plan");
    let drafts: Vec<PlanDraft> = tables.iter().map(|t| load_table(t)).collect();
    for (draft, path) in drafts.iter().zip(&tables) {
        assert_same_plan(draft, &yaml, &path.display().to_string());
    }

    let engine = Engine::new(
        db.db.clone(),
        std::sync::Arc::new(ManualClock::new(support::plan_start_instant())),
        lifecycles(),
    );
    let operator = Actor::operator();
    let dry = engine
        .import_plan(&operator, &drafts[0], true)
        .await
        .expect("dry run of the xlsx plan");
    assert!(dry.dry_run);
    let first = engine
        .import_plan(&operator, &drafts[0], false)
        .await
        .expect("import of the xlsx plan");
    assert_eq!(
        first.changes, dry.changes,
        "the dry run said what the import did"
    );
    assert_eq!(first.changes["actions"].created, 67);
    assert_eq!(first.changes["tasks"].created, 520);
    // The YAML file, then the Word and CSV tables, re-imported in place: nothing changes.
    for (draft, what) in [(&yaml, "yaml"), (&drafts[1], "docx"), (&drafts[2], "csv")] {
        let again = engine
            .import_plan(&operator, draft, false)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(again.plan_id, first.plan_id, "{what}");
        for (kind, change) in &again.changes {
            assert_eq!(
                (change.created, change.updated),
                (0, 0),
                "{what}: {kind} changed on re-import"
            );
        }
        assert_eq!(again.tasks_cancelled, 0, "{what}");
        assert!(again.institution_changes.is_empty(), "{what}");
    }
}

/// A small sheet `Plan`: a header row, then `actions` rows under objective 1.1.
fn small_xlsx(path: &Path, header: &[&str], responsible: &[&str]) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Plan").expect("name");
    for (c, title) in (0u16..).zip(header) {
        sheet.write_string(0, c, *title).expect("header");
    }
    sheet
        .write_string(1, 0, "1 Prevenire\nRezultat: mai puține victime")
        .expect("general");
    for (r, who) in (2u32..).zip(responsible) {
        if r == 2 {
            sheet
                .write_string(r, 0, "1.1 Informare")
                .expect("objective");
        }
        sheet
            .write_string(r, 1, format!("Campania {r}"))
            .expect("action");
        sheet
            .write_string(r, 2, "Număr de campanii")
            .expect("indicator");
        sheet.write_string(r, 3, "anual").expect("deadline");
        sheet.write_string(r, 4, *who).expect("responsible");
    }
    workbook.save(path).expect("save");
}

const HEADER: [&str; 5] = ["Obiectiv", "Acțiune", "Indicatori", "Termen", "Responsabil"];

#[test]
fn an_unknown_institution_is_reported_at_its_cell() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("plan.header.yaml"), header_of_seed()).expect("header");
    let path = dir.path().join("plan.xlsx");
    small_xlsx(
        &path,
        &HEADER,
        &["MAI prin ANITP", "ME", "DIICOT", "MAE", "MAI prin ANTIP"],
    );
    let problems = table::load(&path, None, &lifecycles()).expect_err("a problem");
    assert_eq!(problems.len(), 1, "{}", shown(&problems));
    assert_eq!(
        problems[0].to_string(),
        format!(
            "{}:Plan!E7: responsible of action 1.1.5: unknown institution `ANTIP` (did you mean `ANITP`?)",
            path.display()
        )
    );
}

#[test]
fn a_mistake_in_a_word_table_names_table_row_and_column() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("plan.header.yaml"), header_of_seed()).expect("header");
    let mut rows = rows();
    rows.truncate(3);
    rows[2].deadline = "în curând".to_owned();
    let path = dir.path().join("plan.docx");
    write_docx(&rows, &path);
    let problems = table::load(&path, None, &lifecycles()).expect_err("a problem");
    assert_eq!(problems.len(), 1, "{}", shown(&problems));
    let shown = problems[0].to_string();
    assert!(
        shown.starts_with(&format!(
            "{}:table 2, row 4, column 4: action 1.1.3: ",
            path.display()
        )),
        "{shown}"
    );
    assert!(shown.contains("în curând"), "{shown}");
}

#[test]
fn a_table_without_a_header_row_names_the_words_looked_for() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("plan.xlsx");
    small_xlsx(
        &path,
        &["Obiectiv", "Ce facem", "Indicatori", "Când", "Cine"],
        &["ANITP"],
    );
    let problems = table::load(&path, None, &lifecycles()).expect_err("a problem");
    let shown = shown(&problems);
    assert!(
        shown.starts_with(&format!("{}:0:0: no header row found", path.display())),
        "{shown}"
    );
    for word in [
        "Obiectiv",
        "Acțiune",
        "Termen",
        "Deadline",
        "Termin realizacji",
        "Responsabil",
    ] {
        assert!(shown.contains(word), "{word} in {shown}");
    }
}

#[test]
fn an_unreadable_table_is_one_problem() {
    let dir = tempfile::tempdir().expect("dir");
    for name in ["plan.xlsx", "plan.docx", "plan.ods"] {
        let path = dir.path().join(name);
        std::fs::write(&path, "not a zip file").expect("write");
        let problems = table::load(&path, None, &lifecycles()).expect_err("a problem");
        assert_eq!(problems.len(), 1, "{name}: {}", shown(&problems));
        assert!(
            problems[0]
                .to_string()
                .starts_with(&format!("{}:0:0: cannot read as a", path.display())),
            "{name}: {}",
            problems[0]
        );
    }
    let missing = dir.path().join("missing.csv");
    let problems = table::load(&missing, None, &lifecycles()).expect_err("a problem");
    assert!(
        problems[0].message.starts_with("cannot read"),
        "{}",
        problems[0]
    );
}

#[test]
fn problems_of_the_header_file_name_its_lines_and_a_missing_one_says_how_to_give_it() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("plan.xlsx");
    small_xlsx(&path, &HEADER, &["MAI prin ANITP"]);
    let problems = table::load(&path, None, &lifecycles()).expect_err("no header file");
    assert!(problems[0].message.contains("--header"), "{}", problems[0]);

    let header = dir.path().join("other.yaml");
    let text = header_of_seed().replace("Europe/Bucharest", "Europe/Nowhere");
    let line = text
        .lines()
        .position(|l| l.contains("Europe/Nowhere"))
        .expect("line")
        + 1;
    std::fs::write(&header, text).expect("header");
    let problems = table::load(&path, Some(&header), &lifecycles()).expect_err("a problem");
    assert_eq!(problems.len(), 1, "{}", shown(&problems));
    assert_eq!(problems[0].file, header.display().to_string());
    assert_eq!(problems[0].line, line as u64);
    assert!(
        problems[0].message.contains("Europe/Nowhere"),
        "{}",
        problems[0]
    );
}

#[test]
fn an_action_before_any_objective_and_a_specific_objective_without_its_general_one_are_located() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("plan.header.yaml"), header_of_seed()).expect("header");
    let path = dir.path().join("plan.csv");
    std::fs::write(
        &path,
        "Objective,Action,Deadline,Responsible\n\
         ,Campaign,anual,ANITP\n\
         2.1 Protection,Shelter,anual,ANITP\n",
    )
    .expect("csv");
    let problems = table::load(&path, None, &lifecycles()).expect_err("problems");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let file = path.display();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(
        shown[0].starts_with(&format!("{file}:B2: the action has no objective")),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with(&format!(
            "{file}:A3: objective 2.1 comes before objective 2"
        )),
        "{shown:?}"
    );
    assert!(
        shown[2].starts_with(&format!("{file}:B3: the action has no objective")),
        "{shown:?}"
    );
}

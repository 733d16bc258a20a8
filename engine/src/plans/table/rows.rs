//! From table rows to objectives and actions, each value with the cell it came from.
//!
//! - Rows before a table's header row, tables without one, empty rows and repeated header rows
//!   are skipped.
//! - Objective cells hold numbered lines (`1 Title`, `1.1 Title`, after an optional label such
//!   as "Obiectiv specific" or "Objective no."), lines continuing the title, and `Rezultat:` /
//!   `Result:` / `Wynik:` lines giving its expected result. The depth of the number says where
//!   an objective sits: `1.1` is a specific objective of `1`. An empty objective cell repeats
//!   the one above; the row's action belongs to the last objective its cell names.
//! - A row with objective text and no action only declares objectives.

use super::Problem;
use super::columns::{self, Column, HEADER_SEARCH_ROWS, Layout};
use super::grid::{Cell, CellAt, Table};
use crate::text::fold;

/// A value and the cell it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub at: CellAt,
}

/// An objective read from objective cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableObjective {
    pub number: String,
    /// The number of the objective it belongs to (none for a general objective).
    pub parent: Option<String>,
    pub title: String,
    pub result: Option<String>,
    pub at: CellAt,
}

/// An action read from one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableAction {
    pub objective: String,
    pub number: Sourced<String>,
    pub text: Sourced<String>,
    pub indicators: Sourced<Vec<String>>,
    pub deadline: Sourced<String>,
    pub recurrence: Option<Sourced<String>>,
    pub responsible: Sourced<Vec<String>>,
    pub lead: Option<Sourced<String>>,
    pub partners: Sourced<Vec<String>>,
    pub funding: Sourced<Vec<String>>,
}

/// Everything read from the tables of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableContent {
    /// In the order first written.
    pub objectives: Vec<TableObjective>,
    /// In row order.
    pub actions: Vec<TableAction>,
}

/// Reads the plan rows of every table that has a header row; problems name their cells.
pub fn read(tables: &[Table], file: &str) -> Result<TableContent, Vec<Problem>> {
    let mut reading = Reading {
        file,
        content: TableContent::default(),
        current: None,
        problems: Vec::new(),
    };
    let mut found_header = false;
    for table in tables {
        let header = table
            .rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .enumerate()
            .find_map(|(i, row)| columns::detect(row).map(|layout| (i, layout)));
        let Some((header_row, layout)) = header else {
            continue;
        };
        found_header = true;
        for row in &table.rows[header_row + 1..] {
            if row.iter().all(|c| c.text.trim().is_empty()) || columns::detect(row).is_some() {
                continue;
            }
            reading.row(&layout, row);
        }
    }
    if !found_header {
        let message = format!(
            "no header row found: looked in the first {HEADER_SEARCH_ROWS} rows of every sheet \
             or table for {}",
            columns::looked_for()
        );
        return Err(vec![Problem::new(file, 0, 0, message)]);
    }
    if reading.content.actions.is_empty() && reading.problems.is_empty() {
        return Err(vec![Problem::new(
            file,
            0,
            0,
            "the table has a header row but no action below it".to_owned(),
        )]);
    }
    if reading.problems.is_empty() {
        Ok(reading.content)
    } else {
        Err(reading.problems)
    }
}

struct Reading<'a> {
    file: &'a str,
    content: TableContent,
    /// The objective the rows below belong to until another is named.
    current: Option<String>,
    problems: Vec<Problem>,
}

impl Reading<'_> {
    fn problem(&mut self, at: &CellAt, message: String) {
        self.problems.push(Problem::in_cell(self.file, at, message));
    }

    fn row(&mut self, layout: &Layout, row: &[Cell]) {
        for column in [Column::GeneralObjective, Column::Objective] {
            if let Some(cell) = layout
                .cell(row, column)
                .filter(|c| !c.text.trim().is_empty())
            {
                self.objectives(cell);
            }
        }
        let text = |column: Column| {
            layout
                .cell(row, column)
                .map(|c| c.text.trim())
                .unwrap_or("")
        };
        let Some(action) = layout
            .cell(row, Column::Action)
            .filter(|c| !c.text.trim().is_empty())
        else {
            let data = [
                Column::Number,
                Column::Indicators,
                Column::Deadline,
                Column::Responsible,
                Column::Partners,
                Column::Funding,
            ];
            if data.iter().any(|&c| !text(c).is_empty())
                && let Some(cell) = layout.cell(row, Column::Action)
            {
                self.problem(
                    &cell.at,
                    "the row has no action text (its other cells are filled)".to_owned(),
                );
            }
            return;
        };
        let Some(objective) = self.current.clone() else {
            self.problem(
                &action.at,
                "the action has no objective: write its number and title (e.g. `1.1 Title`) in \
                 the objective column of this row or a row above"
                    .to_owned(),
            );
            return;
        };
        // A column the table lacks is read at the action's cell; a cell a short row lacks, as
        // empty at its place.
        let sourced = |column: Column| match (layout.cell(row, column), layout.columns.get(&column))
        {
            (Some(cell), _) => (cell.text.as_str(), cell.at.clone()),
            (None, Some(&index)) => ("", action.at.in_column(index)),
            (None, None) => ("", action.at.clone()),
        };
        let optional = |column: Column| {
            layout
                .cell(row, column)
                .filter(|c| !c.text.trim().is_empty())
                .map(|c| Sourced {
                    value: collapse(&c.text),
                    at: c.at.clone(),
                })
        };
        let number = match optional(Column::Number) {
            Some(n) => Sourced {
                value: n.value.trim_end_matches('.').to_owned(),
                at: n.at,
            },
            None => {
                let before = self
                    .content
                    .actions
                    .iter()
                    .filter(|a| a.objective == objective)
                    .count();
                Sourced {
                    value: format!("{objective}.{}", before + 1),
                    at: action.at.clone(),
                }
            }
        };
        let (responsible_text, responsible_at) = sourced(Column::Responsible);
        let (mut responsible, mut partners) = institutions(responsible_text, Role::Responsible);
        let (partners_text, partners_at) = sourced(Column::Partners);
        let partners_at = if layout.columns.contains_key(&Column::Partners) {
            let (more_responsible, more_partners) = institutions(partners_text, Role::Partner);
            responsible.extend(more_responsible);
            partners.extend(more_partners);
            partners_at
        } else {
            responsible_at.clone()
        };
        let list = |column: Column| {
            let (text, at) = sourced(column);
            let value = if layout.columns.contains_key(&column) {
                entries(text)
            } else {
                Vec::new()
            };
            Sourced { value, at }
        };
        let (deadline_text, deadline_at) = sourced(Column::Deadline);
        self.content.actions.push(TableAction {
            objective,
            number,
            text: Sourced {
                value: collapse(&action.text),
                at: action.at.clone(),
            },
            indicators: list(Column::Indicators),
            deadline: Sourced {
                value: collapse(deadline_text),
                at: deadline_at,
            },
            recurrence: optional(Column::Recurrence),
            responsible: Sourced {
                value: responsible,
                at: responsible_at,
            },
            lead: optional(Column::Lead),
            partners: Sourced {
                value: partners,
                at: partners_at,
            },
            funding: list(Column::Funding),
        });
    }

    /// Reads the objectives an objective cell names; the last becomes the current one.
    fn objectives(&mut self, cell: &Cell) {
        let mut found: Vec<TableObjective> = Vec::new();
        let mut in_result = false;
        for line in cell.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(result) = result_of(line) {
                let Some(last) = found.last_mut() else {
                    self.problem(
                        &cell.at,
                        format!("`{line}` comes before any objective number in this cell"),
                    );
                    return;
                };
                last.result = Some(collapse(result));
                in_result = true;
                continue;
            }
            if let Some((number, title)) = numbered(line) {
                found.push(TableObjective {
                    parent: number.rsplit_once('.').map(|(p, _)| p.to_owned()),
                    number,
                    title: collapse(title),
                    result: None,
                    at: cell.at.clone(),
                });
                in_result = false;
                continue;
            }
            let Some(last) = found.last_mut() else {
                self.problem(
                    &cell.at,
                    format!(
                        "an objective cell starts with the objective's number (e.g. `1.1 Title`), \
                         not `{line}`"
                    ),
                );
                return;
            };
            let field = if in_result {
                last.result.get_or_insert_with(String::new)
            } else {
                &mut last.title
            };
            *field = collapse(&format!("{field} {line}"));
        }
        for objective in found {
            self.declare(objective);
        }
    }

    fn declare(&mut self, objective: TableObjective) {
        if objective.title.is_empty() {
            self.problem(
                &objective.at,
                format!("objective {} has no title", objective.number),
            );
            return;
        }
        let find = |number: &str| {
            self.content
                .objectives
                .iter()
                .find(|o| o.number == number)
                .cloned()
        };
        if let Some(parent) = &objective.parent
            && find(parent).is_none()
        {
            let message = format!(
                "objective {} comes before objective {parent}: write `{parent} Title` in an \
                 objective cell above it",
                objective.number
            );
            self.problem(&objective.at, message);
            return;
        }
        let number = objective.number.clone();
        match find(&number) {
            Some(before)
                if before.title == objective.title && before.result == objective.result => {}
            Some(before) => {
                let message = format!(
                    "objective {number} is written again with another title or result (first at {})",
                    before.at
                );
                self.problem(&objective.at, message);
                return;
            }
            None => self.content.objectives.push(objective),
        }
        self.current = Some(number);
    }
}

/// Labels that may come before an objective's number, folded.
const OBJECTIVE_LABELS: &[&str] = &[
    "obiectiv",
    "obiectivul",
    "obiective",
    "general",
    "generale",
    "specific",
    "specifice",
    "objective",
    "cel",
    "glowny",
    "ogolny",
    "szczegolowy",
    "nr",
    "no",
];

/// Words that start an expected result line, folded, before a colon.
const RESULT_LABELS: &[&str] = &[
    "rezultat",
    "rezultate",
    "rezultatul",
    "rezultat asteptat",
    "result",
    "expected result",
    "wynik",
    "oczekiwany rezultat",
    "rezultat oczekiwany",
];

/// The text after `Rezultat:` (or another result label) on `line`.
fn result_of(line: &str) -> Option<&str> {
    let (label, rest) = line.split_once(':')?;
    RESULT_LABELS
        .contains(&fold(label).as_str())
        .then_some(rest)
}

/// `(number, rest)` when `line` is `[label…] 1.2[.|:|)] rest`.
fn numbered(line: &str) -> Option<(String, &str)> {
    let mut rest = line;
    loop {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let bare = word.trim_end_matches(['.', ':', ')', '-']);
        let is_number = !bare.is_empty()
            && bare
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
        if is_number {
            return Some((
                bare.to_owned(),
                rest[word_end..].trim_start_matches([' ', '-', '–', ':']),
            ));
        }
        if !OBJECTIVE_LABELS.contains(&fold(bare).as_str()) {
            return None;
        }
        rest = rest[word_end..].trim_start();
    }
}

/// Whitespace and line breaks collapsed to single spaces.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entries of a list cell: one per paragraph when blank lines separate them (an entry may
/// then wrap over lines), else one per line.
pub fn entries(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.trim().lines().collect();
    let paragraphs = lines.iter().any(|l| l.trim().is_empty());
    let mut found: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        match found.last_mut() {
            Some(last) if paragraphs && open => {
                last.push(' ');
                last.push_str(line);
            }
            _ => found.push(line.to_owned()),
        }
        open = true;
    }
    found.iter().map(|e| collapse(e)).collect()
}

/// Which list the lines of an institutions cell go to before a label says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Responsible,
    Partner,
}

/// Labels that switch an institutions cell to a role, folded, before a colon.
const ROLE_LABELS: &[(&str, Role)] = &[
    ("responsabil", Role::Responsible),
    ("responsabili", Role::Responsible),
    ("responsible", Role::Responsible),
    ("odpowiedzialny", Role::Responsible),
    ("odpowiedzialni", Role::Responsible),
    ("partener", Role::Partner),
    ("parteneri", Role::Partner),
    ("partner", Role::Partner),
    ("partners", Role::Partner),
    ("partnerzy", Role::Partner),
    ("podmioty wspolpracujace", Role::Partner),
];

/// The institutions of a cell, as `(responsible, partners)`: split on lines, `;` and commas,
/// except that a reference through a parent (`MAI prin IGPR, IGPF`) stays whole, as plan files
/// write it. A `Parteneri:` (`Partners:`, `Partnerzy:`) line sends what follows to partners,
/// `Responsabili:` to responsible.
fn institutions(text: &str, start: Role) -> (Vec<String>, Vec<String>) {
    let (mut responsible, mut partners) = (Vec::new(), Vec::new());
    let mut role = start;
    for line in text.lines() {
        let mut rest = line;
        if let Some((label, after)) = line.split_once(':')
            && let Some((_, r)) = ROLE_LABELS.iter().find(|(l, _)| *l == fold(label))
        {
            role = *r;
            rest = after;
        }
        for piece in rest.split(';') {
            let list = match role {
                Role::Responsible => &mut responsible,
                Role::Partner => &mut partners,
            };
            list.extend(references(piece));
        }
    }
    (responsible, partners)
}

/// The references of a comma-separated list: after `PARENT prin CODE`, the following codes are
/// more agencies under the same parent ("ME, MAI prin IGPR, IGPF" is `ME` and
/// `MAI prin IGPR, IGPF`).
fn references(list: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut through_parent = false;
    for part in list.split(',').map(collapse).filter(|p| !p.is_empty()) {
        match found.last_mut() {
            Some(last) if through_parent => {
                last.push_str(", ");
                last.push_str(&part);
            }
            _ => {
                through_parent = part.split_whitespace().any(|w| fold(w) == "prin");
                found.push(part);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objective_lines_give_number_and_title() {
        let cases = [
            (
                "1.1 Creșterea nivelului",
                Some(("1.1", "Creșterea nivelului")),
            ),
            ("Obiectiv specific 1.1", Some(("1.1", ""))),
            (
                "Obiectiv general nr. 1 Consolidarea",
                Some(("1", "Consolidarea")),
            ),
            ("2. Prevenire", Some(("2", "Prevenire"))),
            ("Cel szczegółowy 3.2: Edukacja", Some(("3.2", "Edukacja"))),
            ("Objective 4 – Protection", Some(("4", "Protection"))),
            ("Creșterea nivelului", None),
            ("Obiectiv fără număr", None),
        ];
        for (line, expected) in cases {
            let got = numbered(line);
            assert_eq!(
                got.as_ref().map(|(n, t)| (n.as_str(), *t)),
                expected,
                "{line:?}"
            );
        }
    }

    #[test]
    fn institutions_split_but_keep_references_through_a_parent() {
        let (responsible, partners) = institutions(
            "Responsabili:\nMAI prin ANITP\n\nParteneri:\nMAI prin ANITP, IGPF, IGI\nONG, ANR; EIL\n",
            Role::Responsible,
        );
        assert_eq!(responsible, ["MAI prin ANITP"]);
        assert_eq!(partners, ["MAI prin ANITP, IGPF, IGI", "ONG", "ANR", "EIL"]);
        let (responsible, partners) =
            institutions("Partnerzy: KPP, Urząd Gminy", Role::Responsible);
        assert!(responsible.is_empty());
        assert_eq!(partners, ["KPP", "Urząd Gminy"]);
        assert_eq!(
            references("ME, MAI prin IGPR , IGPF, ANR"),
            ["ME", "MAI prin IGPR, IGPF, ANR"]
        );
    }

    #[test]
    fn a_short_row_leaves_its_missing_cells_empty_at_their_place() {
        let header = ["Obiectiv", "Acțiune", "Responsabil", "Termen"];
        let cell = |row: usize, column: usize, text: &str| Cell {
            text: text.to_owned(),
            at: CellAt::Sheet {
                sheet: None,
                row,
                column,
            },
        };
        let table = Table {
            rows: vec![
                header
                    .iter()
                    .enumerate()
                    .map(|(i, h)| cell(0, i, h))
                    .collect(),
                vec![
                    cell(1, 0, "1 Prevenire"),
                    cell(1, 1, "Campanii"),
                    cell(1, 2, "ANITP"),
                ],
            ],
        };
        let content = read(&[table], "plan.csv").expect("read");
        let action = &content.actions[0];
        assert_eq!(action.deadline.value, "");
        assert_eq!(action.deadline.at.to_string(), "D2");
        assert_eq!(action.responsible.value, ["ANITP"]);
        assert_eq!(action.number.value, "1.1");
    }

    #[test]
    fn list_cells_split_on_lines_or_on_blank_lines() {
        assert_eq!(entries("Buget ME\nBuget APL\n"), ["Buget ME", "Buget APL"]);
        assert_eq!(
            entries("Număr de articole publicate în\n  presă\n\nNumăr de emisiuni"),
            ["Număr de articole publicate în presă", "Număr de emisiuni"]
        );
        assert!(entries("  ").is_empty());
    }
}

//! The report's tables (summary, actions, tasks, indicators, reports, overdue, declined, plan
//! indicators), each a header and rows made on demand from the report, so that a writer walks
//! the report once per table and never holds a second copy of it.

use chrono::NaiveDate;
use mandate_engine::i18n::t;
use mandate_engine::reports::{ActionReport, MonitoringReport, Named, Tally, TaskLine};

use crate::labels::Labels;

/// One cell: text, a number, a date, or a value nobody reported.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Unknown,
}

impl Cell {
    /// The cell as text (dates as ISO dates, numbers as Rust writes them).
    pub fn text(&self, labels: &Labels) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Unknown => labels.unknown.clone(),
        }
    }
}

/// How much of a narrative the documents meant for reading (DOCX, HTML) quote; the workbook keeps
/// it whole.
pub const EXCERPT_CHARS: usize = 1200;

/// `text` cut after at most `max` characters, at the end of a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.into(),
        Some((end, _)) => {
            let cut = &text[..end];
            let cut = cut
                .rfind(char::is_whitespace)
                .map_or(cut, |space| &cut[..space]);
            format!("{}…", cut.trim_end()).into()
        }
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn count(n: u64) -> Cell {
    Cell::Number(n as f64)
}

/// A table: its name (a sheet's), its header and its rows.
pub struct View<'a> {
    pub name: &'a str,
    pub header: Vec<String>,
    pub rows: Box<dyn Iterator<Item = Vec<Cell>> + 'a>,
}

/// The lifecycle states counted in the summary, in the plan's lifecycle's order, then any other
/// state found in the report.
pub fn states(report: &MonitoringReport) -> Vec<String> {
    let mut states = report.states.clone();
    for s in report.tally.by_state.keys() {
        if !states.contains(s) {
            states.push(s.clone());
        }
    }
    states
}

fn codes(institutions: &[Named]) -> String {
    institutions
        .iter()
        .map(|i| i.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn tally_cells(tally: &Tally, states: &[String]) -> Vec<Cell> {
    let mut cells = vec![count(tally.actions), count(tally.tasks)];
    cells.extend(
        states
            .iter()
            .map(|s| count(tally.by_state.get(s).copied().unwrap_or(0))),
    );
    cells.extend([
        count(tally.overdue),
        count(tally.declined),
        count(tally.periods),
        count(tally.periods_complete),
    ]);
    cells
}

/// Per objective (general ones first, each followed by those under it) its status and counts,
/// and a last row with the plan's totals.
pub fn summary<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    let states = states(report);
    let mut header: Vec<String> = [&l.number, &l.objective, &l.status, &l.actions, &l.tasks]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    header.extend(states.iter().map(|s| l.state(s).to_owned()));
    header.extend(
        [
            &l.overdue,
            &l.declined_count,
            &l.periods,
            &l.periods_complete,
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    let total_states = states.clone();
    let rows = report
        .objectives_flat()
        .into_iter()
        .map(move |(_, o)| {
            let mut row = vec![
                text(o.objective.number.clone()),
                text(o.objective.title.clone()),
                text(l.status(o.status)),
            ];
            row.extend(tally_cells(&o.tally, &states));
            row
        })
        .chain(std::iter::once_with(move || {
            let mut row = vec![
                text(&l.total),
                text(report.plan.title.clone()),
                text(l.status(report.status)),
            ];
            row.extend(tally_cells(&report.tally, &total_states));
            row
        }));
    View {
        name: &l.summary,
        header,
        rows: Box::new(rows),
    }
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// One row per action with work in the period.
pub fn actions<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    View {
        name: &l.actions,
        header: headers(&[
            &l.objective,
            &l.number,
            &l.action,
            &l.deadline,
            &l.lead,
            &l.responsible,
            &l.partners,
            &l.status,
            &l.periods,
            &l.periods_complete,
            &l.tasks,
            &l.overdue,
            &l.declined,
        ]),
        rows: Box::new(report.actions().map(move |(o, a)| {
            vec![
                text(o.objective.number.clone()),
                text(a.action.number.clone()),
                text(a.action.text.clone()),
                text(a.action.deadline.clone()),
                text(a.lead.as_ref().map_or(String::new(), |i| i.code.clone())),
                text(codes(&a.responsible)),
                text(codes(&a.partners)),
                text(l.status(a.status)),
                count(a.tally.periods),
                count(a.tally.periods_complete),
                count(a.tally.tasks),
                count(a.tally.overdue),
                count(a.tally.declined),
            ]
        })),
    }
}

fn task_rows<'a>(
    report: &'a MonitoringReport,
    keep: impl Fn(&TaskLine) -> bool + Copy + 'a,
) -> impl Iterator<Item = (&'a ActionReport, &'a TaskLine, &'a str)> + 'a {
    report.actions().flat_map(move |(o, a)| {
        a.tasks
            .iter()
            .filter(move |t| keep(t))
            .map(move |t| (a, t, o.objective.number.as_str()))
    })
}

/// One row per task in the period.
pub fn tasks<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    View {
        name: &l.tasks,
        header: headers(&[
            &l.objective,
            &l.number,
            &l.institution,
            &l.role,
            &l.period_start,
            &l.period_end,
            &l.due,
            &l.state,
            &l.status,
            &l.overdue,
            &l.declined,
            &l.reason,
        ]),
        rows: Box::new(task_rows(report, |_| true).map(move |(a, t, objective)| {
            vec![
                text(objective),
                text(a.action.number.clone()),
                text(t.institution.code.clone()),
                text(l.role(&t.role)),
                Cell::Date(t.period_start),
                Cell::Date(t.period_end),
                Cell::Date(t.due),
                text(l.state(&t.state)),
                text(l.status(t.status)),
                text(l.yes_no(t.overdue)),
                text(l.yes_no(t.declined)),
                text(t.reason.clone().unwrap_or_default()),
            ]
        })),
    }
}

/// One row per indicator of an action in the period: its value beside its target, and what the
/// engine makes of them.
pub fn indicators<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    let language = l.language;
    let mut header = headers(&[
        &l.number,
        &l.indicator,
        &l.target,
        &l.value,
        &l.reports_count,
        &l.text_values,
    ]);
    header.push(t(language, "indicator-evaluation", &[]));
    View {
        name: &l.indicators,
        header,
        rows: Box::new(report.actions().flat_map(move |(_, a)| {
            a.indicators.iter().map(move |i| {
                vec![
                    text(a.action.number.clone()),
                    text(i.name.clone()),
                    text(i.target_text(language).unwrap_or_default()),
                    i.evaluation.actual.map_or(Cell::Unknown, Cell::Number),
                    count(i.evaluation.reported as u64),
                    text(i.texts.join("; ")),
                    text(i.explanation(language)),
                ]
            })
        })),
    }
}

/// One row per report: the narrative and the evidence links.
pub fn reports<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    View {
        name: &l.reports,
        header: headers(&[
            &l.number,
            &l.institution,
            &l.period_end,
            &l.submitted,
            &l.narrative,
            &l.evidence,
        ]),
        rows: Box::new(report.actions().flat_map(|(_, a)| {
            a.narratives.iter().map(move |n| {
                vec![
                    text(a.action.number.clone()),
                    text(n.institution.code.clone()),
                    Cell::Date(n.period_end),
                    Cell::Date(n.submitted_at.date_naive()),
                    text(n.text.clone()),
                    text(n.evidence.join("\n")),
                ]
            })
        })),
    }
}

/// The tasks the status rule finds late.
pub fn overdue<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    View {
        name: &l.overdue_work,
        header: headers(&[
            &l.number,
            &l.action,
            &l.institution,
            &l.role,
            &l.period_end,
            &l.due,
            &l.state,
        ]),
        rows: Box::new(task_rows(report, |t| t.overdue).map(move |(a, t, _)| {
            vec![
                text(a.action.number.clone()),
                text(a.action.text.clone()),
                text(t.institution.code.clone()),
                text(l.role(&t.role)),
                Cell::Date(t.period_end),
                Cell::Date(t.due),
                text(l.state(&t.state)),
            ]
        })),
    }
}

/// The tasks their institutions declined, with the reason given.
pub fn declined<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    View {
        name: &l.declined_work,
        header: headers(&[
            &l.number,
            &l.action,
            &l.institution,
            &l.role,
            &l.period_end,
            &l.reason,
        ]),
        rows: Box::new(task_rows(report, |t| t.declined).map(move |(a, t, _)| {
            vec![
                text(a.action.number.clone()),
                text(a.action.text.clone()),
                text(t.institution.code.clone()),
                text(l.role(&t.role)),
                Cell::Date(t.period_end),
                text(t.reason.clone().unwrap_or_default()),
            ]
        })),
    }
}

/// The plan's performance indicators with their criterion, their entered values and their
/// evaluation.
pub fn plan_indicators<'a>(report: &'a MonitoringReport, l: &'a Labels) -> View<'a> {
    let language = l.language;
    let mut header = headers(&[
        &l.indicator,
        &l.baseline,
        &l.target,
        &l.comparison,
        &l.value,
        &l.reports_count,
    ]);
    header.push(t(language, "indicator-evaluation", &[]));
    View {
        name: &l.plan_indicators,
        header,
        rows: Box::new(report.plan_indicators.iter().map(move |p| {
            vec![
                text(p.indicator.name.clone()),
                text(p.value.spec.baseline_text(language).unwrap_or_default()),
                text(p.value.target_text(language).unwrap_or_default()),
                text(p.indicator.comparison.clone().unwrap_or_default()),
                p.value
                    .evaluation
                    .actual
                    .map_or(Cell::Unknown, Cell::Number),
                count(p.value.evaluation.reported as u64),
                text(p.value.explanation(language)),
            ]
        })),
    }
}

/// Every table, in the order of the workbook's sheets.
pub fn all<'a>(report: &'a MonitoringReport, l: &'a Labels) -> [View<'a>; 8] {
    [
        summary(report, l),
        actions(report, l),
        tasks(report, l),
        indicators(report, l),
        reports(report, l),
        overdue(report, l),
        declined(report, l),
        plan_indicators(report, l),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_ends_at_a_word_with_an_ellipsis() {
        assert_eq!(excerpt("  Campanie în școli  ", 40), "Campanie în școli");
        assert_eq!(excerpt("Campanie în școli din Iași", 15), "Campanie în…");
        assert_eq!(excerpt("Ąęśćżźół", 3), "Ąęś…");
        assert_eq!(excerpt("", 3), "");
    }
}

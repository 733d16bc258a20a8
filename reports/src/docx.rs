//! DOCX in the shape of an implementation report ("Informacja dotycząca realizacji planu"):
//! the title, the period "from … to …", then numbered sections — the objectives and their
//! expected results, the progress of each objective's actions (a table, then what the reports
//! say with their evidence links), the partner institutions and their part, the plan's
//! evaluation criteria, the summary, and the overdue and declined work. A Polish priority action
//! plan ("plan działania priorytetowego") gets the five sections of its own form instead
//! ([`informacja`]).

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use docx_rs::{
    AlignmentType, Docx, Hyperlink, HyperlinkType, Paragraph, Run, Style, StyleType, Table,
    TableCell, TableRow,
};
use mandate_engine::reports::{ActionReport, MonitoringReport, Narrative};

use crate::labels::Labels;
use crate::views::{self, View};
use crate::{ReportError, informacja};

/// Paragraph style ids, as Word names its own.
const TITLE: &str = "Title";
const HEADING_1: &str = "Heading1";
pub(crate) const HEADING_2: &str = "Heading2";

pub(crate) fn styles(docx: Docx) -> Docx {
    docx.add_style(
        Style::new(TITLE, StyleType::Paragraph)
            .name("Title")
            .bold()
            .size(32)
            .align(AlignmentType::Center),
    )
    .add_style(
        Style::new(HEADING_1, StyleType::Paragraph)
            .name("heading 1")
            .bold()
            .size(28)
            .outline_lvl(0),
    )
    .add_style(
        Style::new(HEADING_2, StyleType::Paragraph)
            .name("heading 2")
            .bold()
            .size(24)
            .outline_lvl(1),
    )
}

pub(crate) fn paragraph(text: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

pub(crate) fn styled(style: &str, text: impl Into<String>) -> Paragraph {
    paragraph(text).style(style)
}

fn cell(text: impl Into<String>, bold: bool) -> TableCell {
    let run = Run::new().add_text(text);
    TableCell::new().add_paragraph(Paragraph::new().add_run(if bold { run.bold() } else { run }))
}

pub(crate) fn table(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Table {
    let mut all = vec![TableRow::new(
        header.iter().map(|h| cell(h.clone(), true)).collect(),
    )];
    all.extend(rows.map(|r| TableRow::new(r.into_iter().map(|c| cell(c, false)).collect())));
    Table::new(all)
}

pub(crate) fn view_table(view: View<'_>, labels: &Labels) -> Table {
    table(
        &view.header,
        view.rows
            .map(|cells| cells.iter().map(|c| c.text(labels)).collect()),
    )
}

fn indicators_text(action: &ActionReport, labels: &Labels) -> String {
    let language = labels.language;
    action
        .indicators
        .iter()
        .map(|i| format!("{}: {}", i.name, i.explanation(language)))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn codes(names: &[mandate_engine::reports::Named]) -> String {
    names
        .iter()
        .map(|n| n.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The title (the plan's own when it already is a report's title), the period, the coordinator
/// and the day the report was made.
pub(crate) fn opening(report: &MonitoringReport, labels: &Labels) -> Docx {
    let docx = if labels.titles_itself(&report.plan.title) {
        styles(Docx::new()).add_paragraph(styled(TITLE, report.plan.title.clone()))
    } else {
        styles(Docx::new())
            .add_paragraph(styled(TITLE, labels.title.to_uppercase()))
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(report.plan.title.clone()).bold())
                    .align(AlignmentType::Center),
            )
    };
    docx.add_paragraph(paragraph(labels.for_period(&report.period)).align(AlignmentType::Center))
        .add_paragraph(paragraph(format!(
            "{}: {}. {}: {}.",
            &labels.coordinator,
            report.owner.name,
            &labels.generated,
            labels.date(report.generated_at.date_naive())
        )))
}

/// What an institution reported of action `a`: who, for which period, an excerpt of the text
/// and the evidence links.
pub(crate) fn narrative(a: &ActionReport, n: &Narrative, labels: &Labels) -> Paragraph {
    let mut p = Paragraph::new().add_run(
        Run::new()
            .add_text(format!(
                "{} — {} ({}): ",
                a.action.number,
                n.institution.code,
                labels.date(n.period_end)
            ))
            .bold(),
    );
    p = p.add_run(Run::new().add_text(views::excerpt(&n.text, views::EXCERPT_CHARS)));
    for link in &n.evidence {
        p = p.add_run(Run::new().add_text(" ")).add_hyperlink(
            Hyperlink::new(link.clone(), HyperlinkType::External)
                .add_run(Run::new().add_text(link.clone())),
        );
    }
    p
}

/// Each partner institution with the number of its tasks and, per task, the action, the end of
/// the period and the task's state.
pub(crate) fn partners_table(report: &MonitoringReport, labels: &Labels) -> Table {
    let mut partners: BTreeMap<&str, (&str, Vec<String>)> = BTreeMap::new();
    for (_, a) in report.actions() {
        for t in a.tasks.iter().filter(|t| t.role == "partner") {
            partners
                .entry(t.institution.code.as_str())
                .or_insert((t.institution.name.as_str(), Vec::new()))
                .1
                .push(format!(
                    "{} ({}, {})",
                    a.action.number,
                    labels.date(t.period_end),
                    labels.state(&t.state)
                ));
        }
    }
    table(
        &[
            labels.institution.clone(),
            labels.tasks.clone(),
            labels.actions.clone(),
        ],
        partners.into_iter().map(|(code, (name, parts))| {
            vec![
                format!("{code} — {name}"),
                labels.tasks_count(parts.len() as u64),
                parts.join("; "),
            ]
        }),
    )
}

/// Numbered top-level sections: "1. …", "2. …".
#[derive(Default)]
pub(crate) struct Sections(usize);

impl Sections {
    /// The next section's heading, `text` followed by `end`.
    pub(crate) fn heading(&mut self, docx: Docx, text: &str, end: &str) -> Docx {
        self.0 += 1;
        docx.add_paragraph(styled(HEADING_1, format!("{}. {text}{end}", self.0)))
    }
}

/// The last sections of either form: the summary, the overdue and the declined work.
pub(crate) fn work_tables(
    docx: Docx,
    report: &MonitoringReport,
    labels: &Labels,
    sections: &mut Sections,
) -> Docx {
    let docx = sections.heading(docx, &labels.summary, "");
    let docx = docx.add_table(view_table(views::summary(report, labels), labels));
    let docx = sections.heading(docx, &labels.overdue_work, "");
    let docx = docx.add_table(view_table(views::overdue(report, labels), labels));
    let docx = sections.heading(docx, &labels.declined_work, "");
    docx.add_table(view_table(views::declined(report, labels), labels))
}

pub(crate) fn write(
    report: &MonitoringReport,
    labels: &Labels,
    out: &mut impl Write,
) -> Result<(), ReportError> {
    if informacja::applies(report) {
        return informacja::write(report, labels, out);
    }
    let mut docx = opening(report, labels);
    if report.is_empty() {
        docx = docx.add_paragraph(paragraph(&labels.empty));
        return pack(docx, out);
    }

    let mut sections = Sections::default();
    let mut heading = |docx: Docx, text: &str| sections.heading(docx, text, "");

    docx = heading(docx, &labels.objectives);
    for (_, o) in report.objectives_flat() {
        if o.tally.tasks == 0 {
            continue;
        }
        docx = docx.add_paragraph(paragraph(format!(
            "{} {} — {}",
            o.objective.number,
            o.objective.title,
            labels.status(o.status)
        )));
        if let Some(result) = &o.objective.result {
            docx = docx.add_paragraph(paragraph(format!("{}: {result}", &labels.result)));
        }
    }

    docx = heading(docx, &labels.progress);
    for (_, o) in report.objectives_flat() {
        if o.actions.is_empty() {
            continue;
        }
        docx = docx.add_paragraph(styled(
            HEADING_2,
            format!("{} {}", o.objective.number, o.objective.title),
        ));
        let header: Vec<String> = [
            &labels.number,
            &labels.action,
            &labels.deadline,
            &labels.responsible,
            &labels.partners,
            &labels.status,
            &labels.indicator,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        docx = docx.add_table(table(
            &header,
            o.actions.iter().map(|a| {
                vec![
                    a.action.number.clone(),
                    a.action.text.clone(),
                    a.action.deadline.clone(),
                    codes(&a.responsible),
                    codes(&a.partners),
                    labels.status(a.status).to_owned(),
                    indicators_text(a, labels),
                ]
            }),
        ));
        for a in &o.actions {
            for n in &a.narratives {
                docx = docx.add_paragraph(narrative(a, n, labels));
            }
        }
    }

    docx = heading(docx, &labels.partners_section);
    docx = docx.add_table(partners_table(report, labels));

    docx = heading(docx, &labels.plan_indicators);
    docx = docx.add_table(view_table(views::plan_indicators(report, labels), labels));
    pack(work_tables(docx, report, labels, &mut sections), out)
}

pub(crate) fn pack(docx: Docx, out: &mut impl Write) -> Result<(), ReportError> {
    let mut buffer = Cursor::new(Vec::new());
    docx.pack(&mut buffer)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    out.write_all(buffer.get_ref())?;
    Ok(())
}

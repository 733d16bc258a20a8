//! DOCX in the form of a Polish police priority action plan's report ("Informacja dotycząca
//! realizacji planu działania priorytetowego", as seed 004): 1. the threat diagnosed, 2. the goal
//! to achieve and the criterion its achievement is judged by, 3. the actions with their terms
//! (and what the reports say of them), 4. the partner institutions with their tasks, 5. how the
//! community was told; then the summary, overdue and declined work. A plan does not record the
//! threat nor how the community was told: those sections say so.

use std::io::Write;

use docx_rs::{Docx, Paragraph, Run};
use mandate_engine::i18n::Language;
use mandate_engine::reports::MonitoringReport;

use crate::ReportError;
use crate::docx::{
    HEADING_2, Sections, codes, narrative, opening, pack, paragraph, partners_table, styled,
    work_tables,
};
use crate::labels::Labels;

/// Words in a plan's title that make it a priority action plan: "planu działania
/// priorytetowego", "plan działań priorytetowych".
const PRIORITY: [&str; 2] = ["działania priorytetow", "działań priorytetow"];

/// Whether `report` is of a Polish priority action plan.
pub(crate) fn applies(report: &MonitoringReport) -> bool {
    let title = report.plan.title.to_lowercase();
    Language::parse(&report.plan.language) == Some(Language::Pl)
        && PRIORITY.iter().any(|words| title.contains(words))
}

/// A bulleted paragraph, as the form writes its lists.
fn bullet(text: String) -> Paragraph {
    paragraph(format!("· {text}"))
}

pub(crate) fn write(
    report: &MonitoringReport,
    labels: &Labels,
    out: &mut impl Write,
) -> Result<(), ReportError> {
    let mut docx = opening(report, labels);
    if report.is_empty() {
        docx = docx.add_paragraph(paragraph(&labels.empty));
        return pack(docx, out);
    }
    let mut sections = Sections::default();
    let mut heading = |docx: Docx, text: &str| sections.heading(docx, text, ":");

    docx = heading(docx, &labels.informacja_threat)
        .add_paragraph(paragraph(&labels.informacja_not_recorded));

    docx = heading(docx, &labels.informacja_goal);
    for (_, o) in report.objectives_flat() {
        docx = docx.add_paragraph(paragraph(o.objective.title.clone()));
    }
    docx = docx.add_paragraph(styled(
        HEADING_2,
        format!("{}:", labels.informacja_criterion),
    ));
    let criteria: Vec<&str> = report
        .objectives_flat()
        .into_iter()
        .filter_map(|(_, o)| o.objective.result.as_deref())
        .collect();
    for criterion in &criteria {
        docx = docx.add_paragraph(paragraph(*criterion));
    }
    for p in &report.plan_indicators {
        let i = &p.indicator;
        let comparison = i
            .comparison
            .as_deref()
            .map_or(String::new(), |c| format!(" ({c})"));
        docx = docx.add_paragraph(bullet(format!(
            "{}: {} {}{comparison}",
            i.name, labels.target, i.target
        )));
    }
    if criteria.is_empty() && report.plan_indicators.is_empty() {
        docx = docx.add_paragraph(paragraph(&labels.informacja_not_recorded));
    }

    docx = heading(docx, &labels.informacja_actions);
    for (_, a) in report.actions() {
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(
                    Run::new()
                        .add_text(format!("· {} – ", a.action.deadline))
                        .bold(),
                )
                .add_run(Run::new().add_text(format!(
                    "{} ({}: {}; {}: {})",
                    a.action.text,
                    labels.responsible,
                    codes(&a.responsible),
                    labels.status,
                    labels.status(a.status)
                ))),
        );
    }
    let narratives: Vec<_> = report
        .actions()
        .flat_map(|(_, a)| a.narratives.iter().map(move |n| (a, n)))
        .collect();
    if !narratives.is_empty() {
        docx = docx.add_paragraph(styled(
            HEADING_2,
            format!("{}:", labels.informacja_narratives),
        ));
        for (a, n) in narratives {
            docx = docx.add_paragraph(narrative(a, n, labels));
        }
    }

    docx = heading(docx, &labels.informacja_partners).add_table(partners_table(report, labels));
    docx = heading(docx, &labels.informacja_community)
        .add_paragraph(paragraph(&labels.informacja_not_recorded));

    pack(work_tables(docx, report, labels, &mut sections), out)
}

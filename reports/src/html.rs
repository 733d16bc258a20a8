//! HTML: one printable page (a print stylesheet in the page, nothing loaded from elsewhere) in
//! the plan's language, rendered with minijinja from `templates/report.html`, its charts inline
//! as SVG.

use std::io::Write;

use mandate_engine::reports::MonitoringReport;
use minijinja::Environment;
use serde::Serialize;

use crate::labels::Labels;
use crate::views::{self, View};
use crate::{ReportError, charts};

const TEMPLATE: &str = include_str!("../templates/report.html");

/// A table as the template shows it: the header and the rows as text.
#[derive(Serialize)]
struct TableData<'a> {
    title: &'a str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl<'a> TableData<'a> {
    fn of(view: View<'a>, labels: &Labels) -> Self {
        let rows = view
            .rows
            .map(|cells| {
                cells
                    .into_iter()
                    .map(|c| match c {
                        views::Cell::Number(n) => labels.number(n),
                        views::Cell::Date(d) => labels.date(d),
                        other => other.text(labels),
                    })
                    .collect()
            })
            .collect();
        Self {
            title: view.name,
            header: view.header,
            rows,
        }
    }
}

// The template's view of the report borrows its texts: the page does not hold the plan twice.

#[derive(Serialize)]
struct Indicator<'a> {
    name: &'a str,
    /// What the engine makes of its values: "142 of 200 (71 %): not met".
    explanation: String,
    /// `met`, `not_met` or `unknown`.
    verdict: &'static str,
}

#[derive(Serialize)]
struct Narrative<'a> {
    institution: &'a str,
    period_end: String,
    text: std::borrow::Cow<'a, str>,
    evidence: &'a [String],
}

#[derive(Serialize)]
struct Action<'a> {
    number: &'a str,
    text: &'a str,
    deadline: &'a str,
    lead: Option<&'a str>,
    responsible: String,
    partners: String,
    status: &'a str,
    light: &'static str,
    indicators: Vec<Indicator<'a>>,
    narratives: Vec<Narrative<'a>>,
}

#[derive(Serialize)]
struct Objective<'a> {
    depth: usize,
    number: &'a str,
    title: &'a str,
    result: Option<&'a str>,
    status: &'a str,
    light: &'static str,
    actions: Vec<Action<'a>>,
}

fn names(list: &[mandate_engine::reports::Named]) -> String {
    list.iter()
        .map(|n| n.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn write<'a>(
    report: &'a MonitoringReport,
    labels: &'a Labels,
    out: &mut impl Write,
) -> Result<(), ReportError> {
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let objectives: Vec<Objective> = report
        .objectives_flat()
        .into_iter()
        .filter(|(_, o)| o.tally.tasks > 0)
        .map(|(depth, o)| Objective {
            depth,
            number: &o.objective.number,
            title: &o.objective.title,
            result: o.objective.result.as_deref(),
            status: labels.status(o.status),
            light: o.status.light(),
            actions: o
                .actions
                .iter()
                .map(|a| Action {
                    number: &a.action.number,
                    text: &a.action.text,
                    deadline: &a.action.deadline,
                    lead: a.lead.as_ref().map(|l| l.code.as_str()),
                    responsible: names(&a.responsible),
                    partners: names(&a.partners),
                    status: labels.status(a.status),
                    light: a.status.light(),
                    indicators: a
                        .indicators
                        .iter()
                        .map(|i| Indicator {
                            name: &i.name,
                            explanation: i.explanation(labels.language),
                            verdict: i.evaluation.verdict.as_str(),
                        })
                        .collect(),
                    narratives: a
                        .narratives
                        .iter()
                        .map(|n| Narrative {
                            institution: &n.institution.code,
                            period_end: labels.date(n.period_end),
                            text: views::excerpt(&n.text, views::EXCERPT_CHARS),
                            evidence: &n.evidence,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let tables = [
        TableData::of(views::summary(report, labels), labels),
        TableData::of(views::overdue(report, labels), labels),
        TableData::of(views::declined(report, labels), labels),
        TableData::of(views::plan_indicators(report, labels), labels),
    ];
    let charts = if report.is_empty() {
        Vec::new()
    } else {
        vec![
            charts::progress_svg(report, labels)?,
            charts::overdue_svg(report, labels)?,
        ]
    };
    let html = env
        .get_template("report.html")?
        .render(minijinja::context! {
            l => minijinja::context! {
                lang => labels.lang,
                title => &labels.title,
                coordinator => &labels.coordinator,
                generated => &labels.generated,
                empty => &labels.empty,
                objectives => &labels.objectives,
                progress => &labels.progress,
                result => &labels.result,
                number => &labels.number,
                action => &labels.action,
                deadline => &labels.deadline,
                lead => &labels.lead,
                responsible => &labels.responsible,
                partners => &labels.partners,
                status => &labels.status,
                indicator => &labels.indicator,
                unit => &labels.unit,
                target => &labels.target,
                value => &labels.value,
                reports => &labels.reports,
                evidence => &labels.evidence,
                charts => &labels.charts,
            },
            plan => report.plan.title.as_str(),
        plan_titles_itself => labels.titles_itself(&report.plan.title),
            owner => report.owner.name.as_str(),
            period => labels.period(&report.period),
            for_period => labels.for_period(&report.period),
            generated_at => report.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            status => labels.status(report.status),
            light => report.status.light(),
            empty => report.is_empty(),
            objectives => minijinja::value::Serde(&objectives),
            tables => minijinja::value::Serde(&tables),
            scope => labels.scope(report.tally.actions, report.tally.tasks),
            charts => charts,
        })?;
    out.write_all(html.as_bytes())?;
    Ok(())
}

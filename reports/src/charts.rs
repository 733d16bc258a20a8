//! The report's charts as SVG, drawn with plotters (text as SVG text, no fonts needed, nothing
//! to run to view them): the tasks of each general objective by status (a group of five bars per
//! objective: done, on track, at risk, late, not started), and the number of overdue tasks at
//! each month end of the period (a line).
//!
//! A task is overdue at the end of day `d` when its due date is before `d` and it was not closed
//! (signed off, declined, cancelled) by the end of `d`. Month ends after the day the report was
//! made are not drawn: nobody knows them yet.

use chrono::{Datelike, Months, NaiveDate};
use mandate_engine::reports::{MonitoringReport, ObjectiveReport, TaskLine};
use mandate_engine::status::Status;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::ReportError;
use crate::labels::Labels;

/// The statuses a progress bar group shows, in its order (closed tasks are not shown).
pub const PROGRESS_STATUSES: [Status; 5] = [
    Status::Done,
    Status::OnTrack,
    Status::AtRisk,
    Status::Late,
    Status::NotStarted,
];

/// The fill of each status's bars, in the order of [`PROGRESS_STATUSES`] (as `#rrggbb`).
pub const PROGRESS_COLOURS: [(u8, u8, u8); 5] = [
    (0x2e, 0x7d, 0x32),
    (0x15, 0x65, 0xc0),
    (0xf9, 0xa8, 0x25),
    (0xc6, 0x28, 0x28),
    (0x9e, 0x9e, 0x9e),
];

/// The colour of the overdue line.
const LINE_COLOUR: RGBColor = RGBColor(0xc6, 0x28, 0x28);

const WIDTH: u32 = 760;
const HEIGHT: u32 = 320;
/// Bar slots per objective: five bars and a gap.
const SLOTS: u32 = 6;
const FONT: &str = "sans-serif";

/// A general objective's tasks counted by status, in the order of [`PROGRESS_STATUSES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub number: String,
    pub counts: [u64; 5],
}

fn tasks_under(o: &ObjectiveReport) -> Box<dyn Iterator<Item = &TaskLine> + '_> {
    Box::new(
        o.actions
            .iter()
            .flat_map(|a| a.tasks.iter())
            .chain(o.children.iter().flat_map(tasks_under)),
    )
}

/// Per general objective with work in the period, its tasks (and those of the objectives under
/// it) by status.
pub fn progress(report: &MonitoringReport) -> Vec<Progress> {
    report
        .objectives
        .iter()
        .filter(|o| o.tally.tasks > 0)
        .map(|o| {
            let mut counts = [0u64; 5];
            for t in tasks_under(o) {
                if let Some(i) = PROGRESS_STATUSES.iter().position(|s| *s == t.status) {
                    counts[i] += 1;
                }
            }
            Progress {
                number: o.objective.number.clone(),
                counts,
            }
        })
        .collect()
}

/// The last day of each month that ends in the period, up to the day the report was made.
fn month_ends(report: &MonitoringReport) -> Vec<NaiveDate> {
    let made = report.generated_at.date_naive();
    let mut ends = Vec::new();
    let mut first = report.period.start.with_day(1);
    while let Some(month) = first {
        let Some(end) = month
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
        else {
            break;
        };
        if end > report.period.end || end > made {
            break;
        }
        ends.push(end);
        first = month.checked_add_months(Months::new(1));
    }
    ends
}

/// Whether task `t` was overdue at the end of day `day`.
pub fn overdue_at(t: &TaskLine, day: NaiveDate) -> bool {
    t.due < day && t.closed_on.is_none_or(|closed| closed > day)
}

/// The number of overdue tasks at each month end of the period (up to the day of the report).
pub fn overdue_series(report: &MonitoringReport) -> Vec<(NaiveDate, u64)> {
    let tasks: Vec<&TaskLine> = report.actions().flat_map(|(_, a)| &a.tasks).collect();
    month_ends(report)
        .into_iter()
        .map(|day| {
            let n = tasks.iter().filter(|t| overdue_at(t, day)).count() as u64;
            (day, n)
        })
        .collect()
}

fn drawing<E: std::error::Error + Send + Sync>(
    error: plotters::drawing::DrawingAreaErrorKind<E>,
) -> ReportError {
    ReportError::Chart(error.to_string())
}

/// A y range with some room above the highest value.
fn top(max: u64) -> u64 {
    max + max / 10 + 1
}

/// The bar chart of [`progress`], as an SVG document.
pub fn progress_svg(report: &MonitoringReport, labels: &Labels) -> Result<String, ReportError> {
    let groups = progress(report);
    let max = groups.iter().flat_map(|g| g.counts).max().unwrap_or(0);
    let slots = f64::from((groups.len() as u32 * SLOTS).max(SLOTS));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let (plot, legend) = root.split_horizontally(WIDTH - 170);
        let mut chart = ChartBuilder::on(&plot)
            .caption(&labels.chart_progress, (FONT, 16))
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(40)
            .build_cartesian_2d(0f64..slots, 0u64..top(max))
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(&labels.tasks)
            .label_style((FONT, 12))
            .draw()
            .map_err(drawing)?;
        let bars = groups.iter().enumerate().flat_map(|(g, group)| {
            group.counts.iter().enumerate().map(move |(k, n)| {
                let x = f64::from(g as u32 * SLOTS + k as u32);
                let (r, gr, b) = PROGRESS_COLOURS[k];
                Rectangle::new([(x, 0), (x + 1.0, *n)], RGBColor(r, gr, b).filled())
            })
        });
        chart.draw_series(bars).map_err(drawing)?;
        let centre = Pos::new(HPos::Center, VPos::Top);
        for (g, group) in groups.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(f64::from(g as u32 * SLOTS) + 2.5, 0));
            plot.draw(&Text::new(
                group.number.clone(),
                (x, y + 6),
                TextStyle::from((FONT, 13).into_font()).pos(centre),
            ))
            .map_err(drawing)?;
        }
        for (k, status) in PROGRESS_STATUSES.iter().enumerate() {
            let y = 50 + k as i32 * 22;
            let (r, g, b) = PROGRESS_COLOURS[k];
            legend
                .draw(&Circle::new((10, y), 6, RGBColor(r, g, b).filled()))
                .map_err(drawing)?;
            legend
                .draw(&Text::new(
                    labels.status(*status).to_owned(),
                    (22, y - 7),
                    (FONT, 13),
                ))
                .map_err(drawing)?;
        }
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

/// The line chart of [`overdue_series`], as an SVG document.
pub fn overdue_svg(report: &MonitoringReport, labels: &Labels) -> Result<String, ReportError> {
    let series = overdue_series(report);
    let max = series.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let months = (series.len() as f64).max(1.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&labels.chart_overdue, (FONT, 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(40)
            .build_cartesian_2d(-0.5f64..months - 0.5, 0u64..top(max))
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .x_desc(&labels.chart_month)
            .y_desc(&labels.overdue)
            .label_style((FONT, 12))
            .draw()
            .map_err(drawing)?;
        let points: Vec<(f64, u64)> = (0u32..)
            .zip(&series)
            .map(|(i, (_, n))| (f64::from(i), *n))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                LINE_COLOUR.stroke_width(2),
            ))
            .map_err(drawing)?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(*p, 3, LINE_COLOUR.filled())),
            )
            .map_err(drawing)?;
        let centre = Pos::new(HPos::Center, VPos::Top);
        for (i, (day, _)) in (0u32..).zip(&series) {
            let (x, y) = chart.backend_coord(&(f64::from(i), 0));
            root.draw(&Text::new(
                format!("{:02}.{}", day.month(), day.year()),
                (x, y + 6),
                TextStyle::from((FONT, 11).into_font()).pos(centre),
            ))
            .map_err(drawing)?;
        }
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

//! XLSX: a first sheet naming the plan, the period and the report's status (or saying that no
//! work falls in the period), then one sheet per table of [`views`], each with its header row
//! frozen and filters on, real numbers and real dates. The tables' sheets are written in
//! rust_xlsxwriter's constant-memory mode: each row goes to a temporary file as soon as the next
//! one starts, so that a plan of 100 000 tasks is not held a second time as cells.

use std::io::Write;

use mandate_engine::reports::MonitoringReport;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::ReportError;
use crate::labels::Labels;
use crate::views::{self, Cell};

/// Excel's longest sheet name.
const SHEET_NAME_CHARS: usize = 31;
/// The widest a column grows when fitted to its contents, in characters.
const MAX_COLUMN_CHARS: usize = 60;
/// What a date takes: `2021-12-31`.
const DATE_CHARS: usize = 10;
/// The room a header leaves for its filter button, in characters.
const FILTER_BUTTON_CHARS: usize = 3;

fn sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(SHEET_NAME_CHARS)
        .collect()
}

pub(crate) fn write(
    report: &MonitoringReport,
    labels: &Labels,
    out: &mut (impl Write + Send),
) -> Result<(), ReportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();

    let cover = workbook.add_worksheet();
    cover.set_name(sheet_name(&labels.title))?;
    let period = labels.period_span(&report.period);
    let lines: [(&str, String); 5] = [
        (&labels.title, report.plan.title.clone()),
        (&labels.coordinator, report.owner.name.clone()),
        (&labels.period, period),
        (&labels.status, labels.status(report.status).to_owned()),
        (
            &labels.generated,
            report.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
    ];
    for (row, (name, value)) in (0u32..).zip(lines) {
        cover.write_string_with_format(row, 0, name, &bold)?;
        cover.write_string(row, 1, value)?;
    }
    if report.is_empty() {
        cover.write_string_with_format(6, 0, &labels.empty, &bold)?;
    }
    cover.set_column_width(0, 28)?;
    cover.set_column_width(1, 100)?;

    for view in views::all(report, labels) {
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(sheet_name(view.name))?;
        write_view(sheet, view, labels, &bold, &date, &wrap)?;
    }
    workbook.save_to_writer(out)?;
    Ok(())
}

/// How wide a column is made for a cell: its longest line, in characters.
fn width_of(cell: &Cell, labels: &Labels) -> usize {
    match cell {
        Cell::Text(s) => s.lines().map(|l| l.chars().count()).max().unwrap_or(0),
        Cell::Number(n) => n.to_string().len(),
        Cell::Date(_) => DATE_CHARS,
        Cell::Unknown => labels.unknown.chars().count(),
    }
}

/// Writes `view` row by row (the sheet keeps no row once the next is started), then sizes each
/// column to its widest cell, up to [`MAX_COLUMN_CHARS`].
fn write_view(
    sheet: &mut Worksheet,
    view: views::View<'_>,
    labels: &Labels,
    bold: &Format,
    date: &Format,
    wrap: &Format,
) -> Result<(), XlsxError> {
    let columns = u16::try_from(view.header.len()).unwrap_or(u16::MAX);
    // The header's width and room for its filter button.
    let mut widths: Vec<usize> = view
        .header
        .iter()
        .map(|h| h.chars().count() + FILTER_BUTTON_CHARS)
        .collect();
    for (col, name) in (0u16..).zip(&view.header) {
        sheet.write_string_with_format(0, col, name, bold)?;
    }
    let mut last = 0u32;
    for (row, cells) in (1u32..).zip(view.rows) {
        for ((col, cell), width) in (0u16..).zip(cells).zip(widths.iter_mut()) {
            *width = (*width).max(width_of(&cell, labels));
            match cell {
                Cell::Text(s) if s.contains('\n') => {
                    sheet.write_string_with_format(row, col, s, wrap)?
                }
                Cell::Text(s) => sheet.write_string(row, col, s)?,
                Cell::Number(n) => sheet.write_number(row, col, n)?,
                Cell::Date(d) => sheet.write_date_with_format(row, col, d, date)?,
                Cell::Unknown => sheet.write_string(row, col, &labels.unknown)?,
            };
        }
        last = row;
    }
    for (col, width) in (0u16..).zip(widths) {
        sheet.set_column_width(col, width.min(MAX_COLUMN_CHARS) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, columns.saturating_sub(1))?;
    Ok(())
}

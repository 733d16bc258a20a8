//! XLSX: a first sheet naming the plan, the period and the report's status (or saying that no
//! work falls in the period), then one sheet per table of [`views`], each with its header row
//! frozen and filters on, real numbers and real dates.

use std::io::Write;

use mandate_engine::reports::MonitoringReport;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::ReportError;
use crate::labels::Labels;
use crate::views::{self, Cell};

/// Excel's longest sheet name.
const SHEET_NAME_CHARS: usize = 31;
/// The widest a column grows when fitted to its contents.
const MAX_COLUMN_WIDTH: u32 = 400;

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
    cover.set_name(sheet_name(labels.title))?;
    let period = labels.period_span(&report.period);
    let lines: [(&str, String); 5] = [
        (labels.title, report.plan.title.clone()),
        (labels.coordinator, report.owner.name.clone()),
        (labels.period, period),
        (labels.status, labels.status(report.status).to_owned()),
        (
            labels.generated,
            report.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
    ];
    for (row, (name, value)) in (0u32..).zip(lines) {
        cover.write_string_with_format(row, 0, name, &bold)?;
        cover.write_string(row, 1, value)?;
    }
    if report.is_empty() {
        cover.write_string_with_format(6, 0, labels.empty, &bold)?;
    }
    cover.set_column_width(0, 28)?;
    cover.set_column_width(1, 100)?;

    for view in views::all(report, labels) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(view.name))?;
        write_view(sheet, view, labels, &bold, &date, &wrap)?;
    }
    workbook.save_to_writer(out)?;
    Ok(())
}

fn write_view(
    sheet: &mut Worksheet,
    view: views::View<'_>,
    labels: &Labels,
    bold: &Format,
    date: &Format,
    wrap: &Format,
) -> Result<(), XlsxError> {
    let columns = u16::try_from(view.header.len()).unwrap_or(u16::MAX);
    for (col, name) in (0u16..).zip(&view.header) {
        sheet.write_string_with_format(0, col, name, bold)?;
    }
    let mut last = 0u32;
    for (row, cells) in (1u32..).zip(view.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(s) if s.contains('\n') => {
                    sheet.write_string_with_format(row, col, s, wrap)?
                }
                Cell::Text(s) => sheet.write_string(row, col, s)?,
                Cell::Number(n) => sheet.write_number(row, col, n)?,
                Cell::Date(d) => sheet.write_date_with_format(row, col, d, date)?,
                Cell::Unknown => sheet.write_string(row, col, labels.unknown)?,
            };
        }
        last = row;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, columns.saturating_sub(1))?;
    sheet.set_autofit_max_width(MAX_COLUMN_WIDTH);
    sheet.autofit();
    Ok(())
}

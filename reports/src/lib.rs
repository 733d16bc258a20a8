//! Monitoring reports of Mandate plans as documents: XLSX (a sheet per table), DOCX (the shape of
//! an implementation report, "Informacja dotycząca realizacji planu"), printable HTML and CSV,
//! written from the engine's read model ([`mandate_engine::reports::MonitoringReport`]) in the
//! plan's language.

pub mod charts;
mod csv;
mod docx;
mod html;
mod informacja;
pub mod labels;
pub mod views;
mod xlsx;

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use mandate_engine::reports::{MonitoringReport, ReportPeriod};

/// A document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Docx,
    Html,
    Csv,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: [Format; 4] = [Format::Xlsx, Format::Docx, Format::Html, Format::Csv];

    /// The file name extension (and the name on the command line).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Csv => "csv",
        }
    }

    /// The media type an HTTP answer gives the document.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The document's file name: `PLAN-period.ext`, any character other than an ASCII letter, digit,
/// `-`, `_` or `.` made `_` (so that it can stand in a header unquoted by anything else).
pub fn file_name(plan_code: &str, period: &ReportPeriod, format: Format) -> String {
    let name: String = format!("{plan_code}-{period}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.{}", format.extension())
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown format `{s}` (xlsx, docx, html or csv)"))
    }
}

/// A document that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot write the DOCX document: {0}")]
    Docx(String),
    #[error("cannot render the HTML report: {0}")]
    Html(#[from] minijinja::Error),
    #[error("cannot draw a chart: {0}")]
    Chart(String),
    #[error("cannot write the CSV table: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes `report` as `format` to `out`, in the plan's language.
pub fn write(
    report: &MonitoringReport,
    format: Format,
    out: &mut (impl Write + Send),
) -> Result<(), ReportError> {
    let labels = labels::labels(&report.plan.language);
    match format {
        Format::Xlsx => xlsx::write(report, labels, out),
        Format::Docx => docx::write(report, labels, out),
        Format::Html => html::write(report, labels, out),
        Format::Csv => csv::write(report, labels, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_to_safe_characters() {
        let year = ReportPeriod::parse("2021").expect("period");
        let range = ReportPeriod::parse("2024-01-01..2024-06-30").expect("period");
        assert_eq!(
            file_name("pna-trafic-2021-2022", &year, Format::Xlsx),
            "pna-trafic-2021-2022-2021.xlsx"
        );
        assert_eq!(
            file_name("plan \"x\"/ł", &range, Format::Csv),
            "plan__x___-2024-01-01..2024-06-30.csv"
        );
    }
}

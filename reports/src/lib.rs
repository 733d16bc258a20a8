//! Monitoring reports of Mandate plans as documents: XLSX (a sheet per table), DOCX (the shape of
//! an implementation report, "Informacja dotycząca realizacji planu"), printable HTML and CSV,
//! written from the engine's read model ([`mandate_engine::reports::MonitoringReport`]) in the
//! plan's language.

mod csv;
mod docx;
mod html;
pub mod labels;
pub mod views;
mod xlsx;

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use mandate_engine::reports::MonitoringReport;

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

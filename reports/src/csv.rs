//! CSV: the tasks of the period, one row each (the most detailed table; the others are sums of
//! it), with a header in the plan's language. Dates are ISO dates. A text that a spreadsheet
//! would take for a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is
//! written after an apostrophe, so that opening the file runs nothing an institution wrote.

use std::io::Write;

use mandate_engine::reports::MonitoringReport;

use crate::ReportError;
use crate::labels::Labels;
use crate::views::{self, Cell};

/// The cell's text, with an apostrophe before a text that would start a formula.
fn field(cell: &Cell, labels: &Labels) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        other => other.text(labels),
    }
}

pub(crate) fn write(
    report: &MonitoringReport,
    labels: &Labels,
    out: &mut impl Write,
) -> Result<(), ReportError> {
    let view = views::tasks(report, labels);
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(&view.header)?;
    for row in view.rows {
        writer.write_record(row.iter().map(|c| field(c, labels)))?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::labels;

    #[test]
    fn texts_that_look_like_formulas_are_not_formulas() {
        let l = labels("en");
        let text = |s: &str| field(&Cell::Text(s.to_owned()), l);
        assert_eq!(
            text("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("-1+2"), "'-1+2");
        assert_eq!(text("Buget ANITP"), "Buget ANITP");
        assert_eq!(field(&Cell::Number(-3.0), l), "-3");
        assert_eq!(field(&Cell::Unknown, l), "unknown");
    }
}

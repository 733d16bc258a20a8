//! CSV: the tasks of the period, one row each (the most detailed table; the others are sums of
//! it), with a header in the plan's language. Dates are ISO dates.

use std::io::Write;

use mandate_engine::reports::MonitoringReport;

use crate::ReportError;
use crate::labels::Labels;
use crate::views;

pub(crate) fn write(
    report: &MonitoringReport,
    labels: &Labels,
    out: &mut impl Write,
) -> Result<(), ReportError> {
    let view = views::tasks(report, labels);
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(&view.header)?;
    for row in view.rows {
        writer.write_record(row.iter().map(|c| c.text(labels)))?;
    }
    writer.flush()?;
    Ok(())
}

//! `mandate report`: the monitoring report of a plan over a period, as XLSX, DOCX, HTML or CSV,
//! read as the operator.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use mandate_engine::Actor;
use mandate_engine::reports::ReportPeriod;
use mandate_reports::Format;

use super::Config;

/// What `mandate report` is told.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The plan's code.
    #[arg(long)]
    plan: String,
    /// A year (2021), a half-year (2021-S1, 2021-H2), a quarter (2021-Q3) or dates
    /// (2021-01-01..2021-06-30).
    #[arg(long)]
    period: String,
    /// xlsx, docx, html or csv; by default the output file's extension.
    #[arg(long)]
    format: Option<String>,
    /// The file to write (`-` for standard output).
    #[arg(short = 'o', long)]
    output: PathBuf,
}

/// The format asked for, or the one the output file's extension names.
fn format_of(args: &ReportArgs) -> anyhow::Result<Format> {
    if let Some(format) = &args.format {
        return format.parse().map_err(anyhow::Error::msg);
    }
    args.output
        .extension()
        .and_then(|e| e.to_str())
        .and_then(|e| e.parse().ok())
        .with_context(|| {
            format!(
                "say --format xlsx|docx|html|csv: `{}` names none",
                args.output.display()
            )
        })
}

pub async fn run(config: &Config, args: ReportArgs) -> anyhow::Result<()> {
    let period = ReportPeriod::parse(&args.period)?;
    let format = format_of(&args)?;
    let engine = config.engine().await?;
    let report = match engine
        .monitoring_report(&Actor::operator(), &args.plan, &period)
        .await
    {
        Ok(report) => report,
        Err(e) => return Err(config.in_database(&engine, e).await),
    };
    let mut bytes = Vec::new();
    mandate_reports::write(&report, format, &mut bytes)?;
    write_output(&args.output, &bytes)?;
    if report.is_empty() {
        eprintln!(
            "no work of plan {} falls in {}: the report says so",
            args.plan, period
        );
    }
    Ok(())
}

fn write_output(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        return Ok(out.flush()?);
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

//! `mandate bench report`: the monitoring report of a plan built and written in each format, with
//! the time of each step and the process's peak memory while it ran, on a database of the bench's
//! own holding the demo (the seed plans and their history up to the demo's start); then the same
//! for a synthetic plan of N tasks over the period's year ([`synthetic`]), made on the first run.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Datelike, Utc};
use mandate_engine::reports::ReportPeriod;
use mandate_engine::{Actor, Engine, demo};
use mandate_reports::Format;

use super::{backend, memory_kib, synthetic};
use crate::commands::Config;

/// Starts a new peak: the kernel sets `VmHWM` back to the present resident size (Linux).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub async fn run(
    config: &Config,
    plan: &str,
    period: &str,
    runs: usize,
    synthetic_tasks: usize,
    synthetic_runs: usize,
) -> anyhow::Result<()> {
    let period = ReportPeriod::parse(period)?;
    let own = super::own_database(config, "report").await?;
    let start: DateTime<Utc> = DateTime::parse_from_rfc3339(demo::DEFAULT_START)
        .context("the demo's start")?
        .with_timezone(&Utc);
    let engine = own.engine_at(start).await?;
    if !engine
        .plans(&Actor::operator())
        .await?
        .iter()
        .any(|p| p.code == plan)
    {
        let began = Instant::now();
        demo::build(&engine, start)
            .await
            .context("cannot fill the bench database with the demo")?;
        println!(
            "setup    the demo played in {:.1} s",
            began.elapsed().as_secs_f64()
        );
    }
    println!(
        "mandate bench report: {} ({})",
        backend(config),
        own.database_name()
    );
    measure(&engine, plan, &period, runs).await?;
    if synthetic_tasks > 0 {
        let began = Instant::now();
        let code = synthetic::plan_of(&engine, synthetic_tasks, period.start.year()).await?;
        println!(
            "setup    synthetic plan {code} ready in {:.1} s",
            began.elapsed().as_secs_f64()
        );
        measure(&engine, &code, &period, synthetic_runs).await?;
    }
    println!("read: the report built by the engine; write: the document made in memory; medians");
    Ok(())
}

/// Builds the report of `plan` over `period` and writes it in each format, `runs` times each: a
/// line per format with the median times, the document's size and the peak memory.
async fn measure(
    engine: &Engine,
    plan: &str,
    period: &ReportPeriod,
    runs: usize,
) -> anyhow::Result<()> {
    let operator = Actor::operator();
    println!("plan {plan}, period {period}, {runs} run(s) per format");
    let peaks = reset_peak();
    println!(
        "{:<6} {:>8} {:>10} {:>10} {:>11} {:>14}",
        "format", "tasks", "read ms", "write ms", "bytes", "peak MiB (+)"
    );
    for format in Format::ALL {
        let before = memory_kib(None, "VmRSS").unwrap_or(0);
        reset_peak();
        let (mut reads, mut writes) = (Vec::new(), Vec::new());
        let (mut bytes, mut tasks) = (0, 0);
        for _ in 0..runs.max(1) {
            let began = Instant::now();
            let report = engine.monitoring_report(&operator, plan, period).await?;
            reads.push(began.elapsed());
            let began = Instant::now();
            let mut out = Vec::new();
            mandate_reports::write(&report, format, &mut out)?;
            writes.push(began.elapsed());
            bytes = out.len();
            tasks = report.tally.tasks;
        }
        let peak = if peaks {
            memory_kib(None, "VmHWM").map_or("?".to_owned(), |p| {
                format!("{:.1} (+{:.1})", mib(p), mib(p.saturating_sub(before)))
            })
        } else {
            "?".to_owned()
        };
        println!(
            "{:<6} {:>8} {:>10.1} {:>10.1} {:>11} {:>14}",
            format.extension(),
            tasks,
            median(reads).as_secs_f64() * 1000.0,
            median(writes).as_secs_f64() * 1000.0,
            bytes,
            peak
        );
    }
    Ok(())
}

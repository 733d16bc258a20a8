//! `mandate validate`, `mandate import` and `mandate deadline`: plans as files.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono_tz::Tz;
use mandate_engine::deadline::{self, PlanPeriod};
use mandate_engine::domain::Actor;
use mandate_engine::plans::plan_file::{self, ImportSummary};

use super::Config;

/// Checks every file; prints every problem as `file:line:column: message`.
pub fn validate(config: &Config, files: &[PathBuf]) -> anyhow::Result<()> {
    let lifecycles = config.lifecycles()?;
    let mut failed = 0;
    for file in files {
        match plan_file::load(file, &lifecycles) {
            Ok(draft) => println!(
                "{}: ok — plan `{}`: {} objectives, {} actions, {} tasks",
                file.display(),
                draft.plan.code,
                draft.objectives.len(),
                draft.actions.len(),
                draft.task_count()
            ),
            Err(problems) => {
                failed += 1;
                for p in &problems {
                    println!("{p}");
                }
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} file(s) have problems", files.len());
    }
    Ok(())
}

/// Validates, then writes the plan in one transaction (or rolls back with `--dry-run`).
/// The file is read and checked before the database is opened: a wrong file leaves no trace.
pub async fn import(config: &Config, file: &Path, dry_run: bool) -> anyhow::Result<()> {
    let draft = match plan_file::load(file, &config.lifecycles()?) {
        Ok(draft) => draft,
        Err(problems) => {
            for p in &problems {
                println!("{p}");
            }
            bail!(
                "{}: {} problem(s), nothing imported",
                file.display(),
                problems.len()
            );
        }
    };
    let engine = config.engine().await?;
    let summary = match engine
        .import_plan(&Actor::operator(), &draft, dry_run)
        .await
    {
        Ok(summary) => summary,
        Err(e) => return Err(config.in_database(&engine, e).await),
    };
    print_summary(&summary, &config.database_name());
    Ok(())
}

fn print_summary(summary: &ImportSummary, database: &str) {
    let verb = if summary.dry_run {
        "would import"
    } else {
        "imported"
    };
    println!("{verb} plan `{}` into {database}", summary.plan_code);
    for (kind, change) in &summary.changes {
        println!(
            "  {kind:<24} {:>5} new  {:>5} changed  {:>5} unchanged",
            change.created, change.updated, change.unchanged
        );
    }
    for c in &summary.institution_changes {
        println!(
            "  institution {}: {} \"{}\" -> \"{}\"",
            c.code, c.field, c.from, c.to
        );
    }
    if summary.tasks_cancelled > 0 {
        println!(
            "  {} pending task(s) cancelled: their period left the plan",
            summary.tasks_cancelled
        );
    }
    if summary.dry_run {
        println!("dry run: nothing was written");
    }
}

/// Prints the periods a deadline wording yields.
pub fn deadline(
    wording: &str,
    plan_period: &str,
    tz: &str,
    recurrence: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let period = PlanPeriod::parse(plan_period)?;
    let tz: Tz = tz
        .parse()
        .map_err(|_| anyhow::anyhow!("`{tz}` is not an IANA time zone (e.g. Europe/Bucharest)"))?;
    let periods = deadline::parse(wording, period, tz, recurrence)?;
    if json {
        let rows: Vec<serde_json::Value> = periods
            .iter()
            .map(|p| {
                serde_json::json!({
                    "start": p.start.to_string(),
                    "end": p.end.to_string(),
                    "due": p.due.with_timezone(&tz).to_rfc3339(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string(&rows).context("JSON")?);
    } else {
        for p in &periods {
            println!(
                "{} .. {}  due {}",
                p.start,
                p.end,
                p.due.with_timezone(&tz).to_rfc3339()
            );
        }
    }
    Ok(())
}

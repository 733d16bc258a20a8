//! `mandate validate`, `mandate import`, `mandate convert` and `mandate deadline`: plans as
//! files and as tables.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use mandate_engine::deadline::{self, DeadlineError, PlanPeriod, RelativeDeadline};
use mandate_engine::domain::Actor;
use mandate_engine::notifications::reminders::{Calendar, DEFAULT_POLICY};
use mandate_engine::plans::plan_file::{self, ImportSummary, PlanDraft, Problem};
use mandate_engine::plans::table;
use mandate_engine::tasks::lifecycle::Lifecycles;

use super::Config;

/// A plan file, or a plan table with its header file (`header`, or the default one beside it).
fn load(
    file: &Path,
    header: Option<&Path>,
    lifecycles: &Lifecycles,
) -> Result<PlanDraft, Vec<Problem>> {
    if table::is_table(file) {
        table::load(file, header, lifecycles).map(|t| t.draft)
    } else {
        plan_file::load(file, lifecycles)
    }
}

/// Prints every problem and fails, saying that `what` was not done.
fn refuse(file: &Path, problems: &[Problem], what: &str) -> anyhow::Error {
    for p in problems {
        println!("{p}");
    }
    anyhow::anyhow!(
        "{}: {} problem(s), nothing {what}",
        file.display(),
        problems.len()
    )
}

/// Checks every file; prints every problem as `file:line:column: message` (`file:cell: message`
/// for a table).
pub fn validate(config: &Config, files: &[PathBuf], header: Option<&Path>) -> anyhow::Result<()> {
    let lifecycles = config.lifecycles()?;
    let policies = config.reminder_policies()?;
    let mut failed = 0;
    for file in files {
        let checked = load(file, header, &lifecycles).and_then(|draft| {
            let problems = match lifecycles.get(&draft.plan.lifecycle) {
                Some(lifecycle) => {
                    let name = draft.plan.reminder_policy.as_deref();
                    let policy = name
                        .and_then(|n| policies.get(n))
                        .or_else(|| policies.get(DEFAULT_POLICY));
                    policy.map_or_else(Vec::new, |policy| {
                        plan_file::lifecycle_problems(&draft, &lifecycle, &policy)
                    })
                }
                None => Vec::new(),
            };
            if problems.is_empty() {
                Ok(draft)
            } else {
                Err(problems)
            }
        });
        match checked {
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

/// `mandate archive CODE`: archives a plan, which keeps it and its audit trail.
pub async fn archive(config: &Config, code: &str) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    let plan = match engine.archive_plan(&Actor::operator(), code).await {
        Ok(plan) => plan,
        Err(e) => return Err(config.in_database(&engine, e).await),
    };
    if let Some(at) = plan.archived_at {
        println!(
            "plan {code} archived at {} in {}: it and its history stay; no more reminders are sent",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            config.database_name()
        );
    }
    Ok(())
}

/// Validates, then writes the plan in one transaction (or rolls back with `--dry-run`).
/// The file is read and checked before the database is opened: a wrong file leaves no trace.
pub async fn import(
    config: &Config,
    file: &Path,
    header: Option<&Path>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let draft =
        load(file, header, &config.lifecycles()?).map_err(|p| refuse(file, &p, "imported"))?;
    let engine = config.engine().await?;
    let summary = match engine
        .import_plan(&Actor::operator(), &draft, dry_run)
        .await
    {
        Ok(summary) => summary,
        Err(mandate_engine::Error::Problems { problems, .. }) => {
            return Err(refuse(file, &problems, "imported"));
        }
        Err(e) => return Err(config.in_database(&engine, e).await),
    };
    print_summary(&summary, &config.database_name());
    Ok(())
}

/// Reads and checks a plan table, then writes the plan file it makes to `output` (or standard
/// output). Nothing is written when the plan has a problem.
pub fn convert(
    config: &Config,
    file: &Path,
    header: Option<&Path>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    if !table::is_table(file) {
        bail!(
            "{}: not a plan table: the extension must be one of {}",
            file.display(),
            table::TABLE_EXTENSIONS.join(", ")
        );
    }
    let converted = table::load(file, header, &config.lifecycles()?)
        .map_err(|p| refuse(file, &p, "written"))?;
    match output {
        Some(path) => {
            std::fs::write(path, &converted.yaml)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {}: plan `{}`, {} objectives, {} actions",
                path.display(),
                converted.draft.plan.code,
                converted.draft.objectives.len(),
                converted.draft.actions.len()
            );
        }
        None => print!("{}", converted.yaml),
    }
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

/// What a deadline wording is read against: a plan period for dates and periods, the instant of
/// a case's event for a wording counted in days.
pub struct Against<'a> {
    /// `START..END`.
    pub plan_period: Option<&'a str>,
    /// An RFC 3339 instant.
    pub from: Option<&'a str>,
}

/// Prints the periods a deadline wording yields, or the rule of a wording counted in days and,
/// given the instant of the case's event, its due date.
pub fn deadline(
    wording: &str,
    against: Against<'_>,
    tz: &str,
    recurrence: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let tz: Tz = tz
        .parse()
        .map_err(|_| anyhow::anyhow!("`{tz}` is not an IANA time zone (e.g. Europe/Bucharest)"))?;
    match RelativeDeadline::parse(wording) {
        Ok(rule) => {
            if let Some(cron) = recurrence.filter(|r| !r.trim().is_empty()) {
                bail!(
                    "deadline \"{wording}\" is counted in days; the recurrence \"{cron}\" would be ignored: remove it"
                );
            }
            return relative(&rule, against.from, tz, json);
        }
        Err(DeadlineError::NotRelative { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let Some(plan_period) = against.plan_period else {
        bail!(
            "deadline \"{wording}\" is not counted in days; to read it as dates or periods, give the plan's --plan-period START..END"
        );
    };
    let period = PlanPeriod::parse(plan_period)?;
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

/// Prints a rule counted in days and, from the instant `from`, its last day and due instant.
fn relative(rule: &RelativeDeadline, from: Option<&str>, tz: Tz, json: bool) -> anyhow::Result<()> {
    let due = match from {
        Some(text) => {
            let start = DateTime::parse_from_rfc3339(text)
                .map_err(|e| {
                    anyhow::anyhow!("--from `{text}` is not an RFC 3339 instant ({e}), e.g. 2024-05-02T10:00:00+03:00")
                })?
                .with_timezone(&Utc);
            let calendar = Calendar::for_time_zone(tz.name());
            let day = rule
                .due_date(start, tz, calendar)
                .with_context(|| format!("{rule} from {text} falls outside the calendar"))?;
            Some((
                day,
                deadline::due_at(day, tz).with_timezone(&tz).to_rfc3339(),
            ))
        }
        None => None,
    };
    if json {
        let mut row = serde_json::to_value(rule).context("JSON")?;
        if let (Some((day, instant)), Some(fields)) = (&due, row.as_object_mut()) {
            fields.insert("due_date".into(), day.to_string().into());
            fields.insert("due".into(), instant.clone().into());
        }
        println!("{}", serde_json::to_string(&row).context("JSON")?);
    } else {
        match due {
            Some((day, instant)) => println!("{rule}: due {instant} (last day {day})"),
            None => println!("{rule} (give --from to see the due date)"),
        }
    }
    Ok(())
}

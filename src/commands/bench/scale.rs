//! `mandate bench scale`: how the costs every user meets grow with the size of the database. For
//! each size, a fresh database of the bench's own is filled with that many tasks in plans of
//! 1 000 (the size of a big national plan), and the engine is timed doing what the pages, the
//! scheduler and the importer do: a scheduler tick with reminders due and one with nothing due,
//! a member's inbox, a plan's progress, a plan's monitoring report, and an import of the national
//! anti-trafficking plan.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Datelike, Days, TimeZone, Utc};
use mandate_engine::demo::SEED_PLANS;
use mandate_engine::domain::{Actor, UserRole};
use mandate_engine::entity::{report, reporting_period, task};
use mandate_engine::plans::{self, Assignment, NewObjective, NewPlan};
use mandate_engine::reads::views::InboxFilter;
use mandate_engine::reports::ReportPeriod;
use mandate_engine::{Engine, plans::plan_file};
use mandate_reports::Format;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

use super::{
    backend, bench_institutions, information_sessions, peak_memory_kib, report_peak_memory,
};
use crate::commands::Config;

/// Institutions taking part; the first owns every plan.
const INSTITUTIONS: usize = 100;
/// Actions per plan, institutions per action and periods per action: 1 000 tasks a plan.
const ACTIONS: usize = 10;
const PER_ACTION: usize = 4;
const PERIODS: usize = 25;
const TASKS_PER_PLAN: usize = ACTIONS * PER_ACTION * PERIODS;
/// Times each read is repeated; the median is reported.
const RUNS: usize = 11;
/// Each plan runs from this many days before the bench day to as many after.
const PLAN_DAYS: u64 = 380;

/// One size's figures.
struct Figures {
    tasks: usize,
    tick: Duration,
    written: u64,
    quiet: Duration,
    inbox: Duration,
    progress: Duration,
    report: Duration,
    import: Duration,
    peak_kib: Option<u64>,
}

pub async fn run(config: &Config, sizes: &[usize]) -> anyhow::Result<()> {
    let mut all = Vec::new();
    for &size in sizes {
        let own = super::fresh_database(config, &format!("scale_{size}")).await?;
        all.push(measure(&own, size).await?);
        println!();
    }
    println!(
        "| tasks | database | tick, reminders due | tick, nothing due | inbox | plan progress | monitoring report (XLSX) | import of the anti-trafficking plan |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    for f in &all {
        println!(
            "| {} | {} | {} ({} e-mails) | {} | {} | {} | {} | {} |",
            f.tasks,
            backend(config),
            ms(f.tick),
            f.written,
            ms(f.quiet),
            ms(f.inbox),
            ms(f.progress),
            ms(f.report),
            ms(f.import),
        );
    }
    for f in &all {
        let peak = f.peak_kib.map_or("not readable".to_owned(), |k| {
            format!("{:.0} MiB", k as f64 / 1024.0)
        });
        println!("peak resident set after {} tasks: {peak}", f.tasks);
    }
    Ok(())
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Times `runs` calls of `f`; their median.
async fn timed<F, Fut, T>(runs: usize, mut f: F) -> anyhow::Result<(Duration, T)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = Some(f().await?);
        times.push(start.elapsed());
    }
    let last = last.context("nothing was measured")?;
    Ok((median(times), last))
}

async fn measure(config: &Config, size: usize) -> anyhow::Result<Figures> {
    let tick_at = super::bench_day()?;
    let year = tick_at.year();
    let engine = config.engine_at(tick_at).await?;
    let plans = size.div_ceil(TASKS_PER_PLAN);
    println!(
        "mandate bench scale: {} tasks in {plans} plans, {INSTITUTIONS} institutions, {} ({})",
        plans * TASKS_PER_PLAN,
        backend(config),
        config.database_name()
    );

    let start = Instant::now();
    let codes = fill(&engine, plans, tick_at).await?;
    println!(
        "setup    {} tasks written in {:.1} s",
        plans * TASKS_PER_PLAN,
        start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let mut planned = 0;
    for code in &codes {
        planned += engine.plan_reminders_of_plan(code).await?;
    }
    println!(
        "plan     next reminder of {planned} open tasks planned in {:.1} s (plan by plan, as an import or a policy change does)",
        start.elapsed().as_secs_f64()
    );
    super::settle_after_setup(&engine).await?;

    // The day before: the first pass after the fill catches up on every reminder missed.
    let start = Instant::now();
    let catch_up = engine.tick(tick_at - chrono::Duration::days(1)).await?;
    println!(
        "catch-up the first pass, the day before: {} tasks looked at, {} notifications written in {:.3} s",
        catch_up.tasks,
        catch_up.written,
        start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let due = engine.tick(tick_at).await?;
    let tick = start.elapsed();
    println!(
        "tick     the bench day at 09:00: {} tasks looked at, {} notifications written in {:.3} s",
        due.tasks,
        due.written,
        tick.as_secs_f64()
    );
    if due.written == 0 {
        anyhow::bail!("the tick wrote no notification: the bench measured nothing");
    }
    let start = Instant::now();
    let quiet_summary = engine.tick(tick_at + chrono::Duration::minutes(1)).await?;
    let quiet = start.elapsed();
    println!(
        "quiet    a minute later: {} tasks looked at, {} written in {:.4} s",
        quiet_summary.tasks,
        quiet_summary.written,
        quiet.as_secs_f64()
    );

    let (member, _) = super::bench_user(&engine, "BENCH-1", UserRole::Member).await?;
    let member = Actor::user(&member.email, UserRole::Member, member.institution_id);
    let (inbox, shown) = timed(RUNS, || async {
        let inbox = engine
            .inbox(&member, &InboxFilter::default())
            .await?
            .context("the bench member has no inbox")?;
        Ok(inbox
            .groups
            .iter()
            .map(|(_, rows)| rows.len())
            .sum::<usize>())
    })
    .await?;
    println!(
        "inbox    BENCH-1's inbox, {shown} open tasks shown: {:.1} ms (median of {RUNS})",
        inbox.as_secs_f64() * 1e3
    );
    if shown == 0 {
        anyhow::bail!("the inbox showed no task: the bench measured nothing");
    }

    let operator = Actor::operator();
    let first = engine
        .plans(&operator)
        .await?
        .into_iter()
        .find(|p| p.code == codes[0])
        .context("the bench's first plan")?;
    let (progress, counted) = timed(RUNS, || async {
        Ok(engine.progress(&operator, &first, None).await?.total())
    })
    .await?;
    println!(
        "progress plan {}, {counted} tasks: {:.1} ms (median of {RUNS})",
        first.code,
        progress.as_secs_f64() * 1e3
    );

    let period = ReportPeriod::parse(&year.to_string())?;
    let (report, bytes) = timed(RUNS.min(5), || async {
        let report = engine
            .monitoring_report(&operator, &first.code, &period)
            .await?;
        let mut out = Vec::new();
        mandate_reports::write(&report, Format::Xlsx, &mut out)?;
        Ok(out.len())
    })
    .await?;
    println!(
        "report   plan {}'s monitoring report for {year}, built and written as XLSX ({bytes} bytes): {:.1} ms (median of {})",
        first.code,
        report.as_secs_f64() * 1e3,
        RUNS.min(5)
    );

    let (file, source) = SEED_PLANS[0];
    let draft = plan_file::parse(source, file, None, engine.lifecycles()).map_err(|problems| {
        anyhow::anyhow!("the seed plan {file} has {} problems", problems.len())
    })?;
    let mut imports = Vec::new();
    let mut created = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let summary = engine.import_plan(&operator, &draft, false).await?;
        imports.push(start.elapsed());
        created = summary.changes.get("tasks").map_or(0, |c| c.created);
        engine
            .purge_plan_destroying_history(&draft.plan.code)
            .await?;
    }
    let import = median(imports);
    println!(
        "import   {file}, {created} tasks created: {:.1} ms (median of 3)",
        import.as_secs_f64() * 1e3
    );
    if created == 0 {
        anyhow::bail!("the import created no task: the bench measured nothing");
    }
    let peak_kib = peak_memory_kib(None);
    report_peak_memory("this process", peak_kib);
    Ok(Figures {
        tasks: plans * TASKS_PER_PLAN,
        tick,
        written: due.written,
        quiet,
        inbox,
        progress,
        report,
        import,
        peak_kib,
    })
}

/// `plans` plans of [`TASKS_PER_PLAN`] tasks, written in bulk (the bench's setup, not what it
/// measures), each in its own transaction: every action has a lead, a second responsible and two
/// partners and a period a month; the periods already due are mostly signed off, some submitted
/// and some still pending (overdue), the later ones pending, acknowledged or in progress. Returns
/// the plans' codes.
async fn fill(engine: &Engine, plans: usize, day: DateTime<Utc>) -> anyhow::Result<Vec<String>> {
    let db = engine.connection_for_benchmarks();
    let tz = chrono_tz::Europe::Bucharest;
    let today = day.date_naive();
    let first_day = today - Days::new(PLAN_DAYS);
    let created = tz
        .from_local_datetime(&first_day.and_hms_opt(9, 0, 0).context("time")?)
        .earliest()
        .context("the plans' first day")?
        .with_timezone(&Utc);
    let institutions = {
        let txn = db.begin().await?;
        let ids = bench_institutions(&txn, created, INSTITUTIONS, true).await?;
        txn.commit().await?;
        ids
    };
    let lifecycle = engine.lifecycle("default")?;
    let actor = Actor::operator();
    let mut codes = Vec::with_capacity(plans);
    for p in 0..plans {
        let txn = db.begin().await?;
        let code = format!("SCALE-{p:05}");
        let plan = plans::insert_plan(
            &txn,
            &actor,
            created,
            &NewPlan {
                code: code.clone(),
                title: format!("Planul de acțiune {p} pentru prevenirea traficului de persoane"),
                owner: mandate_engine::domain::InstitutionCode::parse("BENCH-0")?,
                period_start: first_day,
                period_end: today + Days::new(PLAN_DAYS),
                time_zone: tz,
                language: "ro".into(),
                lifecycle: "default".into(),
                reminder_policy: None,
            },
        )
        .await?;
        let objective = plans::insert_objective(
            &txn,
            &NewObjective {
                plan_id: plan.id,
                parent_id: None,
                number: "1".into(),
                title: "Creșterea capacității de intervenție".into(),
                result: None,
            },
        )
        .await?;
        let mut rows = Vec::with_capacity(TASKS_PER_PLAN);
        for a in 0..ACTIONS {
            let action = plans::insert_action(
                &txn,
                &information_sessions(objective.id, format!("1.{}", a + 1), "lunar"),
            )
            .await?;
            let pick = |k: usize| institutions[1 + (p * 7 + a * 3 + k * 13) % (INSTITUTIONS - 1)];
            let assignment = Assignment {
                lead: pick(0),
                responsible: vec![pick(0), pick(1)],
                partners: vec![pick(2), pick(3)],
            };
            let members = [pick(0), pick(1), pick(2), pick(3)];
            plans::assign(&txn, &actor, created, &action, &lifecycle, &assignment).await?;
            for j in 0..PERIODS {
                // A month each, spread so that some period of some plan ends on every day.
                let end =
                    first_day + Days::new(((j * 30 + p * 3 + a) % (2 * PLAN_DAYS as usize)) as u64);
                let due = tz
                    .from_local_datetime(&end.and_hms_opt(23, 59, 59).context("time")?)
                    .earliest()
                    .context("due instant")?
                    .with_timezone(&Utc);
                let period = reporting_period::ActiveModel {
                    action_id: Set(action.id),
                    start_date: Set(end - Days::new(29)),
                    end_date: Set(end),
                    due_at: Set(due),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                for (k, &institution) in members.iter().enumerate() {
                    let state = state_of(due < day, j + k);
                    let open = state != "signed_off";
                    rows.push(task::ActiveModel {
                        plan_id: Set(plan.id),
                        action_id: Set(action.id),
                        period_id: Set(period.id),
                        institution_id: Set(institution),
                        role: Set(if k < 2 { "responsible" } else { "partner" }.into()),
                        state: Set(state.into()),
                        open: Set(open),
                        due_at: Set(due),
                        version: Set(1),
                        created_at: Set(created),
                        updated_at: Set(created),
                        ..Default::default()
                    });
                }
            }
        }
        for chunk in rows.chunks(500) {
            task::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        let reported: Vec<i64> = task::Entity::find()
            .select_only()
            .column(task::Column::Id)
            .filter(task::Column::PlanId.eq(plan.id))
            .filter(task::Column::State.is_in(["submitted", "signed_off"]))
            .into_tuple()
            .all(&txn)
            .await?;
        report::Entity::insert_many(reported.into_iter().map(|id| report::ActiveModel {
            task_id: Set(id),
            indicator_values: Set(json!({ "Număr de sesiuni": id % 30 })),
            narrative: Set("Sesiuni de informare organizate în școlile din județ.".into()),
            evidence: Set(json!([format!("https://example.ro/rapoarte/{id}")])),
            submitted_by: Set("bench@mandate-bench.invalid".to_owned()),
            submitted_at: Set(created),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        codes.push(code);
    }
    Ok(codes)
}

/// A task's state: of the periods already due, half signed off, a quarter submitted and a quarter
/// still pending (overdue); of the later ones, a third each pending, acknowledged and in progress.
fn state_of(past: bool, n: usize) -> &'static str {
    if past {
        ["signed_off", "signed_off", "submitted", "pending"][n % 4]
    } else {
        ["pending", "acknowledged", "in_progress"][n % 3]
    }
}

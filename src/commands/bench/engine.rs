//! `mandate bench engine`: the engine against bare sea-orm statements doing the same writes.

use std::time::{Duration, Instant};

use chrono::Utc;
use mandate_engine::audit::{self, NewEvent};
use mandate_engine::domain::{Actor, UserRole};
use mandate_engine::entity::{report, sign_off, task};
use mandate_engine::tasks::lifecycle::{DEFAULT_LIFECYCLE, Role};
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_engine::{Engine, db};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::{
    PATH, ROUNDS, alternate, backend, make_plans, peak_memory_kib, report_peak_memory, rounds,
};
use crate::commands::Config;

/// Runs the engine bench.
pub async fn run(
    config: &Config,
    tasks: usize,
    concurrency: usize,
    plans: usize,
) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    println!(
        "mandate bench engine: {tasks} tasks in {plans} plan(s) a side, concurrency {concurrency}, {}",
        backend(config)
    );
    let setup_start = Instant::now();
    // One more task on each side, driven alone with its statements recorded.
    let (engine_plans, mut engine_tasks) =
        make_plans(&engine, "bench-engine", tasks + 1, plans).await?;
    let (ceiling_plans, mut ceiling_tasks) =
        make_plans(&engine, "bench-ceiling", tasks + 1, plans).await?;
    println!(
        "setup    {} tasks created in {:.2} s",
        2 * (tasks + 1),
        setup_start.elapsed().as_secs_f64()
    );
    let (Some(engine_listed), Some(ceiling_listed)) = (engine_tasks.pop(), ceiling_tasks.pop())
    else {
        anyhow::bail!("the bench plans have no tasks");
    };
    list_statements(&engine, engine_listed, ceiling_listed).await?;

    let (mut measured, mut ceiling, by_round) = alternate(
        engine_tasks,
        by_engine(&engine),
        ceiling_tasks,
        {
            let engine = engine.clone();
            move |t| {
                let engine = engine.clone();
                async move { ceiling_path(&engine, t).await }
            }
        },
        concurrency,
    )
    .await?;
    let engine_rate = measured.report("engine");
    let ceiling_rate = ceiling.report("ceiling");
    println!(
        "ratio    engine/ceiling throughput {:.2} (in {ROUNDS} alternating rounds: {})",
        engine_rate / ceiling_rate,
        rounds(&by_round)
    );
    report_peak_memory("this process", peak_memory_kib(None));
    for code in engine_plans.iter().chain(&ceiling_plans) {
        engine.purge_plan_destroying_history(code).await?;
    }
    Ok(())
}

/// The path of each task driven by the engine, as its institution and the coordinator would.
pub(super) fn by_engine(
    engine: &Engine,
) -> impl Fn(task::Model) -> BoxFuture<'static, anyhow::Result<Vec<Duration>>> + Clone + Send + 'static
{
    let engine = engine.clone();
    move |t| {
        let engine = engine.clone();
        async move { engine_path(&engine, &Actor::operator(), t).await }.boxed()
    }
}

fn bench_report() -> ReportInput {
    ReportInput {
        indicator_values: [("Număr de acțiuni".to_owned(), json!(1))]
            .into_iter()
            .collect(),
        narrative: "Raport de test".to_owned(),
        evidence: vec!["https://example.org/raport".to_owned()],
    }
}

/// Drives one task of each plan through the path with every statement recorded, and prints
/// the statements of each transition, the engine's beside the ceiling's.
async fn list_statements(
    engine: &Engine,
    engine_task: task::Model,
    ceiling_task: task::Model,
) -> anyhow::Result<()> {
    let (logged, log) = engine.with_statement_log();
    let coordinator = Actor::operator();
    let steps = ceiling_steps(engine)?;
    println!("statements per transition, each in one transaction (BEGIN … COMMIT):");
    let mut t = engine_task;
    for (i, step) in steps.iter().enumerate() {
        log.take();
        t = engine_step(&logged, &coordinator, t, step.role).await?;
        let by_engine = log.take_outlines();
        ceiling_step(&logged, &ceiling_task, i, step).await?;
        let by_ceiling = log.take_outlines();
        println!(
            "  {:<12} engine  {:>2}: {}",
            step.name,
            by_engine.len(),
            by_engine.join(", ")
        );
        println!(
            "  {:<12} ceiling {:>2}: {}",
            "",
            by_ceiling.len(),
            by_ceiling.join(", ")
        );
    }
    Ok(())
}

/// One transition of the path by the engine, as the task's institution or (sign-off) the
/// coordinator would fire it.
async fn engine_step(
    engine: &Engine,
    coordinator: &Actor,
    t: task::Model,
    step: Role,
) -> anyhow::Result<task::Model> {
    let member = Actor::user("bench", UserRole::Member, Some(t.institution_id));
    let mut fire = Fire::playing(t.id, t.version, step);
    if step == Role::Submit {
        fire = fire.report(bench_report());
    }
    let actor = if step == Role::SignOff {
        coordinator
    } else {
        &member
    };
    Ok(engine.fire(actor, fire).await?)
}

async fn engine_path(
    engine: &Engine,
    coordinator: &Actor,
    mut t: task::Model,
) -> anyhow::Result<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(PATH.len());
    for step in PATH {
        let start = Instant::now();
        t = engine_step(engine, coordinator, t, step).await?;
        latencies.push(start.elapsed());
    }
    Ok(latencies)
}

/// A transition of the path as the ceiling writes it.
struct CeilingStep {
    role: Role,
    name: String,
    from: String,
    to: String,
}

/// The path's transitions, from the default lifecycle.
fn ceiling_steps(engine: &Engine) -> anyhow::Result<Vec<CeilingStep>> {
    let lifecycle = engine.lifecycle(DEFAULT_LIFECYCLE)?;
    let mut from = lifecycle.initial.clone();
    let mut steps = Vec::with_capacity(PATH.len());
    for role in PATH {
        let transition = lifecycle.require_role(role)?;
        steps.push(CeilingStep {
            role,
            name: transition.name.clone(),
            from: std::mem::replace(&mut from, transition.to.clone()),
            to: transition.to.clone(),
        });
    }
    Ok(steps)
}

/// The same state changes with no engine logic: per transition one transaction with the
/// versioned update, the report or sign-off insert where the engine makes one, and the event
/// (chained through `audit::append`, as every event is).
async fn ceiling_path(engine: &Engine, t: task::Model) -> anyhow::Result<Vec<Duration>> {
    let steps = ceiling_steps(engine)?;
    let mut latencies = Vec::with_capacity(PATH.len());
    for (i, step) in steps.iter().enumerate() {
        let start = Instant::now();
        ceiling_step(engine, &t, i, step).await?;
        latencies.push(start.elapsed());
    }
    Ok(latencies)
}

/// The `i`-th step of the ceiling's path on `t` (as it was before the path).
async fn ceiling_step(
    engine: &Engine,
    t: &task::Model,
    i: usize,
    step: &CeilingStep,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let version = t.version + i as i64;
    let bench = Actor::operator();
    let txn = db::begin_write(engine.connection_for_benchmarks()).await?;
    task::Entity::update_many()
        .col_expr(task::Column::State, Expr::value(step.to.as_str()))
        .col_expr(task::Column::Version, Expr::value(version + 1))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(t.id))
        .filter(task::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if step.role == Role::Submit {
        report::ActiveModel {
            task_id: Set(t.id),
            indicator_values: Set(json!({"Număr de acțiuni": 1})),
            narrative: Set("Raport de test".into()),
            evidence: Set(json!(["https://example.org/raport"])),
            submitted_by: Set("bench".into()),
            submitted_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    if step.role == Role::SignOff {
        sign_off::ActiveModel {
            period_id: Set(t.period_id),
            task_id: Set(Some(t.id)),
            signed_by: Set("bench".into()),
            comment: Set(None),
            signed_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    // The chain is part of writing any event, so the ceiling writes its event as the engine.
    let mut event = NewEvent::on_plan(t.plan_id, &step.name);
    event.action_id = Some(t.action_id);
    event.task_id = Some(t.id);
    event.from_state = Some(&step.from);
    event.to_state = Some(&step.to);
    audit::append(&txn, &bench, now, event).await?;
    txn.commit().await?;
    Ok(())
}

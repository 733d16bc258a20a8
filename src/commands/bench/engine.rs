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

use super::{PATH, backend, drive, make_plan, peak_memory_kib, report_peak_memory};
use crate::commands::Config;

/// Runs the engine bench; returns the engine's transitions per second.
pub async fn run(config: &Config, tasks: usize, concurrency: usize) -> anyhow::Result<f64> {
    let engine = config.engine().await?;
    println!(
        "mandate bench engine: {tasks} tasks, concurrency {concurrency}, {}",
        backend(config)
    );
    let setup_start = Instant::now();
    let (engine_plan, engine_tasks) = make_plan(&engine, "bench-engine", tasks).await?;
    let (ceiling_plan, ceiling_tasks) = make_plan(&engine, "bench-ceiling", tasks).await?;
    println!(
        "setup    {} tasks created in {:.2} s",
        2 * tasks,
        setup_start.elapsed().as_secs_f64()
    );

    let coordinator = Actor::operator();
    let mut measured = drive(engine_tasks, concurrency, {
        let engine = engine.clone();
        move |t| {
            let engine = engine.clone();
            let coordinator = coordinator.clone();
            async move { engine_path(&engine, &coordinator, t).await }
        }
    })
    .await?;
    let mut ceiling = drive(ceiling_tasks, concurrency, {
        let engine = engine.clone();
        move |t| {
            let engine = engine.clone();
            async move { ceiling_path(&engine, t).await }
        }
    })
    .await?;
    let engine_rate = measured.report("engine");
    let ceiling_rate = ceiling.report("ceiling");
    println!(
        "ratio    engine/ceiling throughput {:.2}",
        engine_rate / ceiling_rate
    );
    report_peak_memory("this process", peak_memory_kib(None));
    for code in [engine_plan, ceiling_plan] {
        engine.purge_plan_destroying_history(&code).await?;
    }
    Ok(engine_rate)
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

async fn engine_path(
    engine: &Engine,
    coordinator: &Actor,
    mut t: task::Model,
) -> anyhow::Result<Vec<Duration>> {
    let member = Actor::user("bench", UserRole::Member, Some(t.institution_id));
    let mut latencies = Vec::with_capacity(PATH.len());
    for step in PATH {
        let mut fire = Fire::playing(t.id, t.version, step);
        if step == Role::Submit {
            fire = fire.report(bench_report());
        }
        let actor = if step == Role::SignOff {
            coordinator
        } else {
            &member
        };
        let start = Instant::now();
        t = engine.fire(actor, fire).await?;
        latencies.push(start.elapsed());
    }
    Ok(latencies)
}

/// The same state changes with no engine logic: per transition one transaction with the
/// versioned update, the report or sign-off insert where the engine makes one, and the event
/// (chained through `audit::append`, as every event is).
async fn ceiling_path(engine: &Engine, t: task::Model) -> anyhow::Result<Vec<Duration>> {
    let lifecycle = engine.lifecycle(DEFAULT_LIFECYCLE)?;
    let mut steps = Vec::with_capacity(PATH.len());
    for role in PATH {
        let transition = lifecycle.require_role(role)?;
        steps.push((role, transition.name.clone(), transition.to.clone()));
    }
    let mut latencies = Vec::with_capacity(PATH.len());
    let mut from = t.state.clone();
    let bench = Actor::operator();
    for (i, (step, name, to)) in steps.iter().enumerate() {
        let start = Instant::now();
        let now = Utc::now();
        let version = t.version + i as i64;
        let txn = db::begin_write(engine.connection_for_benchmarks()).await?;
        task::Entity::update_many()
            .col_expr(task::Column::State, Expr::value(to.as_str()))
            .col_expr(task::Column::Version, Expr::value(version + 1))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .filter(task::Column::Id.eq(t.id))
            .filter(task::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if *step == Role::Submit {
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
        if *step == Role::SignOff {
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
        let mut event = NewEvent::on_plan(t.plan_id, name);
        event.action_id = Some(t.action_id);
        event.task_id = Some(t.id);
        event.from_state = Some(&from);
        event.to_state = Some(to);
        audit::append(&txn, &bench, now, event).await?;
        txn.commit().await?;
        latencies.push(start.elapsed());
        from = to.clone();
    }
    Ok(latencies)
}

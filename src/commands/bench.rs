//! `mandate bench`: throughput and latency measured on the configured database.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use clap::Subcommand;
use mandate_engine::deadline::Period;
use mandate_engine::domain::{Actor, InstitutionCode, UserRole};
use mandate_engine::entity::{event, plan, report, sign_off, task};
use mandate_engine::setup::{self, Assignment, NewAction, NewInstitution, NewObjective, NewPlan};
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_engine::{Engine, db};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde_json::json;

use super::Config;

/// What to measure.
#[derive(Debug, Subcommand)]
pub enum Target {
    /// Drive N tasks through acknowledge → start → submit → approve with the engine, then the
    /// same number of state changes as bare sea-orm statements (the ceiling), and compare.
    Engine {
        /// How many tasks.
        #[arg(long, default_value_t = 2000)]
        tasks: usize,
        /// How many tasks are driven at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
}

const PATH: [&str; 4] = ["acknowledge", "start", "submit", "approve"];
/// Tasks per action: a lead, a second responsible and two partners.
const TASKS_PER_ACTION: usize = 4;

pub async fn run(config: &Config, target: Target) -> anyhow::Result<()> {
    match target {
        Target::Engine { tasks, concurrency } => {
            engine_bench(config, tasks.max(1), concurrency.max(1)).await
        }
    }
}

/// Latencies of one run and its wall time.
struct Run {
    latencies: Vec<Duration>,
    wall: Duration,
}

impl Run {
    fn report(&mut self, label: &str) -> f64 {
        self.latencies.sort();
        let rate = self.latencies.len() as f64 / self.wall.as_secs_f64();
        println!(
            "{label:<8} {:>7} transitions in {:>7.2} s  {:>9.1} transitions/s  p50 {:>7.2} ms  p99 {:>7.2} ms",
            self.latencies.len(),
            self.wall.as_secs_f64(),
            rate,
            percentile(&self.latencies, 50.0).as_secs_f64() * 1e3,
            percentile(&self.latencies, 99.0).as_secs_f64() * 1e3,
        );
        rate
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn engine_bench(config: &Config, tasks: usize, concurrency: usize) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    let backend = if config.database.starts_with("postgres") {
        "postgresql"
    } else {
        "sqlite"
    };
    println!("mandate bench engine: {tasks} tasks, concurrency {concurrency}, {backend}");
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
    for code in [engine_plan, ceiling_plan] {
        plan::Entity::delete_many()
            .filter(plan::Column::Code.eq(code))
            .exec(engine.db())
            .await?;
    }
    Ok(())
}

/// Runs `path` over every task with `concurrency` workers; each call returns its latencies.
async fn drive<F, Fut>(tasks: Vec<task::Model>, concurrency: usize, path: F) -> anyhow::Result<Run>
where
    F: Fn(task::Model) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<Vec<Duration>>> + Send,
{
    let queue = Arc::new(Mutex::new(VecDeque::from(tasks)));
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let queue = queue.clone();
        let path = path.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let next = queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop_front();
                let Some(t) = next else { break };
                latencies.extend(path(t).await?);
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.context("bench worker stopped")??);
    }
    Ok(Run {
        latencies,
        wall: start.elapsed(),
    })
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
        let mut fire = Fire::new(t.id, t.version, step);
        if step == "submit" {
            fire = fire.report(bench_report());
        }
        let actor = if step == "approve" {
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
/// versioned update, the report or sign-off insert where the engine makes one, and the event.
async fn ceiling_path(engine: &Engine, t: task::Model) -> anyhow::Result<Vec<Duration>> {
    let states = ["acknowledged", "in_progress", "submitted", "signed_off"];
    let mut latencies = Vec::with_capacity(PATH.len());
    let mut from = t.state.clone();
    for (i, (step, to)) in PATH.iter().zip(states).enumerate() {
        let start = Instant::now();
        let now = Utc::now();
        let version = t.version + i as i64;
        let txn = db::begin_write(engine.db()).await?;
        task::Entity::update_many()
            .col_expr(task::Column::State, Expr::value(to))
            .col_expr(task::Column::Version, Expr::value(version + 1))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .filter(task::Column::Id.eq(t.id))
            .filter(task::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if *step == "submit" {
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
        if *step == "approve" {
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
        event::ActiveModel {
            plan_id: Set(t.plan_id),
            action_id: Set(Some(t.action_id)),
            task_id: Set(Some(t.id)),
            kind: Set((*step).to_owned()),
            actor: Set("bench".into()),
            actor_institution_id: Set(None),
            from_state: Set(Some(from.clone())),
            to_state: Set(Some(to.to_owned())),
            comment: Set(None),
            payload: Set(json!({})),
            at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        latencies.push(start.elapsed());
        from = to.to_owned();
    }
    Ok(latencies)
}

/// A plan with `tasks` pending tasks (rounded up to whole actions), built in one transaction.
async fn make_plan(
    engine: &Engine,
    prefix: &str,
    tasks: usize,
) -> anyhow::Result<(String, Vec<task::Model>)> {
    let now = engine.now();
    let code = format!("{prefix}-{}", now.timestamp_micros());
    let tz = chrono_tz::Europe::Bucharest;
    let actor = Actor::operator();
    let lifecycle = engine.lifecycle("default")?;
    let txn = engine.db().begin().await?;
    let mut institutions = Vec::new();
    for i in 0..8 {
        let new = NewInstitution {
            code: InstitutionCode::parse(&format!("BENCH-{i}"))?,
            name: format!("Instituție de test {i}"),
            parent: None,
            emails: Vec::new(),
            language: "ro".into(),
            time_zone: tz,
        };
        institutions.push(setup::upsert_institution(&txn, now, &new).await?);
    }
    let year = now.year();
    let plan = setup::insert_plan(
        &txn,
        &actor,
        now,
        &NewPlan {
            code: code.clone(),
            title: "Plan de măsurare".into(),
            owner: InstitutionCode::parse("BENCH-0")?,
            period_start: NaiveDate::from_ymd_opt(year, 1, 1).context("date")?,
            period_end: NaiveDate::from_ymd_opt(year, 12, 31).context("date")?,
            time_zone: tz,
            language: "ro".into(),
            lifecycle: "default".into(),
            reminder_policy: None,
        },
    )
    .await?;
    let objective = setup::insert_objective(
        &txn,
        &NewObjective {
            plan_id: plan.id,
            parent_id: None,
            number: "1".into(),
            title: "Obiectiv".into(),
            result: None,
        },
    )
    .await?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).context("date")?;
    let period = Period {
        start: NaiveDate::from_ymd_opt(year, 1, 1).context("date")?,
        end,
        due: tz
            .from_local_datetime(&end.and_hms_opt(23, 59, 59).context("time")?)
            .single()
            .context("due instant")?
            .with_timezone(&Utc),
    };
    let mut created = Vec::with_capacity(tasks);
    for a in 0..tasks.div_ceil(TASKS_PER_ACTION) {
        let action = setup::insert_action(
            &txn,
            &NewAction {
                objective_id: objective.id,
                number: format!("1.{}", a + 1),
                text: "Acțiune de test".into(),
                deadline: year.to_string(),
                recurrence: None,
                funding: Vec::new(),
                indicators: vec![setup::NewIndicator {
                    name: "Număr de acțiuni".into(),
                    unit: None,
                    target: None,
                }],
            },
        )
        .await?;
        let pick = |k: usize| institutions[1 + (a + k) % 7].id;
        let assignment = Assignment {
            lead: pick(0),
            responsible: vec![pick(1)],
            partners: vec![pick(2), pick(3)],
        };
        setup::assign(&txn, &actor, now, &action, &lifecycle, &assignment).await?;
        created.extend(
            setup::open_periods(&txn, &actor, now, &action, &lifecycle.initial, &[period]).await?,
        );
    }
    txn.commit().await?;
    created.truncate(tasks);
    Ok((code, created))
}

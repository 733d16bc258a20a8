//! The synthetic plan `bench report` measures beside a real one: N tasks (four per action, an
//! action per month of a year, in five objectives), in every state from pending to signed off,
//! with a report for each submitted and signed-off task. Filled once with bare statements (no
//! events: the report reads none for these states) and kept for the next run.

use anyhow::Context;
use chrono::{DateTime, Months, NaiveDate, TimeZone, Utc};
use mandate_engine::Engine;
use mandate_engine::deadline::Period;
use mandate_engine::domain::Actor;
use mandate_engine::entity::{plan, report, task};
use mandate_engine::plans::{self, Assignment, NewObjective};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde_json::json;

use super::{TASKS_PER_ACTION, bench_plan, information_sessions};

const OBJECTIVES: usize = 5;
/// Rows written per statement.
const CHUNK: usize = 1000;
/// The states tasks are put in, in turn; the first two have a report.
const STATES: [&str; 5] = [
    "signed_off",
    "submitted",
    "in_progress",
    "acknowledged",
    "pending",
];
const NARRATIVE: &str = "Au fost organizate sesiuni de informare privind riscurile traficului \
    de persoane în unitățile de învățământ din județ, cu participarea elevilor, a cadrelor \
    didactice și a părinților; materialele informative au fost distribuite în toate școlile \
    partenere, iar rezultatele au fost comunicate instituției coordonatoare.";

/// The code of the synthetic plan of `tasks` tasks.
pub(super) fn code(tasks: usize) -> String {
    format!("bench-report-{tasks}")
}

/// The synthetic plan of `tasks` tasks (rounded up to whole actions) over `year`, made unless it
/// exists; its code.
pub(super) async fn plan_of(engine: &Engine, tasks: usize, year: i32) -> anyhow::Result<String> {
    let code = code(tasks);
    let db = engine.connection_for_benchmarks();
    if plan::Entity::find()
        .filter(plan::Column::Code.eq(&code))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(code);
    }
    let now = engine.now();
    let actor = Actor::operator();
    let lifecycle = engine.lifecycle("default")?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1).context("the year's first day")?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).context("the year's last day")?;
    let txn = db.begin().await?;
    let (institutions, _, first_objective) =
        bench_plan(&txn, &code, now, 8, false, (first, last)).await?;
    let mut objectives = vec![first_objective];
    for o in 2..=OBJECTIVES {
        objectives.push(
            plans::insert_objective(
                &txn,
                &NewObjective {
                    plan_id: objectives[0].plan_id,
                    parent_id: None,
                    number: o.to_string(),
                    title: format!("Obiectivul {o}"),
                    result: None,
                },
            )
            .await?,
        );
    }
    let tz = chrono_tz::Europe::Bucharest;
    let mut by_state: [Vec<i64>; 5] = Default::default();
    for a in 0..tasks.div_ceil(TASKS_PER_ACTION) {
        let objective = &objectives[a % OBJECTIVES];
        let action = plans::insert_action(
            &txn,
            &information_sessions(
                objective.id,
                format!("{}.{}", objective.number, a / OBJECTIVES + 1),
                "lunar",
            ),
        )
        .await?;
        let pick = |k: usize| institutions[1 + (a + k) % 7];
        let assignment = Assignment {
            lead: pick(0),
            responsible: vec![pick(0), pick(1)],
            partners: vec![pick(2), pick(3)],
        };
        plans::assign(&txn, &actor, now, &action, &lifecycle, &assignment).await?;
        let start = first
            .checked_add_months(Months::new((a % 12) as u32))
            .context("a month of the year")?;
        let end = start
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .context("a month's end")?;
        let period = Period {
            start,
            end,
            due: tz
                .from_local_datetime(&end.and_hms_opt(23, 59, 59).context("time")?)
                .single()
                .context("due instant")?
                .with_timezone(&Utc),
        };
        let made =
            plans::open_periods(&txn, &actor, now, &action, &lifecycle.initial, &[period]).await?;
        for (k, t) in made.iter().enumerate() {
            by_state[(a + k) % STATES.len()].push(t.id);
        }
    }
    for (state, ids) in STATES.iter().zip(&by_state) {
        set_state(&txn, state, *state != "signed_off", ids, now).await?;
    }
    for ids in &by_state[..2] {
        add_reports(&txn, ids, now).await?;
    }
    txn.commit().await?;
    Ok(code)
}

async fn set_state(
    txn: &DatabaseTransaction,
    state: &str,
    open: bool,
    ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for chunk in ids.chunks(CHUNK) {
        task::Entity::update_many()
            .col_expr(task::Column::State, Expr::value(state))
            .col_expr(task::Column::Open, Expr::value(open))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .filter(task::Column::Id.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    Ok(())
}

async fn add_reports(
    txn: &DatabaseTransaction,
    ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for chunk in ids.chunks(CHUNK) {
        report::Entity::insert_many(chunk.iter().map(|id| report::ActiveModel {
            task_id: Set(*id),
            indicator_values: Set(json!({ "Număr de sesiuni": (id % 30) })),
            narrative: Set(NARRATIVE.to_owned()),
            evidence: Set(json!([format!("https://example.ro/rapoarte/{id}")])),
            submitted_by: Set("bench@mandate-bench.invalid".to_owned()),
            submitted_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

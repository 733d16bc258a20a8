//! `mandate bench`: throughput and latency measured on the configured database.

mod engine;
mod graphql;
mod reminders;
mod report;
mod scale;
mod server;
mod smtp_sink;
mod synthetic;
mod web;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use clap::Subcommand;
use mandate_engine::Engine;
use mandate_engine::accounts::NewUser;
use mandate_engine::deadline::Period;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::entity::{objective, plan, task, user};
use mandate_engine::plans::{
    self, Assignment, InstitutionDefaults, InstitutionWrite, NewAction, NewIndicator,
    NewInstitution, NewObjective, NewPlan,
};
use mandate_engine::results::IndicatorSpec;
use mandate_engine::tasks::lifecycle::Role;
use sea_orm::TransactionTrait;

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
        /// How many plans the tasks are spread over, on each side. With one, every transition
        /// waits on that plan's audit chain, as when all of a plan's institutions report at once.
        #[arg(long, default_value_t = 1)]
        plans: usize,
    },
    /// Start `mandate serve` on the same database and drive N tasks through the same path over
    /// HTTP with C concurrent clients; compare with the engine run, and report the server's
    /// peak resident memory.
    Graphql {
        /// How many tasks.
        #[arg(long, default_value_t = 2000)]
        tasks: usize,
        /// How many concurrent clients.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
    /// Time one scheduler tick over N open tasks on a fixed working day (reminders due), and one
    /// a minute later (nothing due); then the e-mails per second the sender reaches against a
    /// local SMTP sink, beside a bare lettre loop to the same sink.
    Reminders {
        /// How many open tasks.
        #[arg(long, default_value_t = 1_000_000)]
        tasks: usize,
        /// How many e-mails to send at most.
        #[arg(long, default_value_t = 5000)]
        mails: usize,
    },
    /// Start `mandate serve` on a database of the bench's own holding N tasks in many plans
    /// (filled on the first run, kept for the next) and read a member's inbox, task pages and
    /// plan pages with C concurrent clients, each beside the GraphQL query returning the same
    /// data; and weigh a member's first visit.
    Web {
        /// How many tasks the bench database holds.
        #[arg(long, default_value_t = 100_000)]
        tasks: usize,
        /// How many concurrent clients.
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// How many reads of each page (and of each GraphQL query).
        #[arg(long, default_value_t = 400)]
        requests: usize,
    },
    /// For each size, fill a fresh database of the bench's own with that many tasks in plans of
    /// 1 000 and time what grows with it: a scheduler tick with reminders due and with nothing
    /// due, a member's inbox, a plan's progress, a plan's monitoring report, an import of the
    /// anti-trafficking plan; ends with a table of the figures.
    Scale {
        /// The sizes, in tasks.
        #[arg(long, value_delimiter = ',', default_values_t = [10_000, 100_000, 1_000_000])]
        tasks: Vec<usize>,
    },
    /// Build a plan's monitoring report and write it in each format (XLSX, DOCX, HTML, CSV) on a
    /// database of the bench's own holding the demo, then a synthetic plan's of N tasks: time per
    /// step and peak memory.
    Report {
        /// The plan's code.
        #[arg(long, default_value = "pna-trafic-2021-2022")]
        plan: String,
        /// The period, as `mandate report` takes it.
        #[arg(long, default_value = "2021")]
        period: String,
        /// How many times each format is made.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// The tasks of the synthetic plan measured next (0: none).
        #[arg(long, default_value_t = 100_000)]
        synthetic_tasks: usize,
        /// How many times each format is made for the synthetic plan.
        #[arg(long, default_value_t = 1)]
        synthetic_runs: usize,
    },
}

/// The roles a task goes through, in order.
const PATH: [Role; 4] = [Role::Acknowledge, Role::Start, Role::Submit, Role::SignOff];
/// Tasks per action: a lead, a second responsible and two partners.
const TASKS_PER_ACTION: usize = 4;

pub async fn run(config: &Config, target: Target) -> anyhow::Result<()> {
    match target {
        Target::Engine {
            tasks,
            concurrency,
            plans,
        } => {
            let own = own_database(config, "engine").await?;
            engine::run(
                &own,
                tasks.max(1),
                concurrency.max(1),
                plans.clamp(1, tasks.max(1)),
            )
            .await
        }
        Target::Graphql { tasks, concurrency } => {
            let own = own_database(config, "graphql").await?;
            graphql::run(&own, tasks.max(1), concurrency.max(1)).await
        }
        Target::Reminders { tasks, mails } => {
            let own = fresh_database(config, "reminders").await?;
            reminders::run(&own, tasks.max(1), mails.max(1)).await
        }
        Target::Web {
            tasks,
            clients,
            requests,
        } => {
            let own = own_database(config, "web").await?;
            web::run(&own, tasks.max(1), clients.max(1), requests.max(1)).await
        }
        Target::Scale { tasks } => scale::run(config, &tasks).await,
        Target::Report {
            plan,
            period,
            runs,
            synthetic_tasks,
            synthetic_runs,
        } => {
            report::run(
                config,
                &plan,
                &period,
                runs,
                synthetic_tasks,
                synthetic_runs,
            )
            .await
        }
    }
}

/// [`own_database`] emptied first (for benches whose set-up a run stopped halfway would spoil): a SQLite file is removed, a PostgreSQL database dropped.
async fn fresh_database(config: &Config, name: &str) -> anyhow::Result<Config> {
    let own = own_database(config, name).await?;
    if own.database.starts_with("sqlite:") {
        let base = own.database.split('?').next().unwrap_or_default();
        let file = base.trim_start_matches("sqlite://");
        for suffix in ["", "-wal", "-shm"] {
            match std::fs::remove_file(format!("{file}{suffix}")) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("cannot remove {file}{suffix}")),
            }
        }
        return Ok(own);
    }
    let db = own
        .database
        .split('?')
        .next()
        .and_then(|base| base.rsplit_once('/'))
        .map(|(_, db)| db.to_owned())
        .context("no database name")?;
    let admin = mandate_engine::db::connect(&config.database)
        .await
        .with_context(|| format!("cannot open database {}", config.database_name()))?;
    use sea_orm::ConnectionTrait;
    admin
        .execute_unprepared(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            db.replace('"', "")
        ))
        .await
        .with_context(|| format!("cannot drop the bench's database {db}"))?;
    admin.close().await.ok();
    own_database(config, name).await
}

/// `config` on a database of the bench's own beside the configured one, so that a bench never
/// writes into an operator's data: `mandate.db` gives `mandate-bench-NAME.db`, and PostgreSQL's
/// `…/DB` gives `…/DB_bench_NAME`, created when missing.
async fn own_database(config: &Config, name: &str) -> anyhow::Result<Config> {
    let (base, options) = match config.database.split_once('?') {
        Some((base, options)) => (base, format!("?{options}")),
        None => (config.database.as_str(), String::new()),
    };
    let database = if config.database.starts_with("sqlite:") {
        let file = base.trim_start_matches("sqlite://");
        let (stem, extension) = match file.rsplit_once('.') {
            Some((stem, extension)) if !extension.contains('/') => (stem, format!(".{extension}")),
            _ => (file, String::new()),
        };
        if stem.is_empty() || stem.contains(":memory:") {
            anyhow::bail!(
                "the bench needs a database file, not {}",
                config.database_name()
            );
        }
        format!("sqlite://{stem}-bench-{name}{extension}{options}")
    } else {
        let (server, db) = base
            .rsplit_once('/')
            .filter(|(server, _)| server.contains("://"))
            .with_context(|| format!("no database name in {}", config.database_name()))?;
        let own = format!("{db}_bench_{name}");
        let admin = mandate_engine::db::connect(&config.database)
            .await
            .with_context(|| format!("cannot open database {}", config.database_name()))?;
        use sea_orm::ConnectionTrait;
        let exists = admin
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT 1 FROM pg_database WHERE datname = $1",
                [own.clone().into()],
            ))
            .await?
            .is_some();
        if !exists {
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{}\"", own.replace('"', "")))
                .await
                .with_context(|| format!("cannot create the bench's database {own}"))?;
        }
        admin.close().await.ok();
        format!("{server}/{own}{options}")
    };
    Ok(Config {
        database,
        lifecycles: config.lifecycles.clone(),
        reminder_policies: config.reminder_policies.clone(),
    })
}

/// After a bulk set-up, the database as a live one is in the minutes after such a load:
/// PostgreSQL's autovacuum has cleared the rows the set-up rewrote (planning a million tasks
/// leaves a million dead rows, which a pass measured at once would wade through, racing the
/// autovacuum that clears them) and analysed the tables that grew (else the bench measures plans
/// made for empty tables); on SQLite the first pass after the load would gather the statistics
/// (`db::keep_statistics`), once.
async fn settle_after_setup(engine: &Engine) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    let db = engine.connection_for_benchmarks();
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await?;
    } else {
        mandate_engine::db::keep_statistics(db).await?;
    }
    Ok(())
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

/// `field` of Linux's `/proc/PID/status` (this process without a `pid`) in KiB: `VmRSS` the
/// resident set, `VmHWM` its peak; `None` elsewhere.
fn memory_kib(pid: Option<u32>, field: &str) -> Option<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The peak resident set of process `pid` (this process without one) in KiB.
fn peak_memory_kib(pid: Option<u32>) -> Option<u64> {
    memory_kib(pid, "VmHWM")
}

/// The `memory` line of a bench: the peak resident set of the process that did the work.
fn report_peak_memory(whose: &str, kib: Option<u64>) {
    match kib {
        Some(kib) => println!(
            "memory   peak resident set of {whose}: {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("memory   peak resident set of {whose}: not readable on this system"),
    }
}

/// `postgresql` or `sqlite`, for the bench's header line.
fn backend(config: &Config) -> &'static str {
    if config.database.starts_with("postgres") {
        "postgresql"
    } else {
        "sqlite"
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The working day `bench reminders` and `bench scale` stand on, at 09:00 UTC: Wednesday 10 March
/// 2027, no public holiday in Romania or Poland, so that every run measures the same day's work
/// whatever the wall clock says.
fn bench_day() -> anyhow::Result<chrono::DateTime<Utc>> {
    let day = NaiveDate::from_ymd_opt(2027, 3, 10).context("the bench day")?;
    let nine = chrono::NaiveTime::from_hms_opt(9, 0, 0).context("09:00")?;
    Ok(Utc.from_utc_datetime(&day.and_time(nine)))
}

/// How many rounds two compared runs alternate in.
const ROUNDS: usize = 6;

impl Run {
    fn extend(&mut self, other: Run) {
        self.latencies.extend(other.latencies);
        self.wall += other.wall;
    }

    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
}

/// Runs `first` over `first_tasks` and `second` over `second_tasks` in [`ROUNDS`] alternating
/// rounds (first then second, second then first, …), so that the machine's speed drifting
/// during the bench (the disk's flushes, another process) weighs on both alike. Returns both
/// runs and each round's ratio of the first's throughput to the second's.
async fn alternate<F, FutF, G, FutG>(
    first_tasks: Vec<task::Model>,
    first: F,
    second_tasks: Vec<task::Model>,
    second: G,
    concurrency: usize,
) -> anyhow::Result<(Run, Run, Vec<f64>)>
where
    F: Fn(task::Model) -> FutF + Clone + Send + 'static,
    FutF: std::future::Future<Output = anyhow::Result<Vec<Duration>>> + Send,
    G: Fn(task::Model) -> FutG + Clone + Send + 'static,
    FutG: std::future::Future<Output = anyhow::Result<Vec<Duration>>> + Send,
{
    let split = |tasks: Vec<task::Model>| -> Vec<Vec<task::Model>> {
        let size = tasks.len().div_ceil(ROUNDS).max(1);
        tasks.chunks(size).map(<[task::Model]>::to_vec).collect()
    };
    let empty = || Run {
        latencies: Vec::new(),
        wall: Duration::ZERO,
    };
    let (mut a, mut b, mut ratios) = (empty(), empty(), Vec::new());
    for (round, (ta, tb)) in split(first_tasks)
        .into_iter()
        .zip(split(second_tasks))
        .enumerate()
    {
        let (ra, rb) = if round % 2 == 0 {
            let ra = drive(ta, concurrency, first.clone()).await?;
            (ra, drive(tb, concurrency, second.clone()).await?)
        } else {
            let rb = drive(tb, concurrency, second.clone()).await?;
            (drive(ta, concurrency, first.clone()).await?, rb)
        };
        ratios.push(ra.rate() / rb.rate());
        a.extend(ra);
        b.extend(rb);
    }
    Ok((a, b, ratios))
}

/// `0.81 0.79 …`: the ratios of each round.
fn rounds(ratios: &[f64]) -> String {
    ratios
        .iter()
        .map(|r| format!("{r:.2}"))
        .collect::<Vec<_>>()
        .join(" ")
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

/// The action the synthetic plans repeat: information sessions on trafficking in schools,
/// counted against a target of 20.
pub(super) fn information_sessions(objective_id: i64, number: String, deadline: &str) -> NewAction {
    NewAction {
        objective_id,
        number,
        text: "Organizarea de sesiuni de informare privind riscurile traficului de persoane în \
               unitățile de învățământ"
            .into(),
        deadline: deadline.into(),
        recurrence: None,
        funding: Vec::new(),
        indicators: vec![NewIndicator {
            name: "Număr de sesiuni".into(),
            spec: IndicatorSpec {
                target: Some(mandate_engine::results::Target::Value(20.0)),
                ..IndicatorSpec::default()
            },
        }],
    }
}

/// Institutions `BENCH-0`… (`with_addresses`: one e-mail address each), created or found;
/// their ids in order.
pub(super) async fn bench_institutions<C: sea_orm::ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<Utc>,
    count: usize,
    with_addresses: bool,
) -> anyhow::Result<Vec<i64>> {
    let defaults = InstitutionDefaults {
        language: "ro".into(),
        time_zone: chrono_tz::Europe::Bucharest,
    };
    let mut institutions = Vec::with_capacity(count);
    for i in 0..count {
        let emails = if with_addresses {
            vec![EmailAddress::parse(&format!(
                "bench-{i}@mandate-bench.invalid"
            ))?]
        } else {
            Vec::new()
        };
        let new = NewInstitution {
            code: InstitutionCode::parse(&format!("BENCH-{i}"))?,
            name: Some(format!("Instituție de test {i}")),
            parent: None,
            emails: Some(emails),
            language: None,
            time_zone: None,
        };
        let write = InstitutionWrite::prepare(db, now, &new, &defaults).await?;
        institutions.push(write.save(db).await?.id);
    }
    Ok(institutions)
}

/// The bench user of `institution` with `role` (created on first use) and an API token of it,
/// valid 12 hours.
pub(super) async fn bench_user(
    engine: &Engine,
    institution: &str,
    role: UserRole,
) -> anyhow::Result<(user::Model, String)> {
    let operator = Actor::operator();
    let email = format!(
        "{}-{role}@mandate-bench.invalid",
        institution.to_lowercase()
    );
    if engine.user_by_email(&email).await.is_err() {
        let new = NewUser {
            email: EmailAddress::parse(&email)?,
            name: format!("Bench {role} {institution}"),
            role,
            institution: Some(InstitutionCode::parse(institution)?),
        };
        engine.create_user(&operator, new).await?;
    }
    let expires = engine.now() + chrono::Duration::hours(12);
    let token = engine
        .issue_token(&operator, &email, Some(expires), Some("bench".into()))
        .await?
        .token;
    Ok((engine.user_by_email(&email).await?, token))
}

/// [`bench_institutions`] and a plan owned by `BENCH-0` over `period`, with one objective: what
/// every bench builds on.
pub(super) async fn bench_plan<C: sea_orm::ConnectionTrait>(
    db: &C,
    code: &str,
    now: chrono::DateTime<Utc>,
    count: usize,
    with_addresses: bool,
    period: (NaiveDate, NaiveDate),
) -> anyhow::Result<(Vec<i64>, plan::Model, objective::Model)> {
    let tz = chrono_tz::Europe::Bucharest;
    let institutions = bench_institutions(db, now, count, with_addresses).await?;
    let plan = plans::insert_plan(
        db,
        &Actor::operator(),
        now,
        &NewPlan {
            code: code.to_owned(),
            title: "Plan de măsurare".into(),
            owner: InstitutionCode::parse("BENCH-0")?,
            period_start: period.0,
            period_end: period.1,
            time_zone: tz,
            language: "ro".into(),
            lifecycle: "default".into(),
            reminder_policy: None,
        },
    )
    .await?;
    let objective = plans::insert_objective(
        db,
        &NewObjective {
            plan_id: plan.id,
            parent_id: None,
            number: "1".into(),
            title: "Obiectiv".into(),
            result: None,
        },
    )
    .await?;
    Ok((institutions, plan, objective))
}

/// `tasks` tasks spread over `plans` plans made by [`make_plan`], listed from each plan in turn,
/// so that tasks driven at once are mostly of different plans; the plans' codes.
async fn make_plans(
    engine: &Engine,
    prefix: &str,
    tasks: usize,
    plans: usize,
) -> anyhow::Result<(Vec<String>, Vec<task::Model>)> {
    let mut codes = Vec::with_capacity(plans);
    let mut lists = Vec::with_capacity(plans);
    for p in 0..plans {
        let (code, list) = make_plan(
            engine,
            prefix,
            tasks / plans + usize::from(p < tasks % plans),
        )
        .await?;
        codes.push(code);
        lists.push(list.into_iter());
    }
    let mut all = Vec::with_capacity(tasks);
    loop {
        let before = all.len();
        for list in &mut lists {
            all.extend(list.next());
        }
        if all.len() == before {
            return Ok((codes, all));
        }
    }
}

/// A plan with `tasks` pending tasks (rounded up to whole actions), built in one transaction.
async fn make_plan(
    engine: &Engine,
    prefix: &str,
    tasks: usize,
) -> anyhow::Result<(String, Vec<task::Model>)> {
    let now = engine.now();
    let code = format!("{prefix}-{}", now.timestamp_micros());
    let actor = Actor::operator();
    let lifecycle = engine.lifecycle("default")?;
    let txn = engine.connection_for_benchmarks().begin().await?;
    let year = now.year();
    let (first, last) = (
        NaiveDate::from_ymd_opt(year, 1, 1).context("date")?,
        NaiveDate::from_ymd_opt(year, 12, 31).context("date")?,
    );
    let (institutions, _, objective) =
        bench_plan(&txn, &code, now, 8, false, (first, last)).await?;
    let tz = chrono_tz::Europe::Bucharest;
    let end = last;
    let period = Period {
        start: first,
        end,
        due: tz
            .from_local_datetime(&end.and_hms_opt(23, 59, 59).context("time")?)
            .single()
            .context("due instant")?
            .with_timezone(&Utc),
    };
    let mut created = Vec::with_capacity(tasks);
    for a in 0..tasks.div_ceil(TASKS_PER_ACTION) {
        let action = plans::insert_action(
            &txn,
            &NewAction {
                objective_id: objective.id,
                number: format!("1.{}", a + 1),
                text: "Acțiune de test".into(),
                deadline: year.to_string(),
                recurrence: None,
                funding: Vec::new(),
                indicators: vec![plans::NewIndicator {
                    name: "Număr de acțiuni".into(),
                    spec: Default::default(),
                }],
            },
        )
        .await?;
        let pick = |k: usize| institutions[1 + (a + k) % 7];
        let assignment = Assignment {
            lead: pick(0),
            responsible: vec![pick(0), pick(1)],
            partners: vec![pick(2), pick(3)],
        };
        plans::assign(&txn, &actor, now, &action, &lifecycle, &assignment).await?;
        created.extend(
            plans::open_periods(&txn, &actor, now, &action, &lifecycle.initial, &[period]).await?,
        );
    }
    txn.commit().await?;
    created.truncate(tasks);
    Ok((code, created))
}

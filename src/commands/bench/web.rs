//! `mandate bench web`: the latency of the web application's busiest pages (a member's inbox,
//! a task page, a plan page) under concurrent clients, beside the GraphQL queries that return the
//! same data, on the bench's own database filled with many plans; and the weight of a first
//! visit.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Days, TimeZone, Utc};
use mandate_engine::Engine;
use mandate_engine::deadline::Period;
use mandate_engine::domain::{Actor, InstitutionCode, UserRole};
use mandate_engine::entity::{plan, task};
use mandate_engine::plans::{self, Assignment, NewObjective, NewPlan};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use serde_json::{Value, json};

use super::information_sessions;
use super::server::Server;
use super::{backend, bench_institutions, bench_user, percentile, report_peak_memory};
use crate::commands::Config;

/// Institutions taking part in the bench's plans.
const INSTITUTIONS: usize = 100;
/// Actions per plan: each has four tasks (a lead, a second responsible, two partners).
const ACTIONS_PER_PLAN: usize = 250;
const TASKS_PER_ACTION: usize = 4;
/// Members whose inboxes and task pages are read, one per institution.
const MEMBERS: usize = 16;
/// Plan codes of the bench's data start with this.
const PLAN_PREFIX: &str = "WEB-BENCH";
/// The largest first visit that is still light enough for a partner's phone.
const PAGE_WEIGHT_TARGET: usize = 150 * 1024;

const INBOX_QUERY: &str = "query($institution: String!, $after: String) { tasks(filter: { institution: $institution, states: [\"pending\", \"acknowledged\", \"in_progress\", \"submitted\", \"returned\"] }, first: 200, after: $after) { nodes { id version state overdue dueAt role action { id number text } plan { id code title timeZone } period { start end } institution { code timeZone } } pageInfo { hasNextPage endCursor } } }";
const TASK_QUERY: &str = "query($id: ID!) { task(id: $id) { id version state open overdue dueAt role institution { code name timeZone } plan { id code title } period { start end dueAt } action { id number text deadline indicators { name unit target } assignments { role lead institution { code name } } } reports { indicatorValues narrative evidenceUrls submittedBy submittedAt } } events(entityId: $id, first: 200) { nodes { kind actor at fromState toState comment } } }";
const PLAN_QUERY: &str = "query($id: ID!) { plan(id: $id) { code title periodStart periodEnd progress { total overdue byState { state count } } objectives { number title progress { total overdue } actions { id number text periods { start end dueAt complete } tasks { state overdue dueAt role institution { code } } } } } }";

/// The pages measured, each beside its GraphQL equivalent.
#[derive(Debug, Clone, Copy)]
enum Page {
    Inbox,
    Task,
    Plan,
}

impl Page {
    const ALL: [Page; 3] = [Page::Inbox, Page::Task, Page::Plan];

    fn name(self) -> &'static str {
        match self {
            Page::Inbox => "inbox",
            Page::Task => "task",
            Page::Plan => "plan",
        }
    }
}

/// Who reads what: a session cookie and an API token per reader, and the pages they open.
struct Readers {
    /// (institution code, cookie, token) of each member.
    members: Vec<(String, String, String)>,
    /// Task ids of each member's institution, by member.
    tasks: Vec<Vec<i64>>,
    /// (cookie, token) of the coordinator who owns every plan.
    coordinator: (String, String),
    plans: Vec<i64>,
}

pub async fn run(
    config: &Config,
    tasks: usize,
    clients: usize,
    requests: usize,
) -> anyhow::Result<()> {
    println!(
        "mandate bench web: {tasks} tasks, {clients} clients, {requests} requests a page, {} (database {})",
        backend(config),
        config.database_name()
    );
    let engine = config.engine().await?;
    let setup = Instant::now();
    let created = fill(&engine, tasks).await?;
    if created > 0 {
        println!(
            "setup    {created} tasks in {} plans created in {:.1} s",
            created.div_ceil(ACTIONS_PER_PLAN * TASKS_PER_ACTION),
            setup.elapsed().as_secs_f64()
        );
    } else {
        println!("setup    the bench database already holds the {tasks} tasks");
    }
    let readers = Arc::new(readers(&engine).await?);

    let mut server = Server::start(config).await?;
    let base = format!("http://{}", server.address);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    weigh_first_visit(&client, &base, &readers.members[0].1).await?;
    println!(
        "{:<8} {:>10} {:>10} {:>10} {:>12} {:>12} {:>10}",
        "", "page p50", "page p99", "page KiB", "graphql p50", "graphql p99", "json KiB"
    );
    for page in Page::ALL {
        let mut html = measure(&client, &base, &readers, page, false, clients, requests).await?;
        let mut graphql = measure(&client, &base, &readers, page, true, clients, requests).await?;
        html.latencies.sort();
        graphql.latencies.sort();
        println!(
            "{:<8} {:>7.1} ms {:>7.1} ms {:>10.0} {:>9.1} ms {:>9.1} ms {:>10.0}",
            page.name(),
            ms(percentile(&html.latencies, 50.0)),
            ms(percentile(&html.latencies, 99.0)),
            html.mean_bytes() / 1024.0,
            ms(percentile(&graphql.latencies, 50.0)),
            ms(percentile(&graphql.latencies, 99.0)),
            graphql.mean_bytes() / 1024.0,
        );
    }
    report_peak_memory("the server", server.peak_memory_kib());
    server.stop().await;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Fills the bench database with `tasks` tasks (whole actions) unless it holds them already;
/// returns how many it created. A database holding another number of tasks is emptied first.
async fn fill(engine: &Engine, tasks: usize) -> anyhow::Result<usize> {
    let db = engine.connection_for_benchmarks();
    let held = task::Entity::find().count(db).await? as usize;
    let wanted = tasks.div_ceil(TASKS_PER_ACTION) * TASKS_PER_ACTION;
    if held == wanted {
        return Ok(0);
    }
    if held > 0 {
        println!("setup    the bench database holds {held} tasks, not {wanted}: rebuilding");
        let codes: Vec<String> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Code)
            .filter(plan::Column::Code.starts_with(PLAN_PREFIX))
            .into_tuple()
            .all(db)
            .await?;
        for code in codes {
            engine.purge_plan_destroying_history(&code).await?;
        }
        let left = task::Entity::find().count(db).await?;
        if left > 0 {
            bail!(
                "the bench database holds {left} tasks of plans the bench did not make: \
                 it is not the bench's own"
            );
        }
    }
    let now = engine.now();
    let institutions = {
        let txn = db.begin().await?;
        let ids = bench_institutions(&txn, now, INSTITUTIONS, true).await?;
        txn.commit().await?;
        ids
    };
    let lifecycle = engine.lifecycle("default")?;
    let actor = Actor::operator();
    let tz = chrono_tz::Europe::Bucharest;
    let today = now.with_timezone(&tz).date_naive();
    let actions = tasks.div_ceil(TASKS_PER_ACTION);
    let mut created = 0;
    for (p, first) in (0..actions).step_by(ACTIONS_PER_PLAN).enumerate() {
        let txn = db.begin().await?;
        let plan = plans::insert_plan(
            &txn,
            &actor,
            now,
            &NewPlan {
                code: format!("{PLAN_PREFIX}-{p:04}"),
                title: format!("Planul de acțiune {p} pentru prevenirea traficului de persoane"),
                owner: InstitutionCode::parse("BENCH-0")?,
                period_start: today - Days::new(400),
                period_end: today + Days::new(400),
                time_zone: tz,
                language: "ro".into(),
                lifecycle: "default".into(),
                reminder_policy: None,
            },
        )
        .await?;
        let mut objectives = Vec::new();
        for o in 1..=5 {
            objectives.push(
                plans::insert_objective(
                    &txn,
                    &NewObjective {
                        plan_id: plan.id,
                        parent_id: None,
                        number: o.to_string(),
                        title: format!(
                            "Obiectivul specific {o}: creșterea capacității de intervenție"
                        ),
                        result: None,
                    },
                )
                .await?,
            );
        }
        for a in first..actions.min(first + ACTIONS_PER_PLAN) {
            let objective = &objectives[(a - first) % objectives.len()];
            let action = plans::insert_action(
                &txn,
                &information_sessions(
                    objective.id,
                    format!("{}.{}", objective.number, a - first + 1),
                    "anual",
                ),
            )
            .await?;
            let pick = |k: usize| institutions[1 + (p * 7 + a + k * 13) % (INSTITUTIONS - 1)];
            let assignment = Assignment {
                lead: pick(0),
                responsible: vec![pick(0), pick(1)],
                partners: vec![pick(2), pick(3)],
            };
            plans::assign(&txn, &actor, now, &action, &lifecycle, &assignment).await?;
            // Due dates from 180 days ago to 185 days ahead: overdue, due soon and later work.
            let due = (today + Days::new(a as u64 % 365)) - Days::new(180);
            let period = Period {
                start: due - Days::new(90),
                end: due,
                due: tz
                    .from_local_datetime(&due.and_hms_opt(23, 59, 59).context("time")?)
                    .single()
                    .context("due instant")?
                    .with_timezone(&Utc),
            };
            created +=
                plans::open_periods(&txn, &actor, now, &action, &lifecycle.initial, &[period])
                    .await?
                    .len();
        }
        txn.commit().await?;
    }
    Ok(created)
}

/// The bench's readers: a member of each of the first institutions taking part and the plans'
/// coordinator, each with a web session and an API token.
async fn readers(engine: &Engine) -> anyhow::Result<Readers> {
    let db = engine.connection_for_benchmarks();
    let taking_part: BTreeSet<i64> = task::Entity::find()
        .select_only()
        .column(task::Column::InstitutionId)
        .distinct()
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut members = Vec::new();
    let mut tasks = Vec::new();
    for id in taking_part.into_iter().take(MEMBERS) {
        let code = engine.institution_by_id(&Actor::operator(), id).await?.code;
        let (cookie, token) = reader(engine, &code, UserRole::Member).await?;
        let ids: Vec<i64> = task::Entity::find()
            .select_only()
            .column(task::Column::Id)
            .filter(task::Column::InstitutionId.eq(id))
            .order_by_asc(task::Column::Id)
            .limit(200)
            .into_tuple()
            .all(db)
            .await?;
        members.push((code, cookie, token));
        tasks.push(ids);
    }
    if members.is_empty() {
        bail!("the bench database holds no task: nothing to read");
    }
    let plans: Vec<i64> = plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .filter(plan::Column::Code.starts_with(PLAN_PREFIX))
        .into_tuple()
        .all(db)
        .await?;
    Ok(Readers {
        members,
        tasks,
        coordinator: reader(engine, "BENCH-0", UserRole::Coordinator).await?,
        plans,
    })
}

/// A session cookie and an API token of the bench user of `institution` with `role`.
async fn reader(
    engine: &Engine,
    institution: &str,
    role: UserRole,
) -> anyhow::Result<(String, String)> {
    let (user, token) = bench_user(engine, institution, role).await?;
    Ok((engine.start_session(&user).await?.cookie, token))
}

/// Latencies and answer sizes of one page's run.
struct Measured {
    latencies: Vec<Duration>,
    bytes: usize,
}

impl Measured {
    fn mean_bytes(&self) -> f64 {
        self.bytes as f64 / self.latencies.len().max(1) as f64
    }
}

/// `requests` reads of `page` (as HTML, or as its GraphQL query) by `clients` concurrent clients,
/// each read by the next reader in turn.
async fn measure(
    client: &reqwest::Client,
    base: &str,
    readers: &Arc<Readers>,
    page: Page,
    graphql: bool,
    clients: usize,
    requests: usize,
) -> anyhow::Result<Measured> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, base, readers, next) = (
            client.clone(),
            base.to_owned(),
            readers.clone(),
            next.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut measured = Measured {
                latencies: Vec::new(),
                bytes: 0,
            };
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let start = Instant::now();
                let bytes = if graphql {
                    read_graphql(&client, &base, &readers, page, n).await?
                } else {
                    read_page(&client, &base, &readers, page, n).await?
                };
                measured.latencies.push(start.elapsed());
                measured.bytes += bytes;
            }
            anyhow::Ok(measured)
        }));
    }
    let mut all = Measured {
        latencies: Vec::with_capacity(requests),
        bytes: 0,
    };
    for worker in workers {
        let measured = worker.await.context("bench client stopped")??;
        all.latencies.extend(measured.latencies);
        all.bytes += measured.bytes;
    }
    Ok(all)
}

/// The `n`th read of `page` as HTML; its size.
async fn read_page(
    client: &reqwest::Client,
    base: &str,
    readers: &Readers,
    page: Page,
    n: usize,
) -> anyhow::Result<usize> {
    let member = n % readers.members.len();
    let (path, cookie) = match page {
        Page::Inbox => ("/".to_owned(), &readers.members[member].1),
        Page::Task => (
            format!("/tasks/{}", pick(&readers.tasks[member], n)?),
            &readers.members[member].1,
        ),
        Page::Plan => (
            format!("/plans/{}", pick(&readers.plans, n)?),
            &readers.coordinator.0,
        ),
    };
    let answer = client
        .get(format!("{base}{path}"))
        .header(reqwest::header::COOKIE, format!("mandate_session={cookie}"))
        .send()
        .await?;
    let status = answer.status();
    let body = answer.bytes().await?;
    if !status.is_success() {
        bail!("GET {path} answered {status}");
    }
    Ok(body.len())
}

/// The `n`th read of `page`'s data over GraphQL (the inbox: every page of up to 500 open tasks,
/// as the inbox shows); its size.
async fn read_graphql(
    client: &reqwest::Client,
    base: &str,
    readers: &Readers,
    page: Page,
    n: usize,
) -> anyhow::Result<usize> {
    let member = n % readers.members.len();
    let url = format!("{base}/graphql");
    let post = |token: &str, query: &str, variables: Value| {
        client
            .post(&url)
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
    };
    let checked = |answer: Value| -> anyhow::Result<Value> {
        match answer.get("errors") {
            Some(errors) => bail!("{} query failed: {errors}", page.name()),
            None => Ok(answer),
        }
    };
    let mut bytes = 0;
    match page {
        Page::Inbox => {
            let (code, _, token) = &readers.members[member];
            let (mut after, mut read) = (Value::Null, 0);
            while read < 500 {
                let body = post(
                    token,
                    INBOX_QUERY,
                    json!({ "institution": code, "after": after }),
                )
                .await?
                .bytes()
                .await?;
                bytes += body.len();
                let answer = checked(serde_json::from_slice(&body)?)?;
                let tasks = &answer["data"]["tasks"];
                read += tasks["nodes"].as_array().map_or(0, Vec::len);
                if tasks["pageInfo"]["hasNextPage"] != true {
                    break;
                }
                after = tasks["pageInfo"]["endCursor"].clone();
            }
        }
        Page::Task => {
            let id = format!("Task:{}", pick(&readers.tasks[member], n)?);
            let token = &readers.members[member].2;
            let body = post(token, TASK_QUERY, json!({ "id": id }))
                .await?
                .bytes()
                .await?;
            bytes += body.len();
            checked(serde_json::from_slice(&body)?)?;
        }
        Page::Plan => {
            let id = format!("Plan:{}", pick(&readers.plans, n)?);
            let body = post(&readers.coordinator.1, PLAN_QUERY, json!({ "id": id }))
                .await?
                .bytes()
                .await?;
            bytes += body.len();
            checked(serde_json::from_slice(&body)?)?;
        }
    }
    Ok(bytes)
}

fn pick(ids: &[i64], n: usize) -> anyhow::Result<i64> {
    ids.get(n % ids.len().max(1))
        .copied()
        .context("the bench database holds nothing to read for this page")
}

/// A member's first visit to the inbox: the page and everything it loads (styles, scripts,
/// images), summed as sent over the wire to a browser (which accepts gzip) and as written; any
/// resource on another host is reported, and fails the bench.
async fn weigh_first_visit(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
) -> anyhow::Result<()> {
    let get = |path: String, encoding: &'static str| {
        client
            .get(format!("{base}{path}"))
            .header(reqwest::header::COOKIE, format!("mandate_session={cookie}"))
            .header(reqwest::header::ACCEPT_ENCODING, encoding)
            .send()
    };
    let html = get("/".into(), "identity").await?.text().await?;
    let resources = resources(&html);
    let (mut sent, mut written) = (0, 0);
    let mut foreign = Vec::new();
    for path in std::iter::once(&"/".to_owned()).chain(&resources) {
        if path.starts_with("//") || path.contains("://") {
            foreign.push(path.clone());
            continue;
        }
        for (encoding, total) in [("gzip", &mut sent), ("identity", &mut written)] {
            let answer = get(path.clone(), encoding).await?;
            if !answer.status().is_success() {
                bail!("the inbox loads {path}, which answers {}", answer.status());
            }
            *total += answer.bytes().await?.len();
        }
    }
    println!(
        "weight   first visit of the inbox: {:.1} KiB sent ({:.1} KiB uncompressed) in {} requests \
         (target under {} KiB), requests to other hosts: {}",
        sent as f64 / 1024.0,
        written as f64 / 1024.0,
        1 + resources.len() - foreign.len(),
        PAGE_WEIGHT_TARGET / 1024,
        if foreign.is_empty() {
            "none".to_owned()
        } else {
            foreign.join(", ")
        }
    );
    if !foreign.is_empty() {
        bail!("the inbox loads resources from other hosts");
    }
    Ok(())
}

/// What a browser loads with a page: `src` of any element, and `href` of `<link>` elements.
fn resources(html: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let is_link = tag.starts_with("link ");
        for attribute in ["src=\"", "href=\""] {
            if attribute == "href=\"" && !is_link {
                continue;
            }
            if let Some(at) = tag.find(attribute) {
                let rest = &tag[at + attribute.len()..];
                if let Some(end) = rest.find('"') {
                    found.insert(rest[..end].replace("&amp;", "&"));
                }
            }
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::resources;

    #[test]
    fn resources_are_sources_and_link_targets_not_anchors() {
        let html = r#"<html><head><link rel="stylesheet" href="/assets/app-2.css"><script src="/assets/live-1.js" defer></script><link rel="icon" href="https://cdn.example/i.png"></head><body><a href="https://other.example/">x</a><img src="/logo.svg" alt=""></body></html>"#;
        assert_eq!(
            resources(html),
            [
                "/assets/app-2.css",
                "/assets/live-1.js",
                "/logo.svg",
                "https://cdn.example/i.png"
            ]
        );
    }
}

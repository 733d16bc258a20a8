//! `mandate bench graphql`: the engine bench's lifecycle path, over HTTP, against `mandate serve`
//! started as a child process on the same database (so its memory can be read apart).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use mandate_engine::domain::{Actor, UserRole};
use mandate_engine::entity::task;
use mandate_engine::tasks::lifecycle::Role;
use serde_json::{Value, json};

use super::server::Server;
use super::{PATH, ROUNDS, alternate, backend, bench_user, make_plan, report_peak_memory, rounds};
use crate::commands::Config;

/// The mutation of each step of `PATH`, in order.
const MUTATIONS: [&str; 4] = [
    "mutation($id: ID!, $version: Int!) { acknowledgeTask(id: $id, version: $version) { version } }",
    "mutation($id: ID!, $version: Int!) { startTask(id: $id, version: $version) { version } }",
    r#"mutation($id: ID!, $version: Int!) { submitReport(id: $id, version: $version, indicatorValues: [{indicator: "Număr de acțiuni", value: 1}], narrative: "Raport de test", evidenceUrls: ["https://example.org/raport"]) { version } }"#,
    "mutation($id: ID!, $version: Int!) { approveTask(id: $id, version: $version) { version } }",
];

pub async fn run(config: &Config, tasks: usize, concurrency: usize) -> anyhow::Result<()> {
    super::engine::run(config, tasks, concurrency, 1).await?;
    println!(
        "\nmandate bench graphql: {tasks} tasks, {concurrency} clients, {}",
        backend(config)
    );
    let engine = config.engine().await?;
    let (plan_code, plan_tasks) = make_plan(&engine, "bench-graphql", tasks).await?;
    let (_, coordinator) = bench_user(&engine, "BENCH-0", UserRole::Coordinator).await?;
    let institutions: BTreeSet<i64> = plan_tasks.iter().map(|t| t.institution_id).collect();
    let mut members = BTreeMap::new();
    for id in institutions {
        let code = engine.institution_by_id(&Actor::operator(), id).await?.code;
        members.insert(id, bench_user(&engine, &code, UserRole::Member).await?.1);
    }
    let tokens = Arc::new((coordinator, members));

    // The engine again on tasks of its own, in rounds alternating with the server's.
    let (engine_plan, engine_tasks) = make_plan(&engine, "bench-graphql-engine", tasks).await?;

    let mut server = Server::start(config).await?;
    let client = reqwest::Client::new();
    let url = format!("http://{}/graphql", server.address);
    let (mut measured, mut in_process, by_round) = alternate(
        plan_tasks,
        move |t| {
            let (client, url, tokens) = (client.clone(), url.clone(), tokens.clone());
            async move { http_path(&client, &url, &tokens.0, &tokens.1, t).await }
        },
        engine_tasks,
        super::engine::by_engine(&engine),
        concurrency,
    )
    .await?;
    let peak = server.peak_memory_kib();
    server.stop().await;

    let rate = measured.report("graphql");
    let engine_rate = in_process.report("engine");
    println!(
        "ratio    graphql/engine throughput {:.2} (in {ROUNDS} alternating rounds: {})",
        rate / engine_rate,
        rounds(&by_round)
    );
    report_peak_memory("the server", peak);
    for code in [plan_code, engine_plan] {
        engine.purge_plan_destroying_history(&code).await?;
    }
    Ok(())
}

/// One task through acknowledge → start → submit → approve over HTTP; the latency of each.
async fn http_path(
    client: &reqwest::Client,
    url: &str,
    coordinator: &str,
    members: &BTreeMap<i64, String>,
    t: task::Model,
) -> anyhow::Result<Vec<Duration>> {
    let member = members
        .get(&t.institution_id)
        .context("no token for the task's institution")?;
    let mut latencies = Vec::with_capacity(PATH.len());
    for (version, (step, mutation)) in (t.version..).zip(PATH.iter().zip(MUTATIONS)) {
        let token = if *step == Role::SignOff {
            coordinator
        } else {
            member
        };
        let body = json!({ "query": mutation, "variables": { "id": format!("Task:{}", t.id), "version": version } });
        let start = Instant::now();
        let answer: Value = client
            .post(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        latencies.push(start.elapsed());
        if let Some(errors) = answer.get("errors") {
            bail!("{step} on task {} failed: {errors}", t.id);
        }
    }
    Ok(latencies)
}

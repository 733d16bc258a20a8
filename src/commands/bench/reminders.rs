//! `mandate bench reminders`: one scheduler tick over N open tasks, then the sender's e-mails per
//! second against a local SMTP sink, beside a bare lettre loop sending the same messages to it.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Days, TimeZone, Utc};
use futures_util::StreamExt;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mandate_engine::entity::{reporting_period, task};
use mandate_engine::mail::{MailSettings, Renderer, Security, SmtpSettings, Transport};
use mandate_engine::notifications::{SendSummary, Sender};
use mandate_engine::plans::{self, NewAction};
use sea_orm::{ActiveModelTrait, EntityTrait, Set, TransactionTrait};

use super::{backend, bench_plan, peak_memory_kib, report_peak_memory, smtp_sink};
use crate::commands::Config;

const INSTITUTIONS: usize = 100;
/// One reporting period a day for a year, per action.
const PERIODS: usize = 365;

pub async fn run(config: &Config, tasks: usize, mails: usize) -> anyhow::Result<()> {
    // The tasks were assigned the day before and fall due one day to a year later: a steady
    // working day in the life of a big plan.
    let tick_at = super::bench_day()?;
    let engine = config.engine_at(tick_at).await?;
    println!(
        "mandate bench reminders: {tasks} open tasks, {INSTITUTIONS} institutions, {}",
        backend(config)
    );
    let created = tick_at - chrono::Duration::days(1);
    let start = Instant::now();
    let code = populate(&engine, tasks, created).await?;
    println!(
        "setup    {tasks} tasks written in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // The engine plans each task as it writes it; the bulk set-up plans them all at once.
    let start = Instant::now();
    let planned = engine.plan_reminders_of_plan(&code).await?;
    println!(
        "plan     next reminder of {planned} tasks planned in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    super::settle_after_setup(&engine).await?;

    let start = Instant::now();
    let first = engine.tick(tick_at).await?;
    let tick = start.elapsed();
    println!(
        "tick     {} tasks looked at of {tasks} open in {:.3} s, {} notifications written",
        first.tasks,
        tick.as_secs_f64(),
        first.written
    );
    if first.written == 0 {
        anyhow::bail!("the tick wrote no notification: the bench measured nothing");
    }
    // A minute later nothing has come: what every other tick of the day costs.
    let start = Instant::now();
    let quiet = engine.tick(tick_at + chrono::Duration::minutes(1)).await?;
    println!(
        "quiet    a minute later, nothing due: {} tasks looked at in {:.3} s, {} written",
        quiet.tasks,
        start.elapsed().as_secs_f64(),
        quiet.written
    );

    let sink = smtp_sink::start().await?;
    let sender = Sender {
        transport: Transport::smtp(&SmtpSettings {
            host: sink.ip().to_string(),
            port: sink.port(),
            security: Security::None,
            credentials: None,
            timeout: Duration::from_secs(30),
        })?,
        renderer: Renderer::builtin().map_err(anyhow::Error::msg)?,
        settings: MailSettings {
            from: "Mandate <mandate@mandate.localhost>".parse()?,
            public_url: "http://127.0.0.1:8080".into(),
        },
        lease: Duration::from_secs(300),
        max_attempts: 3,
        parallel: 8,
    };
    let mut summary = SendSummary::default();
    let start = Instant::now();
    while (summary.sent as usize) < mails {
        let batch = (mails - summary.sent as usize) as u64;
        if engine.send_batch(&sender, batch, &mut summary).await? == 0 {
            break;
        }
    }
    let mandate_time = start.elapsed();
    let sent = summary.sent as usize;
    if sent == 0 {
        anyhow::bail!("the sender sent no e-mail: the bench measured nothing");
    }
    let mandate_rate = sent as f64 / mandate_time.as_secs_f64();
    println!(
        "mandate  {sent} e-mails in {:.2} s: {mandate_rate:.0} e-mails/s (claim, render, send, record)",
        mandate_time.as_secs_f64()
    );

    let bare: AsyncSmtpTransport<Tokio1Executor> =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(sink.ip().to_string())
            .port(sink.port())
            .build();
    let message = sample(&sender)?;
    let start = Instant::now();
    let results: Vec<Result<_, _>> = futures_util::stream::iter(0..sent)
        .map(|_| bare.send(message.clone()))
        .buffer_unordered(sender.parallel)
        .collect()
        .await;
    for result in results {
        result?;
    }
    let bare_time = start.elapsed();
    let bare_rate = sent as f64 / bare_time.as_secs_f64();
    println!(
        "lettre   {} e-mails in {:.2} s: {bare_rate:.0} e-mails/s (the same kind of message, prebuilt, as many in flight)",
        sent,
        bare_time.as_secs_f64()
    );
    println!(
        "ratio    mandate/lettre throughput {:.2}",
        mandate_rate / bare_rate
    );
    report_peak_memory("this process (tick and sender)", peak_memory_kib(None));
    engine.purge_plan_destroying_history(&code).await?;
    Ok(())
}

/// A message like the ones Mandate sends, for the bare loop.
fn sample(sender: &Sender) -> anyhow::Result<Message> {
    let facts = serde_json::json!({
        "plan": { "title": "Plan de măsurare" },
        "objective": { "number": "1", "title": "Obiectiv" },
        "action": { "number": "1.1", "text": "Acțiune de test", "indicators": [{ "name": "Număr de acțiuni" }] },
        "institution": { "code": "BENCH-1", "name": "Instituție de test 1" },
        "due": "2026-12-31", "days": 30, "state": "pending",
        "links": { "settings": "http://127.0.0.1:8080/notifications/BENCH-1" },
    });
    let rendered = sender
        .renderer
        .render(
            mandate_engine::i18n::Language::Ro,
            mandate_engine::notifications::Kind::Reminder,
            &facts,
        )
        .map_err(anyhow::Error::msg)?;
    Ok(Message::builder()
        .from(sender.settings.from.clone())
        .to("bench-1@mandate-bench.invalid".parse()?)
        .subject(rendered.subject)
        .multipart(lettre::message::MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))?)
}

/// A plan with `tasks` pending tasks of `INSTITUTIONS` institutions, due over the next year.
/// Rows are written in bulk: this is the bench's setup, not what it measures.
async fn populate(
    engine: &mandate_engine::Engine,
    tasks: usize,
    created: DateTime<Utc>,
) -> anyhow::Result<String> {
    let tz = chrono_tz::Europe::Bucharest;
    let code = format!("bench-reminders-{}", created.timestamp_micros());
    let txn = engine.connection_for_benchmarks().begin().await?;
    let today = created.date_naive();
    let (institutions, the_plan, objective) = bench_plan(
        &txn,
        &code,
        created,
        INSTITUTIONS,
        true,
        (today, today + Days::new(PERIODS as u64 + 2)),
    )
    .await?;
    let mut rows = Vec::with_capacity(2000);
    let mut written = 0;
    let mut a = 0;
    while written < tasks {
        a += 1;
        let action = plans::insert_action(
            &txn,
            &NewAction {
                objective_id: objective.id,
                number: format!("1.{a}"),
                text: "Acțiune de test".into(),
                deadline: "periodic".into(),
                recurrence: None,
                funding: Vec::new(),
                indicators: Vec::new(),
            },
        )
        .await?;
        for day in 1..=PERIODS as u64 {
            let end = today + Days::new(day + 1);
            let due = tz
                .from_local_datetime(&end.and_hms_opt(23, 59, 59).context("time")?)
                .earliest()
                .context("due instant")?
                .with_timezone(&Utc);
            let period = reporting_period::ActiveModel {
                action_id: Set(action.id),
                start_date: Set(end),
                end_date: Set(end),
                due_at: Set(due),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            for &institution in &institutions {
                if written == tasks {
                    break;
                }
                rows.push(task::ActiveModel {
                    plan_id: Set(the_plan.id),
                    action_id: Set(action.id),
                    period_id: Set(period.id),
                    institution_id: Set(institution),
                    role: Set("responsible".into()),
                    state: Set("pending".into()),
                    open: Set(true),
                    due_at: Set(due),
                    version: Set(1),
                    created_at: Set(created),
                    updated_at: Set(created),
                    ..Default::default()
                });
                written += 1;
                if rows.len() == 2000 {
                    task::Entity::insert_many(std::mem::take(&mut rows))
                        .exec_without_returning(&txn)
                        .await?;
                }
            }
        }
    }
    if !rows.is_empty() {
        task::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(code)
}

//! `mandate demo`: the bundled seed plans imported into the configured database, then the status;
//! and the demo of `mandate serve --demo`: a history up to the demo clock, the demo users.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use mandate_engine::accounts::NewUser;
use mandate_engine::demo::{self, DEMO_USERS};
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode};
use mandate_engine::{Engine, plans::plan_file};

use super::Config;
use super::serve::DEMO_DATABASE;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let engine = config.engine().await?;
    load_seed_plans(&engine).await?;
    println!("seed plans are in {}\n", config.database_name());
    super::status::run(config).await
}

/// Imports every bundled seed plan as the operator, printing one line per plan.
pub async fn load_seed_plans(engine: &Engine) -> anyhow::Result<()> {
    for (name, source) in demo::SEED_PLANS {
        let draft = match plan_file::parse(source, name, None, engine.lifecycles()) {
            Ok(draft) => draft,
            Err(problems) => {
                for p in &problems {
                    eprintln!("{p}");
                }
                bail!("bundled plan {name} has problems");
            }
        };
        let summary = engine
            .import_plan(&Actor::operator(), &draft, false)
            .await?;
        let tasks = summary
            .changes
            .get("tasks")
            .map_or(0, |c| c.created + c.unchanged);
        println!(
            "plan `{}` loaded: {} actions, {tasks} tasks",
            summary.plan_code,
            draft.actions.len()
        );
    }
    Ok(demo::give_demo_addresses(engine).await?)
}

/// The demo of `serve --demo` on `engine` (over the demo database): a fresh database gets the
/// seed plans and their history up to `start` (default [`demo::DEFAULT_START`]); a demo database
/// with plans goes on, on the clock it recorded. Returns the engine on the demo clock, after
/// printing it and a new token for each demo user.
pub async fn serve(
    engine: Engine,
    start: Option<&str>,
    address: SocketAddr,
) -> anyhow::Result<Engine> {
    let plans = engine
        .plans(&Actor::operator())
        .await
        .with_context(|| format!("cannot read the plans of {DEMO_DATABASE}"))?
        .len();
    let engine = if plans > 0 {
        if start.is_some() {
            bail!(
                "--demo-start sets the clock of a new demo, and {DEMO_DATABASE} holds one \
                 already: add --fresh to start over"
            );
        }
        match demo::recorded_clock(&engine).await? {
            Some(info) => {
                println!("demo: continuing {DEMO_DATABASE} ({plans} plans; --fresh starts over)");
                engine.with_clock(Arc::new(info.clock())).with_demo(info)
            }
            None => {
                println!(
                    "demo: continuing {DEMO_DATABASE} ({plans} plans; --fresh starts over); made \
                     before the demo clock, it runs on the real time"
                );
                engine
            }
        }
    } else {
        let start = instant(start.unwrap_or(demo::DEFAULT_START))?;
        let began = std::time::Instant::now();
        let history = demo::build(&engine, start)
            .await
            .context("cannot play the demo's history")?;
        let info = demo::start_clock(&engine, start).await?;
        println!(
            "demo: fresh {DEMO_DATABASE}, seed plans loaded and their history played up to {} \
             in {:.1} s:\n  {history}",
            info.show(start),
            began.elapsed().as_secs_f64()
        );
        engine.with_clock(Arc::new(info.clock())).with_demo(info)
    };
    if let Some(info) = engine.demo() {
        println!(
            "demo clock: {}, moving in real time (e-mails, reminders and due dates follow it)",
            info.show(engine.now())
        );
    }
    demo_users(&engine, address).await?;
    Ok(engine)
}

/// An instant written in RFC 3339.
fn instant(text: &str) -> anyhow::Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("`{text}` is not an instant (e.g. {})", demo::DEFAULT_START))?
        .with_timezone(&Utc))
}

/// Creates the demo users that are missing and prints, for each, a one-click sign-in link and a
/// new API token (tokens are stored hashed: the ones printed on an earlier start cannot be shown
/// again, but stay valid).
async fn demo_users(engine: &Engine, address: SocketAddr) -> anyhow::Result<()> {
    let operator = Actor::operator();
    let expires = engine.now() + chrono::Duration::days(30);
    println!(
        "\ndemo users: a one-click sign-in link for the web application (works once, for 15 \
         minutes; the sign-in page sends new ones to ./outbox/) and an API token (30 days):"
    );
    for user in DEMO_USERS {
        match engine.user_by_email(user.email).await {
            Ok(_) => {}
            Err(mandate_engine::Error::NotFound { .. }) => {
                let new = NewUser {
                    email: EmailAddress::parse(user.email)?,
                    name: user.name.to_owned(),
                    role: user.role,
                    institution: user.institution.map(InstitutionCode::parse).transpose()?,
                };
                engine.create_user(&operator, new).await?;
            }
            Err(e) => return Err(e.into()),
        }
        let issued = engine
            .issue_token(&operator, user.email, Some(expires), Some("demo".into()))
            .await?;
        let sign_in = engine.sign_in_token_for(user.email, "/").await?;
        println!(
            "  {:<11} {:<30} http://{address}/sign-in/{sign_in}\n  {:<42} {}",
            user.role.as_str(),
            user.email,
            "",
            issued.token
        );
    }
    println!(
        "\ntry: curl -s http://{address}/graphql -H 'Authorization: Bearer <token>' \\\n       -H 'Content-Type: application/json' -d '{{\"query\":\"{{ viewer {{ email role }} plans {{ code progress {{ total overdue }} }} }}\"}}'\n"
    );
    Ok(())
}

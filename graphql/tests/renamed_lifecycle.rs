//! A lifecycle whose states and transitions all have Polish names, loaded from a folder, runs the
//! whole default flow on SQLite and PostgreSQL: the acknowledgement chase for its waiting state,
//! acknowledgement through the e-mail link, then start, submit, return, submit and approve by the
//! typed GraphQL mutations, decline and cancel likewise; the mails name the return's reason. No
//! name of the default lifecycle is needed anywhere.

mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::Duration;

use app::{TestApp, data};
use chrono::{DateTime, TimeZone, Utc};
use mandate_engine::UserRole;
use mandate_engine::entity::{notification, task};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::Sender;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_graphql::ServerConfig;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use support::{Fixture, TestDb};

on_both_databases!(a_lifecycle_with_polish_names_runs_through_its_roles);

/// The lifecycles of `engine/tests/lifecycles/`, beside the built-in one.
fn polish() -> Lifecycles {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/lifecycles");
    let lifecycles = Lifecycles::with_dir(&dir).expect("lifecycles folder");
    assert_eq!(lifecycles.names(), ["default", "petition", "polski"]);
    lifecycles
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("instant")
}

/// The kinds of the notifications about `task_id`, oldest first.
async fn kinds_about(f: &Fixture, task_id: i64) -> Vec<String> {
    notification::Entity::find()
        .filter(notification::Column::TaskId.eq(task_id))
        .order_by_asc(notification::Column::Id)
        .all(&f.db)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

/// Fires a typed mutation on a task; the task as the answer gives it (`id`, `version`, `state`).
async fn typed(app: &TestApp, token: &str, mutation: &str, task: &Value, extra: &str) -> Value {
    let query = format!(
        "mutation($id: ID!, $v: Int!) {{ {mutation}(id: $id, version: $v{extra}) {{ id version state }} }}"
    );
    let answer = app
        .gql(
            token,
            &query,
            json!({ "id": task["id"], "v": task["version"] }),
        )
        .await;
    assert!(answer["errors"].is_null(), "{mutation}: {answer:#}");
    data(&answer)[mutation].clone()
}

fn as_value(t: &task::Model) -> Value {
    json!({ "id": format!("Task:{}", t.id), "version": t.version, "state": t.state })
}

async fn a_lifecycle_with_polish_names_runs_through_its_roles(db: TestDb) {
    let f = Fixture::running(&db, polish(), "polski").await;
    assert_eq!(f.plan.lifecycle, "polski");
    let me = f.task_of(&f.responsible).await;
    let lead = f.task_of(&f.lead).await;
    assert_eq!(
        (me.state.as_str(), lead.state.as_str()),
        ("oczekuje", "oczekuje")
    );

    // Assigned on Friday 1 January 2021: the chase comes 3 days later, at 08:00 in Bucharest
    // (Monday 4 January, 06:00 UTC), for every task still waiting.
    f.clock.set(utc(2021, 1, 4, 5));
    f.engine.tick(utc(2021, 1, 4, 5)).await.expect("tick");
    assert!(
        !kinds_about(&f, me.id)
            .await
            .contains(&"ack_chase".to_owned())
    );
    f.clock.set(utc(2021, 1, 4, 7));
    f.engine.tick(utc(2021, 1, 4, 7)).await.expect("tick");
    let chase = notification::Entity::find()
        .filter(notification::Column::TaskId.eq(me.id))
        .filter(notification::Column::Kind.eq("ack_chase"))
        .one(&f.db)
        .await
        .expect("query")
        .expect("an acknowledgement chase for the waiting task");
    assert_eq!(chase.institution_id, f.responsible.id);

    // The chase's link acknowledges the task through the transition playing `acknowledge`.
    let app = TestApp::spawn(f.engine.clone(), ServerConfig::default()).await;
    let token = f
        .engine
        .ack_token(&chase, utc(2021, 1, 20, 0))
        .await
        .expect("token");
    let response = reqwest::Client::new()
        .post(app.url(&format!("/ack/{token}")))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 200);
    let me = f.task_of(&f.responsible).await;
    assert_eq!((me.state.as_str(), me.version), ("przyjete", 2));

    // A week later the chase goes on for the lead's task, not for the acknowledged one (whose
    // unsent chase went with the acknowledgement).
    f.clock.set(utc(2021, 1, 11, 7));
    f.engine.tick(utc(2021, 1, 11, 7)).await.expect("tick");
    let chases = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "ack_chase").count();
    assert_eq!(chases(kinds_about(&f, me.id).await), 0);
    assert_eq!(chases(kinds_about(&f, lead.id).await), 2);

    // The rest of the flow by the typed mutations.
    let member = app
        .token_for("user@me.ro", UserRole::Member, Some("ME"))
        .await;
    let coordinator = app
        .token_for("coord@anitp.ro", UserRole::Coordinator, Some("ANITP"))
        .await;
    let report = r#", indicatorValues: [{indicator: "Număr de campanii", value: 2}], narrative: "Dwie kampanie""#;
    let t = typed(&app, &member, "startTask", &as_value(&me), "").await;
    assert_eq!(t["state"], "w_toku");
    let t = typed(&app, &member, "submitReport", &t, report).await;
    assert_eq!(t["state"], "przekazane");
    let reason = "Brak danych z drugiego powiatu";
    let t = typed(
        &app,
        &coordinator,
        "returnTask",
        &t,
        &format!(r#", reason: "{reason}""#),
    )
    .await;
    assert_eq!(t["state"], "w_toku");
    // The return is mailed with its reason, found through the transition playing `return`.
    let outbox = tempfile::tempdir().expect("outbox");
    let sender = Sender {
        transport: Transport::files(outbox.path()).expect("transport"),
        renderer: Renderer::builtin().expect("renderer"),
        settings: MailSettings {
            from: "mandate@mandate.test".parse().expect("from"),
            public_url: "https://mandate.test".into(),
        },
        lease: Duration::from_secs(60),
        max_attempts: 3,
        parallel: 4,
    };
    f.engine.send_outbox(&sender, 100).await.expect("send");
    let mut returned = Vec::new();
    for entry in std::fs::read_dir(outbox.path()).expect("outbox") {
        use mailparse::MailHeaderMap;
        let raw = std::fs::read(entry.expect("file").path()).expect("message");
        let mail = mailparse::parse_mail(&raw).expect("parsed");
        if mail.headers.get_first_value("X-Mandate-Kind").as_deref() == Some("returned") {
            returned.push(mail.subparts[0].get_body().expect("text"));
        }
    }
    assert_eq!(returned.len(), 1);
    assert!(returned[0].contains(reason), "{}", returned[0]);
    let t = typed(&app, &member, "submitReport", &t, report).await;
    let t = typed(&app, &coordinator, "approveTask", &t, "").await;
    assert_eq!(
        (&t["state"], &t["version"]),
        (&json!("zatwierdzone"), &json!(7))
    );
    let history: Vec<String> = f
        .engine
        .task_history(&f.admin, me.id)
        .await
        .expect("history")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        history,
        [
            "task_opened",
            "przyjmij",
            "rozpocznij",
            "przekaz",
            "zwroc",
            "przekaz",
            "zatwierdz"
        ]
    );
    let period = &f.engine.period_completion(&f.admin, me.period_id).await;
    let period = period.as_ref().expect("completion");
    assert_eq!(period.signed_off, vec![f.responsible.id]);

    // Decline and cancel likewise.
    let partner = f.task_of(&f.partners[0]).await;
    let p1 = app
        .token_for("user@ong.ro", UserRole::Member, Some("ONG"))
        .await;
    let t = typed(
        &app,
        &p1,
        "declineTask",
        &as_value(&partner),
        r#", reason: "Poza zakresem""#,
    )
    .await;
    assert_eq!(t["state"], "odrzucone");
    let other = f.task_of(&f.partners[1]).await;
    let t = typed(
        &app,
        &coordinator,
        "cancelTask",
        &as_value(&other),
        r#", reason: "Zmiana planu""#,
    )
    .await;
    assert_eq!(t["state"], "anulowane");

    // The return and the sign-off were told to the institution.
    assert!(
        kinds_about(&f, me.id)
            .await
            .ends_with(&["returned".to_owned(), "approved".to_owned()]),
        "{:?}",
        kinds_about(&f, me.id).await
    );
}

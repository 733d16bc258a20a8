//! A message is checked against its task as the task is when the message is sent: "new task" for
//! a task already acknowledged or cancelled by a reassignment, "returned" for a report already
//! resubmitted, are dropped and recorded as such — never sent. On SQLite and PostgreSQL, to a real
//! SMTP server on 127.0.0.1.

mod smtp;
mod support;

use std::collections::BTreeMap;

use mandate_engine::entity::{notification, task};
use mandate_engine::plans::AssignmentChange;
use mandate_engine::tasks::{Fire, ReportInput};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use smtp::SmtpServer;
use support::{Fixture, TestDb};

on_both_databases!(messages_that_no_longer_hold_are_dropped_not_sent);

async fn fire(
    f: &Fixture,
    actor: &mandate_engine::Actor,
    t: &task::Model,
    name: &str,
) -> task::Model {
    let mut request = Fire::new(t.id, t.version, name);
    match name {
        "return" => request = request.reason("Completați numărul de beneficiari"),
        "submit" => {
            request = request.report(ReportInput {
                narrative: "Raport".into(),
                ..Default::default()
            })
        }
        _ => {}
    }
    f.engine.fire(actor, request).await.expect(name)
}

/// The `X-Mandate-Kind` and thread (task id) of each received message, by recipient.
fn received(server: &SmtpServer) -> Vec<(String, String, i64)> {
    use mailparse::MailHeaderMap;
    server
        .received()
        .iter()
        .map(|m| {
            let parsed = mailparse::parse_mail(&m.raw).expect("a message");
            let kind = parsed
                .headers
                .get_first_value("X-Mandate-Kind")
                .unwrap_or_default();
            let thread = parsed
                .headers
                .get_first_value("In-Reply-To")
                .unwrap_or_default();
            let task = thread
                .trim_start_matches("<task-")
                .split('@')
                .next()
                .and_then(|id| id.parse().ok())
                .unwrap_or(0);
            (m.to.join(","), kind, task)
        })
        .collect()
}

async fn messages_that_no_longer_hold_are_dropped_not_sent(db: TestDb) {
    let f = Fixture::new(&db).await;
    let [kept_partner, removed_partner] = f.partners.clone();

    // The action loses a partner: its pending tasks are cancelled before any mail went out.
    let assigned = f
        .engine
        .assign_action(
            &f.coordinator,
            f.action.id,
            AssignmentChange {
                partners: Some(vec![kept_partner.code.clone()]),
                ..Default::default()
            },
        )
        .await
        .expect("reassigned");
    assert!(!assigned.cancelled.is_empty());
    assert!(
        assigned
            .cancelled
            .iter()
            .all(|t| t.institution_id == removed_partner.id)
    );

    // The lead acknowledges its first task before its "new task" mail is sent.
    let lead_task = f.task_of(&f.lead).await;
    let acknowledged = fire(&f, &f.member(&f.lead), &lead_task, "acknowledge").await;

    // A report is returned, then resubmitted before the "returned" mail is sent.
    let member = f.member(&f.responsible);
    let mut t = f.task_of(&f.responsible).await;
    for step in ["acknowledge", "start", "submit"] {
        t = fire(&f, &member, &t, step).await;
    }
    t = fire(&f, &f.coordinator, &t, "return").await;
    let resubmitted = fire(&f, &member, &t, "submit").await;

    let outbox = notification::Entity::find().all(&f.db).await.expect("rows");
    let stale: BTreeMap<i64, (String, i64)> = outbox
        .iter()
        .filter(|n| {
            let cancelled = assigned.cancelled.iter().any(|c| Some(c.id) == n.task_id);
            let acknowledged_mail = n.kind == "assigned" && n.task_id == Some(acknowledged.id);
            let answered = n.task_id == Some(resubmitted.id) && n.kind != "approved";
            cancelled || acknowledged_mail || answered
        })
        .map(|n| (n.id, (n.kind.clone(), n.task_id.unwrap_or(0))))
        .collect();
    assert!(
        stale.values().any(|(k, _)| k == "returned"),
        "a 'returned' row was written: {outbox:#?}"
    );
    assert!(stale.values().filter(|(k, _)| k == "assigned").count() >= 3);

    let server = SmtpServer::start();
    let summary = f
        .engine
        .send_outbox(
            &smtp::sender(server.port, "Mandate <mandate@mandate.test>", 3),
            20,
        )
        .await
        .expect("sent");
    assert_eq!(summary.dropped as usize, stale.len(), "{summary:?}");
    assert_eq!(
        summary.sent as usize,
        outbox.len() - stale.len(),
        "{summary:?}"
    );

    let got = received(&server);
    assert_eq!(got.len(), outbox.len() - stale.len());
    for (to, kind, task) in &got {
        assert!(
            !stale.values().any(|(k, t)| k == kind && t == task),
            "{kind} about task {task} went to {to} though it no longer holds"
        );
    }
    let removed_address = format!("{}@example.ro", removed_partner.code.to_lowercase());
    assert!(
        got.iter().all(|(to, _, _)| !to.contains(&removed_address)),
        "the removed partner heard nothing: {got:?}"
    );
    // Each dropped row says why, with the task's state.
    let dropped = notification::Entity::find()
        .filter(notification::Column::Status.eq("dropped"))
        .all(&f.db)
        .await
        .expect("rows");
    assert_eq!(dropped.len(), stale.len());
    for row in &dropped {
        let why = row.last_error.clone().unwrap_or_default();
        let expected = if assigned.cancelled.iter().any(|c| Some(c.id) == row.task_id) {
            "the task is now `cancelled`"
        } else if row.task_id == Some(acknowledged.id) {
            "the task is now `acknowledged`"
        } else {
            "the task is now `submitted`"
        };
        assert!(why.contains(expected), "{} row {}: {why}", row.kind, row.id);
    }
}

//! Reminders delivered to a real SMTP server on 127.0.0.1, on SQLite and PostgreSQL: content,
//! language and headers; retries while the server is down; permanent refusals; a sender that died
//! holding a claim; two senders sharing the outbox.

mod smtp;
mod support;

use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use mandate_engine::domain::EmailAddress;
use mandate_engine::entity::notification;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use smtp::{SmtpServer, dead_port};
use support::{Fixture, TestDb};

/// The sender address, with ANITP's display name.
const FROM: &str = "Mandate ANITP <mandate@mandate.test>";

on_both_databases!(
    reminders_reach_smtp_once_with_retries_and_refusals,
    two_senders_share_the_outbox_without_sending_twice,
);

async fn rows(f: &Fixture) -> Vec<notification::Model> {
    notification::Entity::find().all(&f.db).await.expect("rows")
}

fn header(message: &mailparse::ParsedMail<'_>, name: &str) -> String {
    use mailparse::MailHeaderMap;
    message.headers.get_first_value(name).unwrap_or_default()
}

async fn reminders_reach_smtp_once_with_retries_and_refusals(db: TestDb) {
    let f = Fixture::new(&db).await;
    let ong = ["ong@example.ro", "reject@example.ro"].map(|a| EmailAddress::parse(a).unwrap());
    f.engine
        .set_institution_emails(&f.admin, "ONG", &ong)
        .await
        .unwrap();
    // Monday 31 May 2021, 10:00 in Bucharest: 30 days before the first half-year's end.
    let at = Utc.with_ymd_and_hms(2021, 5, 31, 7, 0, 0).unwrap();
    f.clock.set(at);
    f.engine.tick(at).await.unwrap();
    let all = rows(&f).await;
    let refused = all
        .iter()
        .filter(|r| r.recipient.starts_with("reject"))
        .count();
    assert!(
        refused >= 2,
        "ONG's second address gets reminders and chases"
    );
    let deliverable = all.len() - refused;

    // The server is down: everything waits for another try, which uses up no attempt.
    let down = f
        .engine
        .send_outbox(&smtp::sender(dead_port(), FROM, 5), 10)
        .await
        .unwrap();
    assert_eq!(
        (down.sent, down.retried, down.failed),
        (0, all.len() as u64, 0)
    );
    for row in rows(&f).await {
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 0));
        // A quarter of its age (30 s for what this tick wrote), at most an hour, +20 %.
        let age = (at - row.created_at).num_seconds() as f64;
        let most = chrono::Duration::seconds(((age / 4.0).clamp(30.0, 3600.0) * 1.2) as i64);
        assert!(
            row.next_attempt_at > at && row.next_attempt_at <= at + most,
            "{row:?}"
        );
        assert!(row.last_error.is_some());
    }
    assert_eq!(
        f.engine
            .send_outbox(&smtp::sender(dead_port(), FROM, 5), 10)
            .await
            .unwrap()
            .retried,
        0,
        "backing off"
    );

    // It is back. One message was claimed by a sender that then died; its lease still runs.
    let server = SmtpServer::start();
    let later = at + chrono::Duration::hours(2);
    f.clock.set(later);
    let orphan = all
        .iter()
        .find(|r| r.kind == "reminder" && r.recipient == "igpr@example.ro")
        .unwrap();
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value("sending"))
        .col_expr(
            notification::Column::ClaimedUntil,
            Expr::value(Some(later + chrono::Duration::minutes(5))),
        )
        .filter(notification::Column::Id.eq(orphan.id))
        .exec(&f.db)
        .await
        .unwrap();
    let up = f
        .engine
        .send_outbox(&smtp::sender(server.port, FROM, 5), 10)
        .await
        .unwrap();
    assert_eq!(
        (up.sent as usize, up.failed as usize),
        (deliverable - 1, refused)
    );
    f.clock.advance(chrono::Duration::minutes(10));
    let rest = f
        .engine
        .send_outbox(&smtp::sender(server.port, FROM, 5), 10)
        .await
        .unwrap();
    assert_eq!(
        (rest.sent, rest.failed, rest.retried),
        (1, 0, 0),
        "the orphan, once its lease ran out"
    );
    assert_eq!(
        f.engine
            .send_outbox(&smtp::sender(server.port, FROM, 5), 10)
            .await
            .unwrap(),
        Default::default()
    );

    let received = server.received();
    assert_eq!(received.len(), deliverable);
    let mut ids = BTreeSet::new();
    for message in &received {
        let parsed = mailparse::parse_mail(&message.raw).unwrap();
        assert!(
            ids.insert(header(&parsed, "Message-ID")),
            "a message arrived twice"
        );
        assert_eq!(message.to.len(), 1);
    }
    for row in rows(&f).await {
        match row.recipient.as_str() {
            r if r.starts_with("reject") => {
                assert_eq!(row.status, "failed");
                assert!(
                    row.last_error
                        .as_deref()
                        .unwrap_or_default()
                        .contains("550"),
                    "{row:?}"
                );
            }
            _ => assert_eq!(row.status, "sent", "{row:?}"),
        }
    }

    // The lead's reminder, as its recipient reads it.
    let reminder = received
        .iter()
        .map(|m| (m, mailparse::parse_mail(&m.raw).unwrap()))
        .find(|(m, p)| m.to == ["igpr@example.ro"] && header(p, "X-Mandate-Kind") == "reminder")
        .map(|(_, p)| p)
        .expect("IGPR's reminder");
    let task = f.task_of(&f.lead).await;
    assert_eq!(header(&reminder, "To"), "igpr@example.ro");
    assert_eq!(
        header(&reminder, "From"),
        "\"Mandate ANITP\" <mandate@mandate.test>"
    );
    let subject = header(&reminder, "Subject");
    assert!(
        subject.starts_with("Reamintire")
            && subject.contains("1.1")
            && subject.contains("30.06.2021"),
        "{subject}"
    );
    assert_eq!(
        header(&reminder, "In-Reply-To"),
        format!("<task-{}@mandate.test>", task.id)
    );
    assert_eq!(
        header(&reminder, "References"),
        format!("<task-{}@mandate.test>", task.id)
    );
    assert_eq!(
        header(&reminder, "List-Unsubscribe"),
        "<https://mandate.test/notifications/IGPR>"
    );
    let sent_at = DateTime::parse_from_rfc2822(&header(&reminder, "Date")).unwrap();
    // It was the orphan: sent once its lease ran out, ten minutes later.
    assert_eq!(
        sent_at.with_timezone(&Utc),
        later + chrono::Duration::minutes(10),
        "dated by the engine's clock"
    );
    assert_eq!(reminder.ctype.mimetype, "multipart/alternative");
    let text = reminder.subparts[0].get_body().unwrap();
    let html = reminder.subparts[1].get_body().unwrap();
    assert_eq!(reminder.subparts[1].ctype.mimetype, "text/html");
    // The task is still pending: the reminder carries its acknowledge link.
    assert!(text.contains("https://mandate.test/ack/"), "{text}");
    // (The HTML part escapes `/` in attributes as `&#x2f;`, which browsers read as `/`.)
    let html_links = html.replace("&#x2f;", "/");
    assert!(
        html_links.contains("href=\"https://mandate.test/ack/"),
        "{html}"
    );
    for expected in [
        "Campanii de informare",
        "Număr de campanii",
        "30.06.2021",
        "Termen de realizare",
    ] {
        assert!(
            text.contains(expected) && html.contains(expected),
            "{expected} in\n{text}"
        );
    }
}

async fn two_senders_share_the_outbox_without_sending_twice(db: TestDb) {
    let f = Fixture::new(&db).await;
    // Late January 2022: everything is overdue, escalated, and was chased.
    let at = Utc.with_ymd_and_hms(2022, 1, 31, 8, 0, 0).unwrap();
    f.clock.set(at);
    f.engine.tick(at).await.unwrap();
    let total = rows(&f).await.len();
    assert!(total >= 20, "{total}");
    let server = SmtpServer::start();
    let (one, two) = (
        smtp::sender(server.port, FROM, 5),
        smtp::sender(server.port, FROM, 5),
    );
    let (a, b) = tokio::join!(f.engine.send_outbox(&one, 3), f.engine.send_outbox(&two, 3));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.sent + b.sent) as usize, total);
    let received = server.received();
    assert_eq!(received.len(), total);
    let ids: BTreeSet<String> = received
        .iter()
        .map(|m| header(&mailparse::parse_mail(&m.raw).unwrap(), "Message-ID"))
        .collect();
    assert_eq!(ids.len(), total, "no message sent twice");
}

//! Each open task carries the instant of its next reminder, and a scheduler pass looks only at
//! the tasks whose instant has come: a change to what a task's reminders depend on moves the
//! instant, a policy change reaches every task of the plans that use it, and tasks that were
//! never planned (a database from before) are planned by the first pass.

mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use mandate_engine::deadline::Period;
use mandate_engine::entity::{notification, setting, task};
use mandate_engine::notifications::TickSummary;
use mandate_engine::notifications::reminders::policy::InstitutionSettings;
use mandate_engine::notifications::reminders::{Delivery, ReminderPolicies};
use mandate_engine::tasks::Fire;
use mandate_engine::{Engine, plans::plan_file};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use support::{Fixture, TestDb, date};

on_both_databases!(
    a_change_moves_the_next_reminder_of_the_task,
    a_policy_change_reaches_every_task_of_the_plans_using_it,
    tasks_never_planned_are_planned_by_the_first_pass,
);

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("instant")
        .with_timezone(&Utc)
}

async fn next_of(f: &Fixture, task_id: i64) -> Option<DateTime<Utc>> {
    task::Entity::find_by_id(task_id)
        .one(&f.db)
        .await
        .expect("read")
        .expect("task")
        .next_reminder_at
}

async fn tick(engine: &Engine, f: &Fixture, at: &str) -> TickSummary {
    let at = utc(at);
    f.clock.set(at);
    let summary = engine.tick(at).await.expect("tick");
    assert!(!summary.skipped, "{summary:?}");
    summary
}

/// The outbox rows of `kind`, as `institution-code@slot`.
async fn rows(f: &Fixture, kind: &str) -> Vec<String> {
    let mut found: Vec<String> = notification::Entity::find()
        .filter(notification::Column::Kind.eq(kind))
        .all(&f.db)
        .await
        .expect("outbox")
        .into_iter()
        .map(|n| format!("{}@{}", n.recipient, n.slot_at.to_rfc3339()))
        .collect();
    found.sort();
    found
}

async fn a_change_moves_the_next_reminder_of_the_task(db: TestDb) {
    let f = Fixture::new(&db).await;
    let lead = f.task_of(&f.lead).await;
    let me = f.task_of(&f.responsible).await;
    // Created on Friday 1 January 2021 (a holiday), pending: first chased on Monday 4 January
    // at 08:00 in Bucharest.
    let first = tick(&f.engine, &f, "2021-01-01T07:00:00Z").await;
    assert_eq!((first.planned, first.tasks, first.written), (8, 0, 0));
    for t in task::Entity::find().all(&f.db).await.unwrap() {
        assert_eq!(
            t.next_reminder_at,
            Some(utc("2021-01-04T06:00:00Z")),
            "{t:?}"
        );
    }
    // Nothing has come: the pass looks at nothing.
    let quiet = tick(&f.engine, &f, "2021-01-02T07:00:00Z").await;
    assert_eq!((quiet.planned, quiet.tasks, quiet.written), (0, 0, 0));
    let chased = tick(&f.engine, &f, "2021-01-04T07:00:00Z").await;
    assert_eq!((chased.tasks, chased.written), (8, 8));
    assert_eq!(
        next_of(&f, lead.id).await,
        Some(utc("2021-01-11T06:00:00Z"))
    );

    // The state: acknowledged, the lead's task is chased no more; its next reminder is the one
    // 30 days before its due date (Monday 31 May, summer time).
    f.clock.set(utc("2021-01-04T10:00:00Z"));
    let member = f.member(&f.lead);
    f.engine
        .fire(&member, Fire::new(lead.id, lead.version, "acknowledge"))
        .await
        .unwrap();
    let after_ack = tick(&f.engine, &f, "2021-01-04T10:00:00Z").await;
    assert_eq!((after_ack.tasks, after_ack.written), (1, 0));
    assert_eq!(
        next_of(&f, lead.id).await,
        Some(utc("2021-05-31T05:00:00Z"))
    );

    // The due date: the first half-year's reports are now due on 30 September; 30 days before
    // is Tuesday 31 August.
    f.clock.set(utc("2021-01-04T10:30:00Z"));
    let tz = chrono_tz::Europe::Bucharest;
    let moved = Period {
        start: date(2021, 1, 1),
        end: date(2021, 6, 30),
        due: tz
            .with_ymd_and_hms(2021, 9, 30, 23, 59, 59)
            .unwrap()
            .with_timezone(&Utc),
    };
    f.engine
        .open_periods(&f.coordinator, f.action.id, &[moved])
        .await
        .unwrap();
    tick(&f.engine, &f, "2021-01-04T10:30:00Z").await;
    assert_eq!(
        next_of(&f, lead.id).await,
        Some(utc("2021-08-31T05:00:00Z"))
    );
    assert_eq!(next_of(&f, me.id).await, Some(utc("2021-01-11T06:00:00Z")));

    // The institution's delivery settings: ME now reads one digest a day, at 14:00. Planned in
    // the same transaction: no pass has run, and ME's tasks are chased at 14:00 from today.
    f.clock.set(utc("2021-01-04T11:00:00Z"));
    f.engine
        .set_notification_settings(
            &f.admin,
            &f.responsible.code,
            InstitutionSettings {
                delivery: Some(Delivery::DailyDigest),
                send_at: NaiveTime::from_hms_opt(14, 0, 0),
            },
        )
        .await
        .unwrap();
    assert_eq!(next_of(&f, me.id).await, Some(utc("2021-01-04T12:00:00Z")));
    assert_eq!(
        next_of(&f, lead.id).await,
        Some(utc("2021-08-31T05:00:00Z"))
    );
    let digest = tick(&f.engine, &f, "2021-01-04T12:00:00Z").await;
    assert_eq!(
        (digest.tasks, digest.written),
        (2, 1),
        "ME's two tasks, one digest"
    );
    assert_eq!(
        rows(&f, "digest").await,
        ["me@example.ro@2021-01-04T12:00:00+00:00"]
    );
    // Still owed its chase, a digest reader is looked at again at tomorrow's digest.
    assert_eq!(next_of(&f, me.id).await, Some(utc("2021-01-05T12:00:00Z")));
    let next_day = tick(&f.engine, &f, "2021-01-05T12:00:00Z").await;
    assert_eq!((next_day.tasks, next_day.written), (2, 1));
}

async fn a_policy_change_reaches_every_task_of_the_plans_using_it(db: TestDb) {
    let f = Fixture::new(&db).await;
    let source = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");
    let draft = plan_file::parse(source, "pna.yaml", None, f.engine.lifecycles()).unwrap();
    f.engine.import_plan(&f.admin, &draft, false).await.unwrap();
    let open = task::Entity::find().all(&f.db).await.unwrap().len() as u64;
    assert_eq!(open, 8 + 520);
    let first = tick(&f.engine, &f, "2021-01-01T07:00:00Z").await;
    // The import planned its plan's tasks; the fixture's plan is planned by the first pass.
    assert_eq!(first.planned, 8);
    let before: BTreeMap<i64, Option<DateTime<Utc>>> = task::Entity::find()
        .all(&f.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.next_reminder_at))
        .collect();
    assert!(before.values().all(Option::is_some));

    // The default policy, edited: reminders go out at 09:00 instead of 08:00.
    let dir = tempfile::tempdir().unwrap();
    let builtin = include_str!("../../workflows/reminders/default.yaml");
    let edited = builtin.replace("send_at: \"08:00\"", "send_at: \"09:00\"");
    assert_ne!(edited, builtin);
    std::fs::write(dir.path().join("default.yaml"), edited).unwrap();
    let engine = f
        .engine
        .clone()
        .with_reminder_policies(ReminderPolicies::with_dir(dir.path()).unwrap());
    let changed = tick(&engine, &f, "2021-01-01T08:00:00Z").await;
    assert_eq!(changed.planned, open, "{changed:?}");
    for t in task::Entity::find().all(&f.db).await.unwrap() {
        let was = before[&t.id].unwrap();
        assert_eq!(
            t.next_reminder_at,
            Some(was + chrono::Duration::hours(1)),
            "{t:?}"
        );
    }
    // Planned once: the next pass with the same policy plans nothing.
    let again = tick(&engine, &f, "2021-01-01T09:00:00Z").await;
    assert_eq!((again.planned, again.tasks), (0, 0));
}

async fn tasks_never_planned_are_planned_by_the_first_pass(db: TestDb) {
    let f = Fixture::new(&db).await;
    // As a database migrated from before the column: no instant, nothing planned.
    task::Entity::update_many()
        .col_expr(
            task::Column::NextReminderAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .exec(&f.db)
        .await
        .unwrap();
    setting::Entity::delete_many()
        .filter(setting::Column::Name.starts_with("scheduler."))
        .exec(&f.db)
        .await
        .unwrap();
    let first = tick(&f.engine, &f, "2021-01-04T07:00:00Z").await;
    assert_eq!((first.planned, first.tasks, first.written), (8, 8, 8));
    assert_eq!(rows(&f, "ack_chase").await.len(), 8);
    for t in task::Entity::find().all(&f.db).await.unwrap() {
        assert_eq!(
            t.next_reminder_at,
            Some(utc("2021-01-11T06:00:00Z")),
            "{t:?}"
        );
    }
}

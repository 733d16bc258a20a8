//! The scheduler over a whole plan year, on SQLite and PostgreSQL: the outbox holds exactly the
//! reminders the policy calls for, each once, however many times the scheduler runs.

mod support;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use mandate_engine::entity::{institution, notification, task};
use mandate_engine::mail::{MailSettings, Renderer, Transport};
use mandate_engine::notifications::Sender;
use mandate_engine::notifications::reminders::Calendar;
use mandate_engine::reads::TaskFilter;
use mandate_engine::tasks::{Fire, ReportInput};
use sea_orm::EntityTrait;
use serde_json::json;
use support::{Fixture, TestDb, date};

on_both_databases!(
    a_year_of_daily_ticks_writes_each_reminder_once,
    the_anti_trafficking_plan_over_its_two_years,
    concurrent_ticks_write_nothing_twice,
    replicas_on_one_database_tick_one_at_a_time,
    a_plan_follows_the_policy_it_names,
);

/// What happens to a task during the year, for the model.
#[derive(Debug, Clone, Copy)]
struct Story {
    due: NaiveDate,
    /// The day it was acknowledged (at noon, after that day's tick).
    acknowledged: Option<NaiveDate>,
    /// The day it closed (at noon, after that day's tick).
    closed: Option<NaiveDate>,
}

/// The default policy, day by day: which reminders the scheduler owes a task on `day`, written
/// out from the policy's words (30 and 7 days and 1 working day before, on the day, every 7 days
/// from the day after, a chase every 7 days from 3 days after creation while unacknowledged and
/// not yet due, an escalation 14 days after), each moved onto a working day.
fn owed(story: Story, created: NaiveDate, day: NaiveDate) -> Vec<&'static str> {
    let ro = Calendar::Romania;
    let back = |d: NaiveDate, n: u64| ro.working_day_on_or_before(d - Days::new(n)).unwrap();
    let on = |d: NaiveDate| ro.working_day_on_or_after(d).unwrap();
    let every_7 = |from: NaiveDate| (0..120u64).map(move |k| on(from + Days::new(7 * k)));
    let open = story.closed.is_none_or(|c| day <= c);
    let unacknowledged = story.acknowledged.is_none_or(|a| day <= a) && open;
    let d = story.due;
    let mut kinds = Vec::new();
    if !open {
        return kinds;
    }
    let before = [back(d, 30), back(d, 7), ro.add_working_days(d, -1).unwrap()];
    if day < d && before.contains(&day) {
        kinds.push("reminder");
    }
    if day == d {
        kinds.push("due_today");
    }
    if day > d && every_7(d + Days::new(1)).any(|x| x == day) {
        kinds.push("overdue");
    }
    if day == on(d + Days::new(14)) {
        kinds.push("escalation");
    }
    if unacknowledged && day <= d && every_7(created + Days::new(3)).any(|x| x == day) {
        kinds.push("ack_chase");
    }
    kinds
}

fn file_sender(dir: &std::path::Path) -> Sender {
    Sender {
        transport: Transport::files(dir).expect("outbox folder"),
        renderer: Renderer::builtin().expect("templates"),
        settings: MailSettings {
            from: "Mandate <mandate@mandate.test>".parse().expect("address"),
            public_url: "https://mandate.test".into(),
        },
        lease: std::time::Duration::from_secs(300),
        max_attempts: 5,
        parallel: 4,
    }
}

fn noon(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(10, 0, 0).unwrap())
}

fn report() -> ReportInput {
    ReportInput {
        indicator_values: [("Număr de campanii".to_owned(), json!(4))]
            .into_iter()
            .collect(),
        narrative: "Patru campanii".into(),
        evidence: vec![],
    }
}

async fn version(f: &Fixture, task_id: i64) -> i64 {
    task::Entity::find_by_id(task_id)
        .one(&f.db)
        .await
        .expect("read")
        .expect("task")
        .version
}

/// The fixture's tasks of `institution`, first period first.
async fn tasks_of(f: &Fixture, institution: i64) -> Vec<task::Model> {
    let filter = TaskFilter {
        institution_id: Some(institution),
        plan_id: Some(f.plan.id),
        ..Default::default()
    };
    f.engine
        .tasks(&f.admin, &filter, None, 10)
        .await
        .expect("tasks")
}

async fn a_year_of_daily_ticks_writes_each_reminder_once(db: TestDb) {
    let f = Fixture::new(&db).await;
    let created = date(2021, 1, 1);
    let last = date(2022, 1, 31);
    let (h1_due, h2_due) = (date(2021, 6, 30), date(2021, 12, 31));
    let lead_h1 = tasks_of(&f, f.lead.id).await[0].clone();
    let me_h1 = tasks_of(&f, f.responsible.id).await[0].clone();
    let lead_member = f.member(&f.lead);
    let me_member = f.member(&f.responsible);

    let outbox = tempfile::tempdir().expect("folder");
    let sender = file_sender(outbox.path());
    let mut day = created;
    let mut last_written = 0;
    while day <= last {
        let at = Utc.from_utc_datetime(&day.and_hms_opt(7, 0, 0).unwrap());
        f.clock.set(at);
        last_written = f.engine.tick(at).await.expect("tick").written;
        let sent = f.engine.send_outbox(&sender, 50).await.expect("send");
        assert_eq!((sent.failed, sent.retried), (0, 0), "on {day}");
        f.clock.set(noon(day));
        match (day.to_string().as_str(), ()) {
            ("2021-01-11", ()) => {
                let v = version(&f, lead_h1.id).await;
                f.engine
                    .fire(&lead_member, Fire::new(lead_h1.id, v, "acknowledge"))
                    .await
                    .unwrap();
            }
            ("2021-02-01", ()) => {
                let v = version(&f, me_h1.id).await;
                let decline = Fire::new(me_h1.id, v, "decline").reason("Nu avem buget");
                f.engine.fire(&me_member, decline).await.unwrap();
            }
            ("2021-06-10", ()) => {
                let v = version(&f, lead_h1.id).await;
                f.engine
                    .fire(&lead_member, Fire::new(lead_h1.id, v, "start"))
                    .await
                    .unwrap();
                let submit = Fire::new(lead_h1.id, v + 1, "submit").report(report());
                f.engine.fire(&lead_member, submit).await.unwrap();
            }
            ("2021-06-12", ()) => {
                let v = version(&f, lead_h1.id).await;
                f.engine
                    .fire(&f.coordinator, Fire::new(lead_h1.id, v, "approve"))
                    .await
                    .unwrap();
            }
            _ => {}
        }
        day = day + Days::new(1);
    }
    // The last day's tick again, as a second replica would: nothing new.
    let at = Utc.from_utc_datetime(&last.and_hms_opt(7, 0, 0).unwrap());
    assert_eq!(f.engine.tick(at).await.unwrap().written, 0);
    assert!(
        last_written > 0,
        "the last day owed something (overdue reminders)"
    );

    // The model: every task's story, recipients by institution code.
    let institutions: BTreeMap<i64, institution::Model> = institution::Entity::find()
        .all(&f.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let code = |id: i64| institutions[&id].code.clone();
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut add =
        |who: String, kind: &str| *expected.entry((who, kind.to_owned())).or_default() += 1;
    for inst in [&f.lead, &f.responsible, &f.partners[0], &f.partners[1]] {
        for (i, t) in tasks_of(&f, inst.id).await.iter().enumerate() {
            add(inst.code.clone(), "assigned");
            let story = Story {
                due: if i == 0 { h1_due } else { h2_due },
                acknowledged: match t.id {
                    id if id == lead_h1.id => Some(date(2021, 1, 11)),
                    _ => None,
                },
                closed: match t.id {
                    id if id == lead_h1.id => Some(date(2021, 6, 12)),
                    id if id == me_h1.id => Some(date(2021, 2, 1)),
                    _ => None,
                },
            };
            let mut d = created;
            while d <= last {
                for kind in owed(story, created, d) {
                    if kind == "escalation" {
                        add(code(f.plan.owner_id), kind);
                        if let Some(parent) = inst.parent_id {
                            add(code(parent), kind);
                        }
                    } else {
                        add(inst.code.clone(), kind);
                    }
                }
                d = d + Days::new(1);
            }
        }
    }
    add(f.lead.code.clone(), "approved");

    let rows = notification::Entity::find().all(&f.db).await.unwrap();
    let mut actual: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in &rows {
        assert_eq!(row.status, "sent", "{row:?}");
        *actual
            .entry((code(row.institution_id), row.kind.clone()))
            .or_default() += 1;
        assert_eq!(
            row.recipient,
            format!("{}@example.ro", code(row.institution_id).to_lowercase())
        );
    }
    assert_eq!(actual, expected);
    let files = std::fs::read_dir(outbox.path()).unwrap().count();
    assert_eq!(files, rows.len(), "one .eml file per message");
    // Spot checks on the model itself, counted by hand: ONG's second-half task was chased every
    // Monday from 4 January to 27 December (52), and reminded three times before 31 December.
    assert_eq!(
        expected[&("ONG".to_owned(), "ack_chase".to_owned())],
        26 + 52
    );
    assert_eq!(expected[&("ONG".to_owned(), "reminder".to_owned())], 6);
    assert_eq!(
        expected[&("MAI".to_owned(), "escalation".to_owned())],
        1,
        "IGPR's second half, to its parent"
    );
}

async fn concurrent_ticks_write_nothing_twice(db: TestDb) {
    let f = Fixture::new(&db).await;
    let at = Utc.from_utc_datetime(&date(2021, 7, 20).and_hms_opt(7, 0, 0).unwrap());
    f.clock.set(at);
    let (a, b, c) = tokio::join!(f.engine.tick(at), f.engine.tick(at), f.engine.tick(at));
    let written: u64 = [a, b, c]
        .into_iter()
        .map(|r| r.expect("tick").written)
        .sum();
    let rows = notification::Entity::find().all(&f.db).await.unwrap();
    assert_eq!(
        written as usize + 8,
        rows.len(),
        "8 `assigned` rows were written at creation"
    );
    let before = rows.len();
    f.engine.tick(at).await.unwrap();
    assert_eq!(
        notification::Entity::find().all(&f.db).await.unwrap().len(),
        before
    );
}

/// Three engines, each with its own pool as a replica has, tick the anti-trafficking plan at
/// the same instant: one runs the pass and the two others skip it, whether they find it running
/// (PostgreSQL's advisory lock; on SQLite they queue on the write lock) or done. Each reminder is
/// written once.
async fn replicas_on_one_database_tick_one_at_a_time(db: TestDb) {
    use mandate_engine::tasks::lifecycle::Lifecycles;
    use mandate_engine::{Engine, ManualClock, db as database};

    let at = Utc.with_ymd_and_hms(2021, 7, 20, 7, 0, 0).unwrap();
    let replica = |conn| {
        Engine::new(
            conn,
            std::sync::Arc::new(ManualClock::new(at)),
            Lifecycles::builtin().unwrap(),
        )
    };
    let first = replica(db.db.clone());
    support::import_anti_trafficking_plan(&first, &db.db).await;
    let mut replicas = Vec::new();
    for _ in 0..3 {
        let conn = database::connect(&db.url).await.unwrap();
        conn.ping().await.unwrap();
        replicas.push(replica(conn));
    }
    let before = notification::Entity::find()
        .all(&db.db)
        .await
        .unwrap()
        .len();
    let (a, b, c) = tokio::join!(
        replicas[0].tick(at),
        replicas[1].tick(at),
        replicas[2].tick(at)
    );
    let summaries = [a, b, c].map(|r| r.expect("tick"));
    let skipped = summaries.iter().filter(|s| s.skipped).count();
    assert_eq!(skipped, 2, "{summaries:?}");
    assert!(
        summaries
            .iter()
            .filter(|s| s.skipped)
            .all(|s| s.written == 0 && s.tasks == 0)
    );
    let written: u64 = summaries.iter().map(|s| s.written).sum();
    assert!(written > 100, "{summaries:?}");
    let rows = notification::Entity::find()
        .all(&db.db)
        .await
        .unwrap()
        .len();
    assert_eq!(rows, before + written as usize);
    // The pass as of that instant is done; a later one finds nothing new owed.
    let again = first.tick(at).await.unwrap();
    assert!(again.skipped);
    let later = first.tick(at + chrono::Duration::minutes(1)).await.unwrap();
    assert_eq!((later.skipped, later.written), (false, 0));
}

/// The bundled anti-trafficking plan, ticked every day of 2021–2022 with some tasks acknowledged
/// and some signed off on the way (a sender that always succeeds marks each day's messages sent):
/// the outbox, per institution and kind, is what the day-by-day model owes.
async fn the_anti_trafficking_plan_over_its_two_years(db: TestDb) {
    use mandate_engine::domain::{Actor, EmailAddress, UserRole};
    use mandate_engine::tasks::lifecycle::Lifecycles;
    use mandate_engine::{Engine, ManualClock, plans::plan_file};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};

    let start = Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap();
    let clock = ManualClock::new(start);
    let engine = Engine::new(
        db.db.clone(),
        std::sync::Arc::new(clock.clone()),
        Lifecycles::builtin().unwrap(),
    );
    let source = include_str!("../../workflows/plans/pna-trafic-2021-2022.yaml");
    let draft = plan_file::parse(source, "pna.yaml", None, engine.lifecycles()).unwrap();
    let operator = Actor::operator();
    engine.import_plan(&operator, &draft, false).await.unwrap();
    let institutions: BTreeMap<i64, institution::Model> = institution::Entity::find()
        .all(&db.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    for i in institutions.values() {
        let address =
            EmailAddress::parse(&format!("{}@example.ro", i.code.to_lowercase())).unwrap();
        engine
            .set_institution_emails(&operator, &i.code, &[address])
            .await
            .unwrap();
    }
    let tasks = task::Entity::find().all(&db.db).await.unwrap();
    assert_eq!(tasks.len(), 520);
    let plan = mandate_engine::entity::plan::Entity::find()
        .one(&db.db)
        .await
        .unwrap()
        .unwrap();
    // Every 7th task is acknowledged on 15 February 2021; every 21st is also done and signed
    // off on 10 March 2021 (if due later).
    let acknowledged: Vec<&task::Model> = tasks.iter().step_by(7).collect();
    let closed: Vec<i64> = tasks
        .iter()
        .step_by(21)
        .filter(|t| t.due_at > Utc.with_ymd_and_hms(2021, 3, 11, 0, 0, 0).unwrap())
        .map(|t| t.id)
        .collect();
    let member = |t: &task::Model| Actor::user("m@x.ro", UserRole::Member, Some(t.institution_id));

    let (first, last) = (date(2021, 1, 1), date(2022, 12, 31));
    let mut day = first;
    while day <= last {
        let at = Utc.from_utc_datetime(&day.and_hms_opt(7, 0, 0).unwrap());
        clock.set(at);
        engine.tick(at).await.unwrap();
        notification::Entity::update_many()
            .col_expr(notification::Column::Status, Expr::value("sent"))
            .filter(notification::Column::Status.eq("pending"))
            .exec(&db.db)
            .await
            .unwrap();
        clock.set(noon(day));
        if day == date(2021, 2, 15) {
            for t in &acknowledged {
                let v = task::Entity::find_by_id(t.id)
                    .one(&db.db)
                    .await
                    .unwrap()
                    .unwrap()
                    .version;
                engine
                    .fire(&member(t), Fire::new(t.id, v, "acknowledge"))
                    .await
                    .unwrap();
            }
        }
        if day == date(2021, 3, 10) {
            for t in tasks.iter().filter(|t| closed.contains(&t.id)) {
                let mut v = task::Entity::find_by_id(t.id)
                    .one(&db.db)
                    .await
                    .unwrap()
                    .unwrap()
                    .version;
                for step in ["start", "submit"] {
                    let mut fire = Fire::new(t.id, v, step);
                    if step == "submit" {
                        fire = fire.report(ReportInput {
                            indicator_values: Default::default(),
                            narrative: "Realizat".into(),
                            evidence: vec![],
                        });
                    }
                    engine.fire(&member(t), fire).await.unwrap();
                    v += 1;
                }
                engine
                    .fire(&operator, Fire::new(t.id, v, "approve"))
                    .await
                    .unwrap();
            }
        }
        day = day + Days::new(1);
    }

    let code = |id: i64| institutions[&id].code.clone();
    let tz = chrono_tz::Europe::Bucharest;
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for t in &tasks {
        let story = Story {
            due: t.due_at.with_timezone(&tz).date_naive(),
            acknowledged: acknowledged
                .iter()
                .any(|a| a.id == t.id)
                .then_some(date(2021, 2, 15)),
            closed: closed.contains(&t.id).then_some(date(2021, 3, 10)),
        };
        let story = Story {
            // Signed off without an acknowledgement of its own: the start counts.
            acknowledged: story.acknowledged.or(story.closed),
            ..story
        };
        let mut d = first;
        while d <= last {
            for kind in owed(story, first, d) {
                let mut to = std::collections::BTreeSet::new();
                if kind == "escalation" {
                    to.insert(plan.owner_id);
                    to.extend(institutions[&t.institution_id].parent_id);
                } else {
                    to.insert(t.institution_id);
                }
                for id in to {
                    *expected.entry((code(id), kind.to_owned())).or_default() += 1;
                }
            }
            d = d + Days::new(1);
        }
        if closed.contains(&t.id) {
            *expected
                .entry((code(t.institution_id), "approved".to_owned()))
                .or_default() += 1;
        }
    }
    let mut actual: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in notification::Entity::find().all(&db.db).await.unwrap() {
        *actual
            .entry((code(row.institution_id), row.kind.clone()))
            .or_default() += 1;
    }
    // Approvals are written at sign-off and stay pending (this test's sender ran before them).
    assert_eq!(actual, expected);
    let total: usize = actual.values().sum();
    assert!(total > 10_000, "{total} messages over two years");
}

async fn a_plan_follows_the_policy_it_names(db: TestDb) {
    use mandate_engine::entity::plan;
    use mandate_engine::notifications::reminders::ReminderPolicies;
    use sea_orm::{ActiveModelTrait, Set};

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fortnight.yaml"),
        "name: fortnight\nsend_at: \"09:00\"\nbefore_due: [\"14 days\"]\ndelivery: immediate\n",
    )
    .unwrap();
    let f = Fixture::new(&db).await;
    let engine = f
        .engine
        .clone()
        .with_reminder_policies(ReminderPolicies::with_dir(dir.path()).unwrap());
    let mut model: plan::ActiveModel = f.plan.clone().into();
    model.reminder_policy = Set(Some("fortnight".into()));
    model.update(&f.db).await.unwrap();
    let kinds = async |at: chrono::DateTime<Utc>| {
        f.clock.set(at);
        engine.tick(at).await.unwrap();
        let mut kinds: Vec<String> = notification::Entity::find()
            .all(&f.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|n| n.kind != "assigned")
            .map(|n| format!("{}@{}", n.kind, n.slot_at.format("%m-%d %H:%M")))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    // Wednesday 16 June 2021, 14 days before the first half-year ends; 09:00 in Bucharest.
    assert_eq!(
        kinds(Utc.with_ymd_and_hms(2021, 6, 16, 7, 0, 0).unwrap()).await,
        ["reminder@06-16 06:00"]
    );
    // The default policy's 7-day reminder, chases and escalations are not in this one.
    let later = kinds(Utc.with_ymd_and_hms(2021, 7, 30, 7, 0, 0).unwrap()).await;
    assert_eq!(later, ["reminder@06-16 06:00"]);
    let bad = dir.path().join("broken.yaml");
    std::fs::write(&bad, "name: broken\nsend_at: \"9\"\ndelivery: immediate\n").unwrap();
    let e = ReminderPolicies::with_dir(dir.path()).unwrap_err();
    assert!(e.to_string().contains("broken.yaml:2:"), "{e}");
}

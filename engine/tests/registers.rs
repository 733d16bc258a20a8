//! Registers of cases: the petitions register of the Timișoara Local Police (seed 002) end to
//! end with hand-computed terms and reminder instants, its statistics on a hand-built set of
//! cases, beside the anti-trafficking plan in one engine, and located errors in a register file.

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use mandate_engine::Engine;
use mandate_engine::clock::ManualClock;
use mandate_engine::domain::{Actor, EmailAddress, UserRole};
use mandate_engine::entity::{event, institution, notification, task};
use mandate_engine::error::Error;
use mandate_engine::notifications::reminders::ReminderPolicies;
use mandate_engine::plans::plan_file;
use mandate_engine::registers::{NewCase, StatisticsRow};
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::tasks::{Fire, ReportInput};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use support::TestDb;

on_both_databases!(
    petition_end_to_end,
    statistics_per_department_and_month,
    plan_and_register_side_by_side,
);

const REGISTER: &str = "petitii-plt";

fn workflows(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows")
        .join(path)
}

fn lifecycles() -> Lifecycles {
    Lifecycles::with_dir(&workflows("lifecycles")).expect("lifecycles")
}

/// An instant given in Bucharest time.
fn bucharest(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Bucharest
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("instant")
}

struct Service {
    engine: Engine,
    clock: ManualClock,
    /// The head of the Communication, Prevention and Dispatch Service (the register's office).
    head: Actor,
}

impl Service {
    /// The engine with the bundled lifecycles and reminder policies, the register imported and
    /// every department given an address.
    async fn start(db: &TestDb, at: DateTime<Utc>) -> Self {
        let clock = ManualClock::new(at);
        let engine = Engine::new(db.db.clone(), Arc::new(clock.clone()), lifecycles())
            .with_reminder_policies(
                ReminderPolicies::with_dir(&workflows("reminders")).expect("policies"),
            );
        let draft = plan_file::load(
            &workflows("registers/politia-locala-timisoara-petitii.yaml"),
            engine.lifecycles(),
        )
        .unwrap_or_else(|p| panic!("register file: {p:?}"));
        let summary = engine
            .import_plan(&Actor::operator(), &draft, false)
            .await
            .expect("register imported");
        assert_eq!(summary.changes["departments"].created, 8, "{summary:?}");
        for code in [
            "PLT-SCPD-BCRP",
            "PLT-SCPD-BP",
            "PLT-SCPD-BD",
            "PLT-SOP",
            "PLT-SCR",
            "PLT-SDC",
            "PLT-SCC",
            "PLT-SPM",
        ] {
            let address = format!("{}@politialocalatm.example", code.to_lowercase());
            engine
                .set_institution_emails(
                    &Actor::operator(),
                    code,
                    &[EmailAddress::parse(&address).expect("address")],
                )
                .await
                .expect("emails");
        }
        let scpd = institution_id(db, "PLT-SCPD").await;
        Self {
            engine,
            clock,
            head: Actor::user(
                "sef.scpd@politialocalatm.example",
                UserRole::Coordinator,
                Some(scpd),
            ),
        }
    }

    async fn member(&self, db: &TestDb, code: &str) -> Actor {
        Actor::user(
            format!("{}@politialocalatm.example", code.to_lowercase()),
            UserRole::Member,
            Some(institution_id(db, code).await),
        )
    }

    /// Registers a case received at `received`, with the clock there.
    async fn case(&self, received: DateTime<Utc>, subject: &str) -> i64 {
        self.clock.set(received);
        self.engine
            .create_case(
                &self.head,
                NewCase {
                    register: REGISTER.into(),
                    received_at: received,
                    subject: subject.into(),
                    petitioner: Some("P-ref".into()),
                    registered_at: None,
                },
            )
            .await
            .expect("case registered")
            .action
            .id
    }

    async fn fire(
        &self,
        at: DateTime<Utc>,
        actor: &Actor,
        task: &task::Model,
        fire: Fire,
    ) -> task::Model {
        self.clock.set(at);
        let fire = Fire {
            version: task.version,
            task_id: task.id,
            ..fire
        };
        self.engine.fire(actor, fire).await.expect("fired")
    }

    /// The department starts, drafts the answer and the head signs and sends it, at `at` (a
    /// minute apart).
    async fn answer(
        &self,
        at: DateTime<Utc>,
        department: &Actor,
        task: task::Model,
    ) -> task::Model {
        let minute = chrono::Duration::minutes(1);
        let task = if task.state == "in_progress" {
            task
        } else {
            self.fire(at, department, &task, Fire::new(0, 0, "start"))
                .await
        };
        let report = ReportInput {
            narrative: "Răspuns: s-au luat măsurile legale.".into(),
            ..Default::default()
        };
        let task = self
            .fire(
                at + minute,
                department,
                &task,
                Fire::new(0, 0, "draft_answer").report(report),
            )
            .await;
        let task = self
            .fire(at + minute * 2, &self.head, &task, Fire::new(0, 0, "sign"))
            .await;
        self.fire(
            at + minute * 3,
            &self.head,
            &task,
            Fire::new(0, 0, "send_answer"),
        )
        .await
    }
}

async fn institution_id(db: &TestDb, code: &str) -> i64 {
    institution::Entity::find()
        .filter(institution::Column::Code.eq(code))
        .one(&db.db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("institution {code}"))
        .id
}

/// The reminders (kind, slot, recipient) written for `task`, oldest slot first.
async fn deadline_mail(db: &TestDb, task: i64) -> Vec<(String, DateTime<Utc>, String)> {
    notification::Entity::find()
        .filter(notification::Column::TaskId.eq(task))
        .filter(notification::Column::Kind.is_in(["reminder", "due_today", "overdue", "ack_chase"]))
        .order_by_asc(notification::Column::SlotAt)
        .all(&db.db)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| (n.kind, n.slot_at, n.recipient))
        .collect()
}

fn validation(e: Error) -> String {
    match e {
        Error::Validation { field, message } => format!("{field}: {message}"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A petition received on Friday 29 November 2024, the eve of two public holidays (Saturday
/// 30 November, St Andrew; Sunday 1 December, National Day), handled until its answer.
///
/// Hand-computed (Europe/Bucharest, UTC+2 all along; reminders at 08:00 local = 06:00Z):
/// - the term: 30 days from registration on Friday 29 November: day 1 is Saturday 30 November,
///   day 30 Sunday 29 December, not a working day, so it ends on Monday 30 December 2024 at
///   23:59:59 (21:59:59Z);
/// - reminders ahead of it (policy `petitions`: 7 days, 2 working days): Monday 23 December;
///   and two working days before Monday 30 December: Friday 27 (1), then Thursday 26 and
///   Wednesday 25 December are Christmas holidays, so Tuesday 24 December (2) — the holidays
///   shift this one by two days;
/// - the extension by 15 days from Monday 30 December: Tuesday 14 January 2025 (a working day),
///   23:59:59 (21:59:59Z);
/// - reminders re-planned: 7 days before Tuesday 14 January is Tuesday 7 January, St John's
///   day, a holiday; Monday 6 January (Epiphany) too, then the weekend: Friday 3 January 2025.
///   Two working days before: Monday 13 (1), Friday 10 January (2).
async fn petition_end_to_end(db: TestDb) {
    let s = Service::start(&db, bucharest(2024, 11, 29, 9, 0)).await;
    let bcrp = s.member(&db, "PLT-SCPD-BCRP").await;
    let scr = s.member(&db, "PLT-SCR").await;

    // Registered at 10:00 on Friday 29 November.
    let received = bucharest(2024, 11, 29, 9, 40);
    s.clock.set(bucharest(2024, 11, 29, 10, 0));
    let case = s
        .engine
        .create_case(
            &s.head,
            NewCase {
                register: REGISTER.into(),
                received_at: received,
                subject: "Autoturisme parcate pe trotuar, str. Paris nr. 3".into(),
                petitioner: Some("P-2024-0118".into()),
                registered_at: None,
            },
        )
        .await
        .expect("case");
    assert_eq!(case.number(), "1");
    assert_eq!(case.state(), "registered");
    assert_eq!(case.action.received_at, Some(received));
    assert_eq!(case.period.due_at, utc("2024-12-30T21:59:59Z"));
    assert_eq!(
        (
            case.period.start_date.to_string(),
            case.period.end_date.to_string()
        ),
        ("2024-11-29".into(), "2024-12-30".into())
    );
    // Only the office registers cases.
    let refused = s
        .engine
        .create_case(
            &bcrp,
            NewCase {
                register: REGISTER.into(),
                received_at: received,
                subject: "x".into(),
                petitioner: None,
                registered_at: None,
            },
        )
        .await;
    assert!(
        matches!(refused, Err(Error::NotFound { .. } | Error::Forbidden(_))),
        "{refused:?}"
    );

    // Routed at 11:00 to the public-relations bureau: its task, due at the end of the term.
    s.clock.set(bucharest(2024, 11, 29, 11, 0));
    let wrong = s
        .engine
        .route_case(&s.head, case.action.id, "PLT-XYZ")
        .await
        .expect_err("not a department");
    let message = validation(wrong);
    assert!(
        message.starts_with("department: `PLT-XYZ` is not a department of register `petitii-plt`"),
        "{message}"
    );
    assert!(message.contains("PLT-SCR"), "{message}");
    let routed = s
        .engine
        .route_case(&s.head, case.action.id, "PLT-SCPD-BCRP")
        .await
        .expect("routed");
    assert_eq!(routed.state, "routed");
    assert_eq!(
        routed.institution_id,
        institution_id(&db, "PLT-SCPD-BCRP").await
    );
    assert_eq!(routed.due_at, utc("2024-12-30T21:59:59Z"));
    let again = s
        .engine
        .route_case(&s.head, case.action.id, "PLT-SCPD-BCRP")
        .await;
    assert!(validation(again.expect_err("twice")).contains("already routed to PLT-SCPD-BCRP"));

    // Monday 2 December: the bureau forwards it to the road traffic service.
    let monday = bucharest(2024, 12, 2, 9, 0);
    s.clock.set(monday);
    let no_target = s
        .engine
        .fire(
            &bcrp,
            Fire::new(routed.id, routed.version, "forward").reason("competență"),
        )
        .await;
    assert_eq!(
        validation(no_target.expect_err("no target")),
        "target: `forward` needs a target institution"
    );
    let outside = s
        .engine
        .fire(
            &bcrp,
            Fire::new(routed.id, routed.version, "forward")
                .reason("competență")
                .target("PLT"),
        )
        .await;
    assert!(
        validation(outside.expect_err("not a department"))
            .starts_with("target: `PLT` is not an institution of register `petitii-plt`")
    );
    let start_with_target = s
        .engine
        .fire(
            &bcrp,
            Fire::new(routed.id, routed.version, "start").target("PLT-SCR"),
        )
        .await;
    assert_eq!(
        validation(start_with_target.expect_err("start takes none")),
        "target: `start` takes no target institution"
    );
    let forwarded = s
        .fire(
            monday,
            &bcrp,
            &routed,
            Fire::new(0, 0, "forward")
                .reason("Parcarea pe trotuar ține de Serviciul Circulație Rutieră")
                .target("PLT-SCR"),
        )
        .await;
    assert_eq!(forwarded.id, routed.id);
    assert_eq!(forwarded.state, "forwarded");
    assert_eq!(
        forwarded.institution_id,
        institution_id(&db, "PLT-SCR").await
    );
    assert_eq!(forwarded.due_at, utc("2024-12-30T21:59:59Z"));
    let forward_event = event::Entity::find()
        .filter(event::Column::TaskId.eq(routed.id))
        .filter(event::Column::Kind.eq("forward"))
        .one(&db.db)
        .await
        .expect("query")
        .expect("forward event");
    assert_eq!(forward_event.payload["from_institution"], "PLT-SCPD-BCRP");
    assert_eq!(forward_event.payload["to_institution"], "PLT-SCR");
    // The new department is told; the bureau no longer sees the task.
    let assigned: Vec<String> = notification::Entity::find()
        .filter(notification::Column::TaskId.eq(routed.id))
        .filter(notification::Column::Kind.eq("assigned"))
        .order_by_asc(notification::Column::Id)
        .all(&db.db)
        .await
        .expect("notifications")
        .into_iter()
        .map(|n| n.recipient)
        .collect();
    assert_eq!(
        assigned,
        [
            "plt-scpd-bcrp@politialocalatm.example",
            "plt-scr@politialocalatm.example"
        ]
    );
    assert!(matches!(
        s.engine.case(&bcrp, case.action.id).await,
        Err(Error::NotFound { .. })
    ));

    let started = s
        .fire(
            bucharest(2024, 12, 3, 9, 0),
            &scr,
            &forwarded,
            Fire::new(0, 0, "start"),
        )
        .await;

    // Reminders before the extension.
    for day in [23, 24] {
        let at = bucharest(2024, 12, day, 8, 30);
        s.clock.set(at);
        s.engine.tick(at).await.expect("tick");
    }
    let scr_mail = "plt-scr@politialocalatm.example".to_owned();
    assert_eq!(
        deadline_mail(&db, started.id).await,
        [
            (
                "reminder".to_owned(),
                utc("2024-12-23T06:00:00Z"),
                scr_mail.clone()
            ),
            (
                "reminder".to_owned(),
                utc("2024-12-24T06:00:00Z"),
                scr_mail.clone()
            ),
        ]
    );

    // Friday 27 December: the head of the service extends the term, with a reason.
    let friday = bucharest(2024, 12, 27, 10, 0);
    s.clock.set(friday);
    let by_department = s
        .engine
        .fire(
            &scr,
            Fire::new(started.id, started.version, "extend").reason("verificări"),
        )
        .await;
    assert!(
        matches!(by_department, Err(Error::Forbidden(_))),
        "{by_department:?}"
    );
    let no_reason = s
        .engine
        .fire(&s.head, Fire::new(started.id, started.version, "extend"))
        .await;
    assert_eq!(
        validation(no_reason.expect_err("reason")),
        "reason: must not be empty"
    );
    let extended = s
        .fire(
            friday,
            &s.head,
            &started,
            Fire::new(0, 0, "extend")
                .reason("Necesită verificări în teren în perioada sărbătorilor"),
        )
        .await;
    assert_eq!(extended.state, "in_progress");
    assert_eq!(extended.due_at, utc("2025-01-14T21:59:59Z"));
    let extend_event = event::Entity::find()
        .filter(event::Column::TaskId.eq(started.id))
        .filter(event::Column::Kind.eq("extend"))
        .one(&db.db)
        .await
        .expect("query")
        .expect("extend event");
    assert_eq!(extend_event.payload["due_from"], "2024-12-30T21:59:59Z");
    assert_eq!(extend_event.payload["due_to"], "2025-01-14T21:59:59Z");
    assert_eq!(
        extend_event.comment.as_deref(),
        Some("Necesită verificări în teren în perioada sărbătorilor")
    );
    // The reminders of the old term that were not sent are dropped.
    assert!(deadline_mail(&db, started.id).await.is_empty());
    // Once only.
    let twice = s
        .engine
        .fire(
            &s.head,
            Fire::new(extended.id, extended.version, "extend").reason("încă o dată"),
        )
        .await;
    let message = validation(twice.expect_err("at most once"));
    assert!(
        message.contains("already extended (1 of at most 1"),
        "{message}"
    );

    // Past the old term: nothing due today, nothing overdue. Then the re-planned reminders.
    for at in [
        bucharest(2024, 12, 30, 9, 0),
        bucharest(2024, 12, 31, 9, 0),
        bucharest(2025, 1, 3, 8, 30),
        bucharest(2025, 1, 10, 8, 30),
    ] {
        s.clock.set(at);
        s.engine.tick(at).await.expect("tick");
    }
    assert_eq!(
        deadline_mail(&db, started.id).await,
        [
            (
                "reminder".to_owned(),
                utc("2025-01-03T06:00:00Z"),
                scr_mail.clone()
            ),
            (
                "reminder".to_owned(),
                utc("2025-01-10T06:00:00Z"),
                scr_mail.clone()
            ),
        ]
    );

    // Monday 13 January: answered, signed by the head, sent — within the extended term.
    let answered = s
        .answer(bucharest(2025, 1, 13, 10, 0), &scr, extended)
        .await;
    assert_eq!(
        (answered.state.as_str(), answered.open),
        ("answered", false)
    );
    let case = s.engine.case(&s.head, case.action.id).await.expect("case");
    assert_eq!(case.state(), "answered");

    let kinds: Vec<String> = event::Entity::find()
        .filter(event::Column::ActionId.eq(case.action.id))
        .order_by_asc(event::Column::Id)
        .all(&db.db)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "case_registered",
            "case_routed",
            "task_opened",
            "forward",
            "start",
            "extend",
            "due_moved",
            "draft_answer",
            "sign",
            "send_answer"
        ]
    );

    let stats = s
        .engine
        .register_statistics(&s.head, REGISTER)
        .await
        .expect("statistics");
    assert_eq!(
        stats.rows,
        [StatisticsRow {
            month: "2024-11".into(),
            department: Some("PLT-SCR".into()),
            received: 1,
            answered_in_term: 1,
            extended: 1,
            ..Default::default()
        }]
    );
}

/// Six cases in March and April 2024, as of Friday 10 May 2024:
/// - A, 4 March, public order (SOP), due Wednesday 3 April, answered 20 March: in term;
/// - B, 5 March, road traffic (SCR), due Thursday 4 April, answered 10 April: late;
/// - C, 6 March, SCR, due Friday 5 April, extended on 25 March by 15 days to Saturday 20 April,
///   so Monday 22 April; answered 19 April: in term, extended;
/// - D, 2 April, SOP, due Thursday 2 May (1 May is a holiday, 2 May is not), still open: overdue;
/// - E, 3 April, SOP, closed as unfounded on 10 April;
/// - F, 4 April, not routed yet.
async fn statistics_per_department_and_month(db: TestDb) {
    let s = Service::start(&db, bucharest(2024, 3, 1, 9, 0)).await;
    let sop = s.member(&db, "PLT-SOP").await;
    let scr = s.member(&db, "PLT-SCR").await;
    let route = |case: i64, to: &'static str| {
        let s = &s;
        async move {
            s.engine
                .route_case(&s.head, case, to)
                .await
                .expect("routed")
        }
    };

    let a = s.case(bucharest(2024, 3, 4, 10, 0), "A").await;
    let a = route(a, "PLT-SOP").await;
    assert_eq!(a.due_at, utc("2024-04-03T20:59:59Z"));
    let b = s.case(bucharest(2024, 3, 5, 10, 0), "B").await;
    let b = route(b, "PLT-SCR").await;
    assert_eq!(b.due_at, utc("2024-04-04T20:59:59Z"));
    let c = s.case(bucharest(2024, 3, 6, 10, 0), "C").await;
    let c = route(c, "PLT-SCR").await;
    let c = s
        .fire(
            bucharest(2024, 3, 7, 9, 0),
            &scr,
            &c,
            Fire::new(0, 0, "start"),
        )
        .await;
    s.answer(bucharest(2024, 3, 20, 10, 0), &sop, a).await;
    let c = s
        .fire(
            bucharest(2024, 3, 25, 9, 0),
            &s.head,
            &c,
            Fire::new(0, 0, "extend").reason("expertiză"),
        )
        .await;
    assert_eq!(c.due_at, utc("2024-04-22T20:59:59Z"));

    let d = s.case(bucharest(2024, 4, 2, 10, 0), "D").await;
    let d = route(d, "PLT-SOP").await;
    assert_eq!(d.due_at, utc("2024-05-02T20:59:59Z"));
    let e = s.case(bucharest(2024, 4, 3, 10, 0), "E").await;
    let e = route(e, "PLT-SOP").await;
    s.case(bucharest(2024, 4, 4, 10, 0), "F").await;
    s.answer(bucharest(2024, 4, 10, 10, 0), &scr, b).await;
    s.fire(
        bucharest(2024, 4, 10, 11, 0),
        &s.head,
        &e,
        Fire::new(0, 0, "close_unfounded").reason("Fapta nu se confirmă"),
    )
    .await;
    s.answer(bucharest(2024, 4, 19, 10, 0), &scr, c).await;
    let _ = d;

    s.clock.set(bucharest(2024, 5, 10, 12, 0));
    let stats = s
        .engine
        .register_statistics(&s.head, REGISTER)
        .await
        .expect("statistics");
    let row = |month: &str, department: Option<&str>| StatisticsRow {
        month: month.into(),
        department: department.map(Into::into),
        ..Default::default()
    };
    assert_eq!(
        stats.rows,
        [
            StatisticsRow {
                received: 2,
                answered_in_term: 1,
                answered_late: 1,
                extended: 1,
                ..row("2024-03", Some("PLT-SCR"))
            },
            StatisticsRow {
                received: 1,
                answered_in_term: 1,
                ..row("2024-03", Some("PLT-SOP"))
            },
            StatisticsRow {
                received: 2,
                closed: 1,
                open: 1,
                open_overdue: 1,
                ..row("2024-04", Some("PLT-SOP"))
            },
            StatisticsRow {
                received: 1,
                open: 1,
                ..row("2024-04", None)
            },
        ]
    );
    assert_eq!(stats.months(), ["2024-03", "2024-04"]);
    let all = stats.total(None);
    assert_eq!(
        (
            all.received,
            all.answered_in_term,
            all.answered_late,
            all.closed,
            all.open,
            all.open_overdue,
            all.extended
        ),
        (6, 2, 1, 1, 2, 1, 1)
    );
    // A department reads its own cases only.
    let own = s
        .engine
        .register_statistics(&scr, REGISTER)
        .await
        .expect("statistics");
    assert_eq!(own.rows.len(), 1);
    assert_eq!(own.rows[0].department.as_deref(), Some("PLT-SCR"));
    assert_eq!(own.rows[0].received, 2);
}

/// One engine runs the anti-trafficking plan (default lifecycle) and the petitions register
/// (petition lifecycle): both in the status, their tasks moved by their own lifecycles, one tick
/// for both.
async fn plan_and_register_side_by_side(db: TestDb) {
    let s = Service::start(&db, bucharest(2021, 3, 1, 9, 0)).await;
    let plan = plan_file::load(
        &workflows("plans/pna-trafic-2021-2022.yaml"),
        s.engine.lifecycles(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    s.engine
        .import_plan(&Actor::operator(), &plan, false)
        .await
        .expect("plan imported");
    // The register accepts cases from 2024: move to then.
    let case = s
        .case(
            bucharest(2024, 2, 5, 10, 0),
            "Zgomot nocturn, str. Alba Iulia",
        )
        .await;
    let petition = s
        .engine
        .route_case(&s.head, case, "PLT-SOP")
        .await
        .expect("routed");
    let sop = s.member(&db, "PLT-SOP").await;
    s.fire(
        bucharest(2024, 2, 6, 9, 0),
        &sop,
        &petition,
        Fire::new(0, 0, "start"),
    )
    .await;
    // A petition transition on a plan task is refused by the plan's own lifecycle.
    let plan_task = task::Entity::find()
        .filter(
            task::Column::PlanId.eq(mandate_engine::entity::plan::Entity::find()
                .filter(mandate_engine::entity::plan::Column::Code.eq("pna-trafic-2021-2022"))
                .one(&db.db)
                .await
                .expect("query")
                .expect("plan")
                .id),
        )
        .order_by_asc(task::Column::Id)
        .one(&db.db)
        .await
        .expect("query")
        .expect("a plan task");
    let refused = s
        .engine
        .fire(
            &Actor::operator(),
            Fire::new(plan_task.id, plan_task.version, "forward").target("PLT-SOP"),
        )
        .await;
    assert!(
        matches!(refused, Err(Error::InvalidTransition { .. })),
        "{refused:?}"
    );
    s.engine
        .fire(
            &Actor::operator(),
            Fire::new(plan_task.id, plan_task.version, "cancel").reason("test"),
        )
        .await
        .expect("plan task cancelled");

    let status = s.engine.status(&Actor::operator()).await.expect("status");
    let codes: Vec<&str> = status.iter().map(|p| p.plan.code.as_str()).collect();
    assert_eq!(codes, [REGISTER, "pna-trafic-2021-2022"]);
    assert_eq!(status[0].by_state.get("in_progress"), Some(&1));
    assert_eq!(status[1].by_state.get("cancelled"), Some(&1));
    let registers = s
        .engine
        .registers(&Actor::operator())
        .await
        .expect("registers");
    assert_eq!(registers.len(), 1);
    assert_eq!(registers[0].plan.code, REGISTER);
    assert_eq!(registers[0].departments.len(), 8);
    // One pass reminds both: the petition a week before its term (Wednesday 6 March 2024:
    // 30 days from Monday 5 February end on Wednesday 6 March; 7 days before, 28 February).
    let at = bucharest(2024, 2, 28, 8, 30);
    s.clock.set(at);
    s.engine.tick(at).await.expect("tick");
    assert_eq!(
        deadline_mail(&db, petition.id).await,
        [(
            "reminder".to_owned(),
            utc("2024-02-28T06:00:00Z"),
            "plt-sop@politialocalatm.example".to_owned()
        )]
    );
}

#[test]
fn register_file_problems_are_located() {
    let source = "\
plan:
  code: \"reg\"
  title: \"Registru\"
  owner: \"OFF\"
  period: \"2024-01-01..2024-12-31\"
  time_zone: \"Europe/Bucharest\"
  language: \"ro\"
  lifecycle: \"petition\"
register:
  deadline: \"30 de zile de la nunta\"
  departments:
    - \"DEP\"
    - \"DPE-X\"
institutions:
  - code: \"OFF\"
  - code: \"DEP\"
objectives:
  - number: \"1\"
    title: \"x\"
";
    let problems = plan_file::parse(source, "reg.yaml", None, &lifecycles()).expect_err("problems");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(
        shown[0].starts_with("reg.yaml:10:13: register.deadline:"),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with("reg.yaml:13:7: register.departments:") && shown[1].contains("DPE-X"),
        "{shown:#?}"
    );
    assert!(
        shown[2].starts_with("reg.yaml:18:5: a register has no objectives"),
        "{shown:#?}"
    );

    let not_relative = source
        .replace("30 de zile de la nunta", "anual")
        .replace("    - \"DPE-X\"\n", "");
    let not_relative = not_relative.split("objectives:").next().expect("head");
    let problems =
        plan_file::parse(not_relative, "reg.yaml", None, &lifecycles()).expect_err("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!((problems[0].line, problems[0].column), (10, 13));

    let no_departments = "\
plan:
  code: \"reg\"
  title: \"Registru\"
  owner: \"OFF\"
  period: \"2024-01-01..2024-12-31\"
  time_zone: \"Europe/Bucharest\"
  language: \"ro\"
register:
  deadline: \"30 de zile\"
institutions:
  - code: \"OFF\"
";
    let problems =
        plan_file::parse(no_departments, "reg.yaml", None, &lifecycles()).expect_err("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .to_string()
            .starts_with("reg.yaml:9:3: register.departments: name the departments"),
        "{problems:?}"
    );
}

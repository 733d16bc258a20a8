//! A world where one institution's member must reach nothing of the others, shared by the tests
//! that prove it over GraphQL (`graphql/tests/isolation.rs`) and over the web pages
//! (`web/tests/isolation.rs`).
//!
//! ANITP's plan: action 1.1 led by IGPR with ME responsible and ONG and EIL as partners; action
//! 1.2 DIICOT's alone. MAI's plan: EIL leads, DIICOT is a partner; ONG takes no part. The member
//! reads for ONG, a partner (not the lead). The others' reports, sign-off comments, reasons and
//! comments carry the word SECRET, and their ids are known: nothing the member is shown may hold
//! either.

use std::collections::BTreeSet;

use mandate_engine::deadline::Period;
use mandate_engine::domain::{Actor, InstitutionCode};
use mandate_engine::entity::{institution, task};
use mandate_engine::plans::{AssignmentChange, NewAction, NewObjective, NewPlan};
use mandate_engine::reads::{EventFilter, NotificationFilter, TaskFilter};
use mandate_engine::tasks::{Fire, ReportInput};

use super::{Fixture, TestDb, date, period};

/// The world, and what of it is another institution's.
pub struct Isolated {
    pub f: Fixture,
    /// A member of ONG.
    pub member: Actor,
    pub member_institution: institution::Model,
    /// How many tasks ONG has.
    pub own_tasks: u64,
    /// ONG's tasks.
    pub own_task_ids: Vec<i64>,
    /// Every task of another institution, in both plans.
    pub foreign_tasks: Vec<i64>,
    /// Action 1.2, in which ONG takes no part.
    pub foreign_action: i64,
    /// Action 1.1, shared with the others.
    pub shared_action: i64,
    /// ANITP's plan, which ONG reads.
    pub own_plan: i64,
    /// MAI's plan, in which ONG takes no part.
    pub foreign_plan: i64,
    /// The codes of the other institutions.
    pub foreign_institutions: Vec<String>,
    /// Global ids (`Task:3`, `Event:9`, `Notification:12`) of what is another institution's.
    pub foreign_ids: BTreeSet<String>,
}

fn report(narrative: &str) -> ReportInput {
    ReportInput {
        narrative: narrative.to_owned(),
        ..Default::default()
    }
}

/// Fires `steps` on `task` in turn, each as its actor, with its comment, reason or report.
pub async fn drive(f: &Fixture, task: &task::Model, steps: &[(&Actor, &str, Option<&str>)]) {
    let mut version = task.version;
    for (actor, transition, text) in steps {
        let mut fire = Fire::new(task.id, version, transition);
        match (*transition, text) {
            ("submit", Some(text)) => fire = fire.report(report(text)),
            ("return" | "decline" | "cancel", Some(text)) => fire = fire.reason(text),
            (_, Some(text)) => fire = fire.comment(text),
            (_, None) => {}
        }
        version = f
            .engine
            .fire(actor, fire)
            .await
            .unwrap_or_else(|e| panic!("{transition} on task {}: {e}", task.id))
            .version;
    }
}

/// Every task of `institution`, first period first.
pub async fn tasks_of(f: &Fixture, institution: &institution::Model) -> Vec<task::Model> {
    let filter = TaskFilter {
        institution_id: Some(institution.id),
        ..Default::default()
    };
    f.engine
        .tasks(&f.admin, &filter, None, 100)
        .await
        .expect("tasks")
}

/// Builds the world on `db`.
pub async fn build(db: &TestDb) -> Isolated {
    let f = Fixture::new(db).await;
    let [ong, eil] = f.partners.clone();
    let (admin, coordinator) = (&f.admin, &f.coordinator);
    let periods = [
        period(date(2021, 1, 1), date(2021, 6, 30)),
        period(date(2021, 7, 1), date(2021, 12, 31)),
    ];

    // Action 1.2 of the same plan: DIICOT's alone.
    let diicot_action = f
        .engine
        .create_action(
            coordinator,
            NewAction {
                objective_id: f.action.objective_id,
                number: "1.2".into(),
                text: "Anchete comune".into(),
                deadline: "semestrial".into(),
                recurrence: None,
                funding: vec![],
                indicators: vec![],
            },
        )
        .await
        .expect("action 1.2");
    assign(&f, coordinator, diicot_action.id, "DIICOT", &[], &periods).await;

    // MAI's plan: EIL leads, DIICOT is a partner; ONG takes no part.
    let mai_plan = f
        .engine
        .create_plan(
            admin,
            NewPlan {
                code: "mai-plan".into(),
                title: "Planul MAI".into(),
                owner: InstitutionCode::parse("MAI").expect("code"),
                period_start: date(2021, 1, 1),
                period_end: date(2021, 12, 31),
                time_zone: chrono_tz::Europe::Bucharest,
                language: "ro".into(),
                lifecycle: "default".into(),
                reminder_policy: None,
            },
        )
        .await
        .expect("MAI's plan");
    let objective = f
        .engine
        .create_objective(
            admin,
            NewObjective {
                plan_id: mai_plan.id,
                parent_id: None,
                number: "1".into(),
                title: "Ordine publică".into(),
                result: None,
            },
        )
        .await
        .expect("objective");
    let mai_action = f
        .engine
        .create_action(
            admin,
            NewAction {
                objective_id: objective.id,
                number: "1.1".into(),
                text: "Patrule mixte".into(),
                deadline: "semestrial".into(),
                recurrence: None,
                funding: vec![],
                indicators: vec![],
            },
        )
        .await
        .expect("MAI's action");
    assign(&f, admin, mai_action.id, "EIL", &["DIICOT"], &periods).await;

    // Work done by the others, leaving reports, sign-offs, reasons and mail behind.
    let member = |i: &institution::Model| f.member(i);
    let (lead, responsible) = (member(&f.lead), member(&f.responsible));
    let eil_member = member(&eil);
    let me_tasks = tasks_of(&f, &f.responsible).await;
    drive(
        &f,
        &me_tasks[0],
        &[
            (
                &responsible,
                "acknowledge",
                Some("SECRET acknowledged by ME"),
            ),
            (&responsible, "start", None),
            (&responsible, "submit", Some("SECRET report of ME")),
            (coordinator, "approve", Some("SECRET sign-off of ME")),
        ],
    )
    .await;
    let igpr_tasks = tasks_of(&f, &f.lead).await;
    drive(
        &f,
        &igpr_tasks[0],
        &[
            (&lead, "acknowledge", None),
            (&lead, "start", None),
            (&lead, "submit", Some("SECRET report of IGPR")),
            (coordinator, "approve", Some("SECRET sign-off of IGPR")),
        ],
    )
    .await;
    let eil_tasks: Vec<task::Model> = tasks_of(&f, &eil)
        .await
        .into_iter()
        .filter(|t| t.plan_id == f.plan.id)
        .collect();
    drive(
        &f,
        &eil_tasks[0],
        &[
            (&eil_member, "acknowledge", None),
            (&eil_member, "start", None),
            (&eil_member, "submit", Some("SECRET first report of EIL")),
            (
                &lead,
                "return",
                Some("SECRET reason for returning EIL's report"),
            ),
            (&eil_member, "submit", Some("SECRET second report of EIL")),
            (&lead, "approve", Some("SECRET sign-off of EIL")),
        ],
    )
    .await;
    drive(
        &f,
        &eil_tasks[1],
        &[(&eil_member, "decline", Some("SECRET why EIL declines"))],
    )
    .await;
    let diicot = member(&f.outsider);
    for t in tasks_of(&f, &f.outsider).await {
        drive(
            &f,
            &t,
            &[(&diicot, "acknowledge", Some("SECRET of DIICOT"))],
        )
        .await;
    }
    // The member's own work, which it does see.
    let ong_member = member(&ong);
    let ong_tasks = tasks_of(&f, &ong).await;
    drive(
        &f,
        &ong_tasks[0],
        &[
            (&ong_member, "acknowledge", Some("ONG is on it")),
            (&ong_member, "start", None),
            (&ong_member, "submit", Some("report of ONG")),
            (&lead, "approve", Some("well done, ONG")),
        ],
    )
    .await;
    // Every responsible institution signed off: the coordinator approves the period (an
    // approval of the whole action period, which every institution of the action sees).
    f.engine
        .approve_action_period(coordinator, me_tasks[0].period_id, Some("approved".into()))
        .await
        .expect("period approved");
    // Reminders and escalations for everyone, as the year goes by.
    for month in [6, 7, 9] {
        let at = period(date(2021, 1, 1), date(2021, month, 28)).due;
        f.clock.set(at);
        f.engine.tick(at).await.expect("tick");
    }

    let everything = Actor::operator();
    let all_tasks = f
        .engine
        .tasks(&everything, &TaskFilter::default(), None, 1000)
        .await
        .expect("tasks");
    let foreign_tasks: Vec<i64> = all_tasks
        .iter()
        .filter(|t| t.institution_id != ong.id)
        .map(|t| t.id)
        .collect();
    let own_task_ids: Vec<i64> = all_tasks
        .iter()
        .filter(|t| t.institution_id == ong.id)
        .map(|t| t.id)
        .collect();
    let own_tasks = own_task_ids.len() as u64;
    let mut foreign_ids: BTreeSet<String> = foreign_tasks
        .iter()
        .map(|id| format!("Task:{id}"))
        .collect();
    for e in f
        .engine
        .events(&everything, &EventFilter::default(), None, 100_000)
        .await
        .expect("events")
    {
        let foreign = match e.task_id {
            Some(t) => foreign_tasks.contains(&t),
            None => e.plan_id == mai_plan.id || e.action_id == Some(diicot_action.id),
        };
        if foreign {
            foreign_ids.insert(format!("Event:{}", e.id));
        }
    }
    let notifications = f
        .engine
        .notifications(&everything, &NotificationFilter::default(), None, 100_000)
        .await
        .expect("notifications");
    assert!(
        notifications.iter().any(|n| n.institution_id == ong.id)
            && notifications.iter().any(|n| n.institution_id != ong.id),
        "the world has mail for the member and for others"
    );
    for n in notifications.iter().filter(|n| n.institution_id != ong.id) {
        foreign_ids.insert(format!("Notification:{}", n.id));
    }
    assert!(
        foreign_tasks.len() >= 10,
        "{} foreign tasks",
        foreign_tasks.len()
    );

    Isolated {
        member: f.member(&ong),
        member_institution: ong.clone(),
        own_tasks,
        own_task_ids,
        foreign_tasks,
        foreign_action: diicot_action.id,
        shared_action: f.action.id,
        own_plan: f.plan.id,
        foreign_plan: mai_plan.id,
        foreign_institutions: [&f.owner, &f.lead, &f.responsible, &eil, &f.outsider]
            .iter()
            .map(|i| i.code.clone())
            .collect(),
        foreign_ids,
        f,
    }
}

/// Assigns action `action_id` to `lead` (its only responsible institution) and `partners`, and
/// opens `periods`.
async fn assign(
    f: &Fixture,
    actor: &Actor,
    action_id: i64,
    lead: &str,
    partners: &[&str],
    periods: &[Period],
) {
    f.engine
        .assign_action(
            actor,
            action_id,
            AssignmentChange {
                lead: Some(lead.into()),
                responsible: Some(vec![lead.into()]),
                partners: Some(partners.iter().map(|p| (*p).to_owned()).collect()),
            },
        )
        .await
        .expect("assigned");
    f.engine
        .open_periods(actor, action_id, periods)
        .await
        .expect("periods");
}

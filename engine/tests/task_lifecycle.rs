//! The task lifecycle on a real database: the full path to action-period completion, the
//! authorization matrix, invalid transitions, concurrency, and atomicity of state + event.

mod support;

use std::collections::BTreeMap;

use mandate_engine::Error;
use mandate_engine::domain::Actor;
use mandate_engine::entity::{event, report, sign_off, task};
use mandate_engine::tasks::{Fire, ReportInput};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::{Fixture, TestDb};

on_both_databases!(
    full_lifecycle_completes_the_action_period,
    forbidden_actors_are_refused_and_write_nothing,
    transitions_not_allowed_from_a_state_are_refused,
    concurrent_transitions_on_one_version_one_wins,
    failure_after_the_update_rolls_back_everything,
    input_is_validated_with_the_field_named,
);

fn report(narrative: &str) -> ReportInput {
    ReportInput {
        indicator_values: BTreeMap::from([("Număr de campanii".to_owned(), json!(3))]),
        narrative: narrative.to_owned(),
        evidence: vec!["https://anitp.mai.gov.ro/campanie".to_owned()],
    }
}

async fn fire(f: &Fixture, actor: &Actor, task: &task::Model, transition: &str) -> task::Model {
    let mut request = Fire::new(task.id, task.version, transition);
    match transition {
        "submit" => request = request.report(report("Raport")),
        "decline" | "return" | "cancel" => request = request.reason("motiv"),
        _ => {}
    }
    f.engine
        .fire(actor, request)
        .await
        .unwrap_or_else(|e| panic!("{} {transition} task {}: {e}", actor.name, task.id))
}

async fn event_count(db: &impl ConnectionTrait) -> u64 {
    event::Entity::find().count(db).await.expect("count events")
}

async fn full_lifecycle_completes_the_action_period(db: TestDb) {
    let f = Fixture::new(&db).await;
    let tasks = [&f.lead, &f.responsible, &f.partners[0], &f.partners[1]];
    let mut current = Vec::new();
    for inst in tasks {
        current.push(f.task_of(inst).await);
    }
    let period_id = current[0].period_id;
    assert!(
        current
            .iter()
            .all(|t| t.period_id == period_id && t.state == "pending" && t.version == 1)
    );
    assert_eq!(current[0].role, "responsible");
    assert_eq!(current[2].role, "partner");

    for (i, inst) in tasks.iter().enumerate() {
        let member = f.member(inst);
        let mut t = current[i].clone();
        for transition in ["acknowledge", "start", "submit"] {
            t = fire(&f, &member, &t, transition).await;
        }
        assert_eq!((t.state.as_str(), t.version), ("submitted", 4));
        current[i] = t;
    }
    // The lead signs off partners' work; the coordinator signs off the responsible ones.
    let lead_member = f.member(&f.lead);
    for t in &mut current[2..] {
        *t = fire(&f, &lead_member, t, "approve").await;
    }
    current[0] = fire(&f, &f.coordinator, &current[0], "approve").await;
    let completion = f
        .engine
        .period_completion(&f.admin, period_id)
        .await
        .expect("completion");
    assert!(
        !completion.rule_met,
        "one responsible institution still has to be signed off"
    );
    assert_eq!(completion.waiting_for, vec![f.responsible.id]);
    let early = f
        .engine
        .approve_action_period(&f.coordinator, period_id, None)
        .await;
    assert!(matches!(early, Err(Error::Validation { .. })), "{early:?}");

    // The coordinator returns the second responsible report once; it is resubmitted.
    let returned = f
        .engine
        .fire(
            &f.coordinator,
            Fire::new(current[1].id, current[1].version, "return").reason("Lipsesc dovezile"),
        )
        .await
        .expect("return");
    assert_eq!(returned.state, "in_progress");
    let resubmitted = fire(&f, &f.member(&f.responsible), &returned, "submit").await;
    current[1] = fire(&f, &f.coordinator, &resubmitted, "approve").await;
    assert!(current.iter().all(|t| t.state == "signed_off" && !t.open));

    let completion = f
        .engine
        .period_completion(&f.admin, period_id)
        .await
        .expect("completion");
    assert!(completion.rule_met && !completion.approved && !completion.complete);
    let period = f
        .engine
        .approve_action_period(
            &f.coordinator,
            period_id,
            Some("Raport consolidat aprobat".into()),
        )
        .await
        .expect("approve period");
    assert!(period.approved_at.is_some());
    let completion = f
        .engine
        .period_completion(&f.admin, period_id)
        .await
        .expect("completion");
    assert!(completion.complete);
    let again = f
        .engine
        .approve_action_period(&f.coordinator, period_id, None)
        .await;
    assert!(
        matches!(again, Err(Error::InvalidTransition { .. })),
        "{again:?}"
    );

    // Audit trail: every transition once, in order, with actor and states.
    let history = f
        .engine
        .action_history(&f.admin, f.action.id)
        .await
        .expect("history");
    let transitions: Vec<&str> = history
        .iter()
        .filter(|e| e.task_id == Some(current[1].id))
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(
        transitions,
        [
            "task_opened",
            "acknowledge",
            "start",
            "submit",
            "return",
            "submit",
            "approve"
        ]
    );
    let ret = history
        .iter()
        .find(|e| e.kind == "return")
        .expect("return event");
    assert_eq!(ret.actor, "coord@anitp.ro");
    assert_eq!(
        (ret.from_state.as_deref(), ret.to_state.as_deref()),
        (Some("submitted"), Some("in_progress"))
    );
    assert_eq!(ret.comment.as_deref(), Some("Lipsesc dovezile"));
    assert_eq!(
        history.last().map(|e| e.kind.as_str()),
        Some("period_approved")
    );
    let reports = report::Entity::find().count(&db.db).await.expect("reports");
    assert_eq!(reports, 5, "four submissions and one resubmission");
    let sign_offs = sign_off::Entity::find()
        .filter(sign_off::Column::PeriodId.eq(period_id))
        .all(&db.db)
        .await
        .expect("sign-offs");
    assert_eq!(sign_offs.len(), 5, "four tasks and the action period");
    assert_eq!(sign_offs.iter().filter(|s| s.task_id.is_none()).count(), 1);
}

/// Puts a fresh task of `inst` into `state` along the default path.
async fn task_in_state(
    f: &Fixture,
    inst: &mandate_engine::entity::institution::Model,
    state: &str,
) -> task::Model {
    let mut t = f.task_of(inst).await;
    let member = f.member(inst);
    let path: &[&str] = match state {
        "pending" => &[],
        "acknowledged" => &["acknowledge"],
        "in_progress" => &["acknowledge", "start"],
        "submitted" => &["acknowledge", "start", "submit"],
        "signed_off" => &["acknowledge", "start", "submit", "approve"],
        "declined" => &["decline"],
        "cancelled" => &["cancel"],
        other => panic!("no path to {other}"),
    };
    for step in path {
        let actor = if matches!(*step, "approve" | "cancel") {
            &f.coordinator
        } else {
            &member
        };
        t = fire(f, actor, &t, step).await;
    }
    t
}

async fn forbidden_actors_are_refused_and_write_nothing(db: TestDb) {
    let f = Fixture::new(&db).await;
    let lifecycle = f.engine.lifecycle("default").expect("lifecycle");
    // The task belongs to the second responsible institution, so the lead acts as lead on it.
    let inst = f.responsible.clone();
    let actors: Vec<(&str, Actor)> = vec![
        ("coordinator", f.coordinator.clone()),
        ("task_institution", f.member(&inst)),
        ("lead_institution", f.member(&f.lead)),
        ("partner", f.member(&f.partners[0])),
        ("outsider", f.member(&f.outsider)),
        ("auditor", f.auditor.clone()),
        (
            "other_coordinator",
            Actor::user(
                "c@diicot.ro",
                mandate_engine::UserRole::Coordinator,
                Some(f.outsider.id),
            ),
        ),
    ];
    let mut refused = 0;
    for transition in lifecycle.transitions() {
        let from = transition.from.iter().next().expect("a from state").clone();
        reset(&f, &inst).await;
        let t = task_in_state(&f, &inst, &from).await;
        for (label, actor) in &actors {
            let allowed = transition.by.iter().any(|r| r.to_string() == *label);
            if allowed {
                continue;
            }
            let before = event_count(&db.db).await;
            let mut request = Fire::new(t.id, t.version, &transition.name)
                .reason("motiv")
                .report(report("x"));
            request.comment = Some("c".into());
            let result = f.engine.fire(actor, request).await;
            // Who may not even read the task is told it does not exist, nothing more.
            let reads = f.engine.can_read_task(actor, &t).await.expect("db");
            assert!(
                if reads {
                    matches!(result, Err(Error::Forbidden(_)))
                } else {
                    matches!(result, Err(Error::NotFound { .. }))
                },
                "{label} (reads the task: {reads}) firing {} from {from}: {result:?}",
                transition.name
            );
            assert_eq!(
                event_count(&db.db).await,
                before,
                "{label} {}: no event",
                transition.name
            );
            let now = task::Entity::find_by_id(t.id)
                .one(&db.db)
                .await
                .expect("db")
                .expect("task");
            assert_eq!(
                (now.state.as_str(), now.version),
                (from.as_str(), t.version)
            );
            refused += 1;
        }
    }
    assert!(
        refused >= 7 * 4,
        "the matrix covered {refused} refused pairs"
    );
}

/// Puts `inst`'s first task back to `pending` at its current version by writing the row
/// directly: a test shortcut, not a lifecycle path.
async fn reset(f: &Fixture, inst: &mandate_engine::entity::institution::Model) {
    use sea_orm::sea_query::Expr;
    let t = f.task_of(inst).await;
    task::Entity::update_many()
        .col_expr(task::Column::State, Expr::value("pending"))
        .col_expr(task::Column::Open, Expr::value(true))
        .filter(task::Column::Id.eq(t.id))
        .exec(&f.db)
        .await
        .expect("reset");
}

async fn transitions_not_allowed_from_a_state_are_refused(db: TestDb) {
    let f = Fixture::new(&db).await;
    let lifecycle = f.engine.lifecycle("default").expect("lifecycle");
    let inst = f.responsible.clone();
    let mut refused = 0;
    for state in lifecycle.states() {
        for transition in lifecycle.transitions() {
            if transition.from.contains(state) {
                continue;
            }
            reset(&f, &inst).await;
            let t = task_in_state(&f, &inst, state).await;
            // An actor the lifecycle allows, so only the state is wrong.
            let actor = if transition
                .by
                .iter()
                .any(|r| r.to_string() == "task_institution")
            {
                f.member(&inst)
            } else {
                f.coordinator.clone()
            };
            let before = event_count(&db.db).await;
            let request = Fire::new(t.id, t.version, &transition.name)
                .reason("motiv")
                .report(report("x"));
            let result = f.engine.fire(&actor, request).await;
            match result {
                Err(Error::InvalidTransition {
                    from,
                    transition: name,
                }) => {
                    assert_eq!(
                        (from.as_str(), name.as_str()),
                        (state.as_str(), transition.name.as_str())
                    );
                }
                other => panic!("{} from {state}: {other:?}", transition.name),
            }
            assert_eq!(event_count(&db.db).await, before);
            refused += 1;
        }
    }
    assert_eq!(
        refused,
        7 * 7 - 10,
        "every (state, transition) pair not in the lifecycle"
    );
    let unknown = f
        .engine
        .fire(
            &f.coordinator,
            Fire::new(f.task_of(&inst).await.id, 1, "teleport"),
        )
        .await;
    assert!(
        matches!(unknown, Err(Error::InvalidTransition { .. })),
        "{unknown:?}"
    );
}

async fn concurrent_transitions_on_one_version_one_wins(db: TestDb) {
    let f = Fixture::new(&db).await;
    let t = f.task_of(&f.lead).await;
    let member = f.member(&f.lead);
    let (a, b) = tokio::join!(
        f.engine
            .fire(&member, Fire::new(t.id, t.version, "acknowledge")),
        f.engine.fire(
            &member,
            Fire::new(t.id, t.version, "acknowledge").comment("second")
        ),
    );
    let outcomes = [&a, &b];
    assert_eq!(
        outcomes.iter().filter(|r| r.is_ok()).count(),
        1,
        "{a:?} / {b:?}"
    );
    let loser = outcomes.iter().find(|r| r.is_err()).expect("one loser");
    match loser {
        Err(Error::Conflict { expected, actual }) => assert_eq!((*expected, *actual), (1, 2)),
        // The loser may also read the task after the winner committed: then the state is wrong too,
        // but the version check is what must refuse it.
        Err(Error::InvalidTransition { .. }) => {}
        other => panic!("{other:?}"),
    }
    let acks = event::Entity::find()
        .filter(event::Column::TaskId.eq(t.id))
        .filter(event::Column::Kind.eq("acknowledge"))
        .count(&db.db)
        .await
        .expect("count");
    assert_eq!(acks, 1);

    // Sequential stale version: always a Conflict.
    let stale = f.engine.fire(&member, Fire::new(t.id, 1, "start")).await;
    assert!(
        matches!(
            stale,
            Err(Error::Conflict {
                expected: 1,
                actual: 2
            })
        ),
        "{stale:?}"
    );
}

async fn failure_after_the_update_rolls_back_everything(db: TestDb) {
    let f = Fixture::new(&db).await;
    let t = task_in_state(&f, &f.lead, "in_progress").await;
    // Inject a failure: the event insert, which comes after the task update and the report
    // insert in the same transaction, is made to fail by the database itself.
    let inject = if db.is_postgres() {
        vec![
            "CREATE FUNCTION fail_event() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql".to_owned(),
            "CREATE TRIGGER fail_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION fail_event()".to_owned(),
        ]
    } else {
        vec!["CREATE TRIGGER fail_event BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'injected failure'); END".to_owned()]
    };
    for sql in &inject {
        db.db
            .execute_unprepared(sql)
            .await
            .expect("install trigger");
    }
    let reports_before = report::Entity::find().count(&db.db).await.expect("count");
    let result = f
        .engine
        .fire(
            &f.member(&f.lead),
            Fire::new(t.id, t.version, "submit").report(report("Raport")),
        )
        .await;
    assert!(matches!(result, Err(Error::Database(_))), "{result:?}");
    let after = task::Entity::find_by_id(t.id)
        .one(&db.db)
        .await
        .expect("db")
        .expect("task");
    assert_eq!(
        (after.state.as_str(), after.version),
        ("in_progress", t.version),
        "the update was rolled back"
    );
    assert_eq!(
        report::Entity::find().count(&db.db).await.expect("count"),
        reports_before
    );
    db.db
        .execute_unprepared("DROP TRIGGER fail_event ON events")
        .await
        .ok();
    db.db
        .execute_unprepared("DROP TRIGGER IF EXISTS fail_event")
        .await
        .ok();
    // With the failure gone, the same request goes through.
    let ok = f
        .engine
        .fire(
            &f.member(&f.lead),
            Fire::new(t.id, t.version, "submit").report(report("Raport")),
        )
        .await
        .expect("submit");
    assert_eq!(ok.state, "submitted");
}

async fn input_is_validated_with_the_field_named(db: TestDb) {
    let f = Fixture::new(&db).await;
    let member = f.member(&f.lead);
    let t = f.task_of(&f.lead).await;
    let no_reason = f
        .engine
        .fire(&member, Fire::new(t.id, t.version, "decline").reason("  "))
        .await;
    assert!(
        matches!(&no_reason, Err(Error::Validation { field, .. }) if field == "reason"),
        "{no_reason:?}"
    );

    let with_report = f
        .engine
        .fire(
            &member,
            Fire::new(t.id, t.version, "acknowledge").report(report("x")),
        )
        .await;
    assert!(
        matches!(&with_report, Err(Error::Validation { field, .. }) if field == "report"),
        "{with_report:?}"
    );

    let t = task_in_state(&f, &f.lead, "in_progress").await;
    let mut bad = report("Raport");
    bad.indicator_values
        .insert("Număr de pisici".into(), json!(1));
    let result = f
        .engine
        .fire(&member, Fire::new(t.id, t.version, "submit").report(bad))
        .await;
    assert!(
        matches!(&result, Err(Error::Validation { field, .. }) if field == "report.indicatorValues.Număr de pisici"),
        "{result:?}"
    );
    let mut bad = report("Raport");
    bad.evidence.push("javascript:alert(1)".into());
    let result = f
        .engine
        .fire(&member, Fire::new(t.id, t.version, "submit").report(bad))
        .await;
    assert!(
        matches!(&result, Err(Error::Validation { field, .. }) if field == "report.evidence[1]"),
        "{result:?}"
    );
    let missing = f
        .engine
        .fire(&member, Fire::new(t.id, t.version, "submit"))
        .await;
    assert!(
        matches!(&missing, Err(Error::Validation { field, .. }) if field == "report"),
        "{missing:?}"
    );
    let unknown = f.engine.fire(&member, Fire::new(999_999, 1, "start")).await;
    assert!(
        matches!(unknown, Err(Error::NotFound { entity: "task", .. })),
        "{unknown:?}"
    );
}

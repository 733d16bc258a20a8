//! Importing the seed plans: counts against the source, idempotent re-import, and located
//! problems for a broken file.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use mandate_engine::domain::Actor;
use mandate_engine::entity::{action, event, institution, objective, plan, task};
use mandate_engine::plans::plan_file::{self, PlanDraft};
use mandate_engine::tasks::Fire;
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::text::fold;
use mandate_engine::{Engine, UserRole};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use support::TestDb;

on_both_databases!(
    anti_trafficking_plan_yields_its_objectives_actions_and_tasks,
    reimport_is_idempotent_and_keeps_tasks_that_moved_on,
    every_seed_plan_imports,
);

fn seed(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows/plans")
        .join(name)
}

fn draft(name: &str) -> PlanDraft {
    plan_file::load(&seed(name), &Lifecycles::builtin().expect("lifecycles")).unwrap_or_else(
        |problems| {
            panic!(
                "{name}: {}",
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        },
    )
}

fn engine(db: &TestDb) -> Engine {
    Engine::new(
        db.db.clone(),
        std::sync::Arc::new(mandate_engine::ManualClock::new(
            support::plan_start_instant(),
        )),
        Lifecycles::builtin().expect("lifecycles"),
    )
}

/// Reporting periods per deadline wording of the anti-trafficking plan over 2021–2022, counted
/// by hand from the wording (not by the parser).
fn periods_by_hand(wording: &str) -> usize {
    match fold(wording).as_str() {
        "anual" | "anual: iulie- octombrie" => 2,
        "semestrial" => 4,
        "trimestrial" => 8,
        "periodic" => 8, // recurrence: quarterly, on the 28th of Mar/Jun/Sep/Dec
        "2021"
        | "2022"
        | "2021-2022"
        | "octombrie 2022"
        | "trimestrul 4 2021"
        | "semestrul 2 2022"
        | "primul semestru 2021" => 1,
        "primul semestru 2021 primul semestru 2022"
        | "semestrul 2 2021 semestrul 2 2022"
        | "primul semestru al anului 2021 octombrie 2022" => 2,
        other => panic!("wording not counted by hand: {other}"),
    }
}

/// Institutions named by a reference, counted from its text: "MAI prin ANITP, IGPF" is two.
fn institutions_in(reference: &str) -> usize {
    match reference.split_once(" prin ") {
        Some((_, rest)) => rest.split(',').filter(|p| !p.trim().is_empty()).count(),
        None => 1,
    }
}

async fn anti_trafficking_plan_yields_its_objectives_actions_and_tasks(db: TestDb) {
    let engine = engine(&db);
    let draft = draft("pna-trafic-2021-2022.yaml");
    let summary = engine
        .import_plan(&Actor::operator(), &draft, false)
        .await
        .expect("import");
    let plan_id = summary.plan_id;

    let objectives = objective::Entity::find()
        .filter(objective::Column::PlanId.eq(plan_id))
        .all(&db.db)
        .await
        .expect("objectives");
    let general: Vec<&objective::Model> = objectives
        .iter()
        .filter(|o| o.parent_id.is_none())
        .collect();
    assert_eq!(general.len(), 5, "five general objectives");
    assert!(
        general.iter().all(|o| o.result.is_some()),
        "each general objective states its result"
    );
    let specific: BTreeMap<i64, &str> = objectives
        .iter()
        .filter(|o| o.parent_id.is_some())
        .map(|o| (o.id, o.number.as_str()))
        .collect();
    assert_eq!(specific.len(), 19, "nineteen specific objectives");

    // Actions per specific objective, counted in the source table.
    let expected: BTreeMap<&str, usize> = [
        ("1.1", 11),
        ("1.2", 3),
        ("1.3", 3),
        ("2.1", 2),
        ("2.2", 5),
        ("2.3", 4),
        ("3.1", 8),
        ("3.2", 3),
        ("3.3", 4),
        ("3.4", 3),
        ("3.5", 1),
        ("3.6", 3),
        ("4.1", 2),
        ("4.2", 3),
        ("5.1", 3),
        ("5.2", 3),
        ("5.3", 1),
        ("5.4", 3),
        ("5.5", 2),
    ]
    .into_iter()
    .collect();
    let actions = action::Entity::find()
        .filter(action::Column::PlanId.eq(plan_id))
        .all(&db.db)
        .await
        .expect("actions");
    assert_eq!(actions.len(), 67);
    let mut per_objective: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &actions {
        *per_objective.entry(specific[&a.objective_id]).or_default() += 1;
    }
    assert_eq!(per_objective, expected);

    // Tasks: periods (counted by hand per wording) × institutions (counted from the references).
    let raw: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(seed("pna-trafic-2021-2022.yaml")).expect("read"),
    )
    .expect("yaml");
    let mut expected_tasks = 0;
    for general in raw["objectives"].as_array().expect("objectives") {
        for specific in general["objectives"].as_array().expect("specific") {
            for a in specific["actions"].as_array().expect("actions") {
                let institutions: usize = ["responsible", "partners"]
                    .iter()
                    .flat_map(|k| a[k].as_array().into_iter().flatten())
                    .map(|r| institutions_in(r.as_str().expect("reference")))
                    .sum();
                expected_tasks +=
                    periods_by_hand(a["deadline"].as_str().expect("deadline")) * institutions;
            }
        }
    }
    let tasks = task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .count(&db.db)
        .await
        .expect("tasks");
    assert_eq!(tasks as usize, expected_tasks);
    assert_eq!(tasks, 520);

    // "MAI prin ANITP" resolves to the agency, with its ministry as parent.
    let anitp = institution::Entity::find()
        .filter(institution::Column::Code.eq("ANITP"))
        .one(&db.db)
        .await
        .expect("db")
        .expect("ANITP");
    let mai = institution::Entity::find_by_id(anitp.parent_id.expect("ANITP has a parent"))
        .one(&db.db)
        .await
        .expect("db")
        .expect("parent");
    assert_eq!(mai.code, "MAI");
    let plan = plan::Entity::find_by_id(plan_id)
        .one(&db.db)
        .await
        .expect("db")
        .expect("plan");
    assert_eq!(plan.owner_id, anitp.id);
}

async fn ids(db: &TestDb, plan_id: i64) -> (BTreeSet<i64>, BTreeSet<i64>, BTreeSet<i64>) {
    let objectives = objective::Entity::find()
        .filter(objective::Column::PlanId.eq(plan_id))
        .all(&db.db)
        .await
        .expect("o");
    let actions = action::Entity::find()
        .filter(action::Column::PlanId.eq(plan_id))
        .all(&db.db)
        .await
        .expect("a");
    let tasks = task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .all(&db.db)
        .await
        .expect("t");
    (
        objectives.iter().map(|o| o.id).collect(),
        actions.iter().map(|a| a.id).collect(),
        tasks.iter().map(|t| t.id).collect(),
    )
}

async fn reimport_is_idempotent_and_keeps_tasks_that_moved_on(db: TestDb) {
    let engine = engine(&db);
    let operator = Actor::operator();
    let first = engine
        .import_plan(&operator, &draft("pna-trafic-2021-2022.yaml"), false)
        .await
        .expect("import");
    let before = ids(&db, first.plan_id).await;

    // Three institutions acknowledge their 2021 task of action 1.1.1 ("anual").
    let yearly = action::Entity::find()
        .filter(action::Column::PlanId.eq(first.plan_id))
        .filter(action::Column::Number.eq("1.1.1"))
        .one(&db.db)
        .await
        .expect("db")
        .expect("action 1.1.1");
    let first_year = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
        .and_utc();
    let tasks = task::Entity::find()
        .filter(task::Column::ActionId.eq(yearly.id))
        .filter(task::Column::DueAt.lt(first_year))
        .all(&db.db)
        .await
        .expect("tasks");
    let mut acknowledged = Vec::new();
    for t in tasks.iter().take(3) {
        let member = Actor::user("m@x.ro", UserRole::Member, Some(t.institution_id));
        acknowledged.push(
            engine
                .fire(&member, Fire::new(t.id, t.version, "acknowledge"))
                .await
                .expect("ack"),
        );
    }
    let events_before = event::Entity::find().count(&db.db).await.expect("events");

    let dry = engine
        .import_plan(&operator, &draft("pna-trafic-2021-2022.yaml"), true)
        .await
        .expect("dry run");
    assert!(
        dry.changes
            .values()
            .all(|c| c.created == 0 && c.updated == 0),
        "{dry:?}"
    );
    let second = engine
        .import_plan(&operator, &draft("pna-trafic-2021-2022.yaml"), false)
        .await
        .expect("re-import");
    assert_eq!(second.plan_id, first.plan_id);
    assert!(
        second
            .changes
            .values()
            .all(|c| c.created == 0 && c.updated == 0),
        "{second:?}"
    );
    assert_eq!(
        ids(&db, first.plan_id).await,
        before,
        "same objectives, actions and tasks, same ids"
    );
    assert_eq!(
        event::Entity::find().count(&db.db).await.expect("events"),
        events_before,
        "nothing to record"
    );
    for t in &acknowledged {
        let now = task::Entity::find_by_id(t.id)
            .one(&db.db)
            .await
            .expect("db")
            .expect("task");
        assert_eq!((now.state.as_str(), now.version), ("acknowledged", 2));
    }

    // The coordinator narrows an acknowledged action from "anual" to "2021": the pending 2022
    // tasks are cancelled, the acknowledged 2021 task and its history are untouched.
    let target = &acknowledged[0];
    let number = action::Entity::find_by_id(target.action_id)
        .one(&db.db)
        .await
        .expect("db")
        .expect("action")
        .number;
    let mut changed = draft("pna-trafic-2021-2022.yaml");
    let a = changed
        .actions
        .iter_mut()
        .find(|a| a.number == number)
        .expect("action in draft");
    assert_eq!(a.deadline, "anual", "the first task's action is yearly");
    a.deadline = "2021".into();
    a.periods
        .retain(|p| p.end.format("%Y").to_string() == "2021");
    let third = engine
        .import_plan(&operator, &changed, false)
        .await
        .expect("narrowed import");
    assert_eq!(
        third.tasks_cancelled,
        target_institutions(&db, target.action_id).await,
        "the 2022 tasks"
    );
    let kept = task::Entity::find_by_id(target.id)
        .one(&db.db)
        .await
        .expect("db")
        .expect("task");
    assert_eq!(kept.state, "acknowledged");
    let history = engine
        .task_history(&Actor::operator(), target.id)
        .await
        .expect("history");
    assert_eq!(
        history.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["task_opened", "acknowledge"]
    );
}

async fn target_institutions(db: &TestDb, action_id: i64) -> usize {
    mandate_engine::entity::assignment::Entity::find()
        .filter(mandate_engine::entity::assignment::Column::ActionId.eq(action_id))
        .count(&db.db)
        .await
        .expect("assignments") as usize
}

async fn every_seed_plan_imports(db: TestDb) {
    let engine = engine(&db);
    let expected = [
        ("caras-severin-2024.yaml", "caras-severin-2024"),
        ("cluj-2024.yaml", "cluj-2024"),
        ("lubartow-rejon-3-2024.yaml", "lubartow-rejon-3-2024"),
        ("politia-locala-timisoara-2025.yaml", "plt-scpd-2025"),
        ("pna-trafic-2021-2022.yaml", "pna-trafic-2021-2022"),
    ];
    for (file, _) in expected {
        let draft = draft(file);
        engine
            .import_plan(&Actor::operator(), &draft, false)
            .await
            .expect(file);
    }
    // The plans share institutions (IGPR, MAI, …): loading them all again changes nothing.
    let events = event::Entity::find().count(&db.db).await.expect("events");
    for (file, _) in expected {
        let again = engine
            .import_plan(&Actor::operator(), &draft(file), false)
            .await
            .expect(file);
        assert!(
            again
                .changes
                .values()
                .all(|c| c.created == 0 && c.updated == 0),
            "{file}: {again:?}"
        );
    }
    assert_eq!(
        event::Entity::find().count(&db.db).await.expect("events"),
        events
    );
    let status = engine.status(&Actor::operator()).await.expect("status");
    let codes: Vec<&str> = status.iter().map(|s| s.plan.code.as_str()).collect();
    assert_eq!(codes, expected.map(|(_, code)| code));
    for s in &status {
        assert!(
            s.by_state.get("pending").copied().unwrap_or(0) > 0,
            "{} has tasks",
            s.plan.code
        );
    }
    // Lubartów: three phases, Polish, Warsaw time; the −50% criterion kept.
    let lubartow = status
        .iter()
        .find(|s| s.plan.code == "lubartow-rejon-3-2024")
        .expect("lubartow");
    assert_eq!(
        (
            lubartow.plan.language.as_str(),
            lubartow.plan.time_zone.as_str()
        ),
        ("pl", "Europe/Warsaw")
    );
    let pis = mandate_engine::entity::performance_indicator::Entity::find()
        .filter(mandate_engine::entity::performance_indicator::Column::PlanId.eq(lubartow.plan.id))
        .all(&db.db)
        .await
        .expect("indicators");
    assert_eq!(pis.len(), 1);
    let criterion = &pis[0];
    assert_eq!(criterion.target, "-50%");
    assert_eq!(
        (
            criterion.unit.as_deref(),
            criterion.direction.as_str(),
            criterion.baseline_period.as_deref(),
            criterion.reporting.as_deref(),
        ),
        (Some("count"), "down", Some("previous"), Some("miesięcznie"))
    );
    let officer = mandate_engine::entity::institution::Entity::find()
        .filter(mandate_engine::entity::institution::Column::Code.eq("DZIELNICOWY-R3"))
        .one(&db.db)
        .await
        .expect("institution")
        .expect("the district officer");
    assert_eq!(criterion.responsible_id, Some(officer.id));
}

/// Every field of an indicator's definition is checked, each problem at its own line.
#[test]
fn indicator_definitions_are_checked_field_by_field() {
    let yaml = r#"plan:
  code: "test-plan"
  title: "Plan"
  owner: "ANITP"
  period: 2024-01-01..2024-12-31
  time_zone: Europe/Bucharest
  language: ro
institutions:
  - code: "ANITP"
    name: "Agenţia Naţională împotriva Traficului de Persoane"
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii"
        deadline: "anual"
        responsible: ["ANITP"]
        indicators:
          - name: "Număr de campanii"
            unit: persoane
            target: "cât mai multe"
          - name: "Procent de beneficiari"
            unit: percent
            target: "≥80%"
            direction: down
performance_indicators:
  - name: "Petiții"
    target: "-2%"
    reporting: "cândva"
  - name: "Infracționalitate"
    baseline: {period: 2023}
    target: "la același nivel"
    aggregation: median
"#;
    let problems = plan_file::parse(
        yaml,
        "bad.yaml",
        None,
        &Lifecycles::builtin().expect("lifecycles"),
    )
    .expect_err("mistakes");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let at = |needle: &str| {
        problems
            .iter()
            .find(|p| p.message.contains(needle))
            .unwrap_or_else(|| panic!("no problem mentions {needle:?} in:\n{}", shown.join("\n")))
            .line
    };
    assert_eq!(at("unknown unit `persoane`"), 21);
    assert_eq!(at("cannot read the target `cât mai multe`"), 22);
    assert_eq!(at("`direction: down` contradicts the target `≥80%`"), 26);
    assert_eq!(at("the target `-2%` is a change from a baseline"), 28);
    assert_eq!(at("reporting of performance indicator `Petiții`"), 30);
    assert_eq!(at("unknown aggregation `median`"), 34);
    assert_eq!(at("`la același nivel` keeps a level"), 31);
    assert!(
        problems.iter().all(|p| p.message.contains("indicator")),
        "each problem names its indicator:\n{}",
        shown.join("\n")
    );
    assert_eq!(problems.len(), 7, "{}", shown.join("\n"));
}

#[test]
fn a_file_with_five_mistakes_reports_all_of_them_located() {
    let yaml = r#"plan:
  code: "test-plan"
  title: "Plan"
  owner: "ANITP"
  period: 2021-01-01..2022-12-31
  time_zone: Europe/Bucharest
  language: ro
institutions:
  - code: "MAI"
    name: "Ministerul Afacerilor Interne"
  - code: "ANITP"
    name: "Agenţia Naţională împotriva Traficului de Persoane"
    parent: "MAI"
  - code: "IGPR"
    name: "Inspectoratul General al Poliţiei Române"
    parent: "MAI"
objectives:
  - number: "1"
    title: "Prevenire"
    objectives:
      - number: "1.1"
        title: "Informare"
        actions:
          - number: "1.1.1"
            text: "Campanii"
            deadline: "anual"
            responsible: ["MAI prin ANTIP"]
            funding: ["Buget ANITP"
          - number: "1.1.2"
            text: "Sesiuni"
            deadline: "cândva în 2021"
            responsible: ["MAI prin ANITP"]
          - number: "1.1.3"
            text: "Verificări"
            deadline: "2021"
            responsible: ["MAI prin ANITP", "MAI prin IGPR"]
            lead: ["ANITP", "IGPR"]
  - number: "1.1"
    title: "Duplicat"
"#;
    let problems = plan_file::parse(
        yaml,
        "bad.yaml",
        None,
        &Lifecycles::builtin().expect("lifecycles"),
    )
    .expect_err("five mistakes");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let find = |needle: &str| {
        problems
            .iter()
            .find(|p| p.message.contains(needle))
            .unwrap_or_else(|| panic!("no problem mentions {needle:?} in:\n{}", shown.join("\n")))
    };
    let syntax = problems
        .iter()
        .find(|p| (28..=30).contains(&p.line))
        .unwrap_or_else(|| panic!("{shown:#?}"));
    assert!(syntax.column > 0, "{syntax}");
    let unknown = find("unknown institution `ANTIP` (did you mean `ANITP`?)");
    assert_eq!(unknown.line, 27, "{unknown}");
    let deadline = find("cândva");
    assert_eq!(deadline.line, 31, "{deadline}");
    let leads = find("names 2 leads (ANITP, IGPR)");
    assert_eq!(leads.line, 37, "{leads}");
    let duplicate = find("objective number `1.1` is used twice");
    assert_eq!(duplicate.line, 38, "{duplicate}");
    assert!(
        problems.iter().all(|p| p.file == "bad.yaml" && p.line > 0),
        "{shown:#?}"
    );
    assert_eq!(
        problems.len(),
        5,
        "exactly the five mistakes:\n{}",
        shown.join("\n")
    );
}

/// A plan action has no case event to count days from: a deadline counted in days is a located
/// problem that says what the wording means.
#[test]
fn a_deadline_counted_in_days_is_refused_for_a_plan_action() {
    let yaml = r#"plan:
  code: "test-plan"
  title: "Plan"
  owner: "ANITP"
  period: 2024-01-01..2024-12-31
  time_zone: Europe/Bucharest
  language: ro
institutions:
  - code: "ANITP"
    name: "Agenţia Naţională împotriva Traficului de Persoane"
objectives:
  - number: "1"
    title: "Petiții"
    actions:
      - number: "1.1"
        text: "Răspuns la petiții"
        deadline: "în termen de 30 de zile de la înregistrare"
        responsible: ["ANITP"]
"#;
    let problems = plan_file::parse(
        yaml,
        "petitii.yaml",
        None,
        &Lifecycles::builtin().expect("lifecycles"),
    )
    .expect_err("a deadline counted in days");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 1, "{shown:#?}");
    assert_eq!(
        (problems[0].line, problems[0].column),
        (17, 19),
        "{shown:#?}"
    );
    assert!(
        problems[0]
            .message
            .contains("means 30 calendar days from registration, counted from an event of a case"),
        "{shown:#?}"
    );
}

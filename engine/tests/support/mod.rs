//! Test databases: a fresh SQLite file or a fresh PostgreSQL database per test.
#![allow(dead_code)]

pub mod history;
pub mod isolation;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use mandate_engine::clock::ManualClock;
use mandate_engine::deadline::Period;
use mandate_engine::domain::{Actor, EmailAddress, InstitutionCode, UserRole};
use mandate_engine::entity::{action, institution, plan, task};
use mandate_engine::plans::{
    AssignmentChange, InstitutionDefaults, NewAction, NewIndicator, NewInstitution, NewObjective,
    NewPlan,
};
use mandate_engine::tasks::lifecycle::Lifecycles;
use mandate_engine::{Engine, db};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The variable that names the PostgreSQL server for tests (an admin URL).
pub const POSTGRES_VAR: &str = "MANDATE_TEST_POSTGRES";

/// Runs each named async test function once on SQLite and once on PostgreSQL.
/// The PostgreSQL variant is ignored, with the reason shown, unless `MANDATE_TEST_POSTGRES` is set.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::support::TestDb::sqlite().await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(postgres_tests),
                ignore = "PostgreSQL: set MANDATE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run"
            )]
            async fn postgres() {
                super::$name(super::support::TestDb::postgres().await).await
            }
        }
    )*};
}

/// A fresh, migrated database that is removed when dropped.
pub struct TestDb {
    pub url: String,
    pub db: DatabaseConnection,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh SQLite file in a temporary folder.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        let db = db::connect_and_migrate(&url)
            .await
            .expect("migrated SQLite database");
        Self {
            url,
            db,
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// A fresh database on the PostgreSQL server named by `MANDATE_TEST_POSTGRES`. Panics loudly
    /// when the variable is missing or the server is unreachable: a PostgreSQL test never passes
    /// without PostgreSQL.
    pub async fn postgres() -> Self {
        let admin = std::env::var(POSTGRES_VAR)
            .unwrap_or_else(|_| panic!("{POSTGRES_VAR} is not set: cannot run a PostgreSQL test"));
        let name = format!(
            "mandate_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_micros() % 1_000_000_000
        );
        let admin_db = db::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is unreachable ({e}); it is required because {POSTGRES_VAR} is set"));
        admin_db
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin_db.close().await.ok();
        let url = replace_database(&admin, &name);
        let db = db::connect_and_migrate(&url)
            .await
            .expect("migrated PostgreSQL database");
        Self {
            url,
            db,
            _dir: None,
            postgres: Some((admin, name)),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// A connection to this (PostgreSQL) database that can cut all the others, as a server
    /// restart would. It is its own pool's one connection, so no cut ever takes it: the test
    /// can go on reading through it (the engine's connections, used within the last seconds,
    /// are not tested before use, so each that was cut fails its next statement once).
    pub async fn cutter(&self) -> Cutter {
        Cutter {
            db: db::connect(&self.url)
                .await
                .expect("a connection to cut the others"),
        }
    }
}

/// See [`TestDb::cutter`].
pub struct Cutter {
    pub db: DatabaseConnection,
}

impl Cutter {
    /// Terminates every other connection to the database; returns how many.
    pub async fn cut(&self) -> usize {
        self.db
            .query_all_raw(Statement::from_string(
                self.db.get_database_backend(),
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            ))
            .await
            .expect("connections cut")
            .len()
    }
}

/// `postgres://u@h:p/db?x` with `db` replaced by `name`.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            let db = self.db.clone();
            std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    db.close().await.ok();
                    if let Ok(admin) = db::connect(&admin).await {
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await
                            .ok();
                        admin.close().await.ok();
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

/// 2021-01-01T00:00:00Z.
pub fn plan_start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0)
        .single()
        .expect("valid instant")
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A plan with one action assigned to a lead, a second responsible and two partners, and
/// two half-year reporting periods; plus an actor for every role around it.
pub struct Fixture {
    pub engine: Engine,
    /// The database itself, for tests that look at (or change) rows directly.
    pub db: DatabaseConnection,
    pub clock: ManualClock,
    pub plan: plan::Model,
    pub action: action::Model,
    pub owner: institution::Model,
    pub lead: institution::Model,
    pub responsible: institution::Model,
    pub partners: [institution::Model; 2],
    pub outsider: institution::Model,
    pub coordinator: Actor,
    pub admin: Actor,
    pub auditor: Actor,
}

impl Fixture {
    pub async fn new(test_db: &TestDb) -> Self {
        Self::with_lifecycles(test_db, Lifecycles::builtin().expect("default lifecycle")).await
    }

    /// The same plan, run by the lifecycle that `lifecycles` calls `default`.
    pub async fn with_lifecycles(test_db: &TestDb, lifecycles: Lifecycles) -> Self {
        Self::running(test_db, lifecycles, "default").await
    }

    /// The same plan, run by the lifecycle of `lifecycles` called `lifecycle`.
    pub async fn running(test_db: &TestDb, lifecycles: Lifecycles, lifecycle: &str) -> Self {
        let clock = ManualClock::new(plan_start_instant());
        let engine = Engine::new(test_db.db.clone(), Arc::new(clock.clone()), lifecycles);
        let admin = Actor::operator();
        let tz: chrono_tz::Tz = "Europe/Bucharest".parse().expect("time zone");
        let mut made = Vec::new();
        for (code, parent) in [
            ("ANITP", None),
            ("MAI", None),
            ("IGPR", Some("MAI")),
            ("ME", None),
            ("ONG", None),
            ("EIL", None),
            ("DIICOT", None),
        ] {
            let inst = engine
                .upsert_institution(
                    &admin,
                    NewInstitution {
                        code: InstitutionCode::parse(code).expect("code"),
                        name: Some(format!("Institution {code}")),
                        parent: parent.map(|p| InstitutionCode::parse(p).expect("code")),
                        emails: Some(vec![
                            EmailAddress::parse(&format!("{}@example.ro", code.to_lowercase()))
                                .expect("email"),
                        ]),
                        language: None,
                        time_zone: None,
                    },
                    &InstitutionDefaults {
                        language: "ro".into(),
                        time_zone: tz,
                    },
                )
                .await
                .expect("institution");
            made.push(inst);
        }
        let [owner, _mai, lead, responsible, p1, p2, outsider]: [institution::Model; 7] =
            made.try_into().expect("seven institutions");
        let plan = engine
            .create_plan(
                &admin,
                NewPlan {
                    code: "test-plan".into(),
                    title: "Plan de test".into(),
                    owner: InstitutionCode::parse("ANITP").expect("code"),
                    period_start: date(2021, 1, 1),
                    period_end: date(2021, 12, 31),
                    time_zone: tz,
                    language: "ro".into(),
                    lifecycle: lifecycle.into(),
                    reminder_policy: None,
                },
            )
            .await
            .expect("plan");
        let coordinator = Actor::user("coord@anitp.ro", UserRole::Coordinator, Some(owner.id));
        let objective = engine
            .create_objective(
                &coordinator,
                NewObjective {
                    plan_id: plan.id,
                    parent_id: None,
                    number: "1".into(),
                    title: "Prevenire".into(),
                    result: None,
                },
            )
            .await
            .expect("objective");
        let action = engine
            .create_action(
                &coordinator,
                NewAction {
                    objective_id: objective.id,
                    number: "1.1".into(),
                    text: "Campanii de informare".into(),
                    deadline: "semestrial".into(),
                    recurrence: None,
                    funding: vec!["Buget ANITP".into()],
                    indicators: vec![NewIndicator {
                        name: "Număr de campanii".into(),
                        spec: Default::default(),
                    }],
                },
            )
            .await
            .expect("action");
        engine
            .assign_action(
                &coordinator,
                action.id,
                AssignmentChange {
                    lead: Some(lead.code.clone()),
                    responsible: Some(vec![lead.code.clone(), responsible.code.clone()]),
                    partners: Some(vec![p1.code.clone(), p2.code.clone()]),
                },
            )
            .await
            .expect("assignment");
        let periods = [
            period(date(2021, 1, 1), date(2021, 6, 30)),
            period(date(2021, 7, 1), date(2021, 12, 31)),
        ];
        engine
            .open_periods(&coordinator, action.id, &periods)
            .await
            .expect("periods");
        Self {
            engine,
            db: test_db.db.clone(),
            clock,
            plan,
            action,
            owner,
            lead,
            responsible,
            partners: [p1, p2],
            outsider,
            coordinator,
            admin,
            auditor: Actor::user("audit@curtea.ro", UserRole::Auditor, None),
        }
    }

    /// A member of `institution`.
    pub fn member(&self, institution: &institution::Model) -> Actor {
        Actor::user(
            format!("user@{}.ro", institution.code.to_lowercase()),
            UserRole::Member,
            Some(institution.id),
        )
    }

    /// The task of `institution` in the first period.
    pub async fn task_of(&self, institution: &institution::Model) -> task::Model {
        use mandate_engine::reads::TaskFilter;
        let tasks = self
            .engine
            .tasks(
                &self.admin,
                &TaskFilter {
                    institution_id: Some(institution.id),
                    plan_id: Some(self.plan.id),
                    ..Default::default()
                },
                None,
                10,
            )
            .await
            .expect("tasks");
        tasks.into_iter().next().expect("a task")
    }
}

/// Imports the bundled anti-trafficking plan (seed 000: 520 tasks over 2021–2022) as the
/// operator into `db`, and gives every institution one address, `<code>@example.ro`.
pub async fn import_anti_trafficking_plan(engine: &Engine, db: &DatabaseConnection) {
    use mandate_engine::entity::institution;
    use mandate_engine::plans::plan_file;
    use sea_orm::EntityTrait;

    let source = include_str!("../../../workflows/plans/pna-trafic-2021-2022.yaml");
    let draft = plan_file::parse(source, "pna.yaml", None, engine.lifecycles()).expect("plan file");
    let operator = Actor::operator();
    engine
        .import_plan(&operator, &draft, false)
        .await
        .expect("import");
    for i in institution::Entity::find()
        .all(db)
        .await
        .expect("institutions")
    {
        let address =
            EmailAddress::parse(&format!("{}@example.ro", i.code.to_lowercase())).expect("address");
        engine
            .set_institution_emails(&operator, &i.code, &[address])
            .await
            .expect("addresses");
    }
}

/// A period ending at 23:59:59 Bucharest time (UTC+2 in winter, +3 in summer) on `end`.
pub fn period(start: NaiveDate, end: NaiveDate) -> Period {
    use chrono::TimeZone;
    let tz: chrono_tz::Tz = "Europe/Bucharest".parse().expect("tz");
    let due = tz
        .from_local_datetime(&end.and_hms_opt(23, 59, 59).expect("time"))
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc);
    Period { start, end, due }
}

//! Who may do what over the API: every mutation × role × own/other institution, on SQLite and PostgreSQL.
mod app;
#[path = "../../engine/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Days;
use mandate_engine::entity::{assignment, reporting_period, task};
use mandate_engine::plans::{AssignmentChange, NewAction};
use mandate_engine::reads::TaskFilter;
use mandate_engine::tasks::{Fire, ReportInput};
use mandate_engine::{Actor, UserRole};
use mandate_graphql::ServerConfig;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use app::{TestApp, data, error_code, error_message};
use support::{Fixture, TestDb, date, period};

on_both_databases!(mutation_matrix, read_scopes);

/// The columns of the matrix: a role, the user who signs in with it, and what it acts for.
/// Task mutations target a task of ME, a responsible institution of the action that is not its lead.
const ROLES: [(&str, &str, UserRole, Option<&str>); 7] = [
    // Everything, on every plan.
    ("admin", "admin@mandate.test", UserRole::Admin, None),
    // Coordinator of ANITP, which owns the plan.
    (
        "coordinator",
        "coord@anitp.ro",
        UserRole::Coordinator,
        Some("ANITP"),
    ),
    // Coordinator of DIICOT, which owns no plan and takes no part in the action.
    (
        "other_coordinator",
        "coord@diicot.ro",
        UserRole::Coordinator,
        Some("DIICOT"),
    ),
    // Member of ME: the target task's own institution.
    ("member_own", "user@me.ro", UserRole::Member, Some("ME")),
    // Member of DIICOT: another institution.
    (
        "member_other",
        "user@diicot.ro",
        UserRole::Member,
        Some("DIICOT"),
    ),
    // Member of IGPR, the action's lead, acting on ME's task.
    (
        "lead_member",
        "user@igpr.ro",
        UserRole::Member,
        Some("IGPR"),
    ),
    // Reads everything, changes nothing.
    ("auditor", "audit@curtea.ro", UserRole::Auditor, None),
];

/// A member of ANITP (the plan owner's institution), the target of user and token rows.
const ANITP_STAFF: &str = "staff@anitp.ro";
/// A member of DIICOT, the target of user and token rows.
const DIICOT_STAFF: &str = "staff@diicot.ro";

const Y: bool = true;
const N: bool = false;

/// Mutation (with its target) × role → allowed. Allowed: no error and the change is made.
/// Refused: `FORBIDDEN`, or `NOT_FOUND` where the actor may not read the target (a task, an
/// action, another's token), so that nothing tells it exists; and nothing changes.
#[rustfmt::skip]
const MATRIX: &[(&str, [bool; 7])] = &[
    //                                    admin coord other_coord member_own member_other lead_member auditor
    // ME's task; the lifecycle says who fires what (workflows/lifecycles/default.yaml).
    ("acknowledgeTask",                  [N,    N,    N,          Y,         N,           N,          N]),
    ("declineTask",                      [N,    N,    N,          Y,         N,           N,          N]),
    ("startTask",                        [N,    N,    N,          Y,         N,           N,          N]),
    ("submitReport",                     [N,    N,    N,          Y,         N,           N,          N]),
    ("approveTask",                      [Y,    Y,    N,          N,         N,           Y,          N]),
    ("returnTask",                       [Y,    Y,    N,          N,         N,           Y,          N]),
    ("cancelTask",                       [Y,    Y,    N,          N,         N,           N,          N]),
    // The plan's coordination.
    ("approveActionPeriod",              [Y,    Y,    N,          N,         N,           N,          N]),
    ("assignAction",                     [Y,    Y,    N,          N,         N,           N,          N]),
    ("importPlan",                       [Y,    Y,    N,          N,         N,           N,          N]),
    // Users: a coordinator creates members of its own institution only.
    ("createUser(MEMBER of ANITP)",      [Y,    Y,    N,          N,         N,           N,          N]),
    ("createUser(MEMBER of DIICOT)",     [Y,    N,    Y,          N,         N,           N,          N]),
    ("createUser(COORDINATOR of ANITP)", [Y,    N,    N,          N,         N,           N,          N]),
    // Tokens: anyone for themself, a coordinator for the members of its institution.
    ("issueToken(member of ANITP)",      [Y,    Y,    N,          N,         N,           N,          N]),
    ("issueToken(member of DIICOT)",     [Y,    N,    Y,          N,         N,           N,          N]),
    ("issueToken(self)",                 [Y,    Y,    Y,          Y,         Y,           Y,          Y]),
    ("revokeToken(member of ANITP)",     [Y,    Y,    N,          N,         N,           N,          N]),
    ("revokeToken(self)",                [Y,    Y,    Y,          Y,         Y,           Y,          Y]),
];

/// A task mutation: the state its target must be in, the state it leads to, and the operation.
fn task_mutation(name: &str) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match name {
        "acknowledgeTask" => (
            "pending",
            "acknowledged",
            r#"mutation($id: ID!, $version: Int!) {
                acknowledgeTask(id: $id, version: $version, comment: "Am luat la cunoștință") { id version state }
            }"#,
        ),
        "declineTask" => (
            "pending",
            "declined",
            r#"mutation($id: ID!, $version: Int!) {
                declineTask(id: $id, version: $version, reason: "Nu este de competența noastră") { id version state }
            }"#,
        ),
        "startTask" => (
            "acknowledged",
            "in_progress",
            r#"mutation($id: ID!, $version: Int!) {
                startTask(id: $id, version: $version) { id version state }
            }"#,
        ),
        "submitReport" => (
            "in_progress",
            "submitted",
            r#"mutation($id: ID!, $version: Int!) {
                submitReport(
                    id: $id,
                    version: $version,
                    indicatorValues: [{ indicator: "Număr de campanii", value: 3 }],
                    narrative: "Trei campanii derulate",
                    evidenceUrls: ["https://anitp.mai.gov.ro/campanie"]
                ) { id version state }
            }"#,
        ),
        "approveTask" => (
            "submitted",
            "signed_off",
            r#"mutation($id: ID!, $version: Int!) {
                approveTask(id: $id, version: $version, comment: "Aprobat") { id version state }
            }"#,
        ),
        "returnTask" => (
            "submitted",
            "in_progress",
            r#"mutation($id: ID!, $version: Int!) {
                returnTask(id: $id, version: $version, reason: "Lipsesc dovezile") { id version state }
            }"#,
        ),
        "cancelTask" => (
            "pending",
            "cancelled",
            r#"mutation($id: ID!, $version: Int!) {
                cancelTask(id: $id, version: $version, reason: "Activitate retrasă") { id version state }
            }"#,
        ),
        _ => return None,
    })
}

const APPROVE_PERIOD: &str = r#"mutation($period: ID!) {
    approveActionPeriod(periodId: $period, comment: "Raport consolidat aprobat") { id approvedAt }
}"#;

const ASSIGN: &str = r#"mutation($action: ID!, $lead: String!, $responsible: [String!]!, $partners: [String!]!) {
    assignAction(actionId: $action, lead: $lead, responsible: $responsible, partners: $partners) { action { id } }
}"#;

const IMPORT: &str = r#"mutation($yaml: String!) {
    importPlan(yaml: $yaml) { planCode dryRun }
}"#;

const CREATE_USER: &str = r#"mutation($email: String!, $role: Role!, $institution: String) {
    createUser(email: $email, name: "Utilizator nou", role: $role, institution: $institution) { email }
}"#;

const ISSUE_TOKEN: &str = r#"mutation($email: String!) {
    issueToken(email: $email, expiresInDays: 30, label: "matrix") { token record { id } }
}"#;

const REVOKE_TOKEN: &str = r#"mutation($id: ID!) {
    revokeToken(id: $id) { id revokedAt }
}"#;

/// Two ways to assign the spare action (lead, responsible, partners); each `assignAction` case
/// asks for the one the action does not have, so that every case asks for a change.
const SHAPES: [(&str, &[&str], &[&str]); 2] =
    [("ME", &["ME"], &[]), ("IGPR", &["IGPR", "ME"], &["ONG"])];

/// A minimal plan file owned by ANITP, with institutions as the fixture has them.
fn plan_yaml(code: &str) -> String {
    format!(
        r#"plan:
  code: "{code}"
  title: "Plan de verificare a drepturilor"
  owner: ANITP
  period: 2021-01-01..2021-12-31
  time_zone: Europe/Bucharest
  language: ro
institutions:
  - code: ANITP
    name: Institution ANITP
    emails: [anitp@example.ro]
  - code: ME
    name: Institution ME
    emails: [me@example.ro]
objectives:
  - number: "1"
    title: "Prevenire"
    actions:
      - number: "1.1"
        text: "Campanii de informare"
        deadline: "2021"
        responsible: ["ME"]
"#
    )
}

/// A report the fixture action accepts.
fn report() -> ReportInput {
    ReportInput {
        indicator_values: BTreeMap::from([("Număr de campanii".to_owned(), json!(3))]),
        narrative: "Raport".to_owned(),
        evidence: vec!["https://anitp.mai.gov.ro/campanie".to_owned()],
    }
}

/// The e-mail of a role's user.
fn email_of(role: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(name, ..)| *name == role)
        .map(|(_, email, ..)| *email)
        .unwrap_or_else(|| panic!("no role `{role}`"))
}

/// Notes `what` unless `holds`.
fn require(problems: &mut Vec<String>, holds: bool, what: impl FnOnce() -> String) {
    if !holds {
        problems.push(what());
    }
}

/// Whether the answer is what the matrix says: no error when allowed, `FORBIDDEN` when not.
fn verdict(answer: &Value, allowed: bool) -> Vec<String> {
    match (allowed, error_code(answer)) {
        (true, None) => vec![],
        (false, Some(code)) if code == "FORBIDDEN" => vec![],
        (true, Some(code)) => vec![format!(
            "expected it allowed, got {code}: {}",
            error_message(answer)
        )],
        (false, None) => vec!["expected FORBIDDEN, but it was allowed".to_owned()],
        (false, Some(code)) => vec![format!(
            "expected FORBIDDEN, got {code}: {}",
            error_message(answer)
        )],
    }
}

/// As [`verdict`], for operations that refuse as if the record did not exist (`NOT_FOUND`), so
/// that nobody learns whose it is.
fn verdict_hiding(answer: &Value, allowed: bool) -> Vec<String> {
    match (allowed, error_code(answer).as_deref()) {
        (false, Some("NOT_FOUND")) => vec![],
        (false, Some(code)) => vec![format!(
            "expected NOT_FOUND, got {code}: {}",
            error_message(answer)
        )],
        _ => verdict(answer, allowed),
    }
}

/// As [`verdict`] for an object the actor `reads`, else as [`verdict_hiding`]: what an actor may
/// not read is not found, before any other check.
fn verdict_for_reader(answer: &Value, allowed: bool, reads: bool) -> Vec<String> {
    if reads {
        verdict(answer, allowed)
    } else {
        verdict_hiding(answer, allowed)
    }
}

/// The fixture, a server over it, and a token for every role.
struct World {
    f: Fixture,
    app: TestApp,
    tokens: BTreeMap<&'static str, String>,
    /// Makes every fresh period day, plan code and e-mail distinct.
    counter: AtomicU32,
}

impl World {
    async fn new(db: &TestDb) -> Self {
        let f = Fixture::new(db).await;
        let app = TestApp::spawn(f.engine.clone(), ServerConfig::default()).await;
        let mut tokens = BTreeMap::new();
        for (role, email, user_role, institution) in ROLES {
            tokens.insert(role, app.token_for(email, user_role, institution).await);
        }
        Self {
            f,
            app,
            tokens,
            counter: AtomicU32::new(0),
        }
    }

    fn next(&self) -> u32 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Whether `role` reads the `field` (`task`, `action`) with global id `id`.
    async fn reads(&self, role: &str, field: &str, id: &str) -> bool {
        let query = format!("query($id: ID!) {{ {field}(id: $id) {{ id }} }}");
        let answer = self.gql(role, &query, json!({ "id": id })).await;
        match error_code(&answer).as_deref() {
            None => true,
            Some("NOT_FOUND") => false,
            Some(other) => panic!("{field}({id}) as {role}: {other}"),
        }
    }

    /// Runs an operation with the token of `role`.
    async fn gql(&self, role: &str, query: &str, variables: Value) -> Value {
        self.app.gql(&self.tokens[role], query, variables).await
    }

    /// The codes of the plans `role` sees.
    async fn plan_codes(&self, role: &str) -> Vec<String> {
        let answer = self.gql(role, "{ plans { code } }", json!({})).await;
        data(&answer)["plans"]
            .as_array()
            .expect("a list of plans")
            .iter()
            .filter_map(|p| p["code"].as_str().map(str::to_owned))
            .collect()
    }

    /// The e-mail of the user `token` signs in as, or the error code it is refused with.
    async fn signs_in_as(&self, token: &str) -> Result<String, String> {
        let answer = self.app.gql(token, "{ viewer { email } }", json!({})).await;
        match answer["data"]["viewer"]["email"].as_str() {
            Some(email) => Ok(email.to_owned()),
            None => Err(error_code(&answer).unwrap_or_else(|| format!("no e-mail in {answer}"))),
        }
    }

    /// The tasks of a new one-day period of the fixture action (a different day at each call).
    async fn fresh_period(&self) -> Vec<task::Model> {
        let day = date(2021, 3, 1)
            .checked_add_days(Days::new(u64::from(self.next())))
            .expect("a day of 2021");
        self.f
            .engine
            .open_periods(&self.f.coordinator, self.f.action.id, &[period(day, day)])
            .await
            .expect("a fresh period")
    }

    /// Fires `transitions` on `task` as `actor`, through the engine.
    async fn drive(&self, task: task::Model, actor: &Actor, transitions: &[&str]) -> task::Model {
        let mut task = task;
        for &transition in transitions {
            let mut fire = Fire::new(task.id, task.version, transition);
            if transition == "submit" {
                fire = fire.report(report());
            }
            let id = task.id;
            task = self.f.engine.fire(actor, fire).await.unwrap_or_else(|e| {
                panic!(
                    "preparing: {} cannot {transition} task {id}: {e}",
                    actor.name
                )
            });
        }
        task
    }

    /// A fresh task of ME in `state`, brought there by ME's member.
    async fn task_of_me_in(&self, state: &str) -> task::Model {
        let me = self.f.responsible.id;
        let task = self
            .fresh_period()
            .await
            .into_iter()
            .find(|t| t.institution_id == me)
            .expect("a task of ME in the fresh period");
        let path: &[&str] = match state {
            "pending" => &[],
            "acknowledged" => &["acknowledge"],
            "in_progress" => &["acknowledge", "start"],
            "submitted" => &["acknowledge", "start", "submit"],
            other => panic!("no way to prepare a task in `{other}`"),
        };
        self.drive(task, &self.f.member(&self.f.responsible), path)
            .await
    }

    async fn reload(&self, id: i64) -> task::Model {
        task::Entity::find_by_id(id)
            .one(&self.f.db)
            .await
            .expect("read the task")
            .expect("the task exists")
    }

    async fn events_of(&self, task_id: i64) -> usize {
        self.f
            .engine
            .task_history(&self.f.admin, task_id)
            .await
            .expect("task history")
            .len()
    }

    /// The number of events of the fixture action (its tasks' and its own).
    async fn action_events(&self) -> usize {
        self.f
            .engine
            .action_history(&self.f.admin, self.f.action.id)
            .await
            .expect("action history")
            .len()
    }

    async fn institution_id(&self, code: &str) -> i64 {
        self.f
            .engine
            .institution(&self.f.admin, code)
            .await
            .expect("institution")
            .id
    }

    /// An action's assignments as (institution, role, lead), sorted.
    async fn assignments(&self, action_id: i64) -> Vec<(i64, String, bool)> {
        let mut found: Vec<(i64, String, bool)> = assignment::Entity::find()
            .filter(assignment::Column::ActionId.eq(action_id))
            .all(&self.f.db)
            .await
            .expect("assignments")
            .into_iter()
            .map(|a| (a.institution_id, a.role, a.lead))
            .collect();
        found.sort();
        found
    }

    async fn token_count(&self, email: &str) -> usize {
        self.f
            .engine
            .tokens_of(&Actor::operator(), email)
            .await
            .expect("tokens")
            .len()
    }

    /// One cell of the matrix: what went differently from it (nothing, when it holds).
    async fn case(
        &self,
        mutation: &str,
        role: &str,
        allowed: bool,
        spare_action: i64,
    ) -> Vec<String> {
        if let Some(spec) = task_mutation(mutation) {
            return self.task_case(mutation, spec, role, allowed).await;
        }
        match mutation {
            "approveActionPeriod" => self.period_case(role, allowed).await,
            "assignAction" => self.assign_case(spare_action, role, allowed).await,
            "importPlan" => self.import_case(role, allowed).await,
            "createUser(MEMBER of ANITP)" => {
                self.create_user_case("MEMBER", "ANITP", role, allowed)
                    .await
            }
            "createUser(MEMBER of DIICOT)" => {
                self.create_user_case("MEMBER", "DIICOT", role, allowed)
                    .await
            }
            "createUser(COORDINATOR of ANITP)" => {
                self.create_user_case("COORDINATOR", "ANITP", role, allowed)
                    .await
            }
            "issueToken(member of ANITP)" => self.issue_case(ANITP_STAFF, role, allowed).await,
            "issueToken(member of DIICOT)" => self.issue_case(DIICOT_STAFF, role, allowed).await,
            "issueToken(self)" => self.issue_case(email_of(role), role, allowed).await,
            "revokeToken(member of ANITP)" => self.revoke_case(ANITP_STAFF, role, allowed).await,
            "revokeToken(self)" => self.revoke_case(email_of(role), role, allowed).await,
            other => panic!("the matrix names an unknown mutation `{other}`"),
        }
    }

    /// A task mutation on a fresh task of ME in the state it needs.
    async fn task_case(
        &self,
        field: &str,
        (from, to, operation): (&str, &str, &str),
        role: &str,
        allowed: bool,
    ) -> Vec<String> {
        let before = self.task_of_me_in(from).await;
        let events = self.events_of(before.id).await;
        let id = format!("Task:{}", before.id);
        let reads = self.reads(role, "task", &id).await;
        let variables = json!({ "id": id, "version": before.version });
        let answer = self.gql(role, operation, variables).await;
        let mut problems = verdict_for_reader(&answer, allowed, reads);
        let after = self.reload(before.id).await;
        let events_after = self.events_of(before.id).await;
        let (state, version, events_expected) = if allowed {
            (to, before.version + 1, events + 1)
        } else {
            (before.state.as_str(), before.version, events)
        };
        require(
            &mut problems,
            after.state == state && after.version == version,
            || {
                format!(
                    "task {} is {} v{}, expected {state} v{version}",
                    after.id, after.state, after.version
                )
            },
        );
        require(&mut problems, events_after == events_expected, || {
            format!(
                "task {} has {events_after} events, expected {events_expected}",
                after.id
            )
        });
        if allowed {
            let answered = answer["data"][field]["state"].as_str();
            require(&mut problems, answered == Some(to), || {
                format!("answered state {answered:?}, expected {to}")
            });
        }
        problems
    }

    /// `approveActionPeriod` on a fresh period whose responsible tasks (IGPR's and ME's) are
    /// signed off, so that only the actor decides.
    async fn period_case(&self, role: &str, allowed: bool) -> Vec<String> {
        let tasks = self.fresh_period().await;
        let period_id = tasks.first().expect("tasks in the fresh period").period_id;
        for institution in [&self.f.lead, &self.f.responsible] {
            let task = tasks
                .iter()
                .find(|t| t.institution_id == institution.id)
                .expect("a task of each responsible institution")
                .clone();
            let member = self.f.member(institution);
            let submitted = self
                .drive(task, &member, &["acknowledge", "start", "submit"])
                .await;
            self.drive(submitted, &self.f.coordinator, &["approve"])
                .await;
        }
        let events = self.action_events().await;
        let reads = self
            .reads(role, "action", &format!("Action:{}", self.f.action.id))
            .await;
        let variables = json!({ "period": format!("Period:{period_id}") });
        let answer = self.gql(role, APPROVE_PERIOD, variables).await;
        let mut problems = verdict_for_reader(&answer, allowed, reads);
        let approved_at = reporting_period::Entity::find_by_id(period_id)
            .one(&self.f.db)
            .await
            .expect("read the period")
            .expect("the period exists")
            .approved_at;
        require(&mut problems, approved_at.is_some() == allowed, || {
            format!("period {period_id} approvedAt is {approved_at:?}")
        });
        let events_after = self.action_events().await;
        let events_expected = if allowed { events + 1 } else { events };
        require(&mut problems, events_after == events_expected, || {
            format!("the action has {events_after} events, expected {events_expected}")
        });
        problems
    }

    /// `assignAction` on the spare action, asking for the shape it does not have.
    async fn assign_case(&self, action_id: i64, role: &str, allowed: bool) -> Vec<String> {
        let before = self.assignments(action_id).await;
        let me = self.f.responsible.id;
        let me_leads = before.iter().any(|(id, _, lead)| *lead && *id == me);
        let (lead, responsible, partners) = SHAPES[usize::from(me_leads)];
        let mut wanted = vec![(
            self.institution_id(lead).await,
            "responsible".to_owned(),
            true,
        )];
        for code in responsible.iter().filter(|c| **c != lead) {
            wanted.push((
                self.institution_id(code).await,
                "responsible".to_owned(),
                false,
            ));
        }
        for code in partners {
            wanted.push((self.institution_id(code).await, "partner".to_owned(), false));
        }
        wanted.sort();
        let variables = json!({
            "action": format!("Action:{action_id}"),
            "lead": lead,
            "responsible": responsible,
            "partners": partners,
        });
        let reads = self
            .reads(role, "action", &format!("Action:{action_id}"))
            .await;
        let answer = self.gql(role, ASSIGN, variables).await;
        let mut problems = verdict_for_reader(&answer, allowed, reads);
        let after = self.assignments(action_id).await;
        let expected = if allowed { wanted } else { before };
        require(&mut problems, after == expected, || {
            format!("assignments are {after:?}, expected {expected:?}")
        });
        problems
    }

    /// `importPlan` of a new plan owned by ANITP, with a code of its own.
    async fn import_case(&self, role: &str, allowed: bool) -> Vec<String> {
        let code = format!("authz-{}", self.next());
        let answer = self
            .gql(role, IMPORT, json!({ "yaml": plan_yaml(&code) }))
            .await;
        let mut problems = verdict(&answer, allowed);
        let exists = self.plan_codes("admin").await.contains(&code);
        require(&mut problems, exists == allowed, || {
            format!("plan `{code}` exists: {exists}")
        });
        problems
    }

    /// `createUser` of a `user_role` of `institution`, with an e-mail of its own.
    async fn create_user_case(
        &self,
        user_role: &str,
        institution: &str,
        role: &str,
        allowed: bool,
    ) -> Vec<String> {
        let email = format!("new{}@{}.ro", self.next(), institution.to_lowercase());
        let variables = json!({ "email": email, "role": user_role, "institution": institution });
        let answer = self.gql(role, CREATE_USER, variables).await;
        let mut problems = verdict(&answer, allowed);
        let exists = self.f.engine.user_by_email(&email).await.is_ok();
        require(&mut problems, exists == allowed, || {
            format!("user {email} exists: {exists}")
        });
        problems
    }

    /// `issueToken` for the user `target`.
    async fn issue_case(&self, target: &str, role: &str, allowed: bool) -> Vec<String> {
        let before = self.token_count(target).await;
        let answer = self
            .gql(role, ISSUE_TOKEN, json!({ "email": target }))
            .await;
        let mut problems = verdict(&answer, allowed);
        let after = self.token_count(target).await;
        let expected = if allowed { before + 1 } else { before };
        require(&mut problems, after == expected, || {
            format!("{target} has {after} tokens, expected {expected}")
        });
        if allowed && let Some(token) = answer["data"]["issueToken"]["token"].as_str() {
            let signed_in = self.signs_in_as(token).await;
            require(&mut problems, signed_in.as_deref() == Ok(target), || {
                format!("the issued token signs in as {signed_in:?}, expected {target}")
            });
        }
        problems
    }

    /// `revokeToken` of a fresh token of the user `target`.
    async fn revoke_case(&self, target: &str, role: &str, allowed: bool) -> Vec<String> {
        let victim = self
            .f
            .engine
            .issue_token(
                &Actor::operator(),
                target,
                None,
                Some("to revoke".to_owned()),
            )
            .await
            .expect("a token to revoke");
        assert_eq!(
            self.signs_in_as(&victim.token).await.as_deref(),
            Ok(target),
            "preparing: a fresh token of {target} signs in"
        );
        let variables = json!({ "id": format!("Token:{}", victim.record.id) });
        let answer = self.gql(role, REVOKE_TOKEN, variables).await;
        let mut problems = verdict_hiding(&answer, allowed);
        let signed_in = self.signs_in_as(&victim.token).await;
        let expected = if allowed {
            Err("UNAUTHENTICATED".to_owned())
        } else {
            Ok(target.to_owned())
        };
        require(&mut problems, signed_in == expected, || {
            format!("the token afterwards: {signed_in:?}, expected {expected:?}")
        });
        problems
    }
}

async fn mutation_matrix(db: TestDb) {
    let world = World::new(&db).await;
    let f = &world.f;
    // A second action of the plan, without periods (so no tasks), for `assignAction` to change
    // back and forth without touching the fixture action's tasks.
    let spare = f
        .engine
        .create_action(
            &f.coordinator,
            NewAction {
                objective_id: f.action.objective_id,
                number: "1.2".into(),
                text: "Ghid de identificare a victimelor".into(),
                deadline: "2021".into(),
                recurrence: None,
                funding: vec![],
                indicators: vec![],
            },
        )
        .await
        .expect("spare action");
    let (lead, _, _) = SHAPES[0];
    f.engine
        .assign_action(
            &f.coordinator,
            spare.id,
            AssignmentChange {
                lead: Some(lead.to_owned()),
                responsible: Some(vec![lead.to_owned()]),
                partners: Some(vec![]),
            },
        )
        .await
        .expect("spare action assigned");
    // Targets of the user and token rows (their own tokens are not used).
    world
        .app
        .token_for(ANITP_STAFF, UserRole::Member, Some("ANITP"))
        .await;
    world
        .app
        .token_for(DIICOT_STAFF, UserRole::Member, Some("DIICOT"))
        .await;

    let mut mismatches = Vec::new();
    let mut cases = 0;
    for (mutation, row) in MATRIX {
        for ((role, ..), &allowed) in ROLES.iter().zip(row) {
            cases += 1;
            let expectation = if allowed { "allow" } else { "deny" };
            let problems = world.case(mutation, role, allowed, spare.id).await;
            mismatches.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{mutation} as {role} (expected {expectation}): {p}")),
            );
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} problem(s) in {cases} cases of the matrix:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

async fn read_scopes(db: TestDb) {
    let world = World::new(&db).await;
    let f = &world.f;
    let mut problems = Vec::new();

    // One task of ME: its institution, the action's lead, the plan's coordinator, admins and
    // auditors read it; to an institution with no part in it, it is not found, as an id nobody
    // has.
    let me_task = f.task_of(&f.responsible).await;
    let task_query = "query($id: ID!) { task(id: $id) { id state } }";
    let me_task_id = format!("Task:{}", me_task.id);
    for (role, code) in [
        ("member_own", None),
        ("lead_member", None),
        ("coordinator", None),
        ("admin", None),
        ("auditor", None),
        ("member_other", Some("NOT_FOUND")),
        ("other_coordinator", Some("NOT_FOUND")),
    ] {
        let answer = world
            .gql(role, task_query, json!({ "id": me_task_id }))
            .await;
        let got = error_code(&answer);
        require(&mut problems, got.as_deref() == code, || {
            format!("task({me_task_id}) as {role}: got {got:?}, expected {code:?}")
        });
        if code.is_none() {
            let id = answer["data"]["task"]["id"].as_str();
            require(&mut problems, id == Some(me_task_id.as_str()), || {
                format!("task({me_task_id}) as {role} answered id {id:?}")
            });
        }
    }
    for role in ["admin", "member_own", "member_other"] {
        let answer = world
            .gql(role, task_query, json!({ "id": "Task:999999" }))
            .await;
        let got = error_code(&answer);
        require(&mut problems, got.as_deref() == Some("NOT_FOUND"), || {
            format!("task(Task:999999) as {role}: got {got:?}, expected NOT_FOUND")
        });
    }

    // Task lists count only what the viewer may read.
    let count = |filter: TaskFilter| {
        let engine = f.engine.clone();
        async move {
            engine
                .count_tasks(&Actor::operator(), &filter)
                .await
                .expect("count tasks")
        }
    };
    let all = count(TaskFilter::default()).await;
    let of_plan = count(TaskFilter {
        plan_id: Some(f.plan.id),
        ..Default::default()
    })
    .await;
    let of = |institution: i64| TaskFilter {
        institution_id: Some(institution),
        ..Default::default()
    };
    let of_me = count(of(f.responsible.id)).await;
    // The lead reads its own tasks and every task of the action it leads.
    let of_lead = count(TaskFilter {
        action_id: Some(f.action.id),
        ..Default::default()
    })
    .await;
    assert!(of_lead > count(of(f.lead.id)).await);
    assert!(
        0 < of_me && of_me < all,
        "the fixture gives ME some of the tasks, not all ({of_me} of {all})"
    );
    for (role, expected) in [
        ("member_own", of_me),
        ("lead_member", of_lead),
        ("member_other", 0),
        ("other_coordinator", 0),
        ("coordinator", of_plan),
        ("auditor", all),
        ("admin", all),
    ] {
        let answer = world.gql(role, "{ tasks { totalCount } }", json!({})).await;
        let total = answer["data"]["tasks"]["totalCount"].as_u64();
        require(&mut problems, total == Some(expected), || {
            format!(
                "tasks.totalCount as {role}: {total:?}, expected {expected} ({})",
                error_message(&answer)
            )
        });
    }

    // Plans: those owned, those taken part in; none for an institution with no part.
    for (role, sees) in [
        ("coordinator", true),
        ("member_own", true),
        ("auditor", true),
        ("member_other", false),
        ("other_coordinator", false),
    ] {
        let codes = world.plan_codes(role).await;
        let expected: Vec<String> = if sees {
            vec![f.plan.code.clone()]
        } else {
            vec![]
        };
        require(&mut problems, codes == expected, || {
            format!("plans as {role}: {codes:?}, expected {expected:?}")
        });
    }

    // The action: read by the institutions assigned to it, not found for others.
    let action_query = "query($id: ID!) { action(id: $id) { id number } }";
    let action_id = format!("Action:{}", f.action.id);
    for (role, code) in [
        ("member_own", None),
        ("lead_member", None),
        ("coordinator", None),
        ("member_other", Some("NOT_FOUND")),
        ("other_coordinator", Some("NOT_FOUND")),
    ] {
        let answer = world
            .gql(role, action_query, json!({ "id": action_id }))
            .await;
        let got = error_code(&answer);
        require(&mut problems, got.as_deref() == code, || {
            format!("action({action_id}) as {role}: got {got:?}, expected {code:?}")
        });
        if code.is_none() {
            let id = answer["data"]["action"]["id"].as_str();
            require(&mut problems, id == Some(action_id.as_str()), || {
                format!("action({action_id}) as {role} answered id {id:?}")
            });
        }
    }

    assert!(
        problems.is_empty(),
        "{} read scope problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

//! Task lifecycles as data: states, transitions, who may fire them, which transitions play the
//! roles the engine knows and what the states mean, and when an action period is complete. The
//! default lives in `workflows/lifecycles/default.yaml`; a plan may name another.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::deadline::RelativeDeadline;

/// The lifecycle every plan uses unless it names another.
pub const DEFAULT_LIFECYCLE: &str = "default";
const DEFAULT_SOURCE: &str = include_str!("../../../workflows/lifecycles/default.yaml");

/// The lifecycles built into the binary besides the default: (file, YAML).
const BUILTIN_SOURCES: [(&str, &str); 1] = [(
    "workflows/lifecycles/petition.yaml",
    include_str!("../../../workflows/lifecycles/petition.yaml"),
)];

pub use crate::error::LifecycleError;

/// Who, relative to a task, may fire a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// A coordinator of the institution that owns the plan, or an admin.
    Coordinator,
    /// A user of the institution the task belongs to.
    TaskInstitution,
    /// A user of the action's lead responsible institution, on another institution's task.
    LeadInstitution,
}

impl fmt::Display for ActorRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Coordinator => "coordinator",
            Self::TaskInstitution => "task_institution",
            Self::LeadInstitution => "lead_institution",
        })
    }
}

/// What a transition needs besides the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// A non-empty reason.
    Reason,
    /// A report (indicator values, narrative, evidence).
    Report,
}

/// Which responsible institutions must have signed off for an action period to be complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionRule {
    /// Every responsible institution.
    AllResponsible,
    /// The lead responsible institution alone.
    LeadOnly,
    /// At least N of the responsible institutions (all of them when fewer than N).
    AtLeast(u32),
}

/// A part the engine needs a transition to play; a lifecycle's `roles` says which transition
/// plays each, so that engine and API code never spell a transition's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// What an e-mail acknowledgement link fires; the acknowledgement chase waits for it.
    Acknowledge,
    /// The institution refuses the task.
    Decline,
    /// Work begins.
    Start,
    /// Carries the report.
    Submit,
    /// Accepts the work: leads to the `done` state.
    SignOff,
    /// Sends work back; its reason is mailed.
    Return,
    /// Withdrawal when the plan changes, and `cancelTask`.
    Cancel,
}

impl Role {
    /// Every role, in the order the file lists them.
    pub const ALL: [Role; 7] = [
        Role::Acknowledge,
        Role::Decline,
        Role::Start,
        Role::Submit,
        Role::SignOff,
        Role::Return,
        Role::Cancel,
    ];

    /// The role's key in a lifecycle file.
    pub fn key(self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Decline => "decline",
            Self::Start => "start",
            Self::Submit => "submit",
            Self::SignOff => "sign_off",
            Self::Return => "return",
            Self::Cancel => "cancel",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What a state means to the engine (a lifecycle file's `meaning:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// Waiting for acknowledgement: the acknowledgement chase reminds it.
    Waiting,
    /// Signed off: the work is accepted and counts towards completion (exactly one state).
    Done,
    /// Refused by the institution.
    Declined,
    /// Withdrawn.
    Cancelled,
}

impl fmt::Display for Meaning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Waiting => "waiting",
            Self::Done => "done",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
        })
    }
}

/// What a transition moves the task to besides a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Another institution (forwarding): firing names it, and the task moves to it.
    Institution,
}

/// A transition that moves the task's due date on (an extension of the term).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The wording as written ("15 zile").
    pub wording: String,
    /// The days it adds, counted from the current due date.
    pub by: RelativeDeadline,
    /// How many times a task may be extended this way (`None`: no limit).
    pub at_most: Option<u32>,
}

/// One transition of a lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub name: String,
    pub from: BTreeSet<String>,
    pub to: String,
    pub by: Vec<ActorRole>,
    pub requires: Option<Requirement>,
    /// Firing it names another institution, to which the task moves.
    pub target: Option<Target>,
    /// Firing it moves the task's due date on, and always requires a reason.
    pub extends_due: Option<Extension>,
}

/// The completion rule of an action period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub rule: CompletionRule,
    /// The state with `meaning: done`.
    pub signed_off_state: String,
    pub coordinator_approval: bool,
}

/// A validated lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    pub name: String,
    pub initial: String,
    states: Vec<String>,
    terminal: BTreeSet<String>,
    meanings: HashMap<String, Meaning>,
    transitions: Vec<Transition>,
    roles: BTreeMap<Role, String>,
    pub completion: Completion,
}

impl Lifecycle {
    /// The built-in default lifecycle.
    pub fn default_lifecycle() -> Result<Self, LifecycleError> {
        Self::parse(DEFAULT_SOURCE, "workflows/lifecycles/default.yaml")
    }

    /// Reads and validates a lifecycle file.
    pub fn load(path: &Path) -> Result<Self, LifecycleError> {
        let file = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|e| LifecycleError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(&source, &file)
    }

    /// Parses and validates a lifecycle; `file` names the source in errors.
    pub fn parse(source: &str, file: &str) -> Result<Self, LifecycleError> {
        let raw: RawLifecycle = serde_saphyr::from_str(source).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            LifecycleError {
                file: file.to_owned(),
                line,
                column,
                message: first_line(&e.to_string()),
            }
        })?;
        raw.validate(file)
    }

    /// Every state, in definition order.
    pub fn states(&self) -> &[String] {
        &self.states
    }

    /// Whether `state` ends the task's life.
    pub fn is_terminal(&self, state: &str) -> bool {
        self.terminal.contains(state)
    }

    /// Every transition, in definition order.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// The transition called `name`.
    pub fn transition(&self, name: &str) -> Option<&Transition> {
        self.transitions.iter().find(|t| t.name == name)
    }

    /// The transition playing `role`, if the lifecycle gives the role to one.
    pub fn role(&self, role: Role) -> Option<&Transition> {
        self.roles.get(&role).and_then(|name| self.transition(name))
    }

    /// The transition playing `role`, or an error naming the lifecycle and the missing role.
    pub fn require_role(&self, role: Role) -> Result<&Transition, MissingRole> {
        self.role(role).ok_or_else(|| MissingRole {
            lifecycle: self.name.clone(),
            role,
        })
    }

    /// The role `transition` plays, if any.
    pub fn role_of(&self, transition: &str) -> Option<Role> {
        self.roles
            .iter()
            .find(|(_, name)| name.as_str() == transition)
            .map(|(role, _)| *role)
    }

    /// What `state` means to the engine, if anything.
    pub fn meaning(&self, state: &str) -> Option<Meaning> {
        self.meanings.get(state).copied()
    }

    /// Whether `state` means `meaning`.
    pub fn means(&self, state: &str, meaning: Meaning) -> bool {
        self.meaning(state) == Some(meaning)
    }

    /// Whether a task in `state` waits for acknowledgement: the state means `waiting` and the
    /// transition playing `acknowledge` leaves it (what the acknowledgement chase and e-mail
    /// links need).
    pub fn awaits_acknowledgement(&self, state: &str) -> bool {
        self.means(state, Meaning::Waiting)
            && self
                .role(Role::Acknowledge)
                .is_some_and(|t| t.from.contains(state))
    }

    /// The states that mean `meaning`, in definition order.
    pub fn states_meaning(&self, meaning: Meaning) -> Vec<String> {
        self.states
            .iter()
            .filter(|s| self.means(s, meaning))
            .cloned()
            .collect()
    }
}

/// A lifecycle lacks a role the engine needs for what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the lifecycle `{lifecycle}` gives no transition the role `{role}`")]
pub struct MissingRole {
    pub lifecycle: String,
    pub role: Role,
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLifecycle {
    name: Spanned<String>,
    initial: Spanned<String>,
    #[serde(default)]
    roles: BTreeMap<Role, Spanned<String>>,
    states: Vec<RawState>,
    transitions: Vec<RawTransition>,
    completion: RawCompletion,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    name: Spanned<String>,
    #[serde(default)]
    terminal: bool,
    meaning: Option<Spanned<Meaning>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransition {
    name: Spanned<String>,
    from: Vec<Spanned<String>>,
    to: Spanned<String>,
    by: Spanned<Vec<ActorRole>>,
    requires: Option<Requirement>,
    target: Option<Target>,
    extends_due: Option<Spanned<String>>,
    at_most: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompletion {
    rule: Spanned<CompletionRule>,
    coordinator_approval: bool,
}

impl RawLifecycle {
    fn validate(self, file: &str) -> Result<Lifecycle, LifecycleError> {
        let err = |at: &serde_saphyr::Location, message: String| LifecycleError {
            file: file.to_owned(),
            line: at.line(),
            column: at.column(),
            message,
        };
        let mut states = Vec::new();
        let mut terminal = BTreeSet::new();
        let mut meanings = HashMap::new();
        let mut done: Option<&Spanned<String>> = None;
        for state in &self.states {
            if states.contains(&state.name.value) {
                return Err(err(
                    &state.name.referenced,
                    format!("duplicate state `{}`", state.name.value),
                ));
            }
            states.push(state.name.value.clone());
            if state.terminal {
                terminal.insert(state.name.value.clone());
            }
            if let Some(meaning) = &state.meaning {
                let must_end = meaning.value != Meaning::Waiting;
                if must_end != state.terminal {
                    let should = if must_end { "must" } else { "must not" };
                    return Err(err(
                        &meaning.referenced,
                        format!(
                            "state `{}` means `{}`: it {should} be `terminal: true`",
                            state.name.value, meaning.value
                        ),
                    ));
                }
                if meaning.value == Meaning::Done {
                    if let Some(first) = done {
                        return Err(err(
                            &meaning.referenced,
                            format!(
                                "state `{}` means `done`, and so does `{}`: only one state may",
                                state.name.value, first.value
                            ),
                        ));
                    }
                    done = Some(&state.name);
                }
                meanings.insert(state.name.value.clone(), meaning.value);
            }
        }
        let known = |s: &Spanned<String>, what: &str| {
            if states.contains(&s.value) {
                Ok(())
            } else {
                Err(err(
                    &s.referenced,
                    format!(
                        "unknown state `{}` in {what} (states: {})",
                        s.value,
                        states.join(", ")
                    ),
                ))
            }
        };
        known(&self.initial, "`initial`")?;
        if terminal.is_empty() {
            return Err(err(
                &self.name.referenced,
                "no terminal state: mark at least one state `terminal: true`".into(),
            ));
        }
        let Some(done) = done else {
            return Err(err(
                &self.name.referenced,
                "no state means `done`: mark the signed-off state `meaning: done`".into(),
            ));
        };
        let mut transitions: Vec<Transition> = Vec::new();
        for t in &self.transitions {
            let what = format!("transition `{}`", t.name.value);
            if transitions.iter().any(|seen| seen.name == t.name.value) {
                return Err(err(&t.name.referenced, format!("duplicate {what}")));
            }
            for from in &t.from {
                known(from, &what)?;
                if terminal.contains(&from.value) {
                    return Err(err(
                        &from.referenced,
                        format!("{what} leaves terminal state `{}`", from.value),
                    ));
                }
            }
            known(&t.to, &what)?;
            if t.by.value.is_empty() {
                return Err(err(
                    &t.by.referenced,
                    format!("{what} names nobody in `by`"),
                ));
            }
            let extends_due = match (&t.extends_due, &t.at_most) {
                (None, None) => None,
                (None, Some(at_most)) => {
                    return Err(err(
                        &at_most.referenced,
                        format!("{what}: `at_most` limits `extends_due`, which it lacks"),
                    ));
                }
                (Some(wording), at_most) => {
                    let by = RelativeDeadline::parse(&wording.value).map_err(|e| {
                        err(&wording.referenced, format!("{what}: `extends_due`: {e}"))
                    })?;
                    if let Some(at_most) = at_most
                        && at_most.value == 0
                    {
                        return Err(err(
                            &at_most.referenced,
                            format!("{what}: `at_most` must be 1 or more"),
                        ));
                    }
                    if t.requires == Some(Requirement::Report) {
                        return Err(err(
                            &wording.referenced,
                            format!("{what}: an extension requires a reason, not a report"),
                        ));
                    }
                    Some(Extension {
                        wording: wording.value.clone(),
                        by,
                        at_most: at_most.as_ref().map(|a| a.value),
                    })
                }
            };
            transitions.push(Transition {
                name: t.name.value.clone(),
                from: t.from.iter().map(|s| s.value.clone()).collect(),
                to: t.to.value.clone(),
                by: t.by.value.clone(),
                requires: if extends_due.is_some() {
                    Some(Requirement::Reason)
                } else {
                    t.requires
                },
                target: t.target,
                extends_due,
            });
        }
        if terminal.contains(&self.initial.value) {
            return Err(err(
                &self.initial.referenced,
                format!("the initial state `{}` is terminal", self.initial.value),
            ));
        }
        let mut roles = BTreeMap::new();
        for (role, name) in &self.roles {
            let Some(t) = transitions.iter().find(|t| t.name == name.value) else {
                let names: Vec<&str> = transitions.iter().map(|t| t.name.as_str()).collect();
                return Err(err(
                    &name.referenced,
                    format!(
                        "unknown transition `{}` for the role `{role}` (transitions: {})",
                        name.value,
                        names.join(", ")
                    ),
                ));
            };
            let leads_to = |meaning: Meaning| {
                if meanings.get(&t.to) == Some(&meaning) {
                    Ok(())
                } else {
                    Err(err(
                        &name.referenced,
                        format!(
                            "the role `{role}` needs a transition to a state meaning `{meaning}`; `{}` leads to `{}`",
                            t.name, t.to
                        ),
                    ))
                }
            };
            match role {
                Role::SignOff => leads_to(Meaning::Done)?,
                Role::Decline => leads_to(Meaning::Declined)?,
                Role::Cancel => leads_to(Meaning::Cancelled)?,
                Role::Acknowledge => {
                    if !t
                        .from
                        .iter()
                        .any(|s| meanings.get(s) == Some(&Meaning::Waiting))
                    {
                        return Err(err(
                            &name.referenced,
                            format!(
                                "the role `acknowledge` needs a transition from a state meaning `waiting`; `{}` leaves {}",
                                t.name,
                                t.from
                                    .iter()
                                    .map(|s| format!("`{s}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
                Role::Start | Role::Submit | Role::Return => {}
            }
            roles.insert(*role, name.value.clone());
        }
        if let CompletionRule::AtLeast(0) = self.completion.rule.value {
            return Err(err(
                &self.completion.rule.referenced,
                "`at_least` must be 1 or more".into(),
            ));
        }
        let reachable = reachable_from(&self.initial.value, &transitions);
        for state in &self.states {
            if !reachable.contains(&state.name.value) {
                return Err(err(
                    &state.name.referenced,
                    format!(
                        "state `{}` is unreachable from `{}`",
                        state.name.value, self.initial.value
                    ),
                ));
            }
            let leaves = transitions
                .iter()
                .any(|t| t.from.contains(&state.name.value));
            if !state.terminal && !leaves {
                return Err(err(
                    &state.name.referenced,
                    format!(
                        "state `{}` has no way out: add a transition or mark it `terminal: true`",
                        state.name.value
                    ),
                ));
            }
        }
        Ok(Lifecycle {
            name: self.name.value,
            initial: self.initial.value,
            states,
            terminal,
            meanings,
            transitions,
            roles,
            completion: Completion {
                rule: self.completion.rule.value,
                signed_off_state: done.value.clone(),
                coordinator_approval: self.completion.coordinator_approval,
            },
        })
    }
}

fn reachable_from(initial: &str, transitions: &[Transition]) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([initial.to_owned()]);
    let mut queue = VecDeque::from([initial.to_owned()]);
    while let Some(state) = queue.pop_front() {
        for t in transitions.iter().filter(|t| t.from.contains(&state)) {
            if seen.insert(t.to.clone()) {
                queue.push_back(t.to.clone());
            }
        }
    }
    seen
}

/// The lifecycles a running engine knows, by name.
#[derive(Debug, Clone)]
pub struct Lifecycles(HashMap<String, Arc<Lifecycle>>);

impl Lifecycles {
    /// The lifecycles built into the binary: the default and those of the project's
    /// `workflows/lifecycles` (petitions).
    pub fn builtin() -> Result<Self, LifecycleError> {
        let default = Lifecycle::default_lifecycle()?;
        let mut all = Self(HashMap::from([(default.name.clone(), Arc::new(default))]));
        for (file, source) in BUILTIN_SOURCES {
            all.insert(Lifecycle::parse(source, file)?);
        }
        Ok(all)
    }

    /// The built-in lifecycles plus every `*.yaml` file in `dir` (a file may replace a built-in
    /// one).
    pub fn with_dir(dir: &Path) -> Result<Self, LifecycleError> {
        let mut all = Self::builtin()?;
        let entries = std::fs::read_dir(dir).map_err(|e| LifecycleError {
            file: dir.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read lifecycle folder: {e}"),
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml")
            })
            .collect();
        paths.sort();
        for path in paths {
            all.insert(Lifecycle::load(&path)?);
        }
        Ok(all)
    }

    /// Adds or replaces a lifecycle.
    pub fn insert(&mut self, lifecycle: Lifecycle) {
        self.0.insert(lifecycle.name.clone(), Arc::new(lifecycle));
    }

    /// The lifecycle called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<Lifecycle>> {
        self.0.get(name).cloned()
    }

    /// Every known lifecycle.
    pub fn all(&self) -> impl Iterator<Item = &Arc<Lifecycle>> {
        self.0.values()
    }

    /// The names of the known lifecycles, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.0.keys().cloned().collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<Lifecycle, LifecycleError> {
        Lifecycle::parse(source, "test.yaml")
    }

    const HEAD: &str = "name: t\ninitial: a\n";
    const COMPLETION: &str = "completion:\n  rule: all_responsible\n  coordinator_approval: true\n";

    #[test]
    fn default_lifecycle_is_valid_and_complete() {
        let l = Lifecycle::default_lifecycle().unwrap();
        assert_eq!(l.initial, "pending");
        let names: Vec<&str> = l.transitions().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "acknowledge",
                "decline",
                "start",
                "submit",
                "approve",
                "return",
                "cancel"
            ]
        );
        assert!(
            l.is_terminal("signed_off") && l.is_terminal("declined") && l.is_terminal("cancelled")
        );
        assert!(!l.is_terminal("submitted"));
        assert_eq!(l.completion.rule, CompletionRule::AllResponsible);
        assert_eq!(l.completion.signed_off_state, "signed_off");
        let played: Vec<(Role, &str)> = Role::ALL
            .iter()
            .map(|r| (*r, l.role(*r).map_or("", |t| t.name.as_str())))
            .collect();
        assert_eq!(
            played,
            [
                (Role::Acknowledge, "acknowledge"),
                (Role::Decline, "decline"),
                (Role::Start, "start"),
                (Role::Submit, "submit"),
                (Role::SignOff, "approve"),
                (Role::Return, "return"),
                (Role::Cancel, "cancel"),
            ]
        );
        assert_eq!(l.role_of("approve"), Some(Role::SignOff));
        assert_eq!(l.states_meaning(Meaning::Waiting), ["pending"]);
        assert_eq!(l.meaning("declined"), Some(Meaning::Declined));
        assert_eq!(l.meaning("cancelled"), Some(Meaning::Cancelled));
        assert_eq!(l.meaning("submitted"), None);
    }

    const TWO_STATES: &str = "states:\n  - name: a\n    meaning: waiting\n  - name: b\n    terminal: true\n    meaning: done\ntransitions:\n  - name: go\n    from: [a]\n    to: b\n    by: [coordinator]\n";

    #[test]
    fn roles_are_optional() {
        let l = parse(&format!("{HEAD}{TWO_STATES}{COMPLETION}")).unwrap();
        assert!(l.role(Role::Acknowledge).is_none());
        let e = l.require_role(Role::Cancel).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the lifecycle `t` gives no transition the role `cancel`"
        );
    }

    #[test]
    fn a_role_naming_an_unknown_transition_is_located() {
        let src = format!(
            "{HEAD}roles:\n  acknowledge: go\n  sign_off: approve\n{TWO_STATES}{COMPLETION}"
        );
        let e = parse(&src).unwrap_err();
        assert_eq!((e.line, e.column), (5, 13), "{e}");
        assert!(
            e.message
                .contains("unknown transition `approve` for the role `sign_off` (transitions: go)"),
            "{e}"
        );
    }

    #[test]
    fn a_role_must_lead_where_its_meaning_says() {
        let src = format!("{HEAD}roles:\n  cancel: go\n{TWO_STATES}{COMPLETION}");
        let e = parse(&src).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("state meaning `cancelled`"), "{e}");

        let waiting_not = TWO_STATES.replace("    meaning: waiting\n", "");
        let src = format!("{HEAD}roles:\n  acknowledge: go\n{waiting_not}{COMPLETION}");
        let e = parse(&src).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("from a state meaning `waiting`"), "{e}");
    }

    #[test]
    fn meanings_are_checked() {
        let no_done = TWO_STATES.replace("    meaning: done\n", "");
        let e = parse(&format!("{HEAD}{no_done}{COMPLETION}")).unwrap_err();
        assert!(e.message.contains("no state means `done`"), "{e}");

        let open_done = TWO_STATES.replace("    meaning: waiting\n", "    meaning: done\n");
        let e = parse(&format!("{HEAD}{open_done}{COMPLETION}")).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("must be `terminal: true`"), "{e}");

        let unknown = TWO_STATES.replace("meaning: waiting", "meaning: asleep");
        let e = parse(&format!("{HEAD}{unknown}{COMPLETION}")).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
    }

    #[test]
    fn unknown_state_is_located() {
        let src = format!(
            "{HEAD}states:\n  - name: a\n  - name: b\n    terminal: true\n    meaning: done\ntransitions:\n  - name: go\n    from: [a]\n    to: c\n    by: [coordinator]\n{COMPLETION}"
        );
        let e = parse(&src).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("test.yaml", 11), "{e}");
        assert!(e.message.contains("unknown state `c`"), "{e}");
        assert!(e.to_string().starts_with("test.yaml:11:"), "{e}");
    }

    #[test]
    fn unreachable_state_is_located() {
        let src = format!(
            "{HEAD}states:\n  - name: a\n  - name: b\n    terminal: true\n    meaning: done\n  - name: lost\n    terminal: true\ntransitions:\n  - name: go\n    from: [a]\n    to: b\n    by: [coordinator]\n{COMPLETION}"
        );
        let e = parse(&src).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(e.message.contains("`lost` is unreachable"), "{e}");
    }

    #[test]
    fn missing_terminal_state_is_refused() {
        let src = format!(
            "{HEAD}states:\n  - name: a\n  - name: b\ntransitions:\n  - name: go\n    from: [a]\n    to: b\n    by: [coordinator]\n  - name: back\n    from: [b]\n    to: a\n    by: [coordinator]\n{COMPLETION}"
        );
        let e = parse(&src).unwrap_err();
        assert!(e.message.contains("no terminal state"), "{e}");
        assert_eq!(e.line, 1);
    }

    #[test]
    fn dead_end_state_is_refused() {
        let src = format!(
            "{HEAD}states:\n  - name: a\n  - name: stuck\n  - name: b\n    terminal: true\n    meaning: done\ntransitions:\n  - name: go\n    from: [a]\n    to: b\n    by: [coordinator]\n  - name: trap\n    from: [a]\n    to: stuck\n    by: [coordinator]\n{COMPLETION}"
        );
        let e = parse(&src).unwrap_err();
        assert!(e.message.contains("`stuck` has no way out"), "{e}");
        assert_eq!(e.line, 5);
    }

    #[test]
    fn unknown_role_and_syntax_errors_are_located() {
        let src = format!(
            "{HEAD}states:\n  - name: a\n  - name: b\n    terminal: true\n    meaning: done\ntransitions:\n  - name: go\n    from: [a]\n    to: b\n    by: [mayor]\n{COMPLETION}"
        );
        let e = parse(&src).unwrap_err();
        assert_eq!(e.line, 12, "{e}");
        assert!(e.message.contains("mayor"), "{e}");

        let e = parse("name: t\ninitial: [a\n").unwrap_err();
        assert_eq!(e.file, "test.yaml");
        assert!(e.line >= 2, "{e}");
    }

    #[test]
    fn petition_lifecycle_forwards_and_extends_once() {
        let source = include_str!("../../../workflows/lifecycles/petition.yaml");
        let l = Lifecycle::parse(source, "petition.yaml").unwrap();
        assert_eq!(l.initial, "routed");
        let forward = l.transition("forward").unwrap();
        assert_eq!(forward.target, Some(Target::Institution));
        assert!(forward.extends_due.is_none());
        let extend = l.transition("extend").unwrap();
        let extension = extend.extends_due.as_ref().unwrap();
        assert_eq!(extension.wording, "15 zile");
        assert_eq!(extension.by.days, 15);
        assert_eq!(extension.at_most, Some(1));
        // An extension always asks for a reason.
        assert_eq!(extend.requires, Some(Requirement::Reason));
        assert_eq!(l.completion.signed_off_state, "answered");
    }

    #[test]
    fn extension_fields_are_checked_and_located() {
        let with = |extra: &str| format!("{HEAD}{TWO_STATES}{extra}{COMPLETION}");
        let e = parse(&with("    extends_due: \"15 zile de la nunta\"\n")).unwrap_err();
        assert_eq!(e.line, 14, "{e}");
        assert!(
            e.message.starts_with("transition `go`: `extends_due`:"),
            "{e}"
        );
        let e = parse(&with("    at_most: 1\n")).unwrap_err();
        assert_eq!(e.line, 14, "{e}");
        assert!(e.message.contains("`at_most` limits `extends_due`"), "{e}");
        let e = parse(&with("    extends_due: \"15 zile\"\n    at_most: 0\n")).unwrap_err();
        assert_eq!(e.line, 15, "{e}");
        let e = parse(&with("    target: province\n")).unwrap_err();
        assert!(e.message.contains("province"), "{e}");
        let ok = parse(&with("    target: institution\n")).unwrap();
        assert_eq!(
            ok.transition("go").unwrap().target,
            Some(Target::Institution)
        );
    }

    #[test]
    fn leaving_a_terminal_state_is_refused() {
        let src = format!(
            "{HEAD}states:\n  - name: a\n  - name: b\n    terminal: true\n    meaning: done\ntransitions:\n  - name: go\n    from: [a]\n    to: b\n    by: [coordinator]\n  - name: undo\n    from: [b]\n    to: a\n    by: [coordinator]\n{COMPLETION}"
        );
        let e = parse(&src).unwrap_err();
        assert!(e.message.contains("leaves terminal state `b`"), "{e}");
        assert_eq!(e.line, 14);
    }
}

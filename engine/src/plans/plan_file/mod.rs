//! Plans as data: the YAML plan file, its validation (every mistake at once, located), and its
//! import into the database in one transaction, idempotent on re-import.

mod format;
mod import;
mod needs;
mod recover;
mod validate;

use std::collections::BTreeMap;
use std::path::Path;

pub use crate::error::Problem;
pub use import::{Change, ImportSummary, may_import_plans};
pub use needs::lifecycle_problems;
pub use validate::MAX_TASKS_PER_PLAN;

use crate::deadline::Period;
use crate::plans::{NewIndicator, NewInstitution, NewPlan};
use crate::results::IndicatorSpec;
use crate::tasks::lifecycle::Lifecycles;

/// An objective ready to write; `parent` is the number of its general objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveDraft {
    pub number: String,
    pub parent: Option<String>,
    pub title: String,
    pub result: Option<String>,
}

/// An action ready to write, with institutions resolved to codes and deadline to periods.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionDraft {
    pub objective: String,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub recurrence: Option<String>,
    pub funding: Vec<String>,
    pub indicators: Vec<NewIndicator>,
    pub lead: String,
    pub responsible: Vec<String>,
    pub partners: Vec<String>,
    pub periods: Vec<Period>,
}

/// A plan-level performance indicator ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct PerformanceIndicatorDraft {
    pub name: String,
    pub spec: IndicatorSpec,
    pub comparison: Option<String>,
    /// The deadline wording of its reporting periods (none: yearly).
    pub reporting: Option<String>,
    /// The code of the institution entering its values, besides the coordinators.
    pub responsible: Option<String>,
}

/// Where something is written in a plan file (or the institutions file it names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl Place {
    /// A problem at this place.
    pub fn problem(&self, message: String) -> Problem {
        Problem::new(&self.file, self.line, self.column, message)
    }
}

/// The register part of a register's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterDraft {
    /// The deadline rule as written ("30 de zile de la înregistrare"), checked.
    pub deadline: String,
    /// The codes of the institutions its cases are routed to.
    pub departments: Vec<String>,
}

/// A checked plan file: everything resolved, nothing written yet.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    pub plan: NewPlan,
    /// `public:` of the header: whether the plan's progress is published; `None` leaves it as
    /// it is (not public for a new plan).
    pub public: Option<bool>,
    /// Where the plan header is written.
    pub at: Place,
    /// Where the plan names its lifecycle (the header when it names none).
    pub lifecycle_at: Place,
    /// Where each institution (by code) is described.
    pub institutions_at: BTreeMap<String, Place>,
    /// Parents before children.
    pub institutions: Vec<NewInstitution>,
    /// General objectives before their specific ones.
    pub objectives: Vec<ObjectiveDraft>,
    pub actions: Vec<ActionDraft>,
    pub performance_indicators: Vec<PerformanceIndicatorDraft>,
    /// A register's file: its deadline rule and departments (it has no objectives).
    pub register: Option<RegisterDraft>,
}

impl PlanDraft {
    /// How many tasks the plan yields: one per (period, assigned institution) of each action.
    pub fn task_count(&self) -> usize {
        self.actions
            .iter()
            .map(|a| a.periods.len() * (a.responsible.len() + a.partners.len()))
            .sum()
    }
}

/// Reads and checks a plan file. An `institutions_file:` is read relative to the plan file.
pub fn load(path: &Path, lifecycles: &Lifecycles) -> Result<PlanDraft, Vec<Problem>> {
    let file = path.display().to_string();
    let source = std::fs::read_to_string(path)
        .map_err(|e| vec![Problem::new(&file, 0, 0, format!("cannot read: {e}"))])?;
    parse(&source, &file, path.parent(), lifecycles)
}

/// Checks plan YAML. `file` names it in problems; `base_dir` is where an `institutions_file:`
/// is looked up (none: such a reference is a problem).
pub fn parse(
    source: &str,
    file: &str,
    base_dir: Option<&Path>,
    lifecycles: &Lifecycles,
) -> Result<PlanDraft, Vec<Problem>> {
    let (raw, mut problems) = recover::read::<format::RawFile>(source, file);
    let Some(raw) = raw else {
        return Err(problems);
    };
    let mut extra = Vec::new();
    let mut extra_file = String::new();
    if let Some(reference) = &raw.institutions_file {
        let at = reference.referenced;
        match base_dir {
            None => problems.push(Problem::new(
                file,
                at.line(),
                at.column(),
                "`institutions_file:` cannot be used here: list the institutions in the plan"
                    .to_owned(),
            )),
            Some(dir) => {
                let path = dir.join(&reference.value);
                let name = path.display().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        let (found, more) =
                            recover::read::<format::RawInstitutionsFile>(&text, &name);
                        problems.extend(more);
                        extra = found.map(|f| f.institutions).unwrap_or_default();
                        extra_file = name;
                    }
                    Err(e) => problems.push(Problem::new(
                        file,
                        at.line(),
                        at.column(),
                        format!("cannot read institutions file {name}: {e}"),
                    )),
                }
            }
        }
    }
    validate::check(raw, file, (&extra_file, extra), lifecycles, problems)
}

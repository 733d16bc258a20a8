//! The plan file as written: YAML mapped onto these types, every value with its location.
//! Fields a coordinator may forget are optional here and checked in `validate`, so that one
//! missing field does not hide every other mistake in the file.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A plan file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub plan: Spanned<RawHeader>,
    #[serde(default)]
    pub institutions: Vec<Spanned<RawInstitution>>,
    pub institutions_file: Option<Spanned<String>>,
    #[serde(default)]
    pub objectives: Vec<Spanned<RawObjective>>,
    #[serde(default)]
    pub performance_indicators: Vec<Spanned<RawPerformanceIndicator>>,
    /// Present in a register's file: the plan is a register of cases, not a plan table.
    pub register: Option<Spanned<RawRegister>>,
}

/// The `register:` section of a register's file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegister {
    /// The term of a case, counted from one of its events ("30 de zile de la înregistrare").
    pub deadline: Option<Spanned<String>>,
    /// The institutions (codes or names) its cases are routed to.
    #[serde(default)]
    pub departments: Vec<Spanned<String>>,
}

/// An institutions file: a list under `institutions:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstitutionsFile {
    pub institutions: Vec<Spanned<RawInstitution>>,
}

/// The `plan:` section.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub code: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub owner: Option<Spanned<String>>,
    pub period: Option<Spanned<String>>,
    pub time_zone: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub lifecycle: Option<Spanned<String>>,
    pub reminder_policy: Option<Spanned<String>>,
    /// Whether the plan's progress is published at `/public/plans/{code}`.
    pub public: Option<bool>,
}

/// One institution. Only `code` is required: an institution already in Mandate may be referred
/// to by code alone, and a detail left out never overwrites the stored one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstitution {
    pub code: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub parent: Option<Spanned<String>>,
    pub emails: Option<Vec<Spanned<String>>>,
    pub language: Option<Spanned<String>>,
    pub time_zone: Option<Spanned<String>>,
}

/// A general or specific objective.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    pub number: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub result: Option<String>,
    #[serde(default)]
    pub objectives: Vec<Spanned<RawObjective>>,
    #[serde(default)]
    pub actions: Vec<Spanned<RawAction>>,
}

/// `lead:` names one institution; a list is accepted only to say that it has too many.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawLead {
    One(String),
    Many(Vec<String>),
}

/// An indicator target or value as written: text or a number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawText {
    Text(String),
    Number(f64),
}

impl RawText {
    /// The value as text; whole numbers without a decimal point.
    pub fn text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Self::Number(n) => n.to_string(),
        }
    }
}

/// An action.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub number: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<RawIndicator>>,
    pub deadline: Option<Spanned<String>>,
    pub recurrence: Option<Spanned<String>>,
    #[serde(default)]
    pub responsible: Vec<Spanned<String>>,
    pub lead: Option<Spanned<RawLead>>,
    #[serde(default)]
    pub partners: Vec<Spanned<String>>,
    #[serde(default)]
    pub funding: Vec<String>,
}

/// A monitoring indicator of an action. Its definition is read by
/// `crate::results::spec` (units `count`/`percent`/`number`, targets such as `200`, `≥80%`,
/// `-50%`, directions `up`/`down`, aggregations `sum`/`latest`/`average`/`max`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub name: Option<Spanned<String>>,
    pub unit: Option<Spanned<String>>,
    pub baseline: Option<Spanned<RawBaseline>>,
    pub target: Option<Spanned<RawText>>,
    pub direction: Option<Spanned<String>>,
    pub aggregation: Option<Spanned<String>>,
}

/// A baseline: a value, or a value and the period it was measured in (`previous`, `2023`),
/// or only the period, whose entered values then make it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawBaseline {
    Value(f64),
    Described {
        value: Option<f64>,
        period: Option<RawText>,
    },
}

/// A plan-level performance indicator: an indicator whose values are entered per reporting
/// period (`reporting:`, deadline wording, yearly when left out) by the plan's coordinators or
/// its `responsible:` institution.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerformanceIndicator {
    pub name: Option<Spanned<String>>,
    pub unit: Option<Spanned<String>>,
    pub baseline: Option<Spanned<RawBaseline>>,
    pub target: Option<Spanned<RawText>>,
    pub direction: Option<Spanned<String>>,
    pub aggregation: Option<Spanned<String>>,
    pub comparison: Option<String>,
    pub reporting: Option<Spanned<String>>,
    pub responsible: Option<Spanned<String>>,
}

/// The fields of an indicator's definition, as both kinds of indicator write them.
pub struct RawDefinition<'a> {
    pub unit: &'a Option<Spanned<String>>,
    pub baseline: &'a Option<Spanned<RawBaseline>>,
    pub target: &'a Option<Spanned<RawText>>,
    pub direction: &'a Option<Spanned<String>>,
    pub aggregation: &'a Option<Spanned<String>>,
}

impl RawIndicator {
    /// Its definition's fields.
    pub fn definition(&self) -> RawDefinition<'_> {
        RawDefinition {
            unit: &self.unit,
            baseline: &self.baseline,
            target: &self.target,
            direction: &self.direction,
            aggregation: &self.aggregation,
        }
    }
}

impl RawPerformanceIndicator {
    /// Its definition's fields.
    pub fn definition(&self) -> RawDefinition<'_> {
        RawDefinition {
            unit: &self.unit,
            baseline: &self.baseline,
            target: &self.target,
            direction: &self.direction,
            aggregation: &self.aggregation,
        }
    }
}

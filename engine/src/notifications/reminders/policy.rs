//! Reminder policies as data (`workflows/reminders/*.yaml`): when reminders go out, relative to
//! a task's due date and state, and how they are delivered.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::tasks::lifecycle::LifecycleError as PolicyError;

/// The policy a plan uses unless it names another.
pub const DEFAULT_POLICY: &str = "default";
const DEFAULT_SOURCE: &str = include_str!("../../../../workflows/reminders/default.yaml");

/// The policies built into the binary besides the default: (file, YAML).
const BUILTIN_SOURCES: [(&str, &str); 1] = [(
    "workflows/reminders/petitions.yaml",
    include_str!("../../../../workflows/reminders/petitions.yaml"),
)];

/// A distance in days, counted on the calendar or in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    pub days: u32,
    pub working: bool,
}

impl Offset {
    /// Parses `"7 days"`, `"1 day"`, `"5 working days"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (number, working) = match words.as_slice() {
            [n, "day" | "days"] => (n, false),
            [n, "working", "day" | "days"] => (n, true),
            _ => {
                return Err(format!(
                    "`{text}` is not an offset (write \"7 days\" or \"5 working days\")"
                ));
            }
        };
        let days = number
            .parse()
            .map_err(|_| format!("`{number}` in `{text}` is not a whole number of days"))?;
        Ok(Self { days, working })
    }
}

/// Something that repeats: a first occurrence, then one every `every` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    pub first: Offset,
    pub every: Offset,
}

/// How an institution receives its reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// One e-mail per reminder.
    Immediate,
    /// One e-mail a day listing the institution's due, overdue and unacknowledged tasks.
    DailyDigest,
}

impl Delivery {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::DailyDigest => "daily_digest",
        }
    }

    /// The delivery stored as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Immediate, Self::DailyDigest]
            .into_iter()
            .find(|d| d.as_str() == name)
    }
}

/// What an institution changes in a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InstitutionSettings {
    pub delivery: Option<Delivery>,
    pub send_at: Option<NaiveTime>,
}

/// A reminder policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPolicy {
    pub name: String,
    /// Local time of the recipient at which reminders go out.
    pub send_at: NaiveTime,
    pub before_due: Vec<Offset>,
    pub due_today: bool,
    pub overdue: Option<Repeat>,
    pub acknowledgement_chase: Option<Repeat>,
    /// How long past the due date the coordinator and the parent institution are told.
    pub escalation: Option<Offset>,
    pub delivery: Delivery,
    /// Per-institution exceptions, by institution code.
    pub institutions: BTreeMap<String, InstitutionSettings>,
}

impl ReminderPolicy {
    /// The built-in default policy.
    pub fn default_policy() -> Result<Self, PolicyError> {
        Self::parse(DEFAULT_SOURCE, "workflows/reminders/default.yaml")
    }

    /// The built-in default policy, read once per process.
    pub fn builtin() -> Result<std::sync::Arc<Self>, PolicyError> {
        static BUILTIN: std::sync::OnceLock<Result<std::sync::Arc<ReminderPolicy>, PolicyError>> =
            std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| Self::default_policy().map(std::sync::Arc::new))
            .clone()
    }

    /// Parses a policy; `file` names the source in errors.
    pub fn parse(source: &str, file: &str) -> Result<Self, PolicyError> {
        let located = |line: u64, column: u64, message: String| PolicyError {
            file: file.to_owned(),
            line,
            column,
            message,
        };
        let raw: RawPolicy = serde_saphyr::from_str(source).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            let message = e.to_string().lines().next().unwrap_or_default().to_owned();
            located(line, column, message)
        })?;
        let offset = |s: &Spanned<String>| {
            Offset::parse(&s.value)
                .map_err(|m| located(s.referenced.line(), s.referenced.column(), m))
        };
        let time = |s: &Spanned<String>| {
            NaiveTime::parse_from_str(&s.value, "%H:%M").map_err(|_| {
                located(
                    s.referenced.line(),
                    s.referenced.column(),
                    format!("`{}` is not a time of day (write \"08:00\")", s.value),
                )
            })
        };
        let repeat = |r: &Option<RawRepeat>| -> Result<Option<Repeat>, PolicyError> {
            r.as_ref()
                .map(|r| {
                    let every = offset(&r.every)?;
                    if every.days == 0 {
                        return Err(located(
                            r.every.referenced.line(),
                            r.every.referenced.column(),
                            "`every` must be at least 1 day".to_owned(),
                        ));
                    }
                    Ok(Repeat {
                        first: offset(&r.first)?,
                        every,
                    })
                })
                .transpose()
        };
        let mut institutions = BTreeMap::new();
        for (code, settings) in &raw.institutions {
            institutions.insert(
                code.clone(),
                InstitutionSettings {
                    delivery: settings.delivery,
                    send_at: settings.send_at.as_ref().map(time).transpose()?,
                },
            );
        }
        Ok(Self {
            name: raw.name,
            send_at: time(&raw.send_at)?,
            before_due: raw
                .before_due
                .iter()
                .map(offset)
                .collect::<Result<_, _>>()?,
            due_today: raw.due_today,
            overdue: repeat(&raw.overdue)?,
            acknowledgement_chase: repeat(&raw.acknowledgement_chase)?,
            escalation: raw
                .escalation
                .as_ref()
                .map(|e| offset(&e.after))
                .transpose()?,
            delivery: raw.delivery,
            institutions,
        })
    }

    /// The send time for institution `code`: its own choice, else the policy's exception for
    /// it, else the policy's.
    pub fn send_at_for(&self, code: &str, own: &InstitutionSettings) -> NaiveTime {
        own.send_at
            .or_else(|| self.institutions.get(code).and_then(|s| s.send_at))
            .unwrap_or(self.send_at)
    }

    /// The delivery of institution `code`, chosen the same way.
    pub fn delivery_for(&self, code: &str, own: &InstitutionSettings) -> Delivery {
        own.delivery
            .or_else(|| self.institutions.get(code).and_then(|s| s.delivery))
            .unwrap_or(self.delivery)
    }
}

/// The reminder policies an engine knows, by name: the built-in default and those of a folder.
#[derive(Debug, Clone)]
pub struct ReminderPolicies(BTreeMap<String, std::sync::Arc<ReminderPolicy>>);

impl ReminderPolicies {
    /// The policies built into the binary: the default and those of the project's
    /// `workflows/reminders` (petitions).
    pub fn builtin() -> Result<Self, PolicyError> {
        let default = ReminderPolicy::builtin()?;
        let mut all = Self(BTreeMap::from([(default.name.clone(), default)]));
        for (file, source) in BUILTIN_SOURCES {
            let policy = ReminderPolicy::parse(source, file)?;
            all.0
                .insert(policy.name.clone(), std::sync::Arc::new(policy));
        }
        Ok(all)
    }

    /// The built-in policies plus every `*.yaml` file in `dir` (a file may replace a built-in
    /// one).
    pub fn with_dir(dir: &std::path::Path) -> Result<Self, PolicyError> {
        let mut all = Self::builtin()?;
        let unreadable = |e: std::io::Error| PolicyError {
            file: dir.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read the reminder policy folder: {e}"),
        };
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map_err(unreadable)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        paths.sort();
        for path in paths {
            let file = path.display().to_string();
            let source = std::fs::read_to_string(&path).map_err(|e| PolicyError {
                file: file.clone(),
                line: 0,
                column: 0,
                message: format!("cannot read: {e}"),
            })?;
            let policy = ReminderPolicy::parse(&source, &file)?;
            all.0
                .insert(policy.name.clone(), std::sync::Arc::new(policy));
        }
        Ok(all)
    }

    /// The policy called `name`.
    pub fn get(&self, name: &str) -> Option<std::sync::Arc<ReminderPolicy>> {
        self.0.get(name).cloned()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: String,
    send_at: Spanned<String>,
    #[serde(default)]
    before_due: Vec<Spanned<String>>,
    #[serde(default)]
    due_today: bool,
    overdue: Option<RawRepeat>,
    acknowledgement_chase: Option<RawRepeat>,
    escalation: Option<RawEscalation>,
    delivery: Delivery,
    #[serde(default)]
    institutions: BTreeMap<String, RawInstitution>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepeat {
    first: Spanned<String>,
    every: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    after: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstitution {
    delivery: Option<Delivery>,
    send_at: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_reads() {
        let policy = ReminderPolicy::default_policy().unwrap();
        assert_eq!(policy.send_at, NaiveTime::from_hms_opt(8, 0, 0).unwrap());
        assert_eq!(
            policy.before_due,
            [
                Offset {
                    days: 30,
                    working: false
                },
                Offset {
                    days: 7,
                    working: false
                },
                Offset {
                    days: 1,
                    working: true
                },
            ]
        );
        assert_eq!(
            policy.escalation,
            Some(Offset {
                days: 14,
                working: false
            })
        );
        assert_eq!(
            policy.delivery_for("IGPR", &Default::default()),
            Delivery::Immediate
        );
    }

    #[test]
    fn mistakes_are_located() {
        let source = "name: x\nsend_at: \"08:00\"\nbefore_due: [\"7 days\", \"a week\"]\ndelivery: immediate\n";
        let e = ReminderPolicy::parse(source, "p.yaml").unwrap_err();
        assert_eq!(
            (e.line, e.message.contains("`a week` is not an offset")),
            (3, true),
            "{e}"
        );
        let source = "name: x\nsend_at: \"8 o'clock\"\ndelivery: immediate\n";
        let e = ReminderPolicy::parse(source, "p.yaml").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let source = "name: x\nsend_at: \"08:00\"\ndelivery: immediate\ninstitutions:\n  IGPR: { delivery: daily_digest, send_at: \"09:30\" }\n";
        let policy = ReminderPolicy::parse(source, "p.yaml").unwrap();
        let none = InstitutionSettings::default();
        assert_eq!(policy.delivery_for("IGPR", &none), Delivery::DailyDigest);
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(policy.send_at_for("IGPR", &none), at(9, 30));
        assert_eq!(policy.send_at_for("ME", &none), at(8, 0));
        let own = InstitutionSettings {
            delivery: Some(Delivery::Immediate),
            send_at: Some(at(7, 15)),
        };
        assert_eq!(policy.delivery_for("IGPR", &own), Delivery::Immediate);
        assert_eq!(policy.send_at_for("IGPR", &own), at(7, 15));
    }
}

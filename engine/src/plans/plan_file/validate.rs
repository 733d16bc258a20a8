//! Checking a plan file and resolving it into a `PlanDraft`: every problem is collected, each
//! with its file, line and column, before anything touches the database.

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;
use serde_saphyr::{Location, Spanned};

use super::format::{
    RawAction, RawBaseline, RawDefinition, RawFile, RawInstitution, RawLead, RawObjective,
    RawRegister,
};
use super::recover::UNREADABLE;
use super::{
    ActionDraft, ObjectiveDraft, PerformanceIndicatorDraft, Place, PlanDraft, Problem,
    RegisterDraft,
};
use crate::deadline::{self, PlanPeriod, RelativeDeadline};
use crate::domain::{EmailAddress, InstitutionCode};
use crate::i18n::Language;
use crate::plans::{MAX_ASSIGNED, NewIndicator, NewInstitution, NewPlan};
use crate::results::spec::{Field, IndicatorSpec, Unit, WrittenSpec};
use crate::tasks::lifecycle::Lifecycles;
use crate::text::{did_you_mean, fold};

/// The most tasks one plan file may yield: bounds the work of one import.
pub const MAX_TASKS_PER_PLAN: usize = 20_000;

struct Checker<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn at(&mut self, at: &Location, message: impl Into<String>) {
        self.problems.push(Problem::new(
            self.file,
            at.line(),
            at.column(),
            message.into(),
        ));
    }

    /// The trimmed value, once: a value already in `seen` is a problem naming `what`.
    fn unique(
        &mut self,
        value: &Spanned<String>,
        seen: &mut BTreeSet<String>,
        what: &str,
    ) -> Option<String> {
        let trimmed = value.value.trim().to_owned();
        if seen.insert(trimmed.clone()) {
            Some(trimmed)
        } else {
            self.at(
                &value.referenced,
                format!("{what} `{trimmed}` is used twice in this plan"),
            );
            None
        }
    }

    /// The value of a required field, or a problem at `parent` naming it.
    fn required<'v>(
        &mut self,
        value: &'v Option<Spanned<String>>,
        parent: &Location,
        what: &str,
    ) -> Option<&'v Spanned<String>> {
        match value {
            Some(v) if v.value == UNREADABLE => None,
            Some(v) if v.value.trim().is_empty() => {
                self.at(&v.referenced, format!("{what} is empty"));
                None
            }
            Some(v) => Some(v),
            None => {
                self.at(parent, format!("{what} is missing"));
                None
            }
        }
    }
}

fn readable(s: &Spanned<String>) -> bool {
    s.value != UNREADABLE
}

/// Institutions declared in the file, by code, with lookup by folded name.
struct Directory {
    by_code: BTreeMap<String, NewInstitution>,
    by_name: BTreeMap<String, String>,
}

impl Directory {
    fn codes(&self) -> impl Iterator<Item = &str> {
        self.by_code.keys().map(String::as_str)
    }

    /// The code of a single institution written as its code (any case) or its exact name.
    fn find(&self, written: &str) -> Option<String> {
        let trimmed = written.trim();
        if self.by_code.contains_key(trimmed) {
            return Some(trimmed.to_owned());
        }
        if let Some(code) = self
            .by_code
            .keys()
            .find(|c| c.eq_ignore_ascii_case(trimmed))
        {
            return Some(code.clone());
        }
        self.by_name.get(&fold(trimmed)).cloned()
    }

    fn unknown(&self, written: &str) -> String {
        let names = self.by_code.values().filter_map(|i| i.name.as_deref());
        match did_you_mean(written, self.codes().chain(names)) {
            Some(guess) => format!("unknown institution `{written}` (did you mean `{guess}`?)"),
            None => format!("unknown institution `{written}`: declare it under `institutions:`"),
        }
    }

    /// Resolves a reference as written in a plan: `CODE`, a name, or `PARENT prin CODE[, CODE…]`.
    fn resolve(&self, written: &str) -> Result<Vec<String>, String> {
        let words: Vec<&str> = written.split_whitespace().collect();
        let Some(prin) = words.iter().position(|w| fold(w) == "prin") else {
            return self
                .find(written)
                .map(|c| vec![c])
                .ok_or_else(|| self.unknown(written));
        };
        let parent_written = words[..prin].join(" ");
        let parent = self
            .find(&parent_written)
            .ok_or_else(|| self.unknown(&parent_written))?;
        let rest = words[prin + 1..].join(" ");
        let mut codes = Vec::new();
        for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let code = self.find(part).ok_or_else(|| self.unknown(part))?;
            let declared = self
                .by_code
                .get(&code)
                .and_then(|c| c.parent.as_ref())
                .map(InstitutionCode::as_str);
            if declared != Some(parent.as_str()) {
                return Err(format!(
                    "`{written}` says {code} acts under {parent}, but {code} is declared with {}",
                    declared.map_or("no parent".to_owned(), |p| format!("parent {p}"))
                ));
            }
            codes.push(code);
        }
        if codes.is_empty() {
            return Err(format!("`{written}` names no institution after `prin`"));
        }
        Ok(codes)
    }
}

/// Checks a parsed file. `institutions` are those of an institutions file, if the plan names one.
pub fn check(
    raw: RawFile,
    file: &str,
    (extra_file, extra_institutions): (&str, Vec<Spanned<RawInstitution>>),
    lifecycles: &Lifecycles,
    mut problems: Vec<Problem>,
) -> Result<PlanDraft, Vec<Problem>> {
    let mut c = Checker {
        file,
        problems: Vec::new(),
    };
    let header_at = raw.plan.referenced;
    let h = &raw.plan.value;

    let code = c.required(&h.code, &header_at, "plan.code").filter(|code| {
        let ok = code
            .value
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
        ok || {
            c.at(
                &code.referenced,
                format!("plan.code `{}` may hold only a-z, 0-9 and `-`", code.value),
            );
            false
        }
    });
    let code = code.map(|s| s.value.clone());
    let title = c
        .required(&h.title, &header_at, "plan.title")
        .map(|s| s.value.clone());
    let period = c
        .required(&h.period, &header_at, "plan.period")
        .and_then(|p| {
            PlanPeriod::parse(&p.value)
                .map_err(|e| c.at(&p.referenced, format!("plan.period: {e}")))
                .ok()
        });
    let tz = c
        .required(&h.time_zone, &header_at, "plan.time_zone")
        .and_then(|t| {
            t.value
                .parse::<Tz>()
                .map_err(|_| {
                    c.at(
                        &t.referenced,
                        format!(
                            "plan.time_zone `{}` is not an IANA time zone (e.g. Europe/Bucharest)",
                            t.value
                        ),
                    )
                })
                .ok()
        });
    let language = c
        .required(&h.language, &header_at, "plan.language")
        .and_then(|l| {
            if Language::parse(&l.value).is_some() {
                Some(l.value.clone())
            } else {
                c.at(
                    &l.referenced,
                    format!(
                        "plan.language `{}` is not one of: {}",
                        l.value,
                        Language::codes()
                    ),
                );
                None
            }
        });
    let lifecycle = match &h.lifecycle {
        Some(l) if readable(l) && lifecycles.get(&l.value).is_none() => {
            c.at(
                &l.referenced,
                format!(
                    "unknown lifecycle `{}` (known: {})",
                    l.value,
                    lifecycles.names().join(", ")
                ),
            );
            None
        }
        Some(l) => Some(l.value.clone()),
        None => Some(crate::tasks::lifecycle::DEFAULT_LIFECYCLE.to_owned()),
    };

    // Institutions.
    let mut directory = Directory {
        by_code: BTreeMap::new(),
        by_name: BTreeMap::new(),
    };
    let mut parents: Vec<(String, Spanned<String>)> = Vec::new();
    let all_institutions: Vec<(&str, &Spanned<RawInstitution>)> = extra_institutions
        .iter()
        .map(|i| (extra_file, i))
        .chain(raw.institutions.iter().map(|i| (file, i)))
        .collect();
    let mut institutions_at = BTreeMap::new();
    if all_institutions.is_empty() && raw.institutions_file.is_none() {
        c.at(
            &header_at,
            "no institutions: add `institutions:` or `institutions_file:`",
        );
    }
    for (written_in, inst) in &all_institutions {
        let at = inst.referenced;
        let i = &inst.value;
        let Some(code) = c.required(&i.code, &at, "institution code") else {
            continue;
        };
        let code_value = match InstitutionCode::parse(code.value.trim()) {
            Ok(parsed) => parsed,
            Err(e) => {
                c.at(&code.referenced, e.to_string());
                continue;
            }
        };
        if directory.by_code.contains_key(code_value.as_str()) {
            c.at(
                &code.referenced,
                format!("institution `{code_value}` is declared twice"),
            );
            continue;
        }
        let name = i.name.as_ref().map(|n| n.value.trim().to_owned());
        let mut emails = Vec::new();
        for e in i.emails.iter().flatten() {
            match EmailAddress::parse(&e.value) {
                Ok(addr) => emails.push(addr),
                Err(_) if !readable(e) => {}
                Err(_) => c.at(
                    &e.referenced,
                    format!(
                        "`{}` is not an e-mail address (institution {code_value})",
                        e.value
                    ),
                ),
            }
        }
        let inst_language = match &i.language {
            Some(l) if readable(l) && Language::parse(&l.value).is_none() => {
                c.at(
                    &l.referenced,
                    format!(
                        "language `{}` is not one of: {}",
                        l.value,
                        Language::codes()
                    ),
                );
                None
            }
            Some(l) => Some(l.value.clone()),
            None => None,
        };
        let inst_tz = match &i.time_zone {
            Some(t) => t
                .value
                .parse::<Tz>()
                .map_err(|_| {
                    c.at(
                        &t.referenced,
                        format!("time_zone `{}` is not an IANA time zone", t.value),
                    );
                })
                .ok(),
            None => None,
        };
        if let Some(parent) = &i.parent {
            parents.push((code_value.as_str().to_owned(), parent.clone()));
        }
        if let Some(name) = &name {
            directory
                .by_name
                .insert(fold(name), code_value.as_str().to_owned());
        }
        institutions_at.insert(
            code_value.as_str().to_owned(),
            Place {
                file: (*written_in).to_owned(),
                line: at.line(),
                column: at.column(),
            },
        );
        directory.by_code.insert(
            code_value.as_str().to_owned(),
            NewInstitution {
                code: code_value,
                name,
                parent: None,
                emails: i.emails.as_ref().map(|_| emails),
                language: inst_language,
                time_zone: inst_tz,
            },
        );
    }
    for (child, parent) in &parents {
        match directory.find(&parent.value) {
            Some(p) if p == *child => c.at(
                &parent.referenced,
                format!("{child} cannot be its own parent"),
            ),
            Some(p) => {
                if let (Some(inst), Ok(code)) =
                    (directory.by_code.get_mut(child), InstitutionCode::parse(&p))
                {
                    inst.parent = Some(code);
                }
            }
            None if readable(parent) => {
                let message = directory.unknown(&parent.value);
                c.at(&parent.referenced, format!("parent of {child}: {message}"));
            }
            None => {}
        }
    }
    let institutions = ordered_parents_first(&mut c, &directory, &header_at);
    let owner = c
        .required(&h.owner, &header_at, "plan.owner")
        .and_then(|o| match directory.find(&o.value) {
            Some(code) => Some(code),
            None => {
                let message = directory.unknown(&o.value);
                c.at(&o.referenced, format!("plan.owner: {message}"));
                None
            }
        });

    // Objectives and actions.
    let mut objectives = Vec::new();
    let mut actions = Vec::new();
    let mut numbers: BTreeSet<String> = BTreeSet::new();
    let mut action_numbers: BTreeSet<String> = BTreeSet::new();
    let context = DeadlineContext { period, tz };
    for general in &raw.objectives {
        walk_objective(
            &mut c,
            general,
            None,
            &mut numbers,
            &mut action_numbers,
            &directory,
            &context,
            &mut objectives,
            &mut actions,
        );
    }
    let register = raw
        .register
        .as_ref()
        .and_then(|r| check_register(&mut c, r, &directory));
    match (&raw.register, raw.objectives.first()) {
        (None, None) => c.at(&header_at, "the plan has no objectives"),
        (Some(_), Some(first)) => c.at(
            &first.referenced,
            "a register has no objectives: its cases are entered one by one",
        ),
        _ => {}
    }

    let mut performance_indicators = Vec::new();
    for pi in &raw.performance_indicators {
        let name = c
            .required(&pi.value.name, &pi.referenced, "performance indicator name")
            .map(|n| n.value.clone());
        let label = name.clone().unwrap_or_default();
        let spec = check_definition(
            &mut c,
            &pi.referenced,
            &format!("performance indicator `{label}`"),
            &pi.value.definition(),
            Some(Unit::infer(&label).as_str()),
        );
        let reporting = pi.value.reporting.as_ref().filter(|r| readable(r));
        if let (Some(wording), Some(period), Some(tz)) = (reporting, context.period, context.tz)
            && let Err(e) = deadline::parse(&wording.value, period, tz, None)
        {
            c.at(
                &wording.referenced,
                format!("reporting of performance indicator `{label}`: {e}"),
            );
        }
        let responsible = match pi.value.responsible.as_ref().filter(|r| readable(r)) {
            None => None,
            Some(r) => match directory.resolve(&r.value) {
                Ok(codes) if codes.len() == 1 => codes.into_iter().next(),
                Ok(codes) => {
                    c.at(
                        &r.referenced,
                        format!(
                            "performance indicator `{label}` names {} institutions as responsible \
                             ({}): name one",
                            codes.len(),
                            codes.join(", ")
                        ),
                    );
                    None
                }
                Err(message) => {
                    c.at(
                        &r.referenced,
                        format!("responsible of performance indicator `{label}`: {message}"),
                    );
                    None
                }
            },
        };
        if let (Some(name), Some(spec)) = (name, spec) {
            performance_indicators.push(PerformanceIndicatorDraft {
                name,
                spec,
                comparison: pi.value.comparison.clone(),
                reporting: reporting.map(|r| r.value.trim().to_owned()),
                responsible,
            });
        }
    }

    let tasks: usize = actions
        .iter()
        .map(|a: &ActionDraft| a.periods.len() * (a.responsible.len() + a.partners.len()))
        .sum();
    if tasks > MAX_TASKS_PER_PLAN {
        c.at(
            &header_at,
            format!(
                "the plan yields {tasks} tasks (reporting periods × institutions); one plan file \
                 may yield at most {MAX_TASKS_PER_PLAN}: split it, or use fewer periods"
            ),
        );
    }
    problems.extend(c.problems);
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.line, p.column));
        return Err(problems);
    }
    match (code, title, owner, period, tz, language, lifecycle) {
        (
            Some(code),
            Some(title),
            Some(owner),
            Some(period),
            Some(tz),
            Some(language),
            Some(lifecycle),
        ) => {
            let owner = InstitutionCode::parse(&owner).map_err(|e| {
                vec![Problem::new(
                    file,
                    header_at.line(),
                    header_at.column(),
                    e.to_string(),
                )]
            })?;
            let lifecycle_at = h.lifecycle.as_ref().map_or(header_at, |l| l.referenced);
            Ok(PlanDraft {
                at: Place {
                    file: file.to_owned(),
                    line: header_at.line(),
                    column: header_at.column(),
                },
                lifecycle_at: Place {
                    file: file.to_owned(),
                    line: lifecycle_at.line(),
                    column: lifecycle_at.column(),
                },
                institutions_at,
                public: h.public,
                plan: NewPlan {
                    code,
                    title,
                    owner,
                    period_start: period.start,
                    period_end: period.end,
                    time_zone: tz,
                    language,
                    lifecycle,
                    reminder_policy: h.reminder_policy.as_ref().map(|r| r.value.clone()),
                },
                institutions,
                objectives,
                actions,
                performance_indicators,
                register,
            })
        }
        _ => Err(vec![Problem::new(
            file,
            header_at.line(),
            header_at.column(),
            "the plan header is incomplete".to_owned(),
        )]),
    }
}

/// Institutions with every parent before its children; a cycle is a problem.
fn ordered_parents_first(
    c: &mut Checker,
    directory: &Directory,
    at: &Location,
) -> Vec<NewInstitution> {
    let mut ordered: Vec<NewInstitution> = Vec::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut remaining: Vec<&NewInstitution> = directory.by_code.values().collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|inst| {
            let ready = inst
                .parent
                .as_ref()
                .is_none_or(|p| placed.contains(p.as_str()));
            if ready {
                placed.insert(inst.code.as_str().to_owned());
                ordered.push((*inst).clone());
            }
            !ready
        });
        if remaining.len() == before {
            let cycle: Vec<&str> = remaining.iter().map(|i| i.code.as_str()).collect();
            c.at(
                at,
                format!("institutions form a parent cycle: {}", cycle.join(", ")),
            );
            break;
        }
    }
    ordered
}

struct DeadlineContext {
    period: Option<PlanPeriod>,
    tz: Option<Tz>,
}

#[allow(clippy::too_many_arguments)]
fn walk_objective(
    c: &mut Checker,
    objective: &Spanned<RawObjective>,
    parent: Option<&str>,
    numbers: &mut BTreeSet<String>,
    action_numbers: &mut BTreeSet<String>,
    directory: &Directory,
    context: &DeadlineContext,
    objectives: &mut Vec<ObjectiveDraft>,
    actions: &mut Vec<ActionDraft>,
) {
    let at = objective.referenced;
    let o = &objective.value;
    let number = c
        .required(&o.number, &at, "objective number")
        .and_then(|n| c.unique(n, numbers, "objective number"));
    let title = c
        .required(&o.title, &at, "objective title")
        .map(|t| t.value.clone());
    let Some(number) = number else { return };
    if let Some(title) = title {
        objectives.push(ObjectiveDraft {
            number: number.clone(),
            parent: parent.map(str::to_owned),
            title,
            result: o.result.clone(),
        });
    }
    for specific in &o.objectives {
        walk_objective(
            c,
            specific,
            Some(&number),
            numbers,
            action_numbers,
            directory,
            context,
            objectives,
            actions,
        );
    }
    for action in &o.actions {
        if let Some(draft) = check_action(c, action, &number, action_numbers, directory, context) {
            actions.push(draft);
        }
    }
}

fn check_action(
    c: &mut Checker,
    action: &Spanned<RawAction>,
    objective: &str,
    numbers: &mut BTreeSet<String>,
    directory: &Directory,
    context: &DeadlineContext,
) -> Option<ActionDraft> {
    let at = action.referenced;
    let a = &action.value;
    let number = c
        .required(&a.number, &at, "action number")
        .and_then(|n| c.unique(n, numbers, "action number"));
    let label = number
        .clone()
        .unwrap_or_else(|| format!("at line {}", at.line()));
    let text = c
        .required(&a.text, &at, &format!("text of action {label}"))
        .map(|t| t.value.clone());

    let mut indicators = Vec::new();
    for ind in &a.indicators {
        let name = c.required(
            &ind.value.name,
            &ind.referenced,
            &format!("indicator name in action {label}"),
        );
        let what = format!(
            "indicator `{}` of action {label}",
            name.map(|n| n.value.as_str()).unwrap_or_default()
        );
        let inferred = name.map(|n| Unit::infer(&n.value).as_str());
        let spec = check_definition(c, &ind.referenced, &what, &ind.value.definition(), inferred);
        if let (Some(name), Some(spec)) = (name, spec) {
            indicators.push(NewIndicator {
                name: name.value.clone(),
                spec,
            });
        }
    }

    let deadline = c.required(&a.deadline, &at, &format!("deadline of action {label}"));
    let periods = match (deadline, context.period, context.tz) {
        (Some(wording), Some(period), Some(tz)) => {
            let recurrence = a.recurrence.as_ref().map(|r| r.value.as_str());
            match deadline::parse(&wording.value, period, tz, recurrence) {
                Ok(periods) => Some(periods),
                Err(e) => {
                    let at = match (&a.recurrence, &e) {
                        (
                            Some(r),
                            deadline::DeadlineError::InvalidRecurrence { .. }
                            | deadline::DeadlineError::UnexpectedRecurrence { .. }
                            | deadline::DeadlineError::RecurrenceNeverFires { .. },
                        ) => r.referenced,
                        _ => wording.referenced,
                    };
                    c.at(&at, format!("action {label}: {e}"));
                    None
                }
            }
        }
        _ => None,
    };

    let resolve_all =
        |c: &mut Checker, refs: &[Spanned<String>], role: &str| -> Option<Vec<String>> {
            let mut codes = Vec::new();
            let mut ok = true;
            for r in refs.iter().filter(|r| readable(r)) {
                match directory.resolve(&r.value) {
                    Ok(found) => {
                        for code in found {
                            if !codes.contains(&code) {
                                codes.push(code);
                            }
                        }
                    }
                    Err(message) => {
                        c.at(
                            &r.referenced,
                            format!("{role} of action {label}: {message}"),
                        );
                        ok = false;
                    }
                }
            }
            ok.then_some(codes)
        };
    let responsible = resolve_all(c, &a.responsible, "responsible");
    let partners = resolve_all(c, &a.partners, "partner");
    if a.responsible.is_empty() {
        c.at(
            &at,
            format!("action {label} names no responsible institution"),
        );
    }
    let lead = match (&a.lead, &responsible) {
        (Some(lead), Some(responsible)) => {
            let written = match &lead.value {
                RawLead::One(one) => Some(one.clone()),
                RawLead::Many(many) if many.len() == 1 => Some(many[0].clone()),
                RawLead::Many(many) => {
                    c.at(
                        &lead.referenced,
                        format!(
                            "action {label} names {} leads ({}): an action has exactly one lead",
                            many.len(),
                            many.join(", ")
                        ),
                    );
                    None
                }
            };
            written.and_then(|written| match directory.resolve(&written) {
                Ok(codes) if codes.len() == 1 && responsible.contains(&codes[0]) => {
                    Some(codes[0].clone())
                }
                Ok(codes) if codes.len() == 1 => {
                    c.at(
                        &lead.referenced,
                        format!(
                            "lead {} of action {label} is not among its responsible institutions",
                            codes[0]
                        ),
                    );
                    None
                }
                Ok(codes) => {
                    c.at(
                        &lead.referenced,
                        format!(
                            "action {label} names {} leads ({}): an action has exactly one lead",
                            codes.len(),
                            codes.join(", ")
                        ),
                    );
                    None
                }
                Err(message) => {
                    c.at(
                        &lead.referenced,
                        format!("lead of action {label}: {message}"),
                    );
                    None
                }
            })
        }
        (None, Some(responsible)) => responsible.first().cloned(),
        _ => None,
    };
    if let (Some(responsible), Some(partners)) = (&responsible, &partners) {
        for p in partners.iter().filter(|p| responsible.contains(p)) {
            c.at(
                &at,
                format!("action {label}: {p} is both responsible and partner"),
            );
        }
        let count = responsible.len() + partners.len();
        if count > MAX_ASSIGNED {
            c.at(
                &at,
                format!("action {label} names {count} institutions; an action takes at most {MAX_ASSIGNED}"),
            );
        }
    }
    Some(ActionDraft {
        objective: objective.to_owned(),
        number: number?,
        text: text?,
        deadline: deadline?.value.clone(),
        recurrence: a.recurrence.as_ref().map(|r| r.value.clone()),
        funding: a.funding.clone(),
        indicators,
        lead: lead?,
        responsible: responsible?,
        partners: partners?,
        periods: periods?,
    })
}

/// The definition of the indicator written at `at` (named `what` in problems), each problem at
/// the field it is about; `inferred` is the unit when none is written.
fn check_definition(
    c: &mut Checker,
    at: &Location,
    what: &str,
    raw: &RawDefinition<'_>,
    inferred: Option<&str>,
) -> Option<IndicatorSpec> {
    let (baseline_value, baseline_period) = match raw.baseline.as_ref().map(|b| &b.value) {
        None => (None, None),
        Some(RawBaseline::Value(v)) => (Some(*v), None),
        Some(RawBaseline::Described { value, period }) => {
            (*value, period.as_ref().map(|p| p.text()))
        }
    };
    let target = raw.target.as_ref().map(|t| t.value.text());
    let written = WrittenSpec {
        unit: raw.unit.as_ref().map(|u| u.value.as_str()).or(inferred),
        baseline_value,
        baseline_period: baseline_period.as_deref(),
        target: target.as_deref(),
        direction: raw.direction.as_ref().map(|d| d.value.as_str()),
        aggregation: raw.aggregation.as_ref().map(|a| a.value.as_str()),
    };
    match IndicatorSpec::parse(&written) {
        Ok(spec) => Some(spec),
        Err(problems) => {
            for (field, message) in problems {
                let place = match field {
                    Field::Unit => raw.unit.as_ref().map(|f| f.referenced),
                    Field::Baseline => raw.baseline.as_ref().map(|f| f.referenced),
                    Field::Target => raw.target.as_ref().map(|f| f.referenced),
                    Field::Direction => raw.direction.as_ref().map(|f| f.referenced),
                    Field::Aggregation => raw.aggregation.as_ref().map(|f| f.referenced),
                };
                c.at(&place.unwrap_or(*at), format!("{what}: {message}"));
            }
            None
        }
    }
}

/// Checks a `register:` section: a relative deadline rule and at least one known department.
fn check_register(
    c: &mut Checker<'_>,
    raw: &Spanned<RawRegister>,
    directory: &Directory,
) -> Option<RegisterDraft> {
    let at = raw.referenced;
    let deadline = c
        .required(&raw.value.deadline, &at, "register.deadline")
        .and_then(|d| match RelativeDeadline::parse(&d.value) {
            Ok(_) => Some(d.value.trim().to_owned()),
            Err(e) => {
                c.at(&d.referenced, format!("register.deadline: {e}"));
                None
            }
        });
    if raw.value.departments.is_empty() {
        c.at(
            &at,
            "register.departments: name the departments its cases are routed to",
        );
    }
    let mut departments: Vec<String> = Vec::new();
    for d in &raw.value.departments {
        match directory.find(&d.value) {
            Some(code) if departments.contains(&code) => {
                c.at(&d.referenced, format!("department {code} is named twice"));
            }
            Some(code) => departments.push(code),
            None => {
                let message = directory.unknown(&d.value);
                c.at(&d.referenced, format!("register.departments: {message}"));
            }
        }
    }
    let deadline = deadline?;
    (departments.len() == raw.value.departments.len() && !departments.is_empty()).then_some(
        RegisterDraft {
            deadline,
            departments,
        },
    )
}

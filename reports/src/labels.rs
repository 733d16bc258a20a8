//! The report's words in the plan's language, from the message catalogue
//! (`engine/locales/{ro,en,pl}/reports.ftl`), read once per language; and how each language
//! writes the report's dates, numbers and periods.

use std::sync::LazyLock;

use chrono::NaiveDate;
use mandate_engine::i18n::{self, Arg, Language};
use mandate_engine::reports::{PeriodKind, ReportPeriod};
use mandate_engine::status::Status;

/// Every word a report document uses, in one language.
#[derive(Debug)]
pub struct Labels {
    /// The language, whose code is the `lang` attribute of the HTML document.
    pub language: Language,
    pub lang: &'static str,
    pub title: String,
    pub coordinator: String,
    pub generated: String,
    pub empty: String,
    pub objectives: String,
    pub progress: String,
    pub partners_section: String,
    pub plan_indicators: String,
    pub summary: String,
    pub overdue_work: String,
    pub declined_work: String,
    pub reports: String,
    pub objective: String,
    pub result: String,
    pub action: String,
    pub number: String,
    pub deadline: String,
    pub lead: String,
    pub responsible: String,
    pub partners: String,
    pub status: String,
    pub institution: String,
    pub role: String,
    pub period: String,
    pub period_start: String,
    pub period_end: String,
    pub due: String,
    pub state: String,
    pub overdue: String,
    pub declined: String,
    /// The column of declined tasks in the summary, beside the columns of each state.
    pub declined_count: String,
    pub reason: String,
    pub indicator: String,
    pub indicators: String,
    pub unit: String,
    pub target: String,
    pub value: String,
    pub reports_count: String,
    pub text_values: String,
    pub narrative: String,
    pub evidence: String,
    pub submitted: String,
    pub tasks: String,
    pub actions: String,
    pub periods: String,
    pub periods_complete: String,
    pub total: String,
    pub unknown: String,
    pub baseline: String,
    pub comparison: String,
    pub yes: String,
    pub no: String,
    pub role_responsible: String,
    pub role_partner: String,
    pub charts: String,
    pub chart_progress: String,
    pub chart_overdue: String,
    pub chart_month: String,
    pub informacja_threat: String,
    pub informacja_goal: String,
    pub informacja_criterion: String,
    pub informacja_actions: String,
    pub informacja_partners: String,
    pub informacja_community: String,
    pub informacja_not_recorded: String,
    pub informacja_narratives: String,
    /// done, on track, at risk, late, not started, closed.
    statuses: [String; 6],
    /// pending, acknowledged, in progress, submitted, signed off, declined, cancelled.
    states: [String; 7],
}

/// The lifecycle states of the default lifecycle, in its order (as `Labels::states`).
const STATES: [&str; 7] = [
    "pending",
    "acknowledged",
    "in_progress",
    "submitted",
    "signed_off",
    "declined",
    "cancelled",
];

static LABELS: LazyLock<[Labels; 3]> = LazyLock::new(|| Language::ALL.map(Labels::read));

/// The words for `language` (`ro`, `en` or `pl`; any other is English).
pub fn labels(language: &str) -> &'static Labels {
    let language = Language::or_fallback(language);
    let index = Language::ALL
        .iter()
        .position(|l| *l == language)
        .unwrap_or_default();
    &LABELS[index]
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

impl Labels {
    /// The words of `language`, read from the catalogue.
    fn read(language: Language) -> Self {
        let word = |key: &str| i18n::t(language, &format!("report-{key}"), &[]);
        Self {
            language,
            lang: language.code(),
            title: word("title"),
            coordinator: word("coordinator"),
            generated: word("generated"),
            empty: word("empty"),
            objectives: word("objectives"),
            progress: word("progress"),
            partners_section: word("partners-section"),
            plan_indicators: word("plan-indicators"),
            summary: word("summary"),
            overdue_work: word("overdue-work"),
            declined_work: word("declined-work"),
            reports: word("reports"),
            objective: word("objective"),
            result: word("result"),
            action: word("action"),
            number: word("number"),
            deadline: word("deadline"),
            lead: word("lead"),
            responsible: word("responsible"),
            partners: word("partners"),
            status: word("status"),
            institution: word("institution"),
            role: word("role"),
            period: word("period"),
            period_start: word("period-start"),
            period_end: word("period-end"),
            due: word("due"),
            state: word("state"),
            overdue: word("overdue"),
            declined: word("declined"),
            declined_count: word("declined-count"),
            reason: word("reason"),
            indicator: word("indicator"),
            indicators: word("indicators"),
            unit: word("unit"),
            target: word("target"),
            value: word("value"),
            reports_count: word("reports-count"),
            text_values: word("text-values"),
            narrative: word("narrative"),
            evidence: word("evidence"),
            submitted: word("submitted"),
            tasks: word("tasks"),
            actions: word("actions"),
            periods: word("periods"),
            periods_complete: word("periods-complete"),
            total: word("total"),
            unknown: word("unknown"),
            baseline: word("baseline"),
            comparison: word("comparison"),
            yes: word("yes"),
            no: word("no"),
            role_responsible: word("role-responsible"),
            role_partner: word("role-partner"),
            charts: word("charts"),
            chart_progress: word("chart-progress"),
            chart_overdue: word("chart-overdue"),
            chart_month: word("chart-month"),
            informacja_threat: word("informacja-threat"),
            informacja_goal: word("informacja-goal"),
            informacja_criterion: word("informacja-criterion"),
            informacja_actions: word("informacja-actions"),
            informacja_partners: word("informacja-partners"),
            informacja_community: word("informacja-community"),
            informacja_not_recorded: word("informacja-not-recorded"),
            informacja_narratives: word("informacja-narratives"),
            statuses: [
                "done",
                "on-track",
                "at-risk",
                "late",
                "not-started",
                "closed",
            ]
            .map(|s| word(&format!("status-{s}"))),
            states: STATES.map(|s| word(&format!("state-{}", s.replace('_', "-")))),
        }
    }

    /// The message `key` of the report's catalogue with `args`.
    fn message(&self, key: &str, args: &[(&str, Arg)]) -> String {
        i18n::t(self.language, &format!("report-{key}"), args)
    }

    /// The name of a status.
    pub fn status(&self, status: Status) -> &str {
        &self.statuses[match status {
            Status::Done => 0,
            Status::OnTrack => 1,
            Status::AtRisk => 2,
            Status::Late => 3,
            Status::NotStarted => 4,
            Status::Closed => 5,
        }]
    }

    /// The name of a lifecycle state of the default lifecycle; another state as it is named.
    pub fn state<'a>(&'a self, state: &'a str) -> &'a str {
        STATES
            .iter()
            .position(|k| *k == state)
            .map_or(state, |i| &self.states[i])
    }

    /// The name of an assignment role.
    pub fn role<'a>(&'a self, role: &'a str) -> &'a str {
        match role {
            "responsible" => &self.role_responsible,
            "partner" => &self.role_partner,
            other => other,
        }
    }

    /// A date as the report writes it: `31.12.2021` in Romanian and Polish, `2021-12-31` in
    /// English.
    pub fn date(&self, date: NaiveDate) -> String {
        match self.language {
            Language::En => date.format("%Y-%m-%d"),
            Language::Ro | Language::Pl => date.format("%d.%m.%Y"),
        }
        .to_string()
    }

    /// Yes or no.
    pub fn yes_no(&self, yes: bool) -> &str {
        if yes { &self.yes } else { &self.no }
    }

    /// `count` tasks, in the language's plural form: "22 de sarcini", "5 zadań".
    pub fn tasks_count(&self, count: u64) -> String {
        self.message("tasks-count", &[("count", Arg::Number(count as f64))])
    }

    /// How much work the period holds: "3 actions with 12 tasks in this period."
    pub fn scope(&self, actions: u64, tasks: u64) -> String {
        self.message(
            "scope",
            &[
                ("actions", Arg::Number(actions as f64)),
                ("tasks", Arg::Number(tasks as f64)),
            ],
        )
    }

    /// The period as a title names it: "semestrul 1 2021", "I półrocze 2021", "01.01.2021 –
    /// 30.06.2021".
    pub fn period(&self, period: &ReportPeriod) -> String {
        let fill = |key: &str, year: i32, n: u8| {
            self.message(
                key,
                &[
                    ("year", Arg::Text(year.to_string())),
                    ("number", Arg::Text(n.to_string())),
                    (
                        "roman",
                        Arg::from(*ROMAN.get(usize::from(n).saturating_sub(1)).unwrap_or(&"")),
                    ),
                ],
            )
        };
        match period.kind {
            PeriodKind::Year(y) => fill("period-year", y, 0),
            PeriodKind::Half(y, n) => fill("period-half", y, n),
            PeriodKind::Quarter(y, n) => fill("period-quarter", y, n),
            PeriodKind::Range => format!("{} – {}", self.date(period.start), self.date(period.end)),
        }
    }

    /// The period with its days: "semestrul 1 2021 (01.01.2021 – 30.06.2021)".
    pub fn period_span(&self, period: &ReportPeriod) -> String {
        let days = format!("{} – {}", self.date(period.start), self.date(period.end));
        match period.kind {
            PeriodKind::Range => days,
            _ => format!("{} ({days})", self.period(period)),
        }
    }

    /// The period as a report's title gives it: "na okres od 01.01.2024 roku do 30.06.2024 roku
    /// (I półrocze 2024)".
    pub fn for_period(&self, period: &ReportPeriod) -> String {
        let line = self.message(
            "period-for-period",
            &[
                ("start", Arg::Text(self.date(period.start))),
                ("end", Arg::Text(self.date(period.end))),
            ],
        );
        match period.kind {
            PeriodKind::Range => line,
            _ => format!("{line} ({})", self.period(period)),
        }
    }

    /// A number as the language writes it: whole numbers without decimals, others with two.
    pub fn number(&self, n: f64) -> String {
        let text = if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{n:.0}")
        } else {
            format!("{n:.2}")
        };
        match self.language {
            Language::En => text,
            Language::Ro | Language::Pl => text.replace('.', ","),
        }
    }

    /// Whether a plan's title already is a report's title ("INFORMACJA DOTYCZĄCA REALIZACJI
    /// PLANU …"), so that a document does not say it twice.
    pub fn titles_itself(&self, plan_title: &str) -> bool {
        plan_title
            .to_lowercase()
            .starts_with(&self.title.to_lowercase())
    }

    /// A reported value, or the word for unknown.
    pub fn value(&self, value: Option<f64>) -> String {
        value.map_or_else(|| self.unknown.clone(), |n| self.number(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_numbers_and_states_in_each_language() {
        let half = ReportPeriod::parse("2021-S1").expect("period");
        let quarter = ReportPeriod::parse("2021-Q3").expect("period");
        let range = ReportPeriod::parse("2024-01-01..2024-06-30").expect("period");
        assert_eq!(labels("ro").period(&half), "semestrul 1 2021");
        assert_eq!(labels("pl").period(&half), "I półrocze 2021");
        assert_eq!(labels("pl").period(&quarter), "III kwartał 2021");
        assert_eq!(labels("en").period(&quarter), "quarter 3 of 2021");
        assert_eq!(labels("pl").period(&range), "01.01.2024 – 30.06.2024");
        assert_eq!(
            labels("pl").for_period(&ReportPeriod::parse("2024-H1").expect("period")),
            "na okres od 01.01.2024 roku do 30.06.2024 roku (I półrocze 2024)"
        );
        assert_eq!(
            labels("ro").period_span(&half),
            "semestrul 1 2021 (01.01.2021 – 30.06.2021)"
        );
        assert_eq!(
            labels("en").for_period(&range),
            "for the period 2024-01-01 to 2024-06-30"
        );
        assert_eq!(labels("ro").number(2.5), "2,50");
        assert_eq!(labels("en").number(12.0), "12");
        assert_eq!(labels("pl").value(None), "nieznana");
        assert_eq!(labels("ro").state("signed_off"), "Aprobată");
        assert_eq!(labels("ro").state("custom"), "custom");
        assert_eq!(labels("xx").status(Status::Late), "Late");
        assert!(labels("pl").titles_itself("INFORMACJA DOTYCZĄCA REALIZACJI PLANU DZIAŁANIA"));
        assert!(!labels("ro").titles_itself("Plan național de acțiune"));
    }

    #[test]
    fn counts_take_each_language_s_plural_forms() {
        let cases = [
            (
                "ro",
                [(1, "1 sarcină"), (3, "3 sarcini"), (20, "20 de sarcini")],
            ),
            ("en", [(1, "1 task"), (3, "3 tasks"), (20, "20 tasks")]),
            ("pl", [(1, "1 zadanie"), (3, "3 zadania"), (25, "25 zadań")]),
        ];
        for (language, expected) in cases {
            for (n, words) in expected {
                assert_eq!(labels(language).tasks_count(n), words, "{language} {n}");
            }
        }
        assert_eq!(
            labels("pl").scope(5, 22),
            "5 działań i 22 zadania w tym okresie."
        );
        assert_eq!(
            labels("ro").scope(1, 21),
            "O acțiune cu 21 de sarcini în această perioadă."
        );
        assert_eq!(
            labels("en").scope(1, 1),
            "One action with one task in this period."
        );
    }

    #[test]
    fn every_word_is_in_the_catalogue() {
        for language in ["ro", "en", "pl"] {
            let l = labels(language);
            // A word missing from the catalogue would be its key.
            let words = [&l.title, &l.charts, &l.informacja_threat, &l.unknown];
            for word in words {
                assert!(!word.starts_with("report-"), "{language}: {word}");
            }
            assert!(!l.status(Status::OnTrack).starts_with("report-"));
        }
        assert_eq!(labels("pl").informacja_goal, "Zakładany cel do osiągnięcia");
    }

    #[test]
    fn the_summary_columns_have_distinct_names() {
        for language in ["ro", "en", "pl"] {
            let l = labels(language);
            let states = [
                "pending",
                "acknowledged",
                "in_progress",
                "submitted",
                "signed_off",
                "declined",
                "cancelled",
            ];
            let mut names: Vec<&str> = [&l.number, &l.objective, &l.status, &l.actions, &l.tasks]
                .map(String::as_str)
                .to_vec();
            names.extend(states.iter().map(|s| l.state(s)));
            names.extend(
                [
                    &l.overdue,
                    &l.declined_count,
                    &l.periods,
                    &l.periods_complete,
                ]
                .map(String::as_str),
            );
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{language}: {names:?}");
        }
    }
}

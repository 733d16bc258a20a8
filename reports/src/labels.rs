//! The report's words in Romanian, English and Polish: a small table of its own until they move
//! into the message catalogue with the other texts of the application.

use chrono::NaiveDate;
use mandate_engine::reports::{PeriodKind, ReportPeriod};
use mandate_engine::status::Status;

/// Every word a report document uses, in one language.
#[derive(Debug)]
pub struct Labels {
    /// The `lang` attribute of the HTML document.
    pub lang: &'static str,
    pub title: &'static str,
    pub coordinator: &'static str,
    pub generated: &'static str,
    pub empty: &'static str,
    pub objectives: &'static str,
    pub progress: &'static str,
    pub partners_section: &'static str,
    pub plan_indicators: &'static str,
    pub summary: &'static str,
    pub overdue_work: &'static str,
    pub declined_work: &'static str,
    pub reports: &'static str,
    pub no_actions: &'static str,
    pub objective: &'static str,
    pub result: &'static str,
    pub action: &'static str,
    pub number: &'static str,
    pub deadline: &'static str,
    pub lead: &'static str,
    pub responsible: &'static str,
    pub partners: &'static str,
    pub status: &'static str,
    pub institution: &'static str,
    pub role: &'static str,
    pub period: &'static str,
    pub period_start: &'static str,
    pub period_end: &'static str,
    pub due: &'static str,
    pub state: &'static str,
    pub overdue: &'static str,
    pub declined: &'static str,
    /// The column of declined tasks in the summary, beside the columns of each state.
    pub declined_count: &'static str,
    pub reason: &'static str,
    pub indicator: &'static str,
    pub indicators: &'static str,
    pub unit: &'static str,
    pub target: &'static str,
    pub value: &'static str,
    pub reports_count: &'static str,
    pub text_values: &'static str,
    pub narrative: &'static str,
    pub evidence: &'static str,
    pub submitted: &'static str,
    pub tasks: &'static str,
    pub actions: &'static str,
    pub periods: &'static str,
    pub periods_complete: &'static str,
    pub total: &'static str,
    pub unknown: &'static str,
    pub baseline: &'static str,
    pub comparison: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub role_responsible: &'static str,
    pub role_partner: &'static str,
    /// done, on track, at risk, late, not started, closed.
    statuses: [&'static str; 6],
    /// pending, acknowledged, in progress, submitted, signed off, declined, cancelled.
    states: [&'static str; 7],
    /// "year", "half", "quarter" patterns: `{y}` the year, `{n}` the number, `{r}` in roman.
    year: &'static str,
    half: &'static str,
    quarter: &'static str,
    /// "for the period {start} to {end}", as a report's title says it.
    for_period: &'static str,
    /// How a date is written: a chrono format.
    pub date_format: &'static str,
    /// The decimal separator.
    decimal: char,
}

const RO: Labels = Labels {
    lang: "ro",
    title: "Raport de monitorizare a implementării planului",
    coordinator: "Coordonator",
    generated: "Generat la",
    empty: "Nicio activitate a planului nu se încadrează în această perioadă.",
    objectives: "Obiective și rezultate așteptate",
    progress: "Stadiul realizării acțiunilor",
    partners_section: "Instituții partenere",
    plan_indicators: "Indicatori de performanță ai planului",
    summary: "Sinteză",
    overdue_work: "Activități cu termen depășit",
    declined_work: "Activități refuzate",
    reports: "Rapoarte",
    no_actions: "Nicio acțiune în această perioadă.",
    objective: "Obiectiv",
    result: "Rezultat",
    action: "Acțiune",
    number: "Nr.",
    deadline: "Termen",
    lead: "Instituție coordonatoare",
    responsible: "Instituții responsabile",
    partners: "Instituții partenere",
    status: "Stadiu",
    institution: "Instituție",
    role: "Rol",
    period: "Perioada",
    period_start: "Început perioadă",
    period_end: "Sfârșit perioadă",
    due: "Scadență",
    state: "Stare",
    overdue: "Termen depășit",
    declined: "Refuzată",
    declined_count: "Total refuzate",
    reason: "Motiv",
    indicator: "Indicator",
    indicators: "Indicatori",
    unit: "Unitate",
    target: "Țintă",
    value: "Valoare raportată",
    reports_count: "Rapoarte cu valoare",
    text_values: "Valori descriptive",
    narrative: "Descriere",
    evidence: "Dovezi",
    submitted: "Transmis la",
    tasks: "Sarcini",
    actions: "Acțiuni",
    periods: "Perioade",
    periods_complete: "Perioade finalizate",
    total: "Total",
    unknown: "necunoscut",
    baseline: "Valoare de referință",
    comparison: "Comparație",
    yes: "da",
    no: "nu",
    role_responsible: "responsabilă",
    role_partner: "parteneră",
    statuses: [
        "Realizat",
        "În grafic",
        "La risc",
        "Întârziat",
        "Neînceput",
        "Închis",
    ],
    states: [
        "În așteptare",
        "Confirmată",
        "În lucru",
        "Transmisă",
        "Aprobată",
        "Refuzată",
        "Anulată",
    ],
    year: "anul {y}",
    half: "semestrul {n} {y}",
    quarter: "trimestrul {n} {y}",
    for_period: "pentru perioada {start} – {end}",
    date_format: "%d.%m.%Y",
    decimal: ',',
};

const EN: Labels = Labels {
    lang: "en",
    title: "Monitoring report on the implementation of the plan",
    coordinator: "Coordinator",
    generated: "Generated on",
    empty: "No work of the plan falls in this period.",
    objectives: "Objectives and expected results",
    progress: "Progress of the actions",
    partners_section: "Partner institutions",
    plan_indicators: "Performance indicators of the plan",
    summary: "Summary",
    overdue_work: "Overdue work",
    declined_work: "Declined work",
    reports: "Reports",
    no_actions: "No action in this period.",
    objective: "Objective",
    result: "Result",
    action: "Action",
    number: "No.",
    deadline: "Deadline",
    lead: "Lead institution",
    responsible: "Responsible institutions",
    partners: "Partner institutions",
    status: "Status",
    institution: "Institution",
    role: "Role",
    period: "Period",
    period_start: "Period start",
    period_end: "Period end",
    due: "Due",
    state: "State",
    overdue: "Overdue",
    declined: "Declined",
    declined_count: "Declined in all",
    reason: "Reason",
    indicator: "Indicator",
    indicators: "Indicators",
    unit: "Unit",
    target: "Target",
    value: "Reported value",
    reports_count: "Reports with a value",
    text_values: "Values in words",
    narrative: "Narrative",
    evidence: "Evidence",
    submitted: "Submitted",
    tasks: "Tasks",
    actions: "Actions",
    periods: "Periods",
    periods_complete: "Periods complete",
    total: "Total",
    unknown: "unknown",
    baseline: "Baseline",
    comparison: "Comparison",
    yes: "yes",
    no: "no",
    role_responsible: "responsible",
    role_partner: "partner",
    statuses: [
        "Done",
        "On track",
        "At risk",
        "Late",
        "Not started",
        "Closed",
    ],
    states: [
        "Pending",
        "Acknowledged",
        "In progress",
        "Submitted",
        "Signed off",
        "Declined",
        "Cancelled",
    ],
    year: "{y}",
    half: "half-year {n} of {y}",
    quarter: "quarter {n} of {y}",
    for_period: "for the period {start} to {end}",
    date_format: "%Y-%m-%d",
    decimal: '.',
};

const PL: Labels = Labels {
    lang: "pl",
    title: "Informacja dotycząca realizacji planu",
    coordinator: "Koordynator",
    generated: "Wygenerowano",
    empty: "W tym okresie nie przypadają żadne zadania planu.",
    objectives: "Zakładany cel do osiągnięcia",
    progress: "Realizacja działań",
    partners_section: "Podmioty współpracujące",
    plan_indicators: "Kryterium oceny osiągniętego celu",
    summary: "Podsumowanie",
    overdue_work: "Zadania po terminie",
    declined_work: "Zadania odrzucone",
    reports: "Sprawozdania",
    no_actions: "Brak działań w tym okresie.",
    objective: "Cel",
    result: "Rezultat",
    action: "Działanie",
    number: "Nr",
    deadline: "Termin realizacji",
    lead: "Podmiot wiodący",
    responsible: "Odpowiedzialni",
    partners: "Podmioty współpracujące",
    status: "Ocena",
    institution: "Podmiot",
    role: "Rola",
    period: "Okres",
    period_start: "Początek okresu",
    period_end: "Koniec okresu",
    due: "Termin",
    state: "Stan",
    overdue: "Po terminie",
    declined: "Odrzucone",
    declined_count: "Razem odrzucone",
    reason: "Powód",
    indicator: "Wskaźnik",
    indicators: "Wskaźniki",
    unit: "Jednostka",
    target: "Wartość docelowa",
    value: "Wartość zgłoszona",
    reports_count: "Sprawozdania z wartością",
    text_values: "Wartości opisowe",
    narrative: "Opis",
    evidence: "Dowody",
    submitted: "Złożono",
    tasks: "Zadania",
    actions: "Działania",
    periods: "Okresy",
    periods_complete: "Okresy zakończone",
    total: "Razem",
    unknown: "nieznana",
    baseline: "Wartość bazowa",
    comparison: "Porównanie",
    yes: "tak",
    no: "nie",
    role_responsible: "odpowiedzialny",
    role_partner: "współpracujący",
    statuses: [
        "Zrealizowane",
        "Zgodnie z planem",
        "Zagrożone",
        "Opóźnione",
        "Nierozpoczęte",
        "Zamknięte",
    ],
    states: [
        "Oczekuje",
        "Przyjęte",
        "W toku",
        "Przekazane",
        "Zatwierdzone",
        "Odrzucone",
        "Anulowane",
    ],
    year: "rok {y}",
    half: "{r} półrocze {y}",
    quarter: "{r} kwartał {y}",
    for_period: "na okres od {start} roku do {end} roku",
    date_format: "%d.%m.%Y",
    decimal: ',',
};

/// The words for `language` (`ro`, `en` or `pl`; any other is English).
pub fn labels(language: &str) -> &'static Labels {
    match language {
        "ro" => &RO,
        "pl" => &PL,
        _ => &EN,
    }
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

impl Labels {
    /// The name of a status.
    pub fn status(&self, status: Status) -> &'static str {
        self.statuses[match status {
            Status::Done => 0,
            Status::OnTrack => 1,
            Status::AtRisk => 2,
            Status::Late => 3,
            Status::NotStarted => 4,
            Status::Closed => 5,
        }]
    }

    /// The name of a lifecycle state of the default lifecycle; another state as it is named.
    pub fn state<'a>(&self, state: &'a str) -> &'a str {
        const KEYS: [&str; 7] = [
            "pending",
            "acknowledged",
            "in_progress",
            "submitted",
            "signed_off",
            "declined",
            "cancelled",
        ];
        KEYS.iter()
            .position(|k| *k == state)
            .map_or(state, |i| self.states[i])
    }

    /// The name of an assignment role.
    pub fn role<'a>(&self, role: &'a str) -> &'a str {
        match role {
            "responsible" => self.role_responsible,
            "partner" => self.role_partner,
            other => other,
        }
    }

    /// A date as the language writes it.
    pub fn date(&self, date: NaiveDate) -> String {
        date.format(self.date_format).to_string()
    }

    /// Yes or no.
    pub fn yes_no(&self, yes: bool) -> &'static str {
        if yes { self.yes } else { self.no }
    }

    /// The period as a title names it: "semestrul 1 2021", "I półrocze 2021", "01.01.2021 –
    /// 30.06.2021".
    pub fn period(&self, period: &ReportPeriod) -> String {
        let fill = |pattern: &str, y: i32, n: u8| {
            pattern
                .replace("{y}", &y.to_string())
                .replace("{n}", &n.to_string())
                .replace(
                    "{r}",
                    ROMAN.get(usize::from(n).saturating_sub(1)).unwrap_or(&""),
                )
        };
        match period.kind {
            PeriodKind::Year(y) => fill(self.year, y, 0),
            PeriodKind::Half(y, n) => fill(self.half, y, n),
            PeriodKind::Quarter(y, n) => fill(self.quarter, y, n),
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
        let line = self
            .for_period
            .replace("{start}", &self.date(period.start))
            .replace("{end}", &self.date(period.end));
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
        text.replace('.', &self.decimal.to_string())
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
        value.map_or_else(|| self.unknown.to_owned(), |n| self.number(n))
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
            let mut names: Vec<&str> = vec![l.number, l.objective, l.status, l.actions, l.tasks];
            names.extend(states.iter().map(|s| l.state(s)));
            names.extend([l.overdue, l.declined_count, l.periods, l.periods_complete]);
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{language}: {names:?}");
        }
    }
}

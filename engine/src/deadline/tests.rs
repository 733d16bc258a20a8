use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;

/// Plan of seed 003 (Plan național de acțiune 2021-2022).
const RO: &str = "2021-01-01..2022-12-31";
/// Plan of seed 004 (Plan działania priorytetowego, 01.01.2024 – 30.06.2024).
const PL: &str = "2024-01-01..2024-06-30";
const Y23: &str = "2023-01-01..2023-12-31";
const Y24: &str = "2024-01-01..2024-12-31";
const Y25: &str = "2025-01-01..2025-12-31";

const BUCHAREST: Tz = chrono_tz::Europe::Bucharest;
const WARSAW: Tz = chrono_tz::Europe::Warsaw;

fn plan(s: &str) -> PlanPeriod {
    PlanPeriod::parse(s).expect("test plan period")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test instant")
        .with_timezone(&Utc)
}

/// The periods of `wording` as "start..end" strings.
fn spans(wording: &str, plan_period: &str) -> Result<Vec<String>, DeadlineError> {
    parse(wording, plan(plan_period), BUCHAREST, None).map(|ps| {
        ps.iter()
            .map(|p| format!("{}..{}", p.start, p.end))
            .collect()
    })
}

fn check(table: &[(&str, &str, &[&str])]) {
    let mut failures = Vec::new();
    for (wording, plan_period, expected) in table {
        match spans(wording, plan_period) {
            Ok(got) if got == *expected => {}
            other => failures.push(format!(
                "{wording:?} over {plan_period}: got {other:?}, expected {expected:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const RO_YEARS: &[&str] = &["2021-01-01..2021-12-31", "2022-01-01..2022-12-31"];
const RO_HALVES: &[&str] = &[
    "2021-01-01..2021-06-30",
    "2021-07-01..2021-12-31",
    "2022-01-01..2022-06-30",
    "2022-07-01..2022-12-31",
];
const RO_QUARTERS: &[&str] = &[
    "2021-01-01..2021-03-31",
    "2021-04-01..2021-06-30",
    "2021-07-01..2021-09-30",
    "2021-10-01..2021-12-31",
    "2022-01-01..2022-03-31",
    "2022-04-01..2022-06-30",
    "2022-07-01..2022-09-30",
    "2022-10-01..2022-12-31",
];
const RO_JUL_OCT: &[&str] = &["2021-07-01..2021-10-31", "2022-07-01..2022-10-31"];
const PL_MONTHS: &[&str] = &[
    "2024-01-01..2024-01-31",
    "2024-02-01..2024-02-29",
    "2024-03-01..2024-03-31",
    "2024-04-01..2024-04-30",
    "2024-05-01..2024-05-31",
    "2024-06-01..2024-06-30",
];
const PL_QUARTERS: &[&str] = &["2024-01-01..2024-03-31", "2024-04-01..2024-06-30"];
const Y24_HALVES: &[&str] = &["2024-01-01..2024-06-30", "2024-07-01..2024-12-31"];
const Y23_H1: &[&str] = &["2023-01-01..2023-06-30"];
const Y23_H2: &[&str] = &["2023-07-01..2023-12-31"];
const Y25_Q3: &[&str] = &["2025-07-01..2025-09-30"];

/// Every distinct "Termen de realizare" cell of seed 003 (verbatim, line
/// breaks included) and every deadline of section 3 of seed 004 (plus its
/// plan-period line).
#[test]
fn every_seed_wording_parses() {
    check(&[
        // 003_7789fabe79f06e03.txt, "Termen de realizare"
        ("anual", RO, RO_YEARS),
        ("anual:\niulie-\noctombrie", RO, RO_JUL_OCT),
        ("semestrial", RO, RO_HALVES),
        ("2022", RO, &["2022-01-01..2022-12-31"]),
        ("2021", RO, &["2021-01-01..2021-12-31"]),
        ("trimestrial", RO, RO_QUARTERS),
        ("octombrie 2022", RO, &["2022-10-01..2022-10-31"]),
        ("primul semestru 2021", RO, &["2021-01-01..2021-06-30"]),
        (
            "primul semestru 2021\nprimul  semestru 2022",
            RO,
            &["2021-01-01..2021-06-30", "2022-01-01..2022-06-30"],
        ),
        (
            "semestrul 2 2021\nsemestrul 2  2022",
            RO,
            &["2021-07-01..2021-12-31", "2022-07-01..2022-12-31"],
        ),
        (
            "primul semestru al anului 2021\noctombrie 2022",
            RO,
            &["2021-01-01..2021-06-30", "2022-10-01..2022-10-31"],
        ),
        ("Semestrul 2\n2022", RO, &["2022-07-01..2022-12-31"]),
        ("trimestrul 4\n2021", RO, &["2021-10-01..2021-12-31"]),
        ("2021-2022", RO, &["2021-01-01..2022-12-31"]),
        // the same cells with the stray blanks and line breaks they carry
        ("       anual", RO, RO_YEARS),
        ("anual ", RO, RO_YEARS),
        ("\nanual", RO, RO_YEARS),
        ("         2021", RO, &["2021-01-01..2021-12-31"]),
        ("\n2022\n\n", RO, &["2022-01-01..2022-12-31"]),
        // 004_22956f2d2e43d89d.txt, section 3
        (
            "styczeń – czerwiec 2024 roku",
            PL,
            &["2024-01-01..2024-06-30"],
        ),
        (
            "marzec- czerwiec 2024 roku",
            PL,
            &["2024-03-01..2024-06-30"],
        ),
        (
            "· styczeń – czerwiec 2024 roku",
            PL,
            &["2024-01-01..2024-06-30"],
        ),
        // 004, the plan period line "na okres od 01.01.2024 roku do 30.06.2024 roku"
        (
            "od 01.01.2024 roku do 30.06.2024 roku",
            PL,
            &["2024-01-01..2024-06-30"],
        ),
    ]);
    // The one "periodic" cell needs its rule.
    let periods = parse("periodic", plan(RO), BUCHAREST, Some("0 9 1 */3 *"));
    assert_eq!(periods.map(|p| p.len()), Ok(8));
}

#[test]
fn romanian_wordings() {
    check(&[
        ("ANUAL", RO, RO_YEARS),
        ("anuală", RO, RO_YEARS),
        ("Anual:  Iulie – Octombrie", RO, RO_JUL_OCT),
        ("semestrul 1 2021", RO, &["2021-01-01..2021-06-30"]),
        ("semestrul I 2021", RO, &["2021-01-01..2021-06-30"]),
        ("al doilea semestru 2022", RO, &["2022-07-01..2022-12-31"]),
        (
            "semestrul II al anului 2022",
            RO,
            &["2022-07-01..2022-12-31"],
        ),
        ("semestrul al II-lea 2022", RO, &["2022-07-01..2022-12-31"]),
        ("semestrul întâi 2022", RO, &["2022-01-01..2022-06-30"]),
        ("trimestrul IV 2021", RO, &["2021-10-01..2021-12-31"]),
        (
            "trimestrul I al anului 2022",
            RO,
            &["2022-01-01..2022-03-31"],
        ),
        (
            "ultimul trimestru al anului 2021",
            RO,
            &["2021-10-01..2021-12-31"],
        ),
        (
            "trimestrul 4 2021 și trimestrul 2 2022",
            RO,
            &["2021-10-01..2021-12-31", "2022-04-01..2022-06-30"],
        ),
        (
            "trimestrul 4 2021 şi trimestrul 2 2022",
            RO,
            &["2021-10-01..2021-12-31", "2022-04-01..2022-06-30"],
        ),
        (
            "semestrul I și II 2022",
            RO,
            &["2022-01-01..2022-06-30", "2022-07-01..2022-12-31"],
        ),
        ("iulie-octombrie 2022", RO, &["2022-07-01..2022-10-31"]),
        (
            "noiembrie 2021 - februarie 2022",
            RO,
            &["2021-11-01..2022-02-28"],
        ),
        (
            "noiembrie - februarie 2022",
            RO,
            &["2021-11-01..2022-02-28"],
        ),
        (
            "octombrie",
            RO,
            &["2021-10-01..2021-10-31", "2022-10-01..2022-10-31"],
        ),
        (
            "noiembrie-februarie",
            RO,
            &[
                "2021-01-01..2021-02-28",
                "2021-11-01..2022-02-28",
                "2022-11-01..2022-12-31",
            ],
        ),
        ("31 martie 2022", RO, &["2022-03-31..2022-03-31"]),
        ("15.09.2022", RO, &["2022-09-15..2022-09-15"]),
        ("până la 31 martie 2022", RO, &["2021-01-01..2022-03-31"]),
        (
            "până la data de 31.03.2022",
            RO,
            &["2021-01-01..2022-03-31"],
        ),
        ("pana la 31.03.2022", RO, &["2021-01-01..2022-03-31"]),
        (
            "Până la sfârșitul anului 2021",
            RO,
            &["2021-01-01..2021-12-31"],
        ),
        (
            "până la sfârşitul semestrului I 2022",
            RO,
            &["2021-01-01..2022-06-30"],
        ),
        ("termen: 31.03.2022", RO, &["2021-01-01..2022-03-31"]),
        ("permanent", RO, RO_YEARS),
        ("în permanență", RO, RO_YEARS),
        ("continuu", RO, RO_YEARS),
        ("2021, 2022", RO, RO_YEARS),
        ("2021 și 2022", RO, RO_YEARS),
        ("anul 2021", RO, &["2021-01-01..2021-12-31"]),
        ("în anul 2022", RO, &["2022-01-01..2022-12-31"]),
        ("luna octombrie 2022", RO, &["2022-10-01..2022-10-31"]),
        (
            "de la 1 martie 2022 până la 30 iunie 2022",
            RO,
            &["2022-03-01..2022-06-30"],
        ),
        ("începând cu 1 iulie 2022", RO, &["2022-07-01..2022-12-31"]),
        (
            "octombrie 2022 până la 15.12.2022",
            RO,
            &["2022-10-01..2022-12-15"],
        ),
        ("martie până la iunie 2022", RO, &["2022-03-01..2022-06-30"]),
        (
            "între 1.03.2022 și 30.06.2022",
            RO,
            &["2022-03-01..2022-06-30"],
        ),
        ("trimestrial 2022", RO, &RO_QUARTERS[4..]),
        ("2021: trimestrul IV", RO, &["2021-10-01..2021-12-31"]),
        ("2020-2021", RO, &["2021-01-01..2021-12-31"]),
        (
            "a doua jumătate a anului 2022",
            RO,
            &["2022-07-01..2022-12-31"],
        ),
        (
            "trimestrele I și III 2022",
            RO,
            &["2022-01-01..2022-03-31", "2022-07-01..2022-09-30"],
        ),
        (
            "ianuarie și martie 2022",
            RO,
            &["2022-01-01..2022-01-31", "2022-03-01..2022-03-31"],
        ),
        ("- anual", RO, RO_YEARS),
        (
            "anual, semestrial",
            RO,
            &[
                "2021-01-01..2021-06-30",
                "2021-01-01..2021-12-31",
                "2021-07-01..2021-12-31",
                "2022-01-01..2022-06-30",
                "2022-01-01..2022-12-31",
                "2022-07-01..2022-12-31",
            ],
        ),
    ]);
}

#[test]
fn polish_wordings() {
    check(&[
        ("I półrocze 2024", Y24, &["2024-01-01..2024-06-30"]),
        ("II półrocze 2024 r.", Y24, &["2024-07-01..2024-12-31"]),
        ("pierwsze półrocze 2024", Y24, &["2024-01-01..2024-06-30"]),
        ("II kwartał 2024", PL, &["2024-04-01..2024-06-30"]),
        ("w I kwartale 2024 r.", Y24, &["2024-01-01..2024-03-31"]),
        (
            "I kwartał i III kwartał 2024",
            Y24,
            &["2024-01-01..2024-03-31", "2024-07-01..2024-09-30"],
        ),
        (
            "I i III kwartał 2024",
            Y24,
            &["2024-01-01..2024-03-31", "2024-07-01..2024-09-30"],
        ),
        ("IV kwartał 2024 roku", Y24, &["2024-10-01..2024-12-31"]),
        ("do 30.06.2024", PL, &["2024-01-01..2024-06-30"]),
        ("do 31.03.2024 r.", PL, &["2024-01-01..2024-03-31"]),
        (
            "do dnia 30 czerwca 2024 r.",
            PL,
            &["2024-01-01..2024-06-30"],
        ),
        ("30 czerwca 2024 r.", PL, &["2024-06-30..2024-06-30"]),
        ("do końca 2024 roku", Y24, &["2024-01-01..2024-12-31"]),
        ("do końca marca 2024", PL, &["2024-01-01..2024-03-31"]),
        (
            "nie później niż 15.05.2024",
            PL,
            &["2024-01-01..2024-05-15"],
        ),
        ("corocznie", RO, RO_YEARS),
        ("rocznie", RO, RO_YEARS),
        ("co roku", RO, RO_YEARS),
        ("półrocznie", Y24, Y24_HALVES),
        ("co pół roku", Y24, Y24_HALVES),
        ("kwartalnie", PL, PL_QUARTERS),
        ("co kwartał", PL, PL_QUARTERS),
        ("co miesiąc", PL, PL_MONTHS),
        ("miesięcznie", PL, PL_MONTHS),
        ("na bieżąco", RO, RO_YEARS),
        ("stale", RO, RO_YEARS),
        ("corocznie: lipiec-październik", RO, RO_JUL_OCT),
        ("w 2024 roku", Y24, &["2024-01-01..2024-12-31"]),
        ("lipiec 2024", Y24, &["2024-07-01..2024-07-31"]),
        ("STYCZEŃ—CZERWIEC 2024 R.", PL, &["2024-01-01..2024-06-30"]),
        ("od 1 marca 2024", PL, &["2024-03-01..2024-06-30"]),
        (
            "od marca do czerwca 2024 r.",
            PL,
            &["2024-03-01..2024-06-30"],
        ),
        (
            "w pierwszej połowie 2024 roku",
            Y24,
            &["2024-01-01..2024-06-30"],
        ),
        ("lipiec - wrzesień", Y24, &["2024-07-01..2024-09-30"]),
        ("do 31.12.2025", PL, &["2024-01-01..2024-06-30"]),
    ]);
}

#[test]
fn english_wordings() {
    check(&[
        ("annually", RO, RO_YEARS),
        ("yearly", RO, RO_YEARS),
        ("every year", RO, RO_YEARS),
        ("half-yearly", Y24, Y24_HALVES),
        ("biannually", Y24, Y24_HALVES),
        ("semi-annually", Y24, Y24_HALVES),
        ("quarterly", PL, PL_QUARTERS),
        ("monthly", PL, PL_MONTHS),
        ("first half of 2023", Y23, Y23_H1),
        ("second half of 2023", Y23, Y23_H2),
        ("the second half of 2023", Y23, Y23_H2),
        ("S1 2023", Y23, Y23_H1),
        ("H2 2023", Y23, Y23_H2),
        ("Q3 2025", Y25, Y25_Q3),
        ("third quarter of 2025", Y25, Y25_Q3),
        ("Q3/2025", Y25, Y25_Q3),
        ("2025Q3", Y25, Y25_Q3),
        ("Q1-Q3 2025", Y25, &["2025-01-01..2025-09-30"]),
        ("end of June 2024", Y24, &["2024-01-01..2024-06-30"]),
        ("1st quarter 2024", Y24, &["2024-01-01..2024-03-31"]),
        ("January–June 2024", Y24, &["2024-01-01..2024-06-30"]),
        ("by 31 March 2024", Y24, &["2024-01-01..2024-03-31"]),
        ("until 2024-03-31", Y24, &["2024-01-01..2024-03-31"]),
        ("no later than 31/03/2024", Y24, &["2024-01-01..2024-03-31"]),
        ("by the end of 2021", RO, &["2021-01-01..2021-12-31"]),
        ("by the end of Q1 2024", Y24, &["2024-01-01..2024-03-31"]),
        ("31 March 2024", Y24, &["2024-03-31..2024-03-31"]),
        ("March 31, 2024", Y24, &["2024-03-31..2024-03-31"]),
        ("31st March 2024", Y24, &["2024-03-31..2024-03-31"]),
        ("15/09/2024", Y24, &["2024-09-15..2024-09-15"]),
        ("2024-03-31", Y24, &["2024-03-31..2024-03-31"]),
        ("ongoing", RO, RO_YEARS),
        ("continuous", RO, RO_YEARS),
        ("in 2021", RO, &["2021-01-01..2021-12-31"]),
        ("of 2021", RO, &["2021-01-01..2021-12-31"]),
        ("annually: July-October", RO, RO_JUL_OCT),
        (
            "from 1 March 2024 to 30 June 2024",
            Y24,
            &["2024-03-01..2024-06-30"],
        ),
        (
            "between March and June 2024",
            Y24,
            &["2024-03-01..2024-06-30"],
        ),
        (
            "Q1 and Q3 2024",
            Y24,
            &["2024-01-01..2024-03-31", "2024-07-01..2024-09-30"],
        ),
        (
            "monthly: July-September",
            Y24,
            &[
                "2024-07-01..2024-07-31",
                "2024-08-01..2024-08-31",
                "2024-09-01..2024-09-30",
            ],
        ),
    ]);
}

#[test]
fn periods_are_clipped_to_the_plan() {
    check(&[
        (
            "anual",
            "2021-03-15..2022-06-30",
            &["2021-03-15..2021-12-31", "2022-01-01..2022-06-30"],
        ),
        (
            "trimestrial",
            "2024-02-10..2024-05-20",
            &["2024-02-10..2024-03-31", "2024-04-01..2024-05-20"],
        ),
        ("2024", PL, &["2024-01-01..2024-06-30"]),
        (
            "by 31 March 2024",
            "2024-02-01..2024-12-31",
            &["2024-02-01..2024-03-31"],
        ),
        // A window wholly outside the plan in one year is skipped.
        (
            "octombrie",
            "2021-01-01..2022-06-30",
            &["2021-10-01..2021-10-31"],
        ),
    ]);
}

#[test]
fn due_is_end_of_day_in_the_plan_time_zone() {
    let p = parse("2021", plan(RO), BUCHAREST, None).expect("2021");
    assert_eq!(p[0].due, utc("2021-12-31T21:59:59Z"));
    let p = parse("30 czerwca 2024 r.", plan(PL), WARSAW, None).expect("date");
    assert_eq!(p[0].due, utc("2024-06-30T21:59:59Z"));
    let p = parse("styczeń 2024", plan(PL), WARSAW, None).expect("month");
    assert_eq!(p[0].due, utc("2024-01-31T22:59:59Z"));
    let p = parse("Q3 2025", plan(Y25), chrono_tz::UTC, None).expect("quarter");
    assert_eq!(p[0].due, utc("2025-09-30T23:59:59Z"));
    let p = parse("semestrial", plan(RO), BUCHAREST, None).expect("halves");
    let dues: Vec<_> = p.iter().map(|p| p.due).collect();
    assert_eq!(
        dues,
        vec![
            utc("2021-06-30T20:59:59Z"),
            utc("2021-12-31T21:59:59Z"),
            utc("2022-06-30T20:59:59Z"),
            utc("2022-12-31T21:59:59Z"),
        ]
    );
}

#[test]
fn due_at_handles_dst_at_midnight() {
    let santiago = chrono_tz::America::Santiago;
    // 2022-09-11 00:00 does not exist in Santiago (clocks jump to 01:00):
    // 2022-09-10 still ends at 23:59:59 -04.
    assert_eq!(
        due_at(date("2022-09-10"), santiago),
        utc("2022-09-11T03:59:59Z")
    );
    // 2022-04-02 ends twice (24:00 -03 → 23:00 -04): the later 23:59:59.
    assert_eq!(
        due_at(date("2022-04-02"), santiago),
        utc("2022-04-03T03:59:59Z")
    );
    // Whatever the zone, `due` is the last second that is still that date.
    for tz in [
        santiago,
        BUCHAREST,
        WARSAW,
        chrono_tz::America::Havana,
        chrono_tz::Pacific::Apia,
    ] {
        let mut day = date("2011-01-01");
        while day < date("2024-12-31") {
            let due = due_at(day, tz);
            assert_eq!(due.with_timezone(&tz).date_naive(), day, "{tz} {day}");
            let after = due + chrono::TimeDelta::seconds(1);
            assert!(after.with_timezone(&tz).date_naive() > day, "{tz} {day}");
            day = day + chrono::Days::new(13);
        }
    }
}

#[test]
fn five_field_cron_fires_on_mondays() {
    let p = parse(
        "periodic",
        plan("2024-01-01..2024-01-31"),
        BUCHAREST,
        Some("0 8 * * 1"),
    )
    .expect("periodic");
    let ends: Vec<_> = p.iter().map(|p| p.end.to_string()).collect();
    assert_eq!(
        ends,
        [
            "2024-01-01",
            "2024-01-08",
            "2024-01-15",
            "2024-01-22",
            "2024-01-29"
        ]
    );
    for period in &p {
        assert_eq!(period.end.weekday(), Weekday::Mon);
        let local = period.due.with_timezone(&BUCHAREST);
        assert_eq!(
            (local.weekday(), local.hour(), local.minute()),
            (Weekday::Mon, 8, 0)
        );
    }
    assert_eq!(p[0].start, date("2024-01-01"));
    assert_eq!(p[1].start, date("2024-01-02"));
    assert_eq!(p[0].due, utc("2024-01-01T06:00:00Z"));
    // The same in the cron crate's own 6-field form (there 2 = Monday).
    let q = parse(
        "okresowo",
        plan("2024-01-01..2024-01-31"),
        BUCHAREST,
        Some("0 0 8 * * 2"),
    );
    assert_eq!(q, Ok(p));
}

#[test]
fn periodic_follows_dst_and_clips() {
    // First day of every month at 09:00 Warsaw time, across the DST change.
    let p = parse("periodically", plan(PL), WARSAW, Some("0 9 1 * *")).expect("periodic");
    assert_eq!(p.len(), 6);
    assert_eq!(p[0].due, utc("2024-01-01T08:00:00Z"));
    assert_eq!(p[3].due, utc("2024-04-01T07:00:00Z"));
    assert_eq!(
        (p[3].start, p[3].end),
        (date("2024-03-02"), date("2024-04-01"))
    );
}

/// Asserts that `wording` fails, and that the message quotes it.
fn error(wording: &str, plan_period: &str, recurrence: Option<&str>) -> DeadlineError {
    let err = parse(wording, plan(plan_period), BUCHAREST, recurrence)
        .expect_err(&format!("{wording:?} should fail"));
    let message = err.to_string();
    assert!(
        message.contains(&format!("\"{wording}\"")),
        "message does not quote {wording:?}: {message}"
    );
    err
}

#[test]
fn unknown_words_are_pointed_at() {
    let err = error("anual xyz", RO, None);
    assert!(matches!(&err, DeadlineError::Unrecognised { word, position: 7, .. } if word == "xyz"));
    let message = err.to_string();
    assert!(
        message.contains("\"xyz\"") && message.contains("accepted: 2021"),
        "{message}"
    );

    let err = error("zilnic", RO, None);
    assert!(matches!(&err, DeadlineError::Unrecognised { word, .. } if word == "zilnic"));
    let err = error("Până la Crăciun 2021", RO, None);
    assert!(
        matches!(&err, DeadlineError::Unrecognised { word, position: 9, .. } if word == "Crăciun")
    );
    let err = error("II 2024", Y24, None);
    assert!(matches!(&err, DeadlineError::Unexpected { word, .. } if word == "II"));
    let err = error("semestrul", RO, None);
    assert!(matches!(err, DeadlineError::Incomplete { .. }));
    let err = error("iulie-", RO, None);
    assert!(matches!(err, DeadlineError::Incomplete { .. }));
    let err = error("31.03", RO, None);
    assert!(matches!(err, DeadlineError::Unexpected { .. }));
}

#[test]
fn empty_wording_is_an_error() {
    for wording in ["", "   ", "\n\t", " , . : "] {
        assert!(matches!(
            error(wording, RO, None),
            DeadlineError::Empty { .. }
        ));
    }
}

#[test]
fn periodic_needs_a_recurrence() {
    let err = error("periodic", RO, None);
    assert!(matches!(
        err,
        DeadlineError::PeriodicWithoutRecurrence { .. }
    ));
    assert!(err.to_string().contains("recurrence:"));
    assert!(matches!(
        error("okresowo", RO, Some("  ")),
        DeadlineError::PeriodicWithoutRecurrence { .. }
    ));
}

#[test]
fn a_recurrence_with_other_wording_is_an_error() {
    let err = error("anual", RO, Some("0 8 * * 1"));
    assert!(matches!(err, DeadlineError::UnexpectedRecurrence { .. }));
    assert!(err.to_string().contains("0 8 * * 1"));
}

#[test]
fn bad_recurrences_are_errors() {
    assert!(matches!(
        error("periodic", RO, Some("0 8 * *")),
        DeadlineError::InvalidRecurrence { .. }
    ));
    assert!(matches!(
        error("periodic", RO, Some("0 8 * * 9")),
        DeadlineError::InvalidRecurrence { .. }
    ));
    assert!(matches!(
        error("periodic", RO, Some("0 0 0 1 1 * 2030")),
        DeadlineError::RecurrenceNeverFires { .. }
    ));
    assert!(matches!(
        error("periodic", RO, Some("* * * * * *")),
        DeadlineError::TooManyPeriods { .. }
    ));
}

#[test]
fn out_of_range_parts_are_errors() {
    let err = error("trimestrul 5 2021", RO, None);
    assert!(matches!(&err, DeadlineError::OutOfRange { max: 4, .. }));
    assert!(err.to_string().contains("\"trimestrul 5 2021\""));
    assert!(matches!(
        error("semestrul 3 2021", RO, None),
        DeadlineError::OutOfRange { max: 2, .. }
    ));
    assert!(matches!(
        error("Q0 2021", RO, None),
        DeadlineError::OutOfRange { .. }
    ));
    assert!(matches!(
        error("V kwartał 2024", Y24, None),
        DeadlineError::OutOfRange { .. }
    ));
}

#[test]
fn dates_outside_the_plan_are_errors() {
    let err = error("2025", RO, None);
    assert!(matches!(&err, DeadlineError::OutsidePlan { item, .. } if item == "2025"));
    let err = error("31.03.2020", RO, None);
    assert!(matches!(&err, DeadlineError::OutsidePlan { item, .. } if item == "31.03.2020"));
    assert!(matches!(
        error("până la 31.03.2020", RO, None),
        DeadlineError::OutsidePlan { .. }
    ));
    assert!(matches!(
        error("octombrie", PL, None),
        DeadlineError::OutsidePlan { .. }
    ));
    // One part outside is enough to refuse the whole wording.
    assert!(matches!(
        error("2021, 2023", RO, None),
        DeadlineError::OutsidePlan { .. }
    ));
}

fn kind(err: &DeadlineError) -> &'static str {
    match err {
        DeadlineError::Empty { .. } => "Empty",
        DeadlineError::Unrecognised { .. } => "Unrecognised",
        DeadlineError::Unexpected { .. } => "Unexpected",
        DeadlineError::Incomplete { .. } => "Incomplete",
        DeadlineError::OutOfRange { .. } => "OutOfRange",
        DeadlineError::InvalidDate { .. } => "InvalidDate",
        DeadlineError::MissingYear { .. } => "MissingYear",
        DeadlineError::ReversedRange { .. } => "ReversedRange",
        DeadlineError::OutsidePlan { .. } => "OutsidePlan",
        DeadlineError::PeriodicWithoutRecurrence { .. } => "PeriodicWithoutRecurrence",
        DeadlineError::UnexpectedRecurrence { .. } => "UnexpectedRecurrence",
        DeadlineError::InvalidRecurrence { .. } => "InvalidRecurrence",
        DeadlineError::RecurrenceNeverFires { .. } => "RecurrenceNeverFires",
        DeadlineError::NothingFrom { .. } => "NothingFrom",
        DeadlineError::TooManyPeriods { .. } => "TooManyPeriods",
        DeadlineError::InvalidPlanPeriod { .. } => "InvalidPlanPeriod",
        DeadlineError::Relative { .. } => "Relative",
        DeadlineError::NotRelative { .. } => "NotRelative",
        DeadlineError::DaysOutOfRange { .. } => "DaysOutOfRange",
    }
}

/// Wordings that must fail, with the kind of error; every message must quote
/// the wording.
#[test]
fn error_table() {
    let table: &[(&str, &str, Option<&str>, &str)] = &[
        ("", RO, None, "Empty"),
        ("al anului", RO, None, "Empty"),
        ("zilnic", RO, None, "Unrecognised"),
        ("anual și ceva", RO, None, "Unrecognised"),
        ("II 2024", Y24, None, "Unexpected"),
        ("31.03", RO, None, "Unexpected"),
        ("semestrul", RO, None, "Incomplete"),
        ("iulie-", RO, None, "Incomplete"),
        ("până la", RO, None, "Incomplete"),
        ("trimestrul 5 2021", RO, None, "OutOfRange"),
        ("semestrul 3 2021", RO, None, "OutOfRange"),
        ("Q0 2021", RO, None, "OutOfRange"),
        ("V kwartał 2024", Y24, None, "OutOfRange"),
        ("31.02.2022", RO, None, "InvalidDate"),
        ("31 iunie 2022", RO, None, "InvalidDate"),
        ("2022-2021", RO, None, "ReversedRange"),
        ("od 30.06.2024 do 01.01.2024", PL, None, "ReversedRange"),
        ("31 martie", RO, None, "MissingYear"),
        ("2021, octombrie", RO, None, "MissingYear"),
        ("până la sfârșitul lunii iunie", RO, None, "MissingYear"),
        ("martie, până la 30.06.2022", RO, None, "MissingYear"),
        ("octombrie, trimestrial 2022", RO, None, "MissingYear"),
        ("I kwartał 2024 i II kwartał", Y24, None, "MissingYear"),
        ("2025", RO, None, "OutsidePlan"),
        ("trimestrial 2025", RO, None, "OutsidePlan"),
        ("by 31 March 2020", RO, None, "OutsidePlan"),
        ("periodic", RO, None, "PeriodicWithoutRecurrence"),
        ("trimestrial", RO, Some("0 8 1 * *"), "UnexpectedRecurrence"),
        ("periodic", RO, Some("every monday"), "InvalidRecurrence"),
        (
            "periodic",
            RO,
            Some("0 0 0 1 1 * 2030"),
            "RecurrenceNeverFires",
        ),
        ("periodic", RO, Some("0 * * * *"), "TooManyPeriods"),
    ];
    let mut failures = Vec::new();
    for (wording, plan_period, recurrence, expected) in table {
        match parse(wording, plan(plan_period), BUCHAREST, *recurrence) {
            Err(e)
                if kind(&e) == *expected && e.to_string().contains(&format!("\"{wording}\"")) => {}
            other => failures.push(format!("{wording:?}: got {other:?}, expected {expected}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn plan_period_parsing() {
    assert_eq!(
        PlanPeriod::parse(" 2021-01-01 .. 2022-12-31 "),
        Ok(PlanPeriod {
            start: date("2021-01-01"),
            end: date("2022-12-31")
        })
    );
    for bad in [
        "2021-01-01",
        "2022-12-31..2021-01-01",
        "2021-13-01..2022-01-01",
        "",
    ] {
        let err = PlanPeriod::parse(bad).expect_err(bad);
        assert!(err.to_string().contains(&format!("\"{bad}\"")), "{err}");
    }
    assert!(PlanPeriod::new(date("2022-01-01"), date("2021-01-01")).is_err());
    assert!(PlanPeriod::new(date("2022-01-01"), date("2022-01-01")).is_ok());
}

#[test]
fn results_are_sorted_and_deduplicated() {
    let p = spans("2022 2021 anual 2021", RO).expect("union");
    assert_eq!(p, RO_YEARS);
}

// ---------------------------------------------------------------------------
// "Starting from" a rhythm, unread words, limits (issue 9, point 8)

const Y24_QUARTERS: &[&str] = &[
    "2024-01-01..2024-03-31",
    "2024-04-01..2024-06-30",
    "2024-07-01..2024-09-30",
    "2024-10-01..2024-12-31",
];

/// The two wordings of the report: the start limits the rhythm, it is not a
/// second deadline of its own.
#[test]
fn a_start_limits_the_rhythm_in_the_reported_wordings() {
    check(&[
        (
            "semestrial, începând cu semestrul II 2021",
            RO,
            &RO_HALVES[1..],
        ),
        ("anual, începând cu 2022", RO, &RO_YEARS[1..]),
    ]);
}

/// A rhythm followed (or preceded) by "starting from …" keeps only its
/// periods ending on or after the first day of that date or period: the one
/// it falls in, whole, and those after it.
#[test]
fn starting_from_limits_a_rhythm() {
    check(&[
        // Romanian
        (
            "trimestrial, începând cu trimestrul III 2021",
            RO,
            &RO_QUARTERS[2..],
        ),
        (
            "lunar începând cu martie 2021",
            "2021-01-01..2021-06-30",
            &[
                "2021-03-01..2021-03-31",
                "2021-04-01..2021-04-30",
                "2021-05-01..2021-05-31",
                "2021-06-01..2021-06-30",
            ],
        ),
        ("semestrial începând din 2022", RO, &RO_HALVES[2..]),
        (
            "semestrial, începând de la 1 iulie 2021",
            RO,
            &RO_HALVES[1..],
        ),
        ("anual de la 2022", RO, &RO_YEARS[1..]),
        ("Anual, începînd cu anul 2022", RO, &RO_YEARS[1..]),
        ("permanent, începând cu 2022", RO, &RO_YEARS[1..]),
        // An exact date inside a quarter: that quarter and those after it.
        ("trimestrial, începând cu 15.02.2022", RO, &RO_QUARTERS[4..]),
        // An exact date on a boundary: from that unit.
        (
            "trimestrial, începând cu data de 1 aprilie 2022",
            RO,
            &RO_QUARTERS[5..],
        ),
        (
            "anual: iulie-octombrie, începând cu 2022",
            RO,
            &RO_JUL_OCT[1..],
        ),
        (
            "lunar: iulie-septembrie, începând cu august 2022",
            RO,
            &["2022-08-01..2022-08-31", "2022-09-01..2022-09-30"],
        ),
        (
            "trimestrial 2022, începând cu trimestrul II 2022",
            RO,
            &RO_QUARTERS[5..],
        ),
        // Written first.
        ("Începând cu 2022, anual", RO, &RO_YEARS[1..]),
        (
            "Începând cu semestrul II 2021: semestrial",
            RO,
            &RO_HALVES[1..],
        ),
        // With an end: the periods are clipped to it.
        (
            "lunar de la martie 2024 până la mai 2024",
            PL,
            &PL_MONTHS[2..5],
        ),
        // A start on or before the plan start keeps every period, including
        // the first one clipped to the plan.
        (
            "anual, începând cu 15.03.2021",
            "2021-03-15..2022-12-31",
            &["2021-03-15..2021-12-31", "2022-01-01..2022-12-31"],
        ),
        ("anual, începând cu 2020", RO, RO_YEARS),
        // Polish
        (
            "co kwartał, począwszy od II kwartału 2024",
            Y24,
            &Y24_QUARTERS[1..],
        ),
        ("kwartalnie od III kwartału 2024", Y24, &Y24_QUARTERS[2..]),
        ("co miesiąc od 1 kwietnia 2024 r.", PL, &PL_MONTHS[3..]),
        ("corocznie, począwszy od 2022 roku", RO, &RO_YEARS[1..]),
        (
            "półrocznie, począwszy od II półrocza 2024",
            "2024-01-01..2025-12-31",
            &[
                "2024-07-01..2024-12-31",
                "2025-01-01..2025-06-30",
                "2025-07-01..2025-12-31",
            ],
        ),
        ("od II kwartału 2024 kwartalnie", Y24, &Y24_QUARTERS[1..]),
        // English
        ("annually starting from 2022", RO, &RO_YEARS[1..]),
        ("quarterly starting with Q3 2021", RO, &RO_QUARTERS[2..]),
        ("monthly starting in April 2024", PL, &PL_MONTHS[3..]),
        ("monthly from 1 May 2024", PL, &PL_MONTHS[4..]),
        ("every semester since H2 2021", RO, &RO_HALVES[1..]),
        (
            "quarterly from Q2 2024 to 15 August 2024",
            Y24,
            &["2024-04-01..2024-06-30", "2024-07-01..2024-08-15"],
        ),
    ]);
}

#[test]
fn a_start_that_leaves_no_period_is_an_error() {
    let err = error("anual, începând cu 1 ianuarie 2023", RO, None);
    assert!(
        matches!(&err, DeadlineError::NothingFrom { since, .. } if *since == date("2023-01-01")),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("2021-01-01..2022-12-31"), "{message}");
    assert!(matches!(
        error("trimestrial, începând cu 2025", RO, None),
        DeadlineError::NothingFrom { .. }
    ));
    // A start needs a year, a reading and an end that is not before it.
    assert!(matches!(
        error("trimestrial, începând cu trimestrul II", RO, None),
        DeadlineError::MissingYear { .. }
    ));
    assert!(matches!(
        error("anual, începând cu", RO, None),
        DeadlineError::Incomplete { .. }
    ));
    assert!(matches!(
        error("lunar de la iunie 2022 până la martie 2022", RO, None),
        DeadlineError::ReversedRange { .. }
    ));
    // A yearless window next to a dated start is ambiguous.
    assert!(matches!(
        error("octombrie și trimestrial începând cu 2022", RO, None),
        DeadlineError::MissingYear { .. }
    ));
}

/// A wording with words the grammar does not read is refused, naming the
/// first of them and quoting the rest.
#[test]
fn unread_words_are_refused() {
    let table: &[(&str, &str, &str)] = &[
        ("anual, dacă este cazul", "dacă", "dacă este cazul"),
        ("anual și", "și", "și"),
        ("co kwartał oraz", "oraz", "oraz"),
        ("I kwartał 2024 i", "i", "i"),
        ("2021 and", "and", "and"),
        (
            "semestrial, începând cu semestrul II 2021 sau mai des",
            "sau",
            "sau mai des",
        ),
        (
            "trimestrial, începând cu trimestrul III 2021, după caz",
            "după",
            "după caz",
        ),
        ("lunar, la nevoie", "la", "la nevoie"),
        ("2022 onwards", "onwards", "onwards"),
        (
            "annually starting 2022 at the latest",
            "at",
            "at the latest",
        ),
    ];
    let mut failures = Vec::new();
    for (wording, word, unread) in table {
        match parse(wording, plan(RO), BUCHAREST, None) {
            Err(
                ref e @ (DeadlineError::Unrecognised {
                    word: ref w,
                    unread: ref u,
                    ..
                }
                | DeadlineError::Unexpected {
                    word: ref w,
                    unread: ref u,
                    ..
                }),
            ) if w == word && u == unread => {
                let message = e.to_string();
                if !(message.contains(&format!("\"{wording}\""))
                    && message.contains(&format!("\"{word}\""))
                    && message.contains(&format!("\"{unread}\"")))
                {
                    failures.push(format!("{wording:?}: message {message}"));
                }
            }
            other => failures.push(format!(
                "{wording:?}: got {other:?}, expected a refusal at {word:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Next to a rhythm a start or an end could only be a limit of it; where
/// it cannot be read so, the wording is refused instead of becoming a
/// deadline of its own.
#[test]
fn ambiguous_limits_of_a_rhythm_are_refused() {
    let table: &[(&str, Option<&str>, &str)] = &[
        (
            "trimestrial, până la sfârșitul anului 2021",
            None,
            "până la",
        ),
        ("anual până la 31.03.2022", None, "până la"),
        ("kwartalnie do 30.06.2022", None, "do"),
        ("anual și începând cu 2022", None, "începând cu"),
        (
            "anual, începând cu 2022, începând cu 2022",
            None,
            "începând cu",
        ),
        (
            "periodic, începând cu 2022",
            Some("0 8 1 * *"),
            "începând cu",
        ),
        ("anual, semestrial începând cu 2022", None, "începând cu"),
    ];
    let mut failures = Vec::new();
    for (wording, recurrence, word) in table {
        match parse(wording, plan(RO), BUCHAREST, *recurrence) {
            Err(ref e @ DeadlineError::Unexpected { word: ref w, .. })
                if w == word && e.to_string().contains(&format!("\"{wording}\"")) => {}
            other => failures.push(format!(
                "{wording:?}: got {other:?}, expected a refusal at {word:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Each rhythm with its own start is fine.
    check(&[(
        "anual începând cu 2022, semestrial începând cu semestrul II 2021",
        RO,
        &[
            "2021-07-01..2021-12-31",
            "2022-01-01..2022-06-30",
            "2022-01-01..2022-12-31",
            "2022-07-01..2022-12-31",
        ],
    )]);
}

#[test]
fn a_plan_period_longer_than_the_limit_is_refused() {
    assert_eq!(MAX_PLAN_YEARS, 50);
    assert!(PlanPeriod::parse("2000-01-01..2049-12-31").is_ok());
    assert!(PlanPeriod::parse("2000-03-15..2050-03-14").is_ok());
    for long in [
        "2000-01-01..2050-01-01",
        "2000-03-15..2050-03-15",
        "1200-01-01..2022-12-31",
        "-100000-01-01..2022-12-31",
    ] {
        let err = PlanPeriod::parse(long).expect_err(long);
        let message = err.to_string();
        assert!(
            matches!(err, DeadlineError::InvalidPlanPeriod { .. })
                && message.contains(&format!("\"{long}\""))
                && message.contains("more than 50 years"),
            "{message}"
        );
    }
    assert!(PlanPeriod::new(date("1200-01-01"), date("2022-12-31")).is_err());
    assert!(PlanPeriod::new(date("2000-01-01"), date("2049-12-31")).is_ok());
    // Near the end of the calendar there is no "50 years later".
    assert!(PlanPeriod::new(NaiveDate::MAX, NaiveDate::MAX).is_ok());
}

/// The import of the report: 300 actions "lunar" over 1200..2022 must be
/// refused at once, not expanded.
#[test]
fn a_monthly_rhythm_over_centuries_is_refused_quickly() {
    let long = PlanPeriod {
        start: date("1200-01-01"),
        end: date("2022-12-31"),
    };
    let started = std::time::Instant::now();
    for _ in 0..300 {
        let err = parse("lunar", long, BUCHAREST, None).expect_err("too long");
        assert!(
            matches!(err, DeadlineError::InvalidPlanPeriod { .. }),
            "{err}"
        );
        assert!(PlanPeriod::parse("1200-01-01..2022-12-31").is_err());
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // Over the longest plan allowed, a monthly rhythm stays under the cap.
    let widest = plan("1973-01-01..2022-12-31");
    assert_eq!(
        parse("lunar", widest, BUCHAREST, None).map(|p| p.len()),
        Ok(600)
    );
}

#[test]
fn no_wording_yields_more_than_the_cap() {
    assert_eq!(MAX_PERIODS_PER_ACTION, 1000);
    let daily = Some("0 8 * * *");
    // Exactly the cap is fine; one period more is refused.
    let thousand_days = plan("2021-01-01..2023-09-27");
    assert_eq!(
        parse("periodic", thousand_days, BUCHAREST, daily).map(|p| p.len()),
        Ok(1000)
    );
    let started = std::time::Instant::now();
    let err =
        parse("periodic", plan("2021-01-01..2023-09-28"), BUCHAREST, daily).expect_err("1001 days");
    let message = err.to_string();
    assert!(
        matches!(err, DeadlineError::TooManyPeriods { limit: 1000, .. })
            && message.contains("\"periodic\"")
            && message.contains("1000")
            && message.contains("2021-01-01..2023-09-28"),
        "{message}"
    );
    // Every minute for 50 years: stopped at the cap, not after millions.
    let err = parse(
        "periodic",
        plan("1973-01-01..2022-12-31"),
        BUCHAREST,
        Some("* * * * *"),
    )
    .expect_err("every minute");
    assert!(matches!(err, DeadlineError::TooManyPeriods { .. }), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A weekly rhythm over two years is well within it.
    let weekly = parse("periodic", plan(RO), BUCHAREST, Some("0 8 * * 1")).expect("weekly");
    assert_eq!(weekly.len(), 104);
    assert!(weekly.iter().all(|p| p.end.weekday() == Weekday::Mon));
}

// ---------------------------------------------------------------------------
// Property tests

fn lexicon_words() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    words.extend(lexicon::MONTHS.iter().map(|(w, _)| (*w).to_string()));
    words.extend(lexicon::ORDINALS.iter().map(|(w, _)| (*w).to_string()));
    words.extend(lexicon::ROMAN.iter().map(|(w, _)| (*w).to_string()));
    words.extend(lexicon::KEYWORDS.iter().map(|(w, _)| (*w).to_string()));
    words.extend(lexicon::PHRASES.iter().map(|(ws, _)| ws.join(" ")));
    words.extend(lexicon::FILLERS.iter().map(|(w, _)| (*w).to_string()));
    words.extend(
        [
            "-",
            ",",
            ":",
            "2021",
            "2022",
            "2024",
            "1",
            "2",
            "4",
            "5",
            "31",
            "0",
            "9999",
            "15.09.2024",
            "31.02.2024",
            "2024-03-31",
            "15/09/2024",
            "1st",
            "II-lea",
            "-",
            "–",
            "și",
            "ş",
            "i",
            "?",
        ]
        .iter()
        .map(|w| (*w).to_string()),
    );
    words
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,60}") {
        let _ = parse(&s, plan(RO), BUCHAREST, None);
        let _ = parse(&s, plan(RO), BUCHAREST, Some("0 8 * * 1"));
    }

    #[test]
    fn never_panics_on_lexicon_combinations(
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 1..8),
        seps in proptest::collection::vec(prop_oneof![Just(" "), Just(""), Just("\n"), Just(", "), Just("-")], 8),
        wide in any::<bool>(),
    ) {
        let words = lexicon_words();
        let mut wording = String::new();
        for (i, pick) in picks.iter().enumerate() {
            wording.push_str(&words[pick.index(words.len())]);
            wording.push_str(seps[i % seps.len()]);
        }
        let plan_period = if wide { plan("2000-01-01..2049-12-31") } else { plan(PL) };
        for tz in [BUCHAREST, WARSAW, chrono_tz::America::Santiago] {
            if let Ok(periods) = parse(&wording, plan_period, tz, None) {
                for p in &periods {
                    prop_assert!(p.start <= p.end);
                    prop_assert!(plan_period.start <= p.start && p.end <= plan_period.end);
                }
                prop_assert!(periods.windows(2).all(|w| (w[0].start, w[0].end, w[0].due) < (w[1].start, w[1].end, w[1].due)));
            }
        }
    }

    #[test]
    fn never_panics_on_arbitrary_recurrences(r in "[0-9*/,?LW#a-zA-Z@ -]{0,30}") {
        let _ = parse("periodic", plan(PL), WARSAW, Some(&r));
    }

    #[test]
    fn never_panics_on_extreme_plans(a in -300_000i32..300_000, len in 0u64..4000, pick in 0usize..6) {
        let wordings = ["anual", "lunar", "octombrie", "noiembrie-februarie", "până la 31.03.2024", "trimestrial"];
        if let Some(start) = NaiveDate::from_ymd_opt(a, 1, 1) {
            let end = start.checked_add_days(chrono::Days::new(len * 97)).unwrap_or(start);
            let plan_period = PlanPeriod { start, end };
            let _ = parse(wordings[pick], plan_period, BUCHAREST, None);
            let _ = parse("periodic", plan_period, BUCHAREST, Some("0 8 * * 1"));
            let _ = due_at(end, chrono_tz::Pacific::Kiritimati);
        }
    }
}

// ---------------------------------------------------------------------------
// Outside tester's findings (plan 2021-01-01..2022-12-31)

/// Asserts that each wording is refused at the given word (as
/// `Unrecognised` or `Unexpected`), with a message quoting the wording and
/// naming the word.
fn refused_at(table: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (wording, word) in table {
        match parse(wording, plan(RO), BUCHAREST, None) {
            Err(
                ref e @ (DeadlineError::Unrecognised { word: ref w, .. }
                | DeadlineError::Unexpected { word: ref w, .. }),
            ) if w == word => {
                let message = e.to_string();
                if !(message.contains(&format!("\"{wording}\""))
                    && message.contains(&format!("\"{word}\"")))
                {
                    failures.push(format!("{wording:?}: message {message}"));
                }
            }
            other => failures.push(format!(
                "{wording:?}: got {other:?}, expected a refusal at {word:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// "I-III kwartał 2022" is one period from the first day of the first part
/// to the last day of the last, like "ianuarie – iunie 2024"; the "I-" is
/// never dropped.
#[test]
fn a_range_of_numbered_parts_is_one_period() {
    check(&[
        ("I-III kwartał 2022", RO, &["2022-01-01..2022-09-30"]),
        ("I–III kwartał 2022", RO, &["2022-01-01..2022-09-30"]),
        ("I — III kwartał 2022 r.", RO, &["2022-01-01..2022-09-30"]),
        ("I-II półrocze 2022", RO, &["2022-01-01..2022-12-31"]),
        ("I-II kwartał 2022 roku", RO, &["2022-01-01..2022-06-30"]),
        ("II-IV kwartał 2021", RO, &["2021-04-01..2021-12-31"]),
        ("trimestrele I-III 2022", RO, &["2022-01-01..2022-09-30"]),
        (
            "trimestrele I–III ale anului 2022",
            RO,
            &["2022-01-01..2022-09-30"],
        ),
        ("semestrele I-II 2022", RO, &["2022-01-01..2022-12-31"]),
        ("trimestrul 2-3 2021", RO, &["2021-04-01..2021-09-30"]),
        ("Q1-Q3 2022", RO, &["2022-01-01..2022-09-30"]),
        ("quarters 1-3 of 2022", RO, &["2022-01-01..2022-09-30"]),
        ("od I do III kwartału 2022", RO, &["2022-01-01..2022-09-30"]),
        (
            "I-II i IV kwartał 2022",
            RO,
            &["2022-01-01..2022-06-30", "2022-10-01..2022-12-31"],
        ),
        // Without a year: that window in every year.
        (
            "II-III kwartał",
            RO,
            &["2021-04-01..2021-09-30", "2022-04-01..2022-09-30"],
        ),
        // As the scope of a rhythm.
        ("kwartalnie: I-III kwartał 2022", RO, &RO_QUARTERS[4..7]),
    ]);
    let table: &[(&str, &str)] = &[
        ("III-I kwartał 2022", "ReversedRange"),
        ("I-V kwartał 2022", "OutOfRange"),
        ("semestrele I-III 2022", "OutOfRange"),
    ];
    for (wording, expected) in table {
        assert_eq!(kind(&error(wording, RO, None)), *expected, "{wording}");
    }
    // Numbers with no unit after them are refused at the first, not skipped.
    refused_at(&[("I-III 2022", "I"), ("I - 2022", "I")]);
}

/// A start and an end are one range however they are joined ("…, până la
/// …", "… și până la …"), in either order, and with a rhythm they limit it.
#[test]
fn a_start_and_an_end_make_one_range() {
    check(&[
        (
            "începând cu semestrul II 2021, până la semestrul I 2022",
            RO,
            &["2021-07-01..2022-06-30"],
        ),
        (
            "de la 1 martie 2022, până la 30 iunie 2022",
            RO,
            &["2022-03-01..2022-06-30"],
        ),
        (
            "de la 1 martie 2022 și până la 30 iunie 2022",
            RO,
            &["2022-03-01..2022-06-30"],
        ),
        (
            "od 1 marca 2022 r., do 30 czerwca 2022 r.",
            RO,
            &["2022-03-01..2022-06-30"],
        ),
        (
            "from March 2022, to June 2022",
            RO,
            &["2022-03-01..2022-06-30"],
        ),
        (
            "până la semestrul I 2022, începând cu semestrul II 2021",
            RO,
            &["2021-07-01..2022-06-30"],
        ),
        (
            "do 30.06.2022, od 01.03.2022",
            RO,
            &["2022-03-01..2022-06-30"],
        ),
        (
            "lunar, începând cu martie 2022, până la mai 2022",
            RO,
            &[
                "2022-03-01..2022-03-31",
                "2022-04-01..2022-04-30",
                "2022-05-01..2022-05-31",
            ],
        ),
        (
            "trimestrial, până la sfârșitul anului 2021, începând cu trimestrul III 2021",
            RO,
            &RO_QUARTERS[2..4],
        ),
        (
            "începând cu 2021, până la semestrul I 2022, anual",
            RO,
            &["2021-01-01..2021-12-31", "2022-01-01..2022-06-30"],
        ),
    ]);
    // A "by" with a start that has an end of its own is not one range.
    refused_at(&[("până la 2022, începând cu 2021 până la 2022", "începând cu")]);
}

/// Dates written right before a rhythm scope it, exactly as those written
/// right after it do: "2021 anual" is "anual 2021".
#[test]
fn dates_next_to_a_rhythm_scope_it_in_either_order() {
    check(&[
        ("2021 - 2022 anual", RO, RO_YEARS),
        ("2021-2022, anual", RO, RO_YEARS),
        ("2021–2022: anual", RO, RO_YEARS),
        ("2021 anual", RO, &RO_YEARS[..1]),
        ("anual 2021", RO, &RO_YEARS[..1]),
        ("2021, anual", RO, &RO_YEARS[..1]),
        ("anul 2021 anual", RO, &RO_YEARS[..1]),
        ("2022: trimestrial", RO, &RO_QUARTERS[4..]),
        ("2022 r. kwartalnie", RO, &RO_QUARTERS[4..]),
        ("trimestrial 2022", RO, &RO_QUARTERS[4..]),
        ("semestrul II 2021, trimestrial", RO, &RO_QUARTERS[2..4]),
        ("2021 și 2022, semestrial", RO, RO_HALVES),
        (
            "anual 2021, trimestrial 2022",
            RO,
            &[
                "2021-01-01..2021-12-31",
                "2022-01-01..2022-03-31",
                "2022-04-01..2022-06-30",
                "2022-07-01..2022-09-30",
                "2022-10-01..2022-12-31",
            ],
        ),
        // A connector lists them apart.
        ("2021 și anual", RO, RO_YEARS),
        (
            "kwartalnie 2021 i 2022 corocznie",
            RO,
            &[
                "2021-01-01..2021-03-31",
                "2021-04-01..2021-06-30",
                "2021-07-01..2021-09-30",
                "2021-10-01..2021-12-31",
                "2022-01-01..2022-12-31",
            ],
        ),
        (
            "semestrul I 2021 și anual",
            RO,
            &[
                "2021-01-01..2021-06-30",
                "2021-01-01..2021-12-31",
                "2022-01-01..2022-12-31",
            ],
        ),
    ]);
    // Dates between two rhythms could scope either.
    refused_at(&[
        ("anual 2021, trimestrial", "2021"),
        ("anual, 2021 trimestrial", "2021"),
        ("2021 trimestrial, 2022 anual", "2022"),
    ]);
    // "periodic" takes its periods from its rule alone: no dates next to it.
    for wording in [
        "2022 periodic",
        "periodic 2022",
        "periodic: iulie-octombrie 2022",
    ] {
        let err = error(wording, RO, Some("0 8 1 * *"));
        assert!(
            matches!(&err, DeadlineError::Unexpected { word, .. } if word.starts_with("2022") || word == "iulie"),
            "{wording}: {err:?}"
        );
    }
    assert_eq!(
        parse("2022 și periodic", plan(RO), BUCHAREST, Some("0 8 1 * *")).map(|p| p.len()),
        Ok(25)
    );
}

/// "Starting from" keeps the period the start falls in (work starting in
/// H2 2021 is reported in the 2021 annual report), whole, and those after it.
#[test]
fn a_start_keeps_the_period_it_falls_in() {
    check(&[
        ("anual, începând cu semestrul II 2021", RO, RO_YEARS),
        (
            "lunar începând cu 15.10.2022",
            RO,
            &[
                "2022-10-01..2022-10-31",
                "2022-11-01..2022-11-30",
                "2022-12-01..2022-12-31",
            ],
        ),
        ("anual, începând cu 1 iulie 2022", RO, &RO_YEARS[1..]),
        ("semestrial de la 1 aprilie 2021", RO, RO_HALVES),
        ("trimestrial, începând cu 31.12.2021", RO, &RO_QUARTERS[3..]),
        ("începând cu 15 mai 2022, semestrial", RO, &RO_HALVES[2..]),
        ("co kwartał od 15 lutego 2022 r.", RO, &RO_QUARTERS[4..]),
        ("annually starting from March 2022", RO, &RO_YEARS[1..]),
        (
            "anual: iulie-octombrie, începând cu 15 august 2021",
            RO,
            RO_JUL_OCT,
        ),
        (
            "anual: iulie-octombrie, începând cu 1 noiembrie 2021",
            RO,
            &RO_JUL_OCT[1..],
        ),
        (
            "lunar: iulie-septembrie, începând cu 15 august 2022",
            RO,
            &["2022-08-01..2022-08-31", "2022-09-01..2022-09-30"],
        ),
    ]);
    let err = error("lunar, începând cu 1 ianuarie 2023", RO, None);
    assert!(
        matches!(&err, DeadlineError::NothingFrom { .. })
            && err.to_string().contains("ends on or after 2023-01-01"),
        "{err}"
    );
}

/// A filler word is skipped only where it belongs, next to the date or
/// period it qualifies; anywhere else the wording is refused at it.
#[test]
fn fillers_stand_only_where_they_belong() {
    refused_at(&[
        ("roku anual", "roku"),
        ("al anual", "al"),
        ("de anual", "de"),
        ("în anual", "în"),
        ("anual în", "în"),
        ("the annually", "the"),
        ("2021 al", "al"),
        ("2021 of", "of"),
        ("anual r.", "r"),
        ("anul anual", "anul"),
        ("anual, luna", "luna"),
        ("luna 2022", "luna"),
        ("anual de 2021", "de"),
        ("w kwartalnie", "w"),
        ("corocznie roku", "roku"),
        ("semestrial pe", "pe"),
        ("during annually", "during"),
        ("2021 al 2022", "al"),
        ("trimestrial în cursul", "cursul"),
        ("2021 și al 2022", "al"),
        ("până la data 2022", "data"),
        // Before an unknown word, that word is named.
        ("anual, în intervalul 2021-2022", "intervalul"),
        ("półrocznie w okresie 2021-2022", "okresie"),
    ]);
    check(&[
        ("în cursul anului 2022", RO, &RO_YEARS[1..]),
        ("pe anul 2022", RO, &RO_YEARS[1..]),
        ("în trimestrul IV 2021", RO, &RO_QUARTERS[3..4]),
        ("al doilea semestru al anului 2022", RO, &RO_HALVES[3..]),
        ("a doua jumătate a anului 2022", RO, &RO_HALVES[3..]),
        ("semestrul al II-lea 2022", RO, &RO_HALVES[3..]),
        ("trimestrul a 2-a 2022", RO, &RO_QUARTERS[5..6]),
        (
            "până la sfârșitul lunii iunie 2022",
            RO,
            &["2021-01-01..2022-06-30"],
        ),
        ("termen limită: 31.03.2022", RO, &["2021-01-01..2022-03-31"]),
        (
            "până la data limită de 31.03.2022",
            RO,
            &["2021-01-01..2022-03-31"],
        ),
        ("w roku 2022", RO, &RO_YEARS[1..]),
        ("w II półroczu 2022 r.", RO, &RO_HALVES[3..]),
        ("do dnia 30.06.2022 r.", RO, &["2021-01-01..2022-06-30"]),
        (
            "w dniu 30 czerwca 2022 roku",
            RO,
            &["2022-06-30..2022-06-30"],
        ),
        ("the year 2022", RO, &RO_YEARS[1..]),
        ("during the first half of 2022", RO, &RO_HALVES[2..3]),
        ("on 31 March 2022", RO, &["2022-03-31..2022-03-31"]),
        ("by the end of the year 2021", RO, &RO_YEARS[..1]),
        ("in the last quarter of 2021", RO, &RO_QUARTERS[3..4]),
        ("în permanență", RO, RO_YEARS),
    ]);
}

/// A connector ("și", "and", "i") joins what stands on both sides of it; it
/// is never skipped at the start, after a dash or after another connector.
#[test]
fn a_connector_needs_something_on_each_side() {
    refused_at(&[
        ("și 2021", "și"),
        ("i 2021", "i"),
        ("and annually", "and"),
        ("2021 și și 2022", "și"),
        ("2021 - și 2022", "și"),
        ("2021 și - 2022", "-"),
    ]);
    check(&[
        ("2021, și 2022", RO, RO_YEARS),
        ("2021 i 2022", RO, RO_YEARS),
        ("- 2021 și 2022", RO, RO_YEARS),
    ]);
}

/// Words plans use to introduce a period: "în perioada …", "pe parcursul
/// anului …", "w latach …", "din semestrul …" (from), and Polish months in
/// the instrumental ("między styczniem i czerwcem").
#[test]
fn period_introducers() {
    check(&[
        ("în perioada 2021-2022", RO, &["2021-01-01..2022-12-31"]),
        ("anual, în perioada 2021-2022", RO, RO_YEARS),
        (
            "în perioada ianuarie - iunie 2022",
            RO,
            &["2022-01-01..2022-06-30"],
        ),
        (
            "în perioada anilor 2021-2022",
            RO,
            &["2021-01-01..2022-12-31"],
        ),
        ("pe parcursul anului 2022", RO, &RO_YEARS[1..]),
        ("pe parcursul semestrului II 2021", RO, &RO_HALVES[1..2]),
        (
            "trimestrial, pe parcursul anului 2022",
            RO,
            &RO_QUARTERS[4..],
        ),
        ("w latach 2021-2022", RO, &["2021-01-01..2022-12-31"]),
        ("półrocznie w latach 2021-2022", RO, RO_HALVES),
        ("din semestrul II 2021", RO, &["2021-07-01..2022-12-31"]),
        ("anual, din semestrul II 2022", RO, &RO_YEARS[1..]),
        ("trimestrial din trimestrul III 2022", RO, &RO_QUARTERS[6..]),
        ("din 01.03.2022", RO, &["2022-03-01..2022-12-31"]),
        (
            "między styczniem i czerwcem 2024",
            PL,
            &["2024-01-01..2024-06-30"],
        ),
        ("od lutego do marca 2024", PL, &["2024-02-01..2024-03-31"]),
        ("kwietniem 2024", PL, &PL_MONTHS[3..4]),
        (
            "między marcem i majem 2024",
            PL,
            &["2024-03-01..2024-05-31"],
        ),
    ]);
    refused_at(&[
        ("anual în perioada", "perioada"),
        ("perioada anual", "perioada"),
        ("pe parcursul anual", "parcursul"),
        ("półrocznie w latach", "latach"),
        ("din anual", "anual"),
    ]);
}

//! Relative deadlines: wordings in Romanian, Polish and English, and their due
//! dates computed by hand (day 1 is the day after the event; calendar-day
//! terms ending on a day off move to the next working day).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::*;
use crate::notifications::reminders::Calendar;

#[derive(Debug, Clone, Copy)]
enum Country {
    Ro,
    Pl,
    /// UTC, weekends only.
    Other,
}
use Country::{Other, Pl, Ro};

impl Country {
    fn zone(self) -> (Tz, Calendar) {
        match self {
            Ro => (chrono_tz::Europe::Bucharest, Calendar::Romania),
            Pl => (chrono_tz::Europe::Warsaw, Calendar::Poland),
            Other => (chrono_tz::UTC, Calendar::WeekendsOnly),
        }
    }
}

/// (wording, instant of the event, country, last day of the term)
type Case = (&'static str, &'static str, Country, &'static str);

fn check(table: &[Case]) {
    let mut failures = Vec::new();
    for &(wording, start, country, expected) in table {
        let (tz, calendar) = country.zone();
        let start = DateTime::parse_from_rfc3339(start)
            .expect("test instant")
            .with_timezone(&Utc);
        let expected = NaiveDate::parse_from_str(expected, "%Y-%m-%d").expect("test date");
        let got = RelativeDeadline::parse(wording).map(|r| r.due_date(start, tz, calendar));
        if got != Ok(Some(expected)) {
            failures.push(format!(
                "{wording:?} from {start} ({country:?}): got {got:?}, expected {expected}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Romania: Orthodox Easter 2024 is 5 May (Good Friday 3 May, Easter Monday
/// 6 May), 2021 is 2 May (30 April, 3 May), 2022 is 24 April (22, 25 April);
/// Rusalii Monday 2024 is 24 June; 1-2, 6-7 (from 2024) and 24 January,
/// 1 May, 1 June, 15 August, 30 November, 1 December, 25-26 December.
#[test]
fn romanian_wordings() {
    check(&[
        // Thu; Fri 3 and Mon 6 May are Orthodox Easter holidays: day 1 is Tue 7 May.
        (
            "15 zile lucrătoare",
            "2024-05-02T10:00:00+03:00",
            Ro,
            "2024-05-27",
        ),
        (
            "15 zile lucratoare",
            "2024-05-02T10:00:00+03:00",
            Ro,
            "2024-05-27",
        ),
        (
            "ÎN TERMEN DE 15 ZILE LUCRĂTOARE DE LA ÎNREGISTRARE",
            "2024-05-02T10:00:00+03:00",
            Ro,
            "2024-05-27",
        ),
        // Fri; 1 May (Wed), 3 May and 6 May are off.
        (
            "în termen de 5 zile lucrătoare de la primire",
            "2024-04-26T12:00:00+03:00",
            Ro,
            "2024-05-08",
        ),
        // Western Easter Monday (1 April 2024) is a working day in Romania.
        (
            "3 zile lucrătoare",
            "2024-03-28T12:00:00+02:00",
            Ro,
            "2024-04-02",
        ),
        // Across the year end: 25-26 Dec, 1-2 Jan, 6-7 Jan 2025 are off.
        (
            "10 zile lucrătoare",
            "2024-12-20T12:00:00+02:00",
            Ro,
            "2025-01-13",
        ),
        (
            "5 zile lucrătoare",
            "2023-12-27T12:00:00+02:00",
            Ro,
            "2024-01-05",
        ),
        // Orthodox Easter 2021: Fri 30 April and Mon 3 May.
        (
            "3 zile lucrătoare",
            "2021-04-28T12:00:00+03:00",
            Ro,
            "2021-05-05",
        ),
        // Rusalii Monday, 24 June 2024.
        (
            "2 zile lucrătoare",
            "2024-06-21T12:00:00+03:00",
            Ro,
            "2024-06-26",
        ),
        // 30 November and 1 December 2022 (Wed, Thu).
        (
            "2 zile lucrătoare",
            "2022-11-29T12:00:00+02:00",
            Ro,
            "2022-12-05",
        ),
        (
            "1 zi lucrătoare",
            "2024-01-23T12:00:00+02:00",
            Ro,
            "2024-01-25",
        ),
        (
            "1 zi lucrătoare",
            "2024-08-14T12:00:00+03:00",
            Ro,
            "2024-08-16",
        ),
        (
            "1 zi lucrătoare",
            "2024-05-31T12:00:00+03:00",
            Ro,
            "2024-06-03",
        ),
        // Calendar days: 15 January + 30 = 14 February (Wed).
        ("30 de zile", "2024-01-15T09:00:00+02:00", Ro, "2024-02-14"),
        (
            "în termen de 30 de zile de la înregistrare",
            "2024-01-15T09:00:00+02:00",
            Ro,
            "2024-02-14",
        ),
        (
            "30 de zile calendaristice de la data înregistrării",
            "2024-01-15T09:00:00+02:00",
            Ro,
            "2024-02-14",
        ),
        (
            "termen: 30 de zile",
            "2024-01-15T09:00:00+02:00",
            Ro,
            "2024-02-14",
        ),
        (
            "30 de zile după înregistrare",
            "2024-01-15T09:00:00+02:00",
            Ro,
            "2024-02-14",
        ),
        // 2024 is a leap year: 15 January + 45 = 29 February.
        (
            "în termen de 45 de zile de la primirea",
            "2024-01-15T09:00:00+02:00",
            Ro,
            "2024-02-29",
        ),
        // Day 30 is Sun 31 March: the next working day.
        ("30 de zile", "2024-03-01T09:00:00+02:00", Ro, "2024-04-01"),
        // Day 30 is Orthodox Easter Sunday, the next day Easter Monday.
        (
            "în termen de 30 de zile",
            "2024-04-05T09:00:00+03:00",
            Ro,
            "2024-05-07",
        ),
        // Day 10 is 1 January 2025 (Wed), then 2 January.
        ("10 zile", "2024-12-22T09:00:00+02:00", Ro, "2025-01-03"),
        ("30 zile", "2024-08-16T09:00:00+03:00", Ro, "2024-09-16"),
        // 23:30 UTC on 10 March is already 11 March in Bucharest.
        ("10 zile", "2024-03-10T23:30:00Z", Ro, "2024-03-21"),
        // A comma before "de la".
        (
            "în termen de 30 de zile, de la data înregistrării",
            "2024-01-15T09:00:00+02:00",
            Ro,
            "2024-02-14",
        ),
    ]);
}

/// Poland: Western Easter 2024 is 31 March (Easter Monday 1 April), 2025 is
/// 20 April, 2022 is 17 April; Corpus Christi 2024 is 30 May; 1 and 6 January,
/// 1 and 3 May, 15 August, 1 and 11 November, 24 (from 2025), 25 and 26
/// December.
#[test]
fn polish_wordings() {
    check(&[
        // Good Friday is a working day in Poland, Easter Monday is not.
        (
            "14 dni roboczych",
            "2024-03-28T12:00:00+01:00",
            Pl,
            "2024-04-18",
        ),
        (
            "W TERMINIE 14 DNI ROBOCZYCH OD DNIA OTRZYMANIA",
            "2024-03-28T12:00:00+01:00",
            Pl,
            "2024-04-18",
        ),
        (
            "5 dni roboczych",
            "2025-04-17T12:00:00+02:00",
            Pl,
            "2025-04-25",
        ),
        // Orthodox Easter Monday (6 May 2024) is a working day in Poland.
        (
            "3 dni robocze",
            "2024-05-02T12:00:00+02:00",
            Pl,
            "2024-05-08",
        ),
        // Christmas Eve is a holiday from 2025 on.
        (
            "5 dni roboczych",
            "2025-12-19T12:00:00+01:00",
            Pl,
            "2025-12-31",
        ),
        (
            "10 dni roboczych",
            "2025-12-22T12:00:00+01:00",
            Pl,
            "2026-01-12",
        ),
        (
            "2 dni robocze",
            "2024-12-23T12:00:00+01:00",
            Pl,
            "2024-12-27",
        ),
        (
            "3 dni robocze",
            "2023-12-28T12:00:00+01:00",
            Pl,
            "2024-01-03",
        ),
        // Corpus Christi.
        (
            "1 dzień roboczy",
            "2024-05-29T12:00:00+02:00",
            Pl,
            "2024-05-31",
        ),
        // Calendar days.
        (
            "w terminie 14 dni",
            "2024-03-20T12:00:00+01:00",
            Pl,
            "2024-04-03",
        ),
        (
            "w ciągu 30 dni od dnia otrzymania",
            "2024-01-15T12:00:00+01:00",
            Pl,
            "2024-02-14",
        ),
        // Day 30 is Easter Monday, 1 April.
        (
            "w ciągu 30 dni od dnia otrzymania",
            "2024-03-02T12:00:00+01:00",
            Pl,
            "2024-04-02",
        ),
        // Day 14 is a Sunday.
        ("14 dni", "2024-06-02T12:00:00+02:00", Pl, "2024-06-17"),
        // Day 30 is All Saints' Day (Fri), then a weekend.
        (
            "30 dni od dnia wpływu",
            "2024-10-02T12:00:00+02:00",
            Pl,
            "2024-11-04",
        ),
        // Day 14 is Independence Day, 11 November.
        (
            "w terminie 14 dni od dnia rejestracji",
            "2024-10-28T12:00:00+01:00",
            Pl,
            "2024-11-12",
        ),
        ("do 7 dni", "2024-01-10T12:00:00+01:00", Pl, "2024-01-17"),
        (
            "7 dni po otrzymaniu",
            "2024-01-10T12:00:00+01:00",
            Pl,
            "2024-01-17",
        ),
        (
            "7 dni od daty wpływu",
            "2024-01-10T12:00:00+01:00",
            Pl,
            "2024-01-17",
        ),
        // Day 14 is Sunday 28 January.
        (
            "w terminie 14 dni od dnia doręczenia",
            "2024-01-14T12:00:00+01:00",
            Pl,
            "2024-01-29",
        ),
        // Day 21 is the Assumption, 15 August.
        (
            "w ciągu 21 dni kalendarzowych",
            "2024-07-25T12:00:00+02:00",
            Pl,
            "2024-08-16",
        ),
        // 22:30 UTC on 30 June is already 1 July in Warsaw.
        ("7 dni", "2024-06-30T22:30:00Z", Pl, "2024-07-08"),
        // Day 14 is 1 January 2025.
        ("14 dni", "2024-12-18T12:00:00+01:00", Pl, "2025-01-02"),
        ("60 dni", "2024-01-01T12:00:00+01:00", Pl, "2024-03-01"),
        // Day 1 is 3 May (Fri), then a weekend.
        ("1 dzień", "2024-05-02T12:00:00+02:00", Pl, "2024-05-06"),
    ]);
}

#[test]
fn english_wordings() {
    check(&[
        (
            "within 10 working days",
            "2024-05-02T12:00:00+03:00",
            Ro,
            "2024-05-20",
        ),
        (
            "within 10 working days",
            "2024-05-02T12:00:00+02:00",
            Pl,
            "2024-05-17",
        ),
        // Across Western Easter: a working Monday in Romania, not in Poland.
        (
            "5 working days",
            "2024-03-28T12:00:00+02:00",
            Ro,
            "2024-04-04",
        ),
        (
            "5 working days",
            "2024-03-28T12:00:00+01:00",
            Pl,
            "2024-04-05",
        ),
        // Across both Easters of 2022 (17 and 24 April).
        (
            "within 10 working days",
            "2022-04-15T12:00:00+03:00",
            Ro,
            "2022-05-03",
        ),
        (
            "within 10 working days",
            "2022-04-15T12:00:00+02:00",
            Pl,
            "2022-05-02",
        ),
        (
            "Within 3 Working Days From Registration",
            "2021-04-28T12:00:00+03:00",
            Ro,
            "2021-05-05",
        ),
        (
            "1 working day",
            "2024-12-20T12:00:00+02:00",
            Ro,
            "2024-12-23",
        ),
        (
            "2 working days",
            "2024-12-24T12:00:00+02:00",
            Ro,
            "2024-12-30",
        ),
        (
            "3 working days from receipt",
            "2025-12-19T12:00:00+01:00",
            Pl,
            "2025-12-29",
        ),
        // Weekends only: the year end is no holiday.
        (
            "10 business days",
            "2024-12-20T12:00:00Z",
            Other,
            "2025-01-03",
        ),
        ("1 day", "2024-12-31T12:00:00Z", Other, "2025-01-01"),
        ("1 day", "2024-12-31T12:00:00+02:00", Ro, "2025-01-03"),
        (
            "30 days from registration",
            "2024-01-15T09:00:00+02:00",
            Ro,
            "2024-02-14",
        ),
        (
            "within 30 days from receipt",
            "2024-03-02T12:00:00+01:00",
            Pl,
            "2024-04-02",
        ),
        (
            "30 calendar days",
            "2024-08-16T12:00:00Z",
            Other,
            "2024-09-16",
        ),
        (
            "30 days from receipt",
            "2023-12-15T12:00:00Z",
            Other,
            "2024-01-15",
        ),
        ("within 7 days", "2024-02-22T12:00:00Z", Other, "2024-02-29"),
        ("14 days", "2024-10-28T12:00:00+01:00", Pl, "2024-11-12"),
        (
            "10 working days after receipt",
            "2024-05-02T12:00:00+02:00",
            Pl,
            "2024-05-17",
        ),
        // Day 20 is Orthodox Easter Sunday, then Easter Monday.
        ("20 days", "2024-04-15T12:00:00+03:00", Ro, "2024-05-07"),
        // Day 10 is 1 December (Sunday and a holiday).
        ("10 days", "2024-11-21T12:00:00+02:00", Ro, "2024-12-02"),
    ]);
}

#[test]
fn the_rule_is_read_whole() {
    let rule = |w: &str| RelativeDeadline::parse(w);
    assert_eq!(
        rule("în termen de 15 zile lucrătoare de la primire"),
        Ok(RelativeDeadline {
            days: 15,
            count: DayCount::Working,
            from: CaseEvent::Receipt,
        })
    );
    assert_eq!(
        rule("30 de zile"),
        Ok(RelativeDeadline {
            days: 30,
            count: DayCount::Calendar,
            from: CaseEvent::Registration,
        })
    );
    assert_eq!(
        rule("w ciągu 30 dni od dnia otrzymania").map(|r| r.to_string()),
        Ok("30 calendar days from receipt".to_string())
    );
    assert_eq!(
        rule("1 working day").map(|r| r.to_string()),
        Ok("1 working day from registration".to_string())
    );
}

#[test]
fn the_term_ends_at_the_end_of_its_last_day() {
    let rule = RelativeDeadline::parse("15 zile lucrătoare").expect("rule");
    let start = DateTime::parse_from_rfc3339("2024-05-02T10:00:00+03:00")
        .expect("instant")
        .with_timezone(&Utc);
    let due = rule
        .due(start, chrono_tz::Europe::Bucharest, Calendar::Romania)
        .map(|d| d.with_timezone(&chrono_tz::Europe::Bucharest).to_rfc3339());
    assert_eq!(due.as_deref(), Some("2024-05-27T23:59:59+03:00"));
}

/// Every wording with a word that is not read is refused at that word, and
/// the message quotes the wording and the words left unread.
#[test]
fn unread_words_are_refused() {
    let table: &[(&str, &str, &str)] = &[
        (
            "30 de zile de la înregistrarea petiției",
            "petiției",
            "petiției",
        ),
        ("30 de zile lucrătoare ceva", "ceva", "ceva"),
        ("în termen de 30 de zile anual", "anual", "anual"),
        ("anual, 30 de zile", "anual", "anual, 30 de zile"),
        ("30 de zile înregistrare", "înregistrare", "înregistrare"),
        ("30 de zile de la 2024", "2024", "2024"),
        ("cam 30 de zile", "cam", "cam 30 de zile"),
        ("30 de zile libere", "libere", "libere"),
        (
            "w terminie 14 dni od dnia otrzymania wniosku",
            "wniosku",
            "wniosku",
        ),
        (
            "14 dni roboczych przed otrzymaniem",
            "przed",
            "przed otrzymaniem",
        ),
        ("30 de zile după 2024", "2024", "2024"),
        ("około 14 dni", "około", "około 14 dni"),
        ("14 dni od 2024", "2024", "2024"),
        ("within 10 working days of receipt", "of", "of receipt"),
        (
            "within 10 days before registration",
            "before",
            "before registration",
        ),
        ("about 30 days", "about", "about 30 days"),
        ("30 days registration", "registration", "registration"),
        ("within days", "days", "days"),
        // "de" stands before the days it would count: they are named.
        ("de zile", "zile", "zile"),
        ("30 zile de", "de", "de"),
        ("30 de zile, 2024", "2024", "2024"),
        ("30 de zile de la înregistrare și", "și", "și"),
    ];
    let mut failures = Vec::new();
    for &(wording, word, unread) in table {
        let result = RelativeDeadline::parse(wording);
        let also_for_plans = parse(
            wording,
            PlanPeriod::parse("2024-01-01..2024-12-31").expect("plan"),
            chrono_tz::Europe::Bucharest,
            None,
        );
        match &result {
            Err(
                e @ (DeadlineError::Unrecognised {
                    word: w, unread: u, ..
                }
                | DeadlineError::Unexpected {
                    word: w, unread: u, ..
                }),
            ) if w == word && u == unread => {
                let message = e.to_string();
                if !message.contains(&format!("\"{wording}\"")) {
                    failures.push(format!("{wording:?}: message {message}"));
                }
                if also_for_plans.as_ref().err() != Some(e) {
                    failures.push(format!("{wording:?}: for a plan, {also_for_plans:?}"));
                }
            }
            other => failures.push(format!(
                "{wording:?}: got {other:?}, expected a refusal at {word:?} leaving {unread:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn other_refusals() {
    let rule = |w: &str| RelativeDeadline::parse(w);
    assert!(matches!(
        rule("30 de zile de la"),
        Err(DeadlineError::Incomplete { .. })
    ));
    assert!(matches!(
        rule("14 dni po"),
        Err(DeadlineError::Incomplete { .. })
    ));
    assert!(matches!(
        rule("în termen de"),
        Err(DeadlineError::NotRelative { .. })
    ));
    assert!(matches!(
        rule("anual"),
        Err(DeadlineError::NotRelative { .. })
    ));
    assert!(matches!(
        rule("0 zile"),
        Err(DeadlineError::DaysOutOfRange { days: 0, .. })
    ));
    assert!(matches!(
        rule("3651 de zile"),
        Err(DeadlineError::DaysOutOfRange { days: 3651, .. })
    ));
    assert!(rule("3650 de zile").is_ok());
    // A plan action's deadline names periods: a relative one is refused, saying what it means.
    let plan = PlanPeriod::parse("2024-01-01..2024-12-31").expect("plan");
    let err = parse(
        "30 de zile de la înregistrare",
        plan,
        chrono_tz::Europe::Bucharest,
        None,
    );
    assert!(
        matches!(&err, Err(DeadlineError::Relative { rule, .. }) if rule == "30 calendar days from registration"),
        "{err:?}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

    /// Any instant the calendar can hold, any number of days: an answer or `None`, never a panic.
    #[test]
    fn counting_never_panics(
        seconds in proptest::prelude::any::<i64>(),
        days in 1u32..=MAX_RELATIVE_DAYS,
        working in proptest::prelude::any::<bool>(),
    ) {
        let start = DateTime::from_timestamp(seconds % 8_210_298_412_799, 0).unwrap_or_default();
        let count = if working { DayCount::Working } else { DayCount::Calendar };
        let rule = RelativeDeadline { days, count, from: CaseEvent::Registration };
        for country in [Ro, Pl, Other] {
            let (tz, calendar) = country.zone();
            let _ = rule.due(start, tz, calendar);
        }
    }

    /// The last day of a term is a working day; a working-day term has exactly that many working
    /// days after the event's day up to it, a calendar-day term none between day N and it.
    #[test]
    fn terms_end_on_working_days(
        seconds in 1_577_836_800i64..2_208_988_800,
        days in 1u32..400,
        working in proptest::prelude::any::<bool>(),
    ) {
        let start = DateTime::from_timestamp(seconds, 0).unwrap_or_default();
        let count = if working { DayCount::Working } else { DayCount::Calendar };
        let rule = RelativeDeadline { days, count, from: CaseEvent::Receipt };
        for country in [Ro, Pl, Other] {
            let (tz, calendar) = country.zone();
            let day = start.with_timezone(&tz).date_naive();
            let due = rule.due_date(start, tz, calendar);
            proptest::prop_assert!(due.is_some_and(|d| calendar.is_working_day(d)), "{due:?}");
            let due = due.unwrap_or_default();
            let working_days = day
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= due)
                .filter(|d| calendar.is_working_day(*d))
                .count();
            match count {
                DayCount::Working => proptest::prop_assert_eq!(working_days, days as usize),
                DayCount::Calendar => {
                    let day_n = day + chrono::Days::new(u64::from(days));
                    proptest::prop_assert!(due >= day_n);
                    let between = day_n
                        .iter_days()
                        .take_while(|d| *d < due)
                        .filter(|d| calendar.is_working_day(*d))
                        .count();
                    proptest::prop_assert_eq!(between, 0);
                }
            }
        }
    }

    /// Any text: a rule or an error, never a panic.
    #[test]
    fn reading_never_panics(s in "\\PC{0,60}") {
        let _ = RelativeDeadline::parse(&s);
        let _ = RelativeDeadline::parse(&format!("{s} zile"));
        let _ = RelativeDeadline::parse(&format!("30 dni {s}"));
    }
}

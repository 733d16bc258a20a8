//! Dates and numbers as each language writes them.

use chrono::NaiveDate;

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `31.12.2021` in Romanian and Polish, `31 Dec 2021` in English.
pub fn date(language: &str, day: NaiveDate) -> String {
    use chrono::Datelike;
    match language {
        "en" => format!(
            "{} {} {}",
            day.day(),
            EN_MONTHS[day.month0() as usize],
            day.year()
        ),
        _ => day.format("%d.%m.%Y").to_string(),
    }
}

/// A number with the language's separators: `1,234.5` (en), `1.234,5` (ro), `1 234,5` (pl).
pub fn number(language: &str, value: f64) -> String {
    let (group, decimal) = match language {
        "ro" => ('.', ','),
        "pl" => ('\u{a0}', ','),
        _ => (',', '.'),
    };
    let negative = value < 0.0;
    let text = format!("{:.2}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let fraction = fraction.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{decimal}{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers_per_language() {
        let day = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
        assert_eq!(date("ro", day), "31.12.2021");
        assert_eq!(date("pl", day), "31.12.2021");
        assert_eq!(date("en", day), "31 Dec 2021");
        assert_eq!(number("en", 1234.5), "1,234.5");
        assert_eq!(number("ro", 1234.5), "1.234,5");
        assert_eq!(number("pl", 1234567.0), "1\u{a0}234\u{a0}567");
        assert_eq!(number("en", 71.0), "71");
        assert_eq!(number("ro", -0.25), "-0,25");
    }
}

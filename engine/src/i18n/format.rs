//! Dates and numbers as each language writes them.

use chrono::NaiveDate;

use super::Language;

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `31.12.2021` in Romanian and Polish, `31 Dec 2021` in English.
pub fn date(language: Language, day: NaiveDate) -> String {
    use chrono::Datelike;
    match language {
        Language::En => format!(
            "{} {} {}",
            day.day(),
            EN_MONTHS[day.month0() as usize],
            day.year()
        ),
        Language::Ro | Language::Pl => day.format("%d.%m.%Y").to_string(),
    }
}

/// A `YYYY-MM-DD` text as [`date`] writes it; any other text as it is.
pub fn iso_date(language: Language, text: &str) -> String {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => date(language, day),
        Err(_) => text.to_owned(),
    }
}

/// A number with the language's separators: `1,234.5` (en), `1.234,5` (ro), `1 234,5` (pl).
pub fn number(language: Language, value: f64) -> String {
    let (group, decimal) = match language {
        Language::Ro => ('.', ','),
        Language::Pl => ('\u{a0}', ','),
        Language::En => (',', '.'),
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
        assert_eq!(date(Language::Ro, day), "31.12.2021");
        assert_eq!(date(Language::Pl, day), "31.12.2021");
        assert_eq!(date(Language::En, day), "31 Dec 2021");
        assert_eq!(iso_date(Language::En, "2021-12-31"), "31 Dec 2021");
        assert_eq!(iso_date(Language::Pl, "koniec roku"), "koniec roku");
        assert_eq!(number(Language::En, 1234.5), "1,234.5");
        assert_eq!(number(Language::Ro, 1234.5), "1.234,5");
        assert_eq!(number(Language::Pl, 1234567.0), "1\u{a0}234\u{a0}567");
        assert_eq!(number(Language::En, 71.0), "71");
        assert_eq!(number(Language::Ro, -0.25), "-0,25");
    }
}

//! The `recurrence:` cron expression of a "periodic" deadline.
//!
//! The `cron` crate wants 6 fields (seconds first) plus an optional year, and
//! numbers days of the week from 1 = Sunday. Plans are more likely to carry
//! the 5-field Unix form, where 0 and 7 = Sunday and 1 = Monday. A 5-field
//! expression therefore gets `0` seconds prepended and its day-of-week field
//! rewritten as day names, so "0 8 * * 1" still means 08:00 on Mondays.
//! 6- and 7-field expressions and `@daily`-style shorthands are passed on
//! unchanged (cron crate semantics).

use std::str::FromStr;

/// Day names in Unix order (0 = Sunday).
const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAY_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// Parses a recurrence into a schedule; the error is a reason for humans.
pub(super) fn schedule(expr: &str) -> Result<cron::Schedule, String> {
    let text = to_cron_crate(expr)?;
    cron::Schedule::from_str(&text).map_err(|e| e.to_string())
}

/// Rewrites a 5-field Unix expression into the cron crate's 6-field form.
pub(super) fn to_cron_crate(expr: &str) -> Result<String, String> {
    let trimmed = expr.trim();
    if trimmed.starts_with('@') {
        return Ok(trimmed.to_string());
    }
    let fields: Vec<&str> = trimmed.split_whitespace().collect();
    match fields[..] {
        [minute, hour, day, month, weekday] => Ok(format!(
            "0 {minute} {hour} {day} {month} {}",
            unix_weekdays(weekday)?
        )),
        [_, _, _, _, _, _] | [_, _, _, _, _, _, _] => Ok(fields.join(" ")),
        _ => Err(format!(
            "{} fields, expected 5 (Unix), 6 or 7",
            fields.len()
        )),
    }
}

/// A Unix day-of-week field ("1", "1-5", "0,6", "*/2", "mon-fri") as a list
/// of day names.
fn unix_weekdays(field: &str) -> Result<String, String> {
    if field == "*" || field == "?" {
        return Ok(field.to_string());
    }
    let mut days = [false; 7];
    for element in field.split(',') {
        let (base, step) = match element.split_once('/') {
            Some((base, step)) => {
                let step: usize = step
                    .parse()
                    .map_err(|_| format!("bad step \"{step}\" in day of week"))?;
                if step == 0 {
                    return Err("a step of 0 in day of week".to_string());
                }
                (base, step)
            }
            None => (element, 1),
        };
        let (low, high) = if base == "*" || base == "?" {
            (0, 6)
        } else if let Some((a, b)) = base.split_once('-') {
            (unix_day(a)?, unix_day(b)?)
        } else {
            let day = unix_day(base)?;
            // "1/2" means from Monday to the end of the week, every other day.
            (day, if element.contains('/') { 6 } else { day })
        };
        if low > high {
            return Err(format!("day-of-week range \"{base}\" runs backwards"));
        }
        for day in (low..=high).step_by(step) {
            days[day % 7] = true;
        }
    }
    let names: Vec<&str> = DAY_NAMES
        .iter()
        .zip(days)
        .filter_map(|(name, on)| on.then_some(*name))
        .collect();
    Ok(names.join(","))
}

/// A Unix day of week: 0-7 (0 and 7 = Sunday) or a day name.
fn unix_day(text: &str) -> Result<usize, String> {
    if let Ok(n) = text.parse::<usize>() {
        return if n <= 7 {
            Ok(n)
        } else {
            Err(format!("day of week {n} is not in 0-7"))
        };
    }
    let lower = text.to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .zip(LONG_DAY_NAMES)
        .position(|(short, long)| lower == short.to_ascii_lowercase() || lower == long)
        .ok_or_else(|| format!("\"{text}\" is not a day of the week"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_weekdays_keep_their_meaning() {
        assert_eq!(to_cron_crate("0 8 * * 1").as_deref(), Ok("0 0 8 * * Mon"));
        assert_eq!(
            to_cron_crate("30 9 * * 1-5").as_deref(),
            Ok("0 30 9 * * Mon,Tue,Wed,Thu,Fri")
        );
        assert_eq!(to_cron_crate("0 0 * * 0,7").as_deref(), Ok("0 0 0 * * Sun"));
        assert_eq!(
            to_cron_crate("0 0 * * 5-7").as_deref(),
            Ok("0 0 0 * * Sun,Fri,Sat")
        );
        assert_eq!(
            to_cron_crate("0 0 * * */2").as_deref(),
            Ok("0 0 0 * * Sun,Tue,Thu,Sat")
        );
        assert_eq!(
            to_cron_crate("0 0 * * 1/3").as_deref(),
            Ok("0 0 0 * * Mon,Thu")
        );
        assert_eq!(
            to_cron_crate("0 0 * * mon-wed").as_deref(),
            Ok("0 0 0 * * Mon,Tue,Wed")
        );
        assert_eq!(to_cron_crate("0 0 1 * *").as_deref(), Ok("0 0 0 1 * *"));
    }

    #[test]
    fn six_and_seven_fields_pass_unchanged() {
        assert_eq!(
            to_cron_crate("0 0 8 * * Mon").as_deref(),
            Ok("0 0 8 * * Mon")
        );
        assert_eq!(
            to_cron_crate(" 0 0 8 1 * * 2024 ").as_deref(),
            Ok("0 0 8 1 * * 2024")
        );
        assert_eq!(to_cron_crate("@monthly").as_deref(), Ok("@monthly"));
    }

    #[test]
    fn bad_expressions_are_refused() {
        assert!(to_cron_crate("0 8 * *").is_err());
        assert!(to_cron_crate("0 8 * * 8").is_err());
        assert!(to_cron_crate("0 8 * * 5-1").is_err());
        assert!(to_cron_crate("0 8 * * */0").is_err());
        assert!(schedule("0 8 * * funday").is_err());
        assert!(schedule("61 8 * * 1").is_err());
    }
}

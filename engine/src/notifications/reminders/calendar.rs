//! Working days: weekends and the public holidays of Romania and Poland, with the movable feasts
//! computed from Easter (Orthodox for Romania, Western for Poland).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Whose public holidays count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    /// Romania (Codul muncii, art. 139).
    Romania,
    /// Poland (ustawa o dniach wolnych od pracy).
    Poland,
    /// Weekends only.
    WeekendsOnly,
}

impl Calendar {
    /// The calendar of a time zone: Bucharest → Romania, Warsaw → Poland, else weekends only.
    pub fn for_time_zone(tz: &str) -> Self {
        match tz {
            "Europe/Bucharest" => Self::Romania,
            "Europe/Warsaw" => Self::Poland,
            _ => Self::WeekendsOnly,
        }
    }

    /// Whether `date` is a public holiday.
    pub fn is_holiday(self, date: NaiveDate) -> bool {
        let year = date.year();
        let md = (date.month(), date.day());
        match self {
            Self::WeekendsOnly => false,
            Self::Romania => {
                let fixed = [
                    (1, 1),
                    (1, 2),
                    (1, 24),
                    (5, 1),
                    (6, 1),
                    (8, 15),
                    (11, 30),
                    (12, 1),
                    (12, 25),
                    (12, 26),
                ];
                let since_2024 = year >= 2024 && (md == (1, 6) || md == (1, 7));
                let easter = orthodox_easter(year);
                let movable = [-2, 0, 1, 49, 50]
                    .iter()
                    .filter_map(|&d| shift(easter, d))
                    .any(|d| d == date);
                fixed.contains(&md) || since_2024 || movable
            }
            Self::Poland => {
                let fixed = [
                    (1, 1),
                    (1, 6),
                    (5, 1),
                    (5, 3),
                    (8, 15),
                    (11, 1),
                    (11, 11),
                    (12, 25),
                    (12, 26),
                ];
                let since_2025 = year >= 2025 && md == (12, 24);
                let easter = western_easter(year);
                let movable = [0, 1, 49, 60]
                    .iter()
                    .filter_map(|&d| shift(easter, d))
                    .any(|d| d == date);
                fixed.contains(&md) || since_2025 || movable
            }
        }
    }

    /// Whether `date` is a working day: not a weekend, not a public holiday.
    pub fn is_working_day(self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// The working day `n` working days before (`n < 0`) or after (`n > 0`) `date`; for `n = 0`,
    /// `date` itself.
    pub fn add_working_days(self, date: NaiveDate, n: i64) -> Option<NaiveDate> {
        let mut day = date;
        let mut left = n.unsigned_abs();
        while left > 0 {
            day = shift(day, n.signum())?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// `date` if it is a working day, else the nearest working day before it.
    pub fn working_day_on_or_before(self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date;
        while !self.is_working_day(day) {
            day = shift(day, -1)?;
        }
        Some(day)
    }

    /// `date` if it is a working day, else the nearest working day after it.
    pub fn working_day_on_or_after(self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date;
        while !self.is_working_day(day) {
            day = shift(day, 1)?;
        }
        Some(day)
    }
}

/// `date` moved by `days` (either way).
pub(crate) fn shift(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

/// Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm.
fn western_easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or_default()
}

/// Orthodox Easter Sunday (Julian computus, in the Gregorian calendar; 1900–2099).
fn orthodox_easter(year: i32) -> NaiveDate {
    let a = year % 4;
    let b = year % 7;
    let c = year % 19;
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    let julian = NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or_default();
    shift(julian, 13).unwrap_or(julian)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates() {
        for (year, western, orthodox) in [
            (2021, date(2021, 4, 4), date(2021, 5, 2)),
            (2022, date(2022, 4, 17), date(2022, 4, 24)),
            (2024, date(2024, 3, 31), date(2024, 5, 5)),
            (2025, date(2025, 4, 20), date(2025, 4, 20)),
            (2026, date(2026, 4, 5), date(2026, 4, 12)),
        ] {
            assert_eq!(western_easter(year), western, "{year}");
            assert_eq!(orthodox_easter(year), orthodox, "{year}");
        }
    }

    #[test]
    fn romanian_holidays() {
        let ro = Calendar::Romania;
        for holiday in [
            date(2021, 1, 1),
            date(2021, 1, 24),
            date(2021, 4, 30), // Orthodox Good Friday
            date(2021, 5, 3),  // Orthodox Easter Monday
            date(2021, 6, 21), // Rusalii Monday
            date(2022, 12, 1),
            date(2024, 1, 6),
            date(2024, 1, 7),
        ] {
            assert!(ro.is_holiday(holiday), "{holiday}");
        }
        assert!(!ro.is_holiday(date(2023, 1, 6)), "Epiphany only from 2024");
        assert!(!ro.is_holiday(date(2021, 4, 5)), "Western Easter Monday");
    }

    #[test]
    fn polish_holidays() {
        let pl = Calendar::Poland;
        for holiday in [
            date(2024, 4, 1), // Easter Monday
            date(2024, 5, 3),
            date(2024, 5, 30), // Corpus Christi
            date(2024, 11, 11),
            date(2025, 12, 24),
        ] {
            assert!(pl.is_holiday(holiday), "{holiday}");
        }
        assert!(
            !pl.is_holiday(date(2024, 12, 24)),
            "Christmas Eve only from 2025"
        );
        assert!(!pl.is_holiday(date(2024, 6, 1)));
    }

    #[test]
    fn working_days() {
        let ro = Calendar::Romania;
        // Friday 2021-04-30 is Orthodox Good Friday, Monday 2021-05-03 Easter Monday.
        assert_eq!(
            ro.add_working_days(date(2021, 5, 4), -1),
            Some(date(2021, 4, 29))
        );
        assert_eq!(
            ro.add_working_days(date(2021, 4, 29), 1),
            Some(date(2021, 5, 4))
        );
        assert_eq!(
            ro.add_working_days(date(2021, 4, 29), 0),
            Some(date(2021, 4, 29))
        );
        assert_eq!(
            ro.working_day_on_or_before(date(2021, 5, 2)),
            Some(date(2021, 4, 29))
        );
        assert_eq!(
            ro.working_day_on_or_after(date(2021, 5, 1)),
            Some(date(2021, 5, 4))
        );
        let weekends = Calendar::WeekendsOnly;
        assert_eq!(
            weekends.add_working_days(date(2021, 5, 3), -1),
            Some(date(2021, 4, 30))
        );
    }
}

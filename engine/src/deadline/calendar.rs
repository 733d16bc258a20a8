//! Small calendar helpers. All return `None` instead of panicking at the
//! edges of chrono's date range.

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, Months, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::lexicon::Unit;

pub(super) fn month_start(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

pub(super) fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    (28..=31)
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
}

/// The first day of the calendar `unit` containing `date`.
pub(super) fn unit_start(date: NaiveDate, unit: Unit) -> Option<NaiveDate> {
    let month = match unit {
        Unit::Year => 1,
        Unit::Half => 6 * ((date.month() - 1) / 6) + 1,
        Unit::Quarter => 3 * ((date.month() - 1) / 3) + 1,
        Unit::Month => date.month(),
    };
    month_start(date.year(), month)
}

/// The last day of the calendar `unit` starting at `start`.
pub(super) fn unit_end(start: NaiveDate, unit: Unit) -> Option<NaiveDate> {
    let months = match unit {
        Unit::Year => 12,
        Unit::Half => 6,
        Unit::Quarter => 3,
        Unit::Month => 1,
    };
    start.checked_add_months(Months::new(months))?.pred_opt()
}

/// The intersection of two inclusive date ranges.
pub(super) fn intersect(
    (a_start, a_end): (NaiveDate, NaiveDate),
    (b_start, b_end): (NaiveDate, NaiveDate),
) -> Option<(NaiveDate, NaiveDate)> {
    let start = a_start.max(b_start);
    let end = a_end.min(b_end);
    (start <= end).then_some((start, end))
}

/// The first instant at or after the local wall-clock time `local` in `tz`:
/// the time itself, the earlier of two when it is ambiguous, or the end of
/// the gap when it falls into one (clocks moved forward).
pub(super) fn first_instant(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    // Real gaps end on a quarter hour and last at most a day (Samoa 2011).
    let step = TimeDelta::minutes(15);
    let mut t = local;
    for _ in 0..=(26 * 4) {
        match tz.from_local_datetime(&t) {
            LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => {
                return Some(x.with_timezone(&Utc));
            }
            LocalResult::None => t = t.checked_add_signed(step)?,
        }
    }
    None
}

/// `local` read with the offset in force at the same UTC wall time: a last
/// resort that never panics.
pub(super) fn approximate_instant(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    let offset = tz.offset_from_utc_datetime(&local).fix();
    let utc = local.checked_sub_offset(offset).unwrap_or(local);
    Utc.from_utc_datetime(&utc)
}

//! Expansion: specs meet the plan period and become [`Period`]s.

use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::calendar::{first_instant, intersect, month_end, month_start, unit_end, unit_start};
use super::grammar::{Bound, Located, MonthWindow, Scope, Spec};
use super::lexicon::Unit;
use super::{DeadlineError, MAX_PERIODS_PER_ACTION, Period, PlanPeriod, due_at, recurrence};

/// Collects periods, refusing more than [`MAX_PERIODS_PER_ACTION`] as soon
/// as one too many is made.
struct Out<'a> {
    wording: &'a str,
    tz: Tz,
    plan: PlanPeriod,
    periods: Vec<Period>,
}

impl Out<'_> {
    fn push(&mut self, (start, end): (NaiveDate, NaiveDate)) -> Result<(), DeadlineError> {
        let due = due_at(end, self.tz);
        self.push_due(start, end, due)
    }

    fn push_due(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        due: chrono::DateTime<Utc>,
    ) -> Result<(), DeadlineError> {
        if self.periods.len() >= MAX_PERIODS_PER_ACTION {
            return Err(DeadlineError::TooManyPeriods {
                wording: self.wording.to_string(),
                limit: MAX_PERIODS_PER_ACTION,
                plan_start: self.plan.start,
                plan_end: self.plan.end,
            });
        }
        self.periods.push(Period { start, end, due });
        Ok(())
    }
}

/// Expands every spec over the plan period (unsorted, may hold duplicates).
pub(super) fn expand(
    wording: &str,
    specs: &[Located],
    plan: PlanPeriod,
    tz: Tz,
    recurrence: Option<&str>,
) -> Result<Vec<Period>, DeadlineError> {
    let mut out = Out {
        wording,
        tz,
        plan,
        periods: Vec::new(),
    };
    let outside = |located: &Located| DeadlineError::OutsidePlan {
        wording: wording.to_string(),
        item: located.text.clone(),
        plan_start: plan.start,
        plan_end: plan.end,
    };
    let clip = |span: (NaiveDate, NaiveDate), located: &Located| {
        intersect(span, plan.bounds()).ok_or_else(|| outside(located))
    };
    for located in specs {
        match located.spec {
            Spec::By(date) => out.push(clip((plan.start.min(date), date), located)?)?,
            Spec::Since(date) => out.push(clip((date, plan.end.max(date)), located)?)?,
            Spec::Window(window) => {
                if !windows(window, plan, |span| out.push(span))? {
                    return Err(outside(located));
                }
            }
            Spec::Every { unit, within, from } => {
                let before = out.periods.len();
                match within {
                    None => {
                        if let Some(span) = limit(plan.bounds(), unit, from) {
                            split(span, unit, &mut out)?;
                        }
                    }
                    Some(Scope::Fixed(a, b)) => {
                        if let Some(span) = limit(clip((a, b), located)?, unit, from) {
                            split(span, unit, &mut out)?;
                        }
                    }
                    Some(Scope::Window(window)) => {
                        let any = windows(window, plan, |span| match unit {
                            // "anual: iulie-octombrie": the window itself, once a year.
                            Unit::Year => match limit_whole(span, from) {
                                Some(span) => out.push(span),
                                None => Ok(()),
                            },
                            _ => match limit(span, unit, from) {
                                Some(span) => split(span, unit, &mut out),
                                None => Ok(()),
                            },
                        })?;
                        if !any {
                            return Err(outside(located));
                        }
                    }
                }
                if out.periods.len() == before
                    && let Some(Bound { since, .. }) = from
                {
                    return Err(DeadlineError::NothingFrom {
                        wording: wording.to_string(),
                        item: located.text.clone(),
                        since,
                        plan_start: plan.start,
                        plan_end: plan.end,
                    });
                }
            }
            Spec::Periodic => periodic(wording, plan, tz, recurrence, &mut out)?,
            fixed => match fixed.bounds() {
                Some(span) => out.push(clip(span, located)?)?,
                None => return Err(outside(located)),
            },
        }
    }
    Ok(out.periods)
}

/// The part of `span` whose split into `unit`s gives exactly the periods
/// that end on or after `from.since` — the one it falls in, whole, and
/// those after it — cut at `from.until`; `None` if no period is left.
fn limit(
    span: (NaiveDate, NaiveDate),
    unit: Unit,
    from: Option<Bound>,
) -> Option<(NaiveDate, NaiveDate)> {
    let Some(Bound { since, until }) = from else {
        return Some(span);
    };
    // The calendar unit `since` falls in starts the first period kept.
    let first = unit_start(since, unit).unwrap_or(since).max(span.0);
    if since > span.1 {
        return None;
    }
    intersect(span, (first, until.unwrap_or(span.1)))
}

/// `span` as one period if it ends on or after `from.since`, cut at
/// `from.until`.
fn limit_whole(
    span: (NaiveDate, NaiveDate),
    from: Option<Bound>,
) -> Option<(NaiveDate, NaiveDate)> {
    let Some(Bound { since, until }) = from else {
        return Some(span);
    };
    if span.1 < since {
        return None;
    }
    intersect(span, (span.0, until.unwrap_or(span.1)))
}

/// Calls `f` with each yearly instance of `window` intersected with the plan.
/// Returns whether there was any.
fn windows(
    window: MonthWindow,
    plan: PlanPeriod,
    mut f: impl FnMut((NaiveDate, NaiveDate)) -> Result<(), DeadlineError>,
) -> Result<bool, DeadlineError> {
    let mut any = false;
    let wraps = window.last < window.first;
    for year in plan.start.year().saturating_sub(1)..=plan.end.year() {
        let end_year = if wraps { year.saturating_add(1) } else { year };
        let (Some(start), Some(end)) = (
            month_start(year, window.first),
            month_end(end_year, window.last),
        ) else {
            continue;
        };
        if let Some(span) = intersect((start, end), plan.bounds()) {
            any = true;
            f(span)?;
        }
    }
    Ok(any)
}

/// Splits `span` into the calendar units it touches, each clipped to it.
fn split(
    (from, to): (NaiveDate, NaiveDate),
    unit: Unit,
    out: &mut Out<'_>,
) -> Result<(), DeadlineError> {
    let Some(mut start) = unit_start(from, unit) else {
        return out.push((from, to));
    };
    loop {
        let Some(end) = unit_end(start, unit) else {
            return out.push((start.max(from), to));
        };
        out.push((start.max(from), end.min(to)))?;
        match end.succ_opt() {
            Some(next) if end < to => start = next,
            _ => return Ok(()),
        }
    }
}

/// "periodic": one period per fire of the cron rule within the plan period.
/// The due instant is the fire itself; a period runs from the day after the
/// previous fire (the plan start for the first) to the day of the fire.
fn periodic(
    wording: &str,
    plan: PlanPeriod,
    tz: Tz,
    recurrence: Option<&str>,
    out: &mut Out<'_>,
) -> Result<(), DeadlineError> {
    let Some(expr) = recurrence else {
        return Err(DeadlineError::PeriodicWithoutRecurrence {
            wording: wording.to_string(),
        });
    };
    let schedule =
        recurrence::schedule(expr).map_err(|reason| DeadlineError::InvalidRecurrence {
            wording: wording.to_string(),
            recurrence: expr.to_string(),
            reason,
        })?;
    let never = || DeadlineError::RecurrenceNeverFires {
        wording: wording.to_string(),
        recurrence: expr.to_string(),
        plan_start: plan.start,
        plan_end: plan.end,
    };
    let Some(from) = first_instant(plan.start.and_time(NaiveTime::MIN), tz)
        .and_then(|t| t.checked_sub_signed(TimeDelta::seconds(1)))
    else {
        return Err(never());
    };
    let until = due_at(plan.end, tz);
    let mut previous: Option<NaiveDate> = None;
    for fire in schedule.after(&from.with_timezone(&tz)) {
        let due = fire.with_timezone(&Utc);
        if due > until {
            break;
        }
        let day = fire.date_naive();
        let start = match previous {
            None => plan.start,
            Some(p) => p.succ_opt().unwrap_or(p).min(day),
        };
        out.push_due(start, day, due)?;
        previous = Some(day);
    }
    match previous {
        Some(_) => Ok(()),
        None => Err(never()),
    }
}

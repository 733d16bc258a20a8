//! Deadline wordings: no wording panics the grammar; a wording reads the same twice; a relative
//! rule written back reads as the same rule.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use mandate_engine::deadline::{self, PlanPeriod, RelativeDeadline};

fuzz_target!(|wording: &str| {
    let (Some(start), Some(end)) = (
        NaiveDate::from_ymd_opt(2021, 1, 1),
        NaiveDate::from_ymd_opt(2022, 12, 31),
    ) else {
        return;
    };
    let Ok(plan) = PlanPeriod::new(start, end) else {
        return;
    };
    let tz = chrono_tz::Europe::Bucharest;
    let first = deadline::parse(wording, plan, tz, None).map_err(|e| e.to_string());
    let again = deadline::parse(wording, plan, tz, None).map_err(|e| e.to_string());
    assert_eq!(first, again, "{wording:?} read twice gives two answers");
    let _ = deadline::parse(wording, plan, tz, Some("0 0 1 * *"));
    if let Ok(rule) = RelativeDeadline::parse(wording) {
        let written = rule.to_string();
        let reread = RelativeDeadline::parse(&written);
        assert_eq!(
            reread.as_ref().ok(),
            Some(&rule),
            "{wording:?} gives {rule:?}, written {written:?}, read back {reread:?}"
        );
    }
});

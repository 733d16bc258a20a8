use chrono::TimeZone;

use super::*;
use crate::i18n::Language;

fn task(state: &str, open: bool, due: DateTime<Utc>, created: DateTime<Utc>) -> task::Model {
    task::Model {
        id: 1,
        plan_id: 1,
        action_id: 1,
        period_id: 1,
        institution_id: 1,
        role: "responsible".into(),
        state: state.into(),
        open,
        due_at: due,
        version: 1,
        created_at: created,
        updated_at: created,
        next_reminder_at: None,
        reminders_queued: false,
    }
}

fn builtin() -> Arc<StatusPolicy> {
    StatusPolicy::builtin().unwrap()
}

use std::sync::Arc;

fn moment() -> Moment {
    Moment {
        now: Utc.with_ymd_and_hms(2021, 10, 1, 9, 0, 0).unwrap(),
        zone: chrono_tz::Europe::Bucharest,
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The status and reason key of a task in `state`, due `due_in` days from now, created
/// `created_ago` days ago, in a period starting on `start`.
fn rate(
    policy: &StatusPolicy,
    (state, open, due_in, created_ago, start): (&str, bool, i64, i64, NaiveDate),
) -> (Status, &'static str) {
    let lifecycles = crate::tasks::lifecycle::Lifecycles::builtin().unwrap();
    let l = lifecycles.get("default").unwrap();
    let at = moment();
    let due = at.now + chrono::Duration::days(due_in);
    let created = at.now - chrono::Duration::days(created_ago);
    let r = policy.of_task(&task(state, open, due, created), &l, start, at);
    (r.status, r.reason.key)
}

#[test]
fn a_task_is_late_at_risk_on_track_not_started_done_or_closed() {
    let started = day(2021, 7, 1);
    let later = day(2022, 1, 1);
    let cases = [
        (
            ("signed_off", false, -30, 90, started),
            Status::Done,
            "status-reason-signed-off",
        ),
        (
            ("cancelled", false, 30, 90, started),
            Status::Closed,
            "status-reason-closed",
        ),
        (
            ("declined", false, -30, 90, started),
            Status::Closed,
            "status-reason-closed",
        ),
        (
            ("in_progress", true, -1, 90, started),
            Status::Late,
            "status-reason-late",
        ),
        (
            ("pending", true, -1, 90, started),
            Status::Late,
            "status-reason-late",
        ),
        (
            ("in_progress", true, 3, 90, started),
            Status::AtRisk,
            "status-reason-due-soon",
        ),
        (
            ("pending", true, 60, 90, started),
            Status::AtRisk,
            "status-reason-unacknowledged",
        ),
        (
            ("acknowledged", true, 60, 90, started),
            Status::OnTrack,
            "status-reason-on-track",
        ),
        (
            ("pending", true, 200, 90, later),
            Status::NotStarted,
            "status-reason-not-begun",
        ),
        (
            ("acknowledged", true, 200, 90, later),
            Status::NotStarted,
            "status-reason-not-begun",
        ),
    ];
    let policy = builtin();
    for (input, status, key) in cases {
        assert_eq!(rate(&policy, input), (status, key), "{input:?}");
    }
}

#[test]
fn the_policy_file_sets_the_thresholds() {
    let started = day(2021, 7, 1);
    let with = |from: &str, to: &str| {
        let source = include_str!("../../../workflows/policies/status.yaml");
        assert!(source.contains(from), "{from}");
        StatusPolicy::parse(&source.replace(from, to), "status.yaml").unwrap()
    };
    let wider = with("due_within: \"7 days\"", "due_within: \"14 days\"");
    let patient = with(
        "unacknowledged_after: \"0 days\"",
        "unacknowledged_after: \"10 days\"",
    );
    let relaxed = with("unacknowledged: true", "unacknowledged: false");
    let cases = [
        // Due in 10 days: on track by the built-in 7 days, at risk with 14.
        (
            &*builtin(),
            ("in_progress", true, 10, 90, started),
            Status::OnTrack,
        ),
        (
            &wider,
            ("in_progress", true, 10, 90, started),
            Status::AtRisk,
        ),
        // Pending for 5 days (since its creation, after its period began).
        (
            &*builtin(),
            ("pending", true, 60, 5, started),
            Status::AtRisk,
        ),
        (&patient, ("pending", true, 60, 5, started), Status::OnTrack),
        (&patient, ("pending", true, 60, 12, started), Status::AtRisk),
        (
            &relaxed,
            ("pending", true, 60, 90, started),
            Status::OnTrack,
        ),
        (&relaxed, ("pending", true, 3, 90, started), Status::AtRisk),
    ];
    for (policy, input, status) in cases {
        assert_eq!(
            rate(policy, input).0,
            status,
            "{} {input:?}",
            policy.due_within_days
        );
    }
}

fn rated(status: Status, key: &'static str) -> Rating {
    Rating::new(status, Reason::new(key))
}

#[test]
fn a_group_takes_its_worst_member_and_its_reason() {
    use Status::*;
    let policy = builtin();
    let group = |members: &[Status]| {
        let ratings: Vec<Rating> = members.iter().map(|s| rated(*s, s.as_str())).collect();
        let r = policy.of_group(&ratings);
        (r.status, r.reason.key)
    };
    assert_eq!(group(&[Done, OnTrack, AtRisk]), (AtRisk, "at_risk"));
    assert_eq!(group(&[Done, Late, AtRisk]), (Late, "late"));
    assert_eq!(group(&[Done, Done, Closed]), (Done, "done"));
    assert_eq!(
        group(&[Done, NotStarted]),
        (OnTrack, "status-reason-partly-done")
    );
    assert_eq!(
        group(&[NotStarted, NotStarted]),
        (NotStarted, "not_started")
    );
    assert_eq!(group(&[Closed]), (NotStarted, "status-reason-nothing-yet"));
    assert_eq!(group(&[]), (NotStarted, "status-reason-nothing-yet"));
    let periods = [rated(Late, "late"), rated(AtRisk, "at_risk")];
    assert_eq!(policy.of_period(true, &periods).status, Done);
    assert_eq!(policy.of_period(false, &periods).status, Late);
    assert_eq!(Late.light(), "red");
    assert_eq!(AtRisk.light(), "amber");
    assert_eq!(Done.light(), "green");
    assert_eq!(NotStarted.light(), "grey");
}

#[test]
fn the_worst_first_order_is_data() {
    let source = include_str!("../../../workflows/policies/status.yaml").replace(
        "[late, at_risk, on_track, not_started, done]",
        "[at_risk, late, on_track, not_started, done]",
    );
    let policy = StatusPolicy::parse(&source, "status.yaml").unwrap();
    let members = [
        rated(Status::Late, "late"),
        rated(Status::AtRisk, "at_risk"),
    ];
    assert_eq!(policy.of_group(&members).status, Status::AtRisk);
    assert_eq!(builtin().of_group(&members).status, Status::Late);
}

#[test]
fn indicators_behind_put_an_open_action_at_risk() {
    let behind = IndicatorVerdict {
        met: Some(false),
        progress: Some(0.25),
        behind: true,
    };
    let fine = IndicatorVerdict {
        met: None,
        progress: Some(0.8),
        behind: false,
    };
    let ignoring = StatusPolicy::parse(
        &include_str!("../../../workflows/policies/status.yaml")
            .replace("behind: at_risk", "behind: ignore"),
        "status.yaml",
    )
    .unwrap();
    let policy = builtin();
    let on_track = [rated(Status::OnTrack, "on")];
    let cases: [(
        &StatusPolicy,
        Status,
        Option<&IndicatorVerdict>,
        Status,
        &str,
    ); 6] = [
        (&policy, Status::OnTrack, None, Status::OnTrack, "on"),
        (&policy, Status::OnTrack, Some(&fine), Status::OnTrack, "on"),
        (
            &policy,
            Status::OnTrack,
            Some(&behind),
            Status::AtRisk,
            "status-reason-indicators-behind-at",
        ),
        (&policy, Status::Late, Some(&behind), Status::Late, "on"),
        (&policy, Status::Done, Some(&behind), Status::Done, "on"),
        (
            &ignoring,
            Status::OnTrack,
            Some(&behind),
            Status::OnTrack,
            "on",
        ),
    ];
    for (p, from, verdict, status, key) in cases {
        let periods = [rated(from, "on")];
        let r = p.of_action(&periods, verdict);
        assert_eq!(
            (r.status, r.reason.key),
            (status, key),
            "{from:?} {verdict:?}"
        );
    }
    let r = policy.of_action(&on_track, Some(&behind));
    assert_eq!(
        r.reason.text(Language::En),
        "at risk: indicators behind (25% of target)"
    );
}

#[test]
fn reasons_read_in_each_language() {
    let at = moment();
    let reason = Reason::new("status-reason-late")
        .with("due", ReasonArg::Date(day(2021, 6, 30)))
        .with("days", ReasonArg::Count(12));
    assert_eq!(
        reason.text(Language::En),
        "late: due 30 Jun 2021, 12 days ago"
    );
    assert_eq!(
        reason.text(Language::Ro),
        "întârziată: termen 30.06.2021, acum 12 zile"
    );
    assert_eq!(
        reason.text(Language::Pl),
        "opóźnione: termin 30.06.2021, 12 dni temu"
    );
    assert_eq!(at.today(), day(2021, 10, 1));
    assert_eq!(
        reason.plain_args(),
        [("due", "2021-06-30".to_owned()), ("days", "12".to_owned())]
    );
}

#[test]
fn a_malformed_policy_is_refused_with_its_place() {
    let source = include_str!("../../../workflows/policies/status.yaml");
    let cases = [
        (
            "due_within: \"7 days\"",
            "due_within: \"a week\"",
            "`a week` is not an offset",
        ),
        (
            "due_within: \"7 days\"",
            "due_within: \"7 working days\"",
            "calendar days",
        ),
        ("done]", "finished]", "`finished` is not a status"),
        ("done]", "late]", "`late` is named twice"),
        (", done]", "]", "must name each"),
        ("behind: at_risk", "behind: sometimes", "sometimes"),
        (
            "unacknowledged: true",
            "unacknowledged: true\n  grace: 3",
            "grace",
        ),
    ];
    for (from, to, message) in cases {
        let changed = source.replace(from, to);
        let line = changed
            .lines()
            .position(|l| l.contains(to.lines().last().unwrap().trim()))
            .unwrap() as u64
            + 1;
        let e = StatusPolicy::parse(&changed, "status.yaml").unwrap_err();
        assert!(e.message.contains(message), "{to}: {e}");
        assert_eq!(e.line, line, "{to}: {e}");
        assert!(e.column > 0, "{to}: {e}");
        assert!(
            e.to_string().starts_with(&format!("status.yaml:{line}:")),
            "{e}"
        );
    }
}

//! Global ids: `Plan:3`, `Action:41`, `Task:502`. One id names one record of one type, so that
//! `events(entityId:)` can take any of them.

use async_graphql::{ID, Result};

use crate::error::invalid;

/// The kinds of record that have a global id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Plan,
    Objective,
    Action,
    Period,
    Task,
    Event,
    Token,
    Notification,
    PerformanceIndicator,
    CalendarFeed,
}

impl Kind {
    const ALL: [Kind; 10] = [
        Kind::Plan,
        Kind::Objective,
        Kind::Action,
        Kind::Period,
        Kind::Task,
        Kind::Event,
        Kind::Token,
        Kind::Notification,
        Kind::PerformanceIndicator,
        Kind::CalendarFeed,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Plan => "Plan",
            Kind::Objective => "Objective",
            Kind::Action => "Action",
            Kind::Period => "Period",
            Kind::Task => "Task",
            Kind::Event => "Event",
            Kind::Token => "Token",
            Kind::Notification => "Notification",
            Kind::PerformanceIndicator => "PerformanceIndicator",
            Kind::CalendarFeed => "CalendarFeed",
        }
    }
}

/// The global id of record `id` of `kind`.
pub(crate) fn encode(kind: Kind, id: i64) -> ID {
    ID(format!("{}:{id}", kind.name()))
}

/// The kind and number of any global id; `field` names the argument in errors.
pub(crate) fn decode_any(id: &ID, field: &str) -> Result<(Kind, i64)> {
    let parsed = id.split_once(':').and_then(|(name, number)| {
        let kind = Kind::ALL.into_iter().find(|k| k.name() == name)?;
        Some((kind, number.parse::<i64>().ok()?))
    });
    parsed.ok_or_else(|| {
        invalid(
            field,
            format!("`{}` is not an id (ids look like `Task:42`)", id.as_str()),
        )
    })
}

/// The number of a global id that must be of `kind`.
pub(crate) fn decode(id: &ID, kind: Kind, field: &str) -> Result<i64> {
    match decode_any(id, field)? {
        (found, number) if found == kind => Ok(number),
        (found, _) => Err(invalid(
            field,
            format!(
                "`{}` is the id of a {}, not of a {}",
                id.as_str(),
                found.name(),
                kind.name()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_refuse_other_kinds() {
        let id = encode(Kind::Task, 42);
        assert_eq!(id.as_str(), "Task:42");
        assert_eq!(decode(&id, Kind::Task, "id").unwrap(), 42);
        let wrong = decode(&id, Kind::Plan, "planId").unwrap_err();
        assert!(wrong.message.contains("not of a Plan"), "{}", wrong.message);
        for bad in ["42", "Task:", "Task:x", "Tusk:1", ""] {
            assert!(decode_any(&ID(bad.into()), "id").is_err(), "{bad}");
        }
    }
}

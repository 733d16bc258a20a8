//! Time as the engine sees it. Nothing in the engine reads the system clock directly.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// A source of the current instant.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to: for tests and for `mandate tick --at`.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// A clock standing at `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A clock that moves on in real time from an instant of its own: the system clock shifted by a
/// fixed offset. `mandate serve --demo` runs on one, so that a demo of a 2021 plan lives in 2021.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetClock {
    offset: Duration,
}

impl OffsetClock {
    /// A clock that shows `at` now and moves on from there in real time.
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        Self::with_offset(at - Utc::now())
    }

    /// A clock `offset` ahead of the system clock (behind, when negative).
    pub fn with_offset(offset: Duration) -> Self {
        Self { offset }
    }

    /// How far this clock is ahead of the system clock (negative: behind).
    pub fn offset(&self) -> Duration {
        self.offset
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn an_offset_clock_starts_where_it_is_told_and_keeps_its_offset() {
        let at = Utc
            .with_ymd_and_hms(2021, 9, 28, 6, 0, 0)
            .single()
            .expect("instant");
        let clock = OffsetClock::starting_at(at);
        let first = clock.now();
        assert!(first >= at && first - at < Duration::seconds(5), "{first}");
        assert!(clock.now() >= first, "it never goes back");
        let again = OffsetClock::with_offset(clock.offset());
        assert!((again.now() - clock.now()).num_seconds().abs() < 5);
    }
}

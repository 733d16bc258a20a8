//! Results: what an indicator measures and aims at ([`spec`]), how far its values have got
//! ([`evaluate`]) — both pure: the monitoring report, the API and the pages gather the values and
//! ask them what they mean — and the entry of plan-level indicators' values ([`entry`]).

pub mod entry;
pub mod evaluate;
pub mod spec;

pub use entry::{IndicatorEntry, PlanIndicatorEntries, entry_periods};
pub use evaluate::{Evaluation, Observation, Verdict, evaluate};
pub use spec::{Aggregation, Baseline, BaselinePeriod, Direction, IndicatorSpec, Target, Unit};

//! Results: what an indicator measures and aims at ([`spec`]), and how far its values have got
//! ([`evaluate`]). Both are pure: the monitoring report, the API and the pages gather the values
//! and ask these modules what they mean.

pub mod evaluate;
pub mod spec;

pub use evaluate::{Evaluation, Observation, Verdict, evaluate};
pub use spec::{Aggregation, Baseline, BaselinePeriod, Direction, IndicatorSpec, Target, Unit};

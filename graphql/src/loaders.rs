//! Batched lookups for nested fields: a page of 200 tasks asks for its institutions, actions and
//! plans in one query each, not 200. A fresh set is made for every request, for its viewer: every
//! lookup reads through the engine on the viewer's behalf, so a row the viewer may not read is
//! not found, and nothing outlives the request.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use mandate_engine::entity::{
    action, assignment, indicator, institution, objective, plan, report, reporting_period, task,
};
use mandate_engine::{Actor, Engine, Error};

/// Loads records of one table by id.
macro_rules! by_id {
    ($name:ident, $entity:ident) => {
        #[doc = concat!("Loads `", stringify!($entity), "` rows by id.")]
        pub(crate) struct $name(Engine, Actor);

        impl Loader<i64> for $name {
            type Value = $entity::Model;
            type Error = Arc<Error>;

            async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                let rows = self
                    .0
                    .readable_rows::<$entity::Entity>(&self.1, $entity::Column::Id, ids)
                    .await?;
                Ok(rows.into_iter().map(|row| (row.id, row)).collect())
            }
        }
    };
}

/// Loads the rows of one table that belong to a parent, by the parent's id, in id order.
macro_rules! by_parent {
    ($name:ident, $entity:ident, $column:ident, $field:ident) => {
        #[doc = concat!("Loads `", stringify!($entity), "` rows by `", stringify!($field), "`.")]
        pub(crate) struct $name(Engine, Actor);

        impl Loader<i64> for $name {
            type Value = Vec<$entity::Model>;
            type Error = Arc<Error>;

            async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                let mut rows = self
                    .0
                    .readable_rows::<$entity::Entity>(&self.1, $entity::Column::$column, ids)
                    .await?;
                rows.sort_by_key(|row| row.id);
                let mut grouped: HashMap<i64, Self::Value> = HashMap::new();
                for row in rows {
                    grouped.entry(row.$field).or_default().push(row);
                }
                Ok(grouped)
            }
        }
    };
}

by_id!(Institutions, institution);
by_id!(Plans, plan);
by_id!(Objectives, objective);
by_id!(Actions, action);
by_id!(Periods, reporting_period);
by_id!(Tasks, task);
by_parent!(IndicatorsOfAction, indicator, ActionId, action_id);
by_parent!(AssignmentsOfAction, assignment, ActionId, action_id);
by_parent!(PeriodsOfAction, reporting_period, ActionId, action_id);
by_parent!(ReportsOfTask, report, TaskId, task_id);
by_parent!(TasksOfAction, task, ActionId, action_id);

/// Loads where reporting periods stand against their completion rule, by period id.
pub(crate) struct PeriodCompletions(Engine, Actor);

impl Loader<i64> for PeriodCompletions {
    type Value = mandate_engine::tasks::PeriodCompletion;
    type Error = Arc<Error>;

    async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(self.0.periods_completion(&self.1, ids).await?)
    }
}

/// The loaders of one request.
pub(crate) struct Loaders {
    pub institutions: DataLoader<Institutions>,
    pub plans: DataLoader<Plans>,
    pub objectives: DataLoader<Objectives>,
    pub actions: DataLoader<Actions>,
    pub periods: DataLoader<Periods>,
    pub tasks: DataLoader<Tasks>,
    pub indicators: DataLoader<IndicatorsOfAction>,
    pub assignments: DataLoader<AssignmentsOfAction>,
    pub action_periods: DataLoader<PeriodsOfAction>,
    pub reports: DataLoader<ReportsOfTask>,
    pub action_tasks: DataLoader<TasksOfAction>,
    pub period_completions: DataLoader<PeriodCompletions>,
}

impl Loaders {
    /// A fresh set over `engine`, reading for `actor`.
    pub(crate) fn new(engine: &Engine, actor: &Actor) -> Self {
        fn make<L>(loader: L) -> DataLoader<L> {
            DataLoader::new(loader, tokio::spawn)
        }
        let (e, a) = (engine, actor);
        Self {
            institutions: make(Institutions(e.clone(), a.clone())),
            plans: make(Plans(e.clone(), a.clone())),
            objectives: make(Objectives(e.clone(), a.clone())),
            actions: make(Actions(e.clone(), a.clone())),
            periods: make(Periods(e.clone(), a.clone())),
            tasks: make(Tasks(e.clone(), a.clone())),
            indicators: make(IndicatorsOfAction(e.clone(), a.clone())),
            assignments: make(AssignmentsOfAction(e.clone(), a.clone())),
            action_periods: make(PeriodsOfAction(e.clone(), a.clone())),
            reports: make(ReportsOfTask(e.clone(), a.clone())),
            action_tasks: make(TasksOfAction(e.clone(), a.clone())),
            period_completions: make(PeriodCompletions(e.clone(), a.clone())),
        }
    }
}

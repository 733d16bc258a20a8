//! The completion rules a lifecycle may choose besides `all_responsible`: `lead_only` and
//! `{at_least: N}` decide when an action period is complete, on a real database. Partners never
//! count; the coordinator's approval of the period waits for the rule.

mod support;

use std::collections::BTreeMap;

use mandate_engine::Error;
use mandate_engine::domain::Actor;
use mandate_engine::entity::{institution, reporting_period, task};
use mandate_engine::plans::AssignmentChange;
use mandate_engine::tasks::lifecycle::{Lifecycle, Lifecycles};
use mandate_engine::tasks::{Fire, PeriodCompletion, ReportInput};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use support::{Fixture, TestDb};

on_both_databases!(
    lead_only_is_met_by_the_lead_alone,
    lead_only_is_not_met_without_the_lead,
    at_least_two_is_met_by_two_responsible_institutions,
    at_least_more_than_there_are_needs_every_responsible_institution,
);

/// The built-in lifecycle with `rule` as its completion rule, under the same name.
fn default_with_rule(rule: &str) -> Lifecycles {
    let source = include_str!("../../workflows/lifecycles/default.yaml");
    let changed = source.replace("rule: all_responsible", &format!("rule: {rule}"));
    assert_ne!(changed, source, "the default lifecycle names its rule");
    let mut lifecycles = Lifecycles::builtin().expect("built-in lifecycles");
    lifecycles.insert(Lifecycle::parse(&changed, "test.yaml").expect("valid lifecycle"));
    lifecycles
}

/// The action's reporting periods, in order.
async fn periods(f: &Fixture) -> Vec<reporting_period::Model> {
    reporting_period::Entity::find()
        .filter(reporting_period::Column::ActionId.eq(f.action.id))
        .order_by_asc(reporting_period::Column::StartDate)
        .all(&f.db)
        .await
        .expect("periods")
}

/// `institution`'s task in `period`.
async fn task_in(
    f: &Fixture,
    period: &reporting_period::Model,
    inst: &institution::Model,
) -> task::Model {
    task::Entity::find()
        .filter(task::Column::PeriodId.eq(period.id))
        .filter(task::Column::InstitutionId.eq(inst.id))
        .one(&f.db)
        .await
        .expect("task query")
        .expect("a task")
}

/// Takes `inst`'s task in `period` from pending to signed off: its member acknowledges, starts
/// and submits; the coordinator approves.
async fn sign_off(f: &Fixture, period: &reporting_period::Model, inst: &institution::Model) {
    let member = f.member(inst);
    let mut t = task_in(f, period, inst).await;
    for (actor, transition) in [
        (&member, "acknowledge"),
        (&member, "start"),
        (&member, "submit"),
        (&f.coordinator, "approve"),
    ] {
        let mut request = Fire::new(t.id, t.version, transition);
        if transition == "submit" {
            request = request.report(ReportInput {
                indicator_values: BTreeMap::from([("Număr de campanii".to_owned(), json!(2))]),
                narrative: "Raport".to_owned(),
                evidence: Vec::new(),
            });
        }
        t = f
            .engine
            .fire(actor as &Actor, request)
            .await
            .unwrap_or_else(|e| panic!("{transition} task of {}: {e}", inst.code));
    }
    assert_eq!(t.state, "signed_off");
}

/// Where `period` stands, read alone and in one batch with every period of the plan: the two
/// reads must agree (the batch serves GraphQL's `ReportingPeriod.complete`).
async fn completion(f: &Fixture, period: &reporting_period::Model) -> PeriodCompletion {
    let alone = f
        .engine
        .period_completion(&f.admin, period.id)
        .await
        .expect("completion");
    let all: Vec<i64> = periods(f).await.iter().map(|p| p.id).collect();
    assert!(all.len() > 1, "a batch of one proves little: {all:?}");
    let batch = f
        .engine
        .periods_completion(&f.admin, &all)
        .await
        .expect("completions");
    assert_eq!(batch.len(), all.len());
    assert_eq!(
        batch.get(&period.id),
        Some(&alone),
        "batch and single read disagree"
    );
    alone
}

/// The coordinator's approval of the period is refused while the rule does not hold.
async fn approval_refused(f: &Fixture, period: &reporting_period::Model) {
    let early = f
        .engine
        .approve_action_period(&f.coordinator, period.id, None)
        .await;
    assert!(matches!(early, Err(Error::Validation { .. })), "{early:?}");
}

/// The coordinator approves the period, which then is complete.
async fn approved_and_complete(f: &Fixture, period: &reporting_period::Model) {
    f.engine
        .approve_action_period(&f.coordinator, period.id, None)
        .await
        .expect("approve period");
    let done = completion(f, period).await;
    assert!(done.rule_met && done.approved && done.complete, "{done:?}");
}

async fn lead_only_is_met_by_the_lead_alone(db: TestDb) {
    let f = Fixture::with_lifecycles(&db, default_with_rule("lead_only")).await;
    let period = &periods(&f).await[0];
    let before = completion(&f, period).await;
    assert!(!before.rule_met, "{before:?}");
    assert_eq!(before.waiting_for, vec![f.lead.id]);

    sign_off(&f, period, &f.lead).await;
    let after = completion(&f, period).await;
    // The other responsible institution and both partners are still pending.
    assert!(after.rule_met && !after.complete, "{after:?}");
    assert_eq!(after.signed_off, vec![f.lead.id]);
    assert!(after.waiting_for.is_empty(), "{after:?}");
    assert_eq!(task_in(&f, period, &f.responsible).await.state, "pending");
    approved_and_complete(&f, period).await;
}

async fn lead_only_is_not_met_without_the_lead(db: TestDb) {
    let f = Fixture::with_lifecycles(&db, default_with_rule("lead_only")).await;
    let period = &periods(&f).await[1];
    sign_off(&f, period, &f.responsible).await;
    sign_off(&f, period, &f.partners[0]).await;
    sign_off(&f, period, &f.partners[1]).await;
    let without_lead = completion(&f, period).await;
    assert!(
        !without_lead.rule_met && !without_lead.complete,
        "{without_lead:?}"
    );
    assert_eq!(without_lead.signed_off, vec![f.responsible.id]);
    assert_eq!(without_lead.waiting_for, vec![f.lead.id]);
    approval_refused(&f, period).await;

    sign_off(&f, period, &f.lead).await;
    assert!(completion(&f, period).await.rule_met);
    approved_and_complete(&f, period).await;
}

async fn at_least_two_is_met_by_two_responsible_institutions(db: TestDb) {
    let f = Fixture::with_lifecycles(&db, default_with_rule("{at_least: 2}")).await;
    // Three responsible institutions (the lead among them) and one partner.
    f.engine
        .assign_action(
            &f.coordinator,
            f.action.id,
            AssignmentChange {
                lead: None,
                responsible: Some(vec![
                    f.lead.code.clone(),
                    f.responsible.code.clone(),
                    f.partners[0].code.clone(),
                ]),
                partners: Some(vec![f.partners[1].code.clone()]),
            },
        )
        .await
        .expect("assignment");
    let period = &periods(&f).await[0];

    sign_off(&f, period, &f.responsible).await;
    // A partner's sign-off does not count towards the rule.
    sign_off(&f, period, &f.partners[1]).await;
    let one = completion(&f, period).await;
    assert!(!one.rule_met && !one.complete, "one of two: {one:?}");
    assert_eq!(one.signed_off, vec![f.responsible.id]);
    assert_eq!(one.waiting_for, vec![f.lead.id, f.partners[0].id]);
    approval_refused(&f, period).await;

    sign_off(&f, period, &f.partners[0]).await;
    let two = completion(&f, period).await;
    // The lead has not signed off, and need not.
    assert!(two.rule_met && !two.complete, "two of two: {two:?}");
    assert!(two.waiting_for.is_empty(), "{two:?}");
    let mut signed = two.signed_off.clone();
    signed.sort_unstable();
    let mut expected = vec![f.responsible.id, f.partners[0].id];
    expected.sort_unstable();
    assert_eq!(signed, expected);
    assert_eq!(task_in(&f, period, &f.lead).await.state, "pending");
    approved_and_complete(&f, period).await;
}

async fn at_least_more_than_there_are_needs_every_responsible_institution(db: TestDb) {
    // Two responsible institutions (the lead and one other) for a rule asking three.
    let f = Fixture::with_lifecycles(&db, default_with_rule("{at_least: 3}")).await;
    let period = &periods(&f).await[0];
    sign_off(&f, period, &f.lead).await;
    sign_off(&f, period, &f.partners[0]).await;
    sign_off(&f, period, &f.partners[1]).await;
    let one = completion(&f, period).await;
    assert!(!one.rule_met && !one.complete, "one of two: {one:?}");
    assert_eq!(one.signed_off, vec![f.lead.id]);
    assert_eq!(one.waiting_for, vec![f.responsible.id]);
    approval_refused(&f, period).await;

    sign_off(&f, period, &f.responsible).await;
    let both = completion(&f, period).await;
    assert!(both.rule_met && !both.complete, "both: {both:?}");
    assert!(both.waiting_for.is_empty(), "{both:?}");
    approved_and_complete(&f, period).await;
}

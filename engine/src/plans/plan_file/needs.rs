//! What a plan needs of its lifecycle: the roles its use of the engine calls on.

use super::PlanDraft;
use crate::error::Problem;
use crate::notifications::reminders::policy::ReminderPolicy;
use crate::tasks::lifecycle::{Lifecycle, Role};

/// The problems of running `draft` on `lifecycle` with reminder `policy`, each located at the
/// plan's `lifecycle:` field: an acknowledgement chase needs a transition playing `acknowledge`.
pub fn lifecycle_problems(
    draft: &PlanDraft,
    lifecycle: &Lifecycle,
    policy: &ReminderPolicy,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if policy.acknowledgement_chase.is_some() && lifecycle.role(Role::Acknowledge).is_none() {
        problems.push(draft.lifecycle_at.problem(format!(
            "the reminder policy `{}` chases acknowledgements, but the lifecycle `{}` gives no \
             transition the role `acknowledge` (add `roles: {{acknowledge: …}}` to it, or use a \
             policy without `acknowledgement_chase`)",
            policy.name, lifecycle.name
        )));
    }
    problems
}

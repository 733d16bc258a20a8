# Words of Mandate's pages and e-mails in English: the names of task states. Keys are the same in every language (a test checks it).

## States
state-pending = pending
state-acknowledged = acknowledged
state-in_progress = in progress
state-submitted = submitted
state-signed_off = signed off
state-declined = declined
state-cancelled = cancelled
state-registered = registered
state-routed = routed
state-forwarded = forwarded
state-answer_drafted = answer drafted
state-signed = signed
state-answered = answered
state-unfounded = closed as unfounded
state-redirected = redirected

## Indicators: what their values say of their targets.
indicator-up = { $actual } of { $target } ({ $progress })
indicator-at-least = { $actual } (target: at least { $target })
indicator-at-most = { $actual } (target: at most { $target })
indicator-change = { $actual } against { $baseline } before ({ $change }; { $wanted } wanted, so { $target })
indicator-no-target = { $actual } (no target)
indicator-no-baseline = { $actual } (no baseline to compare with)
indicator-no-values = no value given yet
indicator-in-words = described in the reports
indicator-evaluation = Evaluation
indicator-met = met
indicator-not_met = not met
indicator-unknown = not yet known
indicator-given = { $reported } of { $expected ->
        [one] { $expected } value
       *[other] { $expected } values
    } given
indicator-target-change = { $change } vs { $against }
indicator-target-same = the level of { $against }
indicator-baseline-previous = the previous period
## Why a status is what it is (the status rule, workflows/policies/status.yaml)
status-reason-signed-off = done: signed off
status-reason-approved = done: approved by the coordinator
status-reason-closed = closed: { $state }
status-reason-late = { $days ->
    [one] late: due { $due }, { $days } day ago
   *[other] late: due { $due }, { $days } days ago
}
status-reason-due-soon = { $days ->
    [0] at risk: due { $due }, today
    [one] at risk: due { $due }, in { $days } day
   *[other] at risk: due { $due }, in { $days } days
}
status-reason-unacknowledged = at risk: waiting for acknowledgement
status-reason-on-track = on track: due { $due }
status-reason-not-begun = not started: the period begins { $start }
status-reason-nothing-yet = not started: nothing to do yet
status-reason-partly-done = on track: part done, the rest not begun
status-reason-indicators-behind = at risk: indicators behind
status-reason-indicators-behind-at = at risk: indicators behind ({ $percent }% of target)

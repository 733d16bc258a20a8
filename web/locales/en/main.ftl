# Mandate's pages in English. Keys are the same in every language (a test checks it).

skip-to-content = Skip to content
demo-banner = Demonstration: the clock shows {$date}, {$time}, and moves on in real time. E-mails are written to files, not sent.
nav-label = Main
nav-inbox = Inbox
language = Language
language-ro = Română
language-en = English
language-pl = Polski
language-set = Change
sign-out = Sign out
footer = Mandate — action plans across institutions.
back-home = Back to the start page

## Sign-in
sign-in-title = Sign in to Mandate
sign-in-intro = Sign in with a link sent to your e-mail address, or with your password if you have set one.
sign-in-by-link = By e-mail link
sign-in-send-link = Send me a sign-in link
sign-in-link-sent = If this address belongs to a Mandate user, a sign-in link is on its way. It works once, for 15 minutes.
sign-in-by-password = By password
sign-in-button = Sign in
sign-in-wrong = Wrong e-mail address or password.
sign-in-link-confirm = Continue to sign in with the link from your e-mail.
sign-in-continue = Continue
sign-in-link-title = This sign-in link does not work
sign-in-link-expired = The link has expired: links work for 15 minutes.
sign-in-link-used = The link was already used: each link works once.
sign-in-link-invalid = The link is not valid. It may have been copied incompletely.
sign-in-ask-again = Ask for a new link
email = E-mail address
password = Password

## Errors
error-not-found-title = Not found
error-not-found-body = There is nothing here, or you do not have access to it.
error-forbidden-title = Not allowed
error-forbidden-body = You may not do this.
error-internal-title = Something went wrong
error-internal-body = The server could not complete the request. The error was recorded; please try again later.
error-csrf-title = The form has expired
error-csrf-body = The form was not sent from this session. Open the page again and repeat what you did; nothing was changed.
error-required = Required.
error-number = Enter a number, for example 12 or 12.5.

## Counts and dates
tasks-count = { $count ->
    [one] {$count} task
   *[other] {$count} tasks
}
days-left = { $count ->
    [one] {$count} day left
   *[other] {$count} days left
}
days-overdue = { $count ->
    [one] {$count} day overdue
   *[other] {$count} days overdue
}
days-today = due today

## Inbox
inbox-title = Inbox
inbox-heading = Tasks of {$institution}
inbox-no-institution = You do not act for an institution, so you have no inbox.
inbox-truncated = Only the first 500 tasks are shown: narrow the list with the filters.
filters = Filters
filter-plan = Plan
filter-period = Period containing
filter-state = State
filter-all = All
filter-apply = Filter
group-to_acknowledge = To acknowledge
group-returned = Returned to us
group-overdue = Overdue
group-due_soon = Due in the next 30 days
group-in_progress = In progress
group-awaiting_sign_off = Awaiting sign-off
group-empty = Nothing here.
action = Action
objective = Objective
period = Period
due = Due
plan = Plan
state = State

## States
state-pending = pending
state-acknowledged = acknowledged
state-in_progress = in progress
state-submitted = submitted
state-signed_off = signed off
state-declined = declined
state-cancelled = cancelled

## Status lights
status-done = done
status-on_track = on track
status-at_risk = at risk
status-late = late
status-not_started = not started
status-closed = closed
status-done-why = Signed off.
status-on_track-why = Under way, not due within 7 days.
status-at_risk-why = Due within 7 days, or not yet acknowledged.
status-late-why = Past its due date and not signed off.
status-not_started-why = Its reporting period has not begun.
status-closed-why = Declined or cancelled.

## Task page
breadcrumbs = You are here
task-about = About the task
participants = Institutions
role-lead = lead
role-responsible = responsible
role-partner = partner
indicators = Indicators
target = target
task-actions = What you can do
task-nothing-to-do = There is nothing for you to do on this task now.
do-acknowledge = Acknowledge
do-decline = Decline
do-start = Start work
do-submit = Submit the report
do-approve = Approve
do-return = Return for changes
do-cancel = Cancel the task
done-acknowledge = The task is acknowledged.
done-decline = The task is declined.
done-start = Work has started.
done-submit = The report is submitted.
done-approve = The report is approved.
done-return = The report is returned.
done-cancel = The task is cancelled.
narrative = What was done
evidence = Evidence links (one per line)
evidence-hint = Links to documents, publications or photos (http or https).
reason = Reason
comment = Comment (optional)
conflict = Someone changed this task before your form arrived: {$by}, at {$at}. It is now {$state}. Nothing you sent was saved; check the task below and try again.
reports = Reports
audit-trail = Audit trail
event-task_opened = Task opened
event-acknowledge = Acknowledged
event-decline = Declined
event-start = Started
event-submit = Report submitted
event-approve = Approved
event-return = Returned
event-cancel = Cancelled
event-unassigned = Cancelled: institution no longer assigned
event-period_withdrawn = Cancelled: period withdrawn

## Plans and actions
nav-plans = Plans
nav-sign-offs = Sign-off queue
plans-title = Plans
plans-none = There is no plan you can see yet.
periods-complete = {$done} of {$total} action periods complete ({$percent} %)
periods-of = {$done} of {$total} periods complete
overdue-count = { $count ->
    [one] {$count} task overdue
   *[other] {$count} tasks overdue
}
legend = What the lights mean
legend-groups = An action takes the light of its most pressing period, an objective and a plan that of their most pressing action; a period the coordinator approved is done.
objectives = Objectives
overdue-by-institution = Overdue work by institution
institution = Institution
overdue = Overdue
nothing-overdue = Nothing is overdue.
indicator-values = Indicator values
indicator = Indicator
actual = So far
indicator-values-hint = Sums of the values in signed-off reports.
no-indicator-values = No signed-off report has given a value yet.
deadline-wording = Deadline (as written in the plan)
nobody-assigned = No institution is assigned yet.
assign-title = Who takes part
assign-hint = Institution codes, separated by commas. The lead must also be among the responsible institutions. Institutions removed keep the work they started; their pending tasks are cancelled.
assign-lead = Lead institution
assign-responsible = Responsible institutions
assign-partners = Partner institutions
assign-button = Save who takes part
periods = Reporting periods
role = Role
status = Status
period-approved = The coordinator approved this period.
approve-period = Approve the period
period-waiting = Waiting for the responsible institutions' reports to be signed off.
done-period-approved = The period is approved.
done-assigned = Saved.
sign-offs-title = Sign-off queue
sign-offs-intro = Reports waiting for your sign-off, as the plan's coordinator or as the action's lead institution.
sign-offs-none = No report is waiting for you.
as-coordinator = as coordinator
as-lead = as lead institution
review-report = Review the report

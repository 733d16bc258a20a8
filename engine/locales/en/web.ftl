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
sign-in-throttled = { $count ->
    [one] Too many failed sign-ins with this address. Try again in {$count} minute, or ask for a sign-in link above.
   *[other] Too many failed sign-ins with this address. Try again in {$count} minutes, or ask for a sign-in link above.
}
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
error-timeout-title = The server took too long
error-timeout-body = The server did not answer in time and stopped the request. Open the page again to see whether your change was saved, and repeat it if it was not.
error-unavailable-title = The database cannot be reached just now
error-unavailable-body = The server lost its connection to the database and may not have completed the request. Open the page again in a moment to see whether your change was saved, and repeat it if it was not.
error-required = Required.
error-number = Enter a number, for example 12 or 12.5.
error-count = Enter a whole number, 0 or more.
error-percent = Enter a percentage between 0 and 100.

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

## Status lights
status-done = done
status-on_track = on track
status-at_risk = at risk
status-late = late
status-not_started = not started
status-closed = closed
status-done-why = Signed off.
status-on_track-why = Under way, not due within { $days ->
    [one] a day
   *[other] { $days } days
}.
status-at_risk-why = Due within { $days ->
    [one] a day
   *[other] { $days } days
}, not yet acknowledged, or its indicators are behind their targets.
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
do-forward = Forward to another department
do-extend = Extend the deadline
do-draft_answer = Draft the answer
do-sign = Sign the answer
do-send_answer = Send the answer
do-close_unfounded = Close as unfounded
do-redirect = Redirect to the competent authority
done-acknowledge = The task is acknowledged.
done-decline = The task is declined.
done-start = Work has started.
done-submit = The report is submitted.
done-approve = The report is approved.
done-return = The report is returned.
done-cancel = The task is cancelled.
done-forward = The case is forwarded to another department.
done-extend = The deadline is extended.
done-draft_answer = The answer is drafted.
done-sign = The answer is signed.
done-send_answer = The answer is sent.
done-close_unfounded = The case is closed as unfounded.
done-redirect = The case is redirected to the competent authority.
narrative = What was done
evidence = Evidence links (one per line)
evidence-hint = Links to documents, publications or photos (http or https).
move-to = Move to
move-to-choose = Choose…
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
event-forward = Forwarded to another department
event-extend = Deadline extended
event-draft_answer = Answer drafted
event-sign = Answer signed
event-send_answer = Answer sent
event-close_unfounded = Closed as unfounded
event-redirect = Redirected to the competent authority
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

## Institutions, plan import, audit trail
nav-institutions = Institutions
nav-audit = Audit trail
nav-import = Import a plan
error-date = Enter a date as YYYY-MM-DD.
error-date-order = The last day is before the first day.
error-unknown-institution = There is no institution with this code.
institutions-title = Institutions
institutions-search = Search by code or name
institutions-search-hint = With or without diacritics, in any case: “tara” finds “Țara”.
institutions-search-button = Search
institutions-count = { $count ->
    [one] {$count} institution
   *[other] {$count} institutions
}
institutions-found = { $count ->
    [one] {$count} of {$total} institutions matches.
   *[other] {$count} of {$total} institutions match.
}
institutions-none = No institution matches “{$q}”.
institutions-no-emails = none
institutions-notifications = Notifications
institutions-default-settings = default
institutions-settings-hidden = An institution's notification settings are shown to the institution, to those who manage it, to the coordinators of the plans it takes part in and to auditors.
delivery-immediate = Immediate, at {$time}
delivery-daily_digest = Daily digest, at {$time}
delivery-immediate-why = One e-mail per reminder.
delivery-daily_digest-why = One e-mail a day listing the institution's tasks that are due, overdue or not yet acknowledged.
field-code = Code
field-name = Name
field-parent = Parent institution
field-emails = Contact e-mail addresses
field-language = Language
field-time_zone = Time zone
import-title = Import a plan
import-choose = Choose the plan file
import-try-again = Correct the file and check it again
import-intro = A plan file in YAML, like those in workflows/plans. It is checked first: nothing is written until you confirm.
import-file = Plan file
import-file-hint = YAML (.yaml or .yml), at most {$size} KB.
import-paste = Or paste the text of the plan
import-check = Check the plan
import-error-empty = Choose a file or paste the text of the plan.
import-error-too-large = The file is too large.
import-error-not-text = The file is not UTF-8 text: save it as UTF-8 YAML and try again.
import-error-unreadable = The form could not be read. Please try again.
import-problems = { $count ->
    [one] The file has one problem.
   *[other] The file has {$count} problems.
}
import-forbidden = The file asks for changes you may not make (see the list below).
import-nothing-written = Nothing was written.
import-problems-heading = Problems in {$name}
import-line = line {$number}
import-more-problems = { $count ->
    [one] …and one more problem.
   *[other] …and {$count} more problems.
}
import-preview = {$name} is correct. This is what importing plan {$plan} would change; nothing is written until you confirm.
import-changes = What the import would change
import-changes-done = What the import changed
import-kind = Records
import-created = New
import-updated = Changed
import-unchanged = Unchanged
import-kind-plans = Plan
import-kind-institutions = Institutions
import-kind-objectives = Objectives
import-kind-actions = Actions
import-kind-performance_indicators = Performance indicators
import-kind-tasks = Tasks
import-tasks-cancelled = { $count ->
    [one] One pending task is cancelled: its period is no longer in the plan.
   *[other] {$count} pending tasks are cancelled: their periods are no longer in the plan.
}
import-institution-changes = Changes to existing institutions
import-no-institution-changes = No existing institution changes.
import-field = Detail
import-from = Before
import-to = After the import
import-confirm = Confirm the import
import-another = Check another file
import-done = Plan {$plan} is imported.
import-open-plan = Open plan {$plan}
audit-title = Audit trail
audit-filter-institution = Institution of who acted
audit-filter-actor = Who acted (e-mail address)
audit-filter-from = From
audit-filter-to = To (inclusive)
audit-zone = Times in {$zone}, newest first.
audit-when = When
audit-what = What happened
audit-about = About
audit-who = Who
audit-task = Task
audit-whole-plan = the plan
audit-none = No event matches.
audit-pages = Pages of the audit trail
audit-newest = Newest events
audit-older = Older events
event-plan_created = Plan created
event-plan_imported = Plan imported
event-assigned = Institutions assigned
event-period_approved = Period approved
event-plan_archived = Plan archived
event-indicator_value_entered = Indicator value entered

## Plan-level indicators
plan-indicators = Performance indicators
baseline = baseline
value = Value
enter-value = Enter the value
error-period = Choose one of the indicator's periods.
done-indicator = The value is entered.
## The public progress page of a plan, and the coordinator's switches for it
public-heading = Public progress report
public-period = Period
public-deadline = Deadline
public-responsible = Responsible
public-partners = Partners
public-progress = Progress
public-progress-unknown = not yet assessed
public-met = met
public-not-met = not met
public-narrative-by = { $institution }, period ending { $date }
public-empty = No objectives yet.
public-plan-title = Public progress page
public-plan-on = Anyone can see this plan's progress, without signing in, at
public-plan-off = This plan's progress is not public.
public-plan-publish = Publish progress
public-plan-withdraw = Withdraw the public page
public-report-on = Shown on the public progress page.
public-report-off = Private: not shown on the public progress page.
public-report-publish = Show on the public page
public-report-withdraw = Make private
event-plan_published = Progress page published
event-plan_unpublished = Progress page withdrawn
event-report_published = Report narrative made public
event-report_unpublished = Report narrative made private

report-download-title = Monitoring report
report-period-hint = A year (2021), a half-year (2021-S1), a quarter (2021-Q3) or dates (2021-01-01..2021-06-30).
report-format = Format
report-format-xlsx = Excel workbook (XLSX)
report-format-docx = Word document (DOCX)
report-format-html = Printable page (HTML)
report-format-csv = Table (CSV)
report-download = Download
error-report-period = “{ $value }” is not a period: write a year (2021), a half-year (2021-S1), a quarter (2021-Q3) or dates (2021-01-01..2021-06-30).

## Registers of cases (petitions, requests, incident reports)
nav-registers = Registers
registers-title = Registers
registers-none = There is no register you can see yet.
register-departments-count = { $count ->
    [one] { $count } department
   *[other] { $count } departments
}
register-page = Register of cases
register-about = About the register
register-owner = Kept by
register-term = Term
register-time-zone = Time zone
register-departments = Departments
register-cases = Latest cases
register-no-cases = No case is registered yet.
register-statistics = Statistics
case-new-title = Register a case
case-received = Received
case-subject = Subject
case-petitioner = Petitioner reference
case-petitioner-hint = A file number or initials: no personal data is needed.
case-register = Register
case-route-title = Route a case
case-route-hint = Each department a case is routed to gets its own task, due at the end of the case's term.
case-number = No.
case-department = Department
case-route = Route
case-due = Due
case-term = Term
case-not-routed = not routed
case-late = late
case-in-term = in term
case-closed = closed
done-case-registered = Case { $number } is registered.
done-case-routed = Case { $number } is routed.
statistics-month = Month
statistics-received = Received
statistics-answered-in-term = Answered in term
statistics-answered-late = Answered late
statistics-closed = Closed otherwise
statistics-open = Open
statistics-overdue = Open, overdue
statistics-extended = Extended
statistics-month-total = { $month }, all departments
statistics-total = Total
statistics-hint = By month of receipt; a case routed to two departments counts for each.
event-case_registered = Case registered
event-case_routed = Case routed

# The words of the monitoring reports (XLSX, DOCX, HTML, CSV) in English.

## Titles, sections and columns
report-title = Monitoring report on the implementation of the plan
report-coordinator = Coordinator
report-generated = Generated on
report-empty = No work of the plan falls in this period.
report-objectives = Objectives and expected results
report-progress = Progress of the actions
report-partners-section = Partner institutions
report-plan-indicators = Performance indicators of the plan
report-summary = Summary
report-overdue-work = Overdue work
report-declined-work = Declined work
report-reports = Reports
report-objective = Objective
report-result = Result
report-action = Action
report-number = No.
report-deadline = Deadline
report-lead = Lead institution
report-responsible = Responsible institutions
report-partners = Partner institutions
report-status = Status
report-institution = Institution
report-role = Role
report-period = Period
report-period-start = Period start
report-period-end = Period end
report-due = Due
report-state = State
report-overdue = Overdue
report-declined = Declined
report-declined-count = Declined in all
report-reason = Reason
report-indicator = Indicator
report-indicators = Indicators
report-unit = Unit
report-target = Target
report-value = Reported value
report-reports-count = Reports with a value
report-text-values = Values in words
report-narrative = Narrative
report-evidence = Evidence
report-submitted = Submitted
report-tasks = Tasks
report-actions = Actions
report-periods = Periods
report-periods-complete = Periods complete
report-total = Total
report-unknown = unknown
report-baseline = Baseline
report-comparison = Comparison
report-yes = yes
report-no = no
report-role-responsible = responsible
report-role-partner = partner

## Statuses and lifecycle states
report-status-done = Done
report-status-on-track = On track
report-status-at-risk = At risk
report-status-late = Late
report-status-not-started = Not started
report-status-closed = Closed
report-state-pending = Pending
report-state-acknowledged = Acknowledged
report-state-in-progress = In progress
report-state-submitted = Submitted
report-state-signed-off = Signed off
report-state-declined = Declined
report-state-cancelled = Cancelled

## Periods: $year, $number (1…4), $roman (I…IV), $start, $end (dates as written)
report-period-year = { $year }
report-period-half = half-year { $number } of { $year }
report-period-quarter = quarter { $number } of { $year }
report-period-for-period = for the period { $start } to { $end }

## Counts
report-tasks-count = { $count ->
    [one] { $count } task
   *[other] { $count } tasks
}
report-scope = { $actions ->
    [one] One action
   *[other] { $actions } actions
} with { $tasks ->
    [one] one task
   *[other] { $tasks } tasks
} in this period.

## Charts
report-charts = Charts
report-chart-progress = Tasks per objective by status
report-chart-overdue = Overdue tasks at each month end
report-chart-month = Month

## The structure of an "Informacja" on a priority action plan
report-informacja-threat = The threat identified
report-informacja-goal = The goal to achieve
report-informacja-criterion = How reaching the goal is evaluated
report-informacja-actions = The actions taken, with their terms
report-informacja-partners = Partner institutions and their part
report-informacja-community = How the community was informed
report-informacja-not-recorded = The plan does not record this.
report-informacja-narratives = From the reports submitted

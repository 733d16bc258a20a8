# Mandate's e-mails in English, and the pages their links open. Keys are the same in every language (a test checks it).
# Arguments: $action (action number), $code and $institution (the institution's code and name), $due and $date
# (dates), $days, $count and $minutes (numbers), $user, $inviter, $expires (a time), $time.

## Subjects, by kind of message
mail-subject-assigned = New task: action {$action}, due {$due}
mail-subject-reminder = Reminder: action {$action} is due {$due} ({ $days ->
    [one] {$days} day left
   *[other] {$days} days left
})
mail-subject-due_today = Due today: action {$action}
mail-subject-overdue = Overdue: action {$action} was due {$due}
mail-subject-ack_chase = Please acknowledge: action {$action}, due {$due}
mail-subject-escalation = Escalation: {$code} is { $days ->
    [one] {$days} day
   *[other] {$days} days
} late on action {$action}
mail-subject-returned = Report returned for changes: action {$action}
mail-subject-approved = Report approved: action {$action}
mail-subject-digest = Daily summary for {$code}: { $count ->
    [one] {$count} task
   *[other] {$count} tasks
}, {$date}
mail-subject-invitation = Invitation to Mandate for {$code}
mail-subject-sign_in = Your sign-in link to Mandate

## First paragraphs, by kind of message
mail-intro-assigned = Your institution has been assigned a task in the plan below.
mail-intro-reminder = The deadline of the task below is in { $days ->
    [one] {$days} day
   *[other] {$days} days
}.
mail-intro-due_today = The deadline of the task below is today.
mail-intro-overdue = The deadline of the task below passed { $days ->
    [one] {$days} day
   *[other] {$days} days
} ago and the task is not yet complete.
mail-intro-ack_chase = The task below has not been acknowledged yet. Please acknowledge it so that the coordinator knows it is in hand.
mail-intro-escalation = The task of {$institution} below is { $days ->
    [one] {$days} day
   *[other] {$days} days
} past its deadline. You receive this message as the plan's coordinator or as the institution's parent institution.
mail-intro-returned = The report submitted for the task below was returned for changes.
mail-intro-approved = The report submitted for the task below was approved.
mail-intro-digest = Here are your institution's tasks that need attention today.
mail-intro-invitation = You are invited to Mandate as a member of {$institution}: you will see your institution's tasks in the plans below, acknowledge them and report on them.
mail-intro-invitation-by = {$inviter} invites you to Mandate as a member of {$institution}: you will see your institution's tasks in the plans below, acknowledge them and report on them.
mail-intro-sign_in = Use the link below to sign in to Mandate as {$user}. It works once, for { $minutes ->
    [one] {$minutes} minute
   *[other] {$minutes} minutes
} (until {$expires}). If you did not ask for it, ignore this message: nobody can sign in without the link.

## Labels
mail-plan = Plan
mail-objective = Objective
mail-action = Action
mail-indicators = Indicators
mail-target = target
mail-due = Deadline
mail-state = Status
mail-institution = Institution
mail-reason = Reason
mail-acknowledge = Acknowledge the task
mail-acknowledge-hint = The link opens a confirmation page; nothing changes until you confirm.
mail-section-due_soon = Due in the next 7 days
mail-section-overdue = Overdue
mail-section-unacknowledged = Not yet acknowledged
mail-settings = Notification settings
mail-footer = This message was sent by Mandate on behalf of the plan's coordinator. Replies to this address are not read.
mail-plans = Plans in which the institution takes part
mail-no-plans = The institution does not take part in any plan yet.
mail-invited-by = Invited by
mail-invitation-next = What to do next: open the link below and confirm. You will receive an access key to Mandate's API, shown only once; keep it as safely as a password. Send it with every request, in the header `Authorization: Bearer <key>`.
mail-invitation-accept = Accept the invitation
mail-invitation-hint = The link works once. It opens a confirmation page; nothing happens until you confirm.
mail-valid-until = The link is valid until
mail-sign-in = Sign in
mail-open-task = Open the task
mail-open-inbox = Open your institution's tasks

## The page an acknowledge link opens
mail-ack-page-title = Acknowledge a task
mail-ack-page-question = Confirm that {$institution} acknowledges the task below.
mail-ack-page-button = Confirm acknowledgement
mail-ack-page-done = Thank you. The task is acknowledged; the coordinator can see it.
mail-ack-page-invalid = This link is not valid. Please use the link from the e-mail as it is.
mail-ack-page-expired = This link has expired. Please acknowledge the task from the latest reminder.
mail-ack-page-used = This link has already been used.
mail-ack-page-moot = This task is no longer waiting to be acknowledged.

## The page of an institution's notification settings (the List-Unsubscribe link)
mail-settings-page-immediate = Delivery: one e-mail per reminder
mail-settings-page-daily_digest = Delivery: one summary a day
mail-settings-page-send-at = Reminders go out at {$time}, local time, on working days.
mail-settings-page-how = Reminders about deadlines cannot be switched off. To receive one summary a day or change the time, ask the plan's coordinator, or use `setNotificationSettings` in the API.

## The page an invitation link opens
mail-invitation-page-title = Invitation to Mandate
mail-invitation-page-question = {$user}, please confirm to receive your access key to Mandate as a member of {$institution}.
mail-invitation-page-button = Receive my access key
mail-invitation-page-done = Your access key is below. It is shown only this once: copy it now and keep it as safely as a password.
mail-invitation-page-key = Access key
mail-invitation-page-key-expires = Valid until
mail-invitation-page-how = Send it with every request to the API (/graphql), in the header `Authorization: Bearer <key>`. Before it expires you can issue yourself a new one with `issueToken`.
mail-invitation-page-invalid = This link is not valid. Please use the link from the e-mail as it is.
mail-invitation-page-expired = This invitation has expired. Please ask a coordinator of your institution or an administrator for access.
mail-invitation-page-used = This invitation has already been used; its access key was shown once, when it was accepted. If you lost it, please ask a coordinator of your institution or an administrator for a new one.

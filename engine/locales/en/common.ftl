# Words of Mandate's pages and e-mails in English: the names of task states. Keys are the same in every language (a test checks it).

## States
state-pending = pending
state-acknowledged = acknowledged
state-in_progress = in progress
state-submitted = submitted
state-signed_off = signed off
state-declined = declined
state-cancelled = cancelled

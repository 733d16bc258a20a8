# Cuvintele rapoartelor de monitorizare (XLSX, DOCX, HTML, CSV) în limba română.

## Titles, sections and columns
report-title = Raport de monitorizare a implementării planului
report-coordinator = Coordonator
report-generated = Generat la
report-empty = Nicio activitate a planului nu se încadrează în această perioadă.
report-objectives = Obiective și rezultate așteptate
report-progress = Stadiul realizării acțiunilor
report-partners-section = Instituții partenere
report-plan-indicators = Indicatori de performanță ai planului
report-summary = Sinteză
report-overdue-work = Activități cu termen depășit
report-declined-work = Activități refuzate
report-reports = Rapoarte
report-objective = Obiectiv
report-result = Rezultat
report-action = Acțiune
report-number = Nr.
report-deadline = Termen
report-lead = Instituție coordonatoare
report-responsible = Instituții responsabile
report-partners = Instituții partenere
report-status = Stadiu
report-institution = Instituție
report-role = Rol
report-period = Perioada
report-period-start = Început perioadă
report-period-end = Sfârșit perioadă
report-due = Scadență
report-state = Stare
report-overdue = Termen depășit
report-declined = Refuzată
report-declined-count = Total refuzate
report-reason = Motiv
report-indicator = Indicator
report-indicators = Indicatori
report-unit = Unitate
report-target = Țintă
report-value = Valoare raportată
report-reports-count = Rapoarte cu valoare
report-text-values = Valori descriptive
report-narrative = Descriere
report-evidence = Dovezi
report-submitted = Transmis la
report-tasks = Sarcini
report-actions = Acțiuni
report-periods = Perioade
report-periods-complete = Perioade finalizate
report-total = Total
report-unknown = necunoscut
report-baseline = Valoare de referință
report-comparison = Comparație
report-yes = da
report-no = nu
report-role-responsible = responsabilă
report-role-partner = parteneră

## Statuses and lifecycle states
report-status-done = Realizat
report-status-on-track = În grafic
report-status-at-risk = La risc
report-status-late = Întârziat
report-status-not-started = Neînceput
report-status-closed = Închis
report-state-pending = În așteptare
report-state-acknowledged = Confirmată
report-state-in-progress = În lucru
report-state-submitted = Transmisă
report-state-signed-off = Aprobată
report-state-declined = Refuzată
report-state-cancelled = Anulată

## Periods: $year, $number (1…4), $roman (I…IV), $start, $end (dates as written)
report-period-year = anul { $year }
report-period-half = semestrul { $number } { $year }
report-period-quarter = trimestrul { $number } { $year }
report-period-for-period = pentru perioada { $start } – { $end }

## Counts
report-tasks-count = { $count ->
    [one] { $count } sarcină
    [few] { $count } sarcini
   *[other] { $count } de sarcini
}
report-scope = { $actions ->
    [one] O acțiune
    [few] { $actions } acțiuni
   *[other] { $actions } de acțiuni
} cu { $tasks ->
    [one] o sarcină
    [few] { $tasks } sarcini
   *[other] { $tasks } de sarcini
} în această perioadă.

## Charts
report-charts = Grafice
report-chart-progress = Stadiul sarcinilor pe obiective
report-chart-overdue = Sarcini cu termen depășit la sfârșitul fiecărei luni
report-chart-month = Luna

## The structure of an "Informacja" on a priority action plan
report-informacja-threat = Descrierea riscului identificat
report-informacja-goal = Scopul urmărit
report-informacja-criterion = Criteriul de evaluare a atingerii scopului
report-informacja-actions = Acțiunile întreprinse și termenele de realizare
report-informacja-partners = Instituțiile partenere și sarcinile lor
report-informacja-community = Modul de informare a comunității
report-informacja-not-recorded = Planul nu conține aceste informații.
report-informacja-narratives = Din rapoartele transmise

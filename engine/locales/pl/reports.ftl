# Słowa raportów z monitorowania (XLSX, DOCX, HTML, CSV) w języku polskim.

## Titles, sections and columns
report-title = Informacja dotycząca realizacji planu
report-coordinator = Koordynator
report-generated = Wygenerowano
report-empty = W tym okresie nie przypadają żadne zadania planu.
report-objectives = Zakładany cel do osiągnięcia
report-progress = Realizacja działań
report-partners-section = Podmioty współpracujące
report-plan-indicators = Kryterium oceny osiągniętego celu
report-summary = Podsumowanie
report-overdue-work = Zadania po terminie
report-declined-work = Zadania odrzucone
report-reports = Sprawozdania
report-objective = Cel
report-result = Rezultat
report-action = Działanie
report-number = Nr
report-deadline = Termin realizacji
report-lead = Podmiot wiodący
report-responsible = Odpowiedzialni
report-partners = Podmioty współpracujące
report-status = Ocena
report-institution = Podmiot
report-role = Rola
report-period = Okres
report-period-start = Początek okresu
report-period-end = Koniec okresu
report-due = Termin
report-state = Stan
report-overdue = Po terminie
report-declined = Odrzucone
report-declined-count = Razem odrzucone
report-reason = Powód
report-indicator = Wskaźnik
report-indicators = Wskaźniki
report-unit = Jednostka
report-target = Wartość docelowa
report-value = Wartość zgłoszona
report-reports-count = Sprawozdania z wartością
report-text-values = Wartości opisowe
report-narrative = Opis
report-evidence = Dowody
report-submitted = Złożono
report-tasks = Zadania
report-actions = Działania
report-periods = Okresy
report-periods-complete = Okresy zakończone
report-total = Razem
report-unknown = nieznana
report-baseline = Wartość bazowa
report-comparison = Porównanie
report-yes = tak
report-no = nie
report-role-responsible = odpowiedzialny
report-role-partner = współpracujący

## Statuses and lifecycle states
report-status-done = Zrealizowane
report-status-on-track = Zgodnie z planem
report-status-at-risk = Zagrożone
report-status-late = Opóźnione
report-status-not-started = Nierozpoczęte
report-status-closed = Zamknięte
report-state-pending = Oczekuje
report-state-acknowledged = Przyjęte
report-state-in-progress = W toku
report-state-submitted = Przekazane
report-state-signed-off = Zatwierdzone
report-state-declined = Odrzucone
report-state-cancelled = Anulowane

## Periods: $year, $number (1…4), $roman (I…IV), $start, $end (dates as written)
report-period-year = rok { $year }
report-period-half = { $roman } półrocze { $year }
report-period-quarter = { $roman } kwartał { $year }
report-period-for-period = na okres od { $start } roku do { $end } roku

## Counts
report-tasks-count = { $count ->
    [one] { $count } zadanie
    [few] { $count } zadania
    [many] { $count } zadań
   *[other] { $count } zadania
}
report-scope = { $actions ->
    [one] Jedno działanie
    [few] { $actions } działania
    [many] { $actions } działań
   *[other] { $actions } działania
} i { $tasks ->
    [one] jedno zadanie
    [few] { $tasks } zadania
    [many] { $tasks } zadań
   *[other] { $tasks } zadania
} w tym okresie.

## Charts
report-charts = Wykresy
report-chart-progress = Zadania według celów i oceny realizacji
report-chart-overdue = Zadania po terminie na koniec każdego miesiąca
report-chart-month = Miesiąc

## The structure of an "Informacja" on a priority action plan
report-informacja-threat = Charakterystyka zdiagnozowanego zagrożenia w rejonie służbowym
report-informacja-goal = Zakładany cel do osiągnięcia
report-informacja-criterion = Kryterium oceny osiągniętego celu
report-informacja-actions = Podjęte działania wraz z terminami realizacji poszczególnych etapów/zadań
report-informacja-partners = Podmioty współpracujące w realizacji działania priorytetowego, wraz ze wskazaniem zrealizowanych przez nie zadań
report-informacja-community = Sposób przekazania społeczności rejonu informacji o działaniu priorytetowym
report-informacja-not-recorded = Plan nie zawiera tych informacji.
report-informacja-narratives = Ze złożonych sprawozdań

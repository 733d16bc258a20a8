# Słowa wspólne dla stron i wiadomości systemu Mandate w języku polskim: nazwy statusów zadań (Polish: names of task states). Klucze są takie same we wszystkich językach (sprawdza to test).

## Statusy
state-pending = oczekujące
state-acknowledged = przyjęte
state-in_progress = w realizacji
state-submitted = przekazane
state-signed_off = zatwierdzone
state-declined = odrzucone
state-cancelled = anulowane
state-registered = zarejestrowana
state-routed = przekazana do komórki
state-forwarded = przekazana dalej
state-answer_drafted = odpowiedź przygotowana
state-signed = podpisana
state-answered = odpowiedź wysłana
state-unfounded = zamknięta jako bezzasadna
state-redirected = przekazana według właściwości

## Wskaźniki: co ich wartości mówią o celach.
indicator-up = { $actual } z { $target } ({ $progress })
indicator-at-least = { $actual } (cel: co najmniej { $target })
indicator-at-most = { $actual } (cel: najwyżej { $target })
indicator-change = { $actual } wobec { $baseline } poprzednio ({ $change }; zakładano { $wanted }, czyli { $target })
indicator-no-target = { $actual } (bez celu)
indicator-no-baseline = { $actual } (brak wartości odniesienia)
indicator-no-values = nie podano jeszcze wartości
indicator-in-words = opisany w sprawozdaniach
indicator-evaluation = Ocena
indicator-met = osiągnięty
indicator-not_met = nieosiągnięty
indicator-unknown = jeszcze nieznany
indicator-given = podano { $reported } z { $expected ->
        [one] { $expected } wartości
       *[other] { $expected } wartości
    }
indicator-target-change = { $change } w porównaniu z { $against }
indicator-target-same = poziom z { $against }
indicator-baseline-previous = poprzednim okresem
## Dlaczego status jest taki (reguła statusu, workflows/policies/status.yaml)
status-reason-signed-off = zrealizowane: zatwierdzone
status-reason-approved = zrealizowane: zatwierdzone przez koordynatora
status-reason-closed = zamknięte: { $state }
status-reason-late = { $days ->
    [one] opóźnione: termin { $due }, { $days } dzień temu
   *[other] opóźnione: termin { $due }, { $days } dni temu
}
status-reason-due-soon = { $days ->
    [0] zagrożone: termin { $due }, dziś
    [one] zagrożone: termin { $due }, za { $days } dzień
   *[other] zagrożone: termin { $due }, za { $days } dni
}
status-reason-unacknowledged = zagrożone: oczekuje na przyjęcie
status-reason-on-track = zgodnie z planem: termin { $due }
status-reason-not-begun = nierozpoczęte: okres zaczyna się { $start }
status-reason-nothing-yet = nierozpoczęte: na razie nic do zrobienia
status-reason-partly-done = zgodnie z planem: część zrealizowana, reszta nierozpoczęta
status-reason-indicators-behind = zagrożone: wskaźniki poniżej oczekiwań
status-reason-indicators-behind-at = zagrożone: wskaźniki poniżej oczekiwań ({ $percent }% celu)

# Słowa wspólne dla stron i wiadomości systemu Mandate w języku polskim: nazwy statusów zadań (Polish: names of task states). Klucze są takie same we wszystkich językach (sprawdza to test).

## Statusy
state-pending = oczekujące
state-acknowledged = przyjęte
state-in_progress = w realizacji
state-submitted = przekazane
state-signed_off = zatwierdzone
state-declined = odrzucone
state-cancelled = anulowane

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

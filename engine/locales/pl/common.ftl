# Słowa wspólne dla stron i wiadomości systemu Mandate w języku polskim: nazwy statusów zadań (Polish: names of task states). Klucze są takie same we wszystkich językach (sprawdza to test).

## Statusy
state-pending = oczekujące
state-acknowledged = przyjęte
state-in_progress = w realizacji
state-submitted = przekazane
state-signed_off = zatwierdzone
state-declined = odrzucone
state-cancelled = anulowane

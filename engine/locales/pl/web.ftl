# Strony systemu Mandate w języku polskim (Polish page texts). Klucze są takie same we wszystkich językach (sprawdza to test).

skip-to-content = Przejdź do treści
demo-banner = Wersja demonstracyjna: zegar wskazuje {$date}, godz. {$time}, i biegnie dalej w czasie rzeczywistym. Wiadomości e-mail są zapisywane do plików, a nie wysyłane.
nav-label = Menu główne
nav-inbox = Zadania
language = Język
language-ro = Română
language-en = English
language-pl = Polski
language-set = Zmień
sign-out = Wyloguj się
footer = Mandate — międzyinstytucjonalne plany działania.
back-home = Powrót do strony głównej

## Logowanie
sign-in-title = Logowanie do Mandate
sign-in-intro = Można zalogować się za pomocą linku wysłanego na adres e-mail albo hasłem, jeśli zostało ustawione.
sign-in-by-link = Za pomocą linku w e-mailu
sign-in-send-link = Wyślij link do logowania
sign-in-link-sent = Jeśli ten adres należy do użytkownika Mandate, został na niego wysłany link do logowania. Działa on jeden raz, przez 15 minut.
sign-in-by-password = Za pomocą hasła
sign-in-button = Zaloguj się
sign-in-wrong = Nieprawidłowy adres e-mail lub hasło.
sign-in-throttled = { $count ->
    [one] Zbyt wiele nieudanych prób logowania z tym adresem. Spróbuj ponownie za {$count} minutę lub poproś powyżej o link do logowania.
    [few] Zbyt wiele nieudanych prób logowania z tym adresem. Spróbuj ponownie za {$count} minuty lub poproś powyżej o link do logowania.
    [many] Zbyt wiele nieudanych prób logowania z tym adresem. Spróbuj ponownie za {$count} minut lub poproś powyżej o link do logowania.
   *[other] Zbyt wiele nieudanych prób logowania z tym adresem. Spróbuj ponownie za {$count} minuty lub poproś powyżej o link do logowania.
}
sign-in-link-confirm = Prosimy kontynuować, aby zalogować się za pomocą linku z wiadomości e-mail.
sign-in-continue = Dalej
sign-in-link-title = Ten link do logowania nie działa
sign-in-link-expired = Link wygasł: linki działają przez 15 minut.
sign-in-link-used = Link został już wykorzystany: każdy link działa tylko raz.
sign-in-link-invalid = Link jest nieprawidłowy. Mógł zostać skopiowany niekompletnie.
sign-in-ask-again = Poproś o nowy link
email = Adres e-mail
password = Hasło

## Błędy
error-not-found-title = Nie znaleziono
error-not-found-body = Pod tym adresem nic nie ma albo brak do tego dostępu.
error-forbidden-title = Niedozwolona operacja
error-forbidden-body = Brak uprawnień do wykonania tej operacji.
error-internal-title = Wystąpił błąd
error-internal-body = Serwer nie mógł zrealizować żądania. Błąd został zarejestrowany; prosimy spróbować ponownie później.
error-csrf-title = Formularz wygasł
error-csrf-body = Formularz nie został wysłany w ramach tej sesji. Prosimy ponownie otworzyć stronę i powtórzyć czynność; nic nie zostało zmienione.
error-timeout-title = Przekroczono czas odpowiedzi
error-timeout-body = Serwer nie odpowiedział na czas i przerwał żądanie. Prosimy ponownie otworzyć stronę, aby sprawdzić, czy zmiana została zapisana, i powtórzyć ją, jeśli nie została.
error-unavailable-title = Baza danych jest chwilowo niedostępna
error-unavailable-body = Serwer utracił połączenie z bazą danych i mógł nie zrealizować żądania. Prosimy za chwilę ponownie otworzyć stronę, aby sprawdzić, czy zmiana została zapisana, i powtórzyć ją, jeśli nie została.
error-required = Pole wymagane.
error-number = Należy podać liczbę, np. 12 lub 12,5.
error-count = Należy podać liczbę całkowitą, 0 lub więcej.
error-percent = Należy podać procent od 0 do 100.

## Liczby i daty
tasks-count = { $count ->
    [one] {$count} zadanie
    [few] {$count} zadania
    [many] {$count} zadań
   *[other] {$count} zadania
}
days-left = { $count ->
    [one] pozostał {$count} dzień
    [few] pozostały {$count} dni
    [many] pozostało {$count} dni
   *[other] pozostało {$count} dnia
}
days-overdue = { $count ->
    [one] {$count} dzień po terminie
    [few] {$count} dni po terminie
    [many] {$count} dni po terminie
   *[other] {$count} dnia po terminie
}
days-today = termin upływa dziś

## Zadania instytucji
inbox-title = Zadania
inbox-heading = Zadania instytucji {$institution}
inbox-no-institution = Konto nie jest powiązane z żadną instytucją, dlatego nie ma tu listy zadań.
inbox-truncated = Wyświetlono tylko pierwsze 500 zadań: listę można zawęzić za pomocą filtrów.
filters = Filtry
filter-plan = Plan
filter-period = Okres obejmujący dzień
filter-state = Status
filter-all = Wszystkie
filter-apply = Filtruj
group-to_acknowledge = Do przyjęcia
group-returned = Zwrócone do poprawy
group-overdue = Po terminie
group-due_soon = Termin w ciągu najbliższych 30 dni
group-in_progress = W realizacji
group-awaiting_sign_off = Oczekujące na zatwierdzenie
group-empty = Brak zadań.
action = Działanie
objective = Cel
period = Okres
due = Termin
plan = Plan
state = Status

## Sygnalizacja stanu realizacji
status-done = zrealizowane
status-on_track = zgodnie z planem
status-at_risk = zagrożone
status-late = opóźnione
status-not_started = nierozpoczęte
status-closed = zamknięte
status-done-why = Zatwierdzone.
status-on_track-why = W realizacji; termin upływa później niż { $days ->
    [one] za 1 dzień
   *[other] za { $days } dni
}.
status-at_risk-why = Termin upływa w ciągu { $days ->
    [one] 1 dnia
   *[other] { $days } dni
}, przyjęcie zadania nie zostało jeszcze potwierdzone albo wskaźniki pozostają w tyle za wartościami docelowymi.
status-late-why = Termin upłynął, a zadanie nie zostało zatwierdzone.
status-not_started-why = Okres sprawozdawczy jeszcze się nie rozpoczął.
status-closed-why = Odrzucone lub anulowane.

## Strona zadania
breadcrumbs = Ścieżka nawigacji
task-about = Informacje o zadaniu
participants = Instytucje
role-lead = wiodąca
role-responsible = odpowiedzialna
role-partner = współpracująca
indicators = Wskaźniki
target = wartość docelowa
task-actions = Dostępne czynności
task-nothing-to-do = W tym zadaniu nie ma obecnie żadnych czynności do wykonania.
do-acknowledge = Potwierdź przyjęcie
do-decline = Odrzuć
do-start = Rozpocznij realizację
do-submit = Przekaż informację o realizacji
do-approve = Zatwierdź
do-return = Zwróć do poprawy
do-cancel = Anuluj zadanie
do-forward = Przekaż do innej komórki
do-extend = Przedłuż termin
do-draft_answer = Przygotuj projekt odpowiedzi
do-sign = Podpisz odpowiedź
do-send_answer = Wyślij odpowiedź
do-close_unfounded = Zamknij sprawę jako bezzasadną
do-redirect = Przekaż według właściwości
done-acknowledge = Przyjęcie zadania zostało potwierdzone.
done-decline = Zadanie zostało odrzucone.
done-start = Realizacja zadania została rozpoczęta.
done-submit = Informacja o realizacji została przekazana.
done-approve = Informacja o realizacji została zatwierdzona.
done-return = Informacja o realizacji została zwrócona do poprawy.
done-cancel = Zadanie zostało anulowane.
done-forward = Sprawa została przekazana do innej komórki.
done-extend = Termin został przedłużony.
done-draft_answer = Projekt odpowiedzi został przygotowany.
done-sign = Odpowiedź została podpisana.
done-send_answer = Odpowiedź została wysłana.
done-close_unfounded = Sprawa została zamknięta jako bezzasadna.
done-redirect = Sprawa została przekazana według właściwości.
narrative = Co zostało zrealizowane
evidence = Linki do materiałów potwierdzających (po jednym w wierszu)
evidence-hint = Linki do dokumentów, publikacji lub zdjęć (http lub https).
move-to = Przekaż do
move-to-choose = Wybierz…
reason = Uzasadnienie
comment = Komentarz (opcjonalnie)
conflict = Zadanie zostało zmienione przed nadejściem formularza (zmiana: {$by}, {$at}). Obecny status: {$state}. Przesłane dane nie zostały zapisane; prosimy sprawdzić zadanie poniżej i spróbować ponownie.
reports = Informacje o realizacji
audit-trail = Historia zadania
event-task_opened = Otwarcie zadania
event-acknowledge = Przyjęcie zadania
event-decline = Odrzucenie
event-start = Rozpoczęcie realizacji
event-submit = Przekazanie informacji o realizacji
event-approve = Zatwierdzenie
event-return = Zwrot do poprawy
event-cancel = Anulowanie
event-forward = Przekazanie do innej komórki
event-extend = Przedłużenie terminu
event-draft_answer = Przygotowanie projektu odpowiedzi
event-sign = Podpisanie odpowiedzi
event-send_answer = Wysłanie odpowiedzi
event-close_unfounded = Zamknięcie sprawy jako bezzasadnej
event-redirect = Przekazanie według właściwości
event-unassigned = Anulowanie: instytucja nie jest już przypisana
event-period_withdrawn = Anulowanie: okres został wycofany

## Plany i działania
nav-plans = Plany
nav-sign-offs = Do zatwierdzenia
plans-title = Plany
plans-none = Brak planów dostępnych dla tego konta.
periods-complete = Zakończone okresy sprawozdawcze: {$done} z {$total} ({$percent} %)
periods-of = zakończone okresy: {$done} z {$total}
overdue-count = { $count ->
    [one] {$count} zadanie po terminie
    [few] {$count} zadania po terminie
   *[many] {$count} zadań po terminie
}
legend = Znaczenie kolorów
legend-groups = Działanie przyjmuje kolor swojego najpilniejszego okresu, cel i plan – kolor najpilniejszego działania; okres zatwierdzony przez koordynatora jest zakończony.
objectives = Cele
overdue-by-institution = Zadania po terminie według instytucji
institution = Instytucja
overdue = Po terminie
nothing-overdue = Nic nie jest po terminie.
indicator-values = Wartości wskaźników
indicator = Wskaźnik
actual = Osiągnięto
indicator-values-hint = Sumy wartości z zatwierdzonych informacji o realizacji.
no-indicator-values = Żadna zatwierdzona informacja nie podała jeszcze wartości.
deadline-wording = Termin (jak zapisano w planie)
nobody-assigned = Nie przypisano jeszcze żadnej instytucji.
assign-title = Kto uczestniczy
assign-hint = Kody instytucji oddzielone przecinkami. Instytucja wiodąca musi być także wśród odpowiedzialnych. Usunięte instytucje zachowują rozpoczętą pracę; ich nieprzyjęte zadania zostają anulowane.
assign-lead = Instytucja wiodąca
assign-responsible = Instytucje odpowiedzialne
assign-partners = Instytucje współpracujące
assign-button = Zapisz uczestników
periods = Okresy sprawozdawcze
role = Rola
status = Ocena
period-approved = Koordynator zatwierdził ten okres.
approve-period = Zatwierdź okres
period-waiting = Oczekuje na zatwierdzenie informacji instytucji odpowiedzialnych.
done-period-approved = Okres został zatwierdzony.
done-assigned = Zapisano.
sign-offs-title = Do zatwierdzenia
sign-offs-intro = Informacje o realizacji oczekujące na zatwierdzenie – przez koordynatora planu lub instytucję wiodącą działania.
sign-offs-none = Nic nie czeka na zatwierdzenie.
as-coordinator = jako koordynator
as-lead = jako instytucja wiodąca
review-report = Zobacz informację

## Instytucje, import planów, dziennik zdarzeń
nav-institutions = Instytucje
nav-audit = Dziennik zdarzeń
nav-import = Import planu
error-date = Należy podać datę w formacie RRRR-MM-DD.
error-date-order = Ostatni dzień jest wcześniejszy niż pierwszy.
error-unknown-institution = Nie ma instytucji o tym kodzie.
institutions-title = Instytucje
institutions-search = Wyszukiwanie według kodu lub nazwy
institutions-search-hint = Z polskimi znakami lub bez, wielkimi lub małymi literami: „lodz” znajdzie „Łódź”.
institutions-search-button = Szukaj
institutions-count = { $count ->
    [one] {$count} instytucja
    [few] {$count} instytucje
    [many] {$count} instytucji
   *[other] {$count} instytucji
}
institutions-found = { $count ->
    [one] Pasuje {$count} instytucja z {$total}.
    [few] Pasują {$count} instytucje z {$total}.
    [many] Pasuje {$count} instytucji z {$total}.
   *[other] Pasuje {$count} instytucji z {$total}.
}
institutions-none = Żadna instytucja nie pasuje do „{$q}”.
institutions-no-emails = brak
institutions-notifications = Powiadomienia
institutions-default-settings = domyślne
institutions-settings-hidden = Ustawienia powiadomień instytucji widzą: sama instytucja, osoby nią zarządzające, koordynatorzy planów, w których uczestniczy, oraz audytorzy.
delivery-immediate = Od razu, o godz. {$time}
delivery-daily_digest = Zestawienie dzienne, o godz. {$time}
delivery-immediate-why = Osobny e-mail dla każdego przypomnienia.
delivery-daily_digest-why = Jeden e-mail dziennie z zadaniami instytucji, których termin upływa, które są po terminie lub nie zostały jeszcze przyjęte.
field-code = Kod
field-name = Nazwa
field-parent = Jednostka nadrzędna
field-emails = Kontaktowe adresy e-mail
field-language = Język
field-time_zone = Strefa czasowa
import-title = Import planu
import-choose = Wybór pliku planu
import-try-again = Prosimy poprawić plik i sprawdzić go ponownie
import-intro = Plik planu w formacie YAML, taki jak pliki w katalogu workflows/plans. Najpierw jest sprawdzany: nic nie zostanie zapisane przed potwierdzeniem.
import-file = Plik planu
import-file-hint = YAML (.yaml lub .yml), najwyżej {$size} KB.
import-paste = Albo treść planu wklejona tutaj
import-check = Sprawdź plan
import-error-empty = Należy wybrać plik albo wkleić treść planu.
import-error-too-large = Plik jest zbyt duży.
import-error-not-text = Plik nie jest tekstem w kodowaniu UTF-8: prosimy zapisać go jako YAML w UTF-8 i spróbować ponownie.
import-error-unreadable = Nie udało się odczytać formularza. Prosimy spróbować ponownie.
import-problems = { $count ->
    [one] W pliku jest jeden problem.
    [few] W pliku są {$count} problemy.
    [many] W pliku jest {$count} problemów.
   *[other] W pliku jest {$count} problemu.
}
import-forbidden = Plik wymaga zmian, do których to konto nie ma uprawnień (lista poniżej).
import-nothing-written = Niczego nie zapisano.
import-problems-heading = Problemy w pliku {$name}
import-line = wiersz {$number}
import-more-problems = { $count ->
    [one] …i jeszcze jeden problem.
    [few] …i jeszcze {$count} problemy.
    [many] …i jeszcze {$count} problemów.
   *[other] …i jeszcze {$count} problemu.
}
import-preview = Plik {$name} jest poprawny. Poniżej zmiany, które wprowadzi import planu {$plan}; nic nie zostanie zapisane przed potwierdzeniem.
import-changes = Co zmieni import
import-changes-done = Co zmienił import
import-kind = Rekordy
import-created = Nowe
import-updated = Zmienione
import-unchanged = Bez zmian
import-kind-plans = Plan
import-kind-institutions = Instytucje
import-kind-objectives = Cele
import-kind-actions = Działania
import-kind-performance_indicators = Wskaźniki efektywności
import-kind-tasks = Zadania
import-tasks-cancelled = { $count ->
    [one] Jedno oczekujące zadanie zostaje anulowane: jego okresu nie ma już w planie.
    [few] {$count} oczekujące zadania zostają anulowane: ich okresów nie ma już w planie.
    [many] {$count} oczekujących zadań zostaje anulowanych: ich okresów nie ma już w planie.
   *[other] {$count} oczekującego zadania zostaje anulowane: ich okresów nie ma już w planie.
}
import-institution-changes = Zmiany w istniejących instytucjach
import-no-institution-changes = Żadna istniejąca instytucja się nie zmienia.
import-field = Pole
import-from = Przed
import-to = Po imporcie
import-confirm = Potwierdź import
import-another = Sprawdź inny plik
import-done = Plan {$plan} został zaimportowany.
import-open-plan = Otwórz plan {$plan}
audit-title = Dziennik zdarzeń
audit-filter-institution = Instytucja osoby działającej
audit-filter-actor = Kto działał (adres e-mail)
audit-filter-from = Od dnia
audit-filter-to = Do dnia (włącznie)
audit-zone = Godziny w strefie {$zone}; najnowsze zdarzenia na początku.
audit-when = Kiedy
audit-what = Co się stało
audit-about = Czego dotyczy
audit-who = Kto
audit-task = Zadanie
audit-whole-plan = cały plan
audit-none = Brak zdarzeń spełniających kryteria.
audit-pages = Strony dziennika zdarzeń
audit-newest = Najnowsze zdarzenia
audit-older = Starsze zdarzenia
event-plan_created = Utworzenie planu
event-plan_imported = Import planu
event-assigned = Przypisanie instytucji
event-period_approved = Zatwierdzenie okresu
event-plan_archived = Archiwizacja planu
event-indicator_value_entered = Wprowadzenie wartości wskaźnika

## Plan-level indicators
plan-indicators = Wskaźniki realizacji
baseline = wartość bazowa
value = Wartość
enter-value = Wprowadź wartość
error-period = Należy wybrać jeden z okresów wskaźnika.
done-indicator = Wartość została wprowadzona.
## Publiczna strona postępu planu i przełączniki koordynatora
public-heading = Publiczne sprawozdanie z postępu
public-period = Okres
public-deadline = Termin
public-responsible = Odpowiedzialni
public-partners = Partnerzy
public-progress = Postęp
public-progress-unknown = jeszcze nieoceniony
public-met = osiągnięty
public-not-met = nieosiągnięty
public-narrative-by = { $institution }, okres kończący się { $date }
public-empty = Brak celów.
public-plan-title = Publiczna strona postępu
public-plan-on = Każdy może zobaczyć postęp tego planu, bez logowania, pod adresem
public-plan-off = Postęp tego planu nie jest publiczny.
public-plan-publish = Opublikuj postęp
public-plan-withdraw = Wycofaj stronę publiczną
public-report-on = Widoczne na publicznej stronie postępu.
public-report-off = Prywatne: niewidoczne na publicznej stronie postępu.
public-report-publish = Pokaż na stronie publicznej
public-report-withdraw = Ustaw jako prywatne
event-plan_published = Strona postępu opublikowana
event-plan_unpublished = Strona postępu wycofana
event-report_published = Opis sprawozdania upubliczniony
event-report_unpublished = Opis sprawozdania ustawiony jako prywatny

report-download-title = Sprawozdanie z monitoringu
report-period-hint = Rok (2021), półrocze (2021-S1), kwartał (2021-Q3) lub zakres dat (2021-01-01..2021-06-30).
report-format = Format
report-format-xlsx = Skoroszyt Excel (XLSX)
report-format-docx = Dokument Word (DOCX)
report-format-html = Strona do druku (HTML)
report-format-csv = Tabela (CSV)
report-download = Pobierz
error-report-period = „{ $value }” nie jest okresem: wpisz rok (2021), półrocze (2021-S1), kwartał (2021-Q3) lub zakres dat (2021-01-01..2021-06-30).

## Rejestry spraw (petycje, wnioski, zgłoszenia)
nav-registers = Rejestry
registers-title = Rejestry
registers-none = Nie ma jeszcze rejestru, który możesz zobaczyć.
register-departments-count = { $count ->
    [one] { $count } komórka
    [few] { $count } komórki
    [many] { $count } komórek
   *[other] { $count } komórki
}
register-page = Rejestr spraw
register-about = O rejestrze
register-owner = Prowadzi
register-term = Termin
register-time-zone = Strefa czasowa
register-departments = Komórki
register-cases = Ostatnie sprawy
register-no-cases = Nie zarejestrowano jeszcze żadnej sprawy.
register-statistics = Statystyka
case-new-title = Zarejestruj sprawę
case-received = Wpłynęła
case-subject = Przedmiot
case-petitioner = Oznaczenie wnoszącego
case-petitioner-hint = Numer akt lub inicjały: dane osobowe nie są potrzebne.
case-register = Zarejestruj
case-route-title = Przekaż sprawę
case-route-hint = Każda komórka, której przekazano sprawę, dostaje własne zadanie z terminem na koniec terminu sprawy.
case-number = Nr
case-department = Komórka
case-route = Przekaż
case-due = Termin
case-term = W terminie?
case-not-routed = nieprzekazana
case-late = po terminie
case-in-term = w terminie
case-closed = zamknięta
done-case-registered = Sprawa { $number } została zarejestrowana.
done-case-routed = Sprawa { $number } została przekazana.
statistics-month = Miesiąc
statistics-received = Wpłynęło
statistics-answered-in-term = Załatwione w terminie
statistics-answered-late = Załatwione po terminie
statistics-closed = Zamknięte inaczej
statistics-open = W toku
statistics-overdue = W toku, po terminie
statistics-extended = Przedłużone
statistics-month-total = { $month }, wszystkie komórki
statistics-total = Razem
statistics-hint = Według miesiąca wpływu; sprawa przekazana do dwóch komórek liczy się w każdej.
event-case_registered = Sprawa zarejestrowana
event-case_routed = Sprawa przekazana

# Wiadomości e-mail systemu Mandate w języku polskim i strony otwierane przez ich linki (Polish e-mail texts). Klucze są takie same we wszystkich językach (sprawdza to test).
# Liczba mnoga: [one] 1, [few] 2–4, 22–24… (2 dni, 2 zadania), [many] 0, 5–21, 25… (5 dni, 5 zadań), [other] ułamki.

## Tematy, według rodzaju wiadomości
mail-subject-assigned = Nowe zadanie: działanie {$action}, termin {$due}
mail-subject-reminder = Przypomnienie: termin działania {$action} upływa {$due} ({ $days ->
    [one] pozostał {$days} dzień
    [few] pozostały {$days} dni
    [many] pozostało {$days} dni
   *[other] pozostało {$days} dnia
})
mail-subject-due_today = Termin upływa dziś: działanie {$action}
mail-subject-overdue = Po terminie: działanie {$action} (termin upłynął {$due})
mail-subject-ack_chase = Prosimy o potwierdzenie przyjęcia zadania: działanie {$action}, termin {$due}
mail-subject-escalation = Przekroczenie terminu przez {$code}: działanie {$action} ({ $days ->
    [one] {$days} dzień opóźnienia
    [few] {$days} dni opóźnienia
    [many] {$days} dni opóźnienia
   *[other] {$days} dnia opóźnienia
})
mail-subject-returned = Informacja dotycząca realizacji zwrócona do poprawy: działanie {$action}
mail-subject-approved = Informacja dotycząca realizacji zatwierdzona: działanie {$action}
mail-subject-digest = Dzienne zestawienie dla {$code} z dnia {$date} ({ $count ->
    [one] {$count} zadanie
    [few] {$count} zadania
    [many] {$count} zadań
   *[other] {$count} zadania
})
mail-subject-invitation = Zaproszenie do systemu Mandate dla {$code}
mail-subject-sign_in = Link do logowania w Mandate

## Pierwszy akapit, według rodzaju wiadomości
mail-intro-assigned = Państwa instytucji przydzielono zadanie w ramach poniższego planu.
mail-intro-reminder = Do upływu terminu realizacji poniższego zadania { $days ->
    [one] pozostał {$days} dzień
    [few] pozostały {$days} dni
    [many] pozostało {$days} dni
   *[other] pozostało {$days} dnia
}.
mail-intro-due_today = Termin realizacji poniższego zadania upływa dziś.
mail-intro-overdue = Termin realizacji poniższego zadania upłynął ({ $days ->
    [one] {$days} dzień po terminie
    [few] {$days} dni po terminie
    [many] {$days} dni po terminie
   *[other] {$days} dnia po terminie
}), a zadanie nie zostało jeszcze zrealizowane.
mail-intro-ack_chase = Przyjęcie poniższego zadania nie zostało jeszcze potwierdzone. Prosimy o potwierdzenie przyjęcia zadania, aby koordynator wiedział, że zadanie zostało podjęte.
mail-intro-escalation = Termin realizacji poniższego zadania instytucji {$institution} został przekroczony ({ $days ->
    [one] {$days} dzień opóźnienia
    [few] {$days} dni opóźnienia
    [many] {$days} dni opóźnienia
   *[other] {$days} dnia opóźnienia
}). Otrzymują Państwo tę wiadomość jako koordynator planu lub jako instytucja nadrzędna wobec tej instytucji.
mail-intro-returned = Informacja dotycząca realizacji poniższego zadania została zwrócona do poprawy.
mail-intro-approved = Informacja dotycząca realizacji poniższego zadania została zatwierdzona.
mail-intro-digest = Poniżej przedstawiamy zadania Państwa instytucji, które wymagają dziś uwagi.
mail-intro-invitation = Otrzymali Państwo zaproszenie do pracy w systemie Mandate w imieniu instytucji {$institution}: będą Państwo widzieć zadania swojej instytucji w poniższych planach, potwierdzać ich przyjęcie i przekazywać informacje o ich realizacji.
mail-intro-invitation-by = {$inviter} zaprasza Państwa do pracy w systemie Mandate w imieniu instytucji {$institution}: będą Państwo widzieć zadania swojej instytucji w poniższych planach, potwierdzać ich przyjęcie i przekazywać informacje o ich realizacji.
mail-intro-sign_in = Użyj poniższego linku, aby zalogować się do Mandate jako {$user}. Działa jeden raz, przez { $minutes ->
    [one] {$minutes} minutę
    [few] {$minutes} minuty
    [many] {$minutes} minut
   *[other] {$minutes} minuty
} (do godziny {$expires}). Jeśli nie prosiłeś o niego, zignoruj tę wiadomość: bez linku nikt się nie zaloguje.

## Etykiety
mail-plan = Plan
mail-objective = Cel
mail-action = Działanie
mail-indicators = Wskaźniki
mail-target = wartość docelowa
mail-due = Termin realizacji
mail-state = Status
mail-institution = Instytucja
mail-reason = Uzasadnienie
mail-acknowledge = Potwierdzenie przyjęcia zadania
mail-acknowledge-hint = Link otwiera stronę potwierdzenia; żadne zmiany nie zostaną wprowadzone przed potwierdzeniem.
mail-section-due_soon = Termin w ciągu najbliższych 7 dni
mail-section-overdue = Po terminie
mail-section-unacknowledged = Przyjęcie zadania niepotwierdzone
mail-settings = Ustawienia powiadomień
mail-footer = Wiadomość została wysłana przez system Mandate w imieniu koordynatora planu. Odpowiedzi na ten adres nie są odczytywane.
mail-plans = Plany, w których uczestniczy instytucja
mail-no-plans = Instytucja nie uczestniczy jeszcze w żadnym planie.
mail-invited-by = Osoba zapraszająca
mail-invitation-next = Co dalej: prosimy otworzyć poniższy link i potwierdzić. Otrzymają Państwo klucz dostępu do API systemu Mandate, wyświetlany tylko raz; prosimy przechowywać go tak bezpiecznie jak hasło. Klucz należy przesyłać z każdym żądaniem w nagłówku `Authorization: Bearer <klucz>`.
mail-invitation-accept = Przyjęcie zaproszenia
mail-invitation-hint = Link można wykorzystać tylko raz. Otwiera on stronę potwierdzenia; żadne zmiany nie zostaną wprowadzone przed potwierdzeniem.
mail-valid-until = Link jest ważny do
mail-sign-in = Zaloguj się
mail-open-task = Otwórz zadanie
mail-open-inbox = Otwórz zadania instytucji

## Strona otwierana przez link potwierdzenia przyjęcia zadania
mail-ack-page-title = Potwierdzenie przyjęcia zadania
mail-ack-page-question = Prosimy potwierdzić, że {$institution} przyjmuje poniższe zadanie.
mail-ack-page-button = Potwierdzam przyjęcie zadania
mail-ack-page-done = Dziękujemy. Przyjęcie zadania zostało odnotowane; koordynator je widzi.
mail-ack-page-invalid = Ten link jest nieprawidłowy. Prosimy użyć linku z wiadomości w niezmienionej postaci.
mail-ack-page-expired = Ten link wygasł. Prosimy użyć linku z najnowszego przypomnienia.
mail-ack-page-used = Ten link został już wykorzystany.
mail-ack-page-moot = To zadanie nie oczekuje już na potwierdzenie przyjęcia.

## Strona ustawień powiadomień instytucji (link List-Unsubscribe)
mail-settings-page-immediate = Wysyłka: osobny e-mail dla każdego przypomnienia
mail-settings-page-daily_digest = Wysyłka: jedno zestawienie dziennie
mail-settings-page-send-at = Przypomnienia są wysyłane o godzinie {$time} czasu lokalnego, w dni robocze.
mail-settings-page-how = Przypomnień o terminach nie można wyłączyć. Aby otrzymywać jedno zestawienie dziennie lub zmienić godzinę, prosimy zwrócić się do koordynatora planu albo użyć `setNotificationSettings` w API.

## Strona otwierana przez link zaproszenia
mail-invitation-page-title = Zaproszenie do systemu Mandate
mail-invitation-page-question = {$user}, prosimy o potwierdzenie, aby otrzymać klucz dostępu do systemu Mandate dla instytucji {$institution}.
mail-invitation-page-button = Potwierdzam i odbieram klucz dostępu
mail-invitation-page-done = Poniżej znajduje się Państwa klucz dostępu. Jest wyświetlany tylko ten jeden raz: prosimy skopiować go teraz i przechowywać tak bezpiecznie jak hasło.
mail-invitation-page-key = Klucz dostępu
mail-invitation-page-key-expires = Ważny do
mail-invitation-page-how = Klucz należy przesyłać z każdym żądaniem do API (/graphql) w nagłówku `Authorization: Bearer <klucz>`. Przed upływem jego ważności mogą Państwo wygenerować nowy klucz za pomocą `issueToken`.
mail-invitation-page-invalid = Ten link jest nieprawidłowy. Prosimy użyć linku z wiadomości w niezmienionej postaci.
mail-invitation-page-expired = To zaproszenie wygasło. Prosimy zwrócić się o dostęp do koordynatora swojej instytucji lub do administratora.
mail-invitation-page-used = To zaproszenie zostało już wykorzystane; klucz dostępu został wyświetlony jeden raz, przy jego przyjęciu. W razie utraty klucza prosimy zwrócić się o nowy do koordynatora swojej instytucji lub do administratora.

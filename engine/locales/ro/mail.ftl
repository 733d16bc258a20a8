# Mesajele e-mail ale Mandate în limba română și paginile deschise de linkurile lor (Romanian e-mail texts). Cheile sunt aceleași în toate limbile (un test verifică acest lucru).
# Plural: [one] 1, [few] 0 și 2–19 (2 zile), [other] de la 20 (20 de zile).

## Subiecte, după tipul mesajului
mail-subject-assigned = Sarcină nouă: acțiunea {$action}, termen {$due}
mail-subject-reminder = Reamintire: termenul acțiunii {$action} este {$due} ({ $days ->
    [one] {$days} zi rămasă
    [few] {$days} zile rămase
   *[other] {$days} de zile rămase
})
mail-subject-due_today = Termen astăzi: acțiunea {$action}
mail-subject-overdue = Termen depășit: acțiunea {$action} (termen {$due})
mail-subject-ack_chase = Vă rugăm să confirmați luarea la cunoștință: acțiunea {$action}, termen {$due}
mail-subject-escalation = Sesizare: {$code} a depășit termenul acțiunii {$action} ({ $days ->
    [one] {$days} zi de întârziere
    [few] {$days} zile de întârziere
   *[other] {$days} de zile de întârziere
})
mail-subject-returned = Raport restituit spre modificare: acțiunea {$action}
mail-subject-approved = Raport aprobat: acțiunea {$action}
mail-subject-digest = Situația zilnică pentru {$code} din {$date} ({ $count ->
    [one] {$count} sarcină
    [few] {$count} sarcini
   *[other] {$count} de sarcini
})
mail-subject-invitation = Invitație în Mandate pentru {$code}
mail-subject-sign_in = Linkul de autentificare în Mandate

## Primul paragraf, după tipul mesajului
mail-intro-assigned = Instituției dumneavoastră i-a fost atribuită o sarcină în planul de mai jos.
mail-intro-reminder = Până la termenul de realizare al sarcinii de mai jos { $days ->
    [one] a rămas {$days} zi
    [few] au rămas {$days} zile
   *[other] au rămas {$days} de zile
}.
mail-intro-due_today = Termenul de realizare al sarcinii de mai jos expiră astăzi.
mail-intro-overdue = Termenul de realizare al sarcinii de mai jos a fost depășit ({ $days ->
    [one] {$days} zi de întârziere
    [few] {$days} zile de întârziere
   *[other] {$days} de zile de întârziere
}), iar sarcina nu este încă finalizată.
mail-intro-ack_chase = Pentru sarcina de mai jos nu a fost încă confirmată luarea la cunoștință. Vă rugăm să confirmați luarea la cunoștință, pentru ca coordonatorul să știe că sarcina a fost preluată.
mail-intro-escalation = Termenul de realizare al sarcinii de mai jos, care revine instituției {$institution}, a fost depășit ({ $days ->
    [one] {$days} zi de întârziere
    [few] {$days} zile de întârziere
   *[other] {$days} de zile de întârziere
}). Primiți acest mesaj în calitate de coordonator al planului sau de instituție ierarhic superioară acestei instituții.
mail-intro-returned = Raportul transmis pentru sarcina de mai jos a fost restituit spre modificare.
mail-intro-approved = Raportul transmis pentru sarcina de mai jos a fost aprobat.
mail-intro-digest = Vă prezentăm mai jos sarcinile instituției dumneavoastră care necesită atenție astăzi.
mail-intro-invitation = Ați primit o invitație de a folosi Mandate în calitate de reprezentant al instituției {$institution}: veți vedea sarcinile instituției dumneavoastră din planurile de mai jos, veți putea confirma luarea lor la cunoștință și veți putea raporta stadiul realizării lor.
mail-intro-invitation-by = {$inviter} vă invită să folosiți Mandate în calitate de reprezentant al instituției {$institution}: veți vedea sarcinile instituției dumneavoastră din planurile de mai jos, veți putea confirma luarea lor la cunoștință și veți putea raporta stadiul realizării lor.
mail-intro-sign_in = Folosiți linkul de mai jos pentru a vă autentifica în Mandate ca {$user}. Funcționează o singură dată, timp de { $minutes ->
    [one] {$minutes} minut
    [few] {$minutes} minute
   *[other] {$minutes} de minute
} (până la ora {$expires}). Dacă nu l-ați cerut, ignorați acest mesaj: nimeni nu se poate autentifica fără link.

## Etichete
mail-plan = Plan
mail-objective = Obiectiv
mail-action = Acțiune
mail-indicators = Indicatori de monitorizare
mail-target = țintă
mail-due = Termen de realizare
mail-state = Stadiu
mail-institution = Instituție
mail-reason = Motiv
mail-acknowledge = Confirmați luarea la cunoștință a sarcinii
mail-acknowledge-hint = Legătura deschide o pagină de confirmare; nu se modifică nimic până la confirmarea dumneavoastră.
mail-section-due_soon = Termen în următoarele 7 zile
mail-section-overdue = Termen depășit
mail-section-unacknowledged = Luare la cunoștință neconfirmată
mail-settings = Setările notificărilor
mail-footer = Acest mesaj a fost transmis de Mandate în numele coordonatorului planului. Răspunsurile trimise la această adresă nu sunt citite.
mail-plans = Planuri la care participă instituția
mail-no-plans = Instituția nu participă încă la niciun plan.
mail-invited-by = Invitație transmisă de
mail-invitation-next = Ce aveți de făcut: deschideți linkul de mai jos și confirmați. Veți primi o cheie de acces la API-ul Mandate, afișată o singură dată; păstrați-o în siguranță, ca pe o parolă. Transmiteți-o la fiecare cerere, în antetul `Authorization: Bearer <cheie>`.
mail-invitation-accept = Acceptați invitația
mail-invitation-hint = Linkul poate fi folosit o singură dată. Acesta deschide o pagină de confirmare; nu se întâmplă nimic până la confirmarea dumneavoastră.
mail-valid-until = Linkul este valabil până la
mail-sign-in = Autentificare
mail-open-task = Deschideți sarcina
mail-open-inbox = Deschideți sarcinile instituției

## Pagina deschisă de linkul de confirmare a luării la cunoștință
mail-ack-page-title = Confirmarea luării la cunoștință
mail-ack-page-question = Vă rugăm să confirmați că {$institution} a luat la cunoștință sarcina de mai jos.
mail-ack-page-button = Confirm luarea la cunoștință
mail-ack-page-done = Vă mulțumim. Luarea la cunoștință a fost înregistrată; coordonatorul o poate vedea.
mail-ack-page-invalid = Acest link nu este valid. Vă rugăm să folosiți linkul din mesaj așa cum a fost primit.
mail-ack-page-expired = Acest link a expirat. Vă rugăm să folosiți linkul din cea mai recentă reamintire.
mail-ack-page-used = Acest link a fost deja folosit.
mail-ack-page-moot = Această sarcină nu mai așteaptă confirmarea luării la cunoștință.

## Pagina setărilor de notificare ale unei instituții (linkul List-Unsubscribe)
mail-settings-page-immediate = Transmitere: câte un e-mail pentru fiecare reamintire
mail-settings-page-daily_digest = Transmitere: un rezumat zilnic
mail-settings-page-send-at = Reamintirile sunt trimise la ora {$time}, ora locală, în zilele lucrătoare.
mail-settings-page-how = Reamintirile privind termenele nu pot fi dezactivate. Pentru a primi un singur rezumat zilnic sau pentru a schimba ora, adresați-vă coordonatorului planului sau folosiți `setNotificationSettings` din API.

## Pagina deschisă de linkul unei invitații
mail-invitation-page-title = Invitație în Mandate
mail-invitation-page-question = {$user}, vă rugăm să confirmați pentru a primi cheia de acces la Mandate în calitate de reprezentant al instituției {$institution}.
mail-invitation-page-button = Confirm și primesc cheia de acces
mail-invitation-page-done = Cheia dumneavoastră de acces este afișată mai jos, o singură dată: copiați-o acum și păstrați-o în siguranță, ca pe o parolă.
mail-invitation-page-key = Cheie de acces
mail-invitation-page-key-expires = Valabilă până la
mail-invitation-page-how = Transmiteți-o la fiecare cerere către API (/graphql), în antetul `Authorization: Bearer <cheie>`. Înainte de expirare vă puteți emite o cheie nouă cu `issueToken`.
mail-invitation-page-invalid = Acest link nu este valid. Vă rugăm să folosiți linkul din mesaj așa cum a fost primit.
mail-invitation-page-expired = Această invitație a expirat. Vă rugăm să solicitați accesul unui coordonator al instituției dumneavoastră sau unui administrator.
mail-invitation-page-used = Această invitație a fost deja folosită; cheia de acces a fost afișată o singură dată, la acceptare. Dacă ați pierdut-o, vă rugăm să solicitați o cheie nouă unui coordonator al instituției dumneavoastră sau unui administrator.

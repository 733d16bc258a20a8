# Paginile Mandate în limba română (Romanian page texts). Cheile sunt aceleași în toate limbile (un test verifică acest lucru).

skip-to-content = Salt la conținut
demo-banner = Demonstrație: ceasul arată {$date}, ora {$time}, și avansează în timp real. Mesajele e-mail sunt salvate în fișiere, nu sunt trimise.
nav-label = Meniu principal
nav-inbox = Sarcini
language = Limbă
language-ro = Română
language-en = English
language-pl = Polski
language-set = Schimbați
sign-out = Deconectare
footer = Mandate — planuri de acțiune interinstituționale.
back-home = Înapoi la pagina de start

## Autentificare
sign-in-title = Autentificare în Mandate
sign-in-intro = Vă puteți autentifica printr-un link trimis la adresa dumneavoastră de e-mail sau cu parola, dacă ați setat una.
sign-in-by-link = Cu link prin e-mail
sign-in-send-link = Trimiteți-mi un link de autentificare
sign-in-link-sent = Dacă această adresă aparține unui utilizator Mandate, linkul de autentificare a fost trimis. Linkul funcționează o singură dată, timp de 15 minute.
sign-in-by-password = Cu parolă
sign-in-button = Autentificare
sign-in-wrong = Adresa de e-mail sau parola este greșită.
sign-in-throttled = { $count ->
    [one] Prea multe încercări nereușite de autentificare cu această adresă. Încercați din nou peste {$count} minut sau cereți mai sus un link de autentificare.
    [few] Prea multe încercări nereușite de autentificare cu această adresă. Încercați din nou peste {$count} minute sau cereți mai sus un link de autentificare.
   *[other] Prea multe încercări nereușite de autentificare cu această adresă. Încercați din nou peste {$count} de minute sau cereți mai sus un link de autentificare.
}
sign-in-link-confirm = Continuați pentru a vă autentifica cu linkul primit prin e-mail.
sign-in-continue = Continuați
sign-in-link-title = Acest link de autentificare nu funcționează
sign-in-link-expired = Linkul a expirat: linkurile funcționează timp de 15 minute.
sign-in-link-used = Linkul a fost deja folosit: fiecare link funcționează o singură dată.
sign-in-link-invalid = Linkul nu este valid. Este posibil să fi fost copiat incomplet.
sign-in-ask-again = Solicitați un link nou
email = Adresă de e-mail
password = Parolă

## Erori
error-not-found-title = Pagina nu a fost găsită
error-not-found-body = Aici nu există nimic sau nu aveți acces la această pagină.
error-forbidden-title = Operațiune nepermisă
error-forbidden-body = Nu aveți dreptul să efectuați această operațiune.
error-internal-title = A apărut o eroare
error-internal-body = Serverul nu a putut finaliza cererea. Eroarea a fost înregistrată; vă rugăm să încercați din nou mai târziu.
error-csrf-title = Formularul a expirat
error-csrf-body = Formularul nu a fost trimis din această sesiune. Deschideți din nou pagina și repetați operațiunea; nu s-a modificat nimic.
error-timeout-title = Serverul a răspuns prea târziu
error-timeout-body = Serverul nu a răspuns la timp și a oprit cererea. Deschideți din nou pagina pentru a vedea dacă modificarea a fost salvată și repetați-o dacă nu a fost.
error-unavailable-title = Baza de date nu poate fi accesată acum
error-unavailable-body = Serverul a pierdut legătura cu baza de date și este posibil să nu fi finalizat cererea. Deschideți din nou pagina peste câteva momente pentru a vedea dacă modificarea a fost salvată și repetați-o dacă nu a fost.
error-required = Câmp obligatoriu.
error-number = Introduceți un număr, de exemplu 12 sau 12,5.
error-count = Introduceți un număr întreg, 0 sau mai mare.
error-percent = Introduceți un procent între 0 și 100.

## Numere și date
tasks-count = { $count ->
    [one] {$count} sarcină
    [few] {$count} sarcini
   *[other] {$count} de sarcini
}
days-left = { $count ->
    [one] {$count} zi rămasă
    [few] {$count} zile rămase
   *[other] {$count} de zile rămase
}
days-overdue = { $count ->
    [one] {$count} zi de întârziere
    [few] {$count} zile de întârziere
   *[other] {$count} de zile de întârziere
}
days-today = termen astăzi

## Sarcinile instituției
inbox-title = Sarcini
inbox-heading = Sarcinile instituției {$institution}
inbox-no-institution = Nu acționați în numele unei instituții, așa că nu aveți sarcini de afișat.
inbox-truncated = Sunt afișate doar primele 500 de sarcini: restrângeți lista cu ajutorul filtrelor.
filters = Filtre
filter-plan = Plan
filter-period = Perioadă care include ziua
filter-state = Stadiu
filter-all = Toate
filter-apply = Filtrați
group-to_acknowledge = De luat la cunoștință
group-returned = Restituite spre modificare
group-overdue = Termen depășit
group-due_soon = Termen în următoarele 30 de zile
group-in_progress = În curs de realizare
group-awaiting_sign_off = În așteptarea aprobării
group-empty = Nicio sarcină.
action = Acțiunea
objective = Obiectivul
period = Perioada
due = Termen
plan = Plan
state = Stadiu

## Semnalizarea stării
status-done = finalizată
status-on_track = în grafic
status-at_risk = risc de întârziere
status-late = întârziată
status-not_started = neîncepută
status-closed = închisă
status-done-why = Aprobată.
status-on_track-why = În curs de realizare; termenul nu expiră în { $days ->
    [one] următoarea zi
    [few] următoarele { $days } zile
   *[other] următoarele { $days } de zile
}.
status-at_risk-why = Termenul expiră în { $days ->
    [one] următoarea zi
    [few] următoarele { $days } zile
   *[other] următoarele { $days } de zile
}, luarea la cunoștință nu a fost încă confirmată sau indicatorii rămân în urma țintelor.
status-late-why = Termenul a fost depășit, iar sarcina nu este aprobată.
status-not_started-why = Perioada de raportare nu a început încă.
status-closed-why = Refuzată sau anulată.

## Pagina sarcinii
breadcrumbs = Vă aflați aici
task-about = Despre sarcină
participants = Instituții
role-lead = responsabil principal
role-responsible = responsabil
role-partner = partener
indicators = Indicatori de monitorizare
target = țintă
task-actions = Ce puteți face
task-nothing-to-do = În acest moment nu aveți nimic de făcut pentru această sarcină.
do-acknowledge = Confirmați luarea la cunoștință
do-decline = Refuzați
do-start = Începeți realizarea
do-submit = Transmiteți raportul
do-approve = Aprobați
do-return = Restituiți spre modificare
do-cancel = Anulați sarcina
do-forward = Transmiteți altui compartiment
do-extend = Prelungiți termenul
do-draft_answer = Redactați răspunsul
do-sign = Semnați răspunsul
do-send_answer = Transmiteți răspunsul
do-close_unfounded = Clasați lucrarea ca nefondată
do-redirect = Redirecționați către autoritatea competentă
done-acknowledge = Sarcina a fost luată la cunoștință.
done-decline = Sarcina a fost refuzată.
done-start = Realizarea sarcinii a început.
done-submit = Raportul a fost transmis.
done-approve = Raportul a fost aprobat.
done-return = Raportul a fost restituit spre modificare.
done-cancel = Sarcina a fost anulată.
done-forward = Lucrarea a fost transmisă altui compartiment.
done-extend = Termenul a fost prelungit.
done-draft_answer = Răspunsul a fost redactat.
done-sign = Răspunsul a fost semnat.
done-send_answer = Răspunsul a fost transmis.
done-close_unfounded = Lucrarea a fost clasată ca nefondată.
done-redirect = Lucrarea a fost redirecționată către autoritatea competentă.
narrative = Ce s-a realizat
evidence = Linkuri către dovezi (câte unul pe rând)
evidence-hint = Linkuri către documente, publicații sau fotografii (http sau https).
move-to = Către
move-to-choose = Alegeți…
reason = Motiv
comment = Comentariu (opțional)
conflict = Sarcina a fost modificată înainte de sosirea formularului dumneavoastră: de {$by}, la {$at}. Stadiul actual: {$state}. Nimic din ce ați trimis nu a fost salvat; verificați sarcina de mai jos și încercați din nou.
reports = Rapoarte
audit-trail = Istoricul sarcinii
event-task_opened = Deschiderea sarcinii
event-acknowledge = Luare la cunoștință
event-decline = Refuz
event-start = Începerea realizării
event-submit = Transmiterea raportului
event-approve = Aprobare
event-return = Restituire spre modificare
event-cancel = Anulare
event-forward = Transmitere către alt compartiment
event-extend = Prelungirea termenului
event-draft_answer = Redactarea răspunsului
event-sign = Semnarea răspunsului
event-send_answer = Transmiterea răspunsului
event-close_unfounded = Clasare ca nefondată
event-redirect = Redirecționare către autoritatea competentă
event-unassigned = Anulare: instituția nu mai este desemnată
event-period_withdrawn = Anulare: perioada a fost retrasă

## Planuri și acțiuni
nav-plans = Planuri
nav-sign-offs = De aprobat
plans-title = Planuri
plans-none = Nu există încă niciun plan pe care să îl puteți vedea.
periods-complete = {$done} din {$total} perioade de raportare finalizate ({$percent} %)
periods-of = {$done} din {$total} perioade finalizate
overdue-count = { $count ->
    [one] {$count} sarcină întârziată
    [few] {$count} sarcini întârziate
   *[other] {$count} de sarcini întârziate
}
legend = Ce înseamnă culorile
legend-groups = O acțiune ia culoarea celei mai presante perioade, un obiectiv și un plan pe cea a celei mai presante acțiuni; o perioadă aprobată de coordonator este finalizată.
objectives = Obiective
overdue-by-institution = Sarcini întârziate, pe instituții
institution = Instituția
overdue = Întârziate
nothing-overdue = Nimic nu este întârziat.
indicator-values = Valorile indicatorilor
indicator = Indicator
actual = Realizat
indicator-values-hint = Sumele valorilor din rapoartele aprobate.
no-indicator-values = Niciun raport aprobat nu a raportat încă o valoare.
deadline-wording = Termen (cum este scris în plan)
nobody-assigned = Nicio instituție nu este încă desemnată.
assign-title = Cine participă
assign-hint = Codurile instituțiilor, separate prin virgulă. Responsabilul principal trebuie să fie și printre instituțiile responsabile. Instituțiile eliminate păstrează lucrul început; sarcinile lor neconfirmate sunt anulate.
assign-lead = Responsabil principal
assign-responsible = Instituții responsabile
assign-partners = Instituții partenere
assign-button = Salvați participanții
periods = Perioade de raportare
role = Rol
status = Situație
period-approved = Coordonatorul a aprobat această perioadă.
approve-period = Aprobați perioada
period-waiting = Se așteaptă aprobarea rapoartelor instituțiilor responsabile.
done-period-approved = Perioada este aprobată.
done-assigned = Salvat.
sign-offs-title = Rapoarte de aprobat
sign-offs-intro = Rapoartele care așteaptă aprobarea dumneavoastră, în calitate de coordonator al planului sau de responsabil principal al acțiunii.
sign-offs-none = Niciun raport nu vă așteaptă aprobarea.
as-coordinator = în calitate de coordonator
as-lead = în calitate de responsabil principal
review-report = Examinați raportul

## Instituții, importul planurilor, jurnalul de audit
nav-institutions = Instituții
nav-audit = Jurnal de audit
nav-import = Importați un plan
error-date = Introduceți o dată în formatul AAAA-LL-ZZ.
error-date-order = Ultima zi este anterioară primei zile.
error-unknown-institution = Nu există nicio instituție cu acest cod.
institutions-title = Instituții
institutions-search = Căutați după cod sau denumire
institutions-search-hint = Cu sau fără diacritice, cu litere mari sau mici: „tara” găsește „Țara”.
institutions-search-button = Căutați
institutions-count = { $count ->
    [one] {$count} instituție
    [few] {$count} instituții
   *[other] {$count} de instituții
}
institutions-found = { $count ->
    [one] {$count} instituție din {$total} corespunde căutării.
    [few] {$count} instituții din {$total} corespund căutării.
   *[other] {$count} de instituții din {$total} corespund căutării.
}
institutions-none = Nicio instituție nu corespunde căutării „{$q}”.
institutions-no-emails = niciuna
institutions-notifications = Notificări
institutions-default-settings = implicit
institutions-settings-hidden = Setările de notificare ale unei instituții sunt afișate instituției înseși, celor care o administrează, coordonatorilor planurilor la care participă și auditorilor.
delivery-immediate = Imediat, la ora {$time}
delivery-daily_digest = Rezumat zilnic, la ora {$time}
delivery-immediate-why = Câte un e-mail pentru fiecare memento.
delivery-daily_digest-why = Un singur e-mail pe zi, cu sarcinile instituției care ajung la termen, au termenul depășit sau nu au fost încă luate la cunoștință.
field-code = Cod
field-name = Denumire
field-parent = Instituția superioară
field-emails = Adrese de e-mail de contact
field-language = Limbă
field-time_zone = Fus orar
import-title = Importați un plan
import-choose = Alegeți fișierul planului
import-try-again = Corectați fișierul și verificați-l din nou
import-intro = Un fișier de plan în format YAML, asemenea celor din workflows/plans. Fișierul este verificat mai întâi: nu se salvează nimic până când nu confirmați.
import-file = Fișierul planului
import-file-hint = YAML (.yaml sau .yml), de cel mult {$size} KB.
import-paste = Sau lipiți textul planului
import-check = Verificați planul
import-error-empty = Alegeți un fișier sau lipiți textul planului.
import-error-too-large = Fișierul este prea mare.
import-error-not-text = Fișierul nu este text UTF-8: salvați-l ca YAML cu codificarea UTF-8 și încercați din nou.
import-error-unreadable = Formularul nu a putut fi citit. Vă rugăm să încercați din nou.
import-problems = { $count ->
    [one] Fișierul are o problemă.
    [few] Fișierul are {$count} probleme.
   *[other] Fișierul are {$count} de probleme.
}
import-forbidden = Fișierul cere modificări pe care nu aveți dreptul să le efectuați (vedeți lista de mai jos).
import-nothing-written = Nu s-a salvat nimic.
import-problems-heading = Probleme în {$name}
import-line = rândul {$number}
import-more-problems = { $count ->
    [one] …și încă o problemă.
    [few] …și încă {$count} probleme.
   *[other] …și încă {$count} de probleme.
}
import-preview = Fișierul {$name} este corect. Iată ce ar modifica importul planului {$plan}; nu se salvează nimic până când nu confirmați.
import-changes = Ce ar modifica importul
import-changes-done = Ce a modificat importul
import-kind = Înregistrări
import-created = Noi
import-updated = Modificate
import-unchanged = Nemodificate
import-kind-plans = Plan
import-kind-institutions = Instituții
import-kind-objectives = Obiective
import-kind-actions = Acțiuni
import-kind-performance_indicators = Indicatori de performanță
import-kind-tasks = Sarcini
import-tasks-cancelled = { $count ->
    [one] O sarcină în așteptare este anulată: perioada ei nu mai face parte din plan.
    [few] {$count} sarcini în așteptare sunt anulate: perioadele lor nu mai fac parte din plan.
   *[other] {$count} de sarcini în așteptare sunt anulate: perioadele lor nu mai fac parte din plan.
}
import-institution-changes = Modificări ale instituțiilor existente
import-no-institution-changes = Nicio instituție existentă nu se modifică.
import-field = Câmp
import-from = Înainte
import-to = După import
import-confirm = Confirmați importul
import-another = Verificați alt fișier
import-done = Planul {$plan} a fost importat.
import-open-plan = Deschideți planul {$plan}
audit-title = Jurnal de audit
audit-filter-institution = Instituția celui care a acționat
audit-filter-actor = Cine a acționat (adresa de e-mail)
audit-filter-from = De la
audit-filter-to = Până la (inclusiv)
audit-zone = Orele sunt în fusul orar {$zone}; cele mai recente evenimente apar primele.
audit-when = Când
audit-what = Ce s-a întâmplat
audit-about = Despre
audit-who = Cine
audit-task = Sarcina
audit-whole-plan = planul
audit-none = Niciun eveniment nu corespunde filtrelor.
audit-pages = Paginile jurnalului de audit
audit-newest = Cele mai recente evenimente
audit-older = Evenimente mai vechi
event-plan_created = Crearea planului
event-plan_imported = Importul planului
event-assigned = Desemnarea instituțiilor
event-period_approved = Aprobarea perioadei
event-plan_archived = Arhivarea planului
event-indicator_value_entered = Introducerea valorii indicatorului

## Plan-level indicators
plan-indicators = Indicatori de performanță
baseline = valoare de referință
value = Valoare
enter-value = Înregistrați valoarea
error-period = Alegeți una dintre perioadele indicatorului.
done-indicator = Valoarea a fost înregistrată.
## Pagina publică a progresului unui plan și comutatoarele coordonatorului
public-heading = Raport public de progres
public-period = Perioada
public-deadline = Termen
public-responsible = Responsabili
public-partners = Parteneri
public-progress = Progres
public-progress-unknown = neevaluat încă
public-met = atins
public-not-met = neatins
public-narrative-by = { $institution }, perioada încheiată la { $date }
public-empty = Nu există încă obiective.
public-plan-title = Pagina publică de progres
public-plan-on = Oricine poate vedea progresul acestui plan, fără autentificare, la
public-plan-off = Progresul acestui plan nu este public.
public-plan-publish = Publică progresul
public-plan-withdraw = Retrage pagina publică
public-report-on = Afișat pe pagina publică de progres.
public-report-off = Privat: nu apare pe pagina publică de progres.
public-report-publish = Afișează pe pagina publică
public-report-withdraw = Fă privat
event-plan_published = Pagina de progres publicată
event-plan_unpublished = Pagina de progres retrasă
event-report_published = Descrierea raportului făcută publică
event-report_unpublished = Descrierea raportului făcută privată

report-download-title = Raport de monitorizare
report-period-hint = Un an (2021), un semestru (2021-S1), un trimestru (2021-Q3) sau un interval de date (2021-01-01..2021-06-30).
report-format = Format
report-format-xlsx = Registru Excel (XLSX)
report-format-docx = Document Word (DOCX)
report-format-html = Pagină pentru tipărire (HTML)
report-format-csv = Tabel (CSV)
report-download = Descarcă
error-report-period = „{ $value }” nu este o perioadă: scrieți un an (2021), un semestru (2021-S1), un trimestru (2021-Q3) sau un interval de date (2021-01-01..2021-06-30).

## Registre de lucrări (petiții, cereri, sesizări)
nav-registers = Registre
registers-title = Registre
registers-none = Nu există încă niciun registru pe care îl puteți vedea.
register-departments-count = { $count ->
    [one] { $count } compartiment
    [few] { $count } compartimente
   *[other] { $count } de compartimente
}
register-page = Registrul de lucrări
register-about = Despre registru
register-owner = Ținut de
register-term = Termen
register-time-zone = Fus orar
register-departments = Compartimente
register-cases = Ultimele lucrări
register-no-cases = Nu este înregistrată încă nicio lucrare.
register-statistics = Situație statistică
case-new-title = Înregistrați o lucrare
case-received = Primită la
case-subject = Obiect
case-petitioner = Referință petent
case-petitioner-hint = Un număr de dosar sau inițiale: nu sunt necesare date personale.
case-register = Înregistrează
case-route-title = Repartizați o lucrare
case-route-hint = Fiecare compartiment căruia i se repartizează lucrarea primește o sarcină proprie, cu termen la sfârșitul termenului lucrării.
case-number = Nr.
case-department = Compartiment
case-route = Repartizează
case-due = Termen
case-term = Încadrare
case-not-routed = nerepartizată
case-late = depășit
case-in-term = în termen
case-closed = închisă
done-case-registered = Lucrarea { $number } a fost înregistrată.
done-case-routed = Lucrarea { $number } a fost repartizată.
statistics-month = Luna
statistics-received = Primite
statistics-answered-in-term = Răspuns în termen
statistics-answered-late = Răspuns după termen
statistics-closed = Închise altfel
statistics-open = În lucru
statistics-overdue = În lucru, depășite
statistics-extended = Prelungite
statistics-month-total = { $month }, toate compartimentele
statistics-total = Total
statistics-hint = După luna primirii; o lucrare repartizată la două compartimente se numără la fiecare.
event-case_registered = Lucrare înregistrată
event-case_routed = Lucrare repartizată

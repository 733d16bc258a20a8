# Cuvinte comune paginilor și mesajelor Mandate în limba română: denumirile stadiilor sarcinilor (Romanian: names of task states). Cheile sunt aceleași în toate limbile (un test verifică acest lucru).

## Stadii
state-pending = în așteptare
state-acknowledged = luată la cunoștință
state-in_progress = în curs de realizare
state-submitted = transmisă
state-signed_off = aprobată
state-declined = refuzată
state-cancelled = anulată
state-registered = înregistrată
state-routed = repartizată
state-forwarded = redirecționată intern
state-answer_drafted = răspuns redactat
state-signed = semnată
state-answered = răspuns transmis
state-unfounded = clasată ca nefondată
state-redirected = redirecționată

## Indicatori: ce spun valorile lor despre ținte.
indicator-up = { $actual } din { $target } ({ $progress })
indicator-at-least = { $actual } (țintă: cel puțin { $target })
indicator-at-most = { $actual } (țintă: cel mult { $target })
indicator-change = { $actual } față de { $baseline } anterior ({ $change }; se urmărea { $wanted }, adică { $target })
indicator-no-target = { $actual } (fără țintă)
indicator-no-baseline = { $actual } (fără o valoare de referință)
indicator-no-values = nicio valoare raportată încă
indicator-in-words = descris în rapoarte
indicator-evaluation = Evaluare
indicator-met = atins
indicator-not_met = neatins
indicator-unknown = încă necunoscut
indicator-given = { $reported } din { $expected ->
        [one] { $expected } valoare raportată
        [few] { $expected } valori raportate
       *[other] { $expected } de valori raportate
    }
indicator-target-change = { $change } față de { $against }
indicator-target-same = nivelul din { $against }
indicator-baseline-previous = perioada anterioară
## De ce are o stare această semnalizare (regula stării, workflows/policies/status.yaml)
status-reason-signed-off = finalizată: aprobată
status-reason-approved = finalizată: aprobată de coordonator
status-reason-closed = închisă: { $state }
status-reason-late = { $days ->
    [one] întârziată: termen { $due }, acum { $days } zi
    [few] întârziată: termen { $due }, acum { $days } zile
   *[other] întârziată: termen { $due }, acum { $days } de zile
}
status-reason-due-soon = { $days ->
    [0] risc de întârziere: termen { $due }, astăzi
    [one] risc de întârziere: termen { $due }, peste { $days } zi
    [few] risc de întârziere: termen { $due }, peste { $days } zile
   *[other] risc de întârziere: termen { $due }, peste { $days } de zile
}
status-reason-unacknowledged = risc de întârziere: se așteaptă luarea la cunoștință
status-reason-on-track = în grafic: termen { $due }
status-reason-not-begun = neîncepută: perioada începe la { $start }
status-reason-nothing-yet = neîncepută: nimic de făcut încă
status-reason-partly-done = în grafic: o parte finalizată, restul neînceput
status-reason-indicators-behind = risc de întârziere: indicatorii rămân în urmă
status-reason-indicators-behind-at = risc de întârziere: indicatorii rămân în urmă ({ $percent }% din țintă)

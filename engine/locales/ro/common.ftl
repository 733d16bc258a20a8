# Cuvinte comune paginilor și mesajelor Mandate în limba română: denumirile stadiilor sarcinilor (Romanian: names of task states). Cheile sunt aceleași în toate limbile (un test verifică acest lucru).

## Stadii
state-pending = în așteptare
state-acknowledged = luată la cunoștință
state-in_progress = în curs de realizare
state-submitted = transmisă
state-signed_off = aprobată
state-declined = refuzată
state-cancelled = anulată

//! What the people of the demo write: report narratives, reasons for returning a report or
//! declining a task, sign-off comments, and plausible indicator values, in the plan's language.

use crate::results::Unit;
use serde_json::{Value, json};

use super::history::Rng;

/// The texts of one language.
pub(super) struct Texts {
    /// Local part of a member's invented address (`raportor@diicot.example`).
    pub member: &'static str,
    /// Local part of a coordinator's invented address.
    pub coordinator: &'static str,
    pub narratives: &'static [&'static str],
    /// Put before the narrative of a report sent again after a return.
    pub resubmitted: &'static str,
    pub returns: &'static [&'static str],
    /// `{}` is the institution proposed instead.
    pub decline_redirect: &'static str,
    pub declines: &'static [&'static str],
    pub approvals: &'static [&'static str],
    /// After a report was returned and corrected.
    pub approval_after_return: &'static str,
    /// `{start}`, `{end}`: the period.
    pub period_approval: &'static str,
    /// Values of indicators that are not counts.
    pub done: &'static [&'static str],
}

const RO: Texts = Texts {
    member: "raportor",
    coordinator: "coordonator",
    narratives: &[
        "Activitățile planificate pentru perioada de raportare au fost realizate în colaborare cu \
         structurile teritoriale. Datele au fost centralizate la nivel central; detaliile sunt \
         prezentate în documentul atașat.",
        "Au fost organizate sesiuni în mai multe județe; din cauza restricțiilor sanitare, o parte \
         dintre acestea s-au desfășurat online. Listele de prezență sunt disponibile la cerere.",
        "Activitatea s-a desfășurat conform calendarului stabilit împreună cu instituțiile \
         partenere. Nu au fost întâmpinate dificultăți deosebite.",
        "Raport consolidat pe baza informațiilor transmise de unitățile subordonate. Valorile \
         indicatorilor reflectă situația de la sfârșitul perioadei de raportare.",
        "Activitatea a fost realizată parțial: o parte dintre acțiuni au fost reprogramate pentru \
         perioada următoare, din lipsa fondurilor alocate.",
    ],
    resubmitted: "Raport completat conform observațiilor transmise.",
    returns: &[
        "Vă rugăm să completați valorile indicatorilor defalcat pe județe și să atașați listele \
         de prezență.",
        "Numărul de participanți nu corespunde cu cel din sinteza transmisă anterior. Vă rugăm \
         să verificați și să corectați.",
        "Raportul descrie și activități din anul anterior; vă rugăm să îl limitați la perioada \
         de raportare.",
        "Lipsesc documentele justificative (agenda, materialele prezentate). Vă rugăm să le \
         încărcați și să retransmiteți raportul.",
        "Vă rugăm să precizați instituțiile partenere implicate și contribuția fiecăreia.",
    ],
    decline_redirect: "Activitatea nu intră în atribuțiile instituției noastre; propunem \
                       implicarea {}, care are competențe în domeniu.",
    declines: &[
        "Instituția nu dispune în acest an de fonduri alocate pentru această activitate.",
        "În urma reorganizării, atribuțiile au fost preluate de o altă structură; vă rugăm să \
         redirecționați solicitarea.",
    ],
    approvals: &[
        "Aprobat.",
        "Raport aprobat fără observații.",
        "Aprobat. Vă mulțumim pentru colaborare.",
    ],
    approval_after_return: "Aprobat. Vă mulțumim pentru completări.",
    period_approval: "Raportul consolidat pentru perioada {start} – {end} a fost aprobat.",
    done: &["realizat", "realizat parțial", "în curs de finalizare"],
};

const PL: Texts = Texts {
    member: "sprawozdawca",
    coordinator: "koordynator",
    narratives: &[
        "Działania zaplanowane na okres sprawozdawczy zrealizowano zgodnie z harmonogramem; \
         szczegóły w załączniku.",
        "Przeprowadzono wspólne patrole i spotkania z mieszkańcami rejonu; zebrane uwagi \
         przekazano dzielnicowemu.",
        "Zadanie realizowano we współpracy z partnerami; część działań przesunięto na kolejny \
         miesiąc.",
    ],
    resubmitted: "Sprawozdanie uzupełnione zgodnie z uwagami.",
    returns: &[
        "Proszę uzupełnić sprawozdanie o liczbę przeprowadzonych kontroli i ich wyniki.",
        "Brakuje informacji o współpracy z partnerami; proszę uzupełnić.",
    ],
    decline_redirect: "Zadanie nie należy do kompetencji naszej jednostki; proponujemy \
                       włączenie {}.",
    declines: &["Jednostka nie dysponuje w tym okresie siłami ani środkami na realizację zadania."],
    approvals: &["Zatwierdzono.", "Zatwierdzono bez uwag."],
    approval_after_return: "Zatwierdzono po uzupełnieniu.",
    period_approval: "Zatwierdzono sprawozdanie zbiorcze za okres {start} – {end}.",
    done: &[
        "zrealizowano",
        "zrealizowano częściowo",
        "w trakcie realizacji",
    ],
};

const EN: Texts = Texts {
    member: "reporter",
    coordinator: "coordinator",
    narratives: &[
        "The activities planned for the reporting period were carried out with the regional \
         offices; details are in the attached document.",
        "Sessions were held in several counties, some of them online. Attendance lists are \
         available on request.",
        "The activity went ahead as agreed with the partner institutions, without particular \
         difficulties.",
    ],
    resubmitted: "Report completed as asked.",
    returns: &[
        "Please break the indicator values down by county and attach the attendance lists.",
        "The number of participants does not match the summary sent earlier; please check it.",
    ],
    decline_redirect: "This activity is outside our remit; we suggest involving {}.",
    declines: &["No budget is allocated to this activity this year."],
    approvals: &["Approved.", "Approved without comments."],
    approval_after_return: "Approved. Thank you for the additions.",
    period_approval: "The consolidated report for {start} – {end} is approved.",
    done: &["done", "partly done", "being finished"],
};

/// The texts of `language` (Romanian for an unknown one: the seed plans' own).
pub(super) fn of(language: &str) -> &'static Texts {
    match language {
        "pl" => &PL,
        "en" => &EN,
        _ => &RO,
    }
}

/// A plausible value for indicator `name` measured in `unit`: a count in a range that suits
/// what it counts, a share, or a word saying how far the work got.
pub(super) fn indicator_value(name: &str, unit: Unit, texts: &Texts, rng: &mut Rng) -> Value {
    match unit {
        Unit::Text => return json!(rng.pick(texts.done)),
        Unit::Percent => return json!(rng.range(40, 100)),
        Unit::Count | Unit::Number => {}
    }
    let lower = name.to_lowercase();
    let has = |stems: &[&str]| stems.iter().any(|s| lower.contains(s));
    let (low, high) = if has(&[
        "sesiun",
        "întâlnir",
        "întălnir",
        "reuniun",
        "curs",
        "modul",
        "instruiri",
        "acțiun",
        "acţiun",
        "activit",
        "proiect",
        "protocoale",
        "parteneriat",
        "echipe",
        "emisiuni",
        "articole",
        "difuzări",
    ]) {
        (1, 14)
    } else if has(&["materiale"]) {
        (150, 3000)
    } else if has(&[
        "persoan",
        "particip",
        "benefici",
        "instrui",
        "formaț",
        "formaţ",
        "poliți",
        "poliţi",
        "lucrător",
        "profesioni",
        "cadre",
        "copii",
        "victime",
        "cetățeni",
        "judecători",
    ]) {
        (12, 240)
    } else {
        (2, 60)
    };
    json!(rng.range(low, high))
}

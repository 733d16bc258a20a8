//! The catalogue in minijinja templates, the same for pages and e-mails: `t("key", name=value, …)`
//! for a message, `{{ day | date }}` for a `YYYY-MM-DD` text, `{{ n | number }}`, all in the
//! language named by the template's `lang` variable (English when it names none we speak).

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, State};

use super::{Arg, Language};

/// Adds `t`, `date` and `number` to `env`.
pub fn add_to(env: &mut Environment<'_>) {
    env.add_function("t", translate);
    env.add_filter("date", date_filter);
    env.add_filter("number", number_filter);
}

fn language_of(state: &State) -> Language {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().map(Language::or_fallback))
        .unwrap_or(Language::FALLBACK)
}

/// `t("key", name=value, …)`: the message in the template's language.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match value.as_i64() {
            Some(n) => Arg::from(n),
            None => match f64::try_from(value.clone()) {
                Ok(n) if value.kind() == ValueKind::Number => Arg::Number(n),
                _ => Arg::Text(value.to_string()),
            },
        };
        args.push((name, arg));
    }
    Ok(super::t(language_of(state), key, &args))
}

/// `{{ day | date }}` for a `YYYY-MM-DD` text; any other value (text, none) as it is.
fn date_filter(state: &State, value: Value) -> Value {
    match value.as_str() {
        Some(text) => Value::from(super::iso_date(language_of(state), text)),
        None => value,
    }
}

/// `{{ n | number }}`.
fn number_filter(state: &State, value: f64) -> String {
    super::number(language_of(state), value)
}

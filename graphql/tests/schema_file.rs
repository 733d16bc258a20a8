//! `graphql/schema.graphql` is the schema the code serves. Rewrite it with
//! `MANDATE_UPDATE_SCHEMA=1 cargo test -p mandate-graphql --test schema_file`.

#[test]
fn checked_in_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let current = mandate_graphql::sdl();
    if std::env::var_os("MANDATE_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &current).expect("schema written");
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == current,
        "graphql/schema.graphql is out of date: run MANDATE_UPDATE_SCHEMA=1 cargo test -p mandate-graphql --test schema_file"
    );
}

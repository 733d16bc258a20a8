//! Turns on the PostgreSQL variants of the database tests when `MANDATE_TEST_POSTGRES` is set.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo:rerun-if-env-changed=MANDATE_TEST_POSTGRES");
    if std::env::var_os("MANDATE_TEST_POSTGRES").is_some_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=postgres_tests");
    }
}

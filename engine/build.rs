//! Turns on the PostgreSQL variants of the database tests when `MANDATE_TEST_POSTGRES` is set, and
//! (in the web crate) the browser tests when `MANDATE_TEST_BROWSER` is set.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo:rerun-if-env-changed=MANDATE_TEST_POSTGRES");
    if std::env::var_os("MANDATE_TEST_POSTGRES").is_some_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=postgres_tests");
    }
    // Only the web crate has browser tests: the other crates need not rebuild when it changes.
    println!("cargo:rustc-check-cfg=cfg(browser_tests)");
    if std::env::var("CARGO_PKG_NAME").as_deref() == Ok("mandate-web") {
        println!("cargo:rerun-if-env-changed=MANDATE_TEST_BROWSER");
        if std::env::var_os("MANDATE_TEST_BROWSER").is_some_and(|v| !v.is_empty() && v != "0") {
            println!("cargo:rustc-cfg=browser_tests");
        }
    }
}

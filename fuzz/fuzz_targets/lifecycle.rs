//! Lifecycle files: no input panics the parser, and an error's line lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mandate_engine::tasks::lifecycle::Lifecycle;

fuzz_target!(|source: &str| {
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`.
    let breaks = source.replace("\r\n", "\n");
    let lines = breaks.chars().filter(|c| matches!(c, '\n' | '\r')).count() as u64 + 1;
    if let Err(error) = Lifecycle::parse(source, "fuzz.yaml") {
        assert!(
            error.line <= lines,
            "error at line {} of a {lines}-line input: {}",
            error.line,
            error.message
        );
    }
});

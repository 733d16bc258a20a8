//! Plan files: no input panics the reader, and every problem it reports lies inside the input.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use mandate_engine::plans::plan_file;
use mandate_engine::tasks::lifecycle::Lifecycles;

/// The built-in lifecycles, read once rather than for every input.
static LIFECYCLES: LazyLock<Option<Lifecycles>> = LazyLock::new(|| Lifecycles::builtin().ok());

fuzz_target!(|source: &str| {
    let Some(lifecycles) = LIFECYCLES.as_ref() else {
        return;
    };
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`.
    let breaks = source.replace("\r\n", "\n");
    let lines = breaks.chars().filter(|c| matches!(c, '\n' | '\r')).count() as u64 + 1;
    if let Err(problems) = plan_file::parse(source, "fuzz.yaml", None, lifecycles) {
        assert!(!problems.is_empty(), "a refusal names at least one problem");
        for problem in problems {
            assert!(
                problem.line <= lines,
                "problem at line {} of a {lines}-line input: {}",
                problem.line,
                problem.message
            );
        }
    }
});

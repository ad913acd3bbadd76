//! Parses, binds and runs arbitrary text in a session with no loaded tables, so that
//! queries built from `datatable`, `print` and `range` reach the binder, the operators
//! and the scalar functions. Any panic, stack overflow or timeout is a bug: a query that
//! cannot run must come back as an error. `--max-rows` is set so that a query cannot
//! build an unbounded table.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut session = kql::engine::Session::new();
        session.max_rows = Some(10_000);
        session.now = Some(0);
        let _ = session.run(text);
    }
});

//! Feeds arbitrary text to the lexer and parser. Any panic, stack overflow or timeout is
//! a bug: malformed queries must come back as errors.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kql::parser::parse(text);
    }
});

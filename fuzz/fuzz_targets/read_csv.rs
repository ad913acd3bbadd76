//! Feeds arbitrary bytes to the loader as Csv input, under a table name the catalog
//! does not know (types inferred) and under a catalog table (types converted). Any panic
//! is a bug: malformed input must come back as an error.

#![no_main]

use kql::data::{load_reader, Format, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions::default();
    for table in ["FuzzTable", "DeviceNetworkEvents"] {
        let _ = load_reader(table, "fuzz-input", Format::Csv, data, &options);
    }
});

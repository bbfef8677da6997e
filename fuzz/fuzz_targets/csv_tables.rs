#![no_main]
//! `cargo +nightly fuzz run csv_tables`: see `attest_fuzz::csv_tables` for what it feeds attest.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    attest_fuzz::csv_tables(data);
});

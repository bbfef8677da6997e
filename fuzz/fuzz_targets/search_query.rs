#![no_main]
//! `cargo +nightly fuzz run search_query`: see `attest_fuzz::search_query` for what it feeds attest.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    attest_fuzz::search_query(data);
});

#![no_main]
//! `cargo +nightly fuzz run markdown`: see `attest_fuzz::markdown` for what it feeds attest.

libfuzzer_sys::fuzz_target!(|data: &[u8]| attest_fuzz::markdown(data));

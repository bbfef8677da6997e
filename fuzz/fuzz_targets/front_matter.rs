#![no_main]
//! `cargo +nightly fuzz run front_matter`: see `attest_fuzz::front_matter` for what it feeds attest.

libfuzzer_sys::fuzz_target!(|data: &[u8]| attest_fuzz::front_matter(data));

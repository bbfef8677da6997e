#![no_main]
//! `cargo +nightly fuzz run html_links`: see `attest_fuzz::html_links` for what it feeds attest.

libfuzzer_sys::fuzz_target!(|data: &[u8]| attest_fuzz::html_links(data));

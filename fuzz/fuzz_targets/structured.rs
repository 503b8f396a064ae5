#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| orgsync_fuzz::structured(data));

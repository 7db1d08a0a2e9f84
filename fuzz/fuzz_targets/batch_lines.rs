//! The batch-file parser on arbitrary text: no panic; every line it returns has words, and
//! its line numbers are increasing and within the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::cmd::batch;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count();
    match batch::parse(text) {
        Ok(parsed) => {
            let mut last = 0;
            for l in &parsed {
                assert!(l.number > last && l.number <= lines, "line number {} out of order or range", l.number);
                assert!(!l.words.is_empty());
                last = l.number;
            }
        }
        Err(e) => assert!(e.line >= 1 && e.line <= lines),
    }
});

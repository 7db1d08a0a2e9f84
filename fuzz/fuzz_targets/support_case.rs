//! Case numbers, remote file names and typed host key fingerprints
//! on arbitrary text (NUL separates the case from the file name): no panic; a parsed case
//! number re-parses to itself; a remote name is either the name itself (already attached) or
//! the case prefix + `.` + the name, and never holds a `/`; an accepted fingerprint re-parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::{case, sftp};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (case_text, name) = text.split_once('\0').unwrap_or((text, "f.zip"));
    if let Ok(c) = case::parse_case(case_text) {
        let again = case::parse_case(c.as_str()).expect("a normalised case number parses");
        assert_eq!(again, c);
        let prefix = c.file_prefix();
        assert!(!prefix.is_empty() && prefix.is_ascii());
        if let Ok(r) = case::remote_name(&c, name) {
            assert!(!r.contains('/'), "{r}");
            assert!(r == name || r == format!("{prefix}.{name}"), "{r}");
            let p = case::partial_name(&r);
            assert!(p.ends_with(".partial"));
        }
    }
    if let Ok(fp) = sftp::parse_fingerprint(text) {
        assert_eq!(sftp::parse_fingerprint(&fp).as_deref(), Ok(fp.as_str()));
    }
    let _ = case::remote_path(case_text, name);
});

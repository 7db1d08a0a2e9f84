//! notes.ini reading (`Directory=` for `log collect`) on arbitrary bytes: never panics, and a
//! `Directory=` line appended to any prefix that has none is found with its trimmed value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::archive::notesini;

fuzz_target!(|data: &[u8]| {
    let _ = notesini::value(data, "Directory");
    let _ = notesini::value(data, "");
    let has_key = data
        .split(|&b| b == b'\n')
        .any(|l| l.split(|&b| b == b'=').next().is_some_and(|k| k.trim_ascii().eq_ignore_ascii_case(b"Directory")));
    if !has_key && !data.starts_with(b"\xEF\xBB\xBF") {
        let mut ini = data.to_vec();
        ini.extend_from_slice(b"\nDirectory= /local/notes data \r\n");
        assert_eq!(notesini::value(&ini, "directory").as_deref(), Some("/local/notes data"));
    }
});

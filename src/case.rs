//! Support case numbers and the names uploads get (pure: no I/O).
//!
//! Three forms are accepted (docs/support-cases.md has the vendors' sources):
//! - IBM PMR `ppppp,bbb,ccc` (PMR number, branch office, country; also written with dots). The
//!   PMR number and branch are alphanumeric at IBM (`34143,L6Q,000`), the country is 3 digits.
//!   Files are named `ppppp.bbb.ccc.<name>` (ECuRep: `34143.055.724.zip`).
//! - IBM case `TS` + 9 digits. Files: `TS000599999.<name>` (ECuRep: "name the files by using
//!   your Case number … Example: TS000599999.mustgather.zip").
//! - HCL case `CS` + 7 digits ("CS followed by 7 numbers", HCL's travelerUtil `support`).
//!   Files: `CS1234567.<name>`.
//!
//! A file is attached to the case by the vendor when its name starts with that prefix, so
//! [`remote_name`] adds the prefix unless the name already carries it.

use serde::Serialize;
use std::fmt;

/// The accepted forms, quoted in every error.
pub const ACCEPTED_FORMS: &str = "CS + 7 digits (HCL case, e.g. CS1234567), TS + 9 digits (IBM case, e.g. TS012345678), \
or an IBM PMR ppppp,bbb,ccc (also ppppp.bbb.ccc, e.g. 12345,678,000)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseKind {
    /// HCL `CS1234567`.
    HclCase,
    /// IBM `TS012345678`.
    IbmCase,
    /// IBM `12345,678,000`.
    IbmPmr,
}

impl CaseKind {
    pub fn describe(self) -> &'static str {
        match self {
            CaseKind::HclCase => "HCL case",
            CaseKind::IbmCase => "IBM case",
            CaseKind::IbmPmr => "IBM PMR",
        }
    }
}

/// A validated, normalised case number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNumber {
    kind: CaseKind,
    /// `CS1234567`, `TS012345678` or `12345,678,000` (upper case, commas).
    normalized: String,
}

impl CaseNumber {
    pub fn kind(&self) -> CaseKind {
        self.kind
    }

    /// The canonical spelling, as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.normalized
    }

    /// The file name prefix of the vendor's convention (without the trailing dot):
    /// `CS1234567`, `TS012345678`, `12345.678.000`.
    pub fn file_prefix(&self) -> String {
        match self.kind {
            CaseKind::IbmPmr => self.normalized.replace(',', "."),
            _ => self.normalized.clone(),
        }
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("no case number given; accepted: {ACCEPTED_FORMS}")]
    Empty,
    #[error("`{input}` is not a case number: {reason}; accepted: {ACCEPTED_FORMS}")]
    Invalid { input: String, reason: String },
}

fn invalid(input: &str, reason: impl Into<String>) -> CaseError {
    // The input is echoed back, so keep it short and printable (it may be any argv word).
    let shown: String = input
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    CaseError::Invalid {
        input: shown,
        reason: reason.into(),
    }
}

/// Validates and normalises a case number. Blanks around it are ignored, letters may be in
/// any case.
pub fn parse_case(input: &str) -> Result<CaseNumber, CaseError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(CaseError::Empty);
    }
    let upper = s.to_ascii_uppercase();
    for (prefix, digits, kind) in [("CS", 7, CaseKind::HclCase), ("TS", 9, CaseKind::IbmCase)] {
        if let Some(rest) = upper.strip_prefix(prefix) {
            if !rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(s, format!("{prefix} must be followed by digits only")));
            }
            if rest.len() != digits {
                return Err(invalid(
                    s,
                    format!("{prefix} must be followed by {digits} digits, not {}", rest.len()),
                ));
            }
            return Ok(CaseNumber {
                kind,
                normalized: upper,
            });
        }
    }
    if upper.contains([',', '.']) {
        return parse_pmr(s, &upper);
    }
    if upper.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            s,
            "a bare number is ambiguous: add the CS or TS prefix, or write a PMR as ppppp,bbb,ccc",
        ));
    }
    Err(invalid(s, "unrecognised form"))
}

fn parse_pmr(original: &str, upper: &str) -> Result<CaseNumber, CaseError> {
    let parts: Vec<&str> = upper.split([',', '.']).collect();
    if parts.len() != 3 {
        return Err(invalid(
            original,
            format!("a PMR has 3 parts (ppppp,bbb,ccc), this has {}", parts.len()),
        ));
    }
    let (pmr, branch, country) = (parts[0], parts[1], parts[2]);
    let alnum = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric());
    if pmr.len() != 5 || !alnum(pmr) {
        return Err(invalid(original, "the PMR number must be 5 letters or digits"));
    }
    if branch.len() != 3 || !alnum(branch) {
        return Err(invalid(original, "the branch office must be 3 letters or digits"));
    }
    if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(original, "the country code must be 3 digits"));
    }
    Ok(CaseNumber {
        kind: CaseKind::IbmPmr,
        normalized: format!("{pmr},{branch},{country}"),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("`{0}` has no file name to upload under")]
    NoName(String),
    #[error("the file name `{0}` contains a control character")]
    Control(String),
}

/// The remote file name for a local file name: `<prefix>.<name>`, unless `name` already starts
/// with the case's prefix (in any letter case) followed by `.`, `_` or `-`, or is the prefix
/// itself with an extension (then the name is kept as it is: it is already attached).
///
/// `name` is the last component of the local path; it must not be empty, `.` or `..` and must
/// not hold `/` (the remote server would read it as a directory).
pub fn remote_name(case: &CaseNumber, name: &str) -> Result<String, NameError> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        return Err(NameError::NoName(name.to_string()));
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::Control(name.escape_default().to_string()));
    }
    let prefix = case.file_prefix();
    let attached = name.len() > prefix.len()
        && name.is_char_boundary(prefix.len())
        && name[..prefix.len()].eq_ignore_ascii_case(&prefix)
        && matches!(name.as_bytes()[prefix.len()], b'.' | b'_' | b'-');
    if attached {
        return Ok(name.to_string());
    }
    Ok(format!("{prefix}.{name}"))
}

/// The temporary name an upload is written under before the final rename.
pub fn partial_name(remote: &str) -> String {
    format!("{remote}.partial")
}

/// Joins a remote directory and a file name with `/` (SFTP paths are `/`-separated, RFC draft
/// secsh-filexfer-02 §6). An empty directory or `.` means the login directory.
pub fn remote_path(dir: &str, name: &str) -> String {
    let d = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else if d.is_empty() {
        format!("/{name}")
    } else {
        format!("{d}/{name}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms_normalise() {
        let ok = [
            ("CS1234567", "CS1234567", CaseKind::HclCase, "CS1234567"),
            ("  cs1234567 ", "CS1234567", CaseKind::HclCase, "CS1234567"),
            ("TS012345678", "TS012345678", CaseKind::IbmCase, "TS012345678"),
            ("ts000599999", "TS000599999", CaseKind::IbmCase, "TS000599999"),
            ("12345,678,000", "12345,678,000", CaseKind::IbmPmr, "12345.678.000"),
            ("12345.678.000", "12345,678,000", CaseKind::IbmPmr, "12345.678.000"),
            ("34143,l6q,724", "34143,L6Q,724", CaseKind::IbmPmr, "34143.L6Q.724"),
            ("12345.678,000", "12345,678,000", CaseKind::IbmPmr, "12345.678.000"),
        ];
        for (input, norm, kind, prefix) in ok {
            let c = parse_case(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(c.as_str(), norm, "{input}");
            assert_eq!(c.kind(), kind, "{input}");
            assert_eq!(c.file_prefix(), prefix, "{input}");
        }
    }

    #[test]
    fn rejected_forms_say_why_and_list_the_accepted_ones() {
        let bad = [
            ("", "no case number"),
            ("   ", "no case number"),
            ("CS123456", "7 digits, not 6"),
            ("CS12345678", "7 digits, not 8"),
            ("TS12345678", "9 digits, not 8"),
            ("CS12345a7", "digits only"),
            ("CS", "7 digits, not 0"),
            ("1234567", "ambiguous"),
            ("1234,678,000", "5 letters or digits"),
            ("12345,67,000", "3 letters or digits"),
            ("12345,678,00A", "3 digits"),
            ("12345,678", "3 parts"),
            ("12345,678,000,1", "4"),
            ("hello", "unrecognised"),
            ("XX1234567", "unrecognised"),
        ];
        for (input, why) in bad {
            let e = parse_case(input).unwrap_err().to_string();
            assert!(e.contains(why), "{input:?}: {e}");
            assert!(e.contains("CS + 7 digits") && e.contains("TS + 9 digits") && e.contains("ppppp,bbb,ccc"));
        }
    }

    #[test]
    fn error_echo_is_bounded_and_printable() {
        let long = format!("X\u{1b}[31m{}", "9".repeat(500));
        let e = parse_case(&long).unwrap_err().to_string();
        assert!(!e.contains('\u{1b}'));
        assert!(e.len() < 400, "{}", e.len());
    }

    #[test]
    fn remote_names_follow_the_vendor_convention() {
        let cs = parse_case("CS1234567").unwrap();
        let ts = parse_case("TS012345678").unwrap();
        let pmr = parse_case("12345,678,000").unwrap();
        assert_eq!(remote_name(&cs, "logs.zip").unwrap(), "CS1234567.logs.zip");
        assert_eq!(
            remote_name(&ts, "mustgather.zip").unwrap(),
            "TS012345678.mustgather.zip"
        );
        assert_eq!(remote_name(&pmr, "x.zip").unwrap(), "12345.678.000.x.zip");
        // Already attached: kept.
        assert_eq!(remote_name(&cs, "CS1234567.logs.zip").unwrap(), "CS1234567.logs.zip");
        assert_eq!(remote_name(&cs, "cs1234567_logs.zip").unwrap(), "cs1234567_logs.zip");
        assert_eq!(remote_name(&pmr, "12345.678.000.zip").unwrap(), "12345.678.000.zip");
        // Another case's prefix is not ours.
        assert_eq!(remote_name(&cs, "CS7654321.a").unwrap(), "CS1234567.CS7654321.a");
        assert_eq!(remote_name(&cs, "CS12345678.a").unwrap(), "CS1234567.CS12345678.a");
        for bad in ["", ".", "..", "a/b"] {
            assert!(remote_name(&cs, bad).is_err(), "{bad}");
        }
        assert!(remote_name(&cs, "a\nb").is_err());
        assert_eq!(partial_name("CS1234567.a"), "CS1234567.a.partial");
    }

    #[test]
    fn remote_paths() {
        assert_eq!(remote_path("", "f"), "f");
        assert_eq!(remote_path(".", "f"), "f");
        assert_eq!(remote_path("/", "f"), "/f");
        assert_eq!(remote_path("/upload", "f"), "/upload/f");
        assert_eq!(remote_path("/upload/", "f"), "/upload/f");
        assert_eq!(remote_path("in", "f"), "in/f");
    }
}

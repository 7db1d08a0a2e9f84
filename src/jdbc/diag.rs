//! Diagnostics: what is wrong with a URL, where (a byte span), and how to fix it.
//!
//! Severity follows one rule, the same for every family: an **error** is something the driver
//! rejects or that cannot work; a **warning** is something the driver silently ignores or
//! defaults in a surprising way (JCC ignores a mis-cased property, JTOpen an unknown one,
//! mssql-jdbc drops unknown names). Codes are stable and documented in `docs/jdbc-diagnostics.md`.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// A byte range into the URL as given (not into a normalized form).
pub type Span = Range<usize>;

/// The span of `text` (found at byte `base`) without its surrounding blanks: the drivers trim
/// names and values (JTOpen, mssql-jdbc and Derby all call `String.trim()`).
pub fn trimmed_span(text: &str, base: usize) -> Span {
    let lead = text.len() - text.trim_start().len();
    base + lead..base + lead + text.trim().len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $slug:literal;)*) => {
        /// Every diagnostic the URL engine can emit. The numeric code is stable; the slug is a
        /// readable alias. Ranges: J0xx any family, J1xx Db2 JCC, J2xx JTOpen (IBM i),
        /// J3xx mssql-jdbc, J4xx Connector/J, J5xx Derby, J8xx shell word splitting.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable code, e.g. `J101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            /// A readable alias, e.g. `db2-database-too-long`.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$variant => $slug),* }
            }
        }
    };
}

codes! {
    EmptyUrl = "J001", "empty-url";
    NotJdbc = "J002", "not-jdbc";
    UnsupportedScheme = "J003", "unsupported-scheme";
    SchemeCase = "J004", "scheme-case";
    SurroundingWhitespace = "J005", "surrounding-whitespace";
    ControlCharacter = "J006", "control-character";
    MissingHost = "J010", "missing-host";
    InvalidHost = "J011", "invalid-host";
    InvalidIpv4 = "J012", "invalid-ipv4";
    InvalidIpv6 = "J013", "invalid-ipv6";
    UnbracketedIpv6 = "J014", "unbracketed-ipv6";
    HostUnderscore = "J015", "host-underscore";
    InvalidPort = "J020", "invalid-port";
    PortOutOfRange = "J021", "port-out-of-range";
    UnknownProperty = "J050", "unknown-property";
    PropertyCase = "J051", "property-case";
    DuplicateProperty = "J052", "duplicate-property";
    PropertyWithoutValue = "J053", "property-without-value";
    EmptyPropertyName = "J054", "empty-property-name";
    InvalidPropertyValue = "J055", "invalid-property-value";
    TimeoutUnit = "J056", "timeout-unit";
    PasswordInUrl = "J057", "password-in-url";
    FailoverListLength = "J060", "failover-list-length";
    FailoverEmptyEntry = "J061", "failover-empty-entry";
    FailoverSameServer = "J062", "failover-same-server";
    Db2MissingDatabase = "J100", "db2-missing-database";
    Db2DatabaseTooLong = "J101", "db2-database-too-long";
    Db2DatabaseChars = "J102", "db2-database-chars";
    Db2DatabaseSpecialChars = "J103", "db2-database-special-chars";
    Db2PortOmitted = "J104", "db2-port-omitted";
    Db2MissingSemicolon = "J105", "db2-missing-semicolon";
    Db2PropertyWhitespace = "J106", "db2-property-whitespace";
    Db2EmptyPropertyList = "J107", "db2-empty-property-list";
    Db2Type2 = "J108", "db2-type2-url";
    As400SchemaTooLong = "J200", "as400-schema-too-long";
    As400ExtraPath = "J201", "as400-extra-path";
    As400EscapedSemicolon = "J202", "as400-escaped-semicolon";
    As400RdbName = "J203", "as400-rdb-name";
    As400LibraryName = "J204", "as400-library-name";
    As400UnterminatedQuote = "J205", "as400-unterminated-quote";
    SqlServerInstanceAndPort = "J300", "sqlserver-instance-and-port";
    SqlServerUnterminatedBrace = "J301", "sqlserver-unterminated-brace";
    SqlServerTextAfterBrace = "J302", "sqlserver-text-after-brace";
    SqlServerTextBeforeBrace = "J303", "sqlserver-text-before-brace";
    SqlServerEqualsInServer = "J304", "sqlserver-equals-in-server";
    SqlServerNoDatabase = "J305", "sqlserver-no-database";
    SqlServerDatabaseName = "J306", "sqlserver-database-name";
    SqlServerIpv6Authority = "J307", "sqlserver-ipv6-authority";
    SqlServerInstanceName = "J308", "sqlserver-instance-name";
    MySqlUnsupportedHostSyntax = "J400", "mysql-unsupported-host-syntax";
    MySqlBadPercentEscape = "J401", "mysql-bad-percent-escape";
    MySqlUnencodedReserved = "J402", "mysql-unencoded-reserved";
    MySqlDatabaseTooLong = "J403", "mysql-database-too-long";
    MySqlDatabaseChars = "J404", "mysql-database-chars";
    MySqlMissingSlashes = "J405", "mysql-missing-slashes";
    MySqlNoDatabase = "J406", "mysql-no-database";
    MySqlSslConflict = "J407", "mysql-ssl-conflict";
    DerbyMissingDatabase = "J500", "derby-missing-database";
    DerbyInMemory = "J501", "derby-in-memory";
    DerbyBothNames = "J502", "derby-both-names";
    ShellSplitUrl = "J800", "shell-split-url";
    ShellTrailingSemicolon = "J801", "shell-trailing-semicolon";
    ShellMaybeCut = "J802", "shell-maybe-cut";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding about a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Byte range in the URL as given. May be empty (a caret at a position: "missing here").
    pub span: Span,
    /// What is wrong, in one sentence.
    pub message: String,
    /// A short label printed under the caret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A concrete fix.
    pub fix: String,
}

impl Diagnostic {
    pub fn error(code: Code, span: Span, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            span,
            message: message.into(),
            label: None,
            fix: fix.into(),
        }
    }

    pub fn warning(code: Code, span: Span, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message, fix)
        }
    }

    pub fn new(severity: Severity, code: Code, span: Span, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            ..Diagnostic::error(code, span, message, fix)
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How to render: with ANSI colour (a terminal) or plain (a pipe, a file, a log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Color,
}

/// Renders one diagnostic like rustc: a headline, the URL, and a caret line under the span.
///
/// `shown` is the URL as it may be displayed (passwords already masked by the caller when
/// needed); spans index into `source`, the URL as given. When `shown` differs from `source`
/// (masking changed lengths), the caret columns are computed on `source` up to the span start
/// and the line printed is `source` with masked regions replaced; see [`render_masked`].
pub fn render(source: &str, diag: &Diagnostic, style: Style) -> String {
    render_masked(source, &[], diag, style)
}

/// Like [`render`], but each span in `masks` (byte ranges of secret values in `source`) is
/// replaced by `*****` before display, and caret columns are shifted to match.
pub fn render_masked(source: &str, masks: &[Span], diag: &Diagnostic, style: Style) -> String {
    render_all(source, masks, std::slice::from_ref(diag), style)
}

/// At most this many diagnostics are rendered for one URL; the rest are counted. A URL with
/// more is garbage, and `--json` still lists every one.
pub const MAX_RENDERED: usize = 50;

/// Renders diagnostics for one URL, separated by blank lines. The display line is laid out
/// once for all of them.
pub fn render_all(source: &str, masks: &[Span], diags: &[Diagnostic], style: Style) -> String {
    let (line, col_of) = display_line(source, masks);
    let mut out = diags
        .iter()
        .take(MAX_RENDERED)
        .map(|d| render_one(&line, &col_of, masks, d, style))
        .collect::<Vec<_>>()
        .join("\n");
    if diags.len() > MAX_RENDERED {
        out.push_str(&format!(
            "\n... and {} more diagnostics (--json lists them all)\n",
            diags.len() - MAX_RENDERED
        ));
    }
    out
}

fn render_one(line: &str, col_of: &impl Fn(usize) -> usize, masks: &[Span], diag: &Diagnostic, style: Style) -> String {
    // A span that starts or ends inside a secret is widened to the whole mask: the caret must
    // not point into `*****` at a position that would hint at the secret's length.
    let mut span = diag.span.start..diag.span.end.max(diag.span.start);
    for m in masks.iter().filter(|m| m.start < m.end) {
        if m.start < span.start && span.start < m.end {
            span.start = m.start;
        }
        if m.start < span.end && span.end < m.end {
            span.end = m.end;
        }
    }
    let start = col_of(span.start);
    let end = col_of(span.end);
    let width = (end - start).max(1);
    let (sev_on, bold, blue, off) = match (style, diag.severity) {
        (Style::Plain, _) => ("", "", "", ""),
        (Style::Color, Severity::Error) => ("\x1b[1;31m", "\x1b[1m", "\x1b[1;34m", "\x1b[0m"),
        (Style::Color, Severity::Warning) => ("\x1b[1;33m", "\x1b[1m", "\x1b[1;34m", "\x1b[0m"),
    };
    // Messages, labels and fixes quote pieces of the URL; whatever they quote is escaped here,
    // where the colour codes are added, so a stray ESC cannot drive the terminal.
    let esc = crate::term::escape::escape;
    let mut out = String::new();
    out.push_str(&format!(
        "{sev_on}{}[{}]{off}{bold}: {}{off}\n",
        diag.severity,
        diag.code,
        esc(&diag.message)
    ));
    out.push_str(&format!("{blue}  |{off}\n"));
    out.push_str(&format!("{blue}  |{off} {line}\n"));
    let label = diag
        .label
        .as_deref()
        .map(|l| format!(" {}", esc(l)))
        .unwrap_or_default();
    out.push_str(&format!(
        "{blue}  |{off} {}{sev_on}{}{label}{off}\n",
        " ".repeat(start),
        "^".repeat(width)
    ));
    out.push_str(&format!("{blue}  ={off} {bold}fix{off}: {}\n", esc(&diag.fix)));
    out
}

/// Builds the printable line and a byte-offset → column mapping, in one pass.
///
/// Control characters are shown as their Unicode "control picture" (U+2400 block) so a stray
/// TAB or ESC can neither move the caret nor drive the terminal (fd's sanitize lesson).
fn display_line(source: &str, masks: &[Span]) -> (String, impl Fn(usize) -> usize) {
    let mut sorted: Vec<&Span> = masks.iter().filter(|m| m.start < m.end).collect();
    sorted.sort_by_key(|m| m.start);
    let mask_cols = crate::jdbc::MASK.chars().count();
    let mut line = String::with_capacity(source.len());
    // cols[b] = display column of byte offset b (b in 0..=len); bytes inside a character or a
    // mask map to the column where it starts.
    let mut cols = vec![0usize; source.len() + 1];
    let mut col = 0;
    let mut i = 0;
    let mut next_mask = sorted.into_iter().peekable();
    while i < source.len() {
        while next_mask.peek().is_some_and(|m| m.start < i) {
            next_mask.next();
        }
        if let Some(m) = next_mask.peek().filter(|m| m.start == i && m.end <= source.len()) {
            line.push_str(crate::jdbc::MASK);
            for c in &mut cols[i..m.end] {
                *c = col;
            }
            col += mask_cols;
            i = m.end;
            continue;
        }
        let Some(ch) = source[i..].chars().next() else {
            break;
        };
        line.push(printable(ch));
        for c in &mut cols[i..i + ch.len_utf8()] {
            *c = col;
        }
        col += 1;
        i += ch.len_utf8();
    }
    cols[source.len()] = col;
    let len = source.len();
    let col_of = move |byte: usize| -> usize {
        if byte > len {
            cols[len] + (byte - len)
        } else {
            cols[byte]
        }
    };
    (line, col_of)
}

fn printable(ch: char) -> char {
    match ch {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + ch as u32).unwrap_or('?'),
        '\u{7f}' => '\u{2421}',
        // Zero-width characters would make the caret line lie.
        '\u{200b}'..='\u{200f}' | '\u{feff}' => '\u{fffd}',
        // Whatever else the escape module escapes has no picture: C1 controls (U+009B is CSI to
        // a terminal in 8-bit mode) and bidi overrides.
        c if crate::term::escape::needs_escape(c) => '\u{fffd}',
        _ => ch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_span_plain() {
        let d =
            Diagnostic::error(Code::Db2DatabaseTooLong, 21..31, "too long", "shorten it").with_label("10 characters");
        let r = render("jdbc:db2://h:50000/x/TRAVELERDB", &d, Style::Plain);
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines[0], "error[J101]: too long");
        assert_eq!(lines[2], "  | jdbc:db2://h:50000/x/TRAVELERDB");
        assert_eq!(
            lines[3],
            format!("  | {}{} 10 characters", " ".repeat(21), "^".repeat(10))
        );
        assert_eq!(lines[4], "  = fix: shorten it");
        assert!(!r.contains('\x1b'));
    }

    #[test]
    fn empty_span_gets_one_caret_and_color_has_escapes() {
        let d = Diagnostic::warning(Code::Db2PortOmitted, 3..3, "m", "f");
        let r = render("abc", &d, Style::Color);
        assert!(r.contains("\x1b[1;33m"));
        let plain = render("abc", &d, Style::Plain);
        assert_eq!(plain.lines().nth(3), Some("  |    ^"));
    }

    #[test]
    fn masks_shift_carets_and_hide_secret() {
        // "p=secret;x" with the secret at 2..8 and the diagnostic on "x" at 9..10.
        let d = Diagnostic::warning(Code::UnknownProperty, 9..10, "m", "f");
        let r = render_masked("p=secret;x", std::slice::from_ref(&(2..8)), &d, Style::Plain);
        assert!(!r.contains("secret"));
        assert_eq!(r.lines().nth(2), Some("  | p=*****;x"));
        assert_eq!(r.lines().nth(3), Some("  |         ^"));
    }

    #[test]
    fn control_characters_are_pictured_and_multibyte_columns_count_chars() {
        let d = Diagnostic::error(Code::ControlCharacter, 3..4, "m", "f");
        let r = render("ä\tb\u{1b}\u{9b}", &d, Style::Plain);
        assert_eq!(r.lines().nth(2), Some("  | ä\u{2409}b\u{241b}\u{fffd}"));
        // 'ä' is two bytes but one column; the tab is one byte at offset 2, 'b' at 3.
        assert_eq!(r.lines().nth(3), Some("  |   ^"));
    }

    #[test]
    fn control_characters_quoted_in_message_label_and_fix_are_escaped() {
        let d = Diagnostic::error(Code::InvalidHost, 1..2, "`\u{1b}` here", "drop `\u{9b}`").with_label("\r!");
        for style in [Style::Plain, Style::Color] {
            let r = render("h\u{1b}x", &d, style);
            let text = r.replace("\x1b[", "");
            assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{r:?}");
            assert!(
                r.contains("`\\x1b` here") && r.contains("\\r!") && r.contains("drop `\\u{009b}`"),
                "{r:?}"
            );
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            assert!(seen.insert(c.slug()), "duplicate slug {}", c.slug());
        }
    }
}

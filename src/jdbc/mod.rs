//! The JDBC URL engine: parse, validate, explain and translate every URL family Traveler supports.
//!
//! Pure code: no clap, no terminal, no files. [`parse`] reads a URL with the rules of the driver
//! that will eventually read it (Db2 JCC, JTOpen, mssql-jdbc, Connector/J, Derby), and returns the
//! best structured reading together with every [`Diagnostic`]. The drivers silently ignore most
//! mistakes; this module exists to make every one of them visible before anything is saved.
//!
//! - [`model`]: the structured result and its documented JSON form;
//! - [`diag`]: diagnostics with byte spans and a rustc-like caret renderer;
//! - [`failover`]: the primary and every failover partner a URL names, with their roles;
//! - [`shell`]: detection of a URL that a shell split at `;` or at a blank.

pub mod diag;
pub mod failover;
pub mod host;
pub mod model;
pub mod props;
pub mod shell_split;

mod as400;
mod canonical;
mod db2;
mod derby;
mod mysql;
mod sqlserver;

pub use diag::{Code, Diagnostic, Severity, Span, Style};
pub use model::{JdbcUrl, Kind, Property};

/// What every secret is displayed as: fixed length, so the real length does not leak
/// (mysql_config_editor's convention).
pub use crate::secret::MASK;

/// The outcome of [`parse`]: the best reading of the URL (absent only when not even the family
/// could be told) and every diagnostic, errors first, then by position.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub url: Option<JdbcUrl>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }

    /// The URL when it has no errors.
    pub fn valid(&self) -> Option<&JdbcUrl> {
        if self.has_errors() { None } else { self.url.as_ref() }
    }

    /// Renders the diagnostics against `source` (the URL that was parsed), secrets masked, at
    /// most [`diag::MAX_RENDERED`] of them.
    pub fn render(&self, source: &str, style: Style) -> String {
        let masks = self.url.as_ref().map(JdbcUrl::secret_spans).unwrap_or_default();
        diag::render_all(source, &masks, &self.diagnostics, style)
    }
}

/// Parses and validates a JDBC URL.
pub fn parse(src: &str) -> Analysis {
    let mut diags = Vec::new();
    let url = parse_inner(src, &mut diags);
    if let Some(u) = &url {
        props::check_names(u.kind, &u.properties, &mut diags);
        check_password_in_url(u, &mut diags);
        failover::check(u, &mut diags);
    }
    // Errors first, then by position, so the first line an admin reads is the blocking one.
    diags.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.span.start.cmp(&b.span.start)));
    Analysis {
        url,
        diagnostics: diags,
    }
}

fn parse_inner(src: &str, d: &mut Vec<Diagnostic>) -> Option<JdbcUrl> {
    if src.is_empty() {
        d.push(Diagnostic::error(
            Code::EmptyUrl,
            0..0,
            "the URL is empty",
            "give a JDBC URL such as `jdbc:db2://db.example.com:50000/TRAVELER`",
        ));
        return None;
    }
    // Surrounding blanks: pasted text often carries them; drivers do not trim the scheme and
    // JCC forbids whitespace in its property list. Parse what is inside so the other findings
    // still show.
    let start = src.len() - src.trim_start().len();
    let end = src.trim_end().len();
    if end <= start {
        d.push(Diagnostic::error(
            Code::EmptyUrl,
            0..src.len(),
            "the URL is blank",
            "give a JDBC URL",
        ));
        return None;
    }
    if start > 0 {
        d.push(Diagnostic::error(
            Code::SurroundingWhitespace,
            0..start,
            "the URL starts with whitespace",
            "remove the blanks before `jdbc:`",
        ));
    }
    if end < src.len() && end > start {
        d.push(Diagnostic::error(
            Code::SurroundingWhitespace,
            end..src.len(),
            "the URL ends with whitespace",
            "remove the trailing blanks (quote the URL so the shell cannot add or split anything)",
        ));
    }
    if let Some((i, c)) = src[start..end].char_indices().find(|(_, c)| c.is_control()) {
        let at = start + i;
        d.push(
            Diagnostic::error(
                Code::ControlCharacter,
                at..at + c.len_utf8(),
                format!("the URL contains a control character (U+{:04X})", c as u32),
                "retype the URL; a pasted TAB or line break is the usual cause",
            )
            .with_label("control character"),
        );
    }
    let s = &src[..end];
    let Some(after_jdbc) = strip_prefix_ci(&s[start..], "jdbc:") else {
        let hint = match KNOWN
            .iter()
            .find(|(sub, _)| strip_prefix_ci(&s[start..], &format!("{sub}:")).is_some())
        {
            Some((sub, _)) => format!("put `jdbc:` in front: `jdbc:{sub}:...`"),
            None => "a JDBC URL starts with `jdbc:`, e.g. `jdbc:db2://host:50000/TRAVELER`".to_string(),
        };
        d.push(Diagnostic::error(
            Code::NotJdbc,
            start..start + s[start..].find(':').map_or(s.len() - start, |i| i + 1),
            "this is not a JDBC URL",
            hint,
        ));
        return None;
    };
    let sub_start = end - after_jdbc.len();
    let sub_len = after_jdbc.find([':', ';', '/']).unwrap_or(after_jdbc.len());
    let sub = &after_jdbc[..sub_len];
    let sub_span = sub_start..sub_start + sub_len;
    let Some(&(_, kind)) = KNOWN.iter().find(|(k, _)| k.eq_ignore_ascii_case(sub)) else {
        d.push(unsupported_scheme(sub, sub_span));
        return None;
    };
    let rest = sub_span.end;
    // Scheme case: JTOpen (`equalsIgnoreCase`) and Connector/J (`Type.isSupported` uses
    // `equalsIgnoreCase`) accept any case. mssql-jdbc tests `startsWith("jdbc:sqlserver://")`
    // and Derby `startsWith("jdbc:derby:")`, so any other case is "no suitable driver". JCC's
    // rule is not published: a mixed case there is only suspicious.
    let scheme_text = &s[start..rest];
    let lower = scheme_text.to_ascii_lowercase();
    if !matches!(kind, Kind::As400 | Kind::MySql) && scheme_text != lower {
        let sev = if kind == Kind::Db2 {
            Severity::Warning
        } else {
            Severity::Error
        };
        d.push(Diagnostic::new(
            sev,
            Code::SchemeCase,
            start..rest,
            format!("the scheme `{scheme_text}` is not lower case"),
            format!("write `{lower}`"),
        ));
    }
    let url = match kind {
        Kind::Db2 => db2::parse(s, rest, d),
        Kind::As400 => as400::parse(s, rest, d),
        Kind::SqlServer => sqlserver::parse(s, rest, d),
        Kind::MySql => mysql::parse(s, rest, d),
        Kind::Derby => derby::parse(s, rest, d),
    };
    Some(url)
}

const KNOWN: &[(&str, Kind)] = &[
    ("db2", Kind::Db2),
    ("as400", Kind::As400),
    ("sqlserver", Kind::SqlServer),
    ("mysql", Kind::MySql),
    ("derby", Kind::Derby),
];

fn unsupported_scheme(sub: &str, span: Span) -> Diagnostic {
    let lower = sub.to_ascii_lowercase();
    let fix = match lower.as_str() {
        "mariadb" => {
            "Traveler uses MySQL Connector/J: write `jdbc:mysql://host:3306/TRAVELER` (it also reaches MariaDB servers)"
                .to_string()
        }
        "jtds" | "microsoft" => {
            "Traveler uses the Microsoft JDBC driver: write `jdbc:sqlserver://host:1433;databaseName=TRAVELER`"
                .to_string()
        }
        "db2j" | "ids" => "Traveler uses the type-4 JCC form: write `jdbc:db2://host:50000/TRAVELER`".to_string(),
        "mysql+srv" => "DNS SRV lookups cannot be checked offline: write `jdbc:mysql://host:3306/TRAVELER`".to_string(),
        _ if lower.len() > 32 => {
            "Traveler supports `jdbc:db2:`, `jdbc:as400:`, `jdbc:sqlserver:`, `jdbc:mysql:` and `jdbc:derby:`"
                .to_string()
        }
        _ => {
            let close = KNOWN
                .iter()
                .map(|(k, _)| (k, strsim::osa_distance(&lower, k)))
                .min_by_key(|(_, dist)| *dist)
                .filter(|(_, dist)| *dist <= 2);
            match close {
                Some((k, _)) => format!("did you mean `jdbc:{k}:`?"),
                None => {
                    "Traveler supports `jdbc:db2:`, `jdbc:as400:`, `jdbc:sqlserver:`, `jdbc:mysql:` and `jdbc:derby:`"
                        .to_string()
                }
            }
        }
    };
    Diagnostic::error(
        Code::UnsupportedScheme,
        span,
        format!("`jdbc:{sub}` is not a database Traveler supports"),
        fix,
    )
    .with_label("unsupported")
}

/// ASCII-case-insensitive `strip_prefix`.
pub(crate) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// A password written into the URL ends up in shell history, `ps` output and log files, and
/// Traveler stores the URL and the password separately. `db set` lifts it into the encrypted
/// password field; the warning says so.
fn check_password_in_url(u: &JdbcUrl, d: &mut Vec<Diagnostic>) {
    for p in u.properties.iter().filter(|p| p.is_password()) {
        d.push(
            Diagnostic::warning(
                Code::PasswordInUrl,
                p.token_span.clone(),
                "the URL carries a password",
                "give the password with `pw=-`, TRAVELERUTIL_DB_PW or the prompt; `db set` moves it out of the URL into the encrypted store",
            )
            .with_label("password"),
        );
    }
    if let Some(span) = u.userinfo.as_ref().and_then(|ui| ui.password_span.clone()) {
        d.push(
            Diagnostic::warning(
                Code::PasswordInUrl,
                span,
                "the URL carries a password in `user:password@`",
                "give the password with `pw=-`, TRAVELERUTIL_DB_PW or the prompt; `db set` moves it out of the URL into the encrypted store",
            )
            .with_label("password"),
        );
    }
}

/// The URL text with every secret value replaced by `*****`; the rest exactly as written.
pub fn mask(src: &str, u: &JdbcUrl) -> String {
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for s in u.secret_spans() {
        if s.start < at || s.end > src.len() {
            continue;
        }
        out.push_str(&src[at..s.start]);
        out.push_str(MASK);
        at = s.end;
    }
    out.push_str(&src[at..]);
    out
}

/// Masks the secrets in text that is a JDBC URL, or a piece of one that may not parse (words a
/// shell split apart): the parser's secret spans first, then any `name=value` whose name holds
/// `password` or is `pwd`, up to the next `;`, `&` or blank-free end. Used for every message
/// that quotes text the admin typed.
pub fn mask_any(text: &str) -> String {
    let a = parse(text);
    let first = match &a.url {
        Some(u) => mask(text, u),
        None => text.to_string(),
    };
    mask_loose(&first)
}

fn mask_loose(text: &str) -> String {
    crate::secret::mask_assignments(
        text,
        &crate::secret::Assignments {
            // The name runs back to the previous separator (JTOpen names hold blanks).
            name_stop: |c| matches!(c, ';' | '&' | '?' | '/' | ':' | ',' | '='),
            secret_name: |n| crate::secret::is_secret_name(n.trim()),
            value_stop: |c| matches!(c, ';' | '&'),
            keep: |v| v.is_empty() || v == MASK,
        },
    )
}

/// Removes every password from the URL text and returns `(url_without_password, password)`.
///
/// The rest of the text is kept exactly as the user wrote it. The password returned is the one
/// the driver would use (the last `password` property, else the `user:password@` part). A
/// second copy of it under another name (`passwrd=`, a typo the driver ignores) goes too, so
/// the stored URL holds no copy of the password.
pub fn lift_password(src: &str, u: &JdbcUrl) -> (String, Option<String>) {
    let password = u.password().map(str::to_string);
    let mut cuts: Vec<Span> = u
        .properties
        .iter()
        .filter(|p| p.is_password() || (password.is_some() && p.value.as_deref() == password.as_deref()))
        .map(|p| p.token_span.clone())
        .collect();
    if let Some(ui) = &u.userinfo
        && let Some(ps) = &ui.password_span
    {
        // Remove ":password" (the colon sits right before the span).
        cuts.push(ps.start.saturating_sub(1)..ps.end);
    }
    if cuts.is_empty() {
        return (src.to_string(), password);
    }
    cuts.sort_by_key(|c| c.start);
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for c in &cuts {
        // Cuts may overlap (a first Connector/J parameter takes the `&` that the next one
        // starts with): merge them.
        if c.start > at {
            out.push_str(&src[at..c.start]);
        }
        at = at.max(c.end);
    }
    out.push_str(&src[at..]);
    (canonical::tidy_after_removal(u.kind, out), password)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(url: &str) -> Vec<String> {
        parse(url)
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.severity, d.code))
            .collect()
    }

    #[test]
    fn not_jdbc_and_unsupported() {
        assert_eq!(codes(""), ["error J001"]);
        assert_eq!(codes("db2://h:1/DB"), ["error J002"]);
        assert_eq!(codes("jdbc:postgresql://h/db"), ["error J003"]);
        let a = parse("jdbc:mariadb://h/db");
        assert!(a.diagnostics[0].fix.contains("jdbc:mysql://"));
        let a = parse("jdbc:db3://h:1/DB");
        assert_eq!(a.diagnostics[0].fix, "did you mean `jdbc:db2:`?");
    }

    #[test]
    fn mask_any_covers_pieces_that_do_not_parse() {
        assert_eq!(
            mask_any("name=X;password=s3cr;naming=sql"),
            "name=X;password=*****;naming=sql"
        );
        assert_eq!(
            mask_any("jdbc:mysql://u:s3cr@h/db?a=1"),
            "jdbc:mysql://u:*****@h/db?a=1"
        );
        assert_eq!(
            mask_any("x;sslTrustStorePassword = ab&c=1;PWD=zz"),
            "x;sslTrustStorePassword =*****&c=1;PWD=*****"
        );
        assert_eq!(
            mask_any("jdbc:as400://h;password=*****"),
            "jdbc:as400://h;password=*****"
        );
    }

    #[test]
    fn a_secret_under_a_misspelled_key_is_masked() {
        assert_eq!(
            mask_any("jdbc:as400://h;password=S3;passwrd=S3;naming=sql"),
            "jdbc:as400://h;password=*****;passwrd=*****;naming=sql"
        );
        assert_eq!(
            mask_any("jdbc:mysql://h/db?pasword=S3&x=1"),
            "jdbc:mysql://h/db?pasword=*****&x=1"
        );
        let mut u = parse("jdbc:db2://h:5/DB:user=LNT;currentSchema=S3cr3t!;").url.unwrap();
        u.mark_known_secrets(&["S3cr3t!"]);
        let text = "jdbc:db2://h:5/DB:user=LNT;currentSchema=S3cr3t!;";
        assert_eq!(mask(text, &u), "jdbc:db2://h:5/DB:user=LNT;currentSchema=*****;");
        assert!(!crate::secret::is_secret_name("username") && !crate::secret::is_secret_name("databaseName"));
    }

    #[test]
    fn lift_password_keeps_the_rest_verbatim() {
        let src = "jdbc:as400://ibmi;database name=IASP1;password=s3cr;et;naming=system";
        let a = parse(src);
        let (rest, pw) = lift_password(src, a.url.as_ref().unwrap());
        assert_eq!(pw.as_deref(), Some("s3cr"));
        assert_eq!(rest, "jdbc:as400://ibmi;database name=IASP1;et;naming=system");
    }
}

//! JTOpen (`jt400.jar`): `jdbc:as400:[//]system[:port][/schema][;name=value...]`.
//!
//! Follows `JDDataSourceURL.parseURL` (JTOpen 21.0.7): `jdbc` and `as400` are compared with
//! `equalsIgnoreCase`; the sub-protocol may be followed by `:` or directly by `;`; `//` is
//! optional; the first `;` token is `system[:port][/schema[/ignored]]`, IPv6 in brackets; a
//! double-quoted schema may contain `;`; a `;` preceded by `\` is *not* a separator and the
//! backslash stays in the value; each property token is split at its first `=` and both sides
//! are trimmed; a token with no `=` becomes a property with an empty value; a schema longer than
//! 128 characters is discarded. Property names are case-insensitive (`JDProperties`), unknown
//! ones are only traced. An empty system means the local IBM i.

use super::diag::{Code, Diagnostic, Severity, trimmed_span};
use super::host::{check_host, check_port};
use super::model::{Endpoint, JdbcUrl, Kind, Property, Variant};
use super::props::{check_choice, check_millis};

pub fn parse(s: &str, pos: usize, d: &mut Vec<Diagnostic>) -> JdbcUrl {
    let mut url = JdbcUrl::new(Kind::As400, Variant::As400);
    let mut at = pos;
    if s[at..].starts_with(':') {
        at += 1;
        if s[at..].starts_with("//") {
            at += 2;
        }
    }
    // The first token: system[:port][/schema[/extra]] up to the first unescaped `;`.
    let sys_end = find_sys_end(s, at);
    let sys = &s[at..sys_end];
    let host_len = if sys.starts_with('[') {
        sys.find(']').map_or(sys.len(), |i| i + 1)
    } else {
        sys.find([':', '/']).unwrap_or(sys.len())
    };
    let host = &sys[..host_len];
    let host_span = at..at + host_len;
    let mut ep = Endpoint {
        host: None,
        port: None,
        host_span: host_span.clone(),
    };
    if !host.is_empty() {
        ep.host = Some(check_host(host, host_span.clone(), d));
    }
    let mut i = host_len;
    if sys[i..].starts_with(':') {
        let pend = sys[i + 1..].find('/').map_or(sys.len(), |j| i + 1 + j);
        ep.port = check_port(&sys[i + 1..pend], at + i + 1..at + pend, d);
        i = pend;
    }
    url.endpoints.push(ep);
    if sys[i..].starts_with('/') {
        let sch_start = i + 1;
        let sch_end = schema_end(sys, sch_start, at, d);
        let schema = &sys[sch_start..sch_end];
        let span = at + sch_start..at + sch_end;
        if !schema.is_empty() {
            if schema.chars().count() > 128 {
                d.push(
                    Diagnostic::error(
                        Code::As400SchemaTooLong,
                        span,
                        format!(
                            "the default schema is {} characters long; JTOpen discards schemas over 128",
                            schema.chars().count()
                        ),
                        "use the library (schema) name Traveler's tables live in, e.g. `/TRAVELER`",
                    )
                    .with_label("over 128 characters"),
                );
            }
            url.schema = Some(schema.to_string());
            url.path = Some(schema.to_string());
        }
        if sch_end < sys.len() {
            d.push(
                Diagnostic::warning(
                    Code::As400ExtraPath,
                    at + sch_end..at + sys.len(),
                    "JTOpen ignores everything after the second `/`",
                    "remove it; only one default schema can be given",
                )
                .with_label("ignored"),
            );
        }
    }
    if sys_end < s.len() {
        parse_props(s, sys_end, &mut url.properties, d);
    }
    for p in &url.properties {
        check_values(p, d);
    }
    url.database = url
        .property_value("database name")
        .map(|v| v.to_string())
        .filter(|v| !v.is_empty());
    url
}

/// End of the system token: the first `;` not preceded by `\`, outside a double-quoted schema.
fn find_sys_end(s: &str, from: usize) -> usize {
    let b = s.as_bytes();
    let mut in_quotes = false;
    let mut slash_seen = false;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'/' if !in_quotes => slash_seen = true,
            b'"' if slash_seen => in_quotes = !in_quotes,
            b';' if !(in_quotes || (i > from && b[i - 1] == b'\\')) => return i,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// End of the schema inside the system token; reports an unterminated quote.
fn schema_end(sys: &str, start: usize, base: usize, d: &mut Vec<Diagnostic>) -> usize {
    if sys[start..].starts_with('"') {
        match sys[start + 1..].find('"') {
            Some(q) => {
                let after = start + 1 + q + 1;
                sys[after..].find('/').map_or(sys.len(), |j| after + j)
            }
            None => {
                d.push(Diagnostic::error(
                    Code::As400UnterminatedQuote,
                    base + start..base + start + 1,
                    "the quoted schema name has no closing `\"`",
                    "close the quote: `/\"My Lib\"`",
                ));
                sys.len()
            }
        }
    } else {
        sys[start..].find('/').map_or(sys.len(), |j| start + j)
    }
}

/// Properties after the system token (`from` is at its `;`).
fn parse_props(s: &str, from: usize, out: &mut Vec<Property>, d: &mut Vec<Diagnostic>) {
    let b = s.as_bytes();
    let mut tok_start = from; // at the `;`
    let mut i = from + 1;
    loop {
        let at_end = i >= b.len();
        if at_end || (b[i] == b';' && b[i - 1] != b'\\') {
            token(s, tok_start, i, out, d);
            if at_end {
                break;
            }
            tok_start = i;
        } else if b[i] == b';' {
            // `\;`: JTOpen keeps both characters in the value.
            d.push(
                Diagnostic::warning(
                    Code::As400EscapedSemicolon,
                    i - 1..i + 1,
                    "JTOpen does not treat `\\;` as a separator: the backslash and the `;` stay in the value",
                    "if you meant two properties, write `;` without the backslash and quote the whole URL for the shell",
                )
                .with_label("not a separator"),
            );
        }
        i += 1;
    }
}

/// One token `;name=value` spanning `sep..end` (sep is the `;`).
fn token(s: &str, sep: usize, end: usize, out: &mut Vec<Property>, d: &mut Vec<Diagnostic>) {
    let body = &s[sep + 1..end];
    if body.trim().is_empty() {
        return; // `;;` or a trailing `;`: JTOpen skips empty tokens.
    }
    let body_start = sep + 1;
    let (raw_name, raw_value, vstart) = match body.find('=') {
        Some(eq) => (&body[..eq], Some(&body[eq + 1..]), body_start + eq + 1),
        None => (body, None, end),
    };
    let name_span = trimmed_span(raw_name, body_start);
    let name = s[name_span.clone()].to_string();
    if name.is_empty() {
        d.push(Diagnostic::warning(
            Code::EmptyPropertyName,
            body_start..body_start + 1,
            "a property has no name before `=`; JTOpen ignores it",
            "write `name=value`",
        ));
    }
    let (value, value_span) = match raw_value {
        Some(v) => {
            let sp = trimmed_span(v, vstart);
            (Some(s[sp.clone()].to_string()), sp)
        }
        None => {
            d.push(
                Diagnostic::warning(
                    Code::PropertyWithoutValue,
                    name_span.clone(),
                    format!("`{name}` has no `=value`; JTOpen reads it as a property with an empty value"),
                    "write `name=value`; if the rest of the URL went missing, the shell probably cut it at a blank or `;`: quote the whole URL",
                )
                .with_label("no `=`"),
            );
            (None, end..end)
        }
    };
    out.push(Property {
        name,
        value,
        token_span: sep..end,
        name_span,
        value_span,
        known_secret: false,
    });
}

fn check_values(p: &Property, d: &mut Vec<Diagnostic>) {
    // JDProperties validates choices and falls back to the default with only a trace line:
    // an invalid value is silently ignored, hence warnings.
    let ignored = "JTOpen silently uses the default instead";
    match p.name.trim().to_ascii_lowercase().as_str() {
        "database name" => check_rdb(p, d),
        "libraries" => check_libraries(p, d),
        "naming" => check_choice(p, &["sql", "system"], Severity::Warning, ignored, d),
        "errors" => check_choice(p, &["basic", "full"], Severity::Warning, ignored, d),
        "secure" | "prompt" | "auto commit" | "true autocommit" | "keep alive" | "tcp no delay"
        | "extended metadata" | "lazy close" | "thread used" | "big decimal" | "data truncation"
        | "trim char fields" | "translate binary" | "translate boolean" | "full open" => {
            check_choice(p, &["true", "false"], Severity::Warning, ignored, d)
        }
        "access" => check_choice(p, &["all", "read call", "read only"], Severity::Warning, ignored, d),
        "transaction isolation" => check_choice(
            p,
            &[
                "none",
                "read uncommitted",
                "read committed",
                "repeatable read",
                "serializable",
            ],
            Severity::Warning,
            ignored,
            d,
        ),
        "login timeout" | "socket timeout" => check_millis(p, Severity::Warning, ignored, d),
        "portnumber" => {
            if let Some(v) = p.value.as_deref() {
                let mut tmp = Vec::new();
                check_port(v, p.value_span.clone(), &mut tmp);
                d.extend(tmp);
            }
        }
        _ => {}
    }
}

/// `database name`: an RDB name from the relational database directory (WRKRDBDIRE), i.e. an
/// IASP's RDB or the system database; `*SYSBAS` selects the system ASP. DDM RDB names are at
/// most 18 characters: a letter or `@ # $` first, then letters, digits, `_ @ # $`.
fn check_rdb(p: &Property, d: &mut Vec<Diagnostic>) {
    let Some(v) = p.value.as_deref() else { return };
    if v.is_empty() || v.eq_ignore_ascii_case("*SYSBAS") {
        return;
    }
    let first_ok = v
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '@' | '#' | '$'));
    let rest_ok = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '#' | '$'));
    let problem = if v.chars().count() > 18 {
        Some(format!(
            "`{v}` is {} characters long; IBM i RDB names have at most 18",
            v.chars().count()
        ))
    } else if !first_ok || !rest_ok {
        Some(format!("`{v}` is not a valid IBM i RDB name"))
    } else {
        None
    };
    if let Some(msg) = problem {
        d.push(
            Diagnostic::error(
                Code::As400RdbName,
                p.value_span.clone(),
                msg,
                "use the IASP's relational database name as listed by WRKRDBDIRE (e.g. `IASP1`), or `*SYSBAS`",
            )
            .with_label("not an RDB name"),
        );
    }
}

/// `libraries`: separated by commas or spaces; "libraries cannot be longer than 10 characters".
fn check_libraries(p: &Property, d: &mut Vec<Diagnostic>) {
    let Some(v) = p.value.as_deref() else { return };
    let mut off = 0;
    for part in v.split([',', ' ']) {
        let start = p.value_span.start + off;
        off += part.len() + 1;
        let lib = part.trim();
        if lib.is_empty() || lib.starts_with('*') {
            continue;
        }
        if lib.chars().count() > 10 {
            d.push(
                Diagnostic::error(
                    Code::As400LibraryName,
                    start..start + part.len(),
                    format!("library `{lib}` is longer than 10 characters"),
                    "IBM i library names have at most 10 characters",
                )
                .with_label("over 10 characters"),
            );
        }
    }
}

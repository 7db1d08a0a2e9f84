//! MySQL Connector/J: `jdbc:mysql:[loadbalance:|replication:]//[user[:password]@]hosts[/db][?k=v&...]`.
//!
//! "Any reserved characters for URLs (for example, /, :, @, (, ), [, ], &, #, =, ?, and space)
//! that appear in any part of the connection URL must be percent encoded." Connector/J decodes
//! every part but the scheme with `URLDecoder`, so a raw `+` becomes a blank (a password
//! `a+b` arrives as `a b`). The scheme is matched case-insensitively. A query key without `=`
//! is stored with no value; an empty key with a value is an error (`ConnectionString.4`).
//! Keys `user, password, host, port, protocol,
//! path, type, address, priority, dbname` are case-insensitive, every other key is
//! case-sensitive (`PropertyKey`). Host default `localhost`, port default 3306. Database names:
//! at most 64 characters, no trailing space; unquoted identifiers use `0-9 a-z A-Z $ _` and
//! U+0080..U+FFFF.

use super::diag::{Code, Diagnostic, Severity, Span};
use super::host::endpoint;
use super::model::{Endpoint, JdbcUrl, Kind, Property, UserInfo, Variant};
use super::props::{check_choice, check_int, check_millis};

pub fn parse(s: &str, pos: usize, d: &mut Vec<Diagnostic>) -> JdbcUrl {
    let mut url = JdbcUrl::new(Kind::MySql, Variant::MySql { sub: None });
    let mut at = pos;
    if !s[at..].starts_with(':') {
        d.push(missing_slashes(at));
        return url;
    }
    at += 1;
    for sub in ["loadbalance:", "replication:"] {
        if let Some(rest) = super::strip_prefix_ci(&s[at..], sub) {
            url.variant = Variant::MySql {
                sub: Some(sub.trim_end_matches(':').to_string()),
            };
            at = s.len() - rest.len();
        }
    }
    if !s[at..].starts_with("//") {
        d.push(missing_slashes(at));
        return url;
    }
    at += 2;
    let auth_len = s[at..].find(['/', '?']).unwrap_or(s.len() - at);
    let auth = &s[at..at + auth_len];
    parse_authority(auth, at, &mut url, d);
    let mut i = at + auth_len;
    if s[i..].starts_with('/') {
        let db_start = i + 1;
        let db_end = s[db_start..].find('?').map_or(s.len(), |j| db_start + j);
        let raw = &s[db_start..db_end];
        if !raw.is_empty() {
            let span = db_start..db_end;
            if let Some(db) = decode(raw, db_start, d) {
                unencoded(raw, db_start, "/#[]@ ", d);
                check_database(&db, span, d);
                url.database = Some(db.clone());
                url.path = Some(db);
            }
        }
        i = db_end;
    }
    if url.database.is_none() {
        d.push(Diagnostic::warning(
            Code::MySqlNoDatabase,
            i..i,
            "no database: the connection starts without a default database, and Traveler needs one",
            "add `/` and the database created for Traveler, e.g. `/TRAVELER`",
        ));
    }
    if s[i..].starts_with('?') {
        parse_query(s, i, &mut url.properties, d);
    }
    for p in &url.properties {
        check_values(p, d);
    }
    let explicit = |n: &str| url.properties.iter().rev().find(|p| p.name == n);
    if let (Some(_), Some(ssl)) = (explicit("sslMode"), explicit("useSSL")) {
        d.push(
            Diagnostic::warning(
                Code::MySqlSslConflict,
                ssl.name_span.clone(),
                "both `sslMode` and `useSSL` are given: Connector/J 8 uses `sslMode` and ignores `useSSL`",
                "remove `useSSL` (deprecated since Connector/J 8.0.13)",
            )
            .with_label("ignored"),
        );
    }
    url
}

fn missing_slashes(at: usize) -> Diagnostic {
    Diagnostic::error(
        Code::MySqlMissingSlashes,
        at..at,
        "Connector/J URLs need `//` before the host",
        "write `jdbc:mysql://host:3306/TRAVELER`",
    )
    .with_label("`//` expected")
}

fn parse_authority(auth: &str, base: usize, url: &mut JdbcUrl, d: &mut Vec<Diagnostic>) {
    let mut hosts = auth;
    let mut hbase = base;
    if let Some(atpos) = auth.rfind('@') {
        let ui = &auth[..atpos];
        let (user_raw, pw) = match ui.find(':') {
            Some(c) => (&ui[..c], Some((&ui[c + 1..], base + c + 1..base + atpos))),
            None => (ui, None),
        };
        let user = decode(user_raw, base, d).unwrap_or_default();
        let (password, password_span) = match pw {
            Some((raw, span)) => (decode(raw, span.start, d), Some(span)),
            None => (None, None),
        };
        url.userinfo = Some(UserInfo {
            user,
            password,
            span: base..base + atpos + 1,
            password_span,
        });
        hosts = &auth[atpos + 1..];
        hbase = base + atpos + 1;
    }
    if hosts.contains('(') || super::strip_prefix_ci(hosts, "address=").is_some() {
        d.push(Diagnostic::error(
            Code::MySqlUnsupportedHostSyntax,
            hbase..hbase + hosts.len(),
            "the `address=(host=...)(port=...)` and `(host=...,port=...)` host forms cannot be checked by travelerUtil",
            "write the hosts as `host:port[,host:port]`",
        ));
        url.endpoints.push(Endpoint {
            host: None,
            port: None,
            host_span: hbase..hbase,
        });
        return;
    }
    // `[h1:p1,h2:p2]` is a host list; `[::1]:3306` is one IPv6 host.
    let (list, lbase) = match hosts.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        Some(inner) if inner.contains(',') => (inner, hbase + 1),
        _ => (hosts, hbase),
    };
    if list.is_empty() {
        // `jdbc:mysql:///db`: localhost, the default.
        url.endpoints.push(Endpoint {
            host: None,
            port: None,
            host_span: hbase..hbase,
        });
        return;
    }
    let mut off = 0;
    for part in split_hosts(list) {
        let pbase = lbase + off;
        off += part.len() + 1;
        // Two or more colons outside brackets: an IPv6 address, which split_host_port would
        // misread as host `fe80` and port `:1:3306`.
        if !part.starts_with('[') && part.matches(':').count() > 1 {
            d.push(Diagnostic::error(
                Code::UnbracketedIpv6,
                pbase..pbase + part.len(),
                "an IPv6 address must be enclosed in brackets",
                "write `[address]` and put a port after it as `]:port`, e.g. `[fe80::1]:3306`",
            ));
            url.endpoints.push(Endpoint {
                host: None,
                port: None,
                host_span: pbase..pbase + part.len(),
            });
            continue;
        }
        let (ep, _) = endpoint(
            part,
            pbase,
            (
                "an entry of the host list has no host name",
                "remove the extra `,` or write the host",
            ),
            d,
        );
        url.endpoints.push(ep);
    }
}

/// Splits a host list at commas that are outside brackets.
fn split_hosts(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out
}

/// `?k=v&k2=v2`; `from` is at the `?`. Each token's span includes its leading `?` or `&`.
fn parse_query(s: &str, from: usize, out: &mut Vec<Property>, d: &mut Vec<Diagnostic>) {
    let mut sep = from;
    while sep < s.len() {
        let start = sep + 1;
        let end = s[start..].find('&').map_or(s.len(), |j| start + j);
        let tok = &s[start..end];
        if !tok.is_empty() {
            let (raw_name, raw_value, vstart) = match tok.find('=') {
                Some(eq) => (&tok[..eq], Some(&tok[eq + 1..]), start + eq + 1),
                None => (tok, None, end),
            };
            let name_span = start..start + raw_name.len();
            let name = decode(raw_name, start, d).unwrap_or_else(|| raw_name.to_string());
            unencoded(raw_name, start, "#[]@? ", d);
            if name.is_empty() {
                d.push(Diagnostic::error(
                    Code::EmptyPropertyName,
                    start..start + 1,
                    "a parameter has no name before `=`; Connector/J rejects the URL",
                    "write `name=value`",
                ));
            }
            let value = match raw_value {
                Some(v) => {
                    unencoded(v, vstart, "#[]@? ", d);
                    Some(decode(v, vstart, d).unwrap_or_else(|| v.to_string()))
                }
                None => {
                    d.push(
                        Diagnostic::warning(
                            Code::PropertyWithoutValue,
                            name_span.clone(),
                            format!("`{name}` has no `=value`; Connector/J sets nothing for it"),
                            "write `name=value`",
                        )
                        .with_label("no `=`"),
                    );
                    None
                }
            };
            // The first parameter keeps its `?` and takes the following `&` instead, so cutting
            // the token (to lift a password) leaves a well-formed query.
            let token_span = if s.as_bytes()[sep] == b'?' {
                start..if end < s.len() { end + 1 } else { end }
            } else {
                sep..end
            };
            out.push(Property {
                name,
                value,
                token_span,
                name_span,
                value_span: vstart..end,
                known_secret: false,
            });
        }
        sep = end;
    }
}

/// Decodes like `java.net.URLDecoder` (what Connector/J uses): `%XX` escapes (RFC 3986 §2.1)
/// and `+` as a blank. A `%` not followed by two hex digits is an error (the decoder throws);
/// so is text that does not decode to UTF-8.
fn decode(raw: &str, base: usize, d: &mut Vec<Diagnostic>) -> Option<String> {
    if let Some(i) = raw.find('+') {
        d.push(
            Diagnostic::warning(
                Code::MySqlUnencodedReserved,
                base + i..base + i + 1,
                "Connector/J decodes a raw `+` as a blank",
                "write `%2B` for a plus sign (or `%20` if you meant a blank)",
            )
            .with_label("decodes to a blank"),
        );
    }
    let b = raw.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            let end = (i + 3).min(b.len());
            d.push(
                Diagnostic::error(
                    Code::MySqlBadPercentEscape,
                    base + i..base + end,
                    "`%` is not followed by two hexadecimal digits",
                    "write a literal `%` as `%25`",
                )
                .with_label("bad escape"),
            );
            return None;
        }
    }
    let plus_as_blank = raw.replace('+', " ");
    match percent_encoding::percent_decode_str(&plus_as_blank).decode_utf8() {
        Ok(v) => Some(v.into_owned()),
        Err(_) => {
            d.push(Diagnostic::error(
                Code::MySqlBadPercentEscape,
                base..base + raw.len(),
                "the percent-escapes do not decode to UTF-8 text",
                "percent-encode the UTF-8 bytes of each character",
            ));
            None
        }
    }
}

/// Reserved characters that must be percent-encoded but were written raw.
fn unencoded(raw: &str, base: usize, reserved: &str, d: &mut Vec<Diagnostic>) {
    if let Some((i, c)) = raw.char_indices().find(|(_, c)| reserved.contains(*c)) {
        d.push(
            Diagnostic::warning(
                Code::MySqlUnencodedReserved,
                base + i..base + i + c.len_utf8(),
                format!("`{c}` is reserved in URLs and should be percent-encoded"),
                format!("write `%{:02X}` instead of `{c}`", c as u32),
            )
            .with_label("reserved"),
        );
    }
}

fn check_database(db: &str, span: Span, d: &mut Vec<Diagnostic>) {
    let n = db.chars().count();
    if n > 64 {
        d.push(
            Diagnostic::error(
                Code::MySqlDatabaseTooLong,
                span,
                format!("the database name is {n} characters long; MySQL allows at most 64"),
                "use the name of the database created for Traveler",
            )
            .with_label("over 64 characters"),
        );
        return;
    }
    if db.ends_with(' ') {
        d.push(Diagnostic::error(
            Code::MySqlDatabaseChars,
            span,
            "MySQL database names cannot end with a space",
            "remove the trailing space (`%20`)",
        ));
        return;
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '$' || c == '_' || ('\u{80}'..='\u{ffff}').contains(&c);
    if let Some(c) = db.chars().find(|&c| !plain(c)) {
        d.push(
            Diagnostic::warning(
                Code::MySqlDatabaseChars,
                span,
                format!("`{c}` makes the database name need quoting in SQL"),
                "prefer a plain name of letters, digits, `$` and `_` such as `TRAVELER`",
            )
            .with_label("needs quoting"),
        );
    }
}

fn check_values(p: &Property, d: &mut Vec<Diagnostic>) {
    // Connector/J validates typed properties when the connection is made and throws on a bad
    // value ("The connection property 'x' acceptable values are: ...").
    let bad = "Connector/J rejects the connection";
    match p.name.as_str() {
        "sslMode" => check_choice(
            p,
            &["DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"],
            Severity::Error,
            bad,
            d,
        ),
        "useSSL"
        | "requireSSL"
        | "verifyServerCertificate"
        | "allowPublicKeyRetrieval"
        | "autoReconnect"
        | "useUnicode"
        | "rewriteBatchedStatements"
        | "useServerPrepStmts"
        | "cachePrepStmts"
        | "tcpKeepAlive"
        | "useCompression"
        | "allowMultiQueries"
        | "failOverReadOnly" => check_choice(p, &["true", "false", "yes", "no"], Severity::Error, bad, d),
        "connectTimeout" | "socketTimeout" => check_millis(p, Severity::Error, bad, d),
        "maxReconnects" | "initialTimeout" | "prepStmtCacheSize" | "prepStmtCacheSqlLimit" => {
            check_int(p, 0, i64::from(i32::MAX), Severity::Error, bad, d);
        }
        _ => {}
    }
}

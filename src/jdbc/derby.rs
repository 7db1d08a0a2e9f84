//! Apache Derby: embedded `jdbc:derby:[subsubprotocol:][databaseName][;attribute=value]*`
//! (Traveler's standalone default, `<data>/traveler/ntsdb`) and the network client
//! `jdbc:derby://server[:port]/databaseName[;attribute=value]*`.
//!
//! The prefix test is `url.startsWith("jdbc:derby:")` and sub-subprotocols are looked up by
//! exact name, so both are case-sensitive. `InternalDriver.getAttributes` splits the attributes with a `StringTokenizer` on `;` (empty
//! tokens vanish), throws `XJ028` (malformed URL) for a token without `=`, trims key and value
//! and stores them verbatim, so names are case-sensitive; "attributes are not parsed for
//! correctness … an incorrect attribute or value is simply ignored". If both the subname and a
//! `databaseName` attribute are given, the subname wins. Network default port 1527.

use super::diag::{Code, Diagnostic, Severity, Span, trimmed_span};
use super::host::endpoint;
use super::model::{JdbcUrl, Kind, Property, Variant};
use super::props::check_choice;

const SUBSUB: &[&str] = &["directory", "memory", "classpath", "jar"];

pub fn parse(s: &str, pos: usize, d: &mut Vec<Diagnostic>) -> JdbcUrl {
    let mut url = JdbcUrl::new(Kind::Derby, Variant::DerbyEmbedded { subsub: None });
    if !s[pos..].starts_with(':') {
        d.push(Diagnostic::error(
            Code::DerbyMissingDatabase,
            pos..pos,
            "`jdbc:derby` must be followed by `:` and a database",
            "write `jdbc:derby:/path/to/db` (embedded) or `jdbc:derby://host:1527/db` (network server)",
        ));
        return url;
    }
    let mut at = pos + 1;
    let db_span: Span;
    let mut missing_reported = false;
    if s[at..].starts_with("//") {
        url.variant = Variant::DerbyNetwork;
        at += 2;
        let auth_len = s[at..].find(['/', ';']).unwrap_or(s.len() - at);
        let (ep, _) = endpoint(
            &s[at..at + auth_len],
            at,
            (
                "the Derby network server's host is missing",
                "write `jdbc:derby://host:1527/db`",
            ),
            d,
        );
        url.endpoints.push(ep);
        at += auth_len;
        if !s[at..].starts_with('/') {
            d.push(Diagnostic::error(
                Code::DerbyMissingDatabase,
                at..at,
                "the database name is missing after the host",
                "add `/` and the database name: `jdbc:derby://host:1527/TRAVELER`",
            ));
            db_span = at..at;
            missing_reported = true;
        } else {
            at += 1;
            let end = s[at..].find(';').map_or(s.len(), |j| at + j);
            db_span = at..end;
        }
    } else {
        // Sub-subprotocol: only Derby's own names count, so `C:/data` stays a path.
        if let Some(colon) = s[at..].find(':') {
            let word = &s[at..at + colon];
            // `BaseMonitor` looks sub-subprotocols up by exact key: `MEMORY:` is a path.
            if SUBSUB.contains(&word) {
                let mut sub_end = at + colon + 1;
                if word == "jar" && s[sub_end..].starts_with('(') {
                    // `jar:(path/to/archive.jar)db`: the database path follows the `)`.
                    sub_end = s[sub_end..].find(')').map_or(s.len(), |j| sub_end + j + 1);
                }
                // The prefix exactly as written (`memory:`, `jar:(/x.jar)`), for the canonical form.
                let sub = s[at..sub_end].to_string();
                if word == "memory" {
                    d.push(Diagnostic::warning(
                        Code::DerbyInMemory,
                        at..at + colon,
                        "an in-memory Derby database loses every row when the server stops",
                        "use a directory path for a persistent database, e.g. `jdbc:derby:/local/notesdata/traveler/ntsdb`",
                    ));
                }
                url.variant = Variant::DerbyEmbedded { subsub: Some(sub) };
                at = sub_end;
            }
        }
        let end = s[at..].find(';').map_or(s.len(), |j| at + j);
        db_span = at..end;
    }
    let name = s[db_span.clone()].trim().to_string();
    let attr_from = db_span.end;
    if attr_from < s.len() {
        parse_attrs(s, attr_from, &mut url.properties, d);
    }
    let attr_db = url
        .properties
        .iter()
        .rev()
        .find(|p| p.name == "databaseName")
        .and_then(|p| p.value.clone());
    if !name.is_empty() {
        url.path = Some(name.clone());
        url.database = Some(name);
        if let Some(p) = url.properties.iter().rev().find(|p| p.name == "databaseName") {
            d.push(
                Diagnostic::warning(
                    Code::DerbyBothNames,
                    p.token_span.clone(),
                    "the database is named twice; Derby uses the name before the first `;` and ignores `databaseName`",
                    "remove one of them",
                )
                .with_label("ignored"),
            );
        }
    } else if let Some(v) = attr_db.filter(|v| !v.is_empty()) {
        url.database = Some(v);
    } else if !missing_reported {
        d.push(Diagnostic::error(
            Code::DerbyMissingDatabase,
            db_span.clone(),
            "the Derby database name is missing",
            "write the database path, e.g. `jdbc:derby:/local/notesdata/traveler/ntsdb`",
        ));
    }
    for p in &url.properties {
        match p.name.as_str() {
            "create" | "shutdown" | "upgrade" | "dataEncryption" | "drop" | "deregister" | "retrieveMessageText" => {
                check_choice(
                    p,
                    &["true", "false"],
                    Severity::Warning,
                    "Derby ignores other values",
                    d,
                )
            }
            _ => {}
        }
    }
    url
}

/// `;name=value` attributes; `from` is at the first `;`.
fn parse_attrs(s: &str, from: usize, out: &mut Vec<Property>, d: &mut Vec<Diagnostic>) {
    let mut sep = from;
    while sep < s.len() {
        let start = sep + 1;
        let end = s[start..].find(';').map_or(s.len(), |j| start + j);
        let tok = &s[start..end];
        if !tok.is_empty() {
            match tok.find('=') {
                Some(eq) => {
                    let name_span = trimmed_span(&tok[..eq], start);
                    let value_span = trimmed_span(&tok[eq + 1..], start + eq + 1);
                    if name_span.is_empty() {
                        d.push(Diagnostic::warning(
                            Code::EmptyPropertyName,
                            start..start + 1,
                            "an attribute has no name before `=`; Derby ignores it",
                            "write `name=value`",
                        ));
                    }
                    out.push(Property {
                        name: s[name_span.clone()].to_string(),
                        value: Some(s[value_span.clone()].to_string()),
                        token_span: sep..end,
                        name_span,
                        value_span,
                        known_secret: false,
                    });
                }
                None => {
                    let name_span = trimmed_span(tok, start);
                    d.push(
                        Diagnostic::error(
                            Code::PropertyWithoutValue,
                            name_span.clone(),
                            format!(
                                "`{}` has no `=value`; Derby rejects the URL (XJ028 malformed URL)",
                                tok.trim()
                            ),
                            "write `name=value`",
                        )
                        .with_label("expected `=`"),
                    );
                    out.push(Property {
                        name: s[name_span.clone()].to_string(),
                        value: None,
                        token_span: sep..end,
                        name_span,
                        value_span: end..end,
                        known_secret: false,
                    });
                }
            }
        }
        sep = end;
    }
}

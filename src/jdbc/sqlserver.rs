//! Microsoft JDBC Driver for SQL Server:
//! `jdbc:sqlserver://[serverName[\instanceName][:portNumber]][;property=value...]`.
//!
//! Follows `Util.parseUrl` (mssql-jdbc): the prefix test is case-sensitive; the server name ends
//! at `;`, `:` or `\` and may not contain `=`; the instance name ends at `;` or `:`; a property
//! name is trimmed and may not be empty; a value is trimmed unless braced, `{...}` takes its
//! content literally with `}}` standing for `}`, only blanks may follow the closing brace, and a
//! `{` after other value text is an error. Names are matched case-insensitively (with synonyms
//! such as `database` → `databaseName`); unknown names are dropped; duplicates are not rejected:
//! the last one wins. "If you use both a portNumber and instanceName, the portNumber takes
//! precedence and the instanceName is ignored."

use super::diag::{Code, Diagnostic, Severity, Span, trimmed_span};
use super::host::{check_host, check_port};
use super::model::{Endpoint, JdbcUrl, Kind, Property, Variant};
use super::props::{check_choice, check_int, resolve};

pub fn parse(s: &str, pos: usize, d: &mut Vec<Diagnostic>) -> JdbcUrl {
    let mut url = JdbcUrl::new(
        Kind::SqlServer,
        Variant::SqlServer {
            host: None,
            instance: None,
            port: None,
        },
    );
    let Some(auth_rest) = s[pos..].strip_prefix("://") else {
        d.push(Diagnostic::error(
            Code::MissingHost,
            pos..pos,
            "`jdbc:sqlserver` must be followed by `://`",
            "write `jdbc:sqlserver://host:1433;databaseName=TRAVELER`",
        ));
        return url;
    };
    let a = pos + 3;
    let auth_len = auth_rest.find(';').unwrap_or(auth_rest.len());
    let auth = &auth_rest[..auth_len];
    // Server name: up to `\`, `:` or the end of the authority.
    let host_len = auth.find(['\\', ':']).unwrap_or(auth.len());
    let host = &auth[..host_len];
    let host_span = a..a + host_len;
    let mut ep = Endpoint {
        host: None,
        port: None,
        host_span: host_span.clone(),
    };
    if host.starts_with('[') {
        d.push(Diagnostic::error(
            Code::SqlServerIpv6Authority,
            a..a + auth_len,
            "mssql-jdbc cannot read an IPv6 address in the URL's server part (it ends the name at the first `:`)",
            "leave the server part empty and give it as a property: `jdbc:sqlserver://;serverName=2001:db8::1;portNumber=1433;...`",
        ));
    } else if let Some(eq) = host.find('=') {
        d.push(
            Diagnostic::error(
                Code::SqlServerEqualsInServer,
                a + eq..a + eq + 1,
                "the server name contains `=`; mssql-jdbc rejects it",
                "start the property list with `;`: `jdbc:sqlserver://host;databaseName=TRAVELER`",
            )
            .with_label("`;` expected before the first property"),
        );
    } else if !host.is_empty() {
        ep.host = Some(check_host(host, host_span.clone(), d));
    }
    // After a bracketed IPv6 address (J307) the rest of the authority cannot be read the way
    // the driver reads it; one error says it all.
    let mut i = if host.starts_with('[') { auth.len() } else { host_len };
    let mut inst_span: Option<Span> = None;
    if auth[i..].starts_with('\\') {
        let end = auth[i + 1..].find(':').map_or(auth.len(), |j| i + 1 + j);
        let inst = &auth[i + 1..end];
        let span = a + i + 1..a + end;
        check_instance(inst, span.clone(), d);
        if !inst.is_empty() {
            url.instance = Some(inst.to_string());
        }
        inst_span = Some(span);
        i = end;
    }
    if auth[i..].starts_with(':') {
        ep.port = check_port(&auth[i + 1..], a + i + 1..a + auth.len(), d);
    }
    let authority_host = ep.host.clone();
    let authority_port = ep.port;
    let authority_instance = url.instance.clone();
    url.endpoints.push(ep);
    if auth_len < auth_rest.len() {
        parse_props(s, a + auth_len, &mut url.properties, d);
    }
    // Properties override the authority: the driver puts the parsed server, instance and port
    // into its Properties first and the URL's properties afterwards.
    for p in &url.properties {
        let Some(v) = p.value.clone() else { continue };
        match resolve(Kind::SqlServer, &p.name) {
            Some("serverName") => {
                let (h, span) = strip_brackets(&v, p.value_span.clone());
                url.endpoints[0].host = Some(check_host_value(&h, span, d));
                url.endpoints[0].host_span = p.value_span.clone();
            }
            Some("portNumber") => url.endpoints[0].port = check_port(v.trim(), p.value_span.clone(), d),
            Some("instanceName") => {
                check_instance(&v, p.value_span.clone(), d);
                url.instance = Some(v);
                inst_span = Some(p.value_span.clone());
            }
            Some("databaseName") => url.database = Some(v),
            _ => {}
        }
    }
    if let (Some(ispan), Some(_)) = (&inst_span, url.endpoints[0].port)
        && url.instance.is_some()
    {
        d.push(
            Diagnostic::warning(
                Code::SqlServerInstanceAndPort,
                ispan.clone(),
                "both an instance name and a port are given: the driver connects to the port and ignores the instance",
                "keep only the port (a fixed port is faster: no SQL Browser lookup), or only `\\instance`",
            )
            .with_label("ignored"),
        );
    }
    match url.database.as_deref() {
        None | Some("") => d.push(Diagnostic::warning(
            Code::SqlServerNoDatabase,
            s.len()..s.len(),
            "no `databaseName`: the login's default database is used (often `master`)",
            "add `;databaseName=TRAVELER` (the database created for Traveler)",
        )),
        Some(db) => {
            let span = url
                .properties
                .iter()
                .rev()
                .find(|p| resolve(Kind::SqlServer, &p.name) == Some("databaseName"))
                .map(|p| p.value_span.clone())
                .unwrap_or(0..0);
            check_database(db, span, d);
        }
    }
    for p in &url.properties {
        check_values(p, d);
    }
    url.variant = Variant::SqlServer {
        host: authority_host,
        instance: authority_instance,
        port: authority_port,
    };
    url
}

fn strip_brackets(v: &str, span: Span) -> (String, Span) {
    let t = v.trim();
    match t.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        Some(inner) => (inner.to_string(), span.start + 1..span.end.saturating_sub(1)),
        None => (t.to_string(), span),
    }
}

/// `serverName=` may hold an IPv6 address without brackets (that is the documented way).
fn check_host_value(h: &str, span: Span, d: &mut Vec<Diagnostic>) -> String {
    if h.contains(':') {
        check_host(&format!("[{h}]"), span.start.saturating_sub(1)..span.end + 1, d)
    } else {
        check_host(h, span, d)
    }
}

/// SQL Server instance names: at most 16 characters; letters, digits, `_`, `$`, `#`, `&`;
/// the first a letter, `_` or `&`.
fn check_instance(inst: &str, span: Span, d: &mut Vec<Diagnostic>) {
    let first_ok = inst
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '&');
    let rest_ok = inst
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '#' | '&'));
    let msg = if inst.is_empty() {
        Some("the instance name after `\\` is empty".to_string())
    } else if inst.chars().count() > 16 {
        Some(format!("instance name `{inst}` is longer than 16 characters"))
    } else if !first_ok || !rest_ok {
        Some(format!("`{inst}` is not a valid SQL Server instance name"))
    } else {
        None
    };
    if let Some(m) = msg {
        d.push(
            Diagnostic::error(
                Code::SqlServerInstanceName,
                span,
                m,
                "use the instance name shown by SQL Server Configuration Manager (e.g. `SQLEXPRESS`), or remove `\\`",
            )
            .with_label("not an instance name"),
        );
    }
}

/// SQL Server identifiers: 1–128 characters; regular identifiers start with a letter or `_`
/// (`@` and `#` have special meanings) and continue with letters, digits, `@ $ # _`. Other
/// names exist but need delimiting in T-SQL, which Traveler's DDL does not do.
fn check_database(db: &str, span: Span, d: &mut Vec<Diagnostic>) {
    let n = db.chars().count();
    if n > 128 {
        d.push(Diagnostic::error(
            Code::SqlServerDatabaseName,
            span,
            format!("the database name is {n} characters long; SQL Server allows at most 128"),
            "use the name of the database created for Traveler",
        ));
        return;
    }
    let first_ok = db.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
    let rest_ok = db
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '@' | '$' | '#' | '_'));
    if !first_ok || !rest_ok {
        d.push(
            Diagnostic::warning(
                Code::SqlServerDatabaseName,
                span,
                format!("`{db}` is not a regular SQL Server identifier; it only works where it is delimited"),
                "prefer a plain name of letters, digits and `_` such as `TRAVELER`",
            )
            .with_label("not a regular identifier"),
        );
    }
}

/// `;name=value` tokens with mssql-jdbc's brace rules. `from` is at the first `;`.
fn parse_props(s: &str, from: usize, out: &mut Vec<Property>, d: &mut Vec<Diagnostic>) {
    let b = s.as_bytes();
    let mut at = from; // at a `;`
    while at < b.len() {
        let tok = at;
        let name_start = at + 1;
        // Name: up to `=` or `;`.
        let mut i = name_start;
        while i < b.len() && b[i] != b'=' && b[i] != b';' {
            i += 1;
        }
        let raw_name = &s[name_start..i];
        let name_span = trimmed_span(raw_name, name_start);
        let name = s[name_span.clone()].to_string();
        if i >= b.len() || b[i] == b';' {
            if !raw_name.trim().is_empty() {
                d.push(
                    Diagnostic::error(
                        Code::PropertyWithoutValue,
                        name_span.clone(),
                        format!("`{name}` has no `=value`; mssql-jdbc rejects the URL"),
                        "write `name=value`, or remove the stray word (a shell may have split the URL: quote it)",
                    )
                    .with_label("expected `=`"),
                );
                out.push(Property {
                    name,
                    value: None,
                    token_span: tok..i,
                    name_span,
                    value_span: i..i,
                    known_secret: false,
                });
            }
            at = i;
            continue;
        }
        if name.is_empty() {
            d.push(Diagnostic::error(
                Code::EmptyPropertyName,
                name_start..i + 1,
                "a property has no name before `=`; mssql-jdbc rejects the URL",
                "write `name=value`",
            ));
        }
        // Value.
        let vstart = i + 1;
        let lead = s[vstart..].len() - s[vstart..].trim_start_matches([' ', '\t']).len();
        let (value, value_span, end) = if s[vstart + lead..].starts_with('{') {
            braced(s, vstart + lead, d)
        } else {
            let mut j = vstart;
            while j < b.len() && b[j] != b';' {
                if b[j] == b'{' {
                    d.push(
                        Diagnostic::error(
                            Code::SqlServerTextBeforeBrace,
                            j..j + 1,
                            "`{` inside a value: mssql-jdbc only accepts a brace at the start of a value",
                            "brace the whole value, doubling any `}`: `name={a{b}`",
                        )
                        .with_label("unexpected `{`"),
                    );
                }
                j += 1;
            }
            let sp = trimmed_span(&s[vstart..j], vstart);
            (s[sp.clone()].to_string(), sp, j)
        };
        out.push(Property {
            name,
            value: Some(value),
            token_span: tok..end,
            name_span,
            value_span,
            known_secret: false,
        });
        at = end;
    }
}

/// A braced value starting at `open` (the `{`). Returns (value, span of the content, end).
fn braced(s: &str, open: usize, d: &mut Vec<Diagnostic>) -> (String, Span, usize) {
    let b = s.as_bytes();
    let mut v = Vec::new();
    let mut j = open + 1;
    loop {
        if j >= b.len() {
            d.push(
                Diagnostic::error(
                    Code::SqlServerUnterminatedBrace,
                    open..open + 1,
                    "the braced value has no closing `}`",
                    "close the value with `}`; a `}` inside the value is written `}}`",
                )
                .with_label("opened here"),
            );
            let text = String::from_utf8_lossy(&v).into_owned();
            return (text, open + 1..b.len(), b.len());
        }
        if b[j] == b'}' {
            if j + 1 < b.len() && b[j + 1] == b'}' {
                v.push(b'}');
                j += 2;
                continue;
            }
            break;
        }
        v.push(b[j]);
        j += 1;
    }
    let close = j;
    let mut k = close + 1;
    while k < b.len() && b[k] == b' ' {
        k += 1;
    }
    if k < b.len() && b[k] != b';' {
        let stop = s[k..].find(';').map_or(b.len(), |x| k + x);
        d.push(
            Diagnostic::error(
                Code::SqlServerTextAfterBrace,
                k..stop,
                "text after the closing `}` of a braced value",
                "a `}` inside a braced value must be doubled (`}}`); otherwise put `;` after the `}`",
            )
            .with_label("unexpected"),
        );
        k = stop;
    }
    let text = String::from_utf8_lossy(&v).into_owned();
    (text, open + 1..close, k)
}

fn check_values(p: &Property, d: &mut Vec<Diagnostic>) {
    match resolve(Kind::SqlServer, &p.name) {
        // SQLServerDriver: false|no|optional → off, true|mandatory → on, strict → TDS 8;
        // anything else is R_InvalidConnectionSetting.
        Some("encrypt") => check_choice(
            p,
            &["true", "false", "no", "optional", "mandatory", "strict"],
            Severity::Error,
            "mssql-jdbc rejects the connection",
            d,
        ),
        Some(
            "trustServerCertificate"
            | "integratedSecurity"
            | "multiSubnetFailover"
            | "sendStringParametersAsUnicode"
            | "serverNameAsACE"
            | "lastUpdateCount"
            | "xopenStates"
            | "disableStatementPooling"
            | "replication",
        ) => check_choice(
            p,
            &["true", "false"],
            Severity::Error,
            "mssql-jdbc rejects other boolean values",
            d,
        ),
        Some("loginTimeout" | "queryTimeout" | "socketTimeout" | "lockTimeout" | "cancelQueryTimeout") => {
            check_int(
                p,
                if p.name.eq_ignore_ascii_case("lockTimeout") {
                    -1
                } else {
                    0
                },
                65535,
                Severity::Error,
                "mssql-jdbc rejects the connection",
                d,
            );
        }
        Some("applicationIntent") => check_choice(
            p,
            &["ReadWrite", "ReadOnly"],
            Severity::Error,
            "mssql-jdbc rejects the connection",
            d,
        ),
        _ => {}
    }
}

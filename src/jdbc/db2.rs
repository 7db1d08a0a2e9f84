//! Db2 JCC (`db2jcc4.jar`): `jdbc:db2://server[:port]/database[:property=value;...]`.
//!
//! Rules from the IBM Knowledge Center type-4 URL page: the port defaults to 446 (the DRDA
//! port of Db2 for z/OS and IBM i, not Db2 LUW's usual 50000); "each property and value pair,
//! including the last one, must end with a semicolon"; "do not include spaces or other white
//! space characters anywhere within the list"; property names are case-sensitive and unknown
//! names are ignored without an error. Database names: at most 8 bytes of `A-Z a-z 0-9 @ # $`
//! (Db2 LUW naming rules), processed as upper case.

use super::diag::{Code, Diagnostic, Severity};
use super::host::endpoint;
use super::model::{JdbcUrl, Kind, Property, Variant};
use super::props::{check_choice, check_int};

pub fn parse(s: &str, pos: usize, d: &mut Vec<Diagnostic>) -> JdbcUrl {
    let mut url = JdbcUrl::new(Kind::Db2, Variant::Db2 { type2: false });
    let rest = &s[pos..];
    let Some(after_colon) = rest.strip_prefix(':') else {
        d.push(Diagnostic::error(
            Code::MissingHost,
            pos..pos,
            "`jdbc:db2` must be followed by `://host:port/database`",
            "write `jdbc:db2://host:50000/TRAVELER`",
        ));
        return url;
    };
    let db_start = if let Some(auth_rest) = after_colon.strip_prefix("//") {
        let auth_start = pos + 3;
        let auth_len = auth_rest.find('/').unwrap_or(auth_rest.len());
        let (ep, port_written) = endpoint(
            &auth_rest[..auth_len],
            auth_start,
            (
                "the Db2 server's host name is missing",
                "write the host after `//`: `jdbc:db2://db.example.com:50000/TRAVELER`",
            ),
            d,
        );
        let host_span = ep.host_span.clone();
        if !port_written && ep.host.is_some() {
            d.push(
                Diagnostic::warning(
                    Code::Db2PortOmitted,
                    host_span.end..host_span.end,
                    "no port: JCC then uses 446 (the DRDA port of Db2 for z/OS and IBM i), not Db2 LUW's 50000",
                    "write the instance's port explicitly, e.g. `:50000` (`db2 get dbm cfg | grep SVCENAME` shows it)",
                )
                .with_label("port 446 assumed here"),
            );
        }
        url.endpoints.push(ep);
        if auth_len == auth_rest.len() {
            d.push(Diagnostic::error(
                Code::Db2MissingDatabase,
                s.len()..s.len(),
                "the Db2 database name is missing",
                "add `/` and the database name, e.g. `/TRAVELER`",
            ));
            return url;
        }
        auth_start + auth_len + 1
    } else {
        // Type 2: `jdbc:db2:ALIAS` goes through a local Db2 client catalog.
        url.variant = Variant::Db2 { type2: true };
        d.push(Diagnostic::warning(
            Code::Db2Type2,
            pos..pos + 1,
            "type-2 URL: the database is a local Db2 client catalog alias, not a host",
            "HA pool members normally use the type-4 form `jdbc:db2://host:50000/TRAVELER`",
        ));
        pos + 1
    };
    let tail = &s[db_start..];
    let db_len = tail.find(':').unwrap_or(tail.len());
    let db = &tail[..db_len];
    let db_span = db_start..db_start + db_len;
    check_database(db, db_span, d);
    if !db.is_empty() {
        url.database = Some(db.to_string());
        url.path = Some(db.to_string());
    }
    if db_len < tail.len() {
        parse_props(s, db_start + db_len + 1, &mut url.properties, d);
    }
    for p in &url.properties {
        check_values(p, d);
    }
    url.schema = url
        .properties
        .iter()
        .rev()
        .find(|p| p.name == "currentSchema")
        .and_then(|p| p.value.clone());
    url
}

fn check_database(db: &str, span: std::ops::Range<usize>, d: &mut Vec<Diagnostic>) {
    if db.is_empty() {
        d.push(Diagnostic::error(
            Code::Db2MissingDatabase,
            span,
            "the Db2 database name is missing",
            "write the database name after `/`, e.g. `/TRAVELER`",
        ));
        return;
    }
    if let Some((i, c)) = db
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '@' | '#' | '$')))
    {
        let at = span.start + i;
        let fix = if c == ';' || c == '=' {
            "properties go after a `:` following the database name: `/TRAVELER:sslConnection=true;`".to_string()
        } else {
            "Db2 database names use only A-Z, 0-9, @, # and $".to_string()
        };
        d.push(
            Diagnostic::error(
                Code::Db2DatabaseChars,
                at..at + c.len_utf8(),
                format!("`{c}` cannot appear in a Db2 database name"),
                fix,
            )
            .with_label("not allowed"),
        );
        return;
    }
    if db.len() > 8 {
        d.push(
            Diagnostic::error(
                Code::Db2DatabaseTooLong,
                span.clone(),
                format!(
                    "the Db2 database name `{db}` is {} characters long; Db2 allows at most 8",
                    db.len()
                ),
                "use the database name as created on the server (`db2 list db directory` shows it)",
            )
            .with_label(format!("{} characters", db.len())),
        );
    }
    if let Some(i) = db.find(['@', '#', '$']) {
        let at = span.start + i;
        d.push(Diagnostic::warning(
            Code::Db2DatabaseSpecialChars,
            at..at + 1,
            "IBM advises against `@`, `#` and `$` in database names used over a network",
            "if connections fail, check the name with `db2 list db directory` on the server",
        ));
    }
}

/// `name=value;name=value;` — every pair ends with `;`, no whitespace anywhere.
fn parse_props(s: &str, start: usize, out: &mut Vec<Property>, d: &mut Vec<Diagnostic>) {
    if start >= s.len() {
        d.push(Diagnostic::warning(
            Code::Db2EmptyPropertyList,
            start - 1..start,
            "`:` after the database name starts a property list, but none follows",
            "remove the `:` or add `property=value;` pairs",
        ));
        return;
    }
    if let Some(i) = s[start..].find(char::is_whitespace) {
        let at = start + i;
        let len = s[at..]
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(char::len_utf8)
            .sum::<usize>();
        d.push(
            Diagnostic::error(
                Code::Db2PropertyWhitespace,
                at..at + len,
                "JCC does not allow whitespace anywhere in the property list",
                "remove the blanks (write `name=value;name=value;`)",
            )
            .with_label("whitespace"),
        );
    }
    let mut at = start;
    while at < s.len() {
        let seg_end = s[at..].find(';').map_or(s.len(), |i| at + i);
        let seg = &s[at..seg_end];
        let has_semicolon = seg_end < s.len();
        let token_end = if has_semicolon { seg_end + 1 } else { seg_end };
        if seg.is_empty() {
            // `;;`: an empty pair. JCC's grammar has no empty pairs.
            if has_semicolon {
                d.push(Diagnostic::error(
                    Code::EmptyPropertyName,
                    at..at + 1,
                    "empty property (two `;` in a row)",
                    "remove the extra `;`",
                ));
            }
            at = token_end;
            continue;
        }
        let (name, value, name_span, value_span) = match seg.find('=') {
            Some(eq) => (
                &seg[..eq],
                Some(seg[eq + 1..].to_string()),
                at..at + eq,
                at + eq + 1..seg_end,
            ),
            None => {
                d.push(
                    Diagnostic::error(
                        Code::PropertyWithoutValue,
                        at..seg_end,
                        format!("`{seg}` has no `=value`"),
                        "JCC properties are `name=value;` pairs",
                    )
                    .with_label("expected `=`"),
                );
                (seg, None, at..seg_end, seg_end..seg_end)
            }
        };
        if name.is_empty() {
            d.push(Diagnostic::error(
                Code::EmptyPropertyName,
                at..at + 1,
                "a property has no name before `=`",
                "write `name=value;`",
            ));
        }
        if !has_semicolon && value.is_some() {
            d.push(
                Diagnostic::error(
                    Code::Db2MissingSemicolon,
                    seg_end..seg_end,
                    format!("the last property `{name}` does not end with `;`"),
                    "JCC requires a `;` after every pair, including the last: add `;` at the end (if you typed more properties after this one, the shell cut the URL at `;`: quote the whole URL)",
                )
                .with_label("`;` expected here"),
            );
        }
        out.push(Property {
            name: name.to_string(),
            value,
            token_span: at..token_end,
            name_span,
            value_span,
            known_secret: false,
        });
        at = token_end;
    }
}

fn check_values(p: &Property, d: &mut Vec<Diagnostic>) {
    match p.name.as_str() {
        // JCC parses booleans leniently: anything but `true` reads as false, silently.
        "sslConnection"
        | "enableSeamlessFailover"
        | "enableClientAffinitiesList"
        | "readOnly"
        | "deferPrepares"
        | "fullyMaterializeLobData"
        | "retrieveMessagesFromServerOnGetMessage" => {
            check_choice(
                p,
                &["true", "false"],
                Severity::Warning,
                "JCC reads any other value as `false`",
                d,
            );
        }
        // "Constant field values must be resolved to integers in URLs": a symbolic name such as
        // CLEAR_TEXT_PASSWORD_SECURITY is rejected when the connection is made.
        "securityMechanism"
        | "loginTimeout"
        | "traceLevel"
        | "portNumber"
        | "queryDataSize"
        | "maxRetriesForClientReroute"
        | "retryIntervalForClientReroute"
        | "blockingReadConnectionTimeout"
        | "commandTimeout"
        | "keepAliveTimeOut"
        | "resultSetHoldability"
        | "progressiveStreaming"
        | "currentLockTimeout"
        | "affinityFailbackInterval" => {
            check_int(
                p,
                0,
                i64::from(i32::MAX),
                Severity::Error,
                "JCC takes the integer value of the constant in URLs",
                d,
            );
        }
        _ => {}
    }
}

//! The canonical text of a parsed URL: lower-case scheme, what the user omitted still omitted,
//! property names as spelled and in order, values re-escaped by each driver's own rules. It
//! parses back to the same structure (see the property test in `tests/jdbc_props.rs`).

use super::MASK;
use super::model::{JdbcUrl, Kind, Property, Variant};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Connector/J: encode everything but RFC 3986 unreserved characters, `$` and `*` (so the mask
/// stays readable).
const MYSQL_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b'*');

impl JdbcUrl {
    /// The canonical URL. With `mask`, every secret value is written as `*****`.
    ///
    /// The canonical form parses back to the same structure (property-tested): it keeps the
    /// user's property names and order, omits what the user omitted, and re-escapes values by
    /// the family's own rules.
    #[must_use]
    pub fn canonical(&self, mask: bool) -> String {
        render(self, mask)
    }
}

fn render(u: &JdbcUrl, mask: bool) -> String {
    let val = |p: &Property| -> Option<String> {
        p.value.as_ref().map(|v| {
            if mask && p.is_secret() {
                MASK.to_string()
            } else {
                v.clone()
            }
        })
    };
    let host = |h: &Option<String>| -> String {
        match h {
            Some(h) if h.contains(':') => format!("[{h}]"),
            Some(h) => h.clone(),
            None => String::new(),
        }
    };
    let port = |p: Option<u16>| p.map(|p| format!(":{p}")).unwrap_or_default();
    let ep = u.endpoints.first();
    let h0 = ep.map(|e| host(&e.host)).unwrap_or_default();
    let p0 = port(ep.and_then(|e| e.port));
    let path = u.path.clone().unwrap_or_default();
    let mut out = String::new();
    match (&u.variant, u.kind) {
        (Variant::Db2 { type2 }, _) => {
            if *type2 {
                out.push_str(&format!("jdbc:db2:{path}"));
            } else {
                out.push_str(&format!("jdbc:db2://{h0}{p0}/{path}"));
            }
            if !u.properties.is_empty() {
                out.push(':');
                for p in &u.properties {
                    match val(p) {
                        Some(v) => out.push_str(&format!("{}={v};", p.name)),
                        None => out.push_str(&format!("{};", p.name)),
                    }
                }
            }
        }
        (Variant::As400, _) => {
            out.push_str(&format!("jdbc:as400://{h0}{p0}"));
            if let Some(s) = &u.path {
                out.push('/');
                out.push_str(s);
            }
            push_semicolon_props(&mut out, &u.properties, val);
        }
        (
            Variant::SqlServer {
                host: ah,
                instance,
                port: ap,
            },
            _,
        ) => {
            out.push_str(&format!("jdbc:sqlserver://{}", ah.clone().unwrap_or_default()));
            if let Some(i) = instance {
                out.push('\\');
                out.push_str(i);
            }
            out.push_str(&port(*ap));
            for p in &u.properties {
                match val(p) {
                    Some(v) => out.push_str(&format!(";{}={}", p.name, brace_sqlserver(&v))),
                    None => out.push_str(&format!(";{}", p.name)),
                }
            }
        }
        (Variant::MySql { sub }, _) => {
            out.push_str("jdbc:mysql:");
            if let Some(sub) = sub {
                out.push_str(sub);
                out.push(':');
            }
            out.push_str("//");
            if let Some(ui) = &u.userinfo {
                out.push_str(&enc(&ui.user));
                if let Some(pw) = &ui.password {
                    out.push(':');
                    out.push_str(&if mask { MASK.to_string() } else { enc(pw) });
                }
                out.push('@');
            }
            let hosts: Vec<String> = u
                .endpoints
                .iter()
                .map(|e| format!("{}{}", host(&e.host), port(e.port)))
                .collect();
            out.push_str(&hosts.join(","));
            if let Some(db) = &u.path {
                out.push('/');
                out.push_str(&enc(db));
            }
            for (i, p) in u.properties.iter().enumerate() {
                out.push(if i == 0 { '?' } else { '&' });
                out.push_str(&enc(&p.name));
                if let Some(v) = val(p) {
                    out.push('=');
                    out.push_str(&if mask && p.is_secret() { v } else { enc(&v) });
                }
            }
        }
        (Variant::DerbyNetwork, _) => {
            out.push_str(&format!("jdbc:derby://{h0}{p0}/{path}"));
            push_semicolon_props(&mut out, &u.properties, val);
        }
        (Variant::DerbyEmbedded { subsub }, _) => {
            match subsub {
                Some(sub) => out.push_str(&format!("jdbc:derby:{sub}{path}")),
                None => out.push_str(&format!("jdbc:derby:{path}")),
            }
            push_semicolon_props(&mut out, &u.properties, val);
        }
    }
    out
}

/// `;name=value` lists (JTOpen, Derby): values cannot hold a bare `;`, so none is escaped.
fn push_semicolon_props(out: &mut String, props: &[Property], val: impl Fn(&Property) -> Option<String>) {
    for p in props {
        match val(p) {
            Some(v) => out.push_str(&format!(";{}={v}", p.name)),
            None => out.push_str(&format!(";{}", p.name)),
        }
    }
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, MYSQL_SET).to_string()
}

/// mssql-jdbc: a value is braced when it holds `;`, `{`, `}` or surrounding blanks; inside
/// braces `}` is doubled.
fn brace_sqlserver(v: &str) -> String {
    if v.contains([';', '{', '}']) || v.trim() != v {
        format!("{{{}}}", v.replace('}', "}}"))
    } else {
        v.to_string()
    }
}

/// After properties were cut out of the text, removes separators left dangling:
/// a Db2 `:` with nothing after it, or a Connector/J `?` with nothing after it. (Connector/J
/// token spans are chosen so that removing one never leaves `?&` or `&&`.)
pub fn tidy_after_removal(kind: Kind, mut s: String) -> String {
    let dangling = match kind {
        // `jdbc:db2://h:1/DB:` — but not the scheme's own colons.
        Kind::Db2 => s.ends_with(':') && s.matches(':').count() > 2,
        Kind::MySql => s.ends_with('?'),
        _ => false,
    };
    if dangling {
        s.pop();
    }
    s
}

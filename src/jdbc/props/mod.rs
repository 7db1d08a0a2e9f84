//! Known property names per driver, and name checks with near-miss suggestions.
//!
//! The lists are the properties each driver documents (JCC knowledge center property pages,
//! JTOpen `JDProperties`, mssql-jdbc `SQLServerDriver`, Connector/J `PropertyKey`, Derby's URL
//! attributes). An unknown name is a *warning*, never an error: every driver accepts and ignores
//! unknown names, and a new driver release may add names we do not know yet.

mod lists;

use lists::{AS400, DB2, DERBY, MYSQL, MYSQL_CASE_INSENSITIVE, SQLSERVER, SQLSERVER_SYNONYMS};

use super::diag::{Code, Diagnostic, Severity};
use super::model::{Kind, Property};

/// How a family compares property names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    CaseSensitive,
    CaseInsensitive,
    /// Connector/J: a fixed set is case-insensitive, the rest case-sensitive.
    MySql,
}

/// A driver's property names and how it compares them.
pub struct Names {
    /// Names compared by `rule`.
    pub list: &'static [&'static str],
    /// Names always compared case-insensitively (Connector/J's marked keys).
    pub case_insensitive: &'static [&'static str],
    pub rule: NameRule,
    /// The driver, for messages.
    pub driver: &'static str,
}

impl Names {
    pub fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.list.iter().chain(self.case_insensitive).copied()
    }
}

pub fn known(kind: Kind) -> Names {
    let (list, case_insensitive, rule, driver): (_, &'static [&'static str], _, _) = match kind {
        Kind::Db2 => (DB2, &[], NameRule::CaseSensitive, "Db2 JCC"),
        Kind::As400 => (AS400, &[], NameRule::CaseInsensitive, "JTOpen"),
        Kind::SqlServer => (SQLSERVER, &[], NameRule::CaseInsensitive, "Microsoft JDBC"),
        Kind::MySql => (MYSQL, MYSQL_CASE_INSENSITIVE, NameRule::MySql, "Connector/J"),
        Kind::Derby => (DERBY, &[], NameRule::CaseSensitive, "Derby"),
    };
    Names {
        list,
        case_insensitive,
        rule,
        driver,
    }
}

/// The driver's canonical spelling of `name` as the driver resolves it (`None` when unknown
/// to the driver, i.e. the driver will ignore it). Synonyms resolve to their target.
pub fn resolve(kind: Kind, name: &str) -> Option<&'static str> {
    let names = known(kind);
    let list = names.list;
    let name = name.trim();
    if kind == Kind::SqlServer
        && let Some((_, target)) = SQLSERVER_SYNONYMS.iter().find(|(s, _)| s.eq_ignore_ascii_case(name))
    {
        return Some(target);
    }
    match names.rule {
        NameRule::CaseSensitive => list.iter().copied().find(|k| *k == name),
        NameRule::CaseInsensitive => list.iter().copied().find(|k| k.eq_ignore_ascii_case(name)),
        NameRule::MySql => list.iter().copied().find(|k| *k == name).or_else(|| {
            names
                .case_insensitive
                .iter()
                .copied()
                .find(|k| k.eq_ignore_ascii_case(name))
        }),
    }
}

/// Longest name that gets a "did you mean" (the longest known property has 42 characters).
const MAX_SUGGEST_LEN: usize = 64;

/// The closest known name, for "did you mean".
pub fn suggest(kind: Kind, name: &str) -> Option<&'static str> {
    let names = known(kind);
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let n = norm(name);
    // Edit distance is quadratic; no property name is longer than this, so neither is a near
    // miss of one (and a pathological URL must not cost seconds).
    if n.is_empty() || n.len() > MAX_SUGGEST_LEN {
        return None;
    }
    // A name that a space cut short (`database` for `database name`) is the mark of a URL that
    // a shell split into words.
    let lower = name.trim().to_ascii_lowercase();
    if let Some(k) = names
        .all()
        .find(|k| k.to_ascii_lowercase().starts_with(&format!("{lower} ")))
    {
        return Some(k);
    }
    // Same letters but for case, spaces, '_' or '-': the driver's spelling is certainly meant.
    if let Some(k) = names.all().find(|k| norm(k) == n) {
        return Some(k);
    }
    // Allow about one edit per four characters: `sslconection` → `sslConnection`, but not
    // `foo` → `user`. Names whose length alone is further away are not compared at all.
    // OSA distance (a transposition counts as one edit) needs no per-cell hashing, unlike
    // strsim's unrestricted Damerau-Levenshtein.
    let limit = (n.chars().count() / 4).clamp(1, 3);
    let mut best: Option<(&'static str, usize)> = None;
    for k in names.all() {
        let nk = norm(k);
        if nk.len().abs_diff(n.len()) > limit {
            continue;
        }
        let d = strsim::osa_distance(&n, &nk);
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((k, d));
        }
    }
    best.filter(|(_, d)| *d <= limit).map(|(k, _)| k)
}

/// Checks every property name of a URL: unknown names and wrong case are warnings (the driver
/// ignores them), duplicates are warnings naming which occurrence the driver uses.
pub fn check_names(kind: Kind, props: &[Property], diags: &mut Vec<Diagnostic>) {
    let Names { rule, driver, .. } = known(kind);
    for p in props {
        let name = p.name.trim();
        if name.is_empty() {
            continue; // reported by the family parser
        }
        match resolve(kind, name) {
            Some(_) => {}
            None => {
                let suggestion = suggest(kind, name);
                let case_only = suggestion.is_some_and(|s| s.eq_ignore_ascii_case(name));
                let sensitivity = match rule {
                    NameRule::CaseSensitive => " (names are case-sensitive)",
                    NameRule::MySql if case_only => " (this name is case-sensitive)",
                    _ => "",
                };
                let (code, msg) = if case_only {
                    (
                        Code::PropertyCase,
                        format!("`{name}` is not a {driver} property{sensitivity}: the driver ignores it"),
                    )
                } else {
                    (
                        Code::UnknownProperty,
                        format!("`{name}` is not a {driver} property{sensitivity}: the driver ignores it"),
                    )
                };
                let fix = match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("check the spelling against the {driver} documentation, or remove it"),
                };
                diags
                    .push(Diagnostic::warning(code, p.name_span.clone(), msg, fix).with_label("ignored by the driver"));
            }
        }
    }
    // Duplicates: compare the resolved name (so `database` and `databaseName` collide for
    // mssql-jdbc), or the name under the family's case rule when unknown. One pass with a set:
    // a URL with many properties must not cost quadratic time.
    let mut seen = std::collections::HashSet::new();
    for p in props.iter().filter(|p| !p.name.trim().is_empty()) {
        let name = p.name.trim();
        let key = match resolve(kind, name) {
            Some(r) => r.to_ascii_lowercase(),
            None if rule == NameRule::CaseSensitive => name.to_string(),
            None => name.to_ascii_lowercase(),
        };
        if !seen.insert(key) {
            // Every driver here stores URL properties with `Properties.put` (JTOpen, mssql-jdbc,
            // Connector/J and Derby's `InternalDriver.getAttributes` by their code; JCC by its
            // documented behaviour), so the last occurrence wins. The Db2 *CLI* driver is the
            // odd one out (it keeps the first `Pwd=`), which is why the ODBC translation never
            // emits a keyword twice.
            diags.push(
                Diagnostic::warning(
                    Code::DuplicateProperty,
                    p.name_span.clone(),
                    format!("`{name}` is given more than once; the driver uses the last one"),
                    format!("keep one `{name}` and remove the others"),
                )
                .with_label("duplicate"),
            );
        }
    }
}

/// A value that must be one of `choices` (compared case-insensitively, as every driver here
/// does). `why` says what the driver does otherwise.
pub fn check_choice(p: &Property, choices: &[&str], sev: Severity, why: &str, d: &mut Vec<Diagnostic>) {
    let Some(v) = p.value.as_deref() else { return };
    if choices.iter().any(|c| c.eq_ignore_ascii_case(v.trim())) {
        return;
    }
    let list = choices.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    d.push(
        Diagnostic::new(
            sev,
            Code::InvalidPropertyValue,
            p.value_span.clone(),
            format!("`{v}` is not a valid value for `{}`; {why}", p.name.trim()),
            format!("use one of {list}"),
        )
        .with_label("invalid value"),
    );
}

/// A value that must be an integer in `min..=max`. Returns it when valid. `sev` is an error
/// where the driver fails the connection on a bad number, a warning where it falls back to
/// the default silently (JTOpen).
pub fn check_int(p: &Property, min: i64, max: i64, sev: Severity, why: &str, d: &mut Vec<Diagnostic>) -> Option<i64> {
    let v = p.value.as_deref()?.trim();
    match v.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            d.push(
                Diagnostic::new(
                    sev,
                    Code::InvalidPropertyValue,
                    p.value_span.clone(),
                    format!(
                        "`{v}` is not a valid value for `{}`: an integer from {min} to {max} is expected",
                        p.name.trim()
                    ),
                    why.to_string(),
                )
                .with_label("expected an integer"),
            );
            None
        }
    }
}

/// A timeout the driver reads in milliseconds (JTOpen `login timeout`, Connector/J
/// `connectTimeout`): it must be an integer, and a value under 1000 is almost always meant as
/// seconds.
pub fn check_millis(p: &Property, sev: Severity, why: &str, d: &mut Vec<Diagnostic>) {
    if let Some(n) = check_int(p, 0, i64::from(i32::MAX), sev, why, d)
        && (1..1000).contains(&n)
    {
        d.push(
            Diagnostic::warning(
                Code::TimeoutUnit,
                p.value_span.clone(),
                format!(
                    "`{}` is in milliseconds: {n} means {n} ms, not {n} seconds",
                    p.name.trim()
                ),
                format!("for {n} seconds write `{}`", n * 1000),
            )
            .with_label("milliseconds"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest(Kind::Db2, "sslconnection"), Some("sslConnection"));
        assert_eq!(suggest(Kind::Db2, "sslConection"), Some("sslConnection"));
        assert_eq!(suggest(Kind::As400, "databasename"), Some("database name"));
        assert_eq!(suggest(Kind::As400, "database_name"), Some("database name"));
        assert_eq!(suggest(Kind::SqlServer, "databseName"), Some("databaseName"));
        assert_eq!(suggest(Kind::Db2, "zzzzzz"), None);
    }

    #[test]
    fn resolution_follows_each_drivers_case_rule() {
        assert_eq!(resolve(Kind::Db2, "sslConnection"), Some("sslConnection"));
        assert_eq!(resolve(Kind::Db2, "SSLConnection"), None);
        assert_eq!(resolve(Kind::As400, "Database Name"), Some("database name"));
        assert_eq!(resolve(Kind::SqlServer, "DATABASE"), Some("databaseName"));
        assert_eq!(resolve(Kind::MySql, "USER"), Some("user"));
        assert_eq!(resolve(Kind::MySql, "sslmode"), None);
        assert_eq!(resolve(Kind::MySql, "sslMode"), Some("sslMode"));
        assert_eq!(resolve(Kind::Derby, "Create"), None);
    }
}

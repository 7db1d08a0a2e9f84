//! Host and port checks shared by every network family.
//!
//! A host is a DNS name (RFC 1123 §2.1: labels of letters, digits and hyphens, 1–63 octets,
//! not starting or ending with a hyphen, at most 253 octets in all), a dotted-quad IPv4 address,
//! or an IPv6 address in brackets (RFC 3986 §3.2.2). Ports are 1–65535: 0 is formally allowed by
//! JCC's syntax but no server listens on it.

use super::diag::{Code, Diagnostic, Span};
use super::model::Endpoint;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Splits `text` (starting at byte `base` in the URL) into host and optional port text at the
/// first `:` outside brackets. Returns `(host, host_span, port_text_and_span)`.
pub fn split_host_port(text: &str, base: usize) -> (&str, Span, Option<(&str, Span)>) {
    let colon = if text.starts_with('[') {
        match text.find(']') {
            Some(close) => text[close..].find(':').map(|i| close + i),
            None => None,
        }
    } else {
        text.find(':')
    };
    match colon {
        Some(c) => (
            &text[..c],
            base..base + c,
            Some((&text[c + 1..], base + c + 1..base + text.len())),
        ),
        None => (text, base..base + text.len(), None),
    }
}

/// Reads a required `host[:port]` found at byte `base`. An empty host is J010, worded by the
/// caller (`missing` = message and fix). Returns the endpoint and whether a port was written
/// (valid or not), so a family can warn about an omitted one.
pub fn endpoint(text: &str, base: usize, missing: (&str, &str), d: &mut Vec<Diagnostic>) -> (Endpoint, bool) {
    let (host, host_span, port) = split_host_port(text, base);
    let mut ep = Endpoint {
        host: None,
        port: None,
        host_span: host_span.clone(),
    };
    if host.is_empty() {
        d.push(Diagnostic::error(
            Code::MissingHost,
            host_span.clone(),
            missing.0,
            missing.1,
        ));
    } else {
        ep.host = Some(check_host(host, host_span, d));
    }
    let port_written = port.is_some();
    if let Some((ptext, pspan)) = port {
        ep.port = check_port(ptext, pspan, d);
    }
    (ep, port_written)
}

/// Validates a host as written in a URL (IPv6 in brackets). Returns the host without brackets.
///
/// `allow_ipv6_brackets` is false for mssql-jdbc, whose URL parser ends the server name at the
/// first `:` (IPv6 must go in `;serverName=`).
pub fn check_host(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> String {
    if let Some(inner) = text.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            diags.push(Diagnostic::error(
                Code::InvalidIpv6,
                span,
                "IPv6 address has no closing `]`",
                "write the address as `[2001:db8::1]`",
            ));
            return inner.trim_end_matches(']').to_string();
        };
        if inner.parse::<Ipv6Addr>().is_err() {
            diags.push(
                Diagnostic::error(
                    Code::InvalidIpv6,
                    span.start + 1..span.end - 1,
                    format!("`{inner}` is not a valid IPv6 address"),
                    "check the address (RFC 4291 text form, e.g. `2001:db8::1`); zone ids like `%eth0` are not accepted in JDBC URLs",
                )
                .with_label("not an IPv6 address"),
            );
        }
        return inner.to_string();
    }
    if text.contains(':') {
        // Only reachable for text that had no brackets yet contains ':' inside the host slot,
        // which callers only pass when they already know the rest is not a port.
        diags.push(Diagnostic::error(
            Code::UnbracketedIpv6,
            span,
            "an IPv6 address must be enclosed in brackets",
            format!("write `[{text}]`"),
        ));
        return text.to_string();
    }
    check_name_or_ipv4(text, span, diags);
    text.to_string()
}

fn check_name_or_ipv4(host: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    let looks_numeric = !host.is_empty() && host.chars().all(|c| c.is_ascii_digit() || c == '.');
    if looks_numeric {
        if host.parse::<Ipv4Addr>().is_err() {
            diags.push(
                Diagnostic::error(
                    Code::InvalidIpv4,
                    span,
                    format!("`{host}` is not a valid IPv4 address"),
                    "an IPv4 address is four numbers 0-255 separated by dots, e.g. `192.0.2.10`",
                )
                .with_label("not an IPv4 address"),
            );
        }
        return;
    }
    if host.len() > 253 {
        diags.push(Diagnostic::error(
            Code::InvalidHost,
            span,
            format!("host name is {} characters long; DNS allows at most 253", host.len()),
            "use the server's fully qualified DNS name or its IP address",
        ));
        return;
    }
    let mut offset = span.start;
    for label in host.split('.') {
        let lspan = offset..offset + label.len();
        offset += label.len() + 1;
        if label.is_empty() {
            // A single trailing dot is the DNS root and is accepted by resolvers.
            if lspan.start == span.end && !host.is_empty() {
                continue;
            }
            diags.push(Diagnostic::error(
                Code::InvalidHost,
                lspan.start.saturating_sub(usize::from(lspan.start > span.start))..lspan.start + 1,
                "host name has an empty label (two dots in a row, or a leading dot)",
                "remove the extra dot",
            ));
            return;
        }
        if let Some((i, c)) = label
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            let at = lspan.start + i;
            diags.push(
                Diagnostic::error(
                    Code::InvalidHost,
                    at..at + c.len_utf8(),
                    format!("`{c}` cannot appear in a host name"),
                    "host names use letters, digits, hyphens and dots only (RFC 1123); check for a stray character or a missing separator",
                )
                .with_label("not allowed here"),
            );
            return;
        }
        if label.len() > 63 {
            diags.push(Diagnostic::error(
                Code::InvalidHost,
                lspan,
                format!(
                    "host name label is {} characters long; DNS allows at most 63",
                    label.len()
                ),
                "check the host name",
            ));
            return;
        }
        if label.starts_with('-') || label.ends_with('-') {
            diags.push(Diagnostic::error(
                Code::InvalidHost,
                lspan,
                "a host name label cannot start or end with `-`",
                "check the host name",
            ));
            return;
        }
        if let Some(i) = label.find('_') {
            let at = lspan.start + i;
            diags.push(Diagnostic::warning(
                Code::HostUnderscore,
                at..at + 1,
                "`_` is not valid in DNS host names (RFC 1123); some resolvers accept it, others do not",
                "use the server's DNS name without underscores, or its IP address",
            ));
        }
    }
}

/// Parses a port. Empty text after a `:` is an error, like any non-number.
pub fn check_port(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<u16> {
    if text.is_empty() {
        diags.push(Diagnostic::error(
            Code::InvalidPort,
            span.start.saturating_sub(1)..span.start,
            "`:` is not followed by a port number",
            "write the port after the colon (e.g. `:50000`) or remove the colon",
        ));
        return None;
    }
    if !text.chars().all(|c| c.is_ascii_digit()) {
        diags.push(
            Diagnostic::error(
                Code::InvalidPort,
                span,
                format!("`{text}` is not a port number"),
                "a port is a number from 1 to 65535",
            )
            .with_label("expected digits"),
        );
        return None;
    }
    match text.parse::<u32>() {
        Ok(p @ 1..=65535) => Some(p as u16),
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::PortOutOfRange,
                    span,
                    format!("port {text} is out of range"),
                    "a port is a number from 1 to 65535",
                )
                .with_label("not 1-65535"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(host: &str) -> Vec<&'static str> {
        let mut d = Vec::new();
        check_host(host, 0..host.len(), &mut d);
        d.iter().map(|x| x.code.as_str()).collect()
    }

    #[test]
    fn valid_hosts() {
        for h in [
            "db.example.com",
            "db",
            "192.0.2.1",
            "[::1]",
            "[2001:db8::1]",
            "a-b.c",
            "db.example.com.",
        ] {
            assert!(codes(h).is_empty(), "{h}: {:?}", codes(h));
        }
    }

    #[test]
    fn invalid_hosts() {
        assert_eq!(codes("999.1.1.1"), ["J012"]);
        assert_eq!(codes("1.2.3"), ["J012"]);
        assert_eq!(codes("[::g]"), ["J013"]);
        assert_eq!(codes("[::1"), ["J013"]);
        assert_eq!(codes("db..example"), ["J011"]);
        assert_eq!(codes("-db"), ["J011"]);
        assert_eq!(codes("db host"), ["J011"]);
        assert_eq!(codes("db_1.example"), ["J015"]);
        assert_eq!(codes(&"a".repeat(64)), ["J011"]);
    }

    #[test]
    fn ports() {
        let mut d = Vec::new();
        assert_eq!(check_port("50000", 0..5, &mut d), Some(50000));
        assert_eq!(check_port("0", 0..1, &mut d), None);
        assert_eq!(check_port("65536", 0..5, &mut d), None);
        assert_eq!(check_port("99999999999999999999", 0..20, &mut d), None);
        assert_eq!(check_port("5o000", 0..5, &mut d), None);
        let c: Vec<_> = d.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(c, ["J021", "J021", "J021", "J020"]);
    }

    #[test]
    fn split_respects_brackets() {
        let (h, hs, p) = split_host_port("[::1]:446", 10);
        assert_eq!(h, "[::1]");
        assert_eq!(hs, 10..15);
        assert_eq!(p, Some(("446", 16..19)));
        let (h, _, p) = split_host_port("host", 0);
        assert_eq!((h, p), ("host", None));
    }
}

//! Property tests for the JDBC URL engine:
//! - nothing panics, whatever the input (parse, render, canonical, JSON, lift, translate);
//! - every URL without errors has a canonical form that parses back to the same structure;
//! - a password never survives masking, and lifting removes it.

use proptest::prelude::*;
use travelerutil::jdbc::{self, Style};
use travelerutil::probe::connstr::{OdbcRequest, translate};
use travelerutil::probe::drivers::DriverFamily;
use travelerutil::secret::Secret;

fn exercise(url: &str) {
    let a = jdbc::parse(url);
    let _ = a.render(url, Style::Plain);
    let _ = a.render(url, Style::Color);
    if let Some(u) = &a.url {
        let _ = serde_json::to_string(&u.report()).unwrap();
        let _ = jdbc::lift_password(url, u);
        let pw = Secret::from("pw");
        for fam in DriverFamily::candidates(u) {
            let _ = translate(
                u,
                &OdbcRequest {
                    driver: "D",
                    family: *fam,
                    user: Some("u"),
                    password: Some(&pw),
                    timeout_secs: 5,
                    ca_file: None,
                },
            );
        }
        if !a.has_errors() {
            roundtrip(url, u);
        }
    }
}

fn roundtrip(url: &str, u: &jdbc::JdbcUrl) {
    let canon = u.canonical(false);
    let b = jdbc::parse(&canon);
    assert!(
        !b.has_errors(),
        "canonical {canon:?} of {url:?} has errors: {:?}",
        b.diagnostics
    );
    let r1 = serde_json::to_value(u.report()).unwrap();
    let r2 = serde_json::to_value(b.url.as_ref().unwrap().report()).unwrap();
    assert_eq!(r1, r2, "canonical {canon:?} of {url:?} parses differently");
    // Canonical is a fixed point.
    assert_eq!(b.url.as_ref().unwrap().canonical(false), canon);
}

/// A mix of URL-ish fragments so random strings reach deep into every family's parser.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("jdbc:".to_string()),
        Just("db2://".to_string()),
        Just("as400:".to_string()),
        Just("sqlserver://".to_string()),
        Just("mysql://".to_string()),
        Just("mysql:loadbalance://".to_string()),
        Just("derby:".to_string()),
        Just("derby://".to_string()),
        Just("memory:".to_string()),
        Just("jar:(".to_string()),
        Just("//".to_string()),
        Just(";".to_string()),
        Just("\\;".to_string()),
        Just(":".to_string()),
        Just("/".to_string()),
        Just("?".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("@".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("}}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("%".to_string()),
        Just("%4".to_string()),
        Just("%C3%A4".to_string()),
        Just("password=".to_string()),
        Just("database name=".to_string()),
        Just("databaseName=".to_string()),
        Just("sslConnection=true;".to_string()),
        Just("user:pw@".to_string()),
        Just("[::1]".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just("ä".to_string()),
        Just("🔑".to_string()),
        "[a-zA-Z0-9._-]{0,12}",
        "[0-9]{1,6}",
        any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

fn urlish() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..16).prop_map(|v| v.concat())
}

// --- generators of valid URLs, one per family ---

fn dns() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z][a-z0-9]{0,8}", 1..4).prop_map(|v| v.join("."))
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        dns(),
        (1u8..=254, 0u8..=255, 0u8..=255, 1u8..=254).prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        Just("[::1]".to_string()),
        Just("[2001:db8::5]".to_string()),
    ]
}

fn port() -> impl Strategy<Value = Option<u16>> {
    prop::option::of(1u16..=65535)
}

fn value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_./-]{1,10}"
}

fn p(port: Option<u16>) -> String {
    port.map(|p| format!(":{p}")).unwrap_or_default()
}

fn db2_url() -> impl Strategy<Value = String> {
    let props = prop::collection::vec(
        (
            prop::sample::select(vec![
                "user",
                "password",
                "currentSchema",
                "sslTrustStoreLocation",
                "clientProgramName",
            ]),
            value(),
        ),
        0..4,
    );
    (host(), 1u16..=65535, "[A-Z][A-Z0-9]{0,7}", props).prop_map(|(h, port, db, props)| {
        let mut s = format!("jdbc:db2://{h}:{port}/{db}");
        if !props.is_empty() {
            s.push(':');
            for (k, v) in props {
                s.push_str(&format!("{k}={v};"));
            }
        }
        s
    })
}

fn as400_url() -> impl Strategy<Value = String> {
    let props = prop::collection::vec(
        (
            prop::sample::select(vec![
                "database name",
                "Database Name",
                "naming",
                "errors",
                "password",
                "libraries",
                "prompt",
                "user",
            ]),
            prop::sample::select(vec![
                "IASP1", "sql", "system", "full", "basic", "false", "LNT", "*SYSBAS",
            ]),
        ),
        0..5,
    );
    (
        prop::option::of(host()),
        port(),
        prop::option::of("[A-Z][A-Z0-9]{0,9}"),
        props,
        any::<bool>(),
    )
        .prop_map(|(h, port, schema, props, slashes)| {
            let mut s = format!(
                "jdbc:as400:{}{}{}",
                if slashes { "//" } else { "" },
                h.unwrap_or_default(),
                p(port)
            );
            if let Some(sc) = schema {
                s.push('/');
                s.push_str(&sc);
            }
            for (k, v) in props {
                s.push_str(&format!(";{k}={v}"));
            }
            s
        })
}

fn sqlserver_url() -> impl Strategy<Value = String> {
    let braced = prop_oneof![
        value(),
        "[a-z;{} ]{1,8}".prop_map(|v| format!("{{{}}}", v.replace('}', "}}")))
    ];
    let props = prop::collection::vec(
        (
            prop::sample::select(vec!["user", "password", "applicationName", "workstationID"]),
            braced,
        ),
        0..4,
    );
    (
        dns(),
        prop::option::of("[A-Z][A-Z0-9]{0,10}"),
        port(),
        "[A-Za-z_][A-Za-z0-9_]{0,20}",
        props,
    )
        .prop_map(|(h, inst, port, db, props)| {
            let mut s = format!("jdbc:sqlserver://{h}");
            if let Some(i) = inst
                && port.is_none()
            {
                s.push('\\');
                s.push_str(&i);
            }
            s.push_str(&p(port));
            s.push_str(&format!(";databaseName={db}"));
            for (k, v) in props {
                s.push_str(&format!(";{k}={v}"));
            }
            s
        })
}

fn mysql_url() -> impl Strategy<Value = String> {
    let enc_value = "[A-Za-z0-9 ä&=#?%+]{1,8}"
        .prop_map(|v| percent_encoding::utf8_percent_encode(&v, percent_encoding::NON_ALPHANUMERIC).to_string());
    let props = prop::collection::vec(
        (
            prop::sample::select(vec![
                "user",
                "password",
                "characterEncoding",
                "serverTimezone",
                "sslMode",
            ]),
            enc_value,
        ),
        0..4,
    )
    .prop_map(|v| v.into_iter().filter(|(k, _)| *k != "sslMode").collect::<Vec<_>>());
    (
        prop::collection::vec((dns(), port()), 1..3),
        "[A-Za-z_][A-Za-z0-9_$]{0,20}",
        props,
        prop::option::of("[a-z]{1,6}"),
    )
        .prop_map(|(hosts, db, props, user)| {
            let hs: Vec<String> = hosts.iter().map(|(h, port)| format!("{h}{}", p(*port))).collect();
            let ui = user.map(|u| format!("{u}@")).unwrap_or_default();
            let mut s = format!("jdbc:mysql://{ui}{}/{db}", hs.join(","));
            for (i, (k, v)) in props.iter().enumerate() {
                s.push(if i == 0 { '?' } else { '&' });
                s.push_str(&format!("{k}={v}"));
            }
            s
        })
}

fn derby_url() -> impl Strategy<Value = String> {
    let attrs = prop::collection::vec(
        (
            prop::sample::select(vec!["create", "user", "password", "territory"]),
            prop::sample::select(vec!["true", "app", "en_US"]),
        ),
        0..3,
    );
    prop_oneof![
        ("(/[a-z]{1,8}){1,4}", attrs.clone()).prop_map(|(path, attrs)| {
            let mut s = format!("jdbc:derby:{path}");
            for (k, v) in attrs {
                s.push_str(&format!(";{k}={v}"));
            }
            s
        }),
        (host(), port(), "[A-Z]{1,8}", attrs).prop_map(|(h, port, db, attrs)| {
            let mut s = format!("jdbc:derby://{h}{}/{db}", p(port));
            for (k, v) in attrs {
                s.push_str(&format!(";{k}={v}"));
            }
            s
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_on_any_string(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn no_panic_on_url_like_strings(s in urlish()) {
        exercise(&s);
    }

    #[test]
    fn valid_urls_round_trip(u in prop_oneof![db2_url(), as400_url(), sqlserver_url(), mysql_url(), derby_url()]) {
        let a = jdbc::parse(&u);
        // Generated URLs may still carry warnings (duplicates, password-in-url) but no errors.
        prop_assert!(!a.has_errors(), "{u}: {:?}", a.diagnostics);
        roundtrip(&u, a.url.as_ref().unwrap());
    }

    #[test]
    fn masking_and_lifting_hide_the_password(u in prop_oneof![db2_url(), as400_url(), sqlserver_url(), mysql_url(), derby_url()],
                                              secret in "[A-Za-z0-9]{12}") {
        // Append a password property in the family's own syntax.
        let with_pw = if u.starts_with("jdbc:db2") {
            // A generated Db2 URL ends with `;` exactly when it has a property list.
            if u.ends_with(';') { format!("{u}password={secret};") } else { format!("{u}:password={secret};") }
        } else if u.starts_with("jdbc:mysql") {
            format!("{u}{}password={secret}", if u.contains('?') { '&' } else { '?' })
        } else {
            format!("{u};password={secret}")
        };
        let a = jdbc::parse(&with_pw);
        let url = a.url.as_ref().unwrap();
        prop_assert_eq!(url.password(), Some(secret.as_str()));
        prop_assert!(!url.canonical(true).contains(&secret));
        prop_assert!(!serde_json::to_string(&url.report()).unwrap().contains(&secret));
        prop_assert!(!a.render(&with_pw, Style::Plain).contains(&secret));
        let (lifted, pw) = jdbc::lift_password(&with_pw, url);
        prop_assert_eq!(pw.as_deref(), Some(secret.as_str()));
        prop_assert!(!lifted.contains(&secret), "{}", lifted);
        let b = jdbc::parse(&lifted);
        prop_assert!(!b.has_errors(), "{lifted}: {:?}", b.diagnostics);
        prop_assert_eq!(b.url.as_ref().unwrap().password(), None);
    }
}

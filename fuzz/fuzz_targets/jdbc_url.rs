//! The JDBC URL engine on arbitrary input: parse, render, JSON, canonical round trip,
//! password lifting and every ODBC translation must never panic, the rendering must hold no
//! raw control character, and a URL without errors must round-trip through its canonical form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::probe::connstr::{OdbcRequest, translate};
use travelerutil::probe::drivers::DriverFamily;
use travelerutil::jdbc::{self, Style};
use travelerutil::secret::Secret;

fuzz_target!(|data: &[u8]| {
    let Ok(url) = std::str::from_utf8(data) else { return };
    let a = jdbc::parse(url);
    // Nothing in the URL reaches the terminal raw: plain rendering holds no control character
    // but line feeds, and no bidi override (regression: J011 once quoted an ESC raw).
    let shown = a.render(url, Style::Plain);
    assert!(
        !shown.chars().any(|c| c != '\n' && travelerutil::term::escape::needs_escape(c)),
        "raw control character in {shown:?}"
    );
    let _ = a.render(url, Style::Color);
    let Some(u) = &a.url else { return };
    let _ = serde_json::to_string(&u.report());
    let (lifted, _) = jdbc::lift_password(url, u);
    let _ = jdbc::parse(&lifted);
    let pw = Secret::new("pw".to_string());
    for fam in DriverFamily::candidates(u) {
        let req = OdbcRequest { driver: "D", family: *fam, user: None, password: Some(&pw), timeout_secs: 3, ca_file: None };
        let _ = translate(u, &req);
    }
    if !a.has_errors() {
        let canon = u.canonical(false);
        let b = jdbc::parse(&canon);
        assert!(!b.has_errors(), "canonical form has errors: {canon:?}");
        let r1 = serde_json::to_value(u.report()).ok();
        let r2 = b.url.as_ref().and_then(|x| serde_json::to_value(x.report()).ok());
        assert_eq!(r1, r2, "canonical form parses differently: {canon:?}");
    }
});

//! The JDBC URL corpus: `fixtures/urls/*.toml`, one `[[case]]` per URL.
//!
//! Each case gives the URL and what the engine must say about it:
//! - `diags`: every diagnostic, exactly, as `"<severity> <code> <start>..<end>"` (byte span);
//! - `expect`: fields of the documented JSON form that must match (a subset of the keys);
//! - `lifted` / `password`: the URL after `lift_password`, and the password it returned;
//! - `render`: the exact plain-text rendering of all diagnostics.
//!
//! For every case without errors the harness also checks that the canonical form parses back
//! to the same JSON structure with no errors, and that no secret appears in the masked form.

use serde_json::Value;
use std::fs;
use std::path::Path;
use travelerutil::jdbc::{self, Style};

#[derive(Debug)]
struct Failure {
    file: String,
    url: String,
    what: String,
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/urls");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn diag_strings(a: &jdbc::Analysis) -> Vec<String> {
    let mut v: Vec<String> = a
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {}..{}", d.severity, d.code, d.span.start, d.span.end))
        .collect();
    v.sort();
    v
}

fn check_case(file: &str, case: &toml::Table, failures: &mut Vec<Failure>) {
    let url = case
        .get("url")
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{file}: case without url"));
    let fail = |what: String, failures: &mut Vec<Failure>| {
        failures.push(Failure {
            file: file.to_string(),
            url: url.to_string(),
            what,
        })
    };
    let a = jdbc::parse(url);

    let want = case
        .get("diags")
        .and_then(|v| v.as_array())
        .unwrap_or_else(|| panic!("{file}: {url}: every case lists its diags (possibly empty)"));
    let mut want: Vec<String> = want.iter().map(|v| v.as_str().unwrap().to_string()).collect();
    want.sort();
    let got = diag_strings(&a);
    if want != got {
        fail(format!("diagnostics\n    want {want:?}\n    got  {got:?}"), failures);
    }

    let report = a.url.as_ref().map(|u| serde_json::to_value(u.report()).unwrap());
    if let Some(expect) = case.get("expect").and_then(|v| v.as_table()) {
        match &report {
            None => fail("expected a structure, got none".into(), failures),
            Some(r) => {
                for (k, v) in expect {
                    let want = serde_json::to_value(v).unwrap();
                    let got = r.get(k).cloned().unwrap_or(Value::Null);
                    // TOML has no null: the string "null" stands for it.
                    let want = if want == Value::String("null".into()) {
                        Value::Null
                    } else {
                        want
                    };
                    if want != got {
                        fail(format!("field `{k}`: want {want}, got {got}"), failures);
                    }
                }
            }
        }
    }

    if let Some(u) = &a.url {
        let (lifted, pw) = jdbc::lift_password(url, u);
        if let Some(want) = case.get("lifted").and_then(|v| v.as_str())
            && lifted != want
        {
            fail(format!("lifted: want {want:?}, got {lifted:?}"), failures);
        }
        if let Some(want) = case.get("password").and_then(|v| v.as_str())
            && pw.as_deref() != Some(want)
        {
            fail(format!("password: want {want:?}, got {pw:?}"), failures);
        }
        if let Some(p) = &pw {
            let masked = u.canonical(true);
            let json = report.as_ref().map(|r| r.to_string()).unwrap_or_default();
            let rendered = a.render(url, Style::Plain);
            for (name, text) in [("normalized", &masked), ("json", &json), ("render", &rendered)] {
                if p.len() >= 3 && text.contains(p.as_str()) {
                    fail(format!("the password appears in the {name} form: {text}"), failures);
                }
            }
            // The lifted URL carries no password any more.
            let again = jdbc::parse(&lifted);
            if again.url.as_ref().and_then(|x| x.password()).is_some() {
                fail(format!("lifted URL still has a password: {lifted}"), failures);
            }
        }
        if !a.has_errors() {
            let canon = u.canonical(false);
            let b = jdbc::parse(&canon);
            if b.has_errors() {
                fail(
                    format!("canonical form {canon:?} has errors: {:?}", diag_strings(&b)),
                    failures,
                );
            }
            let r2 = b.url.as_ref().map(|x| serde_json::to_value(x.report()).unwrap());
            if r2 != report {
                fail(
                    format!("canonical form {canon:?} parses differently:\n    {report:?}\n    {r2:?}"),
                    failures,
                );
            }
        }
    }

    if let Some(want) = case.get("render").and_then(|v| v.as_str()) {
        let got = a.render(url, Style::Plain);
        if got.trim_end() != want.trim_end() {
            fail(format!("render:\n--- want\n{want}\n--- got\n{got}"), failures);
        }
    }
}

#[test]
fn url_corpus() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut per_kind = std::collections::BTreeMap::<String, usize>::new();
    for path in corpus_files() {
        let text = fs::read_to_string(&path).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let cases = doc.get("case").and_then(|v| v.as_array()).cloned().unwrap_or_default();
        for case in &cases {
            let case = case.as_table().unwrap();
            check_case(&file, case, &mut failures);
            count += 1;
            *per_kind.entry(file.clone()).or_default() += 1;
        }
    }
    for f in &failures {
        eprintln!("FAIL {} {:?}\n  {}", f.file, f.url, f.what);
    }
    eprintln!("corpus: {count} cases {per_kind:?}");
    assert!(failures.is_empty(), "{} of {count} corpus cases failed", failures.len());
    assert!(count >= 150, "the corpus must hold at least 150 cases, it has {count}");
}

/// Every diagnostic code the engine defines is documented, and exercised by the corpus.
#[test]
fn every_code_documented_and_covered() {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/jdbc-diagnostics.md")).unwrap();
    let mut corpus = String::new();
    for p in corpus_files() {
        corpus.push_str(&fs::read_to_string(p).unwrap());
    }
    let mut missing = Vec::new();
    for c in jdbc::Code::ALL {
        if !doc.contains(&format!("| {} |", c.as_str())) || !doc.contains(c.slug()) {
            missing.push(format!("{} ({}) not in docs/jdbc-diagnostics.md", c.as_str(), c.slug()));
        }
        // J8xx are about argument words, tested in the shell module and the CLI tests.
        if !c.as_str().starts_with("J8") && !corpus.contains(&format!(" {} ", c.as_str())) {
            missing.push(format!("{} ({}) not exercised by fixtures/urls", c.as_str(), c.slug()));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

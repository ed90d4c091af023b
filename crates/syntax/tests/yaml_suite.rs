//! The parser held to the official yaml-test-suite (tests/data/yaml-test-suite,
//! MIT, imported by scripts/import-yaml-test-suite.sh; SOURCE.md names the commit).
//!
//! - Every valid single-document case without anchors, aliases, tags or complex
//!   keys reads to its `in.json` exactly, with no syntax error.
//! - Every case a parser must reject gets at least one syntax error (PM001),
//!   except the few listed in `MUST_FAIL_EXCEPTIONS` with their reasons.
//!   (The suite gives no error positions, so the line is not checked here.)
//! - Every valid case that uses what postmortem-lsp leaves out by design
//!   (anchors, aliases, tags, a second document, complex keys) gets a
//!   diagnostic of the out-of-scope kind, and no other error.
//!
//! `YAML_SUITE_REPORT=1 cargo test -p postmortem-syntax --test yaml_suite -- --nocapture` prints the counts.

use postmortem_syntax::export::{document_data, Data};
use postmortem_syntax::{parse, SyntaxErrorKind};
use std::path::{Path, PathBuf};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/yaml-test-suite");

/// Must-fail cases where no syntax error is reported, with the reason.
const MUST_FAIL_EXCEPTIONS: &[(&str, &str)] = &[];

struct Case {
    id: String,
    dir: PathBuf,
    yaml: String,
    events: Vec<String>,
    error: bool,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    collect(Path::new(DIR), &mut out);
    out.sort_by(|a, b| a.id.cmp(&b.id));
    assert!(
        out.len() >= 400,
        "the suite is missing: {} cases",
        out.len()
    );
    out
}

fn collect(dir: &Path, out: &mut Vec<Case>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.file_name().is_some_and(|n| n == "in.yaml") {
            let d = p.parent().expect("case dir").to_path_buf();
            let id = d
                .strip_prefix(DIR)
                .expect("under DIR")
                .to_string_lossy()
                .into_owned();
            let yaml = std::fs::read_to_string(&p).expect("in.yaml is UTF-8");
            let events = std::fs::read_to_string(d.join("test.event"))
                .expect("test.event")
                .lines()
                .map(str::to_string)
                .collect();
            let error = d.join("error").exists();
            out.push(Case {
                id,
                dir: d,
                yaml,
                events,
                error,
            });
        }
    }
}

/// What the case uses that postmortem-lsp leaves out by design.
fn out_of_scope(c: &Case) -> Vec<&'static str> {
    let mut why = Vec::new();
    let docs = c.events.iter().filter(|l| l.starts_with("+DOC")).count();
    if docs > 1 {
        why.push("documents");
    }
    // An event's properties come before its value (`=VAL &a <tag> :text`).
    let props = |l: &String| -> Vec<String> {
        l.split(' ')
            .skip(1)
            .take_while(|t| !t.starts_with([':', '\'', '"', '|', '>']))
            .map(str::to_string)
            .collect()
    };
    if c.events
        .iter()
        .any(|l| props(l).iter().any(|t| t.starts_with('&')))
    {
        why.push("anchor");
    }
    if c.events.iter().any(|l| l.starts_with("=ALI")) {
        why.push("alias");
    }
    if c.events
        .iter()
        .any(|l| props(l).iter().any(|t| t.starts_with('<')))
    {
        why.push("tag");
    }
    // A key that is a collection.
    let mut stack: Vec<(bool, usize)> = Vec::new(); // (is map, children so far)
    let mut complex = false;
    for l in &c.events {
        let t = l.split(' ').next().unwrap_or("");
        if matches!(t, "+MAP" | "+SEQ" | "=VAL" | "=ALI") {
            if let Some((true, n)) = stack.last_mut() {
                if *n % 2 == 0 && t.starts_with('+') {
                    complex = true;
                }
                *n += 1;
            } else if let Some((false, n)) = stack.last_mut() {
                *n += 1;
            }
            match t {
                "+MAP" => stack.push((true, 0)),
                "+SEQ" => stack.push((false, 0)),
                _ => {}
            }
        } else if matches!(t, "-MAP" | "-SEQ") {
            stack.pop();
        }
    }
    if complex {
        why.push("complex key");
    }
    why
}

fn line_of(text: &str, off: usize) -> usize {
    text[..off.min(text.len())].matches('\n').count() + 1
}

/// JSON equality with numbers compared by value (`1500` == `1.5e3`).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn to_value(d: &Data) -> serde_json::Value {
    serde_json::from_str(&d.to_json()).expect("export writes valid JSON")
}

fn report() -> bool {
    std::env::var_os("YAML_SUITE_REPORT").is_some()
}

#[test]
fn valid_in_scope_cases_read_to_their_json_exactly() {
    let mut total = 0;
    let mut failures = Vec::new();
    for c in cases()
        .iter()
        .filter(|c| !c.error && out_of_scope(c).is_empty())
    {
        total += 1;
        let p = parse(&c.yaml);
        let errors: Vec<String> = p
            .errors
            .iter()
            .map(|e| format!("line {}: {:?}", line_of(&c.yaml, e.span.start), e.kind))
            .collect();
        let json_path = c.dir.join("in.json");
        let got = to_value(&document_data(&p));
        let want = std::fs::read_to_string(&json_path).ok().map(|t| {
            let mut vals = serde_json::Deserializer::from_str(&t).into_iter::<serde_json::Value>();
            vals.next()
                .and_then(Result::ok)
                .unwrap_or(serde_json::Value::Null)
        });
        let data_ok = want.as_ref().is_none_or(|w| same(&got, w));
        if !errors.is_empty() || !data_ok {
            failures.push(format!(
                "{} ({}): errors {errors:?}; got {got}; want {}",
                c.id,
                std::fs::read_to_string(c.dir.join("==="))
                    .unwrap_or_default()
                    .trim(),
                want.map_or("(no in.json)".into(), |w| w.to_string())
            ));
        }
    }
    if report() {
        eprintln!(
            "valid in-scope cases: {}/{total} read exactly",
            total - failures.len()
        );
        for f in &failures {
            eprintln!("  {f}");
        }
    }
    assert!(total >= 200, "only {total} cases selected");
    assert!(
        failures.is_empty(),
        "{} of {total} valid cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn must_fail_cases_get_a_syntax_error() {
    let mut total = 0;
    let mut passed = 0;
    let mut failures = Vec::new();
    for c in cases().iter().filter(|c| c.error) {
        total += 1;
        let p = parse(&c.yaml);
        let lines: Vec<usize> = p
            .errors
            .iter()
            .map(|e| line_of(&c.yaml, e.span.start))
            .collect();
        let ok = !lines.is_empty();
        let excepted = MUST_FAIL_EXCEPTIONS.iter().any(|(id, _)| *id == c.id);
        if ok {
            passed += 1;
            assert!(
                !excepted,
                "{} passes now: remove it from MUST_FAIL_EXCEPTIONS",
                c.id
            );
        } else if !excepted {
            failures.push(format!(
                "{} ({}): no error\n{}",
                c.id,
                std::fs::read_to_string(c.dir.join("==="))
                    .unwrap_or_default()
                    .trim(),
                c.yaml
            ));
        }
    }
    if report() {
        eprintln!("must-fail cases: {passed}/{total} get a syntax error");
        for f in &failures {
            eprintln!("  {f}");
        }
    }
    assert_eq!(total, 94, "the suite has 94 must-fail cases");
    assert!(MUST_FAIL_EXCEPTIONS.len() <= 4);
    assert!(
        failures.is_empty(),
        "{} must-fail cases missed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn out_of_scope_constructs_get_one_clear_diagnostic_and_nothing_else() {
    let mut total = 0;
    let mut failures = Vec::new();
    for c in cases().iter().filter(|c| !c.error) {
        let why = out_of_scope(c);
        if why.is_empty() {
            continue;
        }
        total += 1;
        let p = parse(&c.yaml);
        let scoped = p.errors.iter().filter(|e| e.kind.is_out_of_scope()).count();
        let other: Vec<_> = p
            .errors
            .iter()
            .filter(|e| !e.kind.is_out_of_scope())
            .map(|e| (line_of(&c.yaml, e.span.start), e.kind))
            .collect();
        if scoped == 0 || !other.is_empty() {
            failures.push(format!(
                "{} {why:?}: {scoped} out-of-scope, others {other:?}",
                c.id
            ));
        }
    }
    if report() {
        eprintln!(
            "out-of-scope cases: {}/{total} as designed",
            total - failures.len()
        );
        for f in &failures {
            eprintln!("  {f}");
        }
    }
    assert!(total > 50);
    assert!(
        failures.is_empty(),
        "{} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_kind_is_reachable_from_the_enum_list() {
    // The list the i18n test walks must name every kind (the match in
    // `SyntaxErrorKind::ALL`'s test would not compile otherwise).
    assert!(SyntaxErrorKind::ALL.len() >= 10);
}

/// A document being typed is cut anywhere: every prefix of every suite input
/// (at each character boundary) parses without a panic, and every error span
/// lies inside the text. (Found by the server's random-edit test: a tag or an
/// anchor at the very end of a flow collection, `a: [&x`, read past the end.)
#[test]
fn every_prefix_of_every_case_parses_without_a_panic() {
    let mut prefixes = 0usize;
    let mut failures = Vec::new();
    for c in cases() {
        for (cut, _) in c.yaml.char_indices().chain([(c.yaml.len(), ' ')]) {
            let text = &c.yaml[..cut];
            prefixes += 1;
            match std::panic::catch_unwind(|| parse(text)) {
                Ok(p) => {
                    if let Some(e) = p.errors.iter().find(|e| e.span.end > text.len()) {
                        failures.push(format!(
                            "{} cut at {cut}: {:?} ends past the text",
                            c.id, e.kind
                        ));
                    }
                }
                Err(_) => failures.push(format!("{} cut at {cut}: {text:?} panicked", c.id)),
            }
            if failures.len() > 20 {
                break;
            }
        }
    }
    assert!(prefixes > 5_000, "only {prefixes} prefixes");
    assert!(
        failures.is_empty(),
        "{} prefixes:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

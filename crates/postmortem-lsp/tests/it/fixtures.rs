//! Fixtures with expected diagnostics: every rule fires somewhere, the clean
//! example stays quiet, and each diagnostic's code, position and field are
//! pinned in a `.expected` file next to the fixture (regenerate with
//! `UPDATE_EXPECT=1 cargo test --test fixtures` and review the diff).

use postmortem_engine::analysis::{analyze, Analysis, Options};
use postmortem_engine::config::Config;
use postmortem_engine::diagnostic::Severity;
use postmortem_syntax::text::Encoding;
use std::path::{Path, PathBuf};

/// The repository's root: fixtures are named relative to it.
fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn check(path: &Path) -> Analysis {
    let text = std::fs::read_to_string(path).expect("fixture");
    let cfg = Config::discover(path.parent().expect("dir"));
    let mut o = Options::new(&cfg);
    o.path = Some(path);
    let r = root();
    o.root = Some(&r);
    analyze(text, &o)
}

fn summary(a: &Analysis) -> String {
    let mut s = String::new();
    for d in &a.diagnostics {
        let p = a.lines.position(&a.text, d.span.start, Encoding::Char);
        let e = a.lines.position(&a.text, d.span.end, Encoding::Char);
        s.push_str(&format!(
            "{} {}:{}-{}:{} {} {}\n",
            d.code,
            p.line + 1,
            p.col + 1,
            e.line + 1,
            e.col + 1,
            d.severity.as_str(),
            d.field
        ));
    }
    s
}

const FIXTURES: &[&str] = &[
    "examples/checkout-outage/postmortem.yaml",
    "examples/checkout-outage/mistakes.postmortem.yaml",
    "crates/postmortem-lsp/tests/fixtures/broken.postmortem.yaml",
    "crates/postmortem-lsp/tests/fixtures/zh-tw/postmortem.yaml",
];

#[test]
fn expected_diagnostics() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    for f in FIXTURES {
        let path = root().join(f);
        let got = summary(&check(&path));
        let exp_path = root()
            .join("crates/postmortem-lsp/tests/fixtures/expected")
            .join(format!(
                "{}.expected",
                f.trim_start_matches("crates/postmortem-lsp/")
                    .replace('/', "__")
            ));
        if update {
            std::fs::create_dir_all(exp_path.parent().expect("dir")).expect("mkdir");
            std::fs::write(&exp_path, &got).expect("write");
            continue;
        }
        let want = std::fs::read_to_string(&exp_path).unwrap_or_default();
        assert!(got == want, "{f}: diagnostics changed.\n--- expected\n{want}\n--- got\n{got}\nRun UPDATE_EXPECT=1 cargo test --test fixtures and review the diff.");
    }
}

#[test]
fn the_clean_example_passes_every_rule() {
    let a = check(&root().join("examples/checkout-outage/postmortem.yaml"));
    let loud: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .collect();
    assert!(loud.is_empty(), "{loud:?}");
    assert!(
        a.diagnostics
            .iter()
            .all(|d| matches!(d.code, "PM403" | "PM407")),
        "{:?}",
        a.diagnostics
    );
}

#[test]
fn every_rule_fires_on_some_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for f in FIXTURES {
        for d in check(&root().join(f)).diagnostics {
            seen.insert(d.code);
        }
    }
    let missing: Vec<&str> = postmortem_engine::rules::REGISTRY
        .iter()
        .map(|r| r.meta().code)
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "no fixture triggers {missing:?}; add a case under tests/fixtures/"
    );
}

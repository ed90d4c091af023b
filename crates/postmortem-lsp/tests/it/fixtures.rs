//! Fixtures with expected diagnostics: every rule fires somewhere, the clean
//! example stays quiet, and each diagnostic is pinned in a `.expected` file
//! under tests/fixtures/expected/: its code, range, severity and field, its
//! message (in 繁體中文 for the zh-tw fixture, else English), the word a code action
//! would add to `[blameless] allow`, and each quick fix's title with the
//! affected lines before (`-`) and after (`+`) the fix. Regenerate with
//! `UPDATE_EXPECT=1 cargo test -p postmortem-lsp --test it fixtures::` and
//! review the diff.

use postmortem_engine::analysis::{analyze, Analysis, Options};
use postmortem_engine::config::Config;
use postmortem_engine::diagnostic::{Edit, Fix, Locale, Severity};
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
    // The 繁體中文 fixture pins the zh-TW messages and fix titles.
    if path.components().any(|c| c.as_os_str() == "zh-tw") {
        o.locale = Some(Locale::ZhTw);
    }
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
        for line in d.message.lines() {
            s.push_str(&format!("    {line}\n"));
        }
        if let Some(w) = &d.allow_word {
            s.push_str(&format!("    allow word: {w}\n"));
        }
        for f in &d.fixes {
            s.push_str(&fix_excerpt(&a.text, f));
        }
    }
    s
}

/// Byte offset where each line starts, plus the text's length at the end.
fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    v
}

/// 0-based line holding byte `off`.
fn line_of(starts: &[usize], off: usize) -> usize {
    starts.partition_point(|&s| s <= off).saturating_sub(1)
}

/// A quick fix as its title and, per group of nearby edits, the affected lines
/// before and after (a unified-diff-like hunk headed by the first line's number).
fn fix_excerpt(text: &str, fix: &Fix) -> String {
    let mut s = format!(
        "    fix{}: {}\n",
        if fix.preferred { " (preferred)" } else { "" },
        fix.title
    );
    let starts = line_starts(text);
    let mut edits: Vec<&Edit> = fix.edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    // Group edits whose lines touch; each group becomes one hunk.
    let mut groups: Vec<(usize, usize, Vec<&Edit>)> = Vec::new();
    for e in edits {
        let (a, b) = (line_of(&starts, e.span.start), line_of(&starts, e.span.end));
        match groups.last_mut() {
            Some((_, end, g)) if a <= *end + 1 => {
                *end = (*end).max(b);
                g.push(e);
            }
            _ => groups.push((a, b, vec![e])),
        }
    }
    for (a, b, g) in groups {
        let from = starts[a];
        let to = starts.get(b + 1).copied().unwrap_or(text.len()).max(from);
        let before = text.get(from..to).unwrap_or("");
        let mut after = String::new();
        let mut at = from;
        for e in &g {
            let start = e.span.start.clamp(at, to);
            after.push_str(text.get(at..start).unwrap_or(""));
            after.push_str(&e.new_text);
            at = e.span.end.clamp(start, to);
        }
        after.push_str(text.get(at..to).unwrap_or(""));
        s.push_str(&format!("      @@ line {}\n", a + 1));
        for l in before.lines() {
            s.push_str(&format!("      -{l}\n"));
        }
        for l in after.lines() {
            s.push_str(&format!("      +{l}\n"));
        }
    }
    s
}

const FIXTURES: &[&str] = &[
    "examples/checkout-outage/postmortem.yaml",
    "examples/checkout-outage/mistakes.postmortem.yaml",
    "crates/postmortem-lsp/tests/fixtures/broken.postmortem.yaml",
    "crates/postmortem-lsp/tests/fixtures/zh-tw/postmortem.yaml",
    "crates/postmortem-lsp/tests/fixtures/secrets/postmortem.yaml",
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
        assert!(got == want, "{f}: diagnostics changed.\n--- expected\n{want}\n--- got\n{got}\nRun UPDATE_EXPECT=1 cargo test -p postmortem-lsp --test it fixtures:: and review the diff.");
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

#[test]
fn a_fix_shows_the_affected_lines_before_and_after() {
    let text = "action_items:\n  - id: AI-1\n    due: 2026-05-08\n  - id: AI-7\n";
    let at = |needle: &str| {
        let i = text.find(needle).expect("needle");
        i..i + needle.len()
    };
    let fix = Fix {
        title: "Renumber".into(),
        edits: vec![
            Edit {
                span: at("AI-7"),
                new_text: "AI-002".into(),
            },
            Edit {
                span: at("AI-1"),
                new_text: "AI-001".into(),
            },
        ],
        preferred: true,
    };
    assert_eq!(
        fix_excerpt(text, &fix),
        "    fix (preferred): Renumber\n      @@ line 2\n      -  - id: AI-1\n      +  - id: AI-001\n      @@ line 4\n      -  - id: AI-7\n      +  - id: AI-002\n"
    );
    // An inserted line shows up as a `+` line above the line it was inserted before.
    let insert = Fix {
        title: "Add owner".into(),
        edits: vec![Edit {
            span: at("    due").start..at("    due").start,
            new_text: "    owner: TODO(who owns this)\n".into(),
        }],
        preferred: false,
    };
    assert_eq!(
        fix_excerpt(text, &insert),
        "    fix: Add owner\n      @@ line 3\n      -    due: 2026-05-08\n      +    owner: TODO(who owns this)\n      +    due: 2026-05-08\n"
    );
}

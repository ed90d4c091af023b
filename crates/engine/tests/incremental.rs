//! Analyses that reuse a [`Cache`] and the previous version's analysis
//! across edits (as the language server does while someone types) give
//! exactly what a fresh analysis of the same text gives: random edit sequences on the example, diagnostic for diagnostic
//! (code, severity, span, field, message, fixes, allow-word), and the same
//! citations.

use postmortem_engine::analysis::{analyze, Analysis, Cache, Options};
use postmortem_engine::config::Config;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage")
}

type Row = (
    &'static str,
    String,
    std::ops::Range<usize>,
    String,
    String,
    Vec<postmortem_engine::diagnostic::Fix>,
    Option<String>,
);

fn rows(a: &Analysis) -> Vec<Row> {
    a.diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                d.severity.as_str().to_string(),
                d.span.clone(),
                d.field.clone(),
                d.message.clone(),
                d.fixes.clone(),
                d.allow_word.clone(),
            )
        })
        .collect()
}

fn cites(a: &Analysis) -> Vec<(String, std::ops::Range<usize>)> {
    a.citations
        .iter()
        .map(|c| (c.field.clone(), c.span.clone()))
        .collect()
}

fn run(text: &str, cache: Option<&Cache>) -> Analysis {
    run_after(text, cache, None)
}

/// An analysis given the previous version's (as the server gives it, so that
/// only the edited section is parsed again).
fn run_after(text: &str, cache: Option<&Cache>, previous: Option<&Analysis>) -> Analysis {
    let dir = example_dir();
    let path = dir.join("postmortem.yaml");
    let cfg = Config::default();
    let mut o = Options::new(&cfg);
    o.path = Some(&path);
    o.root = Some(&dir);
    o.cache = cache;
    o.previous = previous;
    analyze(text.to_string(), &o)
}

/// What a user types: characters that change YAML structure, people's names
/// and handles, blame words, citations, suppression comments, whole lines.
const SNIPPETS: &[&str] = &[
    "x",
    " ",
    "\n",
    ": ",
    "- ",
    "#",
    "\"",
    "[",
    "[chat L3]",
    "[report §2]",
    "@alice",
    "Alice",
    " blamed ",
    "should have",
    "TODO",
    "值",
    "🚒",
    "\t",
    "\n  - id: AI-009\n    owner: alice\n",
    "# postmortem-lsp: ignore PM301\n",
    "\nsummary: Bob forgot the flag\n",
];

#[derive(Clone, Debug)]
enum EditOp {
    Insert { at: usize, snippet: usize },
    Delete { at: usize, len: usize },
}

fn edit_op() -> impl Strategy<Value = EditOp> {
    prop_oneof![
        3 => (any::<usize>(), 0..SNIPPETS.len()).prop_map(|(at, snippet)| EditOp::Insert { at, snippet }),
        1 => (any::<usize>(), 1usize..40).prop_map(|(at, len)| EditOp::Delete { at, len }),
    ]
}

fn floor_char(t: &str, mut i: usize) -> usize {
    i = i.min(t.len());
    while !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, op: &EditOp) {
    match op {
        EditOp::Insert { at, snippet } => {
            let at = floor_char(text, at % (text.len() + 1));
            text.insert_str(at, SNIPPETS[*snippet]);
        }
        EditOp::Delete { at, len } => {
            let s = floor_char(text, at % (text.len() + 1));
            let e = floor_char(text, s + len);
            text.replace_range(s..e, "");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn cached_analysis_equals_a_fresh_one(ops in proptest::collection::vec(edit_op(), 1..5)) {
        let mut text = std::fs::read_to_string(example_dir().join("postmortem.yaml")).expect("example");
        let cache = Cache::new();
        // warm: the cache holds the original document's people and values
        let mut previous = run(&text, Some(&cache));
        for op in &ops {
            apply(&mut text, op);
            let kept = run_after(&text, Some(&cache), Some(&previous));
            let fresh = run(&text, None);
            prop_assert_eq!(format!("{:?}", kept.parsed), format!("{:?}", fresh.parsed), "parse after {:?}", op);
            prop_assert_eq!(rows(&kept), rows(&fresh), "after {:?}", op);
            prop_assert_eq!(cites(&kept), cites(&fresh));
            previous = kept;
        }
    }
}

/// The property above can fail: a cache that kept the people of an earlier
/// text would miss a name added since (here: a new chat handle).
#[test]
fn a_new_handle_is_seen_after_an_edit() {
    let cache = Cache::new();
    let before = "summary: the deploy went out\nwhat_went_wrong:\n  - kim restarted the pool\n";
    let after = "summary: the deploy went out, @kim was paged\nwhat_went_wrong:\n  - kim restarted the pool\n";
    let named = |a: &Analysis| a.diagnostics.iter().filter(|d| d.code == "PM301").count();
    let b = run(before, Some(&cache));
    let a = run(after, Some(&cache));
    assert_eq!(named(&b), named(&run(before, None)));
    assert_eq!(rows(&a), rows(&run(after, None)));
    assert!(named(&a) > named(&b), "the new handle names a person");
}

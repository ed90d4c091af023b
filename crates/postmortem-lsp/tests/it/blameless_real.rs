//! Precision and recall of the blameless checks on real text: sentences from
//! published postmortems, blameless-writing guides and zh-TW incident reports
//! (`tests/blameless/real.tsv`, each with its source URL), labelled before the
//! checker was first run on them and kept apart from `corpus.tsv`.
//!
//! `cargo test -p postmortem-lsp --test it blameless_real -- --nocapture`
//! prints the table per split (the tuning splits dev, tuning-r2 and fresh2 —
//! each held out at its first run and tuned on after it; fresh3, held out at
//! its first run in round 4 and then fixed post hoc; fresh4, the same in round
//! 5; fresh5, the same in round 6; fresh6 to fresh11, held out in round 7; fresh12 and fresh13, in round 8; the held-out split test; all), per
//! language and per rule. Misclassified
//! sentences are listed for every split but test (held out: set
//! `BLAMELESS_SHOW_TEST=1` to list it too).
//!
//! Fails when, on the tuning splits, precision < 0.95 or recall < 0.85 in
//! either language, or a rule with at least 5 positives in a language has
//! recall < 0.75 there (the issue-14 targets); or when a held-out split falls
//! below its regression floor per language: test (precision 0.85, recall
//! 0.70, set under its first measurement), or fresh3 below its floor
//! (precision 0.90, recall 0.85) or fresh4 below its (precision 0.90, recall
//! 0.75) or fresh5 below its (precision 0.95, recall 0.85), each set under
//! its figures after the post-hoc fixes (their first, held-out runs are
//! recorded in docs/blameless.md), or fresh6–fresh13 together below theirs
//! (precision 0.72, recall 0.48). The held-out figures are reported, not
//! tuned.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::common::corpus::{expected_codes, is_chinese, tally, Counts, RULES};
use postmortem_engine::rules::blameless::{check_text, FieldKind, People};

const MIN_POSITIVES: usize = 5;
const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.85;
const MIN_RULE_RECALL: f64 = 0.75;
/// Regression floor on the held-out split (not a target).
const HELD_OUT_MIN_PRECISION: f64 = 0.85;
const HELD_OUT_MIN_RECALL: f64 = 0.70;
/// Splits the checker is developed on: `dev` (round 1), `tuning-r2` and
/// `fresh2` (the round-2 and round-3 held-out batches, each measured once and
/// then folded into tuning).
const TUNING: [&str; 3] = ["dev", "tuning-r2", "fresh2"];
/// Split never tuned on: `test` (round 1).
const HELD_OUT: [&str; 1] = ["test"];
/// Round 4's fresh batch: labelled and committed before its first run, after
/// the rules were frozen; measured once as held out, then tuned on by pattern
/// family (post hoc).
const POST_HOC: [&str; 1] = ["fresh3"];
/// Round 5's fresh batch: labelled and committed after the round-5 rules were
/// frozen (`606a973`) and before the checker ever ran on it; measured once as
/// held out (docs/blameless.md), then tuned on by pattern family (post hoc).
const FRESH: [&str; 1] = ["fresh4"];
/// Regression floor on `fresh4`, under its figures after the post-hoc fixes
/// (English 0.979 / 0.810, 繁體中文 1.000 / 0.864).
const FRESH_MIN_PRECISION: f64 = 0.90;
const FRESH_MIN_RECALL: f64 = 0.75;
/// Round 6's fresh batch: collected and labelled by someone who never read
/// the rules nor ran the checker, committed (`b41ed0e`) before its first run;
/// measured once as held out (English 0.810 / 0.618, 繁體中文 0.818 / 0.524,
/// docs/blameless.md), then tuned on by pattern family (post hoc, unit test
/// `post_hoc_families_after_the_fresh5_run`). It keeps its own group.
const FRESH5: [&str; 1] = ["fresh5"];
/// Regression floor on `fresh5`, just under its figures after the post-hoc
/// fixes (English 0.980 / 0.909, 繁體中文 0.957 / 0.874).
const FRESH5_MIN_PRECISION: f64 = 0.95;
const FRESH5_MIN_RECALL: f64 = 0.85;
/// Every split, in the order the file adds them. Besides those above: round
/// 7's batches `fresh6`–`fresh11`, each collected and labelled by someone who
/// never read the rules nor ran the checker, committed before its first run,
/// and labelled a second time, blind, by another person (docs/blameless.md,
/// seventh round). fresh6 and fresh7 came first; fresh8 after the post-hoc
/// fixes for them; fresh9 after every rule change of the round; fresh10 and
/// fresh11 after the shipped wording-review prompt. Round 8's `fresh12` and
/// `fresh13` (mostly teams' own postmortems), the same way: fresh12 after
/// round 8's first rule changes, fresh13 after its open heads. They are
/// reported, each its own group, without a floor.
const SPLITS: [&str; 15] = [
    "dev",
    "tuning-r2",
    "fresh2",
    "test",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
    "fresh12",
    "fresh13",
];
/// fresh6–fresh13 together, the batches reported without a floor of their
/// own: a regression floor just under their figures at the end of round 8
/// (English 0.847 / 0.579, 繁體中文 0.730 / 0.505), so that a rule change
/// that loses findings across 3,000 real sentences fails here.
const LATER: [&str; 8] = [
    "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13",
];
const LATER_MIN_PRECISION: f64 = 0.72;
const LATER_MIN_RECALL: f64 = 0.48;
/// Regression floor on `fresh3`, under its figures after the post-hoc fixes.
/// Recall was 0.90 until round 7, which stopped reading a fine on a company
/// (「依契約處罰」) as an action on people: fresh3's labeller flagged it,
/// fresh5's and both of fresh8's labellers did not. That one sentence moves
/// fresh3's 繁體中文 recall from 0.929 to 0.893.
const POST_HOC_MIN_PRECISION: f64 = 0.90;
const POST_HOC_MIN_RECALL: f64 = 0.85;

struct Row {
    line: usize,
    field: String,
    expected: BTreeSet<String>,
    split: String,
    text: String,
}

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/blameless")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load_people() -> People {
    let text = data("real-people.txt");
    let names = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from);
    People::new(names, &[])
}

fn load_rows() -> Vec<Row> {
    let text = data("real.tsv");
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.splitn(5, '\t').collect();
        let [field, codes, split, source, sentence] = cols[..] else {
            panic!("real.tsv:{}: expected 5 tab-separated columns", i + 1);
        };
        assert!(
            source.starts_with("http://") || source.starts_with("https://"),
            "real.tsv:{}: every sentence needs its source URL",
            i + 1
        );
        assert!(
            SPLITS.contains(&split),
            "real.tsv:{}: split must be one of {SPLITS:?}",
            i + 1
        );
        let expected = expected_codes(codes, &format!("real.tsv:{}", i + 1));
        rows.push(Row {
            line: i + 1,
            field: field.to_string(),
            expected,
            split: split.to_string(),
            text: sentence.to_string(),
        });
    }
    rows
}

/// Counts per rule for the rows that pass `keep`, with misclassified rows.
fn score(
    rows: &[Row],
    people: &People,
    keep: impl Fn(&Row) -> bool,
) -> ([Counts; 6], Vec<String>, usize) {
    let mut counts = [Counts::default(); 6];
    let mut errors = Vec::new();
    let mut n = 0;
    for row in rows.iter().filter(|r| keep(r)) {
        n += 1;
        let got: BTreeSet<String> =
            check_text(&row.text, FieldKind::from_field(&row.field), people)
                .into_iter()
                .map(|f| f.rule.to_string())
                .collect();
        let what = format!("line {} [{}] {}", row.line, row.field, row.text);
        tally(&row.expected, &got, &what, &mut counts, &mut errors);
    }
    (counts, errors, n)
}

fn print_table(title: &str, n: usize, counts: &[Counts; 6]) -> Counts {
    println!("\n{title}: {n} sentences");
    println!(
        "{:<7} {:>4} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "rule", "pos", "tp", "fp", "fn", "precision", "recall"
    );
    let mut all = Counts::default();
    for (i, rule) in RULES.iter().enumerate() {
        let c = counts[i];
        all.add(c);
        println!(
            "{:<7} {:>4} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
            rule,
            c.tp + c.fn_,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
    println!(
        "{:<7} {:>4} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
        "all",
        all.tp + all.fn_,
        all.tp,
        all.fp,
        all.fn_,
        all.precision(),
        all.recall()
    );
    all
}

#[test]
fn blameless_real_corpus_precision_and_recall() {
    let people = load_people();
    let rows = load_rows();
    let zh = rows.iter().filter(|r| is_chinese(&r.text)).count();
    assert!(
        rows.len() >= 400 && zh >= 100,
        "corpus too small: {} rows, {zh} zh-TW",
        rows.len()
    );
    let counts: Vec<String> = SPLITS
        .iter()
        .map(|split| {
            let n = rows.iter().filter(|r| r.split == *split).count();
            format!("{n} {split}")
        })
        .collect();
    println!(
        "\nreal blameless corpus: {} sentences ({} English, {zh} 繁體中文; by split: {}; tuning: {TUNING:?}; held out: {HELD_OUT:?}; the others were held out at their first run, see the constants above)",
        rows.len(),
        rows.len() - zh,
        counts.join(", "),
    );
    let show_test = std::env::var_os("BLAMELESS_SHOW_TEST").is_some();
    let mut failures = Vec::new();
    // Each split on its own, the tuning splits together after the last of
    // them, and everything at the end.
    let mut groups: Vec<(String, &[&str])> = Vec::new();
    for split in &SPLITS {
        groups.push((split.to_string(), std::slice::from_ref(split)));
        if *split == TUNING[TUNING.len() - 1] {
            groups.push(("tuning (dev + tuning-r2 + fresh2)".to_string(), &TUNING));
        }
    }
    groups.push(("fresh6–fresh13".to_string(), &LATER));
    groups.push(("all".to_string(), &SPLITS));
    // Regression floors (not targets): per split, precision and recall.
    let floors: [(&[&str], f64, f64); 5] = [
        (&HELD_OUT, HELD_OUT_MIN_PRECISION, HELD_OUT_MIN_RECALL),
        (&POST_HOC, POST_HOC_MIN_PRECISION, POST_HOC_MIN_RECALL),
        (&FRESH, FRESH_MIN_PRECISION, FRESH_MIN_RECALL),
        (&FRESH5, FRESH5_MIN_PRECISION, FRESH5_MIN_RECALL),
        (&LATER, LATER_MIN_PRECISION, LATER_MIN_RECALL),
    ];
    for (name, splits) in groups {
        for (lang, chinese) in [("English", false), ("繁體中文", true)] {
            let (counts, errors, n) = score(&rows, &people, |r| {
                splits.contains(&r.split.as_str()) && is_chinese(&r.text) == chinese
            });
            if n == 0 {
                continue;
            }
            let all = print_table(&format!("{name} · {lang}"), n, &counts);
            let held_out = splits.iter().all(|s| HELD_OUT.contains(s));
            let single = splits.len() == 1;
            if single && (!held_out || show_test) && !errors.is_empty() {
                println!("misclassified:\n{}", errors.join("\n"));
            }
            if splits == TUNING {
                if all.precision() < MIN_PRECISION || all.recall() < MIN_RECALL {
                    failures.push(format!(
                        "tuning {lang}: precision {:.3}, recall {:.3}",
                        all.precision(),
                        all.recall()
                    ));
                }
                for (i, rule) in RULES.iter().enumerate() {
                    let c = counts[i];
                    if c.tp + c.fn_ >= MIN_POSITIVES && c.recall() < MIN_RULE_RECALL {
                        failures.push(format!("tuning {lang} {rule}: recall {:.3}", c.recall()));
                    }
                }
            } else if let Some((_, min_p, min_r)) =
                floors.iter().find(|(floored, _, _)| *floored == splits)
            {
                if all.precision() < *min_p || all.recall() < *min_r {
                    failures.push(format!(
                        "{name} {lang}: precision {:.3}, recall {:.3} (floor {min_p} / {min_r})",
                        all.precision(),
                        all.recall()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "below target (tuning: precision {MIN_PRECISION}, recall {MIN_RECALL}, per rule {MIN_RULE_RECALL}) or floor (held-out):\n{}",
        failures.join("\n")
    );
}

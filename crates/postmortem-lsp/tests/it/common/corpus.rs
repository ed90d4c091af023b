//! What the two blameless corpus tests (`blameless_corpus`, ours, and
//! `blameless_real`, real text) score with: the rules, the language of a
//! sentence, and precision and recall counts.

use std::collections::BTreeSet;

/// The blameless rules, in the order the tables print them.
pub const RULES: [&str; 6] = ["PM301", "PM302", "PM303", "PM304", "PM305", "PM306"];

/// A sentence is 繁體中文 when it holds at least four CJK ideographs.
/// The rule codes of a corpus line's codes column (`PM302,PM305`, or `-` for
/// none), each checked to be a blameless rule; `at` names the line in messages.
pub fn expected_codes(codes: &str, at: &str) -> BTreeSet<String> {
    let expected: BTreeSet<String> = codes
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty() && *c != "-")
        .map(String::from)
        .collect();
    for c in &expected {
        assert!(RULES.contains(&c.as_str()), "{at}: unknown rule {c}");
    }
    expected
}

pub fn is_chinese(s: &str) -> bool {
    s.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count()
        >= 4
}

/// True and false positives and false negatives of one rule.
#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
    /// 1.0 when nothing was flagged.
    pub fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    /// 1.0 when nothing was expected.
    pub fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// Adds one sentence to the per-rule counts: `expected` are the rules its
/// label names, `got` the rules the checker reported. Each false positive or
/// negative goes to `errors` as `  FP PM303 <what>`.
pub fn tally(
    expected: &BTreeSet<String>,
    got: &BTreeSet<String>,
    what: &str,
    counts: &mut [Counts; 6],
    errors: &mut Vec<String>,
) {
    for (i, rule) in RULES.iter().enumerate() {
        match (expected.contains(*rule), got.contains(*rule)) {
            (true, true) => counts[i].tp += 1,
            (false, true) => {
                counts[i].fp += 1;
                errors.push(format!("  FP {rule} {what}"));
            }
            (true, false) => {
                counts[i].fn_ += 1;
                errors.push(format!("  FN {rule} {what}"));
            }
            (false, false) => {}
        }
    }
}

//! Literals that every match of a regex contains, for gates that skip a
//! regex (and its compilation and search cache) on texts that cannot hold a
//! match: one Aho–Corasick pass over a text finds which of many patterns'
//! literals occur. Used by the blameless phrase lists and the secret rules.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// Literals one of which every match of the pattern `p` contains, ASCII
/// lower-cased (for an ASCII-case-insensitive search); `None` when there is
/// no such finite set of non-empty literals. An error when `p` does not
/// parse. `case_insensitive` is the builder's flag (inline `(?i)` is read
/// from the pattern).
pub(crate) fn required(p: &str, case_insensitive: bool) -> Result<Option<Vec<Vec<u8>>>, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .build()
        .parse(p)
        .map_err(|e| e.to_string())?;
    Ok(required_literals(&hir))
}

/// The prefix literals of `h` as `regex` extracts them for its prefilter
/// (case variants included: `(?i)k` also gives the Kelvin sign), ASCII
/// lower-cased and deduplicated; `None` unless every match of `h` starts
/// with one of a finite set of non-empty literals.
fn prefixes_of(h: &Hir) -> Option<Vec<Vec<u8>>> {
    // Short literals are enough for a gate, and far cheaper to extract.
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_literal_len(8)
        .limit_total(64)
        .extract(h);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    let mut out: Vec<Vec<u8>> = lits
        .iter()
        .map(|l| l.as_bytes().to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// A literal or a small class (a letter and its case variants): part of a
/// run of literal text.
fn is_literal_like(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Literal(_) => true,
        HirKind::Class(c) => c.literal().is_some() || small_class(c),
        _ => false,
    }
}

fn small_class(c: &regex_syntax::hir::Class) -> bool {
    match c {
        regex_syntax::hir::Class::Unicode(u) => {
            u.ranges().iter().map(|r| r.len()).sum::<usize>() <= 4
        }
        regex_syntax::hir::Class::Bytes(b) => {
            b.ranges().iter().map(|r| r.len()).sum::<usize>() <= 4
        }
    }
}

/// Which of two literal sets makes the better gate: longer shortest
/// literals (they occur in fewer texts), then fewer literals.
fn better(a: Option<Vec<Vec<u8>>>, b: Option<Vec<Vec<u8>>>) -> Option<Vec<Vec<u8>>> {
    let score = |v: &Vec<Vec<u8>>| {
        let min = v.iter().map(Vec::len).min().unwrap_or(0).min(6);
        (min, std::cmp::Reverse(v.len()))
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Literals one of which every match of `h` contains: the prefixes of `h`
/// or of any tail of a concatenation in it (a match of the whole contains
/// a match of each part), the union over an alternation's branches, the
/// literals of a group or of a repetition that occurs at least once.
fn required_literals(h: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut best = prefixes_of(h);
    // literals of 4 bytes or more are rare enough in prose: stop looking
    if best
        .as_ref()
        .is_some_and(|b| b.iter().all(|l| l.len() >= 4))
    {
        return best;
    }
    match h.kind() {
        HirKind::Concat(subs) => {
            for (i, sub) in subs.iter().enumerate() {
                // tails that start a run of literal text (a tail starting
                // inside a run gives a shorter literal)
                if i > 0 && is_literal_like(sub) && !is_literal_like(&subs[i - 1]) {
                    best = better(best, prefixes_of(&Hir::concat(subs[i..].to_vec())));
                }
                if !is_literal_like(sub) {
                    best = better(best, required_literals(sub));
                }
            }
        }
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for s in subs {
                match required_literals(s) {
                    Some(l) => all.extend(l),
                    None => return best,
                }
            }
            all.sort();
            all.dedup();
            best = better(best, Some(all));
        }
        HirKind::Capture(c) => best = better(best, required_literals(&c.sub)),
        HirKind::Repetition(r) if r.min >= 1 => best = better(best, required_literals(&r.sub)),
        _ => {}
    }
    best
}

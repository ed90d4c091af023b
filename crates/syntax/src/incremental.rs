//! Re-parsing only the top-level section an edit touched.
//!
//! A postmortem is a map of top-level sections (`incident_ref:`, `timeline:`,
//! …), each starting with a `key:` at column 0. The parser reads each such
//! section on its own: a line at column 0 ends every block, flow collection
//! and scalar of the section before it. So when an edit stays inside one
//! section, that section's text can be parsed alone and spliced between the
//! previous parse's other sections, whose spans only shift.
//!
//! [`reparse`] does that when it can prove the result is the same as a fresh
//! [`parse`], and parses everything otherwise:
//! - both versions are made of top-level `key:` lines at column 0 and
//!   nothing else at column 0 (no `---`, `%`, stray text, list or flow root,
//!   byte-order mark or lone carriage return), every syntax error lying inside
//!   one section;
//! - the edit lies inside one section, and the next section still starts a
//!   line;
//! - the re-parsed text still begins with its key (nothing typed before it)
//!   and has no error at its very end, where a fresh parse would see the next
//!   key instead of the end of the text.
//!
//! A property test (`tests/incremental.rs`) holds it to `parse` for random
//! documents and random edits.

use crate::{guard, parse, Node, Pair, Parsed, Scalar, SyntaxError, Value};

/// Where each top-level section starts (the first at 0), when `parsed` is
/// made of top-level sections as described in the module docs.
fn sections(text: &str, parsed: &Parsed) -> Option<Vec<usize>> {
    if parsed.refused {
        return None;
    }
    let root = parsed.root.as_ref()?;
    let Value::Map(pairs) = &root.value else {
        return None;
    };
    if root.flow || pairs.is_empty() || text.starts_with('\u{feff}') {
        return None;
    }
    let b = text.as_bytes();
    // a carriage return not followed by a line feed would be a line break the
    // scan below does not see
    if text
        .match_indices('\r')
        .any(|(i, _)| b.get(i + 1) != Some(&b'\n'))
    {
        return None;
    }
    let mut starts = Vec::with_capacity(pairs.len());
    let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
    for ls in line_starts {
        if matches!(b.get(ls), None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'#')) {
            continue;
        }
        // text at column 0: it must be the next top-level key
        let pair = pairs.get(starts.len())?;
        if pair.key.span.start != ls {
            return None;
        }
        starts.push(if starts.is_empty() { 0 } else { ls });
    }
    if starts.len() != pairs.len() {
        return None;
    }
    // every error inside one section
    for e in &parsed.errors {
        let i = starts
            .partition_point(|&s| s <= e.span.start)
            .checked_sub(1)?;
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        if e.span.end > end {
            return None;
        }
    }
    Some(starts)
}

/// Parses `text`, the new version of `prev_text` (whose parse is `prev`),
/// re-reading only the top-level section the edit touched when that gives
/// the same result as [`parse`]; otherwise parses the whole text.
pub fn reparse(prev: &Parsed, prev_text: &str, text: &str) -> Parsed {
    reparse_section(prev, prev_text, text).unwrap_or_else(|| parse(text))
}

/// [`reparse`]'s fast path alone: `None` when the edit cannot be read by
/// re-parsing one section (then [`parse`] the whole text).
pub fn reparse_section(prev: &Parsed, prev_text: &str, text: &str) -> Option<Parsed> {
    if guard(text).is_some() {
        return None;
    }
    let (a, b) = (prev_text.as_bytes(), text.as_bytes());
    let shortest = a.len().min(b.len());
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(shortest - p)
        .take_while(|(x, y)| x == y)
        .count();
    if p == a.len() && p == b.len() {
        return Some(prev.clone());
    }
    let starts = sections(prev_text, prev)?;
    let i = starts.partition_point(|&st| st <= p).checked_sub(1)?;
    let start = starts[i];
    let last = i + 1 == starts.len();
    let next_old = starts.get(i + 1).copied().unwrap_or(a.len());
    if a.len() - s > next_old {
        return None; // the edit reaches into the next section
    }
    let next_new = (next_old + b.len()).checked_sub(a.len())?;
    if !last && (next_new == 0 || b.get(next_new - 1) != Some(&b'\n')) {
        return None; // the next section no longer starts a line
    }
    let sec = text.get(start..next_new)?;
    let mut part = parse(sec);
    let sec_starts = sections(sec, &part)?;
    let Some(Node {
        value: Value::Map(new_pairs),
        ..
    }) = part.root.as_mut()
    else {
        return None;
    };
    if i > 0 && new_pairs.first().map(|p| p.key.span.start) != Some(0) {
        return None; // something typed before the section's key
    }
    if !last && part.errors.iter().any(|e| e.span.end >= sec.len()) {
        return None; // an error at the end: a fresh parse sees the next key there
    }
    debug_assert!(!sec_starts.is_empty());
    let delta = b.len() as isize - a.len() as isize;
    let Some(Node {
        value: Value::Map(old_pairs),
        ..
    }) = prev.root.as_ref()
    else {
        return None;
    };
    let mut pairs: Vec<Pair> = Vec::with_capacity(old_pairs.len() + new_pairs.len());
    pairs.extend(old_pairs[..i].iter().cloned());
    pairs.extend(std::mem::take(new_pairs).into_iter().map(|mut p| {
        shift_pair(&mut p, start as isize);
        p
    }));
    pairs.extend(old_pairs[i + 1..].iter().cloned().map(|mut p| {
        shift_pair(&mut p, delta);
        p
    }));
    let mut errors: Vec<SyntaxError> = Vec::with_capacity(prev.errors.len() + part.errors.len());
    errors.extend(prev.errors.iter().filter(|e| e.span.start < start).cloned());
    errors.extend(part.errors.into_iter().map(|mut e| {
        e.span = shift(e.span.start, start as isize)..shift(e.span.end, start as isize);
        e
    }));
    errors.extend(
        prev.errors
            .iter()
            .filter(|e| e.span.start >= next_old)
            .cloned()
            .map(|mut e| {
                e.span = shift(e.span.start, delta)..shift(e.span.end, delta);
                e
            }),
    );
    let span = match (pairs.first(), pairs.last()) {
        (Some(f), Some(l)) => f.span.start..l.span.end,
        _ => 0..0,
    };
    Some(Parsed {
        root: Some(Node {
            value: Value::Map(pairs),
            span,
            flow: false,
        }),
        errors,
        refused: false,
    })
}

fn shift(at: usize, d: isize) -> usize {
    at.saturating_add_signed(d)
}

fn shift_scalar(s: &mut Scalar, d: isize) {
    s.span = shift(s.span.start, d)..shift(s.span.end, d);
    for seg in &mut s.segs {
        seg.1 = shift(seg.1, d);
    }
}

fn shift_pair(p: &mut Pair, d: isize) {
    p.span = shift(p.span.start, d)..shift(p.span.end, d);
    shift_scalar(&mut p.key, d);
    if let Some(v) = &mut p.value {
        shift_node(v, d);
    }
}

fn shift_node(n: &mut Node, d: isize) {
    n.span = shift(n.span.start, d)..shift(n.span.end, d);
    match &mut n.value {
        Value::Map(pairs) => pairs.iter_mut().for_each(|p| shift_pair(p, d)),
        Value::Seq(items) => items.iter_mut().for_each(|n| shift_node(n, d)),
        Value::Scalar(s) => shift_scalar(s, d),
        Value::Alias | Value::Invalid => {}
    }
}

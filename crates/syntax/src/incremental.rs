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
//!   nothing else at column 0 (no `---`, `%`, stray text, list or flow root or
//!   byte-order mark), no lone carriage return anywhere, every syntax error
//!   lying inside one section;
//! - the edit lies inside one section, and the next section still starts a
//!   line;
//! - the re-parsed text still begins with its key (nothing typed before it)
//!   and has no error at its very end, where a fresh parse would see the next
//!   key instead of the end of the text.
//!
//! A property test (`tests/incremental.rs`) holds it to `parse` for random
//! documents and random edits.

use crate::{
    has_lone_cr, parse, Node, Pair, Parsed, Scalar, SyntaxError, Value, MAX_BYTES, MAX_LINES,
};

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
    if has_lone_cr(b) {
        return None;
    }
    let mut starts = Vec::with_capacity(pairs.len());
    let line_starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', b).map(|i| i + 1));
    for ls in line_starts {
        if matches!(b.get(ls), None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'#')) || dash_at(b, ls) {
            continue; // blank, indented, a comment, or an item of a list under a key
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

/// [`reparse`], taking the previous parse: the sections (and list items) the
/// edit did not touch are moved into the result with their spans shifted,
/// instead of copied. While typing, copying them and then freeing the
/// previous tree was a quarter of the parse's share of a keystroke.
pub fn reparse_owned(mut prev: Parsed, prev_text: &str, text: &str) -> Parsed {
    reparse_in(&mut Prev::Owned(&mut prev), prev_text, text, false).unwrap_or_else(|| parse(text))
}

/// [`reparse`]'s fast path alone: `None` when the edit cannot be read by
/// re-parsing one section (then [`parse`] the whole text).
pub fn reparse_section(prev: &Parsed, prev_text: &str, text: &str) -> Option<Parsed> {
    reparse_in(&mut Prev::Borrowed(prev), prev_text, text, false)
}

/// Only the list-item path of [`reparse_section`] (for tests: `None` when the
/// edit is not inside one item of a top-level list).
#[doc(hidden)]
pub fn reparse_list_item(prev: &Parsed, prev_text: &str, text: &str) -> Option<Parsed> {
    reparse_in(&mut Prev::Borrowed(prev), prev_text, text, true)
}

/// The previous parse, borrowed (its untouched parts are copied into the
/// result) or owned (they are moved). Nothing is taken from an owned one
/// until every check has passed, so a `None` leaves it whole.
enum Prev<'a> {
    Borrowed(&'a Parsed),
    Owned(&'a mut Parsed),
}

impl Prev<'_> {
    fn get(&self) -> &Parsed {
        match self {
            Prev::Borrowed(p) => p,
            Prev::Owned(p) => p,
        }
    }

    /// The top-level pairs, for the splice: moved out of an owned parse.
    fn take_pairs(&mut self) -> Vec<Pair> {
        match self {
            Prev::Borrowed(p) => match p.root.as_ref().map(|r| &r.value) {
                Some(Value::Map(pairs)) => pairs.clone(),
                _ => Vec::new(),
            },
            Prev::Owned(p) => match p.root.as_mut().map(|r| &mut r.value) {
                Some(Value::Map(pairs)) => std::mem::take(pairs),
                _ => Vec::new(),
            },
        }
    }

    /// The whole parse (the text did not change).
    fn take_all(&mut self) -> Parsed {
        match self {
            Prev::Borrowed(p) => (*p).clone(),
            Prev::Owned(p) => std::mem::take(*p),
        }
    }
}

fn reparse_in(
    source: &mut Prev<'_>,
    prev_text: &str,
    text: &str,
    items_only: bool,
) -> Option<Parsed> {
    let prev = source.get();
    // What `guard` refuses: the size and line count are the whole text's;
    // nesting restarts at every line at column 0, so the re-read part's own
    // guard (in `parse`) sees the same depths as the whole text's would, and
    // the previous version passed (it has sections).
    if text.len() > MAX_BYTES {
        return None;
    }
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let lines = breaks + usize::from(!text.ends_with('\n') && !text.is_empty());
    if lines > MAX_LINES {
        return None;
    }
    let (a, b) = (prev_text.as_bytes(), text.as_bytes());
    if has_lone_cr(b) {
        // Where lines break is then decided differently by the section and
        // item splitting here and by `parse` (found by the property test with
        // another seed: `\r` typed at the start of a line inside a list).
        return None;
    }
    let p = common_prefix(a, b);
    let s = common_suffix(&a[p..], &b[p..]);
    if p == a.len() && p == b.len() && !items_only {
        return Some(source.take_all());
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
    let item = reparse_item(source, prev_text, &starts, i, (p, a.len() - s), text);
    if item.is_some() || items_only {
        return item;
    }
    let prev = source.get();
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
    if i >= old_pairs.len() {
        return None;
    }
    // Every check has passed: from here on the previous parse is spliced.
    let errors = splice_errors(prev, start, part.errors, start as isize, next_old, delta);
    let mut old = source.take_pairs().into_iter();
    let mut pairs: Vec<Pair> = Vec::with_capacity(old.len() + new_pairs.len());
    pairs.extend(old.by_ref().take(i));
    old.next(); // the section re-parsed
    pairs.extend(std::mem::take(new_pairs).into_iter().map(|mut p| {
        shift_pair(&mut p, start as isize);
        p
    }));
    pairs.extend(old.map(|mut p| {
        shift_pair(&mut p, delta);
        p
    }));
    Some(assemble(pairs, errors))
}

/// Length of the longest common prefix, compared a block at a time (the
/// block compare is a `memcmp`; a byte loop was a quarter of a keystroke's
/// time on large documents).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Length of the longest common suffix, a block at a time.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (ea, eb) = (a.len(), b.len());
    let mut k = 0;
    while k + BLOCK <= n && a[ea - k - BLOCK..ea - k] == b[eb - k - BLOCK..eb - k] {
        k += BLOCK;
    }
    k + a[..ea - k]
        .iter()
        .rev()
        .zip(b[..eb - k].iter().rev())
        .take(n - k)
        .take_while(|(x, y)| x == y)
        .count()
}

/// The previous errors before `from`, then `new` shifted by `off`, then the
/// previous errors from `next_old` on shifted by `delta`.
fn splice_errors(
    prev: &Parsed,
    from: usize,
    new: Vec<SyntaxError>,
    off: isize,
    next_old: usize,
    delta: isize,
) -> Vec<SyntaxError> {
    let moved = |mut e: SyntaxError, d: isize| {
        e.span = shift(e.span.start, d)..shift(e.span.end, d);
        e
    };
    let mut errors = Vec::with_capacity(prev.errors.len() + new.len());
    errors.extend(prev.errors.iter().filter(|e| e.span.start < from).cloned());
    errors.extend(new.into_iter().map(|e| moved(e, off)));
    errors.extend(
        prev.errors
            .iter()
            .filter(|e| e.span.start >= next_old)
            .cloned()
            .map(|e| moved(e, delta)),
    );
    errors
}

/// A parse made of top-level `pairs`, as `parse` builds it.
fn assemble(pairs: Vec<Pair>, errors: Vec<SyntaxError>) -> Parsed {
    let span = match (pairs.first(), pairs.last()) {
        (Some(f), Some(l)) => f.span.start..l.span.end,
        _ => 0..0,
    };
    Parsed {
        root: Some(Node {
            value: Value::Map(pairs),
            span,
            flow: false,
        }),
        errors,
        refused: false,
    }
}

/// A list item starts at `at`: `-` followed by a space, a tab, a line break
/// or the end.
fn dash_at(b: &[u8], at: usize) -> bool {
    b.get(at) == Some(&b'-')
        && b.get(at + 1)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The line starts of a block list's items inside `text[from..to]`, when the
/// list's items start at column `col` and nothing else in that range is at
/// column `col` or less (blank lines and comments aside).
fn item_lines(text: &str, from: usize, to: usize, col: usize) -> Option<Vec<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut ls = from;
    while ls < to {
        let le = text[ls..to].find('\n').map_or(to, |k| ls + k + 1);
        let indent = b[ls..le].iter().take_while(|&&c| c == b' ').count();
        let rest = ls + indent;
        let blank = matches!(b.get(rest), None | Some(b'\n' | b'\r' | b'#')) || rest >= le;
        if !blank && indent <= col {
            if indent != col || !dash_at(b, rest) {
                return None;
            }
            out.push(ls);
        }
        ls = le;
    }
    Some(out)
}

/// Re-reads one item of a block list that is a top-level section's value
/// (a timeline entry, an action item), when the edit stays inside it: the
/// section's key line and that item are parsed alone, and the item spliced
/// between the list's other items. The same conditions as for sections hold,
/// one level down.
fn reparse_item(
    source: &mut Prev<'_>,
    prev_text: &str,
    starts: &[usize],
    i: usize,
    (p, old_end): (usize, usize),
    text: &str,
) -> Option<Parsed> {
    let prev = source.get();
    let Value::Map(old_pairs) = &prev.root.as_ref()?.value else {
        return None;
    };
    let pair = old_pairs.get(i)?;
    let Some(Node {
        value: Value::Seq(items),
        span: seq_span,
        flow: false,
    }) = &pair.value
    else {
        return None;
    };
    let (a, b) = (prev_text.as_bytes(), text.as_bytes());
    let sec_start = starts[i];
    let sec_end = starts.get(i + 1).copied().unwrap_or(a.len());
    let last_section = i + 1 == starts.len();
    // the list's column: where its first dash is, on its line
    let dash = seq_span.start;
    let dash_line = prev_text[..dash].rfind('\n').map_or(0, |k| k + 1);
    let col = dash - dash_line;
    if dash_line <= pair.key.span.start || !dash_at(a, dash) {
        return None; // the list starts on the key's line, or is not one
    }
    let lines = item_lines(prev_text, dash_line, sec_end, col)?;
    if lines.len() != items.len() || lines.first() != Some(&dash_line) {
        return None;
    }
    // each item's node inside its own lines
    for (k, it) in items.iter().enumerate() {
        let to = lines.get(k + 1).copied().unwrap_or(sec_end);
        if it.span.start < lines[k] || it.span.end > to {
            return None;
        }
    }
    // the edit inside one item's lines
    let j = lines.partition_point(|&l| l <= p).checked_sub(1)?;
    let item_start = lines[j];
    let last_item = j + 1 == lines.len();
    let next_old = lines.get(j + 1).copied().unwrap_or(sec_end);
    if old_end > next_old {
        return None;
    }
    let delta = b.len() as isize - a.len() as isize;
    let next_new = shift(next_old, delta);
    if (!last_item || !last_section) && (next_new == 0 || b.get(next_new - 1) != Some(&b'\n')) {
        return None;
    }
    // every error of the section on the key's lines or inside one item
    let mut bounds = vec![sec_start];
    bounds.extend(&lines);
    for e in prev
        .errors
        .iter()
        .filter(|e| (sec_start..sec_end).contains(&e.span.start))
    {
        let k = bounds.partition_point(|&s| s <= e.span.start) - 1;
        if e.span.end > bounds.get(k + 1).copied().unwrap_or(sec_end) {
            return None;
        }
    }
    // the key's lines, then the item
    let head = prev_text.get(sec_start..dash_line)?;
    let body = text.get(item_start..next_new)?;
    let synthetic = format!("{head}{body}");
    let part = parse(&synthetic);
    let (l0, off) = (head.len(), item_start as isize - head.len() as isize);
    if (!last_item || !last_section) && part.errors.iter().any(|e| e.span.end >= synthetic.len()) {
        return None; // an error at the end, where a fresh parse sees more
    }
    let head_errors: Vec<_> = part.errors.iter().filter(|e| e.span.start < l0).collect();
    let old_head: Vec<_> = prev
        .errors
        .iter()
        .filter(|e| (sec_start..dash_line).contains(&e.span.start))
        .collect();
    if head_errors.len() != old_head.len()
        || head_errors.iter().zip(&old_head).any(|(n, o)| {
            n.kind != o.kind || shift(n.span.start, sec_start as isize) != o.span.start
        })
    {
        return None;
    }
    let Some(Node {
        value: Value::Map(new_pairs),
        ..
    }) = &part.root
    else {
        return None;
    };
    let [new_pair] = new_pairs.as_slice() else {
        return None;
    };
    let Some(Node {
        value: Value::Seq(new_items),
        span: new_seq_span,
        flow: false,
    }) = &new_pair.value
    else {
        return None;
    };
    // the item's text is still items at the same column, and nothing else
    let new_lines = item_lines(&synthetic, l0, synthetic.len(), col)?;
    if new_lines.len() != new_items.len()
        || new_lines.first() != Some(&l0)
        || new_seq_span.start != l0 + col
    {
        return None;
    }
    if part
        .errors
        .iter()
        .any(|e| e.span.start < l0 && e.span.end > l0)
    {
        return None;
    }
    // Every check has passed: from here on the previous parse is spliced.
    let seq_start = seq_span.start;
    let pair_start = pair.span.start;
    let item_errors = part
        .errors
        .iter()
        .filter(|e| e.span.start >= l0)
        .cloned()
        .collect();
    let errors = splice_errors(prev, item_start, item_errors, off, next_old, delta);
    let mut new_items = match part.root {
        Some(Node {
            value: Value::Map(mut new_pairs),
            ..
        }) => match new_pairs.pop().and_then(|p| p.value) {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items,
            _ => return None,
        },
        _ => return None,
    };
    let mut old = source.take_pairs().into_iter();
    let mut pairs: Vec<Pair> = Vec::with_capacity(old.len());
    pairs.extend(old.by_ref().take(i));
    let Pair { key, value, .. } = old.next()?;
    let Some(Node {
        value: Value::Seq(items),
        ..
    }) = value
    else {
        return None;
    };
    let mut items = items.into_iter();
    let mut spliced: Vec<Node> = Vec::with_capacity(items.len() + new_items.len());
    spliced.extend(items.by_ref().take(j));
    items.next(); // the item re-parsed
    spliced.extend(new_items.drain(..).map(|mut n| {
        shift_node(&mut n, off);
        n
    }));
    spliced.extend(items.map(|mut n| {
        shift_node(&mut n, delta);
        n
    }));
    let seq_end = spliced
        .iter()
        .map(|n| n.span.end)
        .fold(seq_start + 1, usize::max);
    let value = Node {
        value: Value::Seq(spliced),
        span: seq_start..seq_end,
        flow: false,
    };
    let pair_end = value.span.end.max(key.span.end);
    pairs.push(Pair {
        span: pair_start..pair_end,
        key,
        value: Some(value),
    });
    pairs.extend(old.map(|mut p| {
        shift_pair(&mut p, delta);
        p
    }));
    Some(assemble(pairs, errors))
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

#[cfg(test)]
mod tests {
    use super::{common_prefix, common_suffix};

    /// The block compare agrees with a byte-by-byte one at every length
    /// and mismatch position around the block size.
    #[test]
    fn common_prefix_and_suffix_match_a_byte_loop() {
        for len in [0usize, 1, 63, 64, 65, 127, 128, 129, 200] {
            let a: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for at in 0..=len {
                let mut b = a.clone();
                if at < len {
                    b[at] ^= 0xff;
                }
                let naive_p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
                assert_eq!(common_prefix(&a, &b), naive_p, "len {len} at {at}");
                let naive_s = a
                    .iter()
                    .rev()
                    .zip(b.iter().rev())
                    .take_while(|(x, y)| x == y)
                    .count();
                assert_eq!(common_suffix(&a, &b), naive_s, "len {len} at {at}");
                // different lengths: one side longer by a tail or a head
                let mut longer = b.clone();
                longer.extend_from_slice(b"tail");
                assert_eq!(common_prefix(&a, &longer), naive_p);
                let mut head = b"head".to_vec();
                head.extend_from_slice(&b);
                assert_eq!(common_suffix(&a, &head), naive_s);
            }
        }
    }
}

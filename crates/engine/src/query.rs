//! Helpers shared by rules.

use crate::syntax::{Node, Value};
use crate::text::Span;

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The whole value is a `TODO` placeholder.
pub fn is_todo(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| s.value.trim_start().starts_with("TODO"))
}

/// Is this value empty (absent, null, blank, or an empty list/map)?
pub fn is_empty(node: Option<&Node>) -> bool {
    match node {
        None => true,
        Some(n) => match &n.value {
            Value::Scalar(s) => s.is_null() || s.value.trim().is_empty(),
            Value::Seq(items) => items.is_empty(),
            Value::Map(pairs) => pairs.is_empty(),
            _ => false,
        },
    }
}

/// `TODO` occurrences in a string: (byte span of the whole marker, what is missing).
pub fn todos(s: &str) -> Vec<(Span, Option<String>)> {
    let mut out = Vec::new();
    let mut i = 0;
    // Found by their `T` with memchr: two rules ask this of every value on
    // every keystroke, and most values hold no marker.
    let next = |from: usize| {
        memchr::memchr_iter(b'T', &s.as_bytes()[from..])
            .map(|p| p + from)
            .find(|&p| s.as_bytes()[p..].starts_with(b"TODO"))
    };
    while let Some(p) = next(i) {
        let before_ok = s[..p]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let after = &s[p + 4..];
        let after_ok = after
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        if !(before_ok && after_ok) {
            i = p + 4;
            continue;
        }
        let open = after.strip_prefix('(').or_else(|| after.strip_prefix('（'));
        if let Some(rest) = open {
            let olen = after.len() - rest.len();
            if let Some(close) = rest.find([')', '）']) {
                let what = rest[..close].trim();
                let clen = rest[close..].chars().next().map_or(1, char::len_utf8);
                let end = p + 4 + olen + close + clen;
                out.push((p..end, (!what.is_empty()).then(|| what.to_string())));
                i = end;
                continue;
            }
        }
        out.push((p..p + 4, None));
        i = p + 4;
    }
    out
}

/// Damerau-Levenshtein distance (optimal string alignment), on characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The closest candidate, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lw = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let lc = c.to_lowercase();
        if lc == lw {
            return Some(c);
        }
        let mut dist = distance(&lw, &lc);
        if lc.starts_with(&lw) || lw.starts_with(&lc) {
            dist = dist.min(1);
        }
        if best.is_none_or(|(b, _)| dist < b) {
            best = Some((dist, c));
        }
    }
    let limit = (word.chars().count() / 3).max(1);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

/// Where a field's value can be reported: the value if present, else the key.
pub fn value_span(node: &Node, key_span: &Span) -> Span {
    if node.span.end > node.span.start {
        node.span.clone()
    } else {
        key_span.clone()
    }
}

/// The items of a list section, if it is a list.
pub fn items<'a>(root: &'a Node, key: &str) -> &'a [Node] {
    root.get(key).and_then(Node::as_seq).unwrap_or(&[])
}

/// The key span of a top-level section, for reports about the whole section.
pub fn section_key(root: &Node, key: &str) -> Option<Span> {
    root.pair(key).map(|p| p.key.span.clone())
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn todo_markers() {
        let t = todos("TODO(owner) and TODO and TODO() and TODOS and xTODO and TODO（誰）");
        assert_eq!(t.len(), 4);
        assert_eq!(t[0].1.as_deref(), Some("owner"));
        assert_eq!(t[1].1, None);
        assert_eq!(t[2].1, None);
        assert_eq!(t[3].1.as_deref(), Some("誰"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("sucess_criteria", ["success_criteria", "source"]),
            Some("success_criteria")
        );
        assert_eq!(
            did_you_mean("configuration", ["code", "config"]),
            Some("config")
        );
        assert_eq!(did_you_mean("h", ["H", "M", "L"]), Some("H"));
        assert_eq!(did_you_mean("banana", ["H", "M", "L"]), None);
    }
}

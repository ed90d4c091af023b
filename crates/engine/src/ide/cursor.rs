//! Where the cursor is, read from the raw text: the current line and the
//! indentation of the lines above. This works in an unfinished document,
//! where the parse tree may be broken around the cursor (a half-typed key, an
//! unclosed bracket or quote).

use crate::schema::{self, Kind};
use crate::text::Span;

/// One level of nesting above the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Inside the value of `key:` (the key has nothing after its colon).
    Key(String),
    /// Inside a `- ` list item.
    Item,
}

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Typing a key: `word` is the partial key (possibly empty) at column `col`.
    /// `dash` is set when the line starts a new list item before the key.
    Key { col: usize, word: Span, dash: bool },
    /// In the value of `key`, on the key's own line (`value` runs from the
    /// start of the value to the cursor) or on a continuation line.
    Value {
        key: String,
        key_span: Span,
        value: Span,
        same_line: bool,
    },
    /// In a comment, in prose, or somewhere else keys and values don't apply.
    Other,
}

#[derive(Clone, Debug)]
pub struct Cursor {
    pub offset: usize,
    pub line_start: usize,
    /// Nesting above the cursor, outermost first.
    pub ancestors: Vec<Step>,
    pub place: Place,
    /// Column (bytes) of the cursor's key, or of the key whose value holds the cursor.
    pub col: usize,
}

/// A line split into its structural tokens.
#[derive(Debug, Default)]
pub struct Toks<'a> {
    /// Columns of `- ` markers.
    pub dashes: Vec<usize>,
    /// Column where the content after indentation and dashes starts.
    pub content: usize,
    /// `key:` at `content`, with the text after the colon (trimmed).
    pub key: Option<(&'a str, &'a str)>,
}

impl Toks<'_> {
    /// The key has nothing after its colon but a comment or an anchor.
    pub fn opens_block(&self) -> bool {
        self.key.is_some_and(|(_, rest)| {
            rest.is_empty()
                || rest.starts_with('#')
                || (rest.starts_with('&') && !rest.contains(' '))
                || rest.starts_with('!')
        })
    }
    /// The key's value is a block scalar (`|`, `>-`, …).
    pub fn block_scalar(&self) -> bool {
        self.key
            .is_some_and(|(_, rest)| rest.starts_with('|') || rest.starts_with('>'))
    }
}

/// Splits a line (without its line break) into dashes and a key.
pub fn tokens(line: &str) -> Toks<'_> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let mut t = Toks::default();
    while i < b.len() && b[i] == b'-' && matches!(b.get(i + 1), Some(b' ') | None) {
        if b.get(i + 1).is_none() {
            // a lone trailing `-`: treat as a dash only when something follows
            break;
        }
        t.dashes.push(i);
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
    }
    t.content = i;
    t.key = key_at(line, i);
    t
}

/// `key:` (plain or quoted) at byte `i`, with the trimmed rest of the line.
fn key_at(line: &str, i: usize) -> Option<(&str, &str)> {
    let s = line.get(i..)?;
    let first = s.chars().next()?;
    if matches!(
        first,
        '#' | '[' | '{' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`' | ','
    ) {
        return None;
    }
    let (key, after) = if first == '"' || first == '\'' {
        let close = s[1..].find(first)? + 1;
        (&s[1..close], &s[close + 1..])
    } else {
        let mut end = None;
        for (j, c) in s.char_indices() {
            if c == ':' && matches!(s.as_bytes().get(j + 1), None | Some(b' ' | b'\t')) {
                end = Some(j);
                break;
            }
            if c == '#' && j > 0 && s.as_bytes()[j - 1] == b' ' {
                return None;
            }
        }
        let e = end?;
        (s[..e].trim_end(), &s[e..])
    };
    let rest = after.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((key, rest.trim()))
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The lines of `text` as (start offset, line without break).
fn line_at(text: &str, offset: usize) -> (usize, &str) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[start..end];
    (start, line.strip_suffix('\r').unwrap_or(line))
}

/// Iterates the lines above `line_start`, nearest first, as (start, text).
pub fn lines_above(text: &str, line_start: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut end = line_start;
    std::iter::from_fn(move || {
        if end == 0 {
            return None;
        }
        let body_end = end - 1; // the '\n'
        let start = text[..body_end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..body_end];
        end = start;
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    })
}

/// Iterates the lines below the line holding `offset`, as (start, text).
pub fn lines_below(text: &str, offset: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1);
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        pos = end + 1;
        let line = &text[start..end];
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    })
}

/// Reads the cursor's situation at byte `offset` of `text`.
pub fn at(text: &str, offset: usize) -> Cursor {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let (line_start, line) = line_at(text, offset);
    let prefix = &line[..(offset - line_start).min(line.len())];
    let toks = tokens(prefix);
    let mut ancestors_rev: Vec<Step> = Vec::new();
    let mut place;
    let col;
    let mut limit;
    let mut seq_col: Option<usize> = None;

    if prefix.trim_start().starts_with('#') {
        return Cursor {
            offset,
            line_start,
            ancestors: Vec::new(),
            place: Place::Other,
            col: 0,
        };
    }
    match toks.key {
        Some((key, _)) => {
            // `key: value…|`: the value starts after the colon and its spaces
            let key_start = line_start + toks.content;
            let colon = prefix[toks.content..]
                .find(':')
                .map_or(prefix.len(), |i| toks.content + i);
            let mut vstart = colon + 1;
            while prefix.as_bytes().get(vstart) == Some(&b' ') {
                vstart += 1;
            }
            let quoted = prefix[toks.content..].starts_with(['"', '\'']);
            place = Place::Value {
                key: key.to_string(),
                key_span: key_start + usize::from(quoted)
                    ..key_start + usize::from(quoted) + key.len(),
                value: line_start + vstart.min(prefix.len())..offset,
                same_line: true,
            };
            col = toks.content;
        }
        None => {
            let word = &prefix[toks.content..];
            let keyish = word
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
            place = if keyish {
                Place::Key {
                    col: toks.content,
                    word: line_start + toks.content..offset,
                    dash: !toks.dashes.is_empty(),
                }
            } else {
                Place::Other
            };
            col = toks.content;
        }
    }
    limit = col;
    for &d in toks.dashes.iter().rev() {
        ancestors_rev.push(Step::Item);
        limit = d;
        seq_col = Some(d);
    }
    let mut found_structure = !toks.dashes.is_empty();
    for (lstart, l) in lines_above(text, line_start) {
        if limit == 0 && seq_col.is_none() {
            break;
        }
        if is_blank_or_comment(l) {
            continue;
        }
        let t = tokens(l);
        let kc = t.content;
        if let Some((k, _)) = t.key {
            let parent = kc < limit || (seq_col == Some(kc) && t.opens_block());
            if parent {
                if !found_structure && !t.opens_block() {
                    // the cursor is on a continuation line of this key's value
                    if matches!(place, Place::Key { .. } | Place::Other) {
                        let ks = lstart + kc + usize::from(l[kc..].starts_with(['"', '\'']));
                        place = Place::Value {
                            key: k.to_string(),
                            key_span: ks..ks + k.len(),
                            value: offset..offset,
                            same_line: false,
                        };
                    }
                    limit = kc;
                    found_structure = true;
                    for &d in t.dashes.iter().rev() {
                        ancestors_rev.push(Step::Item);
                        limit = d;
                        seq_col = Some(d);
                    }
                    continue;
                }
                if t.opens_block() {
                    ancestors_rev.push(Step::Key(k.to_string()));
                    limit = kc;
                    seq_col = None;
                    found_structure = true;
                    for &d in t.dashes.iter().rev() {
                        ancestors_rev.push(Step::Item);
                        limit = d;
                        seq_col = Some(d);
                    }
                    continue;
                }
                // a key with an inline value can't hold anything: skip it
            }
        } else if !found_structure && kc < limit && t.dashes.is_empty() {
            // prose continuing a plain or quoted scalar
            place = Place::Other;
        }
        for &d in t.dashes.iter().rev() {
            if d < limit {
                if !found_structure && t.key.is_none() && kc < col {
                    // continuation of a `- text` list item
                    place = Place::Other;
                }
                ancestors_rev.push(Step::Item);
                limit = d;
                seq_col = Some(d);
                found_structure = true;
            }
        }
        if kc < col {
            found_structure = true;
        }
    }
    ancestors_rev.reverse();
    Cursor {
        offset,
        line_start,
        ancestors: ancestors_rev,
        place,
        col,
    }
}

/// The schema kind of the container the cursor is in (the map whose keys it
/// types, or the list whose items it starts), and its schema path.
pub fn container(ancestors: &[Step]) -> Option<(&'static Kind, String)> {
    static TOP: Kind = Kind::Map(schema::TOP);
    let mut kind: &'static Kind = &TOP;
    let mut spath = String::new();
    for step in ancestors {
        match step {
            Step::Key(k) => {
                let mut k0 = kind;
                while let Kind::List(inner) = k0 {
                    k0 = inner;
                }
                match k0 {
                    Kind::Map(fs) | Kind::TextOr(fs) => {
                        let f = fs.iter().find(|f| f.name == k)?;
                        kind = &f.kind;
                        spath = crate::query::join(&spath, k);
                    }
                    Kind::Dict(inner) => kind = inner,
                    _ => return None,
                }
            }
            Step::Item => {
                if let Kind::List(inner) = kind {
                    kind = inner;
                }
            }
        }
    }
    Some((kind, spath))
}

/// Keys already present in the map the cursor's key belongs to (the cursor's
/// own line excluded), read from the text.
pub fn sibling_keys(text: &str, c: &Cursor) -> Vec<String> {
    let col = c.col;
    let mut out = Vec::new();
    let dash_here = matches!(c.place, Place::Key { dash: true, .. });
    if !dash_here {
        for (_, l) in lines_above(text, c.line_start) {
            if is_blank_or_comment(l) {
                continue;
            }
            let t = tokens(l);
            let first = t.dashes.first().copied().unwrap_or(t.content);
            if t.content == col {
                if let Some((k, _)) = t.key {
                    out.push(k.to_string());
                }
                if !t.dashes.is_empty() {
                    break; // the line that starts this list item
                }
                continue;
            }
            if first < col {
                break;
            }
        }
    }
    for (_, l) in lines_below(text, c.offset) {
        if is_blank_or_comment(l) {
            continue;
        }
        let t = tokens(l);
        let first = t.dashes.first().copied().unwrap_or(t.content);
        if first < col || (!t.dashes.is_empty() && first <= col) {
            break;
        }
        if t.content == col {
            if let Some((k, _)) = t.key {
                out.push(k.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(t: &str) -> Cursor {
        let off = t.find('|').expect("cursor marker");
        let text = t.replacen('|', "", 1);
        at(&text, off)
    }

    fn keys(a: &[Step]) -> Vec<String> {
        a.iter()
            .map(|s| match s {
                Step::Key(k) => k.clone(),
                Step::Item => "-".into(),
            })
            .collect()
    }

    #[test]
    fn keys_in_list_items_and_sections() {
        let c = cur("action_items:\n  - id: AI-001\n    sta|\n");
        assert_eq!(keys(&c.ancestors), vec!["action_items", "-"]);
        assert!(matches!(c.place, Place::Key { col: 4, .. }));
        let c = cur("action_items:\n  - id: AI-001\n  |");
        assert_eq!(keys(&c.ancestors), vec!["action_items"]);
        let c = cur("action_items:\n- id: AI-001\n  |");
        assert_eq!(keys(&c.ancestors), vec!["action_items", "-"]);
        let c = cur("action_items:\n  - |");
        assert_eq!(keys(&c.ancestors), vec!["action_items", "-"]);
        assert!(matches!(c.place, Place::Key { dash: true, .. }));
        let c = cur("incident_ref: x\nro|");
        assert!(c.ancestors.is_empty());
        let c = cur("root_cause:\n  five_whys:\n    - why_1: a\n    - why_2: b\n  conf|");
        assert_eq!(keys(&c.ancestors), vec!["root_cause"]);
    }

    #[test]
    fn values_and_continuations() {
        let c = cur("action_items:\n  - id: AI-001\n    severity: P|\n");
        match &c.place {
            Place::Value { key, same_line, .. } => {
                assert_eq!(key, "severity");
                assert!(same_line);
            }
            p => panic!("{p:?}"),
        }
        assert_eq!(keys(&c.ancestors), vec!["action_items", "-"]);
        let c = cur("blameless_summary: >-\n  On 2026 the|");
        assert!(matches!(&c.place, Place::Value { key, .. } if key == "blameless_summary"));
        let c = cur("what_went_well:\n  - \"Support raised it\n    at 14:12|");
        assert_eq!(c.place, Place::Other);
        let c = cur("# a comment |");
        assert_eq!(c.place, Place::Other);
    }

    #[test]
    fn siblings_are_read_from_the_text() {
        let t = "action_items:\n  - id: AI-001\n    owner: x\n    \n    due: 2026-01-01\n  - id: AI-002\n    statement: y\n";
        let off = t.find("    \n").map(|i| i + 4).expect("blank");
        let c = at(t, off);
        let mut s = sibling_keys(t, &c);
        s.sort();
        assert_eq!(s, vec!["due", "id", "owner"]);
        assert!(matches!(container(&c.ancestors), Some((Kind::Map(_), p)) if p == "action_items"));
    }
}

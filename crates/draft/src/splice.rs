//! Putting a drafted section into the text: replace the section's span, or
//! insert a missing section where the schema orders it; finding the section
//! again after the text changed; and the smallest edit between two texts.

use crate::diagnostic::Edit;
use crate::schema;
use crate::syntax::{self, Node, Pair, Parsed};
use crate::text::Span;

/// Where a drafted section goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Replace the section (or insert it at its schema position if absent).
    Replace,
    /// Keep the section and put the draft right below it (the user merges).
    InsertBelow,
}

/// The text with the section in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spliced {
    pub text: String,
    /// The drafted section's span in `text` (from its key to the end of its value).
    pub section: Span,
}

/// The top-level pair of `section` (the first, if it is repeated).
pub fn find<'a>(parsed: &'a Parsed, section: &str) -> Option<&'a Pair> {
    parsed
        .root
        .as_ref()?
        .as_map()?
        .iter()
        .find(|p| p.key.value == section)
}

/// The section's text (key and value), if present.
pub fn section_text<'a>(text: &'a str, parsed: &Parsed, section: &str) -> Option<&'a str> {
    find(parsed, section).map(|p| &text[p.span.clone()])
}

/// Does the section hold anything a person wrote: a scalar that is not empty,
/// not `TODO…`, and not an action item's `id`? Skeleton placeholders don't count.
pub fn has_content(parsed: &Parsed, section: &str) -> bool {
    fn any(n: &Node, key: Option<&str>) -> bool {
        match &n.value {
            syntax::Value::Scalar(s) => {
                let v = s.value.trim();
                !(s.is_null() || v.is_empty() || v.starts_with("TODO") || key == Some("id"))
            }
            syntax::Value::Seq(items) => items.iter().any(|i| any(i, None)),
            syntax::Value::Map(pairs) => pairs
                .iter()
                .any(|p| p.value.as_ref().is_some_and(|v| any(v, Some(&p.key.value)))),
            syntax::Value::Alias | syntax::Value::Invalid => true,
        }
    }
    find(parsed, section)
        .and_then(|p| p.value.as_ref())
        .is_some_and(|v| any(v, None))
}

fn end_of_line(text: &str, at: usize) -> usize {
    text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i)
}

fn schema_index(name: &str) -> Option<usize> {
    schema::TOP.iter().position(|f| f.name == name)
}

/// Puts `yaml` (a rendered section without a final line end) into `text`.
pub fn splice(text: &str, section: &str, yaml: &str, mode: Mode, blank_between: bool) -> Spliced {
    let parsed = syntax::parse(text);
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let sep = if blank_between {
        format!("{nl}{nl}")
    } else {
        nl.to_string()
    };
    let existing = find(&parsed, section).map(|p| p.span.clone());
    match (existing, mode) {
        (Some(span), Mode::Replace) => {
            let mut out = String::with_capacity(text.len() + yaml.len());
            out.push_str(&text[..span.start]);
            out.push_str(yaml);
            out.push_str(&text[span.end..]);
            Spliced {
                text: out,
                section: span.start..span.start + yaml.len(),
            }
        }
        (Some(span), Mode::InsertBelow) => {
            insert_at(text, end_of_line(text, span.end), &sep, yaml, "")
        }
        (None, _) => {
            let pairs: &[Pair] = parsed.root.as_ref().and_then(Node::as_map).unwrap_or(&[]);
            let me = schema_index(section).unwrap_or(usize::MAX);
            // After the last section the schema puts before this one …
            let before = pairs
                .iter()
                .filter(|p| schema_index(&p.key.value).is_some_and(|i| i < me))
                .max_by_key(|p| p.span.end);
            if let Some(p) = before {
                return insert_at(text, end_of_line(text, p.span.end), &sep, yaml, "");
            }
            // … else before the first one it puts after this one …
            let after = pairs
                .iter()
                .filter(|p| schema_index(&p.key.value).is_some_and(|i| i > me))
                .min_by_key(|p| p.span.start);
            if let Some(p) = after {
                let at = text[..p.span.start]
                    .rfind(['\n', '\r'])
                    .map_or(0, |i| i + 1);
                return insert_at(text, at, "", yaml, &sep);
            }
            // … else at the end.
            let trimmed = text.trim_end_matches(['\n', '\r', ' ', '\t']);
            if trimmed.is_empty() {
                let mut out = String::from(yaml);
                out.push_str(nl);
                return Spliced {
                    text: out,
                    section: 0..yaml.len(),
                };
            }
            let at = end_of_line(text, trimmed.len());
            insert_at(text, at, &sep, yaml, "")
        }
    }
}

fn insert_at(text: &str, at: usize, before: &str, yaml: &str, after: &str) -> Spliced {
    let mut out = String::with_capacity(text.len() + yaml.len() + 4);
    out.push_str(&text[..at]);
    out.push_str(before);
    let start = out.len();
    out.push_str(yaml);
    let end = out.len();
    out.push_str(after);
    out.push_str(&text[at..]);
    if !out.ends_with('\n') {
        out.push_str(if text.contains("\r\n") { "\r\n" } else { "\n" });
    }
    Spliced {
        text: out,
        section: start..end,
    }
}

/// The section found again in a changed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reanchored {
    /// Its span in the current text (`None` when it is not there).
    pub span: Option<Span>,
    /// Whether the section itself (its key and value) differs from the original.
    pub changed: bool,
}

/// Finds `section` in `current`, and says whether it changed since `original`
/// (appearing or disappearing counts as a change).
pub fn reanchor(original: &str, current: &str, section: &str) -> Reanchored {
    let po = syntax::parse(original);
    let pc = syntax::parse(current);
    let span = find(&pc, section).map(|p| p.span.clone());
    let before = section_text(original, &po, section);
    let now = span.as_ref().map(|s| &current[s.clone()]);
    Reanchored {
        changed: before != now,
        span,
    }
}

/// The one replacement that turns `old` into `new` (their common start and
/// end are left alone), on character boundaries.
pub fn minimal_edit(old: &str, new: &str) -> Edit {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(start) && new.is_char_boundary(start)) {
        start -= 1;
    }
    let max_suffix = old.len().min(new.len()) - start;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(old.len() - suffix) && new.is_char_boundary(new.len() - suffix)) {
        suffix -= 1;
    }
    Edit {
        span: start..old.len() - suffix,
        new_text: new[start..new.len() - suffix].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# header\nincident_ref: INC-1\n\ninputs:\n  report: r.md\n\nwhat_went_well:\n  - a\n\nslo_impact:\n  slo: x\n";

    #[test]
    fn inserts_at_the_schema_position() {
        let s = splice(
            DOC,
            "root_cause",
            "root_cause:\n  confidence: H",
            Mode::Replace,
            true,
        );
        assert_eq!(
            s.text,
            "# header\nincident_ref: INC-1\n\ninputs:\n  report: r.md\n\nroot_cause:\n  confidence: H\n\nwhat_went_well:\n  - a\n\nslo_impact:\n  slo: x\n"
        );
        assert_eq!(&s.text[s.section.clone()], "root_cause:\n  confidence: H");
        let s = splice(DOC, "verify", "verify: {}", Mode::Replace, false);
        assert!(s.text.ends_with("  slo: x\nverify: {}\n"), "{}", s.text);
        let s = splice(
            "inputs:\n  a: b\n",
            "incident_ref",
            "incident_ref: X",
            Mode::Replace,
            true,
        );
        assert_eq!(s.text, "incident_ref: X\n\ninputs:\n  a: b\n");
        let s = splice(
            "# only a comment\n",
            "timeline",
            "timeline: []",
            Mode::Replace,
            true,
        );
        assert_eq!(s.text, "# only a comment\n\ntimeline: []\n");
        let s = splice("", "timeline", "timeline: []", Mode::Replace, true);
        assert_eq!(s.text, "timeline: []\n");
    }

    #[test]
    fn replaces_or_inserts_below() {
        let s = splice(
            DOC,
            "what_went_well",
            "what_went_well:\n  - b",
            Mode::Replace,
            true,
        );
        assert!(
            s.text.contains("\n\nwhat_went_well:\n  - b\n\nslo_impact"),
            "{}",
            s.text
        );
        let s = splice(
            DOC,
            "what_went_well",
            "what_went_well:\n  - b",
            Mode::InsertBelow,
            true,
        );
        assert!(s
            .text
            .contains("what_went_well:\n  - a\n\nwhat_went_well:\n  - b\n\nslo_impact"));
        let crlf = DOC.replace('\n', "\r\n");
        let s = splice(&crlf, "root_cause", "root_cause: x", Mode::Replace, true);
        assert!(
            s.text
                .contains("r.md\r\n\r\nroot_cause: x\r\n\r\nwhat_went_well"),
            "{:?}",
            s.text
        );
    }

    #[test]
    fn reanchoring_and_content() {
        let typed_elsewhere = DOC.replace("# header", "# header, longer now");
        let r = reanchor(DOC, &typed_elsewhere, "what_went_well");
        assert!(!r.changed);
        assert_eq!(&typed_elsewhere[r.span.unwrap()], "what_went_well:\n  - a");
        let typed_inside = DOC.replace("  - a", "  - a, edited");
        assert!(reanchor(DOC, &typed_inside, "what_went_well").changed);
        assert!(reanchor(DOC, &typed_inside, "root_cause").span.is_none());
        assert!(!reanchor(DOC, &typed_inside, "root_cause").changed);
        let added = format!("{DOC}root_cause: TODO(x)\n");
        assert!(reanchor(DOC, &added, "root_cause").changed);

        let p = syntax::parse(DOC);
        assert!(has_content(&p, "what_went_well"));
        let sk = syntax::parse("action_items:\n  - id: AI-001\n    owner: TODO(who)\n    due:\nblameless_summary: TODO(x)\n");
        assert!(!has_content(&sk, "action_items"));
        assert!(!has_content(&sk, "blameless_summary"));
        assert!(!has_content(&sk, "root_cause"));
    }

    #[test]
    fn minimal_edits() {
        let e = minimal_edit("abc值def", "abc值XYdef");
        assert_eq!((e.span, e.new_text.as_str()), (6..6, "XY"));
        let e = minimal_edit("值a", "值b");
        assert_eq!((e.span, e.new_text.as_str()), (3..4, "b"));
        let e = minimal_edit("ab值", "ab直");
        assert_eq!(e.span, 2..5);
        let e = minimal_edit("same", "same");
        assert_eq!((e.span, e.new_text.as_str()), (4..4, ""));
        let e = minimal_edit("aaa", "aaaa");
        assert_eq!(e.span.start, 3);
    }
}

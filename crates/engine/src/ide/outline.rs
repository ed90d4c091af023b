//! Document structure from the syntax tree: the outline (sections, action
//! items by id and statement, …), folding ranges and selection ranges.

use super::{locate, preview};
use crate::analysis::Analysis;
use crate::syntax::{Node, Value};
use crate::text::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A top-level section.
    Section,
    /// A key inside a section.
    Field,
    /// A list item (action item, contributing factor, decision, …).
    Item,
    /// A timeline entry.
    Event,
    /// An input file.
    Input,
    /// A text item of a list.
    Text,
}

#[derive(Clone, Debug)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub span: Span,
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// The outline: one symbol per section.
pub fn symbols(a: &Analysis) -> Vec<Symbol> {
    let Some(pairs) = a.root().and_then(Node::as_map) else {
        return Vec::new();
    };
    pairs
        .iter()
        .filter(|p| !p.key.value.is_empty())
        .map(|p| {
            let children = p
                .value
                .as_ref()
                .map(|v| children(&p.key.value, v, 0))
                .unwrap_or_default();
            Symbol {
                name: p.key.value.clone(),
                detail: p
                    .value
                    .as_ref()
                    .and_then(|v| section_detail(&p.key.value, v)),
                kind: SymbolKind::Section,
                span: span_of(&p.span, &p.key.span),
                selection: p.key.span.clone(),
                children,
            }
        })
        .collect()
}

fn span_of(s: &Span, key: &Span) -> Span {
    s.start.min(key.start)..s.end.max(key.end)
}

fn section_detail(_key: &str, v: &Node) -> Option<String> {
    match &v.value {
        Value::Seq(items) => Some(format!("{}", items.len())),
        Value::Scalar(s) if !s.is_null() => Some(preview(&s.value, 60)),
        _ => None,
    }
}

/// A one-line name for a list item of a section.
fn item_name(section: &str, i: usize, it: &Node) -> (String, Option<String>, SymbolKind) {
    let s = |k: &str| it.str_value_of(k).map(|v| preview(v, 70));
    match section {
        "action_items" => {
            let id = s("id").unwrap_or_else(|| format!("#{}", i + 1));
            let name = match s("statement") {
                Some(st) => format!("{id} {st}"),
                None => id,
            };
            let detail = [s("owner"), s("due"), s("severity")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            (
                name,
                (!detail.is_empty()).then_some(detail),
                SymbolKind::Item,
            )
        }
        "timeline" => {
            let at = s("at").unwrap_or_default();
            let at = at
                .split(['T', ' '])
                .nth(1)
                .map_or(at.clone(), |t| t.chars().take(5).collect());
            let name = format!("{at} {}", s("event").unwrap_or_default());
            (name.trim().to_string(), s("kind"), SymbolKind::Event)
        }
        "contributing_factors" => (
            s("factor").unwrap_or_else(|| format!("#{}", i + 1)),
            s("category"),
            SymbolKind::Item,
        ),
        "decision_log" => (
            s("decision").unwrap_or_else(|| format!("#{}", i + 1)),
            s("chosen"),
            SymbolKind::Item,
        ),
        "systemic_changes" => (
            s("change").unwrap_or_else(|| format!("#{}", i + 1)),
            None,
            SymbolKind::Item,
        ),
        "low_confidence" => (
            s("field").unwrap_or_else(|| format!("#{}", i + 1)),
            s("confidence"),
            SymbolKind::Item,
        ),
        _ => {
            // five whys: `- why_1: …`
            let first = it.as_map().and_then(|m| m.first());
            match first {
                Some(p) => (
                    format!(
                        "{} {}",
                        p.key.value,
                        p.value
                            .as_ref()
                            .and_then(Node::str_value)
                            .map(|v| preview(v, 70))
                            .unwrap_or_default()
                    )
                    .trim()
                    .to_string(),
                    None,
                    SymbolKind::Item,
                ),
                None => (format!("#{}", i + 1), None, SymbolKind::Item),
            }
        }
    }
}

fn children(section: &str, v: &Node, depth: usize) -> Vec<Symbol> {
    if depth > 3 {
        return Vec::new();
    }
    match &v.value {
        Value::Map(pairs) => pairs
            .iter()
            .filter(|p| !p.key.value.is_empty())
            .map(|p| Symbol {
                name: p.key.value.clone(),
                detail: p.value.as_ref().and_then(|v| match &v.value {
                    Value::Scalar(s) if !s.is_null() => Some(preview(&s.value, 60)),
                    Value::Seq(items) => Some(format!("{}", items.len())),
                    _ => None,
                }),
                kind: if section == "inputs" {
                    SymbolKind::Input
                } else {
                    SymbolKind::Field
                },
                span: span_of(&p.span, &p.key.span),
                selection: p.key.span.clone(),
                children: p
                    .value
                    .as_ref()
                    .filter(|v| !matches!(v.value, Value::Scalar(_)))
                    .map(|v| children(&p.key.value, v, depth + 1))
                    .unwrap_or_default(),
            })
            .collect(),
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.span.end > it.span.start)
            .map(|(i, it)| match &it.value {
                Value::Map(_) => {
                    let (name, detail, kind) = item_name(section, i, it);
                    let sel = it
                        .as_map()
                        .and_then(|m| m.first())
                        .map_or(it.span.clone(), |p| p.key.span.clone());
                    Symbol {
                        name,
                        detail,
                        kind,
                        span: it.span.clone(),
                        selection: sel,
                        children: Vec::new(),
                    }
                }
                _ => Symbol {
                    name: it
                        .str_value()
                        .map_or_else(|| format!("#{}", i + 1), |s| preview(s, 70)),
                    detail: None,
                    kind: SymbolKind::Text,
                    span: it.span.clone(),
                    selection: it.span.clone(),
                    children: Vec::new(),
                },
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Region,
    Comment,
}

/// A foldable range of lines (0-based, inclusive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start_line: usize,
    pub end_line: usize,
    pub kind: FoldKind,
}

/// Folding ranges: every multi-line section, field, list item and block of
/// comment lines.
pub fn folding(a: &Analysis) -> Vec<Fold> {
    let mut out = Vec::new();
    let line = |o: usize| a.lines.line_of(o);
    fn go(n: &Node, out: &mut Vec<Fold>, line: &dyn Fn(usize) -> usize) {
        match &n.value {
            Value::Map(pairs) => {
                for p in pairs {
                    let (s, e) = (
                        line(p.key.span.start),
                        line(
                            p.span
                                .end
                                .max(p.key.span.end)
                                .saturating_sub(1)
                                .max(p.key.span.start),
                        ),
                    );
                    if e > s {
                        out.push(Fold {
                            start_line: s,
                            end_line: e,
                            kind: FoldKind::Region,
                        });
                    }
                    if let Some(v) = &p.value {
                        go(v, out, line);
                    }
                }
            }
            Value::Seq(items) => {
                for it in items {
                    if matches!(it.value, Value::Map(_)) {
                        let (s, e) = (
                            line(it.span.start),
                            line(it.span.end.saturating_sub(1).max(it.span.start)),
                        );
                        if e > s {
                            out.push(Fold {
                                start_line: s,
                                end_line: e,
                                kind: FoldKind::Region,
                            });
                        }
                    }
                    go(it, out, line);
                }
            }
            _ => {}
        }
    }
    if let Some(r) = a.root() {
        go(r, &mut out, &line);
    }
    // runs of comment lines
    let mut run: Option<(usize, usize)> = None;
    for l in 0..a.lines.line_count() {
        let t = &a.text[a.lines.line_span(&a.text, l)];
        if t.trim_start().starts_with('#') {
            run = Some(run.map_or((l, l), |(s, _)| (s, l)));
        } else if let Some((s, e)) = run.take() {
            if e > s {
                out.push(Fold {
                    start_line: s,
                    end_line: e,
                    kind: FoldKind::Comment,
                });
            }
        }
    }
    if let Some((s, e)) = run {
        if e > s {
            out.push(Fold {
                start_line: s,
                end_line: e,
                kind: FoldKind::Comment,
            });
        }
    }
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    out.dedup_by(|x, y| x.start_line == y.start_line && x.end_line == y.end_line);
    out
}

/// Selection ranges at `off`, innermost first, each containing the previous:
/// the word, the citation, the value, the field, the item, the section, the
/// document.
pub fn selection(a: &Analysis, off: usize) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let t = &a.text;
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let ws = t[..off]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(off, |(i, _)| i);
    let we = t[off..]
        .find(|c: char| !is_word(c))
        .map_or(t.len(), |i| off + i);
    if we > ws {
        spans.push(ws..we);
    }
    if let Some(c) = a
        .citations
        .iter()
        .find(|c| c.span.start <= off && off <= c.span.end)
    {
        spans.push(c.span.clone());
    }
    if let Some(r) = a.root() {
        let h = locate(r, off);
        if let Some(s) = h.scalar {
            spans.push(s.span.clone());
        }
        if h.on_key {
            if let Some(p) = h.pair {
                spans.push(p.key.span.clone());
            }
        }
        let mut chain = h.chain;
        chain.reverse();
        spans.extend(chain);
        // a whole section, from its key
        if let Some(p) = r
            .as_map()
            .and_then(|m| m.iter().find(|p| p.span.start <= off && off <= p.span.end))
        {
            spans.push(p.span.clone());
        }
    }
    spans.push(0..t.len());
    // keep a strictly growing chain
    let mut out: Vec<Span> = Vec::new();
    for s in spans {
        if s.start > off || s.end < off {
            continue;
        }
        match out.last() {
            Some(l)
                if s.start <= l.start && s.end >= l.end && (s.start < l.start || s.end > l.end) =>
            {
                out.push(s)
            }
            None => out.push(s),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Locale;
    use crate::ide::test_support::{at, example};

    #[test]
    fn outline_names_action_items_by_id_and_statement() {
        let a = example(Locale::En);
        let s = symbols(&a);
        let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names[..4],
            ["incident_ref", "inputs", "timeline", "root_cause"]
        );
        let ai = s.iter().find(|s| s.name == "action_items").expect("ai");
        assert_eq!(ai.children.len(), 5);
        assert!(
            ai.children[0].name.starts_with("AI-001 Add a CI check"),
            "{}",
            ai.children[0].name
        );
        assert_eq!(
            ai.children[0].detail.as_deref(),
            Some("payments-team · 2026-05-08 · P0")
        );
        assert_eq!(&a.text[ai.children[0].selection.clone()], "id");
        let tl = s.iter().find(|s| s.name == "timeline").expect("tl");
        assert!(
            tl.children[1].name.starts_with("14:02 First pool"),
            "{}",
            tl.children[1].name
        );
        let rc = s.iter().find(|s| s.name == "root_cause").expect("rc");
        assert_eq!(rc.children[0].name, "five_whys");
        assert_eq!(rc.children[0].children.len(), 5);
    }

    #[test]
    fn folds_and_selections() {
        let a = example(Locale::En);
        let f = folding(&a);
        assert_eq!(
            f[0],
            Fold {
                start_line: 0,
                end_line: 2,
                kind: FoldKind::Comment
            }
        );
        let ai = a.lines.line_of(a.text.find("action_items:").unwrap_or(0));
        assert!(f.iter().any(|f| f.start_line == ai && f.end_line > ai + 40));
        let (a, off) = at(
            "action_items:\n  - id: AI-001\n    statement: add a che|ck [report §2]\n",
            Locale::En,
        );
        let s = selection(&a, off);
        let texts: Vec<&str> = s.iter().map(|s| &a.text[s.clone()]).collect();
        assert_eq!(texts[0], "check");
        assert_eq!(texts[1], "add a check [report §2]");
        assert!(texts[2].starts_with("statement:"));
        assert!(texts.last().is_some_and(|l| l.len() == a.text.len()));
        for w in s.windows(2) {
            assert!(w[1].start <= w[0].start && w[1].end >= w[0].end);
        }
    }
}

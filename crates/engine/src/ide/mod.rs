//! Editor intelligence computed by the engine: hovers, completion,
//! definitions and references, the outline, folding and selection ranges,
//! the verify code lens, SLO inlay hints and schema quick fixes.
//!
//! Everything here is a pure function of an [`Analysis`] and byte offsets; no
//! LSP types. `src/lsp/ide.rs` translates positions and shapes.

pub mod completion;
pub mod cursor;
pub mod hover;
pub mod inlay;
pub mod lens;
pub mod nav;
pub mod outline;

use crate::analysis::Analysis;
use crate::schema::{self, Kind};
use crate::syntax::{Node, Pair, Scalar, Value};
use crate::text::Span;

pub use crate::docs::Format;

static TOP_KIND: Kind = Kind::Map(schema::TOP);

/// What the parse tree holds at an offset.
#[derive(Debug, Default)]
pub struct Hit<'a> {
    /// Path with indices (`action_items[2].owner`), empty at the top.
    pub path: String,
    /// Schema path (`action_items.owner`).
    pub spath: String,
    /// The schema kind at `spath`, when the path is in the schema.
    pub kind: Option<&'static Kind>,
    /// The innermost pair containing the offset.
    pub pair: Option<&'a Pair>,
    /// The offset is on `pair`'s key.
    pub on_key: bool,
    /// The scalar containing the offset.
    pub scalar: Option<&'a Scalar>,
    /// Spans of the nodes and pairs containing the offset, outermost first.
    pub chain: Vec<Span>,
}

fn contains(s: &Span, off: usize) -> bool {
    s.start <= off && off <= s.end
}

fn unwrap_lists(mut k: &'static Kind) -> &'static Kind {
    while let Kind::List(inner) = k {
        k = inner;
    }
    k
}

/// The kind and schema path of `key` under a value of `kind` at `spath`.
pub fn child(
    kind: Option<&'static Kind>,
    spath: &str,
    key: &str,
) -> (Option<&'static Kind>, String) {
    match kind.map(unwrap_lists) {
        Some(Kind::Map(fs) | Kind::TextOr(fs)) => (
            fs.iter().find(|f| f.name == key).map(|f| &f.kind),
            crate::query::join(spath, key),
        ),
        Some(Kind::Dict(inner)) => (Some(inner), spath.to_string()),
        _ => (None, crate::query::join(spath, key)),
    }
}

/// Finds what the tree holds at `off`.
pub fn locate(root: &Node, off: usize) -> Hit<'_> {
    let mut hit = Hit::default();
    walk(root, Some(&TOP_KIND), "", "", off, &mut hit);
    hit
}

fn walk<'a>(
    node: &'a Node,
    kind: Option<&'static Kind>,
    path: &str,
    spath: &str,
    off: usize,
    hit: &mut Hit<'a>,
) {
    if node.span.end > node.span.start && contains(&node.span, off) {
        hit.chain.push(node.span.clone());
    }
    match &node.value {
        Value::Map(pairs) => {
            for p in pairs {
                if !(contains(&p.span, off) || contains(&p.key.span, off)) {
                    continue;
                }
                hit.chain.push(p.span.clone());
                let (ck, cs) = child(kind, spath, &p.key.value);
                hit.path = crate::query::join(path, &p.key.value);
                hit.spath = cs.clone();
                hit.kind = ck;
                hit.pair = Some(p);
                hit.scalar = None;
                if contains(&p.key.span, off) && p.key.span.end > p.key.span.start {
                    hit.on_key = true;
                    return;
                }
                if let Some(v) = &p.value {
                    if contains(&v.span, off) {
                        let np = hit.path.clone();
                        walk(v, ck, &np, &cs, off, hit);
                    }
                }
                return;
            }
        }
        Value::Seq(items) => {
            let inner = match kind {
                Some(Kind::List(i)) => Some(&**i),
                other => other,
            };
            for (i, it) in items.iter().enumerate() {
                if contains(&it.span, off) {
                    let ip = format!("{path}[{i}]");
                    hit.path = ip.clone();
                    walk(it, inner, &ip, spath, off, hit);
                    return;
                }
            }
        }
        Value::Scalar(s) => hit.scalar = Some(s),
        _ => {}
    }
}

/// Walks a node by path with indices (`action_items[2]`).
pub fn find_path<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let mut cur = root;
    if path.is_empty() {
        return Some(root);
    }
    for part in path.split('.') {
        let (key, idx) = match part.find('[') {
            Some(b) => (&part[..b], Some(&part[b..])),
            None => (part, None),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        if let Some(idx) = idx {
            for i in idx.split('[').filter(|s| !s.is_empty()) {
                let n: usize = i.trim_end_matches(']').parse().ok()?;
                cur = cur.as_seq()?.get(n)?;
            }
        }
    }
    Some(cur)
}

/// Text of a value, shortened to `max` characters on one line.
pub fn preview(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for w in s.split_whitespace() {
        let wl = w.chars().count();
        let sep = usize::from(!out.is_empty());
        if n + sep + wl > max {
            let room = max.saturating_sub(n + sep + 1);
            if sep == 1 && room > 0 {
                out.push(' ');
            }
            out.extend(w.chars().take(room));
            out.push('…');
            return out;
        }
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(w);
        n += sep + wl;
    }
    out
}

/// The analysis's locale-specific documentation.
pub fn docs(a: &Analysis) -> &'static crate::docs::Docs {
    crate::docs::get(a.locale)
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::analysis::{analyze, Analysis, Options};
    use crate::config::Config;
    use crate::diagnostic::Locale;

    /// Analyzes `text`; a `|` marks the cursor, whose offset is returned.
    pub fn at(text: &str, locale: Locale) -> (Analysis, usize) {
        let off = text.find('|').unwrap_or(text.len());
        let t = text.replacen('|', "", 1);
        let cfg = Config::default();
        let mut o = Options::new(&cfg);
        o.locale = Some(locale);
        (analyze(t, &o), off)
    }

    /// Analyzes the bundled example with its inputs.
    pub fn example(locale: Locale) -> Analysis {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage");
        let path = dir.join("postmortem.yaml");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let cfg = Config::default();
        let mut o = Options::new(&cfg);
        o.path = Some(&path);
        o.root = Some(&dir);
        o.locale = Some(locale);
        analyze(text, &o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every feature at every offset of awkward documents: no panic, and
    /// every span returned lies inside the text on character boundaries.
    #[test]
    fn no_panics_at_any_offset() {
        use crate::diagnostic::Locale;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut docs: Vec<String> = [
            "tests/fixtures/broken.postmortem.yaml",
            "examples/checkout-outage/mistakes.postmortem.yaml",
        ]
        .iter()
        .map(|p| std::fs::read_to_string(root.join(p)).unwrap_or_default())
        .collect();
        docs.push(
            "action_items:\r\n  - id: AI-001\r\n    owner: 值班🚒\r\n    sev\r\n  - [\r\n".into(),
        );
        docs.push(
            "- a\n- [b\n\t c: {\n\"x: \\\"y\n  source: \"[ch 第\n timeline:\n  - at: 2026-99-99\n"
                .into(),
        );
        docs.push("slo_impact:\n  slo: 99.9%% over 0 days\n  mttr: 1e309m\n  error_budget_consumed_pct: -5\ntimeline:\n  - {at: 2026-01-01T00:00:00Z, kind: impact_start}\n  - {at: 1970-01-01T00:00:00Z, kind: resolved}\n".into());
        docs.push(String::new());
        docs.push("[report §".into());
        for (n, text) in docs.iter().enumerate() {
            for locale in [Locale::En, Locale::ZhTw] {
                let cfg = crate::config::Config::default();
                let mut o = crate::analysis::Options::new(&cfg);
                o.locale = Some(locale);
                let a = crate::analysis::analyze(text.clone(), &o);
                let ok = |s: &Span| {
                    assert!(s.start <= s.end && s.end <= text.len(), "doc {n}: {s:?}");
                    assert!(
                        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                        "doc {n}: {s:?}"
                    );
                };
                for off in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
                    if let Some(h) = hover::hover(&a, off, Format::Markdown) {
                        ok(&h.span);
                    }
                    for it in completion::complete(&a, off, Format::Plain).items {
                        ok(&it.edit);
                        assert!(
                            it.edit.start <= off && off <= it.edit.end.max(off),
                            "doc {n} at {off}: {:?}",
                            it.edit
                        );
                    }
                    let _ = nav::definition(&a, off);
                    nav::references(&a, off, true).iter().for_each(ok);
                    outline::selection(&a, off).iter().for_each(ok);
                }
                outline::symbols(&a).iter().for_each(|s| ok(&s.span));
                let _ = outline::folding(&a);
                lens::verify_items(&a).iter().for_each(|v| ok(&v.span));
                inlay::hints(&a)
                    .iter()
                    .for_each(|h| assert!(h.offset <= text.len()));
                for d in &a.diagnostics {
                    for f in &d.fixes {
                        f.edits.iter().for_each(|e| ok(&e.span));
                    }
                }
            }
        }
    }

    #[test]
    fn locate_keys_values_and_items() {
        let t = "action_items:\n  - id: AI-001\n    owner: 值班\ninputs:\n  report: r.md\n";
        let p = crate::syntax::parse(t);
        let root = p.root.expect("root");
        let h = locate(&root, t.find("owner").unwrap_or(0) + 2);
        assert_eq!(
            (h.path.as_str(), h.spath.as_str(), h.on_key),
            ("action_items[0].owner", "action_items.owner", true)
        );
        let h = locate(&root, t.find("值班").unwrap_or(0) + 3);
        assert_eq!(h.scalar.map(|s| s.value.as_str()), Some("值班"));
        assert!(!h.on_key);
        let h = locate(&root, t.find("report").unwrap_or(0));
        assert_eq!(h.spath, "inputs");
        assert!(find_path(&root, "action_items[0]").is_some_and(|n| n.get("owner").is_some()));
        assert_eq!(preview("a  b\n c", 10), "a b c");
        assert_eq!(preview("abcdef", 4), "abc…");
    }
}

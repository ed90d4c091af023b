//! Renders a drafted section as YAML in the document's own style: its
//! indentation step, whether list items are indented under their key, its
//! line ends. Strings are quoted only when YAML needs it, and strings that
//! carry citations (`[report §4]`) are double-quoted, as in the example.

use super::value::{looks_numeric, V};
use crate::syntax::{Node, Parsed, Value};

/// How the document is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Spaces per nesting level of maps.
    pub indent: usize,
    /// `key:\n  - item` (true) or `key:\n- item` (false).
    pub seq_indent: bool,
    /// A blank line between top-level sections.
    pub blank_between: bool,
    /// `\r\n` line ends.
    pub crlf: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            indent: 2,
            seq_indent: true,
            blank_between: true,
            crlf: false,
        }
    }
}

/// Longest line of a folded (`>-`) block before it wraps.
const WRAP: usize = 80;

impl Style {
    /// The style of `text` (defaults for what it doesn't show).
    pub fn detect(text: &str, parsed: &Parsed) -> Style {
        let mut s = Style {
            crlf: text.contains("\r\n"),
            ..Style::default()
        };
        let Some(pairs) = parsed.root.as_ref().and_then(Node::as_map) else {
            return s;
        };
        let mut indent = None;
        let mut seq = None;
        for p in pairs {
            let Some(v) = &p.value else { continue };
            if v.flow {
                continue;
            }
            match &v.value {
                Value::Map(children) if indent.is_none() => {
                    if let Some(c) = children.first() {
                        let col = column(text, c.key.span.start);
                        if col > 0 {
                            indent = Some(col);
                        }
                    }
                }
                Value::Seq(items) if seq.is_none() => {
                    if let Some(first) = items.first() {
                        seq = Some(dash_column(text, first.span.start) > 0);
                    }
                }
                _ => {}
            }
        }
        if let Some(i) = indent.filter(|i| (1..=8).contains(i)) {
            s.indent = i;
        }
        if let Some(q) = seq {
            s.seq_indent = q;
        }
        // A blank line before most top-level keys after the first?
        let mut blank = 0;
        let mut tight = 0;
        for p in pairs.iter().skip(1) {
            let start = p.key.span.start;
            let before = &text[..start];
            let prev_line_end = before.trim_end_matches(['\n', '\r']);
            let breaks = before[prev_line_end.len()..].matches('\n').count();
            if breaks >= 2 || before.ends_with("\n#") {
                blank += 1;
            } else {
                tight += 1;
            }
        }
        if blank + tight > 0 {
            s.blank_between = blank >= tight;
        }
        s
    }
}

fn column(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    text[line_start..offset].chars().count()
}

/// The column of the `-` that starts the list item holding `offset`.
fn dash_column(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &text[line_start..];
    line.len() - line.trim_start_matches(' ').len()
}

/// `section:` and its value, without a final line end.
pub fn render_section(section: &str, v: &V, style: &Style) -> String {
    finish(
        Cx {
            st: style,
            quote_all: false,
        }
        .section(section, v),
        style,
    )
}

/// Like [`render_section`], every string double-quoted (the fallback when the
/// plain rendering would not read back the same).
pub fn render_section_quoted(section: &str, v: &V, style: &Style) -> String {
    finish(
        Cx {
            st: style,
            quote_all: true,
        }
        .section(section, v),
        style,
    )
}

fn finish(out: String, style: &Style) -> String {
    let out = out.trim_end_matches('\n');
    if style.crlf {
        out.replace('\n', "\r\n")
    } else {
        out.to_string()
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

struct Cx<'a> {
    st: &'a Style,
    quote_all: bool,
}

impl Cx<'_> {
    fn section(&self, section: &str, v: &V) -> String {
        let mut out = String::new();
        self.pair(&mut out, section, v, 0, true);
        out
    }

    fn text(&self, s: &str) -> String {
        if self.quote_all {
            double_quoted(s)
        } else {
            scalar_text(s, false)
        }
    }

    /// `key: value` at `indent`, followed by a line end.
    fn pair(&self, out: &mut String, key: &str, v: &V, indent: usize, top: bool) {
        pad(out, indent);
        out.push_str(&scalar_text(key, true));
        out.push(':');
        self.after_key(out, v, indent, top);
    }

    /// What follows `key:` (or `-`): an inline value, or a nested block.
    fn after_key(&self, out: &mut String, v: &V, indent: usize, top: bool) {
        let st = self.st;
        match v {
            V::Map(pairs) if pairs.is_empty() => out.push_str(" {}\n"),
            V::List(items) if items.is_empty() => out.push_str(" []\n"),
            V::Map(pairs) => {
                out.push('\n');
                for (k, val) in pairs {
                    self.pair(out, k, val, indent + st.indent, false);
                }
            }
            V::List(items) if !self.quote_all && flow_ok(items, indent) => {
                let words: Vec<&str> = items
                    .iter()
                    .filter_map(|i| match i {
                        V::Str(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect();
                out.push_str(" [");
                out.push_str(&words.join(", "));
                out.push_str("]\n");
            }
            V::List(items) => {
                out.push('\n');
                let at = if st.seq_indent {
                    indent + st.indent
                } else {
                    indent
                };
                self.items(out, items, at);
            }
            V::Str(s) => {
                out.push(' ');
                match block_scalar(s, indent + st.indent, top).filter(|_| !self.quote_all) {
                    Some(block) => out.push_str(&block),
                    None => {
                        out.push_str(&self.text(s));
                        out.push('\n');
                    }
                }
            }
            other => {
                out.push(' ');
                out.push_str(&leaf(other));
                out.push('\n');
            }
        }
    }

    fn items(&self, out: &mut String, items: &[V], indent: usize) {
        for it in items {
            pad(out, indent);
            out.push('-');
            match it {
                V::Map(pairs) if !pairs.is_empty() => {
                    // The first pair shares the dash's line; the rest align with it.
                    out.push(' ');
                    let inner = indent + 2;
                    for (i, (k, val)) in pairs.iter().enumerate() {
                        if i > 0 {
                            pad(out, inner);
                        }
                        out.push_str(&scalar_text(k, true));
                        out.push(':');
                        self.after_key(out, val, inner, false);
                    }
                }
                V::List(inner_items) if !inner_items.is_empty() => {
                    out.push('\n');
                    self.items(out, inner_items, indent + 2);
                }
                other => self.after_key(out, other, indent, false),
            }
        }
    }
}

/// Short lists of single words (option names) stay on one line, `[a, b]`,
/// as people write them.
fn flow_ok(items: &[V], indent: usize) -> bool {
    let mut len = indent + 24;
    items.iter().all(|i| match i {
        V::Str(s) => {
            len += s.chars().count() + 2;
            plain_ok(s, true)
                && !s.contains([
                    ' ', ',', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
                ])
        }
        _ => false,
    }) && len <= WRAP
}

fn leaf(v: &V) -> String {
    match v {
        V::Null => "null".into(),
        V::Bool(b) => b.to_string(),
        V::Num(n) => n.clone(),
        V::Str(s) => scalar_text(s, false),
        V::List(_) => "[]".into(),
        V::Map(_) => "{}".into(),
    }
}

/// A string as a plain scalar when YAML reads it back unchanged as a string,
/// otherwise double-quoted.
pub fn scalar_text(s: &str, is_key: bool) -> String {
    if plain_ok(s, is_key) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

fn plain_ok(s: &str, is_key: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.contains(['\n', '\r', '\t']) {
        return false;
    }
    if s.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if is_key && s.contains(['[', ']', '{', '}', ',']) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    ) {
        return false;
    }
    !looks_numeric(s)
}

pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A block scalar (including its header and final line end) for long or
/// multi-line text, when one can say it exactly: `|-` for several lines,
/// `>-` wrapped at spaces for a long line of a top-level text section.
fn block_scalar(s: &str, indent: usize, top: bool) -> Option<String> {
    let safe_lines = |t: &str| {
        t.lines()
            .all(|l| !l.starts_with([' ', '\t']) && !l.ends_with([' ', '\t']) && !l.contains('\r'))
            && !t.chars().any(|c| c.is_control() && c != '\n')
    };
    if s.contains('\n') {
        if s.ends_with('\n') || s.starts_with('\n') || !safe_lines(s) || s.contains("\n\n\n") {
            return None;
        }
        let mut out = String::from("|-\n");
        for line in s.split('\n') {
            if !line.is_empty() {
                pad(&mut out, indent);
                out.push_str(line);
            }
            out.push('\n');
        }
        return Some(out);
    }
    if !top || s.chars().count() <= WRAP || !safe_lines(s) || s.contains("  ") {
        return None;
    }
    if s.starts_with(['#', '-', ' ']) {
        return None;
    }
    let mut out = String::from(">-\n");
    let mut line = String::new();
    for word in s.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WRAP {
            pad(&mut out, indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        pad(&mut out, indent);
        out.push_str(&line);
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;
    use crate::value::{from_node, normalize, parse_answer, top_field};

    fn round_trip(section: &str, v: &V, st: &Style) -> String {
        let y = render_section(section, v, st);
        let p = parse(&y);
        assert!(p.errors.is_empty(), "{y}\n{:?}", p.errors);
        let back = from_node(p.root.as_ref().unwrap().get(section).unwrap()).unwrap();
        assert_eq!(&back, v, "{y}");
        y
    }

    #[test]
    fn quoting() {
        assert_eq!(scalar_text("plain text, fine", false), "plain text, fine");
        assert_eq!(scalar_text("[report §1]", false), "\"[report §1]\"");
        assert_eq!(scalar_text("a [chat L3] b", false), "a [chat L3] b");
        assert_eq!(scalar_text("yes", false), "\"yes\"");
        assert_eq!(scalar_text("12", false), "\"12\"");
        assert_eq!(scalar_text("key: value", false), "\"key: value\"");
        assert_eq!(scalar_text("say \"hi\" \\ now", false), "say \"hi\" \\ now");
        assert_eq!(
            double_quoted("a\"b\\c\nd\u{7}"),
            "\"a\\\"b\\\\c\\nd\\u0007\""
        );
        assert_eq!(scalar_text("值班 工程師：確認", false), "值班 工程師：確認");
        assert_eq!(scalar_text("TODO(owner)", false), "TODO(owner)");
        assert_eq!(scalar_text("2026-05-08", false), "2026-05-08");
        assert_eq!(scalar_text("", false), "\"\"");
        assert_eq!(scalar_text("new-pool-value-30", true), "new-pool-value-30");
    }

    #[test]
    fn sections_read_back_the_same() {
        let st = Style::default();
        let v = parse_answer(r#"{"root_cause": {"five_whys": [{"why_1": "Checkout failed: 503s [report §4]"}, {"why_2": "pool 12/12"}], "primary_cause_category": "config", "source": "[report §4] [chat L2-L3]", "confidence": "L", "confidence_note": "line one\nline two"}}"#).unwrap();
        let v = normalize(
            crate::value::extract_section(v, "root_cause").unwrap(),
            &top_field("root_cause").unwrap().kind,
        );
        let y = round_trip("root_cause", &v, &st);
        assert!(y.starts_with("root_cause:\n  five_whys:\n    - why_1: \"Checkout failed: 503s [report §4]\"\n    - why_2: pool 12/12\n"), "{y}");
        let st4 = Style {
            indent: 4,
            seq_indent: false,
            ..Style::default()
        };
        let y = round_trip("root_cause", &v, &st4);
        assert!(y.contains("\n    five_whys:\n    - why_1:"), "{y}");
        let long = V::Str("word ".repeat(60).trim().to_string() + " [report §2]");
        let y = round_trip("blameless_summary", &long, &st);
        assert!(y.starts_with("blameless_summary: >-\n  word"), "{y}");
        let odd = V::List(vec![
            V::Str("say \"hi\" \\ now".into()),
            V::Str(" lead".into()),
            V::Str("tab\there".into()),
            V::Str("two\nlines".into()),
            V::Str("- dash".into()),
            V::Str("x #y".into()),
            V::Str("null".into()),
            V::Str("3.5".into()),
        ]);
        round_trip("what_went_wrong", &odd, &st);
        let nested = V::List(vec![V::List(vec![V::Str("a".into())]), V::Map(vec![])]);
        round_trip("out_of_scope", &nested, &st);
        let crlf = Style {
            crlf: true,
            ..Style::default()
        };
        assert!(
            render_section("out_of_scope", &V::List(vec![V::Str("a b".into())]), &crlf)
                .contains("\r\n  - a b")
        );
    }

    #[test]
    fn detects_the_documents_style() {
        let t = "a:\n    b: 1\nc:\n- x\n\nd: 2\n";
        let s = Style::detect(t, &parse(t));
        assert_eq!((s.indent, s.seq_indent), (4, false));
        let ex = include_str!("../../../examples/checkout-outage/postmortem.yaml");
        let s = Style::detect(ex, &parse(ex));
        assert_eq!(s, Style::default());
    }
}

//! Error-tolerant YAML with exact spans.
//!
//! The text is cut into top-level sections (a line at column 0 that starts a
//! `key:`), and each section is parsed by tree-sitter-yaml on its own, so a
//! syntax error in one section never hides the others. Inside a section,
//! tree-sitter's ERROR nodes are searched for the key/value pairs they still
//! hold. Every node keeps the byte span of its text, and every scalar can map
//! a range of its decoded value back to the source.

use crate::text::Span;
use tree_sitter::{Node as TsNode, Parser};

/// Documents larger than this are refused before parsing.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Documents with more lines than this are refused before parsing.
pub const MAX_LINES: usize = 25_000;
/// Nesting deeper than this is refused before parsing (tree-sitter-yaml
/// aborts the process near 300 levels; a postmortem needs fewer than 8).
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A decoded scalar with a map from decoded offsets back to source offsets.
#[derive(Clone, Debug)]
pub struct Scalar {
    pub value: String,
    pub span: Span,
    pub style: ScalarStyle,
    /// Segment starts: (decoded offset, source offset). Offsets inside a
    /// segment advance together.
    segs: Vec<(usize, usize)>,
}

impl Scalar {
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain
            && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// Source offset of decoded offset `d`.
    pub fn src_offset(&self, d: usize) -> usize {
        let i = match self.segs.binary_search_by(|s| s.0.cmp(&d)) {
            Ok(i) => i,
            Err(0) => return self.span.start,
            Err(i) => i - 1,
        };
        let (ds, ss) = self.segs[i];
        (ss + (d - ds)).min(self.span.end)
    }

    /// Source span of a decoded byte range.
    pub fn src_span(&self, r: Span) -> Span {
        let s = self.src_offset(r.start);
        let e = if r.end > r.start {
            // end of the last character, mapped through its own segment
            let last = self.value[..r.end]
                .char_indices()
                .next_back()
                .map(|(i, _)| i)
                .unwrap_or(r.start);
            self.src_offset(last) + (r.end - last)
        } else {
            s
        };
        s..e.max(s).min(self.span.end.max(s))
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    Map(Vec<Pair>),
    Seq(Vec<Node>),
    Scalar(Scalar),
    Alias,
    /// Text tree-sitter could not make sense of.
    Invalid,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// `[...]`/`{...}` rather than block style.
    pub flow: bool,
}

#[derive(Clone, Debug)]
pub struct Pair {
    pub key: Scalar,
    /// `None` when nothing follows the colon.
    pub value: Option<Node>,
    pub span: Span,
}

impl Pair {
    /// Where to point when the value is the problem: the value, else the key.
    pub fn value_or_key_span(&self) -> Span {
        match &self.value {
            Some(v) if v.span.end > v.span.start => v.span.clone(),
            _ => self.key.span.clone(),
        }
    }
}

impl Node {
    pub fn as_map(&self) -> Option<&[Pair]> {
        match &self.value {
            Value::Map(p) => Some(p),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// The first pair with this key.
    pub fn pair(&self, key: &str) -> Option<&Pair> {
        self.as_map()?.iter().find(|p| p.key.value == key)
    }
    /// The value of the first pair with this key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.pair(key)?.value.as_ref()
    }
    /// A non-null scalar's text.
    pub fn str_value(&self) -> Option<&str> {
        self.as_scalar()
            .filter(|s| !s.is_null())
            .map(|s| s.value.as_str())
    }
    pub fn is_null(&self) -> bool {
        self.as_scalar().is_some_and(Scalar::is_null)
    }
    /// The text of the scalar under `key`, if any.
    pub fn str_value_of(&self, key: &str) -> Option<&str> {
        self.get(key)?.str_value()
    }
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Map(_) => "a map",
            Value::Seq(_) => "a list",
            Value::Scalar(s) if s.is_null() => "empty",
            Value::Scalar(_) => "a text value",
            Value::Alias => "an alias",
            Value::Invalid => "unparsable text",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// The top-level map (pairs from every section), or the lone non-map root.
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
    /// Set when the document was refused before parsing (too big, too deep).
    pub refused: bool,
}

/// Parse a whole document.
pub fn parse(text: &str) -> Parsed {
    if let Some(err) = guard(text) {
        return Parsed {
            root: None,
            errors: vec![err],
            refused: true,
        };
    }
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_yaml::LANGUAGE.into())
        .is_err()
    {
        return Parsed {
            root: None,
            errors: vec![SyntaxError {
                span: 0..0,
                message: "the YAML grammar failed to load; please report this".into(),
            }],
            refused: true,
        };
    }
    let mut out = Parsed::default();
    let mut pairs = Vec::new();
    let mut lone_root: Option<Node> = None;
    let mut in_later_document = false;
    for chunk in sections(text) {
        if in_later_document {
            break;
        }
        let src = &text[chunk.clone()];
        let Some(tree) = parser.parse(src, None) else {
            continue;
        };
        let conv = Conv {
            src,
            base: chunk.start,
        };
        let root = tree.root_node();
        conv.errors(root, &mut out.errors);
        let before = pairs.len();
        let mut docs = 0;
        let mut c = root.walk();
        for doc in root.named_children(&mut c) {
            if doc.kind() != "document" {
                conv.collect_pairs(doc, &mut pairs);
                continue;
            }
            docs += 1;
            if docs > 1 {
                in_later_document = true;
                break;
            }
            match conv.content(doc) {
                Some(n) => match n.value {
                    Value::Map(p) => pairs.extend(p),
                    Value::Invalid => {}
                    _ if lone_root.is_none() && pairs.is_empty() => lone_root = Some(n),
                    _ => {}
                },
                None => conv.collect_pairs(doc, &mut pairs),
            }
        }
        // A section whose value can't be parsed still exists: keep its key so
        // it isn't also reported missing, with an unparsable value.
        if root.has_error() && !in_later_document {
            if let Some(key) = top_level_key(src) {
                if !pairs[before..].iter().any(|p| p.key.value == key) {
                    let kstart = chunk.start;
                    let vstart = kstart + key.len() + 1;
                    let end = chunk.start + src.trim_end().len();
                    pairs.push(Pair {
                        key: Scalar {
                            value: key.to_string(),
                            span: kstart..kstart + key.len(),
                            style: ScalarStyle::Plain,
                            segs: vec![(0, kstart)],
                        },
                        value: Some(Node {
                            value: Value::Invalid,
                            span: vstart.min(end)..end,
                            flow: false,
                        }),
                        span: kstart..end,
                    });
                }
            }
        }
    }
    out.errors.sort_by_key(|e| e.span.start);
    out.root = if !pairs.is_empty() || lone_root.is_none() {
        let span = match (pairs.first(), pairs.last()) {
            (Some(a), Some(b)) => a.span.start..b.span.end,
            _ => 0..0,
        };
        Some(Node {
            value: Value::Map(pairs),
            span,
            flow: false,
        })
    } else {
        lone_root
    };
    out
}

/// Refuse input tree-sitter cannot take safely.
fn guard(text: &str) -> Option<SyntaxError> {
    if text.len() > MAX_BYTES {
        return Some(SyntaxError {
            span: 0..0,
            message: format!(
                "This document is {} KiB; postmortem-lsp checks documents up to {} KiB. Split it, or move raw material into an input file.",
                text.len() / 1024,
                MAX_BYTES / 1024
            ),
        });
    }
    let mut lines = 0usize;
    let mut indents: Vec<usize> = Vec::new();
    for (start, line) in line_offsets(text) {
        lines += 1;
        if lines > MAX_LINES {
            return Some(SyntaxError {
                span: 0..0,
                message: format!(
                    "This document has more than {MAX_LINES} lines; postmortem-lsp checks documents up to that size. Split it, or move raw material into an input file."
                ),
            });
        }
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        while indents.last().is_some_and(|&i| i >= indent) {
            indents.pop();
        }
        indents.push(indent);
        // "- - - x" nests one sequence per dash; "[[[" one flow level per bracket.
        let dashes = trimmed
            .split_inclusive(' ')
            .take_while(|w| *w == "- ")
            .count();
        let mut flow = 0usize;
        let mut max_flow = 0usize;
        for b in trimmed.bytes() {
            match b {
                b'[' | b'{' => {
                    flow += 1;
                    max_flow = max_flow.max(flow);
                }
                b']' | b'}' => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        if indents.len() + dashes + max_flow > MAX_DEPTH {
            return Some(SyntaxError {
                span: start..start + line.len(),
                message: format!(
                    "Nesting here is deeper than {MAX_DEPTH} levels; a postmortem never needs that. Flatten this part of the document."
                ),
            });
        }
    }
    None
}

fn line_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = pos;
        pos += l.len();
        (start, l.trim_end_matches(['\n', '\r']))
    })
}

/// Byte ranges of the top-level sections.
fn sections(text: &str) -> Vec<Span> {
    let mut cuts = vec![0];
    for (start, line) in line_offsets(text) {
        if start > 0 && starts_top_level_key(line) {
            cuts.push(start);
        }
    }
    cuts.push(text.len());
    cuts.windows(2)
        .map(|w| w[0]..w[1])
        .filter(|r| r.end > r.start || r.start == 0)
        .collect()
}

/// The key of a chunk that starts with `key:` at column 0.
fn top_level_key(src: &str) -> Option<&str> {
    let line = src.lines().next()?;
    if !starts_top_level_key(line) {
        return None;
    }
    line.find(':').map(|i| &line[..i])
}

fn starts_top_level_key(line: &str) -> bool {
    let Some(c) = line.chars().next() else {
        return false;
    };
    if !(c.is_alphanumeric() || c == '_') {
        return false;
    }
    line.find(':')
        .is_some_and(|i| matches!(line.as_bytes().get(i + 1), None | Some(b' ' | b'\t')))
}

struct Conv<'a> {
    src: &'a str,
    base: usize,
}

impl Conv<'_> {
    /// The node's byte span in the document, without trailing white space.
    fn span(&self, n: TsNode) -> Span {
        let start = n.start_byte();
        let mut end = n.end_byte().min(self.src.len());
        let b = self.src.as_bytes();
        while end > start && matches!(b[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
            end -= 1;
        }
        start + self.base..end + self.base
    }

    fn text(&self, n: TsNode) -> &str {
        &self.src[n.start_byte()..n.end_byte()]
    }

    fn errors(&self, n: TsNode, out: &mut Vec<SyntaxError>) {
        if !n.has_error() {
            return;
        }
        if n.is_error() {
            let span = self.span(n);
            out.push(SyntaxError {
                message: self.explain_error(n),
                span,
            });
            return;
        }
        if n.is_missing() {
            let at = self.span(n).start;
            out.push(SyntaxError {
                span: at..at,
                message: format!("Expected `{}` here; add it to close this value.", n.kind()),
            });
            return;
        }
        let mut c = n.walk();
        for ch in n.children(&mut c) {
            self.errors(ch, out);
        }
    }

    fn explain_error(&self, n: TsNode) -> String {
        let t = self.text(n);
        let line_start = self.src[..n.start_byte()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.src[n.start_byte()..]
            .find('\n')
            .map_or(self.src.len(), |i| n.start_byte() + i);
        let line = &self.src[line_start..line_end];
        // the offending tab may be on the line after the one tree-sitter blames
        let next_start = (line_end + 1).min(self.src.len());
        let next_end = self.src[next_start..]
            .find('\n')
            .map_or(self.src.len(), |i| next_start + i);
        let next = self.src.get(next_start..next_end).unwrap_or("");
        let indented_by_tab = |l: &str| l.trim_start_matches(' ').starts_with('\t');
        if t.contains('\t') || indented_by_tab(line) || indented_by_tab(next) {
            return "This YAML can't be read: a tab indents it. Indent with spaces.".into();
        }
        let opens = t.matches('[').count() + t.matches('{').count();
        let closes = t.matches(']').count() + t.matches('}').count();
        if opens > closes {
            return "This YAML can't be read: a `[` or `{` is never closed. Close it, or quote the text if the bracket is part of it.".into();
        }
        if t.trim_start().starts_with('[') && t.contains(']') {
            return "This YAML can't be read: text after `[...]` makes it neither a list nor a string. Quote the whole value, e.g. \"[report §2] text\".".into();
        }
        let quotes = t.matches('"').count();
        if quotes % 2 == 1 {
            return "This YAML can't be read: a `\"` quote is never closed. Close it.".into();
        }
        "This YAML can't be read here. Check the indentation and that each `key:` has a space after the colon.".into()
    }

    /// The content node of a document/block_node/flow_node/sequence item.
    fn content(&self, n: TsNode) -> Option<Node> {
        let mut c = n.walk();
        let kids: Vec<TsNode> = n.named_children(&mut c).collect();
        for k in kids {
            match k.kind() {
                "anchor" | "tag" | "comment" | "yaml_directive" | "tag_directive"
                | "reserved_directive" => {}
                _ => return Some(self.node(k)),
            }
        }
        None
    }

    fn node(&self, n: TsNode) -> Node {
        let span = self.span(n);
        let value = match n.kind() {
            "block_node" | "flow_node" | "document" => {
                return self.content(n).unwrap_or(Node {
                    value: Value::Scalar(self.empty_scalar(span.end)),
                    span: span.end..span.end,
                    flow: false,
                })
            }
            "block_mapping" | "flow_mapping" => {
                let mut pairs = Vec::new();
                self.collect_pairs(n, &mut pairs);
                Value::Map(pairs)
            }
            "block_sequence" | "flow_sequence" => {
                let mut items = Vec::new();
                let mut c = n.walk();
                for k in n.named_children(&mut c) {
                    match k.kind() {
                        "block_sequence_item" => items.push(self.content(k).unwrap_or(Node {
                            value: Value::Scalar(self.empty_scalar(self.span(k).end)),
                            span: self.span(k).end..self.span(k).end,
                            flow: false,
                        })),
                        "flow_node" => items.push(self.node(k)),
                        "flow_pair" => {
                            let p = self.pair(k);
                            items.push(Node {
                                span: p.span.clone(),
                                value: Value::Map(vec![p]),
                                flow: true,
                            })
                        }
                        "ERROR" => {
                            let mut c2 = k.walk();
                            for e in k.named_children(&mut c2) {
                                if e.kind() == "block_sequence_item" {
                                    if let Some(x) = self.content(e) {
                                        items.push(x)
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Value::Seq(items)
            }
            "plain_scalar" | "double_quote_scalar" | "single_quote_scalar" | "block_scalar" => {
                Value::Scalar(self.scalar(n))
            }
            "alias" => Value::Alias,
            _ => Value::Invalid,
        };
        Node {
            value,
            span,
            flow: n.kind().starts_with("flow_"),
        }
    }

    /// Pairs of a mapping, including those tree-sitter left inside ERROR nodes.
    fn collect_pairs(&self, n: TsNode, out: &mut Vec<Pair>) {
        let mut c = n.walk();
        for k in n.named_children(&mut c) {
            match k.kind() {
                "block_mapping_pair" | "flow_pair" => out.push(self.pair(k)),
                "flow_node" if n.kind() == "flow_mapping" => {
                    let key = self.scalar_of(k);
                    out.push(Pair {
                        span: key.span.clone(),
                        key,
                        value: None,
                    });
                }
                "ERROR" | "block_node" | "block_mapping" | "document" => self.collect_pairs(k, out),
                _ => {}
            }
        }
    }

    fn pair(&self, n: TsNode) -> Pair {
        let key = match n.child_by_field_name("key") {
            Some(k) => self.scalar_of(k),
            None => self.empty_scalar(self.span(n).start),
        };
        let value = n.child_by_field_name("value").map(|v| self.node(v));
        Pair {
            key,
            value,
            span: self.span(n),
        }
    }

    /// A key as a scalar (complex keys keep their raw text).
    fn scalar_of(&self, n: TsNode) -> Scalar {
        let mut cur = n;
        loop {
            match cur.kind() {
                "plain_scalar" | "double_quote_scalar" | "single_quote_scalar" | "block_scalar" => {
                    return self.scalar(cur)
                }
                _ => {}
            }
            let mut c = cur.walk();
            let next = cur
                .named_children(&mut c)
                .find(|k| !matches!(k.kind(), "anchor" | "tag" | "comment"));
            match next {
                Some(k) => cur = k,
                None => break,
            }
        }
        let span = self.span(n);
        Scalar {
            value: self.text(n).to_string(),
            segs: vec![(0, span.start)],
            span,
            style: ScalarStyle::Plain,
        }
    }

    fn empty_scalar(&self, at: usize) -> Scalar {
        Scalar {
            value: String::new(),
            span: at..at,
            style: ScalarStyle::Plain,
            segs: vec![(0, at)],
        }
    }

    fn scalar(&self, n: TsNode) -> Scalar {
        let span = self.span(n);
        let raw = self.text(n);
        let mut d = Decoder::default();
        let style = match n.kind() {
            "double_quote_scalar" => {
                d.double(raw, span.start);
                ScalarStyle::DoubleQuoted
            }
            "single_quote_scalar" => {
                d.single(raw, span.start);
                ScalarStyle::SingleQuoted
            }
            "block_scalar" => d.block(raw, span.start),
            _ => {
                d.fold_lines(raw, span.start);
                ScalarStyle::Plain
            }
        };
        Scalar {
            value: d.out,
            span,
            style,
            segs: if d.segs.is_empty() {
                vec![(0, n.start_byte() + self.base)]
            } else {
                d.segs
            },
        }
    }
}

/// Builds a decoded string and its segment map.
#[derive(Default)]
struct Decoder {
    out: String,
    segs: Vec<(usize, usize)>,
    /// Source offset the next pushed byte would map to if contiguous.
    next_src: Option<usize>,
}

impl Decoder {
    fn push(&mut self, s: &str, src: usize) {
        if s.is_empty() {
            return;
        }
        if self.next_src != Some(src) {
            self.segs.push((self.out.len(), src));
        }
        self.out.push_str(s);
        self.next_src = Some(src + s.len());
    }

    /// A synthesized character (escape result, folding space) at `src`.
    fn push_synth(&mut self, s: &str, src: usize) {
        self.segs.push((self.out.len(), src));
        self.out.push_str(s);
        self.next_src = None;
    }

    /// Plain (or quote-stripped) multi-line folding: lines are trimmed and
    /// joined by a space; a blank line becomes a newline.
    fn fold_lines(&mut self, raw: &str, base: usize) {
        let mut pos = 0;
        let mut pending_breaks = 0usize;
        let mut first = true;
        for line in raw.split('\n') {
            let lstart = pos;
            pos += line.len() + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            let t = if first {
                line.trim_end_matches([' ', '\t'])
            } else {
                line.trim_matches([' ', '\t'])
            };
            if t.is_empty() && !first {
                pending_breaks += 1;
                continue;
            }
            let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
            let at = base + lstart + if first { 0 } else { lead };
            if !first {
                if pending_breaks > 0 {
                    self.push_synth(&"\n".repeat(pending_breaks), at);
                } else {
                    self.push_synth(" ", at);
                }
            }
            pending_breaks = 0;
            self.push(t, at);
            first = false;
        }
    }

    fn single(&mut self, raw: &str, base: usize) {
        let inner = raw.strip_prefix('\'').unwrap_or(raw);
        let inner = inner.strip_suffix('\'').unwrap_or(inner);
        let mut tmp = Decoder::default();
        tmp.fold_lines(inner, base + 1);
        // '' → '
        let mut i = 0;
        let v = tmp.out;
        while i < v.len() {
            if v[i..].starts_with("''") {
                let src = src_of(&tmp.segs, i);
                self.push_synth("'", src);
                i += 2;
            } else {
                let ch = v[i..].chars().next().map_or(1, char::len_utf8);
                let src = src_of(&tmp.segs, i);
                self.push(&v[i..i + ch], src);
                i += ch;
            }
        }
    }

    fn double(&mut self, raw: &str, base: usize) {
        let inner = raw.strip_prefix('"').unwrap_or(raw);
        let inner = inner.strip_suffix('"').unwrap_or(inner);
        let b = base + 1;
        let mut i = 0;
        let bytes = inner.as_bytes();
        let mut line_start = true;
        while i < inner.len() {
            let c = bytes[i];
            if c == b'\\' && i + 1 < inner.len() {
                let e = bytes[i + 1];
                let (rep, len): (Option<char>, usize) = match e {
                    b'n' => (Some('\n'), 2),
                    b't' => (Some('\t'), 2),
                    b'r' => (Some('\r'), 2),
                    b'0' => (Some('\0'), 2),
                    b'\\' => (Some('\\'), 2),
                    b'"' => (Some('"'), 2),
                    b'/' => (Some('/'), 2),
                    b' ' => (Some(' '), 2),
                    b'_' => (Some('\u{a0}'), 2),
                    b'N' => (Some('\u{85}'), 2),
                    b'L' => (Some('\u{2028}'), 2),
                    b'P' => (Some('\u{2029}'), 2),
                    b'x' | b'u' | b'U' => {
                        let n = match e {
                            b'x' => 2,
                            b'u' => 4,
                            _ => 8,
                        };
                        let hex = inner.get(i + 2..i + 2 + n).unwrap_or("");
                        (
                            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                            2 + n,
                        )
                    }
                    b'\n' | b'\r' => {
                        // line continuation: skip the break and the next line's indent
                        let mut j = i + 1;
                        while j < inner.len() && matches!(bytes[j], b'\n' | b'\r') {
                            j += 1;
                        }
                        while j < inner.len() && matches!(bytes[j], b' ' | b'\t') {
                            j += 1;
                        }
                        i = j;
                        continue;
                    }
                    _ => (None, 2),
                };
                if let Some(ch) = rep {
                    let mut buf = [0u8; 4];
                    self.push_synth(ch.encode_utf8(&mut buf), b + i);
                }
                i += len.min(inner.len() - i);
                line_start = false;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                // fold: trailing spaces of this line were already pushed; trim them
                while self.out.ends_with([' ', '\t']) {
                    self.out.pop();
                }
                let mut j = i;
                let mut breaks = 0;
                while j < inner.len() && matches!(bytes[j], b'\n' | b'\r' | b' ' | b'\t') {
                    if bytes[j] == b'\n' {
                        breaks += 1;
                    }
                    j += 1;
                }
                if bytes[i] == b'\r' && breaks == 0 {
                    breaks = 1;
                }
                let sep = if breaks > 1 {
                    "\n".repeat(breaks - 1)
                } else {
                    " ".to_string()
                };
                self.push_synth(&sep, b + j.min(inner.len()));
                i = j;
                line_start = true;
                continue;
            }
            let _ = line_start;
            let ch = inner[i..].chars().next().map_or(1, char::len_utf8);
            self.push(&inner[i..i + ch], b + i);
            i += ch;
            line_start = false;
        }
    }

    fn block(&mut self, raw: &str, base: usize) -> ScalarStyle {
        let header_end = raw.find('\n').unwrap_or(raw.len());
        let header = &raw[..header_end];
        let header = header.split(" #").next().unwrap_or(header).trim();
        let style = if header.starts_with('>') {
            ScalarStyle::Folded
        } else {
            ScalarStyle::Literal
        };
        let explicit: Option<usize> = header
            .chars()
            .find_map(|c| c.to_digit(10))
            .map(|d| d as usize);
        let keep = header.contains('+');
        let strip = header.contains('-');
        let body_start = (header_end + 1).min(raw.len());
        let body = &raw[body_start..];
        let mut lines: Vec<(usize, &str)> = Vec::new();
        let mut pos = body_start;
        for l in body.split('\n') {
            lines.push((pos, l.strip_suffix('\r').unwrap_or(l)));
            pos += l.len() + 1;
        }
        let indent = explicit.unwrap_or_else(|| {
            lines
                .iter()
                .find(|(_, l)| !l.trim().is_empty())
                .map_or(0, |(_, l)| l.len() - l.trim_start_matches(' ').len())
        });
        let mut first = true;
        let mut pending = 0usize;
        let mut prev_more_indented = false;
        for (off, l) in &lines {
            if l.trim().is_empty() {
                pending += 1;
                continue;
            }
            let cut = indent.min(l.len() - l.trim_start_matches(' ').len());
            let content = &l[cut..];
            let more = content.starts_with([' ', '\t']);
            if !first {
                let sep = match style {
                    ScalarStyle::Folded if pending == 0 && !more && !prev_more_indented => {
                        " ".to_string()
                    }
                    ScalarStyle::Folded if !more && !prev_more_indented => "\n".repeat(pending),
                    _ => "\n".repeat(pending + 1),
                };
                self.push_synth(&sep, base + off + cut);
            } else if pending > 0 {
                self.push_synth(&"\n".repeat(pending), base + off + cut);
            }
            self.push(content, base + off + cut);
            pending = 0;
            first = false;
            prev_more_indented = more;
        }
        if !strip && !self.out.is_empty() {
            let end = base + raw.len();
            if keep {
                self.push_synth(&"\n".repeat(pending.max(1)), end);
            } else {
                self.push_synth("\n", end);
            }
        }
        style
    }
}

fn src_of(segs: &[(usize, usize)], d: usize) -> usize {
    let i = match segs.binary_search_by(|s| s.0.cmp(&d)) {
        Ok(i) => i,
        Err(0) => return segs.first().map_or(0, |s| s.1),
        Err(i) => i - 1,
    };
    segs[i].1 + (d - segs[i].0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(t: &str) -> Node {
        parse(t).root.expect("root")
    }

    #[test]
    fn maps_lists_and_spans() {
        let t = "a: x\nb:\n  - one\n  - two\nc:\n  d: 值班 工程師\n";
        let r = root(t);
        assert_eq!(r.get("a").and_then(Node::str_value), Some("x"));
        let b = r.get("b").and_then(Node::as_seq).expect("seq");
        assert_eq!(b.len(), 2);
        assert_eq!(&t[b[1].span.clone()], "two");
        let d = r
            .get("c")
            .and_then(|c| c.get("d"))
            .and_then(Node::as_scalar)
            .expect("d");
        assert_eq!(d.value, "值班 工程師");
        let i = d.value.find("工程師").expect("found");
        assert_eq!(&t[d.src_span(i..d.value.len())], "工程師");
    }

    #[test]
    fn syntax_error_in_one_section_keeps_the_others() {
        let t = "a: [unclosed\nb:\n  c: 1\nd: fine\n";
        let p = parse(t);
        assert!(!p.errors.is_empty());
        let r = p.root.expect("root");
        assert_eq!(r.get("d").and_then(Node::str_value), Some("fine"));
        assert!(r.get("b").and_then(|b| b.get("c")).is_some());
        assert!(p.errors[0].span.start < t.find("b:").unwrap_or(0));
    }

    #[test]
    fn quoted_and_block_scalars_decode_with_source_map() {
        let t = "a: \"x \\\"q\\\" 值\"\nb: 'it''s fine'\nc: |\n  line one\n  line 二\nd: >\n  folded\n  text\ne: plain\n  continued\n";
        let r = root(t);
        let a = r.get("a").and_then(Node::as_scalar).expect("a");
        assert_eq!(a.value, "x \"q\" 值");
        let i = a.value.find('值').expect("值");
        assert_eq!(&t[a.src_span(i..i + '值'.len_utf8())], "值");
        assert_eq!(r.get("b").and_then(Node::str_value), Some("it's fine"));
        let c = r.get("c").and_then(Node::as_scalar).expect("c");
        assert_eq!(c.value, "line one\nline 二\n");
        let j = c.value.find('二').expect("二");
        assert_eq!(&t[c.src_span(j..j + 3)], "二");
        assert_eq!(r.get("d").and_then(Node::str_value), Some("folded text\n"));
        let e = r.get("e").and_then(Node::as_scalar).expect("e");
        assert_eq!(e.value, "plain continued");
        let k = e.value.find("continued").expect("k");
        assert_eq!(&t[e.src_span(k..k + 9)], "continued");
    }

    #[test]
    fn refuses_deep_nesting_and_huge_documents() {
        let deep = "a: ".to_string() + &"[".repeat(400);
        let p = parse(&deep);
        assert!(p.refused);
        assert!(p.errors[0].message.contains("deeper"));
        let mut long = String::new();
        for i in 0..(MAX_LINES + 1) {
            long.push_str(&format!("k{i}: v\n"));
        }
        assert!(parse(&long).refused);
    }

    #[test]
    fn block_nesting_is_measured_too() {
        let mut t = String::new();
        for i in 0..100 {
            t.push_str(&" ".repeat(i));
            t.push_str("k:\n");
        }
        assert!(parse(&t).refused);
    }

    #[test]
    fn empty_values_and_top_level_sequences() {
        let t = "a:\nb:\n- x\n- y\n";
        let r = root(t);
        assert!(r
            .pair("a")
            .is_some_and(|p| p.value.is_none() || p.value.as_ref().is_some_and(Node::is_null)));
        assert_eq!(
            r.get("b").and_then(Node::as_seq).map(<[Node]>::len),
            Some(2)
        );
    }
}

//! Error-tolerant YAML with exact spans.
//!
//! A small line-oriented parser for the YAML that postmortems are written in
//! (block maps and lists, flow collections, plain, quoted and block scalars,
//! comments, anchors and tags skipped, aliases never expanded). It recovers
//! line by line: an unreadable line is reported and skipped together with the
//! lines indented under it, so a syntax error never hides the rest of the
//! document. Every node keeps the byte span of its text, and every scalar can
//! map a range of its decoded value back to the source.
//!
//! Why not tree-sitter-yaml: it recovers well but costs ~3.7 µs per line
//! (1 ms for a 264-line postmortem) even incrementally, which is most of the
//! per-keystroke budget; see docs/architecture.md.

pub mod text;

use crate::text::Span;

/// Documents larger than this are refused before parsing.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Documents with more lines than this are refused before parsing.
pub const MAX_LINES: usize = 25_000;
/// Nesting deeper than this is refused (a postmortem needs fewer than 8).
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
    /// Text the parser could not make sense of.
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
    let mut p = YamlParser::new(text);
    let root = p.document();
    p.errors.sort_by_key(|e| e.span.start);
    Parsed {
        root: Some(root),
        errors: p.errors,
        refused: false,
    }
}

pub(crate) const MSG_TAB: &str = "This YAML can't be read: a tab indents it. Indent with spaces.";
pub(crate) const MSG_UNCLOSED_FLOW: &str = "This YAML can't be read: a `[` or `{` is never closed. Close it, or quote the text if the bracket is part of it.";
pub(crate) const MSG_AFTER_FLOW: &str = "This YAML can't be read: text after `[...]` makes it neither a list nor a string. Quote the whole value, e.g. \"[report §2] text\".";
pub(crate) const MSG_UNCLOSED_QUOTE: &str =
    "This YAML can't be read: a `\"` quote is never closed. Close it.";
pub(crate) const MSG_GENERIC: &str = "This YAML can't be read here. Check the indentation and that each `key:` has a space after the colon.";
pub(crate) const MSG_COLON_IN_VALUE: &str = "This value contains `: `, which YAML reads as the start of another key. Quote the whole value.";
pub(crate) const MSG_INDENT: &str = "This line is indented more than the lines around it, so YAML can't place it. Align it with the entries it belongs to.";
pub(crate) const MSG_STRAY_ITEM: &str =
    "This list item belongs to no key. Put it under a `key:`, indented, or remove the `- `.";

#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    /// End of the content, before the line break.
    end: usize,
    /// Leading spaces.
    indent: usize,
    /// Empty, or only a comment.
    blank: bool,
}

struct YamlParser<'a> {
    src: &'a str,
    b: &'a [u8],
    lines: Vec<Line>,
    /// The next line to read.
    li: usize,
    /// Lines from here on belong to a later document (`---`) and are ignored.
    stop: usize,
    errors: Vec<SyntaxError>,
    depth: usize,
}

fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

impl<'a> YamlParser<'a> {
    fn new(src: &'a str) -> Self {
        let b = src.as_bytes();
        let mut lines = Vec::new();
        let mut errors = Vec::new();
        for (start, l) in line_offsets(src) {
            let indent = l.len() - l.trim_start_matches(' ').len();
            let rest = &l[indent..];
            let mut blank = rest.is_empty() || rest.starts_with('#');
            if rest.starts_with('\t')
                && !rest.trim().is_empty()
                && !rest.trim_start().starts_with('#')
            {
                errors.push(SyntaxError {
                    span: start..start + l.len(),
                    message: MSG_TAB.into(),
                });
                blank = true;
            } else if rest.trim().is_empty() {
                blank = true;
            }
            lines.push(Line {
                start,
                end: start + l.len(),
                indent,
                blank,
            });
        }
        let stop = lines.len();
        YamlParser {
            src,
            b,
            lines,
            li: 0,
            stop,
            errors,
            depth: 0,
        }
    }

    fn err(&mut self, span: Span, msg: &str) {
        if !self.errors.iter().any(|e| e.span == span) {
            self.errors.push(SyntaxError {
                span,
                message: msg.to_string(),
            });
        }
    }

    fn line_text(&self, i: usize) -> &'a str {
        let l = self.lines[i];
        &self.src[l.start..l.end]
    }

    /// The next non-blank line at or after `li` (not consumed).
    fn peek(&mut self) -> Option<usize> {
        while self.li < self.stop && self.lines[self.li].blank {
            self.li += 1;
        }
        (self.li < self.stop).then_some(self.li)
    }

    /// Skip line `i` and every following line indented more than `indent`.
    fn skip_block(&mut self, i: usize, indent: usize) {
        self.li = i + 1;
        while let Some(n) = self.peek() {
            if self.lines[n].indent > indent {
                self.li = n + 1;
            } else {
                break;
            }
        }
    }

    fn content_span(&self, i: usize) -> Span {
        let l = self.lines[i];
        let t = self.line_text(i);
        let body = strip_comment(t);
        l.start + l.indent..l.start + body.trim_end().len().max(l.indent)
    }

    fn document(&mut self) -> Node {
        // Directives and the first `---`.
        let mut seen_content = false;
        for i in 0..self.lines.len() {
            let t = self.line_text(i);
            if !seen_content
                && (t.starts_with('%')
                    || (self.lines[i].indent == 0
                        && is_doc_marker(t, "---")
                        && strip_comment(t).trim() == "---"))
            {
                self.lines[i].blank = true;
                continue;
            }
            if self.lines[i].blank {
                continue;
            }
            if self.lines[i].indent == 0 && (is_doc_marker(t, "---") || is_doc_marker(t, "...")) {
                if seen_content {
                    self.stop = i;
                    break;
                }
                // `--- value` on the marker line: treat the rest as content.
                self.lines[i].indent = 4;
            }
            seen_content = true;
        }
        let mut pairs: Vec<Pair> = Vec::new();
        let mut lone: Option<Node> = None;
        while let Some(i) = self.peek() {
            let before = self.li;
            let col = self.lines[i].indent;
            let node = self.block_at_line(i, col, -1);
            match node {
                Some(Node {
                    value: Value::Map(p),
                    ..
                }) => pairs.extend(p),
                Some(n) if pairs.is_empty() && lone.is_none() => lone = Some(n),
                Some(n) => self.err(n.span.clone(), MSG_GENERIC),
                None => {}
            }
            if self.li == before {
                let span = self.content_span(i);
                self.err(span, MSG_GENERIC);
                self.li = i + 1;
            }
        }
        match lone {
            Some(n) if pairs.is_empty() => n,
            _ => {
                let span = match (pairs.first(), pairs.last()) {
                    (Some(a), Some(b)) => a.span.start..b.span.end,
                    _ => 0..0,
                };
                Node {
                    value: Value::Map(pairs),
                    span,
                    flow: false,
                }
            }
        }
    }

    /// A block node whose first token is at (line, col).
    fn block_at_line(&mut self, i: usize, col: usize, parent_indent: isize) -> Option<Node> {
        let t = self.line_text(i);
        let rest = &t[col.min(t.len())..];
        if is_seq_item(rest) {
            return Some(self.block_seq(i, col));
        }
        if find_key(rest).is_some() {
            return Some(self.block_map(i, col));
        }
        self.inline_node(i, col, parent_indent)
    }

    /// The value under a key or dash whose line is done: the block on the
    /// following lines indented more than `indent`, or a list at `indent`
    /// when `allow_compact_seq` (a list directly under a map key).
    fn block_child(&mut self, indent: usize, allow_compact_seq: bool) -> Option<Node> {
        let i = self.peek()?;
        let l = self.lines[i];
        if l.indent > indent {
            return self.block_at_line(i, l.indent, indent as isize);
        }
        if allow_compact_seq && l.indent == indent && is_seq_item(&self.line_text(i)[l.indent..]) {
            return Some(self.block_seq(i, l.indent));
        }
        None
    }

    fn enter(&mut self, i: usize) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.content_span(i);
            self.err(span, "Nesting here is deeper than 64 levels; a postmortem never needs that. Flatten this part of the document.");
            self.skip_block(i, self.lines[i].indent);
            self.depth -= 1;
            return false;
        }
        true
    }

    fn block_map(&mut self, first: usize, col: usize) -> Node {
        let mut pairs = Vec::new();
        if !self.enter(first) {
            return Node {
                value: Value::Invalid,
                span: self.content_span(first),
                flow: false,
            };
        }
        let mut i = first;
        let mut c = col;
        loop {
            let l = self.lines[i];
            let t = self.line_text(i);
            let rest = &t[c.min(t.len())..];
            let base = l.start + c;
            if let Some((kr, colon)) = find_key(rest) {
                let key = self.key_scalar(base + kr.start, base + kr.end);
                let vcol = c + colon + 1;
                let value = self.value_after(i, vcol, c);
                let end = value
                    .as_ref()
                    .map_or(key.span.end, |v| v.span.end.max(key.span.end));
                pairs.push(Pair {
                    span: key.span.start..end,
                    key,
                    value,
                });
            } else if is_seq_item(rest) {
                let span = self.content_span(i);
                self.err(span, MSG_STRAY_ITEM);
                self.skip_block(i, c);
            } else {
                let span = self.content_span(i);
                self.err(span, MSG_GENERIC);
                self.skip_block(i, c);
            }
            // Next entry at the same indentation.
            let Some(n) = self.peek() else { break };
            let ni = self.lines[n].indent;
            if ni < col {
                break;
            }
            if ni > col {
                let span = self.content_span(n);
                self.err(span, MSG_INDENT);
                self.skip_block(n, col);
                match self.peek() {
                    Some(m) if self.lines[m].indent == col => {
                        i = m;
                        c = col;
                        continue;
                    }
                    _ => break,
                }
            }
            i = n;
            c = col;
        }
        self.depth -= 1;
        let span = match (pairs.first(), pairs.last()) {
            (Some(a), Some(b)) => a.span.start..b.span.end,
            _ => self.content_span(first),
        };
        Node {
            value: Value::Map(pairs),
            span,
            flow: false,
        }
    }

    fn block_seq(&mut self, first: usize, col: usize) -> Node {
        let mut items = Vec::new();
        if !self.enter(first) {
            return Node {
                value: Value::Invalid,
                span: self.content_span(first),
                flow: false,
            };
        }
        let start = self.lines[first].start + col;
        let mut end = start + 1;
        let mut i = first;
        loop {
            let l = self.lines[i];
            let t = self.line_text(i);
            // after "-" and its spaces
            let mut c = col + 1;
            while c < t.len() && is_ws(t.as_bytes()[c]) {
                c += 1;
            }
            let rest = strip_comment(&t[c.min(t.len())..]);
            let item = if rest.trim().is_empty() {
                self.li = i + 1;
                self.block_child(col, false)
            } else {
                self.block_at_line(i, c, col as isize)
            };
            let item = item.unwrap_or_else(|| {
                let at = l.start + c.min(t.len());
                Node {
                    value: Value::Scalar(empty_scalar(at)),
                    span: at..at,
                    flow: false,
                }
            });
            end = end.max(item.span.end);
            items.push(item);
            let Some(n) = self.peek() else { break };
            let nl = self.lines[n];
            if nl.indent < col {
                break;
            }
            if nl.indent > col {
                let span = self.content_span(n);
                self.err(span, MSG_INDENT);
                self.skip_block(n, col);
                match self.peek() {
                    Some(m)
                        if self.lines[m].indent == col
                            && is_seq_item(&self.line_text(m)[col..]) =>
                    {
                        i = m;
                        continue;
                    }
                    _ => break,
                }
            }
            if !is_seq_item(&self.line_text(n)[col..]) {
                break; // the parent map continues (a list directly under a key)
            }
            i = n;
        }
        self.depth -= 1;
        Node {
            value: Value::Seq(items),
            span: start..end,
            flow: false,
        }
    }

    /// After `key:` — the rest of the line, or the block below.
    fn value_after(&mut self, i: usize, col: usize, key_indent: usize) -> Option<Node> {
        let t = self.line_text(i);
        let mut c = col.min(t.len());
        c = skip_props(t, c);
        let rest = strip_comment(&t[c..]);
        if rest.trim().is_empty() {
            self.li = i + 1;
            return self.block_child(key_indent, true);
        }
        self.inline_node(i, c, key_indent as isize)
    }

    /// A node that starts inside a line: scalar, quoted, block scalar, flow, alias.
    fn inline_node(&mut self, i: usize, col: usize, parent_indent: isize) -> Option<Node> {
        let l = self.lines[i];
        let t = self.line_text(i);
        let c = skip_props(t, col.min(t.len()));
        let rest = &t[c..];
        let at = l.start + c;
        if strip_comment(rest).trim().is_empty() {
            self.li = i + 1;
            return self.block_child(parent_indent.max(0) as usize, false);
        }
        let first = rest.as_bytes()[0];
        match first {
            b'*' => {
                let len = rest.find([' ', '\t', ',', ']', '}']).unwrap_or(rest.len());
                self.li = i + 1;
                Some(Node {
                    value: Value::Alias,
                    span: at..at + len,
                    flow: false,
                })
            }
            b'[' | b'{' => {
                let (node, end) = self.flow(at, parent_indent);
                self.after_token(end, &node, true);
                Some(node)
            }
            b'"' | b'\'' => {
                let (node, end) = self.quoted(at, parent_indent);
                self.after_token(end, &node, false);
                Some(node)
            }
            b'|' | b'>' => Some(self.block_scalar(i, c, parent_indent)),
            _ => Some(self.plain(i, c, parent_indent)),
        }
    }

    /// After a flow collection or quoted scalar: the rest of its line must be
    /// empty or a comment; then continue on the next line.
    fn after_token(&mut self, end: usize, node: &Node, flow: bool) {
        let line = self.line_of(end.saturating_sub(1).max(node.span.start));
        let l = self.lines[line];
        let tail = &self.src[end.min(l.end)..l.end];
        if !strip_comment(tail).trim().is_empty()
            && !self
                .errors
                .iter()
                .any(|e| e.span.start >= node.span.start && e.span.start <= l.end)
        {
            self.err(
                node.span.start..l.end,
                if flow { MSG_AFTER_FLOW } else { MSG_GENERIC },
            );
        }
        self.li = line + 1;
    }

    fn line_of(&self, off: usize) -> usize {
        match self.lines.binary_search_by(|l| l.start.cmp(&off)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn key_scalar(&self, start: usize, end: usize) -> Scalar {
        let raw = &self.src[start..end];
        let mut d = Decoder::default();
        let style = match raw.as_bytes().first() {
            Some(b'"') => {
                d.double(raw, start);
                ScalarStyle::DoubleQuoted
            }
            Some(b'\'') => {
                d.single(raw, start);
                ScalarStyle::SingleQuoted
            }
            _ => {
                d.push(raw, start);
                ScalarStyle::Plain
            }
        };
        finish_scalar(d, start..end, style)
    }

    fn plain(&mut self, i: usize, c: usize, parent_indent: isize) -> Node {
        let l = self.lines[i];
        let t = self.line_text(i);
        let first = strip_comment(&t[c..]).trim_end();
        let start = l.start + c;
        let mut end = start + first.len();
        if has_mapping_colon(first) {
            self.err(start..end, MSG_COLON_IN_VALUE);
        }
        self.li = i + 1;
        // Continuation lines: indented more than the parent, not comments.
        if !first.trim_start().starts_with('#') && !t[c..].contains(" #") {
            let mut j = i + 1;
            while j < self.stop {
                let nl = self.lines[j];
                let nt = self.line_text(j);
                if nl.blank && nt.trim().is_empty() {
                    j += 1;
                    continue;
                }
                if nl.blank || (nl.indent as isize) <= parent_indent {
                    break;
                }
                let body = strip_comment(&nt[nl.indent..]).trim_end();
                if find_key(&nt[nl.indent..]).is_some() || is_seq_item(&nt[nl.indent..]) {
                    break;
                }
                end = nl.start + nl.indent + body.len();
                self.li = j + 1;
                if body.len() < nt.len() - nl.indent {
                    break; // a comment ends the scalar
                }
                j += 1;
            }
        }
        let raw = &self.src[start..end];
        let mut d = Decoder::default();
        d.fold_lines(raw, start);
        Node {
            value: Value::Scalar(finish_scalar(d, start..end, ScalarStyle::Plain)),
            span: start..end,
            flow: false,
        }
    }

    /// A quoted scalar starting at byte `at`; may continue onto lines indented
    /// more than the parent. Returns the node and the offset after it.
    fn quoted(&mut self, at: usize, parent_indent: isize) -> (Node, usize) {
        let q = self.b[at];
        let mut p = at + 1;
        let mut closed = None;
        while p < self.b.len() {
            let ch = self.b[p];
            if ch == b'\n' {
                // the next line must belong to this value
                let next = self.line_of(p + 1);
                if next >= self.stop
                    || (!self.lines[next].blank
                        && (self.lines[next].indent as isize) <= parent_indent)
                {
                    break;
                }
            }
            if q == b'"' && ch == b'\\' {
                p += 2;
                continue;
            }
            if ch == q {
                if q == b'\'' && self.b.get(p + 1) == Some(&b'\'') {
                    p += 2;
                    continue;
                }
                closed = Some(p + 1);
                break;
            }
            p += 1;
        }
        let end = match closed {
            Some(e) => e,
            None => {
                let line = self.line_of(at);
                let e = self.lines[line].end;
                self.err(at..e, MSG_UNCLOSED_QUOTE);
                e
            }
        };
        let raw = &self.src[at..end];
        let mut d = Decoder::default();
        let style = if q == b'"' {
            d.double(raw, at);
            ScalarStyle::DoubleQuoted
        } else {
            d.single(raw, at);
            ScalarStyle::SingleQuoted
        };
        (
            Node {
                value: Value::Scalar(finish_scalar(d, at..end, style)),
                span: at..end,
                flow: false,
            },
            end,
        )
    }

    fn block_scalar(&mut self, i: usize, c: usize, parent_indent: isize) -> Node {
        let l = self.lines[i];
        let start = l.start + c;
        let mut end = l.end;
        let mut j = i + 1;
        let mut last = i;
        let keep = self.line_text(i)[c..]
            .split(" #")
            .next()
            .unwrap_or("")
            .contains('+');
        while j < self.stop {
            let nl = self.lines[j];
            let nt = self.line_text(j);
            if nt.trim().is_empty() {
                if keep {
                    // keep the blank line's own line break too
                    end = self.lines.get(j + 1).map_or(nl.end, |n| n.start);
                }
                j += 1;
                continue;
            }
            if (nl.indent as isize) <= parent_indent {
                break;
            }
            last = j;
            end = nl.end;
            j += 1;
        }
        self.li = last + 1;
        let raw = &self.src[start..end];
        let mut d = Decoder::default();
        let style = d.block(raw, start);
        Node {
            value: Value::Scalar(finish_scalar(d, start..end, style)),
            span: start..end,
            flow: false,
        }
    }

    /// A flow collection starting at byte `at` (`[` or `{`).
    fn flow(&mut self, at: usize, parent_indent: isize) -> (Node, usize) {
        let mut p = at;
        let node = self.flow_node(&mut p, parent_indent, 0);
        (node, p)
    }

    /// Skip spaces, line breaks and comments inside a flow collection.
    /// Returns false when the next line does not belong to the value.
    fn flow_ws(&self, p: &mut usize, parent_indent: isize) -> bool {
        while *p < self.b.len() {
            match self.b[*p] {
                b' ' | b'\t' | b'\r' => *p += 1,
                b'\n' => {
                    let next = self.line_of(*p + 1);
                    if next >= self.stop
                        || (!self.lines[next].blank
                            && (self.lines[next].indent as isize) <= parent_indent)
                    {
                        return false;
                    }
                    *p += 1;
                }
                b'#' if *p == 0 || is_ws(self.b[*p - 1]) || self.b[*p - 1] == b'\n' => {
                    while *p < self.b.len() && self.b[*p] != b'\n' {
                        *p += 1;
                    }
                }
                _ => return true,
            }
        }
        false
    }

    fn flow_node(&mut self, p: &mut usize, parent_indent: isize, depth: usize) -> Node {
        let start = *p;
        if depth > MAX_DEPTH {
            let e = self.lines[self.line_of(start)].end;
            self.err(start..e, "Nesting here is deeper than 64 levels; a postmortem never needs that. Flatten this part of the document.");
            *p = e;
            return Node {
                value: Value::Invalid,
                span: start..e,
                flow: true,
            };
        }
        match self.b.get(*p) {
            Some(b'[') | Some(b'{') => {
                let is_map = self.b[*p] == b'{';
                let close = if is_map { b'}' } else { b']' };
                *p += 1;
                let mut items: Vec<Node> = Vec::new();
                let mut pairs: Vec<Pair> = Vec::new();
                loop {
                    if !self.flow_ws(p, parent_indent) {
                        let line = self.line_of(start);
                        let e = self.lines[line].end.min(self.b.len());
                        // one diagnostic for the region: drop what was found inside it
                        self.errors
                            .retain(|x| !(x.span.start > start && x.span.start <= e));
                        self.err(start..e, MSG_UNCLOSED_FLOW);
                        *p = (*p).min(self.b.len());
                        return Node {
                            value: Value::Invalid,
                            span: start..e,
                            flow: true,
                        };
                    }
                    match self.b[*p] {
                        c if c == close => {
                            *p += 1;
                            break;
                        }
                        b',' => {
                            *p += 1;
                            continue;
                        }
                        b']' | b'}' => {
                            // the wrong closer
                            let e = *p + 1;
                            self.err(start..e, MSG_UNCLOSED_FLOW);
                            *p = e;
                            break;
                        }
                        _ => {}
                    }
                    let before = *p;
                    let k = self.flow_node(p, parent_indent, depth + 1);
                    // `key: value` inside the collection
                    let mut q = *p;
                    while q < self.b.len() && is_ws(self.b[q]) {
                        q += 1;
                    }
                    let has_colon = self.b.get(q) == Some(&b':')
                        && self.b.get(q + 1).is_none_or(|c| {
                            matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}')
                        });
                    if has_colon {
                        *p = q + 1;
                        let value = if self.flow_ws(p, parent_indent)
                            && !matches!(self.b[*p], b',' | b']' | b'}')
                        {
                            Some(self.flow_node(p, parent_indent, depth + 1))
                        } else {
                            None
                        };
                        let key = match k.value {
                            Value::Scalar(s) => s,
                            _ => empty_scalar(k.span.start),
                        };
                        let end = value.as_ref().map_or(key.span.end, |v| v.span.end);
                        let pair = Pair {
                            span: key.span.start..end,
                            key,
                            value,
                        };
                        if is_map {
                            pairs.push(pair);
                        } else {
                            items.push(Node {
                                span: pair.span.clone(),
                                value: Value::Map(vec![pair]),
                                flow: true,
                            });
                        }
                    } else if is_map {
                        let key = match k.value {
                            Value::Scalar(s) => s,
                            _ => empty_scalar(k.span.start),
                        };
                        pairs.push(Pair {
                            span: key.span.clone(),
                            key,
                            value: None,
                        });
                    } else {
                        items.push(k);
                    }
                    if *p == before {
                        *p += 1; // never loop in place
                    }
                }
                let value = if is_map {
                    Value::Map(pairs)
                } else {
                    Value::Seq(items)
                };
                Node {
                    value,
                    span: start..*p,
                    flow: true,
                }
            }
            Some(b'"') | Some(b'\'') => {
                let (n, e) = self.quoted(start, parent_indent);
                *p = e;
                Node { flow: true, ..n }
            }
            Some(b'*') => {
                while *p < self.b.len()
                    && !matches!(
                        self.b[*p],
                        b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}'
                    )
                {
                    *p += 1;
                }
                Node {
                    value: Value::Alias,
                    span: start..*p,
                    flow: true,
                }
            }
            _ => {
                // plain scalar in flow context
                let mut e = *p;
                while e < self.b.len() {
                    let c = self.b[e];
                    if matches!(c, b',' | b']' | b'}' | b'[' | b'{' | b'\n' | b'\r') {
                        break;
                    }
                    if c == b':'
                        && self.b.get(e + 1).is_none_or(|n| {
                            matches!(n, b' ' | b'\t' | b',' | b']' | b'}' | b'\n' | b'\r')
                        })
                    {
                        break;
                    }
                    if c == b'#' && e > start && is_ws(self.b[e - 1]) {
                        break;
                    }
                    e += 1;
                }
                let raw_end = start + self.src[start..e].trim_end().len();
                *p = e.max(start + 1).min(self.b.len());
                if raw_end == start {
                    return Node {
                        value: Value::Scalar(empty_scalar(start)),
                        span: start..start,
                        flow: true,
                    };
                }
                let mut d = Decoder::default();
                d.push(&self.src[start..raw_end], start);
                *p = e;
                Node {
                    value: Value::Scalar(finish_scalar(d, start..raw_end, ScalarStyle::Plain)),
                    span: start..raw_end,
                    flow: true,
                }
            }
        }
    }
}

fn empty_scalar(at: usize) -> Scalar {
    Scalar {
        value: String::new(),
        span: at..at,
        style: ScalarStyle::Plain,
        segs: vec![(0, at)],
    }
}

fn finish_scalar(d: Decoder, span: Span, style: ScalarStyle) -> Scalar {
    let segs = if d.segs.is_empty() {
        vec![(0, span.start)]
    } else {
        d.segs
    };
    Scalar {
        value: d.out,
        span,
        style,
        segs,
    }
}

fn is_doc_marker(t: &str, m: &str) -> bool {
    t.starts_with(m) && t[3..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
}

/// `- item` or a lone `-`.
fn is_seq_item(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.first() == Some(&b'-') && b.get(1).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r'))
}

/// The text before a ` #` comment (outside quotes).
fn strip_comment(t: &str) -> &str {
    let b = t.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &c) in b.iter().enumerate() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => {
                if (c == b'"' || c == b'\'')
                    && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'[' | b'{' | b',' | b':'))
                {
                    quote = Some(c);
                } else if c == b'#' && (i == 0 || is_ws(b[i - 1])) {
                    return &t[..i];
                }
            }
        }
    }
    t
}

/// Skip `&anchor` and `!tag` properties and the spaces after them.
fn skip_props(t: &str, mut c: usize) -> usize {
    let b = t.as_bytes();
    loop {
        while c < b.len() && is_ws(b[c]) {
            c += 1;
        }
        if c < b.len() && (b[c] == b'&' || b[c] == b'!') {
            while c < b.len() && !is_ws(b[c]) {
                c += 1;
            }
            continue;
        }
        return c;
    }
}

/// A `key:` at the start of `rest`: (key byte range within rest, colon offset).
fn find_key(rest: &str) -> Option<(Span, usize)> {
    let b = rest.as_bytes();
    let first = *b.first()?;
    if matches!(
        first,
        b'[' | b'{' | b'#' | b'|' | b'>' | b'*' | b'&' | b'!' | b'%' | b'@' | b'`'
    ) || is_seq_item(rest)
    {
        return None;
    }
    if first == b'"' || first == b'\'' {
        let mut p = 1;
        while p < b.len() {
            if first == b'"' && b[p] == b'\\' {
                p += 2;
                continue;
            }
            if b[p] == first {
                if first == b'\'' && b.get(p + 1) == Some(&b'\'') {
                    p += 2;
                    continue;
                }
                break;
            }
            p += 1;
        }
        if p >= b.len() {
            return None;
        }
        let key_end = p + 1;
        let mut q = key_end;
        while q < b.len() && is_ws(b[q]) {
            q += 1;
        }
        return (b.get(q) == Some(&b':') && b.get(q + 1).is_none_or(|c| is_ws(*c) || *c == b'\r'))
            .then_some((0..key_end, q));
    }
    let mut p = 0;
    while p < b.len() {
        let c = b[p];
        if c == b'#' && p > 0 && is_ws(b[p - 1]) {
            return None;
        }
        if c == b':' && b.get(p + 1).is_none_or(|n| is_ws(*n) || *n == b'\r') {
            let key = rest[..p].trim_end();
            if key.is_empty() {
                return None;
            }
            return Some((0..key.len(), p));
        }
        p += 1;
    }
    None
}

/// A plain value containing `: ` (YAML would read a nested key).
fn has_mapping_colon(v: &str) -> bool {
    let b = v.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b':' && b.get(i + 1).is_none_or(|n| is_ws(*n)))
}

/// Refuse input too large or too deep to be a postmortem, before parsing.
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
                // An unknown escape of a multi-byte character (`\值`), or a
                // short `\u` escape, must not leave `i` inside a character.
                while !inner.is_char_boundary(i) {
                    i += 1;
                }
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
    fn block_forms_comments_and_markers() {
        let t = "%YAML 1.2\n---\n# comment\nitems:\n- a # trailing\n- key: v\n  other: w\n- - nested\n  - two\nflow: {a: 1, b: [x, \"y, z\"],\n  c: 'it''s'}\nanchored: &x value\nalias: *x\ncrlf: yes\r\nlast: |+\n  keep\n\n...\nignored: true\n";
        let p = parse(t);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let r = p.root.expect("root");
        let items = r.get("items").and_then(Node::as_seq).expect("items");
        assert_eq!(items[0].str_value(), Some("a"));
        assert_eq!(items[1].str_value_of("other"), Some("w"));
        assert_eq!(items[2].as_seq().map(<[Node]>::len), Some(2));
        let flow = r.get("flow").expect("flow");
        assert_eq!(
            flow.get("b")
                .and_then(Node::as_seq)
                .and_then(|s| s[1].str_value()),
            Some("y, z")
        );
        assert_eq!(flow.str_value_of("c"), Some("it's"));
        assert_eq!(r.str_value_of("anchored"), Some("value"));
        assert!(matches!(
            r.get("alias").map(|n| &n.value),
            Some(Value::Alias)
        ));
        assert_eq!(r.str_value_of("crlf"), Some("yes"));
        assert_eq!(r.str_value_of("last"), Some("keep\n\n"));
        assert!(r.get("ignored").is_none(), "a second document is ignored");
    }

    #[test]
    fn recovers_line_by_line() {
        let t = "a: x\n  stray: indented\nb: one: two\nnot a key\n- orphan\nc: \"unclosed\nd: ok\n";
        let p = parse(t);
        let msgs: Vec<&str> = p.errors.iter().map(|e| &t[e.span.clone()]).collect();
        assert_eq!(
            msgs,
            vec![
                "stray: indented",
                "one: two",
                "not a key",
                "- orphan",
                "\"unclosed"
            ]
        );
        let r = p.root.expect("root");
        assert_eq!(r.str_value_of("d"), Some("ok"));
        assert_eq!(r.str_value_of("c"), Some("\"unclosed").map(|_| "unclosed"));
    }

    #[test]
    fn escapes_before_multi_byte_characters_do_not_split_them() {
        // Found by tests/hardening_engine.rs (it panicked here).
        for t in [
            "a: \"\\୦\"\n",
            "a: \"\\u值班x\"\n",
            "a: \"\\x🚀\"\n",
            "\"\\୦",
        ] {
            let _ = parse(t);
        }
        // An unknown escape is dropped, as `\q` is; the rest stays.
        let r = root("a: \"C:\\用戶 ok\"\n");
        assert_eq!(r.str_value_of("a"), Some("C:戶 ok"));
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

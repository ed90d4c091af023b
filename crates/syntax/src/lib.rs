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

pub mod export;
mod incremental;
pub mod text;

pub use incremental::{reparse, reparse_list_item, reparse_owned, reparse_section};

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

/// Why a region can't be read. Each kind has an English and a 繁體中文
/// message saying what to do (`postmortem_lsp::i18n::syntax_message`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// The document is larger than [`MAX_BYTES`] (its size in KiB).
    TooBig { kib: usize },
    /// The document has more than [`MAX_LINES`] lines.
    TooManyLines,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A tab where YAML needs indentation spaces.
    TabIndent,
    /// A `[` or `{` that is never closed (or closed by the wrong bracket).
    UnclosedFlow,
    /// Text after a closed `[...]`/`{...}` on the same line.
    TextAfterFlow,
    /// A `"` or `'` that is never closed.
    UnclosedQuote,
    /// Text after a closed quoted value on the same line.
    TextAfterQuote,
    /// A plain value containing `: `.
    ColonInValue,
    /// A line indented more than its neighbours.
    IndentedMore,
    /// A `- item` where a `key:` is expected.
    StrayListItem,
    /// A line that is neither `key: value` nor a list item where one is expected.
    NotAKeyValue,
    /// Text after the `|` or `>` of a block scalar header.
    TextAfterBlockHeader,
    /// An escape YAML doesn't define in a double-quoted value (`\d`, `\U` in a path).
    UnknownEscape,
    /// A comma, colon or bracket out of place inside `[...]`/`{...}`.
    BadFlow,
    /// A plain value starting with a character YAML reserves (`@`, `` ` ``, `%`…).
    ReservedIndicator,
    /// A `#` comment with no space before it, directly after a value.
    CommentWithoutSpace,
    /// `&anchor`: not supported in postmortems.
    Anchor,
    /// `*alias`: not supported in postmortems.
    Alias,
    /// `!tag`: not supported in postmortems.
    Tag,
    /// A second document (`---` after content).
    SecondDocument,
    /// A key that is a list or a map (`? [a, b]`).
    ComplexKey,
    /// A block list or map starting on the line of its `key:` or of `---`.
    BlockOnSameLine,
    /// A `%YAML`/`%TAG` directive that is malformed, repeated, or not followed by `---`.
    BadDirective,
}

impl SyntaxErrorKind {
    /// Every kind (with placeholder data), for tests that check each has messages.
    pub const ALL: &'static [SyntaxErrorKind] = &[
        SyntaxErrorKind::TooBig { kib: 0 },
        SyntaxErrorKind::TooManyLines,
        SyntaxErrorKind::TooDeep,
        SyntaxErrorKind::TabIndent,
        SyntaxErrorKind::UnclosedFlow,
        SyntaxErrorKind::TextAfterFlow,
        SyntaxErrorKind::UnclosedQuote,
        SyntaxErrorKind::TextAfterQuote,
        SyntaxErrorKind::ColonInValue,
        SyntaxErrorKind::IndentedMore,
        SyntaxErrorKind::StrayListItem,
        SyntaxErrorKind::NotAKeyValue,
        SyntaxErrorKind::TextAfterBlockHeader,
        SyntaxErrorKind::UnknownEscape,
        SyntaxErrorKind::BadFlow,
        SyntaxErrorKind::ReservedIndicator,
        SyntaxErrorKind::CommentWithoutSpace,
        SyntaxErrorKind::Anchor,
        SyntaxErrorKind::Alias,
        SyntaxErrorKind::Tag,
        SyntaxErrorKind::SecondDocument,
        SyntaxErrorKind::ComplexKey,
        SyntaxErrorKind::BlockOnSameLine,
        SyntaxErrorKind::BadDirective,
    ];

    /// Valid YAML that postmortem-lsp leaves out by design.
    pub fn is_out_of_scope(self) -> bool {
        matches!(
            self,
            SyntaxErrorKind::Anchor
                | SyntaxErrorKind::Alias
                | SyntaxErrorKind::Tag
                | SyntaxErrorKind::SecondDocument
                | SyntaxErrorKind::ComplexKey
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub kind: SyntaxErrorKind,
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
    // YAML 1.2 breaks lines at LF, CRLF and a lone CR (production 28,
    // b-break) and reads every break in content as LF. A lone CR becomes LF
    // here: one byte for one, so every span stays an offset into `text`.
    let normalized;
    let text = if has_lone_cr(text.as_bytes()) {
        normalized = lone_cr_as_lf(text);
        normalized.as_str()
    } else {
        text
    };
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

/// Where a carriage return not followed by a line feed stands.
fn lone_crs(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\r', b).filter(move |&i| b.get(i + 1) != Some(&b'\n'))
}

/// Whether `b` has a carriage return not followed by a line feed.
pub(crate) fn has_lone_cr(b: &[u8]) -> bool {
    lone_crs(b).next().is_some()
}

/// `text` with each lone carriage return replaced by a line feed (a CR is
/// one ASCII byte, so every cut is on a character boundary).
fn lone_cr_as_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for i in lone_crs(text.as_bytes()) {
        out.push_str(&text[from..i]);
        out.push('\n');
        from = i + 1;
    }
    out.push_str(&text[from..]);
    out
}

#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    /// End of the content, before the line break.
    end: usize,
    /// Leading spaces (YAML indentation never includes tabs).
    indent: usize,
    /// Leading spaces and tabs: where the content starts.
    ws: usize,
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
        let errors = Vec::new();
        for (start, l) in line_offsets(src) {
            // A byte order mark is not content.
            let (start, l) = match l.strip_prefix('\u{feff}') {
                Some(rest) if start == 0 => (3, rest),
                _ => (start, l),
            };
            let indent = l.len() - l.trim_start_matches(' ').len();
            let rest = l.trim_start_matches([' ', '\t']);
            let ws = l.len() - rest.len();
            let blank = rest.is_empty() || rest.starts_with('#');
            lines.push(Line {
                start,
                end: start + l.len(),
                indent,
                ws,
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

    fn err(&mut self, span: Span, kind: SyntaxErrorKind) {
        // Spans always cover whole characters.
        let mut start = span.start.min(self.src.len());
        while !self.src.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end.clamp(start, self.src.len());
        while !self.src.is_char_boundary(end) {
            end += 1;
        }
        let span = start..end;
        if !self.errors.iter().any(|e| e.span == span) {
            self.errors.push(SyntaxError { span, kind });
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

    /// The next non-blank line for a block at `col`; a line at `col` whose
    /// content is indented by tabs is reported and skipped.
    fn next_sibling(&mut self, col: usize) -> Option<usize> {
        loop {
            let n = self.peek()?;
            let l = self.lines[n];
            if l.indent == col && l.ws > l.indent {
                self.err(l.start..l.end, SyntaxErrorKind::TabIndent);
                self.skip_block(n, col);
                continue;
            }
            return Some(n);
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
        let mut seen_start = false;
        let mut first_directive: Option<usize> = None;
        let mut yaml_directive = false;
        for i in 0..self.lines.len() {
            let t = self.line_text(i);
            if !seen_content && !seen_start && t.starts_with('%') {
                let words: Vec<&str> = strip_comment(t).split_whitespace().collect();
                let bad = if words.first() == Some(&"%YAML") {
                    let version_ok = words.get(1).is_some_and(|v| {
                        v.split_once('.').is_some_and(|(a, b)| {
                            !a.is_empty()
                                && !b.is_empty()
                                && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
                        })
                    });
                    let repeated = yaml_directive;
                    yaml_directive = true;
                    words.len() != 2 || !version_ok || repeated
                } else {
                    false
                };
                if bad {
                    let l = self.lines[i];
                    self.err(l.start..l.end, SyntaxErrorKind::BadDirective);
                }
                first_directive.get_or_insert(i);
                self.lines[i].blank = true;
                continue;
            }
            if let Some(d) = first_directive {
                if !seen_start && !self.lines[i].blank && !is_doc_marker(t, "---") {
                    // directives must be followed by `---`
                    let l = self.lines[d];
                    self.err(l.start..l.end, SyntaxErrorKind::BadDirective);
                    first_directive = None;
                }
            }
            if !seen_content
                && (t.starts_with('%')
                    || (self.lines[i].indent == 0
                        && is_doc_marker(t, "---")
                        && strip_comment(t).trim() == "---"))
            {
                if !t.starts_with('%') {
                    if seen_start {
                        // `---` twice: a second (empty) document
                        self.stop = i;
                        self.second_document(i);
                        break;
                    }
                    seen_start = true;
                }
                self.lines[i].blank = true;
                continue;
            }
            if self.lines[i].blank {
                continue;
            }
            if self.lines[i].indent == 0 && (is_doc_marker(t, "---") || is_doc_marker(t, "...")) {
                if seen_content {
                    self.stop = i;
                    self.second_document(i);
                    break;
                }
                // `--- value` on the marker line: treat the rest as content.
                self.lines[i].indent = 4;
                if is_doc_marker(t, "---") {
                    seen_start = true;
                }
                let rest = strip_comment(t.get(4..).unwrap_or(""));
                if is_doc_marker(t, "---") && starts_block(rest) {
                    let l = self.lines[i];
                    self.err(l.start + 4..l.end, SyntaxErrorKind::BlockOnSameLine);
                }
            }
            seen_content = true;
        }
        if let Some(d) = first_directive {
            if !seen_start {
                let l = self.lines[d];
                self.err(l.start..l.end, SyntaxErrorKind::BadDirective);
            }
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
                    flow: false,
                    ..
                }) => pairs.extend(p),
                Some(n) if pairs.is_empty() && lone.is_none() => lone = Some(n),
                Some(n) => self.err(n.span.clone(), SyntaxErrorKind::NotAKeyValue),
                None => {}
            }
            if self.li == before {
                let span = self.content_span(i);
                self.err(span, SyntaxErrorKind::NotAKeyValue);
                self.li = i + 1;
            }
        }
        match lone {
            Some(n) if pairs.is_empty() => n,
            lone => {
                if let Some(n) = lone {
                    // Text or a list before the first key: never dropped silently.
                    let kind = if n.as_seq().is_some() {
                        SyntaxErrorKind::StrayListItem
                    } else {
                        SyntaxErrorKind::NotAKeyValue
                    };
                    self.err(n.span.clone(), kind);
                }
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

    /// Content after the first document ends at line `i` (`---` or `...`):
    /// one diagnostic at the `---`, or at the first text after a `...`.
    fn second_document(&mut self, i: usize) {
        let t = self.line_text(i);
        let l = self.lines[i];
        if is_doc_marker(t, "---") {
            self.err(l.start..l.start + 3, SyntaxErrorKind::SecondDocument);
            return;
        }
        let after_marker = strip_comment(&t[3..]).trim();
        if !after_marker.is_empty() {
            self.err(l.start..l.end, SyntaxErrorKind::SecondDocument);
            return;
        }
        for j in i + 1..self.lines.len() {
            if !self.lines[j].blank {
                let span = self.lines[j].start..self.lines[j].end;
                self.err(span, SyntaxErrorKind::SecondDocument);
                return;
            }
        }
    }

    /// Skips `&anchor` and `!tag` properties at byte `c` of line `i` (and the
    /// white space after them), reporting each: postmortems don't use them.
    fn props(&mut self, i: usize, mut c: usize) -> usize {
        let l = self.lines[i];
        let b = self.line_text(i).as_bytes();
        loop {
            while c < b.len() && is_ws(b[c]) {
                c += 1;
            }
            if c < b.len() && (b[c] == b'&' || b[c] == b'!') {
                let s = c;
                while c < b.len() && !is_ws(b[c]) {
                    c += 1;
                }
                let kind = if b[s] == b'&' {
                    SyntaxErrorKind::Anchor
                } else {
                    SyntaxErrorKind::Tag
                };
                self.err(l.start + s..l.start + c, kind);
                continue;
            }
            return c;
        }
    }

    /// A block node whose first token is at (line, col).
    fn block_at_line(&mut self, i: usize, col: usize, parent_indent: isize) -> Option<Node> {
        let t = self.line_text(i);
        let l = self.lines[i];
        if col == l.indent && l.ws > l.indent {
            // Tabs after the indentation: fine before a scalar or a flow
            // collection, not before a block entry.
            let rest = &t[l.ws..];
            if is_seq_item(rest) || find_key(rest).is_some() {
                self.err(l.start..l.end, SyntaxErrorKind::TabIndent);
                self.skip_block(i, l.indent);
                return None;
            }
            return self.inline_node(i, l.ws, parent_indent);
        }
        let rest = &t[col.min(t.len())..];
        if is_seq_item(rest) {
            return Some(self.block_seq(i, col));
        }
        if find_key(rest).is_some() || indicator(rest, b'?') || indicator(rest, b':') {
            return Some(self.block_map(i, col, col));
        }
        if rest.starts_with(['&', '!']) {
            // `&anchor key: value`: report the property, read the entry.
            let save = self.errors.len();
            let c2 = self.props(i, col);
            let t = self.line_text(i);
            if find_key(&t[c2..]).is_some() || indicator(&t[c2..], b':') {
                return Some(self.block_map(i, col, c2));
            }
            self.errors.truncate(save);
        }
        self.inline_node(i, col, parent_indent)
    }

    /// The value under a key or dash whose line is done: the block on the
    /// following lines indented more than `indent`, or a list at `indent`
    /// when `allow_compact_seq` (a list directly under a map key).
    fn block_child(&mut self, indent: usize, allow_compact_seq: bool) -> Option<Node> {
        let i = self.peek()?;
        let l = self.lines[i];
        if l.indent > indent || (l.ws > indent && l.ws > l.indent) {
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
            self.err(span, SyntaxErrorKind::TooDeep);
            self.skip_block(i, self.lines[i].indent);
            self.depth -= 1;
            return false;
        }
        true
    }

    /// The node after a `?` or `:` indicator at byte `c` of line `i`: on the
    /// same line, or the block below indented more than `parent`.
    fn entry_node(&mut self, i: usize, c: usize, parent: usize) -> Option<Node> {
        let t = self.line_text(i);
        let b = t.as_bytes();
        let mut c2 = c.min(t.len());
        while c2 < b.len() && is_ws(b[c2]) {
            c2 += 1;
        }
        if t[c.min(t.len())..c2].contains('\t') && starts_block(&t[c2..]) {
            let l = self.lines[i];
            self.err(
                l.start + c.saturating_sub(1)..l.end,
                SyntaxErrorKind::TabIndent,
            );
        }
        if strip_comment(&t[c2..]).trim().is_empty() {
            self.li = i + 1;
            return self.block_child(parent, true);
        }
        self.block_at_line(i, c2, parent as isize)
    }

    /// A key read from a node: a scalar, or an out-of-scope complex key.
    fn key_of(&mut self, n: Option<Node>, at: usize) -> Scalar {
        match n {
            Some(Node {
                value: Value::Scalar(s),
                ..
            }) => s,
            Some(n) => {
                if !matches!(n.value, Value::Invalid) {
                    self.err(n.span.clone(), SyntaxErrorKind::ComplexKey);
                }
                empty_scalar(n.span.start)
            }
            None => empty_scalar(at),
        }
    }

    /// A block map whose entries are at `col`; its first key starts at `first_col`
    /// (after an anchor or tag on the first line).
    fn block_map(&mut self, first: usize, col: usize, first_col: usize) -> Node {
        let mut pairs = Vec::new();
        if !self.enter(first) {
            return Node {
                value: Value::Invalid,
                span: self.content_span(first),
                flow: false,
            };
        }
        let mut i = first;
        let mut c = first_col;
        loop {
            let l = self.lines[i];
            let t = self.line_text(i);
            let mut rest = &t[c.min(t.len())..];
            if rest.starts_with(['&', '!', '*']) {
                // `&anchor key:`, `!tag key:`, `*alias : value`: report, then read the entry
                let save = self.errors.len();
                let c2 = if rest.starts_with('*') {
                    let len = rest.find([' ', '\t']).unwrap_or(rest.len());
                    self.err(l.start + c..l.start + c + len, SyntaxErrorKind::Alias);
                    c + len + rest[len..].len() - rest[len..].trim_start_matches([' ', '\t']).len()
                } else {
                    self.props(i, c)
                };
                let r2 = &t[c2.min(t.len())..];
                if find_key(r2).is_some() || indicator(r2, b':') {
                    c = c2;
                    rest = r2;
                } else {
                    self.errors.truncate(save);
                }
            }
            let base = l.start + c;
            if let Some((kr, colon)) = find_key(rest) {
                let key = self.key_scalar(base + kr.start, base + kr.end);
                let vcol = c + colon + 1;
                let value = self.value_after(i, vcol, col);
                let end = value
                    .as_ref()
                    .map_or(key.span.end, |v| v.span.end.max(key.span.end));
                pairs.push(Pair {
                    span: key.span.start..end,
                    key,
                    value,
                });
            } else if indicator(rest, b'?') {
                // `? key` on its own line(s), then optionally `: value`
                let key_node = self.entry_node(i, c + 1, c);
                let key = self.key_of(key_node, base);
                let mut value = None;
                if let Some(n) = self.peek() {
                    let nl = self.lines[n];
                    if nl.indent == col
                        && nl.ws == nl.indent
                        && indicator(&self.line_text(n)[col..], b':')
                    {
                        value = self.entry_node(n, col + 1, col);
                    }
                }
                let end = value
                    .as_ref()
                    .map_or(key.span.end.max(base + 1), |v| v.span.end.max(key.span.end));
                pairs.push(Pair {
                    span: base..end,
                    key,
                    value,
                });
            } else if indicator(rest, b':') {
                // `: value` with an empty key
                let key = empty_scalar(base);
                let value = self.entry_node(i, c + 1, c);
                let end = value.as_ref().map_or(base + 1, |v| v.span.end);
                pairs.push(Pair {
                    span: base..end,
                    key,
                    value,
                });
            } else if is_seq_item(rest) {
                let span = self.content_span(i);
                self.err(span, SyntaxErrorKind::StrayListItem);
                self.skip_block(i, c);
            } else {
                let span = self.content_span(i);
                self.err(span, SyntaxErrorKind::NotAKeyValue);
                self.skip_block(i, c);
            }
            // Next entry at the same indentation.
            let Some(n) = self.next_sibling(col) else {
                break;
            };
            let ni = self.lines[n].indent;
            if ni < col {
                break;
            }
            if ni > col {
                let span = self.content_span(n);
                self.err(span, SyntaxErrorKind::IndentedMore);
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
            if t[col + 1..c.min(t.len())].contains('\t') && starts_block(rest) {
                self.err(l.start + col..l.end, SyntaxErrorKind::TabIndent);
            }
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
            let Some(n) = self.next_sibling(col) else {
                break;
            };
            let nl = self.lines[n];
            if nl.indent < col {
                break;
            }
            if nl.indent > col {
                let span = self.content_span(n);
                self.err(span, SyntaxErrorKind::IndentedMore);
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
        c = self.props(i, c);
        let t = self.line_text(i);
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
        let c = self.props(i, col.min(t.len()));
        let rest = &t[c..];
        let at = l.start + c;
        if strip_comment(rest).trim().is_empty() {
            // only properties here (`key:\n  &a\n- item`): a list at the
            // parent's indentation may follow when they start their line
            self.li = i + 1;
            let own_line = col.min(t.len()) == l.ws;
            return self.block_child(parent_indent.max(0) as usize, own_line);
        }
        if is_seq_item(rest) {
            // `key: - a`: a block list can't start on the key's line
            self.err(at..l.end, SyntaxErrorKind::BlockOnSameLine);
        }
        let first = rest.as_bytes()[0];
        match first {
            b'*' => {
                let len = rest.find([' ', '\t', ',', ']', '}']).unwrap_or(rest.len());
                self.err(at..at + len, SyntaxErrorKind::Alias);
                self.li = i + 1;
                Some(Node {
                    value: Value::Alias,
                    span: at..at + len,
                    flow: false,
                })
            }
            b'[' | b'{' => {
                let (node, end) = self.flow(at, parent_indent);
                // `[a, b]: value`: a complex key, out of scope; read the value
                let line = self.line_of(end.saturating_sub(1).max(at));
                let le = self.lines[line].end;
                let tail = &self.src[end.min(le)..le];
                let gap = tail.len() - tail.trim_start_matches([' ', '\t']).len();
                if indicator(&tail[gap..], b':') && !matches!(node.value, Value::Invalid) {
                    let lstart = self.lines[line].start;
                    let colon_col = end.min(le) + gap - lstart;
                    if line != i {
                        // an implicit key is one line
                        let colon = lstart + colon_col;
                        self.err(colon..colon + 1, SyntaxErrorKind::BadFlow);
                    }
                    let key = self.key_of(Some(node), at);
                    let value = self.entry_node(line, colon_col + 1, c);
                    let stop = value.as_ref().map_or(end, |v| v.span.end.max(end));
                    return Some(Node {
                        value: Value::Map(vec![Pair {
                            span: at..stop,
                            key,
                            value,
                        }]),
                        span: at..stop,
                        flow: false,
                    });
                }
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
        if tail.starts_with('#') {
            self.err(end..l.end, SyntaxErrorKind::CommentWithoutSpace);
        } else if !strip_comment(tail).trim().is_empty()
            && !self
                .errors
                .iter()
                .any(|e| e.span.start >= node.span.start && e.span.start <= l.end)
        {
            // from the value's start when it is on this line, else from the text after it
            let from = if node.span.start >= l.start {
                node.span.start
            } else {
                end
            };
            self.err(
                from..l.end,
                if flow {
                    SyntaxErrorKind::TextAfterFlow
                } else {
                    SyntaxErrorKind::TextAfterQuote
                },
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

    fn key_scalar(&mut self, start: usize, end: usize) -> Scalar {
        let raw = &self.src[start..end];
        let mut d = Decoder::default();
        let style = match raw.as_bytes().first() {
            Some(b'"') => {
                d.double(raw, start);
                for sp in std::mem::take(&mut d.bad_escapes) {
                    self.err(sp, SyntaxErrorKind::UnknownEscape);
                }
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
            self.err(start..end, SyntaxErrorKind::ColonInValue);
        }
        self.li = i + 1;
        // Continuation lines: indented more than the parent, not comments.
        let first_line = &t[c..];
        if strip_comment(first_line).len() == first_line.len() {
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
                if parent_indent < 0 && nl.indent == 0 && is_doc_marker_line(nt) {
                    break;
                }
                let content = &nt[nl.ws..];
                let uncommented = strip_comment(content);
                let body = uncommented.trim_end();
                if find_key(content).is_some() {
                    if nl.indent > 0 && (nl.indent as isize) > parent_indent {
                        // `a: x\n  b: y`: a key inside a value
                        let span = self.content_span(j);
                        self.err(span, SyntaxErrorKind::IndentedMore);
                    }
                    break;
                }
                end = nl.start + nl.ws + body.len();
                self.li = j + 1;
                if uncommented.len() < content.len() {
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
                self.err(at..e, SyntaxErrorKind::UnclosedQuote);
                e
            }
        };
        let raw = &self.src[at..end];
        let mut d = Decoder::default();
        let style = if q == b'"' {
            d.double(raw, at);
            for sp in std::mem::take(&mut d.bad_escapes) {
                self.err(sp, SyntaxErrorKind::UnknownEscape);
            }
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

    /// A literal (`|`) or folded (`>`) scalar whose header is at (line `i`, col `c`);
    /// `parent_indent` is the indentation of the key or `-` it belongs to.
    fn block_scalar(&mut self, i: usize, c: usize, parent_indent: isize) -> Node {
        let l = self.lines[i];
        let t = self.line_text(i);
        let start = l.start + c;
        let hb = t.as_bytes();
        let folded = hb[c] == b'>';
        let mut p = c + 1;
        let mut explicit: Option<usize> = None;
        let mut chomp = 0i8; // -1 strip, 0 clip, 1 keep
        for _ in 0..2 {
            match hb.get(p) {
                Some(d @ b'1'..=b'9') if explicit.is_none() => {
                    explicit = Some(usize::from(d - b'0'));
                    p += 1;
                }
                Some(b'-') if chomp == 0 => {
                    chomp = -1;
                    p += 1;
                }
                Some(b'+') if chomp == 0 => {
                    chomp = 1;
                    p += 1;
                }
                _ => {}
            }
        }
        let after = &t[p..];
        let ok = after.is_empty()
            || (after.starts_with([' ', '\t'])
                && strip_comment(after).trim_matches([' ', '\t']).is_empty());
        if !ok {
            let e = l.start + p + strip_comment(after).trim_end().len();
            self.err(
                l.start + c..e.max(l.start + p + 1).min(l.end),
                SyntaxErrorKind::TextAfterBlockHeader,
            );
        }
        // Content lines: until a non-empty line indented less than the content.
        let base = parent_indent.max(-1);
        let mut indent: Option<usize> = explicit.map(|m| (base + m as isize).max(0) as usize);
        let mut j = i + 1;
        let mut body: Vec<usize> = Vec::new();
        let mut max_leading_spaces = 0usize;
        while j < self.stop {
            let nl = self.lines[j];
            let nt = self.line_text(j);
            let spaces_only = nt.bytes().all(|b| b == b' ');
            if spaces_only {
                if indent.is_none() {
                    max_leading_spaces = max_leading_spaces.max(nl.indent);
                }
                body.push(j);
                j += 1;
                continue;
            }
            if nl.indent == 0 && is_doc_marker_line(nt) {
                break;
            }
            if nt.trim_start_matches([' ', '\t']).is_empty() && (nl.indent as isize) <= base {
                // a tab where the text's indentation should be
                self.err(nl.start..nl.end, SyntaxErrorKind::TabIndent);
                body.push(j);
                j += 1;
                continue;
            }
            let ind = match indent {
                Some(n) => n,
                None => {
                    if (nl.indent as isize) <= base {
                        break;
                    }
                    if max_leading_spaces > nl.indent {
                        // empty lines before the text are indented more than it
                        self.err(nl.start..nl.end, SyntaxErrorKind::IndentedMore);
                    }
                    indent = Some(nl.indent);
                    nl.indent
                }
            };
            if nl.indent < ind {
                break;
            }
            body.push(j);
            j += 1;
        }
        let detected = indent.is_some();
        let indent = indent.unwrap_or(usize::MAX);
        // Trailing spaces-only lines are the chomped part.
        let mut last_text = None;
        for (k, &li) in body.iter().enumerate() {
            let nl = self.lines[li];
            if !(self.line_text(li).bytes().all(|b| b == b' ') && nl.indent <= indent) {
                last_text = Some(k);
            }
        }
        let text_lines = last_text.map_or(0, |k| k + 1);
        let trailing = body.len() - text_lines;
        let mut d = Decoder::default();
        let mut pending = 0usize;
        let mut prev_more = false;
        let mut first = true;
        for &li in &body[..text_lines] {
            let nl = self.lines[li];
            let nt = self.line_text(li);
            let cut = indent.min(nt.len());
            let content = &nt[cut..];
            let _ = detected;
            let at = nl.start + cut;
            if nt.bytes().all(|b| b == b' ') && nl.indent <= indent {
                pending += 1;
                continue;
            }
            let more = content.starts_with([' ', '\t']);
            if first {
                if pending > 0 {
                    d.push_synth(&"\n".repeat(pending), at);
                }
            } else {
                let sep = if folded && !more && !prev_more {
                    if pending == 0 {
                        " ".to_string()
                    } else {
                        "\n".repeat(pending)
                    }
                } else {
                    "\n".repeat(pending + 1)
                };
                d.push_synth(&sep, at);
            }
            d.push(content, at);
            pending = 0;
            first = false;
            prev_more = more;
        }
        let mut end = l.end;
        if let Some(k) = last_text {
            end = self.lines[body[k]].end;
        }
        // The final line break (also added when the text ends the file).
        let last_has_break = last_text.is_some();
        match chomp {
            -1 => {}
            0 => {
                if text_lines > 0 && last_has_break {
                    d.push_synth("\n", end);
                }
            }
            _ => {
                let n = usize::from(text_lines > 0 && last_has_break) + trailing;
                if n > 0 {
                    d.push_synth(&"\n".repeat(n), end);
                }
                if trailing > 0 {
                    end = self.lines[body[body.len() - 1]].end;
                }
            }
        }
        self.li = match last_text {
            Some(k) => body[k] + 1,
            None => i + 1,
        };
        if chomp == 1 && !body.is_empty() {
            self.li = body[body.len() - 1] + 1;
        }
        let style = if folded {
            ScalarStyle::Folded
        } else {
            ScalarStyle::Literal
        };
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
            self.err(start..e, SyntaxErrorKind::TooDeep);
            *p = e;
            return Node {
                value: Value::Invalid,
                span: start..e,
                flow: true,
            };
        }
        if matches!(self.b.get(*p), Some(b'&' | b'!')) {
            let s = *p;
            while *p < self.b.len()
                && !matches!(
                    self.b[*p],
                    b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}'
                )
            {
                *p += 1;
            }
            let kind = if self.b[s] == b'&' {
                SyntaxErrorKind::Anchor
            } else {
                SyntaxErrorKind::Tag
            };
            self.err(s..*p, kind);
            let mut q = *p;
            if self.flow_ws(&mut q, parent_indent) {
                *p = q;
            }
            if matches!(self.b.get(*p), None | Some(b',' | b']' | b'}')) {
                return Node {
                    value: Value::Scalar(empty_scalar(*p)),
                    span: *p..*p,
                    flow: true,
                };
            }
            return self.flow_node(p, parent_indent, depth);
        }
        match self.b.get(*p) {
            Some(b'[') | Some(b'{') => {
                let is_map = self.b[*p] == b'{';
                let close = if is_map { b'}' } else { b']' };
                *p += 1;
                let mut items: Vec<Node> = Vec::new();
                let mut pairs: Vec<Pair> = Vec::new();
                let mut expect_sep = false;
                loop {
                    if !self.flow_ws(p, parent_indent) {
                        let line = self.line_of(start);
                        let e = self.lines[line].end.min(self.b.len());
                        // one diagnostic for the region: drop what was found inside it
                        self.errors
                            .retain(|x| !(x.span.start > start && x.span.start <= e));
                        self.err(start..e, SyntaxErrorKind::UnclosedFlow);
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
                            if !expect_sep {
                                self.err(*p..*p + 1, SyntaxErrorKind::BadFlow);
                            }
                            expect_sep = false;
                            *p += 1;
                            continue;
                        }
                        b']' | b'}' => {
                            // the wrong closer
                            let e = *p + 1;
                            self.err(start..e, SyntaxErrorKind::UnclosedFlow);
                            *p = e;
                            break;
                        }
                        _ => {}
                    }
                    if expect_sep {
                        // two items without a comma between them
                        self.err(*p..*p + 1, SyntaxErrorKind::BadFlow);
                    }
                    expect_sep = true;
                    let before = *p;
                    let explicit = self.b[*p] == b'?'
                        && self
                            .b
                            .get(*p + 1)
                            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
                    if explicit {
                        *p += 1;
                        let mut q = *p;
                        if self.flow_ws(&mut q, parent_indent) {
                            *p = q;
                        }
                    }
                    let k = self.flow_node(p, parent_indent, depth + 1);
                    // `key: value` inside the collection; after a quoted or flow
                    // key (JSON-like) the colon may touch the value, and in flow
                    // context it may sit on the next line.
                    let json_key = k.flow
                        && !matches!(&k.value, Value::Scalar(sc) if sc.style == ScalarStyle::Plain);
                    let mut q = *p;
                    let mut q2 = *p;
                    if self.flow_ws(&mut q2, parent_indent) && self.b.get(q2) == Some(&b':') {
                        if !is_map && !explicit && self.src[q..q2].contains('\n') {
                            // `[ key\n : value ]`: an implicit key in a list is one line
                            self.err(q2..q2 + 1, SyntaxErrorKind::BadFlow);
                        }
                        q = q2;
                    }
                    let has_colon = self.b.get(q) == Some(&b':')
                        && (json_key
                            || self.b.get(q + 1).is_none_or(|c| {
                                matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}')
                            }));
                    if has_colon {
                        *p = q + 1;
                        let value = if self.flow_ws(p, parent_indent)
                            && !matches!(self.b[*p], b',' | b']' | b'}')
                        {
                            Some(self.flow_node(p, parent_indent, depth + 1))
                        } else {
                            None
                        };
                        let at = k.span.start;
                        let key = self.key_of(Some(k), at);
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
                        let at = k.span.start;
                        let key = self.key_of(Some(k), at);
                        pairs.push(Pair {
                            span: key.span.clone(),
                            key,
                            value: None,
                        });
                    } else if explicit {
                        let key = self.key_of(Some(k), before);
                        items.push(Node {
                            span: key.span.clone(),
                            value: Value::Map(vec![Pair {
                                span: key.span.clone(),
                                key,
                                value: None,
                            }]),
                            flow: true,
                        });
                    } else {
                        items.push(k);
                    }
                    if *p == before {
                        // never loop in place; step over a whole character
                        *p += 1;
                        while *p < self.src.len() && !self.src.is_char_boundary(*p) {
                            *p += 1;
                        }
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
                self.err(start..*p, SyntaxErrorKind::Alias);
                Node {
                    value: Value::Alias,
                    span: start..*p,
                    flow: true,
                }
            }
            None => Node {
                // the text ends inside the collection (reported by the caller)
                value: Value::Scalar(empty_scalar(start)),
                span: start..start,
                flow: true,
            },
            _ => {
                // plain scalar in flow context, possibly over several lines
                let next = self.b.get(start + 1).copied();
                let sep = next
                    .is_none_or(|n| matches!(n, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}'));
                if self.b[start] == b'#' {
                    let e = self.lines[self.line_of(start)].end;
                    self.err(start..e, SyntaxErrorKind::CommentWithoutSpace);
                } else if self.b[start] == b'-' && sep {
                    self.err(start..start + 1, SyntaxErrorKind::BadFlow);
                }
                let mut e = *p;
                while e < self.b.len() {
                    let c = self.b[e];
                    if c == b'\n' || c == b'\r' {
                        let mut q = e;
                        if !self.flow_ws(&mut q, parent_indent) {
                            break;
                        }
                        let crossed = &self.src[e..q];
                        let comment = crossed.contains(" #")
                            || crossed.contains("\t#")
                            || crossed.contains("\n#");
                        let n = self.b[q];
                        let ends = matches!(n, b',' | b']' | b'}' | b'[' | b'{' | b'#')
                            || (n == b':'
                                && self.b.get(q + 1).is_none_or(|m| {
                                    matches!(m, b' ' | b'\t' | b',' | b']' | b'}' | b'\n' | b'\r')
                                }));
                        if comment || ends {
                            break;
                        }
                        e = q;
                        continue;
                    }
                    if matches!(c, b',' | b']' | b'}' | b'[' | b'{') {
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
                // YAML white space is spaces and tabs (U+2028 is text)
                let raw_end = start
                    + self.src[start..e]
                        .trim_end_matches([' ', '\t', '\r', '\n'])
                        .len();
                if raw_end == start {
                    // an empty key before `: ` (`[ : value ]`)
                    *p = start;
                    return Node {
                        value: Value::Scalar(empty_scalar(start)),
                        span: start..start,
                        flow: true,
                    };
                }
                let mut d = Decoder::default();
                d.fold_lines(&self.src[start..raw_end], start);
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

/// `---` or `...` at the start of a line.
fn is_doc_marker_line(t: &str) -> bool {
    is_doc_marker(t, "---") || is_doc_marker(t, "...")
}

fn is_doc_marker(t: &str, m: &str) -> bool {
    t.starts_with(m) && t[3..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
}

/// A block list or map starts here (`- `, `key: `, `? `).
fn starts_block(rest: &str) -> bool {
    is_seq_item(rest) || find_key(rest).is_some() || indicator(rest, b'?')
}

/// `ch` used as an indicator: followed by white space or the end of the line.
fn indicator(rest: &str, ch: u8) -> bool {
    let b = rest.as_bytes();
    b.first() == Some(&ch) && b.get(1).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r'))
}

/// `- item` or a lone `-`.
fn is_seq_item(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.first() == Some(&b'-') && b.get(1).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r'))
}

/// The text before a ` #` comment (outside quotes).
fn strip_comment(t: &str) -> &str {
    let b = t.as_bytes();
    if !b.contains(&b'#') {
        // most lines have no comment (a memchr, not a byte-by-byte walk)
        return t;
    }
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

/// A `key:` at the start of `rest`: (key byte range within rest, colon offset).
fn find_key(rest: &str) -> Option<(Span, usize)> {
    let b = rest.as_bytes();
    let first = *b.first()?;
    if matches!(
        first,
        b'[' | b'{' | b'#' | b'|' | b'>' | b'*' | b'&' | b'!' | b'%' | b'@' | b'`'
    ) || is_seq_item(rest)
        || indicator(rest, b'?')
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
            kind: SyntaxErrorKind::TooBig {
                kib: text.len() / 1024,
            },
        });
    }
    let mut lines = 0usize;
    let mut indents: Vec<usize> = Vec::new();
    for (start, line) in line_offsets(text) {
        lines += 1;
        if lines > MAX_LINES {
            return Some(SyntaxError {
                span: 0..0,
                kind: SyntaxErrorKind::TooManyLines,
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
        let mut dashes = 0;
        let mut rest = trimmed;
        while let Some(r) = rest.strip_prefix("- ") {
            dashes += 1;
            rest = r;
        }
        let mut flow = 0usize;
        let mut max_flow = 0usize;
        // most lines have no bracket: a memchr-like test first
        if trimmed.contains(['[', '{']) {
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
        }
        if indents.len() + dashes + max_flow > MAX_DEPTH {
            return Some(SyntaxError {
                span: start..start + line.len(),
                kind: SyntaxErrorKind::TooDeep,
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
    /// Escapes YAML does not define (kept as written, reported by the parser).
    bad_escapes: Vec<Span>,
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

    /// Flow-scalar line folding (plain, or quoted without the quotes): the
    /// first line keeps its leading white space, the last its trailing white
    /// space, lines are joined by a space, and each empty line between two
    /// lines becomes a newline.
    fn fold_lines(&mut self, raw: &str, base: usize) {
        let mut pos = 0;
        let mut pending_breaks = 0usize;
        let n_lines = raw.split('\n').count();
        for (k, line) in raw.split('\n').enumerate() {
            let lstart = pos;
            pos += line.len() + 1;
            let first = k == 0;
            let last = k + 1 == n_lines;
            let line = if last {
                line
            } else {
                line.strip_suffix('\r').unwrap_or(line)
            };
            let lead = if first {
                0
            } else {
                line.len() - line.trim_start_matches([' ', '\t']).len()
            };
            let t = &line[lead..];
            let t = if last {
                t
            } else {
                t.trim_end_matches([' ', '\t'])
            };
            if t.is_empty() && !first && !last {
                pending_breaks += 1;
                continue;
            }
            let at = base + lstart + lead;
            if !first {
                if pending_breaks > 0 {
                    self.push_synth(&"\n".repeat(pending_breaks), at);
                } else {
                    self.push_synth(" ", at);
                }
            }
            pending_breaks = 0;
            self.push(t, at);
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
        // Escaped characters are never trimmed as line-end white space.
        let mut protect = 0usize;
        while i < inner.len() {
            let c = bytes[i];
            if c == b'\\' && i + 1 < inner.len() {
                let e = bytes[i + 1];
                let (rep, len): (Option<char>, usize) = match e {
                    b'n' => (Some('\n'), 2),
                    b't' | b'\t' => (Some('\t'), 2),
                    b'a' => (Some('\u{7}'), 2),
                    b'b' => (Some('\u{8}'), 2),
                    b'e' => (Some('\u{1b}'), 2),
                    b'f' => (Some('\u{c}'), 2),
                    b'v' => (Some('\u{b}'), 2),
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
                let from = i;
                i += len.min(inner.len() - i);
                // An unknown escape of a multi-byte character (`\值`), or a
                // short `\u` escape, must not leave `i` inside a character.
                while !inner.is_char_boundary(i) {
                    i += 1;
                }
                if let Some(ch) = rep {
                    let mut buf = [0u8; 4];
                    self.push_synth(ch.encode_utf8(&mut buf), b + from);
                } else {
                    // kept as written, and reported
                    self.bad_escapes.push(b + from..b + i);
                    self.push(&inner[from..i], b + from);
                }
                protect = self.out.len();
                line_start = false;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                // fold: trailing spaces of this line were already pushed; trim them
                while self.out.len() > protect && self.out.ends_with([' ', '\t']) {
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
            // a run of ordinary characters at once (up to the next escape or break)
            let run = bytes[i + 1..]
                .iter()
                .position(|&c| matches!(c, b'\\' | b'\n' | b'\r'))
                .map_or(inner.len(), |k| i + 1 + k);
            let mut end = run;
            while !inner.is_char_boundary(end) {
                end += 1;
            }
            self.push(&inner[i..end], b + i);
            i = end;
            line_start = false;
        }
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
    fn a_lone_carriage_return_breaks_lines_as_yaml_says() {
        // b-break (YAML 1.2, production 28) is LF, CRLF or a lone CR; content
        // reads every break as LF; spans stay offsets into the original text.
        let t = "a: 1\rb: x\rc: |\r  one\r  two\rd:\r  - 值\r\r\ne: end\n";
        let p = parse(t);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let r = p.root.expect("root");
        assert_eq!(r.get("a").and_then(Node::str_value), Some("1"));
        let b = r.get("b").and_then(Node::as_scalar).expect("b");
        assert_eq!(&t[b.span.clone()], "x");
        assert_eq!(r.get("c").and_then(Node::str_value), Some("one\ntwo\n"));
        let d = r.get("d").and_then(Node::as_seq).expect("d");
        assert_eq!(&t[d[0].span.clone()], "值");
        assert_eq!(r.get("e").and_then(Node::str_value), Some("end"));
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
        // anchors, aliases and a second document are out of scope: reported where they are
        let kinds: Vec<SyntaxErrorKind> = p.errors.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                SyntaxErrorKind::Anchor,
                SyntaxErrorKind::Alias,
                SyntaxErrorKind::SecondDocument
            ],
            "{:?}",
            p.errors
        );
        assert_eq!(&t[p.errors[2].span.clone()], "ignored: true");
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
        // An unknown escape is kept as written, and reported.
        let p = parse("a: \"C:\\用戶 ok\"\n");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].kind, SyntaxErrorKind::UnknownEscape);
        let r = p.root.expect("root");
        assert_eq!(r.str_value_of("a"), Some("C:\\用戶 ok"));
    }

    #[test]
    fn a_line_separator_in_a_flow_list_is_text() {
        // Found by tests/it/hardening_engine.rs: U+2028 after `[` made no
        // progress and the next step landed inside the character.
        let t = "a: [\u{2028}, x]\nb: {\u{2028}: y}\n";
        let p = parse(t);
        let r = p.root.expect("root");
        let a = r.get("a").and_then(Node::as_seq).expect("list");
        assert_eq!(a[0].str_value(), Some("\u{2028}"));
        assert!(r.get("b").is_some());
    }

    #[test]
    fn error_spans_cover_whole_characters() {
        // Found by tests/hardening_engine.rs: a missing comma before `值`.
        let t = "a: [ \"x\" 值 ]\nb: >值\n";
        let p = parse(t);
        assert!(p.errors.len() >= 2, "{:?}", p.errors);
        for e in &p.errors {
            assert!(t.get(e.span.clone()).is_some(), "{e:?}");
        }
    }

    #[test]
    fn refuses_deep_nesting_and_huge_documents() {
        let deep = "a: ".to_string() + &"[".repeat(400);
        let p = parse(&deep);
        assert!(p.refused);
        assert_eq!(p.errors[0].kind, SyntaxErrorKind::TooDeep);
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

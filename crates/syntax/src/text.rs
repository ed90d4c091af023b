//! Text positions: byte offsets inside the engine, converted at the edges to
//! LSP positions (UTF-16 or UTF-8 code units) or CLI positions (Unicode
//! characters, 1-based).

use std::ops::Range;

/// A byte range in a document.
pub type Span = Range<usize>;

/// How the `character` of a position is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
    /// UTF-8 bytes (negotiated through `positionEncoding`).
    Utf8,
    /// Unicode scalar values (used by the CLI's columns).
    Char,
}

/// A zero-based line and a column counted in the chosen [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// Line starts of a text, for offset/position conversion.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Lines end at `\n`, `\r\n` or a lone `\r`, as LSP defines them.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        // memchr2 finds the next break without a byte-by-byte walk (a third
        // of a keystroke's time on a multi-MB document).
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue; // the `\n` of this CRLF starts the next line
            }
            starts.push(i + 1);
        }
        // Kept with every open document: don't keep the estimate's slack
        // (about half of it on prose; 2 KiB per example-sized document).
        starts.shrink_to_fit();
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where `line` starts (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte range of `line` without its line break.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let b = text.as_bytes();
        while end > start && matches!(b.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        start..end
    }

    /// The zero-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l.saturating_sub(1),
        }
    }

    /// Byte offset → position. Offsets inside a character snap to its start.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Pos {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let mut off = offset;
        while off > start && !text.is_char_boundary(off) {
            off -= 1;
        }
        let seg = &text[start..off];
        let col = match enc {
            Encoding::Utf8 => seg.len(),
            Encoding::Utf16 => seg.chars().map(char::len_utf16).sum(),
            Encoding::Char => seg.chars().count(),
        };
        Pos {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Position → byte offset. A column past the end of the line clamps to
    /// the line end; a column inside a character (e.g. between the halves of
    /// a surrogate pair) maps to that character's start.
    pub fn offset(&self, text: &str, pos: Pos, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let span = self.line_span(text, line);
        let seg = &text[span.clone()];
        let want = pos.col as usize;
        let mut units = 0;
        for (i, c) in seg.char_indices() {
            let w = match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
                Encoding::Char => 1,
            };
            if units + w > want {
                return span.start + i;
            }
            units += w;
        }
        span.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns_for_chinese_and_emoji() {
        let t = "a: 值班🚀x\nb: y\r\nc";
        let li = LineIndex::new(t);
        assert_eq!(li.line_count(), 3);
        let x = t.find('x').unwrap();
        assert_eq!(li.position(t, x, Encoding::Utf16), Pos { line: 0, col: 7 });
        assert_eq!(li.position(t, x, Encoding::Utf8), Pos { line: 0, col: 13 });
        assert_eq!(li.position(t, x, Encoding::Char), Pos { line: 0, col: 6 });
        assert_eq!(li.offset(t, Pos { line: 0, col: 7 }, Encoding::Utf16), x);
        // inside the surrogate pair of 🚀 → start of 🚀
        let rocket = t.find('🚀').unwrap();
        assert_eq!(
            li.offset(t, Pos { line: 0, col: 6 }, Encoding::Utf16),
            rocket
        );
        // past the end of a CRLF line clamps before the CR
        assert_eq!(
            li.offset(t, Pos { line: 1, col: 99 }, Encoding::Utf16),
            t.find("\r").unwrap()
        );
        assert_eq!(
            li.position(t, t.len(), Encoding::Utf16),
            Pos { line: 2, col: 1 }
        );
    }

    #[test]
    fn lone_cr_breaks_lines_but_u2028_does_not() {
        let t = "a\rb\u{2028}c\nd";
        let li = LineIndex::new(t);
        assert_eq!(li.line_count(), 3);
    }
}

//! Small text helpers shared by the blameless checks: character classes,
//! sentences and the language of a sentence.

use std::ops::Range;

/// Han ideographs (and kana), the scripts written without spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x2FFFF) // extensions B and later
}

/// A character that continues a Latin word (CJK characters do not).
pub(crate) fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() && !is_cjk(c)) || c == '_'
}

/// True when the text reads as Chinese rather than English: at least one Han
/// character for every three Latin letters (technical Chinese is full of
/// English words, so a plain majority would be wrong).
pub(crate) fn mostly_cjk(s: &str) -> bool {
    let mut cjk = 0usize;
    let mut latin = 0usize;
    for c in s.chars() {
        if is_cjk(c) {
            cjk += 1;
        } else if c.is_alphabetic() {
            latin += 1;
        }
    }
    cjk > 0 && cjk * 3 >= latin
}

pub(crate) fn has_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

/// Does a sentence end at byte `i` of `text` (which holds `c`)?
fn ends_sentence(text: &str, i: usize, c: char) -> bool {
    match c {
        '\n' | '。' | '！' | '？' | '；' | ';' => true,
        '.' | '!' | '?' => {
            let next = text[i + c.len_utf8()..].chars().next();
            match next {
                None => true,
                Some(n) => n.is_whitespace() || is_cjk(n) || matches!(n, '"' | '”' | '」' | ')'),
            }
        }
        _ => false,
    }
}

/// Byte ranges of the sentences of `text` (each ends after its terminator).
pub(crate) fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if ends_sentence(text, i, c) {
            let end = i + c.len_utf8();
            if end > start {
                out.push(start..end);
            }
            start = end;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// The sentence of `text` that holds byte `pos`.
pub(crate) fn sentence_at(spans: &[Range<usize>], pos: usize) -> Range<usize> {
    spans
        .iter()
        .find(|s| s.start <= pos && pos < s.end)
        .cloned()
        .or_else(|| spans.last().cloned())
        .unwrap_or(0..0)
}

/// Is byte `pos` the first word of its sentence (ignoring bullets, quotes,
/// whitespace and masked evidence before it)?
pub(crate) fn at_sentence_start(text: &str, pos: usize) -> bool {
    for c in text[..pos].chars().rev() {
        if c.is_whitespace()
            || matches!(
                c,
                '-' | '*' | '•' | '(' | '[' | '"' | '“' | '「' | '『' | '（'
            )
        {
            continue;
        }
        return matches!(
            c,
            '.' | '!' | '?' | ':' | ';' | '。' | '！' | '？' | '：' | '；'
        );
    }
    true
}

/// Upper-case the first character.
pub(crate) fn capitalise(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

pub(crate) fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The Latin word that ends right before `pos` (skipping spaces), lower-cased.
pub(crate) fn word_before(text: &str, pos: usize) -> Option<String> {
    let head = text[..pos].trim_end();
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map(|(i, _)| i)?;
    Some(head[start..].to_lowercase())
}

/// The word that starts right after `pos` (skipping spaces), as written.
pub(crate) fn word_after(text: &str, pos: usize) -> Option<&str> {
    let rest = &text[pos..];
    let trimmed = rest.trim_start();
    let off = pos + (rest.len() - trimmed.len());
    let len: usize = trimmed
        .chars()
        .take_while(|c| is_word_char(*c) || *c == '\'' || *c == '’')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        None
    } else {
        Some(&text[off..off + len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_both_scripts() {
        let t = "Bob ran it. 值班人員重啟了服務。v1.2 shipped";
        let s = sentence_spans(t);
        assert_eq!(s.len(), 3);
        assert_eq!(&t[s[2].clone()], "v1.2 shipped");
    }

    #[test]
    fn language_guess() {
        assert!(mostly_cjk("bob 在 deploy 時出錯"));
        assert!(!mostly_cjk("王小明 restarted the primary database"));
    }
}

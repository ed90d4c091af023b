//! Evidence that is not the author's voice: quoted speech ("…", “…”, 「…」,
//! 『…』), code spans (`…`), bracketed citations ([chat L14], 【…】) and
//! links. The checks read a masked copy of the text where these are blanked
//! out with spaces, so byte offsets stay the same.

use std::ops::Range;

/// Longest bracketed citation that is still treated as a citation.
const MAX_CITATION: usize = 120;

/// Byte ranges of quoted, cited or linked material in `text`.
pub(crate) fn evidence_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let found = match c {
            '“' => closing(text, i, '“', '”', usize::MAX),
            '「' => closing(text, i, '「', '」', usize::MAX),
            '『' => closing(text, i, '『', '』', usize::MAX),
            // 【…】 cites a source ("【chat L14】", "【來源：新聞稿】"); a tag of
            // plain words ("【停電元兇】", a headline's label) is the author's voice
            '【' => closing(text, i, '【', '】', MAX_CITATION).filter(|r| {
                text[r.clone()].chars().any(|c| {
                    c.is_ascii_alphanumeric()
                        || c.is_numeric()
                        || matches!(c, ':' | '：' | '#' | '/')
                })
            }),
            '《' => closing(text, i, '《', '》', MAX_CITATION),
            '[' => {
                // "[by Bob]" says who did something: prose, not a citation
                closing(text, i, '[', ']', MAX_CITATION).filter(|r| {
                    let inner = text[r.clone()].trim_start_matches('[').trim_start();
                    !text[r.clone()].contains('\n')
                        && !inner
                            .get(..3)
                            .is_some_and(|p| p.eq_ignore_ascii_case("by "))
                })
            }
            '"' => plain_quote(text, i, '"'),
            '`' => plain_quote(text, i, '`'),
            'h' if text[i..].starts_with("http://") || text[i..].starts_with("https://") => {
                let len: usize = text[i..]
                    .chars()
                    .take_while(|c| {
                        !c.is_whitespace() && !matches!(c, '"' | '”' | '」' | '>' | ')')
                    })
                    .map(char::len_utf8)
                    .sum();
                Some(i..i + len)
            }
            _ => None,
        };
        match found {
            Some(r) if r.end > i => {
                i = r.end;
                spans.push(r);
            }
            _ => i += c.len_utf8(),
        }
    }
    spans
}

/// The span from an opener at `start` through its (nesting-aware) closer.
fn closing(text: &str, start: usize, open: char, close: char, max: usize) -> Option<Range<usize>> {
    let mut depth = 0usize;
    for (j, c) in text[start..].char_indices() {
        if j > max {
            return None;
        }
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(start..start + j + c.len_utf8());
            }
        }
    }
    None
}

/// A symmetric quote: from `start` to the next same mark.
fn plain_quote(text: &str, start: usize, mark: char) -> Option<Range<usize>> {
    let body = start + mark.len_utf8();
    text[body..]
        .find(mark)
        .map(|j| start..body + j + mark.len_utf8())
}

/// `text` with every evidence span blanked out, keeping every byte offset
/// and every character boundary: each blanked character becomes a blank of
/// the same UTF-8 length (a space, a no-break space, an ideographic space or
/// a tag space). A match found in the masked text therefore starts and ends
/// on a character boundary of `text`, even where it runs into a blanked span:
/// blanking byte by byte left positions inside a CJK character, and slicing
/// the original text there panicked.
pub(crate) fn mask(text: &str) -> String {
    let spans = evidence_spans(text);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in spans {
        let start = r.start.max(at);
        if r.end <= start {
            continue;
        }
        let (Some(before), Some(inside)) = (text.get(at..start), text.get(start..r.end)) else {
            continue;
        };
        out.push_str(before);
        for c in inside.chars() {
            out.push(match c.len_utf8() {
                1 => ' ',
                2 => '\u{a0}',
                3 => '\u{3000}',
                _ => '\u{e0020}',
            });
        }
        at = r.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    if out.len() == text.len() {
        out
    } else {
        // Spans are sorted, disjoint and on character boundaries, so this
        // cannot happen; read the text unmasked rather than misplace ranges.
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_quotes_citations_and_code() {
        let t = "He said “we should have” [chat L14] and 「是他的錯」 `rm -rf` end";
        let m = mask(t);
        assert_eq!(m.len(), t.len());
        assert!(!m.contains("should"));
        assert!(!m.contains("L14"));
        assert!(!m.contains("他的錯"));
        assert!(!m.contains("rm"));
        assert!(m.contains("He said"));
        assert!(m.ends_with(" end"));
    }

    #[test]
    fn cjk_lenticular_brackets_cite_only_when_they_name_a_source() {
        let m = mask("【chat L14】他說沒問題。【來源：新聞稿】");
        assert!(!m.contains("chat") && !m.contains("來源"), "{m}");
        let m = mask("【停電元兇】兩工程師曾7次沒按程序");
        assert!(m.contains("停電元兇"), "{m}");
    }

    #[test]
    fn unbalanced_quote_is_left_alone() {
        let t = "a 5\" disk and bob";
        assert_eq!(mask(t), t);
    }

    #[test]
    fn masking_keeps_every_character_boundary() {
        let t = "將檢視「缺失情節」及“é 😀 x” [chat L14] 後";
        let m = mask(t);
        assert_eq!(m.len(), t.len());
        for i in 0..=t.len() {
            assert_eq!(
                m.is_char_boundary(i),
                t.is_char_boundary(i),
                "at {i}: {m:?}"
            );
        }
        assert!(
            !m.contains("情節") && !m.contains('😀') && !m.contains("L14"),
            "{m}"
        );
    }

    #[test]
    fn nested_cjk_quotes() {
        let t = "「外『內』外」後";
        assert_eq!(mask(t).trim(), "後");
    }
}

//! Input files as Claude sees them: every line prefixed with its number
//! `LN`, and the first line of every paragraph with `§N`, counted exactly as
//! citations resolve ([`crate::inputs::InputFile::locate`]), so that
//! `[chat L14]` in a draft points at the line the model read as `L14`.

use crate::inputs::InputFile;

/// The numbered text of an input:
///
/// ```text
/// §1 L1| # Incident report
/// L2|
/// §2 L3| The checkout service …
/// L4| … still paragraph 2
/// ```
///
/// The same file always renders to the same bytes (the cached prefix).
pub fn numbered(file: &InputFile) -> String {
    let mut out = String::with_capacity(file.text.len() + file.line_count() * 8);
    let mut para = file.paragraphs.iter().enumerate().peekable();
    for i in 0..file.line_count() {
        let span = file.lines.line_span(&file.text, i);
        if let Some((n, p)) = para.peek() {
            if file.lines.line_of(p.start) == i {
                out.push_str(&format!("§{} ", n + 1));
                para.next();
            }
        }
        out.push_str(&format!("L{}|", i + 1));
        let line = &file.text[span];
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citation::Locator;

    /// Every `§N` and `LN` shown resolves, through `locate`, to the text shown.
    #[test]
    fn numbers_match_how_citations_resolve() {
        let text =
            "# Title\r\n\r\nfirst para\nstill first\n\n\n  second 段落 🚒\nthird line\n\nlast";
        let f = InputFile::from_text("r.md".into(), text.into());
        let n = numbered(&f);
        assert_eq!(
            n,
            "§1 L1| # Title\nL2|\n§2 L3| first para\nL4| still first\nL5|\nL6|\n§3 L7|   second 段落 🚒\nL8| third line\nL9|\n§4 L10| last\n"
        );
        for line in n.lines() {
            let (para, rest) = match line.strip_prefix('§') {
                Some(r) => {
                    let (p, rest) = r.split_once(' ').unwrap();
                    (Some(p.parse::<u32>().unwrap()), rest)
                }
                None => (None, line),
            };
            let (l, shown) = rest.split_once('|').unwrap();
            let l: u32 = l.trim_start_matches('L').parse().unwrap();
            let shown = shown.strip_prefix(' ').unwrap_or(shown);
            let span = f.locate(Locator::Lines(l, l)).unwrap();
            assert_eq!(&f.text[span], shown);
            if let Some(p) = para {
                let ps = f.locate(Locator::Para(p, p)).unwrap();
                assert_eq!(f.lines.line_of(ps.start) as u32 + 1, l);
            }
        }
        assert!(f.locate(Locator::Para(5, 5)).is_err());
        assert!(f.locate(Locator::Lines(11, 11)).is_err());
    }
}

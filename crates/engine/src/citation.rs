//! Citations: `[report §4]`, `[report §4-6]`, `[chat L14]`, `[chat L14-L20]`,
//! `[report 第4段]`, and the "source unstated" marker of card rule 1.

use crate::text::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locator {
    /// Paragraphs `a..=b`, 1-based.
    Para(u32, u32),
    /// Lines `a..=b`, 1-based.
    Lines(u32, u32),
}

impl Locator {
    pub fn describe(&self) -> String {
        match *self {
            Locator::Para(a, b) if a == b => format!("§{a}"),
            Locator::Para(a, b) => format!("§{a}-{b}"),
            Locator::Lines(a, b) if a == b => format!("L{a}"),
            Locator::Lines(a, b) => format!("L{a}-L{b}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CiteKind {
    Cite {
        input: String,
        locator: Locator,
    },
    /// `[source unstated, needs confirmation]` / `[來源未明示,需確認]`.
    Unattributed,
    /// Looks like a citation but its locator can't be read.
    Malformed {
        input: String,
        reason: String,
    },
}

/// A citation found in a decoded string; spans are byte ranges of that string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: CiteKind,
    /// The whole `[...]` (or the whole list item).
    pub span: Span,
    /// The input name inside it.
    pub name_span: Span,
}

const UNSTATED: &[&str] = &["source unstated", "來源未明示", "来源未明示"];

/// Every `[...]` citation in a string. Brackets whose content is not a
/// citation (`[WIP]`) are ignored.
pub fn find(s: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    // Brackets are ASCII: found by byte (memchr), as every value is scanned
    // on every keystroke.
    let b = s.as_bytes();
    while let Some(open) = memchr::memchr(b'[', &b[i..]).map(|o| o + i) {
        let Some(close) = memchr::memchr2(b']', b'[', &b[open + 1..]).map(|c| c + open + 1) else {
            break;
        };
        if b[close] == b'[' {
            i = close;
            continue;
        }
        let body = &s[open + 1..close];
        if let Some(mut f) = parse_body(body) {
            f.name_span = f.name_span.start + open + 1..f.name_span.end + open + 1;
            f.span = open..close + 1;
            out.push(f);
        }
        i = close + 1;
    }
    out
}

/// A citation without brackets (an item of a `source: [report §4, chat L2]`
/// flow list). Spans are relative to `body`.
pub fn parse_body(body: &str) -> Option<Found> {
    let trimmed = body.trim();
    let lead = body.len() - body.trim_start().len();
    // ASCII case only: no other letter lower-cases into these markers.
    let unstated = |m: &&str| {
        trimmed
            .get(..m.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(m))
    };
    if UNSTATED.iter().any(unstated) {
        return Some(Found {
            kind: CiteKind::Unattributed,
            span: 0..body.len(),
            name_span: lead..lead + trimmed.len(),
        });
    }
    // NAME, then whitespace, then a locator
    let name_len = trimmed
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(trimmed.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let name = &trimmed[..name_len];
    let rest_raw = &trimmed[name_len..];
    let rest = rest_raw.trim_start();
    if rest.len() == rest_raw.len() && !rest.starts_with('第') {
        return None; // no space between name and locator: not a citation
    }
    let name_span = lead..lead + name_len;
    let looks = rest.starts_with('§')
        || rest.starts_with('第')
        || rest.starts_with('¶')
        || (rest.starts_with(['L', 'l']) && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
    if !looks {
        return None;
    }
    let kind = match parse_locator(rest) {
        Ok(locator) => CiteKind::Cite {
            input: name.to_string(),
            locator,
        },
        Err(reason) => CiteKind::Malformed {
            input: name.to_string(),
            reason,
        },
    };
    Some(Found {
        kind,
        span: 0..body.len(),
        name_span,
    })
}

fn parse_locator(rest: &str) -> Result<Locator, String> {
    let rest = rest.trim();
    if let Some(r) = rest.strip_prefix('第') {
        let r = r.strip_suffix('段').ok_or("write 第N段")?;
        let (a, b) = range(r, "")?;
        return Ok(Locator::Para(a, b));
    }
    if let Some(r) = rest.strip_prefix('§').or_else(|| rest.strip_prefix('¶')) {
        let (a, b) = range(r.trim_start(), "§")?;
        return Ok(Locator::Para(a, b));
    }
    let r = &rest[1..];
    let (a, b) = range(r, "L")?;
    Ok(Locator::Lines(a, b))
}

fn range(s: &str, prefix: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "write a number or a range like {p}3 or {p}3-5",
            p = if prefix.is_empty() { "" } else { prefix }
        )
    };
    let mut parts = s.splitn(2, ['-', '–', '~']);
    let a = parts.next().unwrap_or("").trim();
    let a: u32 = a.parse().map_err(|_| bad())?;
    let b = match parts.next() {
        None => a,
        Some(b) => {
            let b = b.trim();
            let b = b.strip_prefix(['L', 'l', '§']).unwrap_or(b);
            b.parse().map_err(|_| bad())?
        }
    };
    if a == 0 || b == 0 {
        return Err("paragraphs and lines are counted from 1".into());
    }
    if b < a {
        return Err(format!("the range ends ({b}) before it starts ({a})"));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<CiteKind> {
        find(s).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn every_citation_form() {
        assert_eq!(
            kinds("x [report §4] y [chat L14-L20] [report 第3段] [metrics §2-3] [chat L7]"),
            vec![
                CiteKind::Cite {
                    input: "report".into(),
                    locator: Locator::Para(4, 4)
                },
                CiteKind::Cite {
                    input: "chat".into(),
                    locator: Locator::Lines(14, 20)
                },
                CiteKind::Cite {
                    input: "report".into(),
                    locator: Locator::Para(3, 3)
                },
                CiteKind::Cite {
                    input: "metrics".into(),
                    locator: Locator::Para(2, 3)
                },
                CiteKind::Cite {
                    input: "chat".into(),
                    locator: Locator::Lines(7, 7)
                },
            ]
        );
        assert_eq!(
            kinds("[source unstated, needs confirmation]"),
            vec![CiteKind::Unattributed]
        );
        assert_eq!(kinds("[來源未明示,需確認]"), vec![CiteKind::Unattributed]);
        assert_eq!(kinds("[ Source Unstated ]"), vec![CiteKind::Unattributed]);
        assert!(kinds("[source]").is_empty());
        assert!(kinds("[WIP] and [link](x) and [a b]").is_empty());
        assert!(matches!(
            kinds("[report §0]")[0],
            CiteKind::Malformed { .. }
        ));
        assert!(matches!(
            kinds("[report §5-2]")[0],
            CiteKind::Malformed { .. }
        ));
    }

    #[test]
    fn spans_point_at_the_citation_and_name() {
        let s = "值班 [chat L3]";
        let f = &find(s)[0];
        assert_eq!(&s[f.span.clone()], "[chat L3]");
        assert_eq!(&s[f.name_span.clone()], "chat");
        let b = parse_body(" report §2").expect("body");
        assert_eq!(b.name_span, 1..7);
    }
}

/// A citation, located in the postmortem's text.
#[derive(Clone, Debug)]
pub struct CiteRef {
    /// Field path of the value holding it.
    pub field: String,
    pub span: Span,
    pub name_span: Span,
    pub kind: CiteKind,
}

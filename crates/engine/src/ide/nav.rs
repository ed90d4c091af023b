//! Go to definition (citation → the cited paragraph or lines of its input;
//! input name → the file) and find references (input name → every citation
//! that uses it).

use crate::analysis::Analysis;
use crate::citation::CiteKind;
use crate::inputs::InputFile;
use crate::text::Span;
use std::sync::Arc;

/// A place in an input file.
#[derive(Clone, Debug)]
pub struct Target {
    pub file: Arc<InputFile>,
    /// Byte span in the input file.
    pub span: Span,
    /// The span in the postmortem the definition was asked from.
    pub origin: Span,
}

fn inside(s: &Span, off: usize) -> bool {
    s.start <= off && off <= s.end
}

/// The definition of what is at `off`.
pub fn definition(a: &Analysis, off: usize) -> Option<Target> {
    if let Some(c) = a.citations.iter().find(|c| inside(&c.span, off)) {
        let (input, locator) = match &c.kind {
            CiteKind::Cite { input, locator } => (input, Some(*locator)),
            CiteKind::Malformed { input, .. } => (input, None),
            CiteKind::Unattributed => return None,
        };
        let file = a.input(input)?.file.as_ref().ok()?.clone();
        let span = locator.and_then(|l| file.locate(l).ok()).unwrap_or(0..0);
        return Some(Target {
            file,
            span,
            origin: c.span.clone(),
        });
    }
    let e = a
        .inputs
        .as_ref()?
        .iter()
        .find(|e| inside(&e.key_span, off) || inside(&e.value_span, off))?;
    let file = e.file.as_ref().ok()?.clone();
    let origin = if inside(&e.key_span, off) {
        e.key_span.clone()
    } else {
        e.value_span.clone()
    };
    Some(Target {
        file,
        span: 0..0,
        origin,
    })
}

/// The input name at `off`: in a citation or under `inputs`.
pub fn input_name_at(a: &Analysis, off: usize) -> Option<String> {
    if let Some(c) = a.citations.iter().find(|c| inside(&c.span, off)) {
        return match &c.kind {
            CiteKind::Cite { input, .. } | CiteKind::Malformed { input, .. } => Some(input.clone()),
            CiteKind::Unattributed => None,
        };
    }
    a.inputs
        .as_ref()?
        .iter()
        .find(|e| inside(&e.key_span, off))
        .map(|e| e.name.clone())
}

/// Every citation of the input named at `off` (whole citations), and the
/// declaration's key under `inputs` first when `include_declaration`.
pub fn references(a: &Analysis, off: usize, include_declaration: bool) -> Vec<Span> {
    let Some(name) = input_name_at(a, off) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if include_declaration {
        if let Some(e) = a.input(&name) {
            out.push(e.key_span.clone());
        }
    }
    for c in &a.citations {
        if matches!(&c.kind, CiteKind::Cite { input, .. } | CiteKind::Malformed { input, .. } if *input == name)
        {
            out.push(c.span.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Locale;
    use crate::ide::test_support::example;

    #[test]
    fn citation_to_lines_and_paragraphs() {
        let a = example(Locale::En);
        let off = a.text.find("[chat L15-L16]").expect("cite") + 3;
        let t = definition(&a, off).expect("target");
        assert!(t.file.path.ends_with("chat.log"));
        assert_eq!(t.file.line_range(&t.span), (14, 15));
        assert!(t.file.text[t.span.clone()].starts_with("[14:23] tomek: ack."));
        let off = a.text.find("[report §4]").expect("cite") + 2;
        let t = definition(&a, off).expect("target");
        assert!(t.file.text[t.span.clone()].starts_with("Between 14:02"));
        let off = a.text.find("metrics: metrics.md").expect("input") + 2;
        let t = definition(&a, off).expect("target");
        assert!(t.file.path.ends_with("metrics.md") && t.span == (0..0));
    }

    #[test]
    fn references_of_an_input() {
        let a = example(Locale::En);
        let off = a.text.find("  runbook: runbook.md").expect("input") + 3;
        let r = references(&a, off, true);
        assert_eq!(&a.text[r[0].clone()], "runbook");
        assert!(r.len() > 5);
        assert!(
            r[1..]
                .iter()
                .all(|s| a.text[s.clone()].starts_with("[runbook")),
            "{r:?}"
        );
        let from_cite = references(&a, a.text.find("[runbook §11]").expect("c") + 1, false);
        assert_eq!(from_cite.len(), r.len() - 1);
    }
}

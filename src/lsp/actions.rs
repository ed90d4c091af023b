//! Code actions computed from engine results.

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Edit, Fix};

/// "Ignore PMxxx on this line": appends (or extends) a suppression comment.
pub fn ignore_line_fix(a: &Analysis, d: &Diagnostic) -> Fix {
    let line = a.lines.line_of(d.span.start);
    let span = a.lines.line_span(&a.text, line);
    let text = &a.text[span.clone()];
    let edit = match text.find("# postmortem-lsp: ignore ") {
        Some(i) if !text[i..].starts_with("# postmortem-lsp: ignore-file") => Edit {
            span: span.end..span.end,
            new_text: format!(", {}", d.code),
        },
        _ => Edit {
            span: span.end..span.end,
            new_text: format!(" # postmortem-lsp: ignore {}", d.code),
        },
    };
    Fix {
        title: format!("Ignore {} on this line", d.code),
        edits: vec![edit],
        preferred: false,
    }
}

//! Engine ⇄ LSP conversions: byte spans to ranges in the negotiated encoding.

use crate::analysis::Analysis;
use crate::diagnostic::{self, Severity};
use crate::text::{Encoding, Pos, Span};
use tower_lsp_server::ls_types as lsp;

pub fn range(a: &Analysis, span: &Span, enc: Encoding) -> lsp::Range {
    let s = a.lines.position(&a.text, span.start, enc);
    let e = a.lines.position(&a.text, span.end, enc);
    lsp::Range {
        start: lsp::Position {
            line: s.line,
            character: s.col,
        },
        end: lsp::Position {
            line: e.line,
            character: e.col,
        },
    }
}

pub fn offset(a: &Analysis, p: lsp::Position, enc: Encoding) -> usize {
    a.lines.offset(
        &a.text,
        Pos {
            line: p.line,
            col: p.character,
        },
        enc,
    )
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(a: &Analysis, d: &diagnostic::Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    let href = crate::rules::rule_url(d.code).parse::<lsp::Uri>().ok();
    lsp::Diagnostic {
        range: range(a, &d.span, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: href.map(|href| lsp::CodeDescription { href }),
        source: Some("postmortem-lsp".into()),
        message: d.message.clone(),
        related_information: None,
        tags: None,
        data: Some(serde_json::json!({ "field": d.field })),
    }
}

pub fn diagnostics(a: &Analysis, enc: Encoding) -> Vec<lsp::Diagnostic> {
    a.diagnostics
        .iter()
        .map(|d| diagnostic(a, d, enc))
        .collect()
}

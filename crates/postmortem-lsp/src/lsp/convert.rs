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

/// A rule's documentation link, parsed once per rule: every diagnostic
/// carries one, and formatting and parsing it was a sixth of converting a
/// diagnostic. A table built once and never changed (not mutable state).
pub fn rule_href(code: &str) -> Option<lsp::Uri> {
    static HREFS: std::sync::LazyLock<Vec<(&'static str, Option<lsp::Uri>)>> =
        std::sync::LazyLock::new(|| {
            crate::rules::REGISTRY
                .iter()
                .map(|r| {
                    let code = r.meta().code;
                    (code, crate::rules::rule_url(code).parse::<lsp::Uri>().ok())
                })
                .collect()
        });
    match HREFS.iter().find(|(c, _)| *c == code) {
        Some((_, href)) => href.clone(),
        None => crate::rules::rule_url(code).parse::<lsp::Uri>().ok(),
    }
}

pub fn diagnostic(a: &Analysis, d: &diagnostic::Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    let href = rule_href(d.code);
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

//! Output formats of `check`: rustc-style text, JSON, SARIF 2.1.0 and GitHub
//! workflow annotations. Lines and columns are 1-based; columns count Unicode
//! characters.

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules;
use crate::text::Encoding;
use serde_json::json;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets for people.
    Text,
    /// One JSON document for scripts.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

pub struct FileReport {
    pub path: PathBuf,
    pub analysis: Option<Analysis>,
    pub io_error: Option<String>,
    pub config_problems: Vec<String>,
}

impl FileReport {
    pub fn new(path: &Path, a: Analysis, config_problems: Vec<String>) -> Self {
        FileReport {
            path: path.to_path_buf(),
            analysis: Some(a),
            io_error: None,
            config_problems,
        }
    }
    pub fn io_error(path: &Path, e: String) -> Self {
        FileReport {
            path: path.to_path_buf(),
            analysis: None,
            io_error: Some(e),
            config_problems: Vec::new(),
        }
    }
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.analysis.as_ref().map_or(&[], |a| &a.diagnostics)
    }
}

#[derive(Default, Debug, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for d in reports.iter().flat_map(FileReport::diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
                Severity::Hint => s.hints += 1,
            }
        }
        s
    }
}

/// 1-based (line, column in characters) of a byte offset.
fn pos(a: &Analysis, off: usize) -> (u32, u32) {
    let p = a.lines.position(&a.text, off, Encoding::Char);
    (p.line + 1, p.col + 1)
}

pub fn write(w: &mut dyn Write, f: Format, reports: &[FileReport], s: &Summary) -> io::Result<()> {
    match f {
        Format::Text => text(w, reports, s),
        Format::Json => {
            let v = json_report(reports, s);
            writeln!(
                w,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )
        }
        Format::Sarif => writeln!(
            w,
            "{}",
            serde_json::to_string_pretty(&sarif(reports)).unwrap_or_default()
        ),
        Format::Github => github(w, reports, s),
    }
}

pub fn json_report(reports: &[FileReport], s: &Summary) -> serde_json::Value {
    let files: Vec<_> = reports
        .iter()
        .filter_map(|r| {
            let a = r.analysis.as_ref()?;
            let diags: Vec<_> = a
                .diagnostics
                .iter()
                .map(|d| {
                    let (sl, sc) = pos(a, d.span.start);
                    let (el, ec) = pos(a, d.span.end);
                    json!({
                        "code": d.code,
                        "name": rules::find(d.code).map_or("", |r| r.meta().name),
                        "severity": d.severity.as_str(),
                        "message": d.message,
                        "field": d.field,
                        "range": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}},
                    })
                })
                .collect();
            Some(json!({"path": r.path.display().to_string(), "diagnostics": diags}))
        })
        .collect();
    json!({"files": files, "summary": {"errors": s.errors, "warnings": s.warnings, "infos": s.infos, "hints": s.hints}})
}

fn text(w: &mut dyn Write, reports: &[FileReport], s: &Summary) -> io::Result<()> {
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let paint = |code: &str, t: &str| {
        if color {
            format!("\x1b[{code}m{t}\x1b[0m")
        } else {
            t.to_string()
        }
    };
    for r in reports {
        let Some(a) = &r.analysis else { continue };
        for d in &a.diagnostics {
            let (sl, sc) = pos(a, d.span.start);
            let (el, ec) = pos(a, d.span.end);
            let (label, c) = match d.severity {
                Severity::Error => ("error", "1;31"),
                Severity::Warning => ("warning", "1;33"),
                Severity::Info => ("info", "1;36"),
                Severity::Hint => ("hint", "1;32"),
            };
            let name = rules::find(d.code).map_or("", |r| r.meta().name);
            writeln!(
                w,
                "{}{} {}",
                paint(c, &format!("{label}[{}]", d.code)),
                paint("1", ":"),
                paint("1", &d.message)
            )?;
            let gutter = sl.to_string().len();
            let pad = " ".repeat(gutter);
            writeln!(
                w,
                "{pad}{} {}:{sl}:{sc}",
                paint("1;34", "-->"),
                r.path.display()
            )?;
            let line_text = &a.text[a.lines.line_span(&a.text, sl as usize - 1)];
            writeln!(w, "{pad} {}", paint("1;34", "|"))?;
            writeln!(
                w,
                "{} {} {}",
                paint("1;34", &sl.to_string()),
                paint("1;34", "|"),
                line_text
            )?;
            let width = if el == sl {
                (ec.saturating_sub(sc)).max(1) as usize
            } else {
                (line_text.chars().count() + 1)
                    .saturating_sub(sc as usize)
                    .max(1)
            };
            // carets under East Asian wide characters take two columns
            let lead: usize = line_text
                .chars()
                .take(sc as usize - 1)
                .map(display_width)
                .sum();
            let span_w: usize = line_text
                .chars()
                .skip(sc as usize - 1)
                .take(width)
                .map(display_width)
                .sum::<usize>()
                .max(1);
            writeln!(
                w,
                "{pad} {} {}{}",
                paint("1;34", "|"),
                " ".repeat(lead),
                paint(c, &"^".repeat(span_w))
            )?;
            let field = if d.field.is_empty() {
                String::new()
            } else {
                format!("{} · ", d.field)
            };
            writeln!(
                w,
                "{pad} {} {field}{name} · postmortem-lsp explain {}",
                paint("1;34", "="),
                d.code
            )?;
            writeln!(w)?;
        }
    }
    let files = reports.len();
    writeln!(
        w,
        "{} file{} checked: {} error{}, {} warning{}, {} info, {} hint{}",
        files,
        if files == 1 { "" } else { "s" },
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.infos,
        s.hints,
        if s.hints == 1 { "" } else { "s" }
    )
}

fn display_width(c: char) -> usize {
    if crate::rules::is_wide(c) {
        2
    } else {
        1
    }
}

fn sarif(reports: &[FileReport]) -> serde_json::Value {
    let rules_json: Vec<_> = rules::REGISTRY
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({"id": m.code, "name": m.name, "shortDescription": {"text": m.summary()}, "fullDescription": {"text": m.doc.trim()}, "helpUri": rules::rule_url(m.code), "defaultConfiguration": {"level": sarif_level(m.default_severity)}})
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let Some(a) = &r.analysis else { continue };
        for d in &a.diagnostics {
            let (sl, sc) = pos(a, d.span.start);
            let (el, ec) = pos(a, d.span.end);
            results.push(json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri_path(&r.path)}, "region": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}}, "logicalLocations": [{"fullyQualifiedName": d.field}]}],
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "postmortem-lsp", "version": env!("CARGO_PKG_VERSION"), "informationUri": rules::DOCS_URL, "rules": rules_json}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn uri_path(p: &Path) -> String {
    p.display()
        .to_string()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn gh_escape(s: &str, prop: bool) -> String {
    let mut o = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if prop {
        o = o.replace(':', "%3A").replace(',', "%2C");
    }
    o
}

fn github(w: &mut dyn Write, reports: &[FileReport], s: &Summary) -> io::Result<()> {
    for r in reports {
        let Some(a) = &r.analysis else { continue };
        for d in &a.diagnostics {
            let (sl, sc) = pos(a, d.span.start);
            let (el, ec) = pos(a, d.span.end);
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "notice",
            };
            let name = rules::find(d.code).map_or("", |r| r.meta().name);
            let title = gh_escape(&format!("{} {name}", d.code), true);
            let cols = if sl == el {
                format!(",col={sc},endColumn={ec}")
            } else {
                format!(",col={sc}")
            };
            writeln!(
                w,
                "::{kind} file={},line={sl},endLine={el}{cols},title={title}::{}",
                gh_escape(&uri_path(&r.path), true),
                gh_escape(&d.message, false)
            )?;
        }
    }
    writeln!(
        w,
        "postmortem-lsp: {} errors, {} warnings, {} infos, {} hints",
        s.errors, s.warnings, s.infos, s.hints
    )
}

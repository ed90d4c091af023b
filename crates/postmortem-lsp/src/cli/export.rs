//! `postmortem-lsp export FILE [--format json]`: the document's data as JSON.
//!
//! Exit 0 when the YAML was read exactly; 1 when it has syntax errors (they go
//! to stderr, and the JSON of what could be read still goes to stdout); 2 for
//! usage or I/O problems, naming the file.

use crate::diagnostic::Locale;
use std::io::Write;
use std::path::PathBuf;

pub const USAGE: &str = "usage: postmortem-lsp export FILE [--format json] [--locale en|zh-TW]";

pub fn run(args: &[String]) -> i32 {
    let mut file: Option<PathBuf> = None;
    let mut locale = Locale::En;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        match flag {
            "--format" | "-f" => match inline.or_else(|| it.next().cloned()).as_deref() {
                Some("json") => {}
                Some(other) => {
                    eprintln!("postmortem-lsp export: unknown format `{other}`; the only format is json.\n{USAGE}");
                    return 2;
                }
                None => {
                    eprintln!("postmortem-lsp export: `--format` needs a value (json).\n{USAGE}");
                    return 2;
                }
            },
            "--locale" => {
                match inline.or_else(|| it.next().cloned()) {
                    Some(l) => locale = Locale::from_tag(&l),
                    None => {
                        eprintln!("postmortem-lsp export: `--locale` needs a value (en or zh-TW).\n{USAGE}");
                        return 2;
                    }
                }
            }
            "--help" | "-h" => {
                println!("{USAGE}\n\nPrints the postmortem's data as JSON: keys in document order, plain values as\nYAML 1.2 core-schema numbers, booleans and nulls, everything else as strings.\nExit codes: 0 read exactly; 1 syntax errors (on stderr; the JSON of what could be\nread is still printed); 2 usage or I/O problem.");
                return 0;
            }
            f if f.starts_with('-') => {
                eprintln!("postmortem-lsp export: unknown option `{f}`.\n{USAGE}");
                return 2;
            }
            p if file.is_none() => file = Some(PathBuf::from(p)),
            p => {
                eprintln!("postmortem-lsp export: one file at a time (also got `{p}`).\n{USAGE}");
                return 2;
            }
        }
    }
    let Some(path) = file else {
        eprintln!("postmortem-lsp export: which file? {USAGE}");
        return 2;
    };
    let shown = path.display();
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
        eprintln!("postmortem-lsp export: {shown}: not a regular file; give the path of a postmortem file.");
        return 2;
    }
    let text = match std::fs::read(&path) {
        Ok(b) => {
            match String::from_utf8(b) {
                Ok(t) => t,
                Err(_) => {
                    eprintln!("postmortem-lsp export: {shown}: the file is not UTF-8 text; save it as UTF-8.");
                    return 2;
                }
            }
        }
        Err(e) => {
            eprintln!("postmortem-lsp export: {shown}: {e}");
            return 2;
        }
    };
    let parsed = crate::syntax::parse(&text);
    let json = crate::syntax::export::document_data(&parsed).to_json_pretty();
    let _ = writeln!(std::io::stdout(), "{json}");
    if parsed.errors.is_empty() {
        return 0;
    }
    let mut err = std::io::stderr();
    for e in &parsed.errors {
        let (line, col) = line_col(&text, e.span.start);
        let msg = postmortem_engine::i18n::syntax_message(e.kind, locale);
        let _ = writeln!(err, "{shown}:{line}:{col}: PM001 {msg}");
    }
    1
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, off: usize) -> (usize, usize) {
    let off = off.min(text.len());
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..off].chars().count() + 1)
}

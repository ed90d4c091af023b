//! `postmortem-lsp export FILE [--format json]`: the document's data as JSON.
//!
//! Exit 0 when the YAML was read exactly; 1 when it has syntax errors (they go
//! to stderr, and the JSON of what could be read still goes to stdout); 2 for
//! usage or I/O problems, naming the file.

use crate::diagnostic::Locale;
use std::io::Write;
use std::path::PathBuf;

/// `postmortem-lsp export`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Keys stay in document order; plain values are resolved by the YAML 1.2 core schema (42 → number, true → boolean, ~ or empty → null), everything else is a string.\nExit codes: 0 read exactly; 1 syntax errors (on stderr; the JSON of what could be read is still printed); 2 usage or I/O problem."
)]
pub struct Args {
    /// The postmortem to read.
    file: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Language of the syntax errors: en or zh-TW.
    #[arg(long, value_parser = super::parse_locale)]
    locale: Option<Locale>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
}

pub fn run(a: Args) -> i32 {
    let Format::Json = a.format;
    let path = a.file;
    let locale = a.locale.unwrap_or(Locale::En);
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
    let mut off = off.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..off].chars().count() + 1)
}

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

/// A workspace edit that adds `word` to `[blameless] allow` in the nearest
/// .postmortem-lsp.toml, or creates one in the workspace root.
pub fn allow_word_edit(
    doc_dir: Option<&std::path::Path>,
    root: Option<&std::path::Path>,
    word: &str,
) -> Option<tower_lsp_server::ls_types::WorkspaceEdit> {
    use tower_lsp_server::ls_types::*;
    let existing = doc_dir.and_then(|d| crate::config::Config::discover(d).path);
    match existing {
        Some(path) => {
            let old = std::fs::read_to_string(&path).ok()?;
            let new = crate::config::with_allowed_word(Some(&old), word);
            let li = crate::text::LineIndex::new(&old);
            let end = li.position(&old, old.len(), crate::text::Encoding::Utf16);
            let uri = Uri::from_file_path(&path)?;
            let edit = TextEdit {
                range: Range {
                    start: Position::new(0, 0),
                    end: Position::new(end.line, end.col),
                },
                new_text: new,
            };
            Some(WorkspaceEdit {
                changes: Some([(uri, vec![edit])].into_iter().collect()),
                ..Default::default()
            })
        }
        None => {
            let dir = root.or(doc_dir)?;
            let uri = Uri::from_file_path(dir.join(crate::config::CONFIG_FILE))?;
            let text = crate::config::with_allowed_word(None, word);
            Some(WorkspaceEdit {
                document_changes: Some(DocumentChanges::Operations(vec![
                    DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    })),
                    DocumentChangeOperation::Edit(TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri,
                            version: None,
                        },
                        edits: vec![OneOf::Left(TextEdit {
                            range: Range::default(),
                            new_text: text,
                        })],
                    }),
                ])),
                ..Default::default()
            })
        }
    }
}

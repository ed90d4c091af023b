//! Editor intelligence over LSP: a thin translation of `crate::ide` results
//! (byte offsets) into LSP shapes (positions in the negotiated encoding,
//! markdown or plain text as the client asked). Each handler locks the state
//! only to clone the document's `Arc<Analysis>`.

use super::convert;
use super::server::Backend;
use crate::analysis::Analysis;
use crate::ide::{self, completion::ItemKind, outline, Format};
use crate::text::{Encoding, Pos};
use serde_json::{json, Value};
use std::sync::Arc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// The command behind the verify code lens: returns the locations of the
/// fields below H confidence, the TODOs and the action items without owner.
pub const CMD_SHOW_LOW_CONFIDENCE: &str = "postmortem.showLowConfidence";
/// Commands served here (listed in `executeCommandProvider`).
pub const COMMANDS: &[&str] = &[CMD_SHOW_LOW_CONFIDENCE];

/// Completion trigger characters: `[` starts a citation, `§`, ` ` and `L`-less
/// separators continue it, `:` and ` ` start a value, `-` a list item.
pub const TRIGGERS: &[&str] = &["[", "§", " ", ":", "-", ","];

/// What the client supports, read from `initialize`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Features {
    snippets: bool,
    completion_markdown: bool,
    /// Documentation can be sent later, on `completionItem/resolve`.
    resolve_documentation: bool,
    hierarchical_symbols: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            snippets: false,
            completion_markdown: false,
            resolve_documentation: false,
            hierarchical_symbols: true,
        }
    }
}

fn features(b: &Backend) -> Features {
    b.state().ide
}

/// The completion options for `initialize`; also records the client's
/// completion and outline features for this server.
pub(crate) fn completion_provider(b: &Backend, caps: &ClientCapabilities) -> CompletionOptions {
    let td = caps.text_document.as_ref();
    let item = td
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref());
    let f = Features {
        snippets: item.and_then(|i| i.snippet_support).unwrap_or(false),
        completion_markdown: item
            .and_then(|i| i.documentation_format.as_ref())
            .is_some_and(|d| d.contains(&MarkupKind::Markdown)),
        resolve_documentation: item
            .and_then(|i| i.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "documentation")),
        hierarchical_symbols: td
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false),
    };
    b.state().ide = f;
    CompletionOptions {
        resolve_provider: Some(true),
        trigger_characters: Some(TRIGGERS.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

/// One document's analysis, cloned out of the state.
struct Snap {
    a: Arc<Analysis>,
    enc: Encoding,
    markdown: bool,
}

fn snap(b: &Backend, uri: &Uri) -> Option<Snap> {
    let st = b.state();
    let doc = st.docs.get(uri).filter(|d| d.is_postmortem)?;
    Some(Snap {
        a: doc.analysis.clone(),
        enc: st.encoding,
        markdown: st.markdown,
    })
}

fn markup(text: String, markdown: bool) -> MarkupContent {
    MarkupContent {
        kind: if markdown {
            MarkupKind::Markdown
        } else {
            MarkupKind::PlainText
        },
        value: text,
    }
}

fn fmt(markdown: bool) -> Format {
    if markdown {
        Format::Markdown
    } else {
        Format::Plain
    }
}

fn pos(a: &Analysis, off: usize, enc: Encoding) -> Position {
    let p = a.lines.position(&a.text, off, enc);
    Position {
        line: p.line,
        character: p.col,
    }
}

pub(crate) fn hover(b: &Backend, p: HoverParams) -> Result<Option<Hover>> {
    let tp = p.text_document_position_params;
    let Some(s) = snap(b, &tp.text_document.uri) else {
        return Ok(None);
    };
    let off = convert::offset(&s.a, tp.position, s.enc);
    Ok(
        ide::hover::hover(&s.a, off, fmt(s.markdown)).map(|h| Hover {
            contents: HoverContents::Markup(markup(h.text, s.markdown)),
            range: Some(convert::range(&s.a, &h.span, s.enc)),
        }),
    )
}

pub(crate) fn completion(b: &Backend, p: CompletionParams) -> Result<Option<CompletionResponse>> {
    let tp = p.text_document_position;
    let Some(s) = snap(b, &tp.text_document.uri) else {
        return Ok(None);
    };
    let feat = features(b);
    let off = convert::offset(&s.a, tp.position, s.enc);
    let c = ide::completion::complete(&s.a, off, fmt(feat.completion_markdown));
    // with lazy documentation, `data` says where to compute it again
    let data = |label: &str| {
        feat.resolve_documentation
            .then(|| json!({"uri": tp.text_document.uri, "position": tp.position, "label": label}))
    };
    let items = c
        .items
        .into_iter()
        .map(|it| {
            let data = it.documentation.as_ref().and_then(|_| data(&it.label));
            let documentation = it
                .documentation
                .filter(|_| data.is_none())
                .map(|d| Documentation::MarkupContent(markup(d, feat.completion_markdown)));
            let filter_text = it.filter.filter(|f| *f != it.label);
            let snippet = it.snippet.filter(|_| feat.snippets);
            let is_snippet = snippet.is_some();
            let new_text = snippet.unwrap_or(it.insert);
            let multi_line = new_text.contains('\n');
            CompletionItem {
                label: it.label,
                kind: Some(match it.kind {
                    ItemKind::Section => CompletionItemKind::MODULE,
                    ItemKind::Field => CompletionItemKind::FIELD,
                    ItemKind::Snippet => CompletionItemKind::SNIPPET,
                    ItemKind::EnumValue => CompletionItemKind::ENUM_MEMBER,
                    ItemKind::Value => CompletionItemKind::VALUE,
                    ItemKind::Input => CompletionItemKind::FILE,
                    ItemKind::Location => CompletionItemKind::REFERENCE,
                }),
                detail: it.detail,
                documentation,
                preselect: it.preselect.then_some(true),
                sort_text: Some(it.sort),
                filter_text,
                insert_text_format: is_snippet.then_some(InsertTextFormat::SNIPPET),
                data,
                // skeletons carry their own indentation
                insert_text_mode: multi_line.then_some(InsertTextMode::AS_IS),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: convert::range(&s.a, &it.edit, s.enc),
                    new_text,
                })),
                ..Default::default()
            }
        })
        .collect();
    Ok(Some(CompletionResponse::List(CompletionList {
        is_incomplete: c.incomplete,
        items,
    })))
}

/// `completionItem/resolve`: the documentation of one item, computed again
/// at the position its `data` names (cheap: no parsing, only the engine's
/// completion at that place).
pub(crate) fn completion_resolve(b: &Backend, mut item: CompletionItem) -> Result<CompletionItem> {
    let Some(data) = item.data.clone() else {
        return Ok(item);
    };
    let uri = data
        .get("uri")
        .and_then(Value::as_str)
        .and_then(|u| u.parse::<Uri>().ok());
    let position = data
        .get("position")
        .and_then(|p| serde_json::from_value::<Position>(p.clone()).ok());
    let label = data
        .get("label")
        .and_then(Value::as_str)
        .unwrap_or(&item.label);
    let (Some(uri), Some(position)) = (uri, position) else {
        return Ok(item);
    };
    let Some(s) = snap(b, &uri) else {
        return Ok(item);
    };
    let feat = features(b);
    let off = convert::offset(&s.a, position, s.enc);
    let c = ide::completion::complete(&s.a, off, fmt(feat.completion_markdown));
    if let Some(d) = c
        .items
        .into_iter()
        .find(|i| i.label == label)
        .and_then(|i| i.documentation)
    {
        item.documentation = Some(Documentation::MarkupContent(markup(
            d,
            feat.completion_markdown,
        )));
    }
    Ok(item)
}

fn input_location(t: &ide::nav::Target, enc: Encoding) -> Option<Location> {
    let f = &t.file;
    let at = |o: usize| {
        let p: Pos = f.lines.position(&f.text, o, enc);
        Position {
            line: p.line,
            character: p.col,
        }
    };
    Some(Location {
        uri: Uri::from_file_path(&f.path)?,
        range: Range {
            start: at(t.span.start),
            end: at(t.span.end),
        },
    })
}

pub(crate) fn definition(
    b: &Backend,
    p: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let tp = p.text_document_position_params;
    let Some(s) = snap(b, &tp.text_document.uri) else {
        return Ok(None);
    };
    let off = convert::offset(&s.a, tp.position, s.enc);
    Ok(ide::nav::definition(&s.a, off)
        .and_then(|t| input_location(&t, s.enc))
        .map(GotoDefinitionResponse::Scalar))
}

pub(crate) fn references(b: &Backend, p: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let tp = p.text_document_position;
    let Some(s) = snap(b, &tp.text_document.uri) else {
        return Ok(None);
    };
    let off = convert::offset(&s.a, tp.position, s.enc);
    let spans = ide::nav::references(&s.a, off, p.context.include_declaration);
    Ok(Some(
        spans
            .iter()
            .map(|sp| Location {
                uri: tp.text_document.uri.clone(),
                range: convert::range(&s.a, sp, s.enc),
            })
            .collect(),
    ))
}

fn symbol_kind(k: outline::SymbolKind) -> SymbolKind {
    match k {
        outline::SymbolKind::Section => SymbolKind::NAMESPACE,
        outline::SymbolKind::Field => SymbolKind::PROPERTY,
        outline::SymbolKind::Item => SymbolKind::OBJECT,
        outline::SymbolKind::Event => SymbolKind::EVENT,
        outline::SymbolKind::Input => SymbolKind::FILE,
        outline::SymbolKind::Text => SymbolKind::STRING,
    }
}

fn non_empty(s: String) -> String {
    if s.trim().is_empty() {
        "…".into()
    } else {
        s
    }
}

#[allow(deprecated)] // DocumentSymbol::deprecated must be written out
fn nested(a: &Analysis, s: outline::Symbol, enc: Encoding) -> DocumentSymbol {
    let range = convert::range(a, &s.span, enc);
    let mut sel = convert::range(a, &s.selection, enc);
    if sel.start < range.start || sel.end > range.end {
        sel = range;
    }
    DocumentSymbol {
        name: non_empty(s.name),
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: sel,
        children: (!s.children.is_empty())
            .then(|| s.children.into_iter().map(|c| nested(a, c, enc)).collect()),
    }
}

#[allow(deprecated)] // SymbolInformation::deprecated must be written out
fn flat(
    a: &Analysis,
    uri: &Uri,
    s: outline::Symbol,
    container: Option<String>,
    enc: Encoding,
    out: &mut Vec<SymbolInformation>,
) {
    let name = non_empty(s.name);
    out.push(SymbolInformation {
        name: name.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        location: Location {
            uri: uri.clone(),
            range: convert::range(a, &s.span, enc),
        },
        container_name: container,
    });
    for c in s.children {
        flat(a, uri, c, Some(name.clone()), enc, out);
    }
}

pub(crate) fn document_symbol(
    b: &Backend,
    p: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(s) = snap(b, &p.text_document.uri) else {
        return Ok(None);
    };
    let syms = ide::outline::symbols(&s.a);
    if features(b).hierarchical_symbols {
        Ok(Some(DocumentSymbolResponse::Nested(
            syms.into_iter().map(|x| nested(&s.a, x, s.enc)).collect(),
        )))
    } else {
        let mut out = Vec::new();
        for x in syms {
            flat(&s.a, &p.text_document.uri, x, None, s.enc, &mut out);
        }
        Ok(Some(DocumentSymbolResponse::Flat(out)))
    }
}

pub(crate) fn folding_range(
    b: &Backend,
    p: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let Some(s) = snap(b, &p.text_document.uri) else {
        return Ok(None);
    };
    Ok(Some(
        ide::outline::folding(&s.a)
            .into_iter()
            .map(|f| FoldingRange {
                start_line: f.start_line as u32,
                end_line: f.end_line as u32,
                kind: Some(match f.kind {
                    outline::FoldKind::Comment => FoldingRangeKind::Comment,
                    outline::FoldKind::Region => FoldingRangeKind::Region,
                }),
                ..Default::default()
            })
            .collect(),
    ))
}

pub(crate) fn selection_range(
    b: &Backend,
    p: SelectionRangeParams,
) -> Result<Option<Vec<SelectionRange>>> {
    let Some(s) = snap(b, &p.text_document.uri) else {
        return Ok(None);
    };
    Ok(Some(
        p.positions
            .iter()
            .map(|ps| {
                let off = convert::offset(&s.a, *ps, s.enc);
                let spans = ide::outline::selection(&s.a, off);
                let mut cur: Option<SelectionRange> = None;
                for sp in spans.iter().rev() {
                    cur = Some(SelectionRange {
                        range: convert::range(&s.a, sp, s.enc),
                        parent: cur.map(Box::new),
                    });
                }
                cur.unwrap_or(SelectionRange {
                    range: Range {
                        start: *ps,
                        end: *ps,
                    },
                    parent: None,
                })
            })
            .collect(),
    ))
}

pub(crate) fn code_lens(b: &Backend, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let Some(s) = snap(b, &p.text_document.uri) else {
        return Ok(None);
    };
    // on the first line that isn't a comment
    let first =
        s.a.root()
            .and_then(|r| r.as_map())
            .and_then(|m| m.first())
            .map_or(0, |p| p.key.span.start);
    let at = pos(&s.a, first, s.enc);
    Ok(Some(vec![CodeLens {
        range: Range { start: at, end: at },
        command: Some(Command {
            title: ide::lens::summary(&s.a),
            command: CMD_SHOW_LOW_CONFIDENCE.into(),
            arguments: Some(vec![json!(p.text_document.uri)]),
        }),
        data: None,
    }]))
}

pub(crate) fn inlay_hint(b: &Backend, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let Some(s) = snap(b, &p.text_document.uri) else {
        return Ok(None);
    };
    let (from, to) = (
        convert::offset(&s.a, p.range.start, s.enc),
        convert::offset(&s.a, p.range.end, s.enc),
    );
    Ok(Some(
        ide::inlay::hints(&s.a)
            .into_iter()
            .filter(|h| h.offset >= from && h.offset <= to)
            .map(|h| InlayHint {
                position: pos(&s.a, h.offset, s.enc),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    ))
}

/// `postmortem.showLowConfidence [uri]`: the verify items as locations
/// (`{uri, range}`, with `message` and `kind` for pickers). `None` for other
/// commands.
pub(crate) fn execute(b: &Backend, p: &ExecuteCommandParams) -> Option<Result<Option<Value>>> {
    if p.command != CMD_SHOW_LOW_CONFIDENCE {
        return None;
    }
    let arg = p.arguments.first().cloned().unwrap_or(Value::Null);
    let uri_s = arg
        .as_str()
        .map(str::to_string)
        .or_else(|| arg.get("uri").and_then(Value::as_str).map(str::to_string));
    let Some(uri) = uri_s.and_then(|u| u.parse::<Uri>().ok()) else {
        return Some(Err(tower_lsp_server::jsonrpc::Error::invalid_params(
            "postmortem.showLowConfidence takes the document's URI as its argument",
        )));
    };
    let Some(s) = snap(b, &uri) else {
        return Some(Ok(Some(json!([]))));
    };
    let items: Vec<Value> = ide::lens::verify_items(&s.a)
        .into_iter()
        .map(|v| {
            json!({
                "uri": uri,
                "range": convert::range(&s.a, &v.span, s.enc),
                "message": v.label,
                "kind": match v.kind {
                    ide::lens::VerifyKind::LowConfidence => "lowConfidence",
                    ide::lens::VerifyKind::Todo => "todo",
                    ide::lens::VerifyKind::NoOwner => "noOwner",
                },
            })
        })
        .collect();
    Some(Ok(Some(Value::Array(items))))
}

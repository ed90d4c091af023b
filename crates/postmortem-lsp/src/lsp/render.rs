//! `postmortem/render`: the open document rendered for its readers (HTML or
//! Markdown), for the editors' live previews. The server renders the
//! analysis it already holds for the document's current version, so the
//! preview shows exactly what the diagnostics describe.
//!
//! Request: `{ textDocument: {uri}, format?: "html"|"markdown", locale?: "en"|"zh-TW", nonce?: string }`
//! Result: `{ format, content, locale, errors, version, sections: [{id, line}] }`
//! (`line` 0-based: where each section's key is in the YAML, for
//! following the cursor).

use super::server::Backend;
use crate::diagnostic::Locale;
use crate::render::{self, Format, SectionRef};
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::TextDocumentIdentifier;

pub const METHOD: &str = "postmortem/render";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderParams {
    pub text_document: TextDocumentIdentifier,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    /// A Content-Security-Policy nonce for a preview's own script (letters and digits).
    #[serde(default)]
    pub nonce: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderResult {
    pub format: &'static str,
    pub content: String,
    pub locale: &'static str,
    pub errors: usize,
    pub version: i32,
    pub sections: Vec<SectionRef>,
}

impl Backend {
    pub(crate) async fn render(&self, p: RenderParams) -> Result<RenderResult> {
        // the analysis of the document's latest version (see `Backend::settle`)
        self.settle(&p.text_document.uri).await;
        let (analysis, version, ui) = {
            let st = self.state();
            let ui = st.locale.unwrap_or_default();
            match st.docs.get(&p.text_document.uri) {
                Some(doc) => (doc.analysis.clone(), doc.version, ui),
                None => return Err(Error::invalid_params(ui.pick(
                    "postmortem/render: this document is not open in the server; open it first.",
                    "postmortem/render:伺服器中沒有開啟這份文件;請先開啟。",
                ))),
            }
        };
        let format = match p.format.as_deref() {
            None => Format::Html,
            Some(f) => Format::parse(f).ok_or_else(|| {
                Error::invalid_params(match ui {
                    Locale::En => {
                        format!("postmortem/render: unknown format `{f}`; use html or markdown.")
                    }
                    Locale::ZhTw => {
                        format!("postmortem/render:不認得格式 `{f}`;請用 html 或 markdown。")
                    }
                })
            })?,
        };
        let opts = render::Options {
            locale: p.locale.as_deref().map(Locale::from_tag),
            html: render::HtmlOptions { nonce: p.nonce },
        };
        let r = render::render(&analysis, format, &opts);
        Ok(RenderResult {
            format: match format {
                Format::Html => "html",
                Format::Markdown => "markdown",
            },
            content: r.text,
            locale: r.locale.pick("en", "zh-TW"),
            errors: r.errors,
            version,
            sections: r.sections,
        })
    }
}

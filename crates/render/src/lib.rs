//! Publishing a postmortem for its readers: one self-contained HTML file or
//! GitHub-flavoured Markdown, in the document's language, with the evidence
//! behind every claim quoted in numbered footnotes.
//!
//! ```text
//! Analysis ──► model::build ──► Doc (text, footnotes, markers, source lines)
//!                                 ├─► html::write      (maud templates, inline CSS + SVG chart)
//!                                 └─► markdown::write  (GFM footnotes, Mermaid timeline)
//! ```
//!
//! Unfinished documents render too, with a banner listing their errors.
//! Everything that comes from the document or its inputs is escaped.

mod html;
mod markdown;
pub mod model;
mod svg;

use postmortem_engine::analysis::Analysis;
use postmortem_engine::diagnostic::Locale;

pub use model::{content_locale, Doc, SectionRef};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(Format::Html),
            "md" | "markdown" | "gfm" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// What to render and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The document's language; `None`: from its content.
    pub locale: Option<Locale>,
    pub html: HtmlOptions,
}

#[derive(Clone, Debug, Default)]
pub struct HtmlOptions {
    /// A CSP nonce for an editor preview that adds its own script: the
    /// `<style>` carries it and the policy allows scripts with it. Only
    /// ASCII letters and digits are kept.
    pub nonce: Option<String>,
}

/// The rendered text and what an editor preview needs to follow the cursor.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub text: String,
    pub locale: Locale,
    pub sections: Vec<SectionRef>,
    pub errors: usize,
}

/// Renders an analysed postmortem.
pub fn render(a: &Analysis, format: Format, opts: &Options) -> Rendered {
    let locale = opts.locale.unwrap_or_else(|| content_locale(a));
    let doc = model::build(a, locale);
    let text = match format {
        Format::Html => {
            let mut h = opts.html.clone();
            h.nonce = h
                .nonce
                .map(|n| {
                    n.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .take(64)
                        .collect::<String>()
                })
                .filter(|n| !n.is_empty());
            html::write(&doc, &h)
        }
        Format::Markdown => markdown::write(&doc),
    };
    Rendered {
        text,
        locale,
        sections: doc.sections,
        errors: doc.error_count,
    }
}

pub(crate) fn category_name(c: &str, l: Locale) -> String {
    let zh = match c {
        "detection" => "偵測",
        "response" => "應變",
        "recovery" => "復原",
        "prevention" => "預防",
        "code" => "程式碼",
        "config" => "設定",
        "capacity" => "容量",
        "dependency" => "相依服務",
        "process" => "流程",
        "training" => "訓練",
        "monitoring" => "監控",
        "" => "未分類",
        other => other,
    };
    match l {
        Locale::ZhTw => zh.to_string(),
        Locale::En if c.is_empty() => "Uncategorised".to_string(),
        Locale::En => {
            let mut ch = c.chars();
            ch.next()
                .map(|f| f.to_uppercase().collect::<String>() + ch.as_str())
                .unwrap_or_default()
        }
    }
}

pub(crate) fn confidence_text(c: &str, l: Locale) -> String {
    match (c, l) {
        ("H", Locale::En) => "high confidence".into(),
        ("M", Locale::En) => "medium confidence".into(),
        ("L", Locale::En) => "low confidence".into(),
        ("H", Locale::ZhTw) => "信心:高".into(),
        ("M", Locale::ZhTw) => "信心:中".into(),
        ("L", Locale::ZhTw) => "信心:低".into(),
        (other, Locale::En) => format!("confidence {other}"),
        (other, Locale::ZhTw) => format!("信心:{other}"),
    }
}

//! Drafting postmortem sections with Claude, grounded in the document's
//! declared inputs. Nothing here knows about LSP: the language server and the
//! CLI drive a [`Drafter`] and apply what it returns.
//!
//! One request per section: the system prompt and the numbered inputs form a
//! byte-identical prefix with cache breakpoints (the same bytes for every
//! section of the same document), then the document and the task. The answer
//! (JSON or YAML read from text; structured JSON when `structured_output` is
//! on) is held to the card's schema ([`schema_out::check_answer`]), rendered
//! as YAML in the document's own style, spliced in, and checked by every rule;
//! errors in the drafted section get one repair round trip, then the draft is
//! rejected. Drafting several sections with one [`Drafter`] continues the
//! conversation, so each later request starts with the bytes of the one
//! before (cached).
//!
//! Prompt caching (prompt-caching docs) reads a prefix only when it is
//! byte-identical up to a breakpoint, and changing `output_config.format`
//! invalidates it (structured-outputs docs). So by default no
//! `output_config` is sent at all: the section's schema is part of the task
//! text, after the cached prefix, and every request of a document shares one
//! prefix. Breakpoints: the system prompt, the inputs, the end of the previous
//! user turn (where the previous request's cache ends) and the end of this
//! one: four, the documented maximum.

// The engine's and the client's modules under their usual names.
pub(crate) use postmortem_claude as claude;
pub(crate) use postmortem_engine::{
    analysis, citation, config, diagnostic, docs, inputs, privacy, rules, schema,
};
pub(crate) use postmortem_syntax::{self as syntax, text};

pub mod check;
pub mod number;
pub mod prompts;
pub mod render;
pub mod schema_out;
pub mod splice;
#[cfg(test)]
mod strict_tests;
pub mod value;
pub mod wording;

use crate::analysis::Analysis;
use crate::claude::{
    build_body, estimate_cost_usd, ClaudeClient, ClaudeConfig, ClaudeError, PromptParts,
    StreamProgress, Usage,
};
use crate::config::Config;
use crate::text::Span;
use serde_json::{json, Value};
use std::path::Path;
use tokio_util::sync::CancellationToken;

pub use check::{Checked, Problem};
pub use prompts::{draftable, is_draftable, Prompts};
pub use render::Style;
pub use splice::{minimal_edit, reanchor, splice, Mode, Reanchored, Spliced};

/// The section the review writes.
pub const REVIEW_SECTION: &str = "verify";

/// What to draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// One section, from its prompt in `prompts/sections/`.
    Section(String),
    /// The `verify` section, from `prompts/review.md`.
    Review,
}

impl Target {
    /// The target that writes `section` (`verify` comes from the review).
    pub fn for_section(section: &str) -> Target {
        if section == REVIEW_SECTION {
            Target::Review
        } else {
            Target::Section(section.to_string())
        }
    }

    pub fn section(&self) -> &str {
        match self {
            Target::Section(s) => s,
            Target::Review => REVIEW_SECTION,
        }
    }
}

/// Something worth telling the user while a draft runs.
#[derive(Clone, Debug, PartialEq)]
pub enum DraftEvent {
    /// A request for this section is about to be sent (`repair` for the second one).
    Request { section: String, repair: bool },
    /// From the HTTP stream (connected, text received, retrying).
    Stream {
        section: String,
        progress: StreamProgress,
    },
    /// The answer arrived and is being checked.
    Checking { section: String },
    /// The first answer had problems; they are sent back once.
    Repairing { section: String, problems: usize },
}

/// A drafted, checked section, ready to be applied.
#[derive(Clone, Debug)]
pub struct Drafted {
    pub section: String,
    /// The section as YAML (key and value, no final line end).
    pub yaml: String,
    /// The base text with the section in place.
    pub text: String,
    /// The section's span in `text`.
    pub span: Span,
    /// The section had content (not just TODO placeholders) before.
    pub had_content: bool,
    /// Warnings the rules report in the section (TODOs, …): fine to apply.
    pub warnings: Vec<Problem>,
    /// It took the repair round trip.
    pub repaired: bool,
}

/// Why a draft produced nothing to apply. Each says what to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum DraftError {
    Claude(ClaudeError),
    /// None of the declared inputs could be read.
    NoInputs(String),
    /// The settings or prompts can't be used.
    Setup(String),
    /// Not a section that can be drafted.
    UnknownSection(String),
    /// The answer stopped at `max_tokens`.
    Truncated {
        max_tokens: u32,
    },
    /// Claude declined to answer (`stop_reason: refusal`); the conversation
    /// was reset, as the stop-reasons docs advise before trying again.
    Refused,
    /// `stop_reason: model_context_window_exceeded`: the inputs and the
    /// answer filled the model's context window.
    ContextWindowExceeded {
        largest: Option<String>,
    },
    /// Counted before sending: the request is longer than the model can take.
    InputTooLong {
        tokens: u64,
        limit: u64,
        largest: Option<String>,
    },
    /// Still invalid after the repair round trip. `draft` is what was rejected.
    Rejected {
        section: String,
        reasons: Vec<String>,
        draft: String,
    },
}

impl From<ClaudeError> for DraftError {
    fn from(e: ClaudeError) -> Self {
        DraftError::Claude(e)
    }
}

impl DraftError {
    pub fn is_cancelled(&self) -> bool {
        matches!(self, DraftError::Claude(ClaudeError::Cancelled))
    }

    /// A short message: what happened, what to do.
    pub fn user_message(&self) -> String {
        match self {
            DraftError::Claude(ClaudeError::Cancelled) => {
                "Drafting was cancelled; the document was not changed.".into()
            }
            DraftError::Claude(e) => e.user_message(),
            DraftError::NoInputs(why) => format!(
                "There is no evidence to draft from: {why} Declare the incident report, chat log and metrics under `inputs` (files inside the workspace), save the postmortem, and try again."
            ),
            DraftError::Setup(m) => m.clone(),
            DraftError::UnknownSection(s) => format!(
                "`{s}` is not a section Claude can draft. Draftable sections: {}.",
                draftable().collect::<Vec<_>>().join(", ")
            ),
            DraftError::Truncated { max_tokens } => format!(
                "Claude's answer was cut off at max_tokens ({max_tokens}), so it was not used. Raise `[claude] max_tokens` in .postmortem-lsp.toml and try again."
            ),
            DraftError::Refused => "Claude declined to draft this section (refusal), so nothing was changed and the conversation was reset. Check the inputs for content that should not be there, then try again or write the section by hand.".into(),
            DraftError::ContextWindowExceeded { largest } => format!(
                "The inputs and the answer filled the model's context window (model_context_window_exceeded), so the cut-off answer was not used. Shorten the largest input{}, or draft one section at a time.",
                largest.as_deref().map(|l| format!(" ({l})")).unwrap_or_default()
            ),
            DraftError::InputTooLong { tokens, limit, largest } => format!(
                "Nothing was sent: the inputs are {} tokens, the model's limit is {}{}. Shorten that input or declare fewer inputs, or lower `[claude] max_tokens` if the limit is close.",
                thousands(*tokens),
                thousands(*limit),
                largest.as_deref().map(|l| format!("; the largest input is {l}")).unwrap_or_default()
            ),
            DraftError::Rejected { section, reasons, .. } => {
                let n = reasons.len();
                let first = reasons.first().map(String::as_str).unwrap_or("it could not be read");
                format!(
                    "The draft of `{section}` was not applied: {n} problem{} remained after one repair ({first}{}). The rejected draft is in the output log; run the command again, or fix the inputs it could not cite.",
                    if n == 1 { "" } else { "s" },
                    if n > 1 { "; …" } else { "" }
                )
            }
        }
    }
}

impl DraftError {
    /// [`DraftError::user_message`] in the given locale (zh-TW or English).
    pub fn user_message_for(&self, locale: crate::diagnostic::Locale) -> String {
        if locale == crate::diagnostic::Locale::En {
            return self.user_message();
        }
        match self {
            DraftError::Claude(ClaudeError::Cancelled) => "已取消起草;文件沒有變更。".into(),
            DraftError::Claude(e) => e.user_message_zh(),
            DraftError::NoInputs(why) => format!(
                "沒有可起草的證據:{why} 請在 `inputs` 宣告 incident report、chat log 與 metrics(工作區內的檔案),存檔後再試。"
            ),
            DraftError::Setup(m) => m.clone(),
            DraftError::UnknownSection(s) => format!(
                "`{s}` 不是 Claude 可起草的段落。可起草:{}。",
                draftable().collect::<Vec<_>>().join(", ")
            ),
            DraftError::Truncated { max_tokens } => format!(
                "Claude 的回答在 max_tokens({max_tokens})處被截斷,所以沒有採用。請調高 .postmortem-lsp.toml 的 `[claude] max_tokens` 後再試。"
            ),
            DraftError::Refused => "Claude 拒絕起草這個段落(refusal),文件沒有變更,對話已重置。請檢查輸入中是否有不該出現的內容,再試一次或手動撰寫。".into(),
            DraftError::ContextWindowExceeded { largest } => format!(
                "輸入加上回答已塞滿模型的 context window(model_context_window_exceeded),被截斷的回答沒有採用。請縮短最大的輸入{},或一次起草一個段落。",
                largest.as_deref().map(|l| format!("({l})")).unwrap_or_default()
            ),
            DraftError::InputTooLong { tokens, limit, largest } => format!(
                "沒有送出:輸入共 {} tokens,模型上限是 {}{}。請縮短該輸入或少宣告幾個輸入;若接近上限,也可調低 `[claude] max_tokens`。",
                thousands(*tokens),
                thousands(*limit),
                largest.as_deref().map(|l| format!(";最大的輸入是 {l}")).unwrap_or_default()
            ),
            DraftError::Rejected { section, reasons, .. } => {
                let first = reasons.first().map(String::as_str).unwrap_or("無法讀取");
                format!(
                    "`{section}` 的草稿沒有套用:修正一次後仍有 {} 個問題({first}{})。被拒的草稿在輸出記錄中;請再執行一次,或修正它無法引用的輸入。",
                    reasons.len(),
                    if reasons.len() > 1 { ";…" } else { "" }
                )
            }
        }
    }
}

/// Token counts of every request a [`Drafter`] made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub requests: u32,
    pub retries: u32,
    pub usage: Usage,
}

impl Totals {
    fn add(&mut self, u: &Usage, retries: u32) {
        self.requests += 1;
        self.retries += retries;
        self.usage.input_tokens += u.input_tokens;
        self.usage.output_tokens += u.output_tokens;
        self.usage.cache_creation_input_tokens += u.cache_creation_input_tokens;
        self.usage.cache_read_input_tokens += u.cache_read_input_tokens;
    }

    /// "12,345 tokens in (10,000 from cache), 812 out, about $0.0123".
    pub fn describe(&self, model: &str) -> String {
        let u = &self.usage;
        let input = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
        let cost = estimate_cost_usd(model, u)
            .map(|c| format!(", about ${c:.4}"))
            .unwrap_or_default();
        format!(
            "{} token{} in ({} from cache), {} out{cost}",
            thousands(input),
            if input == 1 { "" } else { "s" },
            thousands(u.cache_read_input_tokens),
            thousands(u.output_tokens)
        )
    }
}

/// `12345` → `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Claude settings for a document: the `[claude]` table, then the key
/// (`api_key` from the editor, else `ANTHROPIC_API_KEY`) and
/// `ANTHROPIC_BASE_URL`. A `base_url` written in a workspace file may only
/// point at Anthropic or at this machine: a repository must not be able to
/// send the user's key elsewhere.
pub fn claude_config(config: &Config, api_key: Option<&str>) -> Result<ClaudeConfig, DraftError> {
    let shown = config.path.as_ref().map_or_else(
        || crate::config::CONFIG_FILE.to_string(),
        |p| p.display().to_string(),
    );
    let mut cfg: ClaudeConfig =
        config
            .claude
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| {
                DraftError::Setup(format!(
                    "The `[claude]` settings in {shown} can't be used: {}. Fix them and try again.",
                    e.message()
                ))
            })?;
    if let Some(k) = api_key {
        cfg = cfg.with_api_key(k);
    }
    cfg.apply_env();
    Ok(cfg)
}

/// Refuses a `base_url` that came from a workspace configuration file and
/// points neither at Anthropic nor at this machine (see [`claude_config`]).
pub fn check_file_base_url(config: &Config, from_editor: bool) -> Result<(), DraftError> {
    if from_editor {
        return Ok(());
    }
    let Some(url) = config.claude.get("base_url").and_then(|v| v.as_str()) else {
        return Ok(());
    };
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    let local = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let anthropic = host.eq_ignore_ascii_case("api.anthropic.com");
    if local || anthropic {
        return Ok(());
    }
    let file = config.path.as_ref().map_or_else(
        || crate::config::CONFIG_FILE.to_string(),
        |p| p.display().to_string(),
    );
    Err(DraftError::Setup(format!(
        "`[claude] base_url` in {file} points at {host}, and a workspace file may not send your API key to another host. Set ANTHROPIC_BASE_URL in the server's environment or the `postmortem.claude.baseUrl` editor setting instead."
    )))
}

/// Stop reasons (handling-stop-reasons docs): a cut-off or refused answer
/// is never used.
fn stop_error(stop: Option<&str>, max_tokens: u32, largest: &Option<String>) -> Option<DraftError> {
    match stop {
        Some("max_tokens") => Some(DraftError::Truncated { max_tokens }),
        Some("refusal") => Some(DraftError::Refused),
        Some("model_context_window_exceeded") => Some(DraftError::ContextWindowExceeded {
            largest: largest.clone(),
        }),
        _ => None,
    }
}

/// One readable input, redacted and numbered.
#[derive(Clone, Debug)]
struct NumberedInput {
    name: String,
    rel: String,
    text: String,
    /// What was redacted (kinds and lines, never values).
    redacted: Vec<crate::privacy::Finding>,
}

/// Drafts sections of one document. Keep one for several sections of the same
/// document (e.g. "draft all missing sections"): later requests continue the
/// conversation and reuse its cached prefix.
pub struct Drafter {
    client: ClaudeClient,
    prompts: Prompts,
    system: String,
    inputs: Vec<(String, String)>,
    input_files: Vec<String>,
    /// The declared input with the most (estimated) tokens.
    largest_input: Option<String>,
    /// Per input file, what was redacted from it (kinds and lines only).
    redacted: Vec<(String, Vec<crate::privacy::Finding>)>,
    redactor: crate::privacy::Redactor,
    doc_name: String,
    /// The first task (document + ask), once a conversation started.
    first_ask: Option<FirstAsk>,
    /// The messages after the first user message.
    turns: Vec<Value>,
    /// Said at the start of the next user turn.
    note: Option<String>,
    totals: Totals,
}

/// Collects the readable inputs of an analysed document (never anything
/// else), redacted: every line and paragraph stays where it was, so the
/// numbers Claude reads are the numbers citations resolve against.
fn readable_inputs(
    a: &Analysis,
    redactor: &crate::privacy::Redactor,
) -> Result<Vec<NumberedInput>, DraftError> {
    let Some(entries) = &a.inputs else {
        return Err(DraftError::NoInputs(
            "the document declares no `inputs`.".into(),
        ));
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for e in entries {
        match &e.file {
            Ok(f) => {
                let r = redactor.redact(&f.text, &e.rel);
                let text = if r.findings.is_empty() {
                    number::numbered(f)
                } else {
                    number::numbered(&crate::inputs::InputFile::from_text(f.path.clone(), r.text))
                };
                out.push(NumberedInput {
                    name: e.name.clone(),
                    rel: e.rel.clone(),
                    text,
                    redacted: r.findings,
                })
            }
            Err(err) => problems.push(err.explain(&e.rel, crate::diagnostic::Locale::En)),
        }
    }
    if out.is_empty() {
        let why = if problems.is_empty() {
            "`inputs` is empty.".to_string()
        } else {
            format!("no declared input could be read ({})", problems.join(" "))
        };
        return Err(DraftError::NoInputs(why));
    }
    Ok(out)
}

/// The language the document's prose is written in, for the task.
pub fn document_language(a: &Analysis) -> &'static str {
    let mut cjk = 0usize;
    let mut latin = 0usize;
    if let Some(root) = a.root() {
        crate::rules::visit_scalars(root, &mut |_, spath, s| {
            if spath.starts_with("inputs") || spath.starts_with("incident_ref") {
                return;
            }
            let v = s.value.trim();
            if v.starts_with("TODO") {
                return;
            }
            for c in v.chars() {
                if crate::rules::is_wide(c) {
                    cjk += 1;
                } else if c.is_alphabetic() {
                    latin += 1;
                }
            }
        });
    }
    if cjk + latin < 40 {
        // Too little prose: fall back on the messages' locale.
        return match a.locale {
            crate::diagnostic::Locale::ZhTw => "Traditional Chinese (zh-TW)",
            crate::diagnostic::Locale::En => "English",
        };
    }
    // A CJK character carries about as much as a short Latin word.
    if cjk * 4 >= latin {
        "Traditional Chinese (zh-TW)"
    } else {
        "English"
    }
}

impl Drafter {
    /// A drafter for the analysed document `a` (its declared, readable inputs
    /// only). `doc_name` is how the document is named to Claude.
    pub fn new(
        cfg: ClaudeConfig,
        prompts: Prompts,
        a: &Analysis,
        doc_name: &str,
    ) -> Result<Drafter, DraftError> {
        Drafter::with_privacy(
            cfg,
            prompts,
            a,
            doc_name,
            &crate::privacy::Redactor::default(),
        )
    }

    /// [`Drafter::new`] redacting by `redactor` (the `[privacy]` settings):
    /// inputs and the document are redacted before any request is built.
    pub fn with_privacy(
        cfg: ClaudeConfig,
        prompts: Prompts,
        a: &Analysis,
        doc_name: &str,
        redactor: &crate::privacy::Redactor,
    ) -> Result<Drafter, DraftError> {
        let inputs = readable_inputs(a, redactor)?;
        let system = prompts.system().map_err(|e| {
            DraftError::Setup(format!("The system prompt can't be used: {e}. Fix `[claude] prompts_dir` or remove it to use the built-in prompts."))
        })?;
        let client = ClaudeClient::new(cfg)?;
        let largest_input = inputs
            .iter()
            .max_by_key(|i| crate::claude::models::estimate_tokens(&i.text))
            .map(|i| i.rel.clone());
        Ok(Drafter {
            client,
            prompts,
            system,
            largest_input,
            input_files: inputs.iter().map(|i| i.rel.clone()).collect(),
            redacted: inputs
                .iter()
                .map(|i| (i.rel.clone(), i.redacted.clone()))
                .collect(),
            redactor: redactor.clone(),
            inputs: inputs.into_iter().map(|i| (i.name, i.text)).collect(),
            doc_name: doc_name.to_string(),
            first_ask: None,
            turns: Vec::new(),
            note: None,
            totals: Totals::default(),
        })
    }

    /// Shorter waits between retries (tests).
    pub fn with_backoff_base(mut self, base: std::time::Duration) -> Self {
        self.client = self.client.with_backoff_base(base);
        self
    }

    /// The input files sent, as declared (`report.md`, `chat.log`, …).
    pub fn input_files(&self) -> &[String] {
        &self.input_files
    }

    pub fn model(&self) -> &str {
        &self.client.config().model
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    fn task(&self, target: &Target, language: &str) -> Result<(String, Value), DraftError> {
        let section = target.section();
        let schema = schema_out::section_schema(section)
            .ok_or_else(|| DraftError::UnknownSection(section.to_string()))?;
        let what = match target {
            Target::Review => self.prompts.review(),
            Target::Section(s) => {
                if !is_draftable(s) {
                    return Err(DraftError::UnknownSection(s.clone()));
                }
                self.prompts.section(s)
            }
        }
        .map_err(|e| {
            DraftError::Setup(format!("The prompt for `{section}` can't be used: {e}."))
        })?;
        // Properties in the card's order (structured outputs follow it).
        let schema_text = schema_out::ordered_text(&schema);
        let marker = if language.starts_with("Traditional Chinese") {
            " Where no input supports a needed claim, cite `[來源未明示,需確認]` (the Traditional Chinese form of the marker) and give it confidence L."
        } else {
            " Where no input supports a needed claim, cite `[source unstated, needs confirmation]` and give it confidence L."
        };
        let task = format!(
            "<task section=\"{section}\">\n{}\n\nAnswer with one JSON object whose only key is `{section}`, matching this JSON Schema:\n{schema_text}\n\nWrite the text in {language}.{marker}\n</task>\n",
            what.trim_end()
        );
        Ok((task, schema))
    }

    /// The request body for the conversation so far plus `ask`.
    fn body(&self, schema: &Value) -> Value {
        self.body_for(self.first_ask.as_ref(), schema)
    }

    fn body_for(&self, first_ask: Option<&FirstAsk>, schema: &Value) -> Value {
        let mut body = build_body(
            self.client.config(),
            &PromptParts {
                system: &self.system,
                inputs: &self.inputs,
                ask: "",
                schema: Some(schema),
                schema_text: Some(&schema_out::ordered_text(schema)),
            },
        );
        if let Some(msgs) = body.get_mut("messages").and_then(Value::as_array_mut) {
            if let (Some(first), Some(content)) = (
                first_ask,
                msgs.first_mut()
                    .and_then(|m| m.get_mut("content"))
                    .and_then(Value::as_array_mut),
            ) {
                // The document, one block per top-level section, then the task.
                for (i, chunk) in first.document.iter().enumerate() {
                    let mut block = json!({"type": "text", "text": chunk});
                    if Some(i) == first.breakpoint && self.turns.is_empty() {
                        // Just before the section being drafted: the next
                        // command, drafting a later section of the document as
                        // it will be, repeats these blocks and one more, and
                        // the API finds this prefix by looking back from its
                        // own breakpoint (prompt-caching docs: earlier block
                        // boundaries, about 20 back).
                        block["cache_control"] = json!({"type": "ephemeral"});
                    }
                    content.push(block);
                }
                content.push(json!({"type": "text", "text": first.task}));
            }
            msgs.extend(self.turns.iter().cloned());
            // Cache breakpoints (two are the system prompt and the inputs): the
            // end of this request, and the end of the previous user turn, which
            // is where the previous request's cache ends.
            let users: Vec<usize> = msgs
                .iter()
                .enumerate()
                .filter(|(_, m)| m["role"] == "user")
                .map(|(i, _)| i)
                .collect();
            for &i in users.iter().rev().take(2) {
                if let Some(last) = msgs[i]["content"].as_array_mut().and_then(|c| c.last_mut()) {
                    if last.get("cache_control").is_none() {
                        last["cache_control"] = json!({"type": "ephemeral"});
                    }
                }
            }
        }
        body
    }

    /// Counts the request before it is sent: a conservative local estimate,
    /// and, when that comes near the limit, the token-counting endpoint
    /// (token-counting docs) unless `count_tokens = false` or the gateway
    /// lacks it. The limit is the context window less `max_tokens`.
    async fn check_size(&self, body: &Value, cancel: &CancellationToken) -> Result<(), DraftError> {
        let cfg = self.client.config();
        let window = crate::claude::models::context_window(&cfg.model, cfg.context_window);
        let limit = window.saturating_sub(u64::from(cfg.max_tokens));
        let estimate = estimate_body_tokens(body);
        if estimate <= limit / 2 {
            return Ok(());
        }
        let counted = if cfg.count_tokens {
            self.client.count_tokens(body, cancel).await
        } else {
            None
        };
        if cancel.is_cancelled() {
            return Err(DraftError::Claude(ClaudeError::Cancelled));
        }
        let tokens = counted.unwrap_or(estimate);
        if tokens > limit {
            return Err(DraftError::InputTooLong {
                tokens,
                limit,
                largest: self.largest_input.clone(),
            });
        }
        Ok(())
    }

    async fn ask(
        &mut self,
        schema: &Value,
        section: &str,
        repair: bool,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(DraftEvent) + Send),
    ) -> Result<String, DraftError> {
        let body = self.body(schema);
        self.check_size(&body, cancel).await?;
        on_event(DraftEvent::Request {
            section: section.to_string(),
            repair,
        });
        let s = section.to_string();
        let outcome = self
            .client
            .stream_message(&body, cancel, &mut |p| {
                on_event(DraftEvent::Stream {
                    section: s.clone(),
                    progress: p,
                })
            })
            .await?;
        self.totals.add(&outcome.usage, outcome.retries);
        if let Some(e) = stop_error(
            outcome.stop_reason.as_deref(),
            self.client.config().max_tokens,
            &self.largest_input,
        ) {
            return Err(e);
        }
        // The API refuses empty text blocks ("text content blocks must be
        // non-empty"), so an empty answer goes back as a short note.
        let said = if outcome.text.trim().is_empty() {
            "(no answer)".to_string()
        } else {
            outcome.text.clone()
        };
        self.turns
            .push(json!({"role": "assistant", "content": [{"type": "text", "text": said}]}));
        Ok(outcome.text)
    }

    /// Undo the turns of a section that produced no answer, so the
    /// conversation stays user/assistant/user… for a later section. After a
    /// refusal the whole conversation starts again.
    fn rollback(&mut self, turns: usize, started_here: bool, e: &DraftError) {
        if matches!(e, DraftError::Refused) {
            self.turns.clear();
            self.first_ask = None;
            self.note = None;
            return;
        }
        self.turns.truncate(turns);
        if started_here {
            self.first_ask = None;
        }
    }

    /// The first user turn: the document (redacted like the inputs), then the task.
    fn first_ask_for(&self, base: &str, section: &str, task: &str) -> FirstAsk {
        let doc = self.redactor.redact(base, &self.doc_name).text;
        FirstAsk::new(&self.doc_name, &doc, section, task)
    }

    /// What the first request for `target` would send, without sending it:
    /// the exact body (redacted; the key is a header and never in it), and
    /// its summary for the consent question.
    pub fn preview(
        &self,
        base: &str,
        target: &Target,
        analyze: &(dyn Fn(String) -> Analysis + Send + Sync),
    ) -> Result<Preview, DraftError> {
        let a = analyze(base.to_string());
        let (task, schema) = self.task(target, document_language(&a))?;
        let body = match &self.first_ask {
            None => self.body_for(
                Some(&self.first_ask_for(base, target.section(), &task)),
                &schema,
            ),
            Some(_) => {
                let mut b = self.body(&schema);
                if let Some(m) = b.get_mut("messages").and_then(Value::as_array_mut) {
                    m.push(json!({"role": "user", "content": [{"type": "text", "text": task}]}));
                }
                b
            }
        };
        let text_bytes = texts_of(&body).map(str::len).sum::<usize>();
        let tokens = texts_of(&body).map(estimate_tokens).sum::<u64>();
        let doc_redacted = self.redactor.scan(base, &self.doc_name);
        let mut files = vec![self.doc_name.clone()];
        files.extend(self.input_files.iter().cloned());
        let redacted =
            self.redacted.iter().map(|(_, f)| f.len()).sum::<usize>() + doc_redacted.len();
        Ok(Preview {
            body,
            files,
            bytes: text_bytes,
            tokens,
            redacted,
            model: self.client.config().model.clone(),
            destination: destination(&self.client.config().base_url),
        })
    }

    /// Per input file, the kinds and lines redacted from it.
    pub fn redactions(&self) -> &[(String, Vec<crate::privacy::Finding>)] {
        &self.redacted
    }

    /// Drafts `target` for the document `base` (the text the result applies to),
    /// checking it with `analyze` (the document's own analysis settings).
    pub async fn draft(
        &mut self,
        base: &str,
        target: &Target,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(DraftEvent) + Send),
        analyze: &(dyn Fn(String) -> Analysis + Send + Sync),
    ) -> Result<Drafted, DraftError> {
        let section = target.section().to_string();
        let base_analysis = analyze(base.to_string());
        if base_analysis.root().is_some_and(|r| r.as_map().is_none()) {
            return Err(DraftError::Setup(
                "The document's top level is not a map of sections, so a section can't be placed in it. Fix the YAML first.".into(),
            ));
        }
        let had_content = splice::has_content(&base_analysis.parsed, &section);
        let style = Style::detect(base, &base_analysis.parsed);
        let language = document_language(&base_analysis);
        let (task, schema) = self.task(target, language)?;

        // The first request of a conversation carries the document; later
        // ones say what became of the previous draft.
        let turns_at_start = self.turns.len();
        let started_here = self.first_ask.is_none();
        if self.first_ask.is_none() {
            self.first_ask = Some(self.first_ask_for(base, &section, &task));
        } else {
            let note = self.note.take().unwrap_or_default();
            self.turns.push(json!({"role": "user", "content": [{"type": "text", "text": format!("{note}{task}")}]}));
        }

        let mut repaired = false;
        loop {
            let answer = match self
                .ask(&schema, &section, repaired, cancel, on_event)
                .await
            {
                Ok(a) => a,
                Err(e) => {
                    self.rollback(turns_at_start, started_here, &e);
                    return Err(e);
                }
            };
            on_event(DraftEvent::Checking {
                section: section.clone(),
            });
            let (problems, rendered) = match self.evaluate(&answer, base, &section, &style, analyze)
            {
                Ok(Evaluated::Good {
                    yaml,
                    spliced,
                    warnings,
                }) => {
                    self.note = Some(format!(
                        "The `{section}` draft was accepted and is now in the document.\n\n"
                    ));
                    return Ok(Drafted {
                        section,
                        yaml,
                        text: spliced.text,
                        span: spliced.section,
                        had_content,
                        warnings,
                        repaired,
                    });
                }
                Ok(Evaluated::Bad { yaml, problems }) => (problems, yaml),
                Err(why) => (vec![why], answer.clone()),
            };
            if repaired {
                self.note = Some(format!(
                    "The `{section}` draft was not used, because of these problems: {}\n\n",
                    problems.join("; ")
                ));
                return Err(DraftError::Rejected {
                    section,
                    reasons: problems,
                    draft: rendered,
                });
            }
            repaired = true;
            on_event(DraftEvent::Repairing {
                section: section.clone(),
                problems: problems.len(),
            });
            let list: String = problems.iter().map(|p| format!("- {p}\n")).collect();
            self.turns.push(json!({"role": "user", "content": [{"type": "text", "text": format!(
                "The `{section}` draft can't be used yet. Checked against the inputs and the postmortem rules, it has these problems:\n{list}\nAnswer again with the whole `{section}` section, fixed: cite only paragraphs and lines that exist in the inputs as numbered above, and write TODO(what is missing) where the inputs don't say. Same JSON form as before."
            )}]}));
        }
    }

    fn evaluate(
        &self,
        answer: &str,
        base: &str,
        section: &str,
        style: &Style,
        analyze: &(dyn Fn(String) -> Analysis + Send + Sync),
    ) -> Result<Evaluated, String> {
        let v = value::parse_answer(answer)?;
        let v = value::extract_section(v, section)?;
        let field =
            value::top_field(section).ok_or_else(|| format!("`{section}` is not a section"))?;
        let v = value::normalize(v, &field.kind);
        let mut yaml = render::render_section(section, &v, style);
        if !reads_back(&yaml, section, &v) {
            yaml = render::render_section_quoted(section, &v, style);
        }
        let shape = schema_out::check_answer(section, &v);
        if !shape.is_empty() {
            return Ok(Evaluated::Bad {
                yaml,
                problems: shape,
            });
        }
        let spliced = splice::splice(base, section, &yaml, Mode::Replace, style.blank_between);
        let a = analyze(spliced.text.clone());
        let checked = check::check_section(&a, section, &spliced.section);
        if checked.errors.is_empty() {
            Ok(Evaluated::Good {
                yaml,
                spliced,
                warnings: checked.warnings,
            })
        } else {
            Ok(Evaluated::Bad {
                yaml,
                problems: checked.errors.iter().map(Problem::describe).collect(),
            })
        }
    }
}

/// The first user turn after the inputs: the document, cut before each
/// top-level key (with the blank and comment lines before it), so a
/// document that only gained a section at its end repeats the earlier
/// blocks byte for byte; then the task.
struct FirstAsk {
    document: Vec<String>,
    task: String,
    /// The block that ends just before where `section` is (or goes).
    breakpoint: Option<usize>,
}

impl FirstAsk {
    fn new(doc_name: &str, base: &str, section: &str, task: &str) -> FirstAsk {
        let mut keys: Vec<String> = Vec::new();
        let mut document: Vec<String> = Vec::new();
        let mut current = format!("<document name=\"{doc_name}\">\n");
        let mut pending = String::new(); // blank and comment lines at column 0
        let mut has_key = false;
        for line in base.split_inclusive('\n') {
            let top_key = line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            let filler = line.trim().is_empty() || line.starts_with('#');
            if top_key && has_key {
                document.push(std::mem::take(&mut current));
                current = std::mem::take(&mut pending);
            } else if !filler {
                current.push_str(&std::mem::take(&mut pending));
            }
            has_key |= top_key;
            if top_key {
                let key = line.split(':').next().unwrap_or("").trim().to_string();
                keys.push(key);
            }
            if filler {
                pending.push_str(line);
            } else {
                current.push_str(line);
            }
        }
        if !current.ends_with('\n') {
            current.push('\n');
        }
        document.push(current);
        // Blank or comment lines at the very end go with the task: they move
        // in front of a section added after them.
        let order = |k: &str| crate::schema::TOP.iter().position(|f| f.name == k);
        let at = order(section);
        let next = keys
            .iter()
            .position(|k| k == section || (order(k).is_some() && order(k) > at));
        let breakpoint = match next {
            Some(0) => None,
            Some(i) => Some(i - 1),
            None => document.len().checked_sub(1),
        };
        FirstAsk {
            document,
            task: format!("{pending}</document>\n\n{task}"),
            breakpoint,
        }
    }
}

/// What a request would send: the body and the figures the consent
/// question shows.
#[derive(Clone, Debug)]
pub struct Preview {
    /// The exact request body (redacted).
    pub body: Value,
    /// The document, then the input files, as named.
    pub files: Vec<String>,
    /// Bytes of text in the body.
    pub bytes: usize,
    /// A rough token count (about 4 characters a token for Latin text, one a
    /// character for CJK).
    pub tokens: u64,
    /// Secrets (and personal data, when switched on) redacted.
    pub redacted: usize,
    pub model: String,
    /// "Anthropic", or the host the base URL points at.
    pub destination: String,
}

impl Preview {
    /// "Send postmortem.yaml, report.md, chat.log (23 KB, ≈ 6,100 tokens, 8
    /// secrets redacted) to Anthropic (claude-sonnet-4-6)?"
    pub fn question(&self, locale: crate::diagnostic::Locale) -> String {
        let kb = self.bytes.div_ceil(1024);
        let tokens = thousands(round_tokens(self.tokens));
        let files = self.files.join(", ");
        match locale {
            crate::diagnostic::Locale::En => format!(
                "Send {files} ({kb} KB, ≈ {tokens} tokens, {} redacted) to {} ({})?",
                crate::privacy::count_phrase(self.redacted),
                self.destination,
                self.model
            ),
            crate::diagnostic::Locale::ZhTw => format!(
                "要把 {files}({kb} KB,約 {tokens} 個 token,已遮蔽 {} 項機密)傳送給 {}({})嗎?",
                self.redacted, self.destination, self.model
            ),
        }
    }

    /// The exact body as JSON, as `--dry-run` prints it.
    pub fn pretty(&self) -> String {
        serde_json::to_string_pretty(&self.body).unwrap_or_default()
    }

    /// The same body laid out to be read ("Show what is sent"): each text
    /// block as it is, line by line, then the other fields as JSON.
    pub fn readable(&self) -> String {
        let mut out = format!(
            "# What is sent to {} ({}), redacted\n\nNothing has been sent yet. The API key travels as a header and is not part of this. {} redacted.\n",
            self.destination,
            self.model,
            crate::privacy::count_phrase(self.redacted)
        );
        for block in self.body["system"].as_array().into_iter().flatten() {
            if let Some(t) = block["text"].as_str() {
                out.push_str(&format!("\n## system\n\n{t}\n"));
            }
        }
        for m in self.body["messages"].as_array().into_iter().flatten() {
            let role = m["role"].as_str().unwrap_or("?");
            for block in m["content"].as_array().into_iter().flatten() {
                if let Some(t) = block["text"].as_str() {
                    out.push_str(&format!("\n## {role}\n\n{t}"));
                    if !t.ends_with('\n') {
                        out.push('\n');
                    }
                }
            }
        }
        let mut rest = self.body.clone();
        if let Some(o) = rest.as_object_mut() {
            o.remove("system");
            o.remove("messages");
        }
        out.push_str(&format!(
            "\n## the other fields\n\n{}\n",
            serde_json::to_string_pretty(&rest).unwrap_or_default()
        ));
        out
    }
}

/// Two significant digits: 6,143 → 6,100.
fn round_tokens(n: u64) -> u64 {
    let mut m = 1;
    while n / m >= 100 {
        m *= 10;
    }
    (n + m / 2) / m * m
}

fn texts_of(body: &Value) -> impl Iterator<Item = &str> {
    let system = body["system"].as_array().into_iter().flatten();
    let msgs = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["content"].as_array().into_iter().flatten());
    system.chain(msgs).filter_map(|b| b["text"].as_str())
}

fn estimate_tokens(s: &str) -> u64 {
    let (mut narrow, mut wide) = (0u64, 0u64);
    for c in s.chars() {
        if (c as u32) < 0x2E80 {
            narrow += 1;
        } else {
            wide += 1;
        }
    }
    narrow.div_ceil(4) + wide
}

/// Where the base URL sends requests, as the consent question names it.
fn destination(base_url: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.eq_ignore_ascii_case("api.anthropic.com") || host.is_empty() {
        "Anthropic".to_string()
    } else {
        host.to_string()
    }
}

enum Evaluated {
    Good {
        yaml: String,
        spliced: Spliced,
        warnings: Vec<Problem>,
    },
    Bad {
        yaml: String,
        problems: Vec<String>,
    },
}

/// Does the rendered YAML read back as the same value?
fn reads_back(yaml: &str, section: &str, v: &value::V) -> bool {
    let p = crate::syntax::parse(yaml);
    p.errors.is_empty()
        && p.root
            .as_ref()
            .and_then(|r| r.get(section))
            .and_then(|n| value::from_node(n).ok())
            .is_some_and(|back| {
                back == *v || (matches!(v, value::V::Null) && back == value::V::Null)
            })
}

/// What "Draft all missing sections" drafts: the [`missing_sections`], then
/// the `verify` review when there was something to draft and `verify` has no
/// content yet (card: the output ends with `<verify>`).
pub fn missing_plan(a: &Analysis) -> Vec<String> {
    let mut plan: Vec<String> = missing_sections(a)
        .into_iter()
        .map(str::to_string)
        .collect();
    if !plan.is_empty() && !splice::has_content(&a.parsed, REVIEW_SECTION) {
        plan.push(REVIEW_SECTION.to_string());
    }
    plan
}

/// Tokens of a request body by [`crate::claude::models::estimate_tokens`]:
/// every text block, the system prompt and any `output_config` schema.
pub fn estimate_body_tokens(body: &Value) -> u64 {
    fn walk(v: &Value, n: &mut u64) {
        match v {
            Value::String(s) => *n += crate::claude::models::estimate_tokens(s),
            Value::Array(a) => a.iter().for_each(|x| walk(x, n)),
            Value::Object(o) => {
                for (k, x) in o {
                    if k != "cache_control" && k != "type" && k != "role" {
                        walk(x, n);
                    }
                }
            }
            _ => {}
        }
    }
    let mut n = 0;
    for k in ["system", "messages"] {
        if let Some(v) = body.get(k) {
            walk(v, &mut n);
        }
    }
    if let Some(oc) = body.get("output_config") {
        n += crate::claude::models::estimate_tokens(&oc.to_string());
    }
    n
}

/// The sections still to write: absent, or only placeholders (`TODO…`,
/// empty), in schema order.
pub fn missing_sections(a: &Analysis) -> Vec<&'static str> {
    draftable()
        .filter(|s| !splice::has_content(&a.parsed, s))
        .collect()
}

/// The document's name as shown to Claude (its file name).
pub fn doc_name(path: Option<&Path>) -> String {
    path.and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or("postmortem.yaml")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_cut_before_each_top_level_key() {
        let a = FirstAsk::new("p.yaml", "# head\nincident_ref:\n  id: X\n\n# about inputs\ninputs:\n  r: r.md\n\n  # inner\n  c: c.log\n", "timeline", "T");
        assert_eq!(
            a.document,
            [
                "<document name=\"p.yaml\">\n# head\nincident_ref:\n  id: X\n",
                "\n# about inputs\ninputs:\n  r: r.md\n\n  # inner\n  c: c.log\n",
            ]
        );
        assert_eq!(a.task, "</document>\n\nT");
        // A section added at the end leaves the earlier blocks as they were,
        // even after trailing blank lines.
        let b = FirstAsk::new("p.yaml", "# head\nincident_ref:\n  id: X\n\n# about inputs\ninputs:\n  r: r.md\n\n  # inner\n  c: c.log\n\ntimeline:\n  - at: x\n\n", "timeline", "T");
        assert_eq!(b.task, "\n</document>\n\nT");
        assert_eq!(b.document[..2], a.document[..]);
        assert_eq!(b.document[2], "\ntimeline:\n  - at: x\n");
        // The breakpoint goes just before the section drafted.
        assert_eq!(a.breakpoint, Some(1));
        assert_eq!(b.breakpoint, Some(1));
        let c = FirstAsk::new(
            "p",
            "incident_ref:\n  id: X\ntimeline: TODO\n",
            "incident_ref",
            "T",
        );
        assert_eq!(c.breakpoint, None);
        let d = FirstAsk::new(
            "p",
            "incident_ref: x\ninputs: y\ntimeline: z\nroot_cause: TODO\nslo_impact: TODO\n",
            "root_cause",
            "T",
        );
        assert_eq!(d.breakpoint, Some(2));
        assert_eq!(
            FirstAsk::new("p", "x: 1", "timeline", "T").document,
            ["<document name=\"p\">\nx: 1\n"]
        );
    }

    #[test]
    fn numbers_and_urls() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        let cfg = Config::parse_toml(
            "[claude]\nbase_url = \"https://evil.example:8443/v1\"\n",
            None,
        );
        assert!(check_file_base_url(&cfg, false).is_err());
        assert!(check_file_base_url(&cfg, true).is_ok());
        for ok in [
            "http://127.0.0.1:9/",
            "https://api.anthropic.com",
            "http://[::1]:80",
            "http://localhost",
        ] {
            let cfg = Config::parse_toml(&format!("[claude]\nbase_url = \"{ok}\"\n"), None);
            assert!(check_file_base_url(&cfg, false).is_ok(), "{ok}");
        }
        let cfg = Config::default();
        let opts = crate::analysis::Options::new(&cfg);
        let en = crate::analysis::analyze(
            "what_went_well:\n  - The page was acknowledged four minutes after it fired, and the incident was declared\n".into(),
            &opts,
        );
        assert_eq!(document_language(&en), "English");
        let zh = crate::analysis::analyze(
            "what_went_well:\n  - 值班工程師在告警後四分鐘內確認,並宣告 SEV-2 事故,指派 IC 協調處理與對外溝通 [chat L15]\n".into(),
            &opts,
        );
        assert_eq!(document_language(&zh), "Traditional Chinese (zh-TW)");
        let bad = Config::parse_toml("[claude]\ntemperature = 7\n", None);
        assert!(matches!(
            claude_config(&bad, None),
            Err(DraftError::Setup(_))
        ));
    }
}

#[cfg(test)]
mod engine_tests {
    use super::*;
    use crate::analysis::{analyze, Options};
    use fake_anthropic::{FakeAnthropic, Reply};

    const EXAMPLE: &str = include_str!("../../../examples/checkout-outage/postmortem.yaml");

    fn without(text: &str, section: &str) -> String {
        let p = crate::syntax::parse(text);
        let span = splice::find(&p, section).unwrap().span.clone();
        // Drop the section and the blank line after it.
        let end = text[span.end..]
            .find(|c: char| c != '\n')
            .map_or(text.len(), |i| span.end + i);
        format!("{}{}", &text[..span.start], &text[end..])
    }

    #[tokio::test]
    async fn drafts_the_example_back_into_place_and_repairs_once() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage");
        let path = dir.join("postmortem.yaml");
        let config = Config::default();
        let an = |t: String| {
            let mut o = Options::new(&config);
            o.path = Some(&path);
            o.root = Some(&dir);
            analyze(t, &o)
        };
        let server = FakeAnthropic::start().await;
        let cfg = ClaudeConfig {
            base_url: server.url(),
            ..ClaudeConfig::default()
        }
        .with_api_key("sk-test");
        for section in [
            "root_cause",
            "decision_log",
            "what_went_well",
            "blameless_summary",
            "slo_impact",
            "verify",
        ] {
            let base = without(EXAMPLE, section);
            let answer = value::answer_for(EXAMPLE, section).unwrap();
            // The first answer cites a paragraph that does not exist; the repair fixes it.
            let broken = answer.replacen("§", "§9", 1);
            if broken != answer {
                server.push(Reply::text(broken));
            }
            server.push(Reply::text(format!("```json\n{answer}\n```")));
            let mut d = Drafter::new(
                cfg.clone(),
                Prompts::embedded(),
                &an(base.clone()),
                "postmortem.yaml",
            )
            .unwrap();
            let target = if section == "verify" {
                Target::Review
            } else {
                Target::Section(section.into())
            };
            let mut events = Vec::new();
            let out = d
                .draft(
                    &base,
                    &target,
                    &CancellationToken::new(),
                    &mut |e| events.push(e),
                    &an,
                )
                .await
                .unwrap_or_else(|e| panic!("{section}: {e:?}"));
            let value_of = |t: &str| {
                let p = crate::syntax::parse(t);
                value::from_node(p.root.as_ref().unwrap().get(section).unwrap()).unwrap()
            };
            assert_eq!(
                value_of(&out.text),
                value_of(EXAMPLE),
                "{section}:\n{}",
                out.yaml
            );
            if matches!(section, "root_cause" | "slo_impact" | "blameless_summary") {
                assert_eq!(out.text, EXAMPLE, "{section}:\n{}", out.yaml);
            } else {
                assert_eq!(
                    out.text.len() - out.yaml.len(),
                    base.len() + 2,
                    "only the section was added"
                );
            }
            assert_eq!(
                out.repaired,
                events
                    .iter()
                    .any(|e| matches!(e, DraftEvent::Repairing { .. }))
            );
            assert!(!out.had_content);
        }
        let reqs = server.requests();
        let repair = reqs.iter().find_map(|r| {
            let b = r.json()?;
            let last = b["messages"].as_array()?.last()?.clone();
            last["content"][0]["text"]
                .as_str()
                .filter(|t| t.contains("can't be used yet"))
                .map(str::to_string)
        });
        assert!(
            repair.unwrap().contains("PM402"),
            "the repair request names the problem"
        );
    }
}

//! Reviewing a postmortem's blameless wording with Claude: a deeper reading
//! of the values PM301–PM306 check, on request. Nothing here knows about
//! LSP; the language server asks for consent, runs a [`WordingReview`] and
//! shows the [`Located`] findings as diagnostics.
//!
//! What is sent: only the prose values ([`crate::rules::prose`]: what the
//! blameless rules read; never `inputs`, ids, dates or sources), each as one
//! JSON line `{"path", "text"}`, redacted by the same [`Redactor`] and
//! `[privacy]` settings as drafts: the document is scanned as a whole, as a
//! draft sends it, and each value on its own, and every character of a value
//! that either scan finds is replaced by `[REDACTED:<kind>]`.
//!
//! The answer is held to [`SCHEMA_TEXT`] (sent as `output_config` with
//! `structured_output`, else written in the task, as drafts do), parsed
//! strictly ([`parse_findings`]); an answer that does not hold gets one
//! repair round trip. Each finding is then located in the text the review
//! started from ([`locate`]): its path must name a prose value and its quote
//! must occur in that value, or it is dropped and counted, never guessed.

use crate::analysis::Analysis;
use crate::claude::{build_body, ClaudeClient, ClaudeConfig, PromptParts};
use crate::diagnostic::Locale;
use crate::privacy::{Finding as Secret, Redactor};
use crate::rules::prose;
use crate::{DraftError, DraftEvent, Preview, Prompts, Totals};
use serde_json::{json, Value};
use std::ops::Range;
use tokio_util::sync::CancellationToken;

/// How the review is named in progress messages (the "section" of its
/// [`DraftEvent`]s).
pub const LABEL: &str = "blameless wording";

/// The rules a finding may name.
pub const RULES: [&str; 6] = ["PM301", "PM302", "PM303", "PM304", "PM305", "PM306"];

/// The most findings kept from one answer.
const MAX_FINDINGS: usize = 500;

/// The answer's JSON Schema, properties in the order they should be written
/// (structured outputs follow the schema's order). Within the documented
/// subset: every object closed, every property required, one union
/// (`rewrite`: a string or null).
pub const SCHEMA_TEXT: &str = r#"{"type":"object","properties":{"findings":{"type":"array","items":{"type":"object","properties":{"path":{"type":"string","description":"the value's path exactly as given"},"quote":{"type":"string","description":"the exact phrase from that value, copied character for character"},"rule":{"type":"string","enum":["PM301","PM302","PM303","PM304","PM305","PM306"]},"reason":{"type":"string","description":"one short sentence: why, toward the gap in the system"},"rewrite":{"anyOf":[{"type":"string"},{"type":"null"}],"description":"a replacement for the quote alone, or null"}},"required":["path","quote","rule","reason","rewrite"],"additionalProperties":false}}},"required":["findings"],"additionalProperties":false}"#;

/// One finding as Claude returned it (validated, not yet located).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub quote: String,
    pub rule: &'static str,
    pub reason: String,
    pub rewrite: Option<String>,
}

/// A finding located in the text the review started from: `range` is a byte
/// range of the decoded `value` of the scalar at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub path: String,
    pub value: String,
    pub range: Range<usize>,
    pub finding: Finding,
}

/// Findings that could not be placed, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dropped {
    /// The path names no prose value of the document.
    pub no_value: usize,
    /// The quote does not occur in that value.
    pub no_phrase: usize,
}

impl Dropped {
    pub fn total(&self) -> usize {
        self.no_value + self.no_phrase
    }
}

/// One review of one document's wording.
pub struct WordingReview {
    client: ClaudeClient,
    system: String,
    doc_name: String,
    /// (path, redacted text) of each prose value, in document order.
    values: Vec<(String, String)>,
    redacted: usize,
    language: &'static str,
    turns: Vec<Value>,
    totals: Totals,
}

/// The prose values of `a`, each redacted (see the module docs), and how
/// many pieces were redacted.
pub fn redacted_values(
    a: &Analysis,
    redactor: &Redactor,
    doc_name: &str,
) -> (Vec<(String, String)>, usize) {
    let Some(root) = a.root() else {
        return (Vec::new(), 0);
    };
    // The document as a draft sends it: scanned whole.
    let doc = redactor.scan(&a.text, doc_name);
    let mut out = Vec::new();
    let mut count = 0;
    for rec in prose::prose_values(root) {
        let s = rec.scalar;
        let mut marks: Vec<(Range<usize>, String)> = redactor
            .scan(&s.value, doc_name)
            .into_iter()
            .map(|f| (f.span, f.kind))
            .collect();
        for f in doc
            .iter()
            .filter(|f| f.span.start < s.span.end && f.span.end > s.span.start)
        {
            let mut start = None;
            let ends = s.value.char_indices().map(|(i, _)| i);
            for i in ends.chain(std::iter::once(s.value.len())) {
                let inside = i < s.value.len() && f.span.contains(&s.src_offset(i));
                match (inside, start) {
                    (true, None) => start = Some(i),
                    (false, Some(st)) => {
                        marks.push((st..i, f.kind.clone()));
                        start = None;
                    }
                    _ => {}
                }
            }
        }
        marks.sort_by_key(|m| (m.0.start, std::cmp::Reverse(m.0.end)));
        let mut merged: Vec<Secret> = Vec::new();
        for (span, kind) in marks {
            match merged.last_mut() {
                Some(last) if span.start < last.span.end => {
                    last.span.end = last.span.end.max(span.end)
                }
                _ => merged.push(Secret {
                    kind,
                    span,
                    line: 0,
                    end_line: 0,
                }),
            }
        }
        count += merged.len();
        out.push((rec.path, crate::privacy::apply(&s.value, &merged)));
    }
    (out, count)
}

impl WordingReview {
    /// A review of the analysed document `a`, its values redacted by
    /// `redactor` (the document's `[privacy]` settings) before any request
    /// is built. `doc_name` is how the document is named to Claude.
    pub fn new(
        cfg: ClaudeConfig,
        prompts: &Prompts,
        a: &Analysis,
        doc_name: &str,
        redactor: &Redactor,
    ) -> Result<WordingReview, DraftError> {
        let (values, redacted) = redacted_values(a, redactor, doc_name);
        if values.is_empty() {
            return Err(DraftError::Setup(a.locale.pick(
                "There is no prose to review yet. Write the root cause, what went wrong or the action items, then run the review again.",
                "目前還沒有可檢查的文字。請先寫下 root cause、what went wrong 或 action items,再執行一次檢查。",
            ).to_string()));
        }
        let system = prompts.wording().map_err(|e| {
            DraftError::Setup(format!("The review prompt can't be used: {e}. Fix `[claude] prompts_dir` or remove it to use the built-in prompts."))
        })?;
        Ok(WordingReview {
            client: ClaudeClient::new(cfg)?,
            system,
            doc_name: doc_name.to_string(),
            values,
            redacted,
            language: crate::document_language(a),
            turns: Vec::new(),
            totals: Totals::default(),
        })
    }

    /// Shorter waits between retries (tests).
    pub fn with_backoff_base(mut self, base: std::time::Duration) -> Self {
        self.client = self.client.with_backoff_base(base);
        self
    }

    pub fn model(&self) -> &str {
        &self.client.config().model
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The (path, redacted text) pairs sent.
    pub fn values(&self) -> &[(String, String)] {
        &self.values
    }

    fn ask(&self) -> String {
        let mut out = String::from("<values>\n");
        for (path, text) in &self.values {
            // One JSON line each: no value can end the block or start a task.
            out.push_str(&json!({"path": path, "text": text}).to_string());
            out.push('\n');
        }
        out.push_str(&format!(
            "</values>\n\n<task>\nReview the wording of these values of {} as the system prompt says. Answer with one JSON object matching this JSON Schema:\n{SCHEMA_TEXT}\n\nWrite `reason` in {}; write each `rewrite` in the language of the value it replaces.\n</task>\n",
            self.doc_name, self.language
        ));
        out
    }

    /// The request body for the conversation so far.
    fn body(&self) -> Value {
        let schema: Value = serde_json::from_str(SCHEMA_TEXT).unwrap_or(Value::Null);
        let ask = self.ask();
        let mut body = build_body(
            self.client.config(),
            &PromptParts {
                system: &self.system,
                inputs: &[],
                ask: &ask,
                schema: Some(&schema),
                schema_text: Some(SCHEMA_TEXT),
            },
        );
        if let Some(msgs) = body.get_mut("messages").and_then(Value::as_array_mut) {
            msgs.extend(self.turns.iter().cloned());
        }
        body
    }

    /// What the request would send, without sending it, for the consent
    /// question (the same question and "Show what is sent" as drafts).
    pub fn preview(&self) -> Preview {
        let body = self.body();
        let bytes = crate::texts_of(&body).map(str::len).sum::<usize>();
        let tokens = crate::texts_of(&body)
            .map(crate::estimate_tokens)
            .sum::<u64>();
        Preview {
            body,
            files: vec![self.doc_name.clone()],
            bytes,
            tokens,
            redacted: self.redacted,
            model: self.client.config().model.clone(),
            destination: crate::destination(&self.client.config().base_url),
        }
    }

    /// Sends the review and returns Claude's findings, validated (one
    /// repair round trip for an answer that does not hold to the schema).
    pub async fn run(
        &mut self,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(DraftEvent) + Send),
    ) -> Result<Vec<Finding>, DraftError> {
        let mut repaired = false;
        loop {
            let body = self.body();
            let cfg = self.client.config();
            let window = crate::claude::models::context_window(&cfg.model, cfg.context_window);
            let limit = window.saturating_sub(u64::from(cfg.max_tokens));
            let tokens = crate::estimate_body_tokens(&body);
            if tokens > limit {
                return Err(DraftError::InputTooLong {
                    tokens,
                    limit,
                    largest: Some(self.doc_name.clone()),
                });
            }
            on_event(DraftEvent::Request {
                section: LABEL.into(),
                repair: repaired,
            });
            let outcome = self
                .client
                .stream_message(&body, cancel, &mut |p| {
                    on_event(DraftEvent::Stream {
                        section: LABEL.into(),
                        progress: p,
                    })
                })
                .await?;
            self.totals.add(&outcome.usage, outcome.retries);
            let max_tokens = self.client.config().max_tokens;
            if let Some(e) = crate::stop_error(outcome.stop_reason.as_deref(), max_tokens, &None) {
                return Err(e);
            }
            on_event(DraftEvent::Checking {
                section: LABEL.into(),
            });
            let problems = match parse_findings(&outcome.text) {
                Ok(f) => return Ok(f),
                Err(p) => p,
            };
            if repaired {
                return Err(DraftError::Rejected {
                    section: LABEL.into(),
                    reasons: problems,
                    draft: outcome.text,
                });
            }
            repaired = true;
            on_event(DraftEvent::Repairing {
                section: LABEL.into(),
                problems: problems.len(),
            });
            let said = if outcome.text.trim().is_empty() {
                "(no answer)".to_string()
            } else {
                outcome.text
            };
            let list: String = problems.iter().map(|p| format!("- {p}\n")).collect();
            self.turns
                .push(json!({"role": "assistant", "content": [{"type": "text", "text": said}]}));
            self.turns.push(json!({"role": "user", "content": [{"type": "text", "text": format!(
                "That answer can't be read yet:\n{list}\nAnswer again with one JSON object `{{\"findings\": [...]}}` matching the schema above, and nothing else."
            )}]}));
        }
    }
}

/// Reads an answer strictly: one JSON object (code fences stripped, as
/// Claude sometimes adds them) with exactly the schema's keys and types.
/// Returns every problem found, each naming where it is.
pub fn parse_findings(text: &str) -> Result<Vec<Finding>, Vec<String>> {
    let t = crate::claude::strip_fences(text);
    if t.is_empty() {
        return Err(vec!["the answer was empty".into()]);
    }
    let v: Value =
        serde_json::from_str(t).map_err(|e| vec![format!("the answer is not valid JSON ({e})")])?;
    let Some(obj) = v.as_object() else {
        return Err(vec!["the answer is not a JSON object".into()]);
    };
    let mut problems = Vec::new();
    for k in obj.keys().filter(|k| *k != "findings") {
        problems.push(format!("unexpected key `{k}` (only `findings`)"));
    }
    let Some(items) = obj.get("findings").and_then(Value::as_array) else {
        problems.push("`findings` is missing or not a list".into());
        return Err(problems);
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(o) = item.as_object() else {
            problems.push(format!("findings[{i}] is not an object"));
            continue;
        };
        for k in o.keys() {
            if !matches!(k.as_str(), "path" | "quote" | "rule" | "reason" | "rewrite") {
                problems.push(format!("findings[{i}]: unexpected key `{k}`"));
            }
        }
        let mut text = |k: &str| match o.get(k).and_then(Value::as_str).map(str::trim) {
            Some(s) if !s.is_empty() => Some(s.to_string()),
            _ => {
                problems.push(format!("findings[{i}].{k} must be a non-empty string"));
                None
            }
        };
        let (path, quote, rule, reason) =
            (text("path"), text("quote"), text("rule"), text("reason"));
        let rule = rule.and_then(|r| {
            let known = RULES.iter().find(|x| **x == r).copied();
            if known.is_none() {
                problems.push(format!(
                    "findings[{i}].rule `{r}` is not one of PM301–PM306"
                ));
            }
            known
        });
        let rewrite = match o.get("rewrite") {
            Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                problems.push(format!("findings[{i}].rewrite must be a string or null"));
                None
            }
            None => {
                problems.push(format!(
                    "findings[{i}].rewrite is missing (use null for none)"
                ));
                None
            }
        };
        if let (Some(path), Some(quote), Some(rule), Some(reason)) = (path, quote, rule, reason) {
            if out.len() < MAX_FINDINGS {
                out.push(Finding {
                    path,
                    quote,
                    rule,
                    reason,
                    rewrite,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Places findings in the analysed text the review started from: the path
/// must name a prose value and the quote must occur in it (its first
/// occurrence). Anything else is dropped and counted, never guessed.
pub fn locate(a: &Analysis, findings: Vec<Finding>) -> (Vec<Located>, Dropped) {
    let mut out: Vec<Located> = Vec::new();
    let mut dropped = Dropped::default();
    let Some(root) = a.root() else {
        dropped.no_value = findings.len();
        return (out, dropped);
    };
    for f in findings {
        let Some((s, spath)) = prose::scalar_at(root, &f.path) else {
            dropped.no_value += 1;
            continue;
        };
        if !prose::is_judged(&f.path, &spath, &s.value) {
            dropped.no_value += 1;
            continue;
        }
        let Some(at) = s.value.find(f.quote.as_str()) else {
            dropped.no_phrase += 1;
            continue;
        };
        let range = at..at + f.quote.len();
        if out
            .iter()
            .any(|l| l.path == f.path && l.range == range && l.finding.rule == f.rule)
        {
            continue;
        }
        out.push(Located {
            path: f.path.clone(),
            value: s.value.clone(),
            range,
            finding: f,
        });
    }
    (out, dropped)
}

/// The message of a finding shown as a diagnostic: Claude's reason, what to
/// do next, in the document's locale.
pub fn message(f: &Finding, locale: Locale) -> String {
    let name = crate::rules::blameless::rule_name(f.rule).unwrap_or(f.rule);
    let reason = shorten(&f.reason, 240);
    let reason = reason.trim_end_matches(['.', '。']);
    match (locale, f.rewrite.is_some()) {
        (Locale::En, true) => format!(
            "Claude ({name}): {reason}. A rewrite is offered as a quick fix; keep the wording if it reads fine to you."
        ),
        (Locale::En, false) => format!(
            "Claude ({name}): {reason}. Reword it toward the gap in the system, or keep it if it reads fine to you."
        ),
        (Locale::ZhTw, true) => format!(
            "Claude({name}):{reason}。快速修正提供改寫建議;若您覺得原文合適,可保留。"
        ),
        (Locale::ZhTw, false) => format!(
            "Claude({name}):{reason}。請改寫為系統的缺口;若您覺得原文合適,可保留。"
        ),
    }
}

/// `text` cut at `max` characters (with "…"), so a long answer keeps a
/// message or a title short.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}

/// What a review that produced no usable answer says (in place of the
/// drafting wording of [`DraftError`]).
pub fn error_message(e: &DraftError, locale: Locale) -> String {
    match e {
        DraftError::Claude(crate::claude::ClaudeError::Cancelled) => locale
            .pick(
                "The review was cancelled; nothing was changed.",
                "已取消檢查;沒有任何變更。",
            )
            .to_string(),
        DraftError::Rejected { reasons, .. } => {
            let first = reasons.first().map(String::as_str).unwrap_or("?");
            match locale {
                Locale::En => format!(
                    "Claude's review could not be read, even after asking once more ({first}). Nothing was shown; the answer is in the output log. Run the review again."
                ),
                Locale::ZhTw => format!(
                    "再問一次後,仍無法讀取 Claude 的檢查結果({first})。沒有顯示任何結果;回答在輸出記錄中。請再執行一次檢查。"
                ),
            }
        }
        DraftError::Truncated { max_tokens } => match locale {
            Locale::En => format!(
                "Claude's review was cut off at max_tokens ({max_tokens}), so it was not used. Raise `[claude] max_tokens` in .postmortem-lsp.toml and run the review again."
            ),
            Locale::ZhTw => format!(
                "Claude 的檢查結果在 max_tokens({max_tokens})處被截斷,所以沒有採用。請調高 .postmortem-lsp.toml 的 `[claude] max_tokens` 後再執行一次。"
            ),
        },
        DraftError::Refused => locale
            .pick(
                "Claude declined to review this text (refusal), so nothing was shown. Check the values for content that should not be there, then run the review again.",
                "Claude 拒絕檢查這些文字(refusal),沒有顯示任何結果。請檢查內容中是否有不該出現的文字,再執行一次檢查。",
            )
            .to_string(),
        e => e.user_message_for(locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options};
    use crate::config::Config;

    fn an(t: &str) -> Analysis {
        let cfg = Config::default();
        analyze(t.to_string(), &Options::new(&cfg))
    }

    #[test]
    fn the_schema_is_valid_json_in_its_own_order() {
        let v: Value = serde_json::from_str(SCHEMA_TEXT).unwrap();
        let items = &v["properties"]["findings"]["items"];
        assert_eq!(items["required"].as_array().unwrap().len(), 5);
        assert_eq!(items["properties"]["rule"]["enum"], json!(RULES));
        assert!(SCHEMA_TEXT.find("\"path\"").unwrap() < SCHEMA_TEXT.find("\"rewrite\"").unwrap());
    }

    #[test]
    fn answers_are_read_strictly() {
        let good = r#"{"findings":[{"path":"a[0]","quote":"should have","rule":"PM303","reason":"r","rewrite":null}]}"#;
        let f = parse_findings(&format!("```json\n{good}\n```")).unwrap();
        assert_eq!(f[0].rule, "PM303");
        assert_eq!(f[0].rewrite, None);
        assert_eq!(parse_findings(r#"{"findings":[]}"#).unwrap(), vec![]);
        let bad = r#"{"findings":[{"path":"a","quote":"","rule":"PM999","reason":"r","rewrite":3,"x":1}],"more":1}"#;
        let p = parse_findings(bad).unwrap_err();
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(parse_findings("not json").is_err());
        assert!(parse_findings("[]").is_err());
        assert!(parse_findings(
            r#"{"findings":[{"path":"a","quote":"q","rule":"PM301","reason":"r"}]}"#
        )
        .unwrap_err()[0]
            .contains("rewrite is missing"));
    }

    #[test]
    fn long_reasons_are_cut() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("值班者應該", 3), "值班者…");
        let f = Finding {
            path: "p".into(),
            quote: "q".into(),
            rule: "PM303",
            reason: "x".repeat(1000),
            rewrite: None,
        };
        assert!(message(&f, Locale::En).chars().count() < 400);
        assert!(message(&f, Locale::ZhTw).starts_with("Claude(counterfactual):x"));
    }

    #[test]
    fn findings_are_located_or_dropped() {
        let a = an("incident_ref:\n  id: INC-1\nwhat_went_wrong:\n  - \"值班者 should have 看到 🚀 告警\"\n  - Fine\n");
        let f = |path: &str, quote: &str| Finding {
            path: path.into(),
            quote: quote.into(),
            rule: "PM303",
            reason: "r".into(),
            rewrite: None,
        };
        let (located, dropped) = locate(
            &a,
            vec![
                f("what_went_wrong[0]", "should have"),
                f("what_went_wrong[0]", "could have"),
                f("what_went_wrong[9]", "x"),
                f("incident_ref.id", "INC"),
            ],
        );
        assert_eq!(located.len(), 1);
        assert_eq!(&located[0].value[located[0].range.clone()], "should have");
        assert_eq!(
            dropped,
            Dropped {
                no_value: 2,
                no_phrase: 1
            }
        );
    }

    #[test]
    fn values_are_redacted_like_the_document() {
        // Generated at test time: no secret-looking literal is committed.
        let planted = crate::privacy::corpus::issue_eight(&mut crate::privacy::corpus::Gen::new(7));
        let gh = &planted[2];
        let secret = &gh.values[0];
        let a = an(&format!(
            "incident_ref:\n  id: INC-1\ninputs:\n  r: r.md\nwhat_went_wrong:\n  - The token {secret} was in the log\n  - \"A folded \\\"quote\\\" {secret}\"\n"
        ));
        let (values, n) = redacted_values(&a, &Redactor::default(), "p.yaml");
        assert_eq!(values.len(), 2, "{values:?}");
        for (_, v) in &values {
            assert!(!v.contains(secret.as_str()), "{values:?}");
            assert!(v.contains("[REDACTED:github-pat]"), "{values:?}");
        }
        assert_eq!(values[1].1, "A folded \"quote\" [REDACTED:github-pat]");
        assert_eq!(n, 2);
    }
}

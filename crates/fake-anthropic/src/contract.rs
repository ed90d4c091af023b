//! The documented contract the fake Anthropic server holds requests to, and
//! the prompt cache it simulates. Each part names the documented behaviour it
//! mirrors (Anthropic's platform docs, summarised with their sources in
//! `shared/research/facts.md`, "Claude Messages API"). Where the docs give a
//! status and error type but not the exact wording, the message here is ours
//! and says so.
//!
//! - Errors page (<https://platform.claude.com/docs/en/api/errors>): every
//!   refusal is `{"type":"error","error":{"type","message"},"request_id"}`;
//!   malformed requests are 400 `invalid_request_error`.
//! - Messages API reference (<https://platform.claude.com/docs/en/api/messages>):
//!   `model`, `max_tokens` and `messages` are required.
//! - Migration guide: Claude Opus 4.7 and later answer 400 to `temperature`,
//!   `top_p` or `top_k` ([`ModelFacts::refuses_sampling`]).
//! - Public issue reports: an empty text block is refused with
//!   "messages: text content blocks must be non-empty".
//! - Prompt caching (<https://platform.claude.com/docs/en/build-with-claude/prompt-caching>):
//!   at most 4 `cache_control` breakpoints; the prefix is tools, system,
//!   messages in that order, up to and including the marked block; a hit
//!   needs the whole prefix identical; the system also checks earlier block
//!   boundaries, about 20 blocks back from each breakpoint; prefixes below the
//!   model's minimum are silently not cached; entries live 5 minutes (or
//!   `ttl: "1h"`) and each hit refreshes them; `usage` splits the input into
//!   `input_tokens` (after the last breakpoint, or everything uncached),
//!   `cache_creation_input_tokens` and `cache_read_input_tokens`.
//! - Structured outputs (<https://platform.claude.com/docs/en/build-with-claude/structured-outputs>):
//!   changing `output_config.format` invalidates the prompt cache (Claude
//!   receives a system prompt derived from the schema, so the schema is part
//!   of every prefix here); unsupported schema features are refused with 400:
//!   numerical constraints, string length constraints, `minItems` other than
//!   0 or 1, `additionalProperties` other than `false`, more than 24 optional
//!   properties or more than 16 union-typed parameters in one schema.
//! - Context windows (<https://platform.claude.com/docs/en/build-with-claude/context-windows>):
//!   a prompt longer than the window is refused with 400 ("prompt is too
//!   long: N tokens > M maximum").
//! - Token counting (<https://platform.claude.com/docs/en/build-with-claude/token-counting>):
//!   `POST /v1/messages/count_tokens` takes the same `model`, `system`,
//!   `messages` and answers `{"input_tokens": N}`.
//!
//! Tokens are not Claude's tokenizer: one token per 4 bytes of text, rounded
//! up per block, which is enough to test shares and limits.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

/// The most `cache_control` breakpoints one request may carry.
pub const MAX_BREAKPOINTS: usize = 4;
/// How far back from a breakpoint earlier block boundaries are checked.
pub const LOOKBACK_BLOCKS: usize = 20;
/// Structured outputs: optional properties allowed in one schema.
pub const MAX_OPTIONAL_PROPERTIES: usize = 24;
/// Structured outputs: union-typed (`anyOf`, type lists) parameters in one schema.
pub const MAX_UNION_PARAMETERS: usize = 16;

/// What the fake assumes about a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelFacts {
    /// The shortest prefix that is cached, in tokens (prompt caching page:
    /// 1,024 for Sonnet 4.6 in the current copy; 4,096 for Opus 4.5 and
    /// later and Haiku 4.5; 1,024 otherwise).
    pub min_cache_tokens: u64,
    /// The context window in tokens (models overview: 200k).
    pub context_window: u64,
    /// Answers 400 to `temperature`, `top_p`, `top_k` (migration guide:
    /// Opus 4.7 and later).
    pub refuses_sampling: bool,
}

/// The facts for a model id; unknown ids (gateways, tests) get Sonnet's.
pub fn model_facts(model: &str) -> ModelFacts {
    let m = model.to_ascii_lowercase();
    let nums: Vec<u32> = m
        .split(['-', '.', '@'])
        .filter_map(|p| p.parse().ok())
        .filter(|n| *n < 100)
        .collect();
    let ver = (
        nums.first().copied().unwrap_or(0),
        nums.get(1).copied().unwrap_or(0),
    );
    let opus = m.contains("opus");
    let new_opus = opus && ver >= (4, 5);
    let new_haiku = m.contains("haiku") && ver >= (4, 5);
    ModelFacts {
        min_cache_tokens: if new_opus || new_haiku { 4096 } else { 1024 },
        context_window: 200_000,
        refuses_sampling: (opus && ver >= (4, 7)) || m.contains("mythos") || ver.0 >= 5,
    }
}

/// A refusal: status, `error.type`, `error.message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub kind: &'static str,
    pub message: String,
}

fn bad(message: impl Into<String>) -> Refusal {
    Refusal {
        status: 400,
        kind: "invalid_request_error",
        message: message.into(),
    }
}

/// Tokens of a text in this fake: one per 4 bytes, rounded up.
pub fn fake_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

/// Checks a `POST /v1/messages` body (`count_only` for count_tokens, which
/// takes no `max_tokens`).
pub fn validate(body: &[u8], count_only: bool) -> Result<Value, Refusal> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| bad(format!("The request body is not valid JSON: {e}")))?;
    let Some(obj) = v.as_object() else {
        return Err(bad("The request body must be a JSON object"));
    };
    let model = match obj.get("model") {
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        Some(_) => return Err(bad("model: Input should be a valid string")),
        None => return Err(bad("model: Field required")),
    };
    if !count_only {
        match obj.get("max_tokens") {
            Some(n) if n.as_u64().is_some_and(|n| n >= 1) => {}
            Some(_) => {
                return Err(bad(
                    "max_tokens: Input should be greater than or equal to 1",
                ))
            }
            None => return Err(bad("max_tokens: Field required")),
        }
        let facts = model_facts(&model);
        for p in ["temperature", "top_p", "top_k"] {
            if obj.contains_key(p) && facts.refuses_sampling {
                // Status and type per the migration guide; the wording is ours.
                return Err(bad(format!(
                    "{p}: this model does not support setting {p}; remove it from the request"
                )));
            }
        }
        if let Some(t) = obj.get("temperature") {
            if !t.as_f64().is_some_and(|t| (0.0..=1.0).contains(&t)) {
                return Err(bad("temperature: Input should be less than or equal to 1"));
            }
        }
        if let Some(s) = obj.get("stream") {
            if !s.is_boolean() {
                return Err(bad("stream: Input should be a valid boolean"));
            }
        }
        if let Some(oc) = obj.get("output_config") {
            check_output_config(oc)?;
        }
    }
    let mut breakpoints = 0usize;
    match obj.get("system") {
        None => {}
        Some(Value::String(s)) if s.trim().is_empty() && !s.is_empty() => {
            return Err(bad(
                "system: text content blocks must contain non-whitespace text",
            ));
        }
        Some(Value::String(_)) => {}
        Some(Value::Array(blocks)) => {
            for b in blocks {
                check_block(b, "system", &mut breakpoints)?;
            }
        }
        Some(_) => return Err(bad("system: Input should be a valid string or list")),
    }
    let messages = match obj.get("messages") {
        Some(Value::Array(m)) => m,
        Some(_) => return Err(bad("messages: Input should be a valid list")),
        None => return Err(bad("messages: Field required")),
    };
    if messages.is_empty() {
        return Err(bad("messages: at least one message is required"));
    }
    for (i, m) in messages.iter().enumerate() {
        let role = m.get("role").and_then(Value::as_str).unwrap_or("");
        if role != "user" && role != "assistant" {
            return Err(bad(format!(
                "messages.{i}.role: Input should be 'user' or 'assistant'"
            )));
        }
        if i == 0 && role != "user" {
            return Err(bad("messages: first message must use the \"user\" role"));
        }
        let last_assistant = i + 1 == messages.len() && role == "assistant";
        match m.get("content") {
            Some(Value::String(s)) => {
                if s.is_empty() && !last_assistant {
                    return Err(bad(format!("messages.{i}: all messages must have non-empty content except for the optional final assistant message")));
                }
            }
            Some(Value::Array(blocks)) => {
                if blocks.is_empty() && !last_assistant {
                    return Err(bad(format!("messages.{i}: all messages must have non-empty content except for the optional final assistant message")));
                }
                for b in blocks {
                    check_block(b, "messages", &mut breakpoints)?;
                }
            }
            _ => return Err(bad(format!("messages.{i}.content: Field required"))),
        }
    }
    if breakpoints > MAX_BREAKPOINTS {
        // The wording of the prompt-caching limit as the API reports it.
        return Err(bad(format!(
            "A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. Found {breakpoints}."
        )));
    }
    Ok(v)
}

fn check_block(b: &Value, at: &str, breakpoints: &mut usize) -> Result<(), Refusal> {
    let kind = b.get("type").and_then(Value::as_str).unwrap_or("");
    if kind == "text" {
        match b.get("text") {
            Some(Value::String(t)) if t.is_empty() => {
                return Err(bad(format!("{at}: text content blocks must be non-empty")))
            }
            Some(Value::String(t)) if t.trim().is_empty() => {
                return Err(bad(format!(
                    "{at}: text content blocks must contain non-whitespace text"
                )))
            }
            Some(Value::String(_)) => {}
            _ => return Err(bad(format!("{at}: text blocks need a `text` string"))),
        }
    } else if kind.is_empty() {
        return Err(bad(format!("{at}: content blocks need a `type`")));
    }
    if let Some(cc) = b.get("cache_control") {
        if cc.get("type").and_then(Value::as_str) != Some("ephemeral") {
            return Err(bad(format!(
                "{at}: cache_control.type must be \"ephemeral\""
            )));
        }
        if let Some(ttl) = cc.get("ttl") {
            if ttl != "5m" && ttl != "1h" {
                return Err(bad(format!(
                    "{at}: cache_control.ttl must be \"5m\" or \"1h\""
                )));
            }
        }
        *breakpoints += 1;
    }
    Ok(())
}

fn check_output_config(oc: &Value) -> Result<(), Refusal> {
    let Some(format) = oc.get("format") else {
        return Ok(());
    };
    if format.get("type").and_then(Value::as_str) != Some("json_schema") {
        return Err(bad(
            "output_config.format.type: Input should be 'json_schema'",
        ));
    }
    let Some(schema) = format.get("schema").filter(|s| s.is_object()) else {
        return Err(bad("output_config.format.schema: Field required"));
    };
    let mut optional = 0usize;
    let mut unions = 0usize;
    walk_schema(schema, "schema", &mut optional, &mut unions)?;
    // Limits of the structured-outputs page; the wording is ours.
    if optional > MAX_OPTIONAL_PROPERTIES {
        return Err(bad(format!(
            "output_config.format.schema: too many optional properties ({optional}; at most {MAX_OPTIONAL_PROPERTIES})"
        )));
    }
    if unions > MAX_UNION_PARAMETERS {
        return Err(bad(format!(
            "output_config.format.schema: too many union-typed parameters ({unions}; at most {MAX_UNION_PARAMETERS})"
        )));
    }
    Ok(())
}

fn walk_schema(
    s: &Value,
    path: &str,
    optional: &mut usize,
    unions: &mut usize,
) -> Result<(), Refusal> {
    let Some(o) = s.as_object() else {
        return Ok(());
    };
    const UNSUPPORTED: &[&str] = &[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
    ];
    for k in UNSUPPORTED {
        if o.contains_key(*k) {
            return Err(bad(format!(
                "output_config.format.schema: {path}: the keyword '{k}' is not supported in structured outputs"
            )));
        }
    }
    if let Some(n) = o.get("minItems") {
        if !matches!(n.as_u64(), Some(0 | 1)) {
            return Err(bad(format!(
                "output_config.format.schema: {path}: minItems values other than 0 or 1 are not supported"
            )));
        }
    }
    if let Some(ap) = o.get("additionalProperties") {
        if ap != &Value::Bool(false) {
            return Err(bad(format!(
                "output_config.format.schema: {path}: additionalProperties must be false"
            )));
        }
    }
    if o.contains_key("anyOf") || o.get("type").is_some_and(Value::is_array) {
        *unions += 1;
    }
    if let Some(Value::Object(props)) = o.get("properties") {
        let required: Vec<&str> = o
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, p) in props {
            if !required.contains(&name.as_str()) {
                *optional += 1;
            }
            walk_schema(p, &format!("{path}.{name}"), optional, unions)?;
        }
    }
    for k in ["items", "not"] {
        if let Some(i) = o.get(k) {
            walk_schema(i, &format!("{path}.{k}"), optional, unions)?;
        }
    }
    for k in ["anyOf", "allOf", "oneOf"] {
        if let Some(Value::Array(list)) = o.get(k) {
            for (i, b) in list.iter().enumerate() {
                walk_schema(b, &format!("{path}.{k}[{i}]"), optional, unions)?;
            }
        }
    }
    for k in ["$defs", "definitions"] {
        if let Some(Value::Object(defs)) = o.get(k) {
            for (n, d) in defs {
                walk_schema(d, &format!("{path}.{k}.{n}"), optional, unions)?;
            }
        }
    }
    Ok(())
}

/// One block of the prompt in cache order, as the cache sees it.
struct Block {
    /// Running hash of everything up to and including this block.
    prefix: u64,
    /// Tokens up to and including this block.
    prefix_tokens: u64,
    /// `Some(ttl)` when the block carries `cache_control`.
    breakpoint: Option<Duration>,
}

fn ttl_of(b: &Value) -> Option<Duration> {
    let cc = b.get("cache_control")?;
    Some(if cc.get("ttl").and_then(Value::as_str) == Some("1h") {
        Duration::from_secs(3600)
    } else {
        Duration::from_secs(300)
    })
}

fn block_tokens(b: &Value) -> u64 {
    match b.get("text").and_then(Value::as_str) {
        Some(t) if b.get("type").and_then(Value::as_str) == Some("text") => fake_tokens(t),
        _ => fake_tokens(&b.to_string()),
    }
}

/// The block without its `cache_control` (a marker, not content: moving a
/// breakpoint does not change the prefix).
fn content_key(b: &Value) -> String {
    match b {
        Value::Object(o) => {
            let mut o: Map<String, Value> = o.clone();
            o.remove("cache_control");
            Value::Object(o).to_string()
        }
        other => other.to_string(),
    }
}

/// The prompt in cache order (tools, system, messages). The model and the
/// `output_config` come first: a different model or schema never matches.
/// Returns the blocks and the total input tokens.
fn blocks(body: &Value) -> (Vec<Block>, u64) {
    let mut h = DefaultHasher::new();
    let model = body.get("model").and_then(Value::as_str).unwrap_or("");
    model.hash(&mut h);
    let oc = body
        .get("output_config")
        .map(Value::to_string)
        .unwrap_or_default();
    oc.hash(&mut h);
    // The schema reaches Claude as an extra system prompt.
    let mut tokens = fake_tokens(&oc);
    let mut out = Vec::new();
    let mut push = |b: &Value, role: &str, h: &mut DefaultHasher, tokens: &mut u64| {
        role.hash(h);
        content_key(b).hash(h);
        *tokens += block_tokens(b);
        out.push(Block {
            prefix: h.finish(),
            prefix_tokens: *tokens,
            breakpoint: ttl_of(b),
        });
    };
    if let Some(Value::Array(tools)) = body.get("tools") {
        for t in tools {
            push(t, "tool", &mut h, &mut tokens);
        }
    }
    match body.get("system") {
        Some(Value::String(s)) => {
            push(
                &serde_json::json!({"type": "text", "text": s}),
                "system",
                &mut h,
                &mut tokens,
            );
        }
        Some(Value::Array(bs)) => {
            for b in bs {
                push(b, "system", &mut h, &mut tokens);
            }
        }
        _ => {}
    }
    if let Some(Value::Array(msgs)) = body.get("messages") {
        for m in msgs {
            let role = m.get("role").and_then(Value::as_str).unwrap_or("");
            match m.get("content") {
                Some(Value::String(s)) => push(
                    &serde_json::json!({"type": "text", "text": s}),
                    role,
                    &mut h,
                    &mut tokens,
                ),
                Some(Value::Array(bs)) => {
                    for b in bs {
                        push(b, role, &mut h, &mut tokens);
                    }
                }
                _ => {}
            }
        }
    }
    (out, tokens)
}

/// Total input tokens of a request, as this fake counts them.
pub fn input_tokens(body: &Value) -> u64 {
    blocks(body).1
}

/// Input token counts of one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheUsage {
    pub input_tokens: u64,
    pub cache_creation_input_tokens: u64,
    pub cache_read_input_tokens: u64,
}

/// The simulated prompt cache: prefix hash → (expiry, tokens).
#[derive(Default)]
pub struct PromptCache {
    entries: HashMap<u64, Instant>,
}

impl PromptCache {
    /// Reads and writes the cache for `body` at `now`, and returns the
    /// `usage` split.
    pub fn apply(&mut self, body: &Value, now: Instant) -> CacheUsage {
        let (blocks, total) = blocks(body);
        let min =
            model_facts(body.get("model").and_then(Value::as_str).unwrap_or("")).min_cache_tokens;
        self.entries.retain(|_, exp| *exp > now);
        // Reads: at each breakpoint, the longest earlier boundary (within
        // the lookback) that an earlier request cached.
        let mut read = 0u64;
        let mut hits = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            if b.breakpoint.is_none() {
                continue;
            }
            let from = i.saturating_sub(LOOKBACK_BLOCKS - 1);
            if let Some(j) = (from..=i)
                .rev()
                .find(|&j| self.entries.contains_key(&blocks[j].prefix))
            {
                read = read.max(blocks[j].prefix_tokens);
                hits.push(j);
            }
        }
        // Writes: every breakpoint whose prefix reaches the minimum.
        let mut last_written = 0u64;
        for b in &blocks {
            if let Some(ttl) = b.breakpoint {
                if b.prefix_tokens >= min {
                    self.entries.insert(b.prefix, now + ttl);
                    last_written = last_written.max(b.prefix_tokens);
                }
            }
        }
        // Hits are refreshed (their TTL starts again).
        for j in hits {
            let ttl = blocks[j].breakpoint.unwrap_or(Duration::from_secs(300));
            let exp = self.entries.entry(blocks[j].prefix).or_insert(now);
            *exp = (*exp).max(now + ttl);
        }
        let creation = last_written.saturating_sub(read);
        CacheUsage {
            input_tokens: total - read - creation,
            cache_creation_input_tokens: creation,
            cache_read_input_tokens: read,
        }
    }

    /// Forget everything, as if the TTL had passed.
    pub fn expire_all(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(system: &str, docs: &[&str], ask: &str, schema: Option<Value>) -> Value {
        let mut content: Vec<Value> = docs
            .iter()
            .map(|d| json!({"type": "text", "text": d}))
            .collect();
        if let Some(last) = content.last_mut() {
            last["cache_control"] = json!({"type": "ephemeral"});
        }
        content.push(json!({"type": "text", "text": ask}));
        let mut b = json!({
            "model": "claude-sonnet-4-6", "max_tokens": 100,
            "system": [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": content}],
        });
        if let Some(s) = schema {
            b["output_config"] = json!({"format": {"type": "json_schema", "schema": s}});
        }
        b
    }

    fn refused(b: &Value) -> String {
        validate(b.to_string().as_bytes(), false)
            .unwrap_err()
            .message
    }

    #[test]
    fn refusals_as_documented() {
        let ok = body("sys", &["doc"], "ask", None);
        assert!(validate(ok.to_string().as_bytes(), false).is_ok());
        let mut b = ok.clone();
        b.as_object_mut().unwrap().remove("max_tokens");
        assert_eq!(refused(&b), "max_tokens: Field required");
        assert!(
            validate(b.to_string().as_bytes(), true).is_ok(),
            "count_tokens takes no max_tokens"
        );
        let mut b = ok.clone();
        b["messages"][0]["content"][1]["text"] = json!("");
        assert_eq!(
            refused(&b),
            "messages: text content blocks must be non-empty"
        );
        let mut b = ok.clone();
        b["temperature"] = json!(0.2);
        assert!(validate(b.to_string().as_bytes(), false).is_ok());
        b["model"] = json!("claude-opus-4-7");
        assert!(refused(&b).starts_with("temperature:"));
        let mut b = ok.clone();
        for i in 0..4 {
            b["messages"][0]["content"]
                .as_array_mut()
                .unwrap()
                .push(json!({"type": "text", "text": format!("x{i}"), "cache_control": {"type": "ephemeral"}}));
        }
        assert_eq!(
            refused(&b),
            "A maximum of 4 blocks with cache_control may be provided. Found 6."
        );
        for bad_schema in [
            json!({"type": "object", "properties": {"a": {"type": "string", "maxLength": 5}}}),
            json!({"type": "array", "items": {"type": "string"}, "minItems": 5}),
            json!({"type": "object", "additionalProperties": true}),
            json!({"type": "object", "properties": (0..25).map(|i| (format!("p{i}"), json!({"type": "string"}))).collect::<Map<String, Value>>()}),
        ] {
            let b = body("sys", &["doc"], "ask", Some(bad_schema.clone()));
            assert!(
                refused(&b).starts_with("output_config.format.schema"),
                "{bad_schema}"
            );
        }
    }

    #[test]
    fn cache_reads_only_identical_prefixes_above_the_minimum() {
        let big = "x".repeat(8000); // 2,000 tokens: above Sonnet's 1,024
        let now = Instant::now();
        let mut c = PromptCache::default();
        let first = c.apply(&body("sys", &[&big], "one", None), now);
        assert_eq!(first.cache_read_input_tokens, 0);
        assert!(first.cache_creation_input_tokens >= 2000);
        let second = c.apply(&body("sys", &[&big], "two", None), now);
        assert_eq!(
            second.cache_read_input_tokens,
            first.cache_creation_input_tokens
        );
        assert_eq!(second.cache_creation_input_tokens, 0);
        assert_eq!(second.input_tokens, 1, "only the ask is new");
        // A different schema is a different prefix.
        let s = json!({"type": "object"});
        let third = c.apply(&body("sys", &[&big], "two", Some(s)), now);
        assert_eq!(third.cache_read_input_tokens, 0);
        // A one-byte change anywhere before the breakpoint misses.
        let other = format!("{big}y");
        assert_eq!(
            c.apply(&body("sys", &[&other], "two", None), now)
                .cache_read_input_tokens,
            0
        );
        // After the TTL, nothing is read.
        let later = now + Duration::from_secs(301);
        assert_eq!(
            c.apply(&body("sys", &[&big], "two", None), later)
                .cache_read_input_tokens,
            0
        );
        // Below the minimum nothing is ever written or read.
        let mut c = PromptCache::default();
        let small = body("sys", &["short"], "x", None);
        assert_eq!(
            c.apply(&small, now),
            CacheUsage {
                input_tokens: input_tokens(&small),
                ..Default::default()
            }
        );
        assert_eq!(c.apply(&small, now).cache_read_input_tokens, 0);
        // Opus 4.7 needs 4,096 tokens.
        let mut b = body("sys", &[&big], "x", None);
        b["model"] = json!("claude-opus-4-7");
        c.apply(&b, now);
        assert_eq!(c.apply(&b, now).cache_read_input_tokens, 0);
    }
}

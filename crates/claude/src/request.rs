//! Builds Messages API request bodies so that prompt caching works: the system
//! prompt and the rendered inputs form a byte-identical prefix for every
//! request about the same document, and each carries a cache breakpoint
//! (two of the four allowed). Only the final `ask` block differs.

use serde_json::{json, Map, Value};

use super::config::ClaudeConfig;

/// The pieces of one request.
#[derive(Clone, Copy, Debug)]
pub struct PromptParts<'a> {
    /// The system prompt.
    pub system: &'a str,
    /// `(name, numbered text)` for each input (the postmortem, logs, …).
    pub inputs: &'a [(String, String)],
    /// What to do this time (e.g. which section to draft).
    pub ask: &'a str,
    /// A JSON schema for the answer, used when `structured_output` is on.
    pub schema: Option<&'a Value>,
    /// `schema` serialized with its properties in the order they should be
    /// written (structured outputs follow the schema's order, and
    /// `serde_json::Value` sorts keys): sent on the wire in its place.
    pub schema_text: Option<&'a str>,
}

/// A key of the body [`build_body`] returns that carries the ordered schema
/// text; the client takes it out and sends that text as the schema.
pub const ORDERED_SCHEMA_KEY: &str = "x-postmortem-ordered-schema";

/// The body as bytes for the wire: `"stream": true`, and the ordered schema
/// text (see [`ORDERED_SCHEMA_KEY`]) in place of the sorted one.
pub fn wire_bytes(body: &serde_json::Map<String, Value>) -> Result<Vec<u8>, serde_json::Error> {
    let mut obj = body.clone();
    obj.insert("stream".into(), Value::Bool(true));
    let ordered = obj.remove(ORDERED_SCHEMA_KEY);
    let text = serde_json::to_string(&Value::Object(obj.clone()))?;
    let (Some(Value::String(ordered)), Some(schema)) = (
        ordered,
        obj.get("output_config")
            .and_then(|o| o.pointer("/format/schema")),
    ) else {
        return Ok(text.into_bytes());
    };
    // The same schema, parsed back, or the sorted one stays.
    if serde_json::from_str::<Value>(&ordered).ok().as_ref() != Some(schema) {
        return Ok(text.into_bytes());
    }
    let sorted = format!("\"schema\":{}", serde_json::to_string(schema)?);
    Ok(text
        .replacen(&sorted, &format!("\"schema\":{ordered}"), 1)
        .into_bytes())
}

/// The inputs as one text block: each wrapped in `<input name="…">` tags,
/// in the given order, so the same inputs always render to the same bytes.
pub fn render_inputs(inputs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (name, text) in inputs {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("<input name=\"");
        for c in name.chars() {
            match c {
                '"' => out.push_str("&quot;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\n' | '\r' => out.push(' '),
                c => out.push(c),
            }
        }
        out.push_str("\">\n");
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("</input>\n");
    }
    out
}

fn ephemeral() -> Value {
    json!({"type": "ephemeral"})
}

/// The request body (with `"stream": true`). Empty text blocks are left out,
/// since the API rejects them ("text content blocks must be non-empty").
/// `temperature` is sent only when the user set it (Opus 4.7 and later
/// refuse it: migration guide), and `output_config` only with
/// `structured_output` (changing it invalidates the prompt cache:
/// structured-outputs docs).
pub fn build_body(cfg: &ClaudeConfig, parts: &PromptParts) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(cfg.model));
    body.insert("max_tokens".into(), json!(cfg.max_tokens));
    if !parts.system.trim().is_empty() {
        body.insert(
            "system".into(),
            json!([{"type": "text", "text": parts.system, "cache_control": ephemeral()}]),
        );
    }
    let mut content = Vec::new();
    let rendered = render_inputs(parts.inputs);
    if !rendered.is_empty() {
        content.push(json!({"type": "text", "text": rendered, "cache_control": ephemeral()}));
    }
    if !parts.ask.trim().is_empty() || content.is_empty() {
        content.push(json!({"type": "text", "text": parts.ask}));
    }
    body.insert(
        "messages".into(),
        json!([{"role": "user", "content": content}]),
    );
    if let Some(t) = cfg.temperature {
        // Through f64 of the decimal text, so 0.2 is sent as 0.2, not 0.20000000298.
        let t: f64 = format!("{t}").parse().unwrap_or(f64::from(t));
        body.insert("temperature".into(), json!(t));
    }
    if cfg.structured_output {
        if let Some(schema) = parts.schema {
            body.insert(
                "output_config".into(),
                json!({"format": {"type": "json_schema", "schema": schema}}),
            );
            if let Some(t) = parts.schema_text {
                body.insert(ORDERED_SCHEMA_KEY.into(), Value::String(t.to_string()));
            }
        }
    }
    body.insert("stream".into(), Value::Bool(true));
    Value::Object(body)
}

/// The answer without Markdown code fences: the content of the first fenced
/// block (with or without a language tag, with prose before or after), or
/// the trimmed text when there is no fence. An unclosed fence yields the rest.
pub fn strip_fences(text: &str) -> &str {
    let Some(open) = find_fence(text, 0) else {
        return text.trim();
    };
    // Skip the rest of the opening line (language tag).
    let after_open = open + 3;
    let body_start = match text[after_open..].find('\n') {
        Some(i) => after_open + i + 1,
        None => {
            // "```json {...}```" on one line.
            let rest = &text[after_open..];
            let rest = rest
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            let end = rest.find("```").unwrap_or(rest.len());
            return rest[..end].trim();
        }
    };
    let end = find_fence(text, body_start).unwrap_or(text.len());
    text[body_start..end].trim()
}

/// Byte offset of the next "```" that starts a line (after optional spaces).
fn find_fence(text: &str, from: usize) -> Option<usize> {
    let mut line_start = from;
    loop {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if line[indent..].starts_with("```") {
            return Some(line_start + indent);
        }
        if line_end >= text.len() {
            return None;
        }
        line_start = line_end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences() {
        assert_eq!(strip_fences("  {\"a\":1}\n"), "{\"a\":1}");
        assert_eq!(strip_fences("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(strip_fences("```\n{\"a\":1}\n```\n"), "{\"a\":1}");
        assert_eq!(
            strip_fences("Here you go:\n\n```json\n{\"a\":\"```x\"}\n```\nHope this helps."),
            "{\"a\":\"```x\"}"
        );
        assert_eq!(strip_fences("```yaml\nkey: v\n"), "key: v");
        assert_eq!(strip_fences("```json {\"a\":1}```"), "{\"a\":1}");
        assert_eq!(strip_fences("text with ``` inside"), "text with ``` inside");
    }

    #[test]
    fn the_wire_keeps_the_schemas_order() {
        let schema = json!({"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "string"}}});
        let ordered =
            r#"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"string"}}}"#;
        let cfg = ClaudeConfig {
            structured_output: true,
            ..ClaudeConfig::default()
        };
        let parts = PromptParts {
            system: "s",
            inputs: &[],
            ask: "a",
            schema: Some(&schema),
            schema_text: Some(ordered),
        };
        let b = build_body(&cfg, &parts);
        let wire = String::from_utf8(wire_bytes(b.as_object().unwrap()).unwrap()).unwrap();
        assert!(
            wire.contains(ordered) && !wire.contains(ORDERED_SCHEMA_KEY),
            "{wire}"
        );
        let back: Value = serde_json::from_str(&wire).unwrap();
        assert_eq!(back["output_config"]["format"]["schema"], schema);
        assert_eq!(back["stream"], true);
        // A text that is not the same schema is ignored.
        let parts = PromptParts {
            schema_text: Some("{}"),
            ..parts
        };
        let wire =
            String::from_utf8(wire_bytes(build_body(&cfg, &parts).as_object().unwrap()).unwrap())
                .unwrap();
        assert!(wire.contains(r#""a":{"type":"string"},"b""#), "{wire}");
    }

    #[test]
    fn body_shape() {
        // Defaults: no sampling parameter, no output_config (the schema
        // goes in the prompt so every section shares one cached prefix).
        let b = build_body(
            &ClaudeConfig::default(),
            &PromptParts {
                system: "sys",
                inputs: &[],
                ask: "draft",
                schema: Some(&json!({"type": "object"})),
                schema_text: None,
            },
        );
        assert!(
            b.get("temperature").is_none() && b.get("output_config").is_none(),
            "{b}"
        );
        let cfg = ClaudeConfig {
            temperature: Some(0.2),
            structured_output: true,
            ..ClaudeConfig::default()
        };
        let inputs = vec![("a \"b\".log".to_string(), "1 | x".to_string())];
        let schema = json!({"type": "object"});
        let parts = PromptParts {
            system: "sys",
            inputs: &inputs,
            ask: "draft",
            schema: Some(&schema),
            schema_text: None,
        };
        let b = build_body(&cfg, &parts);
        assert_eq!(b["stream"], true);
        assert_eq!(b["temperature"], json!(0.2));
        assert_eq!(b["system"][0]["cache_control"]["type"], "ephemeral");
        let first = b["messages"][0]["content"][0]["text"].as_str().unwrap();
        assert_eq!(
            first,
            "<input name=\"a &quot;b&quot;.log\">\n1 | x\n</input>\n"
        );
        assert_eq!(b["output_config"]["format"]["schema"], schema);

        let cfg = ClaudeConfig {
            structured_output: false,
            temperature: None,
            ..ClaudeConfig::default()
        };
        let parts = PromptParts {
            system: "",
            inputs: &[],
            ask: "hi",
            schema: Some(&schema),
            schema_text: None,
        };
        let b = build_body(&cfg, &parts);
        assert!(
            b.get("output_config").is_none()
                && b.get("temperature").is_none()
                && b.get("system").is_none()
        );
        assert_eq!(
            b["messages"][0]["content"],
            json!([{"type": "text", "text": "hi"}])
        );
    }
}

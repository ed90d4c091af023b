//! The document's data as JSON, for scripts and dashboards
//! (`postmortem-lsp export`).
//!
//! Keys stay in document order. Plain scalars are resolved by the YAML 1.2
//! core schema: `null`/`~`/empty → null, `true`/`false` (three spellings) →
//! booleans, decimal, `0o` octal and `0x` hex integers and decimal floats →
//! numbers; every other scalar, and every quoted or block scalar, is a string.
//! JSON has no infinity or NaN, so `.inf`, `-.inf` and `.nan` stay strings,
//! and integers beyond 64 bits keep their digits as a JSON number literal.

use crate::{Node, Scalar, ScalarStyle, Value};

/// JSON data in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    /// A number literal, already in JSON syntax.
    Number(String),
    String(String),
    Array(Vec<Data>),
    /// Keys in document order (a repeated key is kept twice, as written).
    Object(Vec<(String, Data)>),
}

/// The data of a parsed document: null for an empty one.
pub fn document_data(p: &crate::Parsed) -> Data {
    match &p.root {
        Some(Node {
            value: Value::Map(pairs),
            flow: false,
            ..
        }) if pairs.is_empty() => Data::Null,
        Some(n) => node_data(n),
        None => Data::Null,
    }
}

/// The data of a node. Aliases and unreadable text (already reported as
/// syntax errors) become null.
pub fn node_data(n: &Node) -> Data {
    match &n.value {
        Value::Scalar(s) => scalar_data(s),
        Value::Seq(items) => Data::Array(items.iter().map(node_data).collect()),
        Value::Map(pairs) => Data::Object(
            pairs
                .iter()
                .map(|p| {
                    let v = p.value.as_ref().map_or(Data::Null, node_data);
                    (key_text(&p.key), v)
                })
                .collect(),
        ),
        Value::Alias | Value::Invalid => Data::Null,
    }
}

/// A key as JSON object keys must be: its text (a null key is `""`).
fn key_text(k: &Scalar) -> String {
    match scalar_data(k) {
        Data::Null => String::new(),
        _ => k.value.clone(),
    }
}

/// A scalar resolved by the YAML 1.2 core schema.
pub fn scalar_data(s: &Scalar) -> Data {
    if s.style != ScalarStyle::Plain {
        return Data::String(s.value.clone());
    }
    resolve_plain(&s.value)
}

/// The core schema's resolution of a plain scalar's text.
pub fn resolve_plain(v: &str) -> Data {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Data::Null,
        "true" | "True" | "TRUE" => return Data::Bool(true),
        "false" | "False" | "FALSE" => return Data::Bool(false),
        _ => {}
    }
    if let Some(n) = core_int(v) {
        return Data::Number(n);
    }
    if is_core_float(v) {
        if let Ok(f) = v.parse::<f64>() {
            if f.is_finite() {
                return Data::Number(float_literal(f));
            }
        }
    }
    Data::String(v.to_string())
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+` as a JSON number literal.
fn core_int(v: &str) -> Option<String> {
    let radix = |digits: &str, r: u32| -> Option<String> {
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(r)) {
            return None;
        }
        match u128::from_str_radix(digits, r) {
            Ok(n) => Some(n.to_string()),
            Err(_) => None,
        }
    };
    if let Some(h) = v.strip_prefix("0x") {
        return radix(h, 16);
    }
    if let Some(o) = v.strip_prefix("0o") {
        return radix(o, 8);
    }
    let (sign, digits) = match v.as_bytes().first() {
        Some(b'-') => ("-", &v[1..]),
        Some(b'+') => ("", &v[1..]),
        _ => ("", v),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    let digits = if trimmed.is_empty() { "0" } else { trimmed };
    let sign = if digits == "0" { "" } else { sign };
    Some(format!("{sign}{digits}"))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - f;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// Rust's shortest round-trip form is valid JSON (`0.278`, `1500.0`, `1e20`).
fn float_literal(f: f64) -> String {
    format!("{f:?}")
}

impl Data {
    /// Compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None, 0);
        out
    }

    /// JSON indented by two spaces per level.
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(2), 0);
        out
    }

    fn write(&self, out: &mut String, indent: Option<usize>, level: usize) {
        let nl = |out: &mut String, level: usize| {
            if let Some(step) = indent {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', step * level));
            }
        };
        match self {
            Data::Null => out.push_str("null"),
            Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Data::Number(n) => out.push_str(n),
            Data::String(s) => out.push_str(&json_string(s)),
            Data::Array(items) => {
                out.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, level + 1);
                    it.write(out, indent, level + 1);
                }
                if !items.is_empty() {
                    nl(out, level);
                }
                out.push(']');
            }
            Data::Object(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, level + 1);
                    out.push_str(&json_string(k));
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    v.write(out, indent, level + 1);
                }
                if !pairs.is_empty() {
                    nl(out, level);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal: `"`, `\\` and control characters escaped.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(t: &str) -> Data {
        node_data(&crate::parse(t).root.expect("root"))
    }

    #[test]
    fn core_schema_for_plain_scalars_only() {
        let d = data("a: 1\nb: -0x1\nc: 0x1F\nd: 0o17\ne: 1.5e3\nf: .5\ng: true\nh: ~\ni: \"1\"\nj: .inf\nk: 1.2.3\nl: 007\nm:\n");
        assert_eq!(
            d.to_json(),
            r#"{"a":1,"b":"-0x1","c":31,"d":15,"e":1500.0,"f":0.5,"g":true,"h":null,"i":"1","j":".inf","k":"1.2.3","l":7,"m":null}"#
        );
    }

    #[test]
    fn keys_keep_document_order_and_pretty_output_is_json() {
        let d = data("z: [1, two]\na:\n  - k: v\n");
        let pretty = d.to_json_pretty();
        assert!(pretty.starts_with("{\n  \"z\": ["), "{pretty}");
        let back: serde_json::Value = serde_json::from_str(&pretty).expect("valid JSON");
        assert_eq!(
            back,
            serde_json::json!({"z": [1, "two"], "a": [{"k": "v"}]})
        );
    }
}

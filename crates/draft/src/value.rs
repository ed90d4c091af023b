//! An ordered value for drafted sections: read from Claude's JSON (keys kept
//! in the order written) or YAML (through [`crate::syntax`]), shaped along the
//! schema, and turned back into the JSON answer form for tests and benches.

use crate::schema::{self, Field, Kind};
use crate::syntax::{self, Node, ScalarStyle, Value};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON/YAML value whose maps keep their key order.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    /// A number, as its text.
    Num(String),
    Str(String),
    List(Vec<V>),
    Map(Vec<(String, V)>),
}

impl V {
    pub fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Map(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as `serde_json::Value` (key order is not kept by serde_json).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            V::Null => J::Null,
            V::Bool(b) => J::Bool(*b),
            V::Num(n) => serde_json::from_str(n).unwrap_or_else(|_| J::String(n.clone())),
            V::Str(s) => J::String(s.clone()),
            V::List(items) => J::Array(items.iter().map(V::to_json).collect()),
            V::Map(pairs) => J::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Compact JSON text with keys in this value's order.
    pub fn to_json_text(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            V::Null => out.push_str("null"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Num(n) => out.push_str(n),
            V::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
            V::List(items) => {
                out.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    it.write_json(out);
                }
                out.push(']');
            }
            V::Map(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

impl<'de> Deserialize<'de> for V {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<V, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = V;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<V, E> {
                Ok(V::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<V, E> {
                Ok(V::Num(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<V, E> {
                Ok(V::Num(n.to_string()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<V, E> {
                Ok(V::Num(if n.is_finite() {
                    format!("{n:?}")
                } else {
                    "null".into()
                }))
            }
            fn visit_str<E>(self, s: &str) -> Result<V, E> {
                Ok(V::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<V, E> {
                Ok(V::Str(s))
            }
            fn visit_unit<E>(self) -> Result<V, E> {
                Ok(V::Null)
            }
            fn visit_none<E>(self) -> Result<V, E> {
                Ok(V::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<V, D2::Error> {
                V::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<V, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = a.next_element::<V>()? {
                    out.push(v);
                }
                Ok(V::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<V, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, V>()? {
                    // A repeated key: the first one wins, as in the YAML rules (PM007).
                    if !out.iter().any(|(x, _)| *x == k) {
                        out.push((k, v));
                    }
                }
                Ok(V::Map(out))
            }
        }
        d.deserialize_any(Vis)
    }
}

/// Is this plain YAML scalar a number (int or float, YAML 1.2 core schema)?
pub fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | ".nan") {
        return true;
    }
    if let Some(h) = lower.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(o) = lower.strip_prefix("0o") {
        return !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c));
    }
    let mut digits = 0;
    let mut dot = false;
    let mut exp = false;
    let mut prev = ' ';
    for c in lower.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' if !dot && !exp => dot = true,
            'e' if digits > 0 && !exp => exp = true,
            '+' | '-' if prev == 'e' => {}
            '_' => {}
            _ => return false,
        }
        prev = c;
    }
    digits > 0 && prev != 'e'
}

/// A YAML node as a value. Aliases and unreadable text are refused.
pub fn from_node(n: &Node) -> Result<V, String> {
    Ok(match &n.value {
        Value::Map(pairs) => {
            let mut out: Vec<(String, V)> = Vec::new();
            for p in pairs {
                let v = match &p.value {
                    Some(v) => from_node(v)?,
                    None => V::Null,
                };
                if !out.iter().any(|(k, _)| *k == p.key.value) {
                    out.push((p.key.value.clone(), v));
                }
            }
            V::Map(out)
        }
        Value::Seq(items) => V::List(items.iter().map(from_node).collect::<Result<_, _>>()?),
        Value::Scalar(s) => {
            if s.style != ScalarStyle::Plain {
                V::Str(s.value.clone())
            } else if s.is_null() {
                V::Null
            } else if matches!(s.value.as_str(), "true" | "True" | "TRUE") {
                V::Bool(true)
            } else if matches!(s.value.as_str(), "false" | "False" | "FALSE") {
                V::Bool(false)
            } else if looks_numeric(&s.value) {
                V::Num(s.value.clone())
            } else {
                V::Str(s.value.clone())
            }
        }
        Value::Alias => return Err("it uses a YAML alias (`*name`); write the value out".into()),
        Value::Invalid => return Err("part of it is not readable YAML".into()),
    })
}

/// Parses an answer: JSON when it looks like JSON, YAML otherwise. Code fences
/// are stripped first.
pub fn parse_answer(text: &str) -> Result<V, String> {
    let t = crate::claude::strip_fences(text);
    if t.is_empty() {
        return Err("the answer was empty".into());
    }
    if t.starts_with('{') || t.starts_with('[') {
        match serde_json::from_str::<V>(t) {
            Ok(v) => return Ok(v),
            Err(e) if t.starts_with('{') && looks_like_json(t) => {
                return Err(format!("the answer is not valid JSON ({e})"))
            }
            Err(_) => {}
        }
    }
    let parsed = syntax::parse(t);
    if let Some(e) = parsed.errors.first() {
        let line = t[..e.span.start.min(t.len())].matches('\n').count() + 1;
        return Err(format!(
            "the answer is not valid YAML or JSON (line {line}: {})",
            postmortem_engine::i18n::syntax_message(e.kind, crate::diagnostic::Locale::En)
        ));
    }
    match &parsed.root {
        Some(root) => from_node(root),
        None => Err("the answer was empty".into()),
    }
}

/// `{"key": …` rather than a YAML flow map such as `{key: …}`.
fn looks_like_json(t: &str) -> bool {
    t[1..].trim_start().starts_with('"')
}

/// The top-level field of the schema called `name`.
pub fn top_field(name: &str) -> Option<&'static Field> {
    schema::TOP.iter().find(|f| f.name == name)
}

/// Takes the value of `section` out of an answer: `{"root_cause": {...}}`, or
/// the bare value when it plainly is the section (a map with its fields, a
/// list for a list section, text for a text section). Other keys are ignored:
/// only the section that was asked for is ever used.
pub fn extract_section(answer: V, section: &str) -> Result<V, String> {
    let field = top_field(section).ok_or_else(|| format!("`{section}` is not a section"))?;
    if let V::Map(pairs) = &answer {
        if let Some((_, v)) = pairs.iter().find(|(k, _)| k == section) {
            return Ok(v.clone());
        }
        let fields = schema::fields_of(&field.kind).unwrap_or(&[]);
        let bare = !pairs.is_empty()
            && pairs
                .iter()
                .all(|(k, _)| fields.iter().any(|f| f.name == k));
        if bare {
            return Ok(answer);
        }
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        return Err(format!(
            "the answer has no `{section}` key (it has {})",
            if keys.is_empty() {
                "nothing".to_string()
            } else {
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    }
    match (&field.kind, &answer) {
        (Kind::List(_), V::List(_)) => Ok(answer),
        (Kind::Text | Kind::TextOr(_), V::Str(_)) => Ok(answer),
        _ => Err(format!("the answer is not a `{section}` section")),
    }
}

/// Shapes a value along its schema kind: map fields in schema order (unknown
/// keys after them, as written), empty optional fields dropped, `Dict` fields
/// given as `[{"key", "value"}]` lists turned into maps, numeric text in
/// number fields turned into numbers.
pub fn normalize(v: V, kind: &Kind) -> V {
    match (kind, v) {
        (Kind::Map(fields) | Kind::TextOr(fields), V::Map(pairs)) => {
            V::Map(normalize_fields(fields, pairs))
        }
        (Kind::List(inner), V::List(items)) => {
            V::List(items.into_iter().map(|i| normalize(i, inner)).collect())
        }
        (Kind::Dict(inner), V::List(items)) => {
            let mut out: Vec<(String, V)> = Vec::new();
            let mut rest = Vec::new();
            for it in items {
                match dict_entry(&it) {
                    Some((k, v)) if !out.iter().any(|(x, _)| *x == k) => {
                        out.push((k, normalize(v, inner)))
                    }
                    Some(_) => {}
                    None => rest.push(it),
                }
            }
            if rest.is_empty() {
                V::Map(out)
            } else {
                // Not the entry form: keep the list as it is (PM003 will say so).
                V::List(rest)
            }
        }
        (Kind::Dict(inner), V::Map(pairs)) => V::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (k, normalize(v, inner)))
                .collect(),
        ),
        (Kind::Number, V::Str(s)) => {
            let t = s.trim();
            if looks_numeric(t) {
                V::Num(t.to_string())
            } else {
                V::Str(s)
            }
        }
        (_, v) => v,
    }
}

fn normalize_fields(fields: &'static [Field], pairs: Vec<(String, V)>) -> Vec<(String, V)> {
    let mut out = Vec::new();
    for f in fields {
        if let Some((k, v)) = pairs.iter().find(|(k, _)| k == f.name) {
            if !f.required && is_blank(v) {
                continue;
            }
            out.push((k.clone(), normalize(v.clone(), &f.kind)));
        }
    }
    for (k, v) in pairs {
        if !fields.iter().any(|f| f.name == k) && !is_blank(&v) {
            out.push((k, v));
        }
    }
    out
}

fn is_blank(v: &V) -> bool {
    match v {
        V::Null => true,
        V::Str(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// `{"key": k, "value": v}` (or `{"option"/"name", "reason"}`, or a one-entry
/// map `{k: v}`) as a map entry.
fn dict_entry(v: &V) -> Option<(String, V)> {
    let V::Map(pairs) = v else { return None };
    let text = |v: &V| match v {
        V::Str(s) => Some(s.clone()),
        V::Num(n) => Some(n.clone()),
        _ => None,
    };
    let find = |names: &[&str]| {
        pairs
            .iter()
            .find(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v)
    };
    if pairs.len() == 2 {
        if let (Some(k), Some(val)) = (
            find(&["key", "option", "name"]).and_then(text),
            find(&["value", "reason"]),
        ) {
            return Some((k, val.clone()));
        }
    }
    if pairs.len() == 1 {
        return Some(pairs[0].clone());
    }
    None
}

/// The structured answer that produces a section as it is written in `text`
/// (`{"root_cause": {...}}`, with `Dict` fields as key/value lists): what
/// Claude is asked to return. Used by tests and the benchmark to script the
/// fake server with the example's own sections.
pub fn answer_for(text: &str, section: &str) -> Option<String> {
    let parsed = syntax::parse(text);
    let root = parsed.root.as_ref()?;
    let node = root.get(section)?;
    let field = top_field(section)?;
    let v = normalize(from_node(node).ok()?, &field.kind);
    Some(V::Map(vec![(section.to_string(), to_answer_form(v, &field.kind))]).to_json_text())
}

fn to_answer_form(v: V, kind: &Kind) -> V {
    match (kind, v) {
        (Kind::Map(fields) | Kind::TextOr(fields), V::Map(pairs)) => V::Map(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let nv = match fields.iter().find(|f| f.name == k) {
                        Some(f) => to_answer_form(v, &f.kind),
                        None => v,
                    };
                    (k, nv)
                })
                .collect(),
        ),
        (Kind::List(inner), V::List(items)) => V::List(
            items
                .into_iter()
                .map(|i| to_answer_form(i, inner))
                .collect(),
        ),
        (Kind::Dict(inner), V::Map(pairs)) => V::List(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    V::Map(vec![
                        ("key".into(), V::Str(k)),
                        ("value".into(), to_answer_form(v, inner)),
                    ])
                })
                .collect(),
        ),
        (Kind::Text | Kind::Source | Kind::Date | Kind::Timestamp, V::Num(n)) => V::Str(n),
        (Kind::Text | Kind::Source | Kind::Date | Kind::Timestamp, V::Bool(b)) => {
            V::Str(b.to_string())
        }
        (_, v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_key_order_and_first_duplicate() {
        let v: V = serde_json::from_str(r#"{"b": 1, "a": [true, null, 2.5], "b": 3}"#).unwrap();
        assert_eq!(
            v,
            V::Map(vec![
                ("b".into(), V::Num("1".into())),
                (
                    "a".into(),
                    V::List(vec![V::Bool(true), V::Null, V::Num("2.5".into())])
                ),
            ])
        );
        assert_eq!(v.to_json_text(), r#"{"b":1,"a":[true,null,2.5]}"#);
    }

    #[test]
    fn answers_in_json_yaml_and_fences() {
        let j =
            parse_answer("```json\n{\"what_went_well\": [\"a [chat L1]\", \"b\"]}\n```").unwrap();
        let y = parse_answer(
            "Here it is:\n```yaml\nwhat_went_well:\n  - \"a [chat L1]\"\n  - b\n```\n",
        )
        .unwrap();
        assert_eq!(j, y);
        assert!(parse_answer("{\"a\": ")
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(parse_answer("a: [b\nc: d").is_err());
        let v = extract_section(j, "what_went_well").unwrap();
        assert!(matches!(v, V::List(ref l) if l.len() == 2));
        let bare = parse_answer("five_whys: []\nconfidence: H\n").unwrap();
        assert!(extract_section(bare, "root_cause").is_ok());
        let other = parse_answer("{\"timeline\": []}").unwrap();
        assert!(extract_section(other, "root_cause")
            .unwrap_err()
            .contains("`timeline`"));
    }

    #[test]
    fn numbers() {
        for n in ["1", "-2.5", "88.0", "1e3", "0x1F", ".inf"] {
            assert!(looks_numeric(n), "{n}");
        }
        for s in ["1.2.3", "e3", "12a", "", "-", "4m", "2026-04-09"] {
            assert!(!looks_numeric(s), "{s}");
        }
    }

    #[test]
    fn dicts_from_entry_lists_and_schema_order() {
        let field = top_field("decision_log").unwrap();
        let v = parse_answer(r#"{"decision_log": [{"confidence": "H", "decision": "d", "options_considered": ["a", "b"], "chosen": "a", "rejected_reason": [{"key": "b", "value": "slow"}], "confidence_note": null}]}"#).unwrap();
        let v = normalize(extract_section(v, "decision_log").unwrap(), &field.kind);
        let V::List(items) = &v else { panic!("{v:?}") };
        let V::Map(pairs) = &items[0] else { panic!() };
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "decision",
                "options_considered",
                "chosen",
                "rejected_reason",
                "confidence"
            ]
        );
        assert_eq!(
            items[0].get("rejected_reason"),
            Some(&V::Map(vec![("b".into(), V::Str("slow".into()))]))
        );
    }

    #[test]
    fn answer_for_round_trips_through_normalize() {
        let text = "decision_log:\n  - decision: d\n    options_considered: [a, b]\n    chosen: a\n    rejected_reason:\n      b: slow\n    confidence: H\nslo_impact:\n  error_budget_consumed_pct: 88.0\n";
        let a = answer_for(text, "decision_log").unwrap();
        assert!(
            a.contains(r#""rejected_reason":[{"key":"b","value":"slow"}]"#),
            "{a}"
        );
        let back = normalize(
            extract_section(parse_answer(&a).unwrap(), "decision_log").unwrap(),
            &top_field("decision_log").unwrap().kind,
        );
        let direct = normalize(
            from_node(
                syntax::parse(text)
                    .root
                    .unwrap()
                    .get("decision_log")
                    .unwrap(),
            )
            .unwrap(),
            &top_field("decision_log").unwrap().kind,
        );
        assert_eq!(back, direct);
        assert!(answer_for(text, "slo_impact").unwrap().contains("88.0"));
    }
}

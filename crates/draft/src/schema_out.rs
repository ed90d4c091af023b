//! The JSON Schema of one drafted section, generated from [`crate::schema`]
//! in the subset that structured outputs accept: every object closed
//! (`additionalProperties: false`), free-form maps (`rejected_reason`) as
//! lists of `{key, value}` entries, counts and formats stated in
//! descriptions rather than as constraints.

use crate::schema::{self, Field, Kind};
use serde_json::{json, Map, Value};

/// `{"type": "object", "properties": {SECTION: …}, "required": [SECTION]}`,
/// or `None` for a name that is not a top-level section.
pub fn section_schema(section: &str) -> Option<Value> {
    let field = schema::TOP.iter().find(|f| f.name == section)?;
    let mut props = Map::new();
    props.insert(section.to_string(), kind(&field.kind, section));
    Some(json!({
        "type": "object",
        "properties": props,
        "required": [section],
        "additionalProperties": false,
    }))
}

fn describe(v: &mut Value, text: &str) {
    if let Some(o) = v.as_object_mut() {
        o.insert("description".into(), Value::String(text.to_string()));
    }
}

fn object(fields: &'static [Field], path: &str) -> Value {
    let mut props = Map::new();
    for f in fields {
        props.insert(
            f.name.to_string(),
            kind(&f.kind, &format!("{path}.{}", f.name)),
        );
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

fn kind(k: &'static Kind, path: &str) -> Value {
    let mut v = match k {
        Kind::Text => json!({"type": "string"}),
        Kind::Number => {
            let mut v = json!({"anyOf": [{"type": "number"}, {"type": "string"}]});
            describe(&mut v, "a number, or TODO(what is missing)");
            v
        }
        Kind::Date => {
            let mut v = json!({"type": "string"});
            describe(&mut v, "an ISO date YYYY-MM-DD, or TODO(what is missing)");
            v
        }
        Kind::Timestamp => {
            let mut v = json!({"type": "string"});
            describe(
                &mut v,
                "an ISO 8601 timestamp with its time zone, e.g. 2026-04-09T14:02:00Z",
            );
            v
        }
        Kind::Enum(vals) => json!({"type": "string", "enum": vals}),
        Kind::Map(fields) => object(fields, path),
        Kind::List(inner) => json!({"type": "array", "items": kind(inner, path)}),
        Kind::Dict(inner) => {
            let entry = json!({
                "type": "object",
                "properties": {"key": {"type": "string"}, "value": kind(inner, path)},
                "required": ["key", "value"],
                "additionalProperties": false,
            });
            let mut v = json!({"type": "array", "items": entry});
            describe(&mut v, "entries of a map: each key with its value");
            v
        }
        Kind::Source => {
            let mut v = json!({"type": "string"});
            describe(
                &mut v,
                "citations of the inputs, e.g. \"[report §4] [chat L12-L14]\", or \"[source unstated, needs confirmation]\"",
            );
            v
        }
        Kind::TextOr(fields) => json!({"anyOf": [{"type": "string"}, object(fields, path)]}),
    };
    let count = match path {
        "what_went_well" | "what_went_wrong" => Some("at least 2 items"),
        "out_of_scope" => Some("exactly 3 items"),
        "action_items" => Some("1 to 5 items"),
        "root_cause.five_whys" => {
            Some("exactly 5 items: why_1, why_2, why_3, why_4, why_5 in order, one per item")
        }
        _ => None,
    };
    if let Some(c) = count {
        describe(&mut v, c);
    }
    if let Some(d) = crate::docs::field_summary(path) {
        let joined = match v.get("description").and_then(Value::as_str) {
            Some(c) => format!("{d} ({c})"),
            None => d,
        };
        describe(&mut v, &joined);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object is closed and lists only properties it declares as required.
    fn check(v: &Value) {
        match v {
            Value::Object(o) => {
                if o.get("type") == Some(&json!("object")) {
                    assert_eq!(o.get("additionalProperties"), Some(&json!(false)), "{v}");
                    let props = o["properties"].as_object().unwrap();
                    for r in o["required"].as_array().unwrap() {
                        assert!(props.contains_key(r.as_str().unwrap()), "{v}");
                    }
                }
                assert!(!o.contains_key("minItems") && !o.contains_key("pattern"));
                o.values().for_each(check);
            }
            Value::Array(a) => a.iter().for_each(check),
            _ => {}
        }
    }

    #[test]
    fn every_section_has_a_closed_schema() {
        for f in schema::TOP {
            let s = section_schema(f.name).unwrap();
            check(&s);
            assert_eq!(s["required"], json!([f.name]));
        }
        assert!(section_schema("nope").is_none());
        let d = section_schema("decision_log").unwrap();
        assert_eq!(
            d.pointer("/properties/decision_log/items/properties/rejected_reason/items/required"),
            Some(&json!(["key", "value"]))
        );
    }
}

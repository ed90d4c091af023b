//! The JSON Schema of a postmortem (`postmortem-lsp schema`), generated from
//! the schema table with each field's documentation as its description.

use crate::schema::{Field, Kind, TOP};

/// A JSON Schema (draft-07) of the document, for yaml-language-server users.
pub fn json_schema() -> serde_json::Value {
    use serde_json::json;
    let todo = json!({"type": "string", "pattern": "^TODO"});
    fn obj(fields: &[Field], path: &str, todo: &serde_json::Value) -> serde_json::Value {
        let mut props = serde_json::Map::new();
        for f in fields {
            let p = if path.is_empty() {
                f.name.to_string()
            } else {
                format!("{path}.{}", f.name)
            };
            props.insert(f.name.to_string(), kind(&f.kind, &p, todo));
        }
        let required: Vec<&str> = fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
    }
    fn kind(k: &Kind, path: &str, todo: &serde_json::Value) -> serde_json::Value {
        let mut v = match k {
            Kind::Text => json!({"type": ["string", "number", "boolean"]}),
            Kind::Number => {
                json!({"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^\\s*[0-9.]+\\s*%?\\s*$"}, todo]})
            }
            Kind::Date => {
                json!({"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}|TODO.*)$"})
            }
            Kind::Timestamp => json!({"type": "string"}),
            Kind::Enum(vals) => json!({"anyOf": [{"enum": vals}, todo]}),
            Kind::Map(fs) => json!({"anyOf": [obj(fs, path, todo), todo]}),
            Kind::List(inner) => {
                json!({"anyOf": [{"type": "array", "items": kind(inner, &format!("{path}[]"), todo)}, todo]})
            }
            Kind::Dict(inner) => {
                json!({"type": "object", "additionalProperties": kind(inner, path, todo)})
            }
            Kind::Source => {
                json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
            }
            Kind::TextOr(fs) => json!({"anyOf": [{"type": "string"}, obj(fs, path, todo)]}),
        };
        let limits: Option<(u64, u64)> = match path {
            "what_went_well" | "what_went_wrong" => Some((2, u64::MAX)),
            "out_of_scope" => Some((3, 3)),
            "action_items" => Some((1, 5)),
            _ => None,
        };
        if let (Some((min, max)), Some(arr)) = (limits, v.pointer_mut("/anyOf/0")) {
            arr["minItems"] = json!(min);
            if max != u64::MAX {
                arr["maxItems"] = json!(max);
            }
        }
        if let Some(d) = crate::docs::field_summary(path.trim_end_matches("[]")) {
            v["description"] = json!(d);
        }
        v
    }
    let mut root = obj(TOP, "", &todo);
    root["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    root["title"] = json!("Blameless incident postmortem (postmortem-lsp)");
    root
}

#[cfg(test)]
mod json_schema_tests {
    #[test]
    fn counts_sit_on_the_arrays() {
        let s = super::json_schema();
        let ai = &s["properties"]["action_items"]["anyOf"][0];
        assert_eq!(ai["type"], "array");
        assert_eq!(ai["maxItems"], 5);
        assert!(ai["items"]["anyOf"][0].get("maxItems").is_none());
        assert_eq!(s["properties"]["out_of_scope"]["anyOf"][0]["minItems"], 3);
        assert!(s["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == "root_cause")));
    }
}

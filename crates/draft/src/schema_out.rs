//! The JSON Schema of one drafted section, generated from [`crate::schema`]
//! in the subset that structured outputs accept, and a local check of an
//! answer against what the card requires.
//!
//! Structured outputs (<https://platform.claude.com/docs/en/build-with-claude/structured-outputs>,
//! summarised in `shared/research/facts.md`) shape what is generated here:
//!
//! - Claude writes properties in the schema's order, so properties keep the
//!   card's order (written by [`ordered_text`], since `serde_json` sorts keys): `id, statement,
//!   owner, due, severity, category, success_criteria, source, confidence`;
//!   `five_whys` before `primary_cause_category`, `source`, `confidence`.
//! - Properties are `required` wherever the card requires them: every field
//!   but `confidence_note`, a timeline entry's `kind` and a low-confidence
//!   entry's `confidence` (see [`card_requires`]). `incident_ref` and
//!   `verify.next_input` are maps, never bare strings, and each `five_whys`
//!   item is one of `why_1` … `why_5`.
//! - Within the documented limits: every object closed
//!   (`additionalProperties: false`); no numerical or string-length
//!   constraints and no `minItems` above 1 (counts and formats are stated in
//!   descriptions instead); at most 24 optional properties and 16 union-typed
//!   parameters per schema (tested for every section); free-form maps
//!   (`rejected_reason`) as lists of `{key, value}` entries.

use crate::schema::{self, Field, Kind};
use crate::value::V;
use serde_json::{json, Map, Value};

/// Does the card require `field` (at `path`, e.g. `timeline.kind`)? Every
/// field but the note that comes with confidence L, the milestone marker of
/// a timeline entry, and the confidence of a `verify.low_confidence` entry.
pub fn card_requires(path: &str, field: &Field) -> bool {
    !(field.name == "confidence_note"
        || path == "timeline.kind"
        || path == "verify.low_confidence.confidence")
}

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
        .filter(|f| card_requires(&format!("{path}.{}", f.name), f))
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
        Kind::List(_) if path == "root_cause.five_whys" => {
            // One key per item, in order: each item is one of five closed
            // single-key objects (one union-typed parameter).
            let one: Vec<Value> = schema::WHY_KEYS
                .iter()
                .map(|k| {
                    let mut props = Map::new();
                    props.insert((*k).to_string(), json!({"type": "string"}));
                    json!({"type": "object", "properties": props, "required": [k], "additionalProperties": false})
                })
                .collect();
            json!({"type": "array", "items": {"anyOf": one}})
        }
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
        // The card gives these with their parts (`id` and `source`; `input`
        // and `why`), so only the map form is asked for.
        Kind::TextOr(fields) => object(fields, path),
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

/// The schema as JSON text with every `properties` map in the card's order
/// (the schema table's field order), since structured outputs write
/// properties in schema order and `serde_json::Value` keeps keys sorted.
/// Maps the table does not describe (`{key, value}` entries) follow their
/// `required` list. Parses back to the same value.
pub fn ordered_text(schema: &Value) -> String {
    let mut out = String::new();
    write_ordered(schema, "", &mut out);
    out
}

fn write_ordered(v: &Value, path: &str, out: &mut String) {
    match v {
        Value::Object(o) => {
            const KEYWORDS: &[&str] = &[
                "type",
                "description",
                "enum",
                "anyOf",
                "properties",
                "required",
                "additionalProperties",
                "items",
            ];
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort_by_key(|k| {
                KEYWORDS
                    .iter()
                    .position(|x| x == k)
                    .unwrap_or(KEYWORDS.len())
            });
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                match (k.as_str(), &o[*k]) {
                    ("properties", Value::Object(props)) => {
                        write_properties(props, path, o.get("required"), out)
                    }
                    (_, val) => write_ordered(val, path, out),
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_ordered(x, path, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn write_properties(
    props: &Map<String, Value>,
    path: &str,
    required: Option<&Value>,
    out: &mut String,
) {
    let mut order: Vec<String> = Vec::new();
    if !path.is_empty() {
        if let Some(f) = schema::lookup(path) {
            let mut k = &f.kind;
            while let Kind::List(inner) = k {
                k = inner;
            }
            if let Some(fields) = schema::fields_of(k) {
                order.extend(fields.iter().map(|f| f.name.to_string()));
            }
        }
    }
    if let Some(Value::Array(req)) = required {
        order.extend(req.iter().filter_map(Value::as_str).map(str::to_string));
    }
    let mut keys: Vec<&String> = props.keys().collect();
    keys.sort_by_key(|k| order.iter().position(|o| o == *k).unwrap_or(order.len()));
    out.push('{');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String((*k).clone()).to_string());
        out.push(':');
        let child = if path.is_empty() {
            (*k).clone()
        } else {
            format!("{path}.{k}")
        };
        write_ordered(&props[*k], &child, out);
    }
    out.push('}');
}

/// What in an answer (the section's value, after
/// [`crate::value::normalize`]) does not have the shape the card
/// requires: a missing required field, a bare string where a map belongs, a
/// value of the wrong kind. Empty when it fits. Claude's answer is read from
/// text unless `structured_output` is on, so this is what holds it to the
/// schema; the rules then check the content.
pub fn check_answer(section: &str, v: &V) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(field) = schema::TOP.iter().find(|f| f.name == section) {
        check_kind(&field.kind, section, section, v, &mut out);
    }
    out
}

fn check_kind(k: &Kind, path: &str, shown: &str, v: &V, out: &mut Vec<String>) {
    let text = |v: &V| matches!(v, V::Str(_) | V::Num(_));
    match k {
        Kind::Map(fields) | Kind::TextOr(fields) => {
            let V::Map(pairs) = v else {
                let parts: Vec<String> = fields
                    .iter()
                    .filter(|f| card_requires(&format!("{path}.{}", f.name), f))
                    .map(|f| format!("`{}`", f.name))
                    .collect();
                out.push(format!(
                    "`{shown}` must be a map with {}, not {}",
                    parts.join(", "),
                    what(v)
                ));
                return;
            };
            for f in *fields {
                let p = format!("{path}.{}", f.name);
                let s = format!("{shown}.{}", f.name);
                match pairs.iter().find(|(key, _)| key == f.name) {
                    None | Some((_, V::Null)) => {
                        if card_requires(&p, f) {
                            out.push(format!("`{s}` is missing"));
                        }
                    }
                    Some((_, fv)) => check_kind(&f.kind, &p, &s, fv, out),
                }
            }
        }
        Kind::List(inner) => {
            let V::List(items) = v else {
                out.push(format!("`{shown}` must be a list, not {}", what(v)));
                return;
            };
            if path == "root_cause.five_whys" {
                for (i, it) in items.iter().enumerate() {
                    let one_why = matches!(it, V::Map(p) if p.len() == 1
                        && schema::WHY_KEYS.contains(&p[0].0.as_str()) && text(&p[0].1));
                    if !one_why {
                        out.push(format!("`{shown}[{i}]` must be one `why_N: text` entry"));
                    }
                }
                return;
            }
            for (i, it) in items.iter().enumerate() {
                check_kind(inner, path, &format!("{shown}[{i}]"), it, out);
            }
        }
        Kind::Dict(inner) => match v {
            V::Map(pairs) => {
                for (key, val) in pairs {
                    check_kind(inner, path, &format!("{shown}.{key}"), val, out);
                }
            }
            other => out.push(format!(
                "`{shown}` must be a map of option to reason, not {}",
                what(other)
            )),
        },
        Kind::Enum(vals) => match v {
            V::Str(s) if vals.contains(&s.as_str()) => {}
            other => out.push(format!(
                "`{shown}` must be one of {}, not {}",
                vals.join(", "),
                what(other)
            )),
        },
        Kind::Text | Kind::Source | Kind::Date | Kind::Timestamp | Kind::Number => {
            if !text(v) {
                out.push(format!("`{shown}` must be text, not {}", what(v)));
            }
        }
    }
}

fn what(v: &V) -> String {
    match v {
        V::Null => "nothing".into(),
        V::Bool(b) => format!("`{b}`"),
        V::Num(n) => format!("the number {n}"),
        V::Str(s) if s.chars().count() > 40 => "a string".into(),
        V::Str(s) => format!("the string {s:?}"),
        V::List(_) => "a list".into(),
        V::Map(p) if p.is_empty() => "an empty map".into(),
        V::Map(_) => "a map".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value;

    /// Every object is closed and lists only properties it declares; no
    /// keyword the structured-outputs page says is unsupported.
    fn check(v: &Value, optional: &mut usize, unions: &mut usize) {
        match v {
            Value::Object(o) => {
                if o.get("type") == Some(&json!("object")) {
                    assert_eq!(o.get("additionalProperties"), Some(&json!(false)), "{v}");
                    let props = o["properties"].as_object().unwrap();
                    let req = o["required"].as_array().unwrap();
                    for r in req {
                        assert!(props.contains_key(r.as_str().unwrap()), "{v}");
                    }
                    *optional += props.len() - req.len();
                }
                if o.contains_key("anyOf") {
                    *unions += 1;
                }
                for k in [
                    "minItems",
                    "maxItems",
                    "minLength",
                    "maxLength",
                    "minimum",
                    "maximum",
                    "pattern",
                ] {
                    assert!(!o.contains_key(k), "{k} in {v}");
                }
                o.values().for_each(|x| check(x, optional, unions));
            }
            Value::Array(a) => a.iter().for_each(|x| check(x, optional, unions)),
            _ => {}
        }
    }

    #[test]
    fn every_section_has_a_closed_schema_within_the_limits() {
        for f in schema::TOP {
            let s = section_schema(f.name).unwrap();
            let (mut optional, mut unions) = (0, 0);
            check(&s, &mut optional, &mut unions);
            assert!(
                optional <= 24 && unions <= 16,
                "{}: {optional} optional, {unions} unions",
                f.name
            );
            assert_eq!(s["required"], json!([f.name]));
        }
        assert!(section_schema("nope").is_none());
        let d = section_schema("decision_log").unwrap();
        assert_eq!(
            d.pointer("/properties/decision_log/items/properties/rejected_reason/items/required"),
            Some(&json!(["key", "value"]))
        );
    }

    #[test]
    fn properties_in_the_cards_order_and_required_as_the_card_says() {
        let a = section_schema("action_items").unwrap();
        let text = ordered_text(&a);
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            a,
            "the same schema"
        );
        let at = |k: &str| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k}"))
        };
        let order = [
            "id",
            "statement",
            "owner",
            "due",
            "severity",
            "category",
            "success_criteria",
            "source",
            "confidence",
            "confidence_note",
        ];
        for w in order.windows(2) {
            assert!(at(w[0]) < at(w[1]), "{} before {}: {text}", w[0], w[1]);
        }
        let r = ordered_text(&section_schema("root_cause").unwrap());
        let at = |k: &str| r.find(&format!("\"{k}\":")).unwrap();
        assert!(
            at("five_whys") < at("primary_cause_category")
                && at("primary_cause_category") < at("source")
                && at("source") < at("confidence")
        );
        assert!(at("why_1") < at("why_2") && at("why_4") < at("why_5"));
        let d = ordered_text(&section_schema("decision_log").unwrap());
        assert!(d.find("\"key\":").unwrap() < d.find("\"value\":").unwrap());
        let r = section_schema("root_cause").unwrap();
        let rc = &r["properties"]["root_cause"];
        assert_eq!(
            rc["required"],
            json!([
                "five_whys",
                "primary_cause_category",
                "source",
                "confidence"
            ])
        );
        let why = &rc["properties"]["five_whys"]["items"]["anyOf"];
        assert_eq!(why.as_array().unwrap().len(), 5);
        assert_eq!(why[2]["required"], json!(["why_3"]));
        let v = section_schema("verify").unwrap();
        assert_eq!(
            v["properties"]["verify"]["required"],
            json!(["low_confidence", "assumptions", "next_input"])
        );
        assert_eq!(
            v["properties"]["verify"]["properties"]["next_input"]["required"],
            json!(["input", "why"])
        );
        let i = section_schema("incident_ref").unwrap();
        assert_eq!(i["properties"]["incident_ref"]["type"], "object");
        assert_eq!(
            i["properties"]["incident_ref"]["required"],
            json!(["id", "source"])
        );
        for (section, field) in [
            ("slo_impact", "mtta"),
            ("prevention_categories", "recovery"),
            ("systemic_changes", "source"),
            ("timeline", "source"),
        ] {
            let s = section_schema(section).unwrap().to_string();
            assert!(s.contains(&format!("\"{field}\"")), "{section}");
            let sch = section_schema(section).unwrap();
            let obj = &sch["properties"][section];
            let obj = if obj["type"] == "array" {
                &obj["items"]
            } else {
                obj
            };
            assert!(
                obj["required"].as_array().unwrap().contains(&json!(field)),
                "{section}.{field}"
            );
        }
    }

    #[test]
    fn answers_are_held_to_the_card() {
        let v = |t: &str| value::parse_answer(t).unwrap();
        let norm = |section: &str, t: &str| {
            let f = value::top_field(section).unwrap();
            value::normalize(value::extract_section(v(t), section).unwrap(), &f.kind)
        };
        let verify = norm("verify", r#"{"verify": {}}"#);
        assert_eq!(
            check_answer("verify", &verify),
            [
                "`verify.low_confidence` is missing",
                "`verify.assumptions` is missing",
                "`verify.next_input` is missing"
            ]
        );
        let bare = norm("incident_ref", r#"{"incident_ref": "INC-1"}"#);
        assert_eq!(
            check_answer("incident_ref", &bare),
            ["`incident_ref` must be a map with `id`, `source`, not the string \"INC-1\""]
        );
        let whys = norm(
            "root_cause",
            r#"{"root_cause": {"five_whys": [{"why_1": "a", "why_2": "b"}], "primary_cause_category": "config", "source": "[r §1]", "confidence": "X"}}"#,
        );
        let errs = check_answer("root_cause", &whys);
        assert!(errs.iter().any(|e| e.contains("five_whys[0]")), "{errs:?}");
        assert!(
            errs.iter()
                .any(|e| e.contains("confidence` must be one of H, M, L")),
            "{errs:?}"
        );
        // The example's sections fit.
        let example = include_str!("../../../examples/checkout-outage/postmortem.yaml");
        for f in schema::TOP.iter().filter(|f| f.name != "inputs") {
            let a = value::answer_for(example, f.name).unwrap();
            assert_eq!(
                check_answer(f.name, &norm(f.name, &a)),
                Vec::<String>::new(),
                "{}",
                f.name
            );
        }
    }
}

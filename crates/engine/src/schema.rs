//! The postmortem schema, from the design card's `<output_schema>` plus the
//! refinements in the foundation issue. One static table drives the generic
//! schema rules (PM002–PM006), completion, hovers and `postmortem-lsp schema`.

/// What a value must look like.
#[derive(Debug)]
pub enum Kind {
    /// Any scalar text.
    Text,
    /// A number (a percentage, a count).
    Number,
    /// An ISO date `YYYY-MM-DD` (or TODO).
    Date,
    /// An ISO timestamp.
    Timestamp,
    /// One of these values.
    Enum(&'static [&'static str]),
    /// A map with these fields.
    Map(&'static [Field]),
    /// A list of this kind.
    List(&'static Kind),
    /// A map from free-form keys to this kind (`inputs`, `rejected_reason`).
    Dict(&'static Kind),
    /// A citation list: a string of `[...]` citations, or a flow list of them.
    Source,
    /// Text, or a map with these fields (`incident_ref`).
    TextOr(&'static [Field]),
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}
const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

pub const CONFIDENCE: &[&str] = &["H", "M", "L"];
pub const CAUSE_CATEGORIES: &[&str] = &[
    "code",
    "config",
    "capacity",
    "dependency",
    "process",
    "training",
    "monitoring",
];
pub const PREVENTION_CATEGORIES: &[&str] = &["detection", "response", "recovery", "prevention"];
pub const SEVERITIES: &[&str] = &["P0", "P1", "P2"];
pub const TIMELINE_KINDS: &[&str] = &[
    "impact_start",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
];
pub const WHY_KEYS: &[&str] = &["why_1", "why_2", "why_3", "why_4", "why_5"];

const INCIDENT_REF: &[Field] = &[req("id", Kind::Text), f("source", Kind::Source)];

const WHY_ITEM: &[Field] = &[
    f("why_1", Kind::Text),
    f("why_2", Kind::Text),
    f("why_3", Kind::Text),
    f("why_4", Kind::Text),
    f("why_5", Kind::Text),
];

const ROOT_CAUSE: &[Field] = &[
    req("five_whys", Kind::List(&Kind::Map(WHY_ITEM))),
    req("primary_cause_category", Kind::Enum(CAUSE_CATEGORIES)),
    req("source", Kind::Source),
    req("confidence", Kind::Enum(CONFIDENCE)),
    f("confidence_note", Kind::Text),
];

const FACTOR: &[Field] = &[
    req("factor", Kind::Text),
    req("category", Kind::Enum(PREVENTION_CATEGORIES)),
    req("source", Kind::Source),
    req("confidence", Kind::Enum(CONFIDENCE)),
    f("confidence_note", Kind::Text),
];

const ACTION: &[Field] = &[
    req("id", Kind::Text),
    req("statement", Kind::Text),
    req("owner", Kind::Text),
    req("due", Kind::Date),
    req("severity", Kind::Enum(SEVERITIES)),
    req("category", Kind::Enum(PREVENTION_CATEGORIES)),
    req("success_criteria", Kind::Text),
    req("source", Kind::Source),
    req("confidence", Kind::Enum(CONFIDENCE)),
    f("confidence_note", Kind::Text),
];

const PREVENTION: &[Field] = &[
    f("detection", Kind::List(&Kind::Text)),
    f("response", Kind::List(&Kind::Text)),
    f("recovery", Kind::List(&Kind::Text)),
    f("prevention", Kind::List(&Kind::Text)),
];

const SYSTEMIC: &[Field] = &[
    req("change", Kind::Text),
    f("cost", Kind::Text),
    f("risk_if_skipped", Kind::Text),
    f("source", Kind::Source),
    f("confidence", Kind::Enum(CONFIDENCE)),
    f("confidence_note", Kind::Text),
];

const DECISION: &[Field] = &[
    req("decision", Kind::Text),
    req("options_considered", Kind::List(&Kind::Text)),
    req("chosen", Kind::Text),
    f("rejected_reason", Kind::Dict(&Kind::Text)),
    f("source", Kind::Source),
    req("confidence", Kind::Enum(CONFIDENCE)),
    f("confidence_note", Kind::Text),
];

const SLO_IMPACT: &[Field] = &[
    f("slo", Kind::Text),
    f("error_budget_consumed_pct", Kind::Number),
    f("mtta", Kind::Text),
    f("mttr", Kind::Text),
    f("alert_latency", Kind::Text),
    f("source", Kind::Source),
    f("confidence", Kind::Enum(CONFIDENCE)),
    f("confidence_note", Kind::Text),
];

const LOW_CONFIDENCE: &[Field] = &[
    req("field", Kind::Text),
    f("confidence", Kind::Enum(CONFIDENCE)),
    req("needs", Kind::Text),
];
const NEXT_INPUT: &[Field] = &[req("input", Kind::Text), req("why", Kind::Text)];
const VERIFY: &[Field] = &[
    f("low_confidence", Kind::List(&Kind::Map(LOW_CONFIDENCE))),
    f("assumptions", Kind::List(&Kind::Text)),
    f("next_input", Kind::TextOr(NEXT_INPUT)),
];

const TIMELINE_ENTRY: &[Field] = &[
    req("at", Kind::Timestamp),
    req("event", Kind::Text),
    f("kind", Kind::Enum(TIMELINE_KINDS)),
    f("source", Kind::Source),
];

/// The top-level fields, in the order a postmortem is written.
pub const TOP: &[Field] = &[
    req("incident_ref", Kind::TextOr(INCIDENT_REF)),
    f("inputs", Kind::Dict(&Kind::Text)),
    f("timeline", Kind::List(&Kind::Map(TIMELINE_ENTRY))),
    req("root_cause", Kind::Map(ROOT_CAUSE)),
    req("contributing_factors", Kind::List(&Kind::Map(FACTOR))),
    req("what_went_well", Kind::List(&Kind::Text)),
    req("what_went_wrong", Kind::List(&Kind::Text)),
    req("action_items", Kind::List(&Kind::Map(ACTION))),
    req("blameless_summary", Kind::Text),
    req("prevention_categories", Kind::Map(PREVENTION)),
    req("systemic_changes", Kind::List(&Kind::Map(SYSTEMIC))),
    req("decision_log", Kind::List(&Kind::Map(DECISION))),
    req("out_of_scope", Kind::List(&Kind::Text)),
    req("slo_impact", Kind::Map(SLO_IMPACT)),
    f("verify", Kind::Map(VERIFY)),
];

/// The fields of a map kind (including `TextOr`'s map form).
pub fn fields_of(kind: &Kind) -> Option<&'static [Field]> {
    match kind {
        Kind::Map(fs) | Kind::TextOr(fs) => Some(fs),
        _ => None,
    }
}

/// Looks a field up by a schema path such as `action_items.owner` or
/// `root_cause.five_whys.why_3` (list levels are transparent).
pub fn lookup(path: &str) -> Option<&'static Field> {
    let mut fields = TOP;
    let mut found: Option<&'static Field> = None;
    for part in path.split('.') {
        let part = part.split('[').next().unwrap_or(part);
        let field = fields.iter().find(|f| f.name == part)?;
        found = Some(field);
        let mut k = &field.kind;
        while let Kind::List(inner) = k {
            k = inner;
        }
        fields = fields_of(k).unwrap_or(&[]);
    }
    found
}

/// Every schema path (`action_items.owner`, …), for docs and completeness tests.
pub fn all_paths() -> Vec<String> {
    fn walk(prefix: &str, fields: &'static [Field], out: &mut Vec<String>) {
        for f in fields {
            let p = if prefix.is_empty() {
                f.name.to_string()
            } else {
                format!("{prefix}.{}", f.name)
            };
            out.push(p.clone());
            let mut k = &f.kind;
            while let Kind::List(inner) = k {
                k = inner;
            }
            if let Some(fs) = fields_of(k) {
                walk(&p, fs, out);
            }
        }
    }
    let mut out = Vec::new();
    walk("", TOP, &mut out);
    out
}

/// Every (enum field path, value) pair, for docs and completeness tests.
pub fn all_enum_values() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for p in all_paths() {
        if let Some(Field {
            kind: Kind::Enum(vals),
            ..
        }) = lookup(&p)
        {
            for v in *vals {
                out.push((p.clone(), *v));
            }
        }
    }
    out
}

/// A short description of a kind, for `explain` and hovers.
pub fn describe_kind(kind: &Kind) -> String {
    match kind {
        Kind::Text => "text".into(),
        Kind::Number => "a number".into(),
        Kind::Date => "an ISO date (YYYY-MM-DD)".into(),
        Kind::Timestamp => "an ISO timestamp (2026-04-09T14:02:00Z)".into(),
        Kind::Enum(v) => format!("one of {}", v.join(", ")),
        Kind::Map(fs) => format!(
            "a map with {}",
            fs.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        ),
        Kind::List(inner) => format!("a list of {}", describe_kind(inner)),
        Kind::Dict(inner) => format!("a map from names to {}", describe_kind(inner)),
        Kind::Source => "citations, e.g. \"[report §4] [chat L12]\"".into(),
        Kind::TextOr(fs) => format!(
            "text, or a map with {}",
            fs.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_walks_lists_and_maps() {
        assert!(matches!(
            lookup("action_items.owner").map(|f| &f.kind),
            Some(Kind::Text)
        ));
        assert!(lookup("root_cause.five_whys.why_3").is_some());
        assert!(lookup("action_items[2].due").is_some());
        assert!(lookup("nope").is_none());
        assert!(all_paths().contains(&"slo_impact.mtta".to_string()));
        assert!(all_enum_values()
            .iter()
            .any(|(p, v)| p == "action_items.severity" && *v == "P0"));
    }
}

//! The card's verify step at a glance: fields below H confidence, TODOs and
//! action items without an owner, as a code lens title and as a list of
//! locations (`postmortem.showLowConfidence`).

use super::docs;
use crate::analysis::Analysis;
use crate::query as common;
use crate::rules::visit_scalars;
use crate::text::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyKind {
    LowConfidence,
    Todo,
    NoOwner,
}

#[derive(Clone, Debug)]
pub struct VerifyItem {
    pub kind: VerifyKind,
    pub span: Span,
    /// The field's path (`contributing_factors[2]`, `action_items[1].owner`).
    pub field: String,
    /// One line for a picker: "contributing_factors[2]: confidence M".
    pub label: String,
}

/// Everything the verify step should look at, in document order within each kind.
pub fn verify_items(a: &Analysis) -> Vec<VerifyItem> {
    let Some(root) = a.root() else {
        return Vec::new();
    };
    let d = docs(a);
    let mut low = Vec::new();
    let mut todos = Vec::new();
    visit_scalars(root, &mut |path, _spath, s| {
        let is_conf = path == "confidence" || path.ends_with(".confidence");
        if is_conf && !path.starts_with("verify") {
            let v = s.value.trim();
            if v == "M" || v == "L" {
                let field = path
                    .strip_suffix("confidence")
                    .unwrap_or("")
                    .trim_end_matches('.');
                let field = if field.is_empty() {
                    "(document)"
                } else {
                    field
                };
                low.push(VerifyItem {
                    kind: VerifyKind::LowConfidence,
                    span: s.span.clone(),
                    field: field.to_string(),
                    label: d.fmt("item_low_confidence", &[("field", field), ("level", v)]),
                });
            }
        }
        for (r, _) in common::todos(&s.value) {
            let span = s.src_span(r.clone());
            let todo = super::preview(&s.value[r], 80);
            todos.push(VerifyItem {
                kind: VerifyKind::Todo,
                span,
                field: path.to_string(),
                label: d.fmt("item_todo", &[("field", path), ("todo", &todo)]),
            });
        }
    });
    let mut owners = Vec::new();
    for (i, it) in common::items(root, "action_items").iter().enumerate() {
        let Some(pairs) = it.as_map() else { continue };
        let id = it
            .str_value_of("id")
            .map_or_else(|| format!("#{}", i + 1), str::to_string);
        let span = match it.pair("owner") {
            Some(p)
                if !common::is_empty(p.value.as_ref())
                    && !p.value.as_ref().is_some_and(common::is_todo) =>
            {
                continue
            }
            Some(p) => p.value_or_key_span(),
            None => pairs
                .first()
                .map_or(it.span.clone(), |p| p.key.span.clone()),
        };
        owners.push(VerifyItem {
            kind: VerifyKind::NoOwner,
            span,
            field: format!("action_items[{i}].owner"),
            label: d.fmt("item_no_owner", &[("id", &id)]),
        });
    }
    low.extend(todos);
    low.extend(owners);
    low
}

/// "3 fields below H confidence · 2 TODOs · 1 action without owner".
pub fn summary(a: &Analysis) -> String {
    let items = verify_items(a);
    let d = docs(a);
    let count = |k: VerifyKind| items.iter().filter(|i| i.kind == k).count();
    let (low, todo, owner) = (
        count(VerifyKind::LowConfidence),
        count(VerifyKind::Todo),
        count(VerifyKind::NoOwner),
    );
    if low + todo + owner == 0 {
        return d.ui("lens_all_clear").to_string();
    }
    let part = |n: usize, one: &str, many: &str| {
        if n == 1 {
            d.ui(one).to_string()
        } else {
            d.fmt(many, &[("n", &n.to_string())])
        }
    };
    [
        part(low, "lens_low_confidence_one", "lens_low_confidence"),
        part(todo, "lens_todos_one", "lens_todos"),
        part(owner, "lens_no_owner_one", "lens_no_owner"),
    ]
    .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Locale;
    use crate::ide::test_support::{at, example};

    #[test]
    fn counts_low_confidence_todos_and_owners() {
        let t = "root_cause:\n  confidence: M\ncontributing_factors:\n  - confidence: L\n  - confidence: H\naction_items:\n  - id: AI-001\n    owner: TODO(who)\n    due: TODO\n  - id: AI-002\n    owner: team\n  - id: AI-003\nverify:\n  low_confidence:\n    - field: root_cause\n      confidence: M\n";
        let (a, _) = at(t, Locale::En);
        assert_eq!(
            summary(&a),
            "2 fields below H confidence · 2 TODOs · 2 actions without owner"
        );
        let items = verify_items(&a);
        assert_eq!(items[0].label, "root_cause: confidence M");
        assert_eq!(&a.text[items[2].span.clone()], "TODO(who)");
        assert_eq!(
            items.last().map(|i| i.label.as_str()),
            Some("AI-003: no owner")
        );
        let (a, _) = at(t, Locale::ZhTw);
        assert_eq!(
            summary(&a),
            "2 個欄位信心低於 H · 2 個 TODO · 2 個行動項沒有 owner"
        );
    }

    #[test]
    fn the_example() {
        let a = example(Locale::En);
        assert_eq!(
            summary(&a),
            "6 fields below H confidence · 1 TODO · 0 actions without owner"
        );
        let (a, _) = at("incident_ref: x\n", Locale::En);
        assert!(summary(&a).starts_with("Verify: every field"));
    }
}

//! What several rules share: which rule owns a field, and the check of an
//! action item's field (owner, due, success criteria). Document queries
//! (items, paths, TODOs) are in [`crate::query`].

use crate::query::{is_empty, is_todo, items};

/// Fields whose absence or invalid value a specific rule reports, so the
/// generic schema rules stay quiet about them.
pub fn owned_by_specific_rule(spath: &str) -> bool {
    spath.ends_with("source")
        || spath.ends_with("confidence")
        || matches!(
            spath,
            "action_items.owner"
                | "action_items.due"
                | "action_items.success_criteria"
                | "slo_impact"
                | "root_cause.five_whys"
        )
        || spath.starts_with("root_cause.five_whys.")
}

/// Shared by PM201/PM202/PM204: an action item field that is absent or empty
/// (the rule's severity) or a TODO placeholder (warning).
pub fn check_action_field(
    cx: &super::Context,
    out: &mut Vec<crate::diagnostic::Diagnostic>,
    meta: &super::RuleMeta,
    field: &str,
    messages: impl Fn(&super::Context, &str) -> (String, String),
) {
    use crate::diagnostic::{Diagnostic, Severity};
    let Some(root) = cx.root else { return };
    for (i, it) in items(root, "action_items").iter().enumerate() {
        let Some(pairs) = it.as_map() else { continue };
        let id = it
            .str_value_of("id")
            .map_or_else(|| format!("#{}", i + 1), str::to_string);
        let (absent, todo) = messages(cx, &id);
        match it.pair(field) {
            Some(p) if !is_empty(p.value.as_ref()) => {
                if p.value.as_ref().is_some_and(is_todo) {
                    out.push(Diagnostic::new(
                        meta.code,
                        Severity::Warning.min(meta.default_severity),
                        p.value_or_key_span(),
                        format!("action_items[{i}].{field}"),
                        todo,
                    ));
                }
            }
            Some(p) => out.push(Diagnostic::new(
                meta.code,
                meta.default_severity,
                p.key.span.clone(),
                format!("action_items[{i}].{field}"),
                absent,
            )),
            None => {
                let span = pairs
                    .first()
                    .map_or(it.span.clone(), |p| p.key.span.clone());
                out.push(Diagnostic::new(
                    meta.code,
                    meta.default_severity,
                    span,
                    format!("action_items[{i}]"),
                    absent,
                ));
            }
        }
    }
}

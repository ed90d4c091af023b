use super::common::owned_by_specific_rule;
use super::{Context, Rule, RuleMeta, Visit};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// A required field or section is absent.
    ///
    /// The design card's output schema names what every postmortem carries:
    /// `incident_ref`, `root_cause` (five whys, category, source, confidence),
    /// `contributing_factors`, `what_went_well`, `what_went_wrong`, `action_items`,
    /// `blameless_summary`, `prevention_categories`, `systemic_changes`,
    /// `decision_log`, `out_of_scope` and `slo_impact`. The diagnostic sits on the
    /// parent key. When the data is not known yet, write the field with
    /// `TODO(what is missing)` rather than leaving it out.
    ///
    /// Missing `source`, `confidence`, `owner`, `due`, `success_criteria` and
    /// `slo_impact` have rules of their own (PM401, PM404, PM201, PM202, PM204, PM601).
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `root_cause` has no `primary_cause_category`, and the other sections are missing
    /// root_cause:
    ///   five_whys:
    ///     - why_1: Checkout payments returned 503 for 45 minutes
    ///   source: "[report §4]"
    ///   confidence: H
    /// ```
    ///
    /// ```yaml
    /// # passes: every section is there; `TODO(…)` marks what is not known yet
    /// incident_ref: INC-2026-0412
    /// root_cause: TODO(five whys from the review meeting on 2026-04-14)
    /// contributing_factors: TODO(factors from the review meeting)
    /// what_went_well: TODO(signals from the chat log)
    /// what_went_wrong: TODO(signals from the metrics)
    /// action_items: TODO(items agreed with their owners)
    /// blameless_summary: TODO(write after the review)
    /// prevention_categories: TODO(once the action items are agreed)
    /// systemic_changes: TODO(from the architecture review)
    /// decision_log: TODO(decisions from the incident channel)
    /// out_of_scope: TODO(three topics this document leaves out)
    /// slo_impact: TODO(figures from the SLO dashboard)
    /// ```
    pub struct MissingField { code: "PM002", name: "missing-field", severity: Error }
}

impl Rule for MissingField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        if root.as_map().is_none() {
            return;
        }
        cx.walk(&mut |v| {
            let Visit::Map {
                node,
                fields,
                path,
                spath,
                anchor,
            } = v
            else {
                return;
            };
            for f in fields.iter().filter(|f| f.required) {
                // the cheap test first: most fields are there
                if node.pair(f.name).is_some()
                    || owned_by_specific_rule(&crate::query::join(spath, f.name))
                {
                    continue;
                }
                let name = f.name;
                let msg = if path.is_empty() {
                    crate::tr!(cx, "The `{name}` section is missing. Add it (use `TODO(what is missing)` for data you don't have yet).", "缺少 `{name}` 區段。請補上(尚無資料的部分寫 `TODO(缺什麼)`)。")
                } else {
                    crate::tr!(cx, "`{path}` has no `{name}`. Add it (use `TODO(what is missing)` if it isn't known yet).", "`{path}` 缺少 `{name}`。請補上(未知時寫 `TODO(缺什麼)`)。")
                };
                let mut d = Diagnostic::new(
                    self.meta().code,
                    self.meta().default_severity,
                    anchor.clone(),
                    path.to_string(),
                    msg,
                );
                d.missing = Some(name);
                d.fixes.extend(if path.is_empty() {
                    Some(crate::fixes::add_section_fix(cx.text, node, f, cx.locale))
                } else {
                    crate::fixes::add_field_fix(cx.text, node, fields, f, spath, cx.locale)
                });
                out.push(d);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn missing_sections_and_fields() {
        let t = "incident_ref: INC-1\ncontributing_factors:\n  - category: detection\nroot_cause:\n  primary_cause_category: config\n";
        let d = run("PM002", t);
        assert!(d.iter().any(|d| d.message.contains("`what_went_well`")));
        let f = d
            .iter()
            .find(|d| d.field == "contributing_factors[0]")
            .expect("factor missing reported");
        assert_eq!(&t[f.span.clone()], "category");
        assert!(f.message.contains("`factor`"));
        assert!(
            !d.iter().any(|d| d.message.contains("`source`")),
            "PM401 owns source"
        );
    }

    #[test]
    fn the_missing_name_is_data_not_only_text() {
        let t = "incident_ref: INC-1\ncontributing_factors:\n  - category: detection\n";
        let d = run("PM002", t);
        let top = d
            .iter()
            .find(|d| d.field.is_empty() && d.message.contains("`what_went_well`"))
            .expect("section reported");
        assert_eq!(top.missing, Some("what_went_well"));
        let f = d
            .iter()
            .find(|d| d.field == "contributing_factors[0]")
            .expect("field");
        assert_eq!(f.missing, Some("factor"));
    }
}

use super::common::owned_by_specific_rule;
use super::{Context, Rule, RuleMeta, Visit};
use crate::diagnostic::Diagnostic;
use crate::query::is_empty;

crate::declare_rule! {
    /// A required field is present but empty.
    ///
    /// `factor:` with nothing after it, `statement: ""` or `contributing_factors: []`
    /// look filled in but say nothing. Write the value, or `TODO(what is missing)` so
    /// reviewers see what still has to be found out. (Counts of `what_went_well`,
    /// `what_went_wrong` and `out_of_scope` are PM101 and PM102.)
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: the factor is there but says nothing
    /// contributing_factors:
    ///   - factor:
    ///     category: detection
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// contributing_factors:
    ///   - factor: The checkout alert was loosened to 10% for 10 minutes in February
    ///     category: detection
    /// ```
    pub struct EmptyValue { code: "PM006", name: "empty-value", severity: Error }
}

const COUNTED: &[&str] = &["what_went_well", "what_went_wrong", "out_of_scope"];

impl Rule for EmptyValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        cx.walk(&mut |v| {
            let Visit::Map {
                node,
                fields,
                path,
                spath,
                ..
            } = v
            else {
                return;
            };
            for f in fields.iter().filter(|f| f.required) {
                // the cheap test first: most values are not empty
                let Some(pair) = node.pair(f.name) else {
                    continue;
                };
                if !is_empty(pair.value.as_ref()) {
                    continue;
                }
                let fs = crate::query::join(spath, f.name);
                if owned_by_specific_rule(&fs) || COUNTED.contains(&fs.as_str()) {
                    continue;
                }
                let at = crate::query::join(path, f.name);
                out.push(Diagnostic::new(
                    self.meta().code,
                    self.meta().default_severity,
                    pair.value_or_key_span(),
                    at.clone(),
                    crate::tr!(
                        cx,
                        "`{at}` is empty. Fill it in, or write `TODO(what is missing)`.",
                        "`{at}` 是空的。請填寫,或寫 `TODO(缺什麼)`。"
                    ),
                ));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn empty_required_values() {
        let d = run("PM006", "blameless_summary: \"\"\ncontributing_factors: []\naction_items:\n  - statement:\n    id: AI-001\nwhat_went_well: []\n");
        let mut fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        fields.sort();
        assert_eq!(
            fields,
            vec![
                "action_items[0].statement",
                "blameless_summary",
                "contributing_factors"
            ]
        );
        assert_eq!(d.len(), 3, "{d:?}");
    }
}

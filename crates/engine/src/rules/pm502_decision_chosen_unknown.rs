use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};

crate::declare_rule! {
    /// A decision's `chosen` option is not among its `options_considered`.
    ///
    /// The decision log records what was weighed during the incident or the analysis
    /// ("root cause: capacity vs config") and which option won. `chosen` must be one of
    /// `options_considered`, spelled the same, so the rejected ones can be explained.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `stay on primary` is not spelled like any option
    /// decision_log:
    ///   - decision: Fail over to the secondary PSP during triage?
    ///     options_considered: [stay-on-primary-psp, fail-over-to-secondary-psp]
    ///     chosen: stay on primary
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// decision_log:
    ///   - decision: Fail over to the secondary PSP during triage?
    ///     options_considered: [stay-on-primary-psp, fail-over-to-secondary-psp]
    ///     chosen: stay-on-primary-psp
    /// ```
    pub struct DecisionChosenUnknown { code: "PM502", name: "decision-chosen-unknown", severity: Error }
}

pub fn options(it: &crate::syntax::Node) -> Vec<&str> {
    it.get("options_considered")
        .and_then(|o| o.as_seq())
        .map(|s| s.iter().filter_map(|n| n.str_value()).collect())
        .unwrap_or_default()
}

impl Rule for DecisionChosenUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        for (i, it) in crate::query::items(root, "decision_log").iter().enumerate() {
            let Some(chosen) = it.get("chosen").and_then(|c| c.as_scalar()) else {
                continue;
            };
            let opts = options(it);
            let c = chosen.value.trim();
            if chosen.is_null() || opts.is_empty() || c.starts_with("TODO") || opts.contains(&c) {
                continue;
            }
            let list = opts.join(", ");
            let mut d = Diagnostic::new(self.meta().code, self.meta().default_severity, chosen.span.clone(), format!("decision_log[{i}].chosen"), crate::tr!(cx, "`{c}` is not among the options considered ({list}). Choose one of them, or add it to `options_considered`.", "`{c}` 不在考慮過的選項中({list})。請選其中之一,或把它加入 `options_considered`。"));
            if let Some(sug) = crate::query::did_you_mean(c, opts.iter().copied()) {
                d.fixes.push(Fix {
                    title: crate::docs::get(cx.locale).fmt("fix_replace_with", &[("value", sug)]),
                    edits: vec![Edit {
                        span: chosen.span.clone(),
                        new_text: sug.to_string(),
                    }],
                    preferred: true,
                });
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn chosen_must_be_an_option() {
        let d = run("PM502", "decision_log:\n  - options_considered: [capacity, config]\n    chosen: configs\n  - options_considered: [a, b]\n    chosen: a\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].fixes[0].edits[0].new_text, "config");
    }
}

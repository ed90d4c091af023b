use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// An option that was not chosen has no `rejected_reason`.
    ///
    /// Recording why the other options lost is what makes a decision reviewable later:
    /// `rejected_reason: {config: "the pool size was unchanged in the diff [report §7]"}`.
    /// Each option in `options_considered` other than `chosen` needs an entry.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: why was failover rejected?
    /// decision_log:
    ///   - decision: Fail over to the secondary PSP during triage?
    ///     options_considered: [stay-on-primary-psp, fail-over-to-secondary-psp]
    ///     chosen: stay-on-primary-psp
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// decision_log:
    ///   - decision: Fail over to the secondary PSP during triage?
    ///     options_considered: [stay-on-primary-psp, fail-over-to-secondary-psp]
    ///     chosen: stay-on-primary-psp
    ///     rejected_reason:
    ///       fail-over-to-secondary-psp: PSP latency and approval rate were normal [metrics §20]
    /// ```
    pub struct DecisionUnexplainedRejection { code: "PM503", name: "decision-unexplained-rejection", severity: Warning }
}

impl Rule for DecisionUnexplainedRejection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        for (i, it) in crate::query::items(root, "decision_log").iter().enumerate() {
            let Some(chosen) = it.str_value_of("chosen") else {
                continue;
            };
            let reasons = it.get("rejected_reason");
            let Some(opts_node) = it.get("options_considered").and_then(|o| o.as_seq()) else {
                continue;
            };
            for (j, o) in opts_node.iter().enumerate() {
                let Some(name) = o.str_value() else { continue };
                if name == chosen.trim() {
                    continue;
                }
                if reasons
                    .and_then(|r| r.get(name))
                    .is_some_and(|r| !crate::query::is_empty(Some(r)))
                {
                    continue;
                }
                out.push(Diagnostic::new(
                    self.meta().code,
                    self.meta().default_severity,
                    o.span.clone(),
                    format!("decision_log[{i}].options_considered[{j}]"),
                    crate::tr!(
                        cx,
                        "Why was `{name}` rejected? Add `{name}: …` under `rejected_reason`.",
                        "為何未選 `{name}`?請在 `rejected_reason` 下加上 `{name}: …`。"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::spans;

    #[test]
    fn each_rejected_option_explained() {
        let t = "decision_log:\n  - options_considered: [capacity, config, dependency]\n    chosen: capacity\n    rejected_reason:\n      config: diff shows no change\n";
        assert_eq!(spans("PM503", t), vec!["dependency"]);
    }
}

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// The incident consumed more than 20% of the error budget but no action item is P0.
    ///
    /// Google's error budget policy: a single incident that consumes more than 20% of
    /// the error budget over four weeks gets a postmortem with at least one P0 action
    /// item. Either one action item is P0, or the figure is wrong.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: 88% of the budget, and nothing is P0
    /// slo_impact:
    ///   error_budget_consumed_pct: 88.0
    /// action_items:
    ///   - id: AI-001
    ///     severity: P1
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// slo_impact:
    ///   error_budget_consumed_pct: 88.0
    /// action_items:
    ///   - id: AI-001
    ///     severity: P0
    /// ```
    pub struct BudgetBurnNeedsP0 { code: "PM602", name: "budget-burn-needs-p0", severity: Error }
}

pub fn budget_pct(root: &crate::syntax::Node) -> Option<(f64, crate::text::Span)> {
    let s = root
        .get("slo_impact")?
        .get("error_budget_consumed_pct")?
        .as_scalar()?;
    let v: f64 = s.value.trim().trim_end_matches('%').trim().parse().ok()?;
    Some((v, s.span.clone()))
}

impl Rule for BudgetBurnNeedsP0 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let Some((pct, span)) = budget_pct(root) else {
            return;
        };
        if pct <= 20.0 {
            return;
        }
        let has_p0 = crate::query::items(root, "action_items").iter().any(|it| {
            it.str_value_of("severity")
                .is_some_and(|s| s.trim() == "P0")
        });
        if !has_p0 {
            out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, span, "slo_impact.error_budget_consumed_pct", crate::tr!(cx, "{pct}% of the error budget was consumed (over 20%), so at least one action item should be P0. Mark the item that prevents a repeat as P0.", "消耗了 {pct}% 的 error budget(超過 20%),至少要有一個 P0 行動項。請把防止再發生的那項標為 P0。")));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn over_twenty_percent_needs_p0() {
        let base = "slo_impact:\n  error_budget_consumed_pct: 88\naction_items:\n  - severity: ";
        assert_eq!(run("PM602", &format!("{base}P1\n")).len(), 1);
        assert!(run("PM602", &format!("{base}P0\n")).is_empty());
        assert!(run("PM602", "slo_impact:\n  error_budget_consumed_pct: 12%\n").is_empty());
    }
}

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// A systemic change lacks its `cost` or its `risk_if_skipped`.
    ///
    /// Card rule 2: every trade-off lists its downside. A systemic change says what it
    /// costs (effort, latency, alert fatigue: "adds ~5% more pages") and what happens if
    /// it is skipped, so the Architect and the Engineering Manager can weigh it against
    /// other work. Write `TODO(…)` when the estimate is not known yet.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: no `cost`, no `risk_if_skipped`
    /// systemic_changes:
    ///   - change: Canary stage for payments runtime configuration
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// systemic_changes:
    ///   - change: Canary stage for payments runtime configuration
    ///     cost: Every config rollout, urgent fixes included, takes 15 minutes longer
    ///     risk_if_skipped: A bad value keeps reaching all 24 pods at once
    /// ```
    pub struct TradeoffWithoutDownside { code: "PM501", name: "tradeoff-without-downside", severity: Warning }
}

impl Rule for TradeoffWithoutDownside {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        for (i, it) in crate::query::items(root, "systemic_changes")
            .iter()
            .enumerate()
        {
            let Some(pairs) = it.as_map() else { continue };
            let anchor = pairs
                .first()
                .map_or(it.span.clone(), |p| p.key.span.clone());
            let missing: Vec<&str> = ["cost", "risk_if_skipped"]
                .into_iter()
                .filter(|k| crate::query::is_empty(it.get(k)))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" / ");
            out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, anchor, format!("systemic_changes[{i}]"), crate::tr!(cx, "This change has no {list}. Every trade-off lists its downside: what it costs and what happens if it is skipped.", "此變更缺少 {list}。每個取捨都要寫出代價:成本,以及不做的後果。")));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn needs_both_sides() {
        let d = run("PM501", "systemic_changes:\n  - change: add a rollback gate\n    cost: 2 weeks\n  - change: x\n    cost: y\n    risk_if_skipped: z\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("risk_if_skipped"));
    }
}

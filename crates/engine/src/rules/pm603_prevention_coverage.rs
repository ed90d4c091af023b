use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::schema::PREVENTION_CATEGORIES;

crate::declare_rule! {
    /// Detection, response, recovery and prevention are not all covered.
    ///
    /// The card's thinking step checks all four categories: how we noticed
    /// (detection), how we acted (response), how we restored service (recovery) and how
    /// we stop a repeat (prevention). Each must appear as the `category` of an action
    /// item or as a non-empty list under `prevention_categories`.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: nothing covers response or recovery
    /// action_items:
    ///   - id: AI-001
    ///     category: prevention
    ///   - id: AI-002
    ///     category: detection
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-001
    ///     category: prevention
    ///   - id: AI-002
    ///     category: detection
    /// prevention_categories:
    ///   response:
    ///     - Pool saturation panels on the on-call dashboard (AI-004)
    ///   recovery:
    ///     - Restart step in the rollback runbook RB-PAY-07 (AI-003)
    /// ```
    pub struct PreventionCoverage { code: "PM603", name: "prevention-coverage", severity: Warning }
}

impl Rule for PreventionCoverage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        if root.as_map().is_none() {
            return;
        }
        let pc = root.get("prevention_categories");
        let covered = |c: &str| {
            crate::query::items(root, "action_items")
                .iter()
                .any(|it| it.str_value_of("category") == Some(c))
                || pc
                    .and_then(|p| p.get(c))
                    .is_some_and(|l| !crate::query::is_empty(Some(l)))
        };
        let missing: Vec<&str> = PREVENTION_CATEGORIES
            .iter()
            .copied()
            .filter(|c| !covered(c))
            .collect();
        if missing.is_empty()
            || (root.pair("prevention_categories").is_none() && root.pair("action_items").is_none())
        {
            return;
        }
        let span = root
            .pair("prevention_categories")
            .or_else(|| root.pair("action_items"))
            .map_or(0..0, |p| p.key.span.clone());
        let list = missing.join(", ");
        out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, span, "prevention_categories", crate::tr!(cx, "Not covered yet: {list}. Add an action item or a `prevention_categories` entry for each.", "尚未涵蓋：{list}。請為每一類加上行動項或 `prevention_categories` 項目。")));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn all_four_categories() {
        let t = "action_items:\n  - category: detection\nprevention_categories:\n  response: [a]\n  recovery: []\n";
        let d = run("PM603", t);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("recovery, prevention"));
    }
}

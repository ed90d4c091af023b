use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// An action item has no `due` date (error), or its due date is still `TODO` (warning).
    ///
    /// Without a date an action item drifts to the bottom of the backlog. Write an ISO
    /// date (`due: 2026-12-15`); if the date is not agreed yet, write
    /// `due: TODO(ISO date agreed with the owner)`.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: no due date
    /// action_items:
    ///   - id: AI-001
    ///     owner: payments-team
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-001
    ///     owner: payments-team
    ///     due: 2026-05-08
    /// ```
    pub struct MissingDue { code: "PM202", name: "missing-due", severity: Error }
}

impl Rule for MissingDue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let start = out.len();
        super::common::check_action_field(cx, out, self.meta(), "due", |cx, id| {
            (
                crate::tr!(cx, "Action item {id} has no due date. Add `due: YYYY-MM-DD`, or `due: TODO(ISO date agreed with the owner)`.", "行動項 {id} 沒有到期日。請加上 `due: YYYY-MM-DD`,或 `due: TODO(與 owner 確認的 ISO 日期)`。"),
                crate::tr!(cx, "The due date of {id} is still TODO; agree on a date with the owner.", "{id} 的到期日仍是 TODO;請與 owner 約定日期。"),
            )
        });
        crate::fixes::attach_action_field_fixes(
            cx.text,
            cx.root,
            cx.locale,
            "due",
            &mut out[start..],
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn absent_and_todo_due() {
        let d = run("PM202", "action_items:\n  - id: AI-001\n  - id: AI-002\n    due: TODO\n  - id: AI-003\n    due: 2026-12-01\n");
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("AI-001"));
    }
}

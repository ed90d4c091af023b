use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// An action item has no `success_criteria`.
    ///
    /// The Engineering Manager and the owner need to know when the item is done: a
    /// verifiable end state such as "a config change that shrinks the pool below 50
    /// fails the deploy check" or "p99 alert fires within 2 minutes in a game day".
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: nobody can tell when this is done
    /// action_items:
    ///   - id: AI-002
    ///     statement: Page on burn rate instead of a fixed 10% threshold
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-002
    ///     statement: Page on burn rate instead of a fixed 10% threshold
    ///     success_criteria: Replaying the 2026-04-09 data pages by 14:16
    /// ```
    pub struct MissingSuccessCriteria { code: "PM204", name: "missing-success-criteria", severity: Error }
}

impl Rule for MissingSuccessCriteria {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let start = out.len();
        super::common::check_action_field(cx, out, self.meta(), "success_criteria", |cx, id| {
            (
                crate::tr!(cx, "Action item {id} has no success_criteria. Say how we'll know it's done (a check that passes, a number reached).", "行動項 {id} 沒有 success_criteria。請寫明怎樣算完成(可驗證的檢查或指標)。"),
                crate::tr!(cx, "The success criteria of {id} are still TODO; write a verifiable end state.", "{id} 的 success_criteria 仍是 TODO;請寫出可驗證的完成狀態。"),
            )
        });
        crate::fixes::attach_action_field_fixes(
            cx.text,
            cx.root,
            cx.locale,
            "success_criteria",
            &mut out[start..],
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn missing_criteria() {
        assert_eq!(run("PM204", "action_items:\n  - id: AI-001\n  - id: AI-002\n    success_criteria: alert fires < 2m\n").len(), 1);
    }
}

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// An action item has no `owner` (error), or its owner is still `TODO` (warning).
    ///
    /// The card's most common misuse: action items without an owner never get done. The
    /// owner is the one person or team that will see the item through: naming a person
    /// here is expected and is not a blameless violation. If nobody has agreed yet,
    /// write `owner: TODO(who owns this)` so the gap is visible in review.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: nobody owns this item
    /// action_items:
    ///   - id: AI-001
    ///     statement: Reject pool sizes below 1.25 x peak demand in CI
    ///     due: 2026-05-08
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-001
    ///     statement: Reject pool sizes below 1.25 x peak demand in CI
    ///     owner: payments-team
    ///     due: 2026-05-08
    /// ```
    pub struct MissingOwner { code: "PM201", name: "missing-owner", severity: Error }
}

impl Rule for MissingOwner {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let start = out.len();
        super::common::check_action_field(cx, out, self.meta(), "owner", |cx, id| {
            (
                crate::tr!(cx, "Action item {id} has no owner. Name the person or team who will see it through, or write `owner: TODO(who owns this)`.", "行動項 {id} 沒有 owner。請寫明負責到底的人或團隊,或寫 `owner: TODO(誰負責)`。"),
                crate::tr!(cx, "The owner of {id} is still TODO; agree on an owner before this postmortem is published.", "{id} 的 owner 仍是 TODO;發布前請確定負責人。"),
            )
        });
        crate::fixes::attach_action_field_fixes(
            cx.text,
            cx.root,
            cx.locale,
            "owner",
            &mut out[start..],
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::test_support::{run, spans};

    #[test]
    fn absent_empty_and_todo_owners() {
        let t = "action_items:\n  - id: AI-001\n  - id: AI-002\n    owner:\n  - id: AI-003\n    owner: TODO(ask the EM)\n  - id: AI-004\n    owner: alice\n";
        let d = run("PM201", t);
        assert_eq!(d.len(), 3);
        assert_eq!(spans("PM201", t)[0], "id");
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(d[1].severity, Severity::Error);
        assert_eq!(d[2].severity, Severity::Warning);
        assert_eq!(d[2].field, "action_items[2].owner");
    }
}

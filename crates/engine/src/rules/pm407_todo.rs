use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// Lists each `TODO(…)`, naming what is missing.
    ///
    /// A `TODO(what is missing)` is the honest answer when the inputs don't say (card
    /// rule 3). This information diagnostic puts every open TODO in the Problems list
    /// so the service owner can close them before the postmortem is published. It
    /// never fails `check` unless you raise its severity.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: listed as still missing (information)
    /// systemic_changes:
    ///   - change: Canary stage for payments runtime configuration
    ///     cost: TODO(effort estimate from the platform-config team)
    /// ```
    ///
    /// ```yaml
    /// # passes: nothing left open
    /// systemic_changes:
    ///   - change: Canary stage for payments runtime configuration
    ///     cost: About 2 engineer-weeks; every config rollout takes 15 minutes longer
    /// ```
    pub struct Todo { code: "PM407", name: "todo", severity: Info }
}

impl Rule for Todo {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        cx.each_scalar(&mut |path, _, s| {
            for (r, what) in crate::query::todos(&s.value) {
                let Some(what) = what else { continue };
                out.push(Diagnostic::new(
                    self.meta().code,
                    self.meta().default_severity,
                    s.src_span(r),
                    path,
                    crate::tr!(cx, "Still missing: {what}.", "尚缺:{what}。"),
                ));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn names_what_is_missing() {
        let d = run("PM407", "action_items:\n  - owner: TODO(who owns this)\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "Still missing: who owns this.");
        assert_eq!(d[0].field, "action_items[0].owner");
    }
}

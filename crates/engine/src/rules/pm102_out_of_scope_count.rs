use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// `out_of_scope` does not have exactly 3 items.
    ///
    /// Card rule 5: name three things this document deliberately does not handle, so
    /// readers don't look for them here, e.g. individual performance review (a
    /// manager's 1:1), exact business-impact accounting (finance), contract penalty
    /// calculation (legal).
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: two items; the card asks for three
    /// out_of_scope:
    ///   - Individual performance review (a manager's 1:1)
    ///   - Exact revenue loss (finance is estimating it)
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// out_of_scope:
    ///   - Individual performance review (a manager's 1:1)
    ///   - Exact revenue loss (finance is estimating it)
    ///   - PSP contract terms and SLA credits (legal)
    /// ```
    pub struct OutOfScopeCount { code: "PM102", name: "out-of-scope-count", severity: Warning }
}

impl Rule for OutOfScopeCount {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let Some(pair) = root.pair("out_of_scope") else {
            return;
        };
        if pair
            .value
            .as_ref()
            .is_some_and(|v| crate::query::is_todo(v) || (v.as_seq().is_none() && !v.is_null()))
        {
            return;
        }
        let n = pair
            .value
            .as_ref()
            .and_then(|v| v.as_seq())
            .map_or(0, |s| s.len());
        if n != 3 {
            let what = if n < 3 {
                crate::tr!(cx, "add {}", "再補 {} 條", 3 - n)
            } else {
                crate::tr!(cx, "keep the 3 that matter most", "保留最重要的 3 條")
            };
            out.push(Diagnostic::new(
                self.meta().code,
                self.meta().default_severity,
                pair.key.span.clone(),
                "out_of_scope",
                crate::tr!(
                    cx,
                    "`out_of_scope` has {n} item(s); it takes exactly 3, so {what}.",
                    "`out_of_scope` 有 {n} 條;規定剛好 3 條,請{what}。"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn exactly_three() {
        assert_eq!(run("PM102", "out_of_scope:\n  - a\n  - b\n").len(), 1);
        assert_eq!(
            run("PM102", "out_of_scope:\n  - a\n  - b\n  - c\n  - d\n").len(),
            1
        );
        assert!(run("PM102", "out_of_scope:\n  - a\n  - b\n  - c\n").is_empty());
    }
}

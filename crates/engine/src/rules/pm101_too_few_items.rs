use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// `what_went_well` or `what_went_wrong` has fewer than 2 items.
    ///
    /// The card asks for at least two signals on each side, each with its source: a
    /// postmortem that finds only one thing that went well, or one that went wrong, has
    /// usually stopped looking. Add another signal from the timeline, the chat log or
    /// the metrics, e.g. `- "Paging reached the on-call engineer within 1 minute [chat L4]"`.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: one signal is not enough
    /// what_went_well:
    ///   - "The page was acknowledged 4 minutes after it fired [metrics §11]"
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// what_went_well:
    ///   - "The page was acknowledged 4 minutes after it fired [metrics §11]"
    ///   - "Support raised the ticket spike 7 minutes before the page [chat L6]"
    /// ```
    pub struct TooFewItems { code: "PM101", name: "too-few-items", severity: Warning }
}

impl Rule for TooFewItems {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        for key in ["what_went_well", "what_went_wrong"] {
            let Some(pair) = root.pair(key) else { continue };
            if pair.value.as_ref().is_some_and(crate::query::is_todo) {
                continue;
            }
            let n = pair
                .value
                .as_ref()
                .and_then(|v| v.as_seq())
                .map_or(0, |s| s.len());
            if pair
                .value
                .as_ref()
                .is_some_and(|v| v.as_seq().is_none() && !v.is_null())
            {
                continue; // PM003 reports the shape
            }
            if n < 2 {
                out.push(Diagnostic::new(
                    self.meta().code,
                    self.meta().default_severity,
                    pair.key.span.clone(),
                    key,
                    crate::tr!(
                        cx,
                        "`{key}` has {n} item(s); list at least 2 signals, each with its source.",
                        "`{key}` 只有 {n} 條;請至少列 2 條訊號,並各自附上來源。"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn counts() {
        assert_eq!(
            run(
                "PM101",
                "what_went_well:\n  - a\nwhat_went_wrong:\n  - a\n  - b\n"
            )
            .len(),
            1
        );
        assert_eq!(
            run("PM101", "what_went_well: []\n")[0].field,
            "what_went_well"
        );
        assert!(run("PM101", "what_went_well: TODO(ask the IC)\n").is_empty());
    }
}

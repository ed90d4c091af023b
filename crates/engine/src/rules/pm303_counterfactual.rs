crate::declare_rule! {
    /// Counterfactuals: "should have", "could have", "if X had …", 應該要, 早該 …
    ///
    /// Counterfactuals describe a world that did not happen and imply someone failed
    /// to live up to it. Describe what happened and what made that the reasonable thing
    /// to do at the time, then what the system will do differently. "failed to" is
    /// reported only with a person as subject ("the health check failed to detect" is
    /// a fine description of a system); "should have" is not reported when a system is
    /// the subject. Caught in English and 繁體中文: should/could/would have, failed
    /// to, if X had, didn't bother, 應該要, 早該, 本來應該.
    ///
    /// Passive and subjectless forms count too: "this should have been addressed",
    /// "could have helped", "did not … despite being aware", "why did you …",
    /// 「如果當時有先檢查…就不會…」, 「只要…再確認,就可以避免」, 「未確認…即逕行操作」,
    /// 「應…但未…」. The quick fix rewrites the sentence toward the missing signal, in
    /// the sentence's language, with a `TODO(…)` for what the responders knew.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: a person and what they should have done
    /// contributing_factors:
    ///   - factor: The engineer should have checked the pool against peak load
    /// ```
    ///
    /// ```yaml
    /// # fails: a subjectless counterfactual
    /// what_went_wrong:
    ///   - 如果當時有先檢查 config 變更,就不會去擴容。
    /// ```
    ///
    /// ```yaml
    /// # passes: what happened and why it looked reasonable then
    /// contributing_factors:
    ///   - factor: The pool change had one approving review and no capacity check, so it looked routine
    /// ```
    pub struct Counterfactual { code: "PM303", name: "counterfactual", severity: Warning }
}

super::blameless_rule!(Counterfactual);

#[cfg(test)]
mod tests {
    use crate::rules::test_support::spans;

    #[test]
    fn fires_on_blame_and_stays_quiet_on_evidence() {
        let t = "what_went_wrong:\n  - \"The on-call engineer should have rolled back sooner [chat L5]\"\n  - \"The health check failed to detect the pool exhaustion [metrics §2]\"\n";
        let s = spans("PM303", t);
        assert_eq!(s.len(), 1, "{s:?}");
        assert!(s[0].to_lowercase().contains("should have"), "{s:?}");
    }
}

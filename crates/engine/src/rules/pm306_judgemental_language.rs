crate::declare_rule! {
    /// Judgemental words: "obviously", "simply", "clearly", "just", "ridiculous", "!!!", 離譜 …
    ///
    /// Hindsight makes everything look obvious. Words that judge how easy something
    /// should have been make readers defensive and hide why it was hard at the time.
    /// State the facts and let them speak. Quoted chat messages are evidence and are not
    /// reported.
    ///
    /// Also "hasty", "clumsy", minimizing "just" ("if the team had just waited"),
    /// "finally" about a person ("the on-call finally acknowledged"), and 非常不該,
    /// 認真地說. "Simply" as plain emphasis ("simply too fragile") is not reported;
    /// minimizing "simply" ("could simply have restarted", "simply a restart") is.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails
    /// contributing_factors:
    ///   - factor: The pool was obviously too small
    /// ```
    ///
    /// ```yaml
    /// # fails: impatience about a person
    /// what_went_wrong:
    ///   - The on-call finally acknowledged the page at 03:40
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// contributing_factors:
    ///   - factor: The pool of 12 was below the peak demand of 27 connections per pod
    /// ```
    pub struct JudgementalLanguage { code: "PM306", name: "judgemental-language", severity: Info }
}

super::blameless_rule!(JudgementalLanguage);

#[cfg(test)]
mod tests {
    use crate::rules::test_support::spans;

    #[test]
    fn fires_on_blame_and_stays_quiet_on_evidence() {
        let t = "what_went_wrong:\n  - \"The rollback obviously did nothing [runbook §5]\"\n  - \"The rollback did nothing because pool settings are read at start [runbook §5]\"\n";
        assert_eq!(spans("PM306", t).len(), 1);
    }

    #[test]
    fn removing_a_word_keeps_one_space_between_its_neighbours() {
        let t = "what_went_wrong:\n  - The alert threshold was obviously too loose [metrics §2]\n";
        let d = crate::rules::test_support::run("PM306", t);
        let fix = d
            .iter()
            .flat_map(|d| &d.fixes)
            .find(|f| f.edits.iter().all(|e| e.new_text.is_empty()))
            .expect("a removal fix");
        let mut out = t.to_string();
        for e in fix.edits.iter().rev() {
            out.replace_range(e.span.clone(), &e.new_text);
        }
        assert!(out.contains("threshold was too loose"), "{out}");
    }
}

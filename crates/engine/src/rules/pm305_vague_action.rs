crate::declare_rule! {
    /// An action statement with no verifiable end state.
    ///
    /// "Improve monitoring", "look into the pool", "consider more alerts", 優化, 改善,
    /// 研究: nobody can tell when these are done, so they never are. Name the change and
    /// a measurable end state: "Alert when checkout errors exceed 2% for 2 minutes",
    /// "Cut rollback time to under 5 minutes". "Improve" with a measurable object
    /// ("improve p99 latency to under 300 ms") is fine.
    ///
    /// Found after a subject, a modal or an adverb too: "We will communicate better",
    /// "reflect on …", "agree as a team …", "figure out …", "prioritize …", "fix the
    /// issue", "something more robust", 「數發部將加強…監測」, 「作業應精進」, 「將深切檢討」.
    /// The quick fix keeps the statement in quotes and adds a done-when `TODO(…)`.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: when is monitoring improved?
    /// action_items:
    ///   - id: AI-002
    ///     statement: Improve monitoring
    /// ```
    ///
    /// ```yaml
    /// # fails: vague after a subject and a modal
    /// action_items:
    ///   - id: AI-001
    ///     statement: We will communicate better
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-002
    ///     statement: Alert when checkout errors exceed 2% for 2 minutes
    /// ```
    pub struct VagueAction { code: "PM305", name: "vague-action", severity: Warning }
}

super::blameless_rule!(VagueAction);

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn fires_on_blame_and_stays_quiet_on_evidence() {
        let t = "action_items:\n  - statement: Improve monitoring\n  - statement: Improve alert latency to under 2 minutes\n";
        let d = run("PM305", t);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field, "action_items[0].statement");
    }
}

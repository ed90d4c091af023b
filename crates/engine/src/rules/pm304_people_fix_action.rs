crate::declare_rule! {
    /// An action item that fixes people instead of the system.
    ///
    /// "Retrain X", "remind engineers to be careful", "be more careful", "tell the team
    /// to …", 加強宣導, 提醒同仁, 要求更小心: reminders fade and the next person meets
    /// the same trap. The Google SRE workbook calls "train humans not to …" a bad
    /// action item. Change the system so the mistake can't happen or is caught: a
    /// guard, a check in the pipeline, a safer default, an alert.
    ///
    /// Found anywhere in the statement, after a subject, a modal or an adverb, not
    /// only as its opening verb: "We need to be better at …", "All teams are always
    /// responsible for monitoring …", "teach the teams how to …", "we've advised the
    /// teams to …", "the SRE team should closely monitor …", "when X, think about …",
    /// 「照護司將持續監測並要求同仁…」, 「都要再次覆核檢視」. The quick fix rewrites the
    /// statement in its language toward a change the system keeps ("Enforce this in
    /// tooling instead of relying on people — …", 「改由工具強制，不再仰賴人員：…」),
    /// with a `TODO(…)` to name the check.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: a reminder, not a change to the system
    /// action_items:
    ///   - id: AI-001
    ///     statement: Remind engineers to be careful with pool settings
    /// ```
    ///
    /// ```yaml
    /// # fails: an obligation aimed at people, after a subject and a modal
    /// action_items:
    ///   - id: AI-001
    ///     statement: We need to be better at reviewing pool changes
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-001
    ///     statement: Reject deploys that lower the pool below peak demand in CI
    /// ```
    pub struct PeopleFixAction { code: "PM304", name: "people-fix-action", severity: Warning }
}

super::blameless_rule!(PeopleFixAction);

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn fires_on_blame_and_stays_quiet_on_evidence() {
        let t = "action_items:\n  - statement: Remind engineers to be more careful with configs\n  - statement: Add a CI check that rejects pool sizes below 30\n";
        assert_eq!(run("PM304", t).len(), 1);
        assert_eq!(run("PM304", t)[0].field, "action_items[0].statement");
    }
}

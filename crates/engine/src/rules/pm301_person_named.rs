crate::declare_rule! {
    /// A person's name or handle appears where causes or the summary are written.
    ///
    /// Card rule 7: write the gap in process, tooling, training or design, never a
    /// person's name as a cause; an individual's mistake is attributed to "the system
    /// did not protect that operation". A name in `root_cause` or `blameless_summary`
    /// is an error; in contributing factors, what went well/wrong, systemic changes
    /// and the decision log it is a warning. An action item's `owner` is supposed to
    /// name someone and is never reported; neither are names inside quotes or
    /// citations.
    ///
    /// Names come from the chat log's speakers (bots excluded), `@handles` and e-mail
    /// addresses in the document, and `[blameless] people` in .postmortem-lsp.toml.
    /// A bare initial counts too when it opens a clause and does what people do
    /// ("J skipped the staging step", "because K merged it"); "Plan B", "Team C"
    /// and "If A fails, B takes over" do not. Words in `[blameless] allow` are never
    /// names.
    ///
    /// The quick fix replaces the name with the person's role from the report
    /// ("the incident commander"), else "the responder" / 「應變人員」.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: bob speaks in the chat log, so `bob` is a person's name
    /// inputs:
    ///   chat: chat.log
    /// root_cause:
    ///   five_whys:
    ///     - why_1: bob pushed a config that shrank the pool
    /// ```
    ///
    /// ```yaml
    /// # fails: an initial standing for a person is still a name
    /// what_went_wrong:
    ///   - J skipped the staging step, so the canary never ran
    /// ```
    ///
    /// ```yaml
    /// # passes: the cause is the change; an owner may name a person
    /// inputs:
    ///   chat: chat.log
    /// root_cause:
    ///   five_whys:
    ///     - why_1: A config change shrank the pool from 40 to 12 connections
    /// action_items:
    ///   - id: AI-001
    ///     owner: bob
    /// ```
    pub struct PersonNamed { code: "PM301", name: "person-named", severity: Error }
}

super::blameless_rule!(PersonNamed);

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::config::Config;
    use crate::diagnostic::Severity;

    fn run(cfg: &Config, t: &str) -> Vec<crate::diagnostic::Diagnostic> {
        analyze(t.to_string(), &Options::new(cfg))
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PM301")
            .collect()
    }

    #[test]
    fn names_in_causes_not_in_owners() {
        let cfg = Config::parse_toml("[blameless]\npeople = [\"bob\", \"王小明\"]\n", None);
        let t = "root_cause:\n  five_whys:\n    - why_1: bob pushed the change\nwhat_went_wrong:\n  - \"王小明 missed the alert [chat L3]\"\naction_items:\n  - owner: bob\n";
        let d = run(&cfg, t);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(&t[d[0].span.clone()], "bob");
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(&t[d[1].span.clone()], "王小明");
        assert_eq!(d[1].severity, Severity::Warning);
        assert_eq!(
            d[0].fixes[0].edits[0].new_text, "The responder",
            "capitalised at the start of a sentence"
        );
        assert_eq!(d[0].allow_word.as_deref(), Some("bob"));
    }

    #[test]
    fn allowed_words_are_never_names() {
        let cfg = Config::parse_toml("[blameless]\npeople = [\"bob\"]\nallow = [\"bob\"]\n", None);
        assert!(run(
            &cfg,
            "root_cause:\n  five_whys:\n    - why_1: bob pushed the change\n"
        )
        .is_empty());
    }
}

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// The text is not valid YAML here.
    ///
    /// Each unreadable region gets its own diagnostic; the rest of the document is
    /// still checked, section by section, so one typo never hides the other findings.
    /// Documents over 4 MiB or 25,000 lines, and nesting deeper than 64 levels, are
    /// refused here too, before parsing.
    ///
    /// Common causes: a tab used for indentation, a `key:` without a space after the
    /// colon, an unclosed `[` or `"`, a value that starts with `[report §2]` and goes
    /// on with more text (quote the whole value), text after `|` or `>`, or a
    /// backslash in double quotes that starts no escape (`"C:\Users"`).
    ///
    /// The parser reads YAML 1.2 as the official yaml-test-suite defines it. A
    /// postmortem is one plain document, so anchors (`&a`), aliases (`*a`), tags
    /// (`!!str`), keys that are lists or maps, and a second document (a `---` after
    /// content) are reported too, each once where it is; the rest is still read.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: a value that starts with `[` is read as a list, and text follows it
    /// what_went_well:
    ///   - [metrics §8] Rollback finished in 4 minutes
    /// ```
    ///
    /// ```yaml
    /// # passes: the whole value is quoted
    /// what_went_well:
    ///   - "Rollback finished in 4 minutes [metrics §8]"
    /// ```
    pub struct YamlSyntax { code: "PM001", name: "yaml-syntax", severity: Error }
}

impl Rule for YamlSyntax {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        for e in &cx.parsed.errors {
            out.push(Diagnostic::new(
                self.meta().code,
                self.meta().default_severity,
                e.span.clone(),
                "",
                crate::i18n::syntax_message(e.kind, cx.locale),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn one_diagnostic_per_broken_region_and_the_rest_still_checked() {
        let t = "incident_ref: [oops\nroot_cause:\n  primary_cause_category: config\nout_of_scope:\n  - \"unclosed\n";
        let d = run("PM001", t);
        assert!(d.len() >= 2, "{d:?}");
        assert!(d.iter().all(|d| d.span.start < t.len()));
        assert!(!run("PM002", t).is_empty(), "schema checks still run");
    }

    #[test]
    fn tab_indentation_is_explained() {
        let d = run("PM001", "root_cause:\n\tprimary_cause_category: config\n");
        assert!(d.iter().any(|d| d.message.contains("tab")), "{d:?}");
    }

    #[test]
    fn quiet_on_valid_yaml() {
        assert!(run(
            "PM001",
            "incident_ref: INC-1\nroot_cause:\n  source: \"[report §1]\"\n"
        )
        .is_empty());
    }
}

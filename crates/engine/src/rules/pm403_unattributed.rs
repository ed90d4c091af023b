use super::{Context, Rule, RuleMeta};
use crate::citation::CiteKind;
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// A claim is marked "source unstated, needs confirmation".
    ///
    /// Card rule 1 asks for the marker `[source unstated, needs confirmation]`
    /// (`[來源未明示,需確認]`) when no input supports a claim. That is honest, and it is
    /// also an open question: this information diagnostic lists each one so the IC and
    /// the service owner can confirm it or find the evidence before publishing.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: listed until someone confirms it
    /// contributing_factors:
    ///   - factor: Support has no way to page payments on-call
    ///     source: "[source unstated, needs confirmation]"
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// contributing_factors:
    ///   - factor: Support has no way to page payments on-call
    ///     source: "[report §24] [chat L6-L12]"
    /// ```
    pub struct Unattributed { code: "PM403", name: "unattributed", severity: Info }
}

impl Rule for Unattributed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        for c in cx
            .citations
            .iter()
            .filter(|c| c.kind == CiteKind::Unattributed)
        {
            let field = &c.field;
            out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, c.span.clone(), field.clone(), crate::tr!(cx, "`{field}` has no source yet; confirm it with the responders or find the evidence before publishing.", "`{field}` 尚無來源;發布前請向應變人員確認或找到證據。")));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::spans;

    #[test]
    fn each_marker_is_listed() {
        let t = "root_cause:\n  source: \"[source unstated, needs confirmation]\"\nwhat_went_wrong:\n  - \"告警太晚 [來源未明示,需確認]\"\n";
        assert_eq!(
            spans("PM403", t),
            vec![
                "[source unstated, needs confirmation]",
                "[來源未明示,需確認]"
            ]
        );
    }
}

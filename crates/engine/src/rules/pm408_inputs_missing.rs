use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// The postmortem has no `inputs` section, so no citation can be checked.
    ///
    /// `inputs` maps a short name to a file next to the postmortem, and citations use
    /// those names.
    ///
    /// With inputs declared, postmortem-lsp checks that every `[report §4]` exists,
    /// shows the cited paragraph on hover, and jumps to it.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: no `inputs`, so `[report §4]` can't be checked
    /// incident_ref: INC-2026-0412
    /// root_cause:
    ///   source: "[report §4]"
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// incident_ref: INC-2026-0412
    /// inputs:
    ///   report: report.md
    ///   chat: chat.log
    ///   metrics: metrics.md
    /// root_cause:
    ///   source: "[report §4]"
    /// ```
    pub struct InputsMissing { code: "PM408", name: "inputs-missing", severity: Warning }
}

impl Rule for InputsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        if root.as_map().is_none() || cx.inputs.is_some() {
            return;
        }
        let span = root
            .as_map()
            .and_then(|p| p.first())
            .map_or(0..0, |p| p.key.span.clone());
        out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, span, "", crate::tr!(cx, "There is no `inputs` section, so citations can't be checked. Add `inputs:` with the incident report, chat log and metrics, e.g. `report: report.md`.", "沒有 `inputs` 區段,因此無法核對引用。請加上 `inputs:`,列出事故報告、聊天紀錄與監控資料,例如 `report: report.md`。")));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn asks_for_inputs_once() {
        assert_eq!(
            run("PM408", "incident_ref: INC-1\nroot_cause: {}\n").len(),
            1
        );
        assert!(run("PM408", "incident_ref: INC-1\ninputs:\n  report: r.md\n").is_empty());
    }
}

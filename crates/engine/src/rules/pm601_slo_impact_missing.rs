use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

crate::declare_rule! {
    /// `slo_impact` is absent (error), or one of its figures is (warning).
    ///
    /// Card rule 4: state the incident's cost against the SLO: `slo`,
    /// `error_budget_consumed_pct`, and the NFRs `mtta` (time to acknowledge), `mttr`
    /// (say which R: repair, recovery, resolve), and `alert_latency` (impact start to
    /// first alert). Error budget consumed = bad minutes / ((1 − SLO) × window); 99.9%
    /// over 30 days is 43.2 minutes. Write `TODO(…)` for a figure you can't get yet.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: no MTTA, MTTR or alert latency
    /// slo_impact:
    ///   slo: Checkout availability 99.9% of minutes good over 30 days
    ///   error_budget_consumed_pct: 88.0
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// slo_impact:
    ///   slo: Checkout availability 99.9% of minutes good over 30 days
    ///   error_budget_consumed_pct: 88.0
    ///   mtta: 4m
    ///   mttr: 45m
    ///   alert_latency: 17m
    /// ```
    pub struct SloImpactMissing { code: "PM601", name: "slo-impact-missing", severity: Error }
}

pub const FIGURES: &[&str] = &[
    "slo",
    "error_budget_consumed_pct",
    "mtta",
    "mttr",
    "alert_latency",
];

impl Rule for SloImpactMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        if root.as_map().is_none() {
            return;
        }
        let Some(pair) = root.pair("slo_impact") else {
            let mut d = Diagnostic::new(self.meta().code, self.meta().default_severity, 0..0, "", crate::tr!(cx, "There is no `slo_impact` section. State the error budget consumed and MTTA, MTTR and alert latency (card rule 4).", "沒有 `slo_impact` 區段。請列出 error budget 消耗與 MTTA、MTTR、告警延遲(規則 4)。"));
            d.missing = Some("slo_impact");
            if let Some(f) = crate::schema::TOP.iter().find(|f| f.name == "slo_impact") {
                d.fixes
                    .push(crate::fixes::add_section_fix(cx.text, root, f, cx.locale));
            }
            out.push(d);
            return;
        };
        let Some(v) = pair.value.as_ref().filter(|v| v.as_map().is_some()) else {
            return;
        };
        for f in FIGURES {
            if v.pair(f).is_none() {
                let fields = crate::schema::lookup("slo_impact")
                    .and_then(|s| crate::schema::fields_of(&s.kind))
                    .unwrap_or(&[]);
                let fix = fields.iter().find(|x| x.name == *f).and_then(|x| {
                    crate::fixes::add_field_fix(cx.text, v, fields, x, "slo_impact", cx.locale)
                });
                let mut d = Diagnostic::new(
                    self.meta().code,
                    Severity::Warning.min(self.meta().default_severity),
                    pair.key.span.clone(),
                    "slo_impact",
                    crate::tr!(
                        cx,
                        "`slo_impact` has no `{f}`. Add it, or `{f}: TODO(what is missing)`.",
                        "`slo_impact` 缺少 `{f}`。請補上,或寫 `{f}: TODO(缺什麼)`。"
                    ),
                );
                d.fixes.extend(fix);
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::test_support::run;

    #[test]
    fn section_and_figures() {
        assert_eq!(
            run("PM601", "incident_ref: x\n")[0].severity,
            Severity::Error
        );
        let d = run(
            "PM601",
            "slo_impact:\n  slo: 99.9%\n  mtta: 4m\n  mttr: TODO(x)\n",
        );
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.severity == Severity::Warning));
    }
}

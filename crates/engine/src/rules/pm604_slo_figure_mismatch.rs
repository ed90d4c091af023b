use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::slo::{self, format_minutes, format_number};

crate::declare_rule! {
    /// An SLO figure differs from what the timeline or the SLO says by more than 10%.
    ///
    /// When `timeline` marks its milestones with `kind:`, the durations follow from
    /// the timestamps: `alert_latency` = detected − impact_start, `mtta` =
    /// acknowledged − detected, `mttr` = mitigated − impact_start (resolved −
    /// impact_start when the value says "resolve", or when there is no `mitigated`).
    /// A written figure more than 10% (and 30 seconds) away from the computed one is
    /// reported, with a quick fix to the computed value; one of the two is wrong.
    ///
    /// Error budget consumed = bad minutes / ((1 − SLO) × window) × 100, with the
    /// window from the `slo` text (30 days when it names none): 99.9% over 30 days is
    /// 43.2 bad minutes. Bad minutes can't outnumber the minutes of impact
    /// (impact_start → resolved), so `error_budget_consumed_pct` more than 10% above
    /// that bound is reported, and so is a budget stated in the `slo` text ("error
    /// budget 43.2 bad minutes") that differs from (1 − SLO) × window.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: the timeline says the alert came 17 minutes after impact start
    /// timeline:
    ///   - at: 2026-04-09T14:02:00Z
    ///     kind: impact_start
    ///   - at: 2026-04-09T14:19:00Z
    ///     kind: detected
    /// slo_impact:
    ///   alert_latency: 5m
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// timeline:
    ///   - at: 2026-04-09T14:02:00Z
    ///     kind: impact_start
    ///   - at: 2026-04-09T14:19:00Z
    ///     kind: detected
    /// slo_impact:
    ///   alert_latency: 17m
    /// ```
    pub struct SloFigureMismatch { code: "PM604", name: "slo-figure-mismatch", severity: Warning }
}

impl Rule for SloFigureMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        if root.get("slo_impact").is_none() {
            return;
        }
        let f = slo::figures(root);
        let (code, sev) = (self.meta().code, self.meta().default_severity);
        for (d, w) in &f.durations {
            let Some(w) = w else { continue };
            let Some(v) = w.value else { continue };
            if !slo::differs(v, d.minutes, 0.5) {
                continue;
            }
            let field = d.figure.field();
            let written = w.scalar.value.trim();
            let computed = format_minutes(d.minutes);
            let (fk, tk) = (d.from_kind, d.to_kind);
            let (from, to) = (slo::clock(d.from, d.from), slo::clock(d.to, d.from));
            out.push(
                Diagnostic::new(code, sev, w.scalar.span.clone(), format!("slo_impact.{field}"), crate::tr!(cx, "`{field}` is {written}, but the timeline gives {computed} ({fk} {from} → {tk} {to}). Correct the figure, or the timestamps it comes from.", "`{field}` 寫的是 {written}，但依 timeline 計算為 {computed}（{fk} {from} → {tk} {to}）。請修正數字，或修正它所依據的時間。"))
                    .with_fix(Fix {
                        title: crate::docs::get(cx.locale).fmt("fix_replace_with", &[("value", &computed)]),
                        edits: vec![Edit { span: w.scalar.span.clone(), new_text: computed.clone() }],
                        preferred: false,
                    }),
            );
        }
        let Some((s, slo_scalar)) = &f.slo else {
            return;
        };
        let budget = s.budget_min();
        if let Some(stated) = s.stated_budget_min {
            if slo::differs(stated, budget, 0.05) {
                let (b, t, days) = (
                    format_number(budget),
                    s.target_pct,
                    format_number(s.window_days),
                );
                let st = format_number(stated);
                out.push(Diagnostic::new(code, sev, slo_scalar.span.clone(), "slo_impact.slo", crate::tr!(cx, "The SLO text states a budget of {st} minutes, but (1 − {t}%) × {days} days is {b} minutes. Correct the target, the window or the budget.", "SLO 文字寫的 budget 是 {st} 分鐘，但 (1 − {t}%) × {days} 天 = {b} 分鐘。請修正目標值、時間窗或 budget。")));
            }
        }
        if let (Some(w), Some(bound), Some(m)) = (&f.budget, f.bound_pct(), f.window_minutes()) {
            if let Some(pct) = w.value {
                if pct > bound && slo::differs(pct, bound, 0.0) {
                    let (p, bad, bd, win) = (
                        format_number(pct),
                        format_number(pct / 100.0 * budget),
                        format_number(bound),
                        format_number(m),
                    );
                    let b = format_number(budget);
                    out.push(Diagnostic::new(code, sev, w.scalar.span.clone(), "slo_impact.error_budget_consumed_pct", crate::tr!(cx, "{p}% of a {b}-minute budget is {bad} bad minutes, but the timeline's impact lasted {win} minutes (at most {bd}%). Check the bad-minute count, the SLO window, or the timeline.", "{b} 分鐘 budget 的 {p}% 是 {bad} 個不良分鐘，但 timeline 的影響只持續 {win} 分鐘（最多 {bd}%）。請檢查不良分鐘數、SLO 時間窗或 timeline。")));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{run, spans};

    const TL: &str = "timeline:\n  - at: 2026-04-09T14:02:00Z\n    kind: impact_start\n  - at: 2026-04-09T14:19:00Z\n    kind: detected\n  - at: 2026-04-09T14:23:00Z\n    kind: acknowledged\n  - at: 2026-04-09T14:47:00Z\n    kind: mitigated\n";

    #[test]
    fn durations_that_disagree_with_the_timeline() {
        let t = format!("{TL}slo_impact:\n  mtta: 4m\n  mttr: 30m\n  alert_latency: 1h\n");
        assert_eq!(spans("PM604", &t), vec!["30m", "1h"]);
        let d = run("PM604", &t);
        assert!(
            d[0].message
                .contains("45m (impact_start 14:02 → mitigated 14:47)"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].fixes[0].edits[0].new_text, "45m");
        let ok = format!("{TL}slo_impact:\n  mtta: 4 min\n  mttr: 45m\n  alert_latency: 17m\n");
        assert!(run("PM604", &ok).is_empty());
        // no timeline: nothing to compare with
        assert!(run("PM604", "slo_impact:\n  mttr: 30m\n").is_empty());
    }

    #[test]
    fn budget_over_the_impact_window_and_wrong_stated_budget() {
        let t = format!("{TL}slo_impact:\n  slo: 99.9% over 30 days (error budget 50 minutes)\n  error_budget_consumed_pct: 200\n");
        let d = run("PM604", &t);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("43.2 minutes"), "{}", d[0].message);
        assert!(
            d[1].message.contains("45 minutes (at most 104.2%)"),
            "{}",
            d[1].message
        );
        let ok = format!(
            "{TL}slo_impact:\n  slo: 99.9% over 30 days\n  error_budget_consumed_pct: 88\n"
        );
        assert!(run("PM604", &ok).is_empty());
    }
}

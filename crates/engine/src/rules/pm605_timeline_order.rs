use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::schema::TIMELINE_KINDS;
use crate::slo::{self, clock};

crate::declare_rule! {
    /// Timeline entries or milestones are out of time order, or a timestamp can't be read.
    ///
    /// A timeline is read top to bottom: each `at` is at or after the one before it.
    /// The milestones keep the incident's order, impact_start ≤ detected ≤
    /// acknowledged ≤ mitigated ≤ resolved; an acknowledgement before the alert, or a
    /// resolution before mitigation, means a timestamp or a `kind` is wrong, and the
    /// MTTA, MTTR and alert latency computed from them are too. Write timestamps in
    /// ISO 8601 with a time zone, e.g. `2026-04-09T14:02:00Z`.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: acknowledged before the page was sent
    /// timeline:
    ///   - at: 2026-04-09T14:19:00Z
    ///     kind: detected
    ///   - at: 2026-04-09T14:13:00Z
    ///     kind: acknowledged
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// timeline:
    ///   - at: 2026-04-09T14:19:00Z
    ///     kind: detected
    ///   - at: 2026-04-09T14:23:00Z
    ///     kind: acknowledged
    /// ```
    pub struct TimelineOrder { code: "PM605", name: "timeline-order", severity: Warning }
}

impl Rule for TimelineOrder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let entries = slo::timeline(root);
        let (code, sev) = (self.meta().code, self.meta().default_severity);
        let mut reported: Vec<usize> = Vec::new();
        let mut prev: Option<i64> = None;
        for e in &entries {
            let Some(s) = e.at_scalar else { continue };
            let v = s.value.trim();
            let Some(t) = e.at else {
                if !s.is_null() && !v.starts_with("TODO") {
                    out.push(Diagnostic::new(code, sev, s.span.clone(), format!("timeline[{}].at", e.index), crate::tr!(cx, "`{v}` can't be read as a timestamp. Write ISO 8601 with a time zone, e.g. `2026-04-09T14:02:00Z`, so the timeline can be ordered and MTTA/MTTR computed.", "無法把 `{v}` 讀成時間戳記。請用含時區的 ISO 8601，例如 `2026-04-09T14:02:00Z`，timeline 才能排序並計算 MTTA/MTTR。")));
                }
                continue;
            };
            if let Some(p) = prev {
                if t < p {
                    let (now, before) = (clock(t, p), clock(p, p));
                    out.push(Diagnostic::new(code, sev, s.span.clone(), format!("timeline[{}].at", e.index), crate::tr!(cx, "This entry ({now}) is earlier than the one before it ({before}). List the timeline in time order, or correct the timestamp.", "此項（{now}）早於前一項（{before}）。請依時間排序 timeline，或修正時間。")));
                    reported.push(e.index);
                }
            }
            prev = Some(t);
        }
        // milestones in lifecycle order
        let mut last: Option<(&str, i64)> = None;
        for k in TIMELINE_KINDS {
            let Some(e) = slo::milestone(&entries, k) else {
                continue;
            };
            let Some(t) = e.at else { continue };
            if let Some((pk, pt)) = last {
                if t < pt && !reported.contains(&e.index) {
                    if let Some(s) = e.at_scalar {
                        let (now, before) = (clock(t, pt), clock(pt, pt));
                        out.push(Diagnostic::new(code, sev, s.span.clone(), format!("timeline[{}].at", e.index), crate::tr!(cx, "`{k}` ({now}) is before `{pk}` ({before}); milestones go impact_start ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved. Correct the time or the kind.", "`{k}`（{now}）早於 `{pk}`（{before}）；里程碑順序應為 impact_start ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved。請修正時間或 kind。")));
                        reported.push(e.index);
                    }
                }
            }
            if last.is_none_or(|(_, pt)| t >= pt) {
                last = Some((k, t));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{run, spans};

    #[test]
    fn order_milestones_and_unreadable_timestamps() {
        let t = "timeline:\n  - at: 2026-04-09T14:19:00Z\n    kind: detected\n  - at: 2026-04-09T14:02:00Z\n    kind: impact_start\n  - at: 2026-04-09T14:15:00Z\n    kind: acknowledged\n  - at: yesterday afternoon\n  - at: TODO(from the pager log)\n";
        assert_eq!(
            spans("PM605", t),
            vec![
                "2026-04-09T14:02:00Z",
                "2026-04-09T14:15:00Z",
                "yesterday afternoon"
            ]
        );
        let d = run("PM605", t);
        assert!(
            d[0].message
                .contains("(14:02) is earlier than the one before it (14:19)"),
            "{}",
            d[0].message
        );
        assert!(
            d[1].message
                .contains("`acknowledged` (14:15) is before `detected` (14:19)"),
            "{}",
            d[1].message
        );
        assert!(run("PM605", "timeline:\n  - at: 2026-04-09T14:02:00Z\n    kind: impact_start\n  - at: 2026-04-09T22:19:00+08:00\n    kind: detected\n").is_empty());
    }
}

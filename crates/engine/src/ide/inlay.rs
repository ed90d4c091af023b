//! Inlay hints after the SLO figures: the value computed from the timeline
//! (MTTA, MTTR, alert latency) and the error budget arithmetic.

use super::docs;
use crate::analysis::Analysis;
use crate::slo::{self, format_minutes, format_number, Figure};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// Where the hint is shown (the end of the written value).
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

/// The hints of a document.
pub fn hints(a: &Analysis) -> Vec<Hint> {
    let Some(root) = a.root() else {
        return Vec::new();
    };
    let Some(si) = root.get("slo_impact") else {
        return Vec::new();
    };
    let d = docs(a);
    let f = slo::figures(root);
    let mut out = Vec::new();
    let end_of = |name: &str| -> Option<usize> {
        let p = si.pair(name)?;
        Some(match &p.value {
            Some(v) if v.span.end > v.span.start => v.span.end,
            _ => p.span.end.max(p.key.span.end + 1).min(a.text.len()),
        })
    };
    if let Some(at) = end_of("error_budget_consumed_pct") {
        let mut parts = Vec::new();
        if let Some((s, _)) = &f.slo {
            let budget = s.budget_min();
            if let Some(pct) = f.budget.as_ref().and_then(|w| w.value) {
                parts.push(d.fmt(
                    "hint_budget",
                    &[
                        ("budget", &format_number(budget)),
                        ("minutes", &format_number(pct / 100.0 * budget)),
                    ],
                ));
            }
            if let (Some(bound), Some(m)) = (f.bound_pct(), f.window_minutes()) {
                parts.push(d.fmt(
                    "hint_budget_bound",
                    &[
                        ("pct", &format_number(bound)),
                        ("minutes", &format_number(m)),
                    ],
                ));
            }
        }
        if !parts.is_empty() {
            out.push(Hint {
                offset: at,
                label: parts.join(" · "),
                tooltip: d.ui("slo_formula").to_string(),
            });
        }
    }
    for fig in Figure::ALL {
        let Some(at) = end_of(fig.field()) else {
            continue;
        };
        let Some(du) = f.duration(fig) else { continue };
        let (from, to) = (slo::clock(du.from, du.from), slo::clock(du.to, du.from));
        out.push(Hint {
            offset: at,
            label: d.fmt(
                "hint_duration",
                &[
                    ("value", &format_minutes(du.minutes)),
                    ("from", &from),
                    ("to", &to),
                ],
            ),
            tooltip: d.fmt(
                "slo_computed",
                &[
                    ("value", &format_minutes(du.minutes)),
                    ("from_kind", du.from_kind),
                    ("from", &from),
                    ("to_kind", du.to_kind),
                    ("to", &to),
                ],
            ),
        });
    }
    out.sort_by_key(|h| h.offset);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Locale;
    use crate::ide::test_support::{at, example};

    #[test]
    fn example_hints() {
        let a = example(Locale::En);
        let h = hints(&a);
        let labels: Vec<&str> = h.iter().map(|h| h.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "budget 43.2 min · ≈ 38 bad min · ≤ 157.4% (68 min of impact)",
                "= 4m (14:19 → 14:23)",
                "= 45m (14:02 → 14:47)",
                "= 17m (14:02 → 14:19)",
            ]
        );
        let mtta = a.text.find("mtta: 4m").expect("mtta") + "mtta: 4m".len();
        assert_eq!(h[1].offset, mtta);
    }

    #[test]
    fn chinese_hints_and_no_timeline() {
        let (a, _) = at(
            "slo_impact:\n  slo: 99.9% over 28 days\n  error_budget_consumed_pct: 50\n  mtta: 4m\n",
            Locale::ZhTw,
        );
        let h = hints(&a);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].label, "budget 40.3 分 · ≈ 20.2 不良分鐘");
    }
}

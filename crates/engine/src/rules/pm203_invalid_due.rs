use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// `due` is not a real ISO date.
    ///
    /// Write `YYYY-MM-DD` with a date that exists: `2026-02-30` and `2026-13-01` are
    /// not dates, and "next sprint" or `12/15` can't be tracked. `TODO(…)` is
    /// accepted (PM202 warns about it).
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: there is no 30 February, and "next sprint" can't be tracked
    /// action_items:
    ///   - id: AI-001
    ///     due: 2026-02-30
    ///   - id: AI-002
    ///     due: next sprint
    /// ```
    ///
    /// ```yaml
    /// # passes: an ISO date, or a TODO saying what is missing
    /// action_items:
    ///   - id: AI-001
    ///     due: 2026-02-27
    ///   - id: AI-002
    ///     due: TODO(agree with the owner)
    /// ```
    pub struct InvalidDue { code: "PM203", name: "invalid-due", severity: Error }
}

/// Parses `YYYY-MM-DD` as a real calendar date.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (d >= 1 && d <= days).then_some((y, m, d))
}

impl Rule for InvalidDue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        for (i, it) in crate::query::items(root, "action_items").iter().enumerate() {
            let Some(s) = it.get("due").and_then(|n| n.as_scalar()) else {
                continue;
            };
            let v = s.value.trim();
            if s.is_null() || v.is_empty() || v.starts_with("TODO") || parse_date(v).is_some() {
                continue;
            }
            out.push(Diagnostic::new(
                self.meta().code,
                self.meta().default_severity,
                s.span.clone(),
                format!("action_items[{i}].due"),
                crate::tr!(
                    cx,
                    "`{v}` is not a real date; write an ISO date like 2026-12-15.",
                    "`{v}` 不是有效日期;請寫 ISO 日期,例如 2026-12-15。"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use crate::rules::test_support::spans;

    #[test]
    fn real_dates_only() {
        assert!(parse_date("2028-02-29").is_some());
        assert!(parse_date("2026-02-29").is_none());
        let t = "action_items:\n  - due: 2026-02-30\n  - due: next sprint\n  - due: 2026-12-15\n  - due: TODO(x)\n";
        assert_eq!(spans("PM203", t), vec!["2026-02-30", "next sprint"]);
    }
}

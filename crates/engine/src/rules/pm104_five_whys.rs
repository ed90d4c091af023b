use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::schema::WHY_KEYS;

crate::declare_rule! {
    /// `root_cause.five_whys` is not `why_1` … `why_5` in order, each filled in.
    ///
    /// Each why answers the one before it: why_1 the observed symptom, why_2 its cause,
    /// why_3 the cause of that, why_4 the systemic gap, why_5 the organisational or
    /// process gap. Stopping early usually stops at a person; the later whys are where
    /// the system fixes are.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: the whys stop at the second one
    /// root_cause:
    ///   five_whys:
    ///     - why_1: Checkout returned 5xx for 45 minutes [metrics §8]
    ///     - why_2: The payment pool was exhausted after a config change [report §6]
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// root_cause:
    ///   five_whys:
    ///     - why_1: Checkout payments returned 503 for 45 minutes
    ///     - why_2: Requests timed out waiting for a database connection
    ///     - why_3: A config change cut the pool from 40 to 12 connections per pod
    ///     - why_4: Pool values reach production with no check against peak load
    ///     - why_5: Config changes get less review than code, with no capacity sign-off
    /// ```
    pub struct FiveWhys { code: "PM104", name: "five-whys", severity: Error }
}

impl Rule for FiveWhys {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(rc) = cx.root.and_then(|r| r.get("root_cause")) else {
            return;
        };
        let code = self.meta().code;
        let sev = self.meta().default_severity;
        let Some(pair) = rc.pair("five_whys") else {
            if rc.as_map().is_some() {
                let span = cx
                    .root
                    .and_then(|r| crate::query::section_key(r, "root_cause"))
                    .unwrap_or(rc.span.clone());
                out.push(Diagnostic::new(code, sev, span, "root_cause", crate::tr!(cx, "`root_cause` has no `five_whys`. Add why_1 (symptom) to why_5 (organisational gap).", "`root_cause` 缺少 `five_whys`。請補上 why_1(症狀)到 why_5(組織/流程缺口)。")));
            }
            return;
        };
        let Some(v) = &pair.value else {
            out.push(Diagnostic::new(
                code,
                sev,
                pair.key.span.clone(),
                "root_cause.five_whys",
                crate::tr!(
                    cx,
                    "`five_whys` is empty. Add why_1 (symptom) to why_5 (organisational gap).",
                    "`five_whys` 是空的。請補上 why_1 到 why_5。"
                ),
            ));
            return;
        };
        if crate::query::is_todo(v) {
            return;
        }
        let Some(items) = v.as_seq() else { return }; // PM003
        for (i, want) in WHY_KEYS.iter().enumerate() {
            let path = format!("root_cause.five_whys[{i}]");
            let Some(item) = items.get(i) else {
                let last = items
                    .last()
                    .map_or(pair.key.span.clone(), |l| l.span.clone());
                out.push(Diagnostic::new(code, sev, last, "root_cause.five_whys", crate::tr!(cx, "`{want}` is missing; the five whys go down to why_5, the organisational or process gap.", "缺少 `{want}`;五個為什麼要追到 why_5(組織或流程缺口)。")));
                break;
            };
            let Some(p) = item.as_map().and_then(|m| m.first()) else {
                out.push(Diagnostic::new(
                    code,
                    sev,
                    item.span.clone(),
                    path,
                    crate::tr!(
                        cx,
                        "Write this item as `- {want}: …`.",
                        "請把此項寫成 `- {want}: …`。"
                    ),
                ));
                continue;
            };
            if p.key.value != *want {
                out.push(Diagnostic::new(
                    code,
                    sev,
                    p.key.span.clone(),
                    path,
                    crate::tr!(
                        cx,
                        "Expected `{want}` here, found `{}`; keep the whys in order why_1 … why_5.",
                        "此處應為 `{want}`,卻是 `{}`;請依 why_1 … why_5 順序排列。",
                        p.key.value
                    ),
                ));
            } else if crate::query::is_empty(p.value.as_ref()) {
                out.push(Diagnostic::new(
                    code,
                    sev,
                    p.key.span.clone(),
                    format!("{path}.{want}"),
                    crate::tr!(
                        cx,
                        "`{want}` is empty. Answer it, or write `TODO(what is missing)`.",
                        "`{want}` 是空的。請作答,或寫 `TODO(缺什麼)`。"
                    ),
                ));
            }
        }
        for (i, extra) in items.iter().enumerate().skip(5) {
            out.push(Diagnostic::new(
                code,
                sev,
                extra.span.clone(),
                format!("root_cause.five_whys[{i}]"),
                crate::tr!(
                    cx,
                    "Five whys stop at why_5; fold this into why_4 or why_5.",
                    "五個為什麼到 why_5 為止;請併入 why_4 或 why_5。"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn order_gaps_and_empties() {
        let ok = "root_cause:\n  five_whys:\n    - why_1: a\n    - why_2: b\n    - why_3: c\n    - why_4: d\n    - why_5: e\n";
        assert!(run("PM104", ok).is_empty());
        let bad = "root_cause:\n  five_whys:\n    - why_1: a\n    - why_3: b\n    - why_2:\n";
        let d = run("PM104", bad);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d[0].message.contains("why_2"));
        assert!(d[2].message.contains("why_4"));
    }
}

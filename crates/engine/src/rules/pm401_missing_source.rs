use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::syntax::Node;

crate::declare_rule! {
    /// A conclusion has no citation.
    ///
    /// Card rule 1: every conclusion names where it comes from, so reviewers can check
    /// it against the evidence. `root_cause`, each contributing factor, each action item
    /// and `slo_impact` need a `source:` with citations such as `"[report §4] [chat L12]"`;
    /// each `what_went_well` / `what_went_wrong` item carries its citation inline. When
    /// no input supports a claim, say so with `[source unstated, needs confirmation]`
    /// (`[來源未明示,需確認]`) instead of leaving it bare.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: where does this come from?
    /// contributing_factors:
    ///   - factor: The checkout alert was loosened to 10% for 10 minutes in February
    ///     category: detection
    ///     confidence: H
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// contributing_factors:
    ///   - factor: The checkout alert was loosened to 10% for 10 minutes in February
    ///     category: detection
    ///     source: "[report §17] [metrics §12-14]"
    ///     confidence: H
    /// ```
    pub struct MissingSource { code: "PM401", name: "missing-source", severity: Error }
}

/// Objects whose `source` field is required.
const SOURCED: &[&str] = &[
    "root_cause",
    "contributing_factors",
    "action_items",
    "slo_impact",
];

fn has_citation(cx: &Context, span: &crate::text::Span) -> bool {
    cx.citations
        .iter()
        .any(|c| c.span.start >= span.start && c.span.end <= span.end)
}

impl Rule for MissingSource {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let code = self.meta().code;
        let sev = self.meta().default_severity;
        let mut check_obj = |obj: &Node, path: String, anchor: crate::text::Span| {
            if obj.as_map().is_none() {
                return;
            }
            match obj.pair("source") {
                None => out.push(Diagnostic::new(code, sev, anchor, path.clone(), crate::tr!(cx, "`{path}` has no `source`. Cite the input it rests on, e.g. `source: \"[report §4]\"`, or mark it `[source unstated, needs confirmation]`.", "`{path}` 缺少 `source`。請引用依據的輸入,例如 `source: \"[report §4]\"`,或標示 `[來源未明示,需確認]`。"))),
                Some(p) => {
                    let v = p.value.as_ref();
                    if v.is_some_and(crate::query::is_todo) {
                        return;
                    }
                    let span = p.value_or_key_span();
                    if v.is_none() || !has_citation(cx, &span) {
                        out.push(Diagnostic::new(code, sev, span, format!("{path}.source"), crate::tr!(cx, "This source holds no citation. Write `[NAME §N]` or `[NAME LN]` naming an input, or `[source unstated, needs confirmation]`.", "此 source 沒有引用。請寫 `[名稱 §N]` 或 `[名稱 LN]` 指向輸入檔,或 `[來源未明示,需確認]`。")));
                    }
                }
            }
        };
        for key in SOURCED {
            let Some(pair) = root.pair(key) else { continue };
            let Some(v) = &pair.value else { continue };
            if let Some(items) = v.as_seq() {
                for (i, it) in items.iter().enumerate() {
                    let anchor = it
                        .as_map()
                        .and_then(|m| m.first())
                        .map_or(it.span.clone(), |p| p.key.span.clone());
                    check_obj(it, format!("{key}[{i}]"), anchor);
                }
            } else {
                check_obj(v, key.to_string(), pair.key.span.clone());
            }
        }
        for key in ["what_went_well", "what_went_wrong"] {
            for (i, it) in crate::query::items(root, key).iter().enumerate() {
                let Some(s) = it.as_scalar() else { continue };
                if s.is_null() || crate::query::is_todo(it) || has_citation(cx, &it.span) {
                    continue;
                }
                out.push(Diagnostic::new(code, sev, it.span.clone(), format!("{key}[{i}]"), crate::tr!(cx, "This signal has no citation. End it with the evidence, e.g. `[metrics §2]`, or `[source unstated, needs confirmation]`.", "此訊號沒有引用。請在句末附上證據,例如 `[metrics §2]`,或 `[來源未明示,需確認]`。")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{run, spans};

    #[test]
    fn conclusions_need_citations() {
        let t = "root_cause:\n  confidence: H\naction_items:\n  - id: AI-001\n    source: the report\n  - id: AI-002\n    source: [report §2]\nwhat_went_well:\n  - \"Fast rollback [runbook §3]\"\n  - Paging worked\nslo_impact:\n  source: \"[source unstated, needs confirmation]\"\n";
        let s = spans("PM401", t);
        assert_eq!(s, vec!["root_cause", "the report", "Paging worked"]);
        assert_eq!(run("PM401", t)[1].field, "action_items[0].source");
    }
}

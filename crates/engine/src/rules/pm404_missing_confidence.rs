use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::schema::CONFIDENCE;
use crate::syntax::Node;

crate::declare_rule! {
    /// A key claim has no `confidence`, or its confidence is not H, M or L.
    ///
    /// Card rule 6: every key claim says how sure we are. `H` — the inputs show it
    /// directly; `M` — inferred from the inputs with some interpretation; `L` — a
    /// plausible guess that still needs evidence (and then `confidence_note` says why,
    /// PM405). Required on `root_cause`, each contributing factor, each action item and
    /// each decision; checked wherever it is written.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: no `confidence`, and `high` is not H, M or L
    /// root_cause:
    ///   primary_cause_category: config
    /// contributing_factors:
    ///   - factor: The alert paged 17 minutes after impact start
    ///     confidence: high
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// root_cause:
    ///   primary_cause_category: config
    ///   confidence: H
    /// contributing_factors:
    ///   - factor: The alert paged 17 minutes after impact start
    ///     confidence: H
    /// ```
    pub struct MissingConfidence { code: "PM404", name: "missing-confidence", severity: Error }
}

const REQUIRED: &[&str] = &[
    "root_cause",
    "contributing_factors",
    "action_items",
    "decision_log",
];
const OPTIONAL: &[&str] = &["slo_impact", "systemic_changes", "verify"];

impl Rule for MissingConfidence {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let code = self.meta().code;
        let sev = self.meta().default_severity;
        let mut check = |obj: &Node, path: String, required: bool| {
            let Some(pairs) = obj.as_map() else { return };
            match obj.pair("confidence") {
                None if required => {
                    let anchor = pairs
                        .first()
                        .map_or(obj.span.clone(), |p| p.key.span.clone());
                    let anchor = if path.contains('[') {
                        anchor
                    } else {
                        root.pair(&path).map_or(anchor, |p| p.key.span.clone())
                    };
                    out.push(Diagnostic::new(code, sev, anchor, path.clone(), crate::tr!(cx, "`{path}` has no `confidence`. Add `confidence: H`, `M` or `L` (L needs a confidence_note).", "`{path}` 缺少 `confidence`。請加上 `confidence: H`、`M` 或 `L`(L 須附 confidence_note)。")));
                }
                None => {}
                Some(p) => {
                    let v = p.value.as_ref().and_then(|v| v.as_scalar());
                    let val = v.map_or("", |s| s.value.trim());
                    if CONFIDENCE.contains(&val) || val.starts_with("TODO") {
                        return;
                    }
                    let span = p.value_or_key_span();
                    let mut d = Diagnostic::new(
                        code,
                        sev,
                        span.clone(),
                        format!("{path}.confidence"),
                        if val.is_empty() {
                            crate::tr!(
                                cx,
                                "`confidence` is empty. Write H, M or L.",
                                "`confidence` 是空的。請寫 H、M 或 L。"
                            )
                        } else {
                            crate::tr!(
                                cx,
                                "`{val}` is not a confidence; write H, M or L.",
                                "`{val}` 不是信心等級;請寫 H、M 或 L。"
                            )
                        },
                    );
                    let up = val.to_ascii_uppercase();
                    let guess = match up.as_str() {
                        "HIGH" | "H" => Some("H"),
                        "MEDIUM" | "MED" | "M" => Some("M"),
                        "LOW" | "L" => Some("L"),
                        _ => None,
                    };
                    if let (Some(g), Some(s)) = (guess, v) {
                        d.fixes.push(Fix {
                            title: crate::docs::get(cx.locale)
                                .fmt("fix_replace_with", &[("value", g)]),
                            edits: vec![Edit {
                                span: s.span.clone(),
                                new_text: g.into(),
                            }],
                            preferred: true,
                        });
                    }
                    out.push(d);
                }
            }
        };
        for (keys, required) in [(REQUIRED, true), (OPTIONAL, false)] {
            for key in keys {
                let Some(v) = root.get(key) else { continue };
                if let Some(items) = v.as_seq() {
                    for (i, it) in items.iter().enumerate() {
                        check(it, format!("{key}[{i}]"), required);
                    }
                } else {
                    check(v, key.to_string(), required);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{run, spans};

    #[test]
    fn absent_or_invalid() {
        let t = "root_cause:\n  source: x\naction_items:\n  - id: AI-001\n    confidence: high\n  - id: AI-002\n    confidence: M\nslo_impact:\n  confidence: maybe\n";
        assert_eq!(spans("PM404", t), vec!["root_cause", "high", "maybe"]);
        assert_eq!(run("PM404", t)[1].fixes[0].edits[0].new_text, "H");
    }
}

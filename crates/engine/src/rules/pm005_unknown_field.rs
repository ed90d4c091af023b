use super::{Context, Rule, RuleMeta, Visit};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::query::did_you_mean;

crate::declare_rule! {
    /// A key the schema does not know, usually a typo.
    ///
    /// `sucess_criteria` or `contributing_factor` are read as unknown fields, so the
    /// real field is then reported missing too. The message suggests the closest known
    /// key, and a quick fix renames it. Keys under `inputs` and `rejected_reason` are
    /// free-form and never reported.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `sucess_criteria` is a typo
    /// action_items:
    ///   - id: AI-001
    ///     sucess_criteria: Re-running the check on PR #4471 fails CI
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-001
    ///     success_criteria: Re-running the check on PR #4471 fails CI
    /// ```
    pub struct UnknownField { code: "PM005", name: "unknown-field", severity: Warning }
}

impl Rule for UnknownField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        cx.walk(&mut |v| {
            let Visit::Map {
                node, fields, path, ..
            } = v
            else {
                return;
            };
            let Some(pairs) = node.as_map() else { return };
            for p in pairs {
                let key = p.key.value.as_str();
                if fields.iter().any(|f| f.name == key) || key.is_empty() {
                    continue;
                }
                let at = crate::query::join(path, key);
                let present: Vec<&str> = pairs.iter().map(|q| q.key.value.as_str()).collect();
                let candidates = fields
                    .iter()
                    .map(|f| f.name)
                    .filter(|n| !present.contains(n));
                let d = match did_you_mean(key, candidates) {
                    Some(sug) => Diagnostic::new(
                        self.meta().code,
                        self.meta().default_severity,
                        p.key.span.clone(),
                        at,
                        crate::tr!(
                            cx,
                            "Unknown field `{key}`; did you mean `{sug}`?",
                            "未知欄位 `{key}`;是否要用 `{sug}`?"
                        ),
                    )
                    .with_fix(Fix {
                        title: crate::docs::get(cx.locale).fmt("fix_rename_to", &[("value", sug)]),
                        edits: vec![Edit {
                            span: p.key.span.clone(),
                            new_text: sug.to_string(),
                        }],
                        preferred: true,
                    }),
                    None => {
                        let known = fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
                        Diagnostic::new(
                            self.meta().code,
                            self.meta().default_severity,
                            p.key.span.clone(),
                            at,
                            crate::tr!(
                                cx,
                                "Unknown field `{key}`. Known fields here: {known}.",
                                "未知欄位 `{key}`。此處可用欄位:{known}。"
                            ),
                        )
                    }
                };
                out.push(d);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{run, spans};

    #[test]
    fn typos_get_a_suggestion_and_a_rename_fix() {
        let t = "contributing_factor:\n  - x\naction_items:\n  - sucess_criteria: p99 < 300ms\ninputs:\n  anything_goes: a.md\n";
        assert_eq!(
            spans("PM005", t),
            vec!["contributing_factor", "sucess_criteria"]
        );
        let d = run("PM005", t);
        assert!(d[0].message.contains("`contributing_factors`"));
        assert_eq!(d[1].fixes[0].edits[0].new_text, "success_criteria");
        assert_eq!(d[1].field, "action_items[0].sucess_criteria");
    }
}

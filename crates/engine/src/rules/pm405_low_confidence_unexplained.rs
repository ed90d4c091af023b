use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};

crate::declare_rule! {
    /// `confidence: L` without a `confidence_note` saying why.
    ///
    /// Card rule 6: a low-confidence claim must explain itself, so the reader knows what
    /// evidence is missing and who could supply it, e.g.
    /// `confidence_note: the deploy log for 14:00-14:10 was not available`.
    /// A quick fix adds `confidence_note: TODO(why is this uncertain)` under it.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: low confidence, and no word on why
    /// contributing_factors:
    ///   - factor: Support has no way to page payments on-call
    ///     confidence: L
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// contributing_factors:
    ///   - factor: Support has no way to page payments on-call
    ///     confidence: L
    ///     confidence_note: No input describes the support escalation path; support operations to confirm
    /// ```
    pub struct LowConfidenceUnexplained { code: "PM405", name: "low-confidence-unexplained", severity: Error }
}

impl Rule for LowConfidenceUnexplained {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let mut lows = Vec::new();
        cx.each_scalar(&mut |path, _spath, s| {
            if (path == "confidence" || path.ends_with(".confidence"))
                && !path.starts_with("verify")
                && s.value.trim() == "L"
            {
                lows.push((path.to_string(), s.span.clone()));
            }
        });
        for (path, span) in lows {
            let parent = path
                .strip_suffix("confidence")
                .unwrap_or("")
                .trim_end_matches('.');
            let note_path = if parent.is_empty() {
                "confidence_note".to_string()
            } else {
                format!("{parent}.confidence_note")
            };
            let has_note = find(root, parent)
                .and_then(|n| n.get("confidence_note"))
                .is_some_and(|n| !crate::query::is_empty(Some(n)));
            if has_note {
                continue;
            }
            // insert on the next line with the same indentation as `confidence:`
            let line_start = cx.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let key_col = cx.text[line_start..span.start]
                .find("confidence")
                .unwrap_or(0);
            let indent: String = cx.text[line_start..line_start + key_col]
                .chars()
                .map(|c| if c == '-' { ' ' } else { c })
                .collect();
            let eol = cx.text[span.end..]
                .find('\n')
                .map_or(cx.text.len(), |i| span.end + i);
            let fix = Fix {
                title: crate::docs::get(cx.locale)
                    .ui("fix_add_confidence_note")
                    .to_string(),
                edits: vec![Edit {
                    span: eol..eol,
                    new_text: format!("\n{indent}confidence_note: TODO(why is this uncertain)"),
                }],
                preferred: true,
            };
            out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, span, note_path, crate::tr!(cx, "Confidence is L but there is no `confidence_note`. Say what evidence is missing and who could supply it.", "信心為 L 但沒有 `confidence_note`。請說明缺少哪些證據、誰能補上。")).with_fix(fix));
        }
    }
}

fn find<'a>(root: &'a crate::syntax::Node, path: &str) -> Option<&'a crate::syntax::Node> {
    let mut cur = root;
    if path.is_empty() {
        return Some(root);
    }
    for part in path.split('.') {
        let (key, idx) = match part.find('[') {
            Some(b) => (
                &part[..b],
                part[b + 1..].trim_end_matches(']').parse::<usize>().ok(),
            ),
            None => (part, None),
        };
        cur = cur.get(key)?;
        if let Some(i) = idx {
            cur = cur.as_seq()?.get(i)?;
        }
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn low_needs_a_note_and_the_fix_keeps_indentation() {
        let t = "root_cause:\n  confidence: L\naction_items:\n  - confidence: L\n    confidence_note: no deploy log\n  - confidence: L\n";
        let d = run("PM405", t);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].field, "root_cause.confidence_note");
        assert_eq!(d[1].field, "action_items[1].confidence_note");
        let e = &d[1].fixes[0].edits[0];
        let mut fixed = t.to_string();
        fixed.replace_range(e.span.clone(), &e.new_text);
        assert!(
            fixed
                .ends_with("  - confidence: L\n    confidence_note: TODO(why is this uncertain)\n"),
            "{fixed}"
        );
        assert!(run("PM405", &fixed).len() == 1);
    }
}

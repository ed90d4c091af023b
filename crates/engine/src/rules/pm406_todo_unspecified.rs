use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};

crate::declare_rule! {
    /// A `TODO` does not say what is missing.
    ///
    /// Card rule 3: when data is missing, write `TODO(what is missing)` instead of
    /// inventing it, and say what would fill the gap: `TODO(deploy log 14:00-14:10)`,
    /// `TODO(owner from payments team)`. A bare `TODO` or `TODO()` tells the reviewer
    /// nothing. A quick fix turns it into `TODO(what is missing)` for you to complete.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: a bare TODO
    /// action_items:
    ///   - id: AI-005
    ///     owner: TODO
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-005
    ///     owner: TODO(owner from the platform-config team)
    /// ```
    pub struct TodoUnspecified { code: "PM406", name: "todo-unspecified", severity: Warning }
}

impl Rule for TodoUnspecified {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        cx.each_scalar(&mut |path, _, s| {
            for (r, what) in crate::query::todos(&s.value) {
                if what.is_some() {
                    continue;
                }
                let span = s.src_span(r);
                let fix = Fix {
                    title: crate::docs::get(cx.locale).ui("fix_write_todo").to_string(),
                    edits: vec![Edit {
                        span: span.clone(),
                        new_text: "TODO(what is missing)".into(),
                    }],
                    preferred: true,
                };
                out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, span, path, crate::tr!(cx, "Say what is missing: `TODO(what is missing)`, e.g. `TODO(deploy log 14:00-14:10)`.", "請寫明缺什麼:`TODO(缺什麼)`,例如 `TODO(14:00-14:10 的部署紀錄)`。")).with_fix(fix));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::spans;

    #[test]
    fn bare_todos() {
        assert_eq!(
            spans(
                "PM406",
                "a: TODO\nb: TODO()\nc: TODO(owner)\nd: \"see TODO later\"\n"
            ),
            vec!["TODO", "TODO()", "TODO"]
        );
    }
}

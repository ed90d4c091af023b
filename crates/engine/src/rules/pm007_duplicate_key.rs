use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::syntax::{Node, Value};

crate::declare_rule! {
    /// A key appears twice in the same map.
    ///
    /// YAML keeps only one of the two values, so half of what was written is silently
    /// lost. Merge the two entries into one. Reported on the repeated key.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `owner` is written twice; YAML keeps only one
    /// action_items:
    ///   - id: AI-001
    ///     owner: payments-team
    ///     owner: sre-observability
    /// ```
    ///
    /// ```yaml
    /// # passes: one owner; the other team is a second action item
    /// action_items:
    ///   - id: AI-001
    ///     owner: payments-team
    ///   - id: AI-002
    ///     owner: sre-observability
    /// ```
    pub struct DuplicateKey { code: "PM007", name: "duplicate-key", severity: Error }
}

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        /// A step of the path to a node: a key or a list index. The path is
        /// spelled out only for a duplicate (this rule walks every node on
        /// every keystroke).
        enum Step<'a> {
            Key(&'a str),
            Index(usize),
        }
        fn spell(steps: &[Step]) -> String {
            let mut path = String::new();
            for s in steps {
                match s {
                    Step::Key(k) => path = crate::query::join(&path, k),
                    Step::Index(i) => path.push_str(&format!("[{i}]")),
                }
            }
            path
        }
        fn go<'a>(n: &'a Node, steps: &mut Vec<Step<'a>>, cx: &Context, out: &mut Vec<Diagnostic>) {
            match &n.value {
                Value::Map(pairs) => {
                    for (i, p) in pairs.iter().enumerate() {
                        let key = &p.key.value;
                        steps.push(Step::Key(key));
                        if pairs[..i].iter().any(|q| &q.key.value == key) {
                            out.push(Diagnostic::new(DuplicateKey::META.code, DuplicateKey::META.default_severity, p.key.span.clone(), spell(steps), crate::tr!(cx, "`{key}` appears twice here; YAML keeps only one of them. Merge the two entries.", "`{key}` 在此重複出現;YAML 只會保留其中一個。請合併兩筆內容。")));
                        }
                        if let Some(v) = &p.value {
                            go(v, steps, cx, out);
                        }
                        steps.pop();
                    }
                }
                Value::Seq(items) => {
                    for (i, it) in items.iter().enumerate() {
                        steps.push(Step::Index(i));
                        go(it, steps, cx, out);
                        steps.pop();
                    }
                }
                _ => {}
            }
        }
        if let Some(root) = cx.root {
            go(root, &mut Vec::new(), cx, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn repeated_keys_at_any_depth() {
        let t = "root_cause:\n  source: a\n  source: b\nroot_cause: x\n";
        let d = run("PM007", t);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].field, "root_cause.source");
        assert_eq!(&t[d[1].span.clone()], "root_cause");
    }
}

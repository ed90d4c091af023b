use super::{Context, Rule, RuleMeta, Visit};
use crate::diagnostic::Diagnostic;
use crate::schema::Kind;
use crate::syntax::Value;

crate::declare_rule! {
    /// A value has the wrong shape: a list where a map belongs, text where a list belongs, …
    ///
    /// `what_went_well`, `action_items` and the other list sections take `- item`
    /// entries; `root_cause`, `slo_impact` and `prevention_categories` take `key: value`
    /// fields; `error_budget_consumed_pct` is a number. YAML aliases (`*name`) are not
    /// expanded: write the value out.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `what_went_well` takes `- item` entries, not one paragraph
    /// what_went_well: Paging worked and the rollback was fast [chat L15]
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// what_went_well:
    ///   - "The page was acknowledged 4 minutes after it fired [metrics §11]"
    ///   - "The rolling restart restored service in 2 minutes [runbook §11]"
    /// ```
    pub struct WrongType { code: "PM003", name: "wrong-type", severity: Error }
}

fn expected(kind: &Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Map(_) | Kind::Dict(_) => ("a map of `key: value` fields", "`鍵: 值` 形式的對照表"),
        Kind::List(_) => ("a list of `- ` items", "`- ` 開頭的清單"),
        Kind::Number => ("a number", "數字"),
        Kind::Source => (
            "citations such as \"[report §3]\"",
            "引用,例如 \"[report §3]\"",
        ),
        Kind::TextOr(_) => ("text or a map", "文字或對照表"),
        _ => ("a single value", "單一值"),
    }
}

impl Rule for WrongType {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        if !matches!(root.value, Value::Map(_)) {
            out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, root.span.clone(), "", crate::tr!(cx, "A postmortem is a map of sections (`incident_ref:`, `root_cause:`, …), but this document is {}. Start from `postmortem-lsp new`.", "postmortem 應是各區段的對照表(`incident_ref:`、`root_cause:`…),但此文件是{}。可用 `postmortem-lsp new` 產生範本。", root.kind_name())));
            return;
        }
        cx.walk(&mut |v| {
            let Visit::Value {
                node, kind, path, ..
            } = v
            else {
                return;
            };
            if crate::query::is_todo(node) || node.is_null() {
                return;
            }
            let ok = match (&node.value, kind) {
                (Value::Invalid, _) => true,
                (Value::Alias, _) => false,
                (Value::Map(_), Kind::Map(_) | Kind::Dict(_) | Kind::TextOr(_)) => true,
                (Value::Seq(_), Kind::List(_) | Kind::Source) => true,
                (Value::Scalar(s), Kind::Number) => s
                    .value
                    .trim()
                    .trim_end_matches('%')
                    .trim()
                    .parse::<f64>()
                    .is_ok(),
                (
                    Value::Scalar(_),
                    Kind::Text
                    | Kind::Date
                    | Kind::Timestamp
                    | Kind::Enum(_)
                    | Kind::Source
                    | Kind::TextOr(_),
                ) => true,
                _ => false,
            };
            if ok {
                return;
            }
            let (en, zh) = expected(kind);
            let msg = if matches!(node.value, Value::Alias) {
                crate::tr!(cx, "`{path}` uses a YAML alias, which postmortem-lsp does not expand. Write the value out.", "`{path}` 使用了 YAML 別名,postmortem-lsp 不展開別名。請直接寫出值。")
            } else {
                let got = node.kind_name();
                crate::tr!(
                    cx,
                    "`{path}` should be {en}, but it is {got}.",
                    "`{path}` 應為{zh},但目前是{got}。"
                )
            };
            out.push(Diagnostic::new(
                self.meta().code,
                self.meta().default_severity,
                node.span.clone(),
                path.to_string(),
                msg,
            ));
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{run, spans};

    #[test]
    fn shapes() {
        let t = "what_went_well: fine\nroot_cause:\n  - a\nslo_impact:\n  error_budget_consumed_pct: lots\naction_items: TODO(none yet)\n";
        assert_eq!(spans("PM003", t), vec!["fine", "- a", "lots"]);
        assert!(run("PM003", "slo_impact:\n  error_budget_consumed_pct: 88%\n").is_empty());
        assert_eq!(run("PM003", "- a\n- b\n").len(), 1);
    }
}

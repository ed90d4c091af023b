use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};

crate::declare_rule! {
    /// Action item ids are not `AI-` + 3 digits, are repeated, or are out of sequence.
    ///
    /// Ids are how the backlog, the Engineering Manager and later postmortems refer to
    /// an item: `AI-001`, `AI-002`, … in order. A quick fix renumbers all items in
    /// document order.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `AI-1` is not `AI-` + 3 digits, and `AI-003` skips `AI-002`
    /// action_items:
    ///   - id: AI-1
    ///   - id: AI-003
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// action_items:
    ///   - id: AI-001
    ///   - id: AI-002
    /// ```
    pub struct ActionId { code: "PM105", name: "action-id", severity: Warning }
}

fn valid(id: &str) -> Option<u32> {
    let n = id.strip_prefix("AI-")?;
    (n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| n.parse().ok())
        .flatten()
}

impl Rule for ActionId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let items = crate::query::items(root, "action_items");
        // One fix for all: renumber every id in order.
        let renumber: Vec<Edit> = items
            .iter()
            .enumerate()
            .filter_map(|(i, it)| {
                let s = it.get("id")?.as_scalar()?;
                let want = format!("AI-{:03}", i + 1);
                (s.value != want).then(|| Edit {
                    span: s.span.clone(),
                    new_text: want,
                })
            })
            .collect();
        let fix = Fix {
            title: crate::docs::get(cx.locale)
                .ui("fix_renumber_actions")
                .to_string(),
            edits: renumber,
            preferred: false,
        };
        let mut seen: Vec<&str> = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let Some(s) = it.get("id").and_then(|n| n.as_scalar()) else {
                continue;
            };
            if s.is_null() {
                continue; // PM006
            }
            let id = s.value.trim();
            let path = format!("action_items[{i}].id");
            let want = format!("AI-{:03}", i + 1);
            let msg = if valid(id).is_none() {
                Some(crate::tr!(
                    cx,
                    "`{id}` is not an action id; write `AI-` and three digits, e.g. `{want}`.",
                    "`{id}` 不是行動項編號;請寫 `AI-` 加三位數字,例如 `{want}`。"
                ))
            } else if seen.contains(&id) {
                Some(crate::tr!(cx, "`{id}` is used by an earlier action item too; give this one its own id (`{want}`).", "`{id}` 已被前面的行動項使用;請給此項獨立編號(`{want}`)。"))
            } else if id != want {
                Some(crate::tr!(
                    cx,
                    "Action item {} has id `{id}`; number them in order (`{want}`).",
                    "第 {} 個行動項編號為 `{id}`;請依序編號(`{want}`)。",
                    i + 1
                ))
            } else {
                None
            };
            seen.push(id);
            if let Some(m) = msg {
                let mut d = Diagnostic::new(
                    self.meta().code,
                    self.meta().default_severity,
                    s.span.clone(),
                    path,
                    m,
                );
                if !fix.edits.is_empty() {
                    d.fixes.push(fix.clone());
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn format_duplicates_and_order() {
        let t = "action_items:\n  - id: AI-001\n  - id: AI-001\n  - id: AI-7\n  - id: AI-005\n";
        let d = run("PM105", t);
        assert_eq!(d.len(), 3);
        assert!(d[0].message.contains("earlier"));
        assert!(d[1].message.contains("three digits"));
        assert!(d[2].message.contains("in order"));
        let edits = &d[0].fixes[0].edits;
        let texts: Vec<&str> = edits.iter().map(|e| e.new_text.as_str()).collect();
        assert_eq!(texts, vec!["AI-002", "AI-003", "AI-004"]);
        assert!(run("PM105", "action_items:\n  - id: AI-001\n  - id: AI-002\n").is_empty());
    }
}

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// More than 5 action items.
    ///
    /// The card's core promise is at most 5 executable action items per incident: a
    /// long list gets no owner's attention and ends up in the backlog forever. Keep the
    /// 5 with the most leverage on the system and move the rest to a follow-up ticket.
    /// The diagnostic sits on the sixth item and each after it.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: six action items (reported on AI-006)
    /// action_items:
    ///   - id: AI-001
    ///   - id: AI-002
    ///   - id: AI-003
    ///   - id: AI-004
    ///   - id: AI-005
    ///   - id: AI-006
    /// ```
    ///
    /// ```yaml
    /// # passes: five items; the sixth went to a follow-up ticket
    /// action_items:
    ///   - id: AI-001
    ///   - id: AI-002
    ///   - id: AI-003
    ///   - id: AI-004
    ///   - id: AI-005
    /// ```
    pub struct TooManyActionItems { code: "PM103", name: "too-many-action-items", severity: Error }
}

impl Rule for TooManyActionItems {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(root) = cx.root else { return };
        let items = crate::query::items(root, "action_items");
        let n = items.len();
        for (i, item) in items.iter().enumerate().skip(5) {
            let span = item
                .as_map()
                .and_then(|p| p.first())
                .map_or(item.span.clone(), |p| p.key.span.clone());
            out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, span, format!("action_items[{i}]"), crate::tr!(cx, "This is action item {} of {n}; keep at most 5. Move the rest to a follow-up ticket.", "這是第 {} 個行動項(共 {n} 個);最多保留 5 個,其餘移到後續工單。", i + 1)));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn sixth_item_and_after() {
        let mut t = String::from("action_items:\n");
        for i in 1..=7 {
            t.push_str(&format!("  - id: AI-00{i}\n"));
        }
        let d = run("PM103", &t);
        assert_eq!(d.len(), 2);
        assert_eq!(&t[d[0].span.clone()], "id");
        assert_eq!(d[0].field, "action_items[5]");
    }
}

use super::common::owned_by_specific_rule;
use super::{Context, Rule, RuleMeta, Visit};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::query::did_you_mean;
use crate::schema::Kind;

crate::declare_rule! {
    /// A value is not one of the field's allowed values.
    ///
    /// `primary_cause_category`: code, config, capacity, dependency, process, training,
    /// monitoring. `category` (contributing factors and action items): detection,
    /// response, recovery, prevention. `severity`: P0, P1, P2. `timeline[].kind`:
    /// impact_start, detected, acknowledged, mitigated, resolved. The message suggests
    /// the closest valid value, and a quick fix replaces it. (`confidence` is PM404.)
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `configuration` is not a category (did you mean `config`?)
    /// root_cause:
    ///   primary_cause_category: configuration
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// root_cause:
    ///   primary_cause_category: config
    /// ```
    pub struct InvalidEnum { code: "PM004", name: "invalid-enum", severity: Error }
}

impl Rule for InvalidEnum {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        cx.walk(&mut |v| {
            let Visit::Value {
                node,
                kind: Kind::Enum(values),
                path,
                spath,
                ..
            } = v
            else {
                return;
            };
            if owned_by_specific_rule(spath) {
                return;
            }
            let Some(s) = node.as_scalar() else { return };
            let val = s.value.trim();
            if s.is_null() || val.starts_with("TODO") || values.contains(&val) {
                return;
            }
            let list = values.join(", ");
            let mut d = match did_you_mean(val, values.iter().copied()) {
                Some(sug) => Diagnostic::new(self.meta().code, self.meta().default_severity, s.span.clone(), path.to_string(), crate::tr!(cx, "`{val}` is not a valid `{spath}`; did you mean `{sug}`? Valid values: {list}.", "`{val}` 不是有效的 `{spath}`;是否要用 `{sug}`?可用值:{list}。")).with_fix(Fix {
                    title: crate::docs::get(cx.locale).fmt("fix_replace_with", &[("value", sug)]),
                    edits: vec![Edit { span: s.span.clone(), new_text: sug.to_string() }],
                    preferred: true,
                }),
                None => Diagnostic::new(self.meta().code, self.meta().default_severity, s.span.clone(), path.to_string(), crate::tr!(cx, "`{val}` is not a valid `{spath}`. Use one of: {list}.", "`{val}` 不是有效的 `{spath}`。請改用:{list}。")),
            };
            if d.fixes.is_empty() {
                for v in values.iter() {
                    d.fixes.push(Fix {
                        title: crate::docs::get(cx.locale).fmt("fix_replace_with", &[("value", v)]),
                        edits: vec![Edit {
                            span: s.span.clone(),
                            new_text: v.to_string(),
                        }],
                        preferred: false,
                    });
                }
            }
            out.push(d);
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    #[test]
    fn suggests_the_closest_value() {
        let d = run("PM004", "root_cause:\n  primary_cause_category: configuration\naction_items:\n  - severity: p0\n  - severity: P3\n");
        assert_eq!(d.len(), 3);
        assert!(d[0].message.contains("`config`"));
        assert_eq!(d[0].fixes[0].edits[0].new_text, "config");
        assert!(d[1].message.contains("`P0`"));
        assert_eq!(d[2].field, "action_items[1].severity");
    }

    #[test]
    fn todo_and_valid_values_are_quiet() {
        assert!(run(
            "PM004",
            "action_items:\n  - severity: TODO(ask the EM)\n    category: detection\n"
        )
        .is_empty());
    }
}

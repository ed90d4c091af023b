//! Which values of a postmortem are prose: the values the blameless rules
//! (PM301–PM306) read. Shared by the checker ([`super::blameless_hits`]) and
//! the review with Claude (`postmortem-draft`'s `wording` module), so both
//! read exactly the same text.

use super::blameless::FieldKind;
use super::visit_scalars;
use crate::syntax::{Node, Scalar};

/// Whether the value at schema path `spath` (e.g. `action_items.statement`)
/// with decoded text `value` is prose: not `inputs`, `incident_ref` or a
/// timeline field other than `event`, not an id, source, confidence, due
/// date, severity or category, not empty, not a bare `TODO`.
pub fn is_prose(spath: &str, value: &str) -> bool {
    let top = spath
        .as_bytes()
        .iter()
        .position(|&b| b == b'.')
        .map_or(spath, |i| &spath[..i]);
    let skipped = matches!(top, "inputs" | "incident_ref" | "timeline")
        && !spath.ends_with("event")
        || spath.ends_with(".id")
        || spath.ends_with("source")
        || spath.ends_with("confidence")
        || spath.ends_with("due")
        || spath.ends_with("severity")
        || spath.ends_with("category");
    let placeholder = value.trim().is_empty() || value.starts_with("TODO") && value.len() < 6;
    !(skipped || placeholder)
}

/// A prose value at `path` (schema path `spath`) that the blameless checker
/// judges: [`is_prose`], and neither an owner nor a quote.
pub fn is_judged(path: &str, spath: &str, value: &str) -> bool {
    !matches!(
        FieldKind::from_field(path),
        FieldKind::Owner | FieldKind::Quote
    ) && is_prose(spath, value)
}

/// The prose values of a document the blameless checker judges, in document
/// order, with their paths (`what_went_wrong[2]`,
/// `root_cause.five_whys[0].why_1`): [`is_prose`], less owners (naming a
/// person is their point) and quoted evidence, which the checker never
/// judges.
pub fn prose_values(root: &Node) -> Vec<ProseValue<'_>> {
    let mut out = Vec::new();
    visit_scalars(root, &mut |path, spath, scalar: &Scalar| {
        if is_judged(path, spath, &scalar.value) {
            out.push(ProseValue {
                path: path.to_string(),
                spath: spath.to_string(),
                scalar,
            });
        }
    });
    out
}

/// A prose value with its field path and schema path.
pub struct ProseValue<'n> {
    pub path: String,
    pub spath: String,
    pub scalar: &'n Scalar,
}

/// The scalar at `path` (as [`visit_scalars`] names it), if there is one.
pub fn scalar_at<'a>(root: &'a Node, path: &str) -> Option<(&'a Scalar, String)> {
    let mut found = None;
    visit_scalars(root, &mut |p, spath, scalar| {
        if found.is_none() && p == path {
            found = Some((scalar, spath.to_string()));
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `blameless_hits` reads a value's kind from its schema path: the same
    /// kind as its full path gives, for every scalar of the example.
    #[test]
    fn a_fields_kind_does_not_depend_on_its_indices() {
        let text = include_str!("../../../../examples/checkout-outage/postmortem.yaml");
        let p = crate::syntax::parse(text);
        let root = p.root.as_ref().expect("a root");
        let mut n = 0;
        visit_scalars(root, &mut |path, spath, _| {
            assert_eq!(
                FieldKind::from_field(path),
                FieldKind::from_field(spath),
                "{path}"
            );
            n += 1;
        });
        assert!(n > 100, "{n} scalars");
    }

    #[test]
    fn prose_is_what_the_blameless_rules_read() {
        let p = crate::syntax::parse(
            "incident_ref:\n  id: INC-1\ninputs:\n  report: r.md\ntimeline:\n  - at: 2026-01-01T00:00:00Z\n    event: The deploy started\nwhat_went_wrong:\n  - The on-call engineer should have checked\n  - TODO\naction_items:\n  - id: A1\n    statement: Add a check\n    owner: Dana\n    due: 2026-02-01\n",
        );
        let root = p.root.as_ref().unwrap();
        let paths: Vec<String> = prose_values(root).into_iter().map(|r| r.path).collect();
        assert_eq!(
            paths,
            [
                "timeline[0].event",
                "what_went_wrong[0]",
                "action_items[0].statement"
            ]
        );
        let (s, spath) = scalar_at(root, "what_went_wrong[0]").unwrap();
        assert_eq!(s.value, "The on-call engineer should have checked");
        assert_eq!(spath, "what_went_wrong");
        assert!(scalar_at(root, "what_went_wrong[7]").is_none());
    }
}

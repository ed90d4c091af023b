//! Validation of a drafted section: every rule runs on the document as it
//! would be with the draft in place; errors located in the drafted section
//! (and every citation in it that does not resolve, whatever the rule
//! settings) reject it. Warnings, such as TODOs, are kept for the user.

use crate::analysis::Analysis;
use crate::citation::CiteKind;
use crate::diagnostic::Severity;
use crate::text::Span;

/// One problem found in a drafted section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: String,
    /// The field path, e.g. `root_cause.five_whys[2].why_3`.
    pub field: String,
    pub message: String,
    /// The text it points at (shortened).
    pub excerpt: String,
    /// 1-based line in the document.
    pub line: usize,
}

impl Problem {
    /// One line for people and for the repair request.
    pub fn describe(&self) -> String {
        let at = if self.field.is_empty() {
            format!("line {}", self.line)
        } else {
            format!("`{}` (line {})", self.field, self.line)
        };
        if self.excerpt.is_empty() {
            format!("{at}, {}: {}", self.code, self.message)
        } else {
            format!(
                "{at}, {} at «{}»: {}",
                self.code, self.excerpt, self.message
            )
        }
    }
}

/// What the rules say about a drafted section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

fn belongs(field: &str, section: &str) -> bool {
    field == section
        || field
            .strip_prefix(section)
            .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
}

fn excerpt(text: &str, span: &Span) -> String {
    let s = text.get(span.clone()).unwrap_or("").trim();
    let s = s.lines().next().unwrap_or("");
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Checks the section at `span` of the analysed text.
pub fn check_section(a: &Analysis, section: &str, span: &Span) -> Checked {
    let inside = |s: &Span| s.start >= span.start && s.start < span.end.max(span.start + 1);
    let mut out = Checked::default();
    let problem = |code: &str, field: &str, message: &str, at: &Span| Problem {
        code: code.to_string(),
        field: field.to_string(),
        message: message.to_string(),
        excerpt: excerpt(&a.text, at),
        line: a.lines.line_of(at.start.min(a.text.len())) + 1,
    };
    for d in &a.diagnostics {
        // Missing top-level sections are reported at the start of the document:
        // they are about other sections, not this one.
        let about_this = belongs(&d.field, section)
            || (inside(&d.span) && !(d.field.is_empty() && d.code == "PM002"));
        if !about_this {
            continue;
        }
        let p = problem(d.code, &d.field, &d.message, &d.span);
        match d.severity {
            Severity::Error => out.errors.push(p),
            Severity::Warning => out.warnings.push(p),
            Severity::Info | Severity::Hint => {}
        }
    }
    // Citations must resolve, even where PM402 is turned off or lowered.
    let inputs = a.inputs.as_deref().unwrap_or(&[]);
    for c in a.citations.iter().filter(|c| inside(&c.span)) {
        let why = match &c.kind {
            CiteKind::Unattributed => None,
            CiteKind::Malformed { input, reason } => {
                Some(format!("`{input}` citation can't be read: {reason}"))
            }
            CiteKind::Cite { input, locator } => match inputs.iter().find(|e| &e.name == input) {
                None => Some(format!("`{input}` is not one of the inputs")),
                Some(e) => match &e.file {
                    Err(_) => Some(format!("`{input}` ({}) can't be read", e.rel)),
                    Ok(f) => f.locate(*locator).err().map(|w| {
                        format!(
                            "`{input} {}` does not exist: {} {w}",
                            locator.describe(),
                            e.rel
                        )
                    }),
                },
            },
        };
        let Some(why) = why else { continue };
        let already = out
            .errors
            .iter()
            .any(|p| p.code == "PM402" && p.line == a.lines.line_of(c.span.start) + 1);
        if !already {
            out.errors.push(problem("PM402", &c.field, &why, &c.span));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options};
    use crate::config::Config;

    #[test]
    fn errors_inside_the_section_only() {
        let cfg = Config::parse_toml("[rules]\nPM402 = \"off\"\n", None);
        let t = "incident_ref: INC-1\ninputs:\n  report: nowhere.md\nwhat_went_well:\n  - \"a [report §1]\"\n  - \"b [source unstated, needs confirmation]\"\naction_items:\n  - id: AI-001\n";
        let a = analyze(t.to_string(), &Options::new(&cfg));
        let start = t.find("what_went_well").unwrap();
        let end = t.find("action_items").unwrap() - 1;
        let c = check_section(&a, "what_went_well", &(start..end));
        assert_eq!(c.errors.len(), 1, "{c:?}");
        assert_eq!(c.errors[0].code, "PM402");
        assert_eq!(c.errors[0].field, "what_went_well[0]");
        assert!(
            c.errors[0].describe().contains("«[report §1]»"),
            "{}",
            c.errors[0].describe()
        );
        let c = check_section(&a, "action_items", &(end + 1..t.len() - 1));
        assert!(c.errors.iter().any(|p| p.code == "PM201"), "{c:?}");
        assert!(
            c.errors.iter().all(|p| belongs(&p.field, "action_items")),
            "{c:?}"
        );
    }
}

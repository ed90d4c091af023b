//! Hovers: a field's documentation, an enum value's meaning, the cited text
//! behind a citation, an input file, a rule code, and the rule codes of the
//! diagnostics under the cursor.

use super::{cursor, docs, locate, Format};
use crate::analysis::{Analysis, CiteRef, InputEntry};
use crate::citation::CiteKind;
use crate::schema::{self, Kind};
use crate::slo::{self, Figure};
use crate::text::Span;

/// A hover: its text (markdown or plain) and the span it describes.
#[derive(Clone, Debug)]
pub struct Hover {
    pub text: String,
    pub span: Span,
}

/// The hover at byte `off`.
pub fn hover(a: &Analysis, off: usize, format: Format) -> Option<Hover> {
    let main = rule_in_comment(a, off, format)
        .or_else(|| {
            a.citations
                .iter()
                .find(|c| c.span.start <= off && off < c.span.end.max(c.span.start + 1))
                .map(|c| Hover {
                    text: citation(a, c, format),
                    span: c.span.clone(),
                })
        })
        .or_else(|| input_hover(a, off, format))
        .or_else(|| tree_hover(a, off, format))
        .or_else(|| text_hover(a, off, format));
    let diags = diagnostics_here(a, off, format);
    match (main, diags) {
        (Some(mut h), Some((d, _))) => {
            h.text.push_str("\n\n---\n\n");
            h.text.push_str(&d);
            Some(h)
        }
        (Some(h), None) => Some(h),
        (None, Some((d, span))) => Some(Hover { text: d, span }),
        (None, None) => None,
    }
}

/// `# postmortem-lsp: ignore PM201, missing-due`: the rule under the cursor.
fn rule_in_comment(a: &Analysis, off: usize, format: Format) -> Option<Hover> {
    let line = a.lines.line_of(off);
    let span = a.lines.line_span(&a.text, line);
    let t = &a.text[span.clone()];
    let at = t.find("postmortem-lsp:")?;
    if off < span.start + at || !t[..at].trim_end().ends_with('#') {
        return None;
    }
    let rel = off - span.start;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let start = t[..rel]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(rel, |(i, _)| i);
    let end = t[rel..]
        .find(|c: char| !is_word(c))
        .map_or(t.len(), |i| rel + i);
    let word = &t[start..end];
    let rule = crate::rules::find(word)?;
    Some(Hover {
        text: rule_text(rule.meta(), format),
        span: span.start + start..span.start + end,
    })
}

/// A rule's documentation with a link to docs/rules.md.
pub fn rule_text(m: &crate::rules::RuleMeta, format: Format) -> String {
    let url = crate::rules::rule_url(m.code);
    format!(
        "{} · {}\n\n{}\n\n{}",
        format.bold(&format!("{} {}", m.code, m.name)),
        m.default_severity.as_str(),
        m.doc_text(),
        format.link(&format!("{} {}", m.code, m.name), &url)
    )
}

fn diagnostics_here(a: &Analysis, off: usize, format: Format) -> Option<(String, Span)> {
    let here: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.span.start <= off && off <= d.span.end && d.span.end > d.span.start)
        .collect();
    if here.is_empty() {
        return None;
    }
    let d = docs(a);
    let mut s = format!(
        "{}{}",
        format.bold(d.ui("diagnostics_here")),
        d.ui("colon").trim_end()
    );
    for diag in &here {
        let Some(r) = crate::rules::find(diag.code) else {
            continue;
        };
        let m = r.meta();
        let url = crate::rules::rule_url(m.code);
        s.push_str(&format!(
            "\n- {} {} — {}",
            format.link(m.code, &url),
            m.name,
            m.summary()
        ));
    }
    let span = here[0].span.clone();
    Some((s, span))
}

fn line_range_text(d: &crate::docs::Docs, a: usize, b: usize) -> String {
    if a == b {
        d.fmt("cite_lines", &[("a", &a.to_string())])
    } else {
        d.fmt(
            "cite_line_range",
            &[("a", &a.to_string()), ("b", &b.to_string())],
        )
    }
}

/// The text a citation points at, trimmed, with the file and line span.
pub fn citation(a: &Analysis, c: &CiteRef, format: Format) -> String {
    let d = docs(a);
    match &c.kind {
        CiteKind::Unattributed => d.ui("cite_unattributed").to_string(),
        CiteKind::Malformed { reason, .. } => d.fmt("cite_malformed", &[("reason", reason)]),
        CiteKind::Cite { input, locator } => {
            let Some(e) = a.input(input) else {
                return d.fmt("cite_unknown_input", &[("name", input)]);
            };
            let Ok(f) = &e.file else {
                return d.fmt("cite_unreadable", &[("name", input), ("file", &e.rel)]);
            };
            match f.locate(*locator) {
                Err(why) => d.fmt("cite_unresolved", &[("why", &format!("{} {why}", e.rel))]),
                Ok(span) => {
                    let (l0, l1) = f.line_range(&span);
                    let where_ = format!(
                        "{} · {}",
                        locator.describe(),
                        line_range_text(d, l0 + 1, l1 + 1)
                    );
                    let title = d.fmt(
                        "cite_title",
                        &[("name", input), ("file", &e.rel), ("where", &where_)],
                    );
                    const MAX_LINES: usize = 12;
                    let body: Vec<String> = f.text[span.clone()]
                        .lines()
                        .take(MAX_LINES)
                        .map(|l| super::preview(l, 240))
                        .collect();
                    let total = l1 - l0 + 1;
                    let mut s = format!(
                        "{}\n\n{}",
                        format.bold(&title),
                        format.block("text", &body.join("\n"))
                    );
                    if total > MAX_LINES {
                        s.push_str(&format!(
                            "\n\n{}",
                            d.fmt("cite_truncated", &[("n", &(total - MAX_LINES).to_string())])
                        ));
                    }
                    s
                }
            }
        }
    }
}

/// Hover on an input's name or path under `inputs`.
fn input_hover(a: &Analysis, off: usize, format: Format) -> Option<Hover> {
    let e = a.inputs.as_ref()?.iter().find(|e| {
        (e.key_span.start <= off && off <= e.key_span.end)
            || (e.value_span.start <= off && off <= e.value_span.end)
    })?;
    let span = if e.key_span.start <= off && off <= e.key_span.end {
        e.key_span.clone()
    } else {
        e.value_span.clone()
    };
    Some(Hover {
        text: input_text(a, e, format),
        span,
    })
}

fn input_text(a: &Analysis, e: &InputEntry, format: Format) -> String {
    let d = docs(a);
    let title = d.fmt("input_title", &[("name", &e.name), ("file", &e.rel)]);
    let cited = a
        .citations
        .iter()
        .filter(|c| matches!(&c.kind, CiteKind::Cite { input, .. } | CiteKind::Malformed { input, .. } if *input == e.name))
        .count();
    let body = match &e.file {
        Ok(f) => {
            // The preview never shows a secret either.
            let shown = match f.last_secrets() {
                Some(s) if !s.is_empty() => crate::privacy::apply(&f.text, &s),
                _ => f.text.clone(),
            };
            let first = shown
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(5)
                .map(|l| super::preview(l, 160))
                .collect::<Vec<_>>()
                .join("\n");
            let secrets = f
                .last_secrets()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let list = crate::privacy::describe(&s)
                        .iter()
                        .map(|k| format!("- {k}"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    format!(
                        "\n\n{}\n{list}",
                        d.fmt("input_secrets", &[("n", &s.len().to_string())])
                    )
                })
                .unwrap_or_default();
            format!(
                "{}\n\n{}\n\n{}{secrets}",
                d.fmt(
                    "input_stats",
                    &[
                        ("paragraphs", &f.paragraphs.len().to_string()),
                        ("lines", &f.line_count().to_string()),
                        ("name", &e.name),
                    ]
                ),
                format.block("text", &first),
                d.fmt("input_cited", &[("n", &cited.to_string())])
            )
        }
        Err(err) => d.fmt("input_error", &[("why", &err.explain(&e.rel, a.locale))]),
    };
    format!("{}\n\n{body}", format.bold(&title))
}

/// Hover from the parse tree: a key, or a value.
fn tree_hover(a: &Analysis, off: usize, format: Format) -> Option<Hover> {
    let root = a.root()?;
    let h = locate(root, off);
    let pair = h.pair?;
    let kind = h.kind?;
    if h.on_key {
        return Some(Hover {
            text: field_hover(a, &h.spath, format),
            span: pair.key.span.clone(),
        });
    }
    let s = h.scalar?;
    if let Kind::Enum(values) = kind {
        let v = s.value.trim();
        if values.contains(&v) {
            if let Some(t) = crate::docs::enum_text(&h.spath, v, a.locale, format) {
                return Some(Hover {
                    text: t,
                    span: s.span.clone(),
                });
            }
        }
    }
    // a value of a known field: what goes here
    if matches!(kind, Kind::Dict(_)) {
        return None;
    }
    Some(Hover {
        text: field_hover(a, &h.spath, format),
        span: s.span.clone(),
    })
}

/// Hover from the raw text, for lines the parser could not read.
fn text_hover(a: &Analysis, off: usize, format: Format) -> Option<Hover> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let t = &a.text;
    let end = t[off..]
        .find(|c: char| !is_word(c))
        .map_or(t.len(), |i| off + i);
    let c = cursor::at(t, end);
    let cursor::Place::Key { word, .. } = &c.place else {
        return None;
    };
    let key = &t[word.clone()];
    if key.is_empty() || !t[end..].starts_with(':') {
        return None;
    }
    let (kind, spath) = cursor::container(&c.ancestors)?;
    let (_, path) = super::child(Some(kind), &spath, key);
    schema::lookup(&path)?;
    Some(Hover {
        text: field_hover(a, &path, format),
        span: word.clone(),
    })
}

/// A field's documentation, with the computed SLO figures where they apply.
pub fn field_hover(a: &Analysis, spath: &str, format: Format) -> String {
    let mut s =
        crate::docs::field_text(spath, a.locale, format).unwrap_or_else(|| format.bold(spath));
    if let Some(extra) = slo_text(a, spath, format) {
        s.push_str("\n\n---\n\n");
        s.push_str(&extra);
    }
    s
}

/// The SLO arithmetic for `slo_impact.*` fields.
fn slo_text(a: &Analysis, spath: &str, format: Format) -> Option<String> {
    let field = spath.strip_prefix("slo_impact.")?;
    let root = a.root()?;
    let d = docs(a);
    let f = slo::figures(root);
    let num = slo::format_number;
    match field {
        "error_budget_consumed_pct" | "slo" => {
            let mut lines = vec![format.bold(d.ui("slo_formula"))];
            match &f.slo {
                Some((s, _)) => {
                    lines.push(d.fmt(
                        "slo_budget",
                        &[
                            ("slo", &format!("{}%", s.target_pct)),
                            ("days", &num(s.window_days)),
                            ("budget", &num(s.budget_min())),
                        ],
                    ));
                    if let Some(pct) = f.budget.as_ref().and_then(|w| w.value) {
                        lines.push(d.fmt(
                            "slo_written_minutes",
                            &[
                                ("pct", &num(pct)),
                                ("minutes", &num(pct / 100.0 * s.budget_min())),
                            ],
                        ));
                    }
                    if let (Some((_, from, _, to)), Some(bound), Some(m)) =
                        (f.impact_window, f.bound_pct(), f.window_minutes())
                    {
                        lines.push(d.fmt(
                            "slo_window_bound",
                            &[
                                ("from", &slo::clock(from, from)),
                                ("to", &slo::clock(to, from)),
                                ("minutes", &num(m)),
                                ("pct", &num(bound)),
                            ],
                        ));
                    }
                    if !s.window_stated {
                        lines.push(d.ui("slo_no_slo").to_string());
                    }
                }
                None => lines.push(d.ui("slo_no_slo").to_string()),
            }
            Some(lines.join("\n\n"))
        }
        "mtta" | "mttr" | "alert_latency" => {
            let fig = match field {
                "mtta" => Figure::Mtta,
                "mttr" => Figure::Mttr,
                _ => Figure::AlertLatency,
            };
            let mut lines = Vec::new();
            match f.duration(fig) {
                Some(du) => lines.push(d.fmt(
                    "slo_computed",
                    &[
                        ("value", &slo::format_minutes(du.minutes)),
                        ("from_kind", du.from_kind),
                        ("from", &slo::clock(du.from, du.from)),
                        ("to_kind", du.to_kind),
                        ("to", &slo::clock(du.to, du.from)),
                    ],
                )),
                None => {
                    let (fk, tk) = match fig {
                        Figure::Mtta => ("detected", "acknowledged"),
                        Figure::Mttr => ("impact_start", "mitigated"),
                        Figure::AlertLatency => ("impact_start", "detected"),
                    };
                    lines.push(d.fmt("slo_no_timeline", &[("from_kind", fk), ("to_kind", tk)]));
                }
            }
            if fig == Figure::Mttr {
                let to = f.duration(fig).map_or("mitigated", |du| du.to_kind);
                lines.push(d.fmt("mttr_which", &[("to_kind", to)]));
            }
            Some(lines.join("\n\n"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Locale;
    use crate::ide::test_support::{at, example};

    #[test]
    fn field_and_enum_hovers_in_both_languages() {
        let (a, off) = at("action_items:\n  - id: AI-001\n    own|er: x\n", Locale::En);
        let h = hover(&a, off, Format::Markdown).expect("hover");
        assert!(h.text.contains("**action_items.owner**"), "{}", h.text);
        assert_eq!(&a.text[h.span.clone()], "owner");
        let (a, off) = at(
            "root_cause:\n  primary_cause_category: capac|ity\n",
            Locale::ZhTw,
        );
        let h = hover(&a, off, Format::Plain).expect("hover");
        assert!(
            h.text.contains("資源") && h.text.contains("`config`"),
            "{}",
            h.text
        );
        assert!(!h.text.contains("**"));
        let (a, off) = at("action_items:\n  - severity: P|0\n", Locale::En);
        let h = hover(&a, off, Format::Markdown).expect("hover");
        assert!(h.text.contains("20%"), "{}", h.text);
    }

    #[test]
    fn rule_codes_in_comments_and_diagnostics() {
        let (a, off) = at(
            "action_items:\n  - id: AI-001 # postmortem-lsp: ignore PM2|01\n",
            Locale::En,
        );
        let h = hover(&a, off, Format::Markdown).expect("hover");
        assert!(
            h.text.contains("PM201 missing-owner") && h.text.contains("#pm201-missing-owner"),
            "{}",
            h.text
        );
        let (a, off) = at(
            "root_cause:\n  primary_cause_category: configur|ation\n",
            Locale::En,
        );
        let h = hover(&a, off, Format::Markdown).expect("hover");
        assert!(
            h.text.contains("PM004") && h.text.contains("#pm004-invalid-enum"),
            "{}",
            h.text
        );
    }

    #[test]
    fn citations_show_the_cited_text() {
        let a = example(Locale::En);
        let off = a.text.find("[chat L13]").expect("cite") + 2;
        let h = hover(&a, off, Format::Markdown).expect("hover");
        assert!(
            h.text.contains("chat.log") && h.text.contains("line 13"),
            "{}",
            h.text
        );
        assert!(
            h.text.contains("FIRING CheckoutErrorRateHigh"),
            "{}",
            h.text
        );
        let off = a.text.find("report: report.md").expect("input") + 1;
        let h = hover(&a, off, Format::Plain).expect("hover");
        assert!(h.text.contains("Paragraphs: 40, lines: 79"), "{}", h.text);
    }

    #[test]
    fn slo_figures_state_the_formula() {
        let a = example(Locale::En);
        let off = a.text.find("error_budget_consumed_pct").expect("k") + 3;
        let h = hover(&a, off, Format::Markdown).expect("hover");
        assert!(
            h.text.contains("bad minutes / ((1 − SLO) × window)"),
            "{}",
            h.text
        );
        assert!(
            h.text.contains("43.2 bad minutes") && h.text.contains("is 38 bad minutes"),
            "{}",
            h.text
        );
        let off = a.text.find("  mttr:").expect("k") + 3;
        let h = hover(&a, off, Format::Markdown).expect("hover");
        assert!(
            h.text
                .contains("45m (impact_start 14:02 → mitigated 14:47)"),
            "{}",
            h.text
        );
    }

    #[test]
    fn hover_in_a_broken_section_reads_the_text() {
        let (a, off) = at(
            "action_items:\n  - id: AI-001\n    statement: \"unclosed\n    sever|ity: P1\n",
            Locale::En,
        );
        let h = hover(&a, off, Format::Plain);
        assert!(h.is_some_and(|h| h.text.contains("action_items.severity")));
    }
}

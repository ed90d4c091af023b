//! Every rule's documentation examples are executed, so `explain`, hover and
//! docs/rules.md never show an example the rule disagrees with (the idea of
//! Biome's `expect_diagnostic` blocks).
//!
//! The convention, in each rule's `declare_rule!` doc comment: a `**Examples**`
//! part with ```` ```yaml ```` blocks whose first line is a comment saying what
//! the rule does with the block:
//!
//! ```text
//! # fails: why the rule reports it        -> ≥1 diagnostic with the rule's code
//! # passes: what makes it right           -> no diagnostic with the rule's code
//! ```
//!
//! Every rule needs at least one of each, and every `yaml` block must be marked.
//! Blocks may be partial documents. Each is analyzed on its own, as if it were a
//! `postmortem.yaml` saved in `examples/checkout-outage/`, so a block that
//! declares `inputs:` (`report: report.md`, `chat: chat.log`, `metrics: metrics.md`,
//! `runbook: runbook.md`) gets that example incident's real files. Apart from
//! PM001's failing blocks, every block must be valid YAML (no PM001).

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::config::Config;
    use crate::diagnostic::Locale;
    use crate::rules::REGISTRY;
    use std::path::PathBuf;

    #[derive(Debug, PartialEq)]
    enum Expect {
        Fails,
        Passes,
    }

    #[derive(Debug)]
    struct Example {
        expect: Expect,
        yaml: String,
        /// 1-based line of the block's first line within the doc text (for messages).
        line: usize,
    }

    /// The marked `yaml` blocks of a rule's documentation, or why they don't qualify.
    fn examples(doc: &str) -> Result<Vec<Example>, String> {
        let mut out = Vec::new();
        let mut lines = doc.lines().enumerate();
        while let Some((i, line)) = lines.next() {
            let fence = line.trim();
            let Some(info) = fence.strip_prefix("```") else {
                continue;
            };
            let mut body = Vec::new();
            for (_, l) in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
                body.push(l);
            }
            if info.trim() != "yaml" {
                continue;
            }
            let first = body.first().map_or("", |l| l.trim());
            let expect = if first.starts_with("# fails") {
                Expect::Fails
            } else if first.starts_with("# passes") {
                Expect::Passes
            } else {
                return Err(format!(
                    "the yaml block at doc line {} does not start with `# fails` or `# passes`",
                    i + 1
                ));
            };
            let mut yaml = body.join("\n");
            yaml.push('\n');
            out.push(Example {
                expect,
                yaml,
                line: i + 2,
            });
        }
        for (want, what) in [(Expect::Fails, "# fails"), (Expect::Passes, "# passes")] {
            if !out.iter().any(|e| e.expect == want) {
                return Err(format!("no ```yaml block marked `{what}`"));
            }
        }
        if !doc.contains("**Examples**") {
            return Err("no `**Examples**` part".into());
        }
        Ok(out)
    }

    fn example_dir() -> PathBuf {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/checkout-outage"
        ))
    }

    /// The codes of the diagnostics the engine reports for one example.
    fn codes(yaml: &str, locale: Locale) -> Vec<(&'static str, String)> {
        let cfg = Config::default();
        let dir = example_dir();
        let path = dir.join("postmortem.yaml");
        let mut opts = Options::new(&cfg);
        opts.path = Some(&path);
        opts.root = Some(&dir);
        opts.locale = Some(locale);
        analyze(yaml.to_string(), &opts)
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.message))
            .collect()
    }

    #[test]
    fn every_rule_doc_has_failing_and_passing_examples_the_rule_agrees_with() {
        let mut problems = Vec::new();
        let mut checked = 0;
        for rule in REGISTRY {
            let m = rule.meta();
            let text = m.doc_text();
            let examples = match examples(&text) {
                Ok(e) => e,
                Err(e) => {
                    problems.push(format!("{}: {e}", m.code));
                    continue;
                }
            };
            for ex in examples {
                checked += 1;
                let found = codes(&ex.yaml, Locale::En);
                let hits = found.iter().filter(|(c, _)| *c == m.code).count();
                let where_ = format!("{} example at doc line {}", m.code, ex.line);
                // Rules find the same things whatever language the messages are in.
                let zh_hits = codes(&ex.yaml, Locale::ZhTw)
                    .iter()
                    .filter(|(c, _)| *c == m.code)
                    .count();
                if zh_hits != hits {
                    problems.push(format!(
                        "{where_}: {hits} diagnostic(s) in English but {zh_hits} in 繁體中文"
                    ));
                }
                match ex.expect {
                    Expect::Fails if hits == 0 => problems.push(format!(
                        "{where_} is marked `# fails` but {} reports nothing; the engine reported {:?}",
                        m.code, found
                    )),
                    Expect::Passes if hits > 0 => problems.push(format!(
                        "{where_} is marked `# passes` but {} reports: {:?}",
                        m.code,
                        found
                            .iter()
                            .filter(|(c, _)| *c == m.code)
                            .collect::<Vec<_>>()
                    )),
                    _ => {}
                }
                if m.code != "PM001" || ex.expect == Expect::Passes {
                    let syntax: Vec<_> = found.iter().filter(|(c, _)| *c == "PM001").collect();
                    if !syntax.is_empty() {
                        problems.push(format!("{where_} is not valid YAML: {syntax:?}"));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(checked >= 2 * REGISTRY.len(), "{checked} examples checked");
    }

    #[test]
    fn the_convention_rejects_docs_missing_either_kind() {
        let fails_only = "Summary.\n\n**Examples**\n\n```yaml\n# fails: x\na: 1\n```\n";
        let passes_only = "Summary.\n\n**Examples**\n\n```yaml\n# passes\na: 1\n```\n";
        let unmarked = "Summary.\n\n**Examples**\n\n```yaml\na: 1\n```\n";
        assert!(examples("Summary only.").is_err());
        assert!(examples(fails_only).unwrap_err().contains("# passes"));
        assert!(examples(passes_only).unwrap_err().contains("# fails"));
        assert!(examples(unmarked).unwrap_err().contains("does not start"));
        let both = format!("{fails_only}\n```yaml\n# passes: y\na: 2\n```\n");
        let got = examples(&both).expect("both kinds");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].expect, Expect::Fails);
        assert_eq!(got[1].yaml, "# passes: y\na: 2\n");
        // Other languages' blocks (```toml, ```text) are documentation, not examples.
        let with_toml = format!("{both}\n```toml\n[rules]\n```\n");
        assert_eq!(examples(&with_toml).expect("toml ignored").len(), 2);
    }

    #[test]
    fn a_failing_example_is_detected_by_the_check() {
        // The check itself must be able to fail: a document the rule reports.
        let found = codes(
            "action_items:\n  - id: AI-001\n    statement: x\n",
            Locale::En,
        );
        assert!(found.iter().any(|(c, _)| *c == "PM201"), "{found:?}");
    }
}

use super::{Context, Rule, RuleMeta};
use crate::citation::CiteKind;
use crate::diagnostic::{Diagnostic, Edit, Fix};

crate::declare_rule! {
    /// A citation does not resolve, or an input file can't be used.
    ///
    /// A citation names an input declared under `inputs` and a paragraph (`§N`, counted
    /// from 1, paragraphs separated by blank lines) or lines (`LN`) that exist in that
    /// file. This rule reports citations to unknown inputs, paragraphs or lines past the
    /// end of the file, and unreadable locators. On `inputs`, it reports files that are
    /// missing, not text, too large, or outside the workspace: absolute paths, paths with
    /// `..` and symbolic links that lead out are refused and never read.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: `chat` is not declared under `inputs`
    /// inputs:
    ///   report: report.md
    /// root_cause:
    ///   source: "[report §4] [chat L26]"
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// inputs:
    ///   report: report.md
    ///   chat: chat.log
    /// root_cause:
    ///   source: "[report §4] [chat L26]"
    /// ```
    pub struct UnresolvedSource { code: "PM402", name: "unresolved-source", severity: Error }
}

impl Rule for UnresolvedSource {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let code = self.meta().code;
        let sev = self.meta().default_severity;
        let inputs = cx.inputs.unwrap_or(&[]);
        for e in inputs {
            if let Err(err) = &e.file {
                out.push(Diagnostic::new(
                    code,
                    sev,
                    e.value_span.clone(),
                    format!("inputs.{}", e.name),
                    err.explain(&e.rel, cx.locale),
                ));
            }
        }
        if cx.inputs.is_none() {
            return; // PM408 asks for inputs; citations can't be checked
        }
        let names: Vec<&str> = inputs.iter().map(|e| e.name.as_str()).collect();
        for c in cx.citations {
            match &c.kind {
                CiteKind::Cite { input, locator } => {
                    let Some(entry) = inputs.iter().find(|e| &e.name == input) else {
                        let known = if names.is_empty() {
                            "-".to_string()
                        } else {
                            names.join(", ")
                        };
                        let mut d = Diagnostic::new(code, sev, c.name_span.clone(), c.field.clone(), crate::tr!(cx, "`{input}` is not one of the inputs ({known}). Cite a declared input, or add `{input}: FILE` under `inputs`.", "`{input}` 不在 inputs 中({known})。請引用已宣告的輸入,或在 `inputs` 下加上 `{input}: 檔案`。"));
                        if let Some(sug) = crate::query::did_you_mean(input, names.iter().copied())
                        {
                            d.fixes.push(Fix {
                                title: crate::docs::get(cx.locale)
                                    .fmt("fix_cite", &[("value", sug)]),
                                edits: vec![Edit {
                                    span: c.name_span.clone(),
                                    new_text: sug.to_string(),
                                }],
                                preferred: true,
                            });
                        }
                        out.push(d);
                        continue;
                    };
                    match &entry.file {
                        Ok(f) => {
                            if let Err(why) = f.locate(*locator) {
                                let loc = locator.describe();
                                let rel = &entry.rel;
                                out.push(Diagnostic::new(code, sev, c.span.clone(), c.field.clone(), crate::tr!(cx, "`{input} {loc}` is past the end: {rel} {why}. Point at the paragraph or line that supports this claim.", "`{input} {loc}` 超出範圍:{rel} {why}。請指向支持此說法的段落或行。", why = zh_why(&why, cx))));
                            }
                        }
                        Err(_) => {
                            let rel = &entry.rel;
                            out.push(Diagnostic::new(code, sev, c.span.clone(), c.field.clone(), crate::tr!(cx, "`{input}` ({rel}) can't be read, so this citation can't be checked; see the problem on `inputs.{input}`.", "無法讀取 `{input}`({rel}),因此無法核對此引用;請見 `inputs.{input}` 的問題。")));
                        }
                    }
                }
                CiteKind::Malformed { input, reason } => {
                    out.push(Diagnostic::new(
                        code,
                        sev,
                        c.span.clone(),
                        c.field.clone(),
                        crate::tr!(
                            cx,
                            "This citation of `{input}` can't be read: {reason}.",
                            "無法解讀此 `{input}` 引用:{reason}。"
                        ),
                    ));
                }
                CiteKind::Unattributed => {}
            }
        }
    }
}

fn zh_why(why: &str, cx: &Context) -> String {
    if cx.locale == crate::diagnostic::Locale::En {
        return why.to_string();
    }
    let n: String = why.chars().filter(char::is_ascii_digit).collect();
    if why.contains("paragraph") {
        format!("只有 {n} 段")
    } else {
        format!("只有 {n} 行")
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::config::Config;

    #[test]
    fn unknown_inputs_and_past_the_end() {
        let dir = std::env::temp_dir().join(format!("pm402-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("report.md"), "one\n\ntwo\n");
        let t = "inputs:\n  report: report.md\n  gone: missing.md\n  evil: ../../etc/passwd\nroot_cause:\n  source: \"[report §2] [report §3] [reprot §1] [report L9] [gone §1]\"\n";
        let cfg = Config::default();
        let path = dir.join("postmortem.yaml");
        let mut o = Options::new(&cfg);
        o.path = Some(&path);
        o.root = Some(&dir);
        let a = analyze(t.to_string(), &o);
        let d: Vec<_> = a.diagnostics.iter().filter(|d| d.code == "PM402").collect();
        let texts: Vec<&str> = d.iter().map(|d| &t[d.span.clone()]).collect();
        assert_eq!(
            texts,
            vec![
                "missing.md",
                "../../etc/passwd",
                "[report §3]",
                "reprot",
                "[report L9]",
                "[gone §1]"
            ]
        );
        assert_eq!(d[3].fixes[0].edits[0].new_text, "report");
        assert!(d[1].message.contains(".."));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

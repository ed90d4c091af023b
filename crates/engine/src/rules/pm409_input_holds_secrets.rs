use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// An input file holds secrets (keys, tokens, passwords, private keys); they
    /// are redacted before anything is sent for drafting.
    ///
    /// Incident channels often carry credentials pasted from a box. Before a
    /// draft request is built, every input is redacted: each secret becomes
    /// `[REDACTED:<kind>]` and every line and paragraph stays where it was, so
    /// citations still resolve. This note says which inputs hold secrets; the
    /// hover on the input lists their kinds and line numbers, never the values.
    ///
    /// ```text
    /// chat.log holds 3 secrets; they are redacted before drafting.
    /// ```
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: the shell log holds a password (a revoked placeholder in the example)
    /// inputs:
    ///   shell: shell.log
    /// ```
    ///
    /// ```yaml
    /// # passes: the chat log holds no secrets
    /// inputs:
    ///   chat: chat.log
    /// ```
    ///
    /// The formats come from gitleaks' rule set plus passwords in URLs and
    /// `password=` assignments; e-mail addresses, phone numbers, IP addresses
    /// and card numbers are redacted too when switched on in `[privacy]`.
    /// Rotate a secret that was pasted into a shared channel, and consider
    /// removing it from the input file.
    pub struct InputHoldsSecrets { code: "PM409", name: "input-holds-secrets", severity: Info }
}

impl Rule for InputHoldsSecrets {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let privacy = &cx.config.privacy;
        for e in cx.inputs.unwrap_or(&[]) {
            let Ok(f) = &e.file else { continue };
            let n = f.secrets(privacy).len();
            if n == 0 {
                continue;
            }
            let file = &e.rel;
            let msg = if n == 1 {
                crate::tr!(
                    cx,
                    "{file} holds 1 secret; it is redacted before drafting.",
                    "{file} 含 1 項機密;草擬前會先遮蔽。"
                )
            } else {
                crate::tr!(
                    cx,
                    "{file} holds {n} secrets; they are redacted before drafting.",
                    "{file} 含 {n} 項機密;草擬前會先遮蔽。"
                )
            };
            out.push(Diagnostic::new(
                self.meta().code,
                self.meta().default_severity,
                e.value_span.clone(),
                format!("inputs.{}", e.name),
                msg,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::config::Config;
    use crate::privacy::corpus::{issue_eight, Gen};

    #[test]
    fn one_note_per_input_holding_secrets_without_values() {
        let dir = std::env::temp_dir().join(format!("pm409-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let eight = issue_eight(&mut Gen::new(409));
        let chat: String = eight.iter().map(|p| format!("{}\n", p.text)).collect();
        std::fs::write(dir.join("chat.log"), &chat).unwrap();
        std::fs::write(dir.join("report.md"), "# Report\n\nNothing secret.\n").unwrap();
        let doc = "incident_ref: INC-1\ninputs:\n  chat: chat.log\n  report: report.md\n";
        let path = dir.join("postmortem.yaml");
        let config = Config::default();
        let mut o = Options::new(&config);
        o.path = Some(&path);
        o.root = Some(&dir);
        let a = analyze(doc.into(), &o);
        let notes: Vec<_> = a.diagnostics.iter().filter(|d| d.code == "PM409").collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(
            notes[0].message,
            "chat.log holds 8 secrets; they are redacted before drafting."
        );
        assert_eq!(&doc[notes[0].span.clone()], "chat.log");
        // The hover on the input lists kinds and lines, never values.
        let off = doc.find("chat.log").unwrap() + 2;
        let h = crate::ide::hover::hover(&a, off, crate::docs::Format::Markdown).unwrap();
        assert!(h.text.contains("Holds 8 secret(s)"), "{}", h.text);
        assert!(h.text.contains("- private-key (L8-L14)"), "{}", h.text);
        assert!(h.text.contains("- github-pat (L3)"), "{}", h.text);
        for p in &eight {
            for v in &p.values {
                assert!(!notes[0].message.contains(v.as_str()));
                assert!(!h.text.contains(v.as_str()), "the hover shows a value");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

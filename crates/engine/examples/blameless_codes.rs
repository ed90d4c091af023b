//! Prints the blameless rules' codes for each sentence on standard input, one
//! line out per line in: `field<TAB>sentence` in, `PM302,PM305` (or `-`) out.
//! The offline evaluation scripts use it to compare the checker with other
//! signals and with other labellers (`scripts/blameless-ngram-baseline.py`,
//! `scripts/blameless-agreement.py`).
//!
//! `cargo run -q -p postmortem-engine --example blameless_codes -- PEOPLE.txt < rows.tsv`
//! where `PEOPLE.txt` lists the people's names, one per line (`#` comments).
//! With `--entries` after it, each line also lists, after a tab, every finding
//! as `CODE explanation` separated by ` ;; ` (the explanation names the phrase
//! entry), to score entries one by one.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use postmortem_engine::rules::blameless::{check_text, FieldKind, People};

fn main() -> ExitCode {
    let Some(people_file) = std::env::args().nth(1) else {
        eprintln!("usage: blameless_codes PEOPLE.txt < field<TAB>sentence lines");
        return ExitCode::from(2);
    };
    let names = match std::fs::read_to_string(&people_file) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect::<Vec<_>>(),
        Err(e) => {
            eprintln!("could not read {people_file}: {e}");
            return ExitCode::from(2);
        }
    };
    let entries = std::env::args().nth(2).as_deref() == Some("--entries");
    let people = People::new(names, &[]);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("line {}: {e}", i + 1);
                return ExitCode::from(2);
            }
        };
        let Some((field, text)) = line.split_once('\t') else {
            eprintln!("line {}: expected field<TAB>sentence", i + 1);
            return ExitCode::from(2);
        };
        let findings = check_text(text, FieldKind::from_field(field), &people);
        let codes: BTreeSet<&str> = findings.iter().map(|f| f.rule).collect();
        let mut joined = if codes.is_empty() {
            "-".to_string()
        } else {
            codes.into_iter().collect::<Vec<_>>().join(",")
        };
        if entries {
            let list: Vec<String> = findings
                .iter()
                .map(|f| format!("{} {}", f.rule, f.explain.replace(['\t', '\n'], " ")))
                .collect();
            joined = format!("{joined}\t{}", list.join(" ;; "));
        }
        if writeln!(out, "{joined}").is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

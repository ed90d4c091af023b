//! The command line: `check`, `schema`, `explain`, `new`, `draft`, and
//! `serve` (the language server). A thin layer over the engine.

pub mod check;
mod draft;
pub mod explain;
mod new;
pub mod output;

use std::io::Write;

pub const USAGE: &str = "\
postmortem-lsp — checks blameless incident postmortems written in YAML

USAGE:
  postmortem-lsp [serve] [--stdio]        run the language server over stdio (the default)
  postmortem-lsp check [PATHS…]           check postmortems (files, or folders searched for them)
        --format text|json|sarif|github   output format (default: text)
        --deny warnings                   exit 1 on warnings too
        --root DIR                        workspace root that input files must stay inside
        --locale en|zh-TW                 language of the messages
  postmortem-lsp schema                   print the JSON Schema of a postmortem
  postmortem-lsp explain CODE|FIELD       explain a rule (PM201, missing-owner) or a field (action_items.owner)
        --all --markdown                  every rule, as docs/rules.md
        --locale en|zh-TW                 language of a field's documentation
  postmortem-lsp new [DIR]                write a postmortem skeleton (DIR/postmortem.yaml)
  postmortem-lsp draft FILE --section S   draft a section with Claude from the declared inputs (prints YAML)
        --all-missing | --review          every missing section | the `verify` review instead
        --write [--replace]               write into FILE after the checks pass (--replace: overwrite content)
  postmortem-lsp --version

Exit codes: 0 no errors; 1 errors found (or warnings with --deny warnings); 2 usage or I/O problem.
";

/// Runs the CLI; returns the process exit code.
pub fn main() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.first().map(String::as_str) {
        None | Some("--stdio") => ("serve", &args[..]),
        Some(c) => (c, &args[1..]),
    };
    match cmd {
        "serve" => crate::lsp::run_stdio(),
        "check" => check::run(rest),
        "schema" => {
            let s = postmortem_engine::schema_json::json_schema();
            let text = serde_json::to_string_pretty(&s).unwrap_or_default();
            let _ = writeln!(std::io::stdout(), "{text}");
            0
        }
        "explain" => explain::run(rest),
        "new" => new::run(rest),
        "draft" => draft::run(rest),
        "--version" | "-V" | "version" => {
            println!("postmortem-lsp {}", env!("CARGO_PKG_VERSION"));
            0
        }
        "--help" | "-h" | "help" => {
            print!("{USAGE}");
            0
        }
        other => {
            eprintln!("postmortem-lsp: unknown command `{other}`.\n\n{USAGE}");
            2
        }
    }
}

/// Writes a file so that a crash never leaves it half-written: a temporary
/// file in the same folder, flushed, then renamed over the target.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

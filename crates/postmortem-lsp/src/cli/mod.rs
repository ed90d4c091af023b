//! The command line: `check`, `schema`, `explain`, `new`, `draft`, `render`, `export`,
//! `completions` and `serve` (the language server), parsed by clap. A thin
//! layer over the engine.

pub mod check;
mod draft;
pub mod explain;
pub mod export;
mod new;
pub mod output;
mod render;

use std::io::Write;

use clap::{CommandFactory, Parser, Subcommand};

/// Checks blameless incident postmortems written in YAML: a language server
/// for editors, and the same checks on the command line for CI.
#[derive(Parser, Debug)]
#[command(
    name = "postmortem-lsp",
    version,
    after_help = "Exit codes: 0 no errors; 1 errors found (or warnings with --deny warnings); 2 usage or I/O problem.\nRules: postmortem-lsp explain --all --markdown, or docs/rules.md."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Serve LSP over stdio (what editors start; the same as `serve`).
    #[arg(long, hide = true)]
    stdio: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the language server over stdio (the default with no command).
    Serve {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Check postmortems (files, or folders searched for them).
    Check(check::Args),
    /// Print the JSON Schema of a postmortem (for yaml-language-server).
    Schema,
    /// Explain a rule (PM201, missing-owner) or a field (action_items.owner).
    Explain(explain::Args),
    /// Write a postmortem skeleton (DIR/postmortem.yaml).
    New(new::Args),
    /// Draft a section with Claude from the declared inputs (prints YAML).
    Draft(draft::Args),
    /// The postmortem as a document for its readers: one self-contained HTML file or GitHub Markdown.
    Render(render::Args),
    /// Print the postmortem's data as JSON (keys in document order, YAML 1.2 core schema).
    Export(export::Args),
    /// Print a shell completion script: `postmortem-lsp completions bash > …`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// Runs the CLI; returns the process exit code.
pub fn main() -> i32 {
    run(std::env::args_os())
}

/// Runs the CLI on these arguments (the first is the program name).
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            // --help and --version print to stdout and succeed; mistakes print
            // what was wrong (with "did you mean" and a usage line) and exit 2.
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        None | Some(Command::Serve { .. }) => crate::lsp::run_stdio(),
        Some(Command::Check(a)) => check::run(a),
        Some(Command::Schema) => {
            let s = postmortem_engine::schema_json::json_schema();
            let text = serde_json::to_string_pretty(&s).unwrap_or_default();
            let _ = writeln!(std::io::stdout(), "{text}");
            0
        }
        Some(Command::Explain(a)) => explain::run(a),
        Some(Command::New(a)) => new::run(a),
        Some(Command::Draft(a)) => draft::run(a),
        Some(Command::Render(a)) => render::run(a),
        Some(Command::Export(a)) => export::run(a),
        Some(Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "postmortem-lsp", &mut std::io::stdout());
            0
        }
    }
}

/// `--locale`: en or zh-TW (zh, zh-Hant and zh_TW are read as zh-TW).
fn parse_locale(s: &str) -> Result<crate::diagnostic::Locale, String> {
    let l = s.to_ascii_lowercase().replace('_', "-");
    if l == "en" || l.starts_with("en-") || l.starts_with("zh") {
        Ok(crate::diagnostic::Locale::from_tag(s))
    } else {
        Err(format!(
            "`{s}` is not a language postmortem-lsp speaks; use en or zh-TW"
        ))
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

//! `postmortem-lsp new [DIR]`: a skeleton that already passes the schema,
//! with TODO(…) where the facts go.

pub const SKELETON: &str = include_str!("skeleton.yaml");

/// `postmortem-lsp new [DIR]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The incident's folder (created if needed).
    #[arg(default_value = ".")]
    dir: std::path::PathBuf,
}

pub fn run(a: Args) -> i32 {
    let dir = a.dir;
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("postmortem-lsp new: can't create {}: {e}", dir.display());
        return 2;
    }
    let path = dir.join("postmortem.yaml");
    if path.exists() {
        eprintln!(
            "postmortem-lsp new: {} already exists; nothing was written.",
            path.display()
        );
        return 2;
    }
    if let Err(e) = crate::cli::write_atomically(&path, SKELETON) {
        eprintln!("postmortem-lsp new: can't write {}: {e}", path.display());
        return 2;
    }
    println!("Wrote {}. Put the incident report, chat log and metrics next to it, list them under `inputs`, and replace each TODO(…).", path.display());
    0
}

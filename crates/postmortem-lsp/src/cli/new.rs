//! `postmortem-lsp new [DIR]`: a skeleton that already passes the schema,
//! with TODO(…) where the facts go.

pub const SKELETON: &str = include_str!("skeleton.yaml");

pub fn run(args: &[String]) -> i32 {
    let dir = std::path::PathBuf::from(
        args.iter()
            .find(|a| !a.starts_with('-'))
            .map_or(".", String::as_str),
    );
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

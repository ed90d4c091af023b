//! `postmortem-lsp check`.

use super::output::{self, FileReport, Format};
use crate::analysis::{analyze, Cache, Options};
use crate::config::Config;
use crate::diagnostic::Locale;
use std::path::{Path, PathBuf};

/// `postmortem-lsp check [PATHS…]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Postmortem files, or folders searched for postmortem.yaml and *.postmortem.yaml.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    format: Format,
    /// `--deny warnings`: exit 1 on warnings too.
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    deny: Option<String>,
    /// The workspace root that input files must stay inside (default: discovered).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Language of the messages: en or zh-TW.
    #[arg(long, value_parser = super::parse_locale)]
    locale: Option<Locale>,
}

/// Postmortems under `dir` (skipping hidden folders, target and node_modules).
pub fn find_postmortems(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() {
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            find_postmortems(&p, out)?;
        } else if ft.is_file() && (name.ends_with(".yaml") || name.ends_with(".yml")) {
            let by_name = crate::detect::is_postmortem(&p, None);
            if by_name
                || std::fs::read_to_string(&p).is_ok_and(|t| crate::detect::has_incident_ref(&t))
            {
                out.push(p);
            }
        }
    }
    Ok(())
}

pub fn run(a: Args) -> i32 {
    let mut files = Vec::new();
    for p in &a.paths {
        if p.is_dir() {
            if let Err(e) = find_postmortems(p, &mut files) {
                eprintln!(
                    "postmortem-lsp check: can't read folder {}: {e}",
                    p.display()
                );
                return 2;
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            eprintln!("postmortem-lsp check: {} does not exist.", p.display());
            return 2;
        }
    }
    if files.is_empty() {
        eprintln!("postmortem-lsp check: no postmortems found in {}. Name them postmortem.yaml or *.postmortem.yaml, or give a file path.", a.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
        return 2;
    }
    let reports = check_files(&files, a.root.as_deref(), a.locale);
    let mut io_failed = false;
    for r in &reports {
        if let Some(e) = &r.io_error {
            eprintln!("postmortem-lsp check: can't read {}: {e}", r.path.display());
            io_failed = true;
        }
        for p in &r.config_problems {
            eprintln!("postmortem-lsp: {p}");
        }
    }
    let summary = output::Summary::of(&reports);
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = output::write(&mut stdout, a.format, &reports, &summary) {
        eprintln!("postmortem-lsp check: can't write output: {e}");
        return 2;
    }
    if io_failed {
        2
    } else if summary.errors > 0 || (a.deny.is_some() && summary.warnings > 0) {
        1
    } else {
        0
    }
}

/// Checks files on all cores, keeping their order.
pub fn check_files(
    files: &[PathBuf],
    root: Option<&Path>,
    locale: Option<Locale>,
) -> Vec<FileReport> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    // One cache for the run: postmortems of one incident share their inputs' people.
    let cache = Cache::new();
    let mut slots: Vec<Option<FileReport>> = (0..files.len()).map(|_| None).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(f) = files.get(i) else { break };
                let r = check_one(f, root, locale, &cache);
                if let Ok(mut v) = results.lock() {
                    v.push((i, r));
                }
            });
        }
    });
    for (i, r) in results.into_inner().unwrap_or_default() {
        slots[i] = Some(r);
    }
    slots.into_iter().flatten().collect()
}

fn check_one(
    path: &Path,
    root: Option<&Path>,
    locale: Option<Locale>,
    cache: &Cache,
) -> FileReport {
    // Reading a FIFO or a device would block or never end.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return FileReport::io_error(
            path,
            "it is not a regular file (a pipe or device); give the path of a postmortem file"
                .into(),
        );
    }
    let text = match std::fs::read(path) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => {
                return FileReport::io_error(
                    path,
                    "the file is not UTF-8 text; save it as UTF-8".into(),
                )
            }
        },
        Err(e) => return FileReport::io_error(path, e.to_string()),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let config = Config::discover(dir);
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root_abs = root.map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf()));
    let mut opts = Options::new(&config);
    opts.path = Some(&abs);
    opts.root = root_abs.as_deref();
    opts.locale = locale;
    opts.cache = Some(cache);
    let a = analyze(text, &opts);
    FileReport::new(path, a, config.problems.clone())
}

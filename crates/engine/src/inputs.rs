//! Input files (incident report, chat log, metrics, runbook log): resolved
//! strictly inside the workspace, bounded in size, split into the paragraphs
//! and lines that citations point at.

use crate::citation::Locator;
use crate::text::{LineIndex, Span};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Default `[inputs] max_bytes`.
pub use crate::config::DEFAULT_MAX_BYTES;

/// A loaded input file.
#[derive(Debug)]
pub struct InputFile {
    pub path: PathBuf,
    pub text: String,
    pub lines: LineIndex,
    /// Byte spans of paragraphs (blocks separated by blank lines), in order.
    pub paragraphs: Vec<Span>,
    /// Modification time when read, to notice changes.
    pub modified: Option<std::time::SystemTime>,
    /// A hash of `text`, taken once when read (analyses key caches on it
    /// instead of hashing the whole file on every keystroke).
    pub digest: u64,
    /// What [`InputFile::secrets`] found, for the `[privacy]` settings it ran with.
    secrets: std::sync::Mutex<Option<SecretScan>>,
}

type SecretScan = (
    crate::privacy::PrivacyConfig,
    Arc<Vec<crate::privacy::Finding>>,
);

impl InputFile {
    pub fn from_text(path: PathBuf, text: String) -> Self {
        let lines = LineIndex::new(&text);
        let paragraphs = paragraphs(&text, &lines);
        let digest = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            h.finish()
        };
        InputFile {
            path,
            text,
            lines,
            paragraphs,
            modified: None,
            digest,
            secrets: std::sync::Mutex::new(None),
        }
    }

    /// What the last [`InputFile::secrets`] found (with the settings of the
    /// analysis that ran it), for the hover.
    pub fn last_secrets(&self) -> Option<Arc<Vec<crate::privacy::Finding>>> {
        self.secrets
            .lock()
            .ok()
            .and_then(|g| g.as_ref().map(|(_, f)| f.clone()))
    }

    /// The secrets (and personal data, as configured) this file holds:
    /// kinds and spans, never kept as values. Scanned once per file and
    /// settings (the file is cached while it does not change).
    pub fn secrets(
        &self,
        config: &crate::privacy::PrivacyConfig,
    ) -> Arc<Vec<crate::privacy::Finding>> {
        if let Ok(g) = self.secrets.lock() {
            if let Some((c, f)) = g.as_ref() {
                if c == config {
                    return f.clone();
                }
            }
        }
        let (r, _) = crate::privacy::Redactor::new(config);
        let name = self.path.to_string_lossy();
        let found = Arc::new(r.scan(&self.text, &name));
        if let Ok(mut g) = self.secrets.lock() {
            *g = Some((config.clone(), found.clone()));
        }
        found
    }

    /// Number of lines, not counting an empty last line after a final newline.
    pub fn line_count(&self) -> usize {
        let n = self.lines.line_count();
        if n > 0 && self.lines.line_start(n - 1) == self.text.len() {
            n - 1
        } else {
            n
        }
    }

    /// The byte span a locator points at, or why it doesn't resolve.
    pub fn locate(&self, loc: Locator) -> Result<Span, String> {
        match loc {
            Locator::Para(a, b) => {
                let n = self.paragraphs.len();
                if b as usize > n {
                    return Err(format!(
                        "has {n} paragraph{}",
                        if n == 1 { "" } else { "s" }
                    ));
                }
                Ok(self.paragraphs[a as usize - 1].start..self.paragraphs[b as usize - 1].end)
            }
            Locator::Lines(a, b) => {
                let n = self.line_count();
                if b as usize > n {
                    return Err(format!("has {n} line{}", if n == 1 { "" } else { "s" }));
                }
                let s = self.lines.line_start(a as usize - 1);
                let e = self.lines.line_span(&self.text, b as usize - 1).end;
                Ok(s..e)
            }
        }
    }

    /// 0-based (first line, last line) of a span, for go-to-definition.
    pub fn line_range(&self, span: &Span) -> (usize, usize) {
        (
            self.lines.line_of(span.start),
            self.lines
                .line_of(span.end.saturating_sub(1).max(span.start)),
        )
    }
}

fn paragraphs(text: &str, li: &LineIndex) -> Vec<Span> {
    let mut out = Vec::new();
    let mut cur: Option<Span> = None;
    for line in 0..li.line_count() {
        let span = li.line_span(text, line);
        if text[span.clone()].trim().is_empty() {
            if let Some(c) = cur.take() {
                out.push(c);
            }
        } else {
            cur = Some(match cur {
                Some(c) => c.start..span.end,
                None => span,
            });
        }
    }
    out.extend(cur);
    out
}

/// Why an input can't be used. Nothing outside the workspace is ever read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    Absolute,
    ParentDir,
    Missing,
    OutsideWorkspace,
    NotAFile,
    TooLarge {
        size: u64,
        max: u64,
    },
    NotUtf8,
    Binary,
    /// Symbolic links that lead back to each other.
    LinkLoop,
    Unreadable(String),
    /// The document has no path (an unsaved buffer), so relative paths can't resolve.
    NoBase,
}

impl InputError {
    /// What went wrong and what to do, in the user's language.
    pub fn explain(&self, rel: &str, locale: crate::diagnostic::Locale) -> String {
        use crate::diagnostic::Locale::*;
        match (self, locale) {
            (InputError::Absolute, En) => format!("`{rel}` is an absolute path; input paths are relative to the postmortem and stay inside the workspace. Copy the file next to the postmortem and cite it by a relative path."),
            (InputError::Absolute, ZhTw) => format!("`{rel}` 是絕對路徑;輸入檔須以相對於 postmortem 的路徑指定,且位於工作區內。請把檔案放到 postmortem 旁,改用相對路徑。"),
            (InputError::ParentDir, En) => format!("`{rel}` uses `..`; input paths must stay inside the workspace. Move the file under the workspace and use a path without `..`."),
            (InputError::ParentDir, ZhTw) => format!("`{rel}` 含 `..`;輸入檔路徑必須留在工作區內。請把檔案移進工作區,並使用不含 `..` 的路徑。"),
            (InputError::Missing, En) => format!("`{rel}` was not found next to the postmortem. Check the file name, or add the file."),
            (InputError::Missing, ZhTw) => format!("在 postmortem 旁找不到 `{rel}`。請確認檔名,或補上該檔案。"),
            (InputError::OutsideWorkspace, En) => format!("`{rel}` leads outside the workspace (through a symbolic link), so it is not read. Copy the file into the workspace."),
            (InputError::OutsideWorkspace, ZhTw) => format!("`{rel}` 透過符號連結指向工作區外,因此不會讀取。請把檔案複製到工作區內。"),
            (InputError::NotAFile, En) => format!("`{rel}` is not a regular file (a folder, pipe or device). Point this input at a text file."),
            (InputError::NotAFile, ZhTw) => format!("`{rel}` 不是一般檔案(資料夾、管線或裝置)。請指向一個文字檔。"),
            (InputError::TooLarge { size, max }, En) => format!("`{rel}` is {} KiB, over the {} KiB limit. Trim it to the relevant part, or raise `[inputs] max_bytes` in .postmortem-lsp.toml.", size / 1024, max / 1024),
            (InputError::TooLarge { size, max }, ZhTw) => format!("`{rel}` 大小 {} KiB,超過 {} KiB 上限。請擷取相關部分,或在 .postmortem-lsp.toml 調高 `[inputs] max_bytes`。", size / 1024, max / 1024),
            (InputError::NotUtf8, En) => format!("`{rel}` is not UTF-8 text. Save it as UTF-8."),
            (InputError::NotUtf8, ZhTw) => format!("`{rel}` 不是 UTF-8 文字。請以 UTF-8 儲存。"),
            (InputError::Binary, En) => format!("`{rel}` looks like a binary file. Inputs are text: export a text summary and cite that."),
            (InputError::Binary, ZhTw) => format!("`{rel}` 看起來是二進位檔。輸入檔須為文字:請匯出文字摘要後引用。"),
            (InputError::LinkLoop, En) => format!("`{rel}` is a symbolic link loop (links that lead back to each other), so it can't be read. Point this input at the file itself."),
            (InputError::LinkLoop, ZhTw) => format!("`{rel}` 是循環的符號連結(彼此互指),無法讀取。請改為指向檔案本身。"),
            (InputError::Unreadable(e), En) => format!("`{rel}` can't be read ({e}). Check its permissions."),
            (InputError::Unreadable(e), ZhTw) => format!("無法讀取 `{rel}`({e})。請檢查權限。"),
            (InputError::NoBase, En) => format!("`{rel}` can't be resolved until the postmortem is saved to a file."),
            (InputError::NoBase, ZhTw) => format!("postmortem 尚未存檔,無法解析 `{rel}`。"),
        }
    }
}

/// Resolve `rel` against the postmortem's folder, refusing anything that
/// could lead outside `root`. Touches the file system only for paths that are
/// lexically inside the workspace.
pub fn resolve(doc_dir: &Path, root: &Path, rel: &str) -> Result<PathBuf, InputError> {
    let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let dir_abs = std::fs::canonicalize(doc_dir).unwrap_or_else(|_| doc_dir.to_path_buf());
    resolve_canonical(&dir_abs, &root_abs, rel)
}

/// [`resolve`] with the postmortem's folder and the workspace root already
/// canonical (an analysis resolves them once for all its inputs).
pub fn resolve_canonical(
    dir_abs: &Path,
    root_abs: &Path,
    rel: &str,
) -> Result<PathBuf, InputError> {
    let p = Path::new(rel);
    if p.is_absolute()
        || rel.starts_with('/')
        || rel.starts_with('\\')
        || rel.get(1..3) == Some(":\\")
        || rel.starts_with('~')
    {
        return Err(InputError::Absolute);
    }
    if p.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::Prefix(_) | Component::RootDir
        )
    }) {
        return Err(InputError::ParentDir);
    }
    let joined = dir_abs.join(p);
    // Lexically inside the workspace?
    let root_abs = root_abs.to_path_buf();
    if !dir_abs.starts_with(&root_abs) {
        return Err(InputError::OutsideWorkspace);
    }
    match std::fs::canonicalize(&joined) {
        Ok(real) if real.starts_with(&root_abs) => Ok(real),
        Ok(_) => Err(InputError::OutsideWorkspace),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink is "outside" as far as we can tell; a plain missing file is missing.
            if std::fs::symlink_metadata(&joined).is_ok() {
                Err(InputError::OutsideWorkspace)
            } else {
                Err(InputError::Missing)
            }
        }
        Err(e) if is_link_loop(&e) => Err(InputError::LinkLoop),
        Err(e) => Err(InputError::Unreadable(e.kind().to_string())),
    }
}

/// ELOOP: too many levels of symbolic links.
fn is_link_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        // ELOOP is 40 on Linux, 62 on macOS and the BSDs.
        let eloop = if cfg!(any(target_os = "linux", target_os = "android")) {
            40
        } else {
            62
        };
        e.raw_os_error() == Some(eloop)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Read a resolved input, bounded by `max_bytes`.
pub fn load(path: &Path, max_bytes: u64) -> Result<InputFile, InputError> {
    let meta = std::fs::metadata(path).map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    if !meta.is_file() {
        return Err(InputError::NotAFile);
    }
    if meta.len() > max_bytes {
        return Err(InputError::TooLarge {
            size: meta.len(),
            max: max_bytes,
        });
    }
    let f = std::fs::File::open(path).map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    if bytes.len() as u64 > max_bytes {
        return Err(InputError::TooLarge {
            size: bytes.len() as u64,
            max: max_bytes,
        });
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(InputError::Binary);
    }
    let text = String::from_utf8(bytes).map_err(|_| InputError::NotUtf8)?;
    let mut file = InputFile::from_text(path.to_path_buf(), text);
    file.modified = meta.modified().ok();
    Ok(file)
}

/// Where the engine gets input files from (disk for the CLI, a cache in the server).
pub trait InputSource: Sync {
    fn get(&self, path: &Path, max_bytes: u64) -> Result<Arc<InputFile>, InputError>;
}

/// Reads from disk every time.
pub struct DiskInputs;

impl InputSource for DiskInputs {
    fn get(&self, path: &Path, max_bytes: u64) -> Result<Arc<InputFile>, InputError> {
        load(path, max_bytes).map(Arc::new)
    }
}

/// The workspace root for a postmortem when no editor says otherwise: the
/// nearest ancestor holding `.git` or `.postmortem-lsp.toml`, else its folder.
pub fn discover_root(doc_dir: &Path) -> PathBuf {
    let mut cur = Some(doc_dir);
    while let Some(d) = cur {
        if d.join(".git").exists() || d.join(crate::config::CONFIG_FILE).exists() {
            return d.to_path_buf();
        }
        cur = d.parent();
    }
    doc_dir.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_lines() {
        let f = InputFile::from_text(
            "r.md".into(),
            "# Title\n\nfirst para\nstill first\n\n\nsecond\n".into(),
        );
        assert_eq!(f.paragraphs.len(), 3);
        assert_eq!(
            &f.text[f.locate(Locator::Para(2, 2)).expect("p2")],
            "first para\nstill first"
        );
        assert_eq!(f.line_count(), 7);
        assert_eq!(
            &f.text[f.locate(Locator::Lines(3, 4)).expect("l3")],
            "first para\nstill first"
        );
        assert!(f.locate(Locator::Para(4, 4)).is_err());
        assert!(f.locate(Locator::Lines(8, 8)).is_err());
    }

    #[test]
    fn refuses_paths_that_leave_the_workspace() {
        let dir = std::env::temp_dir().join(format!("pm-inputs-{}", std::process::id()));
        let ws = dir.join("ws");
        let _ = std::fs::create_dir_all(&ws);
        let _ = std::fs::write(dir.join("secret.txt"), "secret");
        let _ = std::fs::write(ws.join("ok.md"), "fine");
        assert_eq!(
            resolve(&ws, &ws, "../secret.txt"),
            Err(InputError::ParentDir)
        );
        assert_eq!(resolve(&ws, &ws, "/etc/passwd"), Err(InputError::Absolute));
        assert_eq!(resolve(&ws, &ws, "nope.md"), Err(InputError::Missing));
        assert!(resolve(&ws, &ws, "ok.md").is_ok());
        #[cfg(unix)]
        {
            let _ = std::os::unix::fs::symlink(dir.join("secret.txt"), ws.join("link.md"));
            assert_eq!(
                resolve(&ws, &ws, "link.md"),
                Err(InputError::OutsideWorkspace)
            );
            let _ = std::fs::create_dir_all(ws.join("sub"));
            assert!(matches!(
                load(&ws.join("sub"), 100),
                Err(InputError::NotAFile)
            ));
        }
        let _ = std::fs::write(ws.join("big.md"), "x".repeat(200));
        assert!(matches!(
            load(&ws.join("big.md"), 100),
            Err(InputError::TooLarge { .. })
        ));
        let _ = std::fs::write(ws.join("bin.md"), [0u8, 1, 2]);
        assert_eq!(
            load(&ws.join("bin.md"), 100).err(),
            Some(InputError::Binary)
        );
        let _ = std::fs::write(ws.join("latin1.md"), [0xe9u8, b'a']);
        assert_eq!(
            load(&ws.join("latin1.md"), 100).err(),
            Some(InputError::NotUtf8)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A declared input (`inputs.report: report.md`).
#[derive(Debug)]
pub struct InputEntry {
    pub name: String,
    pub key_span: Span,
    pub rel: String,
    pub value_span: Span,
    pub file: Result<Arc<InputFile>, InputError>,
}

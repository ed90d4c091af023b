//! Open documents (ropes with incremental edits), cached configuration and
//! cached input files.

use crate::analysis::Analysis;
use crate::config::Config;
use crate::inputs::{self, InputError, InputFile, InputSource};
use crate::text::Encoding;
use ropey::Rope;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub path: Option<PathBuf>,
    pub is_postmortem: bool,
    /// The latest analysis (of generation `*analyzed.borrow()`; while a worker
    /// runs, the rope may be newer).
    pub analysis: Arc<Analysis>,
    /// Bumped (from one counter for all documents) by every change that needs
    /// a new analysis: an edit, new settings, a changed input file.
    pub generation: u64,
    /// The generation this document was opened at: a worker's result from an
    /// earlier document with the same URI is never stored in this one.
    pub opened: u64,
    /// The generation `analysis` was computed from; requests about this
    /// document wait on it until it reaches `generation`.
    pub analyzed: tokio::sync::watch::Sender<u64>,
    /// An analysis worker is running for this document.
    pub worker: bool,
}

/// LSP position → rope char index (clamped to the document).
pub fn char_index(rope: &Rope, line: u32, col: u32, enc: Encoding) -> usize {
    let line = line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut units = 0usize;
    for (i, c) in slice.chars().enumerate() {
        if c == '\n' || c == '\r' {
            return start + i;
        }
        let w = match enc {
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Char => 1,
        };
        if units + w > col as usize {
            return start + i;
        }
        units += w;
    }
    start + slice.len_chars()
}

/// Input files, re-read when their size or modification time changes.
/// (modification time, size, contents) of a cached input.
type Stamped = (Option<SystemTime>, u64, Arc<InputFile>);

#[derive(Default)]
pub struct InputCache {
    files: Mutex<HashMap<PathBuf, Stamped>>,
}

impl InputCache {
    pub fn forget(&self, path: &Path) {
        if let Ok(mut f) = self.files.lock() {
            f.remove(path);
        }
    }
    pub fn clear(&self) {
        if let Ok(mut f) = self.files.lock() {
            f.clear();
        }
    }
}

impl InputSource for InputCache {
    fn get(&self, path: &Path, max_bytes: u64) -> Result<Arc<InputFile>, InputError> {
        let meta =
            std::fs::metadata(path).map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
        let stamp = (meta.modified().ok(), meta.len());
        if let Ok(files) = self.files.lock() {
            if let Some((m, l, f)) = files.get(path) {
                if (*m, *l) == stamp && *l <= max_bytes {
                    return Ok(f.clone());
                }
            }
        }
        let f = Arc::new(inputs::load(path, max_bytes)?);
        if let Ok(mut files) = self.files.lock() {
            if files.len() > 512 {
                files.clear();
            }
            files.insert(path.to_path_buf(), (stamp.0, stamp.1, f.clone()));
        }
        Ok(f)
    }
}

/// `.postmortem-lsp.toml` per folder, read once until it changes.
#[derive(Default)]
pub struct ConfigCache {
    by_dir: HashMap<PathBuf, Config>,
}

impl ConfigCache {
    pub fn get(&mut self, dir: &Path) -> Config {
        self.by_dir
            .entry(dir.to_path_buf())
            .or_insert_with(|| Config::discover(dir))
            .clone()
    }
    pub fn clear(&mut self) {
        self.by_dir.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_counts_utf16_and_clamps() {
        let r = Rope::from_str("a: 值🚀x\r\nb\n");
        assert_eq!(char_index(&r, 0, 6, Encoding::Utf16), 5); // after 🚀 (2 units)
        assert_eq!(char_index(&r, 0, 5, Encoding::Utf16), 4); // inside the pair → 🚀
        assert_eq!(char_index(&r, 0, 99, Encoding::Utf16), 6); // before \r\n
        assert_eq!(char_index(&r, 9, 0, Encoding::Utf16), r.len_chars());
        assert_eq!(char_index(&r, 0, 10, Encoding::Utf8), 5);
    }

    #[test]
    fn ropey_does_not_break_lines_at_u2028() {
        // ropey's default features would; LSP does not (see facts.md).
        let r = Rope::from_str("a\u{2028}b\nc");
        assert_eq!(r.len_lines(), 2);
    }
}

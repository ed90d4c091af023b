//! The prompt texts: `prompts/` embedded at build time, each file overridable
//! by one of the same name under `[claude] prompts_dir`.

use std::path::{Path, PathBuf};

/// Longest prompt file read from `prompts_dir`.
const MAX_PROMPT_BYTES: u64 = 256 * 1024;

const SYSTEM: &str = include_str!("../prompts/system.md");
const REVIEW: &str = include_str!("../prompts/review.md");
const WORDING: &str = include_str!("../prompts/blameless_review.md");

const SECTIONS: &[(&str, &str)] = &[
    (
        "incident_ref",
        include_str!("../prompts/sections/incident_ref.md"),
    ),
    ("timeline", include_str!("../prompts/sections/timeline.md")),
    (
        "root_cause",
        include_str!("../prompts/sections/root_cause.md"),
    ),
    (
        "contributing_factors",
        include_str!("../prompts/sections/contributing_factors.md"),
    ),
    (
        "what_went_well",
        include_str!("../prompts/sections/what_went_well.md"),
    ),
    (
        "what_went_wrong",
        include_str!("../prompts/sections/what_went_wrong.md"),
    ),
    (
        "action_items",
        include_str!("../prompts/sections/action_items.md"),
    ),
    (
        "blameless_summary",
        include_str!("../prompts/sections/blameless_summary.md"),
    ),
    (
        "prevention_categories",
        include_str!("../prompts/sections/prevention_categories.md"),
    ),
    (
        "systemic_changes",
        include_str!("../prompts/sections/systemic_changes.md"),
    ),
    (
        "decision_log",
        include_str!("../prompts/sections/decision_log.md"),
    ),
    (
        "out_of_scope",
        include_str!("../prompts/sections/out_of_scope.md"),
    ),
    (
        "slo_impact",
        include_str!("../prompts/sections/slo_impact.md"),
    ),
];

/// The sections Claude can draft, in schema order (`inputs` is the user's
/// declaration and `verify` comes from the review).
pub fn draftable() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().map(|(n, _)| *n)
}

pub fn is_draftable(section: &str) -> bool {
    SECTIONS.iter().any(|(n, _)| *n == section)
}

/// The prompts in use.
#[derive(Clone, Debug)]
pub struct Prompts {
    dir: Option<PathBuf>,
}

impl Prompts {
    /// The built-in prompts.
    pub fn embedded() -> Prompts {
        Prompts { dir: None }
    }

    /// Prompts from `dir` where it has a file, the built-in ones otherwise.
    pub fn with_dir(dir: PathBuf) -> Prompts {
        Prompts { dir: Some(dir) }
    }

    /// `[claude] prompts_dir` (relative to the configuration file's folder,
    /// else to `base`), if set. A directory named in a workspace file
    /// (`from_editor` false) must lie inside `root`: a repository must not make
    /// the server read files elsewhere and send them to Anthropic.
    pub fn from_claude_table(
        table: &toml::Table,
        config_file: Option<&Path>,
        base: &Path,
        root: Option<&Path>,
        from_editor: bool,
    ) -> Result<Prompts, String> {
        let Some(dir) = table
            .get("prompts_dir")
            .and_then(|v| v.as_str())
            .filter(|d| !d.trim().is_empty())
        else {
            return Ok(Prompts::embedded());
        };
        let p = Path::new(dir.trim());
        let dir = if p.is_absolute() {
            p.to_path_buf()
        } else {
            config_file.and_then(Path::parent).unwrap_or(base).join(p)
        };
        if !from_editor {
            let real = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            let inside = root
                .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf()))
                .is_some_and(|r| real.starts_with(r));
            if !inside {
                return Err(format!(
                    "`[claude] prompts_dir` ({}) is outside the workspace, and a workspace file may not make the server read files there. Move the prompts into the workspace, or set `postmortem.claude.promptsDir` in the editor.",
                    dir.display()
                ));
            }
        }
        Ok(Prompts::with_dir(dir))
    }

    fn read(&self, rel: &str, embedded: &'static str) -> Result<String, String> {
        let Some(dir) = &self.dir else {
            return Ok(embedded.to_string());
        };
        let path = dir.join(rel);
        match std::fs::metadata(&path) {
            Err(_) => Ok(embedded.to_string()),
            Ok(m) if !m.is_file() => Err(format!("{} is not a file", path.display())),
            Ok(m) if m.len() > MAX_PROMPT_BYTES => Err(format!(
                "{} is over {} KiB; shorten it",
                path.display(),
                MAX_PROMPT_BYTES / 1024
            )),
            Ok(_) => std::fs::read_to_string(&path)
                .map_err(|e| format!("{} can't be read as UTF-8 text ({e})", path.display())),
        }
    }

    pub fn system(&self) -> Result<String, String> {
        self.read("system.md", SYSTEM)
    }

    pub fn review(&self) -> Result<String, String> {
        self.read("review.md", REVIEW)
    }

    /// The system prompt of the blameless wording review
    /// ([`crate::wording`]).
    pub fn wording(&self) -> Result<String, String> {
        self.read("blameless_review.md", WORDING)
    }

    /// What to produce for `section`.
    pub fn section(&self, section: &str) -> Result<String, String> {
        let embedded = SECTIONS
            .iter()
            .find(|(n, _)| *n == section)
            .map(|(_, t)| *t)
            .ok_or_else(|| format!("`{section}` is not a section Claude can draft"))?;
        self.read(&format!("sections/{section}.md"), embedded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_but_inputs_and_verify_has_a_prompt() {
        for f in crate::schema::TOP {
            let expected = !matches!(f.name, "inputs" | "verify");
            assert_eq!(is_draftable(f.name), expected, "{}", f.name);
        }
        let order: Vec<&str> = draftable().collect();
        let schema_order: Vec<&str> = crate::schema::TOP
            .iter()
            .map(|f| f.name)
            .filter(|n| is_draftable(n))
            .collect();
        assert_eq!(order, schema_order);
        let p = Prompts::embedded();
        assert!(p.system().unwrap().contains("TODO("));
        assert!(p.review().unwrap().contains("verify"));
        assert!(p.wording().unwrap().contains("PM306"));
    }

    #[test]
    fn a_prompts_dir_overrides_file_by_file() {
        let dir = std::env::temp_dir().join(format!("pm-prompts-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("sections"));
        std::fs::write(dir.join("system.md"), "custom system").unwrap();
        std::fs::write(dir.join("sections/root_cause.md"), "custom rc").unwrap();
        let table: toml::Table = toml::from_str("prompts_dir = \"p\"").unwrap();
        let cfg_file = dir.join("x.toml");
        let p =
            Prompts::from_claude_table(&table, Some(&cfg_file), Path::new("/"), Some(&dir), false)
                .unwrap();
        assert_eq!(p.dir.as_deref(), Some(dir.join("p").as_path()));
        let out: toml::Table = toml::from_str("prompts_dir = \"/etc\"").unwrap();
        assert!(Prompts::from_claude_table(
            &out,
            Some(&cfg_file),
            Path::new("/"),
            Some(&dir),
            false
        )
        .unwrap_err()
        .contains("outside the workspace"));
        assert!(Prompts::from_claude_table(
            &out,
            Some(&cfg_file),
            Path::new("/"),
            Some(&dir),
            true
        )
        .is_ok());
        let p = Prompts::with_dir(dir.clone());
        assert_eq!(p.system().unwrap(), "custom system");
        assert_eq!(p.section("root_cause").unwrap(), "custom rc");
        assert_eq!(
            p.section("timeline").unwrap(),
            Prompts::embedded().section("timeline").unwrap()
        );
        assert!(p.section("inputs").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

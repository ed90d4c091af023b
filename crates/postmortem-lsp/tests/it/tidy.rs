//! The architecture, checked: the crate graph has only the arrows of
//! docs/architecture.md, no module cycles inside the engine, no LSP types
//! below the binary, and no process-wide mutable state. (In the spirit of
//! rust-analyzer's tidy tests: cheap text checks that keep the layers honest.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its `#[cfg(test)]` items (a `mod x;` line or a
/// `mod x { … }` block, wherever they sit) and without comment lines.
fn non_test_code(p: &Path) -> String {
    let s = std::fs::read_to_string(p).expect("read source");
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "#[cfg(test)]".len()..];
        // The item ends at its `;` when that comes before any `{`, else at
        // the brace that closes its first `{`.
        let semi = after.find(';');
        let brace = after.find('{');
        let end = match (semi, brace) {
            (Some(sc), Some(b)) if sc < b => sc + 1,
            (Some(sc), None) => sc + 1,
            (_, Some(b)) => b + block_len(&after[b..]),
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The length of the `{ … }` block `s` starts with, skipping braces inside
/// string, raw-string and char literals.
fn block_len(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'_') =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    let from = i + 2 + hashes;
                    i = s[from..]
                        .find(&close)
                        .map_or(b.len(), |k| from + k + close.len());
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' => {
                // A char literal ('{', '\n'), not a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i += s[i + 2..].find('\'').map_or(b.len(), |k| k + 3);
                    continue;
                }
                if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[test]
fn test_items_are_skipped_wherever_they_sit() {
    let dir = std::env::temp_dir().join(format!("pm-tidy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let f = dir.join("x.rs");
    std::fs::write(
        &f,
        "use a;\n#[cfg(test)]\nmod t;\nstatic S: Mutex<u8> = x;\n#[cfg(test)]\nmod u {\n fn f() { g(\"}}{\", '}', r#\"}\"#); }\n}\nfn after() {}\n",
    )
    .expect("write");
    let code = non_test_code(&f);
    assert!(code.contains("static S: Mutex"), "{code}");
    assert!(code.contains("fn after()"), "{code}");
    assert!(!code.contains("mod t;") && !code.contains("g();"), "{code}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `postmortem-*` and `fake-anthropic` dependencies of a crate, by section.
fn internal_deps(manifest: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let text = std::fs::read_to_string(manifest).expect("read Cargo.toml");
    let t: toml::Table = toml::from_str(&text).expect("Cargo.toml parses");
    let names = |key: &str| -> BTreeSet<String> {
        t.get(key)
            .and_then(|v| v.as_table())
            .map(|d| {
                d.keys()
                    .filter(|k| k.starts_with("postmortem-") || *k == "fake-anthropic")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    (names("dependencies"), names("dev-dependencies"))
}

#[test]
fn the_crate_graph_has_only_the_documented_arrows() {
    let want: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("syntax", &[][..]),
        ("engine", &["postmortem-syntax"][..]),
        ("claude", &[][..]),
        (
            "draft",
            &[
                "postmortem-claude",
                "postmortem-engine",
                "postmortem-syntax",
            ][..],
        ),
        ("render", &["postmortem-engine", "postmortem-syntax"][..]),
        (
            "postmortem-lsp",
            &[
                "postmortem-claude",
                "postmortem-draft",
                "postmortem-engine",
                "postmortem-render",
                "postmortem-syntax",
            ][..],
        ),
        ("fake-anthropic", &[][..]),
    ]);
    let mut seen = BTreeSet::new();
    for e in std::fs::read_dir(repo().join("crates"))
        .expect("crates/")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().to_string();
        let manifest = e.path().join("Cargo.toml");
        if !manifest.exists() {
            continue;
        }
        let Some(allowed) = want.get(name.as_str()) else {
            panic!("crates/{name} is new: add it to this test and to docs/architecture.md's crate graph");
        };
        let (deps, dev) = internal_deps(&manifest);
        let allowed: BTreeSet<String> = allowed.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            deps, allowed,
            "crates/{name}: its dependencies on our crates changed"
        );
        // The fake server is test support: a dev-dependency at most.
        assert!(
            dev.iter()
                .all(|d| d == "fake-anthropic" || allowed.contains(d) || name == "fake-anthropic"),
            "crates/{name}: dev-dependencies {dev:?}"
        );
        seen.insert(name);
    }
    assert_eq!(seen.len(), want.len(), "missing crates: {seen:?}");
    let fake =
        std::fs::read_to_string(repo().join("crates/fake-anthropic/Cargo.toml")).expect("read");
    assert!(
        fake.contains("publish = false"),
        "the fake server must never be published"
    );
}

#[test]
fn no_lsp_types_below_the_binary() {
    for c in ["syntax", "engine", "claude", "draft", "render"] {
        let mut files = Vec::new();
        rust_files(&repo().join("crates").join(c).join("src"), &mut files);
        assert!(!files.is_empty(), "crates/{c}/src has no Rust files");
        for f in files {
            let code = non_test_code(&f);
            for bad in ["tower_lsp", "ls_types", "lsp_types"] {
                assert!(!code.contains(bad), "{} uses {bad}", f.display());
            }
        }
    }
}

#[test]
fn no_process_wide_mutable_state() {
    let mut files = Vec::new();
    for c in [
        "syntax",
        "engine",
        "claude",
        "draft",
        "render",
        "postmortem-lsp",
    ] {
        rust_files(&repo().join("crates").join(c).join("src"), &mut files);
    }
    let mut bad = Vec::new();
    for f in &files {
        for (i, l) in non_test_code(f).lines().enumerate() {
            let l = l.trim_start();
            let is_static = l.starts_with("static ")
                || l.starts_with("pub static ")
                || l.starts_with("pub(crate) static ");
            if !is_static {
                continue;
            }
            // Init-once tables and compiled regexes are fine; anything that can change is not.
            if [
                "Mutex",
                "RwLock",
                "Atomic",
                "Cell<",
                "RefCell",
                "static mut",
            ]
            .iter()
            .any(|w| l.contains(w))
            {
                bad.push(format!("{}:{}: {l}", f.display(), i + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "process-wide mutable state:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_module_cycles_in_the_engine() {
    let src = repo().join("crates/engine/src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let modules: Vec<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    assert!(modules.len() > 5, "{modules:?}");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &modules {
        let mut files = Vec::new();
        let file = src.join(format!("{m}.rs"));
        if file.exists() {
            files.push(file);
        }
        rust_files(&src.join(m), &mut files);
        let mut deps = BTreeSet::new();
        for f in files {
            let code = non_test_code(&f);
            for other in modules.iter().filter(|o| *o != m) {
                let uses = ["::", ";", " ", ",", "}"]
                    .iter()
                    .any(|end| code.contains(&format!("crate::{other}{end}")));
                if uses {
                    deps.insert(other.clone());
                }
            }
        }
        graph.insert(m.clone(), deps);
    }
    // Depth-first search for a cycle.
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == m) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        stack.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, g, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(c) = visit(m, &graph, &mut Vec::new(), &mut done) {
            panic!("module cycle in the engine: {}", c.join(" → "));
        }
    }
}

//! The engine's entry point: text in → parsed document, resolved inputs,
//! citations and diagnostics out. Nothing here knows about LSP.

use crate::citation;
use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, Locale};
use crate::inputs::{self, DiskInputs, InputError, InputSource};
use crate::rules::{self, Context, REGISTRY};
use crate::schema::{self, Kind};
use crate::syntax::{self, Node, Parsed};
use crate::text::LineIndex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::citation::CiteRef;
pub use crate::inputs::InputEntry;

/// What analyses of the same workspace can reuse: people's names and roles
/// per set of inputs, and blameless findings per value. Owned by whoever runs
/// the analyses (the language server, one `check` run), never global: two
/// servers in one process share nothing. Both parts are bounded.
#[derive(Default)]
pub struct Cache {
    people: std::sync::Mutex<Vec<Arc<PeopleInfo>>>,
    pub(crate) blameless: rules::BlamelessMemo,
    paths: std::sync::Mutex<PathMemo>,
}

/// How long a resolved path is trusted before the file system is asked
/// again. Resolving walks every component of the path (a `readlink` each);
/// typing re-analyses many times a second, and in between the files are only
/// re-checked for changes (their size and modification time).
const RESOLVE_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// Canonical paths resolved recently: the postmortem's folder and workspace
/// root, and inputs that were found (errors are never kept, so a file
/// created meanwhile is seen on the next analysis).
#[derive(Default)]
struct PathMemo {
    dirs: HashMap<(PathBuf, Option<PathBuf>), (PathBuf, PathBuf, std::time::Instant)>,
    inputs: HashMap<(PathBuf, PathBuf, String), (PathBuf, std::time::Instant)>,
}

impl Cache {
    fn memo(&self) -> Option<std::sync::MutexGuard<'_, PathMemo>> {
        self.paths.lock().ok()
    }
}

impl Cache {
    pub fn new() -> Self {
        Self::default()
    }
}

#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// The postmortem's path (None for an unsaved buffer).
    pub path: Option<&'a Path>,
    /// The workspace root inputs must stay inside (default: discovered).
    pub root: Option<&'a Path>,
    pub config: &'a Config,
    /// Overrides the config's locale.
    pub locale: Option<Locale>,
    pub inputs: &'a dyn InputSource,
    /// Reused across analyses when given; without it everything is computed afresh.
    pub cache: Option<&'a Cache>,
    /// The analysis of the document's previous version: only the top-level
    /// section an edit touched is parsed again (see `syntax::reparse`).
    pub previous: Option<&'a Analysis>,
}

impl<'a> Options<'a> {
    pub fn new(config: &'a Config) -> Self {
        Options {
            path: None,
            root: None,
            config,
            locale: None,
            inputs: &DiskInputs,
            cache: None,
            previous: None,
        }
    }
}

/// Everything the engine knows about one version of a document.
pub struct Analysis {
    pub text: String,
    pub lines: LineIndex,
    pub parsed: Parsed,
    /// `None` when the document has no `inputs` section.
    pub inputs: Option<Vec<InputEntry>>,
    pub citations: Vec<CiteRef>,
    pub diagnostics: Vec<Diagnostic>,
    pub locale: Locale,
}

impl Analysis {
    /// The analysis of nothing (a stand-in while a document's analysis is
    /// being replaced); built without running anything.
    pub fn empty() -> Analysis {
        Analysis {
            text: String::new(),
            lines: LineIndex::new(""),
            parsed: Parsed::default(),
            inputs: None,
            citations: Vec::new(),
            diagnostics: Vec::new(),
            locale: Locale::default(),
        }
    }

    pub fn root(&self) -> Option<&Node> {
        self.parsed.root.as_ref()
    }
    pub fn input(&self, name: &str) -> Option<&InputEntry> {
        self.inputs.as_ref()?.iter().find(|e| e.name == name)
    }
}

pub fn analyze(text: String, opts: &Options) -> Analysis {
    analyze_profiled(text, opts, &mut |_, _| {})
}

/// [`analyze`] after `previous`, the analysis of the document's previous
/// version, which is given up: the parts of its syntax tree the edit did not
/// touch are moved into the new analysis instead of copied (what
/// `opts.previous` does). The language server hands over its previous
/// analysis this way when nothing else holds it.
pub fn analyze_after(text: String, previous: Analysis, opts: &Options) -> Analysis {
    let Analysis {
        parsed,
        text: previous_text,
        ..
    } = previous;
    let parsed = syntax::reparse_owned(parsed, &previous_text, &text);
    analyze_parsed(text, parsed, opts, &mut |_, _| {})
}

/// [`analyze`], reporting how long each phase and each rule took (for
/// `cargo bench --bench engine`).
#[doc(hidden)]
pub fn analyze_profiled(
    text: String,
    opts: &Options,
    timing: &mut dyn FnMut(&'static str, std::time::Duration),
) -> Analysis {
    let t = std::time::Instant::now();
    let parsed = match opts.previous {
        Some(prev) => syntax::reparse(&prev.parsed, &prev.text, &text),
        None => syntax::parse(&text),
    };
    timing("parse", t.elapsed());
    analyze_parsed(text, parsed, opts, timing)
}

fn analyze_parsed(
    text: String,
    parsed: Parsed,
    opts: &Options,
    timing: &mut dyn FnMut(&'static str, std::time::Duration),
) -> Analysis {
    let t = std::time::Instant::now();
    let lines = LineIndex::new(&text);
    let locale = opts
        .locale
        .or_else(|| opts.config.locale.as_deref().map(Locale::from_tag))
        .unwrap_or_default();
    let inputs = parsed.root.as_ref().and_then(|r| load_inputs(r, opts));
    timing("inputs", t.elapsed());
    let t = std::time::Instant::now();
    let people_info = people_info(&text, inputs.as_deref(), opts.config, opts.cache);
    timing("people", t.elapsed());
    let t = std::time::Instant::now();
    let mut a = Analysis {
        text,
        lines,
        parsed,
        inputs,
        citations: Vec::new(),
        diagnostics: Vec::new(),
        locale,
    };
    // One walk over the scalars serves the citations and every rule.
    let (mut scalar_paths, mut visit_paths) = (String::new(), String::new());
    let scalars = a
        .parsed
        .root
        .as_ref()
        .map(|r| rules::collect_scalars(r, &mut scalar_paths))
        .unwrap_or_default();
    let citations = collect_citations(&scalars);
    timing("scalars+citations", t.elapsed());
    let diagnostics = run_rules(
        &a,
        &citations,
        &scalars,
        &mut visit_paths,
        &people_info,
        opts.config,
        opts.cache,
        timing,
    );
    drop(scalars);
    a.citations = citations;
    a.diagnostics = diagnostics;
    a
}

/// Who counts as a person for the blameless rules, and their roles.
pub struct PeopleInfo {
    pub names: Vec<String>,
    pub roles: HashMap<String, String>,
    pub people: rules::blameless::People,
    /// Identifies this set of people (for caching findings).
    pub key: u64,
}

/// People's names: configured, the chat log's speakers (minus bots), and
/// @handles and e-mail addresses in the document; with roles from the report.
/// Building this compiles a regex per name, so it is cached per distinct
/// inputs and configuration (they change far less often than the document).
fn people_info(
    text: &str,
    inputs: Option<&[InputEntry]>,
    config: &Config,
    cache: Option<&Cache>,
) -> Arc<PeopleInfo> {
    use std::hash::{Hash, Hasher};
    let entries = inputs.unwrap_or(&[]);
    let handles = rules::blameless::handles_in(text);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for e in entries {
        if let Ok(f) = &e.file {
            (is_chat(e), f.digest).hash(&mut h);
        }
    }
    (
        &config.blameless.people,
        &config.blameless.allow,
        &config.blameless.bots,
        &handles,
    )
        .hash(&mut h);
    let key = h.finish();
    if let Some(Ok(c)) = cache.map(|c| c.people.lock()) {
        if let Some(p) = c.iter().find(|p| p.key == key) {
            return p.clone();
        }
    }
    let mut names: Vec<String> = config.blameless.people.clone();
    let add = |names: &mut Vec<String>, n: String| {
        if !names.iter().any(|p| p.eq_ignore_ascii_case(&n)) {
            names.push(n);
        }
    };
    for e in entries.iter().filter(|e| is_chat(e)) {
        if let Ok(f) = &e.file {
            for n in rules::blameless::chat_speakers(&f.text, &config.blameless.bots) {
                add(&mut names, n);
            }
        }
    }
    for n in handles {
        add(&mut names, n);
    }
    let mut roles = HashMap::new();
    for e in entries.iter().filter(|e| !is_chat(e)) {
        if let Ok(f) = &e.file {
            for (k, v) in rules::blameless::speaker_roles(&f.text, &names) {
                roles.entry(k).or_insert(v);
            }
        }
    }
    let mut people = rules::blameless::People::new(names.iter().cloned(), &config.blameless.allow);
    people.set_roles(&roles);
    let info = Arc::new(PeopleInfo {
        names,
        roles,
        people,
        key,
    });
    if let Some(Ok(mut c)) = cache.map(|c| c.people.lock()) {
        if c.len() >= 16 {
            c.remove(0);
        }
        c.push(info.clone());
    }
    info
}

/// Chat logs are where speaker names come from: inputs whose name or file
/// name says chat, slack, irc or transcript.
fn is_chat(e: &InputEntry) -> bool {
    let hay = format!("{} {}", e.name, e.rel).to_lowercase();
    ["chat", "slack", "irc", "transcript", "channel"]
        .iter()
        .any(|w| hay.contains(w))
}

fn load_inputs(root: &Node, opts: &Options) -> Option<Vec<InputEntry>> {
    let pair = root.pair("inputs")?;
    let mut out = Vec::new();
    let base = opts.path.and_then(Path::parent).map(Path::to_path_buf);
    let dirs = base
        .as_deref()
        .map(|b| canonical_dirs(b, opts.root, opts.cache));
    for p in pair.value.as_ref().and_then(Node::as_map).unwrap_or(&[]) {
        let Some(s) = p.value.as_ref().and_then(Node::as_scalar) else {
            continue;
        };
        let rel = s.value.trim().to_string();
        if rel.is_empty() {
            continue;
        }
        let file = match &dirs {
            Some((dir, root)) => resolve_input(dir, root, &rel, opts),
            None => Err(InputError::NoBase),
        };
        out.push(InputEntry {
            name: p.key.value.clone(),
            key_span: p.key.span.clone(),
            rel,
            value_span: s.span.clone(),
            file,
        });
    }
    Some(out)
}

/// The postmortem's folder and the workspace root, canonical (each is a
/// walk through the file system, so kept for [`RESOLVE_TTL`]).
fn canonical_dirs(base: &Path, root: Option<&Path>, cache: Option<&Cache>) -> (PathBuf, PathBuf) {
    let key = (base.to_path_buf(), root.map(Path::to_path_buf));
    let now = std::time::Instant::now();
    if let Some(m) = cache.and_then(Cache::memo) {
        if let Some((b, w, at)) = m.dirs.get(&key) {
            if now.duration_since(*at) < RESOLVE_TTL {
                return (b.clone(), w.clone());
            }
        }
    }
    let ws = match root {
        Some(r) => r.to_path_buf(),
        None => inputs::discover_root(base),
    };
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (b, w) = (canon(base), canon(&ws));
    if let Some(mut m) = cache.and_then(Cache::memo) {
        if m.dirs.len() >= 64 {
            m.dirs.clear();
        }
        m.dirs.insert(key, (b.clone(), w.clone(), now));
    }
    (b, w)
}

/// Resolves and reads one input. A path found within [`RESOLVE_TTL`] is
/// reused (the file itself is still re-read when it changes); when reading
/// it fails, it is resolved afresh so the error is the one a fresh analysis
/// would give.
fn resolve_input(
    dir: &Path,
    root: &Path,
    rel: &str,
    opts: &Options,
) -> Result<Arc<inputs::InputFile>, InputError> {
    let max = opts.config.max_input_bytes();
    let key = (dir.to_path_buf(), root.to_path_buf(), rel.to_string());
    let now = std::time::Instant::now();
    let recent = opts.cache.and_then(Cache::memo).and_then(|m| {
        m.inputs
            .get(&key)
            .filter(|(_, at)| now.duration_since(*at) < RESOLVE_TTL)
            .map(|(p, _)| p.clone())
    });
    if let Some(path) = recent {
        if let Ok(f) = opts.inputs.get(&path, max) {
            return Ok(f);
        }
    }
    let path = inputs::resolve_canonical(dir, root, rel)?;
    if let Some(mut m) = opts.cache.and_then(Cache::memo) {
        if m.inputs.len() >= 256 {
            m.inputs.clear();
        }
        m.inputs.insert(key, (path.clone(), now));
    }
    opts.inputs.get(&path, max)
}

fn collect_citations(scalars: &[rules::ScalarRec]) -> Vec<CiteRef> {
    let mut out = Vec::new();
    for rec in scalars {
        let (path, spath, s) = (rec.path, rec.spath, rec.scalar);
        if spath.starts_with("inputs") {
            continue;
        }
        let found = citation::find(&s.value);
        if found.is_empty()
            && !s.is_null()
            && spath.ends_with("source")
            && matches!(schema::lookup(spath).map(|f| &f.kind), Some(Kind::Source))
        {
            // `source: [report §3, chat L4]` is a YAML list of bare citations,
            // and `source: report §3` a bare one.
            if let Some(f) = citation::parse_body(&s.value) {
                out.push(CiteRef {
                    field: path.to_string(),
                    span: s.src_span(f.span),
                    name_span: s.src_span(f.name_span),
                    kind: f.kind,
                });
            }
            continue;
        }
        for f in found {
            out.push(CiteRef {
                field: path.to_string(),
                span: s.src_span(f.span),
                name_span: s.src_span(f.name_span),
                kind: f.kind,
            });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn run_rules<'a>(
    a: &'a Analysis,
    citations: &[CiteRef],
    scalars: &[rules::ScalarRec],
    visit_paths: &'a mut String,
    people: &PeopleInfo,
    config: &Config,
    cache: Option<&Cache>,
    timing: &mut dyn FnMut(&'static str, std::time::Duration),
) -> Vec<Diagnostic> {
    let t = std::time::Instant::now();
    let blameless = rules::blameless_hits(
        scalars,
        &people.people,
        people.key,
        &config.blameless.allow,
        cache.map(|c| &c.blameless),
    );
    timing("blameless scan", t.elapsed());
    let t = std::time::Instant::now();
    let visits = a
        .parsed
        .root
        .as_ref()
        .map(|r| rules::collect_visits(r, visit_paths))
        .unwrap_or_default();
    let cx = Context {
        visits: &visits,
        scalars,
        text: &a.text,
        parsed: &a.parsed,
        root: a.parsed.root.as_ref(),
        inputs: a.inputs.as_deref(),
        citations,
        config,
        locale: a.locale,
        people: &people.names,
        roles: &people.roles,
        blameless: &blameless,
    };
    timing("schema walk", t.elapsed());
    let mut out = Vec::new();
    let suppress = Suppressions::scan(&a.text, &a.lines);
    for rule in REGISTRY {
        let meta = rule.meta();
        let level = config.level(meta.code, meta.name);
        if level == Some(Level::Off)
            || suppress
                .file
                .iter()
                .any(|c| c == meta.code || c == meta.name)
        {
            continue;
        }
        let start = out.len();
        let t = std::time::Instant::now();
        rule.check(&cx, &mut out);
        timing(meta.code, t.elapsed());
        for d in &mut out[start..] {
            if let Some(Level::On(sev)) = level {
                d.severity = sev;
            }
        }
    }
    out.retain(|d| !suppress.hides(d, &a.lines));
    out.sort_by(|x, y| x.span.start.cmp(&y.span.start).then(x.code.cmp(y.code)));
    out
}

/// `# postmortem-lsp: ignore PM201` (this line or the next) and
/// `# postmortem-lsp: ignore-file PM305`. Codes or rule names; none means all.
struct Suppressions {
    /// (line, codes; empty = every rule)
    lines: Vec<(usize, Vec<String>)>,
    file: Vec<String>,
}

impl Suppressions {
    fn scan(text: &str, li: &LineIndex) -> Self {
        let mut s = Suppressions {
            lines: Vec::new(),
            file: Vec::new(),
        };
        if !text.contains("postmortem-lsp:") {
            return s;
        }
        for line in 0..li.line_count() {
            let t = &text[li.line_span(text, line)];
            let Some(at) = t.find("postmortem-lsp:") else {
                continue;
            };
            let before = t[..at].trim_end();
            let Some(hash_prefix) = before.strip_suffix('#') else {
                continue;
            };
            if !(hash_prefix.is_empty() || hash_prefix.ends_with([' ', '\t'])) {
                continue;
            }
            let rest = t[at + "postmortem-lsp:".len()..].trim();
            let (kind, codes) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            // codes in upper case (pm201 → PM201), rule names in lower case
            let codes: Vec<String> = codes
                .split([',', ' '])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| {
                    if c.to_ascii_uppercase().starts_with("PM") {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            match kind {
                "ignore-file" => s.file.extend(if codes.is_empty() {
                    vec!["*".to_string()]
                } else {
                    codes
                }),
                "ignore" => {
                    // A comment alone on its line covers the next line; at the end of a line, that line.
                    let target = if hash_prefix.trim().is_empty() {
                        line + 1
                    } else {
                        line
                    };
                    s.lines.push((target, codes));
                }
                _ => {}
            }
        }
        if s.file.iter().any(|c| c == "*") {
            s.file = crate::rules::REGISTRY
                .iter()
                .map(|r| r.meta().code.to_string())
                .collect();
        }
        s
    }

    fn hides(&self, d: &Diagnostic, li: &LineIndex) -> bool {
        if self.lines.is_empty() {
            return false;
        }
        let line = li.line_of(d.span.start);
        let name = rules::find(d.code).map_or("", |r| r.meta().name);
        self.lines.iter().any(|(l, codes)| {
            *l == line && (codes.is_empty() || codes.iter().any(|c| c == d.code || c == name))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(t: &str) -> Vec<&'static str> {
        let cfg = Config::default();
        analyze(t.to_string(), &Options::new(&cfg))
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn suppression_comments() {
        let t = "action_items:\n  # postmortem-lsp: ignore PM201\n  - id: AI-001\n    due: 2026-12-01 # postmortem-lsp: ignore missing-success-criteria\n";
        let c = codes(t);
        assert!(!c.contains(&"PM201"));
        let t2 = "action_items:\n  - id: AI-001\n";
        assert!(codes(t2).contains(&"PM201"));
        let t3 = "# postmortem-lsp: ignore-file PM201, PM202\naction_items:\n  - id: AI-001\n";
        let c3 = codes(t3);
        assert!(!c3.contains(&"PM201") && !c3.contains(&"PM202") && c3.contains(&"PM204"));
    }

    #[test]
    fn configured_levels() {
        let cfg = Config::parse_toml("[rules]\nPM201 = \"off\"\nPM202 = \"hint\"\n", None);
        let a = analyze(
            "action_items:\n  - id: AI-001\n".into(),
            &Options::new(&cfg),
        );
        assert!(!a.diagnostics.iter().any(|d| d.code == "PM201"));
        assert!(a
            .diagnostics
            .iter()
            .filter(|d| d.code == "PM202")
            .all(|d| d.severity == crate::diagnostic::Severity::Hint));
    }

    #[test]
    fn citations_in_flow_lists_and_strings() {
        let cfg = Config::default();
        let t = "root_cause:\n  source: [report §3, chat L4]\nwhat_went_well:\n  - \"fast rollback [runbook §2]\"\n";
        let a = analyze(t.into(), &Options::new(&cfg));
        let spans: Vec<&str> = a.citations.iter().map(|c| &t[c.span.clone()]).collect();
        assert_eq!(spans, vec!["report §3", "chat L4", "[runbook §2]"]);
    }
}

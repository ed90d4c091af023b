//! Redaction of secrets (and, when switched on, personal data) in input texts
//! before anything leaves the machine. Nothing here knows about LSP or the
//! network: the drafting client calls [`Redactor::redact`] on every input and
//! on the document, and rule PM409 reports what an input holds.
//!
//! The secret formats are [gitleaks](https://github.com/gitleaks/gitleaks)'
//! default rule set, kept as data (`gitleaks.toml`, v8.30.1, MIT licence in
//! `gitleaks-LICENSE`), plus a few rules of our own in the same format
//! (`extra.toml`: passwords in URLs and assignments, bearer tokens, and the
//! optional personal-data classes). They are evaluated as gitleaks evaluates
//! them: a rule runs only when one of its keywords occurs (case-insensitive),
//! the secret is the first non-empty capture group (or `secretGroup`), it
//! must be more random than the rule's `entropy`, and the global and the
//! rule's allow-lists can let it through. Go's `\w`, `\d`, `\s` and `\b` are
//! ASCII-only; they are translated so that Rust's regexes mean the same.
//!
//! Redaction keeps the line and paragraph structure exactly: each line a
//! finding touches keeps its line end, its non-blank part becomes
//! `[REDACTED:<kind>]`, and a blank part stays blank, so every `§N` and `LN`
//! citation still points at the same place.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// gitleaks' default configuration, as published (v8.30.1).
pub const GITLEAKS_TOML: &str = include_str!("gitleaks.toml");
/// The gitleaks release the rules come from.
pub const GITLEAKS_VERSION: &str = "v8.30.1 (83d9cd684c87d95d656c1458ef04895a7f1cbd8e)";
/// Our rules, same format.
pub const EXTRA_TOML: &str = include_str!("extra.toml");

/// The `[privacy]` settings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// Redact secrets (on by default).
    pub secrets: bool,
    /// Redact e-mail addresses.
    pub emails: bool,
    /// Redact telephone numbers.
    pub phones: bool,
    /// Redact IPv4 and IPv6 addresses.
    pub ip_addresses: bool,
    /// Redact payment card numbers (Luhn-valid).
    pub card_numbers: bool,
    /// Regular expressions: a finding one of them matches is left as it is.
    pub allow: Vec<String>,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            secrets: true,
            emails: false,
            phones: false,
            ip_addresses: false,
            card_numbers: false,
            allow: Vec::new(),
        }
    }
}

impl PrivacyConfig {
    fn class_on(&self, class: &str) -> bool {
        match class {
            "" => self.secrets,
            "emails" => self.emails,
            "phones" => self.phones,
            "ip_addresses" => self.ip_addresses,
            "card_numbers" => self.card_numbers,
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------
// The rule files

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    allowlist: Option<RawAllow>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: String,
    regex: Option<String>,
    #[serde(default)]
    secret_group: usize,
    #[serde(default)]
    entropy: f64,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    #[serde(default)]
    allowlists: Vec<RawAllow>,
    /// Ours: the `[privacy]` class that switches the rule on ("" = secrets).
    #[serde(default)]
    class: String,
    /// Ours: an extra check of the secret ("luhn").
    #[serde(default)]
    check: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawAllow {
    #[serde(default)]
    regex_target: String,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    condition: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Secret,
    Match,
    Line,
}

struct Allow {
    target: Target,
    /// Compiled on first use, as the rules are: an allow-list is only
    /// consulted once its rule found something.
    regexes: Vec<LazyRegex>,
    stopwords: Vec<String>,
    paths: Vec<LazyRegex>,
    and: bool,
}

/// A rule-file regex compiled the first time it is needed (`None` if it
/// does not compile; a test proves they all do).
struct LazyRegex {
    pattern: String,
    cell: std::sync::OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn new(pattern: &str) -> LazyRegex {
        LazyRegex {
            pattern: pattern.to_string(),
            cell: std::sync::OnceLock::new(),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        self.cell
            .get_or_init(|| compile(&self.pattern).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(text))
    }
}

struct Rule {
    id: String,
    class: String,
    luhn: bool,
    /// Compiled on first use: most of gitleaks' rules never meet one of
    /// their keywords in incident text, and compiling all 222 up front
    /// doubled the server's memory. Every pattern is checked to compile by a
    /// test (`every_rule_compiles`).
    pattern: String,
    regex: std::sync::OnceLock<Option<Regex>>,
    /// Literals one of which every match contains (from the pattern, on
    /// first use): a region without any cannot match, so the regex is
    /// neither compiled nor run there. `None` inside: no such literals.
    gate: std::sync::OnceLock<Option<AhoCorasick>>,
    secret_group: usize,
    entropy: f64,
    /// Indexes into [`RuleSet::keywords`]; empty = always runs.
    keywords: Vec<usize>,
    path: Option<Regex>,
    allow: Vec<Allow>,
    /// The pattern can span lines (`[\s\S]`, `(?s`, `[\r\n]`): it runs over
    /// the whole text; the others run only over the lines holding one of
    /// their keywords (a keyword is part of what such a rule matches).
    multiline: bool,
}

impl Rule {
    /// The rule's regex, compiled the first time a text holds its keywords.
    fn compiled(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| compile(&self.pattern).ok())
            .as_ref()
    }

    /// Whether `region` can hold a match (by the rule's required literals).
    fn may_match(&self, region: &str) -> bool {
        let gate = self.gate.get_or_init(|| {
            let lits = crate::literals::required(&go_to_rust(&self.pattern), false).ok()??;
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(&lits)
                .ok()
        });
        gate.as_ref().is_none_or(|g| g.is_match(region))
    }
}

struct RuleSet {
    rules: Vec<Rule>,
    global: Vec<Allow>,
    /// Every keyword of every rule, lower case, for one case-insensitive pass.
    keywords: Vec<String>,
    finder: AhoCorasick,
}

/// Go's RE2 syntax as Rust's `regex` reads it: `\w`, `\d`, `\s` and `\b` are
/// ASCII-only in Go (and faster that way), and `&&`, `--`, `~~` and a `[`
/// inside a class are set operators in Rust but literals in Go.
pub fn go_to_rust(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 32);
    let mut it = p.chars().peekable();
    let mut in_class = false;
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                let Some(n) = it.next() else {
                    out.push('\\');
                    break;
                };
                let rep = match n {
                    'w' => "[0-9A-Za-z_]",
                    'W' => "[^0-9A-Za-z_]",
                    'd' => "[0-9]",
                    'D' => "[^0-9]",
                    's' => "[\\t\\n\\f\\r ]",
                    'S' => "[^\\t\\n\\f\\r ]",
                    'b' if !in_class => "(?-u:\\b)",
                    'B' if !in_class => "(?-u:\\B)",
                    _ => {
                        out.push('\\');
                        out.push(n);
                        continue;
                    }
                };
                out.push_str(rep);
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if it.peek() == Some(&'^') {
                    out.push('^');
                    it.next();
                }
                if it.peek() == Some(&']') {
                    out.push_str("\\]");
                    it.next();
                }
            }
            '[' if it.peek() == Some(&':') => {
                // A POSIX class inside a bracket: copied as it is.
                out.push('[');
                for d in it.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            '[' => out.push_str("\\["),
            '{' if !in_class && !is_repeat(it.clone()) => out.push_str("\\{"),
            '}' if !in_class => {
                // A `}` that closes a repetition was copied with it below.
                out.push_str("\\}");
            }
            '{' if !in_class => {
                out.push('{');
                for d in it.by_ref() {
                    out.push(d);
                    if d == '}' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '-' if in_class && it.peek() == Some(&'-') => out.push_str("\\-"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a `{` starts a repetition (`{2}`, `{2,}`, `{2,5}`); Go reads any
/// other `{` as a literal.
fn is_repeat(mut it: impl Iterator<Item = char>) -> bool {
    let mut digits = 0;
    let mut comma = false;
    for c in it.by_ref() {
        match c {
            '0'..='9' => digits += 1,
            ',' if !comma && digits > 0 => comma = true,
            '}' => return digits > 0,
            _ => return false,
        }
    }
    false
}

fn compile(p: &str) -> Result<Regex, String> {
    RegexBuilder::new(&go_to_rust(p))
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .map_err(|e| e.to_string())
}

fn allow_from(raw: RawAllow) -> Result<Allow, String> {
    let compile_all = |v: Vec<String>| -> Result<Vec<LazyRegex>, String> {
        Ok(v.iter().map(|r| LazyRegex::new(r)).collect())
    };
    Ok(Allow {
        target: match raw.regex_target.as_str() {
            "match" => Target::Match,
            "line" => Target::Line,
            _ => Target::Secret,
        },
        regexes: compile_all(raw.regexes)?,
        stopwords: raw.stopwords.iter().map(|s| s.to_lowercase()).collect(),
        paths: compile_all(raw.paths)?,
        and: raw.condition.eq_ignore_ascii_case("and"),
    })
}

fn load(files: &[&str]) -> Result<RuleSet, String> {
    let mut rules = Vec::new();
    let mut global = Vec::new();
    let mut keywords: Vec<String> = Vec::new();
    for text in files {
        let raw: RawFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        if let Some(a) = raw.allowlist {
            global.push(allow_from(a)?);
        }
        for r in raw.rules {
            let Some(re) = &r.regex else { continue };
            let mut ks = Vec::new();
            for k in &r.keywords {
                let k = k.to_lowercase();
                let i = match keywords.iter().position(|x| *x == k) {
                    Some(i) => i,
                    None => {
                        keywords.push(k);
                        keywords.len() - 1
                    }
                };
                ks.push(i);
            }
            let multiline = ["[\\s\\S", "(?s", "[\\r\\n]"]
                .iter()
                .any(|m| re.contains(m));
            rules.push(Rule {
                multiline,
                id: r.id.clone(),
                class: r.class.clone(),
                luhn: r.check == "luhn",
                pattern: re.clone(),
                regex: std::sync::OnceLock::new(),
                gate: std::sync::OnceLock::new(),
                secret_group: r.secret_group,
                entropy: r.entropy,
                keywords: ks,
                path: r.path.as_deref().map(compile).transpose()?,
                allow: r
                    .allowlists
                    .into_iter()
                    .map(allow_from)
                    .collect::<Result<_, _>>()?,
            });
        }
    }
    let finder = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&keywords)
        .map_err(|e| e.to_string())?;
    Ok(RuleSet {
        rules,
        global,
        keywords,
        finder,
    })
}

static RULES: LazyLock<Result<RuleSet, String>> =
    LazyLock::new(|| load(&[GITLEAKS_TOML, EXTRA_TOML]));

/// Shannon entropy as gitleaks computes it (per character, over the byte length).
fn entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let inv = 1.0 / s.len() as f64;
    counts
        .values()
        .map(|&n| {
            let f = n as f64 * inv;
            -f * f.log2()
        })
        .sum()
}

/// The Luhn checksum over the digits of `s` (13 to 19 of them).
pub fn luhn(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

// ---------------------------------------------------------------------------
// Redaction

/// One thing redacted. Never holds the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule id (`aws-access-token`, `private-key`, `email`, …).
    pub kind: String,
    /// Byte span of the value in the original text.
    pub span: std::ops::Range<usize>,
    /// 1-based first and last line.
    pub line: usize,
    pub end_line: usize,
}

/// A text with its findings replaced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub findings: Vec<Finding>,
}

/// Redacts texts by the rule set and a `[privacy]` configuration.
#[derive(Clone, Debug)]
pub struct Redactor {
    config: PrivacyConfig,
    allow: Vec<Regex>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(&PrivacyConfig::default()).0
    }
}

impl Redactor {
    /// A redactor for `config`, and the allow-list entries that are not
    /// regular expressions (left out, to report).
    pub fn new(config: &PrivacyConfig) -> (Redactor, Vec<String>) {
        let mut allow = Vec::new();
        let mut bad = Vec::new();
        for a in &config.allow {
            match RegexBuilder::new(a).size_limit(1 << 20).build() {
                Ok(r) => allow.push(r),
                Err(_) => bad.push(a.clone()),
            }
        }
        (
            Redactor {
                config: config.clone(),
                allow,
            },
            bad,
        )
    }

    pub fn config(&self) -> &PrivacyConfig {
        &self.config
    }

    /// Whether the rule files load (they are compiled in; a test proves it).
    pub fn rules_error() -> Option<&'static str> {
        RULES.as_ref().err().map(String::as_str)
    }

    /// The findings in `text` (the input named `path`, for path-specific
    /// rules), in order, overlapping ones merged (the wider one's kind wins).
    pub fn scan(&self, text: &str, path: &str) -> Vec<Finding> {
        let Ok(set) = RULES.as_ref() else {
            return Vec::new();
        };
        // Where each keyword occurs.
        let mut hits: Vec<Vec<usize>> = vec![Vec::new(); set.keywords.len()];
        for m in set.finder.find_overlapping_iter(text) {
            hits[m.pattern().as_usize()].push(m.start());
        }
        let present: Vec<bool> = hits.iter().map(|h| !h.is_empty()).collect();
        let mut found: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
        for r in &set.rules {
            if !self.config.class_on(&r.class) {
                continue;
            }
            if !r.keywords.is_empty() && !r.keywords.iter().any(|&k| present[k]) {
                continue;
            }
            if let Some(p) = &r.path {
                if !p.is_match(path) {
                    continue;
                }
            }
            let mut regions = if r.keywords.is_empty() || r.multiline {
                std::iter::once(0..text.len()).collect::<Vec<_>>()
            } else {
                keyword_lines(
                    text,
                    r.keywords.iter().flat_map(|&k| hits[k].iter().copied()),
                )
            };
            regions.retain(|reg| r.may_match(&text[reg.clone()]));
            if regions.is_empty() {
                continue;
            }
            let Some(regex) = r.compiled() else { continue };
            for region in regions {
                let base = region.start;
                for caps in regex.captures_iter(&text[region]) {
                    let Some(whole) = caps.get(0) else { continue };
                    let secret = if r.secret_group > 0 {
                        caps.get(r.secret_group)
                    } else {
                        caps.iter()
                            .skip(1)
                            .flatten()
                            .find(|m| !m.as_str().is_empty())
                            .or(Some(whole))
                    };
                    let Some(secret) = secret else { continue };
                    // gitleaks trims line ends off the match.
                    let s = secret.as_str().trim_matches('\n');
                    if s.is_empty() {
                        continue;
                    }
                    let lead =
                        secret.as_str().len() - secret.as_str().trim_start_matches('\n').len();
                    let span = base + secret.start() + lead..base + secret.start() + lead + s.len();
                    if r.entropy != 0.0 && entropy(s) <= r.entropy {
                        continue;
                    }
                    if r.luhn && !luhn(s) {
                        continue;
                    }
                    let line = line_around(text, base + whole.start(), base + whole.end());
                    let allowed = |a: &Allow| {
                        let target = match a.target {
                            Target::Secret => s,
                            Target::Match => whole.as_str(),
                            Target::Line => line,
                        };
                        let re = !target.is_empty() && a.regexes.iter().any(|x| x.is_match(target));
                        let lower = s.to_lowercase();
                        let stop = a.stopwords.iter().any(|w| lower.contains(w.as_str()));
                        if a.and {
                            let mut checks = Vec::new();
                            if !a.paths.is_empty() {
                                checks.push(a.paths.iter().any(|p| p.is_match(path)));
                            }
                            if !a.regexes.is_empty() {
                                checks.push(re);
                            }
                            if !a.stopwords.is_empty() {
                                checks.push(stop);
                            }
                            !checks.is_empty() && checks.iter().all(|c| *c)
                        } else {
                            re || stop
                        }
                    };
                    if set.global.iter().any(allowed) || r.allow.iter().any(allowed) {
                        continue;
                    }
                    if self.allow.iter().any(|a| a.is_match(s)) {
                        continue;
                    }
                    found.push((span, r.id.as_str()));
                }
            }
        }
        merge(text, found)
    }

    /// `text` with every finding replaced by `[REDACTED:<kind>]`, line by line.
    pub fn redact(&self, text: &str, path: &str) -> Redacted {
        let findings = self.scan(text, path);
        Redacted {
            text: apply(text, &findings),
            findings,
        }
    }
}

/// `text` with `findings` (from a scan of this same text) replaced by
/// `[REDACTED:<kind>]`, keeping every line end where it was.
pub fn apply(text: &str, findings: &[Finding]) -> String {
    {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in findings {
            if f.span.start < at || f.span.end > text.len() {
                continue;
            }
            out.push_str(&text[at..f.span.start]);
            let marker = format!("[REDACTED:{}]", f.kind);
            // Every line end stays where it was; each non-blank piece between
            // them becomes the marker, a blank piece stays as it is.
            let mut piece = f.span.start;
            for (i, c) in text[f.span.clone()].char_indices() {
                if c == '\n' || c == '\r' {
                    let at_i = f.span.start + i;
                    push_piece(&mut out, &text[piece..at_i], &marker);
                    out.push(c);
                    piece = at_i + 1;
                }
            }
            push_piece(&mut out, &text[piece..f.span.end], &marker);
            at = f.span.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// The lines holding the given offsets, merged into ranges (without the
/// final line end, as a line is matched on its own).
fn keyword_lines(text: &str, at: impl Iterator<Item = usize>) -> Vec<std::ops::Range<usize>> {
    let mut lines: Vec<std::ops::Range<usize>> = at
        .map(|p| {
            let s = text[..p].rfind('\n').map_or(0, |i| i + 1);
            let e = text[p..].find('\n').map_or(text.len(), |i| p + i);
            s..e
        })
        .collect();
    lines.sort_by_key(|r| r.start);
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for r in lines {
        match out.last_mut() {
            // Overlapping or adjacent (only a line end between): one region.
            Some(last) if r.start <= last.end + 1 => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

fn push_piece(out: &mut String, piece: &str, marker: &str) {
    if piece.trim().is_empty() {
        out.push_str(piece);
    } else {
        out.push_str(marker);
    }
}

/// The line (or lines) holding `start..end`, without line ends.
fn line_around(text: &str, start: usize, end: usize) -> &str {
    let s = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let e = text[end..].find('\n').map_or(text.len(), |i| end + i);
    &text[s..e]
}

/// Rules that find a secret by what surrounds it rather than by its format.
fn by_context(kind: &str) -> bool {
    matches!(
        kind,
        "generic-api-key"
            | "curl-auth-header"
            | "curl-auth-user"
            | "password-assignment"
            | "bearer-token"
    )
}

fn merge(text: &str, mut found: Vec<(std::ops::Range<usize>, &str)>) -> Vec<Finding> {
    // Wider first at the same start, so it absorbs the narrower ones; for the
    // same span, a named format before a rule that goes by context.
    found.sort_by(|a, b| {
        a.0.start
            .cmp(&b.0.start)
            .then(b.0.end.cmp(&a.0.end))
            .then(by_context(a.1).cmp(&by_context(b.1)))
    });
    let mut out: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for (span, kind) in found {
        match out.last_mut() {
            Some(last) if span.start < last.0.end => {
                if span.end > last.0.end {
                    if span.len() > last.0.len() {
                        last.1 = kind;
                    }
                    last.0.end = span.end;
                }
            }
            _ => out.push((span, kind)),
        }
    }
    let mut line = 1;
    let mut at = 0;
    out.into_iter()
        .map(|(span, kind)| {
            line += text[at..span.start].matches('\n').count();
            let end_line = line + text[span.clone()].matches('\n').count();
            at = span.start;
            Finding {
                kind: kind.to_string(),
                span,
                line,
                end_line,
            }
        })
        .collect()
}

/// "3 secrets" / "1 secret".
pub fn count_phrase(n: usize) -> String {
    format!("{n} secret{}", if n == 1 { "" } else { "s" })
}

/// Kinds with their lines, e.g. `aws-access-token (L4), private-key (L9-L12)`:
/// what a hover shows, never the values.
pub fn describe(findings: &[Finding]) -> Vec<String> {
    let mut by_kind: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in findings {
        let l = if f.end_line > f.line {
            format!("L{}-L{}", f.line, f.end_line)
        } else {
            format!("L{}", f.line)
        };
        by_kind.entry(f.kind.as_str()).or_default().push(l);
    }
    by_kind
        .into_iter()
        .map(|(k, ls)| format!("{k} ({})", ls.join(", ")))
        .collect()
}

#[doc(hidden)]
pub mod corpus;
#[cfg(test)]
mod tests;

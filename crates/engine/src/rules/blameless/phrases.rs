//! The phrase lists (`en.toml`, `zh-TW.toml`), embedded and compiled once.
//!
//! Each `[[phrase]]` entry has:
//! - `rule`: PM302…PM306 (PM301, names, is not phrase-based but is accepted)
//! - `pattern`: a Rust `regex`, matched case-insensitively; `\b` means an
//!   ASCII word boundary, so English words are found next to Chinese text
//! - `explain` (in the file's language), `explain_zh` / `explain_en`
//! - `rewrite` (optional): replacement for the matched text; `""` deletes it;
//!   `rewrite_zh` (en list) / `rewrite_en` (zh list) for a sentence in the
//!   other language
//! - `unless` (optional): a regex; a match overlapping the phrase cancels it
//! - `unless_anywhere` (optional): a regex; a match anywhere in the value
//!   cancels the phrase (a finished change, a deadline or a deliverable
//!   elsewhere in an action item)
//! - `subject` (optional): `person`, `person-or-missing` or `not-system`;
//!   checked on the named group `subj` if the pattern has one, else on the
//!   clause before the match
//! - `kinds` / `skip_kinds` (optional): field kinds (`root_cause`, `summary`,
//!   `factor`, `went_wrong`, `went_well`, `systemic`, `decision`, `action`,
//!   `success_criteria`, `other`)
//! - `at_start` (optional): only at the start of a statement, after
//!   bullets and "We will"/「將」
//! - `unless_measurable` (optional): not when the statement has a number
//!   with a unit, a percentage or a comparison
//! - `case_sensitive` (optional)
//!
//! A named group `hit` (or `hit2` / `hit3`, for other alternatives) narrows the
//! reported range to part of the match; `subj` / `subj2` name the span whose
//! subject is checked.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_automata::meta;
use regex_automata::util::captures::Captures;
use serde::Deserialize;

use super::subject::SubjectMode;
use super::FieldKind;

const EN: &str = include_str!("en.toml");
const ZH_TW: &str = include_str!("zh-TW.toml");

/// The language a phrase list is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhTw,
}

/// One compiled phrase.
#[derive(Clone, Debug)]
pub struct PhraseEntry {
    /// PM302…PM306.
    pub rule: &'static str,
    /// Which list it came from.
    pub lang: Lang,
    /// The regex as written in the list.
    pub pattern: String,
    /// Why this phrase is a problem, in English.
    pub explain: String,
    /// The same in 繁體中文.
    pub explain_zh: String,
    /// Replacement for the matched text, in the list's language.
    pub rewrite: Option<String>,
    /// The replacement in the other language, for mixed-language text.
    pub rewrite_other: Option<String>,
    /// Compiled the first time a text holds one of the pattern's required
    /// prefixes (see [`candidates`]): most phrases never occur in a given
    /// postmortem, and each compiled regex, with its search cache, costs
    /// memory.
    pub(crate) regex: LazyRegex,
    /// Compiled on first use: most `unless` patterns are only needed once
    /// their phrase matched, and each compiled regex costs memory.
    pub(crate) unless: Option<LazyRegex>,
    /// Compiled on first use, like `unless`; cancels on a match anywhere.
    pub(crate) unless_anywhere: Option<LazyRegex>,
    pub(crate) subject: SubjectMode,
    pub(crate) kinds: Vec<FieldKind>,
    pub(crate) at_start: bool,
    pub(crate) unless_measurable: bool,
}

/// A regex compiled the first time it is needed (a `LazyLock`-style cell
/// per phrase entry; the phrase lists themselves are compiled once).
#[derive(Debug)]
pub(crate) struct LazyRegex {
    source: String,
    case_sensitive: bool,
    ascii: bool,
    cell: OnceLock<PhraseRegex>,
}

impl Clone for LazyRegex {
    fn clone(&self) -> Self {
        LazyRegex {
            source: self.source.clone(),
            case_sensitive: self.case_sensitive,
            ascii: self.ascii,
            cell: OnceLock::new(),
        }
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = PhraseRegex;

    fn deref(&self) -> &PhraseRegex {
        self.get()
    }
}

impl LazyRegex {
    fn new(source: &str, case_sensitive: bool, ascii: bool) -> Self {
        LazyRegex {
            source: source.to_string(),
            case_sensitive,
            ascii,
            cell: OnceLock::new(),
        }
    }

    pub(crate) fn get(&self) -> &PhraseRegex {
        self.cell.get_or_init(|| {
            build(&self.source, self.case_sensitive, self.ascii).unwrap_or_else(|_| PhraseRegex {
                re: meta::Regex::new_many::<&str>(&[]).ok(),
            })
        })
    }
}

/// A phrase's compiled regex: `regex-automata`'s meta regex with only the
/// engines a phrase needs. Phrases run on one prose value at a time, a few
/// hundred bytes, where the bounded backtracker and the PikeVM are quick; the
/// lazy DFA's cache (about 30 KiB per phrase) and the reverse automaton the
/// DFAs search with (a third of a compiled phrase) were held for the life of
/// the server for nothing (measured with `memory_usage()` over the phrases
/// the example lets through its gate: 4.0 MB of automata and 4.0 MB of
/// caches with the `regex` crate's defaults, 2.3 MB and 0.9 MB without the
/// DFAs; see docs/performance.md). No one-pass DFA and no literal prefilter
/// either: the literal gate has already checked the value (massif showed
/// the prefilters' Teddy automata at 0.6 MB). Same syntax and matches as
/// `regex::Regex`.
#[derive(Debug)]
pub(crate) struct PhraseRegex {
    /// `None` for a pattern that failed to compile (tested not to happen).
    re: Option<meta::Regex>,
}

/// One match: the same accessors as `regex::Match`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Match<'h> {
    hay: &'h str,
    start: usize,
    end: usize,
}

impl<'h> Match<'h> {
    pub(crate) fn start(&self) -> usize {
        self.start
    }
    pub(crate) fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
    pub(crate) fn as_str(&self) -> &'h str {
        &self.hay[self.start..self.end]
    }
}

/// The groups of one match: the same accessors as `regex::Captures`.
pub(crate) struct Caps<'h> {
    hay: &'h str,
    caps: Captures,
}

impl<'h> Caps<'h> {
    fn at(&self, span: Option<regex_automata::Span>) -> Option<Match<'h>> {
        span.map(|s| Match {
            hay: self.hay,
            start: s.start,
            end: s.end,
        })
    }
    pub(crate) fn get(&self, i: usize) -> Option<Match<'h>> {
        self.at(self.caps.get_group(i))
    }
    pub(crate) fn name(&self, name: &str) -> Option<Match<'h>> {
        self.at(self.caps.get_group_by_name(name))
    }
}

impl PhraseRegex {
    pub(crate) fn is_match(&self, hay: &str) -> bool {
        self.re.as_ref().is_some_and(|r| r.is_match(hay))
    }

    pub(crate) fn find_iter<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = Match<'h>> + 'h {
        self.re.iter().flat_map(move |r| {
            r.find_iter(hay).map(move |m| Match {
                hay,
                start: m.start(),
                end: m.end(),
            })
        })
    }

    pub(crate) fn captures_iter<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = Caps<'h>> + 'h {
        self.re
            .iter()
            .flat_map(move |r| r.captures_iter(hay).map(move |caps| Caps { hay, caps }))
    }
}

impl PhraseEntry {
    pub(crate) fn applies_to(&self, kind: FieldKind) -> bool {
        self.kinds.contains(&kind)
    }
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    phrase: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    rule: String,
    pattern: String,
    explain: String,
    #[serde(default)]
    explain_zh: Option<String>,
    #[serde(default)]
    explain_en: Option<String>,
    #[serde(default)]
    rewrite: Option<String>,
    #[serde(default)]
    rewrite_zh: Option<String>,
    #[serde(default)]
    rewrite_en: Option<String>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    unless_anywhere: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    kinds: Option<Vec<String>>,
    #[serde(default)]
    skip_kinds: Option<Vec<String>>,
    #[serde(default)]
    at_start: bool,
    #[serde(default)]
    unless_measurable: bool,
    #[serde(default)]
    case_sensitive: bool,
}

/// The rule codes of this module, with their names.
pub const RULES: &[(&str, &str)] = &[
    ("PM301", "person-named"),
    ("PM302", "blame-language"),
    ("PM303", "counterfactual"),
    ("PM304", "people-fix-action"),
    ("PM305", "vague-action"),
    ("PM306", "judgemental-language"),
];

/// `\b` becomes an ASCII word boundary; with `all`, `\w`, `\s` and `\d` become
/// ASCII classes too (English lists: far smaller automata, same matches on
/// English prose).
fn ascii_classes(p: &str, all: bool) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if !in_class && chars.peek() != Some(&'{') => out.push_str(r"(?-u:\b)"),
                Some(n @ ('w' | 's' | 'd')) if all && in_class => out.push_str(match n {
                    'w' => "a-zA-Z0-9_",
                    's' => r"\t\n\x0B\x0C\r ",
                    _ => "0-9",
                }),
                // negated classes stay Unicode: in ASCII mode they could match invalid UTF-8
                Some(n @ ('w' | 's' | 'd')) if all && !in_class => {
                    out.push_str("(?-u:\\");
                    out.push(n);
                    out.push(')');
                }
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // a leading `^` or `]` belongs to the class
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Compiles a phrase (see [`PhraseRegex`]).
fn build(p: &str, case_sensitive: bool, ascii: bool) -> Result<PhraseRegex, String> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .hybrid(false)
                .dfa(false)
                .onepass(false)
                .auto_prefilter(false),
        )
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(!case_sensitive))
        .build(&ascii_classes(p, ascii))
        .map(|re| PhraseRegex { re: Some(re) })
        .map_err(|e| e.to_string())
}

fn default_kinds(rule: &str) -> Vec<FieldKind> {
    match rule {
        "PM304" | "PM305" => vec![FieldKind::Action],
        "PM301" => FieldKind::ALL
            .iter()
            .copied()
            .filter(|k| k.names_are_errors() || k.names_are_warnings())
            .collect(),
        _ => FieldKind::ALL
            .iter()
            .copied()
            .filter(|k| !matches!(k, FieldKind::Owner | FieldKind::Quote))
            .collect(),
    }
}

fn parse_kinds(names: &[String]) -> Result<Vec<FieldKind>, String> {
    names
        .iter()
        .map(|n| FieldKind::from_list_name(n).ok_or_else(|| format!("unknown kind `{n}`")))
        .collect()
}

fn compile(raw: RawEntry, lang: Lang) -> Result<PhraseEntry, String> {
    let rule = RULES
        .iter()
        .map(|(c, _)| *c)
        .find(|c| *c == raw.rule)
        .ok_or_else(|| format!("unknown rule `{}`", raw.rule))?;
    let regex = LazyRegex::new(&raw.pattern, raw.case_sensitive, lang == Lang::En);
    let lazy = |u: &str| LazyRegex::new(u, raw.case_sensitive, lang == Lang::En);
    let unless = raw.unless.as_deref().map(lazy);
    let unless_anywhere = raw.unless_anywhere.as_deref().map(lazy);
    let subject = match raw.subject.as_deref() {
        None => SubjectMode::Any,
        Some(s) => SubjectMode::parse(s).ok_or_else(|| format!("unknown subject mode `{s}`"))?,
    };
    let mut kinds = match &raw.kinds {
        Some(k) => parse_kinds(k)?,
        None => default_kinds(rule),
    };
    if let Some(skip) = &raw.skip_kinds {
        let skip = parse_kinds(skip)?;
        kinds.retain(|k| !skip.contains(k));
    }
    let (explain, explain_zh) = match lang {
        Lang::En => {
            let zh = raw
                .explain_zh
                .clone()
                .unwrap_or_else(|| raw.explain.clone());
            (raw.explain, zh)
        }
        Lang::ZhTw => {
            let en = raw
                .explain_en
                .clone()
                .unwrap_or_else(|| raw.explain.clone());
            (en, raw.explain)
        }
    };
    Ok(PhraseEntry {
        rule,
        lang,
        pattern: raw.pattern,
        explain,
        explain_zh,
        rewrite: raw.rewrite,
        rewrite_other: match lang {
            Lang::En => raw.rewrite_zh,
            Lang::ZhTw => raw.rewrite_en,
        },
        regex,
        unless,
        unless_anywhere,
        subject,
        kinds,
        at_start: raw.at_start,
        unless_measurable: raw.unless_measurable,
    })
}

/// Literals one of which every match of `p` contains, ASCII lower-cased
/// (see [`crate::literals::required`]); `None` when there is no such set. Also
/// checks that the pattern parses.
fn required_prefixes(
    p: &str,
    case_sensitive: bool,
    ascii: bool,
) -> Result<Option<Vec<Vec<u8>>>, String> {
    crate::literals::required(&ascii_classes(p, ascii), !case_sensitive)
}

/// Which phrase entries can match a text: one pass of a case-insensitive
/// Aho–Corasick automaton over every entry's required prefixes, instead of
/// running each entry's regex (and building its search cache) on every text.
struct Gate {
    /// The distinct prefixes of all entries; `None` when no entry has any.
    finder: Option<AhoCorasick>,
    /// For each prefix of `finder`, the entries it admits.
    owners: Vec<Vec<usize>>,
    /// Entries without required prefixes: always run.
    always: Vec<bool>,
}

impl Gate {
    fn new(prefixes: &[Option<Vec<Vec<u8>>>]) -> Gate {
        let mut lits: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = Default::default();
        for (i, p) in prefixes.iter().enumerate() {
            for l in p.iter().flatten() {
                let n = *index.entry(l.clone()).or_insert_with(|| {
                    lits.push(l.clone());
                    owners.push(Vec::new());
                    lits.len() - 1
                });
                if owners[n].last() != Some(&i) {
                    owners[n].push(i);
                }
            }
        }
        let finder = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&lits)
            .ok();
        let always = prefixes
            .iter()
            .map(|p| p.is_none() || finder.is_none())
            .collect();
        Gate {
            finder,
            owners,
            always,
        }
    }

    fn candidates(&self, text: &str) -> Vec<bool> {
        let mut c = self.always.clone();
        if let Some(f) = &self.finder {
            for m in f.find_overlapping_iter(text) {
                for &i in &self.owners[m.pattern().as_usize()] {
                    c[i] = true;
                }
            }
        }
        c
    }
}

struct Compiled {
    entries: Vec<PhraseEntry>,
    errors: Vec<String>,
    gate: Gate,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let mut entries = Vec::new();
        let mut prefixes = Vec::new();
        let mut errors = Vec::new();
        for (file, src, lang) in [("en.toml", EN, Lang::En), ("zh-TW.toml", ZH_TW, Lang::ZhTw)] {
            match toml::from_str::<RawFile>(src) {
                Ok(f) => {
                    for (n, raw) in f.phrase.into_iter().enumerate() {
                        let pat = raw.pattern.clone();
                        let pre = required_prefixes(&pat, raw.case_sensitive, lang == Lang::En);
                        match pre.and_then(|pre| Ok((pre, compile(raw, lang)?))) {
                            Ok((pre, e)) => {
                                prefixes.push(pre);
                                entries.push(e);
                            }
                            Err(e) => errors.push(format!("{file} entry {} (`{pat}`): {e}", n + 1)),
                        }
                    }
                }
                Err(e) => errors.push(format!("{file}: {e}")),
            }
        }
        let gate = Gate::new(&prefixes);
        Compiled {
            entries,
            errors,
            gate,
        }
    })
}

/// Every phrase entry of both lists, compiled (for checks, docs and hovers).
pub fn phrase_entries() -> &'static [PhraseEntry] {
    &compiled().entries
}

/// The phrase entries that can match `text`, in list order: those whose
/// required prefixes occur in it, and those without any. The others cannot
/// match, so their regexes need not run (nor be compiled).
pub(crate) fn candidates(text: &str) -> impl Iterator<Item = &'static PhraseEntry> {
    let c = compiled();
    let admitted = c.gate.candidates(text);
    c.entries
        .iter()
        .zip(admitted)
        .filter_map(|(e, ok)| ok.then_some(e))
}

/// Entries that failed to parse or compile (empty when the lists are sound;
/// a unit test keeps it so).
pub fn phrase_errors() -> &'static [String] {
    &compiled().errors
}

/// The name of a rule code ("PM302" → "blame-language").
pub fn rule_name(code: &str) -> Option<&'static str> {
    RULES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_compiles_with_a_valid_rule() {
        assert!(phrase_errors().is_empty(), "{:#?}", phrase_errors());
        let entries = phrase_entries();
        assert!(entries.len() > 50);
        for e in entries {
            assert!(RULES.iter().any(|(c, _)| *c == e.rule), "{}", e.pattern);
            assert!(
                !e.explain.trim().is_empty() && !e.explain_zh.trim().is_empty(),
                "{}",
                e.pattern
            );
            assert!(!e.kinds.is_empty(), "{}", e.pattern);
            // patterns and `unless` are compiled lazily at run time; here every one must compile
            if let Err(err) = build(&e.regex.source, e.regex.case_sensitive, e.regex.ascii) {
                panic!("`{}`: {err}", e.pattern);
            }
            for u in e.unless.iter().chain(&e.unless_anywhere) {
                if let Err(err) = build(&u.source, u.case_sensitive, u.ascii) {
                    panic!("unless of `{}`: {err}", e.pattern);
                }
            }
        }
        assert!(entries.iter().any(|e| e.lang == Lang::En));
        assert!(entries.iter().any(|e| e.lang == Lang::ZhTw));
        for (code, _) in &RULES[1..] {
            assert!(
                entries.iter().any(|e| e.rule == *code),
                "no phrase for {code}"
            );
        }
    }

    /// The gate never drops an entry whose regex matches: every entry,
    /// on text made to hold a match of it (the corpora test the same on
    /// real sentences), in upper, lower and mixed case.
    #[test]
    fn gate_keeps_every_matching_entry() {
        let entries = phrase_entries();
        let samples = [
            "We should have paged the owner sooner; the engineer failed to check the dashboard.",
            "Alice's carelessness caused the outage. He forgot to run the migration. Human error.",
            "Be more careful. Remember to double-check. Improve monitoring. Investigate the issue.",
            "THE ENGINEER SHOULD HAVE KNOWN BETTER AND OBVIOUSLY IGNORED THE ALERT.",
            "值班工程師應該要更小心，他疏忽了告警，因為人為疏失導致事故。加強監控。提高警覺。",
            "如果當時有檢查就不會發生。負責人沒有注意到。請大家多注意。",
            "Make sure to be careful next time; we will try to improve alerting and review things.",
            "It was a stupid mistake made by a sloppy deploy, simply a lack of attention.",
        ];
        let mut checked = 0;
        for text in samples {
            for t in [text.to_string(), text.to_lowercase(), text.to_uppercase()] {
                let admitted: Vec<*const PhraseEntry> =
                    candidates(&t).map(|e| e as *const _).collect();
                for e in entries {
                    if e.regex.is_match(&t) {
                        checked += 1;
                        assert!(
                            admitted.contains(&(e as *const _)),
                            "gate dropped `{}` on {t:?}",
                            e.pattern
                        );
                    }
                }
            }
        }
        assert!(checked > 20, "only {checked} matches in the samples");
        // and it does drop entries that cannot match
        assert!(candidates("The p99 latency rose to 2 s at 14:02.").count() < entries.len() / 2);
    }

    /// Every entry is behind the literal gate: it has required literals, so
    /// its regex runs only on values holding one of them (no entry runs on
    /// every keystroke's value).
    #[test]
    fn every_entry_is_behind_the_literal_gate() {
        let mut ungated = Vec::new();
        for (src, lang) in [(EN, Lang::En), (ZH_TW, Lang::ZhTw)] {
            let file: RawFile = toml::from_str(src).unwrap_or_else(|e| panic!("{e}"));
            for raw in file.phrase {
                let pre = required_prefixes(&raw.pattern, raw.case_sensitive, lang == Lang::En);
                if !matches!(pre, Ok(Some(ref l)) if !l.is_empty()) {
                    ungated.push(raw.pattern);
                }
            }
        }
        assert!(
            ungated.is_empty(),
            "entries without required literals: {ungated:#?}"
        );
    }

    /// The same on every sentence of the two blameless corpora (the
    /// integration tests' data): no entry whose regex matches is left out.
    #[test]
    fn gate_keeps_every_match_in_the_corpora() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../postmortem-lsp/tests/blameless/"
        );
        let entries = phrase_entries();
        let (mut sentences, mut matches) = (0, 0);
        for file in ["corpus.tsv", "real.tsv"] {
            let path = format!("{dir}{file}");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            for line in text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            {
                let raw = line.rsplit('\t').next().unwrap_or(line);
                for t in [raw.to_string(), super::super::quotes::mask(raw)] {
                    sentences += 1;
                    let admitted: Vec<*const PhraseEntry> =
                        candidates(&t).map(|e| e as *const _).collect();
                    for e in entries.iter().filter(|e| e.regex.is_match(&t)) {
                        matches += 1;
                        assert!(
                            admitted.contains(&(e as *const _)),
                            "{file}: gate dropped `{}` on {t:?}",
                            e.pattern
                        );
                    }
                }
            }
        }
        assert!(sentences > 1000 && matches > 500, "{sentences} / {matches}");
    }

    #[test]
    fn required_literals_are_sound() {
        let p = |s: &str, cs| required_prefixes(s, cs, true).unwrap();
        assert_eq!(p("blame", true), Some(vec![b"blame".to_vec()]));
        // case variants, lower-cased: the Kelvin sign stays a variant of `k`
        let k = p("ok", false).unwrap_or_default();
        assert!(k.contains(&b"ok".to_vec()), "{k:?}");
        assert!(k.contains(&"o\u{212A}".as_bytes().to_vec()), "{k:?}");
        assert!(!k.contains(&b"OK".to_vec()), "{k:?}");
        // a literal inside the pattern when it can start anywhere
        let inner = p(r"\w+ blamed", false).unwrap_or_default();
        assert!(inner.iter().all(|l| b" blamed".starts_with(l)), "{inner:?}");
        let alt = p(r"(?:we|you) (?:should|must)", false).unwrap_or_default();
        assert!(!alt.is_empty(), "{alt:?}");
        // no literal every match holds: no gate
        assert_eq!(p(r"\w+", false), None);
        assert_eq!(p(r"blame|\w+", false), None);
        assert_eq!(p(r"(?:blame)?", false), None);
        assert!(required_prefixes("(", false, true).is_err());
        // every match holds one of the literals
        let cases = [
            (r"(?:the )?engineer", "The ENGINEER did", false),
            (r"\bshould(?:n't)?\s+have\b", "we SHOULD have", false),
            (
                r"(?P<subj>[^，。]{1,12}?)(?P<hit>的錯)",
                "這是他的錯",
                false,
            ),
            (r"[!！]{2,}|[!！][?？]", "what！？", false),
            (
                r"(?:^|[.;]\s*)(?P<hit>just)\s+\w+ing\b",
                "ok. Just restarting",
                false,
            ),
            ("ask", "AS\u{212A} him", false),
            ("(?-i:PIP)", "a PIP", false),
        ];
        for (pat, text, cs) in cases {
            assert!(build(pat, cs, true).unwrap().is_match(text), "{pat}");
            let lits = p(pat, cs).unwrap_or_else(|| panic!("no literals for {pat}"));
            let hay = text.as_bytes().to_ascii_lowercase();
            assert!(
                lits.iter()
                    .any(|l| hay.windows(l.len()).any(|w| w == l.as_slice())),
                "{pat}: {lits:?} not in {text:?}"
            );
        }
    }

    #[test]
    fn ascii_boundary_rewrite() {
        assert_eq!(
            ascii_classes(r"\bx\b\\b\b{start}", false),
            r"(?-u:\b)x(?-u:\b)\\b\b{start}"
        );
        assert_eq!(
            ascii_classes(r"[\w.]\s\d\S", true),
            r"[a-zA-Z0-9_.](?-u:\s)(?-u:\d)\S"
        );
        let re = build(r"\bhuman error\b", false, true).unwrap();
        assert!(re.is_match("這是human error造成的"));
        assert!(!re.is_match("superhuman errors"));
    }
}

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

use regex::{Regex, RegexBuilder};
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
    pub(crate) regex: Regex,
    /// Compiled on first use: most `unless` patterns are only needed once
    /// their phrase matched, and each compiled regex costs memory.
    pub(crate) unless: Option<LazyRegex>,
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
    cell: OnceLock<Regex>,
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

impl LazyRegex {
    pub(crate) fn get(&self) -> &Regex {
        self.cell.get_or_init(|| {
            build(&self.source, self.case_sensitive, self.ascii)
                .unwrap_or_else(|_| super::names::never_matches())
        })
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

fn build(p: &str, case_sensitive: bool, ascii: bool) -> Result<Regex, String> {
    RegexBuilder::new(&ascii_classes(p, ascii))
        .case_insensitive(!case_sensitive)
        .build()
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
    let regex = build(&raw.pattern, raw.case_sensitive, lang == Lang::En)?;
    let unless = raw.unless.as_deref().map(|u| LazyRegex {
        source: u.to_string(),
        case_sensitive: raw.case_sensitive,
        ascii: lang == Lang::En,
        cell: OnceLock::new(),
    });
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
        subject,
        kinds,
        at_start: raw.at_start,
        unless_measurable: raw.unless_measurable,
    })
}

struct Compiled {
    entries: Vec<PhraseEntry>,
    errors: Vec<String>,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (file, src, lang) in [("en.toml", EN, Lang::En), ("zh-TW.toml", ZH_TW, Lang::ZhTw)] {
            match toml::from_str::<RawFile>(src) {
                Ok(f) => {
                    for (n, raw) in f.phrase.into_iter().enumerate() {
                        let pat = raw.pattern.clone();
                        match compile(raw, lang) {
                            Ok(e) => entries.push(e),
                            Err(e) => errors.push(format!("{file} entry {} (`{pat}`): {e}", n + 1)),
                        }
                    }
                }
                Err(e) => errors.push(format!("{file}: {e}")),
            }
        }
        Compiled { entries, errors }
    })
}

/// Every phrase entry of both lists, compiled (for checks, docs and hovers).
pub fn phrase_entries() -> &'static [PhraseEntry] {
    &compiled().entries
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
            // `unless` is compiled lazily at run time; here every one must compile
            if let Some(u) = &e.unless {
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

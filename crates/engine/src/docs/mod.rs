//! Field and enum documentation, in English and 繁體中文, from data files
//! (`src/docs/en.toml`, `src/docs/zh-TW.toml`), parsed once per language.
//! Hovers, completion, quick fixes, `postmortem-lsp explain FIELD` and the
//! JSON Schema's descriptions all read from here.

use crate::diagnostic::Locale;
use crate::schema::{self, Field, Kind};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const EN: &str = include_str!("en.toml");
const ZH_TW: &str = include_str!("zh-TW.toml");

/// The documentation of one schema field.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FieldDoc {
    /// One sentence: what the field is for.
    pub summary: String,
    /// Who reads it.
    pub readers: String,
    /// What a good value looks like.
    pub good: String,
    /// A short YAML example.
    pub example: String,
    /// What goes inside `TODO(…)` while the value is not known.
    pub todo: String,
}

/// One language's documentation.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Docs {
    ui: HashMap<String, String>,
    fields: HashMap<String, FieldDoc>,
    enums: HashMap<String, HashMap<String, String>>,
}

/// The documentation in `locale`, parsed on first use.
pub fn get(locale: Locale) -> &'static Docs {
    static EN_DOCS: OnceLock<Docs> = OnceLock::new();
    static ZH_DOCS: OnceLock<Docs> = OnceLock::new();
    match locale {
        Locale::En => EN_DOCS.get_or_init(|| parse(EN)),
        Locale::ZhTw => ZH_DOCS.get_or_init(|| parse(ZH_TW)),
    }
}

/// A broken data file yields empty documentation rather than a crash; the
/// tests below make sure that never ships.
fn parse(text: &str) -> Docs {
    toml::from_str(text).unwrap_or_default()
}

/// `action_items[2].owner` → `action_items.owner`.
pub fn schema_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

impl Docs {
    /// The documentation of a field by path (indices allowed); paths without
    /// an entry of their own fall back to `*.LAST`.
    pub fn field(&self, path: &str) -> Option<&FieldDoc> {
        let p = schema_path(path);
        self.fields.get(&p).or_else(|| {
            let last = p.rsplit('.').next().unwrap_or(&p);
            self.fields.get(&format!("*.{last}"))
        })
    }

    /// Why and when to choose `value` for the enum field at `path`.
    pub fn enum_value(&self, path: &str, value: &str) -> Option<&str> {
        let p = schema_path(path);
        let last = p.rsplit('.').next().unwrap_or(&p);
        self.enums
            .get(&p)
            .and_then(|m| m.get(value))
            .or_else(|| {
                self.enums
                    .get(&format!("*.{last}"))
                    .and_then(|m| m.get(value))
            })
            .map(String::as_str)
    }

    /// A user-interface string (the key itself when missing).
    pub fn ui<'a>(&'a self, key: &'a str) -> &'a str {
        self.ui.get(key).map_or(key, String::as_str)
    }

    /// A user-interface string with `{name}` placeholders filled in.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.ui(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// The text for `TODO(…)` placeholders of a field.
    pub fn todo(&self, path: &str) -> String {
        self.field(path)
            .map(|d| d.todo.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "what is missing".into())
    }

    /// A field's shape in words.
    pub fn describe_kind(&self, kind: &Kind) -> String {
        let names = |fs: &[Field]| fs.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
        match kind {
            Kind::Text => self.ui("kind_text").into(),
            Kind::Number => self.ui("kind_number").into(),
            Kind::Date => self.ui("kind_date").into(),
            Kind::Timestamp => self.ui("kind_timestamp").into(),
            Kind::Enum(v) => self.fmt("kind_enum", &[("values", &v.join(", "))]),
            Kind::Map(fs) => self.fmt("kind_map", &[("fields", &names(fs))]),
            Kind::List(inner) => self.fmt("kind_list", &[("inner", &self.describe_kind(inner))]),
            Kind::Dict(inner) => self.fmt("kind_dict", &[("inner", &self.describe_kind(inner))]),
            Kind::Source => self.ui("kind_source").into(),
            Kind::TextOr(fs) => self.fmt("kind_text_or", &[("fields", &names(fs))]),
        }
    }
}

/// The one-line summary of a field in English, if documented (used for the
/// JSON Schema's descriptions).
pub fn field_summary(path: &str) -> Option<String> {
    get(Locale::En)
        .field(path)
        .map(|d| d.summary.clone())
        .filter(|s| !s.is_empty())
}

/// Markdown or plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Plain,
}

impl Format {
    pub fn bold(self, s: &str) -> String {
        match self {
            Format::Markdown => format!("**{s}**"),
            Format::Plain => s.to_string(),
        }
    }
    pub fn code(self, s: &str) -> String {
        match self {
            Format::Markdown => {
                let ticks = if s.contains('`') { "``" } else { "`" };
                format!("{ticks}{s}{ticks}")
            }
            Format::Plain => s.to_string(),
        }
    }
    /// A block of verbatim text (YAML examples, cited text).
    pub fn block(self, lang: &str, s: &str) -> String {
        let s = s.trim_end_matches('\n');
        match self {
            Format::Markdown => {
                let mut fence = "```".to_string();
                while s.contains(&fence) {
                    fence.push('`');
                }
                format!("{fence}{lang}\n{s}\n{fence}")
            }
            Format::Plain => s
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
    pub fn link(self, text: &str, url: &str) -> String {
        match self {
            Format::Markdown => format!("[{text}]({url})"),
            Format::Plain => format!("{text}: {url}"),
        }
    }
}

/// The whole documentation of a field: title line (path, required, shape),
/// summary, readers, good value, example.
pub fn field_text(path: &str, locale: Locale, format: Format) -> Option<String> {
    let spath = schema_path(path);
    let f = schema::lookup(&spath)?;
    let d = get(locale);
    let doc = d.field(&spath)?;
    let req = if f.required {
        d.ui("required")
    } else {
        d.ui("optional")
    };
    // `**label**: text`; the colon stays outside the bold, or CommonMark
    // won't close it before a full-width colon followed by text
    let colon = d.ui("colon");
    let labeled = |key: &str, text: &str| format!("{}{colon}{text}", format.bold(d.ui(key)));
    let mut s = format!(
        "{} · {req} · {}\n\n{}\n\n{}\n\n{}\n\n{}{}\n{}",
        format.bold(&spath),
        d.describe_kind(&f.kind),
        doc.summary,
        labeled("readers", &doc.readers),
        labeled("good", &doc.good),
        format.bold(d.ui("example")),
        colon.trim_end(),
        format.block("yaml", &doc.example),
    );
    if let Kind::Enum(values) = &f.kind {
        s.push_str(&format!(
            "\n\n{}{}",
            format.bold(d.ui("allowed_values")),
            colon.trim_end()
        ));
        for v in *values {
            let text = d.enum_value(&spath, v).unwrap_or("");
            s.push_str(&format!("\n- {} — {text}", format.code(v)));
        }
    }
    Some(s)
}

/// The documentation of one enum value, with its field's summary.
pub fn enum_text(path: &str, value: &str, locale: Locale, format: Format) -> Option<String> {
    let spath = schema_path(path);
    let d = get(locale);
    let text = d.enum_value(&spath, value)?;
    let summary = d.field(&spath).map_or("", |f| f.summary.as_str());
    Some(format!(
        "{} {}\n\n{text}\n\n{} — {summary}",
        format.bold(&format!("{}:", spath)),
        format.code(value),
        format.code(&spath),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both() -> [(Locale, &'static Docs); 2] {
        [
            (Locale::En, get(Locale::En)),
            (Locale::ZhTw, get(Locale::ZhTw)),
        ]
    }

    #[test]
    fn data_files_parse() {
        for (name, text) in [("en.toml", EN), ("zh-TW.toml", ZH_TW)] {
            if let Err(e) = toml::from_str::<Docs>(text) {
                panic!("{name} does not parse: {e}");
            }
        }
    }

    #[test]
    fn every_field_is_documented_in_both_languages() {
        for (loc, d) in both() {
            for p in schema::all_paths() {
                let doc = d
                    .field(&p)
                    .unwrap_or_else(|| panic!("{loc:?}: no documentation for `{p}`"));
                for (what, text) in [
                    ("summary", &doc.summary),
                    ("readers", &doc.readers),
                    ("good", &doc.good),
                    ("example", &doc.example),
                    ("todo", &doc.todo),
                ] {
                    assert!(!text.trim().is_empty(), "{loc:?}: `{p}` has no {what}");
                }
                assert!(field_text(&p, loc, Format::Markdown).is_some());
            }
        }
    }

    #[test]
    fn every_enum_value_is_documented_in_both_languages() {
        for (loc, d) in both() {
            for (p, v) in schema::all_enum_values() {
                let t = d
                    .enum_value(&p, v)
                    .unwrap_or_else(|| panic!("{loc:?}: no documentation for `{p}: {v}`"));
                assert!(t.chars().count() > 20, "{loc:?}: `{p}: {v}` is too short");
            }
        }
    }

    /// Every message key the code asks for exists in both languages (a key
    /// that is missing would show as the key itself).
    #[test]
    fn every_key_the_code_uses_is_in_both_languages() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).expect("src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    sources(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(std::fs::read_to_string(&p).expect("read"));
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let re = regex::Regex::new(r#"\.(?:fmt|ui)\(\s*"([a-z0-9_]+)""#).expect("regex");
        let mut used: Vec<String> = files
            .iter()
            .flat_map(|f| {
                re.captures_iter(f)
                    .map(|c| c[1].to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        used.sort();
        used.dedup();
        assert!(used.len() > 20, "{used:?}");
        for (loc, d) in both() {
            for k in &used {
                assert!(d.ui.contains_key(k), "{loc:?} has no [ui] {k}");
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_entries() {
        let (en, zh) = (get(Locale::En), get(Locale::ZhTw));
        let mut a: Vec<&String> = en.ui.keys().collect();
        let mut b: Vec<&String> = zh.ui.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "[ui] keys differ");
        let mut a: Vec<&String> = en.fields.keys().collect();
        let mut b: Vec<&String> = zh.fields.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "[fields] differ");
        for (k, m) in &en.enums {
            let z = zh
                .enums
                .get(k)
                .unwrap_or_else(|| panic!("zh-TW lacks enums.{k}"));
            let mut a: Vec<&String> = m.keys().collect();
            let mut b: Vec<&String> = z.keys().collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "enums.{k} differ");
        }
        // every documented path exists in the schema (no stale entries)
        let paths = schema::all_paths();
        for k in en.fields.keys() {
            assert!(
                k.starts_with("*.") || paths.contains(k),
                "en.toml documents `{k}`, which the schema doesn't have"
            );
        }
        // placeholders survive translation
        for (k, v) in &en.ui {
            let zv = zh.ui(k);
            for part in v.split('{').skip(1) {
                let name = part.split('}').next().unwrap_or("");
                assert!(
                    zv.contains(&format!("{{{name}}}")),
                    "zh-TW [ui] {k} lacks {{{name}}}"
                );
            }
        }
    }

    #[test]
    fn chinese_text_is_traditional() {
        // Characters that exist only in Simplified Chinese.
        for c in "这个们为时发对设资库务检应运数据线确认单项变负责类说该".chars()
        {
            assert!(
                !ZH_TW.contains(c),
                "zh-TW.toml contains the simplified `{c}`"
            );
        }
    }

    #[test]
    fn hover_text_in_both_languages() {
        let en =
            field_text("action_items[0].owner", Locale::En, Format::Markdown).unwrap_or_default();
        assert!(en.contains("**action_items.owner**") && en.contains("required"));
        assert!(en.contains("TODO(who owns this)"));
        let zh = field_text("action_items.owner", Locale::ZhTw, Format::Plain).unwrap_or_default();
        assert!(zh.contains("必填") && zh.contains("誰會讀：") && !zh.contains("**"));
        let e = enum_text(
            "root_cause.primary_cause_category",
            "capacity",
            Locale::ZhTw,
            Format::Markdown,
        )
        .unwrap_or_default();
        assert!(e.contains("`config`"), "{e}");
        assert!(field_summary("slo_impact.mtta").is_some());
        assert!(get(Locale::En)
            .fmt("lens_todos", &[("n", "3")])
            .contains('3'));
    }
}

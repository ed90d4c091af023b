//! Completion: keys valid at the cursor (missing ones first, with skeleton
//! snippets), enum values with their meaning, input names after `[`, and
//! paragraph and line numbers after `[NAME §` / `[NAME L` with a preview.
//!
//! The cursor's place is read from the raw text ([`super::cursor`]), so
//! completion works while the document around the cursor doesn't parse.

use super::cursor::{self, Place};
use super::{docs, preview, Format};
use crate::analysis::Analysis;
use crate::citation::CiteKind;
use crate::fixes::{self, Render};
use crate::inputs::InputFile;
use crate::schema::{Field, Kind};
use crate::text::Span;
use regex::Regex;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A top-level section.
    Section,
    Field,
    /// A list item skeleton (e.g. a new action item).
    Snippet,
    EnumValue,
    Value,
    /// An input file name.
    Input,
    /// A paragraph or line of an input.
    Location,
}

#[derive(Clone, Debug)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text the item replaces.
    pub edit: Span,
    /// Plain text to insert.
    pub insert: String,
    /// The same with tab stops, when it has any.
    pub snippet: Option<String>,
    pub sort: String,
    pub filter: Option<String>,
    pub preselect: bool,
}

impl Item {
    fn new(
        label: impl Into<String>,
        kind: ItemKind,
        edit: Span,
        insert: impl Into<String>,
    ) -> Self {
        Item {
            label: label.into(),
            kind,
            detail: None,
            documentation: None,
            edit,
            insert: insert.into(),
            snippet: None,
            sort: String::new(),
            filter: None,
            preselect: false,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Completions {
    pub items: Vec<Item>,
    /// More items exist than were sent; typing more narrows them.
    pub incomplete: bool,
}

/// At most this many paragraph or line items per request.
const MAX_LOCATIONS: usize = 200;

/// Completions at byte `off`.
pub fn complete(a: &Analysis, off: usize, format: Format) -> Completions {
    let mut off = off.min(a.text.len());
    while !a.text.is_char_boundary(off) {
        off -= 1;
    }
    if let Some(c) = citations(a, off, format) {
        return c;
    }
    let cur = cursor::at(&a.text, off);
    let mut out = Completions::default();
    match &cur.place {
        Place::Key { col, word, dash } => keys(a, &cur, *col, word, *dash, format, &mut out),
        Place::Value {
            key,
            value,
            same_line: true,
            ..
        } => values(a, &cur, key, value, format, &mut out),
        _ => {}
    }
    out
}

/// Text from `start` to the end of the word at `off` (so a completion in the
/// middle of a word replaces all of it).
fn word_end(text: &str, off: usize) -> usize {
    text[off..]
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(text.len(), |i| off + i)
}

fn keys(
    a: &Analysis,
    cur: &cursor::Cursor,
    col: usize,
    word: &Span,
    dash: bool,
    format: Format,
    out: &mut Completions,
) {
    let Some((kind, spath)) = cursor::container(&cur.ancestors) else {
        return;
    };
    let d = docs(a);
    let end = word_end(&a.text, cur.offset);
    let edit = word.start..end;
    let rest = &a.text[end..fixes::line_end(&a.text, end)];
    let has_colon = rest.trim_start().starts_with(':');
    let mut render = Render::new(a.locale, true);
    render.first_input = a
        .inputs
        .as_ref()
        .and_then(|i| i.first())
        .map(|e| e.name.as_str());
    render.next_id = fixes::next_action_id(&a.text, a.root());
    let nl = "\n";
    match kind {
        Kind::Map(fields) | Kind::TextOr(fields) => {
            let present = cursor::sibling_keys(&a.text, cur);
            for (i, f) in fields.iter().enumerate() {
                let fpath = crate::query::join(&spath, f.name);
                let is_present = present.iter().any(|k| k == f.name);
                let rank = match (is_present, f.required) {
                    (false, true) => 0,
                    (false, false) => 1,
                    (true, _) => 2,
                };
                let top = spath.is_empty();
                let mut it = Item::new(
                    f.name,
                    if top {
                        ItemKind::Section
                    } else {
                        ItemKind::Field
                    },
                    edit.clone(),
                    if has_colon {
                        f.name.to_string()
                    } else {
                        format!("{}: ", f.name)
                    },
                );
                let state = if is_present {
                    d.ui("completion_present")
                } else {
                    d.ui("completion_missing")
                };
                let req = if f.required {
                    d.ui("required")
                } else {
                    d.ui("optional")
                };
                it.detail = Some(format!("{req} · {state} · {}", d.describe_kind(&f.kind)));
                it.documentation = crate::docs::field_text(&fpath, a.locale, format);
                it.sort = format!("{rank}{i:02}");
                it.filter = Some(f.name.to_string());
                if !has_colon {
                    let mut r = Render::new(a.locale, true);
                    r.first_input = render.first_input;
                    r.next_id = render.next_id.clone();
                    let lines = r.field(f, &fpath, col);
                    let text = lines.join(nl);
                    it.snippet = Some(text[col.min(text.len())..].to_string());
                    let mut p = Render::new(a.locale, false);
                    p.next_id = render.next_id.clone();
                    if lines.len() > 1 {
                        let plain = p.field(f, &fpath, col).join(nl);
                        it.insert = plain[col.min(plain.len())..].to_string();
                    }
                }
                it.preselect = rank == 0 && out.items.iter().all(|x| !x.preselect);
                out.items.push(it);
            }
            // a fresh `- ` item of a list of maps: the whole item skeleton
            if dash
                && !has_colon
                && cursor::sibling_keys(&a.text, cur).is_empty()
                && a.text[word.clone()].is_empty()
            {
                if let Some(it) =
                    item_skeleton(a, format, &spath, fields, col, false, edit.clone(), &render)
                {
                    out.items.insert(0, it);
                }
            }
        }
        Kind::List(Kind::Map(fields)) => {
            if let Some(it) =
                item_skeleton(a, format, &spath, fields, col, true, edit.clone(), &render)
            {
                out.items.push(it);
            }
        }
        _ => {}
    }
}

/// A new list item (`- id: AI-00N …`): with its dash when the cursor is at the
/// list's indentation, without it right after a typed `- `.
#[allow(clippy::too_many_arguments)]
fn item_skeleton(
    a: &Analysis,
    format: Format,
    spath: &str,
    fields: &[Field],
    col: usize,
    with_dash: bool,
    edit: Span,
    base: &Render,
) -> Option<Item> {
    if !fields.iter().any(|f| f.required) {
        return None;
    }
    let d = docs(a);
    let nl = "\n";
    let make = |snippet: bool| {
        let mut r = Render::new(a.locale, snippet);
        r.first_input = base.first_input;
        r.next_id = base.next_id.clone();
        let lines = if with_dash {
            r.item(fields, spath, col)
        } else {
            r.body(fields, spath, col)
        };
        let t = lines.join(nl);
        t[col.min(t.len())..].to_string()
    };
    let first = fields.iter().find(|f| f.required)?.name;
    let label = if spath == "action_items" {
        d.fmt("completion_new_action", &[("id", &base.next_id)])
    } else {
        format!("- {first}: …")
    };
    let mut it = Item::new(label.clone(), ItemKind::Snippet, edit, make(false));
    it.snippet = Some(make(true));
    it.detail = Some(spath.to_string());
    it.documentation = Some(format.block("yaml", &make(false)));
    it.sort = "0".into();
    it.filter = Some(if with_dash {
        format!("- {first}")
    } else {
        first.to_string()
    });
    it.preselect = true;
    Some(it)
}

fn values(
    a: &Analysis,
    cur: &cursor::Cursor,
    key: &str,
    value: &Span,
    format: Format,
    out: &mut Completions,
) {
    let Some((kind, spath)) = cursor::container(&cur.ancestors) else {
        return;
    };
    let (fk, fpath) = super::child(Some(kind), &spath, key);
    let Some(fk) = fk else { return };
    let typed = &a.text[value.clone()];
    if typed.starts_with(['"', '\'', '[', '{', '|', '>']) {
        return;
    }
    let end = word_end(&a.text, cur.offset);
    let edit = value.start..end;
    // `key:|` with no space yet
    let lead = if a.text[..value.start].ends_with(':') {
        " "
    } else {
        ""
    };
    let d = docs(a);
    match fk {
        Kind::Enum(vals) => {
            for (i, v) in vals.iter().enumerate() {
                let mut it = Item::new(*v, ItemKind::EnumValue, edit.clone(), format!("{lead}{v}"));
                let text = d.enum_value(&fpath, v).unwrap_or("");
                it.detail = Some(first_sentence(text));
                it.documentation = crate::docs::enum_text(&fpath, v, a.locale, format);
                it.sort = format!("{i:02}");
                it.filter = Some(v.to_string());
                out.items.push(it);
            }
        }
        Kind::Text if fpath == "decision_log.chosen" => {
            // the options of the same decision
            let Some(root) = a.root() else { return };
            let h = super::locate(root, cur.line_start);
            let Some(item_path) = h.path.find(']').map(|i| h.path[..=i].to_string()) else {
                return;
            };
            let Some(opts) = super::find_path(root, &item_path)
                .and_then(|n| n.get("options_considered"))
                .and_then(|n| n.as_seq())
            else {
                return;
            };
            for (i, o) in opts.iter().filter_map(|o| o.str_value()).enumerate() {
                let mut it = Item::new(o, ItemKind::Value, edit.clone(), format!("{lead}{o}"));
                it.sort = format!("{i:02}");
                out.items.push(it);
            }
        }
        Kind::Text if fpath == "verify.low_confidence.field" => {
            for (i, v) in super::lens::verify_items(a)
                .into_iter()
                .filter(|v| v.kind == super::lens::VerifyKind::LowConfidence)
                .enumerate()
            {
                let mut it = Item::new(
                    v.field.clone(),
                    ItemKind::Value,
                    edit.clone(),
                    format!("{lead}{}", v.field),
                );
                it.detail = Some(v.label.clone());
                it.sort = format!("{i:03}");
                out.items.push(it);
            }
        }
        Kind::Source if typed.is_empty() => {
            for (i, e) in a.inputs.iter().flatten().enumerate() {
                let loc = if chat_like(&e.name, &e.rel, e.file.as_deref().ok()) {
                    "L"
                } else {
                    "§"
                };
                let mut it = Item::new(
                    format!("\"[{} {loc}…]\"", e.name),
                    ItemKind::Input,
                    edit.clone(),
                    format!("{lead}\"[{} {loc}1]\"", e.name),
                );
                it.snippet = Some(format!("{lead}\"[{} {loc}${{1:1}}]\"", fixes::esc(&e.name)));
                it.detail = Some(e.rel.clone());
                it.sort = format!("{i:02}");
                it.filter = Some(e.name.clone());
                out.items.push(it);
            }
        }
        _ => {}
    }
}

fn first_sentence(s: &str) -> String {
    let end = s
        .char_indices()
        .find(|(i, c)| {
            matches!(c, '。' | '：')
                || (*c == '.' && s[i + 1..].starts_with(' '))
                || (*c == ':' && s[i + 1..].starts_with(' '))
        })
        .map_or(s.len(), |(i, c)| i + c.len_utf8());
    s[..end].trim_end_matches([':', '：']).to_string()
}

/// Inputs that are cited by line rather than by paragraph.
fn chat_like(name: &str, rel: &str, f: Option<&InputFile>) -> bool {
    let hay = format!("{name} {rel}").to_lowercase();
    ["chat", "slack", "irc", "transcript", ".log"]
        .iter()
        .any(|w| hay.contains(w))
        || f.is_some_and(|f| f.paragraphs.len() <= 1 && f.line_count() > 1)
}

fn cite_re() -> &'static [(Regex, Loc)] {
    static RE: OnceLock<Vec<(Regex, Loc)>> = OnceLock::new();
    RE.get_or_init(|| {
        [
            (r"^([A-Za-z0-9_.-]*)$", Loc::Name),
            (
                r"^([A-Za-z0-9_.-]+)\s+[§¶]\s*(\d+)\s*[-–~]\s*§?(\d*)$",
                Loc::ParaEnd,
            ),
            (
                r"^([A-Za-z0-9_.-]+)\s+[Ll](\d+)\s*[-–~]\s*[Ll]?(\d*)$",
                Loc::LineEnd,
            ),
            (r"^([A-Za-z0-9_.-]+)\s+[§¶]\s*(\d*)$", Loc::Para),
            (r"^([A-Za-z0-9_.-]+)\s*第(\d*)$", Loc::Di),
            (r"^([A-Za-z0-9_.-]+)\s+([Ll]?)(\d*)$", Loc::Line),
        ]
        .into_iter()
        .filter_map(|(re, loc)| Regex::new(re).ok().map(|r| (r, loc)))
        .collect()
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Loc {
    Name,
    Para,
    Di,
    Line,
    ParaEnd,
    LineEnd,
}

/// Completion inside `[…`: input names, then paragraphs or lines.
fn citations(a: &Analysis, off: usize, format: Format) -> Option<Completions> {
    let ls = fixes::line_start(&a.text, off);
    let prefix = &a.text[ls..off];
    let open = prefix.rfind('[')?;
    if prefix[open..].contains(']') {
        return None;
    }
    // `[report §3, chat L` (a flow list of bare citations): the last part
    let body_start = prefix[open + 1..]
        .rfind(',')
        .map_or(open + 1, |c| open + 1 + c + 1);
    let raw = &prefix[body_start..];
    let inner = raw.trim_start();
    let inner_start = ls + body_start + (raw.len() - inner.len());
    let d = docs(a);
    let mut out = Completions::default();
    for (re, loc) in cite_re() {
        let Some(caps) = re.captures(inner) else {
            continue;
        };
        if *loc == Loc::Name {
            let typed = caps.get(1).map_or("", |m| m.as_str());
            let edit = inner_start..word_end(&a.text, off).max(off);
            for (i, (name, rel, file)) in input_names(a).into_iter().enumerate() {
                let loc = if chat_like(&name, &rel, file) {
                    "L"
                } else {
                    "§"
                };
                let mut it = Item::new(
                    name.clone(),
                    ItemKind::Input,
                    edit.clone(),
                    format!("{name} {loc}"),
                );
                it.detail = Some(d.fmt("completion_input", &[("file", &rel)]));
                if let Some(f) = file {
                    it.documentation = Some(format!(
                        "{}\n\n{}",
                        d.fmt(
                            "input_stats",
                            &[
                                ("paragraphs", &f.paragraphs.len().to_string()),
                                ("lines", &f.line_count().to_string()),
                                ("name", &name)
                            ]
                        ),
                        format.block(
                            "text",
                            &f.paragraphs
                                .first()
                                .map(|p| preview(&f.text[p.clone()], 300))
                                .unwrap_or_default()
                        )
                    ));
                }
                it.sort = format!("0{i:02}");
                it.filter = Some(name.clone());
                out.items.push(it);
            }
            if typed.is_empty() || "source".starts_with(typed) {
                let marker = match a.locale {
                    crate::diagnostic::Locale::En => "source unstated, needs confirmation",
                    crate::diagnostic::Locale::ZhTw => "來源未明示,需確認",
                };
                let close = if a.text[off..].starts_with(']') {
                    ""
                } else {
                    "]"
                };
                let mut it = Item::new(marker, ItemKind::Value, edit, format!("{marker}{close}"));
                it.documentation = Some(d.ui("cite_unattributed").to_string());
                it.sort = "1".into();
                out.items.push(it);
            }
            return Some(out);
        }
        let name = caps.get(1).map_or("", |m| m.as_str());
        let file = a.input(name).and_then(|e| e.file.as_ref().ok())?;
        let (digits, start_at) = match loc {
            Loc::ParaEnd | Loc::LineEnd => (
                caps.get(3),
                caps.get(2)
                    .and_then(|m| m.as_str().parse::<usize>().ok())
                    .unwrap_or(1),
            ),
            Loc::Line => (caps.get(3), 1),
            _ => (caps.get(2), 1),
        };
        let typed = digits.map_or("", |m| m.as_str());
        let edit_start = digits.map_or(off, |m| inner_start + m.start());
        let edit = edit_start..off;
        let bare = *loc == Loc::Line && caps.get(2).is_some_and(|m| m.as_str().is_empty());
        let paras = matches!(loc, Loc::Para | Loc::Di | Loc::ParaEnd)
            || (bare && !chat_like(name, "", Some(file)));
        let lines = matches!(loc, Loc::Line | Loc::LineEnd) && !(bare && paras);
        if paras {
            let mut n = 0;
            for (i, p) in file.paragraphs.iter().enumerate().skip(start_at - 1) {
                let num = (i + 1).to_string();
                if !num.starts_with(typed) {
                    continue;
                }
                if n == MAX_LOCATIONS {
                    out.incomplete = true;
                    break;
                }
                n += 1;
                let text = &file.text[p.clone()];
                let ins = match (loc, bare) {
                    (Loc::Di, _) => format!("{num}段"),
                    (_, true) => format!("§{num}"),
                    _ => num.clone(),
                };
                let mut it = Item::new(
                    format!("§{num}"),
                    ItemKind::Location,
                    edit.clone(),
                    ins.clone(),
                );
                it.detail = Some(preview(text, 80));
                let (l0, l1) = file.line_range(p);
                it.documentation = Some(format!(
                    "{}\n\n{}",
                    format.bold(&format!(
                        "{} · {} · {}",
                        file.path
                            .file_name()
                            .map_or(String::new(), |f| f.to_string_lossy().into_owned()),
                        d.fmt("completion_paragraph", &[("n", &num)]),
                        if l0 == l1 {
                            d.fmt("cite_lines", &[("a", &(l0 + 1).to_string())])
                        } else {
                            d.fmt(
                                "cite_line_range",
                                &[("a", &(l0 + 1).to_string()), ("b", &(l1 + 1).to_string())],
                            )
                        }
                    )),
                    format.block("text", &preview_block(text))
                ));
                it.sort = format!("{:06}", i + 1);
                it.filter = Some(if bare { ins } else { num });
                out.items.push(it);
            }
        }
        if lines || (bare && !paras) {
            let mut n = 0;
            for i in (start_at - 1)..file.line_count() {
                let num = (i + 1).to_string();
                if !num.starts_with(typed) {
                    continue;
                }
                let span = file.lines.line_span(&file.text, i);
                let text = &file.text[span];
                if text.trim().is_empty() {
                    continue;
                }
                if n == MAX_LOCATIONS {
                    out.incomplete = true;
                    break;
                }
                n += 1;
                let ins = if bare { format!("L{num}") } else { num.clone() };
                let mut it = Item::new(
                    format!("L{num}"),
                    ItemKind::Location,
                    edit.clone(),
                    ins.clone(),
                );
                it.detail = Some(preview(text, 80));
                if text.chars().count() > 80 {
                    // the detail shows only the start of a long line
                    it.documentation = Some(format.block("text", &preview(text, 400)));
                }
                it.sort = format!("{:06}", i + 1);
                it.filter = Some(if bare { ins } else { num });
                out.items.push(it);
            }
        }
        return Some(out);
    }
    None
}

fn preview_block(s: &str) -> String {
    let lines: Vec<&str> = s.lines().take(8).collect();
    lines
        .iter()
        .map(|l| preview(l, 200))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Declared inputs (name, path, file), from the analysis, or from the raw
/// `inputs:` lines when that section doesn't parse.
fn input_names(a: &Analysis) -> Vec<(String, String, Option<&InputFile>)> {
    if let Some(ins) = &a.inputs {
        return ins
            .iter()
            .map(|e| (e.name.clone(), e.rel.clone(), e.file.as_deref().ok()))
            .collect();
    }
    let mut out = Vec::new();
    let mut inside = false;
    for line in a.text.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('#') {
            inside = line.trim_end() == "inputs:";
            continue;
        }
        if inside {
            let t = cursor::tokens(line);
            if let Some((k, v)) = t.key {
                out.push((k.to_string(), v.to_string(), None));
            }
        }
    }
    // names cited elsewhere, if nothing is declared
    if out.is_empty() {
        for c in &a.citations {
            if let CiteKind::Cite { input, .. } = &c.kind {
                if !out.iter().any(|(n, _, _)| n == input) {
                    out.push((input.clone(), String::new(), None));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Locale;
    use crate::ide::test_support::{at, example};

    fn labels(c: &Completions) -> Vec<&str> {
        c.items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn missing_sections_first_with_skeletons() {
        let (a, off) = at(
            "incident_ref: INC-1\nroot_cause:\n  confidence: H\n|",
            Locale::En,
        );
        let c = complete(&a, off, Format::Markdown);
        let first = &c
            .items
            .iter()
            .min_by_key(|i| i.sort.clone())
            .expect("items")
            .label;
        assert_eq!(first, "contributing_factors");
        let rc = c
            .items
            .iter()
            .find(|i| i.label == "root_cause")
            .expect("rc");
        assert!(rc.sort.starts_with('2'));
        let ai = c
            .items
            .iter()
            .find(|i| i.label == "action_items")
            .expect("ai");
        let snip = ai.snippet.as_deref().unwrap_or("");
        assert!(
            snip.starts_with("action_items:\n  - id: ${1:AI-001}\n    statement: ${2:TODO("),
            "{snip}"
        );
        assert!(ai.insert.contains("owner: TODO(who owns this)"));
    }

    #[test]
    fn keys_of_an_action_item_missing_first() {
        let (a, off) = at(
            "action_items:\n  - id: AI-001\n    owner: x\n    s|\n",
            Locale::En,
        );
        let c = complete(&a, off, Format::Markdown);
        let mut items = c.items.clone();
        items.sort_by(|x, y| x.sort.cmp(&y.sort));
        assert_eq!(items[0].label, "statement");
        assert!(items
            .iter()
            .any(|i| i.label == "owner" && i.sort.starts_with('2')));
        let sev = items
            .iter()
            .find(|i| i.label == "severity")
            .expect("severity");
        assert_eq!(sev.snippet.as_deref(), Some("severity: ${1|P0,P1,P2|}"));
        assert_eq!(&a.text[sev.edit.clone()], "s");
    }

    #[test]
    fn new_action_item_gets_the_next_id() {
        let (a, off) = at(
            "action_items:\n  - id: AI-001\n    owner: x\n  - id: AI-002\n    owner: y\n  |",
            Locale::En,
        );
        let c = complete(&a, off, Format::Markdown);
        let it = c
            .items
            .iter()
            .find(|i| i.kind == ItemKind::Snippet)
            .expect("snippet");
        assert!(it.label.contains("AI-003"), "{}", it.label);
        assert!(
            it.insert.starts_with("- id: AI-003\n    statement: TODO("),
            "{}",
            it.insert
        );
        let (a, off) = at("action_items:\n  - id: AI-001\n  - |", Locale::En);
        let c = complete(&a, off, Format::Markdown);
        let it = c
            .items
            .iter()
            .find(|i| i.kind == ItemKind::Snippet)
            .expect("snippet");
        assert!(
            it.insert.starts_with("id: AI-002\n    statement:"),
            "{}",
            it.insert
        );
    }

    #[test]
    fn enum_values_with_explanations() {
        let (a, off) = at("root_cause:\n  primary_cause_category: c|\n", Locale::ZhTw);
        let c = complete(&a, off, Format::Markdown);
        assert_eq!(
            labels(&c),
            vec![
                "code",
                "config",
                "capacity",
                "dependency",
                "process",
                "training",
                "monitoring"
            ]
        );
        let cap = &c.items[2];
        assert!(cap.documentation.as_deref().unwrap_or("").contains("資源"));
        assert_eq!(&a.text[cap.edit.clone()], "c");
        let (a, off) = at(
            "timeline:\n  - at: 2026-04-09T14:02:00Z\n    kind:|",
            Locale::En,
        );
        let c = complete(&a, off, Format::Plain);
        assert_eq!(c.items[0].insert, " impact_start");
    }

    #[test]
    fn completion_in_a_document_with_a_syntax_error() {
        // an unclosed quote and bracket above, a half-typed key at the cursor
        let t = "incident_ref: INC-1\naction_items:\n  - id: AI-001\n    statement: \"Add a check [report §1\n    source: [report §2\n    seve|\nwhat_went_well: [unclosed\n";
        let (a, off) = at(t, Locale::En);
        assert!(
            !a.parsed.errors.is_empty(),
            "the fixture has a syntax error"
        );
        let c = complete(&a, off, Format::Markdown);
        assert!(labels(&c).contains(&"severity"), "{:?}", labels(&c));
        // and inside an unclosed bracket on the same line
        let t = "inputs:\n  report: report.md\n  chat: chat.log\nroot_cause:\n  source: \"[ch|\nwhat_went_well: [\n";
        let (a, off) = at(t, Locale::En);
        let c = complete(&a, off, Format::Markdown);
        assert_eq!(labels(&c)[..2], ["report", "chat"]);
        assert_eq!(c.items[1].insert, "chat L");
        assert_eq!(&a.text[c.items[1].edit.clone()], "ch");
    }

    #[test]
    fn paragraphs_and_lines_with_previews() {
        let mut a = example(Locale::En);
        let base = a.text.clone();
        let probe = |a: &mut Analysis, add: &str| {
            let t = format!("{base}\nwhat_went_wrong:\n  - \"x {add}");
            let off = t.len();
            let cfg = crate::config::Config::default();
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/checkout-outage");
            let path = dir.join("postmortem.yaml");
            let mut o = crate::analysis::Options::new(&cfg);
            o.path = Some(&path);
            o.root = Some(&dir);
            *a = crate::analysis::analyze(t, &o);
            complete(a, off, Format::Markdown)
        };
        let c = probe(&mut a, "[report §");
        assert_eq!(c.items.len(), 40);
        assert_eq!(c.items[3].label, "§4");
        assert!(
            c.items[3]
                .detail
                .as_deref()
                .unwrap_or("")
                .starts_with("Between 14:02"),
            "{:?}",
            c.items[3].detail
        );
        let c = probe(&mut a, "[chat L1");
        assert!(c.items.iter().all(|i| i.label.starts_with("L1")));
        assert_eq!(c.items[0].insert, "1");
        let c = probe(&mut a, "[report §4-");
        assert_eq!(c.items[0].label, "§4");
        let c = probe(&mut a, "[chat ");
        assert_eq!(c.items[0].insert, "L1");
        let c = probe(&mut a, "[metrics 第");
        assert_eq!(c.items[0].insert, "1段");
    }

    #[test]
    fn decision_options_and_low_confidence_fields() {
        let (a, off) = at(
            "decision_log:\n  - decision: x\n    options_considered: [a, b]\n    chosen: |\n",
            Locale::En,
        );
        let c = complete(&a, off, Format::Plain);
        assert_eq!(labels(&c), vec!["a", "b"]);
        let (a, off) = at(
            "root_cause:\n  confidence: M\nverify:\n  low_confidence:\n    - field: |\n",
            Locale::En,
        );
        let c = complete(&a, off, Format::Plain);
        assert_eq!(labels(&c), vec!["root_cause"]);
    }
}

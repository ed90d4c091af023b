//! Skeletons of fields and sections, for quick fixes (plain text with
//! `TODO(…)`) and completion snippets (the same text with tab stops), and the
//! minimal, indentation-preserving edits that insert them.

use crate::diagnostic::{Diagnostic, Edit, Fix, Locale};
use crate::docs::{self, Docs};
use crate::schema::{self, Field, Kind};
use crate::syntax::{Node, Pair};

/// Renders fields as YAML lines, either plain (`TODO(…)` placeholders) or as
/// an LSP snippet (numbered tab stops and choices).
pub struct Render<'a> {
    pub snippet: bool,
    n: usize,
    docs: &'static Docs,
    /// A declared input name for citation placeholders.
    pub first_input: Option<&'a str>,
    /// The id given to a new action item.
    pub next_id: String,
}

/// Escapes literal text for a snippet.
pub fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

fn esc_choice(s: &str) -> String {
    esc(s).replace(',', "\\,").replace('|', "\\|")
}

/// Optional fields a skeleton includes anyway, because rules or readers expect them.
fn recommended(spath: &str) -> bool {
    matches!(
        spath,
        "incident_ref.source"
            | "timeline.kind"
            | "timeline.source"
            | "systemic_changes.cost"
            | "systemic_changes.risk_if_skipped"
            | "decision_log.rejected_reason"
            | "slo_impact.slo"
            | "slo_impact.error_budget_consumed_pct"
            | "slo_impact.mtta"
            | "slo_impact.mttr"
            | "slo_impact.alert_latency"
            | "slo_impact.source"
            | "slo_impact.confidence"
    )
}

/// How many items a list skeleton starts with.
fn min_items(spath: &str) -> usize {
    match spath {
        "what_went_well" | "what_went_wrong" => 2,
        "out_of_scope" => 3,
        _ => 1,
    }
}

fn ind(col: usize) -> String {
    " ".repeat(col)
}

impl<'a> Render<'a> {
    pub fn new(locale: Locale, snippet: bool) -> Self {
        Render {
            snippet,
            n: 0,
            docs: docs::get(locale),
            first_input: None,
            next_id: "AI-001".into(),
        }
    }

    /// A placeholder: `${n:text}` or `text`.
    pub fn ph(&mut self, text: &str) -> String {
        if self.snippet {
            self.n += 1;
            format!("${{{}:{}}}", self.n, esc(text))
        } else {
            text.to_string()
        }
    }

    /// Literal text (escaped in snippets).
    pub fn lit(&self, text: &str) -> String {
        if self.snippet {
            esc(text)
        } else {
            text.to_string()
        }
    }

    fn todo(&mut self, spath: &str) -> String {
        let t = format!("TODO({})", self.docs.todo(spath));
        self.ph(&t)
    }

    /// The value placeholder of a scalar field.
    fn scalar(&mut self, f: &Field, spath: &str) -> String {
        match &f.kind {
            Kind::Enum(values) if self.snippet => {
                self.n += 1;
                let vs: Vec<String> = values.iter().map(|v| esc_choice(v)).collect();
                format!("${{{}|{}|}}", self.n, vs.join(","))
            }
            Kind::Source if self.snippet => {
                let name = self.first_input.unwrap_or("report");
                let inner = self.ph(&format!("{name} §1"));
                format!("\"[{inner}]\"")
            }
            _ if spath == "action_items.id" => {
                let id = self.next_id.clone();
                self.ph(&id)
            }
            _ => self.todo(spath),
        }
    }

    /// `name: value` (and nested lines) for field `f` at column `col`. Every
    /// line carries its absolute indentation.
    pub fn field(&mut self, f: &Field, spath: &str, col: usize) -> Vec<String> {
        let head = format!("{}{}:", ind(col), self.lit(f.name));
        match &f.kind {
            Kind::List(inner) => {
                let mut out = vec![head];
                match &**inner {
                    Kind::Map(fs) if fs.iter().any(|f| f.required) => {
                        out.extend(self.item(fs, spath, col + 2));
                    }
                    Kind::Map(fs) => {
                        // five whys: one item per field
                        for g in fs.iter() {
                            let p = format!("{spath}.{}", g.name);
                            let mut lines = self.field(g, &p, col + 4);
                            if let Some(first) = lines.first_mut() {
                                *first = format!("{}- {}", ind(col + 2), first.trim_start());
                            }
                            out.extend(lines);
                        }
                    }
                    _ => {
                        for _ in 0..min_items(spath) {
                            let v = self.todo(spath);
                            out.push(format!("{}- {v}", ind(col + 2)));
                        }
                    }
                }
                out
            }
            Kind::Map(fs) | Kind::TextOr(fs) => {
                let mut out = vec![head];
                out.extend(self.body(fs, spath, col + 2));
                out
            }
            Kind::Dict(_) => {
                let (k, v) = if spath == "inputs" {
                    (self.ph("report"), self.ph("report.md"))
                } else {
                    (self.ph("option"), self.todo(spath))
                };
                vec![head, format!("{}{k}: {v}", ind(col + 2))]
            }
            _ => {
                let v = self.scalar(f, spath);
                vec![format!("{head} {v}")]
            }
        }
    }

    /// The fields a skeleton of a map includes.
    fn chosen<'f>(fs: &'f [Field], spath: &str) -> Vec<&'f Field> {
        let any_required = fs.iter().any(|f| f.required);
        fs.iter()
            .filter(|f| !any_required || f.required || recommended(&format!("{spath}.{}", f.name)))
            .collect()
    }

    /// The lines of a map's fields at column `col`.
    pub fn body(&mut self, fs: &[Field], spath: &str, col: usize) -> Vec<String> {
        let mut out = Vec::new();
        for f in Self::chosen(fs, spath) {
            out.extend(self.field(f, &format!("{spath}.{}", f.name), col));
        }
        out
    }

    /// A list item `- a: …` with its dash at column `dash_col`.
    pub fn item(&mut self, fs: &[Field], spath: &str, dash_col: usize) -> Vec<String> {
        let mut lines = self.body(fs, spath, dash_col + 2);
        if let Some(first) = lines.first_mut() {
            *first = format!("{}- {}", ind(dash_col), first.trim_start());
        }
        lines
    }
}

/// The line break the document uses.
pub fn eol(text: &str) -> &'static str {
    // memchr for the rare `\r` first: asked once per fix, on every keystroke.
    let b = text.as_bytes();
    if memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) == Some(&b'\n')) {
        "\r\n"
    } else {
        "\n"
    }
}

/// Byte offset of the end of the line holding `off` (before its break).
pub fn line_end(text: &str, off: usize) -> usize {
    let off = off.min(text.len());
    let e = text[off..].find('\n').map_or(text.len(), |i| off + i);
    if e > off && text.as_bytes().get(e.wrapping_sub(1)) == Some(&b'\r') {
        e - 1
    } else {
        e
    }
}

/// Byte offset of the start of the line holding `off`.
pub fn line_start(text: &str, off: usize) -> usize {
    text[..off.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

fn index_of(fields: &[Field], name: &str) -> usize {
    fields
        .iter()
        .position(|f| f.name == name)
        .unwrap_or(usize::MAX)
}

/// Inserts field `f` (of the map whose fields are `fields`, at schema path
/// `spath`) into `map`, after the field that precedes it in schema order, with
/// the indentation of the map's keys.
pub fn insert_field(
    text: &str,
    map: &Node,
    fields: &[Field],
    f: &Field,
    spath: &str,
    locale: Locale,
) -> Option<Edit> {
    let pairs = map.as_map()?;
    let first = pairs.first()?;
    let fpath = crate::query::join(spath, f.name);
    let mut r = Render::new(locale, false);
    if map.flow {
        let lines = r.field(f, &fpath, 0);
        if lines.len() != 1 {
            return None;
        }
        let close = text[map.span.clone()].rfind('}')? + map.span.start;
        let before = text[..close].trim_end_matches([' ', '\t']);
        let sep = if before.ends_with(['{', ',']) {
            " "
        } else {
            ", "
        };
        return Some(Edit {
            span: before.len()..before.len(),
            new_text: format!("{sep}{}", lines[0]),
        });
    }
    let col = first.key.span.start - line_start(text, first.key.span.start);
    let want = index_of(fields, f.name);
    let anchor: &Pair = pairs
        .iter()
        .filter(|p| index_of(fields, &p.key.value) < want)
        .max_by_key(|p| p.span.end)
        .unwrap_or_else(|| pairs.iter().max_by_key(|p| p.span.end).unwrap_or(first));
    let end = anchor
        .value
        .as_ref()
        .map_or(anchor.span.end, |v| v.span.end.max(anchor.span.end));
    let at = line_end(text, end);
    let nl = eol(text);
    let lines = r.field(f, &fpath, col);
    Some(Edit {
        span: at..at,
        new_text: format!("{nl}{}", lines.join(nl)),
    })
}

/// Inserts a missing top-level section, after the section that precedes it
/// in schema order (or before the first one), keeping the document's habit of
/// blank lines between sections.
pub fn insert_section(text: &str, root: &Node, f: &Field, locale: Locale) -> Edit {
    let nl = eol(text);
    let lines = match section_lines(f, locale) {
        Some(l) => l.join(nl),
        None => Render::new(locale, false).field(f, f.name, 0).join(nl),
    };
    let pairs = root.as_map().unwrap_or(&[]);
    let blank = pairs.iter().skip(1).any(|p| {
        let ls = line_start(text, p.key.span.start);
        ls >= 1 && {
            let prev_start = line_start(text, ls - 1);
            text[prev_start..ls].trim().is_empty()
        }
    });
    let sep = if blank { nl } else { "" };
    let want = index_of(schema::TOP, f.name);
    let prev = pairs
        .iter()
        .filter(|p| index_of(schema::TOP, &p.key.value) < want)
        .max_by_key(|p| p.span.end);
    match (prev, pairs.iter().min_by_key(|p| p.span.start)) {
        (Some(p), _) => {
            let at = line_end(text, p.span.end);
            Edit {
                span: at..at,
                new_text: format!("{nl}{sep}{lines}"),
            }
        }
        (None, Some(first)) => {
            let at = line_start(text, first.key.span.start);
            Edit {
                span: at..at,
                new_text: format!("{lines}{nl}{sep}"),
            }
        }
        (None, None) => {
            let lead = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                nl
            };
            Edit {
                span: text.len()..text.len(),
                new_text: format!("{lead}{lines}{nl}"),
            }
        }
    }
}

/// Fills `key:` that has nothing after its colon with `TODO(…)`.
pub fn fill_empty(text: &str, pair: &Pair, spath: &str, locale: Locale) -> Option<Edit> {
    let todo = format!("TODO({})", docs::get(locale).todo(spath));
    match &pair.value {
        Some(v) if v.span.end > v.span.start => {
            let s = v.as_scalar()?;
            if !s.value.trim().is_empty() {
                return None;
            }
            Some(Edit {
                span: v.span.clone(),
                new_text: todo,
            })
        }
        _ => {
            let colon = text[pair.key.span.end..].find(':')? + pair.key.span.end;
            Some(Edit {
                span: colon + 1..colon + 1,
                new_text: format!(" {todo}"),
            })
        }
    }
}

/// The title of a fix that inserts `edit`: "Add `owner: TODO(who owns this)`".
pub fn title(locale: Locale, edit: &Edit) -> String {
    let line = edit
        .new_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .trim_start_matches([',', ' ']);
    docs::get(locale).fmt("fix_add_field", &[("line", line)])
}

/// The fix adding missing field `f` to `map` (PM002, PM601).
pub fn add_field_fix(
    text: &str,
    map: &Node,
    fields: &[Field],
    f: &Field,
    spath: &str,
    locale: Locale,
) -> Option<Fix> {
    let e = insert_field(text, map, fields, f, spath, locale)?;
    Some(Fix {
        title: title(locale, &e),
        edits: vec![e],
        preferred: true,
    })
}

/// The skeleton of a top-level section, rendered once per locale: it is the
/// same for every document, and PM002 and PM601 offer it on every keystroke
/// while sections are missing.
fn section_lines(f: &Field, locale: Locale) -> Option<&'static [String]> {
    type Skeletons = Vec<(Locale, &'static str, Vec<String>)>;
    static SKELETONS: std::sync::OnceLock<Skeletons> = std::sync::OnceLock::new();
    let all = SKELETONS.get_or_init(|| {
        [Locale::En, Locale::ZhTw]
            .into_iter()
            .flat_map(|l| {
                schema::TOP
                    .iter()
                    .map(move |f| (l, f.name, Render::new(l, false).field(f, f.name, 0)))
            })
            .collect()
    });
    all.iter()
        .find(|(l, n, _)| *l == locale && *n == f.name)
        .map(|(_, _, v)| v.as_slice())
}

/// The fix adding missing top-level section `f` (PM002, PM601).
pub fn add_section_fix(text: &str, root: &Node, f: &Field, locale: Locale) -> Fix {
    Fix {
        title: docs::get(locale).fmt("fix_add_section", &[("name", f.name)]),
        edits: vec![insert_section(text, root, f, locale)],
        preferred: true,
    }
}

/// Attaches "add `owner: TODO(…)`"-style fixes to the PM201/PM202/PM204
/// diagnostics just produced for action item field `field`.
pub fn attach_action_field_fixes(
    text: &str,
    root: Option<&Node>,
    locale: Locale,
    field: &str,
    diags: &mut [Diagnostic],
) {
    let Some(root) = root else { return };
    let items = crate::query::items(root, "action_items");
    let Some(Kind::List(inner)) = schema::lookup("action_items").map(|f| &f.kind) else {
        return;
    };
    let Some(fields) = schema::fields_of(inner) else {
        return;
    };
    let Some(f) = fields.iter().find(|f| f.name == field) else {
        return;
    };
    let spath = format!("action_items.{field}");
    for d in diags.iter_mut().filter(|d| d.fixes.is_empty()) {
        let Some(i) = d
            .field
            .strip_prefix("action_items[")
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        let Some(item) = items.get(i) else { continue };
        let edit = match item.pair(field) {
            None => insert_field(text, item, fields, f, "action_items", locale),
            Some(p) if crate::query::is_empty(p.value.as_ref()) => {
                fill_empty(text, p, &spath, locale)
            }
            Some(_) => None,
        };
        if let Some(e) = edit {
            d.fixes.push(Fix {
                title: title(locale, &e),
                edits: vec![e],
                preferred: true,
            });
        }
    }
}

/// The next free action item id (`AI-00N`), read from the tree and, for a
/// document whose `action_items` don't parse, from the raw text.
pub fn next_action_id(text: &str, root: Option<&Node>) -> String {
    let mut max = 0u32;
    if let Some(r) = root {
        for it in crate::query::items(r, "action_items") {
            if let Some(n) = it
                .str_value_of("id")
                .and_then(|id| id.trim().strip_prefix("AI-"))
                .and_then(|n| n.parse::<u32>().ok())
            {
                max = max.max(n);
            }
        }
    }
    let mut i = 0;
    while let Some(p) = text[i..].find("AI-").map(|p| p + i) {
        let digits: String = text[p + 3..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.len() == 3 {
            max = max.max(digits.parse().unwrap_or(0));
        }
        i = p + 3;
    }
    format!("AI-{:03}", max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::run;

    fn apply(t: &str, e: &Edit) -> String {
        let mut s = t.to_string();
        s.replace_range(e.span.clone(), &e.new_text);
        s
    }

    #[test]
    fn the_documents_line_break() {
        assert_eq!(eol("a: 1\r\nb: 2\r\n"), "\r\n");
        assert_eq!(eol("a: 1\nb: 2\n"), "\n");
        assert_eq!(eol("a: 1\rb: 2\n"), "\n");
        assert_eq!(eol("a: 1\r"), "\n");
        assert_eq!(eol("a: 1\r\r\n"), "\r\n");
        assert_eq!(eol(""), "\n");
    }

    #[test]
    fn missing_owner_and_due_fixes_keep_indentation() {
        let t = "action_items:\n  - id: AI-001\n    statement: x # keep me\n  - id: AI-002\n    owner:\n";
        let d = run("PM201", t);
        let fix = &d[0].fixes[0];
        assert_eq!(fix.title, "Add `owner: TODO(who owns this)`");
        let fixed = apply(t, &fix.edits[0]);
        assert!(
            fixed.starts_with("action_items:\n  - id: AI-001\n    statement: x # keep me\n    owner: TODO(who owns this)\n  - id: AI-002\n"),
            "{fixed}"
        );
        let fixed2 = apply(t, &d[1].fixes[0].edits[0]);
        assert!(
            fixed2.ends_with("    owner: TODO(who owns this)\n"),
            "{fixed2}"
        );
        let due = run("PM202", t);
        let f = apply(t, &due[0].fixes[0].edits[0]);
        assert!(
            f.contains(
                "    statement: x # keep me\n    due: TODO(ISO date agreed with the owner)\n"
            ),
            "{f}"
        );
        // AI-001 now has a TODO owner (a warning), AI-002 still an empty one
        let after = run("PM201", &fixed);
        assert_eq!(after.len(), 2);
        assert_eq!(after[0].severity, crate::diagnostic::Severity::Warning);
    }

    #[test]
    fn missing_field_and_section_fixes() {
        let t = "incident_ref: INC-1\n\ncontributing_factors:\n  - category: detection\n    source: \"[source unstated, needs confirmation]\"\n\nwhat_went_well:\n  - a\n  - b\n";
        let d = run("PM002", t);
        let factor = d
            .iter()
            .find(|d| d.field == "contributing_factors[0]")
            .expect("factor");
        let fixed = apply(t, &factor.fixes[0].edits[0]);
        assert!(fixed.contains("  - category: detection\n    factor: TODO(a condition that made it worse or more likely)\n") || fixed.contains("factor: TODO("), "{fixed}");
        let rc = d
            .iter()
            .find(|d| d.message.contains("`root_cause`"))
            .expect("root_cause");
        let fixed = apply(t, &rc.fixes[0].edits[0]);
        assert!(fixed.starts_with("incident_ref: INC-1\n\nroot_cause:\n  five_whys:\n    - why_1: TODO(the observed symptom)\n"), "{fixed}");
        assert!(
            fixed.contains("\n  confidence: TODO(H, M or L)\n\ncontributing_factors:"),
            "{fixed}"
        );
        // the inserted skeleton parses and has every required field
        assert!(run("PM002", &fixed)
            .iter()
            .all(|d| !d.message.contains("`root_cause`")));
        assert!(crate::syntax::parse(&fixed).errors.is_empty());
    }

    #[test]
    fn flow_maps_get_a_flow_insertion() {
        let t = "action_items:\n  - {id: AI-001, statement: x}\n";
        let d = run("PM201", t);
        let fixed = apply(t, &d[0].fixes[0].edits[0]);
        assert_eq!(
            fixed,
            "action_items:\n  - {id: AI-001, statement: x, owner: TODO(who owns this)}\n"
        );
    }

    #[test]
    fn snippets_and_ids() {
        let mut r = Render::new(Locale::En, true);
        r.next_id = "AI-004".into();
        let f = schema::TOP
            .iter()
            .find(|f| f.name == "action_items")
            .expect("ai");
        let s = r.field(f, "action_items", 0).join("\n");
        assert!(
            s.starts_with("action_items:\n  - id: ${1:AI-004}\n    statement: ${2:TODO(a change"),
            "{s}"
        );
        assert!(s.contains("severity: ${5|P0,P1,P2|}"), "{s}");
        assert_eq!(next_action_id("x: AI-007\n", None), "AI-008");
        assert_eq!(esc("a$b}"), "a\\$b\\}");
    }

    #[test]
    fn chinese_todo_texts() {
        let t = "action_items:\n  - id: AI-001\n";
        let cfg = crate::config::Config::default();
        let mut o = crate::analysis::Options::new(&cfg);
        o.locale = Some(Locale::ZhTw);
        let a = crate::analysis::analyze(t.into(), &o);
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code == "PM201")
            .expect("pm201");
        assert_eq!(d.fixes[0].edits[0].new_text, "\n    owner: TODO(誰負責)");
        assert_eq!(d.fixes[0].title, "加上 `owner: TODO(誰負責)`");
    }
}

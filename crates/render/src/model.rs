//! The document a reader sees, built once from an [`Analysis`] and shared by
//! the HTML and Markdown writers: every value split into text, footnote
//! references and visible markers, with the source line of each part (for the
//! editors' jump-to-YAML and follow-the-cursor).
//!
//! Citations are found with the engine's own `citation::find`/`parse_body`
//! and resolved with `InputFile::locate`; SLO figures come from `ide::slo`.

use postmortem_engine::analysis::Analysis;
use postmortem_engine::citation::{self, CiteKind};
use postmortem_engine::diagnostic::{Locale, Severity};
use postmortem_engine::slo;
use postmortem_engine::syntax::{Node, Scalar};
use std::collections::HashMap;

/// The most characters quoted from an input in one footnote.
pub const QUOTE_MAX_CHARS: usize = 320;
/// The most lines quoted from an input in one footnote.
pub const QUOTE_MAX_LINES: usize = 6;
/// The most problems listed in the banner of an unfinished document.
pub const BANNER_MAX: usize = 12;

/// A piece of rendered text.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Text(String),
    /// A footnote reference (1-based number).
    Note(usize),
    /// `[source unstated, needs confirmation]`.
    Unattributed,
    /// `TODO(what is missing)`; empty when the TODO says nothing.
    Todo(String),
}

/// Text with footnotes and markers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rich(pub Vec<Seg>);

impl Rich {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The plain text (markers in words, footnotes dropped), for SVG labels
    /// and Mermaid.
    pub fn plain(&self, locale: Locale) -> String {
        let mut s = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Text(t) => s.push_str(t),
                Seg::Note(_) => {}
                Seg::Unattributed => s.push_str(locale.pick("[source unstated]", "[來源未明示]")),
                Seg::Todo(t) if t.is_empty() => s.push_str("TODO"),
                Seg::Todo(t) => {
                    s.push_str("TODO(");
                    s.push_str(t);
                    s.push(')');
                }
            }
        }
        s.trim().to_string()
    }
    fn push(&mut self, other: Rich) {
        self.0.extend(other.0);
    }
}

/// One list item, table cell group or paragraph, with its source line (0-based).
#[derive(Clone, Debug)]
pub struct Item {
    pub text: Rich,
    pub line: usize,
}

/// A claim with its sources and confidence.
#[derive(Clone, Debug)]
pub struct Claim {
    pub text: Rich,
    pub sources: Rich,
    /// `H`, `M`, `L` (or whatever was written).
    pub confidence: Option<String>,
    pub note: Option<Rich>,
    pub line: usize,
}

impl Claim {
    pub fn is_low(&self) -> bool {
        self.confidence
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("L"))
    }
}

#[derive(Clone, Debug)]
pub struct Figure {
    pub label_en: &'static str,
    pub label_zh: &'static str,
    /// As written in the document.
    pub written: Option<Rich>,
    /// Computed from the timeline or the SLO (shown when nothing is written,
    /// or next to a written value that differs).
    pub computed: Option<String>,
    /// How it was computed (`impact_start → detected`).
    pub how: Option<String>,
    /// The written value differs from the computed one by more than 10%.
    pub differs: bool,
    pub line: Option<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Impact {
    pub slo: Option<Rich>,
    pub figures: Vec<Figure>,
    pub sources: Rich,
    pub confidence: Option<String>,
    pub note: Option<Rich>,
    pub line: Option<usize>,
}

/// A timeline milestone kind with its time.
#[derive(Clone, Debug)]
pub struct Milestone {
    pub kind: String,
    pub at: i64,
}

#[derive(Clone, Debug)]
pub struct Event {
    /// As written (`2026-04-09T14:02:00Z`).
    pub at_text: String,
    /// Seconds since the epoch, when it can be read.
    pub at: Option<i64>,
    pub kind: Option<String>,
    pub text: Rich,
    pub sources: Rich,
    pub line: usize,
}

/// A span on the chart (alert latency, MTTA, MTTR).
#[derive(Clone, Debug)]
pub struct Span {
    pub label_en: &'static str,
    pub label_zh: &'static str,
    pub from: i64,
    pub to: i64,
}

#[derive(Clone, Debug, Default)]
pub struct Timeline {
    pub events: Vec<Event>,
    pub milestones: Vec<Milestone>,
    pub spans: Vec<Span>,
    pub line: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct RootCause {
    pub whys: Vec<(String, Item)>,
    pub category: Option<String>,
    pub claim: Claim,
}

#[derive(Clone, Debug)]
pub struct Action {
    pub id: String,
    pub statement: Rich,
    pub owner: Rich,
    pub due: Rich,
    pub severity: String,
    pub category: String,
    pub success: Rich,
    pub sources: Rich,
    pub confidence: Option<String>,
    pub note: Option<Rich>,
    pub line: usize,
}

#[derive(Clone, Debug)]
pub struct Systemic {
    pub change: Rich,
    pub cost: Option<Rich>,
    pub risk: Option<Rich>,
    pub sources: Rich,
    pub confidence: Option<String>,
    pub note: Option<Rich>,
    pub line: usize,
}

#[derive(Clone, Debug)]
pub struct Decision {
    pub decision: Rich,
    /// (option, chosen, why it was rejected)
    pub options: Vec<(String, bool, Option<Rich>)>,
    pub chosen: String,
    pub sources: Rich,
    pub confidence: Option<String>,
    pub note: Option<Rich>,
    pub line: usize,
}

#[derive(Clone, Debug)]
pub struct LowConfidence {
    pub field: String,
    pub confidence: Option<String>,
    pub needs: Rich,
    pub line: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Verify {
    pub low: Vec<LowConfidence>,
    pub assumptions: Vec<Item>,
    /// (what, why)
    pub next_input: Option<(Rich, Option<Rich>)>,
    pub line: Option<usize>,
}

/// A numbered footnote: the cited paragraphs or lines, quoted.
#[derive(Clone, Debug)]
pub struct Footnote {
    pub n: usize,
    /// `report.md §4-6`, `chat.log L13-L16`.
    pub label: String,
    /// The cited text, shortened; `None` when the citation does not resolve.
    pub quote: Option<String>,
    /// Whether the quote was shortened.
    pub cut: bool,
    /// Lines of a log or a table: shown in a fixed-width font.
    pub mono: bool,
    /// Why the citation does not resolve.
    pub problem: Option<String>,
}

/// A problem listed in the banner of an unfinished document.
#[derive(Clone, Debug)]
pub struct Problem {
    pub code: &'static str,
    /// 1-based line.
    pub line: usize,
    pub message: String,
}

/// A section of the rendered document and the YAML line it starts at.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SectionRef {
    pub id: &'static str,
    /// 0-based line of the section's key in the YAML.
    pub line: usize,
}

/// The whole document as readers see it.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub locale: Locale,
    pub incident_id: Option<String>,
    pub incident_sources: Rich,
    pub summary: Option<Item>,
    pub impact: Impact,
    pub timeline: Timeline,
    pub root_cause: Option<RootCause>,
    /// Contributing factors by category, in the schema's category order.
    pub factors: Vec<(String, Vec<Claim>)>,
    pub went_well: Vec<Item>,
    pub went_wrong: Vec<Item>,
    pub actions: Vec<Action>,
    pub prevention: Vec<(String, Vec<Item>)>,
    pub systemic: Vec<Systemic>,
    pub decisions: Vec<Decision>,
    pub out_of_scope: Vec<Item>,
    pub verify: Option<Verify>,
    pub footnotes: Vec<Footnote>,
    /// Errors (for the banner), at most [`BANNER_MAX`].
    pub problems: Vec<Problem>,
    pub error_count: usize,
    pub warning_count: usize,
    pub sections: Vec<SectionRef>,
}

/// The document's language, from its content: 繁體中文 when CJK characters
/// make up a fifth or more of the letters in its prose fields.
pub fn content_locale(a: &Analysis) -> Locale {
    let Some(root) = a.root() else {
        return Locale::En;
    };
    let (mut cjk, mut letters) = (0usize, 0usize);
    let mut count = |s: &str| {
        for c in s.chars() {
            if postmortem_engine::rules::is_wide(c) {
                cjk += 1;
                letters += 1;
            } else if c.is_alphabetic() {
                letters += 1;
            }
        }
    };
    for key in [
        "blameless_summary",
        "root_cause",
        "what_went_wrong",
        "timeline",
    ] {
        if let Some(n) = root.get(key) {
            walk_scalars(n, &mut |s| count(&s.value));
        }
    }
    if letters > 0 && cjk * 5 >= letters {
        Locale::ZhTw
    } else {
        Locale::En
    }
}

fn walk_scalars<'n>(n: &'n Node, f: &mut dyn FnMut(&'n Scalar)) {
    match &n.value {
        postmortem_engine::syntax::Value::Scalar(s) => f(s),
        postmortem_engine::syntax::Value::Seq(items) => {
            items.iter().for_each(|i| walk_scalars(i, f))
        }
        postmortem_engine::syntax::Value::Map(pairs) => pairs
            .iter()
            .filter_map(|p| p.value.as_ref())
            .for_each(|v| walk_scalars(v, f)),
        _ => {}
    }
}

/// Builds the reader's document.
pub fn build(a: &Analysis, locale: Locale) -> Doc {
    let mut b = Builder {
        a,
        locale,
        notes: Vec::new(),
        keys: HashMap::new(),
    };
    let mut d = Doc {
        locale,
        ..Doc::default()
    };
    for diag in &a.diagnostics {
        match diag.severity {
            Severity::Error => {
                d.error_count += 1;
                if d.problems.len() < BANNER_MAX {
                    d.problems.push(Problem {
                        code: diag.code,
                        line: a.lines.line_of(diag.span.start) + 1,
                        message: diag.message.clone(),
                    });
                }
            }
            Severity::Warning => d.warning_count += 1,
            _ => {}
        }
    }
    let Some(root) = a.root() else {
        return d;
    };
    let line_of = |key: &str| root.pair(key).map(|p| a.lines.line_of(p.key.span.start));
    let section = |d: &mut Doc, id: &'static str, key: &str| {
        if let Some(line) = line_of(key) {
            d.sections.push(SectionRef { id, line });
        }
    };

    // Title and summary first.
    if let Some(r) = root.get("incident_ref") {
        match r.as_scalar() {
            Some(s) if !s.is_null() => {
                let rich = b.rich(s);
                d.incident_id = Some(rich.plain(locale));
                d.incident_sources = Rich(
                    rich.0
                        .into_iter()
                        .filter(|s| !matches!(s, Seg::Text(_)))
                        .collect(),
                );
            }
            _ => {
                d.incident_id = r.str_value_of("id").map(|s| s.trim().to_string());
                d.incident_sources = b.sources(r.get("source"));
            }
        }
    }
    section(&mut d, "summary", "blameless_summary");
    if let Some(s) = scalar(root.get("blameless_summary")) {
        d.summary = Some(Item {
            text: b.rich(s),
            line: a.lines.line_of(s.span.start),
        });
    }

    // Impact.
    section(&mut d, "impact", "slo_impact");
    d.impact = b.impact(root);

    // Timeline.
    section(&mut d, "timeline", "timeline");
    d.timeline = b.timeline(root);

    // Root cause.
    section(&mut d, "root-cause", "root_cause");
    if let Some(rc) = root.get("root_cause").filter(|n| n.as_map().is_some()) {
        let mut whys = Vec::new();
        for item in rc.get("five_whys").and_then(Node::as_seq).unwrap_or(&[]) {
            if let Some(pairs) = item.as_map() {
                for p in pairs {
                    if let Some(s) = p.value.as_ref().and_then(Node::as_scalar) {
                        whys.push((
                            p.key.value.clone(),
                            Item {
                                text: b.rich(s),
                                line: a.lines.line_of(p.key.span.start),
                            },
                        ));
                    }
                }
            } else if let Some(s) = item.as_scalar() {
                whys.push((
                    String::new(),
                    Item {
                        text: b.rich(s),
                        line: a.lines.line_of(s.span.start),
                    },
                ));
            }
        }
        let category = rc
            .str_value_of("primary_cause_category")
            .map(|s| s.trim().to_string());
        let claim = b.claim(rc, None);
        d.root_cause = Some(RootCause {
            whys,
            category,
            claim,
        });
    }

    // Contributing factors, grouped by category.
    section(&mut d, "contributing-factors", "contributing_factors");
    let mut groups: Vec<(String, Vec<Claim>)> = postmortem_engine::schema::PREVENTION_CATEGORIES
        .iter()
        .map(|c| (c.to_string(), Vec::new()))
        .collect();
    // Grouped before their text is built, so footnotes are numbered in reading order.
    let mut by_cat: Vec<(String, Vec<&Node>)> = groups
        .iter()
        .map(|(c, _)| (c.clone(), Vec::new()))
        .collect();
    for item in seq(root.get("contributing_factors")) {
        let cat = item
            .str_value_of("category")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        match by_cat.iter_mut().find(|(c, _)| *c == cat) {
            Some((_, v)) => v.push(item),
            None => by_cat.push((cat, vec![item])),
        }
    }
    groups.clear();
    for (cat, items) in by_cat {
        if !items.is_empty() {
            let claims = items
                .into_iter()
                .map(|it| b.claim(it, Some("factor")))
                .collect();
            groups.push((cat, claims));
        }
    }
    d.factors = groups;

    section(&mut d, "went-well", "what_went_well");
    d.went_well = b.items(root.get("what_went_well"));
    section(&mut d, "went-wrong", "what_went_wrong");
    d.went_wrong = b.items(root.get("what_went_wrong"));

    // Action items.
    section(&mut d, "action-items", "action_items");
    for item in seq(root.get("action_items")) {
        let text = |k: &str| item.str_value_of(k).map(|s| s.trim().to_string());
        let rich = |b: &mut Builder, k: &str| scalar(item.get(k)).map(|s| b.rich(s));
        let statement = rich(&mut b, "statement").unwrap_or_default();
        let owner = rich(&mut b, "owner").unwrap_or_default();
        let due = rich(&mut b, "due").unwrap_or_default();
        let success = rich(&mut b, "success_criteria").unwrap_or_default();
        let sources = b.sources(item.get("source"));
        let note = rich(&mut b, "confidence_note");
        d.actions.push(Action {
            id: text("id").unwrap_or_default(),
            statement,
            owner,
            due,
            severity: text("severity").unwrap_or_default(),
            category: text("category").unwrap_or_default(),
            success,
            sources,
            confidence: text("confidence"),
            note,
            line: a.lines.line_of(item.span.start),
        });
    }

    // Prevention categories.
    section(&mut d, "prevention", "prevention_categories");
    for p in root
        .get("prevention_categories")
        .and_then(Node::as_map)
        .unwrap_or(&[])
    {
        let items = b.items(p.value.as_ref());
        if !items.is_empty() {
            d.prevention.push((p.key.value.clone(), items));
        }
    }

    // Systemic changes.
    section(&mut d, "systemic-changes", "systemic_changes");
    for item in seq(root.get("systemic_changes")) {
        let change = scalar(item.get("change"))
            .map(|s| b.rich(s))
            .unwrap_or_default();
        let cost = scalar(item.get("cost")).map(|s| b.rich(s));
        let risk = scalar(item.get("risk_if_skipped")).map(|s| b.rich(s));
        let claim = b.claim(item, None);
        d.systemic.push(Systemic {
            change,
            cost,
            risk,
            sources: claim.sources,
            confidence: claim.confidence,
            note: claim.note,
            line: claim.line,
        });
    }

    // Decisions.
    section(&mut d, "decisions", "decision_log");
    for item in seq(root.get("decision_log")) {
        let decision = scalar(item.get("decision"))
            .map(|s| b.rich(s))
            .unwrap_or_default();
        let chosen = item
            .str_value_of("chosen")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let reasons = item.get("rejected_reason");
        let mut options = Vec::new();
        for o in seq(item.get("options_considered")) {
            let Some(name) = o.str_value().map(|s| s.trim().to_string()) else {
                continue;
            };
            let why = scalar(reasons.and_then(|r| r.get(&name))).map(|s| b.rich(s));
            options.push((name.clone(), name == chosen, why));
        }
        // Reasons for options that are not listed still show.
        for p in reasons.and_then(Node::as_map).unwrap_or(&[]) {
            if !options.iter().any(|(o, _, _)| *o == p.key.value) {
                let why = scalar(p.value.as_ref()).map(|s| b.rich(s));
                options.push((p.key.value.clone(), false, why));
            }
        }
        let claim = b.claim(item, None);
        d.decisions.push(Decision {
            decision,
            options,
            chosen,
            sources: claim.sources,
            confidence: claim.confidence,
            note: claim.note,
            line: claim.line,
        });
    }

    section(&mut d, "out-of-scope", "out_of_scope");
    d.out_of_scope = b.items(root.get("out_of_scope"));

    // The verify review.
    section(&mut d, "verify", "verify");
    if let Some(v) = root.get("verify").filter(|n| n.as_map().is_some()) {
        let mut out = Verify {
            line: line_of("verify"),
            ..Verify::default()
        };
        for it in seq(v.get("low_confidence")) {
            out.low.push(LowConfidence {
                field: it
                    .str_value_of("field")
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default(),
                confidence: it.str_value_of("confidence").map(|s| s.trim().to_string()),
                needs: scalar(it.get("needs"))
                    .map(|s| b.rich(s))
                    .unwrap_or_default(),
                line: a.lines.line_of(it.span.start),
            });
        }
        out.assumptions = b.items(v.get("assumptions"));
        if let Some(n) = v.get("next_input") {
            if let Some(s) = scalar(Some(n)) {
                out.next_input = Some((b.rich(s), None));
            } else if n.as_map().is_some() {
                let what = scalar(n.get("input"))
                    .map(|s| b.rich(s))
                    .unwrap_or_default();
                let why = scalar(n.get("why")).map(|s| b.rich(s));
                out.next_input = Some((what, why));
            }
        }
        d.verify = Some(out);
    }
    d.footnotes = b.notes;
    d
}

fn scalar(n: Option<&Node>) -> Option<&Scalar> {
    n.and_then(Node::as_scalar).filter(|s| !s.is_null())
}

fn seq(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_seq).unwrap_or(&[])
}

struct Builder<'a> {
    a: &'a Analysis,
    locale: Locale,
    notes: Vec<Footnote>,
    /// (input, locator) → footnote number, so a paragraph cited twice is quoted once.
    keys: HashMap<(String, String), usize>,
}

impl Builder<'_> {
    /// Text with its `[…]` citations turned into footnotes and its markers
    /// (`TODO(…)`, source unstated) split out.
    fn rich(&mut self, s: &Scalar) -> Rich {
        self.rich_str(&s.value)
    }

    fn rich_str(&mut self, value: &str) -> Rich {
        let mut out = Rich::default();
        let mut at = 0;
        for f in citation::find(value) {
            push_text(&mut out, &value[at..f.span.start]);
            out.0.push(self.cite(&f.kind, &value[f.span.clone()]));
            at = f.span.end;
        }
        push_text(&mut out, &value[at..]);
        tidy(out)
    }

    /// A `source` value: `"[report §1] [chat L2]"`, `[report §1, chat L2]`
    /// (a YAML list) or a bare `report §1`.
    fn sources(&mut self, n: Option<&Node>) -> Rich {
        let Some(n) = n else {
            return Rich::default();
        };
        let mut out = Rich::default();
        let mut one = |b: &mut Self, s: &Scalar| {
            if s.is_null() {
                return;
            }
            if citation::find(&s.value).is_empty() {
                if let Some(f) = citation::parse_body(&s.value) {
                    out.0.push(b.cite(&f.kind, s.value.trim()));
                    return;
                }
            }
            let r = b.rich_str(&s.value);
            out.push(r);
        };
        match (&n.as_scalar(), n.as_seq()) {
            (Some(s), _) => one(self, s),
            (_, Some(items)) => {
                for it in items {
                    if let Some(s) = it.as_scalar() {
                        one(self, s);
                    }
                }
            }
            _ => {}
        }
        tidy(out)
    }

    fn cite(&mut self, kind: &CiteKind, raw: &str) -> Seg {
        match kind {
            CiteKind::Unattributed => Seg::Unattributed,
            CiteKind::Malformed { input, reason } => {
                let n = self.notes.len() + 1;
                self.notes.push(Footnote {
                    n,
                    label: raw.trim_matches(['[', ']']).to_string(),
                    quote: None,
                    cut: false,
                    mono: false,
                    problem: Some(format!("{input}: {reason}")),
                });
                Seg::Note(n)
            }
            CiteKind::Cite { input, locator } => {
                let key = (input.clone(), locator.describe());
                if let Some(&n) = self.keys.get(&key) {
                    return Seg::Note(n);
                }
                let n = self.notes.len() + 1;
                self.keys.insert(key, n);
                let locale = self.locale;
                let entry = self.a.input(input);
                let label = format!(
                    "{} {}",
                    entry.map_or(input.as_str(), |e| e.rel.as_str()),
                    locator.describe()
                );
                let (quote, cut, problem) = match entry.map(|e| (e, &e.file)) {
                    None => (
                        None,
                        false,
                        Some(
                            locale
                                .pick(
                                    "no input of this name is declared under `inputs`",
                                    "`inputs` 中沒有這個名稱的輸入檔",
                                )
                                .to_string(),
                        ),
                    ),
                    Some((e, Err(err))) => (None, false, Some(err.explain(&e.rel, locale))),
                    Some((_, Ok(file))) => match file.locate(*locator) {
                        Ok(span) => {
                            let (q, cut) = shorten(&file.text[span]);
                            (Some(q), cut, None)
                        }
                        Err(why) => (
                            None,
                            false,
                            Some(format!("{} {why}", locale.pick("the file", "該檔案"))),
                        ),
                    },
                };
                let mono = matches!(locator, citation::Locator::Lines(..))
                    || quote.as_deref().is_some_and(|q| q.starts_with('|'));
                self.notes.push(Footnote {
                    n,
                    label,
                    quote,
                    cut,
                    mono,
                    problem,
                });
                Seg::Note(n)
            }
        }
    }

    fn items(&mut self, n: Option<&Node>) -> Vec<Item> {
        let Some(n) = n else { return Vec::new() };
        if let Some(s) = scalar(Some(n)) {
            return vec![Item {
                text: self.rich(s),
                line: self.a.lines.line_of(s.span.start),
            }];
        }
        seq(Some(n))
            .iter()
            .filter_map(|it| scalar(Some(it)))
            .map(|s| Item {
                text: self.rich(s),
                line: self.a.lines.line_of(s.span.start),
            })
            .collect()
    }

    /// A map with `source`, `confidence` and `confidence_note`, and its main
    /// text under `text_key`.
    fn claim(&mut self, n: &Node, text_key: Option<&str>) -> Claim {
        let text = text_key
            .and_then(|k| scalar(n.get(k)))
            .map(|s| self.rich(s))
            .unwrap_or_default();
        let sources = self.sources(n.get("source"));
        let note = scalar(n.get("confidence_note")).map(|s| self.rich(s));
        Claim {
            text,
            sources,
            confidence: n.str_value_of("confidence").map(|s| s.trim().to_string()),
            note,
            line: self.a.lines.line_of(n.span.start),
        }
    }

    fn impact(&mut self, root: &Node) -> Impact {
        let figs = slo::figures(root);
        let si = root.get("slo_impact").filter(|n| n.as_map().is_some());
        let mut out = Impact {
            line: root
                .pair("slo_impact")
                .map(|p| self.a.lines.line_of(p.key.span.start)),
            ..Impact::default()
        };
        let line = |b: &Self, key: &str| {
            si.and_then(|n| n.pair(key))
                .map(|p| b.a.lines.line_of(p.key.span.start))
        };
        out.slo = scalar(si.and_then(|n| n.get("slo"))).map(|s| self.rich(s));
        // Error budget consumed: written, else the most the impact window can have used.
        let budget_written = scalar(si.and_then(|n| n.get("error_budget_consumed_pct"))).map(|s| {
            let mut r = self.rich(s);
            if figs.budget.as_ref().is_some_and(|w| w.value.is_some())
                && !s.value.trim_end().ends_with('%')
            {
                r.0.push(Seg::Text("%".into()));
            }
            r
        });
        let budget_min = figs.slo.as_ref().map(|(s, _)| s.budget_min());
        let bound = figs.bound_pct();
        let l = self.locale;
        out.figures.push(Figure {
            label_en: "Error budget consumed",
            label_zh: "錯誤預算消耗",
            computed: if budget_written.is_none() {
                bound.map(|p| format!("{} {}%", l.pick("at most", "最多"), slo::format_number(p)))
            } else {
                None
            },
            how: match (budget_min, figs.window_minutes()) {
                (Some(b), Some(w)) if budget_written.is_none() => Some(format!(
                    "{}: {} min / {} min",
                    l.pick(
                        "impact window over the budget, as if every minute were bad",
                        "影響時段 ÷ 預算(假設每分鐘都是壞的)"
                    ),
                    slo::format_number(w),
                    slo::format_number(b)
                )),
                (Some(b), _) => Some(format!(
                    "{} {} min",
                    l.pick("budget", "預算"),
                    slo::format_number(b)
                )),
                _ => None,
            },
            written: budget_written,
            differs: false,
            line: line(self, "error_budget_consumed_pct"),
        });
        for f in [
            slo::Figure::AlertLatency,
            slo::Figure::Mtta,
            slo::Figure::Mttr,
        ] {
            let (label_en, label_zh) = match f {
                slo::Figure::AlertLatency => ("Alert latency", "告警延遲"),
                slo::Figure::Mtta => ("MTTA", "MTTA(平均確認時間)"),
                slo::Figure::Mttr => ("MTTR", "MTTR(平均修復時間)"),
            };
            let written_s = scalar(si.and_then(|n| n.get(f.field())));
            let written = written_s.map(|s| self.rich(s));
            let written_min = written_s.and_then(|s| slo::parse_duration(&s.value));
            let dur = figs.duration(f);
            out.figures.push(Figure {
                label_en,
                label_zh,
                computed: dur.map(|d| slo::format_minutes(d.minutes)),
                how: dur.map(|d| {
                    format!(
                        "{} → {}",
                        super::svg::milestone_name(d.from_kind, l),
                        super::svg::milestone_name(d.to_kind, l)
                    )
                }),
                differs: match (written_min, dur) {
                    (Some(w), Some(d)) => slo::differs(w, d.minutes, 0.5),
                    _ => false,
                },
                written,
                line: line(self, f.field()),
            });
        }
        if let Some(si) = si {
            let c = self.claim(si, None);
            out.sources = c.sources;
            out.confidence = c.confidence;
            out.note = c.note;
        }
        out
    }

    fn timeline(&mut self, root: &Node) -> Timeline {
        let mut t = Timeline {
            line: root
                .pair("timeline")
                .map(|p| self.a.lines.line_of(p.key.span.start)),
            ..Timeline::default()
        };
        for it in seq(root.get("timeline")) {
            if it.as_map().is_none() {
                continue;
            }
            let at_text = it
                .str_value_of("at")
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            let text = scalar(it.get("event"))
                .map(|s| self.rich(s))
                .unwrap_or_default();
            let sources = self.sources(it.get("source"));
            t.events.push(Event {
                at: slo::parse_timestamp(&at_text),
                at_text,
                kind: it
                    .str_value_of("kind")
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
                text,
                sources,
                line: self.a.lines.line_of(it.span.start),
            });
        }
        let entries = slo::timeline(root);
        for k in postmortem_engine::schema::TIMELINE_KINDS {
            if let Some(at) = slo::milestone(&entries, k).and_then(|e| e.at) {
                t.milestones.push(Milestone {
                    kind: k.to_string(),
                    at,
                });
            }
        }
        let figs = slo::figures(root);
        for f in slo::Figure::ALL {
            if let Some(d) = figs.duration(f).filter(|d| d.to >= d.from) {
                let (label_en, label_zh) = match f {
                    slo::Figure::AlertLatency => ("Alert latency", "告警延遲"),
                    slo::Figure::Mtta => ("MTTA", "MTTA"),
                    slo::Figure::Mttr => ("MTTR", "MTTR"),
                };
                t.spans.push(Span {
                    label_en,
                    label_zh,
                    from: d.from,
                    to: d.to,
                });
            }
        }
        t
    }
}

/// Appends text, splitting out `TODO(…)` markers.
fn push_text(out: &mut Rich, mut s: &str) {
    while let Some(i) = find_todo(s) {
        if i > 0 {
            out.0.push(Seg::Text(s[..i].to_string()));
        }
        let rest = &s[i + 4..];
        if let Some(inner) = rest.strip_prefix('(') {
            // up to the matching parenthesis (or the end)
            let mut depth = 1;
            let mut end = inner.len();
            for (j, c) in inner.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            out.0.push(Seg::Todo(inner[..end].trim().to_string()));
            s = inner.get(end + 1..).unwrap_or("");
        } else {
            let rest = rest.strip_prefix(':').unwrap_or(rest);
            out.0.push(Seg::Todo(String::new()));
            s = rest;
        }
    }
    if !s.is_empty() {
        out.0.push(Seg::Text(s.to_string()));
    }
}

/// Byte offset of a `TODO` word.
fn find_todo(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("TODO").map(|i| i + from) {
        let before_ok = s[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let after_ok = s[i + 4..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        if before_ok && after_ok {
            return Some(i);
        }
        from = i + 4;
    }
    None
}

/// Drops the spaces a removed citation leaves and joins adjacent text.
fn tidy(r: Rich) -> Rich {
    let mut out: Vec<Seg> = Vec::with_capacity(r.0.len());
    for seg in r.0 {
        match seg {
            Seg::Text(t) => {
                if let Some(Seg::Text(prev)) = out.last_mut() {
                    prev.push_str(&t);
                } else {
                    out.push(Seg::Text(t));
                }
            }
            other => {
                if matches!(other, Seg::Note(_)) {
                    // "text [x] [y]" → "text¹ ²": no space before a reference
                    if let Some(Seg::Text(prev)) = out.last_mut() {
                        let trimmed = prev.trim_end().len();
                        prev.truncate(trimmed);
                        if prev.is_empty() {
                            out.pop();
                        }
                    }
                }
                out.push(other);
            }
        }
    }
    // Whitespace-only text between markers, and at the end, carries nothing.
    let n = out.len();
    let mut res = Vec::with_capacity(n);
    for (i, seg) in out.into_iter().enumerate() {
        if let Seg::Text(t) = &seg {
            if t.trim().is_empty() && (i + 1 == n || i == 0) {
                continue;
            }
        }
        res.push(seg);
    }
    if let Some(Seg::Text(t)) = res.last_mut() {
        let trimmed = t.trim_end().len();
        t.truncate(trimmed);
    }
    if let Some(Seg::Text(t)) = res.first_mut() {
        *t = t.trim_start().to_string();
    }
    Rich(res)
}

/// At most [`QUOTE_MAX_LINES`] lines and about [`QUOTE_MAX_CHARS`]
/// characters, cut at a word boundary; whether it was cut.
pub fn shorten(s: &str) -> (String, bool) {
    let s = s.trim_matches(['\n', '\r']);
    let mut out = String::new();
    let mut chars = 0;
    let mut cut = false;
    for (i, line) in s.lines().enumerate() {
        if i >= QUOTE_MAX_LINES {
            cut = true;
            break;
        }
        let line = line.trim_end();
        let n = line.chars().count();
        if chars + n > QUOTE_MAX_CHARS {
            let room = QUOTE_MAX_CHARS.saturating_sub(chars);
            let mut end = line.char_indices().nth(room).map_or(line.len(), |(b, _)| b);
            // back to the last space, unless that loses most of the room
            if let Some(sp) = line[..end].rfind(char::is_whitespace) {
                if sp * 2 > end {
                    end = sp;
                }
            }
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line[..end].trim_end());
            cut = true;
            break;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        chars += n;
    }
    (out, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rich(s: &str) -> Rich {
        let mut out = Rich::default();
        push_text(&mut out, s);
        tidy(out)
    }

    #[test]
    fn todo_markers_are_split_out() {
        assert_eq!(
            rich("cost TODO(effort from the (platform) team) later").0,
            vec![
                Seg::Text("cost ".into()),
                Seg::Todo("effort from the (platform) team".into()),
                Seg::Text(" later".into())
            ]
        );
        assert_eq!(rich("TODO").0, vec![Seg::Todo(String::new())]);
        assert_eq!(
            rich("TODOS and MYTODO").0,
            vec![Seg::Text("TODOS and MYTODO".into())]
        );
    }

    #[test]
    fn quotes_are_shortened_at_a_word() {
        let long = "word ".repeat(200);
        let (q, cut) = shorten(&long);
        assert!(cut);
        assert!(q.chars().count() <= QUOTE_MAX_CHARS);
        assert!(q.ends_with("word"));
        let lines = (1..=20)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let (q, cut) = shorten(&lines);
        assert!(cut);
        assert_eq!(q.lines().count(), QUOTE_MAX_LINES);
        assert_eq!(shorten("short\n"), ("short".to_string(), false));
    }
}

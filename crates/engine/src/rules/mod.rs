//! The rules: one file per rule, each declared with [`declare_rule!`] so its
//! doc comment becomes `postmortem-lsp explain` output, hover text and its
//! section of `docs/rules.md`. [`REGISTRY`] lists them all.

use crate::citation::CiteRef;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Locale, Severity};
use crate::inputs::InputEntry;
use crate::schema::{Field, Kind};
use crate::syntax::{Node, Parsed, Scalar, Value};
use crate::text::Span;

pub mod blameless;
pub mod common;
pub mod prose;

mod pm001_yaml_syntax;
mod pm002_missing_field;
mod pm003_wrong_type;
mod pm004_invalid_enum;
mod pm005_unknown_field;
mod pm006_empty_value;
mod pm007_duplicate_key;
mod pm101_too_few_items;
mod pm102_out_of_scope_count;
mod pm103_too_many_action_items;
mod pm104_five_whys;
mod pm105_action_id;
mod pm106_summary_too_long;
mod pm201_missing_owner;
mod pm202_missing_due;
mod pm203_invalid_due;
mod pm204_missing_success_criteria;
mod pm301_person_named;
mod pm302_blame_language;
mod pm303_counterfactual;
mod pm304_people_fix_action;
mod pm305_vague_action;
mod pm306_judgemental_language;
mod pm401_missing_source;
mod pm402_unresolved_source;
mod pm403_unattributed;
mod pm404_missing_confidence;
mod pm405_low_confidence_unexplained;
mod pm406_todo_unspecified;
mod pm407_todo;
mod pm408_inputs_missing;
mod pm409_input_holds_secrets;
mod pm501_tradeoff_without_downside;
mod pm502_decision_chosen_unknown;
mod pm503_decision_unexplained_rejection;
mod pm601_slo_impact_missing;
mod pm602_budget_burn_needs_p0;
mod pm603_prevention_coverage;
mod pm604_slo_figure_mismatch;
mod pm605_timeline_order;

/// Where each rule's documentation lives (its section in docs/rules.md).
pub const DOCS_URL: &str =
    "https://github.com/postmortem-lsp/postmortem-lsp/blob/main/docs/rules.md";

pub fn rule_url(code: &str) -> String {
    match find(code) {
        Some(r) => format!("{DOCS_URL}#{}", r.meta().anchor()),
        None => DOCS_URL.to_string(),
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub default_severity: Severity,
    /// Markdown: the first line is the summary; the rest explains why, with
    /// examples and what to do.
    pub doc: &'static str,
}

impl RuleMeta {
    pub fn summary(&self) -> &'static str {
        self.doc
            .lines()
            .find(|l| !l.trim().is_empty())
            .map_or("", str::trim)
    }
    /// The documentation as Markdown (doc comments carry one leading space per line).
    pub fn doc_text(&self) -> String {
        let lines: Vec<&str> = self
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        lines.join("\n").trim().to_string()
    }
    /// Anchor of this rule's section in docs/rules.md.
    pub fn anchor(&self) -> String {
        format!("{}-{}", self.code.to_ascii_lowercase(), self.name)
    }
}

/// What every rule sees.
pub struct Context<'a> {
    /// The schema walk, computed once per analysis (see [`Context::walk`]).
    pub visits: &'a [VisitRec<'a>],
    /// Every scalar with its path and schema path, computed once per analysis.
    pub scalars: &'a [ScalarRec<'a>],
    pub text: &'a str,
    pub parsed: &'a Parsed,
    pub root: Option<&'a Node>,
    pub inputs: Option<&'a [InputEntry]>,
    pub citations: &'a [CiteRef],
    pub config: &'a Config,
    pub locale: Locale,
    /// People's names (chat speakers and configured), for PM301.
    pub people: &'a [String],
    /// A person's role when the inputs say it (alice → incident commander).
    pub roles: &'a std::collections::HashMap<String, String>,
    /// Blameless-language findings, computed once for PM301–PM306.
    pub blameless: &'a [BlamelessHit],
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>);
}

/// Declares a rule struct whose `///` doc comment becomes its documentation.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis struct $name:ident { code: $code:literal, name: $rname:literal, severity: $sev:ident $(,)? }) => {
        $(#[doc = $doc])*
        $vis struct $name;
        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $rname,
                default_severity: $crate::diagnostic::Severity::$sev,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// Formats a message in the context's locale: `tr!(cx, "english {x}", "中文 {x}")`.
#[macro_export]
macro_rules! tr {
    ($cx:expr, $en:literal, $zh:literal $(, $($arg:tt)*)?) => {
        match $cx.locale {
            $crate::diagnostic::Locale::En => format!($en $(, $($arg)*)?),
            $crate::diagnostic::Locale::ZhTw => format!($zh $(, $($arg)*)?),
        }
    };
}

/// Every rule, in code order.
pub static REGISTRY: &[&dyn Rule] = &[
    &pm001_yaml_syntax::YamlSyntax,
    &pm002_missing_field::MissingField,
    &pm003_wrong_type::WrongType,
    &pm004_invalid_enum::InvalidEnum,
    &pm005_unknown_field::UnknownField,
    &pm006_empty_value::EmptyValue,
    &pm007_duplicate_key::DuplicateKey,
    &pm101_too_few_items::TooFewItems,
    &pm102_out_of_scope_count::OutOfScopeCount,
    &pm103_too_many_action_items::TooManyActionItems,
    &pm104_five_whys::FiveWhys,
    &pm105_action_id::ActionId,
    &pm106_summary_too_long::SummaryTooLong,
    &pm201_missing_owner::MissingOwner,
    &pm202_missing_due::MissingDue,
    &pm203_invalid_due::InvalidDue,
    &pm204_missing_success_criteria::MissingSuccessCriteria,
    &pm301_person_named::PersonNamed,
    &pm302_blame_language::BlameLanguage,
    &pm303_counterfactual::Counterfactual,
    &pm304_people_fix_action::PeopleFixAction,
    &pm305_vague_action::VagueAction,
    &pm306_judgemental_language::JudgementalLanguage,
    &pm401_missing_source::MissingSource,
    &pm402_unresolved_source::UnresolvedSource,
    &pm403_unattributed::Unattributed,
    &pm404_missing_confidence::MissingConfidence,
    &pm405_low_confidence_unexplained::LowConfidenceUnexplained,
    &pm406_todo_unspecified::TodoUnspecified,
    &pm407_todo::Todo,
    &pm408_inputs_missing::InputsMissing,
    &pm409_input_holds_secrets::InputHoldsSecrets,
    &pm501_tradeoff_without_downside::TradeoffWithoutDownside,
    &pm502_decision_chosen_unknown::DecisionChosenUnknown,
    &pm503_decision_unexplained_rejection::DecisionUnexplainedRejection,
    &pm601_slo_impact_missing::SloImpactMissing,
    &pm602_budget_burn_needs_p0::BudgetBurnNeedsP0,
    &pm603_prevention_coverage::PreventionCoverage,
    &pm604_slo_figure_mismatch::SloFigureMismatch,
    &pm605_timeline_order::TimelineOrder,
];

/// Looks a rule up by code (`PM201`, case-insensitive) or name (`missing-owner`).
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    REGISTRY
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code_or_name) || r.meta().name == code_or_name)
}

/// A schema visit kept for the rules of one analysis (its paths borrow the
/// buffer given to [`collect_visits`]).
pub enum VisitRec<'n> {
    Map {
        node: &'n Node,
        fields: &'static [Field],
        path: &'n str,
        spath: &'n str,
        anchor: Span,
    },
    Value {
        node: &'n Node,
        kind: &'static Kind,
        path: &'n str,
        spath: &'n str,
        key_span: Span,
    },
}

/// A blameless-language finding located in the document.
pub struct BlamelessHit {
    pub path: String,
    /// Source span of the finding.
    pub span: Span,
    /// Source span the rewrite replaces, when it is not `span` (a whole sentence).
    pub fix_span: Option<Span>,
    /// How the value is written: the rewrite is escaped to match.
    pub style: crate::syntax::ScalarStyle,
    pub finding: blameless::Finding,
}

/// Runs the blameless checker once over every prose value of the document.
pub fn blameless_hits(
    scalars: &[ScalarRec],
    people: &blameless::People,
    people_key: u64,
    allow: &[String],
    memo: Option<&BlamelessMemo>,
) -> Vec<BlamelessHit> {
    // The prose values and how each is judged.
    let mut prose: Vec<(&ScalarRec, blameless::FieldKind)> = Vec::new();
    // A field's kind depends on its schema path only (indices aside, which
    // `from_field` drops), and neighbouring values often share one.
    let mut last_kind: Option<(&str, blameless::FieldKind)> = None;
    for rec in scalars {
        let spath = rec.spath;
        if !prose::is_prose(spath, &rec.scalar.value) {
            continue;
        }
        // Improvement entries under prevention_categories are judged like action statements.
        let kind =
            if spath == "prevention_categories" || spath.starts_with("prevention_categories.") {
                blameless::FieldKind::Action
            } else {
                match last_kind {
                    Some((p, k)) if p == spath => k,
                    _ => {
                        let k = blameless::FieldKind::from_field(spath);
                        last_kind = Some((spath, k));
                        k
                    }
                }
            };
        prose.push((rec, kind));
    }
    let texts: Vec<(&str, blameless::FieldKind)> = prose
        .iter()
        .map(|(rec, kind)| (rec.scalar.value.as_str(), *kind))
        .collect();
    let findings = checked_all(&texts, people, people_key, memo);
    let mut out = Vec::new();
    for ((rec, _), found) in prose.iter().zip(findings) {
        let s = rec.scalar;
        for f in found.iter() {
            let matched = s.value.get(f.range.clone()).unwrap_or("");
            if allow.iter().any(|w| {
                w.eq_ignore_ascii_case(matched.trim())
                    || f.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(w))
            }) {
                continue;
            }
            out.push(BlamelessHit {
                path: rec.path.to_string(),
                span: s.src_span(f.range.clone()),
                fix_span: f.rewrite_range.clone().map(|r| s.src_span(r)),
                style: s.style,
                finding: f.clone(),
            });
        }
    }
    out
}

type Findings = std::sync::Arc<Vec<blameless::Finding>>;
/// Per (people, kind), findings per text: looked up by `&str`, so a hit
/// allocates nothing.
type MemoMap = std::collections::HashMap<
    (u64, blameless::FieldKind),
    std::collections::HashMap<String, Findings>,
>;

/// Blameless findings per value: while typing, one value changes at a time,
/// so every other value's findings come from here. Keyed by the set of
/// people (their names and roles decide the findings), the kind and the text.
/// Part of [`crate::analysis::Cache`].
#[derive(Default)]
pub struct BlamelessMemo(std::sync::Mutex<Memo>);

#[derive(Default)]
struct Memo {
    map: MemoMap,
    /// Bytes of text held, and entries.
    bytes: usize,
    entries: usize,
}

impl BlamelessMemo {
    /// Bounds the memo by bytes too: typing in a long value adds a key of that
    /// length per keystroke.
    const MAX_BYTES: usize = 16 * 1024 * 1024;
    const MAX_ENTRIES: usize = 50_000;
}

/// `blameless::check_text` for each (text, kind), through the memo when there
/// is one: one lock to look every value up, the misses checked outside it,
/// one lock to remember them.
fn checked_all(
    texts: &[(&str, blameless::FieldKind)],
    people: &blameless::People,
    people_key: u64,
    memo: Option<&BlamelessMemo>,
) -> Vec<Findings> {
    use std::sync::Arc;
    let check = |t: &str, k| Arc::new(blameless::check_text(t, k, people));
    let Some(memo) = memo else {
        return texts.iter().map(|(t, k)| check(t, *k)).collect();
    };
    let mut found: Vec<Option<Findings>> = match memo.0.lock() {
        Ok(m) => texts
            .iter()
            .map(|(t, k)| m.map.get(&(people_key, *k))?.get(*t).cloned())
            .collect(),
        Err(_) => vec![None; texts.len()],
    };
    let mut new = Vec::new();
    for (i, f) in found.iter_mut().enumerate() {
        if f.is_none() {
            let (t, k) = texts[i];
            let c = check(t, k);
            new.push(i);
            *f = Some(c);
        }
    }
    if !new.is_empty() {
        if let Ok(mut m) = memo.0.lock() {
            for i in new {
                let (t, k) = texts[i];
                if m.entries >= BlamelessMemo::MAX_ENTRIES
                    || m.bytes + t.len() > BlamelessMemo::MAX_BYTES
                {
                    *m = Memo::default();
                }
                if let Some(f) = &found[i] {
                    let slot = m.map.entry((people_key, k)).or_default();
                    if slot.insert(t.to_string(), f.clone()).is_none() {
                        m.bytes += t.len();
                        m.entries += 1;
                    }
                }
            }
        }
    }
    found
        .into_iter()
        .map(|f| f.unwrap_or_else(|| Arc::new(Vec::new())))
        .collect()
}

/// Implements [`Rule`] for one of PM301–PM306: the six share one scan
/// ([`blameless_hits`]) and each reports its own code's findings through
/// [`blameless_diagnostics`].
macro_rules! blameless_rule {
    ($name:ident) => {
        impl $crate::rules::Rule for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }
            fn check(
                &self,
                cx: &$crate::rules::Context,
                out: &mut Vec<$crate::diagnostic::Diagnostic>,
            ) {
                $crate::rules::blameless_diagnostics(cx, self.meta(), out);
            }
        }
    };
}
pub(crate) use blameless_rule;

/// Shared by PM301–PM306: this rule's blameless findings as diagnostics,
/// with the suggested rewrite as a quick fix (never applied silently).
pub fn blameless_diagnostics(cx: &Context, meta: &RuleMeta, out: &mut Vec<Diagnostic>) {
    let mut seen_paths: Vec<&str> = Vec::new();
    for h in cx.blameless.iter().filter(|h| h.finding.rule == meta.code) {
        // PM304/PM305 judge a whole action statement: one finding per statement.
        if matches!(meta.code, "PM304" | "PM305") {
            if seen_paths.contains(&h.path.as_str()) {
                continue;
            }
            seen_paths.push(&h.path);
        }
        let f = &h.finding;
        let severity = match f.severity_hint {
            Some(blameless::Severity::Error) => Severity::Error,
            Some(blameless::Severity::Warning) => Severity::Warning,
            Some(blameless::Severity::Information) => Severity::Info,
            Some(blameless::Severity::Hint) => Severity::Hint,
            None => meta.default_severity,
        };
        let message = match cx.locale {
            Locale::En => f.message.clone(),
            Locale::ZhTw => f.message_zh.clone(),
        };
        let mut d = Diagnostic::new(meta.code, severity, h.span.clone(), h.path.clone(), message);
        if let Some(r) = &f.rewrite {
            let title = if r.is_empty() {
                match cx.locale {
                    Locale::En => "Remove this wording".to_string(),
                    Locale::ZhTw => "刪除這個用語".to_string(),
                }
            } else if h.fix_span.is_some() {
                match (cx.locale, f.rule) {
                    (Locale::En, "PM305") => "Rewrite with a done-when to fill in".to_string(),
                    (Locale::En, _) => {
                        "Rewrite toward the system gap (fill in the TODO)".to_string()
                    }
                    (Locale::ZhTw, "PM305") => "改寫並補上完成標準".to_string(),
                    (Locale::ZhTw, _) => "改寫為系統缺口（請補上 TODO）".to_string(),
                }
            } else {
                match cx.locale {
                    Locale::En => format!("Rewrite as “{r}”"),
                    Locale::ZhTw => format!("改寫為「{r}」"),
                }
            };
            let mut span = h.fix_span.clone().unwrap_or_else(|| h.span.clone());
            // Deleting a word takes exactly one of the spaces around it: the
            // finding may already hold one ("obviously "), which must not
            // join the words on either side ("wastoo").
            if r.is_empty() {
                let t = cx.text.as_bytes();
                while span.start < span.end && t.get(span.start) == Some(&b' ') {
                    span.start += 1;
                }
                while span.end > span.start && t.get(span.end - 1) == Some(&b' ') {
                    span.end -= 1;
                }
                if t.get(span.end) == Some(&b' ') {
                    span.end += 1;
                } else if span.start > 0 && t.get(span.start - 1) == Some(&b' ') {
                    span.start -= 1;
                }
            }
            d.fixes.push(crate::diagnostic::Fix {
                title,
                edits: vec![crate::diagnostic::Edit {
                    span,
                    new_text: escape_for(h.style, r),
                }],
                preferred: false,
            });
        }
        let word = f
            .name
            .clone()
            .unwrap_or_else(|| cx.text.get(h.span.clone()).unwrap_or("").trim().to_string());
        if !word.is_empty() && word.chars().count() <= 40 {
            d.allow_word = Some(word);
        }
        out.push(d);
    }
}

/// A rewrite as source text inside a scalar of this style: quotes and
/// backslashes escaped in quoted scalars (a sentence rewrite carries the
/// original text, which may hold either).
fn escape_for(style: crate::syntax::ScalarStyle, text: &str) -> String {
    use crate::syntax::ScalarStyle;
    match style {
        ScalarStyle::SingleQuoted => text.replace('\'', "''"),
        ScalarStyle::DoubleQuoted => text.replace('\\', "\\\\").replace('"', "\\\""),
        _ => text.to_string(),
    }
}

/// A scalar with its field path and schema path. The paths of one
/// analysis share one buffer (see [`collect_scalars`]): building a `String`
/// per path for every value on every keystroke was a tenth of an edit.
pub struct ScalarRec<'n> {
    pub path: &'n str,
    pub spath: &'n str,
    pub scalar: &'n Scalar,
}

/// Where one record's paths lie in the shared buffer.
type PathRanges = (std::ops::Range<usize>, std::ops::Range<usize>);

/// Appends `path` and `spath` to `buf`, returning where they lie.
fn stash(buf: &mut String, path: &str, spath: &str) -> PathRanges {
    let p = buf.len()..buf.len() + path.len();
    buf.push_str(path);
    let sp = buf.len()..buf.len() + spath.len();
    buf.push_str(spath);
    (p, sp)
}

/// The schema walk of a document, once. The visits' paths are written into
/// `buf` (emptied first), which they borrow.
pub fn collect_visits<'n>(root: &'n Node, buf: &'n mut String) -> Vec<VisitRec<'n>> {
    enum Shape {
        Map(&'static [Field], Span),
        Value(&'static Kind, Span),
    }
    buf.clear();
    // Sized from the document (about a visit per 20 bytes, paths about as
    // long as the text), so the buffers seldom grow while walking.
    buf.reserve(root.span.len());
    let mut raw: Vec<(&'n Node, Shape, PathRanges)> = Vec::with_capacity(root.span.len() / 20);
    walk_schema(root, &mut |v| match v {
        Visit::Map {
            node,
            fields,
            path,
            spath,
            anchor,
        } => raw.push((node, Shape::Map(fields, anchor), stash(buf, path, spath))),
        Visit::Value {
            node,
            kind,
            path,
            spath,
            key_span,
        } => raw.push((node, Shape::Value(kind, key_span), stash(buf, path, spath))),
    });
    let buf: &'n String = buf;
    raw.into_iter()
        .map(|(node, shape, (p, sp))| {
            let (path, spath) = (&buf[p], &buf[sp]);
            match shape {
                Shape::Map(fields, anchor) => VisitRec::Map {
                    node,
                    fields,
                    path,
                    spath,
                    anchor,
                },
                Shape::Value(kind, key_span) => VisitRec::Value {
                    node,
                    kind,
                    path,
                    spath,
                    key_span,
                },
            }
        })
        .collect()
}

/// Every scalar of a document, once. Their paths are written into `buf`
/// (emptied first), which they borrow.
pub fn collect_scalars<'n>(root: &'n Node, buf: &'n mut String) -> Vec<ScalarRec<'n>> {
    buf.clear();
    buf.reserve(root.span.len());
    let mut raw: Vec<(PathRanges, &'n Scalar)> = Vec::with_capacity(root.span.len() / 20);
    visit_scalars(root, &mut |path, spath, scalar| {
        raw.push((stash(buf, path, spath), scalar));
    });
    let buf: &'n String = buf;
    raw.into_iter()
        .map(|((p, sp), scalar)| ScalarRec {
            path: &buf[p],
            spath: &buf[sp],
            scalar,
        })
        .collect()
}

impl<'a> Context<'a> {
    /// Like [`walk_schema`] over the document, from the walk computed once.
    pub fn walk(&self, f: &mut dyn FnMut(Visit<'a, '_>)) {
        for v in self.visits {
            f(match v {
                VisitRec::Map {
                    node,
                    fields,
                    path,
                    spath,
                    anchor,
                } => Visit::Map {
                    node,
                    fields,
                    path,
                    spath,
                    anchor: anchor.clone(),
                },
                VisitRec::Value {
                    node,
                    kind,
                    path,
                    spath,
                    key_span,
                } => Visit::Value {
                    node,
                    kind,
                    path,
                    spath,
                    key_span: key_span.clone(),
                },
            });
        }
    }

    /// Like [`visit_scalars`], from the list computed once.
    pub fn each_scalar(&self, f: &mut dyn FnMut(&str, &str, &'a Scalar)) {
        for s in self.scalars {
            f(s.path, s.spath, s.scalar);
        }
    }
}

/// One visit of the schema walk.
pub enum Visit<'n, 'p> {
    /// A map that should have `fields`; `anchor` is where to report a missing field.
    Map {
        node: &'n Node,
        fields: &'static [Field],
        path: &'p str,
        spath: &'p str,
        anchor: Span,
    },
    /// A value that should be of `kind`.
    Value {
        node: &'n Node,
        kind: &'static Kind,
        path: &'p str,
        spath: &'p str,
        key_span: Span,
    },
}

/// Walks the document along the schema. Values that are `TODO(...)` are not
/// descended into. Unknown keys are skipped (PM005 reports them).
pub fn walk_schema<'n>(root: &'n Node, visit: &mut dyn FnMut(Visit<'n, '_>)) {
    let top: &'static Kind = &TOP_KIND;
    walk(
        root,
        top,
        &mut String::new(),
        &mut String::new(),
        0..0,
        visit,
    );
}

static TOP_KIND: Kind = Kind::Map(crate::schema::TOP);

/// Appends `.key` (or `key` at the root) to a path buffer.
pub fn push_key(buf: &mut String, key: &str) {
    if !buf.is_empty() {
        buf.push('.');
    }
    buf.push_str(key);
}

/// Appends `[i]` to a path buffer.
pub fn push_index(buf: &mut String, i: usize) {
    use std::fmt::Write;
    let _ = write!(buf, "[{i}]");
}

// Paths are built in two reused buffers (truncated on the way back up), so a
// walk allocates nothing per node.
fn walk<'n>(
    node: &'n Node,
    kind: &'static Kind,
    path: &mut String,
    spath: &mut String,
    key_span: Span,
    visit: &mut dyn FnMut(Visit<'n, '_>),
) {
    if !path.is_empty() {
        visit(Visit::Value {
            node,
            kind,
            path,
            spath,
            key_span: key_span.clone(),
        });
    }
    if crate::query::is_todo(node) {
        return;
    }
    let (pl, sl) = (path.len(), spath.len());
    match (kind, &node.value) {
        (Kind::Map(fields) | Kind::TextOr(fields), Value::Map(pairs)) => {
            let anchor = if path.is_empty() {
                0..0
            } else if key_span.end > key_span.start {
                key_span
            } else {
                pairs
                    .first()
                    .map_or(node.span.start..node.span.start, |p| p.key.span.clone())
            };
            visit(Visit::Map {
                node,
                fields,
                path,
                spath,
                anchor,
            });
            for p in pairs {
                if let (Some(f), Some(v)) =
                    (fields.iter().find(|f| f.name == p.key.value), &p.value)
                {
                    push_key(path, &p.key.value);
                    push_key(spath, &p.key.value);
                    walk(v, &f.kind, path, spath, p.key.span.clone(), visit);
                    path.truncate(pl);
                    spath.truncate(sl);
                }
            }
        }
        (Kind::List(inner), Value::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                push_index(path, i);
                walk(
                    item,
                    inner,
                    path,
                    spath,
                    item.span.start..item.span.start,
                    visit,
                );
                path.truncate(pl);
            }
        }
        (Kind::Dict(inner), Value::Map(pairs)) => {
            for p in pairs {
                if let Some(v) = &p.value {
                    push_key(path, &p.key.value);
                    walk(v, inner, path, spath, p.key.span.clone(), visit);
                    path.truncate(pl);
                }
            }
        }
        _ => {}
    }
}

/// Every scalar in the document with its path and schema path (keys of
/// unknown sections included), for rules that read prose.
pub fn visit_scalars<'a>(root: &'a Node, f: &mut dyn FnMut(&str, &str, &'a Scalar)) {
    fn go<'a>(
        n: &'a Node,
        path: &mut String,
        spath: &mut String,
        f: &mut dyn FnMut(&str, &str, &'a Scalar),
    ) {
        let (pl, sl) = (path.len(), spath.len());
        match &n.value {
            Value::Scalar(s) => f(path, spath, s),
            Value::Seq(items) => {
                for (i, it) in items.iter().enumerate() {
                    push_index(path, i);
                    go(it, path, spath, f);
                    path.truncate(pl);
                }
            }
            Value::Map(pairs) => {
                for p in pairs {
                    if let Some(v) = &p.value {
                        push_key(path, &p.key.value);
                        push_key(spath, &p.key.value);
                        go(v, path, spath, f);
                        path.truncate(pl);
                        spath.truncate(sl);
                    }
                }
            }
            Value::Alias | Value::Invalid => {}
        }
    }
    go(root, &mut String::new(), &mut String::new(), f);
}

/// East Asian wide characters (two columns in a terminal).
pub fn is_wide(c: char) -> bool {
    pm106_summary_too_long::is_cjk(c)
        || matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF)
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::analysis::{analyze, Options};
    use crate::config::Config;
    use crate::diagnostic::Diagnostic;

    /// Diagnostics of one rule on a document (no inputs on disk).
    pub fn run(code: &str, text: &str) -> Vec<Diagnostic> {
        let cfg = Config::default();
        analyze(text.to_string(), &Options::new(&cfg))
            .diagnostics
            .into_iter()
            .filter(|d| d.code == code)
            .collect()
    }

    /// The text each diagnostic of `code` points at.
    pub fn spans<'a>(code: &str, text: &'a str) -> Vec<&'a str> {
        run(code, text)
            .iter()
            .map(|d| &text[d.span.clone()])
            .collect()
    }
}

/// Runs the examples in every rule's doc comment.
#[cfg(test)]
mod doc_examples;

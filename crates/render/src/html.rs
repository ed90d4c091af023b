//! One self-contained HTML file: maud templates (escaped at compile time),
//! inline CSS and SVG, no scripts, no remote anything, and a
//! Content-Security-Policy that would block them anyway.

use super::model::*;
use super::svg;
use super::{category_name, confidence_text, HtmlOptions};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use postmortem_engine::diagnostic::Locale;
use postmortem_engine::slo;
use std::cell::RefCell;
use std::collections::HashSet;

const CSS: &str = include_str!("style.css");

struct W<'d> {
    d: &'d Doc,
    l: Locale,
    /// Footnotes already referenced (the first reference gets the anchor the
    /// footnote links back to).
    seen: RefCell<HashSet<usize>>,
}

pub fn write(d: &Doc, opts: &HtmlOptions) -> String {
    let w = W {
        d,
        l: d.locale,
        seen: RefCell::new(HashSet::new()),
    };
    w.page(opts).into_string()
}

impl W<'_> {
    fn t<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        self.l.pick(en, zh)
    }

    fn page(&self, opts: &HtmlOptions) -> Markup {
        let d = self.d;
        let l = self.l;
        let id = d
            .incident_id
            .clone()
            .unwrap_or_else(|| self.t("Untitled incident", "未命名事故").to_string());
        let csp = match &opts.nonce {
            Some(n) => format!("default-src 'none'; style-src 'nonce-{n}'; script-src 'nonce-{n}'"),
            None => "default-src 'none'; style-src 'unsafe-inline'".to_string(),
        };
        html! {
            (DOCTYPE)
            html lang=(l.pick("en", "zh-Hant-TW")) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta http-equiv="Content-Security-Policy" content=(csp);
                    meta name="color-scheme" content="light dark";
                    meta name="generator" content=(concat!("postmortem-lsp ", env!("CARGO_PKG_VERSION")));
                    title { (self.t("Postmortem", "事後回顧")) " " (id) }
                    style nonce=[opts.nonce.as_deref()] { (PreEscaped(CSS)) }
                }
                body {
                    main class="pm" {
                        (self.header(&id))
                        (self.banner())
                        (self.summary())
                        (self.impact())
                        (self.timeline())
                        (self.root_cause())
                        (self.factors())
                        div class="two-col" {
                            (self.list_section("went-well", self.t("What went well", "做得好的"), &d.went_well))
                            (self.list_section("went-wrong", self.t("What went wrong", "做得不好的"), &d.went_wrong))
                        }
                        (self.actions())
                        (self.prevention())
                        (self.systemic())
                        (self.decisions())
                        (self.list_section("out-of-scope", self.t("Out of scope", "不在本文件範圍"), &d.out_of_scope))
                        (self.verify())
                        (self.footnotes())
                        footer {
                            p { (self.t("Rendered by postmortem-lsp from the postmortem's YAML. Every numbered note quotes the input the claim cites.",
                                       "由 postmortem-lsp 從事後回顧的 YAML 產生。每個編號註腳都引用該主張所引的輸入檔原文。")) }
                        }
                    }
                }
            }
        }
    }

    fn header(&self, id: &str) -> Markup {
        let d = self.d;
        let l = self.l;
        let ms = |k: &str| {
            d.timeline
                .milestones
                .iter()
                .find(|m| m.kind == k)
                .map(|m| m.at)
        };
        let start = ms("impact_start");
        let end = ms("mitigated").or(ms("resolved"));
        let resolved = ms("resolved");
        html! {
            header class="title" {
                p class="kicker" { (self.t("Postmortem · blameless review", "事後回顧 · 不究責檢討")) }
                h1 { (id) (self.refs(&d.incident_sources)) }
                @if let Some(s) = start {
                    p class="meta" {
                        (date(s)) " · "
                        (self.t("impact", "影響")) " " (slo::clock(s, s))
                        @if let Some(e) = end { " → " (slo::clock(e, s)) " UTC (" (slo::format_minutes((e - s) as f64 / 60.0)) ")" }
                        @else { " UTC" }
                        @if let Some(r) = resolved { " · " (svg::milestone_name("resolved", l)) " " (slo::clock(r, s)) }
                        @if let Some(rc) = &d.root_cause {
                            @if let Some(c) = &rc.category { " · " (self.t("primary cause", "主要原因")) ": " (category_name(c, l)) }
                        }
                    }
                }
                @if !d.sections.is_empty() {
                    nav aria-label=(self.t("Sections", "章節")) {
                        ul {
                            @for s in &d.sections {
                                li { a href=(format!("#{}", s.id)) { (section_title(s.id, l)) } }
                            }
                        }
                    }
                }
            }
        }
    }

    fn banner(&self) -> Markup {
        let d = self.d;
        if d.error_count == 0 {
            return html! {};
        }
        html! {
            aside class="banner" aria-label=(self.t("Unfinished", "尚未完成")) {
                p {
                    strong { (self.t("Draft — not finished.", "草稿 — 尚未完成。")) }
                    " "
                    (if self.l == Locale::En {
                        format!("{} error{} still to fix{}:", d.error_count, if d.error_count == 1 { "" } else { "s" },
                            if d.warning_count > 0 { format!(" (and {} warning{})", d.warning_count, if d.warning_count == 1 { "" } else { "s" }) } else { String::new() })
                    } else {
                        format!("還有 {} 個錯誤待修正{}:", d.error_count,
                            if d.warning_count > 0 { format!("(另有 {} 個警告)", d.warning_count) } else { String::new() })
                    })
                }
                ul {
                    @for p in &d.problems {
                        li { span class="where" { (self.t("line", "第")) " " (p.line) (self.t("", " 行")) " · " (p.code) } " " (p.message) }
                    }
                    @if d.error_count > d.problems.len() {
                        li { "… " (d.error_count - d.problems.len()) " " (self.t("more", "個未列出")) }
                    }
                }
            }
        }
    }

    fn summary(&self) -> Markup {
        let Some(s) = &self.d.summary else {
            return self.missing("summary");
        };
        html! {
            section id="summary" data-line=(s.line) {
                h2 { (section_title("summary", self.l)) }
                p class="lead" { (self.rich(&s.text)) }
            }
        }
    }

    fn missing(&self, id: &'static str) -> Markup {
        html! {
            section id=(id) class="missing" {
                h2 { (section_title(id, self.l)) }
                p { mark class="todo" { (self.t("Not written yet.", "尚未撰寫。")) } }
            }
        }
    }

    fn impact(&self) -> Markup {
        let im = &self.d.impact;
        let l = self.l;
        let Some(line) = im.line else {
            return self.missing("impact");
        };
        html! {
            section id="impact" data-line=(line) {
                h2 { (section_title("impact", l)) }
                @if let Some(s) = &im.slo {
                    p class="slo" { strong { "SLO: " } (self.rich(s)) }
                }
                dl class="figures" {
                    @for f in &im.figures {
                        div class="figure" data-line=[f.line] {
                            dt { (l.pick(f.label_en, f.label_zh)) }
                            @match (&f.written, &f.computed) {
                                (Some(w), _) => {
                                    dd class="value" { (self.rich(w)) }
                                    @if f.differs {
                                        @if let Some(c) = &f.computed {
                                            dd class="note warn" { (self.t("the timeline says", "時間軸顯示")) " " (c) }
                                        }
                                    }
                                    @if let Some(h) = &f.how { @if f.written.is_some() && f.label_en.starts_with("Error") { dd class="note" { (h) } } }
                                }
                                (None, Some(c)) => {
                                    dd class="value computed" { (c) }
                                    dd class="note" { span class="badge computed" { (self.t("computed", "計算值")) } " " (f.how.clone().unwrap_or_default()) }
                                }
                                (None, None) => {
                                    dd class="value" { mark class="todo" { (self.t("not stated", "未填寫")) } }
                                }
                            }
                        }
                    }
                }
                (self.claim_foot(&im.sources, &im.confidence, &im.note))
            }
        }
    }

    fn timeline(&self) -> Markup {
        let t = &self.d.timeline;
        let l = self.l;
        let Some(line) = t.line else {
            return self.missing("timeline");
        };
        let title = format!(
            "{} {}",
            self.d.incident_id.as_deref().unwrap_or(""),
            self.t("timeline", "時間軸")
        );
        let day = t.events.iter().find_map(|e| e.at).unwrap_or(0);
        html! {
            section id="timeline" data-line=(line) {
                h2 { (section_title("timeline", l)) }
                @if let Some(chart) = svg::chart(t, title.trim(), l) {
                    figure class="chart" {
                        (chart)
                        figcaption { (self.t("Times in UTC. Bars: alert latency (impact start → detected), MTTA (detected → acknowledged), MTTR (impact start → mitigated).",
                                             "時間為 UTC。長條:告警延遲(影響開始 → 偵測到)、MTTA(偵測到 → 已確認)、MTTR(影響開始 → 已緩解)。")) }
                    }
                }
                table class="events" {
                    caption class="sr-only" { (self.t("Timeline events", "時間軸事件")) }
                    thead { tr { th scope="col" { (self.t("Time (UTC)", "時間(UTC)")) } th scope="col" { (self.t("Event", "事件")) } } }
                    tbody {
                        @for e in &t.events {
                            tr data-line=(e.line) class=[e.kind.as_ref().map(|k| format!("ms-{k}"))] {
                                td class="when" {
                                    @match e.at { Some(at) => { time datetime=(e.at_text) { (slo::clock(at, day)) } } None => { (e.at_text) } }
                                }
                                td {
                                    @if let Some(k) = &e.kind { span class=(format!("badge ms ms-{k}")) { (svg::milestone_name(k, l)) } " " }
                                    (self.rich(&e.text)) (self.refs(&e.sources))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn root_cause(&self) -> Markup {
        let l = self.l;
        let Some(rc) = &self.d.root_cause else {
            return self.missing("root-cause");
        };
        html! {
            section id="root-cause" data-line=(rc.claim.line) {
                h2 { (section_title("root-cause", l)) }
                ol class="whys" {
                    @for (i, (_, w)) in rc.whys.iter().enumerate() {
                        li data-line=(w.line) {
                            span class="why-n" { (self.t("Why", "為什麼")) " " (i + 1) }
                            span class="why-t" { (self.rich(&w.text)) }
                        }
                    }
                }
                p class="facts" {
                    @if let Some(c) = &rc.category {
                        (self.t("Primary cause category", "主要原因類別")) ": " strong { (category_name(c, l)) }
                    }
                }
                (self.claim_foot(&rc.claim.sources, &rc.claim.confidence, &rc.claim.note))
            }
        }
    }

    fn factors(&self) -> Markup {
        let d = self.d;
        let l = self.l;
        let Some(sec) = d.sections.iter().find(|s| s.id == "contributing-factors") else {
            return self.missing("contributing-factors");
        };
        html! {
            section id="contributing-factors" data-line=(sec.line) {
                h2 { (section_title("contributing-factors", l)) }
                @for (cat, claims) in &d.factors {
                    h3 { (category_name(cat, l)) }
                    ul class="claims" {
                        @for c in claims {
                            li data-line=(c.line) class=[c.is_low().then_some("low")] {
                                (self.rich(&c.text)) (self.refs(&c.sources)) " " (self.conf(&c.confidence))
                                @if let Some(n) = &c.note { p class="conf-note" { (self.rich(n)) } }
                            }
                        }
                    }
                }
            }
        }
    }

    fn list_section(&self, id: &'static str, title: &str, items: &[Item]) -> Markup {
        let Some(sec) = self.d.sections.iter().find(|s| s.id == id) else {
            return self.missing(id);
        };
        html! {
            section id=(id) data-line=(sec.line) {
                h2 { (title) }
                ul {
                    @for it in items { li data-line=(it.line) { (self.rich(&it.text)) } }
                }
            }
        }
    }

    fn actions(&self) -> Markup {
        let d = self.d;
        let l = self.l;
        let Some(sec) = d.sections.iter().find(|s| s.id == "action-items") else {
            return self.missing("action-items");
        };
        html! {
            section id="action-items" data-line=(sec.line) {
                h2 { (section_title("action-items", l)) }
                div class="table-wrap" {
                    table class="actions" {
                        thead {
                            tr {
                                th scope="col" { "ID" }
                                th scope="col" { (self.t("Action", "行動")) }
                                th scope="col" { (self.t("Owner", "負責人")) }
                                th scope="col" { (self.t("Due", "期限")) }
                                th scope="col" { (self.t("Severity", "嚴重度")) }
                                th scope="col" { (self.t("Category", "類別")) }
                                th scope="col" { (self.t("Success criteria", "完成標準")) }
                            }
                        }
                        tbody {
                            @for a in &d.actions {
                                tr data-line=(a.line) {
                                    th scope="row" class="id" { (a.id) }
                                    td {
                                        (self.rich(&a.statement)) (self.refs(&a.sources)) " " (self.conf(&a.confidence))
                                        @if let Some(n) = &a.note { p class="conf-note" { (self.rich(n)) } }
                                    }
                                    td data-label=(self.t("Owner", "負責人")) { (self.or_todo(&a.owner)) }
                                    td class="nowrap" data-label=(self.t("Due", "期限")) { (self.or_todo(&a.due)) }
                                    td data-label=(self.t("Severity", "嚴重度")) { span class=(format!("badge sev sev-{}", a.severity)) { (a.severity) } }
                                    td data-label=(self.t("Category", "類別")) { (category_name(&a.category, l)) }
                                    td data-label=(self.t("Success criteria", "完成標準")) { (self.or_todo(&a.success)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn prevention(&self) -> Markup {
        let d = self.d;
        let l = self.l;
        let Some(sec) = d.sections.iter().find(|s| s.id == "prevention") else {
            return self.missing("prevention");
        };
        html! {
            section id="prevention" data-line=(sec.line) {
                h2 { (section_title("prevention", l)) }
                div class="grid" {
                    @for (cat, items) in &d.prevention {
                        div class="card" {
                            h3 { (category_name(cat, l)) }
                            ul { @for it in items { li data-line=(it.line) { (self.rich(&it.text)) } } }
                        }
                    }
                }
            }
        }
    }

    fn systemic(&self) -> Markup {
        let d = self.d;
        let l = self.l;
        let Some(sec) = d.sections.iter().find(|s| s.id == "systemic-changes") else {
            return self.missing("systemic-changes");
        };
        html! {
            section id="systemic-changes" data-line=(sec.line) {
                h2 { (section_title("systemic-changes", l)) }
                @for s in &d.systemic {
                    article class="card change" data-line=(s.line) {
                        p class="change-t" { (self.rich(&s.change)) (self.refs(&s.sources)) " " (self.conf(&s.confidence)) }
                        dl {
                            dt { (self.t("Cost", "成本")) }
                            dd { @match &s.cost { Some(c) => (self.rich(c)), None => mark class="todo" { (self.t("not stated", "未填寫")) } } }
                            dt { (self.t("Risk if skipped", "不做的風險")) }
                            dd { @match &s.risk { Some(c) => (self.rich(c)), None => mark class="todo" { (self.t("not stated", "未填寫")) } } }
                        }
                        @if let Some(n) = &s.note { p class="conf-note" { (self.rich(n)) } }
                    }
                }
            }
        }
    }

    fn decisions(&self) -> Markup {
        let d = self.d;
        let l = self.l;
        let Some(sec) = d.sections.iter().find(|s| s.id == "decisions") else {
            return self.missing("decisions");
        };
        html! {
            section id="decisions" data-line=(sec.line) {
                h2 { (section_title("decisions", l)) }
                @for dec in &d.decisions {
                    article class="card decision" data-line=(dec.line) {
                        p class="decision-t" { (self.rich(&dec.decision)) (self.refs(&dec.sources)) " " (self.conf(&dec.confidence)) }
                        ul class="options" {
                            @for (name, chosen, why) in &dec.options {
                                @if *chosen {
                                    li class="chosen" { span class="opt" { (name) } " " span class="badge chosen" { (self.t("chosen", "採用")) } }
                                } @else {
                                    li class="rejected" {
                                        span class="opt" { (name) } " " span class="badge rejected" { (self.t("rejected", "未採用")) }
                                        @match why {
                                            Some(w) => { " — " (self.rich(w)) }
                                            None => { " " mark class="todo" { (self.t("no reason given", "未說明原因")) } }
                                        }
                                    }
                                }
                            }
                        }
                        @if !dec.chosen.is_empty() && !dec.options.iter().any(|(_, c, _)| *c) {
                            p class="note warn" { (self.t("Chosen", "採用")) ": " (dec.chosen) " " (self.t("(not among the options considered)", "(不在考慮的選項中)")) }
                        }
                        @if let Some(n) = &dec.note { p class="conf-note" { (self.rich(n)) } }
                    }
                }
            }
        }
    }

    fn verify(&self) -> Markup {
        let l = self.l;
        let Some(v) = &self.d.verify else {
            return html! {};
        };
        html! {
            section id="verify" data-line=[v.line] {
                h2 { (section_title("verify", l)) }
                @if !v.low.is_empty() {
                    h3 { (self.t("Least certain", "信心最低的欄位")) }
                    div class="table-wrap" {
                        table {
                            thead { tr {
                                th scope="col" { (self.t("Field", "欄位")) }
                                th scope="col" { (self.t("Confidence", "信心")) }
                                th scope="col" { (self.t("What would settle it", "需要補充的資料")) }
                            } }
                            tbody {
                                @for lc in &v.low {
                                    tr data-line=(lc.line) {
                                        th scope="row" { code { (lc.field) } }
                                        td { (self.conf(&lc.confidence.clone().or_else(|| Some("L".into())))) }
                                        td { (self.rich(&lc.needs)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !v.assumptions.is_empty() {
                    h3 { (self.t("Assumptions not stated in the inputs", "輸入資料未明說的假設")) }
                    ul { @for a in &v.assumptions { li data-line=(a.line) { (self.rich(&a.text)) } } }
                }
                @if let Some((what, why)) = &v.next_input {
                    h3 { (self.t("The one input to add next", "下一份最該補的輸入")) }
                    p { (self.rich(what)) }
                    @if let Some(w) = why { p class="muted" { (self.rich(w)) } }
                }
            }
        }
    }

    fn footnotes(&self) -> Markup {
        let d = self.d;
        if d.footnotes.is_empty() {
            return html! {};
        }
        html! {
            section id="evidence" {
                h2 { (section_title("evidence", self.l)) }
                ol class="footnotes" {
                    @for n in &d.footnotes {
                        li id=(format!("fn-{}", n.n)) {
                            p class="cite-label" {
                                span class="src" { (n.label) }
                                " " a class="back" href=(format!("#fnref-{}", n.n)) aria-label=(self.t("Back to the claim", "回到主張")) { "↩" }
                            }
                            @match (&n.quote, &n.problem) {
                                (Some(q), _) => {
                                    blockquote class=[n.mono.then_some("mono")] { (q) @if n.cut { span class="cut" { " …" } } }
                                }
                                (None, Some(p)) => {
                                    p { mark class="unresolved" { (self.t("Does not resolve", "無法對應")) } " " (p) }
                                }
                                (None, None) => {}
                            }
                        }
                    }
                }
            }
        }
    }

    // --- pieces ------------------------------------------------------------

    fn rich(&self, r: &Rich) -> Markup {
        html! {
            @for seg in &r.0 {
                @match seg {
                    Seg::Text(t) => (t),
                    Seg::Note(n) => (self.note_ref(*n)),
                    Seg::Unattributed => mark class="unattributed" { (self.t("source unstated — needs confirmation", "來源未明示,需確認")) },
                    Seg::Todo(t) => mark class="todo" { "TODO" @if !t.is_empty() { ": " (t) } },
                }
            }
        }
    }

    /// A value, or a visible "TODO" when it is empty.
    fn or_todo(&self, r: &Rich) -> Markup {
        if r.is_empty() {
            html! { mark class="todo" { (self.t("not stated", "未填寫")) } }
        } else {
            self.rich(r)
        }
    }

    fn refs(&self, r: &Rich) -> Markup {
        if r.is_empty() {
            return html! {};
        }
        html! { span class="refs" { (self.rich(r)) } }
    }

    fn note_ref(&self, n: usize) -> Markup {
        let first = self.seen.borrow_mut().insert(n);
        let note = self.d.footnotes.get(n.wrapping_sub(1));
        let title = note.map(|f| match (&f.quote, &f.problem) {
            (Some(q), _) => {
                let short: String = q.chars().take(160).collect();
                let more = if q.chars().count() > 160 { "…" } else { "" };
                format!("{}: {short}{more}", f.label)
            }
            (None, Some(p)) => format!("{}: {p}", f.label),
            _ => f.label.clone(),
        });
        let bad = note.is_some_and(|f| f.quote.is_none());
        html! {
            sup class=(if bad { "fnref bad" } else { "fnref" }) id=[first.then(|| format!("fnref-{n}"))] {
                a href=(format!("#fn-{n}")) title=[title] { (n) }
            }
        }
    }

    fn conf(&self, c: &Option<String>) -> Markup {
        let Some(c) = c else { return html! {} };
        let key = c.to_ascii_uppercase();
        html! {
            span class=(format!("badge conf conf-{}", if matches!(key.as_str(), "H" | "M" | "L") { key.as_str() } else { "x" })) {
                (confidence_text(&key, self.l))
            }
        }
    }

    fn claim_foot(&self, sources: &Rich, c: &Option<String>, note: &Option<Rich>) -> Markup {
        if sources.is_empty() && c.is_none() && note.is_none() {
            return html! {};
        }
        html! {
            p class="claim-foot" {
                @if !sources.is_empty() { (self.t("Sources", "來源")) " " (self.refs(sources)) " " }
                (self.conf(c))
            }
            @if let Some(n) = note { p class="conf-note" { (self.rich(n)) } }
        }
    }
}

fn date(t: i64) -> String {
    // 2026-04-09 from the clock helper's month-day and the year
    let days = t.div_euclid(86_400);
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// (year, month, day) of days since 1970-01-01.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

pub fn section_title(id: &str, l: Locale) -> &'static str {
    match id {
        "summary" => l.pick("Summary", "摘要"),
        "impact" => l.pick("Impact", "影響"),
        "timeline" => l.pick("Timeline", "時間軸"),
        "root-cause" => l.pick("Root cause: five whys", "根因:五個為什麼"),
        "contributing-factors" => l.pick("Contributing factors", "促成因素"),
        "went-well" => l.pick("What went well", "做得好的"),
        "went-wrong" => l.pick("What went wrong", "做得不好的"),
        "action-items" => l.pick("Action items", "行動項目"),
        "prevention" => l.pick("Prevention by category", "預防類別"),
        "systemic-changes" => l.pick("Systemic changes", "系統性改變"),
        "decisions" => l.pick("Decisions", "決策紀錄"),
        "out-of-scope" => l.pick("Out of scope", "不在本文件範圍"),
        "verify" => l.pick("Review: what is least certain", "審查:最不確定的部分"),
        "evidence" => l.pick("Evidence", "證據"),
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::date(0), "1970-01-01");
        let t = postmortem_engine::slo::parse_timestamp("2026-04-09T23:59:00Z").unwrap_or(0);
        assert_eq!(super::date(t), "2026-04-09");
        assert_eq!(super::date(951_782_400), "2000-02-29");
    }
}

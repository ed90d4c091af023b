//! GitHub-flavoured Markdown: footnotes for the evidence, a Mermaid timeline
//! plus the table of events, alerts for the unfinished-document banner.
//! Every piece of text from the document or its inputs goes through [`esc`]
//! (HTML special characters as entities, Markdown punctuation backslashed),
//! so nothing in it becomes markup.

use super::html::section_title;
use super::model::*;
use super::svg::milestone_name;
use super::{category_name, confidence_text};
use postmortem_engine::diagnostic::Locale;
use postmortem_engine::slo;
use std::fmt::Write;

pub fn write(d: &Doc) -> String {
    let mut w = M {
        d,
        l: d.locale,
        out: String::new(),
    };
    w.doc();
    w.out
}

struct M<'d> {
    d: &'d Doc,
    l: Locale,
    out: String,
}

/// Escapes text for Markdown: `&`, `<`, `>` as entities, Markdown
/// punctuation with a backslash, line breaks as spaces.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut last_space = false;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => {
                if !last_space {
                    out.push(' ');
                }
                last_space = true;
                continue;
            }
            _ => out.push(c),
        }
        last_space = c == ' ';
    }
    out
}

/// Text for a Mermaid label: no line breaks, and none of the characters that
/// end a label or open markup (`:` `;` `#` `<` `>` `` ` `` `{` `}`) — they
/// become look-alikes. Shortened to 90 characters (the table has the rest).
fn mermaid(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            ':' => '∶',
            ';' => '；',
            '#' => '＃',
            '<' => '‹',
            '>' => '›',
            '`' => '\'',
            '{' => '(',
            '}' => ')',
            '%' => '％',
            '\n' | '\r' | '\t' => ' ',
            c => c,
        })
        .collect();
    if out.chars().count() > 90 {
        out = out
            .chars()
            .take(89)
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
    }
    out
}

impl M<'_> {
    fn t<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        self.l.pick(en, zh)
    }

    fn rich(&self, r: &Rich) -> String {
        let mut s = String::new();
        for seg in &r.0 {
            match seg {
                Seg::Text(t) => s.push_str(&esc(t)),
                Seg::Note(n) => {
                    let _ = write!(s, "[^{n}]");
                }
                Seg::Unattributed => {
                    let _ = write!(
                        s,
                        "**\\[{}\\]**",
                        self.t("source unstated — needs confirmation", "來源未明示,需確認")
                    );
                }
                Seg::Todo(t) if t.is_empty() => s.push_str("**TODO**"),
                Seg::Todo(t) => {
                    let _ = write!(s, "**TODO: {}**", esc(t));
                }
            }
        }
        s
    }

    fn or_todo(&self, r: &Rich) -> String {
        if r.is_empty() {
            format!("**{}**", self.t("not stated", "未填寫"))
        } else {
            self.rich(r)
        }
    }

    fn conf(&self, c: &Option<String>) -> String {
        match c {
            Some(c) if c.eq_ignore_ascii_case("L") => {
                format!(" **⚠ {}**", confidence_text("L", self.l))
            }
            Some(c) => format!(
                " *({})*",
                esc(&confidence_text(&c.to_ascii_uppercase(), self.l))
            ),
            None => String::new(),
        }
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn h2(&mut self, id: &str) {
        let t = section_title(id, self.l);
        self.line("");
        self.line(&format!("## {t}"));
        self.line("");
    }

    fn doc(&mut self) {
        let d = self.d;
        let id = d
            .incident_id
            .clone()
            .unwrap_or_else(|| self.t("Untitled incident", "未命名事故").to_string());
        let title = format!(
            "# {} {}{}",
            self.t("Postmortem", "事後回顧"),
            esc(&id),
            self.rich(&d.incident_sources)
        );
        self.line(&title);
        self.line("");
        self.meta();
        self.banner();
        self.summary();
        self.impact();
        self.timeline();
        self.root_cause();
        self.factors();
        self.items("went-well", &d.went_well);
        self.items("went-wrong", &d.went_wrong);
        self.actions();
        self.prevention();
        self.systemic();
        self.decisions();
        self.items("out-of-scope", &d.out_of_scope);
        self.verify();
        self.footnotes();
        // one trailing newline
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
    }

    fn meta(&mut self) {
        let d = self.d;
        let ms = |k: &str| {
            d.timeline
                .milestones
                .iter()
                .find(|m| m.kind == k)
                .map(|m| m.at)
        };
        let mut parts = vec![format!(
            "*{}*",
            self.t("Postmortem · blameless review", "事後回顧 · 不究責檢討")
        )];
        if let Some(s) = ms("impact_start") {
            let mut p = format!("{} {}", self.t("impact", "影響"), slo::clock(s, s));
            if let Some(e) = ms("mitigated").or(ms("resolved")) {
                let _ = write!(
                    p,
                    " → {} UTC ({})",
                    slo::clock(e, s),
                    slo::format_minutes((e - s) as f64 / 60.0)
                );
            } else {
                p.push_str(" UTC");
            }
            parts.push(p);
            if let Some(r) = ms("resolved") {
                parts.push(format!(
                    "{} {}",
                    milestone_name("resolved", self.l),
                    slo::clock(r, s)
                ));
            }
        }
        if let Some(c) = d.root_cause.as_ref().and_then(|r| r.category.as_ref()) {
            parts.push(format!(
                "{}: **{}**",
                self.t("primary cause", "主要原因"),
                esc(&category_name(c, self.l))
            ));
        }
        let line = parts.join(" · ");
        self.line(&line);
    }

    fn banner(&mut self) {
        let d = self.d;
        if d.error_count == 0 {
            return;
        }
        self.line("");
        self.line("> [!WARNING]");
        let head = if self.l == Locale::En {
            format!(
                "> **Draft — not finished.** {} error{} still to fix{}:",
                d.error_count,
                if d.error_count == 1 { "" } else { "s" },
                if d.warning_count > 0 {
                    format!(
                        " (and {} warning{})",
                        d.warning_count,
                        if d.warning_count == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                }
            )
        } else {
            format!(
                "> **草稿 — 尚未完成。** 還有 {} 個錯誤待修正{}:",
                d.error_count,
                if d.warning_count > 0 {
                    format!("(另有 {} 個警告)", d.warning_count)
                } else {
                    String::new()
                }
            )
        };
        self.line(&head);
        self.line(">");
        for p in &d.problems {
            let where_ = if self.l == Locale::En {
                format!("line {}", p.line)
            } else {
                format!("第 {} 行", p.line)
            };
            let l = format!("> - {where_} · {} {}", p.code, esc(&p.message));
            self.line(&l);
        }
        if d.error_count > d.problems.len() {
            let l = format!(
                "> - … {} {}",
                d.error_count - d.problems.len(),
                self.t("more", "個未列出")
            );
            self.line(&l);
        }
    }

    fn missing(&mut self) {
        let l = format!("**{}**", self.t("Not written yet.", "尚未撰寫。"));
        self.line(&l);
    }

    fn has(&self, id: &str) -> bool {
        self.d.sections.iter().any(|s| s.id == id)
    }

    fn summary(&mut self) {
        self.h2("summary");
        match &self.d.summary {
            Some(s) => {
                let t = self.rich(&s.text);
                self.line(&t);
            }
            None => self.missing(),
        }
    }

    fn impact(&mut self) {
        let d = self.d;
        let im = &d.impact;
        self.h2("impact");
        if im.line.is_none() {
            return self.missing();
        }
        if let Some(s) = &im.slo {
            let l = format!("**SLO:** {}", self.rich(s));
            self.line(&l);
            self.line("");
        }
        let head = format!(
            "| {} | {} |",
            self.t("Figure", "指標"),
            self.t("Value", "數值")
        );
        self.line(&head);
        self.line("|---|---|");
        for f in &im.figures {
            let label = self.l.pick(f.label_en, f.label_zh);
            let value = match (&f.written, &f.computed) {
                (Some(w), _) => {
                    let mut v = self.rich(w);
                    if f.differs {
                        if let Some(c) = &f.computed {
                            let _ =
                                write!(v, " ({} {})", self.t("the timeline says", "時間軸顯示"), c);
                        }
                    }
                    if f.label_en.starts_with("Error") {
                        if let Some(h) = &f.how {
                            let _ = write!(v, " ({})", esc(h));
                        }
                    }
                    v
                }
                (None, Some(c)) => format!(
                    "{} *({}: {})*",
                    esc(c),
                    self.t("computed", "計算值"),
                    esc(f.how.as_deref().unwrap_or(""))
                ),
                (None, None) => format!("**{}**", self.t("not stated", "未填寫")),
            };
            let row = format!("| {label} | {value} |");
            self.line(&row);
        }
        self.claim_foot(&im.sources, &im.confidence, &im.note);
    }

    fn claim_foot(&mut self, sources: &Rich, c: &Option<String>, note: &Option<Rich>) {
        if sources.is_empty() && c.is_none() && note.is_none() {
            return;
        }
        self.line("");
        let mut l = String::new();
        if !sources.is_empty() {
            let _ = write!(l, "{} {}", self.t("Sources:", "來源:"), self.rich(sources));
        }
        l.push_str(&self.conf(c));
        self.line(l.trim());
        if let Some(n) = note {
            self.line("");
            let l = format!("> {}", self.rich(n));
            self.line(&l);
        }
    }

    fn timeline(&mut self) {
        let d = self.d;
        let t = &d.timeline;
        self.h2("timeline");
        if t.line.is_none() {
            return self.missing();
        }
        let day = t.events.iter().find_map(|e| e.at).unwrap_or(0);
        let timed: Vec<&Event> = t.events.iter().filter(|e| e.at.is_some()).collect();
        if !timed.is_empty() {
            self.line("```mermaid");
            self.line("timeline");
            let title = format!(
                "    title {} (UTC)",
                mermaid(
                    d.incident_id
                        .as_deref()
                        .unwrap_or(self.t("Timeline", "時間軸"))
                )
            );
            self.line(&title);
            let mut last: Option<String> = None;
            let mut row = String::new();
            for e in timed {
                let clock = slo::clock(e.at.unwrap_or(0), day);
                let mut label = e.text.plain(self.l);
                if let Some(k) = &e.kind {
                    label = format!("{} — {label}", milestone_name(k, self.l));
                }
                if last.as_deref() == Some(clock.as_str()) {
                    let _ = write!(row, " : {}", mermaid(&label));
                } else {
                    if !row.is_empty() {
                        self.line(&row);
                    }
                    row = format!("    {} : {}", mermaid(&clock), mermaid(&label));
                    last = Some(clock);
                }
            }
            if !row.is_empty() {
                self.line(&row);
            }
            self.line("```");
            self.line("");
        }
        let head = format!(
            "| {} | {} |",
            self.t("Time (UTC)", "時間(UTC)"),
            self.t("Event", "事件")
        );
        self.line(&head);
        self.line("|---|---|");
        for e in &t.events {
            let when = match e.at {
                Some(at) => slo::clock(at, day),
                None => esc(&e.at_text),
            };
            let kind = e
                .kind
                .as_ref()
                .map(|k| format!("**{}** ", milestone_name(k, self.l)))
                .unwrap_or_default();
            let row = format!(
                "| {when} | {kind}{}{} |",
                self.rich(&e.text),
                self.rich(&e.sources)
            );
            self.line(&row);
        }
        let note = format!(
            "\n*{}*",
            self.t(
                "Alert latency = impact start → detected; MTTA = detected → acknowledged; MTTR = impact start → mitigated.",
                "告警延遲 = 影響開始 → 偵測到;MTTA = 偵測到 → 已確認;MTTR = 影響開始 → 已緩解。"
            )
        );
        self.line(&note);
    }

    fn root_cause(&mut self) {
        self.h2("root-cause");
        let Some(rc) = &self.d.root_cause else {
            return self.missing();
        };
        for (i, (_, w)) in rc.whys.iter().enumerate() {
            let l = format!(
                "{}. **{} {}** — {}",
                i + 1,
                self.t("Why", "為什麼"),
                i + 1,
                self.rich(&w.text)
            );
            self.line(&l);
        }
        if let Some(c) = &rc.category {
            self.line("");
            let l = format!(
                "{}: **{}**",
                self.t("Primary cause category", "主要原因類別"),
                esc(&category_name(c, self.l))
            );
            self.line(&l);
        }
        self.claim_foot(&rc.claim.sources, &rc.claim.confidence, &rc.claim.note);
    }

    fn factors(&mut self) {
        let d = self.d;
        self.h2("contributing-factors");
        if !self.has("contributing-factors") {
            return self.missing();
        }
        for (cat, claims) in &d.factors {
            let h = format!("### {}\n", esc(&category_name(cat, self.l)));
            self.line(&h);
            for c in claims {
                let l = format!(
                    "- {}{}{}",
                    self.rich(&c.text),
                    self.rich(&c.sources),
                    self.conf(&c.confidence)
                );
                self.line(&l);
                if let Some(n) = &c.note {
                    let l = format!(
                        "  - *{}* {}",
                        self.t("Why this confidence:", "信心說明:"),
                        self.rich(n)
                    );
                    self.line(&l);
                }
            }
            self.line("");
        }
    }

    fn items(&mut self, id: &'static str, items: &[Item]) {
        self.h2(id);
        if !self.has(id) {
            return self.missing();
        }
        for it in items {
            let l = format!("- {}", self.rich(&it.text));
            self.line(&l);
        }
    }

    fn actions(&mut self) {
        let d = self.d;
        self.h2("action-items");
        if !self.has("action-items") {
            return self.missing();
        }
        let head = format!(
            "| ID | {} | {} | {} | {} | {} | {} |",
            self.t("Action", "行動"),
            self.t("Owner", "負責人"),
            self.t("Due", "期限"),
            self.t("Severity", "嚴重度"),
            self.t("Category", "類別"),
            self.t("Success criteria", "完成標準")
        );
        self.line(&head);
        self.line("|---|---|---|---|---|---|---|");
        for a in &d.actions {
            let row = format!(
                "| {} | {}{}{} | {} | {} | {} | {} | {} |",
                esc(&a.id),
                self.rich(&a.statement),
                self.rich(&a.sources),
                self.conf(&a.confidence),
                self.or_todo(&a.owner),
                self.or_todo(&a.due),
                esc(&a.severity),
                esc(&category_name(&a.category, self.l)),
                self.or_todo(&a.success)
            );
            self.line(&row);
        }
    }

    fn prevention(&mut self) {
        let d = self.d;
        self.h2("prevention");
        if !self.has("prevention") {
            return self.missing();
        }
        for (cat, items) in &d.prevention {
            let h = format!("**{}**\n", esc(&category_name(cat, self.l)));
            self.line(&h);
            for it in items {
                let l = format!("- {}", self.rich(&it.text));
                self.line(&l);
            }
            self.line("");
        }
    }

    fn systemic(&mut self) {
        let d = self.d;
        self.h2("systemic-changes");
        if !self.has("systemic-changes") {
            return self.missing();
        }
        for s in &d.systemic {
            let l = format!(
                "- **{}**{}{}",
                self.rich(&s.change),
                self.rich(&s.sources),
                self.conf(&s.confidence)
            );
            self.line(&l);
            let none = format!("**{}**", self.t("not stated", "未填寫"));
            let cost = s.cost.as_ref().map_or(none.clone(), |c| self.rich(c));
            let risk = s.risk.as_ref().map_or(none, |c| self.rich(c));
            let l = format!("  - {} {cost}", self.t("*Cost:*", "*成本:*"));
            self.line(&l);
            let l = format!(
                "  - {} {risk}",
                self.t("*Risk if skipped:*", "*不做的風險:*")
            );
            self.line(&l);
        }
    }

    fn decisions(&mut self) {
        let d = self.d;
        self.h2("decisions");
        if !self.has("decisions") {
            return self.missing();
        }
        for dec in &d.decisions {
            let l = format!(
                "- **{}**{}{}",
                self.rich(&dec.decision),
                self.rich(&dec.sources),
                self.conf(&dec.confidence)
            );
            self.line(&l);
            for (name, chosen, why) in &dec.options {
                let l = if *chosen {
                    format!(
                        "  - ✅ `{}` — {}",
                        name.replace('`', "'"),
                        self.t("chosen", "採用")
                    )
                } else {
                    let why = why.as_ref().map_or_else(
                        || format!("**{}**", self.t("no reason given", "未說明原因")),
                        |w| self.rich(w),
                    );
                    format!("  - ❌ `{}` — {why}", name.replace('`', "'"))
                };
                self.line(&l);
            }
        }
    }

    fn verify(&mut self) {
        let Some(v) = &self.d.verify else { return };
        self.h2("verify");
        if !v.low.is_empty() {
            let head = format!(
                "| {} | {} | {} |",
                self.t("Field", "欄位"),
                self.t("Confidence", "信心"),
                self.t("What would settle it", "需要補充的資料")
            );
            self.line(&head);
            self.line("|---|---|---|");
            for lc in &v.low {
                let c = lc.confidence.clone().unwrap_or_else(|| "L".into());
                let row = format!(
                    "| `{}` | {} | {} |",
                    lc.field.replace(['`', '|'], "'"),
                    esc(&confidence_text(&c.to_ascii_uppercase(), self.l)),
                    self.rich(&lc.needs)
                );
                self.line(&row);
            }
            self.line("");
        }
        if !v.assumptions.is_empty() {
            let h = format!(
                "**{}**\n",
                self.t(
                    "Assumptions not stated in the inputs",
                    "輸入資料未明說的假設"
                )
            );
            self.line(&h);
            for a in &v.assumptions {
                let l = format!("- {}", self.rich(&a.text));
                self.line(&l);
            }
            self.line("");
        }
        if let Some((what, why)) = &v.next_input {
            let mut l = format!(
                "**{}** {}",
                self.t("The one input to add next:", "下一份最該補的輸入:"),
                self.rich(what)
            );
            if let Some(w) = why {
                let _ = write!(l, " — {}", self.rich(w));
            }
            self.line(&l);
        }
    }

    fn footnotes(&mut self) {
        let d = self.d;
        if d.footnotes.is_empty() {
            return;
        }
        self.h2("evidence");
        for n in &d.footnotes {
            let head = format!("[^{}]: **{}**", n.n, esc(&n.label));
            self.line(&head);
            match (&n.quote, &n.problem) {
                (Some(q), _) => {
                    for l in q.lines() {
                        let l = format!("    > {}", esc(l));
                        self.line(l.trim_end());
                    }
                    if n.cut {
                        self.line("    > …");
                    }
                }
                (None, Some(p)) => {
                    let l = format!(
                        "    **{}** {}",
                        self.t("Does not resolve:", "無法對應:"),
                        esc(p)
                    );
                    self.line(&l);
                }
                (None, None) => {}
            }
            self.line("");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert(1)</script> *x* [a](b) | ok"),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* \\[a\\](b) \\| ok"
        );
        assert_eq!(esc("a\n\nb"), "a b");
        assert_eq!(mermaid("13:58 a; <b> #1"), "13∶58 a； ‹b› ＃1");
    }
}

//! Blameless language checks, PM301–PM306: names as causes, blame words,
//! counterfactuals, people-fixing and vague action items, and judgement.
//!
//! A pure checker: text in, findings (byte ranges) out. No YAML, no LSP.
//! The phrase lists are data (`en.toml`, `zh-TW.toml` beside this file).
//!
//! Precision matters more than recall here: quoted material (“…”, "…",
//! 「…」, 『…』), code spans, bracketed citations (`[chat L14]`) and links are
//! evidence, not the author's voice, and are never flagged.

mod names;
mod phrases;
mod quotes;
mod subject;
mod util;

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

pub use names::{chat_speakers, handles_in, speaker_roles, People};
pub use phrases::{phrase_entries, phrase_errors, rule_name, Lang, PhraseEntry, RULES};

use names::role_phrase;
use subject::{classify_span, subject_before, SubjectMode};
use util::{capitalise, mostly_cjk, overlaps, sentence_at, sentence_spans};

/// What kind of field a text comes from; decides which rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// `root_cause` and everything under it.
    RootCause,
    /// `blameless_summary`.
    Summary,
    /// `contributing_factors`.
    Factor,
    /// `what_went_wrong`.
    WentWrong,
    /// `what_went_well`.
    WentWell,
    /// `systemic_changes`.
    Systemic,
    /// `decision_log`.
    Decision,
    /// `action_items[].statement`.
    Action,
    /// `action_items[].success_criteria`.
    SuccessCriteria,
    /// An owner: naming a person is the point. Never checked.
    Owner,
    /// Quoted evidence. Never checked.
    Quote,
    /// Anything else (timeline entries, prevention categories…).
    Other,
}

impl FieldKind {
    pub const ALL: [FieldKind; 12] = [
        FieldKind::RootCause,
        FieldKind::Summary,
        FieldKind::Factor,
        FieldKind::WentWrong,
        FieldKind::WentWell,
        FieldKind::Systemic,
        FieldKind::Decision,
        FieldKind::Action,
        FieldKind::SuccessCriteria,
        FieldKind::Owner,
        FieldKind::Quote,
        FieldKind::Other,
    ];

    /// The kind of a field from its path in the postmortem: `root_cause`,
    /// `root_cause.five_whys[0].why_1`, `action_items[2].statement`,
    /// `action_items.owner`, `quote`…
    pub fn from_field(path: &str) -> FieldKind {
        // The path's names without indices (`action_items[2]` → `action_items`),
        // compared without case; nothing is allocated (this runs per value
        // on every keystroke).
        // `.`, `/` and `[` are ASCII, so cutting at their bytes keeps UTF-8 whole.
        let mut segs = path
            .as_bytes()
            .split(|&b| b == b'.' || b == b'/')
            .map(|seg| {
                let end = seg.iter().position(|&b| b == b'[').unwrap_or(seg.len());
                std::str::from_utf8(&seg[..end]).unwrap_or("").trim()
            })
            .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()));
        let first = segs.next().unwrap_or("");
        let second = segs.next();
        let last = segs.next_back().or(second).unwrap_or(first);
        let is = |s: &str, names: &[&str]| names.iter().any(|n| s.eq_ignore_ascii_case(n));
        if is(last, &["owner", "owners"]) {
            return FieldKind::Owner;
        }
        if is(last, &["quote", "quotes"]) {
            return FieldKind::Quote;
        }
        let kinds: [(&[&str], FieldKind); 7] = [
            (&["root_cause"], FieldKind::RootCause),
            (&["blameless_summary", "summary"], FieldKind::Summary),
            (&["contributing_factors"], FieldKind::Factor),
            (&["what_went_wrong"], FieldKind::WentWrong),
            (&["what_went_well"], FieldKind::WentWell),
            (&["systemic_changes"], FieldKind::Systemic),
            (&["decision_log"], FieldKind::Decision),
        ];
        if let Some((_, k)) = kinds.iter().find(|(names, _)| is(first, names)) {
            return *k;
        }
        if is(first, &["action_items"]) {
            return match second {
                None => FieldKind::Action,
                Some(s) if is(s, &["statement", "action"]) => FieldKind::Action,
                Some(s) if is(s, &["success_criteria"]) => FieldKind::SuccessCriteria,
                Some(_) => FieldKind::Other,
            };
        }
        FieldKind::Other
    }

    /// The names used in the phrase lists' `kinds` / `skip_kinds`.
    pub fn from_list_name(name: &str) -> Option<FieldKind> {
        Some(match name {
            "root_cause" => FieldKind::RootCause,
            "summary" | "blameless_summary" => FieldKind::Summary,
            "factor" | "contributing_factors" => FieldKind::Factor,
            "went_wrong" | "what_went_wrong" => FieldKind::WentWrong,
            "went_well" | "what_went_well" => FieldKind::WentWell,
            "systemic" | "systemic_changes" => FieldKind::Systemic,
            "decision" | "decision_log" => FieldKind::Decision,
            "action" | "statement" => FieldKind::Action,
            "success_criteria" => FieldKind::SuccessCriteria,
            "owner" => FieldKind::Owner,
            "quote" => FieldKind::Quote,
            "other" => FieldKind::Other,
            _ => return None,
        })
    }

    /// A name here is an error (PM301).
    pub fn names_are_errors(self) -> bool {
        matches!(self, FieldKind::RootCause | FieldKind::Summary)
    }

    /// A name here is a warning (PM301).
    pub fn names_are_warnings(self) -> bool {
        matches!(
            self,
            FieldKind::Factor
                | FieldKind::WentWrong
                | FieldKind::WentWell
                | FieldKind::Systemic
                | FieldKind::Decision
        )
    }

    fn label(self) -> (&'static str, &'static str) {
        match self {
            FieldKind::RootCause => ("the root cause", "根本原因"),
            FieldKind::Summary => ("the blameless summary", "摘要"),
            FieldKind::Factor => ("a contributing factor", "促成因素"),
            FieldKind::WentWrong => ("what went wrong", "「哪裡出錯」"),
            FieldKind::WentWell => ("what went well", "「做得好的地方」"),
            FieldKind::Systemic => ("a systemic change", "系統性改善"),
            FieldKind::Decision => ("the decision log", "決策紀錄"),
            FieldKind::Action => ("an action item", "行動項"),
            FieldKind::SuccessCriteria => ("the success criteria", "完成標準"),
            FieldKind::Owner => ("the owner", "負責人"),
            FieldKind::Quote => ("a quote", "引述"),
            FieldKind::Other => ("this field", "此欄位"),
        }
    }
}

/// How serious a finding is, as a hint for the caller's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

/// One problem found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// "PM301" … "PM306".
    pub rule: &'static str,
    /// Byte range in the checked text.
    pub range: Range<usize>,
    /// PM301: error in the root cause and summary, warning elsewhere;
    /// PM302–PM305 warnings; PM306 information.
    pub severity_hint: Option<Severity>,
    /// English: what is wrong and what to do next.
    pub message: String,
    /// 繁體中文.
    pub message_zh: String,
    /// Replacement for `range`, in the language of the sentence. An empty
    /// string deletes the range (which then includes one adjacent space).
    pub rewrite: Option<String>,
    /// Why this matters, in English (for hovers).
    pub explain: String,
    /// Why this matters, in 繁體中文.
    pub explain_zh: String,
    /// PM301: the name found, as written.
    pub name: Option<String>,
    /// The byte range `rewrite` replaces when it is not `range`: the whole
    /// sentence, for the rewrites of PM302–PM306 that turn the sentence
    /// toward the system gap (the original kept in quotes, with a `TODO(…)`
    /// naming what to fill in).
    pub rewrite_range: Option<Range<usize>>,
}

const PM301_EXPLAIN: &str = "Blameless postmortems name gaps, not people: a name in a cause turns the review into a judgement of a person and stops the search for the guard the system lacked.";
const PM301_EXPLAIN_ZH: &str = "無咎檢討寫的是缺口而不是人：原因裡出現人名，會讓檢討變成評斷個人，也讓大家停止追查系統少了哪道防護。";

/// Checks one text of the given kind. `people` holds the names to look for
/// (and their roles, for the suggested rewrite); `@handles` and e-mail
/// addresses in the text count as people too.
pub fn check_text(text: &str, kind: FieldKind, people: &People) -> Vec<Finding> {
    if matches!(kind, FieldKind::Owner | FieldKind::Quote) || text.trim().is_empty() {
        return Vec::new();
    }
    let masked = quotes::mask(text);
    let sentences = sentence_spans(&masked);
    let mut out = Vec::new();
    if kind.names_are_errors() || kind.names_are_warnings() {
        name_findings(text, &masked, &sentences, kind, people, &mut out);
    }
    let mut starts: Option<Vec<usize>> = None;
    let mut measurable: Option<bool> = None;
    for e in phrases::candidates(&masked) {
        if !e.applies_to(kind) {
            continue;
        }
        let mut unless_hits: Option<Vec<Range<usize>>> = None;
        let mut cancelled: Option<bool> = None;
        for caps in e.regex.captures_iter(&masked) {
            let Some(whole) = caps.get(0) else { continue };
            let hit = caps
                .name("hit")
                .or_else(|| caps.name("hit2"))
                .or_else(|| caps.name("hit3"))
                .unwrap_or(whole);
            if hit.as_str().trim().is_empty() {
                continue;
            }
            if let Some(u) = &e.unless {
                let uh = unless_hits
                    .get_or_insert_with(|| u.get().find_iter(&masked).map(|m| m.range()).collect());
                if uh.iter().any(|r| overlaps(r, &whole.range())) {
                    continue;
                }
            }
            if let Some(u) = &e.unless_anywhere {
                if *cancelled.get_or_insert_with(|| u.get().is_match(&masked)) {
                    continue;
                }
            }
            if e.subject != SubjectMode::Any {
                let s = match caps.name("subj").or_else(|| caps.name("subj2")) {
                    Some(g) => classify_span(&masked, g.range(), people),
                    None => subject_before(&masked, whole.start(), people),
                };
                if !e.subject.accepts(s) {
                    continue;
                }
            }
            if e.at_start {
                let st = starts.get_or_insert_with(|| statement_starts(&masked, &sentences));
                if !st.contains(&hit.start()) {
                    continue;
                }
            }
            if e.unless_measurable && *measurable.get_or_insert_with(|| has_measurable(text)) {
                continue;
            }
            out.push(phrase_finding(e, text, &sentences, hit.range(), kind));
        }
    }
    // An action that fixes people is rewritten as a whole; whether the
    // rewrite is vague is a question for after that.
    if out.iter().any(|f| f.rule == "PM304") {
        out.retain(|f| f.rule != "PM305");
    }
    dedupe(out)
}

fn name_findings(
    text: &str,
    masked: &str,
    sentences: &[Range<usize>],
    kind: FieldKind,
    people: &People,
    out: &mut Vec<Finding>,
) {
    let severity = if kind.names_are_errors() {
        Severity::Error
    } else {
        Severity::Warning
    };
    let (field_en, field_zh) = kind.label();
    for h in people.find(masked) {
        let sentence = &text[sentence_at(sentences, h.range.start)];
        let zh = mostly_cjk(&sentence.replace(&h.written, ""));
        let role = people
            .role_of(&h.key)
            .or_else(|| people.role_of(&h.written));
        let mut rewrite = role_phrase(role, zh);
        let example_en = role_phrase(Some(role.unwrap_or("on-call engineer")), false);
        let example_zh = role_phrase(Some(role.unwrap_or("on-call engineer")), true);
        if !zh {
            if h.possessive {
                rewrite.push_str("'s");
            }
            if util::at_sentence_start(masked, h.range.start) {
                rewrite = capitalise(&rewrite);
            }
        }
        out.push(Finding {
            rule: "PM301",
            range: h.range.clone(),
            severity_hint: Some(severity),
            message: format!(
                "`{}` is named in {field_en}. Describe the gap in the system that let this happen, and refer to people by role (e.g. \"{example_en}\").",
                h.written
            ),
            message_zh: format!(
                "{field_zh}中出現人名「{}」。請描述讓這件事發生的系統缺口，並以角色稱呼人員（例如「{example_zh}」）。",
                h.written
            ),
            rewrite: Some(rewrite),
            explain: PM301_EXPLAIN.to_string(),
            explain_zh: PM301_EXPLAIN_ZH.to_string(),
            name: Some(h.written.clone()),
            rewrite_range: None,
        });
    }
}

fn phrase_finding(
    e: &PhraseEntry,
    text: &str,
    sentences: &[Range<usize>],
    range: Range<usize>,
    kind: FieldKind,
) -> Finding {
    let m = text[range.clone()].trim().to_string();
    let zh = mostly_cjk(&text[sentence_at(sentences, range.start)]);
    let (mut rewrite, rewrite_zh_lang) = {
        let (en, zhr) = match e.lang {
            Lang::En => (e.rewrite.clone(), e.rewrite_other.clone()),
            Lang::ZhTw => (e.rewrite_other.clone(), e.rewrite.clone()),
        };
        if zh {
            match zhr {
                Some(r) => (Some(r), true),
                None => (en, false),
            }
        } else {
            match en {
                Some(r) => (Some(r), false),
                None => (zhr, true),
            }
        }
    };
    let mut range = range;
    if let Some(r) = &mut rewrite {
        if r.is_empty() {
            range = widen_over_space(text, range);
        } else if !rewrite_zh_lang
            && m.chars().next().is_some_and(char::is_uppercase)
            && !m.chars().skip(1).any(char::is_uppercase)
        {
            *r = capitalise(r);
        }
    }
    // No phrase rewrite: turn the whole sentence toward the system gap.
    let mut rewrite_range = None;
    if rewrite.is_none() {
        if let Some((r, sentence)) = sentence_rewrite(e.rule, text, sentences, range.start, zh) {
            rewrite = Some(r);
            rewrite_range = Some(sentence);
        }
    }
    let phrase_rewrite = if rewrite_range.is_some() {
        None
    } else {
        rewrite.as_ref()
    };
    let suggestion_en = match phrase_rewrite {
        Some(r) if !r.is_empty() => format!(" For example: \"{r}\"."),
        _ => String::new(),
    };
    let suggestion_zh = match phrase_rewrite {
        Some(r) if !r.is_empty() => format!("例如：「{r}」。"),
        _ => String::new(),
    };
    let (field_en, field_zh) = kind.label();
    let (message, message_zh, severity) = match e.rule {
        "PM302" => (
            format!("\"{m}\" puts the cause on a person. Describe which guard, check or signal the system lacked.{suggestion_en}"),
            format!("「{m}」把原因歸到人身上。請改寫成系統缺少了哪道防護、檢查或訊號。{suggestion_zh}"),
            Severity::Warning,
        ),
        "PM303" => (
            format!("\"{m}\" judges a past decision with hindsight. Describe what the responders knew at the time and which signal or guard was missing.{suggestion_en}"),
            format!("「{m}」是事後諸葛的反事實說法。請描述當下應變人員掌握了哪些資訊，以及缺少了哪個訊號或防護。{suggestion_zh}"),
            Severity::Warning,
        ),
        "PM304" => (
            format!("\"{m}\": this action item changes people, not the system. Change a tool, check or process so the mistake is hard to make (e.g. a confirmation step or a guard in the deploy tool).{suggestion_en}"),
            format!("「{m}」：這個行動項是在改變人，而不是改變系統。請改成調整工具、檢查或流程，讓錯誤不容易發生（例如加上確認步驟或部署工具的防護）。{suggestion_zh}"),
            Severity::Warning,
        ),
        "PM305" => (
            format!("\"{m}\" has no verifiable end state. Say what will be true when {field_en} is done: a number, a check that passes, or a concrete behaviour (e.g. \"page within 5 minutes when errors exceed 2%\").{suggestion_en}"),
            format!("「{m}」沒有可驗證的完成狀態。請寫出{field_zh}完成時會成立的事：數字、會通過的檢查或具體行為（例如「錯誤率超過 2% 時 5 分鐘內告警」）。{suggestion_zh}"),
            Severity::Warning,
        ),
        _ => (
            format!("\"{m}\" is a judgement: it makes readers defensive and adds no fact. Remove it, or state the fact behind it.{suggestion_en}"),
            format!("「{m}」是評斷用語，會讓讀者防衛，也沒有提供事實。請刪除，或改寫成背後的事實。{suggestion_zh}"),
            Severity::Information,
        ),
    };
    Finding {
        rule: e.rule,
        range,
        severity_hint: Some(severity),
        message,
        message_zh,
        rewrite,
        explain: e.explain.clone(),
        explain_zh: e.explain_zh.clone(),
        name: None,
        rewrite_range,
    }
}

/// The rewrite of a whole sentence for PM302–PM306, in the sentence's
/// language: what the system lacked, the original kept in quotes (quoted
/// text is evidence and is not checked again) and a `TODO(…)` naming what the
/// author must fill in. No ": " or " #", so a plain YAML scalar stays one.
/// Returns the rewrite and the range it replaces.
fn sentence_rewrite(
    rule: &str,
    text: &str,
    sentences: &[Range<usize>],
    pos: usize,
    zh: bool,
) -> Option<(String, Range<usize>)> {
    let span = sentence_at(sentences, pos);
    let raw = text.get(span.clone())?;
    let lead = raw.len()
        - raw
            .trim_start_matches(|c: char| c.is_whitespace() || "-*•·>".contains(c))
            .len();
    let body =
        raw[lead..].trim_end_matches(|c: char| c.is_whitespace() || ".。!！?？;；".contains(c));
    if body.is_empty() {
        return None;
    }
    let quoted: String = body
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '“' => '‘',
            '”' => '’',
            '「' => '『',
            '」' => '』',
            c => c,
        })
        .collect();
    let r = match (rule, zh) {
        ("PM302", false) => format!("No guard, check or signal stopped this — “{quoted}”. TODO(name what the system lacked)"),
        ("PM303", false) => format!("At the time nothing signalled this step — “{quoted}”. TODO(what the responders knew, and the missing signal or check)"),
        ("PM304", false) => format!("Enforce this in tooling instead of relying on people — “{quoted}”. TODO(name the check, guard or default and where it runs)"),
        ("PM305", false) => format!("“{quoted}”, done when TODO(a number, a check that passes or a named alert)"),
        ("PM302", true) => format!("系統缺少防護、檢查或訊號：「{quoted}」。TODO(寫出系統缺少的是什麼)"),
        ("PM303", true) => format!("當時沒有訊號或檢查提示這一步：「{quoted}」。TODO(當時掌握的資訊，以及缺少的訊號或檢查)"),
        ("PM304", true) => format!("改由工具強制，不再仰賴人員：「{quoted}」。TODO(寫出檢查、防護或預設值及其位置)"),
        ("PM305", true) => format!("「{quoted}」，完成標準：TODO(數字、會通過的檢查或具名告警)"),
        ("PM306", false) => format!("State the fact behind the judgement — “{quoted}”. TODO(what happened and its impact)"),
        ("PM306", true) => format!("寫出評斷背後的事實：「{quoted}」。TODO(發生了什麼及其影響)"),
        _ => return None,
    };
    let start = span.start + lead;
    // after ";" or "," the rewrite continues a sentence: no capital
    let mid = text[..start]
        .trim_end()
        .ends_with([';', ',', ':', '；', '，', '：']);
    let r = if mid && !zh {
        let mut c = r.chars();
        c.next()
            .map(|f| f.to_lowercase().chain(c).collect())
            .unwrap_or(r)
    } else {
        r
    };
    Some((r, start..start + body.len()))
}

/// For a deletion, take one adjacent space along so no double space is left.
fn widen_over_space(text: &str, r: Range<usize>) -> Range<usize> {
    if text[r.end..].starts_with(' ') {
        r.start..r.end + 1
    } else if text[..r.start].ends_with(' ') {
        r.start - 1..r.end
    } else {
        r
    }
}

/// Byte offsets where a statement's verb starts: each sentence after bullets,
/// ids, a short label and colon ("Monitoring: improve …") and "We will" /
/// "Team to" / 「將」「由 X 負責」「監控：」, and reported speech
/// (「X 表示，」「他呼籲，」).
fn statement_starts(masked: &str, sentences: &[Range<usize>]) -> Vec<usize> {
    static RES: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (en, zh) = RES.get_or_init(|| {
        let en = Regex::new(
            r"(?i)^[\s\-*•·>]*(?:\d+[.)、]\s*)?(?:(?:AI|P|SEV)[-\s]?\d+\s*[:.)\-]\s*)?(?:TODO\s*[:：\-]?\s*)?(?:[^:：.;!?\n]{1,32}?[:：]\s+)?(?:(?:we|i|the\s+\S+\s+team|the\s+team|team|\S+\s+team|owner|sre|ops|platform|infra)\s+(?:will|shall|should|must|needs?\s+to|plans?\s+to|are\s+going\s+to|is\s+going\s+to|to)\s+)?(?:also\s+)?",
        )
        .unwrap_or_else(|_| names::never_matches());
        let zh = Regex::new(
            r"^\s*(?:[^，,。；;：:\n\d]{1,12}?[：:]\s*)?(?:[^，,。；;：:\n]{1,15}?(?:表示|指出|說明|強調|回應|呼籲|坦言|透露|說|稱)\s*[，,：:]\s*)?(?:由[^，,。；;]{1,15}?(?:負責|來|將|會))?(?:將|會|需要|需|要|應|須|必須|預計|計畫|計劃|規劃|我們|團隊)*\s*",
        )
        .unwrap_or_else(|_| names::never_matches());
        (en, zh)
    });
    let mut out = Vec::new();
    for s in sentences {
        let seg = &masked[s.clone()];
        let a = en.find(seg).map_or(0, |m| m.end());
        let b = zh.find(&seg[a..]).map_or(0, |m| m.end());
        out.push(s.start + a + b);
    }
    out
}

/// Does the statement carry a measurable end state: a number with a unit, a
/// percentage, a comparison, "from X to Y", zero…? A bare date or id does not
/// count; a deadline (「於…前」「第一季結束前」) or a gate that must pass
/// first (「確認…後，才…」, "only after … is verified") does.
fn has_measurable(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?ix)
            \d+(?:[.,]\d+)?\s*(?:%|％|percent|ms\b|msec|millis\w*|s\b|secs?\b|seconds?\b|m\b|mins?\b|minutes?\b|h\b|hrs?\b|hours?\b|x\b|×|
                倍|毫秒|秒|分鐘|分|小時|次|筆|件|台|項|座|處|條|rps\b|qps\b|req/s|requests?\b|errors?\b|alerts?\b|pages?\b|pods?\b|nodes?\b|replicas?\b|
                connections?\b|[kmgt]i?b\b|nines\b|個)
            | [<>≤≥≦≧]=?\s*\d
            | \b(?:under|below|above|over|less\s+than|more\s+than|fewer\s+than|at\s+least|at\s+most|no\s+more\s+than|to|between)\s+[<~]?\d
            | (?:^|[^\w-])zero\b | \bp\d{2}(?:\.\d+)?\s*(?:<|>|≤|≥|=)
            | (?:低於|高於|不超過|至少|達到|降至|降到|提升至|提高到|提升到|縮短至|縮短到|少於|多於|小於|大於|控制在|維持在|至)\s*\d
            | \d\s*(?:以內|以下|以上|內)
            | \d+\s*(?:個)?(?:週|周|天|日|工作天|營業日|個營業日|工作日)\s*(?:以)?內
            | [一二三四五六七八九十兩百]+\s*(?:個)?(?:週|周|天|日|月|小時|分鐘|工作天|營業日|工作日)\s*(?:以)?內
            | 零
            | (?:於|在|至遲於?|最晚於?)\s*[^。；;，,]{0,12}?(?:年|月|日|號|季|底)(?:結束)?(?:以|之)?前
            | (?:第[一二三四1-4]季|年底|月底|季底|季末|年終|上半年|下半年)(?:結束)?(?:以|之)?前
            | (?:確認|完成|通過|核准|驗證)[^。；;]{0,30}?(?:後|之後)[，,]?\s*(?:才|方)
            | \b(?:only\s+(?:after|once)|not\s+until)\b[^.;]{0,60}?\b(?:confirm|verif|pass|approv|complet|green|health|succeed)\w*
            | \bso\s+(?:that\s+)?(?:it|the|every|all|each|no|any|a)\b[^.;]{0,80}?\b(?:refuses?|blocks?|rejects?|requires?|fails?|alerts?|pages?|prevents?|cannot|can['’]t|must|never|always|only|stops?)\b
            | \bby\s+(?:adding|introducing|creating|enabling|requiring|blocking|implementing|deploying|setting\s+up|wiring|moving|switching|replacing|removing|automating|making)\b
            | (?:透過|藉由|藉著)(?:新增|加入|導入|建立|啟用|設定|自動化|改用|移除|阻擋)
            | 使(?:得)?[^。；;]{0,30}(?:無法|不能|必須|會自動|自動)
            | 已(?:經)?(?:在|於)?[^。；;]{0,20}?(?:加入|新增|導入|建置|啟用|上線|部署|列管)
            | (?:遷移|搬遷|移設|移置)(?:到|至)",
        )
        .unwrap_or_else(|_| names::never_matches())
    });
    re.is_match(text)
}

/// One finding per rule per place: overlapping findings of the same rule
/// keep the first (longest) one. Sorted by position.
fn dedupe(mut v: Vec<Finding>) -> Vec<Finding> {
    v.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.end.cmp(&a.range.end))
            .then(a.rule.cmp(b.rule))
    });
    let mut out: Vec<Finding> = Vec::new();
    for f in v {
        if out
            .iter()
            .any(|o| o.rule == f.rule && overlaps(&o.range, &f.range))
        {
            continue;
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests;

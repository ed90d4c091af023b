//! Who is the subject of a phrase? "The health check failed to detect" is
//! about the system; "the on-call engineer failed to notice" is about a
//! person. A small lexicon of person words, system nouns and clause
//! boundaries, for English and Chinese.

use std::ops::Range;

use super::names::People;
use super::util::{is_cjk, is_word_char};

/// What a clause is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// A person, pronoun, role or named individual.
    Person,
    /// A system noun: alert, check, pipeline, runbook, 系統, 告警…
    System,
    /// Words, but none we can classify.
    Unknown,
    /// No subject at all ("Should have checked…").
    Missing,
}

/// When a phrase entry fires, depending on its subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum SubjectMode {
    #[default]
    Any,
    /// Only with a person as subject ("failed to").
    Person,
    /// With a person, or no subject at all ("should have").
    PersonOrMissing,
    /// Unless the subject is clearly a system noun (應該要).
    NotSystem,
}

impl SubjectMode {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "any" => Some(SubjectMode::Any),
            "person" => Some(SubjectMode::Person),
            "person-or-missing" => Some(SubjectMode::PersonOrMissing),
            "not-system" => Some(SubjectMode::NotSystem),
            _ => None,
        }
    }

    pub(crate) fn accepts(self, s: Subject) -> bool {
        match self {
            SubjectMode::Any => true,
            SubjectMode::Person => s == Subject::Person,
            SubjectMode::PersonOrMissing => matches!(s, Subject::Person | Subject::Missing),
            SubjectMode::NotSystem => s != Subject::System,
        }
    }
}

const PERSON_WORDS: &[&str] = &[
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "me",
    "him",
    "her",
    "them",
    "us",
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "everyone",
    "everybody",
    "nobody",
    "noone",
    "no-one",
    "who",
    "whoever",
    "engineer",
    "operator",
    "developer",
    "dev",
    "sre",
    "on-call",
    "oncall",
    "on-caller",
    "responder",
    "ic",
    "commander",
    "lead",
    "reviewer",
    "approver",
    "author",
    "admin",
    "administrator",
    "dba",
    "team",
    "teammate",
    "colleague",
    "staff",
    "person",
    "people",
    "human",
    "manager",
    "director",
    "supervisor",
    "intern",
    // seniority used as a noun ("a junior was running …"); after fresh3
    "junior",
    "trainee",
    "newbie",
    "hire",
    "newcomer",
    "contractor",
    "employee",
    "member",
    "individual",
    "sme",
    "scribe",
    "folks",
    "myself",
    "himself",
    "herself",
    "themselves",
    "ourselves",
    "yourself",
    "coworker",
    "co-worker",
    "deployer",
    "requester",
    "submitter",
    "committer",
    "technician",
    "specialist",
    "expert",
    "owner",
    "user-facing-team",
];

/// Nominative pronouns: never the object of a preposition.
const NOMINATIVE: &[&str] = &["he", "she", "they", "we", "i", "you", "who"];

const SYSTEM_WORDS: &[&str] = &[
    "app",
    "atm",
    "website",
    "alert",
    "alarm",
    "alerting",
    "check",
    "healthcheck",
    "health-check",
    "probe",
    "pipeline",
    "service",
    "system",
    "monitor",
    "monitoring",
    "gate",
    "config",
    "configuration",
    "deploy",
    "deployment",
    "rollout",
    "release",
    "test",
    "job",
    "cron",
    "cronjob",
    "script",
    "tool",
    "tooling",
    "runbook",
    "playbook",
    "dashboard",
    "process",
    "procedure",
    "automation",
    "canary",
    "rollback",
    "migration",
    "cache",
    "database",
    "db",
    "cluster",
    "node",
    "pod",
    "container",
    "server",
    "host",
    "instance",
    "replica",
    "balancer",
    "lb",
    "proxy",
    "queue",
    "scheduler",
    "controller",
    "api",
    "endpoint",
    "client",
    "library",
    "code",
    "change",
    "commit",
    "pr",
    "patch",
    "build",
    "ci",
    "cd",
    "linter",
    "lint",
    "validation",
    "validator",
    "guard",
    "guardrail",
    "limit",
    "quota",
    "threshold",
    "timeout",
    "retry",
    "retries",
    "policy",
    "rule",
    "flag",
    "feature",
    "toggle",
    "pager",
    "paging",
    "page",
    "escalation",
    "notification",
    "slo",
    "sli",
    "metric",
    "log",
    "logging",
    "trace",
    "tracing",
    "review",
    "approval",
    "step",
    "cli",
    "command",
    "query",
    "index",
    "schema",
    "file",
    "certificate",
    "cert",
    "dns",
    "network",
    "firewall",
    "disk",
    "volume",
    "storage",
    "backup",
    "failover",
    "replication",
    "terraform",
    "ansible",
    "kubernetes",
    "k8s",
    "helm",
    "chart",
    "manifest",
    "template",
    "it",
    "this",
    "these",
    "those",
    "there",
    "nothing",
    "detector",
    "sensor",
    "watchdog",
    "autoscaler",
    "hpa",
    "webhook",
    "hook",
    "workflow",
    "agent",
    "daemon",
    "worker",
    "consumer",
    "producer",
    "broker",
    "kafka",
    "redis",
    "postgres",
    "mysql",
    "nginx",
    "envoy",
    "istio",
    "consul",
    "vault",
    "etcd",
    "elasticsearch",
    "gateway",
    "router",
    "ingress",
    "mechanism",
    "safeguard",
    "interlock",
    "dry-run",
    "preflight",
    "pre-flight",
    "checklist",
    "form",
    "ui",
    "prompt",
    "rotation",
    "schedule",
    "pagerduty",
    "opsgenie",
    "grafana",
    "prometheus",
    "datadog",
    "alertmanager",
    "sentry",
    "jenkins",
    "bot",
    "provisioner",
    "loadbalancer",
    "cdn",
    "vpn",
    "lock",
    "job",
    "batch",
    "cronjob",
    "request",
    "response",
    "traffic",
    "load",
    "service-mesh",
    "mesh",
    "tests",
    "suite",
    "gating",
    "check-in",
    "hpa",
    "signal",
    "heartbeat",
    "ttl",
    "lease",
];

/// Words that carry no subject (determiners, adverbs, hedges).
const EMPTY_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "our",
    "their",
    "his",
    "my",
    "your",
    "its",
    "some",
    "any",
    "all",
    "both",
    "each",
    "every",
    "also",
    "then",
    "really",
    "probably",
    "definitely",
    "certainly",
    "never",
    "not",
    "still",
    "likely",
    "arguably",
    "perhaps",
    "maybe",
    "obviously",
    "clearly",
    "just",
    "simply",
    "only",
    "even",
    "already",
    "ideally",
    "in",
    "hindsight",
    "retrospect",
    "retrospectively",
    "realistically",
    "honestly",
    "surely",
    "of",
    "course",
    "frankly",
    "technically",
    "certainly",
    "absolutely",
];

const PREPOSITIONS: &[&str] = &[
    "of", "for", "on", "in", "at", "by", "with", "from", "to", "about", "under", "over", "into",
    "during", "after", "before", "behind", "like", "via", "through", "across", "per", "without",
];

/// Words that start a new clause (its subject follows).
const CONJUNCTIONS: &[&str] = &[
    "and", "but", "or", "so", "because", "since", "when", "whenever", "while", "although",
    "though", "whereas", "then", "once", "until", "unless", "if", "where", "yet",
];

const RELATIVES: &[&str] = &["who", "that", "which"];

/// Words that start a noun phrase; after a prepositional object they start
/// a new one ("in retrospect the IC").
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "this", "these", "those", "my", "your", "their", "his", "its",
    "every", "each", "some", "any", "all",
];

/// Chinese (and a few Latin) markers, matched as substrings.
const ZH_PERSON: &[&str] = &[
    "他們",
    "她們",
    "我們",
    "你們",
    "他",
    "她",
    "我",
    "你",
    "妳",
    "工程師",
    "值班",
    "人員",
    "同仁",
    "同事",
    "操作者",
    "操作員",
    "負責人",
    "團隊",
    "某人",
    "有人",
    "沒有人",
    "大家",
    "開發者",
    "維運",
    "主管",
    "指揮官",
    "新人",
    "當事人",
    "成員",
    "工讀生",
    "實習生",
    "審查者",
    "審核者",
    "作者",
    "提交者",
    "誰",
    "任何人",
    "應變者",
    "操作人",
    "管理員",
    "員工",
    "官員",
    "守衛",
    "保全",
    "包商",
    "承攬商",
    "承辦",
    "組長",
    "主任",
    "課長",
    "處長",
    "經理",
    "領班",
    "公司",
    "業者",
    "廠商",
    "初階支援",
    "一線支援",
    "二線支援",
    "第一線",
    "司機",
    "調度員",
    "技術員",
    "技師",
    "監工",
    "局長",
    "部長",
    // units of people as subjects (round 5): 「相關單位未及時通報」「維運部門未確實檢查」
    "單位",
    "部門",
    "小組",
    "機關",
    // the respondent of a disciplinary case (被付懲戒人); after fresh4
    "懲戒人",
    // crews and clerks (after fresh5): 「列車車長不按號誌」「負責的職員沒有即時清除」
    "車長",
    "職員",
    "組員",
    "航員",
    "機師",
];
const ZH_SYSTEM: &[&str] = &[
    "系統",
    "網站",
    "網頁",
    "伺服器",
    "電腦",
    "設備",
    "機台",
    "硬體",
    "軟體",
    "平台",
    "網路",
    "線路",
    "號誌",
    "告警",
    "警報",
    "監控",
    "流程",
    "工具",
    "管線",
    "腳本",
    "服務",
    "檢查",
    "閘門",
    "設定",
    "配置",
    "部署",
    "測試",
    "排程",
    "手冊",
    "儀表板",
    "資料庫",
    "叢集",
    "機制",
    "程式",
    "規則",
    "變更",
    "機器",
    "節點",
    "憑證",
    "快取",
    "佇列",
    "負載平衡",
    "備份",
    "審查",
    "驗證",
    "防呆",
    "這",
    "它",
    "那",
    "平台",
    "架構",
    "設計",
    "指令碼",
    "容器",
    "主機",
    "伺服器",
    "閾值",
    "門檻",
    "通知",
    "版本",
    "功能",
    "模組",
    "介面",
];
const ZH_CUTS: &[&str] = &[
    "導致", "造成", "使得", "因為", "所以", "但是", "而且", "並且", "然後", "結果", "於是", "因此",
    "如果", "要是", "假如", "但", "卻", "讓",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Person,
    System,
}

#[derive(Clone, Debug)]
struct Item {
    start: usize,
    word: String,
    class: Option<Class>,
    possessive: bool,
    /// A word that counts as content (not a determiner or adverb).
    content: bool,
    cjk: bool,
}

fn strip_plural<'a>(w: &'a str, list: &[&str]) -> Option<&'a str> {
    if list.contains(&w) {
        return Some(w);
    }
    // A plural keeps a stem of two letters or more ("ICs"): "is" is not "i" + s.
    let singular = w
        .strip_suffix("es")
        .filter(|s| s.len() >= 2 && list.contains(s))
        .or_else(|| {
            w.strip_suffix('s')
                .filter(|s| s.len() >= 2 && list.contains(s))
        });
    singular
}

fn classify_latin(token: &str, people: &People) -> Option<Class> {
    let lower = token.to_lowercase();
    if lower.starts_with('@') {
        return Some(Class::Person);
    }
    if people.is_person_token(token) {
        return Some(Class::Person);
    }
    if strip_plural(&lower, PERSON_WORDS).is_some() {
        return Some(Class::Person);
    }
    if strip_plural(&lower, SYSTEM_WORDS).is_some() {
        return Some(Class::System);
    }
    None
}

/// Tokens and markers of `text[range]`, in order.
fn items(text: &str, range: Range<usize>, people: &People) -> Vec<Item> {
    let seg = &text[range.clone()];
    let base = range.start;
    let mut out: Vec<Item> = Vec::new();
    let chars: Vec<(usize, char)> = seg.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if is_word_char(c) || c == '@' {
            // A Latin token, with inner - . ' ’ kept ("on-call", "bob's").
            let mut j = k + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if is_word_char(cj) {
                    j += 1;
                } else if matches!(cj, '-' | '.' | '\'' | '’')
                    && chars.get(j + 1).is_some_and(|(_, n)| is_word_char(*n))
                {
                    j += 2;
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(seg.len(), |(e, _)| *e);
            let raw = &seg[i..end];
            let (word, possessive) = match raw.strip_suffix("'s").or_else(|| raw.strip_suffix("’s"))
            {
                Some(w) if !w.is_empty() => (w, true),
                _ => (raw, false),
            };
            let lower = word.to_lowercase();
            let class = classify_latin(word, people);
            let content = class.is_some() || !EMPTY_WORDS.contains(&lower.as_str());
            out.push(Item {
                start: base + i,
                word: lower,
                class,
                possessive,
                content,
                cjk: false,
            });
            k = j;
            continue;
        }
        if is_cjk(c) {
            let rest = &seg[i..];
            // A CJK name, then the longest marker.
            let name = people
                .cjk_names()
                .iter()
                .filter(|n| rest.starts_with(n.as_str()))
                .max_by_key(|n| n.len());
            let (len, class) = if let Some(n) = name {
                (n.len(), Some(Class::Person))
            } else if let Some(m) = longest(rest, ZH_CUTS) {
                (m.len(), None)
            } else if let Some(m) = longest(rest, ZH_PERSON) {
                // 其他 ("other") is not 他 ("he").
                let other = m == "他" && seg[..i].ends_with('其');
                (m.len(), if other { None } else { Some(Class::Person) })
            } else if let Some(m) = longest(rest, ZH_SYSTEM) {
                (m.len(), Some(Class::System))
            } else {
                (c.len_utf8(), None)
            };
            let end = i + len;
            let word = seg[i..end].to_string();
            // 「人員的」 is a possessive; so is a person heading a relative
            // clause of one or two characters 「單位主導的調查」 (the survey the
            // unit led): the person is not the subject of what follows.
            let possessive = class.is_some() && {
                let after: Vec<char> = seg[end..].chars().take(3).collect();
                after.first() == Some(&'的')
                    || (class == Some(Class::Person)
                        && after.len() == 3
                        && after[..2]
                            .iter()
                            .all(|c| is_cjk(*c) && !"的未沒不應要會將已曾".contains(*c))
                        && after[2] == '的')
            };
            out.push(Item {
                start: base + i,
                word,
                class,
                possessive,
                content: true,
                cjk: true,
            });
            k = chars.partition_point(|(p, _)| *p < end);
            continue;
        }
        k += 1;
    }
    // "no one" is a person.
    for n in 0..out.len().saturating_sub(1) {
        if out[n].word == "no" && out[n + 1].word == "one" {
            out[n].class = Some(Class::Person);
        }
    }
    out
}

fn longest<'a>(s: &str, list: &[&'a str]) -> Option<&'a str> {
    list.iter()
        .filter(|m| s.starts_with(**m))
        .max_by_key(|m| m.len())
        .copied()
}

fn to_subject(c: Option<Class>) -> Subject {
    match c {
        Some(Class::Person) => Subject::Person,
        Some(Class::System) => Subject::System,
        None => Subject::Unknown,
    }
}

/// The subject of an explicit span (an object or subject captured by a
/// phrase pattern): a person if any person word occurs in it, else a system
/// noun, else unknown or missing. Possessives count ("bob's access").
pub(crate) fn classify_span(text: &str, range: Range<usize>, people: &People) -> Subject {
    let its = items(text, range, people);
    if its.iter().any(|i| i.class == Some(Class::Person)) {
        Subject::Person
    } else if its.iter().any(|i| i.class == Some(Class::System)) {
        Subject::System
    } else if its.iter().any(|i| i.content) {
        Subject::Unknown
    } else {
        Subject::Missing
    }
}

/// Where the clause that ends at `pos` starts, and the delimiter before it.
fn clause_start(text: &str, pos: usize) -> (usize, Option<char>) {
    let head = &text[..pos];
    for (i, c) in head.char_indices().rev() {
        let delim = match c {
            '\n' | ',' | '，' | '、' | ':' | '：' | ';' | '；' | '(' | '（' | ')' | '）' | '—'
            | '–' | '。' | '！' | '？' | '!' | '?' => true,
            '.' => head[i + 1..].starts_with(char::is_whitespace),
            _ => false,
        };
        if delim {
            return (i + c.len_utf8(), Some(c));
        }
    }
    (0, None)
}

/// The subject of the clause that ends right before `pos`.
pub(crate) fn subject_before(text: &str, pos: usize, people: &People) -> Subject {
    subject_before_depth(text, pos, people, 0, false)
}

/// `first`: take the first classified word (the subject of an earlier
/// clause that goes on past its verb) instead of the last one before `pos`.
fn subject_before_depth(
    text: &str,
    pos: usize,
    people: &People,
    depth: usize,
    first: bool,
) -> Subject {
    if depth > 3 {
        return Subject::Missing;
    }
    let (start, delim) = clause_start(text, pos);
    let all = items(text, start..pos, people);
    // Cut at the last conjunction.
    let cut = all.iter().rposition(|i| {
        (!i.cjk && CONJUNCTIONS.contains(&i.word.as_str()))
            || (i.cjk && ZH_CUTS.contains(&i.word.as_str()))
    });
    let (clause, conj) = match cut {
        Some(c) => (&all[c + 1..], Some(&all[c])),
        None => (&all[..], None),
    };
    let has_content = clause.iter().any(|i| i.content);
    if !has_content {
        let prev_end = conj.map_or(start.saturating_sub(delim.map_or(0, char::len_utf8)), |c| {
            c.start
        });
        let continues = match conj {
            Some(c) => matches!(
                c.word.as_str(),
                "and"
                    | "but"
                    | "or"
                    | "then"
                    | "yet"
                    | "而且"
                    | "並且"
                    | "然後"
                    | "但"
                    | "但是"
                    | "卻"
            ),
            None => matches!(delim, Some(',' | '，' | '、')),
        };
        if continues && prev_end > 0 && prev_end < pos {
            return subject_before_depth(text, prev_end, people, depth + 1, true);
        }
        return Subject::Missing;
    }
    if clause.iter().any(|i| i.cjk) {
        // Chinese: a person anywhere before the verb is the subject
        // (adverbials come after it: 值班人員在部署時應該要…).
        let person = clause
            .iter()
            .any(|i| i.class == Some(Class::Person) && !i.possessive);
        if person {
            return Subject::Person;
        }
        if clause
            .iter()
            .any(|i| i.class == Some(Class::System) && !i.possessive)
        {
            return Subject::System;
        }
        return Subject::Unknown;
    }
    // A relative clause starting the clause: "…, which should have" /
    // "…, who should have".
    if let Some(first) = clause.first() {
        if first.word == "who" {
            return Subject::Person;
        }
        if matches!(first.word.as_str(), "that" | "which") && clause.len() == 1 {
            return last_classified(&all[..all.len() - clause.len()]).map_or_else(
                || {
                    let prev_end = start.saturating_sub(delim.map_or(0, char::len_utf8));
                    if prev_end > 0 && depth < 3 {
                        antecedent_before(text, prev_end, people)
                    } else {
                        Subject::Unknown
                    }
                },
                |c| to_subject(Some(c)),
            );
        }
    }
    // "the engineer who ran the script should have": the head before the
    // relative pronoun, when there is one.
    if let Some(r) = clause
        .iter()
        .position(|i| RELATIVES.contains(&i.word.as_str()))
        .filter(|r| *r > 0)
    {
        if let Some(c) = last_classified(&clause[..r]) {
            return to_subject(Some(c));
        }
        return last_classified(&clause[r + 1..]).map_or(Subject::Unknown, |c| to_subject(Some(c)));
    }
    if first {
        return first_classified(clause).map_or(Subject::Unknown, |c| to_subject(Some(c)));
    }
    last_classified(clause).map_or(Subject::Unknown, |c| to_subject(Some(c)))
}

/// The first classified, non-possessive word outside prepositional phrases.
fn first_classified(its: &[Item]) -> Option<Class> {
    let mut in_pp = false;
    let mut pp_object = false;
    for i in its {
        if PREPOSITIONS.contains(&i.word.as_str()) {
            in_pp = true;
            pp_object = false;
            continue;
        }
        let new_np = pp_object && DETERMINERS.contains(&i.word.as_str());
        if in_pp && !NOMINATIVE.contains(&i.word.as_str()) && !new_np {
            if i.class.is_some() {
                in_pp = false;
            }
            if !DETERMINERS.contains(&i.word.as_str()) {
                pp_object = true;
            }
            continue;
        }
        in_pp = false;
        if i.possessive || RELATIVES.contains(&i.word.as_str()) {
            continue;
        }
        if i.class.is_some() {
            return i.class;
        }
    }
    None
}

/// The last classified word of the clause before `pos` (an antecedent).
fn antecedent_before(text: &str, pos: usize, people: &People) -> Subject {
    let (start, _) = clause_start(text, pos);
    let its = items(text, start..pos, people);
    last_classified(&its).map_or(Subject::Unknown, |c| to_subject(Some(c)))
}

/// The last classified, non-possessive word, skipping the objects of
/// prepositions ("the runbook for the on-call" is about the runbook).
fn last_classified(its: &[Item]) -> Option<Class> {
    let mut in_pp = false;
    let mut pp_object = false;
    let mut last = None;
    for i in its {
        if PREPOSITIONS.contains(&i.word.as_str()) {
            in_pp = true;
            pp_object = false;
            continue;
        }
        if in_pp {
            let new_np = pp_object && DETERMINERS.contains(&i.word.as_str());
            if NOMINATIVE.contains(&i.word.as_str()) || new_np {
                in_pp = false;
            } else {
                if i.class.is_some() {
                    in_pp = false;
                }
                if !DETERMINERS.contains(&i.word.as_str()) {
                    pp_object = true;
                }
                continue;
            }
        }
        if i.possessive || RELATIVES.contains(&i.word.as_str()) {
            continue;
        }
        if let Some(c) = i.class {
            last = Some(c);
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subj(t: &str, needle: &str) -> Subject {
        let people = People::new(vec!["bob".to_string(), "王小明".to_string()], &[]);
        let pos = t.find(needle).unwrap_or(t.len());
        subject_before(t, pos, &people)
    }

    #[test]
    fn english_subjects() {
        assert_eq!(
            subj("The health check failed to detect it", "failed"),
            Subject::System
        );
        assert_eq!(
            subj("The on-call engineer failed to notice", "failed"),
            Subject::Person
        );
        assert_eq!(subj("bob failed to check", "failed"), Subject::Person);
        assert_eq!(
            subj("Bob ran the migration and failed to check lag", "failed"),
            Subject::Person
        );
        assert_eq!(
            subj("In hindsight, we should have", "should"),
            Subject::Person
        );
        assert_eq!(subj("Should have checked", "Should"), Subject::Missing);
        assert_eq!(
            subj("The runbook for the on-call should have", "should"),
            Subject::System
        );
        assert_eq!(
            subj("After the deploy we should have", "should"),
            Subject::Person
        );
        assert_eq!(
            subj("In retrospect the IC should have", "should"),
            Subject::Person
        );
        assert_eq!(
            subj("During the incident the alert should have", "should"),
            Subject::System
        );
        assert_eq!(
            subj("the check that should have caught it", "should"),
            Subject::System
        );
        assert_eq!(
            subj("the alert, which should have fired", "should"),
            Subject::System
        );
        assert_eq!(
            subj("the engineer who ran the script should have", "should"),
            Subject::Person
        );
        assert_eq!(
            subj("the vendor should have paused", "should"),
            Subject::Unknown
        );
        assert_eq!(
            subj("bob's alert should have fired", "should"),
            Subject::System
        );
    }

    #[test]
    fn chinese_subjects() {
        assert_eq!(
            subj("值班人員在部署時應該要先確認", "應該"),
            Subject::Person
        );
        assert_eq!(subj("告警系統本來應該要通知", "本來"), Subject::System);
        assert_eq!(subj("王小明的腳本早該", "早該"), Subject::System);
        assert_eq!(
            subj("因為沒有告警導致值班人員未能及時處理", "未能"),
            Subject::Person
        );
        assert_eq!(subj("其他服務應該要", "應該"), Subject::System);
        assert_eq!(subj("當時應該要先確認", "應該"), Subject::Unknown);
    }
}

//! Who counts as a person: chat speakers, `@handles`, e-mail addresses and a
//! configured list, and where their names occur in a text.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::util::{at_sentence_start, has_cjk, is_word_char, word_after, word_before};

/// Words that are also common English (or technical) words. As a name they
/// only count when written like a name: capitalised mid-sentence, or at the
/// start of a sentence followed by a verb in the past tense, or possessive.
const AMBIGUOUS: &[&str] = &[
    "will", "may", "mark", "rob", "bill", "pat", "sue", "grant", "hope", "faith", "joy", "ray",
    "rose", "jean", "gene", "chase", "rich", "frank", "drew", "dawn", "art", "jack", "max", "page",
    "june", "april", "august", "summer", "autumn", "ivy", "lily", "penny", "sky", "river", "stone",
    "rusty", "rust", "case", "king", "hunter", "forest", "chance", "cash", "gray", "grey", "brook",
    "glen", "dash", "ash", "kit", "nick", "don", "sage", "reed", "wade", "miles", "guy", "herb",
    "sandy", "buck", "bud", "carol", "crystal", "dale", "dean", "earl", "fern", "gale", "heather",
    "iris", "jewel", "lance", "major", "mason", "noble", "pearl", "pierce", "rocky", "ruby", "rod",
    "sterling", "storm", "van", "woody", "chip", "dot", "eve", "flora", "hazel", "holly", "honey",
    "jade", "norm", "price", "rush", "ward", "young", "an", "bin", "ping", "hang", "long", "man",
    "tan", "sun", "song", "min", "fan", "fang", "hung", "sang", "sing", "chi", "bo", "ding",
    "dong", "shell", "cliff", "coral", "destiny", "amber", "autumn", "bear", "hunter", "dusty",
    "misty", "sunny", "stormy", "trinity", "justice", "harmony", "melody", "jan",
];

/// Never a person: role accounts, group mentions and system words that show
/// up as chat speakers or handles.
const NEVER_NAMES: &[&str] = &[
    "here",
    "channel",
    "everyone",
    "all",
    "team",
    "oncall",
    "on-call",
    "ic",
    "sre",
    "ops",
    "root",
    "admin",
    "system",
    "server",
    "deploy",
    "build",
    "ci",
    "cd",
    "db",
    "api",
    "web",
    "app",
    "bot",
    "prod",
    "test",
    "release",
    "infra",
    "platform",
    "security",
    "support",
    "alerts",
    "monitoring",
    "incident",
    "pager",
    "the",
    "a",
    "me",
    "you",
    "we",
    "he",
    "she",
    "they",
    "it",
    "unknown",
    "anonymous",
    "user",
    "guest",
    "someone",
    "nobody",
];

/// Integrations that speak in incident channels but are not people.
const INTEGRATIONS: &[&str] = &[
    "pagerduty",
    "opsgenie",
    "alertmanager",
    "grafana",
    "datadog",
    "sentry",
    "jenkins",
    "github",
    "gitlab",
    "statuspage",
    "prometheus",
    "slackbot",
    "circleci",
    "argocd",
    "spinnaker",
    "new relic",
    "newrelic",
    "victorops",
    "splunk",
    "zabbix",
    "nagios",
    "icinga",
    "jira",
];

/// Parts of a handle that mark a group or role, not a person (`@db-oncall`).
const GROUP_PARTS: &[&str] = &[
    "team",
    "oncall",
    "on-call",
    "sre",
    "ops",
    "eng",
    "infra",
    "platform",
    "squad",
    "group",
    "channel",
    "support",
    "admins",
    "devs",
    "leads",
    "ic",
    "incident",
    "incidents",
    "alerts",
    "pager",
    "here",
    "everyone",
    "all",
    "bot",
    "rotation",
    "primary",
    "secondary",
];

/// Mailboxes that belong to a role, not a person.
const ROLE_MAILBOXES: &[&str] = &[
    "oncall",
    "on-call",
    "sre",
    "ops",
    "noreply",
    "no-reply",
    "support",
    "alerts",
    "alert",
    "team",
    "security",
    "incident",
    "incidents",
    "admin",
    "root",
    "postmaster",
    "info",
    "help",
    "devops",
    "platform",
    "infra",
    "pager",
    "status",
    "notifications",
    "billing",
    "abuse",
];

/// Verbs that follow a name at the start of a sentence ("Will restarted").
const NAME_VERBS: &[&str] = &[
    "was", "wasn't", "is", "isn't", "has", "hasn't", "had", "hadn't", "did", "didn't", "does",
    "doesn't", "ran", "said", "saw", "made", "took", "went", "got", "left", "set", "put", "wrote",
    "thought", "knew", "began", "told", "sent", "brought", "kept", "found", "gave", "chose",
    "forgot", "shut", "cut", "hit", "read", "led", "paged", "says", "asks", "runs", "takes", "and",
];

/// Verbs after which a lower-case common word must be a person ("paged will").
const CONTACT_VERBS: &[&str] = &[
    "paged", "pinged", "asked", "told", "messaged", "dmed", "thanked", "cc", "cced", "phoned",
    "notified", "pinging", "paging", "thank",
];

/// Words before "May"/"June"… that make it a month.
const MONTH_CONTEXT: &[&str] = &[
    "in", "on", "since", "until", "till", "by", "during", "early", "mid", "late", "of", "from",
    "through", "before", "after", "this", "last", "next", "every", "each", "end",
];
const MONTHS: &[&str] = &["may", "june", "april", "august", "march", "jan"];

#[derive(Clone, Debug)]
struct LatinName {
    key: String,
    re: Regex,
    ambiguous: bool,
}

/// The people whose names must not appear as causes: lower-cased Latin
/// names and handles, CJK names, words never to treat as names, and the
/// role each person held (for the suggested rewrite).
#[derive(Clone, Debug, Default)]
pub struct People {
    latin: Vec<LatinName>,
    cjk: Vec<String>,
    allow: HashSet<String>,
    roles: HashMap<String, String>,
}

/// Where a name was found.
#[derive(Clone, Debug)]
pub(crate) struct NameHit {
    /// Byte range, including a possessive `'s`.
    pub range: Range<usize>,
    /// The name as written (without the possessive).
    pub written: String,
    /// Lower-cased key (Latin) or the CJK name.
    pub key: String,
    pub possessive: bool,
}

fn normalise(name: &str) -> String {
    name.trim()
        .trim_start_matches(['@', '＠'])
        .trim_end_matches([':', '：', ',', '.'])
        .trim()
        .to_string()
}

impl People {
    /// A set of people from `names`, ignoring every word in `allow`.
    pub fn new(names: impl IntoIterator<Item = String>, allow: &[String]) -> Self {
        let mut p = People {
            allow: allow.iter().map(|a| normalise(a).to_lowercase()).collect(),
            ..People::default()
        };
        for n in names {
            p.add(&n);
        }
        p
    }

    /// Adds one name (a leading `@` is dropped). Empty names, role words and
    /// allowed words are ignored. "Alice Chen" also adds "alice".
    pub fn add(&mut self, name: &str) {
        let name = normalise(name);
        if name.is_empty() || self.is_allowed(&name) {
            return;
        }
        if has_cjk(&name) {
            let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            if !self.cjk.contains(&compact) {
                self.cjk.push(compact);
            }
            return;
        }
        let key = name.to_lowercase();
        // A single-letter name ("J"): only as a capital letter, and only where
        // a name fits (see `ambiguous_is_name`); never "I".
        if key.chars().count() == 1 {
            let Some(c) = key
                .chars()
                .next()
                .filter(|c| c.is_ascii_alphabetic() && *c != 'i')
            else {
                return;
            };
            if !self.latin.iter().any(|n| n.key == key) {
                let upper = c.to_ascii_uppercase().to_string();
                if let Ok(re) = Regex::new(&regex::escape(&upper)) {
                    self.latin.push(LatinName {
                        key,
                        re,
                        ambiguous: true,
                    });
                }
            }
            return;
        }
        if NEVER_NAMES.contains(&key.as_str()) {
            return;
        }
        if key.contains(' ') {
            if let Some(first) = key.split_whitespace().next() {
                let first = first.to_string();
                self.add(&first);
            }
        }
        if self.latin.iter().any(|n| n.key == key) {
            return;
        }
        let parts: Vec<String> = key
            .split(['.', '_', '-', ' '])
            .filter(|s| !s.is_empty())
            .map(regex::escape)
            .collect();
        if parts.is_empty() {
            return;
        }
        let pattern = format!("(?i){}", parts.join("[._ -]?"));
        if let Ok(re) = Regex::new(&pattern) {
            let ambiguous = AMBIGUOUS.contains(&key.as_str());
            self.latin.push(LatinName { key, re, ambiguous });
        }
    }

    /// Records the role `name` held ("incident commander", "on-call"…).
    pub fn set_role(&mut self, name: &str, role: &str) {
        let key = normalise(name).to_lowercase();
        if !key.is_empty() && !role.trim().is_empty() {
            self.roles.insert(key, role.trim().to_string());
        }
    }

    /// Records many roles, e.g. the result of [`speaker_roles`].
    pub fn set_roles(&mut self, roles: &HashMap<String, String>) {
        for (n, r) in roles {
            self.set_role(n, r);
        }
    }

    /// The role recorded for `name`, if any.
    pub fn role_of(&self, name: &str) -> Option<&str> {
        self.roles
            .get(&normalise(name).to_lowercase())
            .map(String::as_str)
    }

    /// Is `name` one of the people (exact, case-insensitive for Latin)?
    pub fn contains(&self, name: &str) -> bool {
        let n = normalise(name);
        if has_cjk(&n) {
            return self.cjk.contains(&n);
        }
        let key = n.to_lowercase();
        self.latin.iter().any(|l| l.key == key)
    }

    /// Is `word` on the allow list (never a name)?
    pub fn is_allowed(&self, word: &str) -> bool {
        self.allow.contains(&normalise(word).to_lowercase())
    }

    /// All names: Latin lower-cased, then CJK.
    pub fn names(&self) -> Vec<String> {
        self.latin
            .iter()
            .map(|l| l.key.clone())
            .chain(self.cjk.iter().cloned())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.latin.len() + self.cjk.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Is this single token (as written) a known person? Ambiguous names
    /// must be capitalised.
    pub(crate) fn is_person_token(&self, token: &str) -> bool {
        let key = token.to_lowercase();
        self.latin.iter().any(|l| {
            l.key == key && (!l.ambiguous || token.chars().next().is_some_and(char::is_uppercase))
        })
    }

    pub(crate) fn cjk_names(&self) -> &[String] {
        &self.cjk
    }

    /// Every person named in `text` (already masked), with `@handles` and
    /// e-mail addresses. Overlaps are resolved to the longest hit.
    pub(crate) fn find(&self, text: &str) -> Vec<NameHit> {
        let mut hits = Vec::new();
        let mut extra = People {
            allow: self.allow.clone(),
            ..People::default()
        };
        // `getty@tty1.service`: a systemd unit instance, not an address; no
        // name inside it is a person either.
        let mut units: Vec<Range<usize>> = Vec::new();
        for m in email_re().find_iter(text) {
            let addr = m.as_str();
            if is_systemd_unit(addr) {
                units.push(m.range());
                continue;
            }
            let local = addr.split('@').next().unwrap_or("").to_lowercase();
            if ROLE_MAILBOXES.contains(&local.as_str()) || is_group_handle(&local) {
                continue;
            }
            if self.is_allowed(addr) || self.is_allowed(&local) {
                continue;
            }
            hits.push(NameHit {
                range: m.range(),
                written: addr.to_string(),
                key: local,
                possessive: false,
            });
        }
        for (range, handle) in handle_spans(text) {
            if hits.iter().any(|h| super::util::overlaps(&h.range, &range)) {
                continue;
            }
            if self.is_allowed(&handle) {
                continue;
            }
            let (end, possessive) = possessive_end(text, range.end, &handle);
            extra.add(&handle);
            hits.push(NameHit {
                range: range.start..end,
                written: text[range.clone()].to_string(),
                key: handle.to_lowercase(),
                possessive,
            });
        }
        for range in initial_spans(text) {
            let written = &text[range.clone()];
            if self.is_allowed(written) {
                continue;
            }
            hits.push(NameHit {
                range,
                written: written.to_string(),
                key: written.to_lowercase(),
                possessive: false,
            });
        }
        for l in self.latin.iter().chain(extra.latin.iter()) {
            for m in l.re.find_iter(text) {
                if !boundary_ok(text, m.start(), m.end()) {
                    continue;
                }
                let written = m.as_str();
                let (end, possessive) = possessive_end(text, m.end(), written);
                if l.ambiguous
                    && !ambiguous_is_name(text, m.start(), m.end(), written, &l.key, possessive)
                {
                    continue;
                }
                hits.push(NameHit {
                    range: m.start()..end,
                    written: written.to_string(),
                    key: l.key.clone(),
                    possessive,
                });
            }
        }
        for n in &self.cjk {
            for (i, _) in text.match_indices(n.as_str()) {
                hits.push(NameHit {
                    range: i..i + n.len(),
                    written: n.clone(),
                    key: n.clone(),
                    possessive: false,
                });
            }
        }
        // Longest first at each start; drop anything overlapping a kept hit.
        hits.sort_by(|a, b| {
            a.range
                .start
                .cmp(&b.range.start)
                .then(b.range.end.cmp(&a.range.end))
        });
        let mut kept: Vec<NameHit> = Vec::new();
        for h in hits {
            if units.iter().any(|u| super::util::overlaps(u, &h.range)) {
                continue;
            }
            if kept
                .iter()
                .any(|k| super::util::overlaps(&k.range, &h.range))
            {
                continue;
            }
            kept.push(h);
        }
        kept
    }
}

/// Unit types of systemd (`man systemd.unit`): `getty@tty1.service` is a
/// unit instance, not an e-mail address.
const SYSTEMD_UNIT_TYPES: &[&str] = &[
    "service",
    "socket",
    "device",
    "mount",
    "automount",
    "swap",
    "target",
    "path",
    "timer",
    "slice",
    "scope",
];

/// Is this `name@instance.type` a systemd unit rather than an address?
fn is_systemd_unit(addr: &str) -> bool {
    addr.rsplit('.')
        .next()
        .is_some_and(|t| SYSTEMD_UNIT_TYPES.contains(&t.to_ascii_lowercase().as_str()))
}

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
            .unwrap_or_else(|_| never_matches())
    })
}

fn handle_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[@＠][A-Za-z0-9_][A-Za-z0-9._-]*").unwrap_or_else(|_| never_matches())
    })
}

/// A person written as a bare initial: "J skipped the staging step", "because
/// K merged it", "14:02 M acknowledged the page". The letter must open a
/// clause (start of a line or sentence, after a comma, a conjunction or a
/// time) and be followed by something people do, so "Plan B", "Team C
/// deployed", "If A fails, B takes over" and the pronoun "I" are not people.
/// "A" is left out: at a clause start it is the article.
fn initial_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?m)(?:^[\s\-*•]*|[.;:!?]\s+|,\s*|\b(?i:because|when|after|before|until|and|then|so|while|since|but|once|where|as)\s+|\b\d{1,2}:\d{2}(?::\d{2})?Z?\s*[-–—:]?\s*)(?P<n>[B-HJ-Z])\s+(?:(?:had|has|then|just|also|later|finally|eventually|accidentally|mistakenly|manually|quickly|immediately|never|still|already|again|did\s+not|didn['’]t|forgot\s+to)\s+)*(?:skipped|skips|forgot|forgets|pushed|pushes|merged|merges|approved|approves|deployed|deploys|ran|typed|types|clicked|clicks|missed|misses|ignored|ignores|noticed|notices|notice|overrode|overrides|bypassed|bypasses|decided|decides|assumed|assumes|acknowledged|acknowledges|acked|acks|escalated|escalates|pasted|pastes|committed|commits|reviewed|reviews|mistyped|misconfigured|restarted|rebooted|deleted|deletes|reverted|reverts|rolled\s+back|rolls\s+back|disabled|disables|enabled|enables|edited|edits|was\s+paged|is\s+paged|got\s+paged|saw|sees|thought|thinks|realized|realised|realizes|realises|tried|tries|asked|asks|told|tells|wrote|writes|logged\s+in|logs\s+in|declared|declares|joined|joins|check|checked|checks|run|push|merge|approve|deploy|skip)\b",
        )
        .unwrap_or_else(|_| never_matches())
    })
}

/// Bare initials used as a person's name (see [`initial_re`]). A quick byte
/// scan for a lone capital letter comes first: most values have none.
fn initial_spans(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let lone_capital = (0..b.len()).any(|i| {
        matches!(b[i], b'B'..=b'H' | b'J'..=b'Z')
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 1).is_some_and(|c| c.is_ascii_whitespace())
    });
    if !lone_capital {
        return Vec::new();
    }
    initial_re()
        .captures_iter(text)
        .filter_map(|c| c.name("n").map(|m| m.range()))
        .collect()
}

/// A regex that matches nothing, as a fallback for the built-in patterns
/// (which are tested to compile).
pub(crate) fn never_matches() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("a trivial regex compiles"))
}

/// Handles as (range, handle without `@`), skipping e-mail addresses, group
/// mentions and scoped package names (`@types/node`).
fn handle_spans(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    for m in handle_re().find_iter(text) {
        if let Some(p) = text[..m.start()].chars().next_back() {
            if is_word_char(p) || p == '.' {
                continue;
            }
        }
        let raw = m.as_str();
        let at_len = raw.chars().next().map_or(1, char::len_utf8);
        let trimmed = raw.trim_end_matches(['.', '-', '_']);
        let end = m.start() + trimmed.len();
        if text[end..].starts_with('/') {
            continue;
        }
        let handle = &trimmed[at_len..];
        if handle.is_empty() || handle.chars().all(|c| c.is_ascii_digit()) || is_version(handle) {
            continue;
        }
        let lower = handle.to_lowercase();
        if NEVER_NAMES.contains(&lower.as_str())
            || is_group_handle(&lower)
            || is_bot_name(&lower, &[])
        {
            continue;
        }
        out.push((m.start()..end, handle.to_string()));
    }
    out
}

/// A package version or dist-tag after `@` (`@1.2.2`, `@v2`, `@7.1.2-rc.1`),
/// not a handle.
fn is_version(handle: &str) -> bool {
    let h = handle.strip_prefix(['v', 'V']).unwrap_or(handle);
    h.starts_with(|c: char| c.is_ascii_digit())
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

fn is_group_handle(lower: &str) -> bool {
    lower
        .split(['-', '.', '_'])
        .any(|p| GROUP_PARTS.contains(&p))
}

/// The `@handles` and e-mail addresses of people in `text` (without the
/// `@`; e-mail addresses whole), for adding to [`People`] from a whole report.
pub fn handles_in(text: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut emails = Vec::new();
    for m in email_re().find_iter(text) {
        let local = m.as_str().split('@').next().unwrap_or("").to_lowercase();
        emails.push(m.range());
        if !ROLE_MAILBOXES.contains(&local.as_str()) && !is_group_handle(&local) {
            found.push((m.start(), m.as_str().to_string()));
        }
    }
    for (r, h) in handle_spans(text) {
        if !emails.iter().any(|e| super::util::overlaps(e, &r)) {
            found.push((r.start, h));
        }
    }
    found.sort_by_key(|(p, _)| *p);
    let mut out: Vec<String> = Vec::new();
    for (_, s) in found {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&s)) {
            out.push(s);
        }
    }
    out
}

/// Word boundaries for a Latin name: not inside a longer word, handle or
/// address (`alice.smith`, `x-alice`, `bobbing`).
fn boundary_ok(text: &str, start: usize, end: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(p) if is_word_char(p) || p == '@' || p == '＠' => return false,
        Some('.' | '-' | '/') if before.next().is_some_and(is_word_char) => return false,
        _ => {}
    }
    let mut after = text[end..].chars();
    match after.next() {
        Some(n) if is_word_char(n) => false,
        Some('.' | '-' | '@') => !after.next().is_some_and(is_word_char),
        _ => true,
    }
}

/// Extends a name over a possessive `'s` / `’s` (or a bare `'` after s).
fn possessive_end(text: &str, end: usize, written: &str) -> (usize, bool) {
    let rest = &text[end..];
    for suffix in ["'s", "’s", "'S"] {
        if let Some(after) = rest.strip_prefix(suffix) {
            if !after.chars().next().is_some_and(is_word_char) {
                return (end + suffix.len(), true);
            }
        }
    }
    if written.ends_with(['s', 'S']) {
        for suffix in ["'", "’"] {
            if let Some(after) = rest.strip_prefix(suffix) {
                if !after.chars().next().is_some_and(is_word_char) {
                    return (end + suffix.len(), true);
                }
            }
        }
    }
    (end, false)
}

/// Is an occurrence of a name that is also a common word really the name?
fn ambiguous_is_name(
    text: &str,
    start: usize,
    end: usize,
    written: &str,
    key: &str,
    possessive: bool,
) -> bool {
    let first_upper = written.chars().next().is_some_and(char::is_uppercase);
    let all_upper = written
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    let month = MONTHS.contains(&key);
    let next = word_after(text, end);
    // "Jan. 4": an abbreviated month's dot comes before the day.
    let after_dot = match text[end..].strip_prefix('.') {
        Some(rest) if month => word_after(text, text.len() - rest.len()),
        _ => next,
    };
    let next_is_digit = after_dot.is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
    if month && next_is_digit {
        return false;
    }
    if possessive {
        // "will's change", "May's rollback" (not "May's outage" in a month
        // sense, which is rare enough in incident prose to accept).
        return !all_upper || written.len() <= 1;
    }
    if all_upper && written.chars().count() > 1 {
        return false;
    }
    if !first_upper {
        // A lower-case handle is a name only where a verb can't be:
        // "paged will", "mark, who was on leave".
        let contact = word_before(text, start).is_some_and(|p| CONTACT_VERBS.contains(&p.as_str()));
        let who = text[end..].trim_start().starts_with(", who");
        return contact || who;
    }
    // "by Jan." is a person; "Jan" is a month only before a day.
    if month && key != "jan" {
        if let Some(prev) = word_before(text, start) {
            if MONTH_CONTEXT.contains(&prev.as_str()) {
                return false;
            }
        }
    }
    if at_sentence_start(text, start) {
        let rest = text[end..].trim_start();
        if rest.starts_with(['(', '（', ',', '，']) {
            return true;
        }
        return next.is_some_and(|w| {
            let w = w.to_lowercase();
            NAME_VERBS.contains(&w.as_str())
                || (w.ends_with("ed") && !w.ends_with("eed") && w.len() > 3)
        });
    }
    true
}

/// Is this speaker a bot: a name ending in "bot", a known integration, or
/// on the configured list?
fn is_bot_name(lower: &str, bots: &[String]) -> bool {
    let l = lower.trim();
    l.ends_with("bot")
        || l.ends_with("[bot]")
        || l.ends_with("-bot")
        || INTEGRATIONS.contains(&l)
        || bots
            .iter()
            .any(|b| normalise(b).eq_ignore_ascii_case(&normalise(l)))
}

/// Words that end a "name:" line prefix but are labels, not speakers.
const NOT_SPEAKERS: &[&str] = &[
    "note",
    "notes",
    "todo",
    "update",
    "summary",
    "impact",
    "status",
    "action",
    "fyi",
    "re",
    "subject",
    "from",
    "to",
    "cc",
    "date",
    "time",
    "error",
    "warning",
    "warn",
    "info",
    "debug",
    "fatal",
    "panic",
    "http",
    "https",
    "ftp",
    "mailto",
    "step",
    "timeline",
    "result",
    "caused by",
    "exception",
    "traceback",
    "root cause",
    "question",
    "answer",
    "q",
    "a",
    "edit",
    "ps",
    "eta",
];

struct ChatRes {
    header: Regex,
    irc: Regex,
    colon: Regex,
}

fn chat_res() -> &'static ChatRes {
    static RES: OnceLock<ChatRes> = OnceLock::new();
    RES.get_or_init(|| {
        // Unbounded repetitions here: bounded ones of large Unicode classes
        // ({0,39}) multiply the automaton (tens of MB); lengths are checked
        // after matching instead.
        let ts = r"(?:\[[^\]\n]+\]|\([^)\n]+\)|\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?\S*|\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?)";
        let name = r"[\p{L}@][\p{L}\p{N}._-]*(?: [\p{L}][\p{L}\p{N}._-]*){0,2}";
        let time = r"(?:\[?\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?\]?|[—–-]\s+(?:Today|Yesterday)\s+at\s+\d{1,2}:\d{2}\s?(?:[AaPp][Mm])?)";
        let build = |p: &str| Regex::new(p).unwrap_or_else(|_| never_matches());
        ChatRes {
            header: build(&format!(r"^\s*(?P<name>{name})\s+(?P<app>APP\s+)?{time}\s*$")),
            irc: build(&format!(r"^\s*(?:{ts}\s*)?<\s*[@+]?(?P<name>[^<>\s]+)\s*>\s*(?P<msg>.*)$")),
            colon: build(&format!(
                r"^\s*(?P<ts>{ts}\s*)?(?:[-*]\s*)?(?P<name>{name})\s*[:：]\s*(?P<msg>.*)$"
            )),
        }
    })
}

/// The distinct speakers of a chat log, in order of first appearance, minus
/// bots. Understands `[14:17] alice: …`, `alice: …`, `<alice> …`, Slack
/// copies (`alice  2:17 PM` on its own line, then the message) and Slack
/// JSON exports (objects with `user_name`/`username`/`user` and `text`).
pub fn chat_speakers(chat_text: &str, bots: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str, bot: bool| {
        let n = normalise(name);
        // a speaker name is short: at most 40 characters, 3 words of ≤ 21
        let words_ok = n.split(' ').count() <= 3 && n.split(' ').all(|w| w.chars().count() <= 40);
        if n.is_empty() || bot || n.chars().count() > 40 || !words_ok {
            return;
        }
        let lower = n.to_lowercase();
        if is_bot_name(&lower, bots) || NEVER_NAMES.contains(&lower.as_str()) {
            return;
        }
        if !out.iter().any(|o| o.to_lowercase() == lower) {
            out.push(n);
        }
    };
    let trimmed = chat_text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
            for (name, bot) in json_speakers(&v) {
                push(&name, bot);
            }
            return out;
        }
    }
    let res = chat_res();
    for line in chat_text.lines() {
        if let Some(c) = res.header.captures(line) {
            if let Some(n) = c.name("name") {
                let raw = n.as_str();
                let (name, app) = match raw.strip_suffix(" APP") {
                    Some(stripped) => (stripped, true),
                    None => (raw, c.name("app").is_some()),
                };
                if !NOT_SPEAKERS.contains(&name.to_lowercase().as_str()) {
                    push(name, app);
                }
            }
            continue;
        }
        if let Some(c) = res.irc.captures(line) {
            if let Some(n) = c.name("name") {
                push(n.as_str(), false);
            }
            continue;
        }
        if let Some(c) = res.colon.captures(line) {
            let (Some(n), Some(msg)) = (c.name("name"), c.name("msg")) else {
                continue;
            };
            let lower = n.as_str().to_lowercase();
            if NOT_SPEAKERS.contains(&lower.as_str()) || msg.as_str().starts_with("//") {
                continue;
            }
            // Without a timestamp, a long multi-word prefix is more likely a
            // label ("Next steps: …") than a speaker.
            if c.name("ts").is_none() && n.as_str().split_whitespace().count() > 2 {
                continue;
            }
            push(n.as_str(), false);
        }
    }
    out
}

fn json_speakers(v: &serde_json::Value) -> Vec<(String, bool)> {
    let messages = match v {
        serde_json::Value::Array(a) => a.as_slice(),
        serde_json::Value::Object(o) => match o.get("messages") {
            Some(serde_json::Value::Array(a)) => a.as_slice(),
            _ => std::slice::from_ref(v),
        },
        _ => return Vec::new(),
    };
    let is_id = |s: &str| {
        s.len() >= 7
            && s.starts_with(['U', 'W', 'B'])
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    let mut out = Vec::new();
    for m in messages {
        let Some(o) = m.as_object() else { continue };
        let s = |k: &str| {
            o.get(k)
                .and_then(|x| x.as_str())
                .filter(|x| !x.trim().is_empty())
        };
        let profile = |k: &str| {
            o.get("user_profile")
                .and_then(|p| p.get(k))
                .and_then(|x| x.as_str())
                .filter(|x| !x.trim().is_empty())
        };
        let name = s("user_name")
            .or_else(|| s("username"))
            .or_else(|| profile("display_name"))
            .or_else(|| profile("name"))
            .or_else(|| profile("real_name"))
            .or_else(|| s("user").filter(|u| !is_id(u)))
            .or_else(|| s("real_name"));
        let bot = o.contains_key("bot_id")
            || s("subtype") == Some("bot_message")
            || o.get("is_bot").and_then(|b| b.as_bool()) == Some(true);
        if let Some(n) = name {
            out.push((n.to_string(), bot));
        }
    }
    out
}

/// Known roles: spellings (lower-case), the English phrase, the Chinese one.
const ROLES: &[(&[&str], &str, &str)] = &[
    (
        &[
            "incident commander",
            "ic",
            "incident lead",
            "incident manager",
            "事故指揮官",
            "指揮官",
            "事件指揮官",
        ],
        "the incident commander",
        "事故指揮官",
    ),
    (
        &[
            "on-call",
            "oncall",
            "on call",
            "on-call engineer",
            "oncall engineer",
            "primary on-call",
            "primary",
            "值班",
            "值班工程師",
            "值班人員",
            "主要值班",
        ],
        "the on-call engineer",
        "值班工程師",
    ),
    (
        &[
            "secondary",
            "secondary on-call",
            "backup on-call",
            "次要值班",
            "備援值班",
        ],
        "the secondary on-call engineer",
        "次要值班工程師",
    ),
    (
        &[
            "comms lead",
            "communications lead",
            "comms",
            "communications",
            "溝通負責人",
            "對外溝通",
        ],
        "the communications lead",
        "溝通負責人",
    ),
    (
        &["scribe", "note taker", "note-taker", "記錄員", "記錄"],
        "the scribe",
        "記錄員",
    ),
    (
        &[
            "sme",
            "subject matter expert",
            "subject-matter expert",
            "領域專家",
        ],
        "the subject-matter expert",
        "領域專家",
    ),
    (
        &["tech lead", "technical lead", "技術負責人"],
        "the tech lead",
        "技術負責人",
    ),
    (
        &["dba", "database administrator", "資料庫管理員"],
        "the database administrator",
        "資料庫管理員",
    ),
    (
        &["service owner", "服務負責人"],
        "the service owner",
        "服務負責人",
    ),
    (
        &["ops lead", "operations lead", "維運負責人"],
        "the operations lead",
        "維運負責人",
    ),
    (
        &["release manager", "deployer", "發布負責人"],
        "the release manager",
        "發布負責人",
    ),
    (&["reviewer", "審查者"], "the reviewer", "審查者"),
];

fn role_alternation() -> String {
    let mut all: Vec<&str> = ROLES
        .iter()
        .flat_map(|(s, _, _)| s.iter().copied())
        .collect();
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    all.iter()
        .map(|s| {
            regex::escape(s)
                .replace("\\-", "[-_ ]?")
                .replace(' ', "[-_ ]")
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// The canonical role for a spelling ("IC" → "incident commander").
fn canonical_role(found: &str) -> String {
    let f = found.trim().to_lowercase().replace(['_', '-'], " ");
    for (spellings, en, _) in ROLES {
        if spellings.iter().any(|s| s.replace('-', " ") == f) {
            return en.trim_start_matches("the ").to_string();
        }
    }
    found.trim().to_lowercase()
}

/// The role phrase for a rewrite: "the incident commander" / 「事故指揮官」.
pub(crate) fn role_phrase(role: Option<&str>, zh: bool) -> String {
    let Some(role) = role else {
        return if zh {
            "應變人員".into()
        } else {
            "the responder".into()
        };
    };
    let r = role.trim().to_lowercase().replace('_', " ");
    let bare = r.trim_start_matches("the ");
    for (spellings, en, zh_name) in ROLES {
        if spellings.contains(&bare) || en.trim_start_matches("the ") == bare {
            return if zh { (*zh_name).into() } else { (*en).into() };
        }
    }
    if zh || has_cjk(role) {
        if zh {
            role.trim().to_string()
        } else {
            "the responder".into()
        }
    } else {
        format!("the {bare}")
    }
}

/// Roles the report gives the speakers: "Incident commander: alice",
/// "IC: alice", "alice (IC)", "on-call: bob", "alice, the on-call engineer",
/// "王小明（事故指揮官）", "值班：王小明". Keys are the speakers lower-cased
/// (CJK as written); values are canonical roles ("incident commander").
pub fn speaker_roles(report_text: &str, speakers: &[String]) -> HashMap<String, String> {
    let roles = role_alternation();
    let mut out = HashMap::new();
    for s in speakers {
        let name = normalise(s);
        if name.is_empty() {
            continue;
        }
        let esc = regex::escape(&name);
        // A Latin name must end at a word boundary; a CJK one cannot.
        let after = if has_cjk(&name) {
            ""
        } else {
            r"(?:[^\p{L}\p{N}_.]|$)"
        };
        let patterns = [
            format!(
                r"(?im)(?:^|[^\p{{L}}])(?P<role>{roles})\s*(?:[:：=]|\s-\s|\s—\s|\bis\b|\bwas\b)\s*(?:the\s+)?@?{esc}{after}"
            ),
            format!(r"(?i)@?{esc}\s*[(（]\s*(?:the\s+)?(?P<role>{roles})\s*[)）]"),
            format!(
                r"(?i)@?{esc}\s*(?:,|，|\bwas\b|\bis\b|\bas\b|\bserved as\b|\bacted as\b|擔任|是|作為)\s*(?:the\s+|our\s+|an?\s+)?(?P<role>{roles})(?:[^\p{{L}}]|$)"
            ),
        ];
        for p in patterns {
            let Ok(re) = Regex::new(&p) else { continue };
            if let Some(role) = re.captures(report_text).and_then(|c| c.name("role")) {
                let key = if has_cjk(&name) {
                    name.clone()
                } else {
                    name.to_lowercase()
                };
                out.insert(key, canonical_role(role.as_str()));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ppl(names: &[&str]) -> People {
        People::new(names.iter().map(|s| s.to_string()), &[])
    }

    fn found(p: &People, t: &str) -> Vec<String> {
        p.find(t).into_iter().map(|h| h.written).collect()
    }

    #[test]
    fn speakers_from_bracketed_and_plain_lines() {
        let chat = "[14:17] alice: db is slow\n[14:18] deploybot: deploy 42 done\nbob: looking\n14:20 alice: ok\n2024-05-01 14:21:00 carol: paging";
        assert_eq!(chat_speakers(chat, &[]), vec!["alice", "bob", "carol"]);
    }

    #[test]
    fn speakers_from_irc_and_slack_copy() {
        let chat = "<dana> restarting\n<@erin> ack\nfrank  2:17 PM\nI see errors\nDeploy Bot APP 2:18 PM\nrelease 7\ngrace 14:19\nrolled back";
        assert_eq!(
            chat_speakers(chat, &[]),
            vec!["dana", "erin", "frank", "grace"]
        );
    }

    #[test]
    fn speakers_from_slack_json_and_bot_list() {
        let json = r#"[{"user_name":"alice","text":"hi"},{"user":"U024BE7LH","text":"x"},
            {"username":"pd","bot_id":"B1","text":"triggered"},{"user_name":"bob","text":"ack"},
            {"user_name":"helper","text":"auto"},{"user_name":"Alice","text":"again"}]"#;
        assert_eq!(
            chat_speakers(json, &["helper".to_string()]),
            vec!["alice", "bob"]
        );
        let obj = r#"{"messages":[{"user":"chen.wei","text":"x"}]}"#;
        assert_eq!(chat_speakers(obj, &[]), vec!["chen.wei"]);
    }

    #[test]
    fn cjk_speakers_and_labels() {
        let chat = "[02:10] 王小明：資料庫延遲升高\nNote: this is a label\nhttps://example.com/x\nerror: connection refused\n[02:11] 陳大文: 收到";
        assert_eq!(chat_speakers(chat, &[]), vec!["王小明", "陳大文"]);
    }

    #[test]
    fn possessive_and_boundaries() {
        let p = ppl(&["bob", "alice", "chen.wei"]);
        assert_eq!(
            found(&p, "bob's change and Alice’s review"),
            vec!["bob", "Alice"]
        );
        let h = p.find("bob's change");
        assert_eq!(h[0].range, 0..5);
        assert!(h[0].possessive);
        assert!(found(&p, "the bobbing queue, alice.smith, x-bob").is_empty());
        assert_eq!(
            found(&p, "Chen Wei restarted it; chen.wei's fix"),
            vec!["Chen Wei", "chen.wei"]
        );
    }

    #[test]
    fn a_bare_initial_is_a_person_only_where_a_person_acts() {
        let p = ppl(&[]);
        for (text, want) in [
            ("J skipped the staging step.", "J"),
            ("Site goes down because J skipped the staging step.", "J"),
            ("Because K merged it without review, the flag was on.", "K"),
            ("14:02 M acknowledged the page.", "M"),
            ("- R forgot to drain the node", "R"),
            (
                "The alert fired, and then P just restarted the primary.",
                "P",
            ),
            ("The canary failed. T didn't notice it.", "T"),
        ] {
            assert_eq!(found(&p, text), vec![want.to_string()], "{text}");
        }
        for text in [
            "Plan B failed over as designed.",
            "Team C deployed the fix at 14:10.",
            "If A fails, B takes over.",
            "I skipped the staging step myself.",
            "A skipped health check let the bad build through.",
            "Region X lost power.",
            "Service B restarted after the OOM kill.",
            "Option D was chosen.",
            "We moved from tier C to tier B.",
            "J. Smith is out of office.",
            "值班人員 J 跳過了 staging 步驟。",
        ] {
            assert!(found(&p, text).is_empty(), "{text}: {:?}", found(&p, text));
        }
        // An allowed word is never a person.
        let allowed = People::new(Vec::<String>::new(), &["J".to_string()]);
        assert!(found(&allowed, "J skipped the staging step.").is_empty());
    }

    #[test]
    fn systemd_unit_instances_are_not_addresses() {
        let p = ppl(&["Alex"]);
        for text in [
            "systemctl start email-failures@test-alex-analytics.service failed.",
            "getty@tty1.service kept restarting.",
            "The openvpn-client@office.service unit and backup@daily.timer both ran.",
        ] {
            assert!(found(&p, text).is_empty(), "{text}: {:?}", found(&p, text));
        }
        // A real address is still a person.
        assert_eq!(
            found(&p, "mail alex.ng@example.com about it"),
            vec!["alex.ng@example.com"]
        );
    }

    #[test]
    fn ambiguous_names() {
        let p = ppl(&["will", "may", "mark", "rob"]);
        assert!(found(
            &p,
            "The alert will fire. This may recur. We mark the node. Caches rob memory."
        )
        .is_empty());
        assert!(found(
            &p,
            "Will the alert fire? In May we migrated. On May 3 it broke."
        )
        .is_empty());
        assert_eq!(found(&p, "Will restarted the pod"), vec!["Will"]);
        assert_eq!(found(&p, "we paged Mark at 02:10"), vec!["Mark"]);
        assert_eq!(found(&p, "will's change"), vec!["will"]);
        assert_eq!(found(&p, "May approved it"), vec!["May"]);
        // An abbreviated month before a day is a date, not Jan.
        let jan = ppl(&["Jan Wiberg"]);
        assert!(found(&jan, "The gateway did not scale on the morning of Jan. 4.").is_empty());
        assert!(found(&jan, "Traffic doubled on Jan 4 after the holiday.").is_empty());
        assert_eq!(found(&jan, "Jan restarted the gateway."), vec!["Jan"]);
        assert_eq!(
            found(&jan, "The gateway was restarted by Jan."),
            vec!["Jan"]
        );
        assert_eq!(
            found(&p, "we paged will; assigned to mark, who was out"),
            vec!["will", "mark"]
        );
    }

    #[test]
    fn cjk_names_handles_and_emails() {
        let p = ppl(&["王小明"]);
        assert_eq!(found(&p, "因為王小明的變更"), vec!["王小明"]);
        assert_eq!(
            found(
                &p,
                "ping @dana and erin@example.com, not @here or @db-oncall or oncall@example.com"
            ),
            vec!["@dana", "erin@example.com"]
        );
        assert_eq!(
            found(&p, "@dana's change; dana again"),
            vec!["@dana", "dana"]
        );
        assert!(found(&p, "npm @types/node").is_empty());
    }

    #[test]
    fn allow_list_wins() {
        let p = People::new(
            vec!["grafana".into(), "bob".into()],
            &["grafana".to_string()],
        );
        assert_eq!(found(&p, "grafana showed bob"), vec!["bob"]);
    }

    #[test]
    fn roles_from_report() {
        let report = "Incident commander: alice\non-call: bob\ncarol (comms lead) posted updates\n值班：王小明\n陳大文（事故指揮官）\ndana, the on-call engineer, paged";
        let sp: Vec<String> = ["alice", "bob", "carol", "王小明", "陳大文", "dana", "erin"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let r = speaker_roles(report, &sp);
        assert_eq!(
            r.get("alice").map(String::as_str),
            Some("incident commander")
        );
        assert_eq!(r.get("bob").map(String::as_str), Some("on-call engineer"));
        assert_eq!(
            r.get("carol").map(String::as_str),
            Some("communications lead")
        );
        assert_eq!(
            r.get("王小明").map(String::as_str),
            Some("on-call engineer")
        );
        assert_eq!(
            r.get("陳大文").map(String::as_str),
            Some("incident commander")
        );
        assert_eq!(r.get("dana").map(String::as_str), Some("on-call engineer"));
        assert!(!r.contains_key("erin"));
        let r2 = speaker_roles("IC: alice", &["alice".into()]);
        assert_eq!(
            r2.get("alice").map(String::as_str),
            Some("incident commander")
        );
    }

    #[test]
    fn role_phrases() {
        assert_eq!(
            role_phrase(Some("incident commander"), false),
            "the incident commander"
        );
        assert_eq!(role_phrase(Some("incident commander"), true), "事故指揮官");
        assert_eq!(role_phrase(None, false), "the responder");
        assert_eq!(role_phrase(None, true), "應變人員");
        assert_eq!(
            role_phrase(Some("network engineer"), false),
            "the network engineer"
        );
    }
}

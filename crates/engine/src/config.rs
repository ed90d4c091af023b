//! Configuration: `.postmortem-lsp.toml` in the document's folder or any
//! parent, overridden by the editor's `postmortem` settings.

use crate::diagnostic::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Input files larger than this are not read (`[inputs] max_bytes`).
pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024;

pub const CONFIG_FILE: &str = ".postmortem-lsp.toml";

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("none") {
            Some(Level::Off)
        } else {
            Severity::parse(s).map(Level::On)
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputsConfig {
    pub max_bytes: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlamelessConfig {
    pub people: Vec<String>,
    pub allow: Vec<String>,
    pub bots: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct RawConfig {
    rules: BTreeMap<String, String>,
    inputs: InputsConfig,
    blameless: BlamelessConfig,
    locale: Option<String>,
    claude: Option<toml::Table>,
    privacy: crate::privacy::PrivacyConfig,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Rule code or name → level.
    pub rules: BTreeMap<String, Level>,
    pub inputs: InputsConfig,
    pub blameless: BlamelessConfig,
    pub locale: Option<String>,
    /// The `[claude]` table, read by the drafting client.
    pub claude: toml::Table,
    /// `[privacy]`: what is redacted before drafting.
    pub privacy: crate::privacy::PrivacyConfig,
    /// The file this came from, if any.
    pub path: Option<PathBuf>,
    /// Problems found while reading configuration, to show the user.
    pub problems: Vec<String>,
}

impl Config {
    pub fn max_input_bytes(&self) -> u64 {
        self.inputs.max_bytes.unwrap_or(DEFAULT_MAX_BYTES)
    }

    /// The configured level for a rule, by code or by name.
    pub fn level(&self, code: &str, name: &str) -> Option<Level> {
        self.rules
            .get(code)
            .or_else(|| self.rules.get(name))
            .copied()
    }

    pub fn parse_toml(text: &str, path: Option<PathBuf>) -> Config {
        let mut cfg = Config {
            path: path.clone(),
            ..Config::default()
        };
        let shown = path
            .as_ref()
            .map_or_else(|| CONFIG_FILE.to_string(), |p| p.display().to_string());
        match toml::from_str::<RawConfig>(text) {
            Ok(raw) => {
                for (k, v) in raw.rules {
                    match Level::parse(&v) {
                        Some(l) => {
                            cfg.rules.insert(k, l);
                        }
                        None => cfg.problems.push(format!("{shown}: `[rules] {k} = \"{v}\"` is not a level; use off, hint, info, warning or error.")),
                    }
                }
                cfg.inputs = raw.inputs;
                cfg.blameless = raw.blameless;
                cfg.locale = raw.locale;
                cfg.claude = raw.claude.unwrap_or_default();
                cfg.privacy = raw.privacy;
                let (_, bad) = crate::privacy::Redactor::new(&cfg.privacy);
                for b in bad {
                    cfg.problems.push(format!("{shown}: `[privacy] allow` entry {b:?} is not a regular expression, so it is ignored; escape characters such as `(` and `.` with a backslash."));
                }
            }
            Err(e) => cfg.problems.push(format!(
                "{shown} could not be read, so defaults apply: {}",
                e.message()
            )),
        }
        cfg
    }

    /// The nearest `.postmortem-lsp.toml` at or above `dir`, parsed.
    pub fn discover(dir: &Path) -> Config {
        let mut cur = Some(dir);
        while let Some(d) = cur {
            let p = d.join(CONFIG_FILE);
            if p.is_file() {
                return match std::fs::read_to_string(&p) {
                    Ok(t) => Config::parse_toml(&t, Some(p)),
                    Err(e) => Config {
                        problems: vec![format!(
                            "{} could not be read ({e}); defaults apply.",
                            p.display()
                        )],
                        ..Config::default()
                    },
                };
            }
            cur = d.parent();
        }
        Config::default()
    }

    /// Apply the editor's `postmortem` settings on top (they win).
    /// Shape: `{ "rules": {"PM305": "off"}, "inputs": {"maxBytes": n}, "blameless": {"people": [], "allow": [], "bots": []}, "locale": "zh-TW", "claude": {...} }`.
    pub fn merge_client(&mut self, v: &serde_json::Value) {
        if let Some(rules) = v.get("rules").and_then(|r| r.as_object()) {
            for (k, lv) in rules {
                match lv.as_str().and_then(Level::parse) {
                    Some(l) => {
                        self.rules.insert(k.clone(), l);
                    }
                    None => self.problems.push(format!("Setting `postmortem.rules.{k}` is not a level; use off, hint, info, warning or error.")),
                }
            }
        }
        if let Some(n) = v
            .pointer("/inputs/maxBytes")
            .or_else(|| v.pointer("/inputs/max_bytes"))
            .and_then(|n| n.as_u64())
        {
            self.inputs.max_bytes = Some(n);
        }
        let strings = |p: &str| -> Option<Vec<String>> {
            v.pointer(p).and_then(|a| a.as_array()).map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
        };
        if let Some(p) = strings("/blameless/people") {
            self.blameless.people.extend(p);
        }
        if let Some(p) = strings("/blameless/allow") {
            self.blameless.allow.extend(p);
        }
        if let Some(p) = strings("/blameless/bots") {
            self.blameless.bots.extend(p);
        }
        if let Some(l) = v
            .get("locale")
            .and_then(|l| l.as_str())
            .filter(|l| !l.is_empty() && *l != "auto")
        {
            self.locale = Some(l.to_string());
        }
        let flag = |p: Option<&serde_json::Value>| p.and_then(serde_json::Value::as_bool);
        if let Some(b) = flag(v.pointer("/privacy/secrets")) {
            self.privacy.secrets = b;
        }
        if let Some(b) = flag(v.pointer("/privacy/emails")) {
            self.privacy.emails = b;
        }
        if let Some(b) = flag(v.pointer("/privacy/phones")) {
            self.privacy.phones = b;
        }
        if let Some(b) = flag(
            v.pointer("/privacy/ipAddresses")
                .or_else(|| v.pointer("/privacy/ip_addresses")),
        ) {
            self.privacy.ip_addresses = b;
        }
        if let Some(b) = flag(
            v.pointer("/privacy/cardNumbers")
                .or_else(|| v.pointer("/privacy/card_numbers")),
        ) {
            self.privacy.card_numbers = b;
        }
        if let Some(p) = strings("/privacy/allow") {
            self.privacy.allow.extend(p);
        }
        if let Some(c) = v.get("claude").and_then(|c| c.as_object()) {
            for (k, val) in c {
                let key = match k.as_str() {
                    "baseUrl" => "base_url",
                    "maxTokens" => "max_tokens",
                    "timeoutS" | "timeout" => "timeout_s",
                    "connectTimeoutS" => "connect_timeout_s",
                    "maxRetries" => "max_retries",
                    "structuredOutput" => "structured_output",
                    "contextWindow" => "context_window",
                    "countTokens" => "count_tokens",
                    "promptsDir" => "prompts_dir",
                    "apiKey" => continue, // never stored in config; the server keeps it in memory only
                    other => other,
                };
                if let Some(t) = json_to_toml(val) {
                    self.claude.insert(key.to_string(), t);
                }
            }
        }
    }
}

/// The config text with `word` added to `[blameless] allow`, keeping the
/// rest of the file (comments included) as it was.
pub fn with_allowed_word(existing: Option<&str>, word: &str) -> String {
    let quoted = toml::Value::String(word.to_string()).to_string();
    let Some(old) = existing else {
        return format!("[blameless]\nallow = [{quoted}]\n");
    };
    let lines: Vec<&str> = old.lines().collect();
    let section = lines.iter().position(|l| l.trim() == "[blameless]");
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match section {
        Some(si) => {
            let end = lines[si + 1..]
                .iter()
                .position(|l| l.trim_start().starts_with('['))
                .map_or(lines.len(), |e| si + 1 + e);
            let allow = (si + 1..end)
                .find(|&i| lines[i].trim_start().starts_with("allow") && lines[i].contains('='));
            match allow {
                Some(ai) if lines[ai].trim_end().ends_with(']') => {
                    let l = lines[ai].trim_end();
                    let inner = l[l.find('[').map_or(l.len(), |i| i + 1)..l.len() - 1].trim();
                    let sep = if inner.is_empty() { "" } else { ", " };
                    out[ai] = format!("{}{sep}{quoted}]", &l[..l.len() - 1].trim_end());
                }
                _ => out.insert(si + 1, format!("allow = [{quoted}]")),
            }
        }
        None => {
            if out.last().is_some_and(|l| !l.trim().is_empty()) {
                out.push(String::new());
            }
            out.push("[blameless]".into());
            out.push(format!("allow = [{quoted}]"));
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn json_to_toml(v: &serde_json::Value) -> Option<toml::Value> {
    Some(match v {
        serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        serde_json::Value::String(s) => toml::Value::String(s.clone()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_levels_and_sections() {
        let c = Config::parse_toml("[rules]\nPM305 = \"off\"\nmissing-owner = \"warning\"\nPM1 = \"loud\"\n[inputs]\nmax_bytes = 10\n[blameless]\npeople = [\"alice\"]\n", None);
        assert_eq!(c.level("PM305", "vague-action"), Some(Level::Off));
        assert_eq!(
            c.level("PM201", "missing-owner"),
            Some(Level::On(Severity::Warning))
        );
        assert_eq!(c.max_input_bytes(), 10);
        assert_eq!(c.blameless.people, vec!["alice"]);
        assert_eq!(c.problems.len(), 1);
        let mut c = c;
        c.merge_client(&serde_json::json!({"rules": {"PM305": "error"}, "claude": {"model": "m", "apiKey": "sk-secret", "maxRetries": 0, "connectTimeoutS": 3}}));
        assert_eq!(c.level("PM305", "x"), Some(Level::On(Severity::Error)));
        assert_eq!(c.claude.get("model").and_then(|m| m.as_str()), Some("m"));
        assert!(c.claude.get("apiKey").is_none() && c.claude.get("api_key").is_none());
        assert_eq!(
            c.claude.get("max_retries").and_then(|v| v.as_integer()),
            Some(0)
        );
        assert_eq!(
            c.claude
                .get("connect_timeout_s")
                .and_then(|v| v.as_integer()),
            Some(3)
        );
    }

    #[test]
    fn allowed_words_are_added_keeping_the_file() {
        assert_eq!(
            with_allowed_word(None, "Will"),
            "[blameless]\nallow = [\"Will\"]\n"
        );
        let a = with_allowed_word(Some("# ours\n[rules]\nPM305 = \"off\"\n"), "bob");
        assert_eq!(
            a,
            "# ours\n[rules]\nPM305 = \"off\"\n\n[blameless]\nallow = [\"bob\"]\n"
        );
        let b = with_allowed_word(Some(&a), "May");
        assert!(b.contains("allow = [\"bob\", \"May\"]"), "{b}");
        assert_eq!(
            Config::parse_toml(&b, None).blameless.allow,
            vec!["bob", "May"]
        );
        let c = with_allowed_word(Some("[blameless]\npeople = [\"x\"]\n[rules]\n"), "y");
        assert_eq!(Config::parse_toml(&c, None).blameless.allow, vec!["y"]);
    }

    #[test]
    fn privacy_section_and_editor_settings() {
        let c = Config::parse_toml("", None);
        assert!(c.privacy.secrets && !c.privacy.emails);
        let mut c = Config::parse_toml(
            "[privacy]\nemails = true\nallow = ['@example\\.com$', '(']\n",
            None,
        );
        assert!(c.privacy.emails && !c.privacy.phones);
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        assert!(c.problems[0].contains("[privacy] allow"));
        c.merge_client(&serde_json::json!({"privacy": {"cardNumbers": true, "emails": false, "allow": ["^10\\."]}}));
        assert!(c.privacy.card_numbers && !c.privacy.emails);
        assert_eq!(c.privacy.allow.len(), 3);
        let bad = Config::parse_toml("[privacy]\nemail = true\n", None);
        assert_eq!(bad.problems.len(), 1, "a misspelt key is reported");
    }

    #[test]
    fn broken_toml_is_reported_not_fatal() {
        let c = Config::parse_toml("[rules\n", None);
        assert_eq!(c.problems.len(), 1);
        assert!(c.rules.is_empty());
    }
}

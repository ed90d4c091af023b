//! Settings for the Claude client, read from the `[claude]` table of
//! `.postmortem-lsp.toml`, the editor's `postmortem.claude.*` settings and the
//! environment. The API key never comes from a file.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// The model used when none is configured.
pub const DEFAULT_MODEL: &str = "claude-sonnet-4-6";
/// The public Anthropic API.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";

/// An Anthropic API key. It prints as `ApiKey(***)` everywhere (`Debug` and
/// `Display`) and is not serializable, so it cannot leak into logs, errors or
/// files by accident. Read it with [`ApiKey::expose_secret`] only to send it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// `None` when the key is empty or only whitespace.
    pub fn new(key: impl Into<String>) -> Option<ApiKey> {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            None
        } else {
            Some(ApiKey(trimmed.to_string()))
        }
    }

    /// The key itself, for the `x-api-key` header and nothing else.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the key replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        // Keys shorter than this cannot be told apart from ordinary words.
        if self.0.len() < 4 {
            return text.to_string();
        }
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Claude client settings.
///
/// Deserializes from the `[claude]` table (unknown keys are ignored so other
/// parts of the program can keep their own keys there):
///
/// ```toml
/// [claude]
/// model = "claude-sonnet-4-6"
/// base_url = "https://api.anthropic.com"
/// max_tokens = 4096
/// # temperature = 0.2      # sent only when set; Opus 4.7 and later refuse it
/// timeout_s = 60           # seconds without any data before giving up
/// connect_timeout_s = 10
/// structured_output = false  # true: also send the schema as output_config
/// max_retries = 3
/// # context_window = 200000  # tokens; the default for current models
/// count_tokens = true      # ask /v1/messages/count_tokens when the inputs are large
/// ```
///
/// `api_key` is never read from files: it comes from `ANTHROPIC_API_KEY` or
/// the editor setting, and is set by code.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ClaudeConfig {
    pub model: String,
    pub base_url: String,
    pub max_tokens: u32,
    #[serde(deserialize_with = "temperature_setting")]
    pub temperature: Option<f32>,
    /// Idle (read) timeout: the longest wait for the next bytes, in seconds.
    pub timeout_s: u64,
    pub connect_timeout_s: u64,
    /// Also send the section's schema as `output_config.format`. Off by
    /// default: each section has its own schema, and changing
    /// `output_config.format` invalidates the prompt cache (structured-outputs
    /// docs), so the schema goes in the prompt text and answers are checked
    /// locally.
    pub structured_output: bool,
    pub max_retries: u32,
    /// The model's context window in tokens (default: see
    /// `models::context_window`).
    pub context_window: Option<u64>,
    /// Use `POST /v1/messages/count_tokens` to count large requests before
    /// sending them (a local estimate is used when it is off or missing).
    pub count_tokens: bool,
    #[serde(skip)]
    pub api_key: Option<ApiKey>,
}

impl Default for ClaudeConfig {
    fn default() -> Self {
        ClaudeConfig {
            model: DEFAULT_MODEL.to_string(),
            base_url: DEFAULT_BASE_URL.to_string(),
            max_tokens: 4096,
            // Sampling parameters go out only when the user set them: Claude
            // Opus 4.7 and later refuse them (migration guide).
            temperature: None,
            timeout_s: 60,
            connect_timeout_s: 10,
            structured_output: false,
            max_retries: 3,
            context_window: None,
            count_tokens: true,
            api_key: None,
        }
    }
}

impl ClaudeConfig {
    /// Defaults, with `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL` applied.
    pub fn from_env_defaults() -> Self {
        let mut cfg = ClaudeConfig::default();
        cfg.apply_env();
        cfg
    }

    /// Fill in from the environment: `ANTHROPIC_API_KEY` when no key is set
    /// yet, and `ANTHROPIC_BASE_URL` when `base_url` is still the default (so
    /// an explicit setting wins over the environment).
    pub fn apply_env(&mut self) {
        if self.api_key.is_none() {
            self.api_key = std::env::var("ANTHROPIC_API_KEY")
                .ok()
                .and_then(ApiKey::new);
        }
        if self.base_url == DEFAULT_BASE_URL {
            if let Ok(url) = std::env::var("ANTHROPIC_BASE_URL") {
                let url = url.trim();
                if !url.is_empty() {
                    self.base_url = url.to_string();
                }
            }
        }
    }

    /// Builder-style setter for the key.
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = ApiKey::new(key);
        self
    }
}

/// `temperature` accepts a number, or `"none"`/`"off"`/`false` to leave it
/// out of requests (some API versions reject it).
fn temperature_setting<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f32>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<f32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number between 0 and 1, or \"none\"")
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if (0.0..=1.0).contains(&v) {
                Ok(Some(v as f32))
            } else {
                Err(E::custom(format!("temperature {v} is outside 0..=1")))
            }
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.visit_f64(v as f64)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_f64(v as f64)
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v {
                Err(E::custom(
                    "temperature = true is not a number; use a number or \"none\"",
                ))
            } else {
                Ok(None)
            }
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "none" | "off" | "" => Ok(None),
                other => other
                    .parse::<f64>()
                    .map_err(|_| {
                        E::custom(format!("temperature \"{v}\" is not a number or \"none\""))
                    })
                    .and_then(|n| self.visit_f64(n)),
            }
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(V)
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_prints() {
        let cfg = ClaudeConfig::default().with_api_key("sk-ant-secret-123");
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("sk-ant-secret-123"), "{dbg}");
        assert!(dbg.contains("ApiKey(***)"));
        let key = cfg.api_key.clone().unwrap();
        assert_eq!(format!("{key}"), "ApiKey(***)");
        assert_eq!(key.expose_secret(), "sk-ant-secret-123");
        assert_eq!(key.scrub("x sk-ant-secret-123 y"), "x *** y");
        assert!(ApiKey::new("  ").is_none());
    }

    #[test]
    fn reads_toml_table_and_ignores_api_key() {
        let t: toml::Table = toml::from_str(
            "model = \"claude-haiku-4-5\"\nmax_tokens = 100\ntemperature = 0\napi_key = \"sk-file\"\nprompts_dir = \"p\"\ntimeout_s = 5\n",
        )
        .unwrap();
        let cfg: ClaudeConfig = t.try_into().unwrap();
        assert_eq!(cfg.model, "claude-haiku-4-5");
        assert_eq!(cfg.max_tokens, 100);
        assert_eq!(cfg.temperature, Some(0.0));
        assert_eq!(cfg.timeout_s, 5);
        assert!(cfg.api_key.is_none());
        assert_eq!(cfg.base_url, DEFAULT_BASE_URL);
        assert!(!cfg.structured_output);
        assert!(ClaudeConfig::default().temperature.is_none());

        let t: toml::Table = toml::from_str("temperature = \"none\"").unwrap();
        let cfg: ClaudeConfig = t.try_into().unwrap();
        assert_eq!(cfg.temperature, None);
        let t: toml::Table = toml::from_str("temperature = 0.7").unwrap();
        let cfg: ClaudeConfig = t.try_into().unwrap();
        assert!((cfg.temperature.unwrap() - 0.7).abs() < 1e-6);
        let t: toml::Table = toml::from_str("temperature = 3").unwrap();
        assert!(t.try_into::<ClaudeConfig>().is_err());
    }

    #[test]
    fn reads_json_too() {
        let cfg: ClaudeConfig = serde_json::from_value(
            serde_json::json!({"model": "m", "temperature": null, "max_retries": 0}),
        )
        .unwrap();
        assert_eq!(cfg.model, "m");
        assert_eq!(cfg.temperature, None);
        assert_eq!(cfg.max_retries, 0);
    }
}

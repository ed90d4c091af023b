//! What the client knows about Claude models, from Anthropic's documentation
//! (summarised with sources in `shared/research/facts.md`):
//!
//! - **Sampling parameters.** The migration guide says Claude Opus 4.7 and
//!   later answer 400 to `temperature`, `top_p` or `top_k` set to a
//!   non-default value (<https://platform.claude.com/docs/en/about-claude/models/migration-guide>).
//!   The client sends them only when the user configured them, and refuses
//!   early (with a message saying which setting to remove) for those models.
//! - **Context window.** The models overview lists 200,000 tokens of context
//!   for the current models (<https://platform.claude.com/docs/en/about-claude/models/overview>);
//!   larger windows are opt-in. `[claude] context_window` overrides it.

/// The context window assumed for a model, in tokens, when the settings
/// do not say.
pub const DEFAULT_CONTEXT_WINDOW: u64 = 200_000;

/// `(family, major, minor)` of ids like `claude-opus-4-7`,
/// `claude-sonnet-4-6-20260101` or `claude-3-5-haiku-latest`.
fn version(model: &str) -> Option<(&'static str, u32, u32)> {
    let m = model.to_ascii_lowercase();
    let family = ["opus", "sonnet", "haiku", "mythos"]
        .into_iter()
        .find(|f| m.contains(f))?;
    if family == "mythos" {
        return Some((family, 0, 0));
    }
    let nums: Vec<u32> = m
        .split(['-', '.', '@', ':'])
        .filter_map(|p| p.parse::<u32>().ok())
        .filter(|n| *n < 100) // dates and other long numbers are not versions
        .collect();
    let major = *nums.first()?;
    let minor = nums.get(1).copied().unwrap_or(0);
    Some((family, major, minor))
}

/// Does this model answer 400 to `temperature`, `top_p` or `top_k`?
/// Claude Opus 4.7 and later, Mythos, and any Claude model of generation 5
/// or later (the migration guide describes the change as applying from Opus
/// 4.7 on; later generations are assumed to keep it).
pub fn refuses_sampling(model: &str) -> bool {
    match version(model) {
        Some(("mythos", _, _)) => true,
        Some(("opus", major, minor)) => (major, minor) >= (4, 7),
        Some((_, major, _)) => major >= 5,
        None => false,
    }
}

/// The context window for `model`, unless `configured`.
pub fn context_window(model: &str, configured: Option<u64>) -> u64 {
    let _ = model; // every current model: 200k by default (see the module docs)
    configured
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_CONTEXT_WINDOW)
}

/// A conservative (high) local token estimate for `text`, for when the
/// token-counting endpoint is not available: Claude's tokenizer averages
/// about 3.5-4 characters per token for English and about one token per
/// CJK character, so this counts 1 token per 3 ASCII bytes and 1 per other
/// character.
pub fn estimate_tokens(text: &str) -> u64 {
    let mut ascii = 0u64;
    let mut other = 0u64;
    for c in text.chars() {
        if c.is_ascii() {
            ascii += 1;
        } else {
            other += 1;
        }
    }
    ascii.div_ceil(3) + other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_refused_from_opus_4_7() {
        for m in [
            "claude-opus-4-7",
            "claude-opus-4-8-20270101",
            "claude-sonnet-5",
            "claude-mythos-preview",
        ] {
            assert!(refuses_sampling(m), "{m}");
        }
        for m in [
            "claude-opus-4-6",
            "claude-sonnet-4-6",
            "claude-haiku-4-5-20251001",
            "claude-3-5-haiku-latest",
            "claude-opus-4-1",
            "my-gateway-model",
        ] {
            assert!(!refuses_sampling(m), "{m}");
        }
    }

    #[test]
    fn estimates_are_high() {
        // About 4 characters per English token: the estimate is above that.
        let en = "The checkout service returned errors for 45 minutes. ".repeat(20);
        assert!(estimate_tokens(&en) as usize * 4 > en.len());
        assert_eq!(estimate_tokens("時間軸"), 3);
        assert_eq!(context_window("claude-sonnet-4-6", None), 200_000);
        assert_eq!(context_window("x", Some(1000)), 1000);
    }
}

//! A rough cost estimate for one request.

use super::client::Usage;

/// Prices in US dollars per million tokens: (input, output).
///
/// These are **estimates** from Anthropic's public price list as of 2026 and
/// may change; the Anthropic Console is the source of truth. Cache writes
/// (5-minute) cost 1.25× the input price, cache reads 0.1× the input price.
fn prices(model: &str) -> Option<(f64, f64)> {
    let m = model.to_ascii_lowercase();
    if m.contains("opus") {
        // Opus 4.5 and later are cheaper than Opus 3 / 4 / 4.1.
        let old = m.contains("claude-3")
            || m.contains("opus-4-0")
            || m.contains("opus-4-1")
            || m.ends_with("opus-4");
        Some(if old { (15.0, 75.0) } else { (5.0, 25.0) })
    } else if m.contains("sonnet") {
        Some((3.0, 15.0))
    } else if m.contains("haiku") {
        Some(if m.contains("claude-3-haiku") {
            (0.25, 1.25)
        } else if m.contains("claude-3-5-haiku") {
            (0.8, 4.0)
        } else {
            (1.0, 5.0)
        })
    } else {
        None
    }
}

/// Estimated cost in US dollars of a request with this `usage`, or `None`
/// for a model not in the table. Prices are estimates as of 2026 and may
/// change; see [`prices`].
pub fn estimate_cost_usd(model: &str, usage: &Usage) -> Option<f64> {
    let (input, output) = prices(model)?;
    let per = |tokens: u64, price: f64| tokens as f64 * price / 1_000_000.0;
    Some(
        per(usage.input_tokens, input)
            + per(usage.cache_creation_input_tokens, input * 1.25)
            + per(usage.cache_read_input_tokens, input * 0.1)
            + per(usage.output_tokens, output),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sonnet_haiku_opus() {
        let u = Usage {
            input_tokens: 1_000_000,
            output_tokens: 1_000_000,
            cache_creation_input_tokens: 1_000_000,
            cache_read_input_tokens: 1_000_000,
        };
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
        assert!(close(
            estimate_cost_usd("claude-sonnet-4-6", &u),
            3.0 + 15.0 + 3.75 + 0.3
        ));
        assert!(close(
            estimate_cost_usd("claude-haiku-4-5", &u),
            1.0 + 5.0 + 1.25 + 0.1
        ));
        assert!(close(
            estimate_cost_usd("claude-opus-4-7", &u),
            5.0 + 25.0 + 6.25 + 0.5
        ));
        assert!(close(
            estimate_cost_usd("claude-opus-4-1", &u),
            15.0 + 75.0 + 18.75 + 1.5
        ));
        assert_eq!(estimate_cost_usd("gpt-x", &u), None);
    }
}

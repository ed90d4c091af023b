//! Claude Messages API client: configuration, an incremental SSE parser, a
//! streaming client with retries and cancellation, request bodies built for
//! prompt caching, and a cost estimate.
//!
//! ```no_run
//! # async fn demo() -> Result<(), postmortem_claude::ClaudeError> {
//! use postmortem_claude::*;
//! let cfg = ClaudeConfig::from_env_defaults();
//! let client = ClaudeClient::new(cfg.clone())?;
//! let inputs = vec![("incident.yaml".to_string(), "1 | title: …".to_string())];
//! let body = build_body(&cfg, &PromptParts { system: "You help SREs.", inputs: &inputs, ask: "Draft the summary.", schema: None, schema_text: None });
//! let cancel = tokio_util::sync::CancellationToken::new();
//! let outcome = client.stream_message(&body, &cancel, &mut |p| eprintln!("{p:?}")).await?;
//! println!("{}", strip_fences(&outcome.text));
//! # Ok(()) }
//! ```

mod client;
mod config;
mod cost;
mod error;
pub mod models;
mod request;
pub mod sse;

pub use client::{
    count_tokens_url, messages_url, ClaudeClient, MessageOutcome, StreamProgress, Usage,
    ANTHROPIC_VERSION,
};
pub use config::{ApiKey, ClaudeConfig, DEFAULT_BASE_URL, DEFAULT_MODEL};
pub use cost::estimate_cost_usd;
pub use error::{ApiErrorInfo, ClaudeError, MAX_RETRY_AFTER_S};
pub use request::{
    build_body, render_inputs, strip_fences, wire_bytes, PromptParts, ORDERED_SCHEMA_KEY,
};
pub use sse::{SseError, SseEvent, SseParser};

//! The postmortem-lsp engine: text in, a parsed document with byte spans,
//! resolved inputs, citations and diagnostics out. Nothing here knows about
//! LSP, HTTP or the terminal: the binary (`postmortem-lsp`) translates.
//!
//! Data flow: [`syntax`] (error-tolerant YAML with spans, its own crate) →
//! [`analysis`] (inputs, citations, rules) → [`diagnostic::Diagnostic`]s with
//! byte spans, converted to positions at the edges by [`text::LineIndex`].
//! The editor computations (hover, completion, outline, navigation, lens,
//! inlay hints) live in [`ide`]; quick-fix edits in [`fixes`]; SLO arithmetic
//! in [`slo`]; redaction of secrets before drafting in [`privacy`].
pub use postmortem_syntax as syntax;
pub use postmortem_syntax::text;

pub mod analysis;
pub mod citation;
pub mod config;
pub mod detect;
pub mod diagnostic;
pub mod docs;
pub mod fixes;
pub mod i18n;
pub mod ide;
pub mod inputs;
pub(crate) mod literals;
pub mod privacy;
pub mod query;
pub mod rules;
pub mod schema;
pub mod schema_json;
pub mod slo;

//! postmortem-lsp: an engine that checks blameless incident postmortems, with
//! thin layers for the language server (`lsp`) and the command line (`cli`).
//!
//! Data flow: [`syntax`] (error-tolerant YAML with spans) → [`analysis`]
//! (inputs, citations, rules) → [`diagnostic::Diagnostic`]s with byte spans,
//! converted to positions at the edges by [`text::LineIndex`].
pub mod analysis;
pub mod citation;
pub mod claude;
pub mod cli;
pub mod config;
pub mod detect;
pub mod diagnostic;
pub mod docs;
pub mod draft;
pub mod i18n;
pub mod ide;
pub mod inputs;
pub mod lsp;
pub mod rules;
pub mod schema;
pub mod syntax;
pub mod testing;
pub mod text;

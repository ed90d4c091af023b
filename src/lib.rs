//! postmortem-lsp: an engine that checks blameless incident postmortems, with
//! thin layers for the language server (`lsp`) and the command line (`cli`).
pub mod schema;
pub mod syntax;
pub mod text;
pub mod claude;
pub mod rules;
pub mod testing;

//! postmortem-lsp, the binary's crate: the language server (`lsp`) and the
//! command line (`cli`), thin layers over the engine (`postmortem-engine`),
//! drafting (`postmortem-draft`) and the Claude client (`postmortem-claude`).
//! Only this crate knows about LSP types and the terminal.
pub mod cli;
pub mod lsp;

// The lower crates' modules under their usual names.
pub(crate) use postmortem_claude as claude;
pub(crate) use postmortem_draft as draft;
pub(crate) use postmortem_engine::{
    analysis, config, detect, diagnostic, docs, ide, inputs, privacy, rules, schema,
};
pub(crate) use postmortem_render as render;
pub(crate) use postmortem_syntax::{self as syntax, text};

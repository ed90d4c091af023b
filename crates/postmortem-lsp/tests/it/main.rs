//! The integration tests, one binary (linking fifteen test binaries took most
//! of a test build on two cores). Each module is one area; `common` holds the
//! shared LSP client, typing loop and fake-Claude harness.

mod common;

mod blameless_corpus;
mod blameless_real;
mod claude_client;
mod cli;
mod docs_in_sync;
mod draft_cli;
mod draft_lsp;
mod draft_privacy;
mod fixtures;
mod hardening_engine;
mod hardening_faults;
mod hardening_inputs;
mod hardening_rpc;
mod lsp;
mod lsp_ide;
mod lsp_worker;
mod render;
mod review;
mod tidy;
mod yaml_cases;

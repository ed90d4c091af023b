//! Test support: a fake Anthropic server (being written).

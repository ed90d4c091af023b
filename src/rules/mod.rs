//! The rules: one file per rule, registered in [`REGISTRY`].
pub mod blameless;

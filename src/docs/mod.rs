//! Field and enum documentation, in English and 繁體中文, from data files.
//! (Filled in by the editor-intelligence work; the CLI and JSON Schema use it.)

/// The one-line summary of a field, if documented.
pub fn field_summary(_path: &str) -> Option<String> {
    None
}

//! Generated documentation stays in sync with the code it comes from.

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let want = postmortem_lsp::cli::explain::rules_markdown();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is out of date: run `cargo run -- explain --all --markdown > docs/rules.md`"
    );
}

#[test]
fn every_rule_has_a_documented_section() {
    for r in postmortem_engine::rules::REGISTRY {
        let m = r.meta();
        assert!(m.code.starts_with("PM") && m.code.len() == 5, "{}", m.code);
        assert!(
            m.doc_text().lines().count() >= 3,
            "{} needs a doc comment with an explanation",
            m.code
        );
        assert!(postmortem_lsp::cli::explain::rule_markdown(*r)
            .contains(&format!("## {} {}", m.code, m.name)));
    }
}

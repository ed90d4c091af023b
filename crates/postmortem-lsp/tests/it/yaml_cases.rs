//! Each user-visible YAML case from issue 11, through the engine's `analyze`
//! (what `check` and the language server run): which PM001 findings appear,
//! where, and what data was read. Plus `export` through the built binary.

use postmortem_engine::analysis::{analyze, Analysis, Options};
use postmortem_engine::config::Config;
use postmortem_engine::diagnostic::Locale;
use postmortem_syntax::Node;

fn check(text: &str) -> Analysis {
    let cfg = Config::default();
    let o = Options::new(&cfg);
    analyze(text.to_string(), &o)
}

fn check_zh(text: &str) -> Analysis {
    let cfg = Config::default();
    let mut o = Options::new(&cfg);
    o.locale = Some(Locale::ZhTw);
    analyze(text.to_string(), &o)
}

/// (line, message) of every PM001 finding.
fn pm001(a: &Analysis) -> Vec<(usize, String)> {
    a.diagnostics
        .iter()
        .filter(|d| d.code == "PM001")
        .map(|d| {
            (
                a.text[..d.span.start].matches('\n').count() + 1,
                d.message.clone(),
            )
        })
        .collect()
}

fn value<'a>(a: &'a Analysis, key: &str) -> Option<&'a str> {
    a.parsed.root.as_ref()?.str_value_of(key)
}

fn root(a: &Analysis) -> &Node {
    a.parsed.root.as_ref().expect("root")
}

#[test]
fn trailing_spaces_on_a_continuation_line_keep_the_whole_value() {
    let t = "incident_ref: INC-1\nblameless_summary: On 2026-04-09 the checkout API\n  failed. A runtime config change shrank the pool  \n  from 40 to 12 connections.\n";
    let a = check(t);
    assert_eq!(pm001(&a), vec![]);
    assert_eq!(
        value(&a, "blameless_summary"),
        Some("On 2026-04-09 the checkout API failed. A runtime config change shrank the pool from 40 to 12 connections.")
    );
}

#[test]
fn a_tab_inside_block_scalar_text_is_text() {
    for t in [
        "trace: |\n  at main()\n  \tat pool.get()\n\tnext: x\n",
        "trace: >\n  at main()\n  \tat pool.get()\n",
        "trace: \"at main()\n  \tat pool.get()\"\n",
    ] {
        let a = check(t);
        let found = pm001(&a);
        // the only tab that indents is in the first case's last line
        assert!(
            found.iter().all(|(l, m)| *l == 4 && m.contains("tab")),
            "{t:?}: {found:?}"
        );
        assert!(
            value(&a, "trace").is_some_and(|v| v.contains("at pool.get()")),
            "{t:?}"
        );
    }
    let a = check("trace: |\n  at main()\n  \tat pool.get()\n");
    assert_eq!(value(&a, "trace"), Some("at main()\n\tat pool.get()\n"));
}

#[test]
fn text_after_a_block_scalar_header_is_reported_not_dropped() {
    let a = check("threshold: > 10% for 10 minutes\nowner: team\n");
    let f = pm001(&a);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, 1);
    assert!(
        f[0].1.contains("`|` or `>`") && f[0].1.contains("quote"),
        "{f:?}"
    );
    assert_eq!(value(&a, "owner"), Some("team"));
}

#[test]
fn escapes_unknown_ones_are_kept_and_reported_valid_ones_decoded() {
    let a = check("path: \"C:\\Users\\ops\\logs\"\nlatency: \"\\d+ms\"\n");
    let f = pm001(&a);
    // `\U` needs eight hex digits, `\o` and `\l` are no escapes: three findings
    assert_eq!(f.len(), 3, "one finding per unknown escape: {f:?}");
    assert!(f.iter().all(|(_, m)| m.contains("backslash")));
    assert_eq!(value(&a, "path"), Some("C:\\Users\\ops\\logs"));
    assert_eq!(value(&a, "latency"), Some("\\d+ms"));
    let a = check("v: \"\\a\\b\\e\\f\\v\\\tx\"\n");
    assert_eq!(pm001(&a), vec![]);
    assert_eq!(value(&a, "v"), Some("\u{7}\u{8}\u{1b}\u{c}\u{b}\tx"));
}

#[test]
fn stray_text_or_a_list_before_the_first_key_is_reported() {
    let a = check("Checkout outage postmortem\nincident_ref: INC-1\n");
    assert_eq!(pm001(&a).iter().map(|f| f.0).collect::<Vec<_>>(), vec![1]);
    assert_eq!(value(&a, "incident_ref"), Some("INC-1"));
    let a = check("- one\n- two\nincident_ref: INC-1\n");
    let f = pm001(&a);
    assert!(
        f.iter().any(|(l, m)| *l == 1 && m.contains("list item")),
        "{f:?}"
    );
}

#[test]
fn a_second_document_is_reported_at_its_marker() {
    let t = "incident_ref: INC-1\n---\nroot_cause:\n  summary: x\n";
    let a = check(t);
    let f = pm001(&a);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, 2);
    assert!(f[0].1.contains("`---`"), "{f:?}");
    let zh = check_zh(t);
    assert!(pm001(&zh)[0].1.contains("`---`") && pm001(&zh)[0].1.contains("文件"));
    // `...` ends the document; text after it is reported where it starts
    let a = check("incident_ref: INC-1\n...\n\nroot_cause: x\n");
    assert_eq!(pm001(&a).iter().map(|f| f.0).collect::<Vec<_>>(), vec![4]);
}

#[test]
fn a_wrapped_item_in_a_flow_list_stays_one_item() {
    let a = check("tags: [a long item\n  continued, b]\n");
    assert_eq!(pm001(&a), vec![]);
    let tags: Vec<&str> = root(&a)
        .get("tags")
        .and_then(Node::as_seq)
        .expect("list")
        .iter()
        .filter_map(Node::str_value)
        .collect();
    assert_eq!(tags, vec!["a long item continued", "b"]);
}

#[test]
fn a_comment_indented_less_than_block_text_is_not_text() {
    let a = check("notes: |\n    the pool was resized\n  # reviewer: blame-free wording checked\nowner: team\n");
    assert_eq!(pm001(&a), vec![]);
    assert_eq!(value(&a, "notes"), Some("the pool was resized\n"));
}

#[test]
fn block_scalar_details_whitespace_lines_keep_at_eof_relative_indicator_bom() {
    // spaces beyond the indentation of a whitespace-only line are text
    let a = check("a: |\n  x\n    \n  y\n");
    assert_eq!(value(&a, "a"), Some("x\n  \ny\n"));
    // `|+` at the end of the file keeps its line breaks
    let a = check("a: |+\n  x\n\n");
    assert_eq!(value(&a, "a"), Some("x\n\n"));
    // `|2` is relative to the parent's indentation
    let a = check("m:\n  a: |2\n      x\n");
    let m = root(&a).get("m").expect("m");
    assert_eq!(m.str_value_of("a"), Some("  x\n"));
    // a byte order mark is not part of the first key
    let a = check("\u{feff}incident_ref: INC-1\n");
    assert_eq!(pm001(&a), vec![]);
    assert_eq!(value(&a, "incident_ref"), Some("INC-1"));
}

#[test]
fn anchors_aliases_and_tags_are_reported_where_they_are_and_the_rest_is_read() {
    let a = check("base: &b value\ncopy: *b\nn: !!str 42\nlater: fine\n");
    let f = pm001(&a);
    assert_eq!(
        f.iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![1, 2, 3],
        "{f:?}"
    );
    assert!(f[0].1.contains("Anchors") && f[1].1.contains("Aliases") && f[2].1.contains("Tags"));
    assert_eq!(value(&a, "base"), Some("value"));
    assert_eq!(value(&a, "n"), Some("42"));
    assert_eq!(value(&a, "later"), Some("fine"));
}

#[test]
fn colon_in_value_indented_more_and_stray_item_are_specific_in_chinese() {
    let a = check_zh("summary: the cause: a config change\nroot_cause:\n  a: 1\n    b: 2\nowner:\n  x: 1\n  - y\n");
    let f = pm001(&a);
    assert!(
        f.iter()
            .any(|(l, m)| *l == 1 && m.contains("引號") && m.contains("`: `")),
        "{f:?}"
    );
    assert!(
        f.iter().any(|(l, m)| *l == 4 && m.contains("縮排更多")),
        "{f:?}"
    );
    assert!(
        f.iter().any(|(l, m)| *l == 7 && m.contains("清單項目")),
        "{f:?}"
    );
    assert!(
        f.iter().all(|(_, m)| !m.contains("請檢查縮排")),
        "no generic advice: {f:?}"
    );
}

#[test]
fn export_prints_json_in_document_order_with_core_schema_and_exit_codes() {
    let dir = std::env::temp_dir().join(format!("pm-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let ok = dir.join("ok.yaml");
    std::fs::write(&ok, "zeta: 1\nalpha: [true, ~, 2.5, \"3\", x]\n").expect("write");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "a: 1\nb: \"\\q\"\n").expect("write");
    let bin = env!("CARGO_BIN_EXE_postmortem-lsp");
    let o = std::process::Command::new(bin)
        .args(["export"])
        .arg(&ok)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.find("zeta") < out.find("alpha"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        v,
        serde_json::json!({"zeta": 1, "alpha": [true, null, 2.5, "3", "x"]})
    );
    let o = std::process::Command::new(bin)
        .args(["export", "--format", "json"])
        .arg(&bad)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.yaml:2:") && err.contains("PM001"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON still printed");
    assert_eq!(v["a"], serde_json::json!(1));
    let o = std::process::Command::new(bin)
        .args(["export"])
        .arg(dir.join("missing.yaml"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.yaml"));
    // listed in --help, with its own --help
    let o = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&o.stdout).contains("export"));
    let o = std::process::Command::new(bin)
        .args(["export", "--help"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("core schema"));
    let _ = std::fs::remove_dir_all(&dir);
}

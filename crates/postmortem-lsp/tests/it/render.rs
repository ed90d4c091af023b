//! `render`: snapshots of the example as HTML and Markdown, escaping of
//! hostile text, unfinished documents, computed figures, the CLI and the
//! `postmortem/render` request.
//!
//! Snapshots live in crates/postmortem-lsp/tests/snapshots/render/; after an intended change,
//! regenerate them with `UPDATE_SNAPSHOTS=1 cargo test -p postmortem-lsp --test it render::` and
//! review the diff.

use crate::common::{workspace, Client};
use postmortem_engine::analysis::{analyze, Analysis, Options};
use postmortem_engine::config::Config;
use postmortem_engine::diagnostic::Locale;
use postmortem_render::{self as render, Format};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The repository's root (examples/ live there).
fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// This crate's folder (tests/fixtures and tests/snapshots live there).
fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn analysis_of(path: &Path) -> Analysis {
    let text = std::fs::read_to_string(path).expect("read");
    let cfg = Config::default();
    let mut o = Options::new(&cfg);
    o.path = Some(path);
    o.root = path.parent();
    analyze(text, &o)
}

fn render_file(path: &Path, format: Format) -> String {
    render::render(&analysis_of(path), format, &render::Options::default()).text
}

/// Compares with the stored snapshot (or writes it when UPDATE_SNAPSHOTS is set).
fn snapshot(name: &str, actual: &str) {
    let p = here().join("tests/snapshots/render").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(p.parent().expect("dir")).expect("mkdir");
        std::fs::write(&p, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&p)
        .unwrap_or_else(|_| panic!("no snapshot {}; run with UPDATE_SNAPSHOTS=1", p.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from its snapshot at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_SNAPSHOTS=1 to accept)",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

fn example() -> PathBuf {
    repo().join("examples/checkout-outage/postmortem.yaml")
}

#[test]
fn example_html_snapshot() {
    let html = render_file(&example(), Format::Html);
    snapshot("checkout-outage.html", &html);
    // What a reader needs is there: title, chart, every section, quoted evidence.
    assert!(html.contains("<h1>INC-2026-0412"));
    assert!(html.contains("<svg class=\"timeline-chart\""));
    assert!(html.contains("<title id=\"tl-title\">") && html.contains("<desc id=\"tl-desc\">"));
    for id in [
        "summary",
        "impact",
        "timeline",
        "root-cause",
        "contributing-factors",
        "went-well",
        "went-wrong",
        "action-items",
        "prevention",
        "systemic-changes",
        "decisions",
        "out-of-scope",
        "verify",
        "evidence",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\"")),
            "section {id}"
        );
    }
    // [chat L13] quotes line 13 of chat.log
    let chat =
        std::fs::read_to_string(repo().join("examples/checkout-outage/chat.log")).expect("chat");
    let line13 = chat.lines().nth(12).expect("line 13");
    assert!(line13.contains("FIRING CheckoutErrorRateHigh"));
    assert!(html.contains("chat.log L13</span>"));
    assert!(
        html.contains("FIRING CheckoutErrorRateHigh: checkout 5xx ratio 12.6% &gt; 10% for 10m")
    );
    // marked: the unattributed claim, the TODO and the low-confidence factor
    assert!(html.contains("<mark class=\"unattributed\">"));
    assert!(html.contains(
        "<mark class=\"todo\">TODO: effort estimate from the platform-config team</mark>"
    ));
    assert!(html.contains("badge conf conf-L"));
    // no script and no remote anything
    assert!(!html.to_lowercase().contains("<script"));
    assert!(
        !html.contains("http://")
            || html
                .matches("http://")
                .all(|_| html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    );
    assert!(!html.contains("https://"));
    assert!(
        !html.contains("class=\"banner\""),
        "the example is finished"
    );
}

#[test]
fn example_markdown_snapshot() {
    let md = render_file(&example(), Format::Markdown);
    snapshot("checkout-outage.md", &md);
    assert!(md.starts_with("# Postmortem INC-2026-0412"));
    assert!(md.contains("```mermaid\ntimeline\n"));
    assert!(md.contains("| Time (UTC) | Event |"));
    assert!(md.contains("| ID | Action | Owner | Due | Severity | Category | Success criteria |"));
    // every footnote reference has its definition, and the reverse
    let refs: std::collections::BTreeSet<&str> = md
        .match_indices("[^")
        .filter_map(|(i, _)| md[i..].split_once(']').map(|(r, _)| r))
        .collect();
    for r in &refs {
        assert!(md.contains(&format!("\n{r}]: ")), "{r} has no definition");
    }
    assert!(md.contains("**TODO: effort estimate from the platform-config team**"));
}

#[test]
fn traditional_chinese_from_the_content() {
    let p = here().join("tests/fixtures/zh-tw/postmortem.yaml");
    let a = analysis_of(&p);
    assert_eq!(render::content_locale(&a), Locale::ZhTw);
    let md = render::render(&a, Format::Markdown, &render::Options::default()).text;
    snapshot("zh-tw.md", &md);
    assert!(md.starts_with("# 事後回顧 INC-2026-0520"));
    assert!(md.contains("## 根因:五個為什麼"));
    let html = render::render(&a, Format::Html, &render::Options::default()).text;
    assert!(html.contains("<html lang=\"zh-Hant-TW\">"));
    // --locale overrides the content
    let en = render::render(
        &a,
        Format::Markdown,
        &render::Options {
            locale: Some(Locale::En),
            ..Default::default()
        },
    );
    assert!(en.text.contains("## Root cause: five whys"));
}

const HOSTILE_CHAT: &str = "[14:00] mallory: <script>alert(1)</script>\n[14:01] bot: <img src=x onerror=alert(2)> & \"quotes\" ]]> -->\n";

fn hostile_doc() -> String {
    "incident_ref: \"INC-<b>1</b>\"\ninputs:\n  chat: chat.log\ntimeline:\n  - at: 2026-04-09T14:00:00Z\n    event: \"<script>alert(1)</script> posted [chat L1]\"\n    kind: impact_start\n    source: \"[chat L1-L2]\"\nblameless_summary: \"Text with </style><script>alert(3)</script> and a `code` | pipe [x](javascript:alert(4))\"\nwhat_went_well:\n  - \"<svg onload=alert(5)> [chat L2]\"\n".to_string()
}

#[test]
fn hostile_text_is_shown_as_text() {
    let ws = workspace(
        "render-xss",
        &[
            ("chat.log", HOSTILE_CHAT),
            ("postmortem.yaml", &hostile_doc()),
        ],
    );
    let a = analysis_of(&ws.join("postmortem.yaml"));
    let html = render::render(&a, Format::Html, &render::Options::default()).text;
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("<img"));
    assert!(!lower.contains("<svg onload"));
    assert!(!lower.contains("<b>1"));
    assert!(!lower.contains("javascript:alert(4))\""), "no link is made");
    // the chat line is quoted, escaped, in the footnote and in the event
    assert!(html.contains("mallory: &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; posted"));
    assert!(html.contains("&lt;/style&gt;&lt;script&gt;alert(3)"));
    // the only style element is ours, closed once
    assert_eq!(lower.matches("</style>").count(), 1);

    let md = render::render(&a, Format::Markdown, &render::Options::default()).text;
    let lower = md.to_lowercase();
    assert!(
        !lower.contains("<script") && !lower.contains("<img") && !lower.contains("<svg"),
        "{md}"
    );
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        md.contains("\\[x\\](javascript:alert(4))"),
        "no Markdown link is made: {md}"
    );
    assert!(md.contains("\\`code\\` \\| pipe"));
    let _ = std::fs::remove_dir_all(&ws);
}

#[test]
fn unfinished_documents_render_with_a_banner() {
    let p = here().join("tests/fixtures/broken.postmortem.yaml");
    let a = analysis_of(&p);
    let errors = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == postmortem_engine::diagnostic::Severity::Error)
        .count();
    assert!(errors > 0);
    let r = render::render(&a, Format::Html, &render::Options::default());
    assert_eq!(r.errors, errors);
    assert!(r.text.contains("<aside class=\"banner\""));
    assert!(r.text.contains(&format!("{errors} error")));
    let first = a
        .diagnostics
        .iter()
        .find(|d| d.severity == postmortem_engine::diagnostic::Severity::Error)
        .expect("an error");
    assert!(r.text.contains(first.code));
    let md = render::render(&a, Format::Markdown, &render::Options::default()).text;
    assert!(md.contains("> [!WARNING]"));
    // An empty document still renders (every section says it is not written).
    let cfg = Config::default();
    let empty = analyze(String::new(), &Options::new(&cfg));
    let html = render::render(&empty, Format::Html, &render::Options::default()).text;
    assert!(html.contains("Untitled incident") && html.contains("Not written yet."));
}

#[test]
fn missing_figures_are_computed_from_the_timeline_and_marked() {
    let doc = "incident_ref: INC-9\ntimeline:\n  - at: 2026-04-09T14:02:00Z\n    event: errors start\n    kind: impact_start\n  - at: 2026-04-09T14:19:00Z\n    event: page\n    kind: detected\n  - at: 2026-04-09T14:23:00Z\n    event: ack\n    kind: acknowledged\n  - at: 2026-04-09T14:47:00Z\n    event: fixed\n    kind: mitigated\nslo_impact:\n  slo: 99.9% over 30 days\n  mtta: 10m\n";
    let cfg = Config::default();
    let a = analyze(doc.to_string(), &Options::new(&cfg));
    let html = render::render(&a, Format::Html, &render::Options::default()).text;
    // alert latency 17m and MTTR 45m computed; budget at most 45/43.2 = 104.2%
    assert!(
        html.contains("<dd class=\"value computed\">17m</dd>"),
        "{html}"
    );
    assert!(html.contains("<dd class=\"value computed\">45m</dd>"));
    assert!(html.contains("<dd class=\"value computed\">at most 104.2%</dd>"));
    assert!(html.matches("badge computed").count() >= 3);
    // the written MTTA (10m) disagrees with the timeline (4m): both shown
    assert!(html.contains("<dd class=\"value\">10m</dd>"));
    assert!(html.contains("the timeline says 4m"));
    let md = render::render(&a, Format::Markdown, &render::Options::default()).text;
    assert!(
        md.contains("| Alert latency | 17m *(computed: Impact start → Detected)* |"),
        "{md}"
    );
}

#[test]
fn cli_renders_to_stdout_and_to_a_file() {
    let bin = env!("CARGO_BIN_EXE_postmortem-lsp");
    let out = std::process::Command::new(bin)
        .args(["render", "--format", "md"])
        .arg(example())
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# Postmortem INC-2026-0412"));
    let dir = workspace("render-cli", &[]);
    let target = dir.join("out.html");
    let out = std::process::Command::new(bin)
        .args(["render", "--locale", "zh-TW", "-o"])
        .arg(&target)
        .arg(example())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&target).expect("written");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("lang=\"zh-Hant-TW\""));
    let help = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&help.stdout).contains("render"));
    let help = std::process::Command::new(bin)
        .args(["render", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--format") && help.contains("--output"),
        "{help}"
    );
    let bad = std::process::Command::new(bin)
        .args(["render", "--format", "pdf"])
        .arg(example())
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn server_renders_the_open_document_as_typed() {
    let ex = repo().join("examples/checkout-outage");
    let files: Vec<(String, String)> = ["report.md", "chat.log", "metrics.md", "runbook.md"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read_to_string(ex.join(f)).expect("input"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let ws = workspace("render-lsp", &refs);
    let mut c = Client::in_process();
    c.initialize(&ws, &["utf-16"], json!({}));
    let text = std::fs::read_to_string(example()).expect("example");
    let uri = c.open(&ws.join("postmortem.yaml"), &text);
    let r = c.request(
        "postmortem/render",
        json!({"textDocument": {"uri": uri}, "format": "html", "nonce": "abc123\"><x"}),
    );
    assert_eq!(r["format"], "html");
    assert_eq!(r["locale"], "en");
    assert_eq!(r["errors"], 0);
    let html = r["content"].as_str().unwrap_or("");
    assert!(
        html.contains("<style nonce=\"abc123x\">"),
        "nonce kept to letters and digits"
    );
    assert!(html.contains("script-src 'nonce-abc123x'"));
    let sections = r["sections"].as_array().cloned().unwrap_or_default();
    let timeline = sections
        .iter()
        .find(|s| s["id"] == "timeline")
        .expect("timeline section");
    assert_eq!(
        timeline["line"].as_u64(),
        text.lines()
            .position(|l| l == "timeline:")
            .map(|l| l as u64)
    );
    // An edit shows up in the next render.
    let edited = text.replace("id: INC-2026-0412", "id: INC-2026-9999");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let r = c.request(
        "postmortem/render",
        json!({"textDocument": {"uri": uri}, "format": "markdown"}),
    );
    assert_eq!(r["version"], 2);
    assert!(r["content"]
        .as_str()
        .unwrap_or("")
        .starts_with("# Postmortem INC-2026-9999"));
    let err = c.request_full(
        "postmortem/render",
        json!({"textDocument": {"uri": "file:///nope.yaml"}}),
    );
    assert!(err["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("not open"));
    c.shutdown();
    let _ = std::fs::remove_dir_all(&ws);
}

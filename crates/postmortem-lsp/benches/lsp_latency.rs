//! Drives the release binary over stdio like an editor does and reports
//! didChange → publishDiagnostics latency (p50/p95), startup time, peak
//! memory, and hover and completion round trips on the example (target: p95
//! ≤ 2 ms). Run with `cargo bench --bench lsp_latency`. Figures, not asserts.

#[path = "../tests/it/common/mod.rs"]
mod common;

use common::{file_uri, pos_of, Client};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A ~1,100-line postmortem: the example plus a long timeline.
fn big_doc(example: &str) -> String {
    let mut s = example.to_string();
    s.push_str("timeline:\n");
    let mut i = 0;
    while s.lines().count() < 1100 {
        s.push_str(&format!("  - at: 2026-04-09T14:{:02}:{:02}Z\n    event: \"Responder step {i}: 檢查 connection pool 指標 🚒 [chat L{}]\"\n    source: \"[chat L{}]\"\n", (i / 60) % 60, i % 60, 1 + i % 70, 1 + i % 70));
        i += 1;
    }
    s
}

fn session(bin: &str, dir: &Path, name: &str, text: &str, edits: usize) -> (f64, f64, f64, u64) {
    let mut c = Client::spawn(bin, &["serve"]);
    let pid = c.child.as_ref().map_or(0, |ch| ch.id());
    c.initialize(dir, &[], json!({}));
    let path = dir.join(name);
    let uri = file_uri(&path);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    c.diagnostics(&uri, 1);
    // Type into the middle of the document: insert a character, then delete it.
    let line = (text.lines().count() / 2) as u64;
    let col = text
        .lines()
        .nth(line as usize)
        .map_or(0, |l| l.encode_utf16().count()) as u64;
    let mut lat = common::type_edits(&mut c, &uri, line, col, edits);
    let rss = peak_rss_kib(pid);
    let p50 = pct(&mut lat, 0.5);
    let p95 = pct(&mut lat, 0.95);
    let p99 = pct(&mut lat, 0.99);
    c.shutdown();
    (p50, p95, p99, rss)
}

/// Hover and completion round trips (request → response) on the example, at
/// a mix of places: keys with SLO arithmetic, enum values, citations with
/// cited text, section skeletons, a new action item, paragraph previews.
/// Returns rows (label, p50, p95, p99): each method overall, then each place.
fn ide_session(
    bin: &str,
    dir: &Path,
    example: &str,
    rounds: usize,
) -> Vec<(String, f64, f64, f64)> {
    let mut c = Client::spawn(bin, &["serve"]);
    // like VS Code: snippets, markdown, documentation resolved lazily
    let caps = json!({"textDocument": {"completion": {"completionItem": {
        "snippetSupport": true, "documentationFormat": ["markdown"],
        "resolveSupport": {"properties": ["documentation", "detail"]}}}}});
    c.initialize(dir, &[], caps);
    // the example while someone types: a blank item line in action_items and
    // unfinished citations at the end
    let cut = example
        .find("\nblameless_summary:")
        .unwrap_or(example.len());
    let text = format!(
        "{}\n  {}\nwhat_went_wrong_draft:\n  - \"x [report §\n  - \"y [chat L",
        &example[..cut],
        &example[cut..]
    );
    let uri = file_uri(&dir.join("postmortem.yaml"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    c.diagnostics(&uri, 1);
    let p = |needle: &str, plus: u64| {
        let (l, ch) = pos_of(&text, needle, false);
        json!({"line": l, "character": ch + plus})
    };
    let end_of = |needle: &str| {
        let (l, ch) = pos_of(&text, needle, false);
        json!({"line": l, "character": ch + needle.encode_utf16().count() as u64})
    };
    let line_after = |needle: &str| {
        let i = text.find(needle).unwrap_or(0);
        json!({"line": text[..i + 1].matches('\n').count(), "character": 0})
    };
    // the blank line typed into action_items (two spaces, before blameless_summary)
    let blank_item = {
        let i = text.find("\n  \nblameless_summary:").unwrap_or(0);
        json!({"line": text[..i + 1].matches('\n').count(), "character": 2})
    };
    let hovers = [
        ("key with SLO arithmetic", p("error_budget_consumed_pct", 3)),
        ("mttr from the timeline", p("  mttr:", 3)),
        ("citation with cited text", p("[chat L13]", 2)),
        ("enum value", p("severity: P0", 11)),
        ("field", p("  owner: payments-team", 3)),
        ("input file", p("report: report.md", 1)),
        (
            "enum value with diagnostics",
            p("primary_cause_category: config", 25),
        ),
    ];
    let completions = [
        ("`[report §` paragraphs", end_of("x [report §")),
        ("`[chat L` lines", end_of("y [chat L")),
        ("enum values", p("severity: P0", 10)),
        ("new action item", blank_item),
        (
            "top-level sections",
            line_after("\n\ncontributing_factors:"),
        ),
    ];
    let mut rows = Vec::new();
    for (method, places) in [
        ("textDocument/hover", &hovers[..]),
        ("textDocument/completion", &completions[..]),
    ] {
        let mut all = Vec::with_capacity(rounds);
        let mut each: Vec<Vec<Duration>> = vec![Vec::new(); places.len()];
        for k in 0..(rounds + 50) {
            let (_, pos) = &places[k % places.len()];
            let t = Instant::now();
            let r = c.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": pos}),
            );
            let el = t.elapsed();
            let empty = r.is_null() || r["items"].as_array().is_some_and(Vec::is_empty);
            assert!(!empty, "{method} at {pos} returned nothing");
            if k >= 50 {
                // the first requests warm up the documentation tables
                all.push(el);
                each[k % places.len()].push(el);
            }
        }
        rows.push((
            format!("{method} (all)"),
            pct(&mut all, 0.5),
            pct(&mut all, 0.95),
            pct(&mut all, 0.99),
        ));
        for ((label, _), mut v) in places.iter().zip(each) {
            rows.push((
                format!("  {label}"),
                pct(&mut v, 0.5),
                pct(&mut v, 0.95),
                pct(&mut v, 0.99),
            ));
        }
    }
    // resolving the documentation of a completion item
    let mut res = Vec::with_capacity(rounds);
    let items: Vec<Value> = completions
        .iter()
        .filter_map(|(_, pos)| {
            let r = c.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": pos}),
            );
            r["items"].get(0).cloned()
        })
        .collect();
    for k in 0..(rounds + 50) {
        let it = &items[k % items.len()];
        let t = Instant::now();
        let r = c.request("completionItem/resolve", it.clone());
        let el = t.elapsed();
        assert!(r["label"] == it["label"], "resolve returned another item");
        if k >= 50 {
            res.push(el);
        }
    }
    rows.push((
        "completionItem/resolve (first item of each place)".into(),
        pct(&mut res, 0.5),
        pct(&mut res, 0.95),
        pct(&mut res, 0.99),
    ));
    c.shutdown();
    rows
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_postmortem-lsp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage");
    let example = std::fs::read_to_string(root.join("postmortem.yaml")).expect("example");
    let big = big_doc(&example);
    // `cargo bench --bench lsp_latency -- ide` runs only the hover/completion part
    let only_ide = std::env::args().skip(1).any(|a| a == "ide");
    if !only_ide {
        edit_latency(bin, &root, &example, &big);
    }
    println!();
    println!("Editor requests on the example over stdio (request → response, {} each, after 50 warm-up requests):", 1000);
    println!("| request | p50 ms | p95 ms | p99 ms |");
    println!("|---|---|---|---|");
    for (m, p50, p95, p99) in ide_session(bin, &root, &example, 1000) {
        println!("| {m} | {p50:.3} | {p95:.3} | {p99:.3} |");
    }
}

/// Startup time and didChange → publishDiagnostics latency.
fn edit_latency(bin: &str, root: &Path, example: &str, big: &str) {
    // startup: spawn → initialize answered
    let mut starts = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let mut c = Client::spawn(bin, &["serve"]);
        c.initialize(root, &[], json!({}));
        starts.push(t.elapsed());
        // Let the server's `workspace/configuration` request be answered before
        // `exit`: a request still awaiting its answer at `exit` keeps the
        // server from exiting (tower-lsp-server drains in-flight handlers).
        c.wait_for("workspace/configuration", |_| true);
        c.shutdown();
    }
    println!(
        "postmortem-lsp {} — didChange → publishDiagnostics over stdio (release build)",
        env!("CARGO_PKG_VERSION")
    );
    println!(
        "startup (spawn → initialize result): p50 {:.2} ms, p95 {:.2} ms",
        pct(&mut starts.clone(), 0.5),
        pct(&mut starts, 0.95)
    );
    println!("| document | lines | p50 ms | p95 ms | p99 ms | peak RSS MiB |");
    println!("|---|---|---|---|---|---|");
    // ~130 lines: the example's sections up to the first top-level key after line 125
    let small_end = example
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .filter(|&i| example[..i].lines().count() >= 125)
        .find(|&i| {
            example[i..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
        })
        .unwrap_or(example.len());
    let small = &example[..small_end];
    for (label, text, edits) in [
        ("example, first sections", small, 400),
        ("example postmortem.yaml", example, 400),
        ("generated", big, 200),
    ] {
        let (p50, p95, p99, rss) = session(bin, root, "postmortem.yaml", text, edits);
        println!(
            "| {label} | {} | {p50:.3} | {p95:.3} | {p99:.3} | {:.1} |",
            text.lines().count(),
            rss as f64 / 1024.0
        );
    }
}

//! Drives the release binary over stdio like an editor does and reports
//! didChange → publishDiagnostics latency (p50/p95), startup time, peak
//! memory, hover and completion round trips on the example (target: p95
//! ≤ 2 ms), hover in one document while typing in a multi-megabyte other
//! one, and — when yaml-language-server is installed — the same typing on
//! yaml-language-server with the card's JSON Schema and no debounce, with the
//! compute-only ratio. Run with `cargo bench -p postmortem-lsp --bench
//! lsp_latency`; `-- edit`, `-- yls`, `-- hover` or `-- ide` run one part.
//! Figures, not asserts.

#[path = "../tests/it/common/mod.rs"]
mod common;
#[path = "yls/mod.rs"]
mod yls;

use common::{file_uri, pos_of, Client};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
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

/// CPU time the server's threads have used so far (ns, from
/// /proc/PID/task/*/schedstat): unlike wall time, hardly moved by other
/// processes on a busy machine.
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
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

fn session(
    bin: &str,
    dir: &Path,
    name: &str,
    text: &str,
    edits: usize,
) -> (f64, f64, f64, u64, f64) {
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
    let cpu0 = cpu_ns(pid);
    let mut lat = common::type_edits(&mut c, &uri, line, col, edits);
    let cpu_us = (cpu_ns(pid).saturating_sub(cpu0)) as f64 / 1000.0 / edits.max(1) as f64;
    let rss = peak_rss_kib(pid);
    let p50 = pct(&mut lat, 0.5);
    let p95 = pct(&mut lat, 0.95);
    let p99 = pct(&mut lat, 0.99);
    c.shutdown();
    (p50, p95, p99, rss, cpu_us)
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
            let el = c.since(t);
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
        let el = c.since(t);
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
    // PM_LSP_BIN: another build of the server (e.g. a baseline) under the same driver.
    let bin_override = std::env::var("PM_LSP_BIN").ok();
    let bin = bin_override
        .as_deref()
        .unwrap_or(env!("CARGO_BIN_EXE_postmortem-lsp"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage");
    let example = std::fs::read_to_string(root.join("postmortem.yaml")).expect("example");
    let big = big_doc(&example);
    // `cargo bench --bench lsp_latency -- ide` runs only the hover/completion part
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| ["edit", "yls", "hover", "ide"].contains(&a.as_str()))
        .collect();
    let run = |p: &str| parts.is_empty() || parts.iter().any(|a| a == p);
    let small = common::first_sections(&example);
    if run("edit") {
        edit_latency(bin, &root, &example, &big);
    }
    if run("yls") {
        versus_yaml_language_server(
            bin,
            &root,
            &[("example, first sections", small), ("generated", &big)],
        );
    }
    if run("hover") {
        hover_while_typing(bin, &root, &example);
    }
    if !run("ide") {
        return;
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
    println!(
        "| document | lines | p50 ms | p95 ms | p99 ms | server CPU µs per edit | peak RSS MiB |"
    );
    println!("|---|---|---|---|---|---|---|");
    let small = common::first_sections(example);
    // PM_BENCH_EDITS: more edits per document, e.g. to profile the typing
    // session with `perf record` through a PM_LSP_BIN wrapper.
    let scale: usize = std::env::var("PM_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for (label, text, edits) in [
        ("example, first sections", small, 400),
        ("example postmortem.yaml", example, 400),
        ("generated", big, 200),
    ] {
        let (p50, p95, p99, rss, cpu) =
            session(bin, root, "postmortem.yaml", text, edits * scale.max(1));
        println!(
            "| {label} | {} | {p50:.3} | {p95:.3} | {p99:.3} | {cpu:.0} | {:.1} |",
            text.lines().count(),
            rss as f64 / 1024.0
        );
    }
}

/// The example plus timeline entries with long events, up to `bytes`.
fn huge_doc(example: &str, bytes: usize) -> String {
    let mut s = example.to_string();
    s.push_str("timeline:\n");
    let filler = "the connection pool stayed saturated while retries from the checkout service kept arriving; ".repeat(5);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "  - at: 2026-04-09T14:{:02}:{:02}Z\n    event: \"Responder step {i}: {filler}[chat L{}]\"\n    source: \"[chat L{}]\"\n",
            (i / 60) % 60,
            i % 60,
            1 + i % 70,
            1 + i % 70
        ));
        i += 1;
    }
    s
}

/// Hover round trips in document A (the example) while the user types in a
/// multi-megabyte document B: one character inserted or deleted in B every
/// 10 ms, five hovers in A after each. Also checks that B's diagnostics
/// arrive for its last version and that no older version is published after
/// a newer one.
fn hover_while_typing(bin: &str, root: &Path, example: &str) {
    println!();
    println!("Hover in document A (the example) while typing in document B (one edit every 10 ms, 5 hovers in A after each; request → response):");
    println!("| document B | bytes | lines | edits | hover p50 ms | hover p95 ms | hover max ms | B's diagnostics published (versions) | last version published |");
    println!("|---|---|---|---|---|---|---|---|---|");
    // The largest document that is analysed, and the 5 MB one (over
    // the 4 MiB limit: refused with one diagnostic, edits still applied).
    for (label, bytes) in [
        (
            "3.9 MB (analysed: under the 4 MiB limit)",
            4 * 1024 * 1024 - 64 * 1024,
        ),
        ("5 MB (refused: over the 4 MiB limit)", 5 * 1024 * 1024),
    ] {
        let b_text = huge_doc(example, bytes);
        let mut c = Client::spawn(bin, &["serve"]);
        c.initialize(root, &[], json!({}));
        let a_uri = c.open(&root.join("postmortem.yaml"), example);
        c.diagnostics(&a_uri, 1);
        let b_uri = file_uri(&root.join("big.postmortem.yaml"));
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": b_uri, "languageId": "yaml", "version": 1, "text": b_text}}),
        );
        c.diagnostics(&b_uri, 1);
        c.seen.clear();
        let (l, ch) = pos_of(example, "severity: P0", false);
        let hover_at = json!({"line": l, "character": ch + 11});
        let line = (b_text.lines().count() / 2) as u64;
        let col = b_text
            .lines()
            .nth(line as usize)
            .map_or(0, |l| l.encode_utf16().count()) as u64;
        // LSP_LATENCY_HOVER_EDITS: fewer edits (a server that analyses in the
        // handler takes seconds per edit here)
        let edits: usize = std::env::var("LSP_LATENCY_HOVER_EDITS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(150);
        let mut lat = Vec::new();
        let mut published: Vec<i64> = Vec::new();
        let collect = |c: &mut Client, published: &mut Vec<i64>| {
            for m in c.seen.drain(..) {
                if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == b_uri {
                    published.push(m["params"]["version"].as_i64().unwrap_or(-1));
                }
            }
        };
        for k in 0..edits {
            let v = 2 + k as i64;
            let end = if k % 2 == 0 { col } else { col + 1 };
            let text = if k % 2 == 0 { "x" } else { "" };
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": b_uri, "version": v}, "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}}, "text": text}]}),
            );
            for _ in 0..5 {
                let t = Instant::now();
                let r = c.request(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": a_uri}, "position": hover_at}),
                );
                lat.push(c.since(t));
                assert!(!r.is_null(), "hover in A returned nothing");
            }
            collect(&mut c, &mut published);
            std::thread::sleep(Duration::from_millis(10));
        }
        let last = 1 + edits as i64;
        // The last version may already have been published (and collected)
        // during the last round of hovers: wait only if it was not.
        collect(&mut c, &mut published);
        if !published.contains(&last) {
            c.diagnostics(&b_uri, last);
            published.push(last);
            collect(&mut c, &mut published);
        }
        let ordered = published.windows(2).all(|w| w[0] < w[1]);
        assert!(
            ordered,
            "an older version of B was published after a newer one: {published:?}"
        );
        let max = lat.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        println!(
            "| {label} | {} | {} | {edits} | {:.3} | {:.3} | {max:.1} | {} of {edits} | {} |",
            b_text.len(),
            b_text.lines().count(),
            pct(&mut lat.clone(), 0.5),
            pct(&mut lat, 0.95),
            published.len(),
            published.last().copied().unwrap_or(-1)
        );
        c.shutdown();
    }
}

// ---------------------------------------------------------------------------
// Side by side with yaml-language-server (when installed)

/// The same documents and the same edits on both servers, one after the
/// other in this run; the ratio of yaml-language-server's time (debounce 0,
/// so compute and I/O only) to ours.
fn versus_yaml_language_server(bin: &str, root: &Path, docs: &[(&str, &str)]) {
    println!();
    let Some(yls) = yls::find_yls() else {
        println!("yaml-language-server was not found (`npm install --prefix /tmp/yls yaml-language-server@1`, or set YAML_LANGUAGE_SERVER_DIR): comparison skipped.");
        return;
    };
    let node = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(node) = node else {
        println!("Node is not installed: comparison with yaml-language-server skipped.");
        return;
    };
    let version = std::fs::read_to_string(yls.join("package.json"))
        .ok()
        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string))
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("pm-lsp-latency-yls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for f in ["report.md", "chat.log", "metrics.md", "runbook.md"] {
        std::fs::copy(root.join(f), dir.join(f)).expect("copy input");
    }
    let schema = dir.join("postmortem.schema.json");
    let out = Command::new(bin).arg("schema").output().expect("schema");
    std::fs::write(&schema, &out.stdout).expect("write schema");
    let wrapper = dir.join("yls-wrapper.js");
    std::fs::write(&wrapper, yls::WRAPPER).expect("wrapper");
    println!(
        "Side by side: yaml-language-server {version} on Node {node} with the JSON Schema from `postmortem-lsp schema`, validation delay 0 (compute only); the same edits, didChange → publishDiagnostics:"
    );
    println!("| document | lines | server | edits | p50 ms | p95 ms | diagnostics on open |");
    println!("|---|---|---|---|---|---|---|");
    let edits = 300;
    for (label, text) in docs {
        let lines = text.lines().count();
        let mut c = Client::spawn(bin, &["serve"]);
        c.initialize(&dir, &[], json!({}));
        let uri = c.open(&dir.join("postmortem.yaml"), text);
        let ours_on_open = c.diagnostics(&uri, 1).len();
        let line = (lines / 2) as u64;
        let col = text
            .lines()
            .nth(line as usize)
            .map_or(0, |l| l.encode_utf16().count()) as u64;
        let mut mine = common::type_edits(&mut c, &uri, line, col, edits);
        c.shutdown();
        let (mut theirs, theirs_on_open) =
            yls::session(&yls, &wrapper, &schema, &dir, text, edits, Some(0));
        let (m50, m95) = (pct(&mut mine, 0.5), pct(&mut mine, 0.95));
        let (t50, t95) = (pct(&mut theirs, 0.5), pct(&mut theirs, 0.95));
        println!("| {label} | {lines} | postmortem-lsp | {edits} | {m50:.3} | {m95:.3} | {ours_on_open} |");
        println!("| {label} | {lines} | yaml-language-server | {edits} | {t50:.3} | {t95:.3} | {theirs_on_open} |");
        println!(
            "| {label} | | **ratio (compute only)** | | **{:.1}×** | **{:.1}×** | |",
            t50 / m50,
            t95 / m95
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

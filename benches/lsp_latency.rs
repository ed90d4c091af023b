//! Drives the release binary over stdio like an editor does and reports
//! didChange → publishDiagnostics latency (p50/p95), startup time and peak
//! memory. Run with `cargo bench --bench lsp_latency`. Figures, not asserts.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{file_uri, Client};
use serde_json::json;
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
    let mut lat = Vec::with_capacity(edits);
    for k in 0..edits {
        let v = 2 + k as i64;
        let change = if k % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""})
        };
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]}),
        );
        c.diagnostics(&uri, v);
        lat.push(t.elapsed());
    }
    let rss = peak_rss_kib(pid);
    let p50 = pct(&mut lat, 0.5);
    let p95 = pct(&mut lat, 0.95);
    let p99 = pct(&mut lat, 0.99);
    c.shutdown();
    (p50, p95, p99, rss)
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_postmortem-lsp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/checkout-outage");
    let example = std::fs::read_to_string(root.join("postmortem.yaml")).expect("example");
    let big = big_doc(&example);
    // startup: spawn → initialize answered
    let mut starts = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let mut c = Client::spawn(bin, &["serve"]);
        c.initialize(&root, &[], json!({}));
        starts.push(t.elapsed());
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
    for (label, text, edits) in [
        ("example postmortem.yaml", example.as_str(), 400),
        ("generated", big.as_str(), 200),
    ] {
        let (p50, p95, p99, rss) = session(bin, &root, "postmortem.yaml", text, edits);
        println!(
            "| {label} | {} | {p50:.3} | {p95:.3} | {p99:.3} | {:.1} |",
            text.lines().count(),
            rss as f64 / 1024.0
        );
    }
}

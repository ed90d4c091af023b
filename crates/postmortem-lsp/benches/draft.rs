//! Drafting every section of the example with the release server over stdio
//! against the fake Anthropic server: requests made, prompt bytes per request
//! and the share that is a cached prefix, time from `workspace/executeCommand`
//! to the first `$/progress`, the server's peak memory, and the input tokens
//! read from the fake's simulated prompt cache (as documented: identical
//! prefixes up to a breakpoint, above the model's minimum). Figures, not
//! asserts. Run with `cargo bench --bench draft`.

#[path = "../tests/it/common/mod.rs"]
mod common;

use common::{file_uri, Client};
use fake_anthropic::{FakeAnthropic, FakeUsage, RecordedRequest, Reply};
use postmortem_draft::value::answer_for;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SECTIONS: &[&str] = &[
    "timeline",
    "root_cause",
    "contributing_factors",
    "what_went_well",
    "what_went_wrong",
    "action_items",
    "blameless_summary",
    "prevention_categories",
    "systemic_changes",
    "decision_log",
    "out_of_scope",
    "slo_impact",
];

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

/// The example with only `incident_ref` and `inputs` (and its comments).
fn skeleton(example: &str) -> String {
    let cut = example.find("\ntimeline:").map_or(example.len(), |i| i + 1);
    example[..cut].to_string()
}

fn workspace(example_dir: &Path, url: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pm-bench-draft-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for f in ["report.md", "chat.log", "metrics.md", "runbook.md"] {
        std::fs::copy(example_dir.join(f), dir.join(f)).expect("copy input");
    }
    std::fs::write(
        dir.join(".postmortem-lsp.toml"),
        format!("[claude]\nbase_url = \"{url}\"\n"),
    )
    .expect("config");
    std::fs::canonicalize(&dir).expect("canonical")
}

/// (role, text, cache breakpoint) for each prompt block, the system prompt first.
fn blocks(r: &RecordedRequest) -> Vec<(String, String, bool)> {
    let b = r.json().unwrap_or(Value::Null);
    let mut out = Vec::new();
    for s in b["system"].as_array().into_iter().flatten() {
        out.push((
            "system".to_string(),
            s["text"].as_str().unwrap_or("").to_string(),
            s.get("cache_control").is_some(),
        ));
    }
    for m in b["messages"].as_array().into_iter().flatten() {
        for c in m["content"].as_array().into_iter().flatten() {
            out.push((
                m["role"].as_str().unwrap_or("").to_string(),
                c["text"].as_str().unwrap_or("").to_string(),
                c.get("cache_control").is_some(),
            ));
        }
    }
    out
}

/// Bytes of `cur`'s prompt that repeat an earlier request's prompt up to one
/// of its cache breakpoints (what the API can read from the cache).
fn cached_prefix(earlier: &[Vec<(String, String, bool)>], cur: &[(String, String, bool)]) -> usize {
    let mut best = 0;
    for prev in earlier {
        let mut bytes = 0;
        let mut cached = 0;
        for (a, b) in prev.iter().zip(cur) {
            if a.0 != b.0 || a.1 != b.1 {
                break;
            }
            bytes += a.1.len();
            if a.2 {
                cached = bytes;
            }
        }
        best = best.max(cached);
    }
    best
}

fn report(label: &str, reqs: &[RecordedRequest]) {
    println!("\n{label}: {} requests", reqs.len());
    println!("| # | section | body bytes | prompt bytes | cached prefix bytes | share |");
    println!("|---|---|---|---|---|---|");
    let mut seen: Vec<Vec<(String, String, bool)>> = Vec::new();
    let mut shares = Vec::new();
    for (i, r) in reqs.iter().enumerate() {
        let bl = blocks(r);
        let total: usize = bl.iter().map(|b| b.1.len()).sum();
        let cached = cached_prefix(&seen, &bl);
        let section = bl
            .iter()
            .rev()
            .find_map(|b| {
                let t = &b.1;
                let at = t.find("<task section=\"")?;
                let rest = &t[at + 15..];
                Some(rest[..rest.find('"')?].to_string())
            })
            .unwrap_or_default();
        let share = cached as f64 / total.max(1) as f64 * 100.0;
        if i > 0 {
            shares.push(share);
        }
        println!(
            "| {} | {section} | {} | {total} | {cached} | {share:.0}% |",
            i + 1,
            r.body.len()
        );
        seen.push(bl);
    }
    if !shares.is_empty() {
        let min = shares.iter().cloned().fold(f64::MAX, f64::min);
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        println!("from the second request on: cached share min {min:.0}%, mean {mean:.0}%");
    }
}

/// The share of input tokens read from the cache, from the `usage` the fake
/// reported, from the second request on.
fn report_usage(label: &str, us: &[FakeUsage]) {
    let all =
        |u: &FakeUsage| u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
    let shares: Vec<f64> = us
        .iter()
        .skip(1)
        .map(|u| u.cache_read_input_tokens as f64 / all(u).max(1) as f64 * 100.0)
        .collect();
    if shares.is_empty() {
        return;
    }
    let min = shares.iter().cloned().fold(f64::MAX, f64::min);
    let mean = shares.iter().sum::<f64>() / shares.len() as f64;
    let input: u64 = us.iter().map(all).sum();
    let read: u64 = us.iter().map(|u| u.cache_read_input_tokens).sum();
    let written: u64 = us.iter().map(|u| u.cache_creation_input_tokens).sum();
    let out: u64 = us.iter().map(|u| u.output_tokens).sum();
    println!(
        "{label}: {} requests, {input} input tokens ({read} read from the cache, {written} written), {out} output; tokens read from the cache from the second request on: min {min:.0}%, mean {mean:.0}%",
        us.len()
    );
}

/// Sends a command and returns the time until its first `$/progress`.
fn command(c: &mut Client, id: i64, cmd: &str, mut args: Value) -> Duration {
    // Consent given by the client, as the editor extensions pass it.
    if let Some(o) = args.as_object_mut() {
        o.entry("consent").or_insert(json!("once"));
    }
    let before = c.logged("$/progress").len();
    let t = Instant::now();
    c.send(json!({"jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand", "params": {"command": cmd, "arguments": [args]}}));
    let first = loop {
        if c.logged("$/progress").len() > before {
            break t.elapsed();
        }
        assert!(t.elapsed() < common::PATIENCE, "no progress");
        std::thread::yield_now();
    };
    // Until it ends.
    loop {
        let ended = c
            .logged("$/progress")
            .iter()
            .skip(before)
            .any(|p| p["params"]["value"]["kind"] == "end");
        if ended {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    first
}

fn apply_last_edit(c: &Client, text: &str) -> String {
    let edits = c.logged("workspace/applyEdit");
    let Some(e) = edits.last() else {
        return text.to_string();
    };
    let te = &e["params"]["edit"]["documentChanges"][0]["edits"][0];
    let off = |p: &Value| {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let col = p["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, ch) in text[start..].char_indices() {
            if units >= col {
                return start + i;
            }
            units += ch.len_utf16();
        }
        text.len()
    };
    let (s, e2) = (off(&te["range"]["start"]), off(&te["range"]["end"]));
    format!(
        "{}{}{}",
        &text[..s],
        te["newText"].as_str().unwrap_or(""),
        &text[e2..]
    )
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_postmortem-lsp");
    let ex_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage");
    let example = std::fs::read_to_string(ex_dir.join("postmortem.yaml")).expect("example");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let fake = rt.block_on(FakeAnthropic::start());
    let dir = workspace(&ex_dir, &fake.url());
    let start_text = skeleton(&example);
    std::fs::write(dir.join("postmortem.yaml"), &start_text).expect("doc");
    let uri = file_uri(&dir.join("postmortem.yaml"));
    let settings = json!({"claude": {"apiKey": "sk-bench-not-a-key"}});
    println!(
        "postmortem-lsp {} — drafting every section of examples/checkout-outage against the fake Anthropic server (release build, stdio)",
        env!("CARGO_PKG_VERSION")
    );

    let mut firsts = Vec::new();
    let mut rss = Vec::new();

    // A: "Draft all missing sections": one command, one conversation,
    // ending with the verify review.
    for s in SECTIONS.iter().chain(&["verify"]) {
        fake.push(Reply::text(answer_for(&example, s).expect("section")));
    }
    let mut c = Client::spawn(bin, &["serve"]);
    let pid = c.child.as_ref().map_or(0, |ch| ch.id());
    if let Ok(mut s) = c.settings.lock() {
        *s = settings.clone();
    }
    c.initialize_with(
        &dir,
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        settings.clone(),
    );
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": start_text}}));
    c.diagnostics(&uri, 1);
    let rss_before = peak_rss_kib(pid);
    firsts.push(command(
        &mut c,
        100,
        "postmortem.draftMissing",
        json!({"uri": uri}),
    ));
    rss.push(peak_rss_kib(pid));
    let reqs_a = fake.requests();
    let usage_a = fake.usages();
    c.shutdown();
    report(
        "A. \"Draft all missing sections\" (one conversation)",
        &reqs_a,
    );
    report_usage("A (usage)", &usage_a);

    // B: each section with its own command, one after the other, applying each.
    for s in SECTIONS {
        fake.push(Reply::text(answer_for(&example, s).expect("section")));
    }
    let mut c = Client::spawn(bin, &["serve"]);
    let pid = c.child.as_ref().map_or(0, |ch| ch.id());
    if let Ok(mut s) = c.settings.lock() {
        *s = settings.clone();
    }
    c.initialize_with(
        &dir,
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        settings,
    );
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": start_text}}));
    c.diagnostics(&uri, 1);
    let mut text = start_text.clone();
    for (i, s) in SECTIONS.iter().enumerate() {
        firsts.push(command(
            &mut c,
            200 + i as i64,
            "postmortem.draftSection",
            json!({"uri": uri, "section": s}),
        ));
        text = apply_last_edit(&c, &text);
        let v = 2 + i as i64;
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}),
        );
        c.diagnostics(&uri, v);
    }
    rss.push(peak_rss_kib(pid));
    let reqs_b: Vec<RecordedRequest> = fake.requests().into_iter().skip(reqs_a.len()).collect();
    let usage_b: Vec<FakeUsage> = fake.usages().into_iter().skip(usage_a.len()).collect();
    c.shutdown();
    report("B. One command per section (a request each)", &reqs_b);
    report_usage("B (usage)", &usage_b);
    let value = |t: &str, s: &str| {
        let p = postmortem_syntax::parse(t);
        p.root
            .as_ref()
            .and_then(|r| r.get(s))
            .and_then(|n| postmortem_draft::value::from_node(n).ok())
    };
    let same = SECTIONS
        .iter()
        .filter(|s| value(&text, s).is_some() && value(&text, s) == value(&example, s))
        .count();
    println!(
        "\nafter B, {same} of {} sections hold the same values as the example",
        SECTIONS.len()
    );

    firsts.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    println!(
        "executeCommand → first $/progress over {} commands: min {:.2} ms, median {:.2} ms, max {:.2} ms",
        firsts.len(),
        ms(&firsts[0]),
        ms(&firsts[firsts.len() / 2]),
        ms(&firsts[firsts.len() - 1])
    );
    println!(
        "server peak RSS (VmHWM): {:.1} MiB before drafting, {:.1} MiB after A, {:.1} MiB after B",
        rss_before as f64 / 1024.0,
        rss[0] as f64 / 1024.0,
        rss[1] as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}

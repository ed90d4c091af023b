//! Scale figures (not asserts), with the release build:
//!
//! 1. 200 postmortems open in one server: memory per document and in total
//!    (target ≤ 60 MB), and typing latency with all of them open.
//! 2. `check` over a generated folder of 2,000 postmortems: files per second
//!    on all cores (and on one, with `taskset`, when it exists).
//! 3. Time against document size: the engine and `check` on documents of 1×,
//!    10× and 100× the example's bytes (linear or better?), and the refusal
//!    of a document over the limits.
//! 4. Typing latency while a Claude draft hangs (fake Anthropic server).
//! 5. Side by side with yaml-language-server 1.x (when Node and the package
//!    are found) validating the JSON Schema from `postmortem-lsp schema`:
//!    didChange → publishDiagnostics p50/p95 on the same documents and edits,
//!    with its debounce set to 0 (compute only) and as shipped (200 ms).
//!
//! Run with `cargo bench --bench scale`. `SCALE_QUICK=1` runs small counts
//! (for a quick look with a debug build); `SCALE_ONLY=open,check,size,draft,yls`
//! runs some of the parts. yaml-language-server is looked up in
//! `$YAML_LANGUAGE_SERVER_DIR`, `./node_modules`, `/tmp/yls/node_modules` and
//! `npm root -g`; install it with `npm install yaml-language-server@1`.

#[path = "../tests/it/common/mod.rs"]
mod common;
#[path = "yls/mod.rs"]
mod yls;

use common::{file_uri, type_edits, Client};
use fake_anthropic::{FakeAnthropic, Reply};
use postmortem_engine::analysis::{analyze, Options};
use postmortem_engine::config::Config;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const EXAMPLE: &str = include_str!("../../../examples/checkout-outage/postmortem.yaml");
const MISTAKES: &str = include_str!("../../../examples/checkout-outage/mistakes.postmortem.yaml");
const REPORT: &str = include_str!("../../../examples/checkout-outage/report.md");
const CHAT: &str = include_str!("../../../examples/checkout-outage/chat.log");
const METRICS: &str = include_str!("../../../examples/checkout-outage/metrics.md");
const RUNBOOK: &str = include_str!("../../../examples/checkout-outage/runbook.md");

fn quick() -> bool {
    std::env::var_os("SCALE_QUICK").is_some()
}

fn n(full: usize, small: usize) -> usize {
    if quick() {
        small
    } else {
        full
    }
}

fn pct(v: &[Duration], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort();
    if v.is_empty() {
        return f64::NAN;
    }
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pm-scale-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn write_inputs(dir: &Path) {
    for (f, t) in [
        ("report.md", REPORT),
        ("chat.log", CHAT),
        ("metrics.md", METRICS),
        ("runbook.md", RUNBOOK),
    ] {
        std::fs::write(dir.join(f), t).expect("write input");
    }
}

/// The example as incident `i`: its own id, and a few words changed.
fn variant(i: usize) -> String {
    EXAMPLE
        .replace("INC-2026-0412", &format!("INC-2026-{:04}", 1000 + i))
        .replace("6,140 of 41,870", &format!("{} of 41,870", 6000 + i))
}

/// About `factor` times the example's bytes: the example and more timeline
/// entries (with lines a little longer than the example's, so that 100×
/// stays under the 25,000-line limit and is checked, not refused).
fn scaled(factor: usize) -> String {
    let mut s = EXAMPLE.to_string();
    if factor <= 1 {
        return s;
    }
    let target = EXAMPLE.len() * factor;
    let cut = s.find("\nroot_cause:").unwrap_or(s.len());
    let mut extra = String::new();
    let mut i = 0;
    while s.len() + extra.len() < target {
        extra.push_str(&format!(
            "  - at: 2026-04-09T{:02}:{:02}:{:02}Z\n    event: \"Responder step {i}: checked the payments-api connection pool, 檢查連線池指標, and the checkout 5xx ratio on the dashboard 🚒 [chat L{}]\"\n    source: \"[chat L{}] [metrics §8]\"\n",
            15 + (i / 3600) % 9,
            (i / 60) % 60,
            i % 60,
            1 + i % 70,
            1 + i % 70
        ));
        i += 1;
    }
    s.insert_str(cut, &format!("\n{}", extra.trim_end_matches('\n')));
    s
}

/// A ~1,100-line document, as in `benches/lsp_latency.rs`.
fn big_doc() -> String {
    let mut s = EXAMPLE.to_string();
    s.push_str("timeline:\n");
    let mut i = 0;
    while s.lines().count() < 1100 {
        s.push_str(&format!("  - at: 2026-04-09T14:{:02}:{:02}Z\n    event: \"Responder step {i}: 檢查 connection pool 指標 🚒 [chat L{}]\"\n    source: \"[chat L{}]\"\n", (i / 60) % 60, i % 60, 1 + i % 70, 1 + i % 70));
        i += 1;
    }
    s
}

// ---------------------------------------------------------------------------
// 1. 200 open postmortems

fn open_many(bin: &str) {
    let count = n(200, 20);
    let dir = scratch("open");
    write_inputs(&dir);
    std::fs::write(dir.join(".postmortem-lsp.toml"), "").expect("config");
    let mut c = Client::spawn(bin, &["serve"]);
    let pid = c.child.as_ref().map_or(0, |ch| ch.id());
    c.initialize(&dir, &[], json!({}));
    // one document first: the phrase tables and caches are built once
    let warm = file_uri(&dir.join("warm.postmortem.yaml"));
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": warm, "languageId": "yaml", "version": 1, "text": variant(9999)}}));
    c.diagnostics(&warm, 1);
    let base = status_kib(pid, "VmRSS:");
    let t = Instant::now();
    let mut uris = Vec::new();
    for i in 0..count {
        let uri = file_uri(&dir.join(format!("inc-{i:04}.postmortem.yaml")));
        c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": variant(i)}}));
        c.diagnostics(&uri, 1);
        c.seen.clear();
        uris.push(uri);
    }
    let open_time = t.elapsed();
    let after = status_kib(pid, "VmRSS:");
    // typing into one of them with all open
    let uri = &uris[count / 2];
    let text = variant(count / 2);
    let line = (text.lines().count() / 2) as u64;
    let col = text
        .lines()
        .nth(line as usize)
        .map_or(0, |l| l.encode_utf16().count()) as u64;
    let lat = type_edits(&mut c, uri, line, col, n(200, 20));
    let peak = status_kib(pid, "VmHWM:");
    println!("## 200 open postmortems (release server over stdio)\n");
    println!("| documents open | RSS before | RSS after | per document | peak RSS | open all (s) | typing p50 ms | typing p95 ms |");
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {count} (+1 warm-up) | {:.1} MiB | {:.1} MiB | {:.0} KiB | {:.1} MiB | {:.2} | {:.3} | {:.3} |",
        mib(base),
        mib(after),
        (after.saturating_sub(base)) as f64 / count as f64,
        mib(peak),
        open_time.as_secs_f64(),
        pct(&lat, 0.5),
        pct(&lat, 0.95)
    );
    println!();
    c.shutdown();
}

// ---------------------------------------------------------------------------
// 2. check over 2,000 postmortems

/// CPU time (user + system) of this process's waited-for children, in seconds.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, r)| r.split_whitespace().collect())
        .unwrap_or_default();
    // after the comm: state is field 3, so cutime (16) and cstime (17) are at 13 and 14
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let hz = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(100.0);
    (ticks(13) + ticks(14)) / hz
}

fn timed(cmd: &mut Command) -> (Duration, f64, i32, usize) {
    let cpu0 = children_cpu();
    let t = Instant::now();
    let o = cmd.output().expect("run");
    let wall = t.elapsed();
    let cpu = children_cpu() - cpu0;
    (wall, cpu, o.status.code().unwrap_or(-1), o.stdout.len())
}

fn check_folder(bin: &str) {
    let count = n(2000, 100);
    let root = scratch("check");
    // 20 incidents folders of 100 postmortems, each folder with its inputs
    for i in 0..count {
        let d = root.join(format!("team-{:02}", i / 100));
        if i % 100 == 0 {
            std::fs::create_dir_all(&d).expect("mkdir");
            write_inputs(&d);
        }
        std::fs::write(d.join(format!("inc-{i:04}.postmortem.yaml")), variant(i)).expect("write");
    }
    let mut rows = Vec::new();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (wall, cpu, code, out) = timed(
        Command::new(bin)
            .args(["check", "--format", "json"])
            .arg(&root),
    );
    rows.push((format!("all cores ({cores})"), wall, cpu, code, out));
    let taskset = Command::new("taskset").arg("--version").output().is_ok();
    if taskset {
        let (wall, cpu, code, out) = timed(
            Command::new("taskset")
                .args(["-c", "0", bin, "check", "--format", "json"])
                .arg(&root),
        );
        rows.push(("one core (taskset -c 0)".into(), wall, cpu, code, out));
    }
    println!("## `check` over a folder of {count} postmortems (release binary)\n");
    println!("| cores | wall s | CPU s | files/s | CPU use | exit | JSON bytes |");
    println!("|---|---|---|---|---|---|---|");
    for (label, wall, cpu, code, out) in rows {
        let w = wall.as_secs_f64();
        println!(
            "| {label} | {w:.2} | {cpu:.2} | {:.0} | {:.0}% | {code} | {out} |",
            count as f64 / w,
            100.0 * cpu / w
        );
    }
    println!();
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------------------
// 3. Time against size

fn size_scaling(bin: &str) {
    let dir = scratch("size");
    write_inputs(&dir);
    let cfg = Config::default();
    let inputs = postmortem_lsp::lsp::documents::InputCache::default();
    let path = dir.join("postmortem.yaml");
    // `check` on a short document: process start and the one-time building
    // of the rule tables (the phrase lists' regular expressions, the people
    // named in the chat log).
    let short = "incident_ref: {id: INC-1}\ninputs:\n  report: report.md\n  chat: chat.log\nwhat_went_well:\n  - Rollback finished in 4 minutes\n";
    std::fs::write(&path, short).expect("write");
    let mut base = Vec::new();
    for _ in 0..n(5, 1) {
        let t = Instant::now();
        let _ = Command::new(bin).arg("check").arg(&path).output();
        base.push(t.elapsed());
    }
    let startup = pct(&base, 0.5);
    // The same tables in this process, so that first checks below measure
    // the document alone.
    {
        let mut o = Options::new(&cfg);
        o.path = Some(&path);
        o.root = Some(&dir);
        o.inputs = &inputs;
        drop(analyze(short.to_string(), &o));
    }
    println!("## Time against document size\n");
    println!("First check: the engine in process on a text it has not seen (a one-off `analyze`, rule tables built and input files cached beforehand, as in a running server). Re-check: the same text again (median of the runs), as while typing, when every value but the edited one is remembered by the blameless memo. `check`: the release binary on the file (median of 5), and the same minus the {startup:.0} ms that `check` takes on a six-line document (process start, rule tables).\n");
    println!("| document | bytes | lines | first check ms | µs/KB | re-check ms | `check` ms | `check` − start ms | diagnostics |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let over_limit = EXAMPLE.repeat(100);
    let mut docs: Vec<(String, String)> = [1usize, 10, 100]
        .iter()
        .map(|&f| (format!("{f}× the example"), scaled(f)))
        .collect();
    docs.push((
        "100 copies of the example (26,400 lines: over the limit, refused)".into(),
        over_limit,
    ));
    docs.push((
        "one 4 MiB line (just under the limit)".into(),
        format!(
            "incident_ref: {{id: INC-1}}\nwhat_went_well:\n  - \"{}\"\n",
            "Rollback finished in 4 minutes; ".repeat(4 * 1024 * 1024 / 33 - 4)
        ),
    ));
    for (label, text) in docs {
        let mut o = Options::new(&cfg);
        o.path = Some(&path);
        o.root = Some(&dir);
        o.inputs = &inputs;
        let mut phases: Vec<(&'static str, Duration)> = Vec::new();
        let t = Instant::now();
        let a = postmortem_engine::analysis::analyze_profiled(text.clone(), &o, &mut |k, d| {
            phases.push((k, d))
        });
        let first = t.elapsed().as_secs_f64() * 1000.0;
        let diags = a.diagnostics.len();
        drop(a);
        let runs = if text.len() > 1_000_000 {
            n(5, 2)
        } else {
            n(30, 3)
        };
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            drop(analyze(text.clone(), &o));
            times.push(t.elapsed());
        }
        std::fs::write(&path, &text).expect("write");
        let mut cli = Vec::new();
        for _ in 0..n(5, 1) {
            let t = Instant::now();
            let _ = Command::new(bin).arg("check").arg(&path).output();
            cli.push(t.elapsed());
        }
        if std::env::var_os("SCALE_PHASES").is_some() {
            let mut warm: Vec<(&'static str, Duration)> = Vec::new();
            let _ = postmortem_engine::analysis::analyze_profiled(text.clone(), &o, &mut |k, d| {
                warm.push((k, d))
            });
            warm.sort_by_key(|r| std::cmp::Reverse(r.1));
            let top: Vec<String> = warm
                .iter()
                .take(6)
                .map(|(k, d)| format!("{k} {:.1} ms", d.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("{label} (re-check): {}", top.join(", "));
            phases.sort_by_key(|r| std::cmp::Reverse(r.1));
            let top: Vec<String> = phases
                .iter()
                .take(6)
                .map(|(k, d)| format!("{k} {:.1} ms", d.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("{label} (first check): {}", top.join(", "));
        }
        let check = pct(&cli, 0.5);
        println!(
            "| {label} | {} | {} | {first:.2} | {:.1} | {:.2} | {check:.1} | {:.1} | {diags} |",
            text.len(),
            text.lines().count(),
            first * 1000.0 / (text.len() as f64 / 1024.0),
            pct(&times, 0.5),
            (check - startup).max(0.0),
        );
    }
    println!();
}

// ---------------------------------------------------------------------------
// 4. Typing while a draft hangs

fn typing_during_a_draft(bin: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let fake = rt.block_on(FakeAnthropic::start());
    let dir = scratch("draft");
    write_inputs(&dir);
    let start = EXAMPLE.find("\nroot_cause:").map_or(0, |i| i + 1);
    let end = EXAMPLE[start..]
        .find("\ncontributing_factors:")
        .map_or(EXAMPLE.len(), |i| start + i + 1);
    let doc = format!("{}{}", &EXAMPLE[..start], &EXAMPLE[end..]);
    std::fs::write(dir.join("postmortem.yaml"), &doc).expect("write");
    std::fs::write(
        dir.join(".postmortem-lsp.toml"),
        format!(
            "[claude]\nbase_url = \"{}\"\nmax_retries = 0\ntimeout_s = 300\n",
            fake.url()
        ),
    )
    .expect("config");
    let mut c = Client::spawn(bin, &["serve"]);
    let settings = json!({"claude": {"apiKey": "sk-ant-bench-0000"}});
    if let Ok(mut s) = c.settings.lock() {
        *s = settings.clone();
    }
    c.initialize_with(&dir, json!({}), settings);
    let uri = c.open(&dir.join("postmortem.yaml"), &doc);
    c.diagnostics(&uri, 1);
    let line = (doc.lines().count() / 2) as u64;
    let col = doc
        .lines()
        .nth(line as usize)
        .map_or(0, |l| l.encode_utf16().count()) as u64;
    let edits = n(400, 20);
    let idle = type_edits(&mut c, &uri, line, col, edits);
    fake.push(Reply::Hang);
    let _ = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": "root_cause", "consent": "once"}]}),
    );
    let begin = c.wait_for("$/progress", |p| p["value"]["kind"] == "begin");
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.requests().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    // continue the version numbers after the idle edits (an even count: text as opened)
    let mut lat = Vec::new();
    for k in 0..edits {
        let v = 2 + (edits + k) as i64;
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
        lat.push(c.since(t));
        c.seen.clear();
    }
    c.notify(
        "window/workDoneProgress/cancel",
        json!({"token": begin["token"]}),
    );
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    println!(
        "## Typing while a Claude draft hangs (fake Anthropic server, release server over stdio)\n"
    );
    println!("| | edits | p50 ms | p95 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    println!(
        "| no draft running | {} | {:.3} | {:.3} | {:.3} |",
        idle.len(),
        pct(&idle, 0.5),
        pct(&idle, 0.95),
        pct(&idle, 0.99)
    );
    println!(
        "| a draft hanging mid-stream | {} | {:.3} | {:.3} | {:.3} |",
        lat.len(),
        pct(&lat, 0.5),
        pct(&lat, 0.95),
        pct(&lat, 0.99)
    );
    println!();
    c.shutdown();
    drop(fake);
}

// ---------------------------------------------------------------------------
// 5. yaml-language-server

struct Measured {
    p50: f64,
    p95: f64,
    edits: usize,
    diagnostics: usize,
}

/// The figures of one session: its latencies and the diagnostics on open.
fn measured((lat, diagnostics): (Vec<Duration>, usize)) -> Measured {
    Measured {
        p50: pct(&lat, 0.5),
        p95: pct(&lat, 0.95),
        edits: lat.len(),
        diagnostics,
    }
}

fn ours(bin: &str, dir: &Path, text: &str, edits: usize) -> Measured {
    let mut c = Client::spawn(bin, &["serve"]);
    c.initialize(dir, &[], json!({}));
    let uri = c.open(&dir.join("postmortem.yaml"), text);
    let d = c.diagnostics(&uri, 1);
    let line = (text.lines().count() / 2) as u64;
    let col = text
        .lines()
        .nth(line as usize)
        .map_or(0, |l| l.encode_utf16().count()) as u64;
    let lat = type_edits(&mut c, &uri, line, col, edits);
    c.shutdown();
    measured((lat, d.len()))
}

fn versus_yaml_language_server(bin: &str) {
    println!("## Side by side with yaml-language-server\n");
    let Some(yls) = yls::find_yls() else {
        println!("yaml-language-server was not found (install it with `npm install yaml-language-server@1`, or set YAML_LANGUAGE_SERVER_DIR): skipped.\n");
        return;
    };
    if Command::new("node").arg("--version").output().is_err() {
        println!("Node is not installed: skipped.\n");
        return;
    }
    let version = std::fs::read_to_string(yls.join("package.json"))
        .ok()
        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string))
        .unwrap_or_default();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let dir = scratch("yls");
    write_inputs(&dir);
    let schema = dir.join("postmortem.schema.json");
    let s = Command::new(bin).arg("schema").output().expect("schema");
    std::fs::write(&schema, &s.stdout).expect("write schema");
    let wrapper = dir.join("yls-wrapper.js");
    std::fs::write(&wrapper, yls::WRAPPER).expect("wrapper");
    println!(
        "yaml-language-server {version} on Node {node}, validating the JSON Schema from `postmortem-lsp schema` (hover, completion and the schema store off). The same documents and the same edits (insert a character in the middle line, delete it, and so on), one at a time: the time from sending didChange to receiving the next publishDiagnostics for the document. postmortem-lsp runs all its rules (schema, citations against the input files, blameless language, SLO arithmetic) and has no debounce.\n"
    );
    println!(
        "| document | lines | server | debounce | edits | p50 ms | p95 ms | diagnostics on open |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let docs = [("example", EXAMPLE.to_string()), ("generated", big_doc())];
    for (label, text) in &docs {
        let lines = text.lines().count();
        let ours_m = ours(bin, &dir, text, n(300, 20));
        let zero = measured(yls::session(
            &yls,
            &wrapper,
            &schema,
            &dir,
            text,
            n(300, 20),
            Some(0),
        ));
        let shipped = measured(yls::session(
            &yls,
            &wrapper,
            &schema,
            &dir,
            text,
            n(40, 5),
            None,
        ));
        for (server, debounce, m) in [
            ("postmortem-lsp", "none", &ours_m),
            ("yaml-language-server", "0 ms (patched)", &zero),
            ("yaml-language-server", "200 ms (as shipped)", &shipped),
        ] {
            println!(
                "| {label} | {lines} | {server} | {debounce} | {} | {:.3} | {:.3} | {} |",
                m.edits, m.p50, m.p95, m.diagnostics
            );
        }
        println!(
            "| {label} | | **ratio** | compute only | | **{:.1}×** | **{:.1}×** | |",
            zero.p50 / ours_m.p50,
            zero.p95 / ours_m.p95
        );
    }
    println!();
    // The schema is in force: both report the typical mistakes.
    let theirs = measured(yls::session(
        &yls,
        &wrapper,
        &schema,
        &dir,
        MISTAKES,
        0,
        Some(0),
    ));
    let mine = ours(bin, &dir, MISTAKES, 0);
    println!(
        "On `mistakes.postmortem.yaml`, yaml-language-server with the schema reports {} diagnostics (schema violations); postmortem-lsp reports {}.\n",
        theirs.diagnostics, mine.diagnostics
    );
}

fn machine() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':').map(|(_, v)| v.trim().to_string()))
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0);
    println!(
        "Machine: {cpu}, {cores} cores, {:.1} GiB of memory. postmortem-lsp {}.\n",
        mem as f64 / 1024.0 / 1024.0,
        env!("CARGO_PKG_VERSION")
    );
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_postmortem-lsp");
    // `SCALE_ONLY=open,check,size,draft,yls` runs some of the parts.
    let only = std::env::var("SCALE_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    machine();
    if run("open") {
        open_many(bin);
    }
    if run("check") {
        check_folder(bin);
    }
    if run("size") {
        size_scaling(bin);
    }
    if run("draft") {
        typing_during_a_draft(bin);
    }
    if run("yls") {
        versus_yaml_language_server(bin);
    }
}

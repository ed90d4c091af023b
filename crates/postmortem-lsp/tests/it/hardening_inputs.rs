//! Hostile documents and input files: alias bombs, deep nesting, huge
//! documents and lines, and input files that are not text, not files, loops,
//! or lead outside the workspace. Each is refused with a diagnostic, in
//! bounded time and memory, by the engine, the language server and `check`.
//!
//! Nothing here asserts a duration: deadlines are generous and only turn a
//! hang into a failure.

use crate::common::{file_uri, workspace, Client, PATIENCE};
use postmortem_engine::analysis::{analyze, Options};
use postmortem_engine::config::Config;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXAMPLE: &str = include_str!("../../../../examples/checkout-outage/postmortem.yaml");
const REPORT: &str = include_str!("../../../../examples/checkout-outage/report.md");
const CHAT: &str = include_str!("../../../../examples/checkout-outage/chat.log");
const METRICS: &str = include_str!("../../../../examples/checkout-outage/metrics.md");
const RUNBOOK: &str = include_str!("../../../../examples/checkout-outage/runbook.md");

/// Peak memory the server may reach on any of these documents. Generous (a
/// 20 MB document is held a few times over); it catches expansion, not waste.
const MEMORY_CEILING_MIB: u64 = 1024;

/// Runs `f` on its own thread; fails instead of hanging past [`PATIENCE`].
fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(PATIENCE) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {PATIENCE:?}")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// (code, message, span) of every diagnostic of `text` as `dir/postmortem.yaml`.
fn diagnose(dir: Option<&Path>, text: String) -> Vec<(String, String, std::ops::Range<usize>)> {
    let dir = dir.map(Path::to_path_buf);
    bounded("analyze", move || {
        let cfg = Config::default();
        let path = dir.as_ref().map(|d| d.join("postmortem.yaml"));
        let mut o = Options::new(&cfg);
        o.path = path.as_deref();
        o.root = dir.as_deref();
        let a = analyze(text, &o);
        a.diagnostics
            .iter()
            .map(|d| (d.code.to_string(), d.message.clone(), d.span.clone()))
            .collect()
    })
}

fn has(diags: &[(String, String, std::ops::Range<usize>)], code: &str, needle: &str) -> bool {
    diags
        .iter()
        .any(|(c, m, _)| c == code && m.contains(needle))
}

// ---------------------------------------------------------------------------
// Hostile documents

/// The classic billion laughs: ten anchors, each nine aliases of the one
/// before (10^9 "lol"s if expanded), then an alias in a checked field.
fn billion_laughs() -> String {
    let mut s = String::from("incident_ref:\n  id: INC-1\nlol0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        let items: Vec<String> = (0..9).map(|_| format!("*a{}", i - 1)).collect();
        s.push_str(&format!("lol{i}: &a{i} [{}]\n", items.join(", ")));
    }
    s.push_str("root_cause: *a9\nwhat_went_well:\n  - *a9\n  - *a8\n");
    s
}

/// 300 levels of nesting in each shape YAML allows.
fn deep_documents() -> Vec<(&'static str, String)> {
    let n = 300;
    let mut maps = String::from("incident_ref:\n");
    for i in 0..n {
        maps.push_str(&format!("{}k{i}:\n", " ".repeat(2 * (i + 1))));
    }
    let mut seqs = String::from("what_went_well:\n");
    for i in 0..n {
        seqs.push_str(&format!("{}-\n", " ".repeat(2 * i + 2)));
    }
    let mut multi_line_flow = String::from("what_went_well:\n");
    for _ in 0..n {
        multi_line_flow.push_str("  [\n");
    }
    for _ in 0..n {
        multi_line_flow.push_str("  ]\n");
    }
    vec![
        ("block maps by indentation", maps),
        ("block lists by indentation", seqs),
        (
            "compact lists on one line",
            format!("what_went_well:\n  {}x\n", "- ".repeat(n)),
        ),
        (
            "flow lists on one line",
            format!("what_went_well: {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "flow maps on one line",
            format!("root_cause: {}x{}\n", "{a: ".repeat(n), "}".repeat(n)),
        ),
        ("flow lists over many lines", multi_line_flow),
    ]
}

fn forty_thousand_lines() -> String {
    let mut s = String::from("incident_ref:\n  id: INC-1\ntimeline:\n");
    let mut i = 0;
    while i < 40_000 {
        s.push_str("  - at: 2026-04-09T14:00:00Z\n");
        i += 1;
    }
    s
}

fn twenty_megabytes() -> String {
    let line = "  lorem ipsum dolor sit amet, 值班工程師 🚀 [report §2]\n";
    let mut s = String::with_capacity(20 * 1024 * 1024 + line.len());
    s.push_str("incident_ref:\n  id: INC-1\nsummary: |\n");
    while s.len() < 20 * 1024 * 1024 {
        s.push_str(line);
    }
    s
}

fn five_megabyte_line() -> String {
    format!(
        "incident_ref: {{id: INC-1}}\nsummary: \"{}\"\n",
        "word ".repeat(1024 * 1024)
    )
}

#[test]
fn alias_bombs_are_never_expanded() {
    let text = billion_laughs();
    let len = text.len();
    let d = diagnose(None, text.clone());
    assert!(
        has(
            &d,
            "PM003",
            "YAML alias, which postmortem-lsp does not expand"
        ),
        "{d:?}"
    );
    // Every span lies in the 600-byte source: nothing was expanded.
    assert!(d.iter().all(|(_, _, s)| s.end <= len));
    let parsed = postmortem_syntax::parse(&text);
    let root = parsed.root.as_ref().expect("a root");
    let scalars = postmortem_engine::rules::collect_scalars(root, &mut String::new()).len();
    assert!(
        scalars < 200,
        "{scalars} scalars: aliases must stay aliases"
    );
}

#[test]
fn nesting_past_64_levels_is_refused() {
    for (shape, text) in deep_documents() {
        let d = diagnose(None, text);
        assert!(
            has(&d, "PM001", "deeper than 64 levels"),
            "{shape}: {:?}",
            d.iter().take(5).collect::<Vec<_>>()
        );
    }
}

#[test]
fn documents_over_the_size_limits_are_refused() {
    let cases = [
        (
            "40,000 lines",
            forty_thousand_lines(),
            "more than 25000 lines",
        ),
        (
            "20 MB",
            twenty_megabytes(),
            "checks documents up to 4096 KiB",
        ),
        (
            "a 5 MB line",
            five_megabyte_line(),
            "checks documents up to 4096 KiB",
        ),
    ];
    for (what, text, needle) in cases {
        let d = diagnose(None, text);
        assert_eq!(d.len(), 1, "{what}: only the refusal, {d:?}");
        assert!(has(&d, "PM001", needle), "{what}: {d:?}");
        assert!(
            d[0].1.contains("Split it"),
            "{what}: says what to do: {}",
            d[0].1
        );
    }
}

fn peak_rss_mib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

fn open_as(c: &mut Client, path: &Path, text: &str) -> String {
    let uri = file_uri(path);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    uri
}

fn codes_and_messages(d: &[Value]) -> Vec<(String, String)> {
    d.iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap_or("").to_string(),
                x["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The built server gets every hostile document, and an edit on the 20 MB
/// one: each is answered with its refusal, the server's peak memory stays
/// bounded, and it goes on checking an ordinary postmortem.
#[test]
fn the_server_refuses_hostile_documents_and_keeps_serving() {
    let dir = workspace(
        "hostile-docs",
        &[
            ("report.md", REPORT),
            ("chat.log", CHAT),
            ("metrics.md", METRICS),
            ("runbook.md", RUNBOOK),
        ],
    );
    let mut c = Client::spawn(env!("CARGO_BIN_EXE_postmortem-lsp"), &["serve"]);
    let pid = c.child.as_ref().map_or(0, |ch| ch.id());
    c.initialize(&dir, &[], json!({}));
    let mut docs: Vec<(String, String, &str)> = vec![
        (
            "laughs".into(),
            billion_laughs(),
            "YAML alias, which postmortem-lsp does not expand",
        ),
        (
            "lines".into(),
            forty_thousand_lines(),
            "more than 25000 lines",
        ),
        ("line".into(), five_megabyte_line(), "up to 4096 KiB"),
    ];
    for (shape, text) in deep_documents() {
        docs.push((shape.replace(' ', "-"), text, "deeper than 64 levels"));
    }
    for (name, text, needle) in &docs {
        let uri = open_as(&mut c, &dir.join(format!("{name}.postmortem.yaml")), text);
        let d = codes_and_messages(&c.diagnostics(&uri, 1));
        assert!(
            d.iter().any(|(_, m)| m.contains(needle)),
            "{name}: {:?}",
            d.iter().take(5).collect::<Vec<_>>()
        );
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    // 20 MB, then typing into it.
    let big = twenty_megabytes();
    let uri = open_as(&mut c, &dir.join("big.postmortem.yaml"), &big);
    let d = codes_and_messages(&c.diagnostics(&uri, 1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].1.contains("20480 KiB"), "{d:?}");
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 2}}, "text": "x"}]}));
    let d = codes_and_messages(&c.diagnostics(&uri, 2));
    assert!(d.len() == 1 && d[0].1.contains("KiB"), "{d:?}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    drop(big);

    // Still serving: the example is checked as usual.
    let uri = open_as(&mut c, &dir.join("postmortem.yaml"), EXAMPLE);
    let d = codes_and_messages(&c.diagnostics(&uri, 1));
    assert!(
        !d.iter().any(|(code, _)| code == "PM001"),
        "the example is fine: {d:?}"
    );
    let peak = peak_rss_mib(pid);
    eprintln!("peak memory of the server over the hostile documents: {peak} MiB");
    assert!(
        peak < MEMORY_CEILING_MIB,
        "peak memory {peak} MiB on hostile documents"
    );
    c.shutdown();
}

// ---------------------------------------------------------------------------
// Hostile input files

const SECRET: &str = "SECRET-OUTSIDE-THE-WORKSPACE-7731";

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", p.display());
}

/// A workspace whose postmortem declares one input of every hostile kind,
/// next to a folder outside it that holds a secret.
fn hostile_inputs_workspace(name: &str) -> (PathBuf, String, Vec<(&'static str, &'static str)>) {
    let dir = workspace(
        name,
        &[("report.md", REPORT), ("notes/keep.md", "a folder\n")],
    );
    let outside = dir
        .parent()
        .expect("parent")
        .join(format!("{name}-outside"));
    let _ = std::fs::remove_dir_all(&outside);
    std::fs::create_dir_all(&outside).expect("mkdir outside");
    std::fs::write(outside.join("secret.md"), format!("{SECRET}\n")).expect("secret");
    std::fs::write(dir.join("latin1.md"), b"caf\xe9 cr\xe8me\n").expect("latin1");
    std::fs::write(
        dir.join("chart.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
    )
    .expect("png");
    std::fs::write(dir.join("big.log"), "x".repeat(2 * 1024 * 1024)).expect("big");
    mkfifo(&dir.join("live.fifo"));
    std::os::unix::fs::symlink("loop-b.md", dir.join("loop-a.md")).expect("symlink");
    std::os::unix::fs::symlink("loop-a.md", dir.join("loop-b.md")).expect("symlink");
    std::os::unix::fs::symlink(outside.join("secret.md"), dir.join("escape.md")).expect("symlink");
    std::os::unix::fs::symlink(&outside, dir.join("linked")).expect("symlink");
    let secret_abs = outside.join("secret.md");
    let text = format!(
        "incident_ref:\n  id: INC-1\n  source: \"[report §1]\"\ninputs:\n  report: report.md\n  latin1: latin1.md\n  image: chart.png\n  big: big.log\n  folder: notes\n  pipe: live.fifo\n  loop: loop-a.md\n  up: ../{name}-outside/secret.md\n  absolute: {}\n  home: ~/secret.md\n  escape: escape.md\n  escape_dir: linked/secret.md\n  missing: nope.md\n",
        secret_abs.display()
    );
    let expected = vec![
        ("latin1", "is not UTF-8 text"),
        ("image", "looks like a binary file"),
        ("big", "over the 1024 KiB limit"),
        ("folder", "is not a regular file"),
        ("pipe", "is not a regular file"),
        ("loop", "symbolic link loop"),
        ("up", "uses `..`"),
        ("absolute", "is an absolute path"),
        ("home", "is an absolute path"),
        ("escape", "leads outside the workspace"),
        ("escape_dir", "leads outside the workspace"),
        ("missing", "was not found"),
    ];
    (dir, text, expected)
}

/// The value of `inputs.<name>` in `text`: the span a diagnostic points at.
fn value_line(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(&format!("  {name}: ")))
        .unwrap_or_else(|| panic!("no input {name}"))
}

#[test]
fn hostile_input_files_are_refused_by_the_engine() {
    let (dir, text, expected) = hostile_inputs_workspace("hostile-inputs-engine");
    let d = diagnose(Some(&dir), text.clone());
    for (name, needle) in &expected {
        let line = value_line(&text, name);
        let hit = d
            .iter()
            .find(|(c, _, s)| c == "PM402" && text[..s.start].matches('\n').count() == line);
        let Some((_, m, _)) = hit else {
            panic!("no PM402 on inputs.{name}: {d:?}")
        };
        assert!(m.contains(needle), "inputs.{name}: «{m}» lacks «{needle}»");
    }
    // The good input still resolves: the citation to report §1 is fine.
    assert!(
        !d.iter()
            .any(|(c, m, _)| c == "PM402" && m.contains("report")),
        "{d:?}"
    );
    assert!(d.iter().all(|(_, m, _)| !m.contains(SECRET)));
}

#[test]
fn hostile_input_files_are_refused_by_the_server() {
    let (dir, text, expected) = hostile_inputs_workspace("hostile-inputs-lsp");
    // A configuration that is a FIFO is skipped, not waited on.
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    mkfifo(&dir.join("sub/.postmortem-lsp.toml"));
    let mut c = Client::in_process();
    c.initialize(&dir, &[], json!({}));
    let uri = c.open(&dir.join("postmortem.yaml"), &text);
    let d = c.diagnostics(&uri, 1);
    for (name, needle) in &expected {
        let line = value_line(&text, name) as u64;
        let hit = d
            .iter()
            .find(|x| x["code"] == "PM402" && x["range"]["start"]["line"] == line);
        let Some(hit) = hit else {
            panic!("no PM402 on inputs.{name}: {d:?}")
        };
        let m = hit["message"].as_str().unwrap_or("");
        assert!(m.contains(needle), "inputs.{name}: «{m}» lacks «{needle}»");
    }
    // A save of the FIFO input (as a watcher would report) re-checks without blocking.
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&dir.join("live.fifo")), "type": 2}]}),
    );
    let sub = c.open(&dir.join("sub/postmortem.yaml"), EXAMPLE);
    let d = c.diagnostics(&sub, 1);
    assert!(d.iter().all(|x| x["code"] != "PM001"), "{d:?}");
    let all = serde_json::to_string(&*c.log.lock().expect("log")).unwrap_or_default();
    assert!(
        !all.contains(SECRET),
        "a file outside the workspace was read"
    );
    c.shutdown();
}

/// Runs the built CLI with a deadline; returns (exit code, stdout, stderr).
fn cli(args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_postmortem-lsp"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("postmortem-lsp {args:?} did not finish within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let o = child.wait_with_output().expect("output");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn hostile_input_files_are_refused_by_check() {
    let (dir, text, expected) = hostile_inputs_workspace("hostile-inputs-cli");
    let pm = dir.join("postmortem.yaml");
    std::fs::write(&pm, &text).expect("write");
    let (code, out, err) = cli(&[
        "check",
        "--format",
        "json",
        "--root",
        &dir.to_string_lossy(),
        &pm.to_string_lossy(),
    ]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let diags = v["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (name, needle) in &expected {
        let line = value_line(&text, name) as u64 + 1; // 1-based
        let hit = diags
            .iter()
            .find(|x| x["code"] == "PM402" && x["range"]["start"]["line"] == line);
        let Some(hit) = hit else {
            panic!("no PM402 on inputs.{name}: {diags:?}")
        };
        let m = hit["message"].as_str().unwrap_or("");
        assert!(m.contains(needle), "inputs.{name}: «{m}» lacks «{needle}»");
    }
    assert!(!out.contains(SECRET) && !err.contains(SECRET));
}

/// `check` given paths that are not postmortem files: a FIFO, a folder
/// holding FIFOs, loops and binary files, a 20 MB file. Each is answered
/// (refused or skipped) and `check` ends.
#[test]
fn check_refuses_paths_that_are_not_regular_files() {
    let dir = workspace("hostile-paths", &[("report.md", REPORT)]);
    let fifo = dir.join("live.postmortem.yaml");
    mkfifo(&fifo);
    let (code, _, err) = cli(&["check", &fifo.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file"), "{err}");

    // A folder scan skips what is not a regular file.
    let scan = dir.join("scan");
    std::fs::create_dir_all(scan.join("dir.postmortem.yaml")).expect("mkdir");
    mkfifo(&scan.join("pipe.postmortem.yaml"));
    std::os::unix::fs::symlink("loop2.postmortem.yaml", scan.join("loop1.postmortem.yaml"))
        .expect("symlink");
    std::os::unix::fs::symlink("loop1.postmortem.yaml", scan.join("loop2.postmortem.yaml"))
        .expect("symlink");
    std::fs::write(
        scan.join("binary.postmortem.yaml"),
        b"\x7fELF\x02\x01\x01\0\xff\xfe",
    )
    .expect("bin");
    std::fs::write(scan.join("ok.postmortem.yaml"), EXAMPLE).expect("ok");
    let (code, out, err) = cli(&["check", "--format", "json", &scan.to_string_lossy()]);
    assert_eq!(code, 2, "the binary file is an I/O problem: {err}");
    assert!(err.contains("not UTF-8"), "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let paths: Vec<&str> = v["files"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["path"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        paths.iter().any(|p| p.ends_with("ok.postmortem.yaml")),
        "{paths:?}"
    );
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("pipe") || p.contains("loop") || p.contains("dir.")),
        "{paths:?}"
    );

    // 20 MB: refused with the size diagnostic.
    let big = dir.join("big.postmortem.yaml");
    std::fs::write(&big, twenty_megabytes()).expect("big");
    let (code, out, _) = cli(&["check", &big.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(out.contains("PM001") && out.contains("20480 KiB"), "{out}");
}

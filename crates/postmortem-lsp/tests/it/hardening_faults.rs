//! Faults while drafting with Claude, and the server or CLI killed: the
//! endpoint hanging mid-stream, stalling, answering slowly, sending garbage,
//! closing early or refusing connections while the user keeps typing; two
//! drafts at once; the document closed mid-draft; the client exiting or
//! vanishing mid-draft; the server and `draft --write` killed. Typing keeps
//! getting diagnostics, a failed draft never changes the document, and
//! nothing is left half-written. Against the fake Anthropic server on
//! 127.0.0.1 (no network).
//!
//! Durations are never asserted: deadlines only turn a hang into a failure.
//! The typing latencies seen during a fault are printed for the curious.

use crate::common::fake_claude::*;
use crate::common::{file_uri, offset, workspace, Client, PATIENCE};
use fake_anthropic::{Reply, StreamReply};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "sk-ant-test-FAULTS-0c5d1e";

/// A stream that takes a while: `delay_ms` between small pieces.
fn slow(text: String, delay_ms: u64) -> Reply {
    Reply::Stream(StreamReply {
        text,
        delay_ms,
        delta_chars: 400,
        ..StreamReply::default()
    })
}

fn ws(name: &str, doc: &str, claude: &str) -> PathBuf {
    let dir = workspace(name, &example_files(doc));
    std::fs::write(
        dir.join(".postmortem-lsp.toml"),
        format!("[claude]\n{claude}"),
    )
    .expect("config");
    dir
}

fn claude(url: &str) -> String {
    format!("base_url = \"{url}\"\nmax_retries = 0\ntimeout_s = 20\n")
}

/// The document as the editor holds it, shared by the test (typing) and the
/// `workspace/applyEdit` answer (edits from drafts), so both bump one version.
#[derive(Clone)]
struct Editor(Arc<Mutex<(String, i64)>>);

impl Editor {
    fn new(text: &str) -> Editor {
        Editor(Arc::new(Mutex::new((text.to_string(), 1))))
    }

    fn text(&self) -> String {
        self.0.lock().expect("editor").0.clone()
    }

    fn version(&self) -> i64 {
        self.0.lock().expect("editor").1
    }

    /// Installs the applyEdit answer: versioned edits apply only to the
    /// version they were made for; applied edits go back as a didChange.
    fn attach(&self, c: &Client, uri: &str) {
        let ed = self.clone();
        let uri = uri.to_string();
        let hook: crate::common::ApplyEditHook = Box::new(
            move |params: &Value, send: &dyn Fn(&Value)| {
                let mut g = ed.0.lock().expect("editor");
                let edit = &params["edit"];
                let (edits, version) = match edit["documentChanges"].as_array() {
                    Some(dc) => (
                        dc[0]["edits"].as_array().cloned().unwrap_or_default(),
                        dc[0]["textDocument"]["version"].as_i64(),
                    ),
                    None => (
                        edit["changes"][uri.as_str()]
                            .as_array()
                            .cloned()
                            .unwrap_or_default(),
                        None,
                    ),
                };
                if version.is_some_and(|v| v != g.1) {
                    return json!({"applied": false, "failureReason": "the document changed"});
                }
                let mut spans: Vec<(usize, usize, String)> = edits
                    .iter()
                    .map(|e| {
                        let r = &e["range"];
                        let p = |k: &str| {
                            offset(
                                &g.0,
                                r[k]["line"].as_u64().unwrap_or(0),
                                r[k]["character"].as_u64().unwrap_or(0),
                            )
                        };
                        (
                            p("start"),
                            p("end"),
                            e["newText"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect();
                spans.sort_by_key(|s| std::cmp::Reverse(s.0));
                for (s, e, t) in spans {
                    g.0.replace_range(s..e, &t);
                }
                g.1 += 1;
                send(
                    &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": g.1}, "contentChanges": [{"text": g.0}]}}),
                );
                json!({"applied": true})
            },
        );
        if let Ok(mut h) = c.apply_edit.lock() {
            *h = Some(hook);
        }
    }

    /// Types `s` at the start of the document; returns the new version.
    fn type_at_top(&self, c: &mut Client, uri: &str, s: &str) -> i64 {
        let mut g = self.0.lock().expect("editor");
        g.0.insert_str(0, s);
        g.1 += 1;
        c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": g.1}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": s}]}));
        g.1
    }
}

fn start(c: &mut Client, dir: &Path, doc: &str) -> (String, Editor) {
    if let Ok(mut s) = c.settings.lock() {
        *s = json!({"claude": {"apiKey": KEY}});
    }
    c.initialize_with(
        dir,
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        json!({"claude": {"apiKey": KEY}}),
    );
    let uri = c.open(&dir.join("postmortem.yaml"), doc);
    c.diagnostics(&uri, 1);
    let ed = Editor::new(doc);
    ed.attach(c, &uri);
    (uri, ed)
}

fn draft_cmd(c: &mut Client, uri: &str, section: &str) {
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": section, "consent": "once"}]}),
    );
    assert!(r.is_null(), "{r}");
}

fn edits(c: &Client) -> usize {
    c.logged("workspace/applyEdit").len()
}

/// Types `n` lines at the top, each answered by its diagnostics and a hover;
/// returns the latencies (ms) from didChange to its diagnostics.
fn keep_typing(c: &mut Client, ed: &Editor, uri: &str, n: usize) -> Vec<f64> {
    let mut lat = Vec::new();
    for k in 0..n {
        let t = Instant::now();
        let v = ed.type_at_top(c, uri, &format!("# note {k}\n"));
        let d = c.diagnostics(uri, v);
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(!d.is_empty(), "the postmortem still has findings");
        let h = c.request_full(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": n as u64 + 2, "character": 3}}),
        );
        assert!(h.get("error").is_none(), "{h}");
    }
    lat
}

fn summary(label: &str, mut lat: Vec<f64>) {
    lat.sort_by(f64::total_cmp);
    if let (Some(first), Some(last)) = (lat.first(), lat.last()) {
        eprintln!(
            "{label}: {} edits, didChange → diagnostics min {first:.2} ms, median {:.2} ms, max {last:.2} ms",
            lat.len(),
            lat[lat.len() / 2]
        );
    }
}

fn end_message(c: &mut Client) -> String {
    let end = c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    end["value"]["message"].as_str().unwrap_or("").to_string()
}

// ---------------------------------------------------------------------------

/// The endpoint hangs mid-stream (headers sent, then nothing): diagnostics for
/// every new edit keep arriving, hovers are answered; cancelling closes the
/// stream and the document is left as typed.
#[test]
fn diagnostics_keep_arriving_while_a_draft_hangs() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("f-hang", &doc, &claude(&f.server.url()));
    f.server.push(Reply::Hang);
    let mut c = Client::in_process();
    let (uri, ed) = start(&mut c, &dir, &doc);
    draft_cmd(&mut c, &uri, "root_cause");
    let begin = c.wait_for("$/progress", |p| p["value"]["kind"] == "begin");
    f.wait_requests(1);
    let lat = keep_typing(&mut c, &ed, &uri, 25);
    summary("while a draft hangs", lat);
    c.notify(
        "window/workDoneProgress/cancel",
        json!({"token": begin["token"]}),
    );
    assert!(f.closed_early(1), "the HTTP stream was closed");
    assert!(end_message(&mut c).contains("cancelled"));
    assert_eq!(edits(&c), 0, "a cancelled draft changes nothing");
    assert!(ed.text().ends_with(&doc) && ed.text().starts_with("# note 24\n"));
    c.shutdown();
}

/// A stream that stalls after its first bytes runs into `timeout_s`; the user
/// typed all along; the failure says what to do and nothing is applied.
#[test]
fn a_stream_stalling_mid_answer_times_out_and_changes_nothing() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let conf = format!(
        "base_url = \"{}\"\nmax_retries = 0\ntimeout_s = 2\n",
        f.server.url()
    );
    let dir = ws("f-stall", &doc, &conf);
    f.server.push(slow(answer("root_cause"), 60_000));
    let mut c = Client::in_process();
    let (uri, ed) = start(&mut c, &dir, &doc);
    draft_cmd(&mut c, &uri, "root_cause");
    f.wait_requests(1);
    summary("while a stream stalls", keep_typing(&mut c, &ed, &uri, 10));
    let m = c.wait_for("window/showMessage", |p| p["type"] == 1)["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        m.contains("sent no data for 2 s") && m.contains("timeout_s"),
        "{m}"
    );
    assert_eq!(edits(&c), 0);
    c.shutdown();
}

/// Garbage, streams closed early (cleanly and abruptly), error events and
/// refused connections, each while the user types: an error that says what
/// happened, no edit, and the typed text intact.
#[test]
fn failed_drafts_never_change_the_document_while_typing() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("f-fail", &doc, &claude(&f.server.url()));
    let mut c = Client::in_process();
    let (uri, ed) = start(&mut c, &dir, &doc);
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::Garbage {
                body: "<html>502 Bad Gateway</html>".into(),
            },
            "could not be read",
        ),
        (
            Reply::CloseEarly {
                text: "{\"root_cause\": {\"five_wh".into(),
                abrupt: false,
            },
            "ended early",
        ),
        (
            Reply::CloseEarly {
                text: "{\"root".into(),
                abrupt: true,
            },
            "",
        ),
        (
            Reply::ErrorEvent {
                text_before: "{\"root_".into(),
                kind: "overloaded_error".into(),
                message: "Overloaded".into(),
            },
            // Retried like a 529 (none are left here), then reported as one.
            "overloaded right now (529)",
        ),
    ];
    for (k, (reply, needle)) in cases.into_iter().enumerate() {
        f.server.push(reply);
        draft_cmd(&mut c, &uri, "root_cause");
        keep_typing(&mut c, &ed, &uri, 3);
        let m = c.wait_for("window/showMessage", |p| p["type"] == 1)["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(m.contains(needle), "case {k}: «{m}»");
        end_message(&mut c);
        assert_eq!(edits(&c), 0, "case {k}: {m}");
    }
    assert!(ed.text().ends_with(&doc));
    c.shutdown();

    // Nothing listens on the port: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let dir = ws(
        "f-refused",
        &doc,
        &claude(&format!("http://127.0.0.1:{port}")),
    );
    let mut c = Client::in_process();
    let (uri, ed) = start(&mut c, &dir, &doc);
    draft_cmd(&mut c, &uri, "root_cause");
    keep_typing(&mut c, &ed, &uri, 3);
    let m = c.wait_for("window/showMessage", |p| p["type"] == 1)["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(m.contains("Could not reach"), "{m}");
    assert_eq!(edits(&c), 0);
    c.shutdown();
}

/// A slow answer while the user keeps typing above the section: every edit
/// gets its diagnostics, and the draft lands where the section belongs in the
/// text as it is by then (a refused, outdated edit is recomputed).
#[test]
fn a_slow_answer_while_typing_lands_in_the_current_text() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("f-slow", &doc, &claude(&f.server.url()));
    f.server.push(slow(answer("root_cause"), 150));
    let mut c = Client::in_process();
    let (uri, ed) = start(&mut c, &dir, &doc);
    draft_cmd(&mut c, &uri, "root_cause");
    f.wait_requests(1);
    let mut lat = Vec::new();
    let mut typed = String::new();
    let mut k = 0;
    // Type until the server sends its edit (bounded by the number of lines);
    // an edit made for a version typed over meanwhile is refused and redone.
    while k < 400 && edits(&c) == 0 {
        lat.extend(keep_typing_one(&mut c, &ed, &uri, k));
        typed = format!("# note {k}\n{typed}");
        k += 1;
    }
    summary("while a slow draft streams", lat);
    let end = end_message(&mut c);
    assert!(end.starts_with("Done"), "{end}");
    let deadline = Instant::now() + PATIENCE;
    while ed.text() != format!("{typed}{EXAMPLE}") {
        assert!(Instant::now() < deadline, "final text:\n{}", ed.text());
        std::thread::sleep(Duration::from_millis(10));
    }
    // The server agrees with the editor: its diagnostics are those of the text.
    let v = ed.version();
    let d = c.diagnostics(&uri, v);
    assert!(d.iter().all(|x| x["code"] != "PM002"), "{d:?}");
    c.shutdown();
}

fn keep_typing_one(c: &mut Client, ed: &Editor, uri: &str, k: usize) -> Option<f64> {
    let t = Instant::now();
    let v = ed.type_at_top(c, uri, &format!("# note {k}\n"));
    c.diagnostics(uri, v);
    Some(t.elapsed().as_secs_f64() * 1000.0)
}

/// Two drafts of different sections of one document at once: both land,
/// each in its place, and the result is the example.
#[test]
fn two_drafts_of_different_sections_at_once() {
    let f = fake();
    let doc = without(&without(EXAMPLE, "root_cause"), "what_went_well");
    let dir = ws("f-two", &doc, &claude(&f.server.url()));
    let mut c = Client::in_process();
    let (uri, ed) = start(&mut c, &dir, &doc);
    f.server.push(slow(answer("root_cause"), 120));
    draft_cmd(&mut c, &uri, "root_cause");
    f.wait_requests(1);
    f.server.push(slow(answer("what_went_well"), 60));
    draft_cmd(&mut c, &uri, "what_went_well");
    f.wait_requests(2);
    let first = end_message(&mut c);
    let second = end_message(&mut c);
    assert!(
        first.starts_with("Done") && second.starts_with("Done"),
        "{first} / {second}"
    );
    let deadline = Instant::now() + PATIENCE;
    while !(ed.text().contains("\nroot_cause:") && ed.text().contains("\nwhat_went_well:")) {
        assert!(Instant::now() < deadline, "final text:\n{}", ed.text());
        std::thread::sleep(Duration::from_millis(10));
    }
    let text = ed.text();
    // Both sections hold the drafted values (the renderer may quote
    // differently from the example), and nothing else changed.
    for section in ["root_cause", "what_went_well"] {
        assert_eq!(
            section_value(&text, section),
            section_value(EXAMPLE, section),
            "{section}"
        );
    }
    assert_eq!(
        without(&without(&text, "root_cause"), "what_went_well"),
        doc
    );
    assert!(
        c.logged("window/showMessageRequest").is_empty(),
        "nothing to ask"
    );
    c.shutdown();
}

/// The document is closed while Claude drafts: the draft is cancelled (its
/// HTTP stream closed, so no more tokens are spent), nothing is applied, and
/// the server goes on serving.
#[test]
fn a_document_closed_mid_draft_gets_nothing_applied() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("f-closed", &doc, &claude(&f.server.url()));
    f.server.push(slow(answer("root_cause"), 100));
    let mut c = Client::in_process();
    let (uri, _ed) = start(&mut c, &dir, &doc);
    draft_cmd(&mut c, &uri, "root_cause");
    f.wait_requests(1);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(f.closed_early(1), "closing the document cancels its draft");
    assert_eq!(edits(&c), 0);
    let uri = c.open(&dir.join("postmortem.yaml"), &doc);
    assert!(!c.diagnostics(&uri, 1).is_empty());
    c.shutdown();
}

fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default();
            // pid (comm) state ppid …; comm may hold spaces
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|s| s.parse::<u32>().ok());
            if ppid == Some(pid) {
                out.push(p);
            }
        }
    }
    out
}

fn wait_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(Some(s)) = child.try_wait() {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn binary_session(f: &Fake, name: &str) -> (Client, String, u32) {
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws(name, &doc, &claude(&f.server.url()));
    let mut c = Client::spawn(env!("CARGO_BIN_EXE_postmortem-lsp"), &["serve"]);
    let pid = c.child.as_ref().map_or(0, |ch| ch.id());
    let (uri, _) = start(&mut c, &dir, &doc);
    (c, uri, pid)
}

/// The client exits (shutdown, exit) mid-draft: the server process ends
/// cleanly, closing the HTTP stream; it never started another process.
#[test]
fn the_client_exiting_mid_draft_ends_the_server() {
    let f = fake();
    f.server.push(Reply::Hang);
    let (mut c, uri, pid) = binary_session(&f, "f-exit");
    draft_cmd(&mut c, &uri, "root_cause");
    f.wait_requests(1);
    assert!(children_of(pid).is_empty(), "the server started processes");
    let _ = c.request_full("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let mut child = c.child.take().expect("child");
    let status = wait_exit(&mut child);
    assert!(status.success(), "{status:?}");
    assert!(f.closed_early(1), "the HTTP stream was closed");
}

/// The client vanishes mid-draft (its end of stdin closes, no exit): the
/// server notices the end of its input and exits.
#[test]
fn the_client_vanishing_mid_draft_ends_the_server() {
    let f = fake();
    f.server.push(Reply::Hang);
    let (mut c, uri, _pid) = binary_session(&f, "f-vanish");
    draft_cmd(&mut c, &uri, "root_cause");
    f.wait_requests(1);
    c.close_input();
    let mut child = c.child.take().expect("child");
    let status = wait_exit(&mut child);
    assert!(status.success(), "{status:?}");
    assert!(f.closed_early(1), "the HTTP stream was closed");
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// The server is killed (SIGKILL) mid-session, with edits made and a draft
/// streaming: the workspace is byte for byte as it was (the server writes no
/// files; edits go through the editor).
#[test]
fn a_server_killed_mid_session_leaves_the_workspace_as_it_was() {
    let f = fake();
    f.server.push(slow(answer("root_cause"), 200));
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("f-kill", &doc, &claude(&f.server.url()));
    let before = snapshot(&dir);
    let mut c = Client::spawn(env!("CARGO_BIN_EXE_postmortem-lsp"), &["serve"]);
    let (uri, ed) = start(&mut c, &dir, &doc);
    keep_typing(&mut c, &ed, &uri, 3);
    // An allow-word quick fix is offered as an edit for the editor to make.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 400, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert!(actions.is_array());
    draft_cmd(&mut c, &uri, "root_cause");
    f.wait_requests(1);
    let mut child = c.child.take().expect("child");
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(snapshot(&dir), before, "the workspace changed");
}

/// `draft --write` killed while Claude answers: the file is as it was and no
/// temporary file is left; run again, it writes the whole file.
#[test]
fn draft_write_killed_mid_draft_leaves_the_file_whole() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("f-cli-kill", &doc, &claude(&f.server.url()));
    let before = snapshot(&dir);
    f.server.push(Reply::Hang);
    let mut cli = std::process::Command::new(env!("CARGO_BIN_EXE_postmortem-lsp"))
        .arg("draft")
        .arg(dir.join("postmortem.yaml"))
        .args(["--section", "root_cause", "--write", "--yes"])
        .env("ANTHROPIC_API_KEY", KEY)
        .env_remove("ANTHROPIC_BASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    f.wait_requests(1);
    cli.kill().expect("kill");
    let _ = cli.wait();
    assert_eq!(
        snapshot(&dir),
        before,
        "killed mid-draft, yet the workspace changed"
    );

    f.server.push(Reply::text(answer("root_cause")));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_postmortem-lsp"))
        .arg("draft")
        .arg(dir.join("postmortem.yaml"))
        .args(["--section", "root_cause", "--write", "--yes"])
        .env("ANTHROPIC_API_KEY", KEY)
        .env_remove("ANTHROPIC_BASE_URL")
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("postmortem.yaml")).expect("read"),
        EXAMPLE
    );
    let names: Vec<String> = snapshot(&dir)
        .iter()
        .map(|(p, _)| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

/// `write_atomically` (used by `draft --write` and `new`): a reader never sees
/// a partial file while it is replaced again and again, and a failed rename
/// leaves no temporary file behind.
#[test]
fn files_are_replaced_whole_or_not_at_all() {
    let dir = workspace("f-atomic", &[]);
    let path = dir.join("postmortem.yaml");
    let a = "a".repeat(300_000);
    let b = format!("{}\n", "b".repeat(500_000));
    std::fs::write(&path, &a).expect("write");
    let writer = {
        let (path, a, b) = (path.clone(), a.clone(), b.clone());
        std::thread::spawn(move || {
            for i in 0..100 {
                let t = if i % 2 == 0 { &b } else { &a };
                postmortem_lsp::cli::write_atomically(&path, t).expect("write");
            }
        })
    };
    let mut reads = 0;
    while !writer.is_finished() && reads < 5000 {
        let t = std::fs::read_to_string(&path).expect("read");
        assert!(t == a || t == b, "a partial file of {} bytes", t.len());
        reads += 1;
    }
    writer.join().expect("writer");
    // The target is a folder: the rename fails, no temporary file is left.
    let folder = dir.join("folder.yaml");
    std::fs::create_dir_all(folder.join("inside")).expect("mkdir");
    assert!(postmortem_lsp::cli::write_atomically(&folder, "x").is_err());
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    let _ = file_uri(&dir);
}

//! A minimal, blocking LSP client for tests: Content-Length framing, request
//! ids, automatic answers to server requests, and waiting for notifications.
#![allow(dead_code)]

pub mod corpus;
pub mod fake_claude;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Generous: only to stop a broken test from hanging, never a performance bound.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Answers `workspace/applyEdit` like an editor would: given the params and a
/// way to send messages to the server (e.g. the resulting didChange), returns
/// the result (`{"applied": …}`).
pub type ApplyEditHook = Box<dyn FnMut(&Value, &dyn Fn(&Value)) -> Value + Send>;

pub struct Client {
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    rx: Receiver<(Value, Instant)>,
    next_id: i64,
    /// Notifications and server requests seen so far, in order.
    pub seen: Vec<Value>,
    /// When the message [`Client::wait_for`] last returned arrived: read off
    /// the pipe, before this client parsed it (`None` when it had already
    /// been seen, its arrival not kept).
    pub arrived: Option<Instant>,
    pub child: Option<std::process::Child>,
    /// Answers to `workspace/configuration`.
    pub settings: Arc<Mutex<Value>>,
    /// Every message the server sent (notifications, requests, responses), in
    /// order, never consumed: `$/progress`, `workspace/applyEdit` params, logs.
    pub log: Arc<Mutex<Vec<Value>>>,
    /// Answers to `window/showMessageRequest`, in order (the title of the
    /// action to pick, or `None` to dismiss); dismissed once they run out.
    pub choices: Arc<Mutex<std::collections::VecDeque<Option<String>>>>,
    /// While false, `window/showMessageRequest` is not answered yet.
    pub answer_choices: Arc<std::sync::atomic::AtomicBool>,
    /// The spawned server's stderr (see [`Client::spawn_with_env`]).
    pub stderr: Arc<Mutex<Vec<u8>>>,
    /// When set, answers `workspace/applyEdit` (else `{"applied": true}`).
    pub apply_edit: Arc<Mutex<Option<ApplyEditHook>>>,
}

pub fn write_msg(w: &mut dyn Write, v: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(v)?;
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(&body)?;
    w.flush()
}

/// Reads one message; returns it with the instant its last byte was read
/// (before it is parsed: the benchmarks time the server, not this client).
pub fn read_msg(r: &mut dyn BufRead) -> Option<(Value, Instant)> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).ok()?;
    let at = Instant::now();
    serde_json::from_slice(&buf).ok().map(|v| (v, at))
}

impl Client {
    pub fn new(reader: Box<dyn Read + Send>, writer: Box<dyn Write + Send>) -> Client {
        let (tx, rx) = channel();
        let writer: Arc<Mutex<Box<dyn Write + Send>>> = Arc::new(Mutex::new(writer));
        let settings = Arc::new(Mutex::new(json!({})));
        let log: Arc<Mutex<Vec<Value>>> = Arc::new(Mutex::new(Vec::new()));
        let choices: Arc<Mutex<std::collections::VecDeque<Option<String>>>> =
            Arc::new(Mutex::new(std::collections::VecDeque::new()));
        let answer_choices = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let apply_edit: Arc<Mutex<Option<ApplyEditHook>>> = Arc::new(Mutex::new(None));
        let hook2 = apply_edit.clone();
        let w2 = writer.clone();
        let s2 = settings.clone();
        let (log2, choices2, answer2) = (log.clone(), choices.clone(), answer_choices.clone());
        std::thread::spawn(move || {
            let mut r = BufReader::new(reader);
            while let Some((msg, at)) = read_msg(&mut r) {
                if let Ok(mut l) = log2.lock() {
                    l.push(msg.clone());
                }
                // A choice is answered from its own thread, once allowed.
                if msg["method"] == "window/showMessageRequest" && msg.get("id").is_some() {
                    let pick = choices2
                        .lock()
                        .ok()
                        .and_then(|mut c| c.pop_front())
                        .flatten();
                    let (w3, gate, id) = (w2.clone(), answer2.clone(), msg["id"].clone());
                    std::thread::spawn(move || {
                        let deadline = Instant::now() + PATIENCE;
                        while !gate.load(std::sync::atomic::Ordering::SeqCst)
                            && Instant::now() < deadline
                        {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        let result = pick.map_or(Value::Null, |t| json!({"title": t}));
                        if let Ok(mut w) = w3.lock() {
                            let _ = write_msg(
                                &mut **w,
                                &json!({"jsonrpc": "2.0", "id": id, "result": result}),
                            );
                        }
                    });
                } else if msg.get("id").is_some() && msg.get("method").is_some() {
                    // Answer server→client requests so the server never waits on us.
                    let method = msg["method"].as_str().unwrap_or("");
                    let result = match method {
                        "workspace/configuration" => {
                            let n = msg["params"]["items"].as_array().map_or(1, |a| a.len());
                            let s = s2.lock().map(|s| s.clone()).unwrap_or(Value::Null);
                            json!((0..n).map(|_| s.clone()).collect::<Vec<_>>())
                        }
                        "workspace/applyEdit" => {
                            let w4 = w2.clone();
                            let send = move |m: &Value| {
                                if let Ok(mut w) = w4.lock() {
                                    let _ = write_msg(&mut **w, m);
                                }
                            };
                            match hook2.lock().ok().as_mut().and_then(|h| h.as_mut()) {
                                Some(h) => h(&msg["params"], &send),
                                None => json!({"applied": true}),
                            }
                        }
                        _ => Value::Null,
                    };
                    if let Ok(mut w) = w2.lock() {
                        let _ = write_msg(
                            &mut **w,
                            &json!({"jsonrpc": "2.0", "id": msg["id"], "result": result}),
                        );
                    }
                }
                if tx.send((msg, at)).is_err() {
                    break;
                }
            }
        });
        Client {
            writer,
            rx,
            next_id: 1,
            seen: Vec::new(),
            arrived: None,
            child: None,
            settings,
            log,
            choices,
            answer_choices,
            stderr: Arc::new(Mutex::new(Vec::new())),
            apply_edit,
        }
    }

    /// Closes the server's input (as a client that crashed would), keeping
    /// the session's output readable.
    pub fn close_input(&mut self) {
        if let Ok(mut w) = self.writer.lock() {
            *w = Box::new(std::io::sink());
        }
    }

    /// Spawns the built binary with extra environment variables (and some
    /// removed), capturing its stderr in [`Client::stderr`].
    pub fn spawn_with_env(
        bin: &str,
        args: &[&str],
        env: &[(&str, &str)],
        remove: &[&str],
    ) -> Client {
        let mut cmd = std::process::Command::new(bin);
        cmd.args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for k in remove {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn the server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let mut c = Client::new(Box::new(stdout), Box::new(stdin));
        let sink = c.stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.extend_from_slice(&buf[..n]);
                }
            }
        });
        c.child = Some(child);
        c
    }

    /// Every message received so far with this method.
    pub fn logged(&self, method: &str) -> Vec<Value> {
        self.log
            .lock()
            .map(|l| {
                l.iter()
                    .filter(|m| m["method"] == method)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Like [`Client::initialize`], with `initializationOptions`.
    pub fn initialize_with(&mut self, root: &Path, extra_caps: Value, options: Value) -> Value {
        let mut caps = json!({
            "general": {"positionEncodings": []},
            "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}, "publishDiagnostics": {}},
            "workspace": {"configuration": true, "workspaceFolders": true},
            "window": {"workDoneProgress": true}
        });
        merge(&mut caps, &extra_caps);
        let root_uri = file_uri(root);
        let r = self.request("initialize", json!({"processId": null, "rootUri": root_uri, "capabilities": caps, "workspaceFolders": [{"uri": root_uri, "name": "ws"}], "initializationOptions": options}));
        self.notify("initialized", json!({}));
        r
    }

    /// Spawns the built binary.
    pub fn spawn(bin: &str, args: &[&str]) -> Client {
        let mut child = std::process::Command::new(bin)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn the server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let mut c = Client::new(Box::new(stdout), Box::new(stdin));
        c.child = Some(child);
        c
    }

    /// Runs the server in this process over a socket pair.
    pub fn in_process() -> Client {
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().expect("socketpair");
        theirs.set_nonblocking(true).expect("nonblocking");
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let s = tokio::net::UnixStream::from_std(theirs).expect("tokio stream");
                let (r, w) = s.into_split();
                postmortem_lsp::lsp::serve(r, w).await;
            });
        });
        let r = ours.try_clone().expect("clone");
        Client::new(Box::new(r), Box::new(ours))
    }

    pub fn send(&mut self, v: Value) {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        write_msg(&mut **w, &v).expect("write to server");
    }

    /// Writes bytes to the server as they are (for malformed-message tests).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(bytes).expect("write to server");
        w.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let msg = self
                .recv_until(deadline)
                .unwrap_or_else(|| panic!("no response to {method}"));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.seen.push(msg);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_full(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    fn recv_until(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        let (msg, at) = self.rx.recv_timeout(left).ok()?;
        self.arrived = Some(at);
        Some(msg)
    }

    /// Waits for a notification (or server request) matching `pred`, looking at
    /// those already seen first (and consuming the one returned).
    pub fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .seen
            .iter()
            .position(|m| m["method"] == method && pred(&m["params"]))
        {
            self.arrived = None;
            return self.seen.remove(i)["params"].clone();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let msg = self
                .recv_until(deadline)
                .unwrap_or_else(|| panic!("no {method} arrived; seen: {:?}", self.seen));
            if msg["method"] == method && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            self.seen.push(msg);
        }
    }

    /// From `t` to the arrival of the message last waited for (or to now,
    /// when it had arrived earlier): what the benchmarks report.
    pub fn since(&self, t: Instant) -> Duration {
        self.arrived
            .filter(|&a| a >= t)
            .map_or_else(|| t.elapsed(), |a| a - t)
    }

    /// The next publishDiagnostics for `uri` with at least `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let p = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"].as_i64().unwrap_or(-1) >= version
        });
        p["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    pub fn initialize(&mut self, root: &Path, encodings: &[&str], extra_caps: Value) -> Value {
        let mut caps = json!({
            "general": {"positionEncodings": encodings},
            "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}, "publishDiagnostics": {}},
            "workspace": {"configuration": true, "workspaceFolders": true},
            "window": {"workDoneProgress": true}
        });
        merge(&mut caps, &extra_caps);
        let root_uri = file_uri(root);
        let r = self.request("initialize", json!({"processId": null, "rootUri": root_uri, "capabilities": caps, "workspaceFolders": [{"uri": root_uri, "name": "ws"}]}));
        self.notify("initialized", json!({}));
        r
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = file_uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        uri
    }

    pub fn shutdown(mut self) {
        let _ = self.request_full("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(mut c) = self.child.take() {
            let deadline = Instant::now() + PATIENCE;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = c.kill();
            panic!("server did not exit after `exit`");
        }
    }
}

/// A spawned server still running when its client goes away (a test that
/// failed before `shutdown`) is killed, so that no server outlives the test.
impl Drop for Client {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            if let Ok(None) = c.try_wait() {
                let _ = c.kill();
            }
            let _ = c.wait();
        }
    }
}

fn merge(a: &mut Value, b: &Value) {
    if let (Some(ao), Some(bo)) = (a.as_object_mut(), b.as_object()) {
        for (k, v) in bo {
            match ao.get_mut(k) {
                Some(x) if x.is_object() && v.is_object() => merge(x, v),
                _ => {
                    ao.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

pub fn file_uri(p: &Path) -> String {
    let s = p.to_string_lossy();
    let mut out = String::from("file://");
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A fresh workspace folder under the target dir, with the given files.
pub fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pm-ws-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join(".postmortem-lsp.toml"), "").expect("config");
    for (f, t) in files {
        let p = dir.join(f);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, t).expect("write");
    }
    std::fs::canonicalize(&dir).expect("canonical")
}

/// (line, character) of the first occurrence of `needle` in `text`, in UTF-16 or UTF-8 units.
pub fn pos_of(text: &str, needle: &str, utf8: bool) -> (u64, u64) {
    let off = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..off].matches('\n').count() as u64;
    let col = if utf8 {
        (off - line_start) as u64
    } else {
        text[line_start..off].encode_utf16().count() as u64
    };
    (line, col)
}

/// Byte offset of an LSP position (UTF-16 columns).
pub fn offset(text: &str, line: u64, col: u64) -> usize {
    let mut start = 0;
    for _ in 0..line {
        start += text[start..]
            .find('\n')
            .map_or(text.len() - start, |i| i + 1);
    }
    let mut units = 0u64;
    for (i, ch) in text[start..].char_indices() {
        if units >= col || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16() as u64;
    }
    text.len()
}

/// Types like an editor: alternately inserts and deletes one character at
/// (line, col), waiting for the diagnostics of each version; returns the
/// latencies from `didChange` to that version's `publishDiagnostics`.
pub fn type_edits(c: &mut Client, uri: &str, line: u64, col: u64, edits: usize) -> Vec<Duration> {
    let mut lat = Vec::with_capacity(edits);
    for k in 0..edits {
        let v = 2 + k as i64;
        let end = if k % 2 == 0 { col } else { col + 1 };
        let text = if k % 2 == 0 { "x" } else { "" };
        let change = json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}}, "text": text});
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]}),
        );
        c.diagnostics(uri, v);
        lat.push(c.since(t));
        c.seen.clear();
    }
    lat
}

/// ~130 lines: the example's sections up to the first top-level key after
/// line 125 (the small document of the typing benchmarks).
pub fn first_sections(example: &str) -> &str {
    let end = example
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
    &example[..end]
}

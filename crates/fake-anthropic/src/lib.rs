//! A fake Anthropic Messages API for tests: a small hand-written HTTP/1.1
//! server on `127.0.0.1` that answers `POST …/v1/messages` with scripted
//! replies (realistic SSE streams, error statuses, error events, hangs,
//! truncated or garbage streams) and records every request.
//!
//! One request per connection (`connection: close`). Replies are taken from
//! a FIFO; **when it is empty, the default reply is a successful stream with
//! the text `ok`** (change it with [`FakeAnthropic::set_default_reply`]).
//! Requests to other paths get a 404 `not_found_error` and do not use up a
//! reply.
//!
//! **It holds requests to the documented contract** (see [`crate::contract`]
//! for what each check mirrors): a body the real API would refuse (missing
//! `max_tokens`, an empty text block, more than 4 `cache_control`
//! breakpoints, sampling parameters a model refuses, unsupported schema
//! keywords, a prompt longer than the context window) gets the documented
//! 400 `invalid_request_error` body and does not use up a reply. Streams
//! report `usage` from a simulated prompt cache ([`crate::contract::PromptCache`])
//! unless a reply sets it. `POST /v1/messages/count_tokens` answers
//! `{"input_tokens": N}` (switch it off with
//! [`FakeAnthropic::set_count_tokens_available`] to act like a gateway without
//! it); those requests are listed by [`FakeAnthropic::count_requests`], not
//! [`FakeAnthropic::requests`]. Everything is bounded: request heads (64 KiB), bodies (32 MiB,
//! answered with 413 above that), concurrent connections (64), hangs (5 min).
//!
//! The same scripts load from JSON ([`Script::from_json`]) for the
//! `fake-anthropic` binary. `Reply` uses serde's external tagging, e.g.
//! `[{"stream": {"text": "hi", "chunking": {"every": 3}}}, {"status": {"code": 529}}, "hang"]`.

pub mod contract;

use std::collections::VecDeque;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 32 * 1024 * 1024;
const MAX_CONNECTIONS: usize = 64;
const MAX_HANG: Duration = Duration::from_secs(300);
const READ_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Token counts a scripted stream reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FakeUsage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_input_tokens: u64,
    pub cache_read_input_tokens: u64,
}

impl Default for FakeUsage {
    fn default() -> Self {
        FakeUsage {
            input_tokens: 100,
            output_tokens: 10,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
        }
    }
}

/// How the bytes of a streamed body are cut into writes (HTTP chunks).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chunking {
    /// One write per event (the usual case).
    #[default]
    PerEvent,
    /// One write for the whole body.
    Whole,
    /// Writes of `n` bytes (splits events and UTF-8 characters anywhere).
    Every(usize),
    /// Split at these byte offsets of the body.
    At(Vec<usize>),
    /// Split inside every multi-byte UTF-8 character and between every
    /// `\r` and `\n`.
    Awkward,
}

/// Line ends used in the event stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEnding {
    #[default]
    Lf,
    CrLf,
    Cr,
}

/// A successful streamed answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StreamReply {
    pub text: String,
    /// `None`: computed from the request by the simulated prompt cache, with
    /// one output token per 4 bytes of `text`.
    pub usage: Option<FakeUsage>,
    pub chunking: Chunking,
    /// Pause between writes, in milliseconds.
    pub delay_ms: u64,
    /// Characters per `text_delta`.
    pub delta_chars: usize,
    pub stop_reason: String,
    pub line_ending: LineEnding,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
    pub model: String,
}

impl Default for StreamReply {
    fn default() -> Self {
        StreamReply {
            text: "ok".into(),
            usage: None,
            chunking: Chunking::PerEvent,
            delay_ms: 0,
            delta_chars: 5,
            stop_reason: "end_turn".into(),
            line_ending: LineEnding::Lf,
            headers: Vec::new(),
            model: "claude-sonnet-4-6".into(),
        }
    }
}

fn default_error_kind() -> String {
    "overloaded_error".into()
}

fn default_error_message() -> String {
    "Overloaded".into()
}

/// One scripted reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// 200 with a complete, realistic event stream.
    Stream(StreamReply),
    /// Any status with a body (e.g. 429 with `retry-after`, 529 overloaded).
    /// `content-type: application/json` unless given in `headers`.
    Status {
        code: u16,
        #[serde(default)]
        headers: Vec<(String, String)>,
        #[serde(default)]
        body: String,
    },
    /// 200, the start of a stream (with `text_before`), then an `error` event.
    ErrorEvent {
        #[serde(default)]
        text_before: String,
        #[serde(default = "default_error_kind")]
        kind: String,
        #[serde(default = "default_error_message")]
        message: String,
    },
    /// 200 headers, then nothing until the client goes away.
    Hang,
    /// Some events with `text`, then the end of the body without
    /// `message_stop`; `abrupt` closes the socket mid-body instead.
    CloseEarly {
        #[serde(default)]
        text: String,
        #[serde(default)]
        abrupt: bool,
    },
    /// 200 `text/event-stream` whose body is not an event stream.
    Garbage {
        #[serde(default)]
        body: String,
    },
    /// These bytes verbatim as the whole response, then close.
    Raw(Vec<u8>),
    /// 200 `text/event-stream` with this recorded event-stream body, cut
    /// into HTTP chunks as `chunking` says (for transcript tests).
    Transcript {
        body: String,
        #[serde(default)]
        chunking: Chunking,
    },
}

impl Reply {
    /// A successful stream of `text`.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply::Stream(StreamReply {
            text: text.into(),
            ..StreamReply::default()
        })
    }

    /// An Anthropic error body with this status, type and message.
    pub fn api_error(code: u16, kind: &str, message: &str) -> Reply {
        Reply::Status {
            code,
            headers: Vec::new(),
            body: error_body(kind, message),
        }
    }

    /// 429 `rate_limit_error`, with `retry-after` when given.
    pub fn rate_limited(retry_after: Option<&str>) -> Reply {
        Reply::Status {
            code: 429,
            headers: retry_after
                .map(|r| vec![("retry-after".to_string(), r.to_string())])
                .unwrap_or_default(),
            body: error_body(
                "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit",
            ),
        }
    }

    /// 529 `overloaded_error`, with `retry-after` when given.
    pub fn overloaded(retry_after: Option<&str>) -> Reply {
        Reply::Status {
            code: 529,
            headers: retry_after
                .map(|r| vec![("retry-after".to_string(), r.to_string())])
                .unwrap_or_default(),
            body: error_body("overloaded_error", "Overloaded"),
        }
    }
}

fn error_body(kind: &str, message: &str) -> String {
    json!({"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_fake_error"}).to_string()
}

/// A script: replies in order, and what to answer once they run out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Script {
    pub replies: Vec<Reply>,
    #[serde(default)]
    pub default: Option<Reply>,
}

impl Script {
    /// Either a JSON list of replies or `{"replies": [...], "default": reply}`.
    pub fn from_json(text: &str) -> Result<Script, String> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum File {
            List(Vec<Reply>),
            Full(Script),
        }
        match serde_json::from_str::<File>(text) {
            Ok(File::List(replies)) => Ok(Script {
                replies,
                default: None,
            }),
            Ok(File::Full(s)) => Ok(s),
            Err(e) => Err(format!(
                "the script is not a list of replies or {{\"replies\": [...]}}: {e}"
            )),
        }
    }
}

/// A request as the fake server received it. Header names are lowercase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// One JSON line for `--record` files: `method`, `path`, `headers` (an
    /// object; the last value wins), `body` (text) and `json` (parsed or null).
    pub fn to_json_line(&self) -> String {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        json!({
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "body": String::from_utf8_lossy(&self.body),
            "json": self.json(),
        })
        .to_string()
    }
}

struct State {
    cache: Mutex<crate::contract::PromptCache>,
    usages: Mutex<Vec<FakeUsage>>,
    count_requests: Mutex<Vec<RecordedRequest>>,
    count_tokens_available: std::sync::atomic::AtomicBool,
    replies: Mutex<VecDeque<Reply>>,
    default_reply: Mutex<Reply>,
    requests: Mutex<Vec<RecordedRequest>>,
    record: Option<Mutex<std::fs::File>>,
    closed_early: AtomicUsize,
    completed: AtomicUsize,
    changed: Notify,
    next_id: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Options for [`FakeAnthropic::start_with`].
#[derive(Clone, Debug, Default)]
pub struct FakeOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Append each request as a JSON line to this file.
    pub record: Option<PathBuf>,
    pub script: Script,
}

/// The running fake server. Stops when dropped.
pub struct FakeAnthropic {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: CancellationToken,
}

impl Drop for FakeAnthropic {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl FakeAnthropic {
    /// Start on a free port of 127.0.0.1 with an empty script.
    pub async fn start() -> FakeAnthropic {
        match FakeAnthropic::start_with(FakeOptions::default()).await {
            Ok(f) => f,
            Err(e) => panic!("the fake Anthropic server could not listen on 127.0.0.1: {e}"),
        }
    }

    pub async fn start_with(opts: FakeOptions) -> std::io::Result<FakeAnthropic> {
        let listener = TcpListener::bind(("127.0.0.1", opts.port)).await?;
        let addr = listener.local_addr()?;
        let record = match &opts.record {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            )),
            None => None,
        };
        let state = Arc::new(State {
            cache: Mutex::new(crate::contract::PromptCache::default()),
            usages: Mutex::new(Vec::new()),
            count_requests: Mutex::new(Vec::new()),
            count_tokens_available: std::sync::atomic::AtomicBool::new(true),
            replies: Mutex::new(opts.script.replies.into()),
            default_reply: Mutex::new(opts.script.default.unwrap_or_else(|| Reply::text("ok"))),
            requests: Mutex::new(Vec::new()),
            record,
            closed_early: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            changed: Notify::new(),
            next_id: AtomicUsize::new(1),
        });
        let shutdown = CancellationToken::new();
        tokio::spawn(accept_loop(listener, state.clone(), shutdown.clone()));
        Ok(FakeAnthropic {
            addr,
            state,
            shutdown,
        })
    }

    /// `http://127.0.0.1:PORT` (use as `base_url`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queue a reply (first in, first out).
    pub fn push(&self, reply: Reply) {
        lock(&self.state.replies).push_back(reply);
    }

    /// What to answer when the queue is empty (a stream of `ok` by default).
    pub fn set_default_reply(&self, reply: Reply) {
        *lock(&self.state.default_reply) = reply;
    }

    /// Replies not yet used.
    pub fn pending_replies(&self) -> usize {
        lock(&self.state.replies).len()
    }

    /// Every request received so far, in order (count_tokens requests
    /// apart: see [`FakeAnthropic::count_requests`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// The `POST /v1/messages/count_tokens` requests received so far.
    pub fn count_requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.count_requests).clone()
    }

    /// Whether `/v1/messages/count_tokens` exists (default true); without
    /// it the fake answers 404 like a gateway that lacks the endpoint.
    pub fn set_count_tokens_available(&self, yes: bool) {
        self.state
            .count_tokens_available
            .store(yes, Ordering::SeqCst);
    }

    /// The `usage` of every stream the fake started, in order.
    pub fn usages(&self) -> Vec<FakeUsage> {
        lock(&self.state.usages).clone()
    }

    /// Forget the prompt cache, as if its TTL had passed.
    pub fn expire_cache(&self) {
        lock(&self.state.cache).expire_all();
    }

    /// How many replies were cut short because the client closed the
    /// connection (a cancelled stream, a client timeout on a hang, …).
    pub fn connections_closed_early(&self) -> usize {
        self.state.closed_early.load(Ordering::SeqCst)
    }

    /// How many replies were written completely.
    pub fn replies_completed(&self) -> usize {
        self.state.completed.load(Ordering::SeqCst)
    }

    /// Wait until at least `n` connections were closed early, or `within`
    /// passes. Returns whether it happened.
    pub async fn wait_closed_early(&self, n: usize, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.state.changed.notified();
            if self.connections_closed_early() >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.connections_closed_early() >= n;
            }
        }
    }

    /// Stop accepting and end hanging replies (also done on drop).
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, shutdown: CancellationToken) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => return,
            a = listener.accept() => a,
        };
        let Ok((sock, _)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            drop(sock); // too many connections at once
            continue;
        };
        let state = state.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let _permit = permit;
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = serve(sock, &state, &shutdown) => {}
            }
        });
    }
}

enum Outcome {
    Completed,
    ClosedEarly,
}

async fn serve(mut sock: TcpStream, state: &State, shutdown: &CancellationToken) {
    let _ = sock.set_nodelay(true);
    let req = match tokio::time::timeout(READ_REQUEST_TIMEOUT, read_request(&mut sock)).await {
        Ok(Ok(r)) => r,
        Ok(Err(Some(status))) => {
            let (code, kind, msg) = status;
            let _ = write_status(&mut sock, code, &[], &error_body(kind, msg), 0).await;
            return;
        }
        _ => return,
    };
    let id = state.next_id.fetch_add(1, Ordering::SeqCst);
    let path = req.path.split('?').next().unwrap_or("").to_string();
    let is_messages = req.method == "POST" && path.ends_with("/v1/messages");
    let is_count = req.method == "POST" && path.ends_with("/v1/messages/count_tokens");
    if let Some(file) = &state.record {
        // One write per request, newline included, so that a reader never
        // sees a newline before the line it ends is whole.
        let mut line = req.to_json_line();
        line.push('\n');
        let mut f = lock(file);
        let _ = f.write_all(line.as_bytes());
        let _ = f.flush();
    }
    if is_count {
        let body = req.body.clone();
        lock(&state.count_requests).push(req);
        let reply = if !state.count_tokens_available.load(Ordering::SeqCst) {
            Reply::api_error(404, "not_found_error", "Not found")
        } else {
            match crate::contract::validate(&body, true) {
                Err(r) => Reply::api_error(r.status, r.kind, &r.message),
                Ok(v) => Reply::Status {
                    code: 200,
                    headers: Vec::new(),
                    body: json!({"input_tokens": crate::contract::input_tokens(&v)}).to_string(),
                },
            }
        };
        let outcome = play(&mut sock, reply, id, shutdown).await;
        finish(&mut sock, state, outcome).await;
        return;
    }
    let checked = is_messages.then(|| crate::contract::validate(&req.body, false));
    lock(&state.requests).push(req);
    let reply = match checked {
        None => Reply::api_error(404, "not_found_error", "Not found"),
        Some(Err(r)) => Reply::api_error(r.status, r.kind, &r.message),
        Some(Ok(body)) => {
            let window = crate::contract::model_facts(
                body.get("model").and_then(Value::as_str).unwrap_or(""),
            )
            .context_window;
            let total = crate::contract::input_tokens(&body);
            if total > window {
                Reply::api_error(
                    400,
                    "invalid_request_error",
                    &format!("prompt is too long: {total} tokens > {window} maximum"),
                )
            } else {
                let queued = lock(&state.replies).pop_front();
                let reply = queued.unwrap_or_else(|| lock(&state.default_reply).clone());
                with_usage(reply, &body, state)
            }
        }
    };
    let outcome = play(&mut sock, reply, id, shutdown).await;
    finish(&mut sock, state, outcome).await;
}

/// Fill in a stream's `usage` from the simulated prompt cache (only replies
/// that start a stream read or write the cache, as a refused request does
/// not reach the model).
fn with_usage(reply: Reply, body: &Value, state: &State) -> Reply {
    let cached = |text: &str| {
        let u = lock(&state.cache).apply(body, std::time::Instant::now());
        FakeUsage {
            input_tokens: u.input_tokens,
            output_tokens: crate::contract::fake_tokens(text).max(1),
            cache_creation_input_tokens: u.cache_creation_input_tokens,
            cache_read_input_tokens: u.cache_read_input_tokens,
        }
    };
    match reply {
        Reply::Stream(mut r) => {
            let u = r.usage.clone().unwrap_or_else(|| cached(&r.text));
            lock(&state.usages).push(u.clone());
            r.usage = Some(u);
            Reply::Stream(r)
        }
        other => other,
    }
}

async fn finish(sock: &mut TcpStream, state: &State, outcome: Outcome) {
    match outcome {
        Outcome::Completed => {
            let _ = sock.shutdown().await;
            state.completed.fetch_add(1, Ordering::SeqCst);
        }
        Outcome::ClosedEarly => {
            state.closed_early.fetch_add(1, Ordering::SeqCst);
        }
    }
    state.changed.notify_waiters();
}

type Refusal = (u16, &'static str, &'static str);

async fn read_request(sock: &mut TcpStream) -> Result<RecordedRequest, Option<Refusal>> {
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(Some((
                431,
                "invalid_request_error",
                "Request headers are too large",
            )));
        }
        let mut chunk = [0u8; 8192];
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    for line in lines.take(200) {
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if get("transfer-encoding").is_some() {
        return Err(Some((
            411,
            "invalid_request_error",
            "Send a content-length, not a chunked body",
        )));
    }
    let len: usize = match get("content-length").map(str::parse) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return Err(Some((400, "invalid_request_error", "Bad content-length"))),
    };
    if len > MAX_BODY {
        return Err(Some((
            413,
            "request_too_large",
            "Request exceeds the maximum allowed number of bytes.",
        )));
    }
    let mut body = buf[head_end + 4..].to_vec();
    body.truncate(len);
    while body.len() < len {
        let mut chunk = vec![0u8; (len - body.len()).min(64 * 1024)];
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(None),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(RecordedRequest {
        method,
        path,
        headers,
        body,
    })
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "Status",
    }
}

fn has_header(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
}

async fn write_status(
    sock: &mut TcpStream,
    code: u16,
    headers: &[(String, String)],
    body: &str,
    id: usize,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {code} {}\r\n", reason(code));
    if !has_header(headers, "content-type") {
        head.push_str("content-type: application/json\r\n");
    }
    if !has_header(headers, "request-id") {
        head.push_str(&format!("request-id: req_fake_{id}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(body.as_bytes()).await?;
    sock.flush().await
}

async fn write_stream_head(
    sock: &mut TcpStream,
    id: usize,
    extra: &[(String, String)],
) -> std::io::Result<()> {
    let mut head =
        String::from("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n");
    head.push_str("cache-control: no-cache\r\ntransfer-encoding: chunked\r\nconnection: close\r\n");
    if !has_header(extra, "request-id") {
        head.push_str(&format!("request-id: req_fake_{id}\r\n"));
    }
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    sock.write_all(head.as_bytes()).await?;
    sock.flush().await
}

async fn write_chunk(sock: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut out = format!("{:x}\r\n", bytes.len()).into_bytes();
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
    sock.write_all(&out).await?;
    sock.flush().await
}

/// Sleep for `ms`, but return `false` early if the client closes.
async fn pause(sock: &mut TcpStream, ms: u64) -> bool {
    let sleep = tokio::time::sleep(Duration::from_millis(ms));
    tokio::pin!(sleep);
    let mut buf = [0u8; 1024];
    loop {
        tokio::select! {
            _ = &mut sleep => return true,
            r = sock.read(&mut buf) => match r {
                Ok(0) | Err(_) => return false,
                Ok(_) => {} // ignore anything else the client sends
            },
        }
    }
}

/// Build the SSE text of one event.
fn event(name: &str, data: &Value, le: &str) -> String {
    format!("event: {name}{le}data: {data}{le}{le}")
}

/// The events of a stream: message_start … deltas (with a ping halfway) …
/// and, when `complete`, content_block_stop, message_delta, message_stop.
fn stream_events(r: &StreamReply, id: usize, complete: bool) -> Vec<String> {
    let le = match r.line_ending {
        LineEnding::Lf => "\n",
        LineEnding::CrLf => "\r\n",
        LineEnding::Cr => "\r",
    };
    let u = r.usage.clone().unwrap_or_default();
    let mut out = vec![
        event(
            "message_start",
            &json!({"type": "message_start", "message": {
                "id": format!("msg_fake_{id}"), "type": "message", "role": "assistant", "model": r.model,
                "content": [], "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": u.input_tokens, "cache_creation_input_tokens": u.cache_creation_input_tokens,
                          "cache_read_input_tokens": u.cache_read_input_tokens, "output_tokens": 1}}}),
            le,
        ),
        event(
            "content_block_start",
            &json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            le,
        ),
    ];
    let chars: Vec<char> = r.text.chars().collect();
    let pieces: Vec<String> = chars
        .chunks(r.delta_chars.max(1))
        .map(|c| c.iter().collect())
        .collect();
    let ping_at = pieces.len() / 2;
    for (i, piece) in pieces.iter().enumerate() {
        if i == ping_at {
            out.push(event("ping", &json!({"type": "ping"}), le));
        }
        out.push(event(
            "content_block_delta",
            &json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}),
            le,
        ));
    }
    if pieces.is_empty() {
        out.push(event("ping", &json!({"type": "ping"}), le));
    }
    if complete {
        out.push(event(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": 0}),
            le,
        ));
        out.push(event(
            "message_delta",
            &json!({"type": "message_delta", "delta": {"stop_reason": r.stop_reason, "stop_sequence": null},
                    "usage": {"output_tokens": u.output_tokens}}),
            le,
        ));
        out.push(event("message_stop", &json!({"type": "message_stop"}), le));
    }
    out
}

/// Cut the stream's events into writes.
fn cut(events: &[String], chunking: &Chunking) -> Vec<Vec<u8>> {
    let body: Vec<u8> = events.concat().into_bytes();
    let at = |points: Vec<usize>| {
        let mut out = Vec::new();
        let mut start = 0;
        for p in points {
            if p > start && p < body.len() {
                out.push(body[start..p].to_vec());
                start = p;
            }
        }
        out.push(body[start..].to_vec());
        out
    };
    match chunking {
        Chunking::PerEvent => events.iter().map(|e| e.as_bytes().to_vec()).collect(),
        Chunking::Whole => vec![body],
        Chunking::Every(n) => body.chunks((*n).max(1)).map(<[u8]>::to_vec).collect(),
        Chunking::At(points) => {
            let mut p = points.clone();
            p.sort_unstable();
            at(p)
        }
        Chunking::Awkward => {
            let mut points = Vec::new();
            for (i, w) in body.windows(2).enumerate() {
                let inside_char = (w[1] & 0xC0) == 0x80; // next byte continues a character
                if inside_char || (w[0] == b'\r' && w[1] == b'\n') {
                    points.push(i + 1);
                }
            }
            at(points)
        }
    }
}

/// Write chunks with pauses; `false` when the client went away.
async fn send_chunks(sock: &mut TcpStream, chunks: &[Vec<u8>], delay_ms: u64) -> bool {
    for (i, c) in chunks.iter().enumerate() {
        if i > 0 && delay_ms > 0 && !pause(sock, delay_ms).await {
            return false;
        }
        if write_chunk(sock, c).await.is_err() {
            return false;
        }
    }
    true
}

async fn play(
    sock: &mut TcpStream,
    reply: Reply,
    id: usize,
    shutdown: &CancellationToken,
) -> Outcome {
    let done = |ok: bool| {
        if ok {
            Outcome::Completed
        } else {
            Outcome::ClosedEarly
        }
    };
    match reply {
        Reply::Status {
            code,
            headers,
            body,
        } => done(write_status(sock, code, &headers, &body, id).await.is_ok()),
        Reply::Raw(bytes) => done(sock.write_all(&bytes).await.is_ok()),
        Reply::Transcript { body, chunking } => {
            if write_stream_head(sock, id, &[]).await.is_err() {
                return Outcome::ClosedEarly;
            }
            // PerEvent has no events to go by here: whole body.
            let chunking = match chunking {
                Chunking::PerEvent => Chunking::Whole,
                c => c,
            };
            let chunks = cut(&[body], &chunking);
            if !send_chunks(sock, &chunks, 0).await {
                return Outcome::ClosedEarly;
            }
            done(sock.write_all(b"0\r\n\r\n").await.is_ok())
        }
        Reply::Garbage { body } => {
            let body = if body.is_empty() {
                "<html><body><h1>Welcome to nginx!</h1></body></html>\nthis is not an event stream\n\n".to_string()
            } else {
                body
            };
            let headers = vec![("content-type".to_string(), "text/event-stream".to_string())];
            done(write_status(sock, 200, &headers, &body, id).await.is_ok())
        }
        Reply::Hang => {
            if write_stream_head(sock, id, &[]).await.is_err() {
                return Outcome::ClosedEarly;
            }
            tokio::select! {
                _ = shutdown.cancelled() => Outcome::Completed,
                open = pause(sock, MAX_HANG.as_millis() as u64) => if open { Outcome::Completed } else { Outcome::ClosedEarly },
            }
        }
        Reply::Stream(r) => {
            if write_stream_head(sock, id, &r.headers).await.is_err() {
                return Outcome::ClosedEarly;
            }
            let chunks = cut(&stream_events(&r, id, true), &r.chunking);
            if !send_chunks(sock, &chunks, r.delay_ms).await {
                return Outcome::ClosedEarly;
            }
            done(sock.write_all(b"0\r\n\r\n").await.is_ok())
        }
        Reply::ErrorEvent {
            text_before,
            kind,
            message,
        } => {
            if write_stream_head(sock, id, &[]).await.is_err() {
                return Outcome::ClosedEarly;
            }
            let r = StreamReply {
                text: text_before,
                ..StreamReply::default()
            };
            let mut events = stream_events(&r, id, false);
            events.push(event(
                "error",
                &json!({"type": "error", "error": {"type": kind, "message": message}}),
                "\n",
            ));
            if !send_chunks(sock, &cut(&events, &Chunking::PerEvent), 0).await {
                return Outcome::ClosedEarly;
            }
            done(sock.write_all(b"0\r\n\r\n").await.is_ok())
        }
        Reply::CloseEarly { text, abrupt } => {
            if write_stream_head(sock, id, &[]).await.is_err() {
                return Outcome::ClosedEarly;
            }
            let r = StreamReply {
                text,
                ..StreamReply::default()
            };
            if !send_chunks(
                sock,
                &cut(&stream_events(&r, id, false), &Chunking::PerEvent),
                0,
            )
            .await
            {
                return Outcome::ClosedEarly;
            }
            if abrupt {
                // Half an HTTP chunk, then close: the body is cut mid-frame.
                let _ = sock.write_all(b"40\r\nevent: content_block_delta\n").await;
                Outcome::Completed
            } else {
                done(sock.write_all(b"0\r\n\r\n").await.is_ok())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_forms() {
        let s = Script::from_json(
            r#"[{"stream": {"text": "hi", "chunking": {"every": 3}}}, {"status": {"code": 529}}, "hang", {"raw": [72, 84]}]"#,
        )
        .unwrap();
        assert_eq!(s.replies.len(), 4);
        assert!(
            matches!(&s.replies[0], Reply::Stream(r) if r.text == "hi" && r.chunking == Chunking::Every(3) && r.delta_chars == 5)
        );
        assert_eq!(s.replies[2], Reply::Hang);
        let s = Script::from_json(
            r#"{"replies": [{"close_early": {"text": "x"}}], "default": {"garbage": {}}}"#,
        )
        .unwrap();
        assert_eq!(s.replies.len(), 1);
        assert_eq!(
            s.default,
            Some(Reply::Garbage {
                body: String::new()
            })
        );
        assert!(Script::from_json("{\"nope\": 1}").is_err());
    }

    #[test]
    fn awkward_cuts_inside_characters() {
        let r = StreamReply {
            text: "時🚒".into(),
            line_ending: LineEnding::CrLf,
            ..StreamReply::default()
        };
        let events = stream_events(&r, 1, true);
        let chunks = cut(&events, &Chunking::Awkward);
        assert_eq!(chunks.concat(), events.concat().into_bytes());
        assert!(chunks.iter().any(|c| std::str::from_utf8(c).is_err()));
        assert!(chunks.iter().any(|c| c.ends_with(b"\r")));
    }
}

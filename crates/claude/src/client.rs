//! The streaming Messages API client.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::config::{ApiKey, ClaudeConfig};
use super::error::{ApiErrorInfo, ClaudeError, MAX_RETRY_AFTER_S};
use super::sse::{SseEvent, SseParser};

/// The `anthropic-version` header sent with every request.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// Longest exponential backoff between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Retries are bounded whatever the configuration says.
const MAX_RETRIES_CAP: u32 = 10;
/// How much of an error body is read.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// How long an API error message may be in a user message.
const MAX_API_MESSAGE_CHARS: usize = 400;
/// Progress is reported at most once per this many new characters.
const PROGRESS_EVERY_CHARS: usize = 64;

/// Token counts of one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_input_tokens: u64,
    pub cache_read_input_tokens: u64,
}

/// A completed answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageOutcome {
    /// All text blocks, concatenated.
    pub text: String,
    /// `end_turn`, `max_tokens`, `stop_sequence`, `refusal`, …
    pub stop_reason: Option<String>,
    pub usage: Usage,
    /// The `request-id` response header.
    pub request_id: Option<String>,
    /// The message id from `message_start`.
    pub message_id: Option<String>,
    /// How many retries it took (0 when the first attempt worked).
    pub retries: u32,
}

/// Progress reported while a request runs.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamProgress {
    /// The API accepted the request and the answer is streaming.
    Connected,
    /// More text arrived (reported every ~64 characters and on `message_delta`).
    Text {
        chars_so_far: usize,
        output_tokens_so_far: Option<u64>,
    },
    /// A retry will happen after `wait_s` seconds; `attempt` counts from 1.
    Retrying {
        attempt: u32,
        wait_s: f64,
        reason: String,
    },
}

/// A client for `POST /v1/messages` with streaming.
#[derive(Debug)]
pub struct ClaudeClient {
    cfg: ClaudeConfig,
    key: ApiKey,
    key_header: HeaderValue,
    http: reqwest::Client,
    endpoint: String,
    shown_base: String,
    backoff_base: Duration,
}

/// Why one attempt failed.
enum Failure {
    Final(ClaudeError),
    Retry {
        error: ClaudeError,
        retry_after_s: Option<f64>,
        reason: String,
    },
}

impl ClaudeClient {
    /// A client for `cfg`. Fails without an API key or with a malformed
    /// `base_url`. Proxies come from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`
    /// and `NO_PROXY` (reqwest reads them), except for loopback base URLs.
    pub fn new(cfg: ClaudeConfig) -> Result<Self, ClaudeError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let key = cfg.api_key.clone().ok_or(ClaudeError::NoApiKey)?;
        if cfg.temperature.is_some() && super::models::refuses_sampling(&cfg.model) {
            // Migration guide: Opus 4.7 and later answer 400 to a set temperature.
            return Err(ClaudeError::InvalidConfig(format!(
                "model `{}` does not accept `temperature`; remove `temperature` from `[claude]` in \
                 .postmortem-lsp.toml (or the `postmortem.claude.temperature` setting)",
                cfg.model
            )));
        }
        let mut key_header = HeaderValue::from_str(key.expose_secret()).map_err(|_| {
            ClaudeError::InvalidConfig(
                "the API key contains characters that cannot be sent in an HTTP header; copy it again from the \
                 Anthropic Console"
                    .into(),
            )
        })?;
        key_header.set_sensitive(true);

        let endpoint = messages_url(&cfg.base_url);
        let url = reqwest::Url::parse(&endpoint).map_err(|e| {
            ClaudeError::InvalidConfig(format!(
                "`base_url` {:?} is not a URL ({e}); set ANTHROPIC_BASE_URL or `[claude] base_url` to e.g. \
                 https://api.anthropic.com",
                key.scrub(&cfg.base_url)
            ))
        })?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(ClaudeError::InvalidConfig(format!(
                "`base_url` must start with https:// or http:// (it starts with {}://)",
                url.scheme()
            )));
        }
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        shown.set_query(None);
        let shown_base = shown.as_str().trim_end_matches("/v1/messages").to_string();
        let loopback = url.host_str().is_some_and(|h| {
            h.eq_ignore_ascii_case("localhost")
                || h.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });

        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(cfg.connect_timeout_s.max(1)))
            .user_agent(concat!("postmortem-lsp/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A proxy could not reach our loopback anyway (test servers).
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| ClaudeError::ClientInit(key.scrub(&error_detail(&e))))?;
        Ok(ClaudeClient {
            cfg,
            key,
            key_header,
            http,
            endpoint,
            shown_base,
            backoff_base: Duration::from_secs(1),
        })
    }

    /// Change the first backoff step (1 s by default; it doubles each retry,
    /// up to 30 s). Meant for tests.
    pub fn with_backoff_base(mut self, base: Duration) -> Self {
        self.backoff_base = base;
        self
    }

    pub fn config(&self) -> &ClaudeConfig {
        &self.cfg
    }

    /// The URL requests go to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Send `body` (a Messages API request; `"stream": true` is added) and
    /// collect the streamed answer, retrying what is safe to retry.
    ///
    /// `on_event` hears about progress. When `cancel` fires, the connection
    /// is dropped and `ClaudeError::Cancelled` is returned promptly.
    pub async fn stream_message(
        &self,
        body: &Value,
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(StreamProgress) + Send),
    ) -> Result<MessageOutcome, ClaudeError> {
        let Some(obj) = body.as_object() else {
            return Err(ClaudeError::InvalidConfig(
                "the request body must be a JSON object".into(),
            ));
        };
        let bytes = super::request::wire_bytes(obj).map_err(|e| {
            ClaudeError::InvalidConfig(format!("the request could not be serialized: {e}"))
        })?;
        let max_retries = self.cfg.max_retries.min(MAX_RETRIES_CAP);

        let mut retries = 0u32;
        loop {
            if cancel.is_cancelled() {
                return Err(ClaudeError::Cancelled);
            }
            match self.attempt(&bytes, cancel, on_event).await {
                Ok(mut outcome) => {
                    outcome.retries = retries;
                    return Ok(outcome);
                }
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Retry {
                    error,
                    retry_after_s,
                    reason,
                }) => {
                    if retry_after_s.is_some_and(|w| w > MAX_RETRY_AFTER_S)
                        || retries >= max_retries
                    {
                        return Err(with_retries(error, retries, retry_after_s));
                    }
                    let wait = match retry_after_s {
                        Some(w) => Duration::from_secs_f64(w + (w * 0.1).min(1.0) * jitter()),
                        None => {
                            let exp = self
                                .backoff_base
                                .saturating_mul(1u32 << retries.min(16))
                                .min(MAX_BACKOFF);
                            exp + exp.mul_f64(0.1 * jitter())
                        }
                    };
                    retries += 1;
                    on_event(StreamProgress::Retrying {
                        attempt: retries,
                        wait_s: wait.as_secs_f64(),
                        reason,
                    });
                    tokio::select! {
                        biased;
                        _ = cancel.cancelled() => return Err(ClaudeError::Cancelled),
                        _ = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
    }

    /// The input tokens of the request `body`, from
    /// `POST {base}/v1/messages/count_tokens` (token-counting docs: it takes
    /// the message body's `model`, `system`, `messages` and `tools`, and
    /// answers `{"input_tokens": N}`; it is free and rate limited separately).
    /// `None` when it could not be asked: a gateway without the endpoint, a
    /// network problem, any error status (the message request itself will
    /// report those), or cancellation. Never retried.
    pub async fn count_tokens(&self, body: &Value, cancel: &CancellationToken) -> Option<u64> {
        let obj = body.as_object()?;
        let mut req = serde_json::Map::new();
        for k in [
            "model",
            "system",
            "messages",
            "tools",
            "tool_choice",
            "thinking",
        ] {
            if let Some(v) = obj.get(k) {
                req.insert(k.to_string(), v.clone());
            }
        }
        let bytes = serde_json::to_vec(&Value::Object(req)).ok()?;
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", self.key_header.clone());
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let limit =
            Duration::from_secs(self.cfg.connect_timeout_s.max(1) + self.cfg.timeout_s.max(1));
        let url = count_tokens_url(&self.cfg.base_url);
        let fut = async {
            let resp = self
                .http
                .post(&url)
                .headers(headers)
                .body(bytes)
                .send()
                .await
                .ok()?;
            if !resp.status().is_success() {
                return None;
            }
            let body = resp.bytes().await.ok()?;
            if body.len() > MAX_ERROR_BODY {
                return None;
            }
            let v: Value = serde_json::from_slice(&body).ok()?;
            v.get("input_tokens").and_then(Value::as_u64)
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            r = tokio::time::timeout(limit, fut) => r.ok().flatten(),
        }
    }

    async fn attempt(
        &self,
        body: &[u8],
        cancel: &CancellationToken,
        on_event: &mut (dyn FnMut(StreamProgress) + Send),
    ) -> Result<MessageOutcome, Failure> {
        let idle = Duration::from_secs(self.cfg.timeout_s.max(1));
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", self.key_header.clone());
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("text/event-stream"),
        );
        let request = self
            .http
            .post(&self.endpoint)
            .headers(headers)
            .body(body.to_vec())
            .send();
        // Waiting for the response headers: connecting, then the idle limit.
        let head_limit = Duration::from_secs(self.cfg.connect_timeout_s.max(1)) + idle;
        let sent = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(Failure::Final(ClaudeError::Cancelled)),
            r = tokio::time::timeout(head_limit, request) => r,
        };
        let mut resp = match sent {
            Err(_) => {
                return Err(Failure::Final(ClaudeError::Timeout {
                    secs: self.cfg.timeout_s.max(1),
                }))
            }
            Ok(Err(e)) if e.is_connect() => {
                return Err(Failure::Retry {
                    error: ClaudeError::Connect {
                        base_url: self.shown_base.clone(),
                        detail: self.key.scrub(&error_detail(&e)),
                        retries: 0,
                    },
                    retry_after_s: None,
                    reason: "could not connect".into(),
                })
            }
            Ok(Err(e)) => {
                return Err(Failure::Final(ClaudeError::Network {
                    base_url: self.shown_base.clone(),
                    detail: self.key.scrub(&error_detail(&e)),
                }))
            }
            Ok(Ok(r)) => r,
        };
        let request_id = header_str(resp.headers(), "request-id");
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(self
                .http_failure(resp, status, request_id, cancel, idle)
                .await);
        }
        if let Some(ct) = header_str(resp.headers(), "content-type") {
            if !ct.to_ascii_lowercase().starts_with("text/event-stream") {
                return Err(Failure::Final(ClaudeError::MalformedStream(format!(
                    "expected an event stream, but the server sent `{}`",
                    truncate_chars(&ct, 80)
                ))));
            }
        }
        on_event(StreamProgress::Connected);

        let mut parser = SseParser::new();
        let mut acc = Assembler::default();
        loop {
            let next = tokio::select! {
                biased;
                _ = cancel.cancelled() => {
                    drop(resp);
                    return Err(Failure::Final(ClaudeError::Cancelled));
                }
                r = tokio::time::timeout(idle, resp.chunk()) => r,
            };
            let ended = matches!(next, Ok(Ok(None)));
            let events = match next {
                Err(_) => {
                    return Err(Failure::Final(ClaudeError::Timeout {
                        secs: self.cfg.timeout_s.max(1),
                    }))
                }
                Ok(Err(e)) => {
                    return Err(Failure::Final(ClaudeError::Network {
                        base_url: self.shown_base.clone(),
                        detail: self.key.scrub(&error_detail(&e)),
                    }))
                }
                Ok(Ok(Some(chunk))) => parser.feed(&chunk),
                Ok(Ok(None)) => parser.finish(),
            };
            let events =
                events.map_err(|e| Failure::Final(ClaudeError::MalformedStream(e.to_string())))?;
            for ev in events {
                acc.handle(ev, on_event, &self.key)
                    .map_err(|e| stream_failure(e, request_id.clone()))?;
                if cancel.is_cancelled() {
                    // Cancelled from inside `on_event`: stop here too.
                    drop(resp);
                    return Err(Failure::Final(ClaudeError::Cancelled));
                }
                if acc.done {
                    drop(resp);
                    return Ok(MessageOutcome {
                        text: acc.text,
                        stop_reason: acc.stop_reason,
                        usage: acc.usage,
                        request_id,
                        message_id: acc.message_id,
                        retries: 0,
                    });
                }
            }
            if ended {
                let why = if acc.events == 0 {
                    "the response was not an event stream of the Messages API"
                } else {
                    "the stream ended early, before the answer was complete"
                };
                return Err(Failure::Final(ClaudeError::MalformedStream(why.into())));
            }
        }
    }

    /// Turn a non-2xx answer into an error, reading (a bounded part of) its body.
    async fn http_failure(
        &self,
        mut resp: reqwest::Response,
        status: u16,
        request_id: Option<String>,
        cancel: &CancellationToken,
        idle: Duration,
    ) -> Failure {
        let retry_after_s = retry_after(resp.headers());
        let mut body = Vec::new();
        loop {
            let next = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Failure::Final(ClaudeError::Cancelled),
                r = tokio::time::timeout(idle, resp.chunk()) => r,
            };
            match next {
                Ok(Ok(Some(c))) => {
                    let room = MAX_ERROR_BODY - body.len();
                    body.extend_from_slice(&c[..c.len().min(room)]);
                    if body.len() >= MAX_ERROR_BODY {
                        break;
                    }
                }
                // The status is what matters; a body that fails to arrive is not.
                _ => break,
            }
        }
        drop(resp);
        let mut info = parse_error_body(status, &body, &self.key);
        if info.request_id.is_none() {
            info.request_id = request_id;
        }
        let retry = |error: ClaudeError, reason: &str| Failure::Retry {
            error,
            retry_after_s,
            reason: reason.into(),
        };
        match status {
            // Errors page: a spend limit set in the Console answers 400 with a
            // message starting "You have reached your specified … API usage limits".
            400 if is_spend_limit(&info) => Failure::Final(ClaudeError::SpendLimit(info)),
            400 => Failure::Final(ClaudeError::BadRequest(info)),
            401 => Failure::Final(ClaudeError::Unauthorized(info)),
            // Errors page: 402 billing_error. Retrying cannot help.
            402 => Failure::Final(ClaudeError::Billing(info)),
            403 => Failure::Final(ClaudeError::PermissionDenied(info)),
            404 if info.error_type.is_some() => Failure::Final(ClaudeError::NotFound {
                model: self.cfg.model.clone(),
                info,
            }),
            404 => Failure::Final(ClaudeError::EndpointNotFound {
                url: self.shown_base.clone(),
                info,
            }),
            413 => Failure::Final(ClaudeError::RequestTooLarge(info)),
            // Rate limits answer 429 with `retry-after` (rate-limits page); a
            // spend cap answers 429 without one and keeps failing until the
            // cap changes, so it is reported at once.
            429 if retry_after_s.is_none() || is_spend_limit(&info) => {
                Failure::Final(ClaudeError::SpendLimit(info))
            }
            429 => retry(
                ClaudeError::RateLimited {
                    info,
                    retries: 0,
                    retry_after_s: None,
                },
                "Anthropic's rate limit was reached (429)",
            ),
            529 => retry(
                ClaudeError::Overloaded {
                    info,
                    retries: 0,
                    retry_after_s: None,
                },
                "Anthropic is overloaded (529)",
            ),
            500 | 502 | 503 | 504 => {
                let reason = format!("Anthropic had a server error ({status})");
                retry(
                    ClaudeError::Server {
                        info,
                        retries: 0,
                        retry_after_s: None,
                    },
                    &reason,
                )
            }
            500..=599 => Failure::Final(ClaudeError::Server {
                info,
                retries: 0,
                retry_after_s: None,
            }),
            _ => Failure::Final(ClaudeError::UnexpectedStatus(info)),
        }
    }
}

/// Does the error say a spend (usage) limit was reached?
fn is_spend_limit(info: &ApiErrorInfo) -> bool {
    let m = info.message.as_deref().unwrap_or("").to_ascii_lowercase();
    m.contains("usage limit") || m.contains("spend limit") || m.contains("spending limit")
}

/// `{base}/v1/messages/count_tokens`.
pub fn count_tokens_url(base_url: &str) -> String {
    format!("{}/count_tokens", messages_url(base_url))
}

/// `{base}/v1/messages`, without doubled slashes; a base ending in `/v1` is
/// accepted too.
pub fn messages_url(base_url: &str) -> String {
    let base = base_url.trim().trim_end_matches('/');
    if base.ends_with("/v1") {
        format!("{base}/messages")
    } else {
        format!("{base}/v1/messages")
    }
}

/// An `error` event inside a 200 stream. Streaming docs: an
/// `overloaded_error` event is what an HTTP 529 would have been, so it is
/// retried the same way (the partial answer is dropped); an `api_error` is
/// a 500. Anything else is final.
fn stream_failure(e: ClaudeError, request_id: Option<String>) -> Failure {
    let ClaudeError::Stream { kind, message } = &e else {
        return Failure::Final(e);
    };
    let info = ApiErrorInfo {
        status: 0,
        error_type: Some(kind.clone()),
        message: Some(message.clone()).filter(|m| !m.is_empty()),
        request_id,
    };
    match kind.as_str() {
        "overloaded_error" => Failure::Retry {
            error: ClaudeError::Overloaded {
                info: ApiErrorInfo {
                    status: 529,
                    ..info
                },
                retries: 0,
                retry_after_s: None,
            },
            retry_after_s: None,
            reason: "Anthropic became overloaded while answering (529)".into(),
        },
        "api_error" => Failure::Retry {
            error: ClaudeError::Server {
                info: ApiErrorInfo {
                    status: 500,
                    ..info
                },
                retries: 0,
                retry_after_s: None,
            },
            retry_after_s: None,
            reason: "Anthropic had a server error while answering (500)".into(),
        },
        _ => Failure::Final(e),
    }
}

fn with_retries(error: ClaudeError, n: u32, wait: Option<f64>) -> ClaudeError {
    match error {
        ClaudeError::RateLimited { info, .. } => ClaudeError::RateLimited {
            info,
            retries: n,
            retry_after_s: wait,
        },
        ClaudeError::Overloaded { info, .. } => ClaudeError::Overloaded {
            info,
            retries: n,
            retry_after_s: wait,
        },
        ClaudeError::Server { info, .. } => ClaudeError::Server {
            info,
            retries: n,
            retry_after_s: wait,
        },
        ClaudeError::Connect {
            base_url, detail, ..
        } => ClaudeError::Connect {
            base_url,
            detail,
            retries: n,
        },
        other => other,
    }
}

/// A number in [0, 1), different on each call (no `rand` dependency).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() % 10_000) as f64 / 10_000.0
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| truncate_chars(s.trim(), 200))
}

/// `retry-after-ms` or `retry-after` in seconds (HTTP dates are ignored).
fn retry_after(headers: &HeaderMap) -> Option<f64> {
    let num = |name: &str| {
        header_str(headers, name)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    num("retry-after-ms")
        .map(|ms| ms / 1000.0)
        .or_else(|| num("retry-after"))
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The innermost cause of a reqwest error, e.g. "Connection refused (os error 111)".
fn error_detail(e: &reqwest::Error) -> String {
    let mut deepest: &dyn std::error::Error = e;
    while let Some(next) = deepest.source() {
        deepest = next;
    }
    let mut s = deepest.to_string();
    if e.is_timeout() && !s.contains("timed out") {
        s = format!("timed out: {s}");
    }
    truncate_chars(&s, 300)
}

/// Reads `{"type":"error","error":{"type","message"},"request_id"}`; any
/// other body contributes its first line as the message.
fn parse_error_body(status: u16, body: &[u8], key: &ApiKey) -> ApiErrorInfo {
    let mut info = ApiErrorInfo {
        status,
        ..ApiErrorInfo::default()
    };
    let clean = |s: &str| truncate_chars(&key.scrub(s.trim()), MAX_API_MESSAGE_CHARS);
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Some(err) = v.get("error").filter(|e| e.is_object()) {
            info.error_type = err.get("type").and_then(Value::as_str).map(clean);
            info.message = err.get("message").and_then(Value::as_str).map(clean);
            info.request_id = v.get("request_id").and_then(Value::as_str).map(clean);
            return info;
        }
    }
    let text = String::from_utf8_lossy(body);
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    info.message = first.map(clean);
    info
}

/// Builds the answer from the stream's events.
#[derive(Default)]
struct Assembler {
    text: String,
    chars: usize,
    reported_chars: usize,
    stop_reason: Option<String>,
    usage: Usage,
    output_tokens_known: bool,
    message_id: Option<String>,
    /// Messages API events seen (known types).
    events: usize,
    done: bool,
}

impl Assembler {
    fn handle(
        &mut self,
        ev: SseEvent,
        on_event: &mut (dyn FnMut(StreamProgress) + Send),
        key: &ApiKey,
    ) -> Result<(), ClaudeError> {
        const KNOWN: &[&str] = &[
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop",
            "ping",
            "error",
        ];
        let named = ev.event != "message";
        if named && !KNOWN.contains(&ev.event.as_str()) {
            return Ok(()); // unknown event types are ignored
        }
        let data: Value = match serde_json::from_str(&ev.data) {
            Ok(v) => v,
            Err(_) if ev.event == "ping" => return Ok(()),
            Err(_) => {
                return Err(ClaudeError::MalformedStream(format!(
                    "a `{}` event did not carry JSON",
                    truncate_chars(&ev.event, 40)
                )))
            }
        };
        let kind = if named {
            ev.event.clone()
        } else {
            data.get("type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        if !KNOWN.contains(&kind.as_str()) {
            return Ok(());
        }
        self.events += 1;
        match kind.as_str() {
            "message_start" => {
                let msg = &data["message"];
                self.message_id = msg.get("id").and_then(Value::as_str).map(str::to_string);
                self.read_usage(&msg["usage"], false);
            }
            "content_block_start" => {
                let block = &data["content_block"];
                if block.get("type").and_then(Value::as_str) == Some("text") {
                    if let Some(t) = block.get("text").and_then(Value::as_str) {
                        self.push_text(t, on_event);
                    }
                }
            }
            "content_block_delta" => {
                let delta = &data["delta"];
                if delta.get("type").and_then(Value::as_str) == Some("text_delta") {
                    let t = delta.get("text").and_then(Value::as_str).ok_or_else(|| {
                        ClaudeError::MalformedStream("a text delta had no text".into())
                    })?;
                    self.push_text(t, on_event);
                }
            }
            "message_delta" => {
                if let Some(r) = data["delta"].get("stop_reason").and_then(Value::as_str) {
                    self.stop_reason = Some(r.to_string());
                }
                self.read_usage(&data["usage"], true);
                self.report(on_event);
            }
            "message_stop" => {
                if self.reported_chars != self.chars {
                    self.report(on_event);
                }
                self.done = true;
            }
            "error" => {
                let err = &data["error"];
                let kind = err.get("type").and_then(Value::as_str).unwrap_or("error");
                let message = err.get("message").and_then(Value::as_str).unwrap_or("");
                return Err(ClaudeError::Stream {
                    kind: truncate_chars(&key.scrub(kind), 60),
                    message: truncate_chars(&key.scrub(message), MAX_API_MESSAGE_CHARS),
                });
            }
            _ => {} // ping, content_block_stop
        }
        Ok(())
    }

    fn read_usage(&mut self, u: &Value, from_delta: bool) {
        let get = |k: &str| u.get(k).and_then(Value::as_u64);
        if let Some(n) = get("input_tokens") {
            self.usage.input_tokens = n;
        }
        if let Some(n) = get("cache_creation_input_tokens") {
            self.usage.cache_creation_input_tokens = n;
        }
        if let Some(n) = get("cache_read_input_tokens") {
            self.usage.cache_read_input_tokens = n;
        }
        if let Some(n) = get("output_tokens") {
            self.usage.output_tokens = n;
            if from_delta {
                self.output_tokens_known = true;
            }
        }
    }

    fn push_text(&mut self, t: &str, on_event: &mut (dyn FnMut(StreamProgress) + Send)) {
        self.text.push_str(t);
        self.chars += t.chars().count();
        if self.chars - self.reported_chars >= PROGRESS_EVERY_CHARS {
            self.report(on_event);
        }
    }

    fn report(&mut self, on_event: &mut (dyn FnMut(StreamProgress) + Send)) {
        self.reported_chars = self.chars;
        on_event(StreamProgress::Text {
            chars_so_far: self.chars,
            output_tokens_so_far: self.output_tokens_known.then_some(self.usage.output_tokens),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            messages_url("https://api.anthropic.com"),
            "https://api.anthropic.com/v1/messages"
        );
        assert_eq!(
            messages_url("https://api.anthropic.com/"),
            "https://api.anthropic.com/v1/messages"
        );
        assert_eq!(
            messages_url("http://127.0.0.1:9/proxy//"),
            "http://127.0.0.1:9/proxy/v1/messages"
        );
        assert_eq!(messages_url("http://h/v1/"), "http://h/v1/messages");
    }

    #[test]
    fn error_bodies() {
        let key = ApiKey::new("sk-ant-abcdef").unwrap();
        let info = parse_error_body(
            429,
            br#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down sk-ant-abcdef"},"request_id":"req_1"}"#,
            &key,
        );
        assert_eq!(info.error_type.as_deref(), Some("rate_limit_error"));
        assert_eq!(info.message.as_deref(), Some("slow down ***"));
        assert_eq!(info.request_id.as_deref(), Some("req_1"));
        let info = parse_error_body(502, b"\n<html>Bad gateway</html>\nmore", &key);
        assert_eq!(info.message.as_deref(), Some("<html>Bad gateway</html>"));
        assert_eq!(info.error_type, None);
    }

    #[test]
    fn retry_after_header() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(7.0));
        h.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&h), Some(1.5));
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn jitter_in_range() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}

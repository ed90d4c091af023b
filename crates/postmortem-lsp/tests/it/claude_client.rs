//! The Claude client against the fake Anthropic server (no network).

use std::time::Duration;

use fake_anthropic::{Chunking, FakeAnthropic, FakeUsage, LineEnding, Reply, StreamReply};
use postmortem_claude::{
    build_body, ApiKey, ClaudeClient, ClaudeConfig, ClaudeError, MessageOutcome, PromptParts,
    StreamProgress,
};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

const KEY: &str = "sk-ant-test-SECRET-7f3a9c0d12";

fn cfg(server: &FakeAnthropic) -> ClaudeConfig {
    ClaudeConfig {
        base_url: server.url(),
        api_key: ApiKey::new(KEY),
        model: "claude-test-model".into(),
        max_tokens: 1234,
        timeout_s: 10,
        ..ClaudeConfig::default()
    }
}

fn client(cfg: ClaudeConfig) -> ClaudeClient {
    ClaudeClient::new(cfg)
        .unwrap()
        .with_backoff_base(Duration::from_millis(5))
}

fn inputs() -> Vec<(String, String)> {
    vec![
        (
            "incident.yaml".to_string(),
            "1 | title: checkout outage\n2 | started: 2026-01-05T10:00Z\n".to_string(),
        ),
        (
            "pager.log".to_string(),
            "1 | 10:02 alert fired\n2 | 10:05 acknowledged\n".to_string(),
        ),
    ]
}

fn schema() -> Value {
    json!({"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]})
}

fn body(cfg: &ClaudeConfig, ask: &str) -> Value {
    let inputs = inputs();
    let schema = schema();
    build_body(
        cfg,
        &PromptParts {
            system: "You help SREs write blameless postmortems.",
            inputs: &inputs,
            ask,
            schema: Some(&schema),
            schema_text: None,
        },
    )
}

async fn run(
    client: &ClaudeClient,
    body: &Value,
) -> (Result<MessageOutcome, ClaudeError>, Vec<StreamProgress>) {
    let cancel = CancellationToken::new();
    let mut events = Vec::new();
    let r = client
        .stream_message(body, &cancel, &mut |p| events.push(p))
        .await;
    (r, events)
}

/// The key must not show in what users or logs could see.
fn assert_no_key(e: &ClaudeError) {
    let shown = format!("{e} {e:?} {}", e.user_message());
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
    assert!(!shown.contains("SECRET"), "part of the key leaked: {shown}");
}

async fn expect_err(
    server: &FakeAnthropic,
    cfg: ClaudeConfig,
) -> (ClaudeError, Vec<StreamProgress>) {
    let c = client(cfg.clone());
    let (r, events) = run(&c, &body(&cfg, "Draft the summary.")).await;
    let e = match r {
        Ok(o) => panic!(
            "expected an error, got {o:?}; requests: {}",
            server.requests().len()
        ),
        Err(e) => e,
    };
    assert_no_key(&e);
    (e, events)
}

#[tokio::test]
async fn request_headers_and_body_shape() {
    let server = FakeAnthropic::start().await;
    let mut cfg = cfg(&server);
    cfg.base_url.push('/'); // no double slash in the path
                            // Both set by the user here; neither is sent by default (below).
    cfg.temperature = Some(0.2);
    cfg.structured_output = true;
    let c = client(cfg.clone());
    let (r, events) = run(&c, &body(&cfg, "Draft the summary.")).await;
    let out = r.unwrap();
    assert_eq!(out.text, "ok", "an empty script answers `ok`");
    assert_eq!(events.first(), Some(&StreamProgress::Connected));

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v1/messages");
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("text/event-stream"));
    let b = req.json().unwrap();
    assert_eq!(b["stream"], true);
    assert_eq!(b["model"], "claude-test-model");
    assert_eq!(b["max_tokens"], 1234);
    assert_eq!(b["temperature"], json!(0.2));
    assert_eq!(b["system"][0]["type"], "text");
    assert_eq!(
        b["system"][0]["text"],
        "You help SREs write blameless postmortems."
    );
    assert_eq!(
        b["system"][0]["cache_control"],
        json!({"type": "ephemeral"})
    );
    let content = b["messages"][0]["content"].as_array().unwrap();
    assert_eq!(b["messages"][0]["role"], "user");
    assert_eq!(content.len(), 2);
    assert_eq!(content[0]["cache_control"], json!({"type": "ephemeral"}));
    let rendered = content[0]["text"].as_str().unwrap();
    assert!(
        rendered.contains("<input name=\"pager.log\">\n1 | 10:02 alert fired"),
        "{rendered}"
    );
    assert_eq!(
        content[1],
        json!({"type": "text", "text": "Draft the summary."})
    );
    assert_eq!(
        b["output_config"],
        json!({"format": {"type": "json_schema", "schema": schema()}})
    );

    // The defaults: no output_config, no temperature.
    let cfg2 = ClaudeConfig {
        base_url: cfg.base_url.clone(),
        ..self::cfg(&server)
    };
    let (r, _) = run(&client(cfg2.clone()), &body(&cfg2, "Draft the summary.")).await;
    r.unwrap();
    let b = server.requests()[1].json().unwrap();
    assert!(b.get("output_config").is_none(), "{b}");
    assert!(b.get("temperature").is_none(), "{b}");

    // A hand-made body without "stream" gets it.
    let raw =
        json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]});
    let (r, _) = run(&c, &raw).await;
    r.unwrap();
    assert_eq!(server.requests()[2].json().unwrap()["stream"], true);
}

#[tokio::test]
async fn text_assembled_from_deltas_split_mid_utf8() {
    let text =
        "事故時間軸：10:02 告警 🚒🔥，10:05 值班確認 — recovered ✅ 復原完成 👩‍🚒 end. ".repeat(3);
    let text = text.as_str();
    let server = FakeAnthropic::start().await;
    let usage = FakeUsage {
        input_tokens: 1500,
        output_tokens: 42,
        cache_creation_input_tokens: 2048,
        cache_read_input_tokens: 4096,
    };
    // (chunking, line ends, pause between writes in ms): pauses make the
    // client see the cuts; without them TCP may merge writes.
    let variants = [
        (Chunking::Every(3), LineEnding::Lf, 0),
        (Chunking::Every(1), LineEnding::CrLf, 0),
        (Chunking::Every(50), LineEnding::Lf, 1),
        (Chunking::Awkward, LineEnding::CrLf, 1),
        (Chunking::Awkward, LineEnding::Cr, 1),
        (Chunking::Whole, LineEnding::Lf, 0),
        (
            Chunking::At(vec![1, 2, 3, 200, 201, 333]),
            LineEnding::Lf,
            1,
        ),
    ];
    for (chunking, line_ending, delay_ms) in variants.iter().cloned() {
        server.push(Reply::Stream(StreamReply {
            text: text.into(),
            usage: Some(usage.clone()),
            chunking,
            line_ending,
            delay_ms,
            delta_chars: 3,
            ..StreamReply::default()
        }));
    }
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    for (i, v) in variants.iter().enumerate() {
        let (r, events) = run(&c, &body(&cfg, "x")).await;
        let out = r.unwrap_or_else(|e| panic!("{v:?}: {e}"));
        assert_eq!(out.text, text, "{v:?}");
        assert_eq!(out.stop_reason.as_deref(), Some("end_turn"));
        assert_eq!(out.usage.input_tokens, 1500);
        assert_eq!(out.usage.output_tokens, 42);
        assert_eq!(out.usage.cache_creation_input_tokens, 2048);
        assert_eq!(out.usage.cache_read_input_tokens, 4096);
        assert_eq!(out.retries, 0);
        assert_eq!(
            out.request_id.as_deref(),
            Some(format!("req_fake_{}", i + 1).as_str())
        );
        assert_eq!(
            out.message_id.as_deref(),
            Some(format!("msg_fake_{}", i + 1).as_str())
        );
        assert_eq!(events[0], StreamProgress::Connected);
        let last = events.last().unwrap();
        assert_eq!(
            last,
            &StreamProgress::Text {
                chars_so_far: text.chars().count(),
                output_tokens_so_far: Some(42)
            },
            "{v:?}"
        );
        let texts = events
            .iter()
            .filter(|e| matches!(e, StreamProgress::Text { .. }))
            .count();
        assert!(
            texts >= 2,
            "progress every ~64 chars and at the end: {events:?}"
        );
    }
}

#[tokio::test]
async fn cache_prefix_is_byte_identical_across_asks() {
    let server = FakeAnthropic::start().await;
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    for ask in ["Draft the summary section.", "Draft the timeline section."] {
        run(&c, &body(&cfg, ask)).await.0.unwrap();
    }
    let reqs = server.requests();
    let prefix = |b: &Value| {
        serde_json::to_string(&json!([b["system"], b["messages"][0]["content"][0]])).unwrap()
    };
    let (a, b) = (reqs[0].json().unwrap(), reqs[1].json().unwrap());
    assert_eq!(prefix(&a), prefix(&b));
    assert_ne!(
        a["messages"][0]["content"][1],
        b["messages"][0]["content"][1]
    );
    // Same for bodies built directly.
    assert_eq!(prefix(&body(&cfg, "one")), prefix(&body(&cfg, "two")));
}

#[tokio::test]
async fn rate_limit_with_retry_after_then_success() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::rate_limited(Some("1")));
    server.push(Reply::text("after the wait"));
    let cfg = cfg(&server);
    let (r, events) = run(&client(cfg.clone()), &body(&cfg, "x")).await;
    let out = r.unwrap();
    assert_eq!(out.text, "after the wait");
    assert_eq!(out.retries, 1);
    assert_eq!(server.requests().len(), 2);
    let retrying: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, StreamProgress::Retrying { .. }))
        .collect();
    assert_eq!(retrying.len(), 1);
    match retrying[0] {
        StreamProgress::Retrying {
            attempt,
            wait_s,
            reason,
        } => {
            assert_eq!(*attempt, 1);
            assert!(
                *wait_s >= 1.0 && *wait_s <= 1.2,
                "retry-after honoured: {wait_s}"
            );
            assert!(reason.contains("429"), "{reason}");
        }
        _ => unreachable!(),
    }
    // Retrying comes before Connected of the successful attempt.
    assert!(matches!(events[0], StreamProgress::Retrying { .. }));
}

#[tokio::test]
async fn overloaded_after_all_retries() {
    let server = FakeAnthropic::start().await;
    let mut cfg = cfg(&server);
    cfg.max_retries = 2;
    for _ in 0..3 {
        server.push(Reply::overloaded(Some("0")));
    }
    server.push(Reply::text("never reached"));
    let (e, events) = expect_err(&server, cfg).await;
    assert!(
        matches!(e, ClaudeError::Overloaded { retries: 2, .. }),
        "{e:?}"
    );
    let m = e.to_string();
    assert!(
        m.contains("overloaded") && m.contains("529") && m.contains("after 2 retries"),
        "{m}"
    );
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, StreamProgress::Retrying { .. }))
            .count(),
        2
    );
    assert_eq!(e.status(), Some(529));
    assert_eq!(e.request_id(), Some("req_fake_error"));
}

#[tokio::test]
async fn server_errors_back_off_exponentially() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::api_error(503, "api_error", "Service unavailable"));
    server.push(Reply::api_error(502, "api_error", "Bad gateway"));
    server.push(Reply::text("third time"));
    let cfg = cfg(&server);
    let (r, events) = run(&client(cfg.clone()), &body(&cfg, "x")).await;
    let out = r.unwrap();
    assert_eq!((out.text.as_str(), out.retries), ("third time", 2));
    let waits: Vec<f64> = events
        .iter()
        .filter_map(|e| match e {
            StreamProgress::Retrying { wait_s, .. } => Some(*wait_s),
            _ => None,
        })
        .collect();
    assert_eq!(waits.len(), 2);
    assert!(
        waits[0] >= 0.005 && waits[1] >= 0.010 && waits[1] > waits[0],
        "{waits:?}"
    );
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_gives_up_naming_the_wait() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::rate_limited(Some("120")));
    let (e, events) = expect_err(&server, cfg(&server)).await;
    assert!(
        matches!(e, ClaudeError::RateLimited { retries: 0, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("2 min"), "{e}");
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn http_error_messages_without_retries() {
    let server = FakeAnthropic::start().await;
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::api_error(401, "authentication_error", &format!("invalid x-api-key {KEY}")),
            "Anthropic rejected the API key (401). Check ANTHROPIC_API_KEY or the `postmortem.claude.apiKey` setting.",
        ),
        (Reply::api_error(403, "permission_error", "Your key cannot use this model"), "(403)"),
        (
            Reply::api_error(404, "not_found_error", "model: claude-test-model"),
            "Model `claude-test-model` was not found (404). Set `[claude] model` in .postmortem-lsp.toml",
        ),
        (Reply::api_error(413, "request_too_large", "Request exceeds the maximum size"), "max_bytes"),
        (
            Reply::api_error(400, "invalid_request_error", "max_tokens: 999999 > 64000, which is the maximum"),
            "Anthropic said: max_tokens: 999999 > 64000, which is the maximum.",
        ),
        (
            Reply::Status {
                code: 404,
                headers: vec![("content-type".into(), "text/html".into())],
                body: "<html>Not Found</html>".into(),
            },
            "ANTHROPIC_BASE_URL",
        ),
        (Reply::api_error(418, "teapot", "short and stout"), "HTTP 418"),
    ];
    let cfg = cfg(&server);
    for (i, (reply, expected)) in cases.into_iter().enumerate() {
        server.push(reply);
        let (e, events) = expect_err(&server, cfg.clone()).await;
        let m = e.user_message();
        assert!(m.contains(expected), "case {i}: {m}");
        assert!(m.len() < 400, "case {i} is short: {m}");
        assert_eq!(server.requests().len(), i + 1, "case {i} was not retried");
        assert!(events.is_empty(), "{events:?}");
    }
    // The 403 message carries the API's words.
    server.push(Reply::api_error(
        403,
        "permission_error",
        "Your key cannot use this model",
    ));
    let (e, _) = expect_err(&server, cfg.clone()).await;
    assert!(
        e.to_string().contains("Your key cannot use this model"),
        "{e}"
    );

    // 500 is retried, then reported.
    let mut cfg1 = cfg.clone();
    cfg1.max_retries = 1;
    server.push(Reply::api_error(500, "api_error", "Internal server error"));
    server.push(Reply::api_error(500, "api_error", "Internal server error"));
    let (e, _) = expect_err(&server, cfg1).await;
    assert!(matches!(e, ClaudeError::Server { retries: 1, .. }), "{e:?}");
    assert!(
        e.to_string().contains("server error (500) after 1 retry"),
        "{e}"
    );
}

/// Streaming docs: an `overloaded_error` event after HTTP 200 is what a 529
/// would have been, so it is retried like one (the partial text is dropped).
#[tokio::test]
async fn overloaded_error_event_after_200_is_retried_like_529() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::ErrorEvent {
        text_before: "The outage began".into(),
        kind: "overloaded_error".into(),
        message: "Overloaded".into(),
    });
    server.push(Reply::text("The outage began at 14:02."));
    let cfg = cfg(&server);
    let (r, events) = run(&client(cfg.clone()), &body(&cfg, "x")).await;
    let out = r.unwrap();
    assert_eq!(
        out.text, "The outage began at 14:02.",
        "the partial text is not kept"
    );
    assert_eq!(out.retries, 1);
    assert_eq!(server.requests().len(), 2);
    assert!(
        events.iter().any(
            |e| matches!(e, StreamProgress::Retrying { reason, .. } if reason.contains("529"))
        ),
        "{events:?}"
    );

    // When the retries run out it reads like a 529.
    let mut cfg = cfg;
    cfg.max_retries = 1;
    for _ in 0..2 {
        server.push(Reply::ErrorEvent {
            text_before: String::new(),
            kind: "overloaded_error".into(),
            message: "Overloaded".into(),
        });
    }
    let (e, _) = expect_err(&server, cfg.clone()).await;
    assert!(
        matches!(e, ClaudeError::Overloaded { retries: 1, .. }),
        "{e:?}"
    );
    assert_eq!(e.status(), Some(529));
    assert!(e.to_string().contains("after 1 retry"), "{e}");
    assert!(
        e.user_message_zh().contains("過載"),
        "{}",
        e.user_message_zh()
    );

    // Other error events are final.
    let before = server.requests().len();
    server.push(Reply::ErrorEvent {
        text_before: String::new(),
        kind: "invalid_request_error".into(),
        message: "bad".into(),
    });
    let (e, _) = expect_err(&server, cfg).await;
    assert!(matches!(e, ClaudeError::Stream { .. }), "{e:?}");
    assert_eq!(server.requests().len(), before + 1);
}

/// Errors page: 402 `billing_error`; a spend limit answers 429 without
/// `retry-after` (or 400 "…reached your specified API usage limits"). None
/// can succeed on retry, and each says what to do.
#[tokio::test]
async fn billing_and_spend_limits_are_not_retried() {
    let server = FakeAnthropic::start().await;
    let cfg = cfg(&server);
    server.push(Reply::api_error(
        402,
        "billing_error",
        "Your credit balance is too low to access the Anthropic API.",
    ));
    let (e, events) = expect_err(&server, cfg.clone()).await;
    assert!(matches!(e, ClaudeError::Billing(_)), "{e:?}");
    let m = e.to_string();
    assert!(
        m.contains("402")
            && m.contains("Billing")
            && !m.contains("base URL")
            && !m.contains("BASE_URL"),
        "{m}"
    );
    assert!(
        e.user_message_zh().contains("帳務"),
        "{}",
        e.user_message_zh()
    );
    assert!(events.is_empty());

    server.push(Reply::api_error(
        429,
        "rate_limit_error",
        "This request would exceed your organization's monthly spend limit.",
    ));
    server.push(Reply::text("never reached"));
    let (e, events) = expect_err(&server, cfg.clone()).await;
    assert!(matches!(e, ClaudeError::SpendLimit(_)), "{e:?}");
    assert!(
        e.to_string().contains("spend limit") && e.to_string().contains("Nothing was retried"),
        "{e}"
    );
    assert!(!events
        .iter()
        .any(|e| matches!(e, StreamProgress::Retrying { .. })));
    assert_eq!(server.pending_replies(), 1, "not retried");
    assert_eq!(server.requests().len(), 2);

    // A rate limit with retry-after is still retried.
    server.push(Reply::rate_limited(Some("0")));
    let (r, _) = run(&client(cfg.clone()), &body(&cfg, "x")).await;
    assert_eq!(r.unwrap().text, "never reached");

    server.push(Reply::api_error(
        400,
        "invalid_request_error",
        "You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.",
    ));
    let (e, _) = expect_err(&server, cfg).await;
    assert!(matches!(e, ClaudeError::SpendLimit(_)), "{e:?}");
    assert!(e.to_string().contains("2026-12-01"), "{e}");
}

/// The strict fake refuses what the documentation says the API refuses,
/// with the documented error body, without using up a scripted reply; the
/// client shows Anthropic's words.
#[tokio::test]
async fn the_strict_fake_refuses_what_the_api_refuses() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::text("kept for the valid request"));
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    let text = |t: &str| json!({"type": "text", "text": t});
    let marked =
        |t: &str| json!({"type": "text", "text": t, "cache_control": {"type": "ephemeral"}});
    let cases = [
        (
            json!({"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "hi"}]}),
            "max_tokens: Field required",
        ),
        (
            json!({"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [
                {"role": "user", "content": [text("draft")]},
                {"role": "assistant", "content": [text("")]},
                {"role": "user", "content": [text("again")]}]}),
            "messages: text content blocks must be non-empty",
        ),
        (
            json!({"model": "claude-sonnet-4-6", "max_tokens": 10,
                   "system": [marked("a")],
                   "messages": [{"role": "user", "content": [marked("b"), marked("c"), marked("d"), marked("e")]}]}),
            "A maximum of 4 blocks with cache_control may be provided. Found 5.",
        ),
        (
            json!({"model": "claude-opus-4-7", "max_tokens": 10, "temperature": 0.2,
                   "messages": [{"role": "user", "content": "hi"}]}),
            "temperature",
        ),
        (
            json!({"model": "claude-sonnet-4-6", "max_tokens": 10,
                   "messages": [{"role": "user", "content": "hi"}],
                   "output_config": {"format": {"type": "json_schema", "schema": {
                       "type": "object", "additionalProperties": false, "required": ["n"],
                       "properties": {"n": {"type": "integer", "minimum": 0}}}}}}),
            "minimum",
        ),
    ];
    for (b, said) in cases {
        let (r, _) = run(&c, &b).await;
        let e = r.unwrap_err();
        assert!(matches!(e, ClaudeError::BadRequest(_)), "{e:?}");
        assert!(e.to_string().contains(said), "{said}: {e}");
        assert_eq!(e.status(), Some(400));
    }
    assert_eq!(server.pending_replies(), 1, "refusals use up no reply");
    let (r, _) = run(&c, &body(&cfg, "x")).await;
    assert_eq!(r.unwrap().text, "kept for the valid request");

    // The client never sends a temperature to a model that refuses it.
    let e = ClaudeClient::new(ClaudeConfig {
        model: "claude-opus-4-7".into(),
        temperature: Some(0.2),
        ..cfg.clone()
    })
    .unwrap_err();
    assert!(
        matches!(e, ClaudeError::InvalidConfig(_))
            && e.to_string().contains("remove `temperature`"),
        "{e}"
    );
    assert!(ClaudeClient::new(ClaudeConfig {
        model: "claude-opus-4-7".into(),
        ..cfg
    })
    .is_ok());
}

/// Token counting docs: `POST /v1/messages/count_tokens` with the same
/// `model`, `system`, `messages`; a gateway without it gives `None`.
#[tokio::test]
async fn count_tokens_asks_the_endpoint() {
    let server = FakeAnthropic::start().await;
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    let b = body(&cfg, "Draft the summary.");
    let n = c.count_tokens(&b, &CancellationToken::new()).await;
    assert_eq!(n, Some(fake_anthropic::contract::input_tokens(&b)));
    let reqs = server.count_requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/v1/messages/count_tokens");
    let sent = reqs[0].json().unwrap();
    assert!(
        sent.get("max_tokens").is_none() && sent.get("stream").is_none(),
        "{sent}"
    );
    assert_eq!(sent["messages"], b["messages"]);
    assert!(server.requests().is_empty(), "no message was sent");
    server.set_count_tokens_available(false);
    assert_eq!(c.count_tokens(&b, &CancellationToken::new()).await, None);
}

/// The prompt cache as documented: the second request with the same
/// inputs reads them; the usage fields add up to the request's tokens.
#[tokio::test]
async fn usage_reports_the_simulated_cache() {
    let server = FakeAnthropic::start().await;
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    let long: Vec<(String, String)> = vec![(
        "chat.log".into(),
        "L1| 14:02 checkout errors rise\n".repeat(400),
    )];
    let mk = |ask: &str| {
        build_body(
            &cfg,
            &PromptParts {
                system: "You help SREs.",
                inputs: &long,
                ask,
                schema: None,
                schema_text: None,
            },
        )
    };
    let first = run(&c, &mk("one")).await.0.unwrap().usage;
    let second = run(&c, &mk("two")).await.0.unwrap().usage;
    assert_eq!(first.cache_read_input_tokens, 0);
    assert!(first.cache_creation_input_tokens > 1024, "{first:?}");
    assert_eq!(
        second.cache_read_input_tokens, first.cache_creation_input_tokens,
        "{second:?}"
    );
    assert_eq!(second.cache_creation_input_tokens, 0);
    let total = |u: &postmortem_claude::Usage| {
        u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens
    };
    assert_eq!(total(&first), total(&second));
    server.expire_cache();
    let third = run(&c, &mk("two")).await.0.unwrap().usage;
    assert_eq!(third.cache_read_input_tokens, 0, "after the TTL");
}

/// A transcript in the documented event shapes (streaming docs: message_start,
/// content_block_start, ping, content_block_delta, content_block_stop,
/// message_delta with usage, message_stop), with CRLF line ends and
/// multi-byte text, cut at awkward byte boundaries, through the client.
const TRANSCRIPT: &str = concat!(
    "event: message_start\r\n",
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-6\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":6400,\"output_tokens\":1}}}\r\n",
    "\r\n",
    "event: content_block_start\r\n",
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\r\n",
    "\r\n",
    "event: ping\r\n",
    "data: {\"type\": \"ping\"}\r\n",
    "\r\n",
    "event: content_block_delta\r\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"{\\\"what_went_well\\\": [\\\"告警後 4 分鐘確認 \"}}\r\n",
    "\r\n",
    "event: content_block_delta\r\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"[chat L15] 🚒\\\"]}\"}}\r\n",
    "\r\n",
    "event: content_block_stop\r\n",
    "data: {\"type\":\"content_block_stop\",\"index\":0}\r\n",
    "\r\n",
    "event: message_delta\r\n",
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":31}}\r\n",
    "\r\n",
    "event: message_stop\r\n",
    "data: {\"type\":\"message_stop\"}\r\n",
    "\r\n",
);

#[tokio::test]
async fn documented_transcripts_split_at_awkward_boundaries() {
    let server = FakeAnthropic::start().await;
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    let mut cuts = vec![Chunking::Awkward, Chunking::Whole];
    cuts.extend([1, 2, 3, 5, 7, 64].map(Chunking::Every));
    // Between \r and \n, inside 告 and inside 🚒.
    let b = TRANSCRIPT.as_bytes();
    let cr = b.windows(2).position(|w| w == b"\r\n").unwrap() + 1;
    let zh = TRANSCRIPT.find('告').unwrap() + 1;
    let emoji = TRANSCRIPT.find('🚒').unwrap() + 2;
    cuts.push(Chunking::At(vec![cr, zh, emoji]));
    for chunking in cuts {
        server.push(Reply::Transcript {
            body: TRANSCRIPT.into(),
            chunking: chunking.clone(),
        });
        let (r, _) = run(&c, &body(&cfg, "x")).await;
        let out = r.unwrap_or_else(|e| panic!("{chunking:?}: {e:?}"));
        assert_eq!(
            out.text, "{\"what_went_well\": [\"告警後 4 分鐘確認 [chat L15] 🚒\"]}",
            "{chunking:?}"
        );
        assert_eq!(out.stop_reason.as_deref(), Some("end_turn"));
        assert_eq!(out.message_id.as_deref(), Some("msg_01"));
        assert_eq!(out.usage.input_tokens, 25);
        assert_eq!(out.usage.cache_read_input_tokens, 6400);
        assert_eq!(out.usage.output_tokens, 31);
    }

    // An error event after HTTP 200 (streaming docs), cut anywhere: retried.
    let cut_at = TRANSCRIPT.find("event: content_block_stop").unwrap();
    let broken = format!(
        "{}event: error\r\ndata: {{\"type\": \"error\", \"error\": {{\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}}}\r\n\r\n",
        &TRANSCRIPT[..cut_at]
    );
    for n in [1, 3, 7] {
        server.push(Reply::Transcript {
            body: broken.clone(),
            chunking: Chunking::Every(n),
        });
        server.push(Reply::Transcript {
            body: TRANSCRIPT.into(),
            chunking: Chunking::Awkward,
        });
        let (r, events) = run(&c, &body(&cfg, "x")).await;
        let out = r.unwrap();
        assert_eq!(out.retries, 1);
        assert!(out.text.ends_with("🚒\"]}"), "{}", out.text);
        assert!(events
            .iter()
            .any(|e| matches!(e, StreamProgress::Retrying { .. })));
    }
}

#[tokio::test]
async fn stream_closed_early_or_garbage_is_malformed() {
    let server = FakeAnthropic::start().await;
    let cfg = cfg(&server);

    server.push(Reply::CloseEarly {
        text: "half an answ".into(),
        abrupt: false,
    });
    let (e, _) = expect_err(&server, cfg.clone()).await;
    assert!(
        matches!(&e, ClaudeError::MalformedStream(m) if m.contains("ended early")),
        "{e:?}"
    );

    server.push(Reply::CloseEarly {
        text: "half an answ".into(),
        abrupt: true,
    });
    let (e, _) = expect_err(&server, cfg.clone()).await;
    assert!(
        matches!(
            &e,
            ClaudeError::Network { .. } | ClaudeError::MalformedStream(_)
        ),
        "a connection cut mid-body: {e:?}"
    );

    server.push(Reply::Garbage {
        body: String::new(),
    });
    let (e, _) = expect_err(&server, cfg.clone()).await;
    assert!(
        matches!(&e, ClaudeError::MalformedStream(m) if m.contains("not an event stream")),
        "{e:?}"
    );

    server.push(Reply::Garbage {
        body: "data: {not json\n\n".into(),
    });
    let (e, _) = expect_err(&server, cfg.clone()).await;
    assert!(
        matches!(&e, ClaudeError::MalformedStream(m) if m.contains("JSON")),
        "{e:?}"
    );

    server.push(Reply::Status {
        code: 200,
        headers: vec![],
        body: r#"{"type":"message","content":[{"type":"text","text":"hi"}]}"#.into(),
    });
    let (e, _) = expect_err(&server, cfg.clone()).await;
    assert!(
        matches!(&e, ClaudeError::MalformedStream(m) if m.contains("application/json")),
        "{e:?}"
    );
    assert!(e.to_string().contains("could not be read"), "{e}");

    assert_eq!(server.requests().len(), 5, "none of these is retried");
}

#[tokio::test]
async fn idle_timeout_on_a_hang() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::Hang);
    let mut cfg = cfg(&server);
    cfg.timeout_s = 1;
    let (e, events) = expect_err(&server, cfg).await;
    assert_eq!(e, ClaudeError::Timeout { secs: 1 });
    let m = e.to_string();
    assert!(
        m.contains("no data for 1 s") && m.contains("timeout_s"),
        "{m}"
    );
    assert_eq!(events, vec![StreamProgress::Connected]);
    assert!(
        server.wait_closed_early(1, Duration::from_secs(10)).await,
        "the client closed the hanging stream"
    );
}

#[tokio::test]
async fn connect_refused_is_retried_then_reported() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // dropped: nothing listens there now
    let cfg = ClaudeConfig {
        base_url: format!("http://127.0.0.1:{port}"),
        api_key: ApiKey::new(KEY),
        max_retries: 2,
        ..ClaudeConfig::default()
    };
    let (r, events) = run(&client(cfg.clone()), &body(&cfg, "x")).await;
    let e = r.unwrap_err();
    assert_no_key(&e);
    assert!(
        matches!(e, ClaudeError::Connect { retries: 2, .. }),
        "{e:?}"
    );
    let m = e.to_string();
    assert!(
        m.contains(&format!("Could not reach http://127.0.0.1:{port}")),
        "{m}"
    );
    assert!(
        m.contains("ANTHROPIC_BASE_URL") && m.contains("HTTPS_PROXY"),
        "{m}"
    );
    let retrying = events
        .iter()
        .filter(|e| matches!(e, StreamProgress::Retrying { .. }))
        .count();
    assert_eq!(retrying, 2, "{events:?}");
}

#[tokio::test]
async fn cancel_during_a_slow_stream_closes_the_connection() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::Stream(StreamReply {
        text: "slow ".repeat(400),
        delta_chars: 10,
        delay_ms: 20,
        ..StreamReply::default()
    }));
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let mut events = Vec::new();
    let r = c
        .stream_message(&body(&cfg, "x"), &cancel, &mut |p| {
            if matches!(p, StreamProgress::Text { .. }) {
                trigger.cancel();
            }
            events.push(p);
        })
        .await;
    assert_eq!(r, Err(ClaudeError::Cancelled));
    assert!(
        server.wait_closed_early(1, Duration::from_secs(10)).await,
        "the fake server saw the stream closed"
    );
    assert_eq!(server.replies_completed(), 0);
    assert!(ClaudeError::Cancelled.to_string().contains("cancelled"));
}

#[tokio::test]
async fn cancel_during_backoff_and_before_start() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::rate_limited(Some("30")));
    let cfg = cfg(&server);
    let c = client(cfg.clone());
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let r = c
        .stream_message(&body(&cfg, "x"), &cancel, &mut |p| {
            if matches!(p, StreamProgress::Retrying { .. }) {
                trigger.cancel();
            }
        })
        .await;
    assert_eq!(r, Err(ClaudeError::Cancelled));
    assert_eq!(server.requests().len(), 1);

    // Already cancelled: no request at all.
    let r = c
        .stream_message(&body(&cfg, "x"), &cancel, &mut |_| {})
        .await;
    assert_eq!(r, Err(ClaudeError::Cancelled));
    assert_eq!(server.requests().len(), 1);

    // Cancelled while the stream hangs.
    server.push(Reply::Hang);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let r = c
        .stream_message(&body(&cfg, "x"), &cancel, &mut |p| {
            if p == StreamProgress::Connected {
                trigger.cancel();
            }
        })
        .await;
    assert_eq!(r, Err(ClaudeError::Cancelled));
    assert!(server.wait_closed_early(1, Duration::from_secs(10)).await);
}

#[tokio::test]
async fn api_key_never_shows() {
    let cfg = ClaudeConfig::default().with_api_key(KEY);
    let dbg = format!("{cfg:?}");
    assert!(!dbg.contains(KEY) && dbg.contains("ApiKey(***)"), "{dbg}");
    let c = ClaudeClient::new(cfg).unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains(KEY), "{dbg}");

    let e = ClaudeClient::new(ClaudeConfig::default()).unwrap_err();
    assert_eq!(e, ClaudeError::NoApiKey);
    assert!(
        e.to_string().contains("ANTHROPIC_API_KEY")
            && e.to_string().contains("postmortem.claude.apiKey")
    );

    // An error message quoting the key (and a stream error quoting it) is scrubbed.
    let server = FakeAnthropic::start().await;
    server.push(Reply::api_error(
        400,
        "invalid_request_error",
        &format!("bad header {KEY}"),
    ));
    server.push(Reply::ErrorEvent {
        text_before: String::new(),
        kind: "invalid_request_error".into(),
        message: format!("x {KEY}"),
    });
    for _ in 0..2 {
        let (e, _) = expect_err(&server, self::cfg(&server)).await;
        assert!(e.to_string().contains("***"), "{e}");
    }

    let bad = ClaudeConfig {
        base_url: format!("not a url {KEY}"),
        ..ClaudeConfig::default().with_api_key(KEY)
    };
    let e = ClaudeClient::new(bad).unwrap_err();
    assert_no_key(&e);
    assert!(matches!(e, ClaudeError::InvalidConfig(_)), "{e:?}");
}

/// The fake server plays an HTTPS proxy: reqwest must send it a CONNECT for
/// api.anthropic.com. The client runs in a child test process that gets
/// `HTTPS_PROXY`, so this multi-threaded process never changes its own
/// environment.
#[test]
fn https_proxy_is_honoured() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let proxy = rt.block_on(FakeAnthropic::start());
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "claude_client::https_proxy_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("HTTPS_PROXY", proxy.url())
        .env("PM_TEST_PROXY_CHILD", "1")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].method, "CONNECT");
    assert_eq!(reqs[0].path, "api.anthropic.com:443");
    drop(proxy);
}

#[tokio::test]
#[ignore = "run by https_proxy_is_honoured with HTTPS_PROXY set"]
async fn https_proxy_child() {
    if std::env::var_os("PM_TEST_PROXY_CHILD").is_none() {
        eprintln!("skipped: only meaningful when run by https_proxy_is_honoured");
        return;
    }
    let cfg = ClaudeConfig {
        max_retries: 0,
        ..ClaudeConfig::default().with_api_key(KEY)
    };
    let (r, _) = run(&ClaudeClient::new(cfg.clone()).unwrap(), &body(&cfg, "x")).await;
    let e = r.unwrap_err();
    assert_no_key(&e);
    assert!(
        matches!(e, ClaudeError::Connect { .. } | ClaudeError::Network { .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn stream_message_can_run_in_a_spawned_task() {
    let server = FakeAnthropic::start().await;
    let cfg = cfg(&server);
    let c = std::sync::Arc::new(client(cfg.clone()));
    let b = body(&cfg, "x");
    let task = tokio::spawn(async move {
        let cancel = CancellationToken::new();
        let mut seen = 0usize;
        let r = c.stream_message(&b, &cancel, &mut |_| seen += 1).await;
        (r, seen)
    });
    let (r, seen) = task.await.unwrap();
    assert_eq!(r.unwrap().text, "ok");
    assert!(seen >= 2);
}

#[tokio::test]
async fn cancel_from_progress_wins_even_when_the_answer_arrived_in_one_piece() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::Stream(StreamReply {
        text: "x".repeat(300),
        chunking: Chunking::Whole,
        ..StreamReply::default()
    }));
    let cfg = cfg(&server);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let r = client(cfg.clone())
        .stream_message(&body(&cfg, "x"), &cancel, &mut |p| {
            if matches!(p, StreamProgress::Text { .. }) {
                trigger.cancel();
            }
        })
        .await;
    assert_eq!(r, Err(ClaudeError::Cancelled));
}

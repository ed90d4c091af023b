//! Drafting against the strict fake Anthropic server (documented refusals
//! and a simulated prompt cache): caching shares, repairs, limits and the
//! card's shape. The shares printed here are the figures in docs/drafting.md
//! (`cargo test --lib strict_tests -- --nocapture`).

use super::*;
use crate::analysis::{analyze, Options};
use crate::claude::{estimate_cost_usd, Usage};
use fake_anthropic::{FakeAnthropic, Reply, StreamReply};

const EXAMPLE: &str = include_str!("../../../examples/checkout-outage/postmortem.yaml");

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage")
}

fn analyzer(config: &Config) -> impl Fn(String) -> Analysis + Send + Sync + '_ {
    move |t: String| {
        let d = dir();
        let path = d.join("postmortem.yaml");
        let mut o = Options::new(config);
        o.path = Some(&path);
        o.root = Some(&d);
        analyze(t, &o)
    }
}

fn without(text: &str, section: &str) -> String {
    let p = crate::syntax::parse(text);
    let Some(span) = splice::find(&p, section).map(|s| s.span.clone()) else {
        return text.to_string();
    };
    let end = text[span.end..]
        .find(|c: char| c != '\n')
        .map_or(text.len(), |i| span.end + i);
    format!("{}{}", &text[..span.start], &text[end..])
}

/// The example with only `incident_ref` and `inputs` (what the benchmark
/// drafts from).
fn skeleton() -> String {
    let mut t = EXAMPLE.to_string();
    for s in draftable().chain([REVIEW_SECTION]) {
        if s != "incident_ref" {
            t = without(&t, s);
        }
    }
    t
}

fn cfg(server: &FakeAnthropic) -> ClaudeConfig {
    ClaudeConfig {
        base_url: server.url(),
        max_retries: 0,
        ..ClaudeConfig::default()
    }
    .with_api_key("sk-test")
}

fn share(u: &fake_anthropic::FakeUsage) -> f64 {
    let all = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
    u.cache_read_input_tokens as f64 / all as f64
}

fn cost(model: &str, us: &[fake_anthropic::FakeUsage]) -> f64 {
    us.iter()
        .map(|u| {
            let u = Usage {
                input_tokens: u.input_tokens,
                output_tokens: u.output_tokens,
                cache_creation_input_tokens: u.cache_creation_input_tokens,
                cache_read_input_tokens: u.cache_read_input_tokens,
            };
            estimate_cost_usd(model, &u).unwrap_or(0.0)
        })
        .sum()
}

fn uncached_cost(model: &str, us: &[fake_anthropic::FakeUsage]) -> f64 {
    let flat: Vec<_> = us
        .iter()
        .map(|u| fake_anthropic::FakeUsage {
            input_tokens: u.input_tokens
                + u.cache_creation_input_tokens
                + u.cache_read_input_tokens,
            output_tokens: u.output_tokens,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
        })
        .collect();
    cost(model, &flat)
}

fn report(label: &str, model: &str, us: &[fake_anthropic::FakeUsage]) -> (f64, f64) {
    let shares: Vec<f64> = us[1..].iter().map(share).collect();
    let min = shares.iter().copied().fold(1.0, f64::min);
    let mean = shares.iter().sum::<f64>() / shares.len() as f64;
    let input: u64 = us
        .iter()
        .map(|u| u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens)
        .sum();
    let output: u64 = us.iter().map(|u| u.output_tokens).sum();
    eprintln!(
        "{label}: {} requests, {input} input tokens, {output} output tokens; cached share from the 2nd request: min {:.1} %, mean {:.1} %; {model}: ${:.3} (${:.3} without caching); per request: {}",
        us.len(),
        min * 100.0,
        mean * 100.0,
        cost(model, us),
        uncached_cost(model, us),
        us.iter()
            .map(|u| format!("{}+{}w+{}r", u.input_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens))
            .collect::<Vec<_>>()
            .join(" ")
    );
    (min, mean)
}

/// Drafting all missing sections (then the review) in one conversation:
/// from the second request on, at least 80 % of the input is read from the
/// cache; one section per command (a new conversation each time, on the
/// document as it grows): at least 60 % on average.
#[tokio::test]
async fn cached_share_on_the_example() {
    let config = Config::default();
    let an = analyzer(&config);
    let model = ClaudeConfig::default().model;

    // A: one conversation.
    let server = FakeAnthropic::start().await;
    let base = skeleton();
    let plan = missing_plan(&an(base.clone()));
    assert_eq!(plan.len(), 13, "{plan:?}");
    assert_eq!(plan.last().map(String::as_str), Some("verify"));
    for s in &plan {
        server.push(Reply::text(value::answer_for(EXAMPLE, s).unwrap()));
    }
    let mut d = Drafter::new(
        cfg(&server),
        Prompts::embedded(),
        &an(base.clone()),
        "postmortem.yaml",
    )
    .unwrap();
    let mut acc = base.clone();
    for s in &plan {
        let out = d
            .draft(
                &acc,
                &Target::for_section(s),
                &CancellationToken::new(),
                &mut |_| {},
                &an,
            )
            .await
            .unwrap_or_else(|e| panic!("{s}: {e:?}"));
        assert!(!out.repaired, "{s}");
        acc = out.text;
    }
    let a = server.usages();
    assert_eq!(a.len(), plan.len());
    assert_eq!(server.requests().len(), plan.len(), "no refusal, no repair");
    let (min_a, _) = report("A (all missing, one conversation)", &model, &a);
    assert!(min_a >= 0.80, "A: {min_a}");
    // The drafter's own totals match what the fake reported.
    let t = d.totals();
    assert_eq!(
        t.usage.cache_read_input_tokens,
        a.iter().map(|u| u.cache_read_input_tokens).sum::<u64>()
    );

    // B: one command per section.
    let server = FakeAnthropic::start().await;
    let mut acc = base;
    for s in &plan {
        server.push(Reply::text(value::answer_for(EXAMPLE, s).unwrap()));
        let mut d = Drafter::new(
            cfg(&server),
            Prompts::embedded(),
            &an(acc.clone()),
            "postmortem.yaml",
        )
        .unwrap();
        let out = d
            .draft(
                &acc,
                &Target::for_section(s),
                &CancellationToken::new(),
                &mut |_| {},
                &an,
            )
            .await
            .unwrap_or_else(|e| panic!("{s}: {e:?}"));
        acc = out.text;
    }
    let b = server.usages();
    let (min_b, mean_b) = report("B (one section per command)", &model, &b);
    assert!(min_b >= 0.60 && mean_b >= 0.80, "B: {min_b} {mean_b}");

    // B2: the same, into a document whose sections are TODO placeholders
    // (as `postmortem-lsp new` writes): each draft replaces a block in the
    // middle; the next command reads up to the block before it.
    let server = FakeAnthropic::start().await;
    let mut acc = skeleton();
    for s in &plan {
        acc = splice::splice(&acc, s, &format!("{s}: TODO({s})"), Mode::Replace, true).text;
    }
    assert_eq!(missing_plan(&an(acc.clone())), plan);
    for s in &plan {
        server.push(Reply::text(value::answer_for(EXAMPLE, s).unwrap()));
        let mut d = Drafter::new(
            cfg(&server),
            Prompts::embedded(),
            &an(acc.clone()),
            "postmortem.yaml",
        )
        .unwrap();
        let out = d
            .draft(
                &acc,
                &Target::for_section(s),
                &CancellationToken::new(),
                &mut |_| {},
                &an,
            )
            .await
            .unwrap_or_else(|e| panic!("{s}: {e:?}"));
        acc = out.text;
    }
    let b2 = server.usages();
    let (min_b2, mean_b2) = report(
        "B2 (one section per command, TODO placeholders)",
        &model,
        &b2,
    );
    assert!(min_b2 >= 0.60 && mean_b2 >= 0.80, "B2: {min_b2} {mean_b2}");

    // With structured_output on, each section's schema is a different
    // output_config, and the documented invalidation shows: nothing is read.
    let server = FakeAnthropic::start().await;
    let mut c = cfg(&server);
    c.structured_output = true;
    let base = skeleton();
    let mut d = Drafter::new(c, Prompts::embedded(), &an(base.clone()), "postmortem.yaml").unwrap();
    let mut acc = base;
    for s in ["timeline", "root_cause"] {
        server.push(Reply::text(value::answer_for(EXAMPLE, s).unwrap()));
        acc = d
            .draft(
                &acc,
                &Target::for_section(s),
                &CancellationToken::new(),
                &mut |_| {},
                &an,
            )
            .await
            .unwrap_or_else(|e| panic!("{s}: {e:?}"))
            .text;
    }
    let u = server.usages();
    assert_eq!(u[1].cache_read_input_tokens, 0, "{u:?}");
    // On the wire, output_config's schema is in the card's order.
    let raw = String::from_utf8(server.requests()[1].body.clone()).unwrap();
    let oc = &raw[raw.find("\"output_config\"").unwrap()..];
    assert!(oc.find("\"five_whys\"").unwrap() < oc.find("\"primary_cause_category\"").unwrap());
    assert!(!raw.contains(crate::claude::ORDERED_SCHEMA_KEY));
}

/// Every section's schema, sent as `output_config`, passes the strict
/// fake's structured-output checks.
#[test]
fn every_schema_is_accepted_as_output_config() {
    let cfg = ClaudeConfig {
        structured_output: true,
        ..ClaudeConfig::default()
    };
    for s in draftable().chain([REVIEW_SECTION]) {
        let schema = schema_out::section_schema(s).unwrap();
        let body = build_body(
            &cfg,
            &PromptParts {
                system: "sys",
                inputs: &[("a".into(), "L1| x".into())],
                ask: "ask",
                schema: Some(&schema),
                schema_text: None,
            },
        );
        assert!(body.get("output_config").is_some());
        let r = fake_anthropic::contract::validate(body.to_string().as_bytes(), false);
        assert!(r.is_ok(), "{s}: {r:?}");
    }
}

async fn one(
    server: &FakeAnthropic,
    c: ClaudeConfig,
    section: &str,
) -> (Result<Drafted, DraftError>, Vec<DraftEvent>) {
    let config = Config::default();
    let an = analyzer(&config);
    let base = without(EXAMPLE, section);
    let mut d = Drafter::new(c, Prompts::embedded(), &an(base.clone()), "postmortem.yaml").unwrap();
    let _ = server;
    let mut events = Vec::new();
    let r = d
        .draft(
            &base,
            &Target::for_section(section),
            &CancellationToken::new(),
            &mut |e| events.push(e),
            &an,
        )
        .await;
    (r, events)
}

/// An empty first answer goes back as a non-empty note (the strict fake
/// refuses empty text blocks), and the repair is accepted.
#[tokio::test]
async fn an_empty_answer_is_repaired_without_an_empty_block() {
    let server = FakeAnthropic::start().await;
    server.push(Reply::text(""));
    server.push(Reply::text(
        value::answer_for(EXAMPLE, "what_went_well").unwrap(),
    ));
    let (r, _) = one(&server, cfg(&server), "what_went_well").await;
    let out = r.unwrap();
    assert!(out.repaired);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let b = reqs[1].json().unwrap();
    assert_eq!(b["messages"][1]["content"][0]["text"], "(no answer)");
    // Four breakpoints: system, inputs, the first user turn, the repair.
    assert_eq!(
        reqs[1]
            .body
            .windows(13)
            .filter(|w| w == b"cache_control")
            .count(),
        4
    );
}

/// `verify: {}` and a bare-string `incident_ref` are not what the card asks
/// for: sent back once, then rejected.
#[tokio::test]
async fn answers_that_miss_the_cards_parts_are_rejected() {
    let server = FakeAnthropic::start().await;
    for _ in 0..2 {
        server.push(Reply::text("{\"verify\": {}}"));
    }
    let (r, _) = one(&server, cfg(&server), "verify").await;
    match r {
        Err(DraftError::Rejected { reasons, .. }) => {
            assert!(
                reasons
                    .iter()
                    .any(|r| r.contains("`verify.next_input` is missing")),
                "{reasons:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let repair = server.requests()[1].json().unwrap();
    let text = repair["messages"][2]["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text.contains("`verify.low_confidence` is missing"),
        "{text}"
    );

    server.push(Reply::text("{\"incident_ref\": \"INC-2026-0412\"}"));
    server.push(Reply::text(
        value::answer_for(EXAMPLE, "incident_ref").unwrap(),
    ));
    let (r, _) = one(&server, cfg(&server), "incident_ref").await;
    let out = r.unwrap();
    assert!(out.repaired && out.yaml.contains("source:"), "{}", out.yaml);
}

/// Counted before sending: the endpoint when the estimate comes near the
/// limit, the conservative estimate when a gateway lacks it; stopping early
/// names the sizes and the largest input.
#[tokio::test]
async fn requests_are_counted_before_sending() {
    let server = FakeAnthropic::start().await;
    let config = Config::default();
    let an = analyzer(&config);
    let base = without(EXAMPLE, "root_cause");
    // What the fake counts for the first request.
    let probe = {
        let d = Drafter::new(
            cfg(&server),
            Prompts::embedded(),
            &an(base.clone()),
            "postmortem.yaml",
        )
        .unwrap();
        let mut d = d;
        let (task, schema) = d
            .task(&Target::for_section("root_cause"), "English")
            .unwrap();
        d.first_ask = Some(FirstAsk::new("postmortem.yaml", &base, "root_cause", &task));
        d.body(&schema)
    };
    let counted = fake_anthropic::contract::input_tokens(&probe);
    let estimate = estimate_body_tokens(&probe);
    assert!(
        estimate > counted,
        "the estimate is conservative: {estimate} vs {counted}"
    );
    let max_tokens = 4096;
    // A window the request fits by the count but not by the estimate.
    let fits = ClaudeConfig {
        context_window: Some(counted + counted / 10 + max_tokens),
        max_tokens: max_tokens as u32,
        ..cfg(&server)
    };
    assert!(estimate > counted + counted / 10);
    server.push(Reply::text(
        value::answer_for(EXAMPLE, "root_cause").unwrap(),
    ));
    let (r, _) = one(&server, fits.clone(), "root_cause").await;
    r.unwrap();
    assert_eq!(server.count_requests().len(), 1);
    assert_eq!(server.requests().len(), 1);

    // Without the endpoint, the estimate decides: nothing is sent.
    server.set_count_tokens_available(false);
    let (r, events) = one(&server, fits, "root_cause").await;
    let e = r.unwrap_err();
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(server.requests().len(), 1, "nothing sent");
    match &e {
        DraftError::InputTooLong {
            tokens,
            limit,
            largest,
        } => {
            assert_eq!(*tokens, estimate);
            assert_eq!(*limit, counted + counted / 10);
            assert_eq!(largest.as_deref(), Some("report.md"));
        }
        other => panic!("{other:?}"),
    }
    let m = e.user_message();
    assert!(
        m.contains("the inputs are")
            && m.contains("the model's limit is")
            && m.contains("the largest input is report.md"),
        "{m}"
    );
    assert!(e
        .user_message_for(crate::diagnostic::Locale::ZhTw)
        .contains("最大的輸入是 report.md"));

    // Far too small: the count says so too.
    server.set_count_tokens_available(true);
    let tiny = ClaudeConfig {
        context_window: Some(max_tokens + 1000),
        ..cfg(&server)
    };
    let (r, _) = one(&server, tiny, "root_cause").await;
    assert!(matches!(r, Err(DraftError::InputTooLong { tokens, .. }) if tokens == counted));
    assert_eq!(server.requests().len(), 1);
}

/// A refusal resets the conversation (stop-reasons docs): the next section
/// starts a new one.
#[tokio::test]
async fn a_refusal_resets_the_conversation() {
    let server = FakeAnthropic::start().await;
    let config = Config::default();
    let an = analyzer(&config);
    let base = skeleton();
    let mut d = Drafter::new(
        cfg(&server),
        Prompts::embedded(),
        &an(base.clone()),
        "postmortem.yaml",
    )
    .unwrap();
    server.push(Reply::text(value::answer_for(EXAMPLE, "timeline").unwrap()));
    server.push(Reply::Stream(StreamReply {
        text: String::new(),
        stop_reason: "refusal".into(),
        ..StreamReply::default()
    }));
    server.push(Reply::text(
        value::answer_for(EXAMPLE, "what_went_well").unwrap(),
    ));
    let cancel = CancellationToken::new();
    let acc = d
        .draft(
            &base,
            &Target::for_section("timeline"),
            &cancel,
            &mut |_| {},
            &an,
        )
        .await
        .unwrap()
        .text;
    let e = d
        .draft(
            &acc,
            &Target::for_section("root_cause"),
            &cancel,
            &mut |_| {},
            &an,
        )
        .await
        .unwrap_err();
    assert_eq!(e, DraftError::Refused);
    d.draft(
        &acc,
        &Target::for_section("what_went_well"),
        &cancel,
        &mut |_| {},
        &an,
    )
    .await
    .unwrap();
    let reqs = server.requests();
    assert_eq!(
        reqs[1].json().unwrap()["messages"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let third = reqs[2].json().unwrap();
    assert_eq!(
        third["messages"].as_array().unwrap().len(),
        1,
        "a new conversation"
    );
    assert!(third["messages"][0]["content"][1]["text"]
        .as_str()
        .unwrap()
        .contains("<document"));
}

/// A Traditional Chinese document is taught the zh-TW marker.
#[test]
fn zh_tw_documents_get_the_zh_marker() {
    let server_url = "http://127.0.0.1:9".to_string();
    let config = Config::default();
    let an = analyzer(&config);
    let d = Drafter::new(
        ClaudeConfig {
            base_url: server_url,
            ..ClaudeConfig::default()
        }
        .with_api_key("k"),
        Prompts::embedded(),
        &an(EXAMPLE.to_string()),
        "postmortem.yaml",
    )
    .unwrap();
    let (zh, _) = d
        .task(
            &Target::for_section("root_cause"),
            "Traditional Chinese (zh-TW)",
        )
        .unwrap();
    assert!(zh.contains("[來源未明示,需確認]"), "{zh}");
    let (en, _) = d
        .task(&Target::for_section("root_cause"), "English")
        .unwrap();
    assert!(en.contains("[source unstated, needs confirmation]") && !en.contains("來源未明示"));
    let system = Prompts::embedded().system().unwrap();
    assert!(system.contains("[來源未明示,需確認]") && system.contains("`blameless_summary`"));
    let summary = Prompts::embedded().section("blameless_summary").unwrap();
    assert!(summary.contains("already be stated, with its citation"));
    assert!(Prompts::embedded()
        .section("action_items")
        .unwrap()
        .contains("a person or a team"));
}

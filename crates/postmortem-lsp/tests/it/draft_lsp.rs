//! Drafting with Claude over the language server, in a real client session
//! (in-process, and the built binary over stdio) against the fake Anthropic
//! server on 127.0.0.1. No network.

use crate::common::fake_claude::*;
use crate::common::{file_uri, offset, Client, PATIENCE};
use fake_anthropic::{Chunking, FakeUsage, Reply, StreamReply};
use postmortem_engine::analysis::{analyze, Options};
use postmortem_engine::config::Config;
use postmortem_engine::diagnostic::Severity;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const KEY: &str = "sk-ant-test-DRAFT-4f9e2b7c1d";

fn stream(text: String) -> Reply {
    Reply::Stream(StreamReply {
        text,
        chunking: Chunking::Awkward,
        usage: Some(FakeUsage {
            input_tokens: 2100,
            output_tokens: 640,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 9800,
        }),
        ..StreamReply::default()
    })
}

fn slow(text: String) -> Reply {
    Reply::Stream(StreamReply {
        text,
        delay_ms: 250,
        delta_chars: 300,
        ..StreamReply::default()
    })
}

fn settings() -> Value {
    json!({"claude": {"apiKey": KEY}})
}

fn start(mut c: Client, dir: &Path, doc: &str, settings: Value) -> (Client, String) {
    if let Ok(mut s) = c.settings.lock() {
        *s = settings.clone();
    }
    c.initialize_with(
        dir,
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        settings,
    );
    let uri = c.open(&dir.join("postmortem.yaml"), doc);
    c.diagnostics(&uri, 1);
    (c, uri)
}

fn session(dir: &Path, doc: &str) -> (Client, String) {
    start(Client::in_process(), dir, doc, settings())
}

/// Runs a command and waits for its progress to end; returns the end params.
/// The user's consent is given in the arguments, as the editor extensions
/// pass it (the consent question itself is tested in tests/draft_privacy.rs).
fn run(c: &mut Client, command: &str, mut args: Value) -> Value {
    if let Some(o) = args.as_object_mut() {
        o.entry("consent").or_insert(json!("once"));
    }
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": command, "arguments": [args]}),
    );
    assert!(r.is_null(), "{r}");
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end")
}

fn draft(c: &mut Client, uri: &str, section: &str) -> Value {
    run(
        c,
        "postmortem.draftSection",
        json!({"uri": uri, "section": section}),
    )
}

/// The next `window/showMessage` (its text).
fn shown(c: &mut Client) -> String {
    c.wait_for("window/showMessage", |_| true)["message"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Applies the (single-document) workspace edit to `text`; returns the text
/// and the version it targets.
fn apply(text: &str, edit: &Value) -> (String, Option<i64>) {
    let (edits, version) = match edit["documentChanges"].as_array() {
        Some(dc) => (
            dc[0]["edits"].as_array().cloned().unwrap_or_default(),
            dc[0]["textDocument"]["version"].as_i64(),
        ),
        None => {
            let changes = edit["changes"].as_object().expect("changes");
            let first = changes.values().next().expect("one document");
            (first.as_array().cloned().unwrap_or_default(), None)
        }
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let s = offset(
                text,
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
            );
            let t = offset(
                text,
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
            );
            (s, t, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, t, n) in spans {
        out.replace_range(s..t, &n);
    }
    (out, version)
}

fn edits(c: &Client) -> Vec<Value> {
    c.logged("workspace/applyEdit")
        .into_iter()
        .map(|m| m["params"]["edit"].clone())
        .collect()
}

/// Errors in `text` as the workspace's postmortem (all rules, real inputs).
fn errors(dir: &Path, text: &str) -> Vec<String> {
    let cfg = Config::default();
    let path = dir.join("postmortem.yaml");
    let mut o = Options::new(&cfg);
    o.path = Some(&path);
    o.root = Some(dir);
    analyze(text.to_string(), &o)
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}: {}", d.code, d.field, d.message))
        .collect()
}

fn no_key_in(c: &Client) {
    let all = c
        .log
        .lock()
        .map(|l| serde_json::to_string(&*l).unwrap_or_default())
        .unwrap_or_default();
    assert!(
        !all.contains(KEY) && !all.contains("DRAFT-4f9e"),
        "the API key reached the client"
    );
}

#[test]
fn drafts_a_missing_section_into_place_with_progress() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-insert", &doc, &f.server.url(), "");
    f.server.push(stream(answer("root_cause")));
    let (mut c, uri) = session(&dir, &doc);
    let end = draft(&mut c, &uri, "root_cause");

    // Request: headers and body shape.
    let reqs = f.server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/messages")
    );
    assert_eq!(r.header("x-api-key"), Some(KEY));
    assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let b = r.json().expect("JSON body");
    assert_eq!(b["model"], "claude-sonnet-4-6");
    assert_eq!(b["stream"], true);
    assert!(b["max_tokens"].as_u64().unwrap() > 0);
    assert_eq!(b["system"][0]["cache_control"]["type"], "ephemeral");
    let content = b["messages"][0]["content"].as_array().unwrap();
    assert_eq!(content[0]["cache_control"]["type"], "ephemeral");
    let inputs = content[0]["text"].as_str().unwrap();
    assert!(
        inputs.starts_with("<input name=\"report\">\n§1 L1| # INC-2026-0412"),
        "{}",
        &inputs[..80]
    );
    assert!(inputs.contains("<input name=\"chat\">\n§1 L1| [13:41] deploybot"));
    // The document (one block per top-level section) and then the task.
    let ask: String = content[1..]
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    let ask = ask.as_str();
    assert!(ask.starts_with("<document name=\"postmortem.yaml\">\n# Postmortem for INC-2026-0412"));
    assert!(
        ask.contains("<task section=\"root_cause\">") && ask.contains("Write the text in English.")
    );
    // No output_config (it would break the cache between sections): the
    // schema, in the card's order, is part of the task.
    assert!(b.get("output_config").is_none() && b.get("temperature").is_none());
    assert!(ask.contains("\"required\":[\"root_cause\"]"), "{ask}");
    assert!(ask.find("\"five_whys\"").unwrap() < ask.find("\"primary_cause_category\"").unwrap());

    // Progress: begin, reports, end with the cost.
    let progress = c.logged("$/progress");
    assert_eq!(
        progress[0]["params"]["value"]["title"],
        "Drafting root_cause from report.md, chat.log, metrics.md, runbook.md"
    );
    assert_eq!(progress[0]["params"]["value"]["cancellable"], true);
    assert!(progress
        .iter()
        .any(|p| p["params"]["value"]["kind"] == "report"
            && p["params"]["value"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("characters received"))));
    let end_msg = end["value"]["message"].as_str().unwrap();
    assert!(
        end_msg.contains("11,900 tokens in (9,800 from cache), 640 out, about $")
            && end_msg.contains("1 request"),
        "{end_msg}"
    );
    assert!(!c.logged("window/workDoneProgress/create").is_empty());

    // The edit: against version 1, inserting the section where the schema puts it.
    let e = edits(&c);
    assert_eq!(e.len(), 1);
    let (text, version) = apply(&doc, &e[0]);
    assert_eq!(version, Some(1));
    assert_eq!(
        text, EXAMPLE,
        "the example's own section, in its own layout"
    );
    assert!(errors(&dir, &text).is_empty(), "{:?}", errors(&dir, &text));
    assert!(shown(&mut c).starts_with("Drafted root_cause."));
    no_key_in(&c);
    c.shutdown();
}

#[test]
fn a_second_section_sends_the_same_prefix_bytes() {
    let f = fake();
    let doc = without(&without(EXAMPLE, "root_cause"), "what_went_well");
    let dir = ws("d-prefix", &doc, &f.server.url(), "");
    f.server.push(stream(answer("root_cause")));
    f.server.push(stream(answer("what_went_well")));
    let (mut c, uri) = session(&dir, &doc);
    draft(&mut c, &uri, "root_cause");
    draft(&mut c, &uri, "what_went_well");
    let reqs = f.server.requests();
    assert_eq!(reqs.len(), 2);
    let (a, b) = (reqs[0].json().unwrap(), reqs[1].json().unwrap());
    assert_eq!(
        a["system"], b["system"],
        "the system prompt is byte-identical"
    );
    assert_eq!(
        a["messages"][0]["content"][0], b["messages"][0]["content"][0],
        "the numbered inputs are byte-identical, with their cache breakpoint"
    );
    assert_eq!(
        a["messages"][0]["content"][0]["cache_control"]["type"],
        "ephemeral"
    );
    // … and as bytes on the wire, up to the end of the inputs block.
    let inputs = a["messages"][0]["content"][0]["text"].as_str().unwrap();
    let wire = |r: &fake_anthropic::RecordedRequest| {
        let s = String::from_utf8(r.body.clone()).unwrap();
        let at = s.find("</input>\\n\"").expect("inputs in the body");
        s[..at].to_string()
    };
    assert!(!inputs.is_empty());
    assert_eq!(wire(&reqs[0]), wire(&reqs[1]));
    let last = |v: &Value| {
        v["messages"][0]["content"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone()
    };
    assert_ne!(last(&a), last(&b), "the task differs");
    c.shutdown();
}

#[test]
fn drafting_all_missing_sections_continues_one_conversation() {
    let f = fake();
    let doc = without(
        &without(&without(EXAMPLE, "root_cause"), "what_went_wrong"),
        "blameless_summary",
    );
    let dir = ws("d-missing", &doc, &f.server.url(), "");
    for s in ["root_cause", "what_went_wrong", "blameless_summary"] {
        f.server.push(stream(answer(s)));
    }
    let (mut c, uri) = session(&dir, &doc);
    let end = run(&mut c, "postmortem.draftMissing", json!({"uri": uri}));
    let reqs: Vec<Value> = f
        .server
        .requests()
        .iter()
        .map(|r| r.json().unwrap())
        .collect();
    assert_eq!(reqs.len(), 3);
    for w in reqs.windows(2) {
        let (prev, next) = (
            w[0]["messages"].as_array().unwrap(),
            w[1]["messages"].as_array().unwrap(),
        );
        assert_eq!(next.len(), prev.len() + 2, "an answer and a new task");
        for (i, m) in prev.iter().enumerate() {
            // Same content, cache marks aside: each request starts with the previous one.
            let strip = |v: &Value| {
                let mut v = v.clone();
                for c in v["content"].as_array_mut().unwrap() {
                    c.as_object_mut().unwrap().remove("cache_control");
                }
                v
            };
            assert_eq!(strip(m), strip(&next[i]));
        }
        let breakpoints = serde_json::to_string(&w[1])
            .unwrap()
            .matches("\"cache_control\"")
            .count();
        assert!(breakpoints <= 4, "at most 4 cache breakpoints");
    }
    assert!(reqs[1]["messages"][2]["content"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("The `root_cause` draft was accepted"));
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("3 requests"));
    let e = edits(&c);
    assert_eq!(e.len(), 1, "one edit for all sections");
    let (text, _) = apply(&doc, &e[0]);
    assert!(errors(&dir, &text).is_empty(), "{:?}", errors(&dir, &text));
    for s in ["root_cause", "what_went_wrong", "blameless_summary"] {
        assert_eq!(section_value(&text, s), section_value(EXAMPLE, s), "{s}");
    }
    c.shutdown();
}

#[test]
fn one_repair_round_trip_then_the_edit() {
    let f = fake();
    let doc = without(EXAMPLE, "slo_impact");
    let dir = ws("d-repair", &doc, &f.server.url(), "");
    let good = answer("slo_impact");
    f.server
        .push(stream(good.replace("[metrics §4-6]", "[metrics §94-96]")));
    f.server.push(stream(good));
    let (mut c, uri) = session(&dir, &doc);
    draft(&mut c, &uri, "slo_impact");
    let reqs = f.server.requests();
    assert_eq!(reqs.len(), 2);
    let second = reqs[1].json().unwrap();
    let msgs = second["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[1]["role"], "assistant");
    let repair = msgs[2]["content"][0]["text"].as_str().unwrap();
    assert!(
        repair.contains("PM402") && repair.contains("metrics §94-96"),
        "{repair}"
    );
    assert!(c
        .logged("$/progress")
        .iter()
        .any(|p| p["params"]["value"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("asking Claude once more"))));
    let e = edits(&c);
    assert_eq!(e.len(), 1);
    let (text, _) = apply(&doc, &e[0]);
    assert_eq!(text, EXAMPLE);
    c.shutdown();
}

#[test]
fn no_edit_when_the_draft_stays_invalid() {
    let f = fake();
    let doc = without(EXAMPLE, "slo_impact");
    let dir = ws("d-invalid", &doc, &f.server.url(), "");
    let bad = answer("slo_impact").replace("[metrics §4-6]", "[pager L3]");
    f.server.push(stream(bad.clone()));
    f.server.push(stream(bad));
    let (mut c, uri) = session(&dir, &doc);
    let end = draft(&mut c, &uri, "slo_impact");
    assert_eq!(f.server.requests().len(), 2, "one repair, no more");
    assert!(edits(&c).is_empty(), "nothing applied");
    let m = shown(&mut c);
    assert!(
        m.contains("was not applied") && m.contains("output log"),
        "{m}"
    );
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("not applied"));
    let logs = c.logged("window/logMessage");
    assert!(
        logs.iter()
            .any(|l| l["params"]["message"].as_str().is_some_and(|m| m
                .contains("Rejected draft of `slo_impact`")
                && m.contains("[pager L3]"))),
        "the rejected draft stays viewable in the log"
    );
    c.shutdown();
}

#[test]
fn typing_elsewhere_during_a_draft_applies_at_the_moved_place() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-moved", &doc, &f.server.url(), "");
    f.server.push(slow(answer("root_cause")));
    let (mut c, uri) = session(&dir, &doc);
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": "root_cause", "consent": "once"}]}),
    );
    assert!(r.is_null());
    f.wait_requests(1);
    // While Claude answers, a line is added at the top.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# Reviewed by the IC.\n"}]}));
    let v2 = format!("# Reviewed by the IC.\n{doc}");
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let e = edits(&c);
    assert_eq!(e.len(), 1);
    let (text, version) = apply(&v2, &e[0]);
    assert_eq!(
        version,
        Some(2),
        "the edit targets the version with the user's line"
    );
    assert_eq!(text, format!("# Reviewed by the IC.\n{EXAMPLE}"));
    assert!(
        c.logged("window/showMessageRequest").is_empty(),
        "nothing to ask"
    );
    c.shutdown();
}

#[test]
fn typing_in_the_section_during_a_draft_asks_first() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-asks", &doc, &f.server.url(), "");
    f.server.push(slow(answer("root_cause")));
    f.server.push(slow(answer("root_cause")));
    let (mut c, uri) = session(&dir, &doc);

    // 1. The user starts writing root_cause meanwhile; asked, they cancel.
    if let Ok(mut ch) = c.choices.lock() {
        ch.push_back(Some("Cancel".into()));
    }
    let r = c.request("workspace/executeCommand", json!({"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": "root_cause", "consent": "once"}]}));
    assert!(r.is_null());
    f.wait_requests(1);
    let line = doc[..doc.find("contributing_factors:").unwrap()]
        .matches('\n')
        .count();
    let typed = "root_cause:\n  confidence: M\n\n";
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": typed}]}));
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let asked = c.logged("window/showMessageRequest");
    assert_eq!(asked.len(), 1);
    let q = &asked[0]["params"];
    assert!(q["message"]
        .as_str()
        .unwrap()
        .contains("`root_cause` changed while Claude was drafting it"));
    let titles: Vec<&str> = q["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Replace", "Insert below", "Cancel"]);
    assert!(
        edits(&c).is_empty(),
        "cancelled: the user's text is untouched"
    );
    assert!(shown(&mut c).contains("`root_cause` was left as it is"));

    // 2. Asked again (the section has content now), they pick Replace.
    let v2 = {
        let at = doc.find("contributing_factors:").unwrap();
        format!("{}{typed}{}", &doc[..at], &doc[at..])
    };
    if let Ok(mut ch) = c.choices.lock() {
        ch.push_back(Some("Replace".into()));
    }
    draft(&mut c, &uri, "root_cause");
    let asked = c.logged("window/showMessageRequest");
    assert_eq!(asked.len(), 2);
    assert!(asked[1]["params"]["message"]
        .as_str()
        .unwrap()
        .contains("already has content"));
    let e = edits(&c);
    assert_eq!(e.len(), 1);
    let (text, version) = apply(&v2, &e[0]);
    assert_eq!(version, Some(2));
    assert_eq!(text, EXAMPLE);
    c.shutdown();
}

#[test]
fn a_redraft_can_go_below_the_existing_section() {
    let f = fake();
    let dir = ws("d-below", EXAMPLE, &f.server.url(), "");
    let mut a = answer("out_of_scope");
    a = a.replace(
        "Individual performance review",
        "Performance review of individuals",
    );
    f.server.push(stream(a));
    let (mut c, uri) = session(&dir, EXAMPLE);
    if let Ok(mut ch) = c.choices.lock() {
        ch.push_back(Some("Insert below".into()));
    }
    // The answer waits until the test has seen the question.
    c.answer_choices
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let r = c.request("workspace/executeCommand", json!({"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": "out_of_scope", "consent": "once"}]}));
    assert!(r.is_null());
    let q = c.wait_for("window/showMessageRequest", |_| true);
    assert!(q["message"]
        .as_str()
        .unwrap()
        .contains("`out_of_scope` already has content"));
    c.answer_choices
        .store(true, std::sync::atomic::Ordering::SeqCst);
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let e = edits(&c);
    assert_eq!(e.len(), 1);
    let (text, _) = apply(EXAMPLE, &e[0]);
    assert_eq!(
        text.matches("\nout_of_scope:").count(),
        2,
        "both versions, for the user to merge"
    );
    assert!(
        text.contains("  - Individual performance review")
            && text.contains("  - Performance review of individuals")
    );
    c.shutdown();
}

#[test]
fn cancel_closes_the_http_stream_and_changes_nothing() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-cancel", &doc, &f.server.url(), "");
    f.server.push(Reply::Hang);
    let (mut c, uri) = session(&dir, &doc);
    let r = c.request("workspace/executeCommand", json!({"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": "root_cause", "consent": "once"}]}));
    assert!(r.is_null(), "the command returns at once");
    let begin = c.wait_for("$/progress", |p| p["value"]["kind"] == "begin");
    f.wait_requests(1);
    c.notify(
        "window/workDoneProgress/cancel",
        json!({"token": begin["token"]}),
    );
    assert!(
        f.rt.block_on(f.server.wait_closed_early(1, PATIENCE)),
        "the HTTP stream was closed"
    );
    let end = c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    assert!(
        end["value"]["message"]
            .as_str()
            .unwrap()
            .contains("cancelled"),
        "{end}"
    );
    assert!(edits(&c).is_empty());
    c.shutdown();
}

#[test]
fn cancel_request_on_a_command_with_a_client_token() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-cancelreq", &doc, &f.server.url(), "");
    f.server.push(Reply::Hang);
    let (mut c, uri) = session(&dir, &doc);
    c.send(json!({"jsonrpc": "2.0", "id": 9001, "method": "workspace/executeCommand", "params": {"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": "root_cause", "consent": "once"}], "workDoneToken": "client-token-7"}}));
    let begin = c.wait_for("$/progress", |p| p["value"]["kind"] == "begin");
    assert_eq!(
        begin["token"], "client-token-7",
        "progress on the client's token"
    );
    assert!(c.logged("window/workDoneProgress/create").is_empty());
    f.wait_requests(1);
    c.notify("$/cancelRequest", json!({"id": 9001}));
    assert!(f.rt.block_on(f.server.wait_closed_early(1, PATIENCE)));
    let deadline = Instant::now() + PATIENCE;
    let response = loop {
        let found = c
            .log
            .lock()
            .unwrap()
            .iter()
            .find(|m| m["id"] == 9001 && m.get("method").is_none())
            .cloned();
        if let Some(r) = found {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "no response to the cancelled request"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(response["error"]["code"], -32800, "{response}");
    assert!(edits(&c).is_empty());
    c.shutdown();
}

/// Each failure: its message says what to do, the text is untouched, the key
/// never shows.
#[test]
fn failures_say_what_to_do_and_touch_nothing() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-fail", &doc, &f.server.url(), "");
    let (mut c, uri) = session(&dir, &doc);
    let s500 = || Reply::Status {
        code: 500,
        headers: vec![("retry-after".into(), "0".into())],
        body: r#"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#
            .into(),
    };
    let cases: Vec<(Vec<Reply>, &[&str])> = vec![
        (
            vec![Reply::api_error(
                401,
                "authentication_error",
                &format!("invalid x-api-key {KEY}"),
            )],
            &[
                "rejected the API key (401)",
                "ANTHROPIC_API_KEY",
                "postmortem.claude.apiKey",
            ],
        ),
        (
            vec![Reply::api_error(403, "permission_error", "not allowed")],
            &["(403)", "Anthropic Console"],
        ),
        (
            vec![Reply::api_error(
                404,
                "not_found_error",
                "model: claude-sonnet-4-6",
            )],
            &[
                "Model `claude-sonnet-4-6` was not found (404)",
                "[claude] model",
            ],
        ),
        (
            vec![Reply::api_error(413, "request_too_large", "too large")],
            &["(413)", "[inputs] max_bytes"],
        ),
        (
            vec![
                Reply::rate_limited(Some("0")),
                Reply::rate_limited(Some("0")),
            ],
            &["rate limit was reached (429) after 1 retry"],
        ),
        (
            vec![Reply::overloaded(Some("0")), Reply::overloaded(Some("0"))],
            &["overloaded right now (529) after 1 retry", "try again"],
        ),
        (vec![s500(), s500()], &["server error (500) after 1 retry"]),
        (
            // Retried like a 529.
            vec![
                Reply::ErrorEvent {
                    text_before: "{\"root_".into(),
                    kind: "overloaded_error".into(),
                    message: "Overloaded".into(),
                },
                Reply::ErrorEvent {
                    text_before: String::new(),
                    kind: "overloaded_error".into(),
                    message: "Overloaded".into(),
                },
            ],
            &["overloaded right now (529) after 1 retry", "try again"],
        ),
        (
            vec![Reply::api_error(
                402,
                "billing_error",
                "Your credit balance is too low",
            )],
            &["(402)", "Billing", "Anthropic Console"],
        ),
        (
            // A spend cap: 429 without retry-after, not retried.
            vec![Reply::api_error(
                429,
                "rate_limit_error",
                "monthly spend limit reached",
            )],
            &["spend limit", "Nothing was retried"],
        ),
        (
            vec![Reply::Stream(StreamReply {
                text: String::new(),
                stop_reason: "refusal".into(),
                ..StreamReply::default()
            })],
            &["declined", "refusal"],
        ),
        (
            vec![Reply::Stream(StreamReply {
                text: "{\"root_cause\": {\"five_wh".into(),
                stop_reason: "model_context_window_exceeded".into(),
                ..StreamReply::default()
            })],
            &[
                "context window",
                "model_context_window_exceeded",
                "largest input (report.md)",
            ],
        ),
        (
            vec![Reply::Stream(StreamReply {
                text: "{\"root_cause\": {\"five_wh".into(),
                stop_reason: "max_tokens".into(),
                ..StreamReply::default()
            })],
            &["cut off at max_tokens", "[claude] max_tokens"],
        ),
        (
            vec![Reply::Garbage {
                body: String::new(),
            }],
            &["could not be read", "ANTHROPIC_BASE_URL"],
        ),
        (
            vec![Reply::CloseEarly {
                text: "{\"root".into(),
                abrupt: false,
            }],
            &["ended early"],
        ),
    ];
    for (replies, expected) in cases {
        let n = replies.len();
        let before = f.server.requests().len();
        for r in replies {
            f.server.push(r);
        }
        draft(&mut c, &uri, "root_cause");
        let m = c.wait_for("window/showMessage", |p| p["type"] == 1)["message"]
            .as_str()
            .unwrap()
            .to_string();
        for e in expected {
            assert!(m.contains(e), "expected «{e}» in «{m}»");
        }
        assert_eq!(f.server.requests().len() - before, n);
        assert!(edits(&c).is_empty(), "{m}");
    }
    // Retries are visible in the progress.
    assert!(c
        .logged("$/progress")
        .iter()
        .any(|p| p["params"]["value"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("(429); retry 1 in 0 s"))));
    no_key_in(&c);
    c.shutdown();
}

#[test]
fn timeouts_and_refused_connections() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-timeout", &doc, &f.server.url(), "");
    std::fs::write(
        dir.join(".postmortem-lsp.toml"),
        format!(
            "[claude]\nbase_url = \"{}\"\nmax_retries = 0\ntimeout_s = 1\n",
            f.server.url()
        ),
    )
    .unwrap();
    f.server.push(Reply::Hang);
    let (mut c, uri) = session(&dir, &doc);
    draft(&mut c, &uri, "root_cause");
    let m = shown(&mut c);
    assert!(
        m.contains("sent no data for 1 s") && m.contains("timeout_s"),
        "{m}"
    );
    assert!(edits(&c).is_empty());
    c.shutdown();

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = ws("d-refused", &doc, &format!("http://127.0.0.1:{port}"), "");
    std::fs::write(
        dir.join(".postmortem-lsp.toml"),
        format!("[claude]\nbase_url = \"http://127.0.0.1:{port}\"\nmax_retries = 0\n"),
    )
    .unwrap();
    let (mut c, uri) = session(&dir, &doc);
    draft(&mut c, &uri, "root_cause");
    let m = shown(&mut c);
    assert!(
        m.contains("Could not reach http://127.0.0.1:") && m.contains("HTTPS_PROXY"),
        "{m}"
    );
    assert!(edits(&c).is_empty());
    c.shutdown();
}

#[test]
fn fenced_yaml_when_structured_output_is_off() {
    let f = fake();
    let doc = without(EXAMPLE, "what_went_wrong");
    let dir = ws(
        "d-fenced",
        &doc,
        &f.server.url(),
        "structured_output = false\n",
    );
    let p = postmortem_syntax::parse(EXAMPLE);
    let span = p
        .root
        .as_ref()
        .unwrap()
        .pair("what_went_wrong")
        .unwrap()
        .span
        .clone();
    let yaml = &EXAMPLE[span];
    f.server.push(stream(format!(
        "Here is the section:\n\n```yaml\n{yaml}\n```\n"
    )));
    let (mut c, uri) = session(&dir, &doc);
    draft(&mut c, &uri, "what_went_wrong");
    let b = f.server.requests()[0].json().unwrap();
    assert!(
        b.get("output_config").is_none(),
        "no structured output requested"
    );
    assert!(
        b["messages"][0]["content"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("\"what_went_wrong\""),
        "the schema is in the prompt"
    );
    let e = edits(&c);
    assert_eq!(e.len(), 1);
    let (text, _) = apply(&doc, &e[0]);
    assert_eq!(
        section_value(&text, "what_went_wrong"),
        section_value(EXAMPLE, "what_went_wrong")
    );
    assert!(errors(&dir, &text).is_empty());
    c.shutdown();
}

#[test]
fn inputs_outside_the_workspace_are_never_read_or_sent() {
    let f = fake();
    let outside = std::env::temp_dir().join(format!("pm-outside-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "TOP-SECRET-PAYROLL-DATA\n").unwrap();
    let doc = without(EXAMPLE, "root_cause").replace(
        "  runbook: runbook.md\n",
        &format!("  runbook: runbook.md\n  secret: ../pm-outside-{}/secret.txt\n  abs: {}\n  link: link.txt\n", std::process::id(), outside.join("secret.txt").display()),
    );
    let dir = ws("d-outside", &doc, &f.server.url(), "");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("secret.txt"), dir.join("link.txt")).unwrap();
    f.server.push(stream(answer("root_cause")));
    let (mut c, uri) = session(&dir, &doc);
    let begin_title = {
        draft(&mut c, &uri, "root_cause");
        c.logged("$/progress")[0]["params"]["value"]["title"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        begin_title,
        "Drafting root_cause from report.md, chat.log, metrics.md, runbook.md"
    );
    let body = String::from_utf8(f.server.requests()[0].body.clone()).unwrap();
    assert!(
        !body.contains("TOP-SECRET"),
        "content outside the workspace was sent"
    );
    assert!(!body.contains("<input name=\"secret\">") && !body.contains("<input name=\"link\">"));
    let _ = std::fs::remove_dir_all(&outside);
    c.shutdown();
}

#[test]
fn code_actions_offer_drafting() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-actions", &doc, &f.server.url(), "");
    let (mut c, uri) = session(&dir, &doc);
    let titles = |c: &mut Client,
                  line: u64,
                  only: Option<&[&str]>,
                  diags: Value|
     -> Vec<(String, String, Value)> {
        let col = if line == 0 { 0 } else { 2 };
        let mut ctx = json!({"diagnostics": diags});
        if let Some(o) = only {
            ctx["only"] = json!(o);
        }
        let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "context": ctx}));
        r.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["command"].is_object())
            .map(|a| {
                (
                    a["title"].as_str().unwrap().to_string(),
                    a["kind"].as_str().unwrap().to_string(),
                    a["command"].clone(),
                )
            })
            .collect()
    };
    // On the PM002 "missing section" diagnostic (at the top of the document).
    let at_top = titles(&mut c, 0, Some(&["quickfix"]), json!([]));
    assert_eq!(at_top.len(), 1, "{at_top:?}");
    assert_eq!(at_top[0].0, "Draft root_cause with Claude");
    assert_eq!(at_top[0].2["command"], "postmortem.draftSection");
    assert_eq!(
        at_top[0].2["arguments"],
        json!([{"uri": uri, "section": "root_cause"}])
    );
    // Inside a section with content: a redraft; plus the source actions.
    let line = doc[..doc.find("what_went_well:").unwrap()]
        .matches('\n')
        .count() as u64
        + 1;
    let inside = titles(&mut c, line, None, json!([]));
    let names: Vec<&str> = inside.iter().map(|t| t.0.as_str()).collect();
    assert!(
        names.contains(&"Redraft what_went_well with Claude"),
        "{names:?}"
    );
    assert!(names.contains(&"Draft all missing sections with Claude"));
    assert!(names.contains(&"Review with Claude"));
    let kinds: Vec<&str> = inside.iter().map(|t| t.1.as_str()).collect();
    assert!(kinds.contains(&"refactor.rewrite") && kinds.contains(&"source"));
    let review = inside.iter().find(|t| t.0 == "Review with Claude").unwrap();
    assert_eq!(review.2["command"], "postmortem.review");
    assert!(titles(&mut c, line, Some(&["quickfix"]), json!([]))
        .iter()
        .all(|t| t.1 == "quickfix"));
    c.shutdown();

    // What the server announces.
    let mut c2 = Client::in_process();
    let init = c2.initialize(&dir, &[], json!({}));
    let cmds = &init["capabilities"]["executeCommandProvider"]["commands"];
    for cmd in [
        "postmortem.draftSection",
        "postmortem.draftMissing",
        "postmortem.review",
    ] {
        assert!(cmds.as_array().unwrap().iter().any(|c| c == cmd), "{cmds}");
    }
    let kinds = &init["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(kinds, &json!(["quickfix", "source", "refactor.rewrite"]));
    c2.shutdown();
}

#[test]
fn review_writes_the_verify_section() {
    let f = fake();
    let doc = without(EXAMPLE, "verify");
    let dir = ws("d-review", &doc, &f.server.url(), "");
    f.server.push(stream(answer("verify")));
    let (mut c, uri) = session(&dir, &doc);
    let end = run(&mut c, "postmortem.review", json!({"uri": uri}));
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Done"));
    let first = f.server.requests()[0].json().unwrap();
    let ask = first["messages"][0]["content"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ask.contains("<task section=\"verify\">") && ask.contains("next_input"));
    let (text, _) = apply(&doc, &edits(&c)[0]);
    assert_eq!(
        section_value(&text, "verify"),
        section_value(EXAMPLE, "verify")
    );
    c.shutdown();
}

/// The built binary over stdio, with the key and base URL in its environment:
/// it drafts, and the key shows up in none of its output (stderr, logs,
/// messages), even when Anthropic's error echoes it.
#[test]
fn built_binary_over_stdio_never_shows_the_key() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-stdio", &doc, "https://api.anthropic.com", "");
    std::fs::write(
        dir.join(".postmortem-lsp.toml"),
        "[claude]\nmax_retries = 0\n",
    )
    .unwrap();
    f.server.push(stream(answer("root_cause")));
    f.server.push(Reply::api_error(
        401,
        "authentication_error",
        &format!("invalid x-api-key: {KEY}"),
    ));
    let url = f.server.url();
    let c = Client::spawn_with_env(
        env!("CARGO_BIN_EXE_postmortem-lsp"),
        &["serve"],
        &[
            ("ANTHROPIC_API_KEY", KEY),
            ("ANTHROPIC_BASE_URL", &url),
            ("RUST_LOG", "trace"),
        ],
        &[],
    );
    let (mut c, uri) = start(c, &dir, &doc, json!({}));
    draft(&mut c, &uri, "root_cause");
    assert_eq!(
        f.server.requests()[0].header("x-api-key"),
        Some(KEY),
        "the key from the environment"
    );
    let (text, _) = apply(&doc, &edits(&c)[0]);
    assert_eq!(text, EXAMPLE);
    draft(&mut c, &uri, "root_cause");
    assert!(
        c.wait_for("window/showMessage", |p| p["type"] == 1)["message"]
            .as_str()
            .unwrap()
            .contains("(401)")
    );
    let stderr = c.stderr.clone();
    no_key_in(&c);
    c.shutdown();
    let err = String::from_utf8_lossy(&stderr.lock().unwrap()).to_string();
    assert!(
        !err.contains(KEY) && !err.contains("DRAFT-4f9e"),
        "the key reached stderr: {err}"
    );
}

#[test]
fn no_key_names_the_variable_and_the_setting() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("d-nokey", &doc, &f.server.url(), "");
    let c = Client::spawn_with_env(
        env!("CARGO_BIN_EXE_postmortem-lsp"),
        &["serve"],
        &[],
        &["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"],
    );
    let (mut c, uri) = start(c, &dir, &doc, json!({}));
    let end = draft(&mut c, &uri, "root_cause");
    let m = shown(&mut c);
    assert!(
        m.contains("ANTHROPIC_API_KEY") && m.contains("postmortem.claude.apiKey"),
        "{m}"
    );
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("ANTHROPIC_API_KEY"));
    assert!(f.server.requests().is_empty(), "nothing was sent");
    assert!(edits(&c).is_empty());
    assert!(!c.logged("window/logMessage").is_empty(), "also in the log");
    c.shutdown();
    let _ = file_uri(&dir);
}

//! "Review blameless wording with Claude" over the language server, against
//! the strict fake Anthropic server on 127.0.0.1 (no network): the action,
//! the consent question, what is sent (redacted prose values only), the
//! findings as diagnostics with exact UTF-16 ranges, quick fixes that are
//! offered and never applied, findings cleared per value on edit, and cancel.

use crate::common::fake_claude::*;
use crate::common::{offset, Client, PATIENCE};
use fake_anthropic::{Reply, StreamReply};
use postmortem_engine::privacy::corpus::{issue_eight, Gen};
use serde_json::{json, Value};
use std::path::Path;

const KEY: &str = "sk-ant-test-WORDING-9a1f3c";
const SOURCE: &str = "postmortem-lsp (claude)";

/// A generated GitHub token (no secret-looking literal is committed).
fn secret(seed: u64) -> String {
    issue_eight(&mut Gen::new(seed))[2].values[0].clone()
}

fn doc(secret: &str) -> String {
    format!(
        "incident_ref:\n  id: INC-2026-0999\n  title: Checkout errors after the pool change\ninputs:\n  report: report.md\nwhat_went_wrong:\n  - The deploy script should have checked the pool size before the rollout\n  - \"值班者 🚨 應該要先看告警才對,token {secret} 在 log 裡\"\n  - Alerts fired late\naction_items:\n  - id: A1\n    statement: Remind engineers to be careful with config changes\n    owner: payments team\n    due: 2026-05-01\n"
    )
}

/// Claude's answer: four findings that can be placed, one whose phrase is
/// not in its value and one whose path names no value.
fn answer() -> String {
    json!({"findings": [
        {"path": "what_went_wrong[0]", "quote": "should have checked", "rule": "PM303",
         "reason": "A counterfactual judges the past instead of naming the missing check.", "rewrite": "did not check"},
        {"path": "what_went_wrong[1]", "quote": "應該要先看告警才對", "rule": "PM303",
         "reason": "反事實語句把焦點放在個人。", "rewrite": "沒有機制提示先看告警"},
        {"path": "what_went_wrong[2]", "quote": "Alerts fired late", "rule": "PM305",
         "reason": "Say how late, measured.", "rewrite": "Note: alerts fired 9 minutes after impact"},
        {"path": "action_items[0].statement", "quote": "Remind engineers to be careful", "rule": "PM304",
         "reason": "This asks people to try harder.", "rewrite": null},
        {"path": "what_went_wrong[0]", "quote": "could have", "rule": "PM303", "reason": "x", "rewrite": null},
        {"path": "what_went_wrong[9]", "quote": "Alerts", "rule": "PM305", "reason": "x", "rewrite": null}
    ]})
    .to_string()
}

fn session(dir: &Path, text: &str, extra_caps: Value) -> (Client, String) {
    let mut c = Client::in_process();
    let settings = json!({"claude": {"apiKey": KEY}});
    if let Ok(mut s) = c.settings.lock() {
        *s = settings.clone();
    }
    c.initialize_with(dir, extra_caps, settings);
    let uri = c.open(&dir.join("postmortem.yaml"), text);
    (c, uri)
}

fn choose(c: &Client, picks: &[Option<&str>]) {
    if let Ok(mut ch) = c.choices.lock() {
        ch.extend(picks.iter().map(|p| p.map(str::to_string)));
    }
}

/// Runs the review and waits for its progress to end.
fn review(c: &mut Client, uri: &str, consent: Option<&str>) -> Value {
    let mut arg = json!({"uri": uri});
    if let Some(k) = consent {
        arg["consent"] = json!(k);
    }
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.reviewWording", "arguments": [arg]}),
    );
    assert!(r.is_null(), "{r}");
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end")
}

fn from_claude(diags: &[Value]) -> Vec<Value> {
    diags
        .iter()
        .filter(|d| d["source"] == SOURCE)
        .cloned()
        .collect()
}

/// The next published diagnostics of `uri` at `version` or later that
/// satisfy `pred` (on the review's diagnostics).
fn published(
    c: &mut Client,
    uri: &str,
    version: i64,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let p = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri
            && p["version"].as_i64().unwrap_or(-1) >= version
            && pred(&from_claude(p["diagnostics"].as_array().unwrap()))
    });
    from_claude(p["diagnostics"].as_array().unwrap())
}

/// (line, character) in UTF-16 units of byte offset `at`.
fn lsp_pos(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({
        "line": text[..at].matches('\n').count(),
        "character": text[line_start..at].encode_utf16().count(),
    })
}

/// The LSP range of the first `phrase` in `text`.
fn range_of(text: &str, phrase: &str) -> Value {
    let at = text.find(phrase).expect("phrase in the text");
    json!({"start": lsp_pos(text, at), "end": lsp_pos(text, at + phrase.len())})
}

fn by_field<'a>(diags: &'a [Value], field: &str) -> Option<&'a Value> {
    diags.iter().find(|d| d["data"]["field"] == field)
}

fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let at = |p: &Value| {
                offset(
                    text,
                    p["line"].as_u64().unwrap(),
                    p["character"].as_u64().unwrap(),
                )
            };
            (
                at(&r["start"]),
                at(&r["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, t, n) in spans {
        out.replace_range(s..t, &n);
    }
    out
}

fn change(c: &mut Client, uri: &str, version: i64, range: Value, text: &str) {
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": text}]}),
    );
}

/// The value at `path` of a YAML text, as the parser reads it.
fn value_at(text: &str, path: &str) -> String {
    let p = postmortem_syntax::parse(text);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    postmortem_engine::rules::prose::scalar_at(p.root.as_ref().unwrap(), path)
        .unwrap_or_else(|| panic!("no {path}"))
        .0
        .value
        .clone()
}

#[test]
fn the_action_is_offered_in_english_and_chinese() {
    let f = fake();
    let text = doc(&secret(1));
    let dir = ws("w-actions", &text, &f.server.url(), "");
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 6, "character": 4}, "end": {"line": 6, "character": 4}}, "context": {"diagnostics": [], "only": ["source"]}}));
    let ours: Vec<&Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["command"]["command"] == "postmortem.reviewWording")
        .collect();
    assert_eq!(ours.len(), 1, "{actions}");
    assert_eq!(ours[0]["title"], "Review blameless wording with Claude");
    assert_eq!(ours[0]["kind"], "source");
    assert_eq!(ours[0]["command"]["arguments"], json!([{"uri": uri}]));
    c.shutdown();

    // A document whose messages are in 繁體中文.
    let zh = ws("w-actions-zh", &text, &f.server.url(), "");
    std::fs::write(
        zh.join(".postmortem-lsp.toml"),
        format!(
            "locale = \"zh-TW\"\n[claude]\nbase_url = \"{}\"\n",
            f.server.url()
        ),
    )
    .unwrap();
    let (mut c, uri) = session(&zh, &text, json!({}));
    c.diagnostics(&uri, 1);
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}));
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"] == "請 Claude 檢查無責備用語"
                && a["command"]["command"] == "postmortem.reviewWording"),
        "{actions}"
    );
    let mut c3 = Client::in_process();
    let init = c3.initialize(&dir, &[], json!({}));
    c3.shutdown();
    assert!(init["capabilities"]["executeCommandProvider"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "postmortem.reviewWording"));
    c.shutdown();
}

#[test]
fn declining_sends_nothing() {
    let f = fake();
    let text = doc(&secret(2));
    let dir = ws("w-decline", &text, &f.server.url(), "");
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    choose(&c, &[Some("Cancel")]);
    let end = review(&mut c, &uri, None);
    let q = c.logged("window/showMessageRequest");
    assert_eq!(q.len(), 1, "asked once");
    let msg = q[0]["params"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Send postmortem.yaml (")
            && msg.contains("1 secret redacted) to 127.0.0.1:"),
        "{msg}"
    );
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("Nothing was sent"));
    assert!(
        f.server.requests().is_empty(),
        "the fake server saw nothing"
    );
    assert!(f.server.count_requests().is_empty());
    // What would be sent, shown without sending.
    let token = secret(2);
    let p = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.whatIsSent", "arguments": [{"uri": uri, "wording": true}]}),
    );
    assert_eq!(p["question"].as_str().unwrap(), msg);
    assert_eq!(p["redacted"], 1);
    let body = p["body"].to_string();
    assert!(!body.contains(&token) && body.contains("[REDACTED:github-pat]"));
    assert!(body.contains("what_went_wrong[1]") && !body.contains("INC-2026-0999"));
    assert!(f.server.requests().is_empty());
    c.shutdown();
}

#[test]
fn accepting_sends_redacted_prose_and_findings_become_diagnostics() {
    let f = fake();
    let token = secret(3);
    let text = doc(&token);
    let dir = ws("w-accept", &text, &f.server.url(), "");
    f.server.push(Reply::text(answer()));
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    choose(&c, &[Some("Send")]);
    let end = review(&mut c, &uri, None);

    // What was sent: the prose values, redacted; never inputs, ids, dates.
    let reqs = f.server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].header("x-api-key"), Some(KEY));
    let wire = String::from_utf8(reqs[0].body.clone()).unwrap();
    assert!(!wire.contains(&token), "the secret reached the server");
    assert!(wire.contains("[REDACTED:github-pat]"));
    for absent in ["INC-2026-0999", "report.md", "2026-05-01", "payments team"] {
        assert!(!wire.contains(absent), "{absent} was sent");
    }
    let body = reqs[0].json().unwrap();
    let ask = body["messages"][0]["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect::<String>();
    assert!(ask.contains(
        r#"{"path":"what_went_wrong[0]","text":"The deploy script should have checked the pool size before the rollout"}"#
    ), "{ask}");
    assert!(ask.contains(r#""path":"action_items[0].statement""#));
    assert!(ask.contains("\"required\":[\"path\",\"quote\",\"rule\",\"reason\",\"rewrite\"]"));
    assert!(body["system"][0]["text"]
        .as_str()
        .unwrap()
        .contains("PM303"));
    assert!(
        body.get("output_config").is_none(),
        "as drafts: schema in the task"
    );

    // Four findings placed, two dropped (and said so in the log).
    let diags = published(&mut c, &uri, 1, |d| !d.is_empty());
    assert_eq!(diags.len(), 4, "{diags:#?}");
    let wrong0 = by_field(&diags, "what_went_wrong[0]").unwrap();
    assert_eq!(wrong0["range"], range_of(&text, "should have checked"));
    assert_eq!(wrong0["code"], "PM303");
    assert_eq!(wrong0["severity"], 3);
    assert!(wrong0["message"]
        .as_str()
        .unwrap()
        .starts_with("Claude (counterfactual): A counterfactual judges the past"));
    // Chinese and an emoji before the phrase: UTF-16 columns.
    let zh = by_field(&diags, "what_went_wrong[1]").unwrap();
    assert_eq!(zh["range"], range_of(&text, "應該要先看告警才對"));
    let line = text[..text.find("值班者").unwrap()].matches('\n').count();
    assert_eq!(
        zh["range"],
        json!({"start": {"line": line, "character": 12}, "end": {"line": line, "character": 21}})
    );
    let action = by_field(&diags, "action_items[0].statement").unwrap();
    assert_eq!(
        action["range"],
        range_of(&text, "Remind engineers to be careful")
    );
    assert_eq!(action["code"], "PM304");
    let logs: Vec<String> = c
        .logged("window/logMessage")
        .iter()
        .filter_map(|m| m["params"]["message"].as_str().map(str::to_string))
        .collect();
    assert!(
        logs.iter()
            .any(|m| m.contains("6 findings returned, 4 shown")
                && m.contains(
                    "1 whose phrase is not in its value, 1 whose path names no prose value"
                )),
        "{logs:#?}"
    );
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("4 shown"));
    let shown = c.wait_for("window/showMessage", |_| true);
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .starts_with("Claude suggests rewording 4 phrases; see the problems marked"),
        "{shown}"
    );
    // The engine's own diagnostics are still there.
    let all = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert!(all.is_array());
    assert!(!c
        .log
        .lock()
        .unwrap()
        .iter()
        .any(|m| m.to_string().contains(KEY)));
    c.shutdown();
}

#[test]
fn rewrites_are_quick_fixes_never_applied_by_themselves() {
    let f = fake();
    let text = doc(&secret(4));
    let dir = ws("w-fixes", &text, &f.server.url(), "");
    f.server.push(Reply::text(answer()));
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    review(&mut c, &uri, Some("once"));
    let diags = published(&mut c, &uri, 1, |d| d.len() == 4);
    let fixes_at = |c: &mut Client, d: &Value| -> Vec<Value> {
        let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d], "only": ["quickfix"]}}));
        r.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["diagnostics"][0]["source"] == SOURCE)
            .cloned()
            .collect()
    };
    let expect = [
        (
            "what_went_wrong[0]",
            "Rewrite as “did not check” (Claude's suggestion)",
            "The deploy script did not check the pool size before the rollout".to_string(),
        ),
        (
            "what_went_wrong[1]",
            "Rewrite as “沒有機制提示先看告警” (Claude's suggestion)",
            value_at(&text, "what_went_wrong[1]")
                .replace("應該要先看告警才對", "沒有機制提示先看告警"),
        ),
        (
            // ": " in a plain value: the whole value becomes a quoted one.
            "what_went_wrong[2]",
            "Rewrite as “Note: alerts fired 9 minutes after impact” (Claude's suggestion)",
            "Note: alerts fired 9 minutes after impact".to_string(),
        ),
    ];
    for (field, title, value) in expect {
        let d = by_field(&diags, field).unwrap();
        let fixes = fixes_at(&mut c, d);
        assert_eq!(fixes.len(), 1, "{field}: {fixes:#?}");
        assert_eq!(fixes[0]["title"], title);
        assert_eq!(fixes[0]["kind"], "quickfix");
        let edits = fixes[0]["edit"]["changes"][&uri].as_array().unwrap();
        let fixed = apply_edits(&text, edits);
        assert_eq!(value_at(&fixed, field), value, "{field}:\n{fixed}");
    }
    let unquoted = apply_edits(
        &text,
        fixes_at(&mut c, by_field(&diags, "what_went_wrong[2]").unwrap())[0]["edit"]["changes"]
            [&uri]
            .as_array()
            .unwrap(),
    );
    assert!(unquoted.contains("  - \"Note: alerts fired 9 minutes after impact\"\n"));
    // No rewrite given: no fix from Claude.
    assert!(fixes_at(
        &mut c,
        by_field(&diags, "action_items[0].statement").unwrap()
    )
    .is_empty());
    // Nothing was applied by the server.
    assert!(c.logged("workspace/applyEdit").is_empty());
    c.shutdown();
}

#[test]
fn an_edit_clears_that_values_findings_and_the_others_follow_the_text() {
    let f = fake();
    let text = doc(&secret(5));
    let dir = ws("w-edit", &text, &f.server.url(), "");
    f.server.push(Reply::text(answer()));
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    review(&mut c, &uri, Some("once"));
    published(&mut c, &uri, 1, |d| d.len() == 4);

    // Edit what_went_wrong[0] (away from its finding's phrase).
    let at = text.find("deploy script").unwrap();
    change(
        &mut c,
        &uri,
        2,
        json!({"start": lsp_pos(&text, at), "end": lsp_pos(&text, at + "deploy script".len())}),
        "deploy tool",
    );
    let v2 = text.replacen("deploy script", "deploy tool", 1);
    let diags = published(&mut c, &uri, 2, |_| true);
    assert_eq!(diags.len(), 3, "{diags:#?}");
    assert!(by_field(&diags, "what_went_wrong[0]").is_none());
    assert_eq!(
        by_field(&diags, "what_went_wrong[1]").unwrap()["range"],
        range_of(&v2, "應該要先看告警才對")
    );

    // A comment line above everything touches no value: the findings move with the text.
    change(
        &mut c,
        &uri,
        3,
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
        "# reviewed\n",
    );
    let v3 = format!("# reviewed\n{v2}");
    let diags = published(&mut c, &uri, 3, |_| true);
    assert_eq!(diags.len(), 3, "{diags:#?}");
    for (field, phrase) in [
        ("what_went_wrong[1]", "應該要先看告警才對"),
        ("what_went_wrong[2]", "Alerts fired late"),
        (
            "action_items[0].statement",
            "Remind engineers to be careful",
        ),
    ] {
        assert_eq!(
            by_field(&diags, field).unwrap()["range"],
            range_of(&v3, phrase),
            "{field}"
        );
    }
    // Typing in the action statement clears its finding only.
    let at = v3.find("config changes").unwrap();
    change(
        &mut c,
        &uri,
        4,
        json!({"start": lsp_pos(&v3, at), "end": lsp_pos(&v3, at)}),
        "all ",
    );
    let diags = published(&mut c, &uri, 4, |_| true);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert!(by_field(&diags, "action_items[0].statement").is_none());
    assert!(by_field(&diags, "what_went_wrong[2]").is_some());
    c.shutdown();
}

#[test]
fn pull_diagnostics_merge_the_review_too() {
    let f = fake();
    let text = doc(&secret(6));
    let dir = ws("w-pull", &text, &f.server.url(), "");
    f.server.push(Reply::text(answer()));
    let (mut c, uri) = session(
        &dir,
        &text,
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}},
               "workspace": {"diagnostics": {"refreshSupport": true}}}),
    );
    let pull = |c: &mut Client| -> Vec<Value> {
        let r = c.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        r["items"].as_array().unwrap().clone()
    };
    let before = pull(&mut c);
    assert!(!before.is_empty() && from_claude(&before).is_empty());
    review(&mut c, &uri, Some("once"));
    let after = pull(&mut c);
    let ours = from_claude(&after);
    assert_eq!(ours.len(), 4, "{after:#?}");
    assert_eq!(after.len(), before.len() + 4, "merged with the engine's");
    assert!(!c.logged("workspace/diagnostic/refresh").is_empty());
    assert!(c.logged("textDocument/publishDiagnostics").is_empty());
    c.shutdown();
}

#[test]
fn findings_of_values_changed_during_the_review_are_not_shown() {
    let f = fake();
    let text = doc(&secret(7));
    let dir = ws("w-meanwhile", &text, &f.server.url(), "");
    f.server.push(Reply::Stream(StreamReply {
        text: answer(),
        delay_ms: 150,
        delta_chars: 200,
        ..StreamReply::default()
    }));
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.reviewWording", "arguments": [{"uri": uri, "consent": "once"}]}),
    );
    assert!(r.is_null());
    f.wait_requests(1);
    let at = text.find("before the rollout").unwrap();
    change(
        &mut c,
        &uri,
        2,
        json!({"start": lsp_pos(&text, at), "end": lsp_pos(&text, at + "before the rollout".len())}),
        "first",
    );
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let v2 = text.replacen("before the rollout", "first", 1);
    let diags = published(&mut c, &uri, 2, |d| !d.is_empty());
    assert_eq!(diags.len(), 3, "{diags:#?}");
    assert!(by_field(&diags, "what_went_wrong[0]").is_none());
    assert_eq!(
        by_field(&diags, "what_went_wrong[2]").unwrap()["range"],
        range_of(&v2, "Alerts fired late")
    );
    assert!(c
        .logged("window/logMessage")
        .iter()
        .any(|m| m["params"]["message"]
            .as_str()
            .unwrap()
            .contains("1 whose value changed during the review")));
    c.shutdown();
}

#[test]
fn an_unreadable_answer_is_asked_again_once() {
    let f = fake();
    let text = doc(&secret(8));
    let dir = ws("w-repair", &text, &f.server.url(), "");
    f.server
        .push(Reply::text(r#"{"findings": [{"path": "what_went_wrong[0]", "quote": "should have", "rule": "PM399"}]}"#));
    f.server
        .push(Reply::text(format!("```json\n{}\n```", answer())));
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    review(&mut c, &uri, Some("once"));
    let reqs = f.server.requests();
    assert_eq!(reqs.len(), 2);
    let second = reqs[1].json().unwrap();
    let msgs = second["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[1]["role"], "assistant");
    let repair = msgs[2]["content"][0]["text"].as_str().unwrap();
    assert!(
        repair.contains("findings[0].rule `PM399` is not one of PM301–PM306")
            && repair.contains("findings[0].reason"),
        "{repair}"
    );
    assert_eq!(published(&mut c, &uri, 1, |d| !d.is_empty()).len(), 4);

    // Unreadable twice: nothing shown, and the message says what to do.
    f.server.push(Reply::text("not JSON"));
    f.server.push(Reply::text("still not JSON"));
    let end = review(&mut c, &uri, Some("once"));
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("Run the review again"));
    c.shutdown();
}

#[test]
fn cancel_closes_the_stream_and_shows_nothing() {
    let f = fake();
    let text = doc(&secret(9));
    let dir = ws("w-cancel", &text, &f.server.url(), "");
    f.server.push(Reply::Hang);
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.reviewWording", "arguments": [{"uri": uri, "consent": "once"}]}),
    );
    assert!(r.is_null(), "the command returns at once");
    let begin = c.wait_for("$/progress", |p| p["value"]["kind"] == "begin");
    assert_eq!(
        begin["value"]["title"],
        "Reviewing blameless wording with Claude"
    );
    assert_eq!(begin["value"]["cancellable"], true);
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
    assert_eq!(
        end["value"]["message"],
        "The review was cancelled; nothing was changed."
    );
    assert!(c
        .logged("textDocument/publishDiagnostics")
        .iter()
        .all(|p| from_claude(p["params"]["diagnostics"].as_array().unwrap()).is_empty()));
    c.wait_for("window/logMessage", |m| {
        m["message"] == "The review was cancelled; nothing was changed."
    });
    c.request("shutdown", Value::Null);
    assert!(
        c.logged("window/showMessage").is_empty(),
        "no pop-up for a cancel"
    );
    c.shutdown();
}

#[test]
fn one_consent_covers_reviews_and_drafts() {
    let f = fake();
    let text = doc(&secret(10));
    let dir = ws("w-always", &text, &f.server.url(), "");
    f.server.push(Reply::text(answer()));
    f.server.push(Reply::text(r#"{"findings": []}"#));
    let (mut c, uri) = session(&dir, &text, json!({}));
    c.diagnostics(&uri, 1);
    choose(&c, &[Some("Always for this workspace")]);
    review(&mut c, &uri, None);
    let end = review(&mut c, &uri, None);
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("0 shown"));
    // A draft from the same workspace is not asked about again either.
    f.server.push(Reply::text("not JSON"));
    f.server.push(Reply::text("not JSON"));
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.draftSection", "arguments": [{"uri": uri, "section": "what_went_well"}]}),
    );
    assert!(r.is_null());
    c.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    assert_eq!(c.logged("window/showMessageRequest").len(), 1, "asked once");
    assert_eq!(f.server.requests().len(), 4);
    // The second review found nothing: the first one's findings are replaced.
    let diags = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range_of(&text, "should have checked"), "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    assert!(
        !diags.to_string().contains("Claude's suggestion"),
        "{diags}"
    );
    c.shutdown();
}

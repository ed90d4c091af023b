//! Editor intelligence over LSP: hovers, completion, definition, references,
//! outline, folding, selection ranges, code lens (and its command), inlay
//! hints and schema quick fixes, on the bundled example and on a Chinese
//! postmortem (UTF-16 ranges on lines with Chinese text).

use crate::common::{file_uri, pos_of, Client};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage")
}

fn zh_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zh-tw")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read fixture")
}

/// Client capabilities of a full-featured editor.
fn caps(markdown: bool) -> Value {
    let fmt = if markdown {
        json!(["markdown", "plaintext"])
    } else {
        json!(["plaintext"])
    };
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {
            "hover": {"contentFormat": fmt},
            "completion": {"completionItem": {"snippetSupport": true, "documentationFormat": fmt}},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "publishDiagnostics": {}
        },
        "workspace": {"configuration": true, "workspaceFolders": true}
    })
}

/// `initialize` with a locale (the shared helper sends none).
fn init(c: &mut Client, root: &Path, locale: &str, markdown: bool) -> Value {
    let uri = file_uri(root);
    let r = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri, "locale": locale, "capabilities": caps(markdown),
               "workspaceFolders": [{"uri": uri, "name": "ws"}]}),
    );
    c.notify("initialized", json!({}));
    r
}

/// Opens `path` with `text` and waits for its first diagnostics.
fn open(c: &mut Client, path: &Path, text: &str) -> String {
    let uri = c.open(path, text);
    c.diagnostics(&uri, 1);
    uri
}

fn at(uri: &str, text: &str, needle: &str, plus: u64) -> Value {
    let (l, ch) = pos_of(text, needle, false);
    json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": ch + plus}})
}

fn range_of(text: &str, needle: &str) -> Value {
    let (l, ch) = pos_of(text, needle, false);
    let len = needle.encode_utf16().count() as u64;
    json!({"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch + len}})
}

fn hover_text(h: &Value) -> String {
    h["contents"]["value"].as_str().unwrap_or("").to_string()
}

fn labels(items: &Value) -> Vec<String> {
    items["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_capability_over_stdio_on_the_example() {
    let mut c = Client::spawn(env!("CARGO_BIN_EXE_postmortem-lsp"), &["serve"]);
    let dir = example_dir();
    let init = init(&mut c, &dir, "en-US", true);
    let cap = &init["capabilities"];
    assert_eq!(cap["hoverProvider"], true);
    let triggers = cap["completionProvider"]["triggerCharacters"].clone();
    for t in ["[", "§", " ", ":"] {
        assert!(
            triggers.as_array().is_some_and(|a| a.contains(&json!(t))),
            "{triggers}"
        );
    }
    for k in [
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "foldingRangeProvider",
        "selectionRangeProvider",
        "inlayHintProvider",
    ] {
        assert_eq!(cap[k], true, "{k}");
    }
    assert!(cap["codeLensProvider"].is_object());
    assert!(cap["executeCommandProvider"]["commands"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("postmortem.showLowConfidence"))));

    let path = dir.join("postmortem.yaml");
    let text = read(&path);
    let uri = open(&mut c, &path, &text);

    // hover: a field (with the SLO formula), an enum value, a citation
    let h = c.request(
        "textDocument/hover",
        at(&uri, &text, "error_budget_consumed_pct", 2),
    );
    assert_eq!(h["contents"]["kind"], "markdown");
    let t = hover_text(&h);
    assert!(
        t.contains("**slo_impact.error_budget_consumed_pct**"),
        "{t}"
    );
    assert!(t.contains("bad minutes / ((1 − SLO) × window)"), "{t}");
    assert_eq!(h["range"], range_of(&text, "error_budget_consumed_pct"));
    let h = c.request("textDocument/hover", at(&uri, &text, "capacity, code]", 1));
    assert!(hover_text(&h).contains("decision_log.options_considered"));
    let h = c.request("textDocument/hover", at(&uri, &text, "[chat L13]", 3));
    let t = hover_text(&h);
    assert!(
        t.contains("chat.log") && t.contains("FIRING CheckoutErrorRateHigh"),
        "{t}"
    );
    assert_eq!(h["range"], range_of(&text, "[chat L13]"));

    // completion: a new action item with the next id, as a snippet
    let ai_line = text.find("\nblameless_summary:").expect("section");
    let edited = format!("{}\n  {}", &text[..ai_line], &text[ai_line..]);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    c.diagnostics(&uri, 2);
    let line = edited[..ai_line + 1].matches('\n').count() as u64;
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}}),
    );
    let item = r["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["kind"] == 15))
        .cloned()
        .expect("a snippet item");
    assert_eq!(item["label"], "New action item AI-006");
    assert_eq!(item["insertTextFormat"], 2);
    let nt = item["textEdit"]["newText"].as_str().unwrap_or("");
    assert!(
        nt.starts_with("- id: ${1:AI-006}\n    statement: ${2:TODO("),
        "{nt}"
    );

    // definition and references
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    c.diagnostics(&uri, 3);
    let d = c.request(
        "textDocument/definition",
        at(&uri, &text, "[chat L15-L16]", 2),
    );
    assert!(
        d["uri"].as_str().is_some_and(|u| u.ends_with("/chat.log")),
        "{d}"
    );
    assert_eq!(d["range"]["start"], json!({"line": 14, "character": 0}));
    assert_eq!(d["range"]["end"]["line"], 15);
    let refs = c.request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": at(&uri, &text, "  runbook: runbook.md", 3)["position"], "context": {"includeDeclaration": false}}));
    let n = refs.as_array().map_or(0, Vec::len);
    assert_eq!(n, text.matches("[runbook").count(), "{refs}");

    // outline, folding, selection
    let s = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let ai = s
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == "action_items"))
        .cloned()
        .expect("action_items symbol");
    assert_eq!(ai["children"].as_array().map_or(0, Vec::len), 5);
    assert!(ai["children"][1]["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("AI-002 Replace the fixed")));
    let f = c.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let ai_line = pos_of(&text, "action_items:", false).0;
    assert!(f.as_array().is_some_and(|a| a
        .iter()
        .any(|r| r["startLine"] == ai_line && r["kind"] == "region")));
    let (l, ch) = pos_of(&text, "payments-team", false);
    let sr = c.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": uri}, "positions": [{"line": l, "character": ch + 2}]}),
    );
    assert_eq!(sr[0]["range"], range_of(&text, "payments-team"));
    assert!(sr[0]["parent"]["parent"].is_object());

    // code lens and its command
    let lens = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let cmd = &lens[0]["command"];
    assert_eq!(
        cmd["title"],
        "6 fields below H confidence · 1 TODO · 0 actions without owner"
    );
    assert_eq!(cmd["command"], "postmortem.showLowConfidence");
    let locs = c.request(
        "workspace/executeCommand",
        json!({"command": "postmortem.showLowConfidence", "arguments": cmd["arguments"]}),
    );
    let locs = locs.as_array().cloned().unwrap_or_default();
    assert_eq!(locs.len(), 7);
    assert!(locs
        .iter()
        .all(|l| l["uri"] == uri.as_str() && l["range"]["start"]["line"].is_u64()));
    assert_eq!(
        locs[6]["range"],
        range_of(&text, "TODO(effort estimate from the platform-config team)")
    );

    // inlay hints
    let lines = text.lines().count() as u64;
    let hints = c.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}}}));
    let hl: Vec<&str> = hints
        .as_array()
        .map(|a| a.iter().filter_map(|h| h["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(hl.contains(&"= 45m (14:02 → 14:47)"), "{hl:?}");
    let (l, ch) = pos_of(&text, "mttr: 45m", false);
    assert!(hints.as_array().is_some_and(|a| a
        .iter()
        .any(|h| h["position"] == json!({"line": l, "character": ch + 9}))));
    c.shutdown();
}

#[test]
fn chinese_hovers_and_utf16_ranges() {
    let mut c = Client::in_process();
    let dir = zh_dir();
    init(&mut c, &dir, "zh-TW", false);
    let path = dir.join("postmortem.yaml");
    let text = read(&path);
    let uri = open(&mut c, &path, &text);

    // a key on a line after Chinese lines: plain text, in Chinese
    let h = c.request("textDocument/hover", at(&uri, &text, "factor: 告警門檻", 2));
    assert_eq!(h["contents"]["kind"], "plaintext");
    let t = hover_text(&h);
    assert!(
        t.contains("contributing_factors.factor") && t.contains("必填") && !t.contains("**"),
        "{t}"
    );
    // a citation after Chinese text: the range is in UTF-16 units
    let h = c.request("textDocument/hover", at(&uri, &text, "ack [chat L2]", 5));
    let (l, ch) = pos_of(&text, "ack [chat L2]", false);
    assert_eq!(
        h["range"],
        json!({"start": {"line": l, "character": ch + 4}, "end": {"line": l, "character": ch + 13}})
    );
    assert!(
        pos_of(&text, "ack [chat L2]", true).1 > ch,
        "the line has Chinese text before the citation"
    );
    let t = hover_text(&h);
    assert!(
        t.contains("chat.log") && t.contains("第 2 行") && t.contains("ack，開始查看儀表板"),
        "{t}"
    );
    // an enum value explains itself in Chinese
    let h = c.request(
        "textDocument/hover",
        at(&uri, &text, "category: recovery", 11),
    );
    assert!(hover_text(&h).contains("止血"), "{h}");

    // selection range inside a Chinese value
    let (l, ch) = pos_of(&text, "匯出佇列開始積壓", false);
    let sr = c.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": uri}, "positions": [{"line": l, "character": ch + 1}]}),
    );
    assert_eq!(sr[0]["range"], range_of(&text, "匯出佇列開始積壓"));

    // outline names in Chinese with UTF-16 ranges
    let s = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let cf = s
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == "contributing_factors"))
        .cloned()
        .expect("factors");
    assert!(cf["children"][1]["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("回滾 worker 設定後")));
    let end = pos_of(&text, "    confidence: H\n\nwhat_went_well", false);
    assert_eq!(cf["range"]["end"], json!({"line": end.0, "character": 17}));

    // inlay hint after `mtta: 2 分鐘`: the position counts UTF-16 units
    let lines = text.lines().count() as u64;
    let hints = c.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}}}));
    let (l, ch) = pos_of(&text, "mtta: 2 分鐘", false);
    let mtta = hints
        .as_array()
        .and_then(|a| a.iter().find(|h| h["position"]["line"] == l))
        .cloned()
        .expect("mtta hint");
    assert_eq!(
        mtta["position"]["character"],
        ch + "mtta: 2 分鐘".encode_utf16().count() as u64
    );
    assert_eq!(mtta["label"], "= 2m（14:10 → 14:12）");

    c.shutdown();
}

#[test]
fn code_lens_and_quick_fixes_in_chinese() {
    let mut c = Client::in_process();
    let dir = zh_dir();
    init(&mut c, &dir, "zh-Hant-TW", true);
    let path = dir.join("postmortem.yaml");
    let text = read(&path);
    let uri = c.open(&path, &text);
    let diags = c.diagnostics(&uri, 1);
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(
        codes.contains(&"PM604") && codes.contains(&"PM605"),
        "{codes:?}"
    );
    let pm604 = diags.iter().find(|d| d["code"] == "PM604").expect("pm604");
    assert!(
        pm604["message"]
            .as_str()
            .is_some_and(|m| m.contains("依 timeline 計算為 40m")),
        "{pm604}"
    );
    assert_eq!(pm604["range"], range_of(&text, "25m"));

    let lens = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        lens[0]["command"]["title"],
        "2 個欄位信心低於 H · 0 個 TODO · 1 個行動項沒有 owner"
    );

    // quick fix for the missing owner: minimal, indented like its siblings
    let pm201 = diags
        .iter()
        .find(|d| d["code"] == "PM201")
        .cloned()
        .expect("pm201");
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": pm201["range"], "context": {"diagnostics": [pm201]}}));
    let fix = actions
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|x| x["title"] == "加上 `owner: TODO(誰負責)`")
        })
        .cloned()
        .expect("add owner fix");
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "\n    owner: TODO(誰負責)");
    let end_of_statement = pos_of(&text, "門檻 5 分鐘。", false);
    assert_eq!(
        edit["range"]["start"],
        json!({"line": end_of_statement.0, "character": end_of_statement.1 + "門檻 5 分鐘。".encode_utf16().count() as u64})
    );
    c.shutdown();
}

#[test]
fn completion_in_an_unfinished_document_with_chinese_text() {
    let mut c = Client::in_process();
    let dir = zh_dir();
    init(&mut c, &dir, "en", true);
    // an unclosed quote and an unclosed bracket above; a half-typed key, and a
    // citation being typed after Chinese text
    let text = "incident_ref: INC-2026-0520\ninputs:\n  report: report.md\n  chat: chat.log\naction_items:\n  - id: AI-001\n    statement: \"值班工程師很快 ack [chat L2\n    source: [report §4\n    seve\nwhat_went_well:\n  - \"值班工程師很快 ack [ch\nwhat_went_wrong: [unclosed\n";
    let path = dir.join("draft.postmortem.yaml");
    let uri = open(&mut c, &path, text);
    let (l, ch) = pos_of(text, "    seve\n", false);
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": ch + 8}}),
    );
    let ls = labels(&r);
    assert!(ls.iter().any(|x| x == "severity"), "{ls:?}");
    let sev = r["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "severity"))
        .cloned()
        .expect("severity");
    assert_eq!(sev["textEdit"]["newText"], "severity: ${1|P0,P1,P2|}");
    assert_eq!(sev["textEdit"]["range"], range_of(text, "seve"));

    let needle = "值班工程師很快 ack [ch\n";
    let (l, ch) = pos_of(text, needle, false);
    let col = ch + "值班工程師很快 ack [ch".encode_utf16().count() as u64;
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": col}}),
    );
    let chat = r["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "chat"))
        .cloned()
        .expect("chat");
    assert_eq!(chat["textEdit"]["newText"], "chat L");
    assert_eq!(
        chat["textEdit"]["range"]["start"],
        json!({"line": l, "character": col - 2})
    );

    // line numbers with a preview after `[chat L`
    let (l2, ch2) = pos_of(text, "[chat L2\n", false);
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": l2, "character": ch2 + 7}}),
    );
    let items = r["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 5, "{r}");
    assert_eq!(items[1]["label"], "L2");
    assert!(items[1]["detail"]
        .as_str()
        .is_some_and(|d| d.contains("ack，開始查看儀表板")));
    c.shutdown();
}

#[test]
fn the_locale_setting_overrides_the_client_locale() {
    let mut c = Client::in_process();
    *c.settings.lock().expect("settings") = json!({"locale": "zh-TW"});
    let dir = example_dir();
    init(&mut c, &dir, "en-US", true);
    let path = dir.join("postmortem.yaml");
    let text = read(&path);
    let uri = c.open(&path, &text);
    // wait until the settings have been applied (the re-check after `initialized`)
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
            && p["diagnostics"].as_array().is_some_and(|d| {
                d.iter()
                    .any(|x| x["message"].as_str().is_some_and(|m| m.contains("來源")))
            })
    });
    let h = c.request(
        "textDocument/hover",
        at(&uri, &text, "  owner: payments-team", 3),
    );
    let t = hover_text(&h);
    assert!(t.contains("負責把這一項做到完"), "{t}");
    c.shutdown();
}

#[test]
fn utf8_positions_when_negotiated() {
    let mut c = Client::in_process();
    let dir = zh_dir();
    c.initialize(
        &dir,
        &["utf-8"],
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": false}}}}),
    );
    let path = dir.join("postmortem.yaml");
    let text = read(&path);
    let uri = open(&mut c, &path, &text);
    let (l, ch) = pos_of(&text, "ack [chat L2]", true);
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": ch + 5}}),
    );
    assert_eq!(h["range"]["start"], json!({"line": l, "character": ch + 4}));
    assert_eq!(h["range"]["end"], json!({"line": l, "character": ch + 13}));
    c.shutdown();
}

#[test]
fn completion_documentation_is_resolved_lazily_when_the_client_can() {
    let mut c = Client::in_process();
    let dir = example_dir();
    c.initialize(
        &dir,
        &[],
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true,
            "documentationFormat": ["markdown"], "resolveSupport": {"properties": ["documentation"]}}}}}),
    );
    let path = dir.join("postmortem.yaml");
    let text = read(&path);
    let uri = open(&mut c, &path, &text);
    let r = c.request(
        "textDocument/completion",
        at(&uri, &text, "severity: P0", 10),
    );
    let p0 = r["items"][0].clone();
    assert_eq!(p0["label"], "P0");
    assert!(p0.get("documentation").is_none(), "{p0}");
    let resolved = c.request("completionItem/resolve", p0);
    let doc = resolved["documentation"]["value"].as_str().unwrap_or("");
    assert!(
        doc.contains("20%") && doc.contains("**action_items.severity:**"),
        "{resolved}"
    );
    c.shutdown();
}

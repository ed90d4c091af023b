//! The language server in a real client session: in-process over a socket
//! pair, and the built binary over stdio.

use crate::common::{pos_of, workspace, Client};
use serde_json::{json, Value};
use std::path::PathBuf;

const DOC: &str = "incident_ref: INC-1\ninputs:\n  report: report.md\naction_items:\n  - {statement: \"值班工程師 🚒 新增檢查 [report §1]\", severity: P9}\n";
const REPORT: &str = "第一段。\n\n第二段。\n";

fn by_code<'a>(d: &'a [Value], code: &str) -> Vec<&'a Value> {
    d.iter().filter(|x| x["code"] == code).collect()
}

fn start(d: &Value) -> (u64, u64) {
    (
        d["range"]["start"]["line"].as_u64().unwrap_or(99),
        d["range"]["start"]["character"].as_u64().unwrap_or(99),
    )
}

fn encoding_session(mut c: Client, offered: &[&str], utf8: bool) {
    let ws = workspace(
        if utf8 { "enc8" } else { "enc16" },
        &[("report.md", REPORT)],
    );
    let init = c.initialize(&ws, offered, json!({}));
    assert_eq!(
        init["capabilities"]["positionEncoding"],
        if utf8 { "utf-8" } else { "utf-16" }
    );
    let uri = c.open(&ws.join("postmortem.yaml"), DOC);
    let d = c.diagnostics(&uri, 1);
    let e = by_code(&d, "PM004");
    assert_eq!(e.len(), 1, "{d:?}");
    assert_eq!(start(e[0]), pos_of(DOC, "P9", utf8));
    assert_eq!(
        e[0]["codeDescription"]["href"]
            .as_str()
            .map(|h| h.ends_with("#pm004-invalid-enum")),
        Some(true)
    );

    // Incremental edit: insert Chinese and an emoji before P9 on the same line.
    let (l, ch) = pos_of(DOC, "值班", utf8);
    let ins = "🚀緊急";
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch}}, "text": ins}]}));
    let text2 = DOC.replacen("值班", &format!("{ins}值班"), 1);
    let d2 = c.diagnostics(&uri, 2);
    assert_eq!(start(by_code(&d2, "PM004")[0]), pos_of(&text2, "P9", utf8));

    // Replace P9 with P0 through its exact range: the diagnostic goes away.
    let (l, ch) = pos_of(&text2, "P9", utf8);
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": {"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch + 2}}, "text": "P0"}]}));
    let d3 = c.diagnostics(&uri, 3);
    assert!(by_code(&d3, "PM004").is_empty(), "{d3:?}");
    // The citation to report §1 resolves; everything else about the document still reported.
    assert!(by_code(&d3, "PM402").is_empty(), "{d3:?}");
    assert!(!by_code(&d3, "PM201").is_empty());
    c.shutdown();
}

#[test]
fn utf16_positions_in_process() {
    encoding_session(Client::in_process(), &[], false);
}

#[test]
fn utf8_positions_when_offered() {
    encoding_session(Client::in_process(), &["utf-8", "utf-16"], true);
}

#[test]
fn built_binary_over_stdio() {
    encoding_session(
        Client::spawn(env!("CARGO_BIN_EXE_postmortem-lsp"), &["serve"]),
        &["utf-16"],
        false,
    );
}

#[test]
fn a_syntax_error_does_not_hide_other_sections() {
    let mut c = Client::in_process();
    let ws = workspace("syntax", &[]);
    c.initialize(&ws, &[], json!({}));
    let text = "incident_ref: INC-1\nwhat_went_well: [unclosed, \"x\nroot_cause:\n  primary_cause_category: configuration\naction_items:\n  - id: AI-001\n";
    let uri = c.open(&ws.join("postmortem.yaml"), text);
    let d = c.diagnostics(&uri, 1);
    let syn = by_code(&d, "PM001");
    assert!(!syn.is_empty());
    assert!(
        syn.iter().all(|s| start(s).0 == 1),
        "the syntax error stays on its line: {syn:?}"
    );
    assert_eq!(
        start(by_code(&d, "PM004")[0]),
        pos_of(text, "configuration", false)
    );
    assert_eq!(
        start(by_code(&d, "PM201")[0]),
        pos_of(text, "id: AI-001", false)
    );
    c.shutdown();
}

#[test]
fn inputs_outside_the_workspace_are_refused() {
    let mut c = Client::in_process();
    let ws = workspace("outside", &[("inner/report.md", "ok\n")]);
    std::fs::write(
        ws.parent().expect("parent").join("pm-secret.md"),
        "secret\n",
    )
    .expect("write");
    c.initialize(&ws.join("inner"), &[], json!({}));
    let text = "incident_ref: INC-1\ninputs:\n  evil: ../../pm-secret.md\n  abs: /etc/passwd\n  report: report.md\nroot_cause:\n  source: \"[evil §1] [report §1]\"\n";
    let uri = c.open(&ws.join("inner/postmortem.yaml"), text);
    let d = c.diagnostics(&uri, 1);
    let refused: Vec<(u64, u64)> = by_code(&d, "PM402").iter().map(|x| start(x)).collect();
    assert!(refused.contains(&pos_of(text, "../../pm-secret.md", false)));
    assert!(refused.contains(&pos_of(text, "/etc/passwd", false)));
    assert!(refused.contains(&pos_of(text, "[evil §1]", false)));
    assert!(!refused.contains(&pos_of(text, "[report §1]", false)));
    c.shutdown();
}

#[test]
fn quick_fix_replaces_the_enum_value() {
    let mut c = Client::in_process();
    let ws = workspace("fix", &[("report.md", REPORT)]);
    c.initialize(&ws, &[], json!({}));
    let uri = c.open(&ws.join("postmortem.yaml"), DOC);
    let d = c.diagnostics(&uri, 1);
    let diag = by_code(&d, "PM004")[0].clone();
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}));
    let fix = actions
        .as_array()
        .and_then(|a| a.iter().find(|a| a["title"] == "Replace with `P0`"))
        .cloned()
        .expect("fix offered");
    assert_eq!(fix["kind"], "quickfix");
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "P0");
    assert_eq!(edit["range"], diag["range"]);
    let ignore = actions
        .as_array()
        .and_then(|a| a.iter().find(|a| a["title"] == "Ignore PM004 on this line"))
        .cloned()
        .expect("ignore offered");
    assert_eq!(
        ignore["edit"]["changes"][&uri][0]["newText"],
        " # postmortem-lsp: ignore PM004"
    );
    c.shutdown();
}

/// A client that asks for pull diagnostics, with or without
/// `workspace/diagnostic/refresh`, and a postmortem citing a paragraph its
/// report does not have (PM402): the client, the `initialize` result, the
/// workspace and the document's URI.
fn pulling_session(name: &str, refresh: bool) -> (Client, Value, PathBuf, String) {
    let mut c = Client::in_process();
    let ws = workspace(name, &[("report.md", "only one paragraph\n")]);
    let init = c.initialize(
        &ws,
        &[],
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}},
               "workspace": {"diagnostics": {"refreshSupport": refresh}}}),
    );
    let text = "incident_ref: INC-1\ninputs:\n  report: report.md\nroot_cause:\n  source: \"[report §2]\"\n";
    let uri = c.open(&ws.join("postmortem.yaml"), text);
    (c, init, ws, uri)
}

#[test]
fn a_client_that_pulls_but_cannot_be_told_to_pull_again_gets_pushed_diagnostics() {
    // Neovim 0.12: `textDocument.diagnostic` without
    // `workspace.diagnostics.refreshSupport`. A saved input file must still
    // update the postmortem's diagnostics, so they are pushed.
    let (mut c, init, _ws, uri) = pulling_session("pull-norefresh", false);
    assert!(
        init["capabilities"]["diagnosticProvider"].is_null(),
        "{init}"
    );
    let d = c.diagnostics(&uri, 1);
    assert!(d.iter().any(|d| d["code"] == "PM402"), "{d:?}");
}

#[test]
fn pull_diagnostics_and_input_changes() {
    let (mut c, init, ws, uri) = pulling_session("pull", true);
    assert!(init["capabilities"]["diagnosticProvider"].is_object());
    let pull = |c: &mut Client| {
        c.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        )["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let d = pull(&mut c);
    assert_eq!(by_code(&d, "PM402").len(), 1);
    // The report gains a second paragraph: the citation now resolves.
    std::fs::write(ws.join("report.md"), "one\n\ntwo\n").expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": crate::common::file_uri(&ws.join("report.md")), "type": 2}]}),
    );
    c.wait_for("workspace/diagnostic/refresh", |_| true);
    let d = pull(&mut c);
    assert!(by_code(&d, "PM402").is_empty(), "{d:?}");
    c.shutdown();
}

#[test]
fn settings_change_severities_and_other_yaml_is_left_alone() {
    let mut c = Client::in_process();
    let ws = workspace("settings", &[]);
    *c.settings.lock().expect("settings") = json!({"rules": {"PM201": "off"}});
    c.initialize(&ws, &[], json!({}));
    let uri = c.open(
        &ws.join("postmortem.yaml"),
        "incident_ref: INC-1\naction_items:\n  - id: AI-001\n",
    );
    // The first publish may predate the settings; the server re-checks once they arrive.
    let p = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().all(|x| x["code"] != "PM201"))
    });
    let d = p["diagnostics"].as_array().cloned().unwrap_or_default();
    assert!(!by_code(&d, "PM202").is_empty(), "{d:?}");
    let other = c.open(&ws.join("ci.yaml"), "on: push\njobs: {}\n");
    assert!(c.diagnostics(&other, 1).is_empty());
    c.shutdown();
}

/// Applies LSP text edits (UTF-16 ranges) to a text, last first.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut out = text.to_string();
    let mut es: Vec<&Value> = edits.iter().collect();
    es.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64(),
            e["range"]["start"]["character"].as_u64(),
        ))
    });
    for e in es {
        let off = |p: &Value| {
            crate::common::offset(
                &out,
                p["line"].as_u64().unwrap_or(0),
                p["character"].as_u64().unwrap_or(0),
            )
        };
        let (s, t) = (off(&e["range"]["start"]), off(&e["range"]["end"]));
        out.replace_range(s..t, e["newText"].as_str().unwrap_or(""));
    }
    out
}

#[test]
fn blameless_quick_fixes_in_chinese_sentences() {
    let mut c = Client::in_process();
    let ws = workspace("blameless", &[("chat.log", "[14:02] alice: paging now\n[14:03] bob: pushed the pool change\n[14:04] pagerbot: alert fired\n"), ("report.md", "Incident commander: alice\n\nOn-call: bob\n")]);
    c.initialize(&ws, &[], json!({}));
    let text = "incident_ref: INC-1\ninputs:\n  chat: chat.log\n  report: report.md\nroot_cause:\n  five_whys:\n    - why_1: \"🚀 值班時 bob 推送了設定 [chat L2]\"\nwhat_went_wrong:\n  - \"部署是人為疏失 [chat L2]\"\n";
    let uri = c.open(&ws.join("postmortem.yaml"), text);
    let d = c.diagnostics(&uri, 1);
    let named = by_code(&d, "PM301");
    assert_eq!(named.len(), 1, "{d:?}");
    assert_eq!(start(named[0]), pos_of(text, "bob", false));
    assert_eq!(named[0]["severity"], 1);
    let blame = by_code(&d, "PM302");
    assert_eq!(start(blame[0]), pos_of(text, "人為疏失", false));

    let actions = |c: &mut Client, diag: &Value| {
        c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}})).as_array().cloned().unwrap_or_default()
    };
    let a = actions(&mut c, named[0]);
    let rewrite = a
        .iter()
        .find(|x| {
            x["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Rewrite"))
        })
        .expect("role rewrite");
    let fixed = apply(
        text,
        rewrite["edit"]["changes"][&uri].as_array().expect("edits"),
    );
    // the report says bob was on call; the sentence is Chinese, so the role is too
    assert!(fixed.contains("值班時 值班工程師 推送了設定"), "{fixed}");
    let allow = a
        .iter()
        .find(|x| {
            x["title"]
                .as_str()
                .is_some_and(|t| t.contains("allowed words"))
        })
        .expect("allow word");
    let cfg_uri = crate::common::file_uri(&ws.join(".postmortem-lsp.toml"));
    assert_eq!(
        allow["edit"]["changes"][&cfg_uri][0]["newText"],
        "[blameless]\nallow = [\"bob\"]\n"
    );
    let ignore = a
        .iter()
        .find(|x| x["title"] == "Ignore PM301 on this line")
        .expect("ignore");
    let ignored = apply(
        text,
        ignore["edit"]["changes"][&uri].as_array().expect("edits"),
    );
    assert!(
        ignored.contains("[chat L2]\" # postmortem-lsp: ignore PM301\n"),
        "{ignored}"
    );

    let b = actions(&mut c, blame[0]);
    let rewrite = b
        .iter()
        .find(|x| {
            x["title"]
                .as_str()
                .is_some_and(|t| t.contains("系統未防護此操作"))
        })
        .expect("rewrite suggestion");
    let fixed = apply(
        text,
        rewrite["edit"]["changes"][&uri].as_array().expect("edits"),
    );
    assert!(
        fixed.contains("部署是系統未防護此操作 [chat L2]"),
        "{fixed}"
    );
    c.shutdown();
}

/// Issue 14: the people-fixing and vague patterns found past the opening verb
/// still come with a quick fix, in the sentence's language, that turns the
/// statement toward the system gap and leaves a TODO to fill in.
#[test]
fn blameless_sentence_rewrites_for_new_patterns() {
    let mut c = Client::in_process();
    let ws = workspace(
        "blameless-rewrites",
        &[("chat.log", "[14:02] alice: paging now\n")],
    );
    c.initialize(&ws, &[], json!({}));
    let text = "incident_ref: INC-1\ninputs:\n  chat: chat.log\naction_items:\n  - statement: We need to be better at reviewing pool changes.\n  - statement: \"照護司將持續監測並要求同仁強化通報。\"\n  - statement: 'We''ve advised the teams to stop using single replicas.'\n";
    let uri = c.open(&ws.join("postmortem.yaml"), text);
    let d = c.diagnostics(&uri, 1);
    let people_fix = by_code(&d, "PM304");
    assert_eq!(people_fix.len(), 3, "{d:?}");
    for (diag, marker, lang_marker) in [
        (
            people_fix[0],
            "Enforce this in tooling",
            "TODO(name the check",
        ),
        (people_fix[1], "改由工具強制", "TODO(寫出檢查"),
        // the original inside a single-quoted scalar keeps its quote doubled
        (people_fix[2], "“We''ve advised", "TODO(name the check"),
    ] {
        let a = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
        );
        let a = a.as_array().cloned().unwrap_or_default();
        let fix = a
            .iter()
            .find(|x| {
                x["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("system gap") || t.contains("系統缺口"))
            })
            .unwrap_or_else(|| panic!("sentence rewrite in {a:?}"));
        let fixed = apply(
            text,
            fix["edit"]["changes"][&uri].as_array().expect("edits"),
        );
        assert!(
            fixed.contains(marker) && fixed.contains(lang_marker),
            "{fixed}"
        );
        // the fixed document still parses and the statement is no longer flagged
        let doc = postmortem_syntax::parse(&fixed);
        assert!(doc.errors.is_empty(), "{fixed}: {:?}", doc.errors);
        let again = postmortem_engine::analysis::analyze(
            fixed.clone(),
            &postmortem_engine::analysis::Options::new(
                &postmortem_engine::config::Config::default(),
            ),
        );
        // the other statement is still flagged; the rewritten one is not
        let left = again
            .diagnostics
            .iter()
            .filter(|d| d.code == "PM304")
            .count();
        assert_eq!(left, 2, "{fixed}");
    }
    c.shutdown();
}

/// A 繁體中文 action item with three quoted terms made the blameless check
/// panic (a phrase's match ended inside a masked CJK character), which took
/// down the server for small documents. The document now gets its
/// diagnostics, and the server goes on answering for it and for another one.
#[test]
fn quoted_terms_in_a_chinese_action_item_do_not_stop_the_server() {
    let mut c = Client::in_process();
    let ws = workspace("quoted-zh", &[]);
    c.initialize(&ws, &[], json!({}));
    let text = "incident_ref: INC-1\naction_items:\n  - id: AI-001\n    statement: 接下來，「銀行局」將檢視「缺失情節」及「改善情況」，綜合進行裁量評估或懲處。\n    owner: 資訊處\n    due: 2026-12-31\n";
    let uri = c.open(&ws.join("postmortem.yaml"), text);
    let d = c.diagnostics(&uri, 1);
    assert!(!by_code(&d, "PM304").is_empty(), "{d:?}");
    let other = c.open(
        &ws.join("other.postmortem.yaml"),
        "incident_ref: INC-2\naction_items:\n  - id: AI-001\n",
    );
    assert!(!c.diagnostics(&other, 1).is_empty());
    c.shutdown();
}

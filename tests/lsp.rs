//! The language server in a real client session: in-process over a socket
//! pair, and the built binary over stdio.

mod common;
use common::{pos_of, workspace, Client};
use serde_json::{json, Value};

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

#[test]
fn pull_diagnostics_and_input_changes() {
    let mut c = Client::in_process();
    let ws = workspace("pull", &[("report.md", "only one paragraph\n")]);
    let init = c.initialize(
        &ws,
        &[],
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
    );
    assert!(init["capabilities"]["diagnosticProvider"].is_object());
    let text = "incident_ref: INC-1\ninputs:\n  report: report.md\nroot_cause:\n  source: \"[report §2]\"\n";
    let uri = c.open(&ws.join("postmortem.yaml"), text);
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
        json!({"changes": [{"uri": common::file_uri(&ws.join("report.md")), "type": 2}]}),
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

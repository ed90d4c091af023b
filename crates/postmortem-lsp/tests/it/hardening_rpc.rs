//! Malformed JSON-RPC over the built binary's stdio: bad or missing
//! Content-Length, truncated bodies, invalid JSON and UTF-8, messages that are
//! not JSON-RPC, unknown methods, requests for documents never opened,
//! positions past the end, and a didChange whose version goes backwards. The
//! server answers with the JSON-RPC error the spec names (or ignores a
//! notification), and keeps serving.

use crate::common::{file_uri, workspace, Client, PATIENCE};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const DOC: &str = "incident_ref:\n  id: INC-1\nwhat_went_well:\n  - Rollback took 4 minutes 🚀 值班\r\n  - Alert fired on time\n";

fn server() -> Client {
    Client::spawn(env!("CARGO_BIN_EXE_postmortem-lsp"), &["serve"])
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    v.extend_from_slice(body);
    v
}

/// Waits for an error response with this id and code among the messages
/// logged after `since`; returns its index in the log.
fn wait_error(c: &Client, since: usize, id: &Value, code: i64) -> usize {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(log) = c.log.lock() {
            if let Some(i) = log.iter().skip(since).position(|m| {
                m.get("method").is_none() && &m["id"] == id && m["error"]["code"] == code
            }) {
                return since + i;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no error {code} for id {id}; log: {:?}",
            c.log
                .lock()
                .map(|l| l[since..].to_vec())
                .unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn log_len(c: &Client) -> usize {
    c.log.lock().map(|l| l.len()).unwrap_or(0)
}

/// The server still answers: an outline of the open document.
fn alive(c: &mut Client, uri: &str) {
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        r.as_array().is_some_and(|a| !a.is_empty()),
        "no outline: {r}"
    );
}

fn session(name: &str) -> (Client, String, std::path::PathBuf) {
    let dir = workspace(name, &[]);
    let mut c = server();
    c.initialize(&dir, &[], json!({}));
    let uri = c.open(&dir.join("postmortem.yaml"), DOC);
    c.diagnostics(&uri, 1);
    (c, uri, dir)
}

#[test]
fn malformed_frames_get_a_parse_error_and_serving_goes_on() {
    let (mut c, uri, _dir) = session("rpc-frames");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "Content-Length is not a number",
            b"Content-Length: abc\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".to_vec(),
        ),
        (
            "negative Content-Length",
            b"Content-Length: -5\r\n\r\n{}".to_vec(),
        ),
        (
            "Content-Length overflows",
            b"Content-Length: 99999999999999999999999999\r\n\r\n{}".to_vec(),
        ),
        (
            "Content-Length of 2 GB (not buffered)",
            b"Content-Length: 2000000000\r\n\r\n{}".to_vec(),
        ),
        (
            "no Content-Length",
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".to_vec(),
        ),
        (
            "a header line without a colon",
            b"Content-Length 12\r\n\r\n{}".to_vec(),
        ),
        ("invalid JSON", framed(b"{\"jsonrpc\": \"2.0\", \"id\": 5,")),
        (
            "invalid UTF-8",
            framed(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}"),
        ),
        (
            "binary garbage",
            framed(&[0u8, 159, 146, 150, 0, 1, 2, 3, 255]),
        ),
    ];
    for (what, bytes) in cases {
        let since = log_len(&c);
        c.send_raw(&bytes);
        wait_error(&c, since, &Value::Null, -32700);
        alive(&mut c, &uri);
        let _ = what;
    }
    c.shutdown();
}

#[test]
fn a_truncated_body_is_answered_and_the_next_message_still_served() {
    let (mut c, uri, _dir) = session("rpc-truncated");
    let truncated = br#"{"jsonrpc":"2.0","id":77,"method":"textDocument/hov"#;
    let next = framed(
        json!({"jsonrpc": "2.0", "id": 78, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}})
            .to_string()
            .as_bytes(),
    );
    // The Content-Length claims more than was sent: the next message follows.
    let mut bytes = format!("Content-Length: {}\r\n\r\n", truncated.len() + 30).into_bytes();
    bytes.extend_from_slice(truncated);
    bytes.extend_from_slice(&next);
    let since = log_len(&c);
    c.send_raw(&bytes);
    wait_error(&c, since, &Value::Null, -32700);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let answered = c.log.lock().is_ok_and(|l| {
            l.iter()
                .skip(since)
                .any(|m| m["id"] == 78 && m["result"].is_array())
        });
        if answered {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the message after the truncated one was lost"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    alive(&mut c, &uri);
    c.shutdown();
}

#[test]
fn json_that_is_not_json_rpc_gets_an_invalid_request_error() {
    let (mut c, uri, _dir) = session("rpc-invalid");
    let cases: Vec<(Vec<u8>, Value)> = vec![
        (b"[1, 2, 3]".to_vec(), Value::Null),
        (b"\"just a string\"".to_vec(), Value::Null),
        (b"{}".to_vec(), Value::Null),
        (
            br#"{"jsonrpc":"1.0","id":41,"method":"textDocument/hover"}"#.to_vec(),
            json!(41),
        ),
        (
            br#"{"jsonrpc":"2.0","id":"x-42","method":7}"#.to_vec(),
            json!("x-42"),
        ),
        (
            br#"{"jsonrpc":"2.0","id":[1],"method":"shutdown"}"#.to_vec(),
            Value::Null,
        ),
    ];
    for (body, id) in cases {
        let since = log_len(&c);
        c.send_raw(&framed(&body));
        wait_error(&c, since, &id, -32600);
        alive(&mut c, &uri);
    }
    // Not answered (and not fatal): an empty message, a response to a request
    // the server never made, a malformed response.
    let since = log_len(&c);
    c.send_raw(b"Content-Length: 0\r\n\r\n");
    c.send_raw(&framed(
        br#"{"jsonrpc":"2.0","id":987654,"result":{"x":1}}"#,
    ));
    c.send_raw(&framed(br#"{"jsonrpc":"2.0","id":{"no":1},"result":1}"#));
    // Extra headers, a lower-case Content-Length and blank lines are fine.
    let body = json!({"jsonrpc": "2.0", "id": 9100, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}).to_string();
    c.send_raw(
        format!(
            "\r\nX-Trace: 1\r\ncontent-length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let deadline = Instant::now() + PATIENCE;
    loop {
        let done = c
            .log
            .lock()
            .is_ok_and(|l| l.iter().skip(since).any(|m| m["id"] == 9100));
        if done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no answer to the request with extra headers"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let unanswered = c.log.lock().map_or(0, |l| {
        l.iter()
            .skip(since)
            .filter(|m| m.get("error").is_some())
            .count()
    });
    assert_eq!(unanswered, 0, "nothing to answer there");
    alive(&mut c, &uri);
    c.shutdown();
}

#[test]
fn unknown_methods_and_bad_params() {
    let (mut c, uri, _dir) = session("rpc-unknown");
    for method in [
        "postmortem/doesNotExist",
        "$/doesNotExist",
        "textDocument/semanticTokens/full",
    ] {
        let r = c.request_full(method, json!({"textDocument": {"uri": uri}}));
        assert_eq!(r["error"]["code"], -32601, "{method}: {r}");
        // the same as a notification: ignored
        c.notify(method, json!({}));
        alive(&mut c, &uri);
    }
    // Known methods with unusable params: Invalid params (-32602).
    for (method, params) in [
        ("textDocument/hover", json!({"textDocument": {"uri": uri}})),
        ("textDocument/hover", json!([1, 2])),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}),
        ),
        ("textDocument/completion", json!("text")),
        ("workspace/executeCommand", json!({"command": 5})),
    ] {
        let r = c.request_full(method, params.clone());
        assert_eq!(r["error"]["code"], -32602, "{method} {params}: {r}");
    }
    // Notifications with unusable params are ignored.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri}}),
    );
    c.notify("textDocument/didOpen", json!({"textDocument": 5}));
    c.notify("textDocument/didClose", Value::Null);
    alive(&mut c, &uri);
    // Our own commands with wrong arguments say what they take.
    let r = c.request_full(
        "workspace/executeCommand",
        json!({"command": "postmortem.draftSection", "arguments": [5]}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request_full(
        "workspace/executeCommand",
        json!({"command": "no.such.command", "arguments": []}),
    );
    assert!(r.get("error").is_some(), "{r}");
    alive(&mut c, &uri);
    c.shutdown();
}

#[test]
fn requests_for_documents_never_opened() {
    let (mut c, uri, dir) = session("rpc-unopened");
    let ghost = file_uri(&dir.join("never-opened.postmortem.yaml"));
    let td = json!({"uri": ghost});
    let pos = json!({"line": 0, "character": 0});
    let range = json!({"start": pos, "end": pos});
    for (method, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": td, "position": pos}),
        ),
        (
            "textDocument/completion",
            json!({"textDocument": td, "position": pos}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": td, "position": pos}),
        ),
        (
            "textDocument/references",
            json!({"textDocument": td, "position": pos, "context": {"includeDeclaration": true}}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": td})),
        ("textDocument/foldingRange", json!({"textDocument": td})),
        (
            "textDocument/selectionRange",
            json!({"textDocument": td, "positions": [pos]}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": td, "range": range, "context": {"diagnostics": []}}),
        ),
        ("textDocument/codeLens", json!({"textDocument": td})),
        (
            "textDocument/inlayHint",
            json!({"textDocument": td, "range": range}),
        ),
        ("textDocument/diagnostic", json!({"textDocument": td})),
        (
            "workspace/executeCommand",
            json!({"command": "postmortem.showLowConfidence", "arguments": [ghost]}),
        ),
    ] {
        let r = c.request_full(method, params);
        match r.get("error") {
            None => {
                let res = &r["result"];
                let empty = res.is_null()
                    || res.as_array().is_some_and(|a| a.is_empty())
                    || res["items"].as_array().is_some_and(|a| a.is_empty());
                assert!(empty, "{method} on a document never opened: {r}");
            }
            Some(e) => assert!(
                e["code"] == -32602 && e["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{method}: {r}"
            ),
        }
    }
    // Notifications about it are ignored.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ghost, "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    c.notify("textDocument/didSave", json!({"textDocument": td}));
    c.notify("textDocument/didClose", json!({"textDocument": td}));
    // Nor is an unparsable URI a problem.
    let r = c.request_full(
        "textDocument/hover",
        json!({"textDocument": {"uri": "::not a uri::"}, "position": pos}),
    );
    assert!(
        r.get("error").is_some_and(|e| e["code"] == -32602) || r["result"].is_null(),
        "{r}"
    );
    alive(&mut c, &uri);
    c.shutdown();
}

/// Diagnostics of `text` opened fresh under another name in the same folder.
fn fresh(c: &mut Client, dir: &Path, name: &str, text: &str) -> Vec<Value> {
    let uri = c.open(&dir.join(name), text);
    let d = c.diagnostics(&uri, 1);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    d
}

fn strip_uri(d: &[Value]) -> Vec<Value> {
    d.iter()
        .map(|x| {
            let mut x = x.clone();
            if let Some(o) = x.as_object_mut() {
                o.remove("relatedInformation");
            }
            x
        })
        .collect()
}

#[test]
fn positions_past_the_end_are_clamped() {
    let (mut c, uri, dir) = session("rpc-past-end");
    let td = json!({"uri": uri});
    // Requests anywhere: past the last line, past a line's end, inside the
    // surrogate pair of 🚀, between \r and \n, reversed ranges.
    let (l, ch) = crate::common::pos_of(DOC, "🚀", false);
    for pos in [
        json!({"line": 9999, "character": 9999}),
        json!({"line": 0, "character": 9999}),
        json!({"line": l, "character": ch + 1}),
        json!({"line": 3, "character": 200}),
        json!({"line": u32::MAX, "character": u32::MAX}),
    ] {
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": td, "position": pos}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": td, "position": pos}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": td, "position": pos}),
            ),
            (
                "textDocument/selectionRange",
                json!({"textDocument": td, "positions": [pos]}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": td, "range": {"start": pos, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/inlayHint",
                json!({"textDocument": td, "range": {"start": pos, "end": pos}}),
            ),
        ] {
            let r = c.request_full(method, params);
            assert!(r.get("error").is_none(), "{method} at {pos}: {r}");
        }
    }
    // Edits past the end land at the end; inside a surrogate pair, before it.
    let edits = [
        (
            json!({"start": {"line": 9999, "character": 0}, "end": {"line": 9999, "character": 5}}),
            "what_went_wrong:\n  - TODO(confirm)\n",
        ),
        (
            json!({"start": {"line": l, "character": ch + 1}, "end": {"line": l, "character": ch + 1}}),
            "x",
        ),
        (
            json!({"start": {"line": 0, "character": 500}, "end": {"line": 0, "character": 900}}),
            " # c",
        ),
    ];
    let mut text = DOC.to_string();
    let mut version = 1;
    for (range, new_text) in edits {
        version += 1;
        c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": new_text}]}));
        let at = match version {
            2 => text.len(),
            3 => text.find('🚀').expect("rocket"),
            _ => text.find('\n').expect("line end"),
        };
        text.insert_str(at, new_text);
    }
    let d = c.diagnostics(&uri, version);
    let expected = fresh(&mut c, &dir, "postmortem2.yaml", &text);
    assert_eq!(
        strip_uri(&d),
        strip_uri(&expected),
        "text after the edits: {text:?}"
    );
    alive(&mut c, &uri);
    c.shutdown();
}

#[test]
fn a_did_change_whose_version_goes_backwards_is_ignored() {
    let (mut c, uri, dir) = session("rpc-version");
    let edit = |line: u64, text: &str, version: i64| json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": text}]});
    c.notify("textDocument/didChange", edit(0, "# first\n", 5));
    c.diagnostics(&uri, 5);
    // Version 3 < 5: stale, ignored (it would break the YAML).
    c.notify("textDocument/didChange", edit(0, "\t:::: [\n", 3));
    c.notify("textDocument/didChange", edit(0, "# third\n", 6));
    let d = c.diagnostics(&uri, 6);
    assert!(
        d.iter().all(|x| x["code"] != "PM001"),
        "the stale edit was applied: {d:?}"
    );
    let expected = fresh(
        &mut c,
        &dir,
        "postmortem3.yaml",
        &format!("# third\n# first\n{DOC}"),
    );
    assert_eq!(strip_uri(&d), strip_uri(&expected));
    // No diagnostics were published for the stale version.
    assert!(c
        .logged("textDocument/publishDiagnostics")
        .iter()
        .all(|m| m["params"]["version"] != 3));
    alive(&mut c, &uri);
    c.shutdown();
}

/// After all of the above in one session, `shutdown` and `exit` still end the
/// process with status 0.
#[test]
fn the_session_still_ends_cleanly() {
    let (mut c, uri, _dir) = session("rpc-end");
    c.send_raw(&framed(b"{oops"));
    c.send_raw(b"Content-Length: nope\r\n\r\n{}");
    c.send_raw(&framed(b"[]"));
    alive(&mut c, &uri);
    let _ = c.request_full("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let mut child = c.child.take().expect("child");
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Ok(Some(s)) = child.try_wait() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status:?}");
}

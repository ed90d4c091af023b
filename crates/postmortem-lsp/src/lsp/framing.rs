//! The client's byte stream, framed before tower-lsp-server sees it.
//!
//! tower-lsp-server stops reading its input at the first message it cannot
//! decode (tokio-util's `FramedRead` ends the stream after a decoder error),
//! so one malformed message would leave the server deaf while the editor
//! waits. [`forward`] reads `Content-Length` frames itself and passes on only
//! messages that decode; a malformed one is answered, as JSON-RPC says, with
//! a Parse error (-32700) or an Invalid Request (-32600): it is replaced by a
//! request to [`MALFORMED`], which the server answers with that error (id
//! `null` unless the message had a usable id). Then it resynchronises on the
//! next `Content-Length` header and keeps serving. A request for an unknown
//! `$/` method gets its Method not found (-32601) here too: tower-lsp-server
//! drops that answer, which would leave the client waiting.

use super::server::Backend;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc;

/// The method a malformed message is replaced by (registered in `lsp::service`).
pub(crate) const MALFORMED: &str = "postmortem-lsp/malformedMessage";

/// A header block longer than this is garbage.
const MAX_HEADER: usize = 8 * 1024;
/// Larger messages are refused without being buffered (documents over 4 MiB
/// are refused by the engine anyway; this leaves room for JSON escaping of
/// much larger ones, which still get their "too large" diagnostic).
pub(crate) const MAX_MESSAGE: usize = 128 * 1024 * 1024;
const MARKER: &[u8] = b"Content-Length";

/// What a message must decode as, exactly as tower-lsp-server decodes it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Message {
    #[allow(dead_code)]
    Response(jsonrpc::Response),
    Request(jsonrpc::Request),
}

#[derive(Debug, Deserialize)]
pub(crate) struct MalformedParams {
    code: i64,
    message: String,
}

impl Backend {
    /// Answers a malformed message with its JSON-RPC error.
    pub(crate) async fn malformed_message(&self, p: MalformedParams) -> jsonrpc::Result<()> {
        Err(jsonrpc::Error {
            code: jsonrpc::ErrorCode::from(p.code),
            message: p.message.into(),
            data: None,
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Frame {
    /// Not all there yet.
    Incomplete,
    /// `header_len` bytes of header, then `body_len` of body.
    Message { header_len: usize, body_len: usize },
    /// An unusable header block of `len` bytes. `resume`: where a header
    /// starts inside it, if one does.
    BadHeader {
        len: usize,
        resume: Option<usize>,
        why: &'static str,
    },
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The first frame at the start of `b`.
fn frame(b: &[u8]) -> Frame {
    // Blank lines between messages are tolerated.
    let lead = b.iter().take_while(|c| matches!(c, b'\r' | b'\n')).count();
    let rest = &b[lead..];
    let window = &rest[..rest.len().min(MAX_HEADER)];
    let end = match (find(window, b"\r\n\r\n"), find(window, b"\n\n")) {
        (Some(a), Some(c)) if c + 2 < a + 4 => Some((c, 2)),
        (Some(a), _) => Some((a, 4)),
        (None, Some(c)) => Some((c, 2)),
        (None, None) => None,
    };
    let Some((end, sep)) = end else {
        if rest.len() >= MAX_HEADER {
            return Frame::BadHeader {
                len: b.len(),
                resume: find(&rest[1..], MARKER).map(|i| lead + 1 + i),
                why: "the header is too long",
            };
        }
        return Frame::Incomplete;
    };
    let header = &rest[..end];
    let header_len = lead + end + sep;
    let bad = |why| Frame::BadHeader {
        len: header_len,
        resume: header
            .get(1..)
            .and_then(|h| find(h, MARKER))
            .map(|i| lead + 1 + i),
        why,
    };
    let mut length = None;
    for line in header.split(|&c| c == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            return bad("a header line has no `:`");
        };
        let name = String::from_utf8_lossy(&line[..colon]);
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = String::from_utf8_lossy(&line[colon + 1..]);
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => return bad("Content-Length is not a number"),
            }
        }
    }
    let Some(body_len) = length else {
        return bad("the header has no Content-Length");
    };
    if body_len > MAX_MESSAGE {
        return bad("the message is larger than 128 MiB");
    }
    if b.len() < header_len + body_len {
        return Frame::Incomplete;
    }
    Frame::Message {
        header_len,
        body_len,
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Pass,
    /// Nothing to pass on and nothing to answer (empty, or a malformed response).
    Drop,
    /// Answer with this error.
    Reject {
        id: Value,
        code: i64,
        why: &'static str,
    },
    /// Not JSON (or not UTF-8): a Parse error. When a header follows soon
    /// after the start of the body, the body was shorter than its
    /// Content-Length said and the next message starts there.
    NotJson,
}

fn verdict(body: &[u8]) -> Verdict {
    if body.is_empty() {
        return Verdict::Drop;
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Verdict::NotJson;
    };
    match serde_json::from_str::<Message>(text) {
        // tower-lsp-server drops the Method not found answer to a `$/`
        // request, but the spec says to send it (a client would wait forever);
        // no `$/` method is a request.
        Ok(Message::Request(r)) if r.method().starts_with("$/") && r.id().is_some() => {
            return Verdict::Reject {
                id: serde_json::to_value(r.id()).unwrap_or(Value::Null),
                code: -32601,
                why: "Method not found",
            }
        }
        Ok(_) => return Verdict::Pass,
        Err(_) => {}
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Verdict::NotJson;
    };
    let is_response = v.get("method").is_none()
        && v.get("id").is_some()
        && (v.get("result").is_some() || v.get("error").is_some());
    if is_response {
        return Verdict::Drop; // never answer a response
    }
    let id = match v.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(n)) if n.is_i64() => id.clone(),
        _ => Value::Null,
    };
    Verdict::Reject {
        id,
        code: -32600,
        why: "Invalid Request: not a JSON-RPC 2.0 request, notification or response",
    }
}

async fn write_frame<W: AsyncWrite + Unpin>(out: &mut W, body: &[u8]) -> std::io::Result<()> {
    out.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    out.write_all(body).await?;
    out.flush().await
}

async fn reject<W: AsyncWrite + Unpin>(
    out: &mut W,
    id: Value,
    code: i64,
    why: &str,
) -> std::io::Result<()> {
    if code != -32601 {
        eprintln!("postmortem-lsp: answered a malformed message with error {code}: {why}");
    }
    let msg = json!({"jsonrpc": "2.0", "id": id, "method": MALFORMED, "params": {"code": code, "message": why}});
    write_frame(out, msg.to_string().as_bytes()).await
}

/// Writes the session's output: tower-lsp-server's messages, read back from
/// `from_server` and passed on whole frames at a time, and the frames of
/// `direct` (diagnostics, see [`super::publish`]), each written whole between
/// them. Ends when tower-lsp-server closes its output (after `exit`), once
/// the frames already queued are written.
pub(crate) async fn write_out<R, W>(
    mut from_server: R,
    mut direct: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    output: W,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite,
{
    tokio::pin!(output);
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    let mut direct_open = true;
    loop {
        tokio::select! {
            read = from_server.read(&mut chunk) => {
                let n = match read {
                    Ok(n) if n > 0 => n,
                    _ => break,
                };
                buf.extend_from_slice(&chunk[..n]);
                let whole = whole_frames(&buf);
                if whole > 0 {
                    if output.write_all(&buf[..whole]).await.is_err() {
                        return;
                    }
                    buf.drain(..whole);
                    let _ = output.flush().await;
                }
            }
            frame = direct.recv(), if direct_open => match frame {
                Some(f) => {
                    if output.write_all(&f).await.is_err() {
                        return;
                    }
                    let _ = output.flush().await;
                }
                None => direct_open = false,
            },
        }
    }
    // tower-lsp-server is done: what it left, then the diagnostics queued.
    let _ = output.write_all(&buf).await;
    while let Ok(f) = direct.try_recv() {
        let _ = output.write_all(&f).await;
    }
    let _ = output.flush().await;
    let _ = output.shutdown().await;
}

/// How many bytes at the start of `b` are whole frames. tower-lsp-server
/// writes nothing else, but if a header could not be read, everything is
/// passed on as it is rather than held back.
fn whole_frames(b: &[u8]) -> usize {
    let mut at = 0;
    loop {
        match frame(&b[at..]) {
            Frame::Message {
                header_len,
                body_len,
            } => at += header_len + body_len,
            Frame::Incomplete => return at,
            Frame::BadHeader { .. } => return b.len(),
        }
    }
}

/// Copies the client's messages from `input` to `output` (the server's
/// input), re-framed; malformed ones are replaced as the module says. Ends
/// at the end of `input` or when `output` is closed.
pub(crate) async fn forward<R, W>(mut input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let _ = forward_inner(&mut input, &mut output).await;
    let _ = output.shutdown().await;
}

async fn forward_inner<R, W>(input: &mut R, output: &mut W) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    // After a bad header: drop bytes until the next `Content-Length`.
    let mut skipping = false;
    loop {
        let mut at = 0;
        loop {
            if skipping {
                match find(&buf[at..], MARKER) {
                    Some(i) => {
                        at += i;
                        skipping = false;
                    }
                    None => {
                        // keep a tail: the marker may be split across reads
                        at = buf.len().saturating_sub(MARKER.len() - 1).max(at);
                        break;
                    }
                }
            }
            match frame(&buf[at..]) {
                Frame::Incomplete => break,
                Frame::Message {
                    header_len,
                    body_len,
                } => {
                    let body = &buf[at + header_len..at + header_len + body_len];
                    match verdict(body) {
                        Verdict::Pass => write_frame(output, body).await?,
                        Verdict::Drop => {}
                        Verdict::Reject { id, code, why } => reject(output, id, code, why).await?,
                        Verdict::NotJson => {
                            // A header inside (or right after) the body means
                            // the body was cut short: resume there.
                            let start = at + header_len;
                            let next = find(&buf[start + 1..], MARKER).map(|i| start + 1 + i);
                            match next {
                                Some(n) if n < start + body_len => {
                                    reject(output, Value::Null, -32700, "Parse error: the message is shorter than its Content-Length").await?;
                                    at = n;
                                    continue;
                                }
                                Some(n)
                                    if !buf[start + body_len..n]
                                        .iter()
                                        .all(|c| matches!(c, b'\r' | b'\n')) =>
                                {
                                    // cut short within the marker: skip to the next header
                                    reject(output, Value::Null, -32700, "Parse error: the message is shorter than its Content-Length").await?;
                                    at = n;
                                    continue;
                                }
                                _ => {
                                    reject(
                                        output,
                                        Value::Null,
                                        -32700,
                                        "Parse error: the message is not JSON",
                                    )
                                    .await?;
                                }
                            }
                        }
                    }
                    at += header_len + body_len;
                }
                Frame::BadHeader { len, resume, why } => {
                    reject(output, Value::Null, -32700, why).await?;
                    match resume {
                        Some(r) => at += r,
                        None => {
                            at += len;
                            skipping = true;
                        }
                    }
                }
            }
        }
        buf.drain(..at);
        buf.reserve(64 * 1024);
        if input.read_buf(&mut buf).await? == 0 {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8]) -> Vec<Value> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let mut out = Vec::new();
        rt.block_on(forward(input, &mut out));
        let mut msgs = Vec::new();
        let mut rest = &out[..];
        while let Frame::Message {
            header_len,
            body_len,
        } = frame(rest)
        {
            msgs.push(
                serde_json::from_slice(&rest[header_len..header_len + body_len]).expect("json"),
            );
            rest = &rest[header_len + body_len..];
        }
        assert!(rest.is_empty(), "{}", String::from_utf8_lossy(rest));
        msgs
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const OK: &str = r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#;

    #[test]
    fn passes_good_messages_and_replaces_bad_ones() {
        let input = [
            framed(OK),
            framed("{not json"),
            "Content-Length: abc\r\n\r\n{\"x\":1}".into(),
            framed(r#"{"jsonrpc":"1.0","id":"a","method":"x"}"#),
            framed(r#"[1,2]"#),
            framed(r#"{"jsonrpc":"2.0","id":{"x":1},"result":1}"#),
            framed(r#"{"jsonrpc":"2.0","id":"d","method":"$/unknown"}"#),
            framed(r#"{"jsonrpc":"2.0","method":"$/unknown"}"#),
            "X-Other: 1\r\nContent-Length: 2\r\n\r\n{}".into(),
            framed(OK),
        ]
        .concat();
        let m = run(input.as_bytes());
        let codes: Vec<(Value, Value)> = m
            .iter()
            .map(|v| (v["id"].clone(), v["params"]["code"].clone()))
            .collect();
        assert_eq!(m[0]["method"], "shutdown");
        assert_eq!(codes[1], (Value::Null, json!(-32700)));
        assert_eq!(codes[2], (Value::Null, json!(-32700)));
        assert_eq!(codes[3], (json!("a"), json!(-32600)));
        assert_eq!(codes[4], (Value::Null, json!(-32600)));
        // the malformed response is dropped; a `$/` request is answered
        // Method not found, a `$/` notification passes; `{}` is an Invalid Request
        assert_eq!(codes[5], (json!("d"), json!(-32601)));
        assert_eq!(m[6]["method"], "$/unknown");
        assert_eq!(codes[7], (Value::Null, json!(-32600)));
        assert_eq!(m[8]["id"], 7);
        assert_eq!(m.len(), 9);
    }

    #[test]
    fn a_truncated_body_does_not_swallow_the_next_message() {
        let truncated = r#"{"jsonrpc":"2.0","me"#;
        let next = framed(OK);
        // the Content-Length claims the truncated body plus part of the next message
        let input = format!(
            "Content-Length: {}\r\n\r\n{truncated}{next}{next}",
            truncated.len() + 10
        );
        let m = run(input.as_bytes());
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[0]["params"]["code"], -32700);
        assert_eq!(
            (m[1]["id"].clone(), m[2]["id"].clone()),
            (json!(7), json!(7))
        );
    }

    #[test]
    fn garbage_and_oversized_headers_resynchronise() {
        let input = [
            "garbage without any header end".repeat(400),
            framed(OK),
            format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE + 1),
            "{\"jsonrpc\": ...".into(),
            framed(OK),
            "\r\n".into(),
            framed(OK),
        ]
        .concat();
        let m = run(input.as_bytes());
        let ids: Vec<Value> = m.iter().map(|v| v["id"].clone()).collect();
        assert_eq!(
            ids,
            vec![Value::Null, json!(7), Value::Null, json!(7), json!(7)],
            "{m:?}"
        );
    }

    #[test]
    fn partial_reads_are_reassembled() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let input = [framed(OK), framed("{bad"), framed(OK)].concat();
        let (mut client, server_in) = tokio::io::duplex(7);
        let mut out = Vec::new();
        rt.block_on(async {
            let feed = async {
                for chunk in input.as_bytes().chunks(3) {
                    let _ = client.write_all(chunk).await;
                }
                drop(client);
            };
            tokio::join!(feed, forward(server_in, &mut out));
        });
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.matches("\"shutdown\"").count(), 2, "{text}");
        assert_eq!(text.matches("-32700").count(), 1, "{text}");
    }
}

//! `textDocument/publishDiagnostics`, written straight to the output.
//!
//! tower-lsp-server sends a notification by turning its parameters into a
//! `serde_json::Value` (a map per diagnostic), then writing that value out and
//! freeing it: on every keystroke, that detour cost more than a quarter of
//! the server's instructions (measured with callgrind, see
//! docs/performance.md). Diagnostics are published often, so they are
//! serialized here, once, straight to the frame's bytes, and written by
//! [`super::framing::write_out`] between tower-lsp-server's own messages,
//! never inside one. All of the server's diagnostics go this way, so they
//! reach the client in the order they were published.

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::{Diagnostic, PublishDiagnosticsParams, Uri};

/// Frames for the output, ready to write (header and body).
pub(crate) type Frames = UnboundedSender<Vec<u8>>;

#[derive(Clone)]
pub(crate) struct Publisher {
    frames: Frames,
}

#[derive(Serialize)]
struct Notification<'a> {
    jsonrpc: &'static str,
    method: &'static str,
    params: &'a PublishDiagnosticsParams,
}

impl Publisher {
    pub(crate) fn new(frames: Frames) -> Self {
        Publisher { frames }
    }

    /// Publishes `diagnostics` for `uri` (at `version`, when known). When
    /// the output has closed (the session is over), there is no one to tell.
    pub(crate) fn publish(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let _ = self.frames.send(frame(&params));
    }
}

/// The notification as one `Content-Length` frame.
fn frame(params: &PublishDiagnosticsParams) -> Vec<u8> {
    let note = Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params,
    };
    // Serializing these types cannot fail (string keys, no maps with other keys).
    let body = serde_json::to_vec(&note).unwrap_or_default();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    /// The frame holds what tower-lsp-server would have sent: the same
    /// JSON value, with a correct Content-Length.
    #[test]
    fn a_frame_is_the_notification_tower_lsp_server_would_send() {
        let params = PublishDiagnosticsParams {
            uri: "file:///tmp/p%C3%A9/postmortem.yaml".parse().expect("uri"),
            diagnostics: vec![Diagnostic {
                range: Range::new(Position::new(1, 2), Position::new(1, 9)),
                message: "「人為疏失」 puts the cause on a person 🙂 \"quoted\"".into(),
                ..Diagnostic::default()
            }],
            version: Some(7),
        };
        let f = frame(&params);
        let text = String::from_utf8(f).expect("utf-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("header");
        assert_eq!(head, format!("Content-Length: {}", body.len()));
        let got: serde_json::Value = serde_json::from_str(body).expect("json");
        let want = serde_json::json!({
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": serde_json::to_value(&params).expect("value"),
        });
        assert_eq!(got, want);
        // without a version, none is written
        let f = frame(&PublishDiagnosticsParams {
            version: None,
            ..params
        });
        assert!(!String::from_utf8_lossy(&f).contains("\"version\""));
    }
}

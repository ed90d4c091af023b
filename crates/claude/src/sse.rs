//! An incremental parser for `text/event-stream` (Server-Sent Events), as the
//! HTML standard defines it, fed with whatever byte chunks the network gives.
//!
//! Chunks may split anywhere: inside a multi-byte UTF-8 character (lines are
//! kept as bytes and decoded only once complete), or between the `\r` and `\n`
//! of a line end. Lines end with `\n`, `\r\n` or a lone `\r`. Lines starting
//! with `:` are comments; `data` lines accumulate (joined with `\n`); `event`
//! names the event; `id`, `retry` and unknown fields are ignored. A space
//! after the colon is optional. A blank line dispatches the event.

use std::fmt;

/// Default bound on one event (its pending line plus its data): 8 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One dispatched event. `event` is `"message"` when the stream gave no name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// The stream broke the parser's bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SseError {
    /// One event (or one line) grew past the limit, in bytes.
    EventTooLarge { limit: usize },
}

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SseError::EventTooLarge { limit } => {
                write!(
                    f,
                    "one event in the stream was larger than {} MiB",
                    limit / (1024 * 1024)
                )
            }
        }
    }
}

impl std::error::Error for SseError {}

/// Incremental SSE parser. Feed it chunks; it returns complete events.
#[derive(Debug)]
pub struct SseParser {
    /// Bytes of the line being read (no line end).
    line: Vec<u8>,
    /// The previous chunk ended with `\r`: a leading `\n` belongs to it.
    after_cr: bool,
    /// At the very start of the stream (a UTF-8 BOM is skipped there).
    at_start: bool,
    event: String,
    data: String,
    has_data: bool,
    max_event_bytes: usize,
    failed: bool,
}

impl Default for SseParser {
    fn default() -> Self {
        SseParser::new()
    }
}

impl SseParser {
    pub fn new() -> Self {
        SseParser::with_limit(DEFAULT_MAX_EVENT_BYTES)
    }

    /// A parser that fails when one event is larger than `max_event_bytes`.
    pub fn with_limit(max_event_bytes: usize) -> Self {
        SseParser {
            line: Vec::new(),
            after_cr: false,
            at_start: true,
            event: String::new(),
            data: String::new(),
            has_data: false,
            max_event_bytes,
            failed: false,
        }
    }

    /// Parse the next chunk. Returns the events completed by it. After an
    /// error, the parser stays failed.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        if self.failed {
            return Err(SseError::EventTooLarge {
                limit: self.max_event_bytes,
            });
        }
        let mut out = Vec::new();
        let mut rest = bytes;
        if self.at_start && !rest.is_empty() {
            // Strip a BOM, even one split across chunks.
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            let mut probe = self.line.clone();
            probe.extend_from_slice(&rest[..rest.len().min(3)]);
            if probe.len() < 3 && BOM.starts_with(&probe) {
                self.line = probe;
                return Ok(out);
            }
            self.at_start = false;
            if probe.starts_with(BOM) {
                let from_line = self.line.len();
                self.line.clear();
                rest = &rest[3 - from_line..];
            }
        }
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some((&b'\n', tail)) = rest.split_first() {
                rest = tail;
            }
        }
        while !rest.is_empty() {
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                None => {
                    self.line.extend_from_slice(rest);
                    self.check_size()?;
                    break;
                }
                Some(i) => {
                    self.line.extend_from_slice(&rest[..i]);
                    self.check_size()?;
                    let end = rest[i];
                    rest = &rest[i + 1..];
                    if end == b'\r' {
                        match rest.first() {
                            Some(b'\n') => rest = &rest[1..],
                            Some(_) => {}
                            None => self.after_cr = true,
                        }
                    }
                    let line = std::mem::take(&mut self.line);
                    if let Some(ev) = self.process_line(&line) {
                        out.push(ev);
                    }
                    self.check_size()?;
                }
            }
        }
        Ok(out)
    }

    /// The stream ended. An unterminated last line is processed and a
    /// pending event with data is dispatched (more lenient than the standard,
    /// which drops it: a truncated JSON payload will fail to parse later
    /// anyway).
    pub fn finish(&mut self) -> Result<Vec<SseEvent>, SseError> {
        if self.failed {
            return Err(SseError::EventTooLarge {
                limit: self.max_event_bytes,
            });
        }
        let mut out = Vec::new();
        if self.at_start {
            // Only part of a BOM (or nothing) ever arrived.
            self.at_start = false;
        }
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            if let Some(ev) = self.process_line(&line) {
                out.push(ev);
            }
        }
        if let Some(ev) = self.process_line(b"") {
            out.push(ev);
        }
        Ok(out)
    }

    fn check_size(&mut self) -> Result<(), SseError> {
        if self.line.len() + self.data.len() > self.max_event_bytes {
            self.failed = true;
            self.line = Vec::new();
            self.data = String::new();
            return Err(SseError::EventTooLarge {
                limit: self.max_event_bytes,
            });
        }
        Ok(())
    }

    fn process_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let data = std::mem::take(&mut self.data);
            if !std::mem::take(&mut self.has_data) {
                return None;
            }
            let event = if event.is_empty() {
                "message".to_string()
            } else {
                event
            };
            return Some(SseEvent { event, data });
        }
        if line[0] == b':' {
            return None;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&String::from_utf8_lossy(value));
                self.has_data = true;
            }
            b"event" => self.event = String::from_utf8_lossy(value).into_owned(),
            _ => {} // id, retry and unknown fields
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for c in chunks {
            out.extend(p.feed(c).unwrap());
        }
        out.extend(p.finish().unwrap());
        out
    }

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    const RECORDED: &str = concat!(
        "event: message_start\r\n",
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\r\n",
        "\r\n",
        ": a comment\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"時間軸 🚒 ok\"}}\n",
        "\n",
        "event:ping\r",
        "data:{\"type\": \"ping\"}\r",
        "id: 7\r",
        "retry: 10\r",
        "weird-field: x\r",
        "\r",
        "data: line one\n",
        "data\n",
        "data:  two spaces\n",
        "\n",
        "event: message_stop\n",
        "data: {\"type\":\"message_stop\"}\n",
        "\n",
    );

    fn expected() -> Vec<SseEvent> {
        vec![
            ev(
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}",
            ),
            ev(
                "content_block_delta",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"時間軸 🚒 ok\"}}",
            ),
            ev("ping", "{\"type\": \"ping\"}"),
            ev("message", "line one\n\n two spaces"),
            ev("message_stop", "{\"type\":\"message_stop\"}"),
        ]
    }

    #[test]
    fn whole_stream() {
        assert_eq!(all(&[RECORDED.as_bytes()]), expected());
    }

    #[test]
    fn split_at_every_byte_position() {
        let b = RECORDED.as_bytes();
        for i in 0..=b.len() {
            assert_eq!(all(&[&b[..i], &b[i..]]), expected(), "split at {i}");
        }
        for i in 0..=b.len() {
            for j in i..=b.len() {
                assert_eq!(
                    all(&[&b[..i], &b[i..j], &b[j..]]),
                    expected(),
                    "split at {i},{j}"
                );
            }
        }
    }

    #[test]
    fn one_byte_at_a_time() {
        let chunks: Vec<&[u8]> = RECORDED.as_bytes().chunks(1).collect();
        assert_eq!(all(&chunks), expected());
    }

    #[test]
    fn bom_is_skipped_even_split() {
        let s = b"\xEF\xBB\xBFdata: x\n\n";
        for i in 0..=s.len() {
            assert_eq!(
                all(&[&s[..i], &s[i..]]),
                vec![ev("message", "x")],
                "split at {i}"
            );
        }
    }

    #[test]
    fn no_data_no_event_and_lenient_finish() {
        assert_eq!(all(&[b"event: ping\n\n: only a comment\n\n"]), vec![]);
        assert_eq!(all(&[b"event: x\ndata: tail"]), vec![ev("x", "tail")]);
        assert_eq!(all(&[b"<html>\nnot sse</html>\n\n"]), vec![]);
    }

    #[test]
    fn bounded() {
        let mut p = SseParser::with_limit(16);
        assert!(p.feed(b"data: 0123456789\n").is_ok());
        assert_eq!(
            p.feed(b"data: 0123456789\n"),
            Err(SseError::EventTooLarge { limit: 16 })
        );
        assert!(p.feed(b"\n").is_err());
        let mut p = SseParser::with_limit(16);
        assert!(p.feed(&[b'a'; 17]).is_err());
        // Events below the limit never accumulate across dispatches.
        let mut p = SseParser::with_limit(16);
        for _ in 0..100 {
            assert_eq!(p.feed(b"data: 0123456\n\n").unwrap().len(), 1);
        }
    }
}

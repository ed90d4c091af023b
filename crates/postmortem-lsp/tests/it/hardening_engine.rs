//! Property tests: random documents and random edit sequences (insertions,
//! deletions and replacements at random positions, including inside UTF-16
//! surrogate pairs, inside multi-byte UTF-8 characters and at CRLF pairs)
//! applied incrementally give the same text and the same diagnostics as a
//! fresh open of the final text; the engine never panics on arbitrary bytes.
//!
//! The oracle is an independent model of LSP positions on a plain `String`
//! (lines end at `\n`, `\r\n` or `\r`; a column past the end clamps to the end
//! of the line; a column inside a character means that character's start).
//!
//! Cases: 64 per property (set `PROPTEST_CASES` for more). Every engine call
//! runs under a generous deadline, so a hang fails instead of blocking.

use crate::common::{file_uri, workspace, Client, PATIENCE};
use postmortem_engine::analysis::{analyze, Options};
use postmortem_engine::config::Config;
use postmortem_lsp::lsp::documents::char_index;
use postmortem_syntax::text::{Encoding, LineIndex, Pos};
use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, TestCaseError, TestRunner};
use ropey::Rope;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const EXAMPLE: &str = include_str!("../../../../examples/checkout-outage/postmortem.yaml");
const MISTAKES: &str =
    include_str!("../../../../examples/checkout-outage/mistakes.postmortem.yaml");
const REPORT: &str = include_str!("../../../../examples/checkout-outage/report.md");
const CHAT: &str = include_str!("../../../../examples/checkout-outage/chat.log");
const METRICS: &str = include_str!("../../../../examples/checkout-outage/metrics.md");
const RUNBOOK: &str = include_str!("../../../../examples/checkout-outage/runbook.md");

/// Pieces inserted into documents and edits: surrogate pairs, CJK, line
/// breaks of every kind, YAML punctuation, citations, BOM, U+2028, NUL.
const ATOMS: &[&str] = &[
    "x",
    "🚀",
    "🚒x",
    "值班",
    "\n",
    "\r\n",
    "\r",
    "\t",
    ": ",
    "- ",
    "  ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "|",
    ">-",
    "&a ",
    "*a",
    "!!str ",
    "# c",
    "---",
    "...",
    "\u{feff}",
    "\u{2028}",
    "\u{0}",
    "§",
    "[report §2]",
    "[chat L9-L3]",
    "[source unstated, needs confirmation]",
    "incident_ref:\n  id: INC-1\n",
    "action_items:\n  - id: AI-001\n    owner: \n",
    "TODO",
    "e\u{301}",
    "👩‍👩‍👧",
];

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pt_config(default: u32) -> PtConfig {
    PtConfig {
        cases: cases(default),
        max_shrink_iters: 256,
        ..PtConfig::default()
    }
}

/// Runs `f` on its own thread and waits for it, failing (instead of hanging)
/// when it does not finish within [`PATIENCE`].
fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(PATIENCE) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {PATIENCE:?}")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

// ---------------------------------------------------------------------------
// The model

/// LSP lines: (start, end of content, start of the next line), byte offsets.
fn model_lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => {
                out.push((start, i));
                start = i + 1;
            }
            '\r' => {
                out.push((start, i));
                start = i + 1;
                if let Some((j, '\n')) = chars.peek().copied() {
                    chars.next();
                    start = j + 1;
                }
            }
            _ => {}
        }
    }
    out.push((start, text.len()));
    out
}

/// LSP position → byte offset, by the spec, computed independently of the
/// server and the engine.
fn model_offset(text: &str, line: u32, col: u32, enc: Encoding) -> usize {
    model_offset_in(text, &model_lines(text), line, col, enc)
}

fn model_offset_in(
    text: &str,
    lines: &[(usize, usize)],
    line: u32,
    col: u32,
    enc: Encoding,
) -> usize {
    let Some(&(s, e)) = lines.get(line as usize) else {
        return text.len();
    };
    let content = &text[s..e];
    match enc {
        Encoding::Utf16 => {
            let units: Vec<u16> = content.encode_utf16().collect();
            let mut c = (col as usize).min(units.len());
            if c < units.len() && (0xDC00..0xE000).contains(&units[c]) {
                c -= 1; // between the halves of a surrogate pair
            }
            s + String::from_utf16_lossy(&units[..c]).len()
        }
        Encoding::Utf8 | Encoding::Char => {
            let mut c = (col as usize).min(content.len());
            while !content.is_char_boundary(c) {
                c -= 1;
            }
            s + c
        }
    }
}

/// Where the characters of a line start, in units of `enc`.
fn line_units(text: &str, line: usize, enc: Encoding) -> Vec<u32> {
    line_units_in(text, &model_lines(text), line, enc)
}

/// The unit offsets where a character of the line starts, plus one past the end.
fn line_units_in(text: &str, lines: &[(usize, usize)], line: usize, enc: Encoding) -> Vec<u32> {
    let Some(&(s, e)) = lines.get(line) else {
        return vec![0];
    };
    let mut out = Vec::new();
    let mut u = 0u32;
    for c in text[s..e].chars() {
        out.push(u);
        u += match enc {
            Encoding::Utf16 => c.len_utf16() as u32,
            _ => c.len_utf8() as u32,
        };
    }
    out.push(u);
    out
}

/// How a random position is chosen, relative to the text at that moment.
#[derive(Clone, Debug)]
struct PosSpec {
    line: u32,
    mode: u8,
    n: u32,
}

impl PosSpec {
    fn resolve(&self, text: &str, enc: Encoding) -> (u32, u32) {
        let nlines = model_lines(text).len() as u32;
        // sometimes one line past the end
        let line = self.line % (nlines + 1);
        let starts = line_units(text, line as usize, enc);
        let len = *starts.last().unwrap_or(&0);
        let col = match self.mode % 4 {
            // anywhere on the line
            0 => self.n % (len + 1),
            // inside a character: between the halves of a surrogate pair, or
            // inside a UTF-8 sequence
            1 => {
                let inside: Vec<u32> = starts
                    .windows(2)
                    .filter(|w| w[1] - w[0] > 1)
                    .map(|w| w[0] + 1)
                    .collect();
                if inside.is_empty() {
                    self.n % (len + 1)
                } else {
                    inside[self.n as usize % inside.len()]
                }
            }
            // the end of the content: before the `\r` of a CRLF
            2 => len,
            // past the end of the line (clamped by the server)
            _ => len + 1 + self.n % 3,
        };
        (line, col)
    }
}

/// One content change: a range (or the whole document) and new text.
#[derive(Clone, Debug)]
struct Change {
    start: PosSpec,
    end: PosSpec,
    /// Keep a reversed range as sent (the server treats it as empty at start).
    keep_reversed: bool,
    text: Vec<&'static str>,
    /// Replace the whole document (no range).
    full: bool,
}

/// A resolved change, as sent to the server.
struct Resolved {
    range: Option<((u32, u32), (u32, u32))>,
    text: String,
}

impl Change {
    fn resolve(&self, text: &str, enc: Encoding) -> Resolved {
        let new_text: String = self.text.concat();
        if self.full {
            let mut t = text.to_string();
            t.push_str(&new_text);
            return Resolved {
                range: None,
                text: t,
            };
        }
        let mut a = self.start.resolve(text, enc);
        let mut b = self.end.resolve(text, enc);
        if !self.keep_reversed && b < a {
            std::mem::swap(&mut a, &mut b);
        }
        Resolved {
            range: Some((a, b)),
            text: new_text,
        }
    }
}

/// Applies a resolved change to the model text.
fn model_apply(text: &mut String, r: &Resolved, enc: Encoding) {
    match r.range {
        None => *text = r.text.clone(),
        Some(((l1, c1), (l2, c2))) => {
            let s = model_offset(text, l1, c1, enc);
            let e = model_offset(text, l2, c2, enc).max(s);
            text.replace_range(s..e, &r.text);
        }
    }
}

/// Applies a resolved change to a rope the way the server does.
fn rope_apply(rope: &mut Rope, r: &Resolved, enc: Encoding) {
    match r.range {
        None => *rope = Rope::from_str(&r.text),
        Some(((l1, c1), (l2, c2))) => {
            let s = char_index(rope, l1, c1, enc);
            let e = char_index(rope, l2, c2, enc).max(s);
            rope.remove(s..e);
            rope.insert(s, &r.text);
        }
    }
}

// ---------------------------------------------------------------------------
// Strategies

fn atom() -> impl Strategy<Value = &'static str> {
    prop::sample::select(ATOMS)
}

fn source_lines() -> Vec<&'static str> {
    EXAMPLE.lines().chain(MISTAKES.lines()).collect()
}

/// Random documents: lines of real postmortems with pieces inserted, joined
/// by every kind of line break; or the example with pieces inserted.
fn document() -> impl Strategy<Value = String> {
    let line = (
        prop::sample::select(source_lines()),
        prop::collection::vec((atom(), any::<u16>()), 0..3),
        prop::sample::select(vec!["\n", "\n", "\n", "\r\n", "\r"]),
    );
    let lines = prop::collection::vec(line, 0..40).prop_map(|v| {
        let mut out = String::new();
        for (l, inserts, end) in v {
            let mut l = l.to_string();
            for (a, at) in inserts {
                let mut at = at as usize % (l.len() + 1);
                while !l.is_char_boundary(at) {
                    at -= 1;
                }
                l.insert_str(at, a);
            }
            out.push_str(&l);
            out.push_str(end);
        }
        out
    });
    let mutated_example = prop::collection::vec((atom(), any::<u32>()), 0..6).prop_map(|inserts| {
        let mut t = EXAMPLE.to_string();
        for (a, at) in inserts {
            let mut at = at as usize % (t.len() + 1);
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            t.insert_str(at, a);
        }
        t
    });
    prop_oneof![3 => lines, 1 => mutated_example]
}

fn pos_spec() -> impl Strategy<Value = PosSpec> {
    (any::<u32>(), any::<u8>(), any::<u32>()).prop_map(|(line, mode, n)| PosSpec { line, mode, n })
}

fn change() -> impl Strategy<Value = Change> {
    (
        pos_spec(),
        // most ranges are short: the end near the start
        prop_oneof![
            3 => Just(None),
            1 => pos_spec().prop_map(Some),
        ],
        (0u8..4, 0u32..8),
        prop::bool::weighted(0.1),
        prop::collection::vec(atom(), 0..3),
        prop::bool::weighted(0.04),
    )
        .prop_map(|(start, far_end, (dl, dn), keep_reversed, text, full)| {
            let end = far_end.unwrap_or(PosSpec {
                line: start.line.wrapping_add(u32::from(dl / 3)),
                mode: if dl == 0 { start.mode } else { 0 },
                n: if dl == 0 {
                    start.n
                } else {
                    start.n.wrapping_add(dn)
                },
            });
            Change {
                start,
                end,
                keep_reversed,
                text,
                full,
            }
        })
}

/// didChange notifications, each with one to three content changes.
fn edit_script() -> impl Strategy<Value = Vec<Vec<Change>>> {
    prop::collection::vec(prop::collection::vec(change(), 1..4), 1..10)
}

// ---------------------------------------------------------------------------
// Ropes and positions, without the server

proptest! {
    #![proptest_config(pt_config(128))]

    /// The server's edit path (`char_index` + ropey) and the engine's position
    /// conversion (`LineIndex::offset`, used by every request) agree with the
    /// model at every step, in UTF-16 and UTF-8.
    #[test]
    fn rope_edits_match_the_model(doc in document(), script in edit_script(), utf8 in any::<bool>()) {
        let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let mut model = doc.clone();
        let mut rope = Rope::from_str(&doc);
        for batch in &script {
            for ch in batch {
                let r = ch.resolve(&model, enc);
                if let Some(((l, c), _)) = r.range {
                    let li = LineIndex::new(&model);
                    let via_rope = rope.char_to_byte(char_index(&rope, l, c, enc));
                    let via_engine = li.offset(&model, Pos { line: l, col: c }, enc);
                    let want = model_offset(&model, l, c, enc);
                    prop_assert_eq!(via_rope, want, "char_index at {}:{}", l, c);
                    prop_assert_eq!(via_engine, want, "LineIndex::offset at {}:{}", l, c);
                }
                model_apply(&mut model, &r, enc);
                rope_apply(&mut rope, &r, enc);
                prop_assert_eq!(rope.len_lines(), model_lines(&model).len());
            }
        }
        prop_assert_eq!(rope.to_string(), model);
    }

    /// Byte offset → position → byte offset comes back to the same place for
    /// character boundaries (every one in small documents, a spread-out
    /// sample in large ones; except between `\r` and `\n`, which no position
    /// can name), and positions never land inside a character.
    #[test]
    fn positions_round_trip(doc in document(), utf8 in any::<bool>()) {
        let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let li = LineIndex::new(&doc);
        let lines = model_lines(&doc);
        prop_assert_eq!(li.line_count(), lines.len());
        let units: Vec<Vec<u32>> = (0..lines.len()).map(|l| line_units_in(&doc, &lines, l, enc)).collect();
        let b = doc.as_bytes();
        let stride = (doc.len() / 1500).max(1);
        let offsets = doc.char_indices().map(|(o, _)| o).chain(std::iter::once(doc.len()));
        for (k, o) in offsets.enumerate() {
            if k % stride != 0 && o != doc.len() {
                continue;
            }
            let p = li.position(&doc, o, enc);
            let starts = &units[p.line as usize];
            prop_assert!(starts.contains(&p.col) || (o > 0 && b[o - 1] == b'\r'), "{:?} for offset {} is inside a character", p, o);
            if o > 0 && b[o - 1] == b'\r' && b.get(o) == Some(&b'\n') {
                continue;
            }
            prop_assert_eq!(model_offset_in(&doc, &lines, p.line, p.col, enc), o);
            prop_assert_eq!(li.offset(&doc, p, enc), o);
        }
    }
}

// ---------------------------------------------------------------------------
// Never panics

fn example_workspace(name: &str) -> PathBuf {
    workspace(
        name,
        &[
            ("report.md", REPORT),
            ("chat.log", CHAT),
            ("metrics.md", METRICS),
            ("runbook.md", RUNBOOK),
        ],
    )
}

fn analyze_at(dir: &Path, text: String) -> Vec<String> {
    let cfg = Config::default();
    let path = dir.join("postmortem.yaml");
    let mut o = Options::new(&cfg);
    o.path = Some(&path);
    o.root = Some(dir);
    let a = analyze(text, &o);
    for d in &a.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= a.text.len(),
            "{} span {:?} outside the text ({} bytes)",
            d.code,
            d.span,
            a.text.len()
        );
        assert!(
            a.text.is_char_boundary(d.span.start) && a.text.is_char_boundary(d.span.end),
            "{} span {:?} splits a character",
            d.code,
            d.span
        );
        assert!(!d.message.trim().is_empty(), "{} has no message", d.code);
    }
    a.diagnostics
        .iter()
        .map(|d| format!("{} {:?} {}", d.code, d.span, d.message))
        .collect()
}

proptest! {
    #![proptest_config(pt_config(64))]

    /// Arbitrary bytes as a postmortem file: `check` reads them (or says the
    /// file is not UTF-8), never panics; the engine takes their lossy text.
    #[test]
    fn engine_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let dir = example_workspace("prop-bytes");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let d2 = dir.clone();
        bounded("analyze", move || analyze_at(&d2, text));
        let file = dir.join("bytes.postmortem.yaml");
        std::fs::write(&file, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let reports = bounded("check_files", move || {
            postmortem_lsp::cli::check::check_files(&[file], Some(&dir), None).len()
        });
        prop_assert_eq!(reports, 1);
    }

    /// Arbitrary strings, and structured random documents (real postmortem
    /// lines with YAML punctuation, surrogate pairs and stray line breaks).
    #[test]
    fn engine_never_panics_on_arbitrary_text(s in any::<String>(), doc in document()) {
        let dir = example_workspace("prop-text");
        let d2 = dir.clone();
        bounded("analyze", move || analyze_at(&d2, s));
        let first = bounded("analyze", {
            let (d, t) = (dir.clone(), doc.clone());
            move || analyze_at(&d, t)
        });
        // deterministic: the same text gives the same diagnostics
        let second = bounded("analyze", move || analyze_at(&dir, doc));
        prop_assert_eq!(first, second);
    }
}

// ---------------------------------------------------------------------------
// Through the real server

static CASE: AtomicUsize = AtomicUsize::new(0);

fn send_change(c: &mut Client, uri: &str, version: i64, changes: &[Resolved]) {
    let content: Vec<Value> = changes
        .iter()
        .map(|r| match r.range {
            None => json!({"text": r.text}),
            Some(((l1, c1), (l2, c2))) => json!({
                "range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}},
                "text": r.text
            }),
        })
        .collect();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": content}),
    );
}

/// What the server says about the document as it is now: diagnostics of
/// `version`, the outline and the folding ranges.
fn observe(c: &mut Client, uri: &str, version: i64) -> (Vec<Value>, Value, Value) {
    let diags = c.diagnostics(uri, version);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let folds = c.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    (diags, symbols, folds)
}

/// Every range names a real place in `text`: an existing line, a column
/// within it, never inside a character.
fn check_ranges(text: &str, diags: &[Value], enc: Encoding) -> Result<(), TestCaseError> {
    let nlines = model_lines(text).len() as u64;
    for d in diags {
        for end in ["start", "end"] {
            let p = &d["range"][end];
            let (l, c) = (
                p["line"].as_u64().unwrap_or(u64::MAX),
                p["character"].as_u64().unwrap_or(u64::MAX),
            );
            prop_assert!(l < nlines, "{} {} line {} of {}", d["code"], end, l, nlines);
            let starts = line_units(text, l as usize, enc);
            prop_assert!(
                starts.contains(&(c as u32)),
                "{} {} {}:{} is not a character boundary",
                d["code"],
                end,
                l,
                c
            );
        }
    }
    Ok(())
}

fn server_property(utf8: bool) {
    let enc = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let dir = example_workspace(if utf8 { "prop-lsp8" } else { "prop-lsp16" });
    let mut c = Client::in_process();
    let init = c.initialize(&dir, if utf8 { &["utf-8"] } else { &[] }, json!({}));
    assert_eq!(
        init["capabilities"]["positionEncoding"],
        if utf8 { "utf-8" } else { "utf-16" }
    );
    let client = RefCell::new(c);
    let mut runner = TestRunner::new(pt_config(64));
    let result = runner.run(&(document(), edit_script()), |(doc, script)| {
        let mut c = client.borrow_mut();
        c.seen.clear();
        let n = CASE.fetch_add(1, Ordering::Relaxed);
        let uri = file_uri(&dir.join(format!("c{n}.postmortem.yaml")));
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": doc}}),
        );
        let mut model = doc.clone();
        let mut version = 1;
        for batch in &script {
            let mut resolved = Vec::new();
            for ch in batch {
                let r = ch.resolve(&model, enc);
                model_apply(&mut model, &r, enc);
                resolved.push(r);
            }
            version += 1;
            send_change(&mut c, &uri, version, &resolved);
        }
        let incremental = observe(&mut c, &uri, version);
        check_ranges(&model, &incremental.0, enc)?;
        // A fresh open of the model's text.
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1000, "text": model}}),
        );
        let fresh = observe(&mut c, &uri, 1000);
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        prop_assert_eq!(&incremental.0, &fresh.0, "diagnostics differ");
        prop_assert_eq!(&incremental.1, &fresh.1, "outline differs");
        prop_assert_eq!(&incremental.2, &fresh.2, "folding differs");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    client.into_inner().shutdown();
}

/// Random edit sequences through the real server (UTF-16 positions): the
/// diagnostics, outline and folding ranges of the final version equal those
/// of a fresh open of the model's final text.
#[test]
fn server_incremental_edits_equal_a_fresh_open_utf16() {
    server_property(false);
}

/// The same with UTF-8 positions negotiated (offsets inside multi-byte
/// characters).
#[test]
fn server_incremental_edits_equal_a_fresh_open_utf8() {
    server_property(true);
}

/// Random documents in the server: every request at random positions (past
/// the end, inside characters) answers without an error, and the server keeps
/// serving.
#[test]
fn server_requests_at_random_positions_never_fail() {
    let dir = example_workspace("prop-requests");
    let mut c = Client::in_process();
    c.initialize(
        &dir,
        &[],
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}}),
    );
    let client = RefCell::new(c);
    let mut runner = TestRunner::new(pt_config(64));
    let result = runner.run(
        &(document(), prop::collection::vec(pos_spec(), 1..6)),
        |(doc, positions)| {
            let mut c = client.borrow_mut();
            c.seen.clear();
            let n = CASE.fetch_add(1, Ordering::Relaxed);
            let uri = file_uri(&dir.join(format!("r{n}.postmortem.yaml")));
            c.notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": doc}}),
            );
            c.diagnostics(&uri, 1);
            let td = json!({"uri": uri});
            for p in &positions {
                let (l, ch) = p.resolve(&doc, Encoding::Utf16);
                let pos = json!({"line": l, "character": ch});
                let range = json!({"start": {"line": 0, "character": 0}, "end": pos});
                for (method, params) in [
                    ("textDocument/hover", json!({"textDocument": td, "position": pos})),
                    ("textDocument/completion", json!({"textDocument": td, "position": pos})),
                    ("textDocument/definition", json!({"textDocument": td, "position": pos})),
                    ("textDocument/references", json!({"textDocument": td, "position": pos, "context": {"includeDeclaration": true}})),
                    ("textDocument/selectionRange", json!({"textDocument": td, "positions": [pos]})),
                    ("textDocument/codeAction", json!({"textDocument": td, "range": range, "context": {"diagnostics": []}})),
                    ("textDocument/inlayHint", json!({"textDocument": td, "range": range})),
                ] {
                    let r = c.request_full(method, params);
                    prop_assert!(r.get("error").is_none(), "{} at {}:{} failed: {}", method, l, ch, r);
                }
            }
            for method in ["textDocument/codeLens", "textDocument/documentSymbol", "textDocument/foldingRange"] {
                let r = c.request_full(method, json!({"textDocument": td}));
                prop_assert!(r.get("error").is_none(), "{} failed: {}", method, r);
            }
            c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    client.into_inner().shutdown();
}

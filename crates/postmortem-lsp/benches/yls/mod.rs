//! yaml-language-server side by side, shared by the `lsp_latency` and `scale`
//! benches (included with `#[path]`; not a bench of its own).

use crate::common::{file_uri, Client};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// yaml-language-server's folder: `$YAML_LANGUAGE_SERVER_DIR`, ./node_modules,
/// /tmp/yls/node_modules or `npm root -g`.
pub fn find_yls() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("YAML_LANGUAGE_SERVER_DIR") {
        candidates.push(PathBuf::from(d));
    }
    candidates.push(PathBuf::from("node_modules/yaml-language-server"));
    candidates.push(PathBuf::from("/tmp/yls/node_modules/yaml-language-server"));
    if let Ok(o) = Command::new("npm").args(["root", "-g"]).output() {
        let g = String::from_utf8_lossy(&o.stdout).trim().to_string();
        if !g.is_empty() {
            candidates.push(Path::new(&g).join("yaml-language-server"));
        }
    }
    candidates
        .into_iter()
        .find(|d| d.join("out/server/src/server.js").is_file())
        .and_then(|d| std::fs::canonicalize(d).ok())
}

/// Starts yaml-language-server through a wrapper that sets its validation
/// delay (the `validationDelayMs` field, 200 ms as shipped, not a setting).
pub const WRAPPER: &str = r#"
const dir = process.env.YLS_DIR;
const delay = process.env.YLS_DELAY_MS;
const settings = require(dir + '/out/server/src/yamlSettings.js');
if (delay !== undefined && delay !== '') {
  const Base = settings.SettingsState;
  settings.SettingsState = class extends Base {
    constructor(...args) { super(...args); this.validationDelayMs = Number(delay); }
  };
}
require(dir + '/out/server/src/server.js');
"#;

/// didChange → publishDiagnostics on yaml-language-server with the schema
/// (it publishes without versions: the next publish for the document after
/// each edit), its validation delay set to `delay` ms or left as shipped.
/// Returns the latencies and the number of diagnostics on open.
pub fn session(
    yls: &Path,
    wrapper: &Path,
    schema: &Path,
    dir: &Path,
    text: &str,
    edits: usize,
    delay: Option<u64>,
) -> (Vec<Duration>, usize) {
    let delay_s = delay.map(|d| d.to_string()).unwrap_or_default();
    let mut c = Client::spawn_with_env(
        "node",
        &[&wrapper.to_string_lossy(), "--stdio"],
        &[
            ("YLS_DIR", &yls.to_string_lossy()),
            ("YLS_DELAY_MS", &delay_s),
        ],
        &[],
    );
    // yaml-language-server pulls its settings (`workspace/configuration`,
    // sections yaml, http, [yaml], editor) when told they changed; the test
    // client answers every section with this object.
    let mut schemas = serde_json::Map::new();
    schemas.insert(file_uri(schema), json!(["*.yaml"]));
    let yaml = json!({
        "validate": true, "hover": false, "completion": false, "format": {"enable": false},
        "schemaStore": {"enable": false},
        "schemas": schemas
    });
    if let Ok(mut s) = c.settings.lock() {
        *s = yaml;
    }
    c.initialize(dir, &[], json!({}));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    std::thread::sleep(Duration::from_millis(300));
    let uri = file_uri(&dir.join("postmortem.yaml"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let first = c.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    std::thread::sleep(Duration::from_millis(400));
    c.seen.clear();
    let diagnostics = first["diagnostics"].as_array().map_or(0, |a| a.len());
    let line = (text.lines().count() / 2) as u64;
    let col = text
        .lines()
        .nth(line as usize)
        .map_or(0, |l| l.encode_utf16().count()) as u64;
    let mut lat = Vec::new();
    for k in 0..edits {
        let v = 2 + k as i64;
        let change = if k % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""})
        };
        c.seen.clear();
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]}),
        );
        c.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        lat.push(c.since(t));
    }
    c.shutdown();
    (lat, diagnostics)
}

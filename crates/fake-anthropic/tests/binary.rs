//! The `fake-anthropic` binary, as the editor tests use it: it serves a
//! script, records each request, and stops when its stdin closes.

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use postmortem_claude::{
    build_body, ClaudeClient, ClaudeConfig, ClaudeError, MessageOutcome, PromptParts,
    StreamProgress,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

const KEY: &str = "sk-ant-test-SECRET-7f3a9c0d12";

fn client(cfg: ClaudeConfig) -> ClaudeClient {
    ClaudeClient::new(cfg)
        .unwrap()
        .with_backoff_base(Duration::from_millis(5))
}

fn body(cfg: &ClaudeConfig, ask: &str) -> Value {
    let inputs = vec![(
        "pager.log".to_string(),
        "1 | 10:02 alert fired\n".to_string(),
    )];
    build_body(
        cfg,
        &PromptParts {
            system: "You help SREs write blameless postmortems.",
            inputs: &inputs,
            ask,
            schema: None,
            schema_text: None,
        },
    )
}

async fn run(
    client: &ClaudeClient,
    body: &Value,
) -> (Result<MessageOutcome, ClaudeError>, Vec<StreamProgress>) {
    let cancel = CancellationToken::new();
    let mut events = Vec::new();
    let r = client
        .stream_message(body, &cancel, &mut |p| events.push(p))
        .await;
    (r, events)
}

#[test]
fn fake_anthropic_binary_serves_a_script_and_records() {
    let dir = std::env::temp_dir().join(format!("pm-fake-anthropic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("script.json");
    let record = dir.join("record.jsonl");
    let _ = std::fs::remove_file(&record);
    std::fs::write(&script, r#"[{"stream": {"text": "from the binary", "chunking": {"every": 2}}}, {"status": {"code": 401, "body": "{}"}}]"#)
        .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fake-anthropic"))
        .args(["--port", "0", "--script"])
        .arg(&script)
        .arg("--record")
        .arg(&record)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let cfg = ClaudeConfig {
            base_url: url.clone(),
            ..ClaudeConfig::default().with_api_key(KEY)
        };
        let c = client(cfg.clone());
        let (r, _) = run(&c, &body(&cfg, "x")).await;
        assert_eq!(r.unwrap().text, "from the binary");
        let (r, _) = run(&c, &body(&cfg, "x")).await;
        assert!(matches!(r, Err(ClaudeError::Unauthorized(_))), "{r:?}");
        let (r, _) = run(&c, &body(&cfg, "x")).await;
        assert_eq!(r.unwrap().text, "ok", "default reply after the script");
    });
    let recorded = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<Value> = recorded
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["path"], "/v1/messages");
    assert_eq!(lines[0]["json"]["model"], "claude-sonnet-4-6");
    assert_eq!(lines[0]["headers"]["anthropic-version"], "2023-06-01");

    // Closing stdin stops it.
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.flush();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

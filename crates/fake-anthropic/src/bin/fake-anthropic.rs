//! `fake-anthropic --port 0 --script script.json [--record FILE] [--ignore-stdin]`
//!
//! Runs the fake Anthropic Messages API of the `fake_anthropic` crate on
//! 127.0.0.1 for editor tests. Prints `listening on http://127.0.0.1:PORT`
//! on stdout once ready, appends each request as a JSON line to `--record`,
//! and runs until killed or until stdin closes (unless `--ignore-stdin`).
//! Without `--script`, every request gets a streamed `ok`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use fake_anthropic::{FakeAnthropic, FakeOptions, Script};
use tokio::io::AsyncReadExt;

const USAGE: &str =
    "usage: fake-anthropic [--port N] [--script FILE.json] [--record FILE.jsonl] [--ignore-stdin]";

struct Args {
    port: u16,
    script: Option<PathBuf>,
    record: Option<PathBuf>,
    ignore_stdin: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        script: None,
        record: None,
        ignore_stdin: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--port" => {
                let v = value("--port")?;
                args.port = v
                    .parse()
                    .map_err(|_| format!("--port {v:?} is not a port number"))?;
            }
            "--script" => args.script = Some(PathBuf::from(value("--script")?)),
            "--record" => args.record = Some(PathBuf::from(value("--record")?)),
            "--ignore-stdin" => args.ignore_stdin = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let script = match &args.script {
        None => Script::default(),
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| Script::from_json(&t))
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!("fake-anthropic: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let server = match FakeAnthropic::start_with(FakeOptions {
        port: args.port,
        record: args.record,
        script,
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fake-anthropic: could not listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.url());
        let _ = out.flush();
    }
    if args.ignore_stdin {
        std::future::pending::<()>().await;
    } else {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 1024];
        while let Ok(n) = stdin.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    }
    server.shutdown();
    ExitCode::SUCCESS
}

//! Redaction time on a 1 MiB chat log (issue 13's figure; target ≤ 20 ms).
//!
//! `cargo bench -p postmortem-engine --bench redact`. The log is generated:
//! ordinary incident lines (`privacy::corpus::ordinary_lines`: timestamps,
//! SHAs, UUIDs, hostnames, versions, English and zh-TW) with the eight
//! secrets of the issue planted every 400 lines. Prints the time to load
//! and compile the rules (once per process), then the scan-and-redact time
//! over 15 runs (min / median / max).

use postmortem_engine::privacy::corpus::{issue_eight, ordinary_lines, Gen};
use postmortem_engine::privacy::Redactor;
use std::time::Instant;

fn main() {
    let mut g = Gen::new(2026);
    let mut text = String::new();
    let mut planted = 0;
    let mut i = 0;
    while text.len() < 1 << 20 {
        for l in ordinary_lines(&mut g, 400) {
            text.push_str(&l);
            text.push('\n');
        }
        i += 1;
        let p = &issue_eight(&mut g)[i % 8];
        text.push_str(&p.text);
        text.push('\n');
        planted += 1;
    }
    let lines = text.lines().count();
    let r = Redactor::default();
    let t = Instant::now();
    let first = r.redact("warm up: password=abc12345\n", "x.log");
    let compile = t.elapsed();
    assert_eq!(first.findings.len(), 1);
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..15 {
        let t = Instant::now();
        let out = r.redact(&text, "chat.log");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        found = out.findings.len();
        std::hint::black_box(out);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "rules: loaded and compiled in {:.1} ms (once per process)",
        compile.as_secs_f64() * 1000.0
    );
    println!(
        "redact {:.2} MiB, {lines} lines, {planted} planted secrets ({found} findings): min {:.1} ms, median {:.1} ms, max {:.1} ms",
        text.len() as f64 / (1 << 20) as f64,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

//! Render time (after analysis) of the example and of a ~1,100-line
//! document, HTML and Markdown. Run with `cargo bench -p postmortem-render`.
//! The generated document is the example with ~280 more timeline entries
//! (the entries of crates/postmortem-lsp/benches/engine.rs).

use postmortem_engine::analysis::{analyze, Cache, Options};
use postmortem_engine::config::Config;
use postmortem_render::{render, Format, Options as RenderOptions};
use std::path::Path;
use std::time::{Duration, Instant};

/// This thread's CPU time: on a machine shared with other builds, wall time
/// mostly measures waiting for a core.
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// (wall p50, wall p95, CPU p50) in milliseconds.
fn time<F: FnMut()>(n: usize, mut f: F) -> (f64, f64, f64) {
    let mut wall = Vec::with_capacity(n);
    let mut cpu = Vec::with_capacity(n);
    for _ in 0..n {
        let (t, c) = (Instant::now(), cpu_time());
        f();
        cpu.push(cpu_time().saturating_sub(c));
        wall.push(t.elapsed());
    }
    wall.sort();
    cpu.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(wall[n / 2]), ms(wall[n * 95 / 100]), ms(cpu[n / 2]))
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage");
    let path = dir.join("postmortem.yaml");
    let example = std::fs::read_to_string(&path).expect("example");
    // The example with its own timeline grown to ~1,100 lines (entries go
    // into the existing `timeline`, so every one of them is rendered).
    let mut extra = String::new();
    let mut i = 0;
    while example.lines().count() + extra.lines().count() < 1100 {
        extra.push_str(&format!("  - at: 2026-04-09T14:{:02}:{:02}Z\n    event: \"Responder step {i}: 檢查 connection pool 🚒 [chat L{}]\"\n    source: \"[chat L{}]\"\n", (i / 60) % 60, i % 60, 1 + i % 70, 1 + i % 70));
        i += 1;
    }
    let big = example.replacen("timeline:\n", &format!("timeline:\n{extra}"), 1);
    let cfg = Config::default();
    // as in the server and the CLI: people and blameless findings cached across analyses
    let cache = Cache::new();
    println!("| document | lines | analyze p50 ms (CPU) | HTML p50 ms | HTML p95 ms | HTML CPU p50 ms | Markdown p50 ms | Markdown CPU p50 ms | HTML KiB |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, text) in [("example", &example), ("generated", &big)] {
        let mut o = Options::new(&cfg);
        o.path = Some(&path);
        o.root = Some(&dir);
        o.cache = Some(&cache);
        let (a50, _, ac) = time(50, || {
            std::hint::black_box(analyze(text.to_string(), &o));
        });
        let a = analyze(text.to_string(), &o);
        let ro = RenderOptions::default();
        let (h50, h95, hc) = time(200, || {
            std::hint::black_box(render(&a, Format::Html, &ro));
        });
        let (m50, _, mc) = time(200, || {
            std::hint::black_box(render(&a, Format::Markdown, &ro));
        });
        let kib = render(&a, Format::Html, &ro).text.len() as f64 / 1024.0;
        println!(
            "| {name} | {} | {a50:.2} ({ac:.2}) | {h50:.2} | {h95:.2} | {hc:.2} | {m50:.2} | {mc:.2} | {kib:.0} |",
            text.lines().count()
        );
    }
}

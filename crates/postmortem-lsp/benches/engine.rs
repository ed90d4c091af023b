//! Engine-only timings (no LSP): parse and full analysis of the example and
//! of a ~1,100-line document. Run with `cargo bench --bench engine`.

#[path = "../tests/it/common/mod.rs"]
mod common;

use postmortem_engine::analysis::{analyze, Options};
use postmortem_engine::config::Config;
use std::path::Path;
use std::time::{Duration, Instant};

fn time<F: FnMut()>(n: usize, mut f: F) -> (f64, f64) {
    let mut v: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    (
        v[n / 2].as_secs_f64() * 1e3,
        v[n * 95 / 100].as_secs_f64() * 1e3,
    )
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout-outage");
    let path = dir.join("postmortem.yaml");
    let example = std::fs::read_to_string(&path).expect("example");
    let mut big = example.clone();
    big.push_str("timeline:\n");
    let mut i = 0;
    while big.lines().count() < 1100 {
        big.push_str(&format!("  - at: 2026-04-09T14:{:02}:{:02}Z\n    event: \"Responder step {i}: 檢查 connection pool 🚒 [chat L{}]\"\n    source: \"[chat L{}]\"\n", (i / 60) % 60, i % 60, 1 + i % 70, 1 + i % 70));
        i += 1;
    }
    let cfg = Config::default();
    // as in the server: input files cached, re-read only when they change
    let inputs = postmortem_lsp::lsp::documents::InputCache::default();
    // and people and blameless findings kept across analyses, as in the server
    let cache = postmortem_engine::analysis::Cache::new();
    println!("| document | lines | parse p50 ms | analyze p50 ms | analyze p95 ms | typing: analyze p50 ms | typing: p95 ms |");
    println!("|---|---|---|---|---|---|---|");
    let first = common::first_sections(&example).to_string();
    for (name, text) in [
        ("example, first sections", &first),
        ("example", &example),
        ("generated", &big),
    ] {
        let (pp, _) = time(200, || {
            std::hint::black_box(postmortem_syntax::parse(text));
        });
        let mut o = Options::new(&cfg);
        o.path = Some(&path);
        o.root = Some(&dir);
        o.inputs = &inputs;
        o.cache = Some(&cache);
        let (a50, a95) = time(200, || {
            std::hint::black_box(analyze(text.to_string(), &o));
        });
        // Typing: a character typed and deleted in the middle line, each
        // analysis given the previous one (as the server does).
        let typed = typed_in_the_middle(text);
        let mut prev = analyze(text.to_string(), &o);
        let mut k = 0usize;
        let (t50, t95) = time(200, || {
            k += 1;
            let next = if k % 2 == 1 { &typed } else { text };
            prev = analyze(
                next.to_string(),
                &Options {
                    previous: Some(&prev),
                    ..o
                },
            );
        });
        println!(
            "| {name} | {} | {pp:.3} | {a50:.3} | {a95:.3} | {t50:.3} | {t95:.3} |",
            text.lines().count()
        );
        if std::env::var_os("PROFILE_RULES").is_some() {
            profile_rules(text, &o);
            println!("  typing:");
            profile_rules(
                &typed,
                &Options {
                    previous: Some(&prev),
                    ..o
                },
            );
        }
    }
}

/// `text` with an `x` typed at the end of its middle line.
fn typed_in_the_middle(text: &str) -> String {
    let mid = text.lines().count() / 2;
    let end: usize = text
        .lines()
        .take(mid + 1)
        .map(|l| l.len() + 1)
        .sum::<usize>()
        - 1;
    let mut t = text.to_string();
    t.insert(end, 'x');
    t
}

/// The costliest phases and rules (printed when PROFILE_RULES is set).
fn profile_rules(text: &str, o: &Options) {
    let mut acc: std::collections::BTreeMap<&'static str, f64> = std::collections::BTreeMap::new();
    let runs = 50;
    for _ in 0..runs {
        postmortem_engine::analysis::analyze_profiled(text.to_string(), o, &mut |k, d| {
            *acc.entry(k).or_default() += d.as_secs_f64() * 1e3
        });
    }
    let mut rows: Vec<(&str, f64)> = acc.into_iter().map(|(k, v)| (k, v / runs as f64)).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (k, t) in rows.iter().take(10) {
        println!("  {k}: {t:.3} ms");
    }
}

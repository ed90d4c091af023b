//! Memory stays bounded while a long value is edited over and over: every
//! keystroke makes a new version of the value, and nothing may keep them all.
//! (Its own test binary, so that the process's memory is this test's alone.)

use postmortem_engine::analysis::{analyze, Options};
use postmortem_engine::config::Config;

fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

/// 60 edits of a 1 MiB value: kept, they would hold 60 MiB of old text.
#[test]
fn editing_a_long_value_again_and_again_keeps_memory_bounded() {
    let cfg = Config::default();
    let o = Options::new(&cfg);
    // An `owner` value: the blameless rules look it up (and remember it)
    // without scanning it, which keeps this test quick in a debug build.
    let value = "payments-team ".repeat(1024 * 1024 / 14);
    let doc = |k: usize| {
        format!(
            "incident_ref: {{id: INC-1}}\naction_items:\n  - id: AI-001\n    owner: \"{}{k}\"\n",
            &value
        )
    };
    // warm up: tables built, allocator settled
    drop(analyze(doc(0), &o));
    let before = rss_mib();
    for k in 1..=60 {
        drop(analyze(doc(k), &o));
    }
    let grown = rss_mib().saturating_sub(before);
    eprintln!("memory grew by {grown} MiB over 60 edits of a 1 MiB value");
    assert!(grown < 40, "memory grew by {grown} MiB");
}

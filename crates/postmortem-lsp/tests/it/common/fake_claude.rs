//! Shared by the drafting tests: the example incident, a fake Anthropic
//! server on a runtime of its own, and helpers to cut and read sections.

use fake_anthropic::FakeAnthropic;
use std::time::{Duration, Instant};

pub const EXAMPLE: &str = include_str!("../../../../../examples/checkout-outage/postmortem.yaml");
pub const REPORT: &str = include_str!("../../../../../examples/checkout-outage/report.md");
pub const CHAT: &str = include_str!("../../../../../examples/checkout-outage/chat.log");
pub const METRICS: &str = include_str!("../../../../../examples/checkout-outage/metrics.md");
pub const RUNBOOK: &str = include_str!("../../../../../examples/checkout-outage/runbook.md");

/// The example's input files plus `doc` as postmortem.yaml, for `workspace`.
pub fn example_files(doc: &str) -> [(&'static str, &str); 5] {
    [
        ("report.md", REPORT),
        ("chat.log", CHAT),
        ("metrics.md", METRICS),
        ("runbook.md", RUNBOOK),
        ("postmortem.yaml", doc),
    ]
}

/// The fake server and the runtime it runs on (dropped in this order).
pub struct Fake {
    pub server: FakeAnthropic,
    pub rt: tokio::runtime::Runtime,
}

pub fn fake() -> Fake {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt.block_on(FakeAnthropic::start());
    Fake { server, rt }
}

impl Fake {
    /// Waits until the server has received `n` requests.
    pub fn wait_requests(&self, n: usize) {
        let deadline = Instant::now() + super::PATIENCE;
        while self.server.requests().len() < n {
            assert!(
                Instant::now() < deadline,
                "the fake server got {} requests",
                self.server.requests().len()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Whether `n` connections were closed before their reply completed.
    pub fn closed_early(&self, n: usize) -> bool {
        self.rt
            .block_on(self.server.wait_closed_early(n, super::PATIENCE))
    }
}

/// `text` without the top-level `section` (and the blank line after it).
pub fn without(text: &str, section: &str) -> String {
    let start = text
        .find(&format!("\n{section}:"))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{section} not in the text"));
    let rest = &text[start..];
    let end = rest
        .match_indices('\n')
        .find(|(i, _)| rest[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic()))
        .map_or(text.len(), |(i, _)| start + i + 1);
    format!("{}{}", &text[..start], &text[end..]).replace("\n\n\n", "\n\n")
}

/// A top-level section of `text` as a value, to compare drafts structurally.
pub fn section_value(text: &str, section: &str) -> postmortem_draft::value::V {
    let p = postmortem_syntax::parse(text);
    let node = p.root.as_ref().and_then(|r| r.get(section));
    postmortem_draft::value::from_node(node.unwrap_or_else(|| panic!("no {section}")))
        .unwrap_or_else(|e| panic!("{section}: {e:?}"))
}

/// What Claude would answer for `section` of the example.
pub fn answer(section: &str) -> String {
    postmortem_draft::value::answer_for(EXAMPLE, section).expect("the example has the section")
}

/// A workspace with the example's inputs, `doc` as postmortem.yaml and a
/// `[claude]` table pointing at `url` (plus `extra` TOML lines).
pub fn ws(name: &str, doc: &str, url: &str, extra: &str) -> std::path::PathBuf {
    let dir = super::workspace(name, &example_files(doc));
    std::fs::write(
        dir.join(".postmortem-lsp.toml"),
        format!("[claude]\nbase_url = \"{url}\"\nmax_retries = 1\ntimeout_s = 10\n{extra}"),
    )
    .expect("config");
    dir
}

//! Test support: a fake Anthropic server (also runnable as the
//! `fake-anthropic` binary for editor tests).

pub mod fake_anthropic;

pub use fake_anthropic::{
    Chunking, FakeAnthropic, FakeOptions, FakeUsage, LineEnding, RecordedRequest, Reply, Script,
    StreamReply,
};

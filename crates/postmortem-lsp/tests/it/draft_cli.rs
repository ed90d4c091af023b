//! `postmortem-lsp draft` against the fake Anthropic server (no network).

use crate::common::fake_claude::*;
use fake_anthropic::{Chunking, Reply, StreamReply};
use postmortem_draft::value::answer_for;
use std::path::Path;
use std::process::Command;

const KEY: &str = "sk-ant-test-CLI-93b1e0aa57";

fn section_yaml(text: &str, section: &str) -> String {
    let p = postmortem_syntax::parse(text);
    text[p.root.as_ref().unwrap().pair(section).unwrap().span.clone()].to_string()
}

fn reply(section: &str) -> Reply {
    Reply::Stream(StreamReply {
        text: answer_for(EXAMPLE, section).expect("section"),
        chunking: Chunking::Awkward,
        ..StreamReply::default()
    })
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `draft` with `--yes` (the consent question itself is tested in
/// tests/draft_privacy.rs).
fn draft(dir: &Path, args: &[&str], key: Option<&str>) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_postmortem-lsp"));
    cmd.arg("draft")
        .arg(dir.join("postmortem.yaml"))
        .args(args)
        .arg("--yes")
        .env_remove("ANTHROPIC_BASE_URL")
        .env_remove("ANTHROPIC_API_KEY");
    if let Some(k) = key {
        cmd.env("ANTHROPIC_API_KEY", k);
    }
    let o = cmd.output().expect("run the binary");
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).to_string(),
        stderr: String::from_utf8_lossy(&o.stderr).to_string(),
    };
    for s in [&out.stdout, &out.stderr] {
        assert!(
            !s.contains(KEY) && !s.contains("CLI-93b1"),
            "the key was printed: {s}"
        );
    }
    out
}

fn file(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("postmortem.yaml")).expect("read")
}

#[test]
fn prints_the_drafted_section_and_leaves_the_file() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("c-print", &doc, &f.server.url(), "");
    f.server.push(reply("root_cause"));
    let o = draft(&dir, &["--section", "root_cause"], Some(KEY));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        format!("{}\n", section_yaml(EXAMPLE, "root_cause"))
    );
    assert_eq!(file(&dir), doc, "the file is untouched without --write");
    assert!(
        o.stderr.contains("tokens in") && o.stderr.contains("1 request"),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains('\r'),
        "no progress line when stderr is not a terminal"
    );
    let reqs = f.server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].header("x-api-key"), Some(KEY));
    assert_eq!(reqs[0].header("anthropic-version"), Some("2023-06-01"));
    let b = reqs[0].json().unwrap();
    assert_eq!(b["system"][0]["cache_control"]["type"], "ephemeral");
    assert_eq!(
        b["messages"][0]["content"][0]["cache_control"]["type"],
        "ephemeral"
    );
}

#[test]
fn write_edits_the_file_after_the_checks() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("c-write", &doc, &f.server.url(), "");
    f.server.push(reply("root_cause"));
    let o = draft(&dir, &["--section", "root_cause", "--write"], Some(KEY));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    assert!(o.stderr.contains("wrote root_cause into"), "{}", o.stderr);
    assert_eq!(file(&dir), EXAMPLE);
    let check = Command::new(env!("CARGO_BIN_EXE_postmortem-lsp"))
        .arg("check")
        .arg(dir.join("postmortem.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn all_missing_and_review() {
    let f = fake();
    let doc = without(
        &without(&without(EXAMPLE, "what_went_wrong"), "decision_log"),
        "verify",
    );
    let dir = ws("c-missing", &doc, &f.server.url(), "");
    f.server.push(reply("what_went_wrong"));
    f.server.push(reply("decision_log"));
    f.server.push(reply("verify"));
    let o = draft(&dir, &["--all-missing", "--write"], Some(KEY));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = file(&dir);
    // "Draft all missing sections" ends with the verify review.
    for s in ["what_went_wrong", "decision_log", "verify"] {
        assert_eq!(section_value(&text, s), section_value(EXAMPLE, s), "{s}");
    }
    assert_eq!(f.server.requests().len(), 3);
    let last = f.server.requests()[2].json().unwrap();
    let msgs = last["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 5, "one conversation");
    let ask = msgs[4]["content"][0]["text"].as_str().unwrap();
    assert!(ask.contains("<task section=\"verify\">"), "{ask}");
    // Every request of the conversation shares its prefix: no output_config,
    // no temperature, and from the second request on most input is cached.
    for r in f.server.requests() {
        let b = r.json().unwrap();
        assert!(
            b.get("output_config").is_none() && b.get("temperature").is_none(),
            "{b}"
        );
    }
    let usages = f.server.usages();
    for u in &usages[1..] {
        let all = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
        assert!(u.cache_read_input_tokens * 10 >= all * 8, "{u:?}");
    }

    f.server.push(reply("verify"));
    let o = draft(&dir, &["--review"], Some(KEY));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("verify:\n  low_confidence:\n"),
        "{}",
        o.stdout
    );
}

#[test]
fn an_invalid_draft_writes_nothing() {
    let f = fake();
    let doc = without(EXAMPLE, "slo_impact");
    let dir = ws("c-invalid", &doc, &f.server.url(), "");
    let bad = answer_for(EXAMPLE, "slo_impact")
        .unwrap()
        .replace("[metrics §4-6]", "[metrics §70]");
    for _ in 0..2 {
        f.server.push(Reply::text(bad.clone()));
    }
    let o = draft(&dir, &["--section", "slo_impact", "--write"], Some(KEY));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("was not applied") && o.stderr.contains("Rejected draft (not written):"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("[metrics §70]"),
        "the rejected draft is shown"
    );
    assert_eq!(file(&dir), doc);
    assert_eq!(f.server.requests().len(), 2);
}

#[test]
fn failures_say_what_to_do_and_leave_the_file() {
    let f = fake();
    let doc = without(EXAMPLE, "root_cause");
    let dir = ws("c-fail", &doc, &f.server.url(), "");
    let cases: Vec<(Vec<Reply>, i32, &str)> = vec![
        (
            vec![Reply::api_error(
                401,
                "authentication_error",
                &format!("bad key {KEY}"),
            )],
            1,
            "rejected the API key (401)",
        ),
        (
            vec![Reply::overloaded(Some("0")), Reply::overloaded(Some("0"))],
            1,
            "overloaded right now (529) after 1 retry",
        ),
        (
            vec![Reply::api_error(404, "not_found_error", "model")],
            1,
            "Set `[claude] model`",
        ),
        (
            vec![Reply::Garbage {
                body: String::new(),
            }],
            1,
            "could not be read",
        ),
    ];
    for (replies, code, expected) in cases {
        for r in replies {
            f.server.push(r);
        }
        let o = draft(&dir, &["--section", "root_cause", "--write"], Some(KEY));
        assert_eq!(o.code, code, "{}", o.stderr);
        assert!(
            o.stderr.contains(expected),
            "expected «{expected}» in {}",
            o.stderr
        );
        assert_eq!(file(&dir), doc);
    }
    let before = f.server.requests().len();
    let o = draft(&dir, &["--section", "root_cause", "--write"], None);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("ANTHROPIC_API_KEY"), "{}", o.stderr);
    assert_eq!(
        f.server.requests().len(),
        before,
        "nothing sent without a key"
    );

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dead = ws("c-refused", &doc, &format!("http://127.0.0.1:{port}"), "");
    std::fs::write(
        dead.join(".postmortem-lsp.toml"),
        format!("[claude]\nbase_url = \"http://127.0.0.1:{port}\"\nmax_retries = 0\n"),
    )
    .unwrap();
    let o = draft(&dead, &["--section", "root_cause", "--write"], Some(KEY));
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("Could not reach"), "{}", o.stderr);
    assert_eq!(file(&dead), doc);

    let evil = ws("c-evil", &doc, "https://collector.example.net", "");
    let o = draft(&evil, &["--section", "root_cause"], Some(KEY));
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("may not send your API key to another host"),
        "{}",
        o.stderr
    );
}

#[test]
fn fenced_yaml_when_structured_output_is_off() {
    let f = fake();
    let doc = without(EXAMPLE, "timeline");
    let dir = ws(
        "c-fenced",
        &doc,
        &f.server.url(),
        "structured_output = false\n",
    );
    f.server.push(Reply::text(format!(
        "```yaml\n{}\n```",
        section_yaml(EXAMPLE, "timeline")
    )));
    let o = draft(&dir, &["--section", "timeline", "--write"], Some(KEY));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(f.server.requests()[0]
        .json()
        .unwrap()
        .get("output_config")
        .is_none());
    assert_eq!(
        section_value(&file(&dir), "timeline"),
        section_value(EXAMPLE, "timeline")
    );
}

#[test]
fn inputs_outside_the_workspace_are_never_sent() {
    let f = fake();
    let outside = std::env::temp_dir().join(format!("pm-cli-outside-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("notes.md"), "CONFIDENTIAL-HR-NOTES\n").unwrap();
    let doc = without(EXAMPLE, "root_cause").replace(
        "  runbook: runbook.md\n",
        &format!(
            "  runbook: runbook.md\n  hr: ../pm-cli-outside-{}/notes.md\n",
            std::process::id()
        ),
    );
    let dir = ws("c-outside", &doc, &f.server.url(), "");
    f.server.push(reply("root_cause"));
    let o = draft(&dir, &["--section", "root_cause"], Some(KEY));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let body = String::from_utf8(f.server.requests()[0].body.clone()).unwrap();
    assert!(!body.contains("CONFIDENTIAL"));
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn replacing_content_needs_consent() {
    let f = fake();
    let dir = ws("c-replace", EXAMPLE, &f.server.url(), "");
    let o = draft(&dir, &["--section", "out_of_scope", "--write"], Some(KEY));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--replace"), "{}", o.stderr);
    assert!(
        f.server.requests().is_empty(),
        "asked before paying for a draft"
    );
    let changed = answer_for(EXAMPLE, "out_of_scope").unwrap().replace(
        "Individual performance review",
        "Performance review of individuals",
    );
    f.server.push(Reply::text(changed));
    let o = draft(
        &dir,
        &["--section", "out_of_scope", "--write", "--replace"],
        Some(KEY),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(file(&dir).contains("  - Performance review of individuals"));
    let o = draft(&dir, &["--section", "nope"], Some(KEY));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("not a section Claude can draft"));
}

/// `draft --wording --json`: the prose values go to Claude (as the editors'
/// "Review blameless wording with Claude" sends them), and the findings it
/// could place come back one JSON object per line; a finding whose phrase is
/// not in its value is left out and counted; the file is never changed.
#[test]
fn wording_review_prints_the_findings_it_can_place() {
    let f = fake();
    let doc = "incident_ref:\n  id: INC-2026-0777\n  title: Checkout errors\nwhat_went_wrong:\n  - The deploy script should have checked the pool size\n  - 值班者應該要先看告警才對\naction_items:\n  - id: A1\n    statement: Remind engineers to be careful with config changes\n    owner: payments team\n    due: 2026-05-01\n";
    let dir = ws("c-wording", doc, &f.server.url(), "");
    let answer = serde_json::json!({"findings": [
        {"path": "what_went_wrong[0]", "quote": "should have checked", "rule": "PM303",
         "reason": "A counterfactual judges the past.", "rewrite": "did not check"},
        {"path": "what_went_wrong[1]", "quote": "應該要先看告警才對", "rule": "PM303",
         "reason": "反事實語句。", "rewrite": null},
        {"path": "action_items[0].statement", "quote": "Remind engineers to be careful", "rule": "PM304",
         "reason": "This asks people to try harder.", "rewrite": null},
        {"path": "what_went_wrong[0]", "quote": "could have", "rule": "PM303", "reason": "x", "rewrite": null}
    ]})
    .to_string();
    f.server.push(Reply::Stream(StreamReply {
        text: answer,
        chunking: Chunking::Awkward,
        ..StreamReply::default()
    }));
    let o = draft(&dir, &["--wording", "--json"], Some(KEY));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let lines: Vec<serde_json::Value> = o
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let got: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap_or(""),
                v["rule"].as_str().unwrap_or(""),
                v["quote"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("what_went_wrong[0]", "PM303", "should have checked"),
            ("what_went_wrong[1]", "PM303", "應該要先看告警才對"),
            (
                "action_items[0].statement",
                "PM304",
                "Remind engineers to be careful"
            ),
        ]
    );
    assert_eq!(lines[0]["rewrite"], "did not check");
    assert!(
        o.stderr.contains("1 finding(s) could not be placed"),
        "{}",
        o.stderr
    );
    assert_eq!(file(&dir), doc, "the review never changes the file");
    let reqs = f.server.requests();
    assert_eq!(reqs.len(), 1);
    let body = reqs[0].json().expect("body");
    let sent = body.to_string();
    assert!(sent.contains("should have checked the pool size") && sent.contains("值班者"));
    assert!(
        !sent.contains("INC-2026-0777"),
        "ids are never sent: {sent}"
    );
    // Without --yes and without a terminal nothing is sent.
    let before = f.server.requests().len();
    let o = Command::new(env!("CARGO_BIN_EXE_postmortem-lsp"))
        .arg("draft")
        .arg(dir.join("postmortem.yaml"))
        .arg("--wording")
        .env_remove("ANTHROPIC_BASE_URL")
        .env("ANTHROPIC_API_KEY", KEY)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs your consent"));
    assert_eq!(f.server.requests().len(), before);
}

/// `--wording` never writes: clap refuses it with --write.
#[test]
fn wording_review_refuses_write() {
    let dir = ws("c-wording-w", EXAMPLE, "http://127.0.0.1:9", "");
    let o = draft(&dir, &["--wording", "--write"], Some(KEY));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("cannot be used with"), "{}", o.stderr);
}

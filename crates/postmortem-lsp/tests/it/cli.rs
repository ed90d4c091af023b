//! The command line, run as the built binary.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_postmortem-lsp"))
}

fn example(f: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/checkout-outage")
        .join(f)
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = bin().args(args).output().expect("run");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn exit_codes() {
    let clean = example("postmortem.yaml");
    let bad = example("mistakes.postmortem.yaml");
    assert_eq!(run(&["check", clean.to_str().unwrap_or("")]).0, 0);
    assert_eq!(run(&["check", bad.to_str().unwrap_or("")]).0, 1);
    assert_eq!(run(&["check", "/nonexistent/postmortem.yaml"]).0, 2);
    assert_eq!(
        run(&["check", "--format", "xml", clean.to_str().unwrap_or("")]).0,
        2
    );
    // --deny warnings turns the clean example's infos into nothing but a warning would fail
    assert_eq!(
        run(&["check", "--deny", "warnings", clean.to_str().unwrap_or("")]).0,
        0
    );
}

#[test]
fn json_output_shape() {
    let bad = example("mistakes.postmortem.yaml");
    let (code, out, _) = run(&["check", "--format", "json", bad.to_str().unwrap_or("")]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    let f = &v["files"][0];
    assert!(f["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("mistakes.postmortem.yaml")));
    let diags = f["diagnostics"].as_array().expect("diagnostics");
    let owner = diags.iter().find(|d| d["code"] == "PM201").expect("PM201");
    assert_eq!(owner["name"], "missing-owner");
    assert_eq!(owner["severity"], "error");
    assert_eq!(owner["field"], "action_items[1]");
    let start = &owner["range"]["start"];
    // 1-based line and column of the `id` key of the second action item
    let text = std::fs::read_to_string(&bad).expect("read");
    let line = text
        .lines()
        .position(|l| l.contains("id: AI-002"))
        .expect("AI-002")
        + 1;
    assert_eq!(start["line"], line as u64);
    assert_eq!(start["column"], 5);
    let s = &v["summary"];
    let errors = diags.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(s["errors"], errors as u64);
    for k in ["errors", "warnings", "infos", "hints"] {
        assert!(s[k].is_u64(), "{k}");
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    let dir = std::env::temp_dir().join(format!("pm-cli-cols-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let p = dir.join("postmortem.yaml");
    std::fs::write(
        &p,
        "incident_ref: INC-1\naction_items:\n  - {statement: \"值班🚒\", severity: P9}\n",
    )
    .expect("write");
    let (_, out, _) = run(&["check", "--format", "json", p.to_str().unwrap_or("")]);
    let v: Value = serde_json::from_str(&out).expect("json");
    let d = v["files"][0]["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .find(|d| d["code"] == "PM004")
        .cloned()
        .expect("PM004");
    // `  - {statement: "值班🚒", severity: ` is 33 characters (🚒 is one), so P9 starts at column 34
    assert_eq!(
        d["range"]["start"],
        serde_json::json!({"line": 3, "column": 34})
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sarif_and_github_formats() {
    let bad = example("mistakes.postmortem.yaml");
    let (_, out, _) = run(&["check", "--format", "sarif", bad.to_str().unwrap_or("")]);
    let v: Value = serde_json::from_str(&out).expect("sarif json");
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().expect("results");
    let (_, js, _) = run(&["check", "--format", "json", bad.to_str().unwrap_or("")]);
    let j: Value = serde_json::from_str(&js).expect("json");
    assert_eq!(
        results.len(),
        j["files"][0]["diagnostics"]
            .as_array()
            .map_or(0, |a| a.len())
    );
    assert!(results
        .iter()
        .all(|r| r["ruleId"].as_str().is_some_and(|c| c.starts_with("PM"))));
    assert!(v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .is_some_and(|r| r.len() == postmortem_engine::rules::REGISTRY.len()));
    let (_, gh, _) = run(&["check", "--format", "github", bad.to_str().unwrap_or("")]);
    let first = gh.lines().next().unwrap_or("");
    assert!(
        first.starts_with("::error file=") || first.starts_with("::warning file="),
        "{first}"
    );
    assert!(
        first.contains(",line=") && first.contains("title=PM"),
        "{first}"
    );
}

#[test]
fn text_output_points_at_the_line() {
    let bad = example("mistakes.postmortem.yaml");
    let (_, out, _) = run(&["check", bad.to_str().unwrap_or("")]);
    assert!(
        out.contains("error[PM201]: Action item AI-002 has no owner."),
        "{out}"
    );
    assert!(out.contains("mistakes.postmortem.yaml:"), "{out}");
    assert!(out.contains("^^"), "{out}");
    assert!(out
        .lines()
        .last()
        .unwrap_or("")
        .starts_with("1 file checked:"));
}

#[test]
fn folders_are_searched_for_postmortems() {
    let (code, out, _) = run(&[
        "check",
        "--format",
        "json",
        example("").to_str().unwrap_or(""),
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    let paths: Vec<&str> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
}

#[test]
fn new_writes_a_skeleton_that_is_structurally_valid() {
    let dir = std::env::temp_dir().join(format!("pm-cli-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, _, _) = run(&["new", dir.to_str().unwrap_or("")]);
    assert_eq!(code, 0);
    assert_eq!(
        run(&["new", dir.to_str().unwrap_or("")]).0,
        2,
        "never overwrites"
    );
    let (_, out, _) = run(&[
        "check",
        "--format",
        "json",
        dir.join("postmortem.yaml").to_str().unwrap_or(""),
    ]);
    let v: Value = serde_json::from_str(&out).expect("json");
    let codes: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    for structural in [
        "PM001", "PM002", "PM003", "PM005", "PM006", "PM007", "PM104",
    ] {
        assert!(!codes.contains(&structural), "{structural} in {codes:?}");
    }
    assert!(codes.contains(&"PM407"), "TODOs are listed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn schema_and_explain() {
    let (code, out, _) = run(&["schema"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("schema json");
    assert!(v["properties"]["root_cause"].is_object());
    let (code, out, _) = run(&["explain", "PM201"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("## PM201 missing-owner"));
    assert_eq!(run(&["explain", "missing-owner"]).1, out);
    let (code, out, _) = run(&["explain", "action_items.owner"]);
    assert_eq!(code, 0);
    assert!(out.contains("action_items.owner"));
    let (code, _, err) = run(&["explain", "mising-owner"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing-owner"), "{err}");
}

#[test]
fn a_mistyped_command_suggests_the_right_one_and_exits_2() {
    let (code, out, err) = run(&["chek", "."]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("'check'"), "{err}");
    // Only a short usage line, not the whole manual.
    assert!(err.lines().count() < 10, "{err}");
    let (code, _, err) = run(&["check", "--formt", "json"]);
    assert_eq!(code, 2);
    assert!(err.contains("--format"), "{err}");
}

#[test]
fn each_command_has_its_own_help() {
    for (cmd, flag) in [
        ("check", "--deny"),
        ("draft", "--all-missing"),
        ("explain", "--markdown"),
        ("new", "[DIR]"),
    ] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0, "{cmd}");
        assert!(out.contains(flag), "{cmd} --help lacks {flag}:\n{out}");
        assert!(out.contains(&format!("postmortem-lsp {cmd}")), "{out}");
    }
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for cmd in [
        "serve",
        "check",
        "schema",
        "explain",
        "new",
        "draft",
        "completions",
    ] {
        assert!(out.contains(cmd), "--help lacks {cmd}");
    }
}

#[test]
fn completions_for_the_usual_shells() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef postmortem-lsp"),
        ("fish", "complete -c postmortem-lsp"),
    ] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell}: {out}");
        assert!(
            out.contains("check"),
            "{shell} completion lacks the check command"
        );
    }
}

#[test]
fn draft_needs_exactly_one_of_section_all_missing_or_review() {
    let pm = example("postmortem.yaml");
    let p = pm.to_str().unwrap_or("");
    let (code, _, err) = run(&["draft", p]);
    assert_eq!(code, 2);
    assert!(err.contains("--section"), "{err}");
    let (code, _, err) = run(&["draft", p, "--review", "--all-missing"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["draft", p, "--section", "root_cuase"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("root_cause"),
        "an unknown section names the closest: {err}"
    );
}

use super::*;

fn people() -> People {
    People::new(
        [
            "alice",
            "bob",
            "chen.wei",
            "dana",
            "will",
            "may",
            "mark",
            "王小明",
            "陳大文",
        ]
        .iter()
        .map(|s| s.to_string()),
        &[],
    )
}

fn rules(text: &str, kind: FieldKind) -> Vec<&'static str> {
    let mut r: Vec<&'static str> = check_text(text, kind, &people())
        .into_iter()
        .map(|f| f.rule)
        .collect();
    r.sort_unstable();
    r.dedup();
    r
}

fn find<'a>(fs: &'a [Finding], rule: &str) -> Option<&'a Finding> {
    fs.iter().find(|f| f.rule == rule)
}

#[test]
fn name_in_root_cause_is_an_error_with_role_rewrite() {
    let mut p = people();
    p.set_role("bob", "on-call engineer");
    let t = "bob's change removed the index";
    let fs = check_text(t, FieldKind::RootCause, &p);
    let f = find(&fs, "PM301").expect("PM301");
    assert_eq!(&t[f.range.clone()], "bob's");
    assert_eq!(f.severity_hint, Some(Severity::Error));
    assert_eq!(f.rewrite.as_deref(), Some("The on-call engineer's"));
    assert_eq!(f.name.as_deref(), Some("bob"));
    assert!(
        f.message.contains("`bob` is named in the root cause"),
        "{}",
        f.message
    );
    assert!(f.message_zh.contains("根本原因"), "{}", f.message_zh);
}

#[test]
fn name_rewrite_defaults_to_responder_by_language() {
    let fs = check_text(
        "The deploy by dana skipped the canary",
        FieldKind::WentWrong,
        &people(),
    );
    let f = find(&fs, "PM301").expect("PM301");
    assert_eq!(f.severity_hint, Some(Severity::Warning));
    assert_eq!(f.rewrite.as_deref(), Some("the responder"));
    let fs = check_text(
        "王小明在尖峰時段執行了遷移",
        FieldKind::RootCause,
        &people(),
    );
    let f = find(&fs, "PM301").expect("PM301");
    assert_eq!(f.rewrite.as_deref(), Some("應變人員"));
    let mut p = people();
    p.set_roles(&speaker_roles(
        "事故指揮官：王小明",
        &["王小明".to_string()],
    ));
    let fs = check_text("王小明在尖峰時段執行了遷移", FieldKind::RootCause, &p);
    assert_eq!(
        find(&fs, "PM301").and_then(|f| f.rewrite.as_deref()),
        Some("事故指揮官")
    );
}

#[test]
fn owner_and_quote_are_never_flagged() {
    assert!(rules("bob (human error!!!)", FieldKind::Owner).is_empty());
    assert!(rules("bob said it was human error, obviously", FieldKind::Quote).is_empty());
}

#[test]
fn names_only_in_cause_and_summary_fields() {
    assert_eq!(
        rules("alice restarted the primary", FieldKind::Summary),
        vec!["PM301"]
    );
    assert_eq!(
        rules("alice restarted the primary", FieldKind::Decision),
        vec!["PM301"]
    );
    assert!(rules(
        "alice to add a lint rule for region flags",
        FieldKind::Action
    )
    .is_empty());
    assert!(rules("alice restarted the primary", FieldKind::Other).is_empty());
}

#[test]
fn quotes_and_citations_are_evidence() {
    assert!(rules(
        "The on-call wrote \"I should have checked, my mistake\" [chat L14]",
        FieldKind::WentWrong
    )
    .is_empty());
    assert!(rules(
        "值班工程師在頻道中說「是我的錯，我太粗心了」。",
        FieldKind::RootCause
    )
    .is_empty());
    assert!(rules(
        "The runbook step “obviously safe” was wrong [bob, chat L3]",
        FieldKind::RootCause
    )
    .is_empty());
}

#[test]
fn human_error_rewrites() {
    let t = "The outage was human error.";
    let fs = check_text(t, FieldKind::RootCause, &people());
    let f = find(&fs, "PM302").expect("PM302");
    assert_eq!(&t[f.range.clone()], "human error");
    assert_eq!(
        f.rewrite.as_deref(),
        Some("the system did not guard this operation")
    );
    let t = "這次中斷是人為疏失。";
    let fs = check_text(t, FieldKind::RootCause, &people());
    let f = find(&fs, "PM302").expect("PM302");
    assert_eq!(&t[f.range.clone()], "人為疏失");
    assert_eq!(f.rewrite.as_deref(), Some("系統未防護此操作"));
    // English phrase inside a Chinese sentence: rewrite in Chinese.
    let fs = check_text("這次是human error造成的", FieldKind::RootCause, &people());
    assert_eq!(
        find(&fs, "PM302").and_then(|f| f.rewrite.as_deref()),
        Some("系統未防護此操作")
    );
}

#[test]
fn failed_to_needs_a_person() {
    assert!(rules(
        "The health check failed to detect the stuck worker",
        FieldKind::RootCause
    )
    .is_empty());
    assert_eq!(
        rules(
            "The on-call engineer failed to notice the page",
            FieldKind::RootCause
        ),
        vec!["PM303"]
    );
}

#[test]
fn should_have_with_system_subject_is_fine() {
    assert!(rules(
        "The alert should have fired at 02:10 but its threshold was 5%",
        FieldKind::WentWrong
    )
    .is_empty());
    assert_eq!(
        rules("We should have rolled back sooner", FieldKind::WentWrong),
        vec!["PM303"]
    );
    assert_eq!(
        rules(
            "Should've checked the replica lag first",
            FieldKind::WentWrong
        ),
        vec!["PM303"]
    );
}

#[test]
fn ambiguous_names_in_prose() {
    assert!(rules(
        "The migration will lock the table; it may take an hour",
        FieldKind::RootCause
    )
    .is_empty());
    assert_eq!(
        rules("Will ran the migration during peak", FieldKind::RootCause),
        vec!["PM301"]
    );
}

#[test]
fn actions_people_fix_and_vague() {
    assert_eq!(
        rules(
            "Remind engineers to double-check the region flag",
            FieldKind::Action
        ),
        vec!["PM304"]
    );
    assert_eq!(
        rules("加強宣導資料庫操作規範", FieldKind::Action),
        vec!["PM304"]
    );
    assert_eq!(
        rules("Improve monitoring", FieldKind::Action),
        vec!["PM305"]
    );
    assert!(rules(
        "Improve p99 latency to under 300 ms by 2026-12-01",
        FieldKind::Action
    )
    .is_empty());
    assert_eq!(rules("優化部署流程", FieldKind::Action), vec!["PM305"]);
    assert!(rules("改善告警延遲至 5 分鐘內", FieldKind::Action).is_empty());
    // Not an action: PM304/PM305 do not apply.
    assert!(rules("Improve monitoring", FieldKind::WentWrong).is_empty());
}

#[test]
fn judgement_deletion_takes_a_space() {
    let t = "The fix was simply a restart";
    let fs = check_text(t, FieldKind::WentWell, &people());
    let f = find(&fs, "PM306").expect("PM306");
    assert_eq!(&t[f.range.clone()], "simply ");
    assert_eq!(f.rewrite.as_deref(), Some(""));
    assert_eq!(f.severity_hint, Some(Severity::Information));
}

#[test]
fn field_kinds_from_paths() {
    assert_eq!(
        FieldKind::from_field("root_cause.five_whys[0].why_1"),
        FieldKind::RootCause
    );
    assert_eq!(
        FieldKind::from_field("action_items[2].statement"),
        FieldKind::Action
    );
    assert_eq!(
        FieldKind::from_field("action_items.owner"),
        FieldKind::Owner
    );
    assert_eq!(
        FieldKind::from_field("action_items.success_criteria"),
        FieldKind::SuccessCriteria
    );
    assert_eq!(
        FieldKind::from_field("contributing_factors[1].factor"),
        FieldKind::Factor
    );
    assert_eq!(FieldKind::from_field("quote"), FieldKind::Quote);
    assert_eq!(FieldKind::from_field("timeline[3].event"), FieldKind::Other);
}

#[test]
fn handles_and_emails_count_as_people() {
    let r = rules(
        "Root cause: @erin pushed the flag; frank@example.com approved",
        FieldKind::RootCause,
    );
    assert_eq!(r, vec!["PM301"]);
    assert_eq!(
        check_text(
            "@erin pushed it and erin@example.com approved",
            FieldKind::RootCause,
            &People::default()
        )
        .len(),
        2
    );
    assert_eq!(
        handles_in("cc @erin, frank@example.com, @here, oncall@example.com"),
        vec!["erin", "frank@example.com"]
    );
}

#[test]
fn ranges_are_char_boundaries() {
    let t = "「引用」之後，陳大文的錯！！王小明太粗心";
    for f in check_text(t, FieldKind::RootCause, &people()) {
        assert!(t.is_char_boundary(f.range.start) && t.is_char_boundary(f.range.end));
    }
}

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
        Some("a missing safeguard in the system")
    );
    // The rewrite is a noun phrase, so the sentence still reads as one
    // wherever "human error" stood (after "was", "by", or as a subject).
    let fixed = format!(
        "{}{}{}",
        &t[..f.range.start],
        f.rewrite.as_deref().unwrap_or(""),
        &t[f.range.end..]
    );
    assert_eq!(fixed, "The outage was a missing safeguard in the system.");
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

/// `from_field` no longer allocates; it must still read every path as the
/// straightforward version (lower-case the segments, drop indices) did.
#[test]
fn field_kinds_match_the_allocating_reading() {
    fn reference(path: &str) -> FieldKind {
        let segs: Vec<String> = path
            .split(['.', '/'])
            .map(|s| {
                s.split('[')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()))
            .collect();
        let first = segs.first().map(String::as_str).unwrap_or("");
        let last = segs.last().map(String::as_str).unwrap_or("");
        if matches!(last, "owner" | "owners") {
            return FieldKind::Owner;
        }
        if matches!(last, "quote" | "quotes") {
            return FieldKind::Quote;
        }
        match first {
            "root_cause" => FieldKind::RootCause,
            "blameless_summary" | "summary" => FieldKind::Summary,
            "contributing_factors" => FieldKind::Factor,
            "what_went_wrong" => FieldKind::WentWrong,
            "what_went_well" => FieldKind::WentWell,
            "systemic_changes" => FieldKind::Systemic,
            "decision_log" => FieldKind::Decision,
            "action_items" => match segs.get(1).map(String::as_str) {
                None | Some("statement") | Some("action") => FieldKind::Action,
                Some("success_criteria") => FieldKind::SuccessCriteria,
                Some(_) => FieldKind::Other,
            },
            _ => FieldKind::Other,
        }
    }
    let names = [
        "",
        "root_cause",
        "Root_Cause",
        "summary",
        "blameless_summary",
        "contributing_factors",
        "what_went_wrong",
        "WHAT_WENT_WELL",
        "systemic_changes",
        "decision_log",
        "action_items",
        "Action_Items",
        "statement",
        "action",
        "success_criteria",
        "owner",
        "Owners",
        "quote",
        "quotes",
        "\u{3000}root_cause\u{3000}",
        "action_items\u{a0}",
        "ＯＷＮＥＲ",
        "é",
        "timeline",
        "event",
        "0",
        "12",
        " why_1 ",
        "five_whys[0]",
        "[3]",
    ];
    let mut n = 0;
    for a in names {
        for b in names {
            for c in names {
                for sep in [".", "/"] {
                    let path = format!("{a}{sep}{b}{sep}{c}");
                    for p in [path.as_str(), a, &format!("{a}[2]{sep}{b}")] {
                        assert_eq!(FieldKind::from_field(p), reference(p), "{p:?}");
                        n += 1;
                    }
                }
            }
        }
    }
    assert!(n > 10_000);
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

// ─── issue 14: beyond opening verbs, negation, names, sentence rewrites ───

#[test]
fn held_out_subjectless_counterfactual_in_what_went_wrong() {
    assert_eq!(
        rules(
            "如果當時有先檢查 config 變更,就不會去擴容。",
            FieldKind::WentWrong
        ),
        vec!["PM303"]
    );
    assert_eq!(
        rules(
            "只要上線前再確認一次,就可以避免這次中斷。",
            FieldKind::WentWrong
        ),
        vec!["PM303"]
    );
    assert_eq!(
        rules(
            "這個錯誤本來應該在上線前由審查者擋下。",
            FieldKind::WentWrong
        ),
        vec!["PM303"]
    );
    // the same shape about a system is a design note, not hindsight about people
    assert!(rules(
        "如果設定檔有 schema 驗證,部署工具就會拒絕這個值。",
        FieldKind::Systemic
    )
    .is_empty());
}

#[test]
fn obligations_aimed_at_people_anywhere_in_the_clause() {
    for t in [
        "We need to be better at reviewing config changes.",
        "All teams are always responsible for monitoring their application after critical changes.",
        "Teach the on-call engineers how to read the replication dashboard.",
        "We've advised the teams to stop using single replicas.",
        "Make sure the engineer double-checks the config before deploying.",
        "Tell the on-call not to restart the primary during a failover.",
        "When a deploy fails, think about what changed before retrying.",
        "The SRE team should closely monitor the queue depth after each release.",
        "照護司將持續監測並要求同仁強化通報。",
        "要求交付文件前都要再次覆核檢視。",
    ] {
        assert_eq!(rules(t, FieldKind::Action), vec!["PM304"], "{t}");
    }
    // a system that monitors, or training that is scheduled and measured, is fine
    for t in [
        "Add an alert that pages the on-call when queue depth exceeds 10k for 5 minutes.",
        "將容錯移轉演練納入新進值班工程師的教育訓練，每季執行一次。",
    ] {
        assert!(rules(t, FieldKind::Action).is_empty(), "{t}");
    }
}

#[test]
fn vague_actions_after_subject_modal_or_adverb() {
    for t in [
        "We will communicate better.",
        "Reflect on how our critical announcements can become more visible.",
        "Agree as a team what the procedures are for outages after hours.",
        "Figure out how to monitor the critical CVEs.",
        "Prioritize upgrading the monitoring stack.",
        "Fix the issue.",
        "Change the healthcheck path to something more robust.",
        "將深切檢討、竭力改善缺失。",
        "數發部將加強對網站的即時監測與流量管理。",
        "恢復供電作業應精進。",
        "照護司將持續監測並要求強化機構感染管制。",
    ] {
        assert_eq!(rules(t, FieldKind::Action), vec!["PM305"], "{t}");
    }
    for t in [
        "Add latency p99 alert on /api/checkout with 500ms threshold.",
        "將資料庫連線逾時由 1 秒改為 3 秒，並加入 p99 延遲告警。",
    ] {
        assert!(rules(t, FieldKind::Action).is_empty(), "{t}");
    }
}

#[test]
fn passive_and_subjectless_counterfactuals() {
    for t in [
        "This should have been addressed before it created any impact.",
        "Appointing an incident manager could have helped.",
        "Could a diff between request headers have made us aware before the migration?",
        "Did not disable the pipeline despite being aware of the risk.",
        "Why did you push to prod on a Friday?",
        "They failed to.",
        "They could have.",
        "現場未確認斷路器內有無絕緣氣體,即投入隔離開關。",
    ] {
        assert_eq!(rules(t, FieldKind::WentWrong), vec!["PM303"], "{t}");
    }
    let t = "If the team had just not deployed on Friday, checkout would have stayed up.";
    assert_eq!(rules(t, FieldKind::WentWrong), vec!["PM303", "PM306"]);
    // failing systems are not counterfactuals about people
    assert!(rules(
        "Her debugging showed that tasklets were failing to wake up from sleep.",
        FieldKind::Summary
    )
    .is_empty());
}

#[test]
fn negation_and_generic_statements_are_not_blame() {
    for t in [
        "This is not incompetence.",
        "It was not a question of incompetence but of a missing guard.",
        "從安全心理學觀點,人為失誤其實不是原因,而是結果。",
        "人會犯錯是正常的,系統應該設計成能承受人的錯誤。",
        "這次事故本質上不是人為疏失,而是缺少防呆機制。",
        "We have a dashboard that clearly showed the problem, but no alert.",
    ] {
        assert!(rules(t, FieldKind::RootCause).is_empty(), "{t}");
    }
    for t in [
        "事後回顧,這次事故本質上是一個可預防的人為錯誤。",
        "近年多次停電都與人員疏失脫不了關係。",
        "停電元兇是兩名工程師。",
        "主因是員工操作不慎導致。",
    ] {
        assert_eq!(rules(t, FieldKind::RootCause), vec!["PM302"], "{t}");
    }
}

#[test]
fn judgement_words() {
    assert!(rules("This setup is simply too fragile.", FieldKind::WentWrong).is_empty());
    for t in [
        "A hasty rollback made it worse.",
        "The clumsy handoff lost ten minutes.",
        "The on-call finally acknowledged the page at 03:40.",
        "If the team had just waited for the canary, nothing would have broken.",
    ] {
        assert!(rules(t, FieldKind::WentWrong).contains(&"PM306"), "{t}");
    }
}

#[test]
fn sentence_rewrites_turn_toward_the_system_gap_in_the_sentence_language() {
    for (t, kind, rule, zh) in [
        (
            "Remind engineers to double-check the pool size.",
            FieldKind::Action,
            "PM304",
            false,
        ),
        (
            "We will communicate better.",
            FieldKind::Action,
            "PM305",
            false,
        ),
        (
            "Appointing an incident manager could have helped.",
            FieldKind::WentWrong,
            "PM303",
            false,
        ),
        (
            "The QA team missed the alert.",
            FieldKind::RootCause,
            "PM302",
            false,
        ),
        ("提醒同仁落實安全意識。", FieldKind::Action, "PM304", true),
        (
            "數發部將加強對網站的即時監測與流量管理。",
            FieldKind::Action,
            "PM305",
            true,
        ),
        (
            "如果當時有先檢查 config 變更,就不會去擴容。",
            FieldKind::WentWrong,
            "PM303",
            true,
        ),
        (
            "懲戒法院考量工作紀律鬆散,造成事故。",
            FieldKind::RootCause,
            "PM302",
            true,
        ),
    ] {
        let fs = check_text(t, kind, &people());
        let f = find(&fs, rule).unwrap_or_else(|| panic!("{rule} on {t}"));
        let r = f
            .rewrite
            .clone()
            .unwrap_or_else(|| panic!("no rewrite on {t}"));
        let range = f.rewrite_range.clone().unwrap_or_else(|| f.range.clone());
        let mut fixed = t.to_string();
        fixed.replace_range(range, &r);
        assert!(fixed.contains("TODO("), "{fixed}");
        assert_eq!(util::mostly_cjk(&fixed), zh, "{fixed}");
        let again: Vec<_> = check_text(&fixed, kind, &people())
            .into_iter()
            .filter(|f| matches!(f.rule, "PM302" | "PM303" | "PM304" | "PM305"))
            .collect();
        assert!(again.is_empty(), "{fixed}: {again:?}");
    }
}

#[test]
fn names_versions_single_letters_and_bracketed_attribution() {
    let p = People::new(["J".to_string(), "bob".to_string()], &[]);
    let named = |t: &str| {
        check_text(t, FieldKind::RootCause, &p)
            .into_iter()
            .filter(|f| f.rule == "PM301")
            .count()
    };
    assert_eq!(named("Upgrading name@1.2.2 broke the build."), 0);
    assert_eq!(
        named("The deploy pinned @sentry/node@7.1.2 and left-pad @1.2.2."),
        0
    );
    assert_eq!(named("J skipped the staging step."), 1);
    assert_eq!(named("A config push skipped the staging step."), 0);
    assert_eq!(named("The migration ran twice [by Bob]."), 1);
    assert_eq!(named("The migration ran twice [deploy log L88]."), 0);
}

/// The examples in the PM302–PM305 rule docs (docs/rules.md) behave as shown.
#[test]
fn rule_doc_examples_behave_as_documented() {
    assert_eq!(
        rules("近年多次停電都與人員疏失脫不了關係。", FieldKind::WentWrong),
        vec!["PM302"]
    );
    assert!(rules(
        "斷路器測試前沒有確認氣壓的步驟，開關也沒有連鎖保護。",
        FieldKind::WentWrong
    )
    .is_empty());
    assert_eq!(
        rules(
            "如果當時有先檢查 config 變更,就不會去擴容。",
            FieldKind::WentWrong
        ),
        vec!["PM303"]
    );
    assert!(rules(
        "擴容前沒有顯示最近 config 變更的步驟，告警也沒有附上變更紀錄。",
        FieldKind::WentWrong
    )
    .is_empty());
    assert_eq!(
        rules(
            "We need to be better at reviewing pool changes",
            FieldKind::Action
        ),
        vec!["PM304"]
    );
    assert!(rules(
        "Reject deploys that lower the pool below peak demand in CI",
        FieldKind::Action
    )
    .is_empty());
    assert_eq!(
        rules("We will communicate better", FieldKind::Action),
        vec!["PM305"]
    );
    assert!(rules(
        "Post status-page updates every 30 minutes during a SEV1",
        FieldKind::Action
    )
    .is_empty());
}

#[test]
fn second_round_families_in_both_languages() {
    for (t, rule) in [
        (
            "The platform team will also strengthen its rollback tooling.",
            "PM305",
        ),
        ("We are continuing to refine the paging policy.", "PM305"),
        ("We will do better next time.", "PM305"),
        ("The queue service should become more resilient.", "PM305"),
        ("Develop a better process for schema changes.", "PM305"),
        ("Load-test the gateway for stability.", "PM305"),
        (
            "Work with the CDN vendor to improve cache invalidation.",
            "PM305",
        ),
        ("Ensure the payment service is stable.", "PM305"),
        ("More alerting on the billing queue.", "PM305"),
        (
            "It might be worth exploring a second DNS provider.",
            "PM305",
        ),
        (
            "Security awareness training will be conducted for all staff.",
            "PM304",
        ),
        (
            "Engineers are now required to get two approvals before touching prod.",
            "PM304",
        ),
        ("客服系統正逐步強化備援。", "PM305"),
        ("將針對告警部分進行全面檢討。", "PM305"),
        ("要讓平台能處理更多的請求。", "PM305"),
        ("請各組務必做好變更前的備份。", "PM304"),
        ("將追究相關人員責任。", "PM304"),
    ] {
        assert_eq!(rules(t, FieldKind::Action), vec![rule], "{t}");
    }
    for (t, rule) in [
        ("We didn't test the migration thoroughly enough.", "PM303"),
        (
            "The change should never have been merged on a Friday.",
            "PM303",
        ),
        ("The warning was overlooked by the reviewer.", "PM302"),
        (
            "The on-call engineer overlooked the expiry warning.",
            "PM302",
        ),
        ("值班人員疏未確認備份是否完成。", "PM302"),
        ("They hurriedly restarted every node.", "PM306"),
        ("An ill-advised hotfix made it worse.", "PM306"),
    ] {
        assert!(rules(t, FieldKind::WentWrong).contains(&rule), "{t}");
    }
    // measurable targets, systems as subjects and emphasis stay quiet
    for t in [
        "We will improve p99 latency of /search to under 300 ms.",
        "Load-test the gateway at 2x peak traffic for 30 minutes.",
        "要求廠商於三日內提出改善計畫並附回滾步驟。",
        "每月檢視告警清單，回饋系統作優化參考。",
    ] {
        assert!(!rules(t, FieldKind::Action).contains(&"PM305"), "{t}");
    }
    for t in [
        "The cache simply was not sized for the holiday peak.",
        "The health check did not test the replica thoroughly enough.",
        "The alert was ignored by the deduplication rule.",
        "The scheduler overlooked the expired lease.",
        "排程系統誤將任務送到備援節點。",
    ] {
        let r = rules(t, FieldKind::WentWrong);
        assert!(
            !r.iter().any(|x| matches!(*x, "PM302" | "PM303" | "PM306")),
            "{t}: {r:?}"
        );
    }
}

#[test]
fn second_round_findings_rewrite_toward_the_system_gap() {
    for (t, kind, rule, zh) in [
        (
            "The platform team will also strengthen its rollback tooling.",
            FieldKind::Action,
            "PM305",
            false,
        ),
        (
            "Security awareness training will be conducted for all staff.",
            FieldKind::Action,
            "PM304",
            false,
        ),
        (
            "We didn't test the migration thoroughly enough.",
            FieldKind::WentWrong,
            "PM303",
            false,
        ),
        (
            "The warning was overlooked by the reviewer.",
            FieldKind::RootCause,
            "PM302",
            false,
        ),
        (
            "An ill-advised hotfix made it worse.",
            FieldKind::WentWrong,
            "PM306",
            false,
        ),
        ("客服系統正逐步強化備援。", FieldKind::Action, "PM305", true),
        (
            "請各組務必做好變更前的備份。",
            FieldKind::Action,
            "PM304",
            true,
        ),
        (
            "值班人員疏未確認備份是否完成。",
            FieldKind::RootCause,
            "PM302",
            true,
        ),
    ] {
        let fs = check_text(t, kind, &people());
        let f = find(&fs, rule).unwrap_or_else(|| panic!("{rule} on {t}"));
        let r = f
            .rewrite
            .clone()
            .unwrap_or_else(|| panic!("no rewrite on {t}"));
        let range = f.rewrite_range.clone().unwrap_or_else(|| f.range.clone());
        let mut fixed = t.to_string();
        fixed.replace_range(range, &r);
        assert!(fixed.contains("TODO("), "{fixed}");
        assert_eq!(util::mostly_cjk(&fixed), zh, "{fixed}");
        assert!(!fixed.contains(": ") && !fixed.contains(" #"), "{fixed}");
        let again: Vec<_> = check_text(&fixed, kind, &people())
            .into_iter()
            .filter(|f| f.rule != "PM301")
            .collect();
        assert!(again.is_empty(), "{fixed}: {again:?}");
    }
    // a judgement adverb is deleted in place, with one space
    let t = "They hurriedly restarted every node.";
    let fs = check_text(t, FieldKind::WentWrong, &people());
    let f = find(&fs, "PM306").expect("PM306");
    assert_eq!(f.rewrite.as_deref(), Some(""));
    let mut fixed = t.to_string();
    fixed.replace_range(f.range.clone(), "");
    assert_eq!(fixed, "They restarted every node.");
}

#[test]
fn third_round_families_in_both_languages() {
    for (t, rule) in [
        ("Monitoring: improve alerting on the queue.", "PM305"),
        ("Review if the retry policy is still needed.", "PM305"),
        ("We should review whether the timeout is right.", "PM305"),
        ("Add even more checks to the deploy pipeline.", "PM305"),
        ("Set up more latency alerts on the gateway.", "PM305"),
        (
            "SREs need to have a better understanding of the failover path.",
            "PM304",
        ),
        ("團隊也在檢討相關流程。", "PM305"),
        ("將完成壓力測試,提升系統效能。", "PM305"),
        ("監控：加強告警。", "PM305"),
    ] {
        assert_eq!(rules(t, FieldKind::Action), vec![rule], "{t}");
    }
    for (t, rule) in [
        (
            "Restarting the pods earlier could've lead to a faster recovery.",
            "PM303",
        ),
        ("Checking the dashboard first could have helped.", "PM303"),
        ("This could have been avoided with a canary.", "PM303"),
        ("This could have be done before the release.", "PM303"),
        ("值班人員危害意識不足,未發現異常。", "PM302"),
        ("承辦人員放任異常持續超過一週。", "PM302"),
        ("業者心存僥倖,未申報。", "PM302"),
        ("主管未盡督導責任。", "PM302"),
        ("值班人員警覺性不足。", "PM302"),
        ("主管未積極處理,仍照常休假。", "PM302"),
        ("一線支援未能即時通報。", "PM303"),
    ] {
        assert!(rules(t, FieldKind::WentWrong).contains(&rule), "{t}");
    }
    // systems, statistics, open questions, consequences and staged rollouts stay quiet
    for t in [
        "We will roll updates to a few servers at random to smoke test for stability before committing them at scale.",
        "將於月底完成壓力測試,提升系統效能至每秒 500 筆。",
    ] {
        let r = rules(t, FieldKind::Action);
        assert!(!r.contains(&"PM305") && !r.contains(&"PM302"), "{t}: {r:?}");
    }
    // raising awareness is an action (PM304/PM305 territory), not blame
    assert!(!rules("將提升同仁的資安意識。", FieldKind::Action).contains(&"PM302"));
    for t in [
        "系統安全性不足,遭到入侵。",
        "調查是否有人為疏失。",
        "事故約有七成為人為因素造成,例如施工挖斷。",
        "不能放任告警持續響而無人處理,所以加上自動升級。",
        "This could have been caused by the cache eviction.",
        "It could have been much worse.",
        "Failing over would have taken 20 minutes and risked data loss.",
        "Monitoring the replicas would not have helped here.",
    ] {
        let r = rules(t, FieldKind::WentWrong);
        assert!(
            !r.iter().any(|x| matches!(*x, "PM302" | "PM303" | "PM306")),
            "{t}: {r:?}"
        );
    }
}

#[test]
fn third_round_findings_rewrite_toward_the_system_gap() {
    for (t, kind, rule, zh) in [
        (
            "Review if the retry policy is still needed.",
            FieldKind::Action,
            "PM305",
            false,
        ),
        (
            "Set up more latency alerts on the gateway.",
            FieldKind::Action,
            "PM305",
            false,
        ),
        (
            "SREs need to have a better understanding of the failover path.",
            FieldKind::Action,
            "PM304",
            false,
        ),
        (
            "Restarting the pods earlier could've lead to a faster recovery.",
            FieldKind::WentWrong,
            "PM303",
            false,
        ),
        (
            "This could have been avoided with a canary.",
            FieldKind::WentWrong,
            "PM303",
            false,
        ),
        (
            "值班人員危害意識不足,未發現異常。",
            FieldKind::RootCause,
            "PM302",
            true,
        ),
        (
            "承辦人員放任異常持續超過一週。",
            FieldKind::RootCause,
            "PM302",
            true,
        ),
        (
            "將完成壓力測試,提升系統效能。",
            FieldKind::Action,
            "PM305",
            true,
        ),
        ("團隊也在檢討相關流程。", FieldKind::Action, "PM305", true),
    ] {
        let fs = check_text(t, kind, &people());
        let f = find(&fs, rule).unwrap_or_else(|| panic!("{rule} on {t}"));
        let r = f
            .rewrite
            .clone()
            .unwrap_or_else(|| panic!("no rewrite on {t}"));
        let range = f.rewrite_range.clone().unwrap_or_else(|| f.range.clone());
        let mut fixed = t.to_string();
        fixed.replace_range(range, &r);
        assert!(fixed.contains("TODO("), "{fixed}");
        assert_eq!(util::mostly_cjk(&fixed), zh, "{fixed}");
        assert!(!fixed.contains(": ") && !fixed.contains(" #"), "{fixed}");
        let again: Vec<_> = check_text(&fixed, kind, &people())
            .into_iter()
            .filter(|f| f.rule != "PM301")
            .collect();
        assert!(again.is_empty(), "{fixed}: {again:?}");
    }
}

/// Families added after fresh2's first (held-out) run, reported apart in
/// docs/blameless.md; sentences here are written for the test, not copied.
#[test]
fn post_hoc_families_after_the_fresh2_run() {
    for (t, rule) in [
        (
            "You need to be 100% sure of which host you are wiping.",
            "PM304",
        ),
        ("Promise the team you will never do that again.", "PM304"),
        ("The operator has been temporarily reassigned.", "PM304"),
        ("We need to add monitoring for this.", "PM305"),
        ("Make sure we can recover faster.", "PM305"),
        ("The platform team should fix it.", "PM305"),
        ("發言人表示,將進一步調查故障原因。", "PM305"),
        ("交通局將持續督導強化行車安全。", "PM305"),
        ("要求各分行提款作業都要順暢。", "PM305"),
        ("他呼籲,同仁務必依指引操作。", "PM304"),
        ("將加強值班人員的教育訓練。", "PM304"),
    ] {
        assert!(
            rules(t, FieldKind::Action).contains(&rule),
            "{t}: {:?}",
            rules(t, FieldKind::Action)
        );
    }
    for (t, rule) in [
        ("主管督導不周,導致備份中斷。", "PM302"),
        ("應該有人要下台負責。", "PM302"),
        ("這顯然是廠商的設計瑕疵。", "PM306"),
        ("到現在還找不出原因,讓人無法接受。", "PM306"),
        (
            "The director didn't give enough time for the resync.",
            "PM303",
        ),
    ] {
        assert!(rules(t, FieldKind::WentWrong).contains(&rule), "{t}");
    }
    // measured, system subjects, negated and drills stay quiet
    for t in [
        "Recover faster: restore p99 under 300 ms within 5 minutes of failover.",
        "將容錯移轉演練納入新進值班工程師的教育訓練，每季執行一次。",
        "將於三日內完成壓力測試,確保系統可用性達 99.9%。",
    ] {
        let r = rules(t, FieldKind::Action);
        assert!(!r.contains(&"PM304") && !r.contains(&"PM305"), "{t}: {r:?}");
    }
    for t in [
        "兩次意外是不同的電力故障,並無人為因素。",
        "If a process allows this to happen, then the process is at fault.",
        "The deploy system is at fault, not the engineer.",
    ] {
        let r = rules(t, FieldKind::RootCause);
        assert!(!r.contains(&"PM302"), "{t}: {r:?}");
    }
    // a quick fix still rewrites toward the system gap, in the sentence's language
    for (t, kind, rule, zh) in [
        (
            "We need to add monitoring for this.",
            FieldKind::Action,
            "PM305",
            false,
        ),
        (
            "The operator has been temporarily reassigned.",
            FieldKind::Action,
            "PM304",
            false,
        ),
        (
            "交通局將持續督導強化行車安全。",
            FieldKind::Action,
            "PM305",
            true,
        ),
        (
            "主管督導不周,導致備份中斷。",
            FieldKind::RootCause,
            "PM302",
            true,
        ),
    ] {
        let fs = check_text(t, kind, &people());
        let f = find(&fs, rule).unwrap_or_else(|| panic!("{rule} on {t}"));
        let r = f
            .rewrite
            .clone()
            .unwrap_or_else(|| panic!("no rewrite on {t}"));
        let range = f.rewrite_range.clone().unwrap_or_else(|| f.range.clone());
        let mut fixed = t.to_string();
        fixed.replace_range(range, &r);
        assert!(fixed.contains("TODO("), "{fixed}");
        assert_eq!(util::mostly_cjk(&fixed), zh, "{fixed}");
        let again: Vec<_> = check_text(&fixed, kind, &people())
            .into_iter()
            .filter(|f| f.rule != "PM301")
            .collect();
        assert!(again.is_empty(), "{fixed}: {again:?}");
    }
}

/// Round 4: families by clause structure (subject + modal/adverb + verb +
/// object), tuned on dev + tuning-r2 + fresh2; sentences written for the test.
const ROUND4_POSITIVES: [(&str, &str); 40] = [
    // zh-TW PM304: training, briefings, obligations on staff, discipline
    ("將持續辦理員工資安教育訓練。", "PM304"),
    ("定期舉辦操作人員講習。", "PM304"),
    ("對相關人員實施再教育。", "PM304"),
    ("要求承辦人員確實依規定辦理。", "PM304"),
    ("督導所屬人員落實各項檢查。", "PM304"),
    ("責成相關人員確實遵守作業規範。", "PM304"),
    ("請各單位督導同仁注意操作安全。", "PM304"),
    ("相關人員已移送懲戒。", "PM304"),
    ("針對值班人員開設進階課程,強化其應變能力。", "PM304"),
    // zh-TW PM305: modal/adverb + vague verb, light verbs, "draw up measures"
    ("將審慎評估後續改善作為。", "PM305"),
    ("後續將針對備援機制進行全面檢視。", "PM305"),
    ("將儘速完成改善。", "PM305"),
    ("研擬相關因應措施。", "PM305"),
    ("相關單位應積極謀求改進之道。", "PM305"),
    ("要求廠商提出檢討報告。", "PM305"),
    ("資訊處將重新檢視系統架構。", "PM305"),
    ("未來會更加注重系統的維護。", "PM305"),
    ("公司將在監控、備援與通報等面向精進。", "PM305"),
    // English PM304: trainings, courses, memos, emphasis, instruction
    (
        "Conduct a training session for the on-call team on failover.",
        "PM304",
    ),
    (
        "Hold a refresher workshop on change management for all staff.",
        "PM304",
    ),
    (
        "Schedule a lunch-and-learn on the incident for the team.",
        "PM304",
    ),
    (
        "All employees will complete the annual security training.",
        "PM304",
    ),
    (
        "Send an email to all engineers about the new policy.",
        "PM304",
    ),
    (
        "Reinforce with the team the importance of testing first.",
        "PM304",
    ),
    ("Emphasize the need to follow the checklist.", "PM304"),
    (
        "Instruct new hires on the correct use of the admin console.",
        "PM304",
    ),
    ("Onboarding for new SREs will cover this incident.", "PM304"),
    // English PM305: review/refine/address with no mechanism; progressive
    // and committed forms; "take steps", "ensure this doesn't happen again"
    ("Review our incident response procedures.", "PM305"),
    ("We should reassess our vendor dependencies.", "PM305"),
    ("Tighten up change management.", "PM305"),
    ("Address technical debt in the billing service.", "PM305"),
    ("Refine the on-call rotation.", "PM305"),
    ("Our team is committed to improving our processes.", "PM305"),
    (
        "We are taking steps to make sure this won't happen again.",
        "PM305",
    ),
    ("We will be reviewing our internal processes.", "PM305"),
    ("We'll be implementing additional safeguards.", "PM305"),
    (
        "Going forward, we will place more emphasis on testing.",
        "PM305",
    ),
    ("Put measures in place to avoid a recurrence.", "PM305"),
    ("Ensure this doesn't happen again.", "PM305"),
    (
        "Identify ways to reduce the blast radius of config changes.",
        "PM305",
    ),
];

#[test]
fn round4_families_in_both_languages() {
    for (t, rule) in ROUND4_POSITIVES {
        let got = rules(t, FieldKind::Action);
        assert!(got.contains(&rule), "{t}: {got:?}");
    }
    // concrete mechanisms, numbers, cadences, systems and negations stay quiet
    for t in [
        "於 11/30 前在部署管線加入設定檔語法檢查,未通過即阻擋上線。",
        "將資料庫切換腳本自動化,並每季演練一次。",
        "設定自動回滾:錯誤率超過 1% 時回復前一版。",
        "在變更系統加入雙人覆核閘道,未核准的變更無法執行。",
        "把每月的災難復原演練排入值班人員的訓練計畫。",
        "系統會要求操作人員輸入兩次確認碼。",
        "每月會檢視諮詢案,回饋系統作參考。",
        "將導入金絲雀部署,先對 5% 流量上線。",
        "Train the anomaly-detection model on the last 90 days of latency data.",
        "Training data pipeline: add schema validation before the model job runs.",
        "Review the Terraform plan automatically in CI and fail on destroys.",
        "Add a pre-commit hook to prevent this from happening again.",
        "Take steps to add a canary stage before every deploy.",
        "Run a game day on the failover path every quarter.",
        "Audit log entries now include the operator's role.",
        "Configure the on-call bot to post the rotation schedule every Monday.",
    ] {
        assert!(
            rules(t, FieldKind::Action).is_empty(),
            "{t}: {:?}",
            rules(t, FieldKind::Action)
        );
    }
    for (t, kind) in [
        ("本次事件並無人員疏失,不予懲處。", FieldKind::Summary),
        ("教育訓練系統在尖峰時段無法登入。", FieldKind::WentWrong),
        (
            "The training job consumed all GPU memory on the shared node.",
            FieldKind::WentWrong,
        ),
        (
            "We did not blame the engineer, and no one was disciplined.",
            FieldKind::Summary,
        ),
    ] {
        assert!(rules(t, kind).is_empty(), "{t}: {:?}", rules(t, kind));
    }
}

#[test]
fn round4_findings_rewrite_toward_the_system_gap() {
    for (t, rule) in ROUND4_POSITIVES {
        let kind = FieldKind::Action;
        let zh = util::mostly_cjk(t);
        let fs = check_text(t, kind, &people());
        let f = find(&fs, rule).unwrap_or_else(|| panic!("{rule} on {t}"));
        let r = f
            .rewrite
            .clone()
            .unwrap_or_else(|| panic!("no rewrite on {t}"));
        let range = f.rewrite_range.clone().unwrap_or_else(|| f.range.clone());
        let mut fixed = t.to_string();
        fixed.replace_range(range, &r);
        assert!(fixed.contains("TODO("), "{fixed}");
        assert_eq!(util::mostly_cjk(&fixed), zh, "{fixed}");
        assert!(!fixed.contains(": ") && !fixed.contains(" #"), "{fixed}");
        let again: Vec<_> = check_text(&fixed, kind, &people())
            .into_iter()
            .filter(|f| f.rule != "PM301")
            .collect();
        assert!(again.is_empty(), "{fixed}: {again:?}");
    }
}

/// Families added after fresh3's first (held-out) run, reported apart in
/// docs/blameless.md; sentences here are written for the test, not copied.
const FRESH3_POST_HOC: [(&str, FieldKind, &str); 16] = [
    (
        "Try not to repeat that mistake next time.",
        FieldKind::Action,
        "PM304",
    ),
    ("Track more metrics.", FieldKind::Action, "PM305"),
    (
        "Write down ways to prevent this incident from happening again.",
        FieldKind::Action,
        "PM305",
    ),
    (
        "Why was a junior running migrations on a Friday?",
        FieldKind::WentWrong,
        "PM303",
    ),
    ("資訊室已重新檢視備份政策。", FieldKind::Action, "PM305"),
    ("主管機關宜檢討備援架構。", FieldKind::Action, "PM305"),
    ("同時檢討值班排班制度。", FieldKind::Action, "PM305"),
    ("將依規定處罰相關值班人員。", FieldKind::Action, "PM304"),
    (
        "要求公司檢討相關主管之行政責任。",
        FieldKind::Action,
        "PM304",
    ),
    ("防杜類似事件再發生。", FieldKind::Action, "PM305"),
    ("廠商已採取相關改善措施。", FieldKind::Action, "PM305"),
    ("請業者儘速查明原因。", FieldKind::Action, "PM305"),
    ("值班人員處置失當,延誤復原。", FieldKind::RootCause, "PM302"),
    ("現場錯失關鍵的處理時機。", FieldKind::WentWrong, "PM303"),
    (
        "銀行在升級前未充分測試新系統。",
        FieldKind::WentWrong,
        "PM303",
    ),
    ("到底是哪個主管決定的?", FieldKind::WentWrong, "PM306"),
];

#[test]
fn post_hoc_families_after_the_fresh3_run() {
    for (t, kind, rule) in FRESH3_POST_HOC {
        let got = rules(t, kind);
        assert!(got.contains(&rule), "{t}: {got:?}");
    }
    for (t, kind) in [
        (
            "Human errors are the symptom of gaps in tooling, not the cause.",
            FieldKind::WentWrong,
        ),
        ("Human mistakes are inevitable.", FieldKind::WentWrong),
        (
            "The first instinct was to find someone to blame.",
            FieldKind::WentWrong,
        ),
        (
            "Why was the cache returning stale entries?",
            FieldKind::WentWrong,
        ),
        (
            "Add a pre-commit hook to prevent this outage from happening again.",
            FieldKind::Action,
        ),
        (
            "確保核心系統穩定,包括壓力測試與第三方驗證。",
            FieldKind::Action,
        ),
        ("本案不予處罰。", FieldKind::Action),
        ("系統的判斷不當造成重試風暴。", FieldKind::RootCause),
        (
            "如因操作不當造成損壞,由廠商負責修復。",
            FieldKind::RootCause,
        ),
    ] {
        assert!(rules(t, kind).is_empty(), "{t}: {:?}", rules(t, kind));
    }
    // in action items, 究責 is the people-fixing action (PM304), not PM302
    let got = rules("相關人員應予究責。", FieldKind::Action);
    assert_eq!(got, vec!["PM304"], "{got:?}");
}

#[test]
fn fresh3_post_hoc_findings_rewrite_toward_the_system_gap() {
    rewrites_hold(&FRESH3_POST_HOC, true);
}

/// Every positive gets its rule and no negative gets any; all failures are
/// listed at once.
fn families_hold(positives: &[(&str, FieldKind, &str)], negatives: &[(&str, FieldKind)]) {
    let mut bad = Vec::new();
    for (t, kind, rule) in positives {
        let got = rules(t, *kind);
        if !got.contains(rule) {
            bad.push(format!("miss {rule}: {t} -> {got:?}"));
        }
    }
    for (t, kind) in negatives {
        let got = rules(t, *kind);
        if !got.is_empty() {
            bad.push(format!("extra: {t} -> {got:?}"));
        }
    }
    assert!(bad.is_empty(), "{} wrong:\n{}", bad.len(), bad.join("\n"));
}

/// Each positive's quick fix keeps the sentence's language, stays a valid
/// plain YAML scalar (no `": "` or `" #"`), leaves a `TODO(…)` when `todo`,
/// and is not flagged again (PM301 aside).
fn rewrites_hold(positives: &[(&str, FieldKind, &str)], todo: bool) {
    for (t, kind, rule) in positives {
        let zh = util::mostly_cjk(t);
        let fs = check_text(t, *kind, &people());
        let f = find(&fs, rule).unwrap_or_else(|| panic!("{rule} on {t}"));
        let r = f
            .rewrite
            .clone()
            .unwrap_or_else(|| panic!("no rewrite on {t}"));
        let range = f.rewrite_range.clone().unwrap_or_else(|| f.range.clone());
        let mut fixed = t.to_string();
        fixed.replace_range(range, &r);
        assert!(!todo || fixed.contains("TODO("), "{fixed}");
        assert_eq!(util::mostly_cjk(&fixed), zh, "{fixed}");
        assert!(!fixed.contains(": ") && !fixed.contains(" #"), "{fixed}");
        let again: Vec<_> = check_text(&fixed, *kind, &people())
            .into_iter()
            .filter(|f| f.rule != "PM301")
            .collect();
        assert!(again.is_empty(), "{fixed}: {again:?}");
    }
}

// ─── After fresh4's first run (post hoc, reported apart) ─────────────────
// fresh4's first run is recorded as it was; these families come from its
// misses, but every sentence here is written for the test (none is a fresh4
// sentence): each family in several subject / adverb / modal / negation
// variations, with hard negatives.

/// Post-hoc families that must be found, in both languages.
const FRESH4_POST_HOC: &[(&str, FieldKind, &str)] = &[
    // PM302 with a person subject: "in error", unauthorized / incapable, a small mistake
    (
        "The on-call engineer restarted the wrong cluster in error.",
        RC,
        "PM302",
    ),
    (
        "She pushed the hotfix to production in error, which dropped the queue.",
        W,
        "PM302",
    ),
    (
        "The contractor was unauthorized and still changed the firewall rules.",
        W,
        "PM302",
    ),
    (
        "Frankly, the operators were incapable of running the failover.",
        W,
        "PM302",
    ),
    (
        "The admin made one small typing mistake in the DNS zone.",
        RC,
        "PM302",
    ),
    // PM303: didn't notice / without realizing with a person; passive "caught earlier"
    (
        "The release team didn't notice the mismatch and shipped the build.",
        W,
        "PM303",
    ),
    (
        "We never spotted the warning in the deploy log.",
        W,
        "PM303",
    ),
    (
        "The operator ran the migration without realizing it targeted production.",
        RC,
        "PM303",
    ),
    (
        "This regression could have been caught much earlier.",
        W,
        "PM303",
    ),
    ("The bug should've been found sooner.", W, "PM303"),
    // PM304: instructions and obligations aimed at people
    ("Follow the runbook!", A, "PM304"),
    ("Please follow our release checklist.", A, "PM304"),
    ("Never let this happen again.", A, "PM304"),
    ("Make sure the reviewer is up to the job.", A, "PM304"),
    (
        "Responders must also be trained on the new pager.",
        A,
        "PM304",
    ),
    ("Try to remain calm during a page.", A, "PM304"),
    // PM305: effort with no end state
    ("Test more thoroughly.", A, "PM305"),
    (
        "The team will adapt its procedures to account for regional failover.",
        A,
        "PM305",
    ),
    ("Declare incidents sooner.", A, "PM305"),
    (
        "We are going to reassess and refine the paging policy.",
        A,
        "PM305",
    ),
    ("We won't be caught by surprise again.", A, "PM305"),
    ("Schedule a retro to go over the timeline.", A, "PM305"),
    (
        "The backup host should be moved to a safer location.",
        A,
        "PM305",
    ),
    ("We will strive to ensure the cache stays warm.", A, "PM305"),
    (
        "We have made several changes that should help prevent this.",
        A,
        "PM305",
    ),
    // PM306: venting
    (
        "Some poor sod had to clean up the queue by hand.",
        W,
        "PM306",
    ),
    ("Our change management is woefully inadequate.", W, "PM306"),
    // 繁體中文 PM302: a contractor's or unit's lapse, discipline findings, 歸責, 惹禍, attitude
    ("承包商的施工疏失造成管線破裂。", RC, "PM302"),
    ("本案值班主管應受懲處。", RC, "PM302"),
    ("調查報告將事故歸責於現場工程師。", RC, "PM302"),
    ("他這一按就惹出大禍。", W, "PM302"),
    ("員工抱持「差不多就好」的心態在作業。", W, "PM302"),
    // 繁體中文 PM303: hindsight with a person, unit or organisation as subject
    ("承包商事前沒有通知管線單位。", W, "PM303"),
    ("施工單位都沒有遵守。", W, "PM303"),
    ("團隊低估了資料遷移的難度。", W, "PM303"),
    ("營運單位錯過了三次通報的時機。", W, "PM303"),
    ("市府並未研擬任何應變計畫。", W, "PM303"),
    ("調度中心沒有下令停車。", W, "PM303"),
    ("公司雖訂有雙人覆核的規定，但實際上沒有執行。", W, "PM303"),
    ("這起事故可避免而未避免。", W, "PM303"),
    ("主管也未逐一核對帳目。", W, "PM303"),
    ("當事人未依公司資安要點規定回報。", W, "PM303"),
    // 繁體中文 PM304: punishment, appraisal, supervisors, training of staff, diligence
    ("將嚴懲失職人員。", A, "PM304"),
    ("提高考核頻率。", A, "PM304"),
    ("加強人員考核。", A, "PM304"),
    ("請各級主管加強督導。", A, "PM304"),
    ("值班人員緊急應變的訓練也要加強。", A, "PM304"),
    ("導入記點制度。", A, "PM304"),
    ("同仁務必嚴謹行事。", A, "PM304"),
    // 繁體中文 PM305: study whether, utmost effort, thorough investigation, pledges
    ("將研議是否增設備援線路。", A, "PM305"),
    ("我們會盡一切努力恢復服務。", A, "PM305"),
    ("交通局將徹查原因。", A, "PM305"),
    ("公司承諾強化資安管理。", A, "PM305"),
    ("將釐清駕駛是否分心。", A, "PM305"),
    // 繁體中文 PM306: judgement and sarcasm
    ("這套流程馬馬虎虎。", W, "PM306"),
    ("連最基本的備份都做不好。", W, "PM306"),
    ("難道每次都要等到出事才處理嗎？", W, "PM306"),
    ("主管竟然也跟著一起瞎。", W, "PM306"),
    ("說再多改善都是枉然。", W, "PM306"),
    ("讓人質疑團隊的專業。", W, "PM306"),
];

/// Hard negatives for the post-hoc families: statements about blame, generic
/// noun phrases, idioms, systems as subjects, conditions, concrete steps.
const FRESH4_NEGATIVES: &[(&str, FieldKind)] = &[
    (
        "Human errors will not take the site down once the guard is in place.",
        W,
    ),
    (
        "Human error is the starting point of a review, never its end.",
        W,
    ),
    (
        "We design for human mistakes, so a single command cannot wipe a region.",
        W,
    ),
    (
        "Behind every mistake made by a human there is a missing guard.",
        W,
    ),
    ("We don't ask whether someone was 'careless'.", W),
    ("Those retros used to be finger-pointing meetings.", W),
    (
        "Outages like this make people want to blame the operator.",
        W,
    ),
    ("It was what should have been a simple config push.", RC),
    (
        "The root cause is obvious now, but nobody could see it then.",
        W,
    ),
    ("Dashboards are useless if nobody is paged from them.", W),
    (
        "Tune the scheduler weights to prioritize interactive jobs.",
        A,
    ),
    (
        "The request was retried because the queue stayed in error state.",
        W,
    ),
    ("The job stayed in error for an hour.", W),
    ("The pods never noticed the config change.", W),
    ("The unauthorized request was blocked by the WAF.", W),
    (
        "Place the standby database in a separate availability zone.",
        A,
    ),
    (
        "The engineer did not act in error; the tool defaulted to production.",
        W,
    ),
    ("Nobody was unauthorized: the deploy bot held the role.", W),
    (
        "This could not have been caught earlier without the new alert.",
        W,
    ),
    ("The deploy tool will not let this happen again.", A),
    ("承包商並無管理疏失。", RC),
    ("不必嚴懲相關人員。", A),
    ("主責單位常把責任推給人為疏失，卻不檢討流程。", W),
    ("出事後找個人出來負責，就算完成究責，這樣學不到東西。", W),
    ("大家都喜歡究責，很少追問原因。", W),
    ("各類公務系統的行政疏失都應由制度面改善。", W),
    ("一列貨運列車疑似不慎撞上軌道旁的機具。", RC),
    ("監理機關要求業者於每年第一季結束前提出安全管理報告。", A),
    ("系統將在確認資料同步完成後，才切換到新機房。", A),
    ("將督導業者於下週測試全區告警，以確保告警正常送達。", A),
    ("主管機關要求業者提交調查報告。", A),
    ("依契約計算的罰款金額已列入帳目。", A),
    ("行控中心未下令前，列車不會自動發車。", W),
    ("系統低估了尖峰流量，觸發自動擴容。", W),
    ("偵測到異常時，系統連備援都會自動切換。", W),
    ("其他部門主導的審查最大的缺失是未能及早發現設定錯誤。", W),
];

#[test]
fn post_hoc_families_after_the_fresh4_run() {
    families_hold(FRESH4_POST_HOC, FRESH4_NEGATIVES);
}

#[test]
fn fresh4_post_hoc_findings_rewrite_toward_the_system_gap() {
    rewrites_hold(FRESH4_POST_HOC, true);
}

// ─── Round 5: generalization by pattern family (frozen before fresh4) ──────
// Every sentence here is written for the test (none is copied from a corpus):
// each family in several subject / adverb / modal / negation variations.

const W: FieldKind = FieldKind::WentWrong;
const RC: FieldKind = FieldKind::RootCause;
const A: FieldKind = FieldKind::Action;

/// Round-5 families that must be found, in both languages.
const ROUND5_POSITIVES: &[(&str, FieldKind, &str)] = &[
    // 繁體中文 PM305: subject + 將/會/要/應/須/持續/全面/積極/立即 + vague verb, no end state
    ("本公司將全面檢討作業流程。", A, "PM305"),
    ("資訊處會持續強化系統監控。", A, "PM305"),
    ("我們要積極提升服務品質。", A, "PM305"),
    ("台電承諾將落實設備維護。", A, "PM305"),
    ("各單位應確實落實檢查作業。", A, "PM305"),
    ("持續追蹤後續改善情形。", A, "PM305"),
    ("本案列入列管，持續追蹤辦理情形。", A, "PM305"),
    ("將列管追蹤改善進度。", A, "PM305"),
    ("研議建置備援機制。", A, "PM305"),
    ("未來將審慎規劃系統升級時程。", A, "PM305"),
    ("全面盤點老舊設備。", A, "PM305"),
    ("強化與廠商的溝通協調機制。", A, "PM305"),
    ("後續將密切觀察系統運作狀況。", A, "PM305"),
    ("責成資訊部門儘速完成系統改善。", A, "PM305"),
    ("本局將以更嚴謹的態度面對。", A, "PM305"),
    ("務求系統穩定運作。", A, "PM305"),
    ("積極督導業者改善。", A, "PM305"),
    ("要求廠商限期改善。", A, "PM305"),
    ("將與廠商研商解決方案。", A, "PM305"),
    ("相關單位應正視此問題。", A, "PM305"),
    ("立即檢討改進。", A, "PM305"),
    ("避免重蹈覆轍。", A, "PM305"),
    ("確保類似事件不再發生。", A, "PM305"),
    ("將視情況適時調整。", A, "PM305"),
    ("經濟部已要求台電全面檢討。", A, "PM305"),
    ("中華電信表示，會盡力改善網路品質。", A, "PM305"),
    ("營運單位須強化應變能力。", A, "PM305"),
    ("主管機關將加強查核。", A, "PM305"),
    ("要持續精進。", A, "PM305"),
    ("宣示將提升韌性。", A, "PM305"),
    // 繁體中文 PM304: aimed at people
    ("加強人員訓練。", A, "PM304"),
    ("強化員工資安意識。", A, "PM304"),
    ("提升人員專業能力。", A, "PM304"),
    ("加強同仁的專業知能。", A, "PM304"),
    ("操作人員應嚴格遵守作業規範。", A, "PM304"),
    ("值班人員須確實依標準作業程序操作。", A, "PM304"),
    ("全體工程師重新受訓。", A, "PM304"),
    ("將相關人員調職。", A, "PM304"),
    ("工程師以後要記得先備份。", A, "PM304"),
    ("對失職人員予以記過。", A, "PM304"),
    ("依規定議處相關人員。", A, "PM304"),
    ("將究責到底。", A, "PM304"),
    ("約談相關人員。", A, "PM304"),
    ("整飭工作紀律。", A, "PM304"),
    ("扣減當事人年終獎金。", A, "PM304"),
    ("落實人員考核。", A, "PM304"),
    ("同仁日後應更加謹慎。", A, "PM304"),
    ("請同仁提高警覺。", A, "PM304"),
    ("再次提醒員工注意。", A, "PM304"),
    ("加強人員管理。", A, "PM304"),
    // 繁體中文 PM303: counterfactuals and hindsight
    ("若能提早發現，就可以避免這次停電。", W, "PM303"),
    ("如果當初有做好備援，就不會發生大規模停電。", W, "PM303"),
    ("倘若當時即時通報，損失便可降低。", W, "PM303"),
    ("這次事故本來可以避免。", W, "PM303"),
    ("這是一起原本可以避免的事故。", W, "PM303"),
    ("值班人員未及時通報。", W, "PM303"),
    ("工程師未確實檢查設定。", W, "PM303"),
    ("維運人員未即時發現異常。", W, "PM303"),
    ("他沒有及時回報主管。", W, "PM303"),
    ("當初就不該在尖峰時段上線。", W, "PM303"),
    ("若早一步切換備援，就能縮短停電時間。", W, "PM303"),
    ("早一點通報的話，影響就不會這麼大。", W, "PM303"),
    ("當初若有做壓力測試，就能發現瓶頸。", W, "PM303"),
    ("要是工程師有看一下 log，就會發現問題。", W, "PM303"),
    ("只要多做一次檢查，就能避免停機。", W, "PM303"),
    ("事故其實可以避免。", W, "PM303"),
    ("承辦人員未善盡查核之責，致系統中斷。", W, "PM302"),
    // 繁體中文 PM302: blame
    ("員工誤觸緊急按鈕造成停機。", RC, "PM302"),
    ("技術人員違規操作。", RC, "PM302"),
    ("這次都是工程師惹的禍。", RC, "PM302"),
    ("值班主管難辭其咎。", RC, "PM302"),
    ("工程師誤刪資料庫。", RC, "PM302"),
    ("施工人員誤挖電纜。", RC, "PM302"),
    ("管理人員失職，導致停電。", RC, "PM302"),
    ("人員素質低落。", RC, "PM302"),
    ("員工未依規定操作，導致停電。", RC, "PM303"),
    // 繁體中文 PM306: judgement
    ("主管機關的處理態度顢頇。", W, "PM306"),
    ("這種做法荒腔走板。", W, "PM306"),
    ("工程師的決定令人匪夷所思。", W, "PM306"),
    ("真是莫名其妙的決策。", W, "PM306"),
    ("簡直豈有此理。", W, "PM306"),
    ("這種錯誤實在可恥。", W, "PM306"),
    ("令人氣憤的是，業者毫無作為。", W, "PM306"),
    // English PM304: modal + verb anywhere in the clause
    (
        "The team needs to get better at reading dashboards.",
        A,
        "PM304",
    ),
    ("Engineers should learn how the failover works.", A, "PM304"),
    (
        "On-call engineers must familiarize themselves with the runbook.",
        A,
        "PM304",
    ),
    ("Engineers must follow the deploy checklist.", A, "PM304"),
    ("Everyone should adhere to the change process.", A, "PM304"),
    (
        "On-call should keep a closer eye on the dashboards.",
        A,
        "PM304",
    ),
    (
        "Each engineer must take ownership of their deploys.",
        A,
        "PM304",
    ),
    (
        "Give feedback to the engineer who ran the script.",
        A,
        "PM304",
    ),
    ("Never skip the staging step.", A, "PM304"),
    (
        "Always double check the target cluster before running a migration.",
        A,
        "PM304",
    ),
    (
        "We will make sure engineers read the release notes.",
        A,
        "PM304",
    ),
    ("Responders need to stick to the runbook.", A, "PM304"),
    (
        "The on-call engineer will be reminded to check the replica lag.",
        A,
        "PM304",
    ),
    (
        "Developers have to think harder about edge cases.",
        A,
        "PM304",
    ),
    // English PM305: vague actions anywhere in the clause
    ("Monitor the situation closely.", A, "PM305"),
    ("Follow up with the vendor.", A, "PM305"),
    ("Prevent recurrence of this issue.", A, "PM305"),
    ("Mitigate the risk of similar outages.", A, "PM305"),
    ("Harden the deployment process.", A, "PM305"),
    ("Invest in observability.", A, "PM305"),
    ("Stabilize the alerting config.", A, "PM305"),
    ("Keep an eye on disk usage.", A, "PM305"),
    (
        "The platform team will work on the deploy tooling.",
        A,
        "PM305",
    ),
    ("We'll circle back on capacity planning.", A, "PM305"),
    ("Sync with the database team about failover.", A, "PM305"),
    ("Learn from this incident.", A, "PM305"),
    ("Make the on-call rotation more sustainable.", A, "PM305"),
    ("We will be more proactive about capacity.", A, "PM305"),
    ("Put more focus on reliability.", A, "PM305"),
    ("Find a long-term fix.", A, "PM305"),
    // English PM303
    ("This could easily have been prevented.", W, "PM303"),
    ("The outage was entirely preventable.", W, "PM303"),
    ("It was an avoidable incident.", W, "PM303"),
    ("We missed the opportunity to roll back early.", W, "PM303"),
    (
        "The engineer didn't think to check the replica lag.",
        W,
        "PM303",
    ),
    (
        "The reviewer should also have checked the migration.",
        W,
        "PM303",
    ),
    (
        "Had anyone looked at the graph, the leak would have been obvious.",
        W,
        "PM303",
    ),
    (
        "The outage would not have happened if the engineer had waited for the canary.",
        W,
        "PM303",
    ),
    (
        "In hindsight, the on-call should have paged the database team.",
        W,
        "PM303",
    ),
    (
        "Were the alert routed to the right team, we would have caught it.",
        W,
        "PM303",
    ),
    // English PM302
    ("A rogue engineer deleted the bucket.", RC, "PM302"),
    ("The root cause was user error.", RC, "PM302"),
    ("This was a mistake by the on-call engineer.", RC, "PM302"),
    (
        "A lapse in judgment by the operator caused the outage.",
        RC,
        "PM302",
    ),
    ("The team had become complacent about backups.", RC, "PM302"),
    ("The engineer disregarded the warnings.", RC, "PM302"),
    (
        "An oversight on the part of the reviewer let the bug through.",
        RC,
        "PM302",
    ),
    // English PM306
    (
        "Rolling out to every region at once was unacceptable.",
        W,
        "PM306",
    ),
    (
        "The engineer naively assumed the script was idempotent.",
        W,
        "PM306",
    ),
    ("It was a glaring oversight.", W, "PM306"),
    ("Skipping staging was a questionable decision.", W, "PM306"),
    ("The operator blatantly ignored the procedure.", W, "PM306"),
    ("The deploy was egregiously mishandled.", W, "PM306"),
    (
        "Pushing straight to production was a no-brainer mistake.",
        W,
        "PM306",
    ),
    // second pass: more subjects, adverbs and modals per family
    (
        "台電表示，已要求相關單位徹底檢討，並加強設備巡檢。",
        A,
        "PM305",
    ),
    ("本公司深表歉意，將全力改善。", A, "PM305"),
    ("後續將進行系統全面體檢。", A, "PM305"),
    ("將汲取此次教訓，持續強化韌性。", A, "PM305"),
    ("建立完善的標準作業程序。", A, "PM305"),
    ("全面清查相關設備。", A, "PM305"),
    ("加強稽核。", A, "PM305"),
    ("確實執行各項檢查。", A, "PM305"),
    ("持續改善中。", A, "PM305"),
    ("工程師需熟悉操作流程。", A, "PM304"),
    ("值班人員要熟讀手冊。", A, "PM304"),
    ("要求員工簽署切結書。", A, "PM304"),
    ("主管應加強督導部屬。", A, "PM304"),
    ("要不是工程師誤刪資料，系統也不會中斷。", W, "PM303"),
    ("他應該在部署前先確認。", W, "PM303"),
    ("工程師本應先備份。", W, "PM303"),
    ("事先應做好風險評估。", W, "PM303"),
    ("假如值班人員有確實巡檢，應可提早發現。", W, "PM303"),
    ("承辦人員一時失察。", RC, "PM302"),
    ("承辦人員處理欠周。", RC, "PM302"),
    ("說到底都是人的問題。", RC, "PM302"),
    ("這樣的結果令人震驚。", W, "PM306"),
    ("真是太不像話了。", W, "PM306"),
    ("現場一團糟。", W, "PM306"),
    ("工程師應當在上線前完成測試。", W, "PM303"),
    ("調查報告指出，值班人員判斷錯誤，延誤搶修。", RC, "PM302"),
    ("工程師一時手滑，刪除了正式環境資料。", RC, "PM302"),
    ("該員未經授權即逕行操作。", RC, "PM302"),
    ("Take a closer look at the retry logic.", A, "PM305"),
    ("Do a deep dive into the queue latency.", A, "PM305"),
    ("We need to spend more time on load testing.", A, "PM305"),
    ("The on-call engineer was too slow to respond.", RC, "PM302"),
    ("The team didn't follow the rollback procedure.", W, "PM303"),
    ("Who approved this change?", W, "PM306"),
    ("Update the documentation.", A, "PM305"),
    ("值班人員反應太慢。", RC, "PM302"),
    ("下次要多注意。", A, "PM304"),
    ("到底是誰核准的？", W, "PM306"),
    ("台電立即加強巡檢。", A, "PM305"),
    ("相關單位未及時通報。", W, "PM303"),
    ("維運部門未確實檢查備援線路。", W, "PM303"),
    ("該公司未落實執行巡檢。", W, "PM303"),
    ("主管機關允宜檢討改進。", A, "PM305"),
    ("經濟部亟應研謀改善對策。", A, "PM305"),
    ("相關單位應予檢討。", A, "PM305"),
    ("該局處置顯有未當。", RC, "PM302"),
    ("承辦人員的作為洵屬失當。", RC, "PM302"),
    (
        "The engineer restarted the primary without checking replication lag.",
        W,
        "PM303",
    ),
    ("中油隨即檢討作業流程。", A, "PM305"),
    (
        "We will be more transparent in our status updates.",
        A,
        "PM305",
    ),
    ("The team must be more responsive to pages.", A, "PM304"),
    (
        "Had the change been reviewed, the outage would have been avoided.",
        W,
        "PM303",
    ),
    (
        "If the alert had been escalated, the page would have gone out sooner.",
        W,
        "PM303",
    ),
    (
        "We need to learn from this and be more careful.",
        A,
        "PM304",
    ),
    (
        "The on-call engineer has been coached on the failover procedure.",
        A,
        "PM304",
    ),
    ("Be sure to check the replica lag first.", A, "PM304"),
    ("Read the runbook before acting.", A, "PM304"),
    (
        "Engineers need to be trained on the new deploy tool.",
        A,
        "PM304",
    ),
    ("Ensure proper monitoring is in place.", A, "PM305"),
    ("Develop a plan to reduce deploy risk.", A, "PM305"),
    ("Understand why the cache failed.", A, "PM305"),
    ("Get to the bottom of the memory leak.", A, "PM305"),
    (
        "Nobody thought to check the certificate expiry.",
        W,
        "PM303",
    ),
    ("The warning signs were all there.", W, "PM303"),
    ("The outage was caused by a manual error.", RC, "PM302"),
    ("A typo by the operator took down the cluster.", RC, "PM302"),
    (
        "The engineer violated the change freeze policy.",
        RC,
        "PM302",
    ),
    ("It was amateur hour during the rollout.", W, "PM306"),
    ("What were they thinking?", W, "PM306"),
];

/// Round-5 hard negatives: negation, systems as subjects, neutral past facts,
/// concrete action items (a number, a named check or alert, a date).
const ROUND5_NEGATIVES: &[(&str, FieldKind)] = &[
    ("本次事件並非人為疏失。", RC),
    ("經調查，無人為因素。", RC),
    ("系統未及時切換至備援線路。", W),
    ("備援機制未能及時啟動。", W),
    ("監控系統未即時發出告警。", W),
    ("變電所未及時隔離故障。", W),
    ("工程師於 14:02 執行切換，14:10 服務恢復。", W),
    ("值班人員依標準作業程序切換至備援。", W),
    (
        "本公司將於 12 月底前新增磁碟使用率告警，超過 85% 時通知值班。",
        A,
    ),
    ("將在部署管線加入設定檔語法檢查，未通過即阻擋上線。", A),
    ("每季進行一次備援切換演練，並將結果列管至全部通過。", A),
    ("於 3 月 31 日前完成雙路由備援，切換時間不超過 30 秒。", A),
    ("誤觸按鈕時，系統應跳出二次確認視窗。", A),
    ("系統會提醒操作人員輸入確認碼。", A),
    ("不予懲處，改為檢討流程。", A),
    ("如果系統當時有告警，值班人員就能更早處理。", W),
    ("我們沒有懲處任何人。", W),
    ("這是可以接受的風險。", W),
    ("The deploy pipeline failed to roll back.", W),
    ("The load balancer could not reach the backends.", W),
    (
        "This was not human error; the tool allowed a destructive default.",
        RC,
    ),
    ("No engineer was careless here.", RC),
    ("The engineer ran the migration at 14:02.", W),
    (
        "The alert fired at 03:10 and the on-call acknowledged it at 03:12.",
        W,
    ),
    (
        "Add an alert when disk usage exceeds 85% for 10 minutes, by 2026-12-01.",
        A,
    ),
    ("Block deploys in CI when the schema check fails.", A),
    (
        "Follow up: the canary now blocks deploys whose error rate exceeds 1%.",
        A,
    ),
    (
        "Make the deploy tool refuse migrations without a dry run.",
        A,
    ),
    ("p99 latency rose to unacceptable levels.", W),
    ("The error rate was unacceptable for a tier-1 service.", W),
    ("Learn more in the runbook linked below.", W),
    (
        "The failover was avoidable only with a second region, which we did not have.",
        W,
    ),
    ("The team followed the runbook.", W),
    (
        "The outage would not have happened if the flag had defaulted to off.",
        W,
    ),
    ("This would not have happened without the retry storm.", W),
    (
        "The batch job keeps an eye on queue depth and pages above 1,000 messages.",
        A,
    ),
    (
        "本公司將於下週一前完成全部 42 台設備的清查，並上傳清冊。",
        A,
    ),
    ("系統熟悉使用者的操作習慣。", W),
    ("如果不是網路問題，就是設定錯誤。", W),
    ("事先應變計畫已啟動。", W),
    ("系統處理欠周時會回傳錯誤碼。", W),
    (
        "Understand why the cache failed, by adding a hit-rate alert below 80%.",
        A,
    ),
    ("Read replicas were added at 14:20.", A),
    ("The manual error budget report is sent weekly.", W),
    ("No policy was violated.", RC),
    (
        "The scheduler restarted the pod without checking its readiness probe.",
        W,
    ),
    ("經查尚無顯有未當之處。", RC),
    ("系統未落實雙寫，導致資料不一致。", W),
    ("The disk was too slow for the write load.", RC),
    ("Who approved the change was clear from the audit log.", W),
    (
        "Update the failover runbook with the three DNS steps from this incident.",
        A,
    ),
    ("系統反應太慢，請求逾時。", RC),
    ("系統下次啟動時會自動注意設定變更。", A),
    ("員工誤觸警報按鈕後，系統並未要求二次確認。", RC),
    ("負載平衡器判斷錯誤，將流量導向故障節點。", RC),
    ("系統禁止未經授權的操作。", W),
    // concrete action items in news and postmortem style: a number, a named check, a done-when
    ("台電將於明年 6 月前完成 12 座超高壓變電所的雙迴路改接。", A),
    ("將建置第二套機房，切換時間不超過 15 分鐘。", A),
    (
        "資訊處已於 3 月 1 日上線設定檔自動檢查，未通過者無法部署。",
        A,
    ),
    ("於部署工具加入二次確認視窗，刪除資料庫前須輸入名稱。", A),
    ("導入自動回滾機制，錯誤率超過 2% 時自動回復前一版。", A),
    ("每月執行一次備援切換演練，並記錄切換時間。", A),
    ("追蹤至 30 項改善事項全部結案為止。", A),
    ("新增磁碟使用率告警，超過 80% 時通知值班人員。", A),
    ("在 CI 加入憑證到期檢查，剩餘 14 天時自動開單。", A),
    ("系統將自動提醒值班人員於交接時確認告警狀態。", A),
    (
        "Add a CI check that fails the build when a migration lacks a down step.",
        A,
    ),
    (
        "Page the on-call when the error rate exceeds 2% for 5 minutes.",
        A,
    ),
    (
        "Move the failover runbook into an automated script by 2026-12-15.",
        A,
    ),
    (
        "Require two approvals in the deploy tool for production database changes.",
        A,
    ),
    ("Set the default replica count to 3 in the Helm chart.", A),
    ("Alert on certificate expiry 14 days ahead.", A),
    (
        "Make the deploy tool refuse to run without a dry-run first.",
        A,
    ),
    ("Rotate the leaked key and revoke the old one.", A),
    ("Had the disk been larger, the job would have finished.", W),
    ("The PR had been reviewed automatically by the linter.", W),
    ("若偵測到異常，即可及早處理。", W),
    ("只要有一台主機正常，服務就不會中斷。", W),
    ("若主線路中斷，系統即會自動切換，不會影響供電。", W),
    ("變電所人員依程序操作，並無違規。", RC),
    ("Add rate limits to harden the login endpoint.", A),
    ("Clean up the stale DNS records for api.example.com.", A),
    ("Prevent this class of bug with a lint rule in CI.", A),
    (
        "We will follow up with the vendor and track it in INC-42.",
        W,
    ),
    (
        "值班人員在正式環境執行了一個本應只在測試環境執行的指令。",
        W,
    ),
];

#[test]
fn round5_families_in_both_languages() {
    families_hold(ROUND5_POSITIVES, ROUND5_NEGATIVES);
}

#[test]
fn round5_findings_rewrite_toward_the_system_gap() {
    rewrites_hold(ROUND5_POSITIVES, false);
}

// ─── After fresh5's first run (post hoc, reported apart) ─────────────────
// fresh5's first run is recorded as it was (docs/blameless.md, sixth round);
// these families come from its misses and extras, but every sentence here is
// written for the test (none is a fresh5 sentence): each family in a few
// subject / modal / negation variations, with hard negatives.

const O: FieldKind = FieldKind::Other;
const S: FieldKind = FieldKind::Summary;
const CF: FieldKind = FieldKind::Factor;

/// Post-hoc families that must be found, in both languages.
const FRESH5_POST_HOC: &[(&str, FieldKind, &str)] = &[
    // PM302: "because <someone> skipped / bypassed / ignored" (a single letter is a person)
    (
        "Checkout broke because K skipped the canary stage.",
        O,
        "PM302",
    ),
    (
        "The queue filled up because the operator bypassed the rate limiter.",
        RC,
        "PM302",
    ),
    (
        "Production went down because someone ignored the failing check.",
        W,
        "PM302",
    ),
    // PM303: passive non-compliance
    (
        "The rollback steps in the runbook were not followed.",
        RC,
        "PM303",
    ),
    (
        "The change was not carried out in accordance with the change policy.",
        CF,
        "PM303",
    ),
    (
        "The outage was caused by a failure to follow the release checklist.",
        RC,
        "PM303",
    ),
    (
        "Published procedures were not adhered to during the cutover.",
        W,
        "PM303",
    ),
    // PM303: "could have been prevented", "preventable"
    (
        "The outage could have been prevented, the review concluded.",
        S,
        "PM303",
    ),
    ("This was an entirely preventable incident.", S, "PM303"),
    (
        "The data loss might have been avoided, the regulator said.",
        W,
        "PM303",
    ),
    // PM304: more staff training, reinforce training, make it clear to staff
    (
        "We will provide more staff training on data handling.",
        A,
        "PM304",
    ),
    ("Reinforce training with monthly reminders.", A, "PM304"),
    (
        "More training for the support team on escalation.",
        A,
        "PM304",
    ),
    (
        "Organisations should make it clear to staff which systems they may access.",
        A,
        "PM304",
    ),
    (
        "Make it clear to all engineers that production access is logged.",
        A,
        "PM304",
    ),
    // PM305: best practices, asap, a culture of, regularly review, should consider
    (
        "Reinforce best practices for handling customer data.",
        A,
        "PM305",
    ),
    (
        "The goal is to promote good practices in credential storage.",
        A,
        "PM305",
    ),
    ("The fix will be rolled out asap.", A, "PM305"),
    (
        "An action plan will be implemented as soon as possible.",
        A,
        "PM305",
    ),
    (
        "Implement a culture of openness so staff report near misses.",
        A,
        "PM305",
    ),
    ("Foster a blameless culture across engineering.", A, "PM305"),
    (
        "Build a culture where people feel safe to escalate.",
        A,
        "PM305",
    ),
    (
        "Regularly review who has access to the payroll system.",
        A,
        "PM305",
    ),
    (
        "Organisations should periodically check their mailing lists.",
        A,
        "PM305",
    ),
    (
        "We will review and regularly update the escalation policy.",
        A,
        "PM305",
    ),
    (
        "The regulator said firms should consider encrypting backups.",
        A,
        "PM305",
    ),
    (
        "Teams may also consider a second approval step.",
        A,
        "PM305",
    ),
    // PM306: someone "finally" notices; gaffe, fiasco; buck-passing, CYA
    (
        "M finally acknowledges the page after twenty minutes.",
        O,
        "PM306",
    ),
    (
        "The on-call engineer finally noticed the alert.",
        W,
        "PM306",
    ),
    (
        "The gaffe happened when invoices went to the wrong customers.",
        W,
        "PM306",
    ),
    ("The rollout turned into a debacle.", W, "PM306"),
    (
        "Frankly, this is buck-passing of the highest order.",
        S,
        "PM306",
    ),
    ("The vendor's report reads like CYA.", W, "PM306"),
    ("Not to mince words, the handover failed.", W, "PM306"),
    // 繁體中文 PM302: 人為出錯; a person 錯誤+verb, 不按…; 涉有…疏失; 過失 (legal); users who
    // 不懂得使用; 卻將 after a person's step
    ("事故起因是人為出錯。", RC, "PM302"),
    ("值班人員錯誤核准了舊版設定。", RC, "PM302"),
    ("司機員錯誤關閉列車防護系統。", RC, "PM302"),
    ("列車車長不按號誌行駛。", W, "PM302"),
    ("相關人員涉有督導不周之疏失。", W, "PM302"),
    ("承辦人員涉嫌行政疏失，將移送調查。", W, "PM302"),
    ("法院認定駕駛員有過失，依過失致死罪判刑。", RC, "PM302"),
    ("檢方認為操作員過失嫌疑重大。", W, "PM302"),
    ("部分使用者不懂得操作新系統而出事。", RC, "PM302"),
    ("事故疑因用戶不會使用新介面所致。", RC, "PM302"),
    ("車主申請後，卻將標籤貼在另一台車上。", RC, "PM302"),
    ("用戶收到通知後，卻把密碼寄給了陌生人。", W, "PM302"),
    // 繁體中文 PM303: 未依…規定; 應提前 / 早知; 當初沒…; 未做足 / 事前測試不周; 沒有即時; 通報速度不足
    ("承辦單位未依規定通報主管機關。", W, "PM303"),
    ("維修人員未依照標準作業程序斷電。", RC, "PM303"),
    ("廠商沒有按照規定進行備份。", W, "PM303"),
    ("早知道流量會暴增，就該先擴容。", W, "PM303"),
    ("主管機關更應提早準備因應措施。", RC, "PM303"),
    ("營運單位應提前做好壓力測試。", W, "PM303"),
    ("資料格式問題當初沒檢查到。", RC, "PM303"),
    ("當初未評估尖峰流量。", RC, "PM303"),
    ("有關單位仍未有做足事前測試。", W, "PM303"),
    ("疑因事前測試不周而出事。", RC, "PM303"),
    ("負責的職員沒有即時清除舊指令。", RC, "PM303"),
    ("值班人員未及時通報行控中心。", W, "PM303"),
    ("司機員關閉防護系統後未通報行控中心。", RC, "PM303"),
    ("主管機關的通報速度並不足夠。", W, "PM303"),
    ("機管局的應變亦不夠及時。", W, "PM303"),
    // 繁體中文 PM304: 提醒全體組員注意; 呼籲旅客; 司機員考核
    ("增加提醒全體組員注意跑道狀況。", A, "PM304"),
    ("提醒所有司機員注意速限。", A, "PM304"),
    ("機場公司呼籲，旅客的行李應妥善包裝。", A, "PM304"),
    ("營運單位呼籲用路人留意標線。", A, "PM304"),
    ("強化司機員考核。", A, "PM304"),
    // 繁體中文 PM305: 持續進行…作業; 持續努力 / 更高水準; 加強落實; 籲請 / 促請
    ("將持續進行系統穩定化作業。", A, "PM305"),
    ("持續辦理設備巡檢事宜。", A, "PM305"),
    ("未來會持續努力達到更高服務水準。", A, "PM305"),
    (
        "也將加強落實標準作業流程，所有工程均須通過審查後方能施工。",
        A,
        "PM305",
    ),
    ("也籲請政府加強取締。", A, "PM305"),
    ("促請主管機關全面檢查。", A, "PM305"),
    // 繁體中文 PM306: 竟然, 令人無法苟同, 根本不及格, 痛批, 避重就輕, 本末倒置, 太神了吧
    ("竟然發生資料遺失。", W, "PM306"),
    ("這種錯誤令人無法苟同。", W, "PM306"),
    ("系統當機令人不可思議。", W, "PM306"),
    ("施工區的管理根本不及格。", W, "PM306"),
    ("議員痛批市府系統問題太多。", W, "PM306"),
    ("高層避重就輕，未說明原因。", W, "PM306"),
    ("成立客服專線實在是本末倒置。", W, "PM306"),
    ("這感應範圍也太神了吧。", W, "PM306"),
];

/// Hard negatives for the fresh5 families: statements about blame, systems
/// as subjects, negations, concrete or finished changes.
const FRESH5_NEGATIVES: &[(&str, FieldKind)] = &[
    (
        "The job failed because the scheduler skipped the retry.",
        RC,
    ),
    (
        "The build passed because the linter skipped generated files.",
        W,
    ),
    ("We finally found the leaking connection pool.", W),
    ("The alert finally fired at 14:20.", W),
    (
        "Teams are often tempted to push the fault onto whoever made a mistake.",
        W,
    ),
    (
        "Too many reviews end by blaming the operator instead of the design.",
        W,
    ),
    (
        "The outage everyone wanted to blame on the network was a DNS expiry.",
        RC,
    ),
    (
        "Human error is an overarching label for the outcome of management decisions.",
        W,
    ),
    (
        "A shortage of staff and training has been blamed for the delays.",
        W,
    ),
    (
        "Any system that allows a single human mistake to wipe a database is fragile.",
        W,
    ),
    (
        "The restore path now handles operator error by keeping a snapshot for 7 days.",
        W,
    ),
    (
        "The migration came from a rushed design review in 2021.",
        RC,
    ),
    ("The runbook was followed, but step 4 timed out.", W),
    (
        "The retry policy was not adhered to by the SDK, which retried without backoff.",
        RC,
    ),
    (
        "Make it clear to users on the status page which region is down.",
        A,
    ),
    (
        "The procedure could not be followed because the console was down.",
        RC,
    ),
    (
        "If the steps are not followed, the deploy tool blocks the release.",
        W,
    ),
    (
        "The data loss could not have been prevented with the tools we had.",
        W,
    ),
    (
        "Most of these failures are not preventable by code review alone.",
        W,
    ),
    (
        "The overload could have been prevented by a rate limit on the import job.",
        RC,
    ),
    ("Move model training jobs to the GPU pool by 1 May.", A),
    (
        "The error message will make it clear to users which field is missing.",
        A,
    ),
    (
        "Enforce the secrets linter in CI so a plaintext key fails the build.",
        A,
    ),
    (
        "Page the database owner as soon as replication lag exceeds 30 s.",
        A,
    ),
    (
        "Roll back automatically as soon as the error rate passes 2%.",
        A,
    ),
    (
        "Publish the culture survey results on the wiki by 1 March.",
        A,
    ),
    (
        "The scheduler regularly checks certificate expiry and pages at 14 days.",
        A,
    ),
    (
        "The scheduler will consider node taints when placing pods.",
        A,
    ),
    ("系統錯誤關閉了連線池。", RC),
    ("工程師發現錯誤輸入後立即回滾。", W),
    ("值班人員修正了錯誤關閉的連線。", W),
    ("新流程上線後，使用者不會使用到舊介面。", W),
    ("監控程式錯誤判讀了感測器數值。", W),
    ("經調查，相關人員並未涉有疏失。", W),
    ("經鑑定，司機員並無過失。", RC),
    ("新介面讓使用者不需要學習就能操作。", W),
    ("系統收到請求後，卻將資料寫入舊的資料表。", RC),
    ("調查小組將從設備、環境及人為因素等多方面進行調查。", CF),
    ("新增雙人覆核以防止人為錯誤干預系統設定。", A),
    ("所有變更均依規定通報主管機關。", W),
    ("變更單未依規定附上回滾計畫時，系統會自動退回。", W),
    ("設定檔當初未納入版本控制，因此無法追溯。", W),
    ("依規定，維護作業應提前 3 天公告。", W),
    ("每次大型活動前應提前完成壓力測試。", A),
    ("當初設計時即已加入限流機制。", W),
    ("事前測試涵蓋了所有交易類型。", W),
    ("監控系統未即時發出告警。", RC),
    ("告警系統未通報行控中心，因為閘道逾時。", RC),
    ("議員質疑，司機員有沒有通報行控中心？", W),
    ("因缺少告警，致值班人員未能及時發現異常。", RC),
    ("機車未裝設告警功能，致司機員未能判斷設備損壞。", RC),
    ("系統的處理速度不夠快，造成佇列堆積。", RC),
    ("局長已自請處分。", A),
    ("加裝門禁以防止設備遭干預，包括人為錯誤或外力破壞。", A),
    ("持續進行每日備份，保留 30 天。", A),
    ("已在關鍵流程中加入雙重認證，確保同類事件不再發生。", A),
    ("已立即強化光纜標示，並規劃將其遷移到獨立管線。", A),
    ("已將該帳號列管，並新增警告提醒機制，避免再度發生。", A),
    ("畢竟系統已運作十年。", W),
    ("究竟是哪個元件故障仍在調查。", W),
    ("驗收測試不及格的版本不會上線。", W),
];

#[test]
fn post_hoc_families_after_the_fresh5_run() {
    families_hold(FRESH5_POST_HOC, FRESH5_NEGATIVES);
}

#[test]
fn fresh5_post_hoc_findings_rewrite_toward_the_system_gap() {
    // "finally" about a responder is deleted and 人為出錯 has the human-error
    // entry's phrase rewrite (no TODO); every other finding turns the sentence
    // toward the system gap
    let (phrase, turned): (Vec<_>, Vec<_>) = FRESH5_POST_HOC
        .iter()
        .copied()
        .partition(|(t, _, _)| t.contains(" finally ") || t.contains("人為出錯"));
    assert_eq!(phrase.len(), 3);
    rewrites_hold(&phrase, false);
    rewrites_hold(&turned, true);
}

// ─── After fresh6's and fresh7's first runs (post hoc, reported apart) ─────
// Both batches' first runs are recorded as they were (docs/blameless.md,
// seventh round). These families come from their misses: the vague or
// people-directed action found anywhere in the item rather than as its
// opening verb, the formal register of official findings (違失, 未落實,
// 處置欠當), a role that did the wrong thing, and hindsight markers. Every
// sentence here is written for the test (none is a corpus sentence).

/// Post-hoc families that must be found, in both languages.
const FRESH67_POST_HOC: &[(&str, FieldKind, &str)] = &[
    // PM305 anywhere: a comparison or a commitment without a target
    (
        "Fix and improve the paging rules for the billing queue.",
        A,
        "PM305",
    ),
    (
        "Add more thorough checks to the release pipeline.",
        A,
        "PM305",
    ),
    (
        "Going forward we will move to a more mature rollout process.",
        A,
        "PM305",
    ),
    (
        "We need clearer rules on who approves schema changes.",
        A,
        "PM305",
    ),
    (
        "We should strive to shorten the time fixes wait in main.",
        A,
        "PM305",
    ),
    (
        "Remove as much manual toil as possible from the failover.",
        A,
        "PM305",
    ),
    (
        "Devise a strategy for purging the cache under load.",
        A,
        "PM305",
    ),
    (
        "We should set up some kind of alerting for the batch jobs.",
        A,
        "PM305",
    ),
    (
        "Document and think about the retry budget for uploads.",
        A,
        "PM305",
    ),
    (
        "The platform group will work closely with the vendor to avoid this.",
        A,
        "PM305",
    ),
    (
        "Tune the disk monitors so they are more sensitive.",
        A,
        "PM305",
    ),
    ("資訊室將與廠商討論備援方案。", A, "PM305"),
    ("本處會持續關注系統的穩定情況。", A, "PM305"),
    ("營運單位將密切監察新系統的運作。", A, "PM305"),
    ("後續會查明實際原因，並研究升級計畫。", A, "PM305"),
    ("公司會繼續跟進受影響用戶的情況。", A, "PM305"),
    // PM304 anywhere: training and care aimed at people
    (
        "Regular security training for the support folks.",
        A,
        "PM304",
    ),
    (
        "Continuous training of all warehouse staff will lower the risk.",
        A,
        "PM304",
    ),
    (
        "Trust the dashboards but double check before failing over.",
        A,
        "PM304",
    ),
    (
        "After a staging incident, take extra care with the next deploy.",
        A,
        "PM304",
    ),
    ("Always deploy to the canary region first.", A, "PM304"),
    (
        "Never restart the primary during business hours.",
        A,
        "PM304",
    ),
    // PM302: a role that did the wrong thing, as the cause
    (
        "The on-call engineer missed the disk alert for an hour.",
        W,
        "PM302",
    ),
    (
        "A junior developer deployed untested code to production.",
        RC,
        "PM302",
    ),
    ("The DBA ran the migration without a backup.", RC, "PM302"),
    (
        "The developer misjudged the reach of the change.",
        RC,
        "PM302",
    ),
    ("營運單位的處置欠當，延誤了復原。", W, "PM302"),
    ("審查作業有欠嚴謹，導致錯誤的設定上線。", RC, "PM302"),
    ("調查認定承辦單位有重大違失。", S, "PM302"),
    ("工程人員因操作不慎，刪除了正式環境的資料表。", RC, "PM302"),
    ("內部帳號管理的疏失讓舊金鑰仍可使用。", CF, "PM302"),
    // PM303: hindsight markers and the finding register's omissions
    (
        "In hindsight, scaling down that night was a risky call.",
        W,
        "PM303",
    ),
    (
        "It would have been useful to capture a heap dump first.",
        W,
        "PM303",
    ),
    (
        "Detection could have been faster with the right dashboard open.",
        W,
        "PM303",
    ),
    ("The pool size should've been 40, not 12.", W, "PM303"),
    ("承辦人員未落實查核承包商的作業。", W, "PM303"),
    ("值班主管未審慎評估流量成長，就開放預約。", RC, "PM303"),
    ("營運單位長期忽視設備老化的警訊。", CF, "PM302"),
    ("值班人員應更早公告停機消息。", W, "PM303"),
    ("值班職員沒有即時清除舊的排程。", RC, "PM303"),
    // PM306: judgement and venting
    ("The outage lasted a staggering three hours.", W, "PM306"),
    ("Yet another crawler took the mirror down.", RC, "PM306"),
    ("這顯然是管理上的問題。", W, "PM306"),
    ("連續發生事故，實在不可接受。", W, "PM306"),
    ("系統當機後，現場一片怨聲載道。", W, "PM306"),
];

/// Hard negatives for the families above: measurable or finished actions,
/// concrete deliverables, systems as subjects, negations and questions.
const FRESH67_NEGATIVES: &[(&str, FieldKind)] = &[
    (
        "Improve the alerting so that two responders are paged within 5 minutes.",
        A,
    ),
    (
        "Add a check that rejects more than 3 retries per request.",
        A,
    ),
    ("Page the secondary when more than 5% of requests fail.", A),
    (
        "The checksum job double-checks every artefact before upload.",
        A,
    ),
    ("Move the training jobs to the new GPU cluster.", A),
    ("Always-on replication is now enabled for the primary.", A),
    ("資訊室已完成備援線路的建置。", A),
    ("每月檢視一次憑證到期清單，到期前 30 天自動告警。", A),
    ("要求廠商四星期內提交詳細調查報告。", A),
    ("成立專案小組，由稽核室每季查核。", A),
    ("在事件發生前定義事後檢討條件。", A),
    (
        "The engineer did not miss anything: the alert never fired.",
        W,
    ),
    (
        "If an engineer forgets the flag, the deploy tool refuses to run.",
        W,
    ),
    (
        "The deploy tool pushed the broken build without a review gate.",
        RC,
    ),
    ("調查認為事故不涉人為疏失。", S),
    ("是否有人為疏失，仍待調查。", S),
    ("系統設計上的疏漏讓舊設定被套用。", RC),
    ("告警未能送達，致值班人員未能即時處理。", W),
    ("台鐵局未落實設備汰換計畫，部分號誌已超過使用年限。", W),
    ("Hindsight bias makes every outage look obvious.", S),
    ("The cause is not obvious from the logs alone.", RC),
    ("這個問題並不明顯，直到流量上升才出現。", W),
    ("伺服器不能接受新的連線，直到連線池釋放。", RC),
    // A fine on a company is a contract matter, not an action on people:
    // fresh5's and both of fresh8's labellers leave it unflagged (fresh3's
    // labeller flagged 「依契約處罰」, the one dissent).
    ("將依合約處罰廠商。", A),
    ("通訊局決定向電信商罰款十萬元。", A),
    ("昨晚ATM出包，客戶無法提款。", W),
    ("最後發現元兇是機房的一個接線盒漏水。", RC),
];

#[test]
fn post_hoc_families_after_the_fresh6_and_fresh7_runs() {
    families_hold(FRESH67_POST_HOC, FRESH67_NEGATIVES);
}

#[test]
fn fresh6_and_fresh7_post_hoc_findings_rewrite_toward_the_system_gap() {
    rewrites_hold(FRESH67_POST_HOC, false);
}

// ─── Ranges on character boundaries, whatever the text ────────────────────

/// A fresh8 sentence made the checker panic: a phrase's match ran into a
/// quoted (masked) span and ended inside a CJK character of the original
/// text, which was then sliced there. Masking now keeps every character
/// boundary; this is the shape that failed.
#[test]
fn a_match_running_into_a_quote_ends_on_a_character_boundary() {
    let t = "接下來，「銀行局」將檢視「缺失情節」及「改善情況」，綜合進行裁量評估或懲處。";
    for kind in [A, W, RC, S] {
        for f in check_text(t, kind, &people()) {
            assert!(t.is_char_boundary(f.range.start) && t.is_char_boundary(f.range.end));
        }
    }
}

/// Fragments to build texts from: phrase words of both languages, quotes,
/// citations, code, emoji and accents, so that matches cross every kind of
/// masked span.
const PIECES: &[&str] = &[
    "「",
    "」",
    "『",
    "』",
    "“",
    "”",
    "【",
    "】",
    "[chat L3]",
    "`",
    " ",
    "，",
    "。",
    "；",
    "\n",
    "- ",
    "J ",
    "缺失情節",
    "檢視",
    "未落實",
    "人為疏失",
    "加強",
    "處置欠當",
    "值班人員",
    "顯然",
    "😀",
    "é",
    "ß",
    "the engineer ",
    "missed ",
    "should have ",
    "improve ",
    "more ",
    "better ",
    "human error",
    "careless ",
    "skipped ",
    "we will ",
    "training ",
    "因",
    "致",
    "應更早",
    "違失",
    "的",
    "in hindsight",
    "Ω",
    "𠀋",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any text, in any field: no panic, and every finding's range and
    /// rewrite range start and end on character boundaries of the text.
    #[test]
    fn findings_stay_on_character_boundaries(
        before in proptest::collection::vec(proptest::sample::select(PIECES), 0..12),
        quote in proptest::sample::select(vec![("「", "」"), ("『", "』"), ("“", "”"), ("`", "`"), ("[", "]")]),
        inside in proptest::collection::vec(proptest::sample::select(PIECES), 0..6),
        after in proptest::collection::vec(proptest::sample::select(PIECES), 0..12),
        kind in proptest::sample::select(vec![A, W, RC, S, CF, O]),
    ) {
        let t = format!(
            "{}{}{}{}{}",
            before.concat(),
            quote.0,
            inside.concat(),
            quote.1,
            after.concat()
        );
        for f in check_text(&t, kind, &people()) {
            proptest::prop_assert!(
                t.is_char_boundary(f.range.start) && t.is_char_boundary(f.range.end),
                "{:?} in {t:?}", f.range
            );
            if let Some(r) = &f.rewrite_range {
                proptest::prop_assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end));
            }
        }
    }
}

// ─── After fresh10's and fresh11's runs (post hoc, round 8) ───────────────
// Both batches' runs with the seventh round's rules are recorded as they
// were (docs/blameless.md). These families come from what both labellers
// flagged there and the rules missed, and from what both left unflagged and
// the rules flagged. Every sentence here is written for the test.

/// Post-hoc families that must be found, in both languages.
const FRESH1011_POST_HOC: &[(&str, FieldKind, &str)] = &[
    // PM303: a cognition failure told without a subject, or with "we"
    (
        "Didn't anticipate the schema lock on the orders table",
        CF,
        "PM303",
    ),
    (
        "- Underestimated how long the backfill would run",
        CF,
        "PM303",
    ),
    (
        "We overlooked the retry storm from the mobile clients.",
        W,
        "PM303",
    ),
    (
        "The team failed to consider the cache warm-up time.",
        RC,
        "PM303",
    ),
    (
        "Forgot to drain the node before the kernel upgrade.",
        CF,
        "PM303",
    ),
    // PM302: an agentless mistake, an oversight, someone's mistakes as the cause
    (
        "A mistake was made while rotating the TLS keys.",
        RC,
        "PM302",
    ),
    ("It was an oversight on our part.", RC, "PM302"),
    (
        "The report put it down to the mistakes of the night operator.",
        S,
        "PM302",
    ),
    ("An admin wrongly typed the volume name.", RC, "PM302"),
    // PM305: intent without an end state
    ("We know we can do better on uptime.", A, "PM305"),
    ("Carry out a full audit of the billing events.", A, "PM305"),
    (
        "Discuss this incident further at the next retro.",
        A,
        "PM305",
    ),
    // 繁體中文 PM302: a slip of a person's hand or tongue as the cause
    ("值班人員交班時誤觸警報按鈕。", RC, "PM302"),
    ("公告內容為承辦人一時口誤。", RC, "PM302"),
    ("工程師不小心刪除了正式環境的資料表。", W, "PM302"),
    // 繁體中文 PM305: official intent with no end state
    ("主管機關表示會嚴肅處理，並作進一步跟進。", A, "PM305"),
    ("公司將研究這次事件，有需要時會採取措施。", A, "PM305"),
    // 繁體中文 PM306: venting words from commentary
    ("這些補救措施杯水車薪。", W, "PM306"),
    ("議員批評改善方案毫無意義。", W, "PM306"),
    ("聲明中完全不見業者的誠意。", W, "PM306"),
];

/// Hard negatives: what both labellers left unflagged and the rules used to
/// flag, and near misses of the families above.
const FRESH1011_NEGATIVES: &[(&str, FieldKind)] = &[
    // an inability the outage caused is impact, not hindsight
    ("系統故障後，護理人員未能讀取病歷。", S),
    ("停電期間，旅客未能順利登入購票網站。", W),
    // the culprit is a thing
    ("搶修後發現元兇是一條鬆脫的電源線。", RC),
    ("過長的束帶是輸送帶卡死的元凶。", RC),
    // talking about blame culture is not blame
    ("若只究責而不究因，系統性的問題不會被看見。", W),
    ("大家擔心被究責，所以不願分享細節。", W),
    // near misses in English
    ("Nobody anticipated the lock, and no alert covered it.", CF),
    ("The deploy tool did not check the schema version.", RC),
    (
        "This was not a mistake by anyone: the runbook was wrong.",
        RC,
    ),
    (
        "Audit the billing events by March 31 and file the report.",
        A,
    ),
    ("The rollout reached 5% before the kill switch fired.", W),
    // the month, not Jan
    ("Traffic doubled on the morning of Jan. 4.", W),
    // near misses in 繁體中文
    ("新增送出前確認視窗，避免誤發訊息。", A),
    ("兩週內提交調查報告並進一步跟進，6 月 30 日前結案。", A),
];

#[test]
fn post_hoc_families_after_the_fresh10_and_fresh11_runs() {
    families_hold(FRESH1011_POST_HOC, FRESH1011_NEGATIVES);
}

#[test]
fn fresh10_and_fresh11_post_hoc_findings_rewrite_toward_the_system_gap() {
    rewrites_hold(FRESH1011_POST_HOC, false);
}

// ─── Round 8, open heads (after fresh12's run) ────────────────────────────
// The head word alone ("accidentally", "overlooked", 不小心, 沒注意到) with
// a person as subject, whatever verb follows. Written for the test.

const OPEN_HEADS: &[(&str, FieldKind, &str)] = &[
    (
        "Someone accidentally deleted the staging volume.",
        RC,
        "PM302",
    ),
    (
        "The engineer inadvertently pointed the script at production.",
        RC,
        "PM302",
    ),
    ("An admin mistakenly revoked the service token.", W, "PM302"),
    (
        "However, we overlooked the size of the retry queue.",
        RC,
        "PM303",
    ),
    (
        "The team mistakenly assumed the cache was warm.",
        CF,
        "PM303",
    ),
    ("We never considered a second region failing.", CF, "PM303"),
    ("We need to identify a better paging policy.", A, "PM305"),
    ("Capacity planning should be a top priority.", A, "PM305"),
    ("值班工程師不小心重啟了主資料庫。", RC, "PM302"),
    ("同仁一時不察，套用了舊的設定檔。", RC, "PM302"),
    ("我們沒想到要先備份資料表。", W, "PM303"),
    ("維運人員沒有注意到磁碟即將用滿。", CF, "PM303"),
    ("我們誤以為新版本相容舊的設定。", RC, "PM303"),
];

const OPEN_HEAD_NEGATIVES: &[(&str, FieldKind)] = &[
    ("The cron job accidentally deleted the staging volume.", RC),
    (
        "If someone accidentally deletes a volume, the snapshot restores it.",
        W,
    ),
    ("The alerting overlooked the second region.", CF),
    ("Identify the owner of each dashboard by May 30.", A),
    ("Add a paging policy so that two responders are paged.", A),
    ("新增二次確認，避免有人不小心重啟主資料庫。", A),
    ("系統沒有注意到磁碟即將用滿，因為監控未涵蓋該分割區。", CF),
    ("告警延遲導致值班人員沒有注意到異常。", W),
];

#[test]
fn open_heads_after_the_fresh12_run() {
    families_hold(OPEN_HEADS, OPEN_HEAD_NEGATIVES);
}

#[test]
fn open_head_findings_rewrite_toward_the_system_gap() {
    rewrites_hold(OPEN_HEADS, false);
}

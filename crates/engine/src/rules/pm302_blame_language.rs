crate::declare_rule! {
    /// Blame words: "human error", "careless", 人為疏失, 粗心 …
    ///
    /// Calling something human error, operator error, carelessness or negligence ends
    /// the inquiry at a person. The card asks instead which guard the system lacked:
    /// "human error" becomes "a missing safeguard in the system", 「人為疏失」
    /// becomes 「系統未防護此操作」. Caught in English and 繁體中文: human/operator
    /// error, careless, negligent, sloppy, fault of, to blame, screwed up, incompetent,
    /// 人為疏失, 人為錯誤, 粗心, 疏忽, 失誤, 怪罪, 甩鍋, 是…的錯. Text inside quotes
    /// (evidence from the chat log) is not the author's voice and is never reported.
    ///
    /// The phrase list lives in `crates/engine/src/rules/blameless/en.toml` and `zh-TW.toml`; each
    /// entry has an explanation and a suggested rewrite, offered as a quick fix.
    ///
    /// Also "whose fault", "missed the alert" and "rushed" with a person as subject,
    /// 疏失, 元兇, 不慎, 鬆散, 怠於, 疏於, 輕忽. Negation and generic statements are
    /// not blame: "This is not incompetence.", 「人為失誤其實不是原因」,
    /// 「人會犯錯是正常的」 (but 「可預防的人為錯誤」 is). Where no phrase rewrite
    /// fits, the quick fix rewrites the whole sentence toward the system gap in the
    /// sentence's language, keeping the original in quotes and leaving a `TODO(…)`
    /// naming what the system lacked.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails
    /// root_cause:
    ///   five_whys:
    ///     - why_3: Human error in the pool setting
    /// ```
    ///
    /// ```yaml
    /// # fails: bare 疏失 puts the cause on people
    /// what_went_wrong:
    ///   - 近年多次停電都與人員疏失脫不了關係。
    /// ```
    ///
    /// ```yaml
    /// # fails: 繁體中文 too
    /// root_cause:
    ///   five_whys:
    ///     - why_3: 人為疏失導致連線池設定錯誤
    /// ```
    ///
    /// ```yaml
    /// # passes
    /// root_cause:
    ///   five_whys:
    ///     - why_3: The config pipeline did not check the pool size against peak load
    /// ```
    pub struct BlameLanguage { code: "PM302", name: "blame-language", severity: Warning }
}

super::blameless_rule!(BlameLanguage);

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{run, spans};

    #[test]
    fn fires_on_blame_and_stays_quiet_on_evidence() {
        let t = "root_cause:\n  five_whys:\n    - why_1: It was human error.\nwhat_went_wrong:\n  - \"部署是人為疏失 [chat L2]\"\n  - \"The IC wrote “this was human error” in chat [chat L9]\"\n";
        let s = spans("PM302", t);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].eq_ignore_ascii_case("human error"));
        assert_eq!(s[1], "人為疏失");
        let d = run("PM302", t);
        assert_eq!(
            d[0].fixes[0].edits[0].new_text,
            "a missing safeguard in the system"
        );
        assert_eq!(d[1].fixes[0].edits[0].new_text, "系統未防護此操作");
    }
}

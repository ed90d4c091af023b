use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// `blameless_summary` is over 200 字.
    ///
    /// The summary is for executives: what happened, the impact, the system gap and
    /// what changes, in at most 200 字. Words are counted the way Word does for
    /// Traditional Chinese: each CJK character counts as one, and each run of Latin
    /// letters or digits counts as one. Move detail into the other sections.
    ///
    /// **Examples**
    ///
    /// ```yaml
    /// # fails: 224 字 (each CJK character counts as one)
    /// blameless_summary: >-
    ///   2026-04-09 14:02 至 14:47（UTC），結帳付款有 14.7% 失敗。一次執行期設定變更把
    ///   payments-api 每個 pod 的資料庫連線池從 40 降到 12，低於尖峰需求約 27，促銷流量
    ///   上升時連線池耗盡。這次變更一次套用到全部 pod，沒有容量檢查，也沒有 canary 階段。
    ///   告警門檻在二月放寬後，影響開始 17 分鐘才發出呼叫；回滾手冊缺少重新啟動的步驟，
    ///   而連線池設定只在啟動時讀取，因此又多花了 8 分鐘。本次事故用掉當月 88% 的 error
    ///   budget。五項行動分別加入容量檢查、燃燒率告警、完整的回滾路徑、儀表板覆蓋與設定
    ///   canary。客服在告警前 7 分鐘就回報了工單激增，但沒有管道可以呼叫值班人員，這部分仍待確認。
    /// ```
    ///
    /// ```yaml
    /// # passes: about 60 words
    /// blameless_summary: >-
    ///   On 2026-04-09 from 14:02 to 14:47 UTC, 14.7% of checkout payments failed. A
    ///   config change cut the payments-api database pool below peak demand, and it
    ///   reached every pod at once with no capacity check. A loosened alert paged 17
    ///   minutes late. Five actions add a capacity check, burn-rate paging, a complete
    ///   rollback runbook, pool dashboards and a config canary.
    /// ```
    pub struct SummaryTooLong { code: "PM106", name: "summary-too-long", severity: Warning }
}

pub const LIMIT: usize = 200;

/// Word's zh-TW count: each CJK character is one; each run of Latin letters/digits is one.
pub fn word_count(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in s.chars() {
        if is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c.is_alphanumeric() || (in_word && matches!(c, '\'' | '’' | '-' | '.' | '_')) {
            if !in_word {
                n += 1;
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    n
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF | 0x20000..=0x2FFFF)
}

impl Rule for SummaryTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(p) = cx.root.and_then(|r| r.pair("blameless_summary")) else {
            return;
        };
        let Some(s) = p.value.as_ref().and_then(|v| v.as_scalar()) else {
            return;
        };
        let n = word_count(&s.value);
        if n > LIMIT {
            out.push(Diagnostic::new(self.meta().code, self.meta().default_severity, p.key.span.clone(), "blameless_summary", crate::tr!(cx, "The summary is {n} words (字); keep it to {LIMIT} for executive readers and move detail into the other sections.", "摘要共 {n} 字;給高層看的摘要請控制在 {LIMIT} 字內,細節移到其他區段。")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::word_count;
    use crate::rules::test_support::run;

    #[test]
    fn counts_like_word_in_zh_tw() {
        assert_eq!(word_count("結帳服務 failed for 38 min."), 4 + 4);
        assert_eq!(word_count("p99 latency 300ms"), 3);
        assert_eq!(word_count("it's a re-run"), 3);
        let long = "字".repeat(201);
        assert_eq!(
            run("PM106", &format!("blameless_summary: {long}\n")).len(),
            1
        );
        assert!(run(
            "PM106",
            &format!("blameless_summary: {}\n", "字".repeat(200))
        )
        .is_empty());
    }
}

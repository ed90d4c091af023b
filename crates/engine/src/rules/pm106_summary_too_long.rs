use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;

crate::declare_rule! {
    /// `blameless_summary` is over 200 字.
    ///
    /// The summary is for executives: what happened, the impact, the system gap and
    /// what changes, in at most 200 字. Words are counted the way Word does for
    /// Traditional Chinese: each CJK character counts as one, and each run of Latin
    /// letters or digits counts as one. Move detail into the other sections.
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

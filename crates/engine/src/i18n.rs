//! Translations of messages produced below the rule layer.

use crate::diagnostic::Locale;
use crate::syntax::{SyntaxErrorKind as K, MAX_BYTES, MAX_DEPTH, MAX_LINES};

/// The PM001 message for a syntax error kind, in English and 繁體中文.
/// Both languages come from one exhaustive match, so a new kind without a
/// message in either language does not compile.
pub fn syntax_message(kind: K, locale: Locale) -> String {
    let (en, zh) = syntax_messages(kind);
    if locale == Locale::En {
        en
    } else {
        zh
    }
}

fn syntax_messages(kind: K) -> (String, String) {
    let s = |en: &str, zh: &str| (en.to_string(), zh.to_string());
    match kind {
        K::TooBig { kib } => (
            format!("This document is {kib} KiB; postmortem-lsp checks documents up to {} KiB. Split it, or move raw material into an input file.", MAX_BYTES / 1024),
            format!("文件有 {kib} KiB;postmortem-lsp 只檢查 {} KiB 以內的文件。請拆分,或把原始資料移到輸入檔。", MAX_BYTES / 1024),
        ),
        K::TooManyLines => (
            format!("This document has more than {MAX_LINES} lines; postmortem-lsp checks documents up to that size. Split it, or move raw material into an input file."),
            format!("文件超過 {MAX_LINES} 行;請拆分,或把原始資料移到輸入檔。"),
        ),
        K::TooDeep => (
            format!("Nesting here is deeper than {MAX_DEPTH} levels; a postmortem never needs that. Flatten this part of the document."),
            format!("此處巢狀超過 {MAX_DEPTH} 層;postmortem 不需要這麼深。請攤平此部分。"),
        ),
        K::TabIndent => s(
            "This YAML can't be read: a tab indents it. Indent with spaces.",
            "此處 YAML 無法解析:用了 tab 縮排。請改用空白。",
        ),
        K::UnclosedFlow => s(
            "This YAML can't be read: a `[` or `{` is never closed. Close it, or quote the text if the bracket is part of it.",
            "此處 YAML 無法解析:`[` 或 `{` 沒有閉合。請補上,或把整段加上引號。",
        ),
        K::TextAfterFlow => s(
            "This YAML can't be read: text after `[...]` makes it neither a list nor a string. Quote the whole value, e.g. \"[report §2] text\".",
            "此處 YAML 無法解析:`[...]` 後面還有文字。請把整個值加上引號,例如 \"[report §2] 文字\"。",
        ),
        K::UnclosedQuote => s(
            "This YAML can't be read: a quote is never closed. Close it.",
            "此處 YAML 無法解析:引號沒有閉合。請補上。",
        ),
        K::TextAfterQuote => s(
            "This YAML can't be read: text follows the closing quote. Put the whole value inside the quotes.",
            "此處 YAML 無法解析:結尾引號後面還有文字。請把整個值放進引號內。",
        ),
        K::ColonInValue => s(
            "This value contains `: `, which YAML reads as the start of another key. Quote the whole value.",
            "此值含有 `: `,YAML 會把它當成另一個鍵的開頭。請把整個值加上引號。",
        ),
        K::IndentedMore => s(
            "This line is indented more than the lines around it, so YAML can't place it. Align it with the entries it belongs to.",
            "此行比周圍的行縮排更多,YAML 無法判斷它屬於哪裡。請與同一層的項目對齊。",
        ),
        K::StrayListItem => s(
            "This list item belongs to no key. Put it under a `key:`, indented, or remove the `- `.",
            "此清單項目不屬於任何鍵。請把它縮排放到某個 `鍵:` 底下,或移除 `- `。",
        ),
        K::NotAKeyValue => s(
            "This YAML can't be read here: the line is not a `key: value`. Check the indentation and that each `key:` has a space after the colon.",
            "此處 YAML 無法解析:這一行不是 `鍵: 值`。請檢查縮排,以及每個 `鍵:` 的冒號後是否有空白。",
        ),
        K::TextAfterBlockHeader => s(
            "Text after `|` or `>` is not part of the value. Put the text on the next lines, indented, or quote the whole value (e.g. \"> 10% for 10 minutes\").",
            "`|` 或 `>` 後面的文字不屬於這個值。請把文字移到下一行並縮排,或把整個值加上引號(例如 \"> 10% for 10 minutes\")。",
        ),
        K::UnknownEscape => s(
            "This backslash starts no escape YAML knows, so the text can't be read as written. Write `\\\\` for a backslash, or use single quotes ('C:\\Users').",
            "此反斜線不是 YAML 認得的跳脫字元,文字無法照原樣讀取。請把反斜線寫成 `\\\\`,或改用單引號('C:\\Users')。",
        ),
        K::BadFlow => s(
            "This YAML can't be read: a comma, colon or bracket is out of place inside `[...]` or `{...}`. Separate items with `, `, or quote the item.",
            "此處 YAML 無法解析:`[...]` 或 `{...}` 內的逗號、冒號或括號位置不對。請用 `, ` 分隔項目,或把該項目加上引號。",
        ),
        K::ReservedIndicator => s(
            "A value can't start with `@`, `` ` `` or `%` in YAML. Quote the whole value.",
            "YAML 的值不能以 `@`、`` ` `` 或 `%` 開頭。請把整個值加上引號。",
        ),
        K::CommentWithoutSpace => s(
            "A `#` comment needs a space before it. Add one, or quote the value if the `#` is part of it.",
            "`#` 註解前面需要空白。請補上空白;若 `#` 是值的一部分,請把值加上引號。",
        ),
        K::Anchor => s(
            "Anchors (`&name`) are not supported in postmortems. Remove the anchor and write the value out.",
            "postmortem 不支援錨點(`&名稱`)。請移除錨點,直接寫出值。",
        ),
        K::Alias => s(
            "Aliases (`*name`) are not supported in postmortems, so this value is read as empty. Write the value out instead.",
            "postmortem 不支援別名(`*名稱`),此值會被當成空值。請直接寫出值。",
        ),
        K::Tag => s(
            "Tags (`!tag`, `!!str`) are not supported in postmortems; the value is read without it. Remove the tag (quote the value to keep it a string).",
            "postmortem 不支援標籤(`!tag`、`!!str`);值會忽略標籤讀取。請移除標籤(若要保持為字串,請加上引號)。",
        ),
        K::SecondDocument => s(
            "A postmortem is one YAML document; everything from this `---` on is not checked. Remove the `---` (for a separator, use a `#` comment).",
            "postmortem 只能有一份 YAML 文件;從這個 `---` 起的內容都不會被檢查。請移除 `---`(若要分隔,請用 `#` 註解)。",
        ),
        K::ComplexKey => s(
            "A key that is a list or a map is not supported in postmortems. Use a plain text key.",
            "postmortem 不支援以清單或對照表當作鍵。請用一般文字當鍵。",
        ),
        K::BlockOnSameLine => s(
            "A list or map can't start on the same line as its `key:` or `---`. Move it to the next line, indented under the key.",
            "清單或對照表不能和它的 `鍵:` 或 `---` 在同一行開始。請移到下一行,並縮排在鍵底下。",
        ),
        K::BadDirective => s(
            "This `%` directive is malformed, repeated, or not followed by `---`. A postmortem needs no directives: remove the line.",
            "此 `%` 指令格式錯誤、重複,或後面沒有 `---`。postmortem 不需要指令:請刪除這一行。",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_syntax_kind_has_an_english_and_a_chinese_message() {
        let mut seen = std::collections::HashSet::new();
        for &k in K::ALL {
            let en = syntax_message(k, Locale::En);
            let zh = syntax_message(k, Locale::ZhTw);
            assert!(
                en.len() > 20 && !has_cjk(&en),
                "{k:?}: English message {en:?}"
            );
            assert!(has_cjk(&zh), "{k:?}: zh-TW message {zh:?}");
            assert!(
                en.ends_with('.') && zh.ends_with('。'),
                "{k:?}: says what to do"
            );
            assert!(
                seen.insert(zh.clone()),
                "{k:?}: its zh-TW message is another kind's"
            );
        }
        // ALL lists every kind: a new variant makes this match fail to
        // compile until it gets a number, and then this test fails until
        // the variant is in ALL (and so has its messages checked above).
        fn number(k: K) -> usize {
            match k {
                K::TooBig { .. } => 0,
                K::TooManyLines => 1,
                K::TooDeep => 2,
                K::TabIndent => 3,
                K::UnclosedFlow => 4,
                K::TextAfterFlow => 5,
                K::UnclosedQuote => 6,
                K::TextAfterQuote => 7,
                K::ColonInValue => 8,
                K::IndentedMore => 9,
                K::StrayListItem => 10,
                K::NotAKeyValue => 11,
                K::TextAfterBlockHeader => 12,
                K::UnknownEscape => 13,
                K::BadFlow => 14,
                K::ReservedIndicator => 15,
                K::CommentWithoutSpace => 16,
                K::Anchor => 17,
                K::Alias => 18,
                K::Tag => 19,
                K::SecondDocument => 20,
                K::ComplexKey => 21,
                K::BlockOnSameLine => 22,
                K::BadDirective => 23,
            }
        }
        let numbers: std::collections::BTreeSet<usize> =
            K::ALL.iter().map(|&k| number(k)).collect();
        assert_eq!(numbers, (0..24).collect());
    }

    #[test]
    fn the_three_messages_that_fell_back_to_generic_advice_are_specific_in_chinese() {
        // Before, the zh-TW text for these matched no key and read "check the indentation".
        for (k, want) in [
            (K::ColonInValue, "冒號"),
            (K::IndentedMore, "縮排更多"),
            (K::StrayListItem, "清單項目"),
        ] {
            let zh = syntax_message(k, Locale::ZhTw);
            assert!(zh.contains(want) || zh.contains("`: `"), "{k:?}: {zh}");
        }
        assert!(syntax_message(K::ColonInValue, Locale::ZhTw).contains("引號"));
    }
}

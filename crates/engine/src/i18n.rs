//! Translations of messages produced below the rule layer.

use crate::diagnostic::Locale;

/// Syntax messages come from the YAML layer in English; translate the known ones.
pub fn syntax_message(en: &str, locale: Locale) -> String {
    if locale == Locale::En {
        return en.to_string();
    }
    const TABLE: &[(&str, &str)] = &[
        ("a tab indents it", "此處 YAML 無法解析:用了 tab 縮排。請改用空白。"),
        ("is never closed. Close it, or quote", "此處 YAML 無法解析:`[` 或 `{` 沒有閉合。請補上,或把整段加上引號。"),
        ("neither a list nor a string", "此處 YAML 無法解析:`[...]` 後面還有文字。請把整個值加上引號,例如 \"[report §2] 文字\"。"),
        ("quote is never closed", "此處 YAML 無法解析:`\"` 引號沒有閉合。請補上。"),
        ("Nesting here is deeper", "此處巢狀超過 64 層;postmortem 不需要這麼深。請攤平此部分。"),
        ("more than 25000 lines", "文件超過 25000 行;請拆分,或把原始資料移到輸入檔。"),
        ("postmortem-lsp checks documents up to", "文件過大;請拆分,或把原始資料移到輸入檔。"),
        ("Expected `", "此處缺少閉合符號;請補上。"),
    ];
    TABLE.iter().find(|(k, _)| en.contains(k)).map_or_else(
        || "此處 YAML 無法解析。請檢查縮排,以及每個 `鍵:` 的冒號後是否有空白。".to_string(),
        |(_, zh)| zh.to_string(),
    )
}

//! `postmortem-lsp render FILE --format html|md [-o OUT] [--locale en|zh-TW]`:
//! the postmortem as a document for its readers. Unfinished documents render
//! too (with a banner listing their errors), so the exit code is 0 unless
//! the file can't be read or written.

use crate::analysis::{analyze, Options};
use crate::config::Config;
use crate::diagnostic::Locale;
use crate::render::{self, Format};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `html` (one self-contained file) or `md` (GitHub Markdown).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FormatArg {
    Html,
    #[value(alias = "markdown")]
    Md,
}

/// `postmortem-lsp render FILE [--format html|md] [-o OUT]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The postmortem to render.
    file: PathBuf,
    /// One self-contained HTML file, or GitHub-flavoured Markdown.
    #[arg(long, short = 'f', value_enum, default_value = "html")]
    format: FormatArg,
    /// Write to OUT instead of stdout.
    #[arg(long = "output", short = 'o', value_name = "OUT")]
    out: Option<PathBuf>,
    /// The workspace root that input files must stay inside (default: discovered).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The document's language: en or zh-TW (default: from its content).
    #[arg(long, value_parser = super::parse_locale)]
    locale: Option<Locale>,
}

pub fn run(a: Args) -> i32 {
    let format = match a.format {
        FormatArg::Html => Format::Html,
        FormatArg::Md => Format::Markdown,
    };
    let zh = a.locale == Some(Locale::ZhTw);
    let msg = |en: String, zh_msg: String| if zh { zh_msg } else { en };
    let path = &a.file;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        eprintln!(
            "postmortem-lsp render: {}",
            msg(
                format!(
                    "{} is not a file; give the path of a postmortem YAML file.",
                    path.display()
                ),
                format!(
                    "{} 不是檔案;請給 postmortem YAML 檔的路徑。",
                    path.display()
                )
            )
        );
        return 2;
    }
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            eprintln!(
                "postmortem-lsp render: {}",
                msg(
                    format!("{} is not UTF-8 text; save it as UTF-8.", path.display()),
                    format!("{} 不是 UTF-8 文字;請以 UTF-8 儲存。", path.display())
                )
            );
            return 2;
        }
        Err(e) => {
            eprintln!("postmortem-lsp render: {}: {e}", path.display());
            return 2;
        }
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let config = Config::discover(dir);
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root_abs = a
        .root
        .as_ref()
        .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf()));
    let mut opts = Options::new(&config);
    opts.path = Some(&abs);
    opts.root = root_abs.as_deref();
    opts.locale = a.locale;
    let cache = crate::analysis::Cache::new();
    opts.cache = Some(&cache);
    let mut analysis = analyze(text, &opts);
    // The banner lists the analysis's messages: in the document's language
    // unless a locale was asked for or configured.
    if a.locale.is_none() && config.locale.is_none() {
        let doc_locale = render::content_locale(&analysis);
        if doc_locale != analysis.locale {
            opts.locale = Some(doc_locale);
            analysis = analyze(std::mem::take(&mut analysis.text), &opts);
        }
    }
    let r = render::render(
        &analysis,
        format,
        &render::Options {
            locale: a.locale,
            ..render::Options::default()
        },
    );
    let written = match &a.out {
        Some(out) => crate::cli::write_atomically(out, &r.text),
        None => std::io::stdout().lock().write_all(r.text.as_bytes()),
    };
    if let Err(e) = written {
        let to = a
            .out
            .as_ref()
            .map_or("stdout".to_string(), |p| p.display().to_string());
        eprintln!("postmortem-lsp render: can't write {to}: {e}");
        return 2;
    }
    if r.errors > 0 {
        eprintln!(
            "postmortem-lsp render: {}",
            msg(
                format!(
                    "rendered with {} error{} still to fix (listed in the banner at the top); `postmortem-lsp check {}` shows them with their fixes.",
                    r.errors,
                    if r.errors == 1 { "" } else { "s" },
                    path.display()
                ),
                format!(
                    "已產生,但還有 {} 個錯誤待修正(列在文件頂端的提示中);執行 `postmortem-lsp check {}` 查看與修正方式。",
                    r.errors,
                    path.display()
                )
            )
        );
    }
    if let Some(out) = &a.out {
        eprintln!(
            "postmortem-lsp render: {}",
            msg(
                format!("wrote {}", out.display()),
                format!("已寫入 {}", out.display())
            )
        );
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct T {
        #[command(flatten)]
        a: Args,
    }

    #[test]
    fn arguments() {
        let t = T::try_parse_from([
            "x",
            "pm.yaml",
            "--format",
            "md",
            "-o",
            "out.md",
            "--locale=zh-TW",
        ])
        .expect("args");
        assert_eq!(t.a.format, FormatArg::Md);
        assert_eq!(t.a.out, Some(PathBuf::from("out.md")));
        assert_eq!(t.a.locale, Some(Locale::ZhTw));
        let t = T::try_parse_from(["x", "pm.yaml", "-f", "markdown"]).expect("alias");
        assert_eq!(t.a.format, FormatArg::Md);
        assert_eq!(
            T::try_parse_from(["x", "pm.yaml"]).map(|t| t.a.format).ok(),
            Some(FormatArg::Html)
        );
        assert!(T::try_parse_from(["x"]).is_err());
        assert!(T::try_parse_from(["x", "a.yaml", "--format", "pdf"]).is_err());
        assert!(T::try_parse_from(["x", "a.yaml", "b.yaml"]).is_err());
    }
}

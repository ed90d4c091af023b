//! `postmortem-lsp draft FILE --section S | --all-missing | --review [--write]`:
//! drafts sections with Claude from the document's declared inputs, checks
//! them like the language server does, and prints them (or writes them into
//! the file, atomically, only when they pass). `--wording` instead asks
//! Claude to review the blameless wording of the prose values (what the
//! editors' "Review blameless wording with Claude" sends) and prints the
//! findings it could place, never changing the file.
//!
//! Nothing is sent without consent: on a terminal the command asks first
//! (showing what is sent on request); without a terminal it refuses unless
//! `--yes` is given. `--dry-run` prints the exact first request body,
//! redacted, and sends nothing.

use crate::analysis::{analyze, Analysis, Cache, Options};
use crate::claude::StreamProgress;
use crate::config::Config;
use crate::diagnostic::Locale;
use crate::draft::{self, DraftError, DraftEvent, Drafted, Drafter, Mode, Target};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use tokio_util::sync::CancellationToken;

/// `postmortem-lsp draft FILE (--section S | --all-missing | --review)`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["section", "all_missing", "review", "wording"])))]
pub struct Args {
    /// The postmortem to draft into.
    file: PathBuf,
    /// The section to draft (e.g. root_cause, action_items).
    #[arg(long, short = 's', value_name = "SECTION")]
    section: Option<String>,
    /// Draft every section that is missing, then the `verify` review.
    #[arg(long)]
    all_missing: bool,
    /// Draft the `verify` review only.
    #[arg(long)]
    review: bool,
    /// Review the blameless wording of the prose values with Claude and print
    /// its findings (PM301–PM306); the file is never changed.
    #[arg(long, conflicts_with_all = ["write", "replace"])]
    wording: bool,
    /// With --wording: one JSON object per finding
    /// (`{"path", "rule", "quote", "reason", "rewrite"}`) instead of text.
    #[arg(long, requires = "wording")]
    json: bool,
    /// Write into FILE after the checks pass (instead of printing YAML).
    #[arg(long, short = 'w')]
    write: bool,
    /// With --write: replace a section that already has content.
    #[arg(long, requires = "write")]
    replace: bool,
    /// The workspace root that input files must stay inside (default: discovered).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Language of the messages and the draft: en or zh-TW.
    #[arg(long, value_parser = super::parse_locale)]
    locale: Option<Locale>,
    /// Print the first request body (redacted) and send nothing; no key needed.
    #[arg(long, short = 'n')]
    dry_run: bool,
    /// Consent to sending without being asked (needed without a terminal).
    #[arg(long, short = 'y')]
    yes: bool,
}

/// What clap can't check: the section's name.
fn validate(a: &Args) -> Result<(), String> {
    if let Some(s) = &a.section {
        if !draft::is_draftable(s) {
            return Err(DraftError::UnknownSection(s.clone()).user_message());
        }
    }
    Ok(())
}

/// One line on stderr, rewritten in place (only when stderr is a terminal).
struct Line {
    on: bool,
    shown: bool,
}

impl Line {
    fn show(&mut self, msg: &str) {
        if !self.on {
            return;
        }
        let mut e = std::io::stderr().lock();
        let msg: String = msg.chars().take(100).collect();
        let _ = write!(e, "\r\x1b[2K{msg}");
        let _ = e.flush();
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            self.shown = false;
        }
    }
}

fn event_line(e: &DraftEvent, step: &str) -> Option<String> {
    Some(match e {
        DraftEvent::Request {
            section,
            repair: false,
        } => format!("{step}{section}: asking Claude…"),
        DraftEvent::Request { .. } => return None,
        DraftEvent::Stream { section, progress } => match progress {
            StreamProgress::Connected => format!("{step}{section}: Claude is answering…"),
            StreamProgress::Text { chars_so_far, .. } => format!(
                "{step}{section}: {} characters received",
                draft::thousands(*chars_so_far as u64)
            ),
            StreamProgress::Retrying {
                attempt,
                wait_s,
                reason,
            } => format!("{step}{section}: {reason}; retry {attempt} in {wait_s:.0} s"),
        },
        DraftEvent::Checking { section } => format!("{step}{section}: checking…"),
        DraftEvent::Repairing { section, problems } => {
            format!("{step}{section}: {problems} problem(s); asking Claude to fix them…")
        }
    })
}

pub fn run(a: Args) -> i32 {
    if let Err(e) = validate(&a) {
        eprintln!("postmortem-lsp draft: {e}");
        return 2;
    }
    let file = a.file.clone();
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("postmortem-lsp draft: can't read {}: {e}", file.display());
            return 2;
        }
    };
    let abs = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let config = Config::discover(&dir);
    for p in &config.problems {
        eprintln!("postmortem-lsp draft: {p}");
    }
    let root = a
        .root
        .as_ref()
        .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()))
        .unwrap_or_else(|| crate::inputs::discover_root(&dir));
    let an = {
        let config = config.clone();
        let abs = abs.clone();
        let root = root.clone();
        let locale = a.locale;
        let cache = Cache::new();
        move |t: String| -> Analysis {
            let mut o = Options::new(&config);
            o.cache = Some(&cache);
            o.path = Some(&abs);
            o.root = Some(&root);
            o.locale = locale;
            analyze(t, &o)
        }
    };
    let analysis = an(text.clone());
    if a.wording {
        return run_wording(&a, &config, &dir, &root, &abs, &analysis);
    }
    let sections: Vec<String> = if a.review {
        vec![draft::REVIEW_SECTION.to_string()]
    } else if a.all_missing {
        // Ends with the verify review (card: the output ends with <verify>).
        draft::missing_plan(&analysis)
    } else {
        a.section.iter().cloned().collect()
    };
    if sections.is_empty() {
        eprintln!("postmortem-lsp draft: every section already has content; nothing to draft. Use `--section NAME` to redraft one.");
        return 0;
    }
    // Replacing what a person wrote is asked first (or allowed with --replace).
    if a.write && !a.replace {
        for s in &sections {
            if !draft::splice::has_content(&analysis.parsed, s) {
                continue;
            }
            if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
                eprint!("`{s}` already has content. Replace it with Claude's draft? [y/N] ");
                let mut answer = String::new();
                let _ = std::io::stdin().read_line(&mut answer);
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    eprintln!("postmortem-lsp draft: nothing was drafted or written.");
                    return 1;
                }
            } else {
                eprintln!("postmortem-lsp draft: `{s}` already has content; add --replace to overwrite it with --write, or run without --write to print the draft.");
                return 2;
            }
        }
    }
    let shown_locale = analysis.locale;
    let fail = |e: &DraftError| report(e, shown_locale);
    let Setup {
        cfg,
        prompts,
        redactor,
        model,
    } = match setup(&config, &dir, &root, a.dry_run, shown_locale) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut drafter = match Drafter::with_privacy(
        cfg,
        prompts,
        &analysis,
        &draft::doc_name(Some(&abs)),
        &redactor,
    ) {
        Ok(d) => d,
        Err(e) => {
            fail(&e);
            return 2;
        }
    };
    let first_target = if a.review {
        Target::Review
    } else {
        Target::Section(sections[0].clone())
    };
    let preview = match drafter.preview(&text, &first_target, &an) {
        Ok(p) => p,
        Err(e) => {
            fail(&e);
            return 2;
        }
    };
    let locale = analysis.locale;
    if a.dry_run {
        println!("{}", preview.pretty());
        eprintln!(
            "{}",
            locale.pick(
                "postmortem-lsp draft: dry run; nothing was sent. Above is the body of the first request",
                "postmortem-lsp draft:試跑,未傳送任何內容。上方是第一個請求的內容"
            )
        );
        eprintln!(
            "  {}",
            preview.question(locale).trim_end_matches(['?', '?'])
        );
        if sections.len() > 1 {
            eprintln!(
                "{}",
                locale.pick(
                    "  Later requests continue the same conversation with the same inputs, plus each accepted draft.",
                    "  之後的請求延續同一段對話,使用相同的輸入,再加上每份已採用的草稿。"
                )
            );
        }
        return 0;
    }
    let (rt, mut line) = match start(a.yes, &preview, locale, Sends::Draft) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let what = if a.review {
        "Reviewing".to_string()
    } else {
        format!("Drafting {}", sections.join(", "))
    };
    line.show(&format!("{what} from {}", drafter.input_files().join(", ")));
    let cancel = CancellationToken::new();
    let total = sections.len();
    let mut acc = text.clone();
    let mut accepted: Vec<Drafted> = Vec::new();
    let mut code = 0;
    for (i, s) in sections.iter().enumerate() {
        let step = if total > 1 {
            format!("({}/{total}) ", i + 1)
        } else {
            String::new()
        };
        let target = Target::for_section(s);
        let result = rt.block_on(drafter.draft(
            &acc,
            &target,
            &cancel,
            &mut |e| {
                if let Some(m) = event_line(&e, &step) {
                    line.show(&m);
                }
            },
            &an,
        ));
        line.clear();
        match result {
            Ok(d) => {
                acc = d.text.clone();
                accepted.push(d);
            }
            Err(e @ DraftError::Rejected { .. }) => {
                fail(&e);
                if let DraftError::Rejected { reasons, draft, .. } = &e {
                    for r in reasons {
                        eprintln!("  - {r}");
                    }
                    eprintln!("Rejected draft (not written):\n{draft}");
                }
                code = 1;
            }
            Err(e) => {
                fail(&e);
                if !accepted.is_empty() {
                    eprintln!("postmortem-lsp draft: nothing was written or printed for the sections drafted before that.");
                }
                return 1;
            }
        }
    }
    for d in &accepted {
        for w in &d.warnings {
            eprintln!("warning: {}", w.describe());
        }
    }
    let totals = drafter.totals();
    eprintln!(
        "Claude ({model}): {} over {} request{}.",
        totals.describe(&model),
        totals.requests,
        if totals.requests == 1 { "" } else { "s" }
    );
    if accepted.is_empty() {
        return code.max(1);
    }
    if !a.write {
        let mut out = std::io::stdout().lock();
        for (i, d) in accepted.iter().enumerate() {
            if i > 0 {
                let _ = writeln!(out);
            }
            let _ = writeln!(out, "{}", d.yaml);
        }
        return code;
    }
    match write_into(&file, &text, &accepted, &an) {
        Ok(written) => {
            eprintln!(
                "postmortem-lsp draft: wrote {} into {}.",
                written.join(", "),
                file.display()
            );
            code
        }
        Err(e) => {
            eprintln!("postmortem-lsp draft: {e}");
            1
        }
    }
}

/// `draft FILE --wording [--json]`: the blameless wording review, as the
/// editors run it (same values, redaction, consent, prompt and strict
/// reading of the answer), printed instead of shown as diagnostics.
fn run_wording(
    a: &Args,
    config: &Config,
    dir: &Path,
    root: &Path,
    abs: &Path,
    analysis: &Analysis,
) -> i32 {
    let locale = analysis.locale;
    let fail = |e: &DraftError| report(e, locale);
    let Setup {
        cfg,
        prompts,
        redactor,
        model,
    } = match setup(config, dir, root, a.dry_run, locale) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut review = match draft::wording::WordingReview::new(
        cfg,
        &prompts,
        analysis,
        &draft::doc_name(Some(abs)),
        &redactor,
    ) {
        Ok(r) => r,
        Err(e) => {
            fail(&e);
            return 2;
        }
    };
    let preview = review.preview();
    if a.dry_run {
        println!("{}", preview.pretty());
        eprintln!(
            "{}",
            locale.pick(
                "postmortem-lsp draft: dry run; nothing was sent. Above is the body of the review request",
                "postmortem-lsp draft:試跑,未傳送任何內容。上方是檢查請求的內容"
            )
        );
        return 0;
    }
    let (rt, mut line) = match start(a.yes, &preview, locale, Sends::Wording) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let cancel = CancellationToken::new();
    let result = rt.block_on(review.run(&cancel, &mut |e| {
        if let Some(m) = event_line(&e, "") {
            line.show(&m);
        }
    }));
    line.clear();
    let findings = match result {
        Ok(f) => f,
        Err(e) => {
            fail(&e);
            return 1;
        }
    };
    let (located, dropped) = draft::wording::locate(analysis, findings);
    let mut out = std::io::stdout().lock();
    for l in &located {
        let f = &l.finding;
        let _ = if a.json {
            writeln!(
                out,
                "{}",
                serde_json::json!({"path": l.path, "rule": f.rule, "quote": f.quote, "reason": f.reason, "rewrite": f.rewrite})
            )
        } else {
            writeln!(
                out,
                "{}: {} {}",
                l.path,
                f.rule,
                draft::wording::message(f, locale)
            )
        };
    }
    if dropped.total() > 0 {
        eprintln!(
            "{}",
            match locale {
                Locale::En => format!("postmortem-lsp draft: {} finding(s) could not be placed in the text (a path or phrase that is not there) and were left out.", dropped.total()),
                Locale::ZhTw => format!("postmortem-lsp draft:有 {} 項檢查結果無法對應到文字(路徑或片語不存在),已略過。", dropped.total()),
            }
        );
    }
    let totals = review.totals();
    eprintln!(
        "Claude ({model}): {} over {} request{}.",
        totals.describe(&model),
        totals.requests,
        if totals.requests == 1 { "" } else { "s" }
    );
    0
}

/// One problem with Claude, on stderr, with the request id when there is one.
fn report(e: &DraftError, locale: Locale) {
    eprintln!("postmortem-lsp draft: {}", e.user_message_for(locale));
    if let DraftError::Claude(c) = e {
        if let Some(id) = c.request_id() {
            eprintln!("postmortem-lsp draft: Anthropic request id: {id}");
        }
    }
}

/// What every request of the command needs, from the document's workspace.
struct Setup {
    cfg: crate::claude::ClaudeConfig,
    prompts: draft::Prompts,
    redactor: crate::privacy::Redactor,
    model: String,
}

/// The Claude settings, prompts and redactor of the workspace in `dir`
/// (`[claude]` and `[privacy]`); a dry run needs no key. On a problem, says
/// what to do and returns the exit code.
fn setup(
    config: &Config,
    dir: &Path,
    root: &Path,
    dry_run: bool,
    locale: Locale,
) -> Result<Setup, i32> {
    if let Err(e) = draft::check_file_base_url(config, false) {
        report(&e, locale);
        return Err(2);
    }
    let mut cfg = draft::claude_config(config, None).map_err(|e| {
        report(&e, locale);
        2
    })?;
    if dry_run && cfg.api_key.is_none() {
        // Nothing is sent in a dry run, so no key is needed; this placeholder
        // only lets the request be built and never leaves the process.
        cfg = cfg.with_api_key("dry-run");
    }
    let model = cfg.model.clone();
    let prompts = draft::Prompts::from_claude_table(
        &config.claude,
        config.path.as_deref(),
        dir,
        Some(root),
        false,
    )
    .map_err(|m| {
        report(&DraftError::Setup(m), locale);
        2
    })?;
    let (redactor, _) = crate::privacy::Redactor::new(&config.privacy);
    Ok(Setup {
        cfg,
        prompts,
        redactor,
        model,
    })
}

/// What a request sends, for the message when consent can't be asked.
#[derive(Clone, Copy)]
enum Sends {
    Draft,
    Wording,
}

/// Asks for consent unless `--yes` was given; `None` to go on, else the exit
/// code after saying that nothing was sent.
fn consented(yes: bool, preview: &draft::Preview, locale: Locale, sends: Sends) -> Option<i32> {
    if yes {
        return None;
    }
    match consent(preview, locale) {
        Consent::Yes => None,
        Consent::No => {
            eprintln!(
                "{}",
                locale.pick(
                    "postmortem-lsp draft: cancelled; nothing was sent.",
                    "postmortem-lsp draft:已取消,未傳送任何內容。"
                )
            );
            Some(1)
        }
        Consent::NoTerminal => {
            let (what_en, them, what_zh) = match sends {
                Sends::Draft => (
                    "drafting sends the postmortem and its inputs",
                    "them",
                    "草擬會把 postmortem 與其輸入檔傳送給",
                ),
                Sends::Wording => (
                    "the review sends the postmortem's prose",
                    "it",
                    "檢查會把 postmortem 的文字傳送給",
                ),
            };
            eprintln!(
                "postmortem-lsp draft: {}",
                match locale {
                    Locale::En => format!("nothing was sent: {what_en} to {} and needs your consent, and there is no terminal to ask on. Add --yes to send {them} ({} redacted), or --dry-run to see exactly what would be sent.", preview.destination, crate::privacy::count_phrase(preview.redacted)),
                    Locale::ZhTw => format!("未傳送任何內容:{what_zh} {},需要你的同意,但目前沒有終端機可詢問。加上 --yes 即可傳送(已遮蔽 {} 項機密),或用 --dry-run 查看實際會傳送的內容。", preview.destination, preview.redacted),
                }
            );
            Some(2)
        }
    }
}

/// After consent (or `--yes`): the runtime the requests run on and the
/// progress line; else the exit code.
fn start(
    yes: bool,
    preview: &draft::Preview,
    locale: Locale,
    sends: Sends,
) -> Result<(tokio::runtime::Runtime, Line), i32> {
    if let Some(code) = consented(yes, preview, locale, sends) {
        return Err(code);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("postmortem-lsp draft: can't start the runtime: {e}");
            2
        })?;
    let line = Line {
        on: std::io::stderr().is_terminal(),
        shown: false,
    };
    Ok((rt, line))
}

enum Consent {
    Yes,
    No,
    NoTerminal,
}

/// Asks on the terminal: send, show what is sent, or cancel.
fn consent(preview: &draft::Preview, locale: Locale) -> Consent {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Consent::NoTerminal;
    }
    loop {
        eprint!(
            "{} {} ",
            preview.question(locale),
            locale.pick(
                "[y]es / [s]how what is sent / [N]o",
                "[y] 傳送 / [s] 顯示傳送內容 / [N] 取消"
            )
        );
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return Consent::No;
        }
        match answer.trim() {
            "y" | "Y" | "yes" => return Consent::Yes,
            "s" | "S" | "show" => eprintln!("{}", preview.readable()),
            _ => return Consent::No,
        }
    }
}

/// Splices the drafts into the file as it is now. If it changed on disk
/// meanwhile, each section is found again; a section that was itself edited
/// is not overwritten.
fn write_into(
    file: &Path,
    original: &str,
    drafts: &[Drafted],
    an: &dyn Fn(String) -> Analysis,
) -> Result<Vec<String>, String> {
    let now = std::fs::read_to_string(file).map_err(|e| {
        format!(
            "can't read {} again: {e}; nothing was written",
            file.display()
        )
    })?;
    let blank = draft::Style::detect(original, &crate::syntax::parse(original)).blank_between;
    let mut text = now.clone();
    let mut written = Vec::new();
    for d in drafts {
        if now != original && draft::reanchor(original, &now, &d.section).changed {
            return Err(format!(
                "{} changed on disk while Claude was drafting, including `{}` itself; nothing was written. Run the command again.",
                file.display(),
                d.section
            ));
        }
        let spliced = draft::splice(&text, &d.section, &d.yaml, Mode::Replace, blank);
        if now != original {
            let a = an(spliced.text.clone());
            let c = draft::check::check_section(&a, &d.section, &spliced.section);
            if let Some(p) = c.errors.first() {
                return Err(format!(
                    "{} changed on disk while Claude was drafting, and `{}` no longer checks out ({}); nothing was written.",
                    file.display(),
                    d.section,
                    p.describe()
                ));
            }
        }
        text = spliced.text;
        written.push(d.section.clone());
    }
    super::write_atomically(file, &text).map_err(|e| {
        format!(
            "can't write {}: {e}; the file was left as it was",
            file.display()
        )
    })?;
    Ok(written)
}

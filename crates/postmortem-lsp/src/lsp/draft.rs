//! Drafting with Claude from the editor: code actions that run commands, the
//! commands themselves (in a spawned task, with `$/progress` and cancel), and
//! applying the checked draft with `workspace/applyEdit` against the version
//! it was drafted from. The engine part is [`crate::draft`].
//!
//! Cancel: `window/workDoneProgress/cancel` for server-created progress; when
//! the client passes its own `workDoneToken` with the command, the request
//! stays open until the draft ends and `$/cancelRequest` cancels it.

use super::documents::InputCache;
pub(super) use super::server::lock;
use super::server::{Backend, State};
use crate::analysis::{analyze, Analysis, Cache, Options};
use crate::claude::StreamProgress;
use crate::config::Config;
use crate::diagnostic::Locale;
use crate::draft::{self, DraftError, DraftEvent, Drafted, Drafter, Mode, Target};
use crate::text::{Encoding, LineIndex, Pos};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

pub const CMD_DRAFT_SECTION: &str = "postmortem.draftSection";
pub const CMD_DRAFT_MISSING: &str = "postmortem.draftMissing";
pub const CMD_REVIEW: &str = "postmortem.review";
/// Reviews the blameless wording with Claude (see [`super::review`]).
pub const CMD_REVIEW_WORDING: &str = "postmortem.reviewWording";
/// What a drafting command would send (the redacted body and the consent
/// question), without sending anything.
pub const CMD_WHAT_IS_SENT: &str = "postmortem.whatIsSent";
/// The commands this module executes.
pub const COMMANDS: &[&str] = &[
    CMD_DRAFT_SECTION,
    CMD_DRAFT_MISSING,
    CMD_REVIEW,
    CMD_REVIEW_WORDING,
    CMD_WHAT_IS_SENT,
];

/// The consent question's actions: (English, 繁體中文).
const SEND: (&str, &str) = ("Send", "傳送");
const ALWAYS: (&str, &str) = ("Always for this workspace", "此工作區一律傳送");
const SHOW: (&str, &str) = ("Show what is sent", "顯示傳送內容");
const CANCEL_SEND: (&str, &str) = ("Cancel", "取消");

const REPLACE: &str = "Replace";
const INSERT_BELOW: &str = "Insert below";
const CANCEL: &str = "Cancel";

/// What the client can do, read at `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DraftCaps {
    /// `workspace.workspaceEdit.documentChanges`: versioned edits.
    pub document_changes: bool,
    /// `window.workDoneProgress`: server-created progress.
    pub work_done_progress: bool,
}

impl DraftCaps {
    pub(crate) fn from_client(caps: &ClientCapabilities) -> DraftCaps {
        DraftCaps {
            document_changes: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
        }
    }
}

/// Drafts running now in one server, by progress token, with the document
/// each one drafts for. Owned by the [`Backend`]: two servers in one process
/// share nothing.
#[derive(Default)]
pub(crate) struct Drafts {
    running: Mutex<HashMap<String, (Uri, CancellationToken)>>,
    next: AtomicU64,
}

impl Drafts {
    /// Stops every draft of a document (it was closed: nobody will see the
    /// result, so no more tokens are spent on it).
    pub fn cancel_for_document(&self, uri: &Uri) {
        if let Ok(r) = self.running.lock() {
            for (u, c) in r.values() {
                if u == uri {
                    c.cancel();
                }
            }
        }
    }

    fn cancel_token(&self, t: &NumberOrString) {
        let token = self
            .running
            .lock()
            .ok()
            .and_then(|r| r.get(&token_key(t)).map(|(_, c)| c.clone()));
        if let Some(c) = token {
            c.cancel();
        }
    }

    fn register(&self, t: &NumberOrString, uri: &Uri, cancel: CancellationToken) {
        if let Ok(mut r) = self.running.lock() {
            r.insert(token_key(t), (uri.clone(), cancel));
        }
    }

    fn unregister(&self, t: &NumberOrString) {
        if let Ok(mut r) = self.running.lock() {
            r.remove(&token_key(t));
        }
    }

    fn new_token(&self) -> NumberOrString {
        NumberOrString::String(format!(
            "postmortem-draft-{}-{}",
            std::process::id(),
            self.next.fetch_add(1, Ordering::Relaxed) + 1
        ))
    }
}

fn token_key(t: &NumberOrString) -> String {
    match t {
        NumberOrString::Number(n) => format!("n:{n}"),
        NumberOrString::String(s) => format!("s:{s}"),
    }
}

/// Cancels the draft when the request that waits for it is dropped
/// (`$/cancelRequest`).
struct CancelOnDrop(Option<CancellationToken>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.cancel();
        }
    }
}

impl Backend {
    /// `window/workDoneProgress/cancel`: stops the draft reporting on that token
    /// (closing its HTTP stream). Registered as a custom method in `lsp::serve`.
    pub async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        self.drafts.cancel_token(&params.token);
    }
}

// ---------------------------------------------------------------------------
// Code actions

pub(super) fn kind_wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|o| {
        o.iter().any(|w| {
            let w = w.as_str();
            let k = kind.as_str();
            k == w || (k.starts_with(w) && k[w.len()..].starts_with('.'))
        })
    })
}

fn command_action(
    title: String,
    kind: CodeActionKind,
    command: &str,
    args: Value,
    diagnostics: Option<Vec<Diagnostic>>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: title.clone(),
        kind: Some(kind),
        diagnostics,
        command: Some(Command {
            title,
            command: command.to_string(),
            arguments: Some(vec![args]),
        }),
        ..Default::default()
    })
}

/// The section names a missing-section diagnostic (PM002 at the top level,
/// PM601) talks about.
fn missing_section_of(d: &crate::diagnostic::Diagnostic) -> Option<&'static str> {
    let top_missing = d.field.is_empty() && (d.code == "PM002" || d.code == "PM601");
    if !top_missing {
        return None;
    }
    let named = d.missing?;
    draft::draftable().find(|s| *s == named)
}

/// The drafting actions for a range: on a section (its key or inside it),
/// on a missing-section diagnostic, and the source actions.
pub(crate) fn code_actions(st: &State, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let Some(doc) = st.docs.get(uri) else {
        return Vec::new();
    };
    if !doc.is_postmortem {
        return Vec::new();
    }
    let a = &doc.analysis;
    let enc = st.encoding;
    let only = params.context.only.as_deref();
    let start = super::convert::offset(a, params.range.start, enc);
    let end = super::convert::offset(a, params.range.end, enc);
    let mut out = Vec::new();
    let mut offered: Vec<&str> = Vec::new();

    // Missing sections named by diagnostics in the range.
    if kind_wanted(only, &CodeActionKind::QUICKFIX) {
        for d in a
            .diagnostics
            .iter()
            .filter(|d| d.span.start <= end && d.span.end >= start)
        {
            let Some(section) = missing_section_of(d) else {
                continue;
            };
            if offered.contains(&section) {
                continue;
            }
            offered.push(section);
            out.push(command_action(
                format!("Draft {section} with Claude"),
                CodeActionKind::QUICKFIX,
                CMD_DRAFT_SECTION,
                json!({"uri": uri.as_str(), "section": section}),
                Some(vec![super::convert::diagnostic(a, d, enc)]),
            ));
        }
    }

    // The section the cursor is in (or on the key of).
    let kind = CodeActionKind::REFACTOR_REWRITE;
    if kind_wanted(only, &kind) {
        let pairs = a.root().and_then(|r| r.as_map()).unwrap_or(&[]);
        if let Some(p) = pairs.iter().find(|p| {
            let line_start = a.lines.line_start(a.lines.line_of(p.span.start));
            start >= line_start && start <= p.span.end
        }) {
            let name = p.key.value.as_str();
            if let Some(section) = draft::draftable().find(|s| *s == name) {
                if !offered.contains(&section) {
                    let verb = if draft::splice::has_content(&a.parsed, section) {
                        "Redraft"
                    } else {
                        "Draft"
                    };
                    out.push(command_action(
                        format!("{verb} {section} with Claude"),
                        kind.clone(),
                        CMD_DRAFT_SECTION,
                        json!({"uri": uri.as_str(), "section": section}),
                        None,
                    ));
                }
            }
        }
    }

    if kind_wanted(only, &CodeActionKind::SOURCE) {
        if !draft::missing_sections(a).is_empty() {
            out.push(command_action(
                "Draft all missing sections with Claude".into(),
                CodeActionKind::SOURCE,
                CMD_DRAFT_MISSING,
                json!({"uri": uri.as_str()}),
                None,
            ));
        }
        out.push(command_action(
            "Review with Claude".into(),
            CodeActionKind::SOURCE,
            CMD_REVIEW,
            json!({"uri": uri.as_str()}),
            None,
        ));
        out.push(command_action(
            a.locale
                .pick(
                    "Review blameless wording with Claude",
                    "請 Claude 檢查無責備用語",
                )
                .into(),
            CodeActionKind::SOURCE,
            CMD_REVIEW_WORDING,
            json!({"uri": uri.as_str()}),
            None,
        ));
    }
    out
}

// ---------------------------------------------------------------------------
// Commands

#[derive(Clone, Debug, PartialEq, Eq)]
enum Job {
    Section(String),
    Missing,
    Review,
    /// The blameless wording review ([`super::review`]).
    Wording,
}

/// Runs one of [`COMMANDS`]; `None` for a command that is not ours.
pub(crate) async fn execute(
    b: &Backend,
    params: &ExecuteCommandParams,
) -> Option<Result<Option<Value>>> {
    let cmd = params.command.as_str();
    if !COMMANDS.contains(&cmd) {
        return None;
    }
    let arg = params.arguments.first().cloned().unwrap_or(Value::Null);
    let Some(uri) = arg
        .get("uri")
        .and_then(Value::as_str)
        .and_then(|u| u.parse::<Uri>().ok())
    else {
        return Some(Err(jsonrpc::Error::invalid_params(format!(
            "{cmd} takes {{\"uri\": …}} as its argument"
        ))));
    };
    // Drafting reads the document's analysis (which sections have content,
    // where they are): wait until it includes every edit received so far, or
    // a change made just before the command would be missed.
    b.settle(&uri).await;
    let job = match cmd {
        CMD_WHAT_IS_SENT => match arg.get("section").and_then(Value::as_str) {
            Some(s) if s == draft::REVIEW_SECTION => Job::Review,
            Some(s) if draft::is_draftable(s) => Job::Section(s.to_string()),
            Some(s) => {
                return Some(Err(jsonrpc::Error::invalid_params(
                    DraftError::UnknownSection(s.to_string()).user_message(),
                )))
            }
            None if arg.get("review").and_then(Value::as_bool) == Some(true) => Job::Review,
            None if arg.get("wording").and_then(Value::as_bool) == Some(true) => Job::Wording,
            None => Job::Missing,
        },
        CMD_DRAFT_SECTION => match arg.get("section").and_then(Value::as_str) {
            Some(s) if draft::is_draftable(s) => Job::Section(s.to_string()),
            Some(s) => {
                return Some(Err(jsonrpc::Error::invalid_params(
                    DraftError::UnknownSection(s.to_string()).user_message(),
                )))
            }
            None => {
                return Some(Err(jsonrpc::Error::invalid_params(format!(
                    "{cmd} takes {{\"uri\": …, \"section\": …}} as its argument"
                ))))
            }
        },
        CMD_DRAFT_MISSING => Job::Missing,
        CMD_REVIEW_WORDING => Job::Wording,
        _ => Job::Review,
    };
    if cmd == CMD_WHAT_IS_SENT {
        return Some(what_is_sent(b, &uri, &job).map(Some).map_err(|m| {
            let mut e = jsonrpc::Error::invalid_request();
            e.message = m.into();
            e
        }));
    }
    // `"consent": "once"` or `"always"`: the client asked the user itself
    // (the editor extensions do, and remember "always" on their side).
    let consent = arg
        .get("consent")
        .and_then(Value::as_str)
        .filter(|c| matches!(*c, "once" | "always"))
        .map(str::to_string);
    let client_token = params.work_done_progress_params.work_done_token.clone();
    let token = client_token.clone().unwrap_or_else(|| b.drafts.new_token());
    let cancel = CancellationToken::new();
    b.drafts.register(&token, &uri, cancel.clone());
    let ctx = Ctx {
        client: b.client.clone(),
        publisher: b.publisher.clone(),
        state: b.state.clone(),
        inputs: b.inputs.clone(),
        cache: b.cache.clone(),
        uri,
        token: token.clone(),
        create_progress: client_token.is_none(),
        cancel: cancel.clone(),
        consent,
    };
    let drafts = b.drafts.clone();
    let handle = tokio::spawn(async move {
        let token = ctx.token.clone();
        run(ctx, job).await;
        drafts.unregister(&token);
    });
    if client_token.is_some() {
        // Client-created progress lives as long as this request: keep it open
        // so that `$/cancelRequest` (which drops it) cancels the draft.
        let mut guard = CancelOnDrop(Some(cancel));
        let _ = handle.await;
        guard.0 = None;
    }
    Some(Ok(None))
}

pub(super) struct Ctx {
    pub(super) client: Client,
    pub(super) publisher: super::publish::Publisher,
    pub(super) state: Arc<Mutex<State>>,
    pub(super) inputs: Arc<InputCache>,
    pub(super) cache: Arc<Cache>,
    pub(super) uri: Uri,
    pub(super) token: NumberOrString,
    pub(super) create_progress: bool,
    pub(super) cancel: CancellationToken,
    /// Consent the client collected itself ("once" or "always").
    consent: Option<String>,
}

/// The document and its settings as the draft starts.
pub(super) struct Snapshot {
    text: String,
    path: Option<PathBuf>,
    config: Config,
    root: Option<PathBuf>,
    locale: Option<Locale>,
    api_key: Option<String>,
    base_url_from_editor: bool,
    prompts_dir_from_editor: bool,
    pub(super) caps: DraftCaps,
    pub(super) analysis: Arc<Analysis>,
}

fn setting<'a>(settings: &'a Value, pointer: &str) -> Option<&'a Value> {
    settings
        .pointer(&format!("/postmortem{pointer}"))
        .or_else(|| settings.pointer(pointer))
}

pub(super) fn snapshot(state: &Mutex<State>, uri: &Uri) -> std::result::Result<Snapshot, String> {
    let mut st = lock(state);
    let (text, path, is_pm, analysis) = {
        let doc = st.docs.get(uri).ok_or(
            "The postmortem is not open in the editor; open it and run the command again.",
        )?;
        (
            doc.rope.to_string(),
            doc.path.clone(),
            doc.is_postmortem,
            doc.analysis.clone(),
        )
    };
    if !is_pm {
        return Err("This file is not a postmortem (no `incident_ref`); drafting works on postmortem documents.".into());
    }
    // The same configuration the diagnostics use.
    let (config, root, locale) = st.document_settings(path.as_deref());
    // The key lives in the editor's settings (memory) only; never in the config.
    let api_key = setting(&st.settings, "/claude/apiKey")
        .and_then(Value::as_str)
        .map(str::to_string);
    let base_url_from_editor = ["/claude/baseUrl", "/claude/base_url"]
        .iter()
        .any(|p| setting(&st.settings, p).is_some());
    let prompts_dir_from_editor = ["/claude/promptsDir", "/claude/prompts_dir"]
        .iter()
        .any(|p| setting(&st.settings, p).is_some());
    Ok(Snapshot {
        text,
        path,
        config,
        root,
        locale,
        api_key,
        base_url_from_editor,
        prompts_dir_from_editor,
        caps: st.draft,
        analysis,
    })
}

impl Snapshot {
    /// Analyses a text as this document (same path, workspace, settings).
    pub(super) fn analyzer(
        &self,
        inputs: Arc<InputCache>,
        cache: Arc<Cache>,
    ) -> impl Fn(String) -> Analysis + Send + Sync + 'static {
        let config = self.config.clone();
        let path = self.path.clone();
        let root = self.root.clone();
        let locale = self.locale;
        move |text: String| {
            let run = || {
                let mut o = Options::new(&config);
                o.path = path.as_deref();
                o.root = root.as_deref();
                o.locale = locale;
                o.inputs = &*inputs;
                o.cache = Some(&cache);
                analyze(text, &o)
            };
            // A full analysis takes a while on a large document: let the
            // runtime move other work off this thread meanwhile.
            let multi = tokio::runtime::Handle::try_current()
                .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
            if multi {
                tokio::task::block_in_place(run)
            } else {
                run()
            }
        }
    }
}

/// Progress reporting on one token (a no-op when the client can't show it).
pub(super) struct Progress {
    pub(super) client: Client,
    pub(super) token: NumberOrString,
    pub(super) on: bool,
}

impl Progress {
    /// A channel whose messages are reported in order by a task of their own
    /// (ends when the sender is dropped).
    pub(super) fn forwarder(
        &self,
    ) -> (
        tokio::sync::mpsc::UnboundedSender<String>,
        tokio::task::JoinHandle<()>,
    ) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let p = Progress {
            client: self.client.clone(),
            token: self.token.clone(),
            on: self.on,
        };
        let forward = tokio::spawn(async move {
            while let Some(m) = rx.recv().await {
                p.report(m).await;
            }
        });
        (tx, forward)
    }

    async fn send(&self, value: WorkDoneProgress) {
        if self.on {
            self.client
                .send_notification::<notification::Progress>(ProgressParams {
                    token: self.token.clone(),
                    value: ProgressParamsValue::WorkDone(value),
                })
                .await;
        }
    }

    pub(super) async fn begin(&self, title: String) {
        self.send(WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title,
            cancellable: Some(true),
            message: None,
            percentage: None,
        }))
        .await;
    }

    pub(super) async fn report(&self, message: String) {
        self.send(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(true),
            message: Some(message),
            percentage: None,
        }))
        .await;
    }

    pub(super) async fn end(&self, message: String) {
        self.send(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some(message),
        }))
        .await;
    }
}

fn input_names(a: &Analysis) -> Vec<String> {
    a.inputs
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .filter(|e| e.file.is_ok())
        .map(|e| e.rel.clone())
        .collect()
}

pub(super) fn event_message(e: &DraftEvent, step: &str) -> Option<String> {
    Some(match e {
        DraftEvent::Request {
            section,
            repair: false,
        } => format!("{step}{section}: asking Claude…"),
        DraftEvent::Request { repair: true, .. } => return None,
        DraftEvent::Stream { section, progress } => match progress {
            StreamProgress::Connected => format!("{step}{section}: Claude is answering…"),
            StreamProgress::Text {
                chars_so_far,
                output_tokens_so_far,
            } => match output_tokens_so_far {
                Some(t) => format!(
                    "{step}{section}: {} characters received ({} tokens)",
                    draft::thousands(*chars_so_far as u64),
                    draft::thousands(*t)
                ),
                None => format!(
                    "{step}{section}: {} characters received",
                    draft::thousands(*chars_so_far as u64)
                ),
            },
            StreamProgress::Retrying {
                attempt,
                wait_s,
                reason,
            } => format!("{step}{section}: {reason}; retry {attempt} in {wait_s:.0} s"),
        },
        DraftEvent::Checking { section } => {
            format!("{step}{section}: checking the draft against the rules…")
        }
        DraftEvent::Repairing { section, problems } => format!(
            "{step}{section}: {problems} problem{} found; asking Claude once more to fix {}…",
            if *problems == 1 { "" } else { "s" },
            if *problems == 1 { "it" } else { "them" }
        ),
    })
}

async fn run(ctx: Ctx, job: Job) {
    if job == Job::Wording {
        return super::review::run(ctx).await;
    }
    let mut progress = Progress {
        client: ctx.client.clone(),
        token: ctx.token.clone(),
        on: true,
    };
    let snap = match snapshot(&ctx.state, &ctx.uri) {
        Ok(s) => s,
        Err(m) => {
            ctx.client.show_message(MessageType::WARNING, &m).await;
            return;
        }
    };
    let sections: Vec<String> = match &job {
        Job::Section(s) => vec![s.clone()],
        Job::Review => vec![draft::REVIEW_SECTION.to_string()],
        // Ends with the verify review (card: the output ends with <verify>).
        Job::Missing => draft::missing_plan(&snap.analysis),
        Job::Wording => Vec::new(),
    };
    if sections.is_empty() {
        ctx.client
            .show_message(
                MessageType::INFO,
                "Every section already has content. To replace one, use \"Redraft … with Claude\" on it.",
            )
            .await;
        return;
    }
    if ctx.create_progress {
        progress.on = snap.caps.work_done_progress
            && ctx
                .client
                .create_work_done_progress(ctx.token.clone())
                .await
                .is_ok();
    }
    let files = input_names(&snap.analysis).join(", ");
    let what = match &job {
        Job::Section(s) => format!("Drafting {s}"),
        Job::Review | Job::Wording => "Reviewing the postmortem (verify)".to_string(),
        Job::Missing => format!(
            "Drafting {} missing section{}",
            sections.len(),
            if sections.len() == 1 { "" } else { "s" }
        ),
    };
    let title = if files.is_empty() {
        format!("{what} with Claude")
    } else {
        format!("{what} from {files}")
    };
    progress.begin(title).await;

    let outcome = draft_and_apply(&ctx, &snap, &job, &sections, &progress).await;
    // A cancel is what the user asked for: reported in the progress and the
    // log, without a message box.
    let (end, typ, message, pop_up) = match outcome {
        Ok(s) => (s.end, s.typ, s.message, true),
        Err(e) if ctx.cancel.is_cancelled() => (e.clone(), MessageType::INFO, Some(e), false),
        Err(e) => (e.clone(), MessageType::ERROR, Some(e), true),
    };
    progress.end(end).await;
    if let Some(m) = message {
        ctx.client.log_message(typ, &m).await;
        if pop_up {
            ctx.client.show_message(typ, m).await;
        }
    }
}

struct Summary {
    end: String,
    typ: MessageType,
    message: Option<String>,
}

async fn draft_and_apply(
    ctx: &Ctx,
    snap: &Snapshot,
    job: &Job,
    sections: &[String],
    progress: &Progress,
) -> std::result::Result<Summary, String> {
    let fail = |e: DraftError| e.user_message_for(snap.analysis.locale);
    let an = snap.analyzer(ctx.inputs.clone(), ctx.cache.clone());
    let (mut drafter, locale) = make_drafter(snap, &an, false)?;
    let model = drafter.model().to_string();
    let preview = drafter
        .preview(&snap.text, &first_target(job, sections), &an)
        .map_err(fail)?;
    if !consent(ctx, snap, &preview, locale).await {
        let m = locale
            .pick(
                "Nothing was sent to Claude, and the document was not changed.",
                "沒有傳送任何內容給 Claude,文件也未變更。",
            )
            .to_string();
        return Ok(Summary {
            end: m.clone(),
            typ: MessageType::INFO,
            message: Some(m),
        });
    }

    // Progress reports go through a channel, in order, from a forwarding task.
    let (tx, forward) = progress.forwarder();

    let mut acc = snap.text.clone();
    let mut accepted: Vec<Drafted> = Vec::new();
    let mut rejected: Vec<String> = Vec::new();
    let mut stopped: Option<DraftError> = None;
    let total = sections.len();
    for (i, section) in sections.iter().enumerate() {
        let step = if total > 1 {
            format!("({}/{total}) ", i + 1)
        } else {
            String::new()
        };
        let target = if *job == Job::Review {
            Target::Review
        } else {
            Target::for_section(section)
        };
        let tx2 = tx.clone();
        let mut on_event = move |e: DraftEvent| {
            if let Some(m) = event_message(&e, &step) {
                let _ = tx2.send(m);
            }
        };
        match drafter
            .draft(&acc, &target, &ctx.cancel, &mut on_event, &an)
            .await
        {
            Ok(d) => {
                acc = d.text.clone();
                accepted.push(d);
            }
            Err(DraftError::Rejected {
                section,
                reasons,
                draft,
            }) => {
                let e = DraftError::Rejected {
                    section: section.clone(),
                    reasons: reasons.clone(),
                    draft: draft.clone(),
                };
                ctx.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "Rejected draft of `{section}` (not applied). Problems:\n{}\n--- draft ---\n{draft}\n--- end of draft ---",
                            reasons.iter().map(|r| format!("- {r}")).collect::<Vec<_>>().join("\n")
                        ),
                    )
                    .await;
                rejected.push(e.user_message_for(locale));
                if total == 1 {
                    stopped = Some(e);
                    break;
                }
            }
            Err(e) => {
                if let DraftError::Claude(c) = &e {
                    if let Some(id) = c.request_id() {
                        ctx.client
                            .log_message(MessageType::INFO, format!("Anthropic request id: {id}"))
                            .await;
                    }
                }
                stopped = Some(e);
                break;
            }
        }
    }
    drop(tx);
    let _ = forward.await;
    let totals = drafter.totals();
    let cost = totals.describe(&model);

    if let Some(e) = stopped {
        let mut m = e.user_message_for(locale);
        if !accepted.is_empty() {
            m.push_str(&format!(
                " The {} section{} drafted before that {} not applied either.",
                accepted.len(),
                if accepted.len() == 1 { "" } else { "s" },
                if accepted.len() == 1 { "was" } else { "were" }
            ));
        }
        if totals.requests > 0 {
            m.push_str(&format!(" ({cost}.)"));
        }
        return Err(m);
    }

    for d in &accepted {
        ctx.client
            .log_message(
                MessageType::INFO,
                format!("Draft of `{}`:\n{}", d.section, d.yaml),
            )
            .await;
    }
    let applied = apply(ctx, snap, &accepted, &an).await?;
    let mut parts = Vec::new();
    if !applied.sections.is_empty() {
        parts.push(format!("Drafted {}", applied.sections.join(", ")));
    }
    if !applied.skipped.is_empty() {
        parts.push(applied.skipped.join(" "));
    }
    parts.extend(rejected.iter().cloned());
    let warnings: usize = accepted
        .iter()
        .filter(|d| applied.sections.contains(&d.section))
        .map(|d| d.warnings.len())
        .sum();
    if warnings > 0 {
        parts.push(format!(
            "{warnings} warning{} to review (TODOs and similar).",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    let typ = if rejected.is_empty() && applied.skipped.is_empty() {
        MessageType::INFO
    } else {
        MessageType::WARNING
    };
    let end = format!(
        "{}: {cost} over {} request{}{}",
        if applied.sections.is_empty() {
            "Nothing applied"
        } else {
            "Done"
        },
        totals.requests,
        if totals.requests == 1 { "" } else { "s" },
        if totals.retries > 0 {
            format!(
                " ({} retr{})",
                totals.retries,
                if totals.retries == 1 { "y" } else { "ies" }
            )
        } else {
            String::new()
        }
    );
    let message = format!("{}. {cost}.", parts.join(". ").trim_end_matches('.'));
    Ok(Summary {
        end,
        typ,
        message: Some(message),
    })
}

fn first_target(job: &Job, sections: &[String]) -> Target {
    match (job, sections.first()) {
        (Job::Review, _) | (_, None) => Target::Review,
        (_, Some(s)) => Target::Section(s.clone()),
    }
}

/// The drafter for a snapshot (inputs and document redacted by its
/// `[privacy]` settings) and the messages' language. `preview_only` builds
/// it without a key: nothing will be sent.
fn make_drafter(
    snap: &Snapshot,
    an: &(dyn Fn(String) -> Analysis + Send + Sync),
    preview_only: bool,
) -> std::result::Result<(Drafter, Locale), String> {
    let fail = |e: DraftError| e.user_message_for(snap.analysis.locale);
    let (cfg, prompts, redactor) = claude_setup(snap, preview_only)?;
    let fresh = an(snap.text.clone());
    let drafter = Drafter::with_privacy(
        cfg,
        prompts,
        &fresh,
        &draft::doc_name(snap.path.as_deref()),
        &redactor,
    )
    .map_err(fail)?;
    Ok((drafter, fresh.locale))
}

/// The blameless wording review for a snapshot, with the same settings,
/// prompts directory and `[privacy]` redaction as drafts, and the analysis
/// of the snapshot's text it was built from (its findings are located in
/// that text).
pub(super) fn make_wording_review(
    snap: &Snapshot,
    an: &(dyn Fn(String) -> Analysis + Send + Sync),
    preview_only: bool,
) -> std::result::Result<(draft::wording::WordingReview, Analysis), String> {
    let (cfg, prompts, redactor) = claude_setup(snap, preview_only)?;
    let fresh = an(snap.text.clone());
    let review = draft::wording::WordingReview::new(
        cfg,
        &prompts,
        &fresh,
        &draft::doc_name(snap.path.as_deref()),
        &redactor,
    )
    .map_err(|e| e.user_message_for(fresh.locale))?;
    Ok((review, fresh))
}

/// The Claude settings, prompts and redactor of a snapshot (the document's
/// `[claude]` and `[privacy]` settings). `preview_only` works without a
/// key: nothing will be sent.
fn claude_setup(
    snap: &Snapshot,
    preview_only: bool,
) -> std::result::Result<
    (
        crate::claude::ClaudeConfig,
        draft::Prompts,
        crate::privacy::Redactor,
    ),
    String,
> {
    let fail = |e: DraftError| e.user_message_for(snap.analysis.locale);
    draft::check_file_base_url(&snap.config, snap.base_url_from_editor).map_err(fail)?;
    let mut cfg = draft::claude_config(&snap.config, snap.api_key.as_deref()).map_err(fail)?;
    if preview_only && cfg.api_key.is_none() {
        // Never sent: only lets the request body be built.
        cfg = cfg.with_api_key("preview");
    }
    let base_dir = snap
        .path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let prompts = draft::Prompts::from_claude_table(
        &snap.config.claude,
        snap.config.path.as_deref(),
        &base_dir,
        snap.root.as_deref().or(Some(base_dir.as_path())),
        snap.prompts_dir_from_editor,
    )
    .map_err(|m| fail(DraftError::Setup(m)))?;
    let (redactor, _) = crate::privacy::Redactor::new(&snap.config.privacy);
    Ok((cfg, prompts, redactor))
}

/// The workspace a consent applies to: the root, else the document's folder.
fn consent_key(snap: &Snapshot) -> PathBuf {
    snap.root.clone().unwrap_or_else(|| {
        snap.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    })
}

/// Asks before the first request from a workspace: Send, Always for this
/// workspace, Show what is sent (into the output log, then asked again), or
/// Cancel. A dismissed question is a cancel.
pub(super) async fn consent(
    ctx: &Ctx,
    snap: &Snapshot,
    preview: &draft::Preview,
    locale: Locale,
) -> bool {
    let key = consent_key(snap);
    match ctx.consent.as_deref() {
        Some("once") => return true,
        Some("always") => {
            lock(&ctx.state).consented.insert(key);
            return true;
        }
        _ => {}
    }
    if lock(&ctx.state).consented.contains(&key) {
        return true;
    }
    let t = |p: (&'static str, &'static str)| locale.pick(p.0, p.1).to_string();
    let mut question = preview.question(locale);
    for _ in 0..5 {
        let actions = [SEND, ALWAYS, SHOW, CANCEL_SEND]
            .iter()
            .map(|a| MessageActionItem {
                title: t(*a),
                properties: HashMap::new(),
            })
            .collect();
        let picked = ctx
            .client
            .show_message_request(MessageType::INFO, question.clone(), Some(actions))
            .await;
        let title = match picked {
            Ok(Some(a)) => a.title,
            _ => return false,
        };
        if title == t(SEND) {
            return true;
        }
        if title == t(ALWAYS) {
            lock(&ctx.state).consented.insert(key);
            return true;
        }
        if title != t(SHOW) {
            return false;
        }
        ctx.client
            .log_message(
                MessageType::INFO,
                format!(
                    "{}\n{}",
                    locale.pick(
                        "What is sent (the first request, redacted; nothing has been sent yet):",
                        "傳送內容(第一個請求,已遮蔽;尚未傳送任何內容):"
                    ),
                    preview.readable()
                ),
            )
            .await;
        question = format!(
            "{} {}",
            preview.question(locale),
            locale.pick(
                "(The request is in the output log.)",
                "(請求內容在輸出記錄中。)"
            )
        );
    }
    false
}

/// `postmortem.whatIsSent`: the consent question and the exact first
/// request body, redacted, for a drafting job. Sends nothing, needs no key.
fn what_is_sent(b: &Backend, uri: &Uri, job: &Job) -> std::result::Result<Value, String> {
    let snap = snapshot(&b.state, uri)?;
    if *job == Job::Wording {
        let an = snap.analyzer(b.inputs.clone(), b.cache.clone());
        let (review, fresh) = make_wording_review(&snap, &an, true)?;
        let p = review.preview();
        return Ok(preview_json(b, &snap, &p, fresh.locale, &[]));
    }
    let sections: Vec<String> = match job {
        Job::Section(s) => vec![s.clone()],
        Job::Review => vec![draft::REVIEW_SECTION.to_string()],
        Job::Missing => draft::missing_sections(&snap.analysis)
            .into_iter()
            .map(str::to_string)
            .collect(),
        Job::Wording => Vec::new(),
    };
    let an = snap.analyzer(b.inputs.clone(), b.cache.clone());
    let (drafter, locale) = make_drafter(&snap, &an, true)?;
    let p = drafter
        .preview(&snap.text, &first_target(job, &sections), &an)
        .map_err(|e| e.user_message())?;
    Ok(preview_json(b, &snap, &p, locale, &sections))
}

/// The answer of `postmortem.whatIsSent` for one preview.
fn preview_json(
    b: &Backend,
    snap: &Snapshot,
    p: &draft::Preview,
    locale: Locale,
    sections: &[String],
) -> Value {
    let remembered = lock(&b.state).consented.contains(&consent_key(snap));
    let actions: Vec<&str> = [SEND, ALWAYS, SHOW, CANCEL_SEND]
        .iter()
        .map(|a| locale.pick(a.0, a.1))
        .collect();
    json!({
        "question": p.question(locale),
        "text": p.readable(),
        "body": p.body,
        "files": p.files,
        "bytes": p.bytes,
        "tokens": p.tokens,
        "redacted": p.redacted,
        "model": p.model,
        "destination": p.destination,
        "sections": sections,
        "alwaysForWorkspace": remembered,
        "actions": actions,
    })
}

#[derive(Default)]
struct Applied {
    sections: Vec<String>,
    skipped: Vec<String>,
}

async fn ask(client: &Client, message: String) -> Mode2 {
    let actions = [REPLACE, INSERT_BELOW, CANCEL]
        .iter()
        .map(|t| MessageActionItem {
            title: t.to_string(),
            properties: HashMap::new(),
        })
        .collect();
    match client
        .show_message_request(MessageType::WARNING, message, Some(actions))
        .await
    {
        Ok(Some(a)) if a.title == REPLACE => Mode2::Replace,
        Ok(Some(a)) if a.title == INSERT_BELOW => Mode2::InsertBelow,
        _ => Mode2::Skip,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode2 {
    Replace,
    InsertBelow,
    Skip,
}

fn current(state: &Mutex<State>, uri: &Uri) -> Option<(String, i32, Encoding)> {
    let st = lock(state);
    st.docs
        .get(uri)
        .map(|d| (d.rope.to_string(), d.version, st.encoding))
}

fn lsp_range(text: &str, span: &crate::text::Span, enc: Encoding) -> Range {
    let li = LineIndex::new(text);
    let p = |o: usize| {
        let Pos { line, col } = li.position(text, o, enc);
        Position {
            line,
            character: col,
        }
    };
    Range {
        start: p(span.start),
        end: p(span.end),
    }
}

/// Applies the accepted drafts to the document as it is now: at once when it
/// did not change; re-located when the user typed elsewhere; after asking when
/// a section had content or changed meanwhile. Never loses text: the edit is
/// versioned (when the client supports it) and recomputed if refused.
async fn apply(
    ctx: &Ctx,
    snap: &Snapshot,
    drafts: &[Drafted],
    an: &(dyn Fn(String) -> Analysis + Send + Sync),
) -> std::result::Result<Applied, String> {
    let mut out = Applied::default();
    if drafts.is_empty() {
        return Ok(out);
    }
    let style_blank = {
        let p = crate::syntax::parse(&snap.text);
        draft::Style::detect(&snap.text, &p).blank_between
    };
    let mut choices: HashMap<String, Mode2> = HashMap::new();
    for attempt in 0..4 {
        let Some((now, version, enc)) = current(&ctx.state, &ctx.uri) else {
            return Err("The document was closed while Claude was drafting, so nothing was applied. The draft is in the output log; open the document and run the command again.".into());
        };
        // Ask first, about every section that needs it (then look again).
        let mut asked = false;
        for d in drafts {
            if choices.contains_key(&d.section) {
                continue;
            }
            let changed = now != snap.text && draft::reanchor(&snap.text, &now, &d.section).changed;
            if !(d.had_content || changed) {
                continue;
            }
            let s = &d.section;
            let q = if changed {
                format!("`{s}` changed while Claude was drafting it. Replace it with the draft, insert the draft below it, or cancel (the draft stays in the output log)?")
            } else {
                format!("`{s}` already has content. Replace it with Claude's draft, insert the draft below it, or cancel (the draft stays in the output log)?")
            };
            choices.insert(s.clone(), ask(&ctx.client, q).await);
            asked = true;
        }
        if asked {
            continue;
        }
        let mut text = now.clone();
        let mut sections = Vec::new();
        let mut skipped = Vec::new();
        for d in drafts {
            let mode = match choices.get(&d.section).copied().unwrap_or(Mode2::Replace) {
                Mode2::Skip => {
                    skipped.push(format!(
                        "`{}` was left as it is (the draft is in the output log).",
                        d.section
                    ));
                    continue;
                }
                Mode2::Replace => Mode::Replace,
                Mode2::InsertBelow => Mode::InsertBelow,
            };
            let spliced = draft::splice(&text, &d.section, &d.yaml, mode, style_blank);
            if now != snap.text && mode == Mode::Replace {
                // The document moved on: check the section again where it lands.
                let a = an(spliced.text.clone());
                let c = draft::check::check_section(&a, &d.section, &spliced.section);
                if let Some(p) = c.errors.first() {
                    skipped.push(format!(
                        "`{}` was not applied: after your edits, {}. The draft is in the output log.",
                        d.section,
                        p.describe()
                    ));
                    continue;
                }
            }
            text = spliced.text;
            sections.push(d.section.clone());
        }
        if text == now {
            out.skipped = skipped;
            return Ok(out);
        }
        let e = draft::minimal_edit(&now, &text);
        let edit = TextEdit {
            range: lsp_range(&now, &e.span, enc),
            new_text: e.new_text,
        };
        let ws = if snap.caps.document_changes {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: ctx.uri.clone(),
                        version: Some(version),
                    },
                    edits: vec![OneOf::Left(edit)],
                }])),
                ..Default::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(HashMap::from([(ctx.uri.clone(), vec![edit])])),
                ..Default::default()
            }
        };
        let label = format!("Draft {} with Claude", sections.join(", "));
        let r = ctx
            .client
            .send_request::<request::ApplyWorkspaceEdit>(ApplyWorkspaceEditParams {
                label: Some(label),
                edit: ws,
            })
            .await;
        match r {
            Ok(resp) if resp.applied => {
                out.sections = sections;
                out.skipped = skipped;
                return Ok(out);
            }
            Ok(resp) if attempt < 3 => {
                // Most likely the document changed under us: look again.
                let _ = resp;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Ok(resp) => {
                return Err(format!(
                    "The editor did not apply the draft{}. Nothing was changed; the draft is in the output log. Run the command again.",
                    resp.failure_reason.map(|r| format!(" ({r})")).unwrap_or_default()
                ))
            }
            Err(e) => {
                return Err(format!(
                    "The editor could not apply the draft ({}). Nothing was changed; the draft is in the output log.",
                    e.message
                ))
            }
        }
    }
    Err("The document kept changing while the draft was being applied, so nothing was changed. The draft is in the output log; run the command again.".into())
}

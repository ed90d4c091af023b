use super::convert;
use super::documents::{char_index, ConfigCache, Document, InputCache};
use super::publish::Publisher;
use crate::analysis::{analyze, analyze_after, Analysis, Cache, Options};
use crate::config::Config;
use crate::diagnostic::Locale;
use crate::text::Encoding;
use ropey::Rope;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::Diagnostic;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

#[derive(Default)]
pub(crate) struct State {
    pub docs: HashMap<Uri, Document>,
    pub encoding: Encoding,
    pub roots: Vec<PathBuf>,
    pub settings: Value,
    pub locale: Option<Locale>,
    pub configs: ConfigCache,
    pub pull_diagnostics: bool,
    pub markdown: bool,
    pub configuration_request: bool,
    pub watch_dynamic: bool,
    /// Client capabilities the Claude drafting commands use.
    pub draft: super::draft::DraftCaps,
    /// Client features the editor computations use (from `initialize`).
    pub ide: super::ide::Features,
    /// The last document generation handed out (see [`Document::generation`]).
    pub generations: u64,
    /// Workspaces whose user chose "Always for this workspace" this session.
    pub consented: std::collections::HashSet<PathBuf>,
    /// Per document, the findings of its last blameless wording review with
    /// Claude that still apply (see [`super::review`]).
    pub reviews: HashMap<Uri, super::review::Reviewed>,
}

impl State {
    fn next_generation(&mut self) -> u64 {
        self.generations += 1;
        self.generations
    }
}

/// Everything one analysis needs, taken out of the state under its lock (the
/// rope is cloned in O(1); its text is built outside the lock).
struct Job {
    generation: u64,
    rope: Rope,
    path: Option<PathBuf>,
    config: Config,
    root: Option<PathBuf>,
    locale: Option<Locale>,
    /// The analysis of an earlier version, whose parse is reused for the
    /// top-level sections the edits did not touch.
    previous: Arc<Analysis>,
}

/// Documents up to this size are analysed on the runtime's thread (a few
/// hundred microseconds); larger ones on a blocking thread, so that requests
/// about other documents never wait for them.
const INLINE_BYTES: usize = 256 * 1024;

/// How long a request waits for its document's analysis to catch up with the
/// latest edit before answering from the previous one.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(5);

impl State {
    /// The innermost workspace folder holding `path`.
    pub(crate) fn workspace_root(&self, path: Option<&Path>) -> Option<PathBuf> {
        let p = path?;
        self.roots
            .iter()
            .filter(|r| p.starts_with(r))
            .max_by_key(|r| r.as_os_str().len())
            .cloned()
    }

    /// What a document is analysed (and drafted) with: its folder's
    /// `.postmortem-lsp.toml` with the editor's `postmortem` settings on top,
    /// the innermost workspace folder holding it, and the client's locale
    /// unless the configuration sets one. The one place the server works
    /// this out.
    pub(crate) fn document_settings(
        &mut self,
        path: Option<&Path>,
    ) -> (Config, Option<PathBuf>, Option<Locale>) {
        let mut config = match path.and_then(Path::parent) {
            Some(d) => self.configs.get(d),
            None => Config::default(),
        };
        if let Some(pm) = self.settings.get("postmortem").or(Some(&self.settings)) {
            if pm.is_object() {
                config.merge_client(pm);
            }
        }
        let root = self.workspace_root(path);
        let locale = if config.locale.is_some() {
            None
        } else {
            self.locale
        };
        (config, root, locale)
    }
}

/// The state, locked. A panic while holding the lock would poison it; keep
/// serving with the data as it is.
pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// [`Backend::settle`] for tasks that hold the state but not the backend
/// (a running draft or review).
pub(crate) async fn settle(state: &Mutex<State>, uri: &Uri) {
    let (mut rx, generation) = {
        let st = lock(state);
        let Some(doc) = st.docs.get(uri) else { return };
        (doc.analyzed.subscribe(), doc.generation)
    };
    let _ = tokio::time::timeout(SETTLE, rx.wait_for(|g| *g >= generation)).await;
}

pub struct Backend {
    pub(crate) client: Client,
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) inputs: Arc<InputCache>,
    /// People and blameless findings reused across this server's analyses.
    pub(crate) cache: Arc<Cache>,
    /// Claude drafts running now, for cancel.
    pub(crate) drafts: Arc<super::draft::Drafts>,
    /// Where diagnostics are published (all of them: see `publish`).
    pub(crate) publisher: Publisher,
}

impl Backend {
    pub(crate) fn new(client: Client, publisher: Publisher) -> Self {
        Backend {
            publisher,
            client,
            state: Arc::new(Mutex::new(State::default())),
            inputs: Arc::new(InputCache::default()),
            cache: Arc::new(Cache::new()),
            drafts: Arc::default(),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// What analysing this document takes (call with the state locked).
    fn job(st: &mut State, uri: &Uri) -> Option<Job> {
        let doc = st.docs.get(uri)?;
        let (generation, rope, path) = (doc.generation, doc.rope.clone(), doc.path.clone());
        let previous = doc.analysis.clone();
        let (config, root, locale) = st.document_settings(path.as_deref());
        Some(Job {
            generation,
            rope,
            path,
            config,
            root,
            locale,
            previous,
        })
    }

    /// Marks a document as changed and makes sure a worker analyses it (call
    /// with the state locked). At most one worker runs per document; it
    /// always analyses the latest text, so edits that arrive while it works
    /// are coalesced into its next round and a stale version is never
    /// published.
    fn schedule(&self, st: &mut State, uri: &Uri) {
        let generation = st.next_generation();
        let Some(doc) = st.docs.get_mut(uri) else {
            return;
        };
        doc.generation = generation;
        if !doc.is_postmortem {
            doc.analyzed.send_replace(generation);
            return;
        }
        if doc.worker {
            return;
        }
        doc.worker = true;
        let w = Worker {
            client: self.client.clone(),
            publisher: self.publisher.clone(),
            state: self.state.clone(),
            inputs: self.inputs.clone(),
            cache: self.cache.clone(),
        };
        tokio::spawn(w.run(uri.clone()));
    }

    /// A small postmortem with no worker running is analysed right here,
    /// under the lock, on the thread that decoded the edit (a few hundred
    /// microseconds; handing it to another task costs more than that in
    /// wake-ups and cross-thread frees); returns its diagnostics to publish
    /// (push mode). Anything else goes to the document's worker.
    fn analyze_now_or_schedule(&self, st: &mut State, uri: &Uri) -> Option<(Vec<Diagnostic>, i32)> {
        let small = st
            .docs
            .get(uri)
            .is_some_and(|d| !d.worker && d.rope.len_bytes() <= INLINE_BYTES);
        if !small {
            self.schedule(st, uri);
            return None;
        }
        let generation = st.next_generation();
        st.docs.get_mut(uri)?.generation = generation;
        let job = Self::job(st, uri)?;
        // The document lets go of its analysis while the lock is held (no
        // request can look meanwhile), so the job may take it over.
        if let Some(doc) = st.docs.get_mut(uri) {
            doc.analysis = Arc::new(Analysis::empty());
        }
        // A panic in the engine on what the user typed must not take the
        // server down with the state locked: the worker runs the job again
        // under its own guard, logs the failure and lets the next edit retry.
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            job.run(&self.inputs, &self.cache)
        }));
        let Ok(analysis) = run else {
            self.schedule(st, uri);
            return None;
        };
        let analysis = Arc::new(analysis);
        let (pull, enc) = (st.pull_diagnostics, st.encoding);
        let doc = st.docs.get_mut(uri)?;
        doc.analysis = analysis.clone();
        doc.analyzed.send_replace(generation);
        let version = doc.version;
        let reviewed = super::review::prune(st, uri);
        (!pull).then(|| {
            (
                super::review::merged(&analysis, reviewed.as_deref().map(|r| &r[..]), enc),
                version,
            )
        })
    }

    /// Waits (bounded) until the document's analysis includes every edit
    /// received so far, so that a request after an edit sees that edit.
    /// Requests about other documents never wait for this one.
    pub(crate) async fn settle(&self, uri: &Uri) {
        settle(&self.state, uri).await
    }

    /// Publishes (push mode) the diagnostics of a document.
    async fn publish(&self, uri: Uri) {
        let msg = {
            let mut st = self.state();
            if st.pull_diagnostics {
                return;
            }
            let reviewed = super::review::prune(&mut st, &uri);
            let Some(doc) = st.docs.get(&uri) else { return };
            let diags = if doc.is_postmortem {
                super::review::merged(
                    &doc.analysis,
                    reviewed.as_deref().map(|r| &r[..]),
                    st.encoding,
                )
            } else {
                Vec::new()
            };
            (diags, doc.version)
        };
        self.publisher.publish(uri, msg.0, Some(msg.1));
    }

    /// Re-analyzes every open postmortem (after configuration or input changes).
    async fn recheck_all(&self, only_citing: Option<&Path>) {
        let uris: Vec<Uri> = {
            let mut st = self.state();
            let keys: Vec<Uri> = st.docs.keys().cloned().collect();
            let mut changed = Vec::new();
            for uri in keys {
                let Some(doc) = st.docs.get(&uri) else {
                    continue;
                };
                if !doc.is_postmortem {
                    continue;
                }
                if let Some(p) = only_citing {
                    let cites = doc.analysis.inputs.as_ref().is_some_and(|ins| {
                        ins.iter().any(|e| {
                            e.file
                                .as_ref()
                                .map(|f| f.path.as_path() == p)
                                .unwrap_or(true)
                        })
                    });
                    if !cites {
                        continue;
                    }
                }
                self.schedule(&mut st, &uri);
                changed.push(uri);
            }
            changed
        };
        // In push mode the workers publish; in pull mode the client is told
        // to pull once the analyses are done.
        if self.state().pull_diagnostics {
            for u in &uris {
                self.settle(u).await;
            }
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
    }

    async fn fetch_settings(&self) {
        if !self.state().configuration_request {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("postmortem".into()),
        };
        // A client that never answers (or one that exits first) must not hold
        // the server: settings are optional, defaults apply.
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            self.client.configuration(vec![item]),
        )
        .await;
        if let Ok(Ok(mut v)) = answer {
            if let Some(s) = v.pop() {
                if !s.is_null() {
                    self.state().settings = s;
                }
            }
        }
    }
}

fn doc_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        let enc = if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let td = caps.text_document.as_ref();
        {
            let mut st = self.state();
            st.encoding = enc;
            // Pull diagnostics only from clients that can be told to pull
            // again (`workspace/diagnostic/refresh`): a saved input file or
            // Claude's wording review changes diagnostics without an edit of
            // the document. Neovim 0.12 pulls but has no refresh support, so
            // it gets pushed diagnostics.
            let refresh = caps
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false);
            st.pull_diagnostics = refresh && td.and_then(|t| t.diagnostic.as_ref()).is_some();
            st.markdown = td
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_some_and(|f| f.contains(&MarkupKind::Markdown));
            st.configuration_request = caps
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false);
            st.watch_dynamic = caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false);
            st.locale = params.locale.as_deref().map(Locale::from_tag);
            st.draft = super::draft::DraftCaps::from_client(caps);
            if let Some(folders) = &params.workspace_folders {
                st.roots = folders.iter().filter_map(|f| doc_path(&f.uri)).collect();
            }
            #[allow(deprecated)]
            if st.roots.is_empty() {
                if let Some(p) = params.root_uri.as_ref().and_then(doc_path) {
                    st.roots.push(p);
                }
            }
            if let Some(opts) = params.initialization_options.clone() {
                st.settings = opts;
            }
        }
        let pull = self.state().pull_diagnostics;
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "postmortem-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(if enc == Encoding::Utf8 {
                    PositionEncodingKind::UTF8
                } else {
                    PositionEncodingKind::UTF16
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("postmortem-lsp".into()),
                        inter_file_dependencies: true,
                        workspace_diagnostics: false,
                        work_done_progress_options: Default::default(),
                    })
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::SOURCE,
                            CodeActionKind::REFACTOR_REWRITE,
                        ]),
                        ..Default::default()
                    },
                )),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: super::draft::COMMANDS
                        .iter()
                        .chain(super::ide::COMMANDS)
                        .map(|c| c.to_string())
                        .collect(),
                    work_done_progress_options: WorkDoneProgressOptions {
                        work_done_progress: Some(true),
                    },
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(super::ide::completion_provider(self, caps)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.fetch_settings().await;
        // Documents opened before the settings arrived are checked again with them.
        self.recheck_all(None).await;
        if self.state().watch_dynamic {
            let opts = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*".into()),
                    kind: None,
                }],
            };
            let reg = Registration {
                id: "postmortem-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(opts).ok(),
            };
            let _ = self.client.register_capability(vec![reg]).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let (now, is_pm) = {
            let mut st = self.state();
            let path = doc_path(&td.uri);
            let is_pm = td.language_id == "postmortem"
                || crate::detect::is_postmortem(
                    path.as_deref().unwrap_or(Path::new("untitled.yaml")),
                    Some(&td.text),
                );
            let rope = Rope::from_str(&td.text);
            let opened = st.next_generation();
            st.docs.insert(
                td.uri.clone(),
                Document {
                    rope,
                    version: td.version,
                    path,
                    is_postmortem: is_pm,
                    analysis: Arc::new(analyze(String::new(), &Options::new(&Config::default()))),
                    generation: opened,
                    opened,
                    analyzed: tokio::sync::watch::Sender::new(opened),
                    worker: false,
                },
            );
            let now = if is_pm {
                self.analyze_now_or_schedule(&mut st, &td.uri)
            } else {
                self.schedule(&mut st, &td.uri);
                None
            };
            (now, is_pm)
        };
        match now {
            Some((diags, version)) => self.publisher.publish(td.uri, diags, Some(version)),
            None if !is_pm => self.publish(td.uri).await,
            None => {}
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let (now, is_pm) = {
            // Applied before any await, so edits keep their order.
            let mut st = self.state();
            let enc = st.encoding;
            let Some(doc) = st.docs.get_mut(&uri) else {
                return;
            };
            if params.text_document.version < doc.version {
                return; // stale: a version going backwards is ignored
            }
            for ch in params.content_changes {
                match ch.range {
                    Some(r) => {
                        let s = char_index(&doc.rope, r.start.line, r.start.character, enc);
                        let e = char_index(&doc.rope, r.end.line, r.end.character, enc).max(s);
                        doc.rope.remove(s..e);
                        doc.rope.insert(s, &ch.text);
                    }
                    None => doc.rope = Rope::from_str(&ch.text),
                }
            }
            doc.version = params.text_document.version;
            if !doc.is_postmortem {
                doc.is_postmortem = crate::detect::has_incident_ref(&doc.rope.to_string());
            }
            let is_pm = doc.is_postmortem;
            let now = if is_pm {
                self.analyze_now_or_schedule(&mut st, &uri)
            } else {
                self.schedule(&mut st, &uri);
                None
            };
            (now, is_pm)
        };
        match now {
            Some((diags, version)) => self.publisher.publish(uri, diags, Some(version)),
            None if !is_pm => self.publish(uri).await,
            None => {}
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // A saved input file may be cited by open postmortems.
        if let Some(p) = doc_path(&params.text_document.uri) {
            self.inputs.forget(&p);
            if p.file_name()
                .is_some_and(|n| n == crate::config::CONFIG_FILE)
            {
                self.state().configs.clear();
                self.recheck_all(None).await;
            } else {
                self.recheck_all(Some(&p)).await;
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.drafts.cancel_for_document(&params.text_document.uri);
        let existed = {
            let mut st = self.state();
            st.reviews.remove(&params.text_document.uri);
            st.docs.remove(&params.text_document.uri).is_some()
        };
        if existed && !self.state().pull_diagnostics {
            self.publisher
                .publish(params.text_document.uri, Vec::new(), None);
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let pull = self.state().configuration_request;
        if pull {
            self.fetch_settings().await;
        } else if let Some(pm) = params.settings.get("postmortem") {
            self.state().settings = pm.clone();
        }
        self.state().configs.clear();
        self.recheck_all(None).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut config_changed = false;
        for ev in &params.changes {
            if let Some(p) = doc_path(&ev.uri) {
                self.inputs.forget(&p);
                if p.file_name()
                    .is_some_and(|n| n == crate::config::CONFIG_FILE)
                {
                    config_changed = true;
                }
            }
        }
        if config_changed {
            self.state().configs.clear();
        }
        self.recheck_all(None).await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        {
            let mut st = self.state();
            for f in params.event.removed {
                if let Some(p) = doc_path(&f.uri) {
                    st.roots.retain(|r| r != &p);
                }
            }
            for f in params.event.added {
                if let Some(p) = doc_path(&f.uri) {
                    st.roots.push(p);
                }
            }
        }
        self.recheck_all(None).await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.settle(&params.text_document.uri).await;
        let mut st = self.state();
        let reviewed = super::review::prune(&mut st, &params.text_document.uri);
        let items = match st.docs.get(&params.text_document.uri) {
            Some(doc) if doc.is_postmortem => super::review::merged(
                &doc.analysis,
                reviewed.as_deref().map(|r| &r[..]),
                st.encoding,
            ),
            _ => Vec::new(),
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.settle(&params.text_document.uri).await;
        let st = self.state();
        let Some(doc) = st.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        if !doc.is_postmortem {
            return Ok(None);
        }
        let a = &doc.analysis;
        let enc = st.encoding;
        let start = convert::offset(a, params.range.start, enc);
        let end = convert::offset(a, params.range.end, enc);
        let mut actions = Vec::new();
        for d in a
            .diagnostics
            .iter()
            .filter(|d| d.span.start <= end && d.span.end >= start)
        {
            let ld = convert::diagnostic(a, d, enc);
            let mut fixes = d.fixes.clone();
            fixes.push(super::actions::ignore_line_fix(a, d));
            for fix in fixes {
                let edits: Vec<TextEdit> = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: convert::range(a, &e.span, enc),
                        new_text: e.new_text.clone(),
                    })
                    .collect();
                let mut changes = HashMap::new();
                changes.insert(params.text_document.uri.clone(), edits);
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![ld.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..Default::default()
                    }),
                    is_preferred: fix.preferred.then_some(true),
                    ..Default::default()
                }));
            }
            if let Some(word) = &d.allow_word {
                let dir = doc.path.as_deref().and_then(Path::parent);
                let root = st.workspace_root(doc.path.as_deref());
                if let Some(edit) = super::actions::allow_word_edit(dir, root.as_deref(), word) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: crate::docs::get(doc.analysis.locale)
                            .fmt("fix_allow_word", &[("word", word)]),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![ld.clone()]),
                        edit: Some(edit),
                        ..Default::default()
                    }));
                }
            }
        }
        actions.extend(super::review::code_actions(&st, &params));
        actions.extend(super::draft::code_actions(&st, &params));
        Ok(Some(actions))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if let Some(r) = super::ide::execute(self, &params) {
            return r;
        }
        if let Some(r) = super::draft::execute(self, &params).await {
            return r;
        }
        Err(tower_lsp_server::jsonrpc::Error::method_not_found())
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.settle(&params.text_document_position_params.text_document.uri)
            .await;
        super::ide::hover(self, params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.settle(&params.text_document_position.text_document.uri)
            .await;
        super::ide::completion(self, params)
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        super::ide::completion_resolve(self, item)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.settle(&params.text_document_position_params.text_document.uri)
            .await;
        super::ide::definition(self, params)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.settle(&params.text_document_position.text_document.uri)
            .await;
        super::ide::references(self, params)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.settle(&params.text_document.uri).await;
        super::ide::document_symbol(self, params)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.settle(&params.text_document.uri).await;
        super::ide::folding_range(self, params)
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        self.settle(&params.text_document.uri).await;
        super::ide::selection_range(self, params)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.settle(&params.text_document.uri).await;
        super::ide::code_lens(self, params)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.settle(&params.text_document.uri).await;
        super::ide::inlay_hint(self, params)
    }
}

/// Analyses one document at a time, always its latest text, and publishes
/// each result unless a newer edit arrived meanwhile (latest version wins).
struct Worker {
    client: Client,
    publisher: Publisher,
    state: Arc<Mutex<State>>,
    inputs: Arc<InputCache>,
    cache: Arc<Cache>,
}

impl Worker {
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    async fn run(self, uri: Uri) {
        loop {
            let job = {
                let mut st = self.state();
                let Some(doc) = st.docs.get_mut(&uri) else {
                    return;
                };
                if *doc.analyzed.borrow() >= doc.generation || !doc.is_postmortem {
                    doc.worker = false;
                    return;
                }
                match Backend::job(&mut st, &uri) {
                    Some(j) => j,
                    None => return,
                }
            };
            let generation = job.generation;
            let big = job.rope.len_bytes() > INLINE_BYTES;
            let (inputs, cache) = (self.inputs.clone(), self.cache.clone());
            let result = if big {
                tokio::task::spawn_blocking(move || job.run(&inputs, &cache))
                    .await
                    .map_err(drop)
            } else {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run(&inputs, &cache)))
                    .map_err(drop)
            };
            let Ok(analysis) = result else {
                // The analysis panicked: keep the previous one, say so in the
                // log, and let the next change try again.
                let locale = {
                    let mut st = self.state();
                    if let Some(doc) = st.docs.get_mut(&uri) {
                        doc.worker = false;
                    }
                    st.locale.unwrap_or_default()
                };
                let m = crate::docs::get(locale).fmt("analysis_failed", &[("uri", uri.as_str())]);
                self.client.log_message(MessageType::ERROR, m).await;
                return;
            };
            let analysis = Arc::new(analysis);
            let (current, pull, enc, reviewed) = {
                let mut st = self.state();
                let (pull, enc) = (st.pull_diagnostics, st.encoding);
                let Some(doc) = st.docs.get_mut(&uri) else {
                    return;
                };
                if generation < doc.opened {
                    // analysed for a document since closed and opened again
                    // (which has its own worker)
                    return;
                }
                doc.analysis = analysis.clone();
                doc.analyzed.send_replace(generation);
                let current = (doc.generation == generation).then_some(doc.version);
                (current, pull, enc, super::review::prune(&mut st, &uri))
            };
            let Some(version) = current else {
                continue; // stale: the next round analyses the latest text
            };
            if pull {
                continue;
            }
            // Converted outside the lock: a large document's diagnostics
            // must not hold up requests about other documents.
            let diags = super::review::merged(&analysis, reviewed.as_deref().map(|r| &r[..]), enc);
            let still = self
                .state()
                .docs
                .get(&uri)
                .is_some_and(|d| d.generation == generation);
            if still {
                self.publisher.publish(uri.clone(), diags, Some(version));
            }
        }
    }
}

impl Job {
    fn run(self, inputs: &InputCache, cache: &Cache) -> Analysis {
        let Job {
            rope,
            path,
            config,
            root,
            locale,
            previous,
            ..
        } = self;
        let mut opts = Options::new(&config);
        opts.path = path.as_deref();
        opts.root = root.as_deref();
        opts.locale = locale;
        opts.inputs = inputs;
        opts.cache = Some(cache);
        // The previous analysis is given up when nothing else holds it (the
        // inline path lets go of the document's copy first): its syntax tree
        // is then moved into the new one rather than copied.
        match Arc::try_unwrap(previous) {
            Ok(previous) => analyze_after(rope.to_string(), previous, &opts),
            Err(previous) => {
                opts.previous = Some(&previous);
                analyze(rope.to_string(), &opts)
            }
        }
    }
}

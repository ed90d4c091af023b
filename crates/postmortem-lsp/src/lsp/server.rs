use super::convert;
use super::documents::{char_index, ConfigCache, Document, InputCache};
use crate::analysis::{analyze, Analysis, Cache, Options};
use crate::config::Config;
use crate::diagnostic::Locale;
use crate::text::Encoding;
use ropey::Rope;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::Result;
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
    /// Workspaces whose user chose "Always for this workspace" this session.
    pub consented: std::collections::HashSet<PathBuf>,
}

pub struct Backend {
    pub(crate) client: Client,
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) inputs: Arc<InputCache>,
    /// People and blameless findings reused across this server's analyses.
    pub(crate) cache: Arc<Cache>,
    /// Claude drafts running now, for cancel.
    pub(crate) drafts: Arc<super::draft::Drafts>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::default())),
            inputs: Arc::new(InputCache::default()),
            cache: Arc::new(Cache::new()),
            drafts: Arc::default(),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock would poison it; keep serving with the data as it is.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Analyzes one document with its configuration (call with the state locked).
    fn analyze_doc(&self, st: &mut State, path: Option<&Path>, text: String) -> Analysis {
        let dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let mut config = match &dir {
            Some(d) => st.configs.get(d),
            None => Config::default(),
        };
        if let Some(pm) = st.settings.get("postmortem").or(Some(&st.settings)) {
            if pm.is_object() {
                config.merge_client(pm);
            }
        }
        let root = path.and_then(|p| {
            st.roots
                .iter()
                .filter(|r| p.starts_with(r))
                .max_by_key(|r| r.as_os_str().len())
                .cloned()
        });
        let mut opts = Options::new(&config);
        opts.path = path;
        opts.root = root.as_deref();
        opts.locale = if config.locale.is_some() {
            None
        } else {
            st.locale
        };
        opts.inputs = &*self.inputs;
        opts.cache = Some(&self.cache);
        analyze(text, &opts)
    }

    /// Re-analyzes an open document in place.
    fn reanalyze(&self, st: &mut State, uri: &Uri, path: Option<&Path>, text: String) {
        let a = self.analyze_doc(st, path, text);
        if let Some(doc) = st.docs.get_mut(uri) {
            doc.analysis = Arc::new(a);
        }
    }

    /// Publishes (push mode) the diagnostics of a document.
    async fn publish(&self, uri: Uri) {
        let msg = {
            let st = self.state();
            if st.pull_diagnostics {
                return;
            }
            let Some(doc) = st.docs.get(&uri) else { return };
            let diags = if doc.is_postmortem {
                convert::diagnostics(&doc.analysis, st.encoding)
            } else {
                Vec::new()
            };
            (diags, doc.version)
        };
        self.client
            .publish_diagnostics(uri, msg.0, Some(msg.1))
            .await;
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
                let (path, text) = (doc.path.clone(), doc.rope.to_string());
                self.reanalyze(&mut st, &uri, path.as_deref(), text);
                changed.push(uri);
            }
            changed
        };
        let pull = self.state().pull_diagnostics;
        if pull {
            let _ = self.client.workspace_diagnostic_refresh().await;
        } else {
            for u in uris {
                self.publish(u).await;
            }
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
            st.pull_diagnostics = td.and_then(|t| t.diagnostic.as_ref()).is_some();
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
        {
            let mut st = self.state();
            let path = doc_path(&td.uri);
            let is_pm = td.language_id == "postmortem"
                || crate::detect::is_postmortem(
                    path.as_deref().unwrap_or(Path::new("untitled.yaml")),
                    Some(&td.text),
                );
            let rope = Rope::from_str(&td.text);
            let analysis = if is_pm {
                self.analyze_doc(&mut st, path.as_deref(), td.text)
            } else {
                analyze(String::new(), &Options::new(&Config::default()))
            };
            st.docs.insert(
                td.uri.clone(),
                Document {
                    rope,
                    version: td.version,
                    path,
                    is_postmortem: is_pm,
                    analysis: Arc::new(analysis),
                },
            );
        }
        self.publish(td.uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
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
            let text = doc.rope.to_string();
            let path = doc.path.clone();
            let is_pm = doc.is_postmortem || crate::detect::has_incident_ref(&text);
            doc.is_postmortem = is_pm;
            if is_pm {
                self.reanalyze(&mut st, &uri, path.as_deref(), text);
            }
        }
        self.publish(uri).await;
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
        let existed = self
            .state()
            .docs
            .remove(&params.text_document.uri)
            .is_some();
        if existed && !self.state().pull_diagnostics {
            self.client
                .publish_diagnostics(params.text_document.uri, Vec::new(), None)
                .await;
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
        let st = self.state();
        let items = match st.docs.get(&params.text_document.uri) {
            Some(doc) if doc.is_postmortem => convert::diagnostics(&doc.analysis, st.encoding),
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
                let root = doc.path.as_deref().and_then(|p| {
                    st.roots
                        .iter()
                        .filter(|r| p.starts_with(r))
                        .max_by_key(|r| r.as_os_str().len())
                        .cloned()
                });
                if let Some(edit) = super::actions::allow_word_edit(dir, root.as_deref(), word) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("Add `{word}` to allowed words (.postmortem-lsp.toml)"),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![ld.clone()]),
                        edit: Some(edit),
                        ..Default::default()
                    }));
                }
            }
        }
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
        super::ide::hover(self, params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        super::ide::completion(self, params)
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        super::ide::completion_resolve(self, item)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        super::ide::definition(self, params)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        super::ide::references(self, params)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        super::ide::document_symbol(self, params)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        super::ide::folding_range(self, params)
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        super::ide::selection_range(self, params)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        super::ide::code_lens(self, params)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        super::ide::inlay_hint(self, params)
    }
}

// The VS Code client of postmortem-lsp: starts the server for postmortems
// (alongside any YAML extension), passes the settings and the API key from
// SecretStorage, and runs the drafting commands with notification progress.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LSPErrorCodes,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  ServerOptions,
  State,
  WorkDoneProgress,
} from "vscode-languageclient/node";
import { isPostmortem } from "./match";
import { findServer, INSTALL_HINT } from "./serverPath";
import { serverSettings } from "./settings";
import { sectionPicks } from "./sections";
import { verifyPicks } from "./lowConfidence";
import { registerPreview } from "./preview";

const SECRET_KEY = "postmortem.anthropicApiKey";
/** Server commands that draft (run with cancellable notification progress). */
const DRAFT_COMMANDS = ["postmortem.draftSection", "postmortem.draftMissing", "postmortem.review", "postmortem.reviewWording"];
const SHOW_LOW_CONFIDENCE = "postmortem.showLowConfidence";
/** The server's preview of a draft request (the consent question and the body). */
const WHAT_IS_SENT = "postmortem.whatIsSent";
/** Workspace state: the user chose "Always for this workspace". */
const CONSENT_KEY = "postmortem.consent.always";
/** Read-only documents showing what is sent. */
const SENT_SCHEME = "postmortem-sent";
const sentDocs = new Map<string, string>();
let sentCounter = 0;

interface WhatIsSent {
  question: string;
  text: string;
  actions: string[];
  alwaysForWorkspace?: boolean;
}

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;
let apiKey: string | undefined;
let output: vscode.LogOutputChannel;
let context: vscode.ExtensionContext;
let progressCounter = 0;
let missingShown = false;

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform === "win32") return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function serverPath(): { path: string; source: string } | undefined {
  // Some unzip paths drop the executable bit of the bundled binary.
  const bundled = path.join(context.extensionPath, "server", process.platform === "win32" ? "postmortem-lsp.exe" : "postmortem-lsp");
  if (fs.existsSync(bundled) && !isExecutable(bundled)) {
    try {
      fs.chmodSync(bundled, 0o755);
    } catch {
      // reported below as not found
    }
  }
  const setting = vscode.workspace.getConfiguration("postmortem").get<string | null>("server.path");
  const found = findServer(setting, {
    platform: process.platform,
    extensionPath: context.extensionPath,
    PATH: process.env.PATH,
    isExecutable,
  });
  if ("error" in found) {
    output.error(found.error);
    // Once per session (and again after "Restart server" or a new path).
    if (missingShown) return undefined;
    missingShown = true;
    void vscode.window.showErrorMessage(found.error, "Open Settings", "Copy install command").then((choice) => {
      if (choice === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "postmortem.server.path");
      } else if (choice === "Copy install command") {
        void vscode.env.clipboard.writeText("cargo install --path crates/postmortem-lsp");
      }
    });
    return undefined;
  }
  return found;
}

function currentSettings(): ReturnType<typeof serverSettings> {
  return serverSettings(vscode.workspace.getConfiguration().get("postmortem"), apiKey);
}

function isPostmortemDoc(doc: vscode.TextDocument): boolean {
  return doc.languageId === "yaml" && (doc.uri.scheme === "file" || doc.uri.scheme === "untitled") && isPostmortem(doc.uri.path, doc.getText());
}

async function startClient(): Promise<LanguageClient | undefined> {
  if (client) return client;
  if (starting) return starting;
  starting = (async () => {
    const found = serverPath();
    if (!found) return undefined;
    output.info(`Starting ${found.path} (${found.source})`);
    const serverOptions: ServerOptions = {
      run: { command: found.path, args: ["serve"] },
      debug: { command: found.path, args: ["serve"] },
    };
    const clientOptions: LanguageClientOptions = {
      // Every YAML file goes to the server, which answers for postmortems
      // only (its own rules, including `incident_ref` in the text) and leaves
      // the rest to the YAML extension.
      documentSelector: [
        { scheme: "file", language: "yaml" },
        { scheme: "untitled", language: "yaml" },
      ],
      outputChannel: output,
      initializationOptions: () => currentSettings(),
      synchronize: { configurationSection: "postmortem" },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) return result;
            return result.map((v, i) => (params.items[i]?.section === "postmortem" ? currentSettings() : v));
          },
        },
        executeCommand: async (command, args, next) => {
          if (DRAFT_COMMANDS.includes(command)) return runDraft(command, args[0]);
          if (command === SHOW_LOW_CONFIDENCE) return showLowConfidence(args[0]);
          return next(command, args);
        },
      },
    };
    const c = new LanguageClient("postmortem", "Postmortem", serverOptions, clientOptions);
    try {
      await c.start();
    } catch (e) {
      void vscode.window.showErrorMessage(`postmortem-lsp did not start: ${String(e)}. ${INSTALL_HINT}`);
      return undefined;
    }
    client = c;
    return c;
  })();
  try {
    return await starting;
  } finally {
    starting = undefined;
  }
}

function activeDocUri(): vscode.Uri | undefined {
  const ed = vscode.window.activeTextEditor;
  if (ed && isPostmortemDoc(ed.document)) return ed.document.uri;
  void vscode.window.showWarningMessage("Open a postmortem (postmortem.yaml, *.postmortem.yaml, or YAML with incident_ref) first.");
  return undefined;
}

/** Opens what a draft would send as a read-only document (each text block
 *  as it is sent, line by line, then the other fields as JSON). */
async function showWhatIsSent(text: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: SENT_SCHEME, path: `/what-is-sent-${++sentCounter}.md` });
  sentDocs.set(uri.toString(), text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, "markdown");
  // Beside the postmortem, never in place of it (a preview tab would be replaced).
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false, viewColumn: vscode.ViewColumn.Beside });
}

/** Asks before the first request from this workspace (the server's question,
 *  its figures and its action titles), remembering "Always for this
 *  workspace" in the workspace state. Returns the consent to pass to the
 *  server, or undefined when the user cancelled (nothing is sent). */
async function askConsent(c: LanguageClient, command: string, arg: unknown): Promise<"once" | "always" | undefined> {
  if (context.workspaceState.get<boolean>(CONSENT_KEY)) return "always";
  const a = (arg ?? {}) as { uri?: string; section?: string };
  const previewArg: Record<string, unknown> = { uri: a.uri };
  if (command === "postmortem.review") previewArg.section = "verify";
  else if (command === "postmortem.reviewWording") previewArg.wording = true;
  else if (a.section) previewArg.section = a.section;
  let p: WhatIsSent;
  try {
    p = (await c.sendRequest(ExecuteCommandRequest.type, { command: WHAT_IS_SENT, arguments: [previewArg] })) as WhatIsSent;
  } catch (e) {
    void vscode.window.showErrorMessage(`Postmortem: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (p.alwaysForWorkspace) return "always";
  const [send, always, show, cancel] = p.actions;
  for (;;) {
    const pick = await vscode.window.showInformationMessage(p.question, send, always, show, cancel);
    if (pick === send) return "once";
    if (pick === always) {
      await context.workspaceState.update(CONSENT_KEY, true);
      return "always";
    }
    if (pick !== show) return undefined;
    await showWhatIsSent(p.text);
  }
}

/** Runs a drafting command with our own progress token, shown as a
 *  notification with a cancel button; cancelling cancels the request.
 *  Asks for consent first (nothing is sent without it). */
async function runDraft(command: string, arg: unknown): Promise<unknown> {
  const c = await startClient();
  if (!c) return undefined;
  const consent = await askConsent(c, command, arg);
  if (!consent) {
    void vscode.window.showInformationMessage("Postmortem: nothing was sent to Claude.");
    return undefined;
  }
  arg = { ...(arg as object), consent };
  const token = `postmortem-vscode-${process.pid}-${++progressCounter}`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Postmortem", cancellable: true },
    async (progress, cancel) => {
      let title = "Claude is drafting";
      progress.report({ message: `${title}…` });
      const sub = c.onProgress(WorkDoneProgress.type, token, (v) => {
        if (v.kind === "begin") {
          title = v.title;
          progress.report({ message: v.message ? `${title}: ${v.message}` : title });
        } else if (v.kind === "report" && v.message) {
          progress.report({ message: `${title}: ${v.message}` });
        }
      });
      try {
        return await c.sendRequest(ExecuteCommandRequest.type, { command, arguments: [arg], workDoneToken: token }, cancel);
      } catch (e) {
        if (cancel.isCancellationRequested || (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled)) {
          return undefined;
        }
        void vscode.window.showErrorMessage(`Postmortem: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      } finally {
        sub.dispose();
      }
    },
  );
}

async function showLowConfidence(arg: unknown): Promise<void> {
  const c = await startClient();
  if (!c) return;
  const uri = typeof arg === "string" ? arg : (arg as { uri?: string } | undefined)?.uri ?? activeDocUri()?.toString();
  if (!uri) return;
  const result = await c.sendRequest(ExecuteCommandRequest.type, { command: SHOW_LOW_CONFIDENCE, arguments: [uri] });
  const picks = verifyPicks(result);
  if (picks.length === 0) {
    void vscode.window.showInformationMessage("Nothing to verify: every field has H confidence, no TODOs, every action item has an owner.");
    return;
  }
  const pick = await vscode.window.showQuickPick(picks, {
    title: `Fields to verify (${picks.length})`,
    matchOnDescription: true,
  });
  if (!pick) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(pick.item.uri));
  const range = c.protocol2CodeConverter.asRange(pick.item.range);
  await vscode.window.showTextDocument(doc, { selection: range });
}

async function draftSection(): Promise<void> {
  const uri = activeDocUri();
  if (!uri) return;
  const doc = vscode.window.activeTextEditor!.document;
  const pick = await vscode.window.showQuickPick(sectionPicks(doc.getText()), {
    title: "Draft which section with Claude?",
    matchOnDescription: true,
  });
  if (!pick) return;
  await runDraft("postmortem.draftSection", { uri: uri.toString(), section: pick.label });
}

async function setApiKey(): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: "Anthropic API key",
    prompt: "Stored in VS Code's secret storage and given to the server in memory; never written to settings. Leave empty to remove it.",
    password: true,
    ignoreFocusOut: true,
    placeHolder: "sk-ant-…",
  });
  if (value === undefined) return;
  if (value.trim()) {
    await context.secrets.store(SECRET_KEY, value.trim());
    void vscode.window.showInformationMessage("Postmortem: the Anthropic API key is stored in secret storage.");
  } else {
    await context.secrets.delete(SECRET_KEY);
    void vscode.window.showInformationMessage("Postmortem: the Anthropic API key was removed.");
  }
}

async function newPostmortem(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage("Open a folder first: the postmortem and its inputs live in a workspace.");
    return;
  }
  const today = new Date().toISOString().slice(0, 10);
  const rel = await vscode.window.showInputBox({
    title: "New postmortem",
    prompt: "Folder for postmortem.yaml, relative to the workspace; put the incident report, chat log and metrics next to it.",
    value: `postmortems/${today}`,
    validateInput: (v) => (path.isAbsolute(v) || v.split(/[\\/]/).includes("..") ? "A folder inside the workspace" : undefined),
  });
  if (!rel) return;
  const found = serverPath();
  if (!found) {
    void vscode.window.showErrorMessage(`Postmortem: postmortem-lsp was not found. ${INSTALL_HINT}`);
    return;
  }
  const dir = path.join(folder.uri.fsPath, rel);
  await new Promise<void>((resolve) => {
    execFile(found.path, ["new", dir], (err, _stdout, stderr) => {
      if (err) {
        void vscode.window.showErrorMessage(`Postmortem: ${stderr.trim() || err.message}`);
      } else {
        void vscode.window.showTextDocument(vscode.Uri.file(path.join(dir, "postmortem.yaml")));
      }
      resolve();
    });
  });
}

async function restartServer(): Promise<void> {
  missingShown = false;
  if (client && client.state === State.Running) {
    await client.restart();
    return;
  }
  if (client) {
    const old = client;
    client = undefined;
    await old.dispose().catch(() => undefined);
  }
  await startClient();
}

function updateContext(editor: vscode.TextEditor | undefined): void {
  void vscode.commands.executeCommand("setContext", "postmortem.isPostmortem", !!editor && isPostmortemDoc(editor.document));
}

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  context = ctx;
  output = vscode.window.createOutputChannel("Postmortem", { log: true });
  apiKey = await ctx.secrets.get(SECRET_KEY);
  const withUri = (f: (uri: string) => Promise<unknown>) => async () => {
    const uri = activeDocUri();
    if (uri) await f(uri.toString());
  };
  ctx.subscriptions.push(
    output,
    vscode.commands.registerCommand("postmortem-lsp.draftSection", draftSection),
    vscode.commands.registerCommand("postmortem-lsp.draftMissing", withUri((uri) => runDraft("postmortem.draftMissing", { uri }))),
    vscode.commands.registerCommand("postmortem-lsp.review", withUri((uri) => runDraft("postmortem.review", { uri }))),
    vscode.commands.registerCommand("postmortem-lsp.reviewWording", withUri((uri) => runDraft("postmortem.reviewWording", { uri }))),
    vscode.commands.registerCommand("postmortem-lsp.showLowConfidence", withUri((uri) => showLowConfidence(uri))),
    vscode.commands.registerCommand("postmortem-lsp.setApiKey", setApiKey),
    vscode.commands.registerCommand("postmortem-lsp.newPostmortem", newPostmortem),
    vscode.commands.registerCommand("postmortem-lsp.restartServer", restartServer),
    vscode.commands.registerCommand("postmortem-lsp.forgetConsent", async () => {
      await context.workspaceState.update(CONSENT_KEY, undefined);
      void vscode.window.showInformationMessage("Postmortem: drafting will ask again before sending anything from this workspace.");
    }),
    vscode.workspace.registerTextDocumentContentProvider(SENT_SCHEME, {
      provideTextDocumentContent: (uri) => sentDocs.get(uri.toString()) ?? "",
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === SENT_SCHEME) sentDocs.delete(doc.uri.toString());
    }),
    ctx.secrets.onDidChange(async (e) => {
      if (e.key !== SECRET_KEY) return;
      apiKey = await ctx.secrets.get(SECRET_KEY);
      // The server asks for its settings again and gets the new key.
      if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(updateContext),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (isPostmortemDoc(doc)) void startClient();
    }),
    // A YAML file becomes a postmortem when `incident_ref:` is typed.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!client && !starting && isPostmortemDoc(e.document)) void startClient();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("postmortem.server.path")) missingShown = false;
      if (e.affectsConfiguration("postmortem.server.path") && client) {
        void vscode.window.showInformationMessage("Postmortem: restart the server to use the new binary.", "Restart").then((c) => {
          if (c === "Restart") void restartServer();
        });
      }
    }),
    { dispose: () => void client?.stop() },
  );
  registerPreview(ctx, startClient, isPostmortemDoc);
  updateContext(vscode.window.activeTextEditor);
  // Start now if a postmortem is open, else when one is.
  if (vscode.workspace.textDocuments.some(isPostmortemDoc)) await startClient();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}

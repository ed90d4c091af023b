// "Postmortem: Open Preview to the Side": the postmortem rendered by the
// server (`postmortem/render`) in a webview beside the editor. It updates as
// you type, follows the cursor's section, and a click on a section or item
// moves the cursor to its YAML. The page runs under a strict
// Content-Security-Policy: nothing but the server's inline style and this
// file's one script, both allowed by a fresh nonce; no remote anything.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

export const RENDER_METHOD = "postmortem/render";
const DEBOUNCE_MS = 150;

export interface RenderResult {
  format: string;
  content: string;
  locale: string;
  errors: number;
  version: number;
  sections: { id: string; line: number }[];
}

/** The script the preview runs (messages in, clicks out). Kept small and inline. */
export const PREVIEW_SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  let line = null;
  const best = (root, sel, l) => {
    let found = null, at = -1;
    for (const el of root.querySelectorAll(sel)) {
      const n = Number(el.getAttribute("data-line"));
      if (n <= l && n >= at) { found = el; at = n; }
    }
    return found;
  };
  const follow = (l, scroll) => {
    document.querySelectorAll(".pm-current").forEach((e) => e.classList.remove("pm-current"));
    const sec = best(document, "section[data-line]", l);
    if (!sec) return;
    const item = best(sec, "[data-line]", l) || sec;
    item.classList.add("pm-current");
    if (scroll) item.scrollIntoView({ block: item === sec ? "start" : "center", behavior: "instant" });
    document.body.setAttribute("data-current", sec.id);
  };
  window.addEventListener("message", (e) => {
    const m = e.data || {};
    if (m.type === "update" && typeof m.html === "string") {
      const doc = new DOMParser().parseFromString(m.html, "text/html");
      document.body.replaceChildren(...Array.from(doc.body.childNodes, (n) => document.importNode(n, true)));
      document.body.setAttribute("data-version", String(m.version));
      if (line !== null) follow(line, false);
    } else if (m.type === "cursor" && typeof m.line === "number") {
      line = m.line;
      follow(line, true);
    }
  });
  document.addEventListener("click", (e) => {
    const t = e.target instanceof Element ? e.target : null;
    if (!t || t.closest("a")) return;
    const el = t.closest("[data-line]");
    if (el) vscode.postMessage({ type: "jump", line: Number(el.getAttribute("data-line")) });
  });
})();`;

/** Adds the preview script, allowed by the page's nonce, before `</body>`. */
export function withScript(html: string, nonce: string): string {
  const tag = `<script nonce="${nonce}">${PREVIEW_SCRIPT}</script>`;
  const at = html.lastIndexOf("</body>");
  return at < 0 ? html + tag : html.slice(0, at) + tag + html.slice(at);
}

class Preview {
  private timer: NodeJS.Timeout | undefined;
  private disposables: vscode.Disposable[] = [];
  private readonly nonce = randomBytes(16).toString("hex");
  private loaded = false;

  constructor(
    readonly doc: vscode.TextDocument,
    readonly panel: vscode.WebviewPanel,
    private readonly client: () => Promise<LanguageClient | undefined>,
    private readonly onDispose: () => void,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.doc) this.schedule();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === this.doc) this.cursor(e.selections[0].active.line);
      }),
      panel.webview.onDidReceiveMessage((m) => {
        if (m && m.type === "jump" && Number.isInteger(m.line)) void this.jump(m.line);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), DEBOUNCE_MS);
  }

  async update(): Promise<void> {
    const c = await this.client();
    if (!c) {
      this.panel.webview.html = `<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><p>postmortem-lsp is not running; see the Postmortem output channel.</p>`;
      return;
    }
    let r: RenderResult;
    try {
      r = await c.sendRequest<RenderResult>(RENDER_METHOD, {
        textDocument: { uri: this.doc.uri.toString() },
        format: "html",
        nonce: this.nonce,
      });
    } catch (e) {
      void vscode.window.showErrorMessage(`Postmortem preview: ${String(e)}`);
      return;
    }
    // The server may answer for the version before the latest keystroke: ask again.
    if (r.version < this.doc.version) this.schedule();
    if (!this.loaded) {
      this.panel.webview.html = withScript(r.content, this.nonce);
      this.loaded = true;
      const ed = vscode.window.visibleTextEditors.find((e) => e.document === this.doc);
      if (ed) setTimeout(() => this.cursor(ed.selection.active.line), 300);
    } else {
      // Only the body changes: the scroll position stays.
      void this.panel.webview.postMessage({ type: "update", html: r.content, version: r.version });
    }
  }

  cursor(line: number): void {
    void this.panel.webview.postMessage({ type: "cursor", line });
  }

  async jump(line: number): Promise<void> {
    const existing = vscode.window.visibleTextEditors.find((e) => e.document === this.doc);
    const editor = await vscode.window.showTextDocument(this.doc, {
      viewColumn: existing?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
    });
    const pos = new vscode.Position(Math.min(line, this.doc.lineCount - 1), 0);
    const end = this.doc.lineAt(pos.line).range.end;
    const first = this.doc.lineAt(pos.line).firstNonWhitespaceCharacterIndex;
    editor.selection = new vscode.Selection(pos.line, first, pos.line, first);
    editor.revealRange(new vscode.Range(pos, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    this.onDispose();
  }
}

const previews = new Map<string, Preview>();

/** Registers the preview command. */
export function registerPreview(
  ctx: vscode.ExtensionContext,
  client: () => Promise<LanguageClient | undefined>,
  isPostmortemDoc: (d: vscode.TextDocument) => boolean,
): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand("postmortem-lsp.openPreview", async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc || !isPostmortemDoc(doc)) {
        void vscode.window.showInformationMessage("Postmortem: open a postmortem YAML file first, then open its preview.");
        return;
      }
      const key = doc.uri.toString();
      const open = previews.get(key);
      if (open) {
        open.panel.reveal(vscode.ViewColumn.Beside, true);
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        "postmortem.preview",
        `Preview ${path.basename(doc.uri.path)}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [], enableCommandUris: false, retainContextWhenHidden: true },
      );
      const p = new Preview(doc, panel, client, () => previews.delete(key));
      previews.set(key, p);
      await p.update();
    }),
    { dispose: () => previews.forEach((p) => p.panel.dispose()) },
  );
}

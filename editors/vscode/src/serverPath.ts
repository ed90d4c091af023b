// Finding the postmortem-lsp binary: the `postmortem.server.path` setting,
// else the binary bundled in the extension (`server/`), else `postmortem-lsp`
// on PATH.
import * as path from "node:path";

export interface Found {
  path: string;
  source: "setting" | "bundled" | "PATH";
}

export interface NotFound {
  error: string;
}

export interface Env {
  platform: NodeJS.Platform;
  extensionPath: string;
  PATH: string | undefined;
  /** Is there an executable file here? */
  isExecutable(p: string): boolean;
}

export function binaryName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "postmortem-lsp.exe" : "postmortem-lsp";
}

export const INSTALL_HINT =
  "Install it with `cargo install --path crates/postmortem-lsp` in the postmortem-lsp repository (or use a .vsix that bundles it), or set `postmortem.server.path` to the binary.";

export function findServer(setting: string | null | undefined, env: Env): Found | NotFound {
  const configured = (setting ?? "").trim();
  if (configured) {
    const expanded = configured.startsWith("~") && process.env.HOME ? path.join(process.env.HOME, configured.slice(1)) : configured;
    if (env.isExecutable(expanded)) return { path: expanded, source: "setting" };
    return {
      error: `postmortem.server.path is set to ${configured}, but that is not an executable file. Fix the setting, or clear it to use the bundled binary or postmortem-lsp on PATH.`,
    };
  }
  const name = binaryName(env.platform);
  const bundled = path.join(env.extensionPath, "server", name);
  if (env.isExecutable(bundled)) return { path: bundled, source: "bundled" };
  const sep = env.platform === "win32" ? ";" : ":";
  for (const dir of (env.PATH ?? "").split(sep)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (env.isExecutable(candidate)) return { path: candidate, source: "PATH" };
  }
  return { error: `postmortem-lsp was not found (no postmortem.server.path setting, no bundled binary, nothing on PATH). ${INSTALL_HINT}` };
}

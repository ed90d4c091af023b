// Finding the server: setting, then bundled binary, then PATH; a clear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { findServer, binaryName } = require("../../out/unit/serverPath.js");

const env = (files, extra = {}) => ({
  platform: "linux",
  extensionPath: "/ext",
  PATH: "/usr/local/bin:/usr/bin",
  isExecutable: (p) => files.includes(p),
  ...extra,
});

test("the setting wins", () => {
  const r = findServer("/opt/pm/postmortem-lsp", env(["/opt/pm/postmortem-lsp", "/ext/server/postmortem-lsp"]));
  assert.deepEqual(r, { path: "/opt/pm/postmortem-lsp", source: "setting" });
});

test("a setting that points nowhere is an error, not a silent fallback", () => {
  const r = findServer("/nope/postmortem-lsp", env(["/ext/server/postmortem-lsp"]));
  assert.match(r.error, /postmortem\.server\.path is set to \/nope\/postmortem-lsp/);
});

test("then the bundled binary", () => {
  const r = findServer("  ", env(["/ext/server/postmortem-lsp", "/usr/bin/postmortem-lsp"]));
  assert.deepEqual(r, { path: "/ext/server/postmortem-lsp", source: "bundled" });
});

test("then PATH, in order", () => {
  const r = findServer(null, env(["/usr/bin/postmortem-lsp", "/usr/local/bin/postmortem-lsp"]));
  assert.deepEqual(r, { path: "/usr/local/bin/postmortem-lsp", source: "PATH" });
});

test("Windows names and separators", () => {
  assert.equal(binaryName("win32"), "postmortem-lsp.exe");
  const r = findServer(undefined, env(["C:\\bin/postmortem-lsp.exe"], { platform: "win32", PATH: "C:\\tools;C:\\bin" }));
  assert.equal(r.source, "PATH");
});

test("nothing found: the message says how to fix it", () => {
  const r = findServer(undefined, env([]));
  assert.match(r.error, /not found/);
  assert.match(r.error, /cargo install --path crates\/postmortem-lsp/);
  assert.match(r.error, /postmortem\.server\.path/);
});

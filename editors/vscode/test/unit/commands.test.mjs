// Sections, the low-confidence quick pick, and the commands in package.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
const require = createRequire(import.meta.url);
const { SECTIONS, sectionPicks } = require("../../out/unit/sections.js");
const { verifyPicks } = require("../../out/unit/lowConfidence.js");

const EXT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REPO = join(EXT, "..", "..");
const pkg = JSON.parse(readFileSync(join(EXT, "package.json"), "utf8"));

test("the draftable sections are the server's prompts", () => {
  const prompts = readdirSync(join(REPO, "crates/draft/prompts/sections"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual([...SECTIONS].sort(), prompts);
});

test("the section quick pick puts missing sections first", () => {
  const text = readFileSync(join(REPO, "examples/checkout-outage/mistakes.postmortem.yaml"), "utf8");
  const picks = sectionPicks(text);
  assert.equal(picks.length, SECTIONS.length);
  assert.deepEqual(picks[0], { label: "timeline", description: "missing: draft it" });
  assert.match(picks.find((p) => p.label === "root_cause").description, /has content/);
});

test("low-confidence items become quick pick entries", () => {
  const uri = "file:///w/postmortem.yaml";
  const range = (l) => ({ start: { line: l, character: 2 }, end: { line: l, character: 9 } });
  const picks = verifyPicks([
    { uri, range: range(26), message: "contributing_factors[0]: confidence L", kind: "lowConfidence" },
    { uri, range: range(54), message: "AI-002 has no owner", kind: "noOwner" },
    { bogus: true },
  ]);
  assert.equal(picks.length, 2);
  assert.equal(picks[0].label, "$(warning) contributing_factors[0]: confidence L");
  assert.equal(picks[0].description, "line 27 · confidence below H");
  assert.equal(picks[1].item.range.start.line, 54);
  assert.deepEqual(verifyPicks(null), []);
});

test("package.json declares the issue's commands, each registered by the extension", () => {
  const titles = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.deepEqual(titles, {
    "postmortem-lsp.draftSection": "Postmortem: Draft section…",
    "postmortem-lsp.draftMissing": "Postmortem: Draft all missing sections",
    "postmortem-lsp.review": "Postmortem: Review with Claude",
    "postmortem-lsp.reviewWording": "Postmortem: Review blameless wording with Claude",
    "postmortem-lsp.setApiKey": "Postmortem: Set Anthropic API key",
    "postmortem-lsp.newPostmortem": "Postmortem: New postmortem",
    "postmortem-lsp.restartServer": "Postmortem: Restart server",
    "postmortem-lsp.forgetConsent": "Postmortem: Ask again before sending to Claude",
    "postmortem-lsp.showLowConfidence": "Postmortem: Show low-confidence fields",
    "postmortem-lsp.openPreview": "Postmortem: Open Preview to the Side",
  });
  const src = readFileSync(join(EXT, "src/extension.ts"), "utf8") + readFileSync(join(EXT, "src/preview.ts"), "utf8");
  for (const id of Object.keys(titles)) {
    assert.ok(src.includes(`registerCommand("${id}"`), `${id} is not registered`);
  }
  // The server registers its own commands (postmortem.draftSection, …) through
  // the language client; ours must not collide with them.
  const server = readFileSync(join(REPO, "crates/postmortem-lsp/src/lsp/draft.rs"), "utf8") + readFileSync(join(REPO, "crates/postmortem-lsp/src/lsp/ide.rs"), "utf8");
  const serverCommands = [...server.matchAll(/pub const CMD_\w+: &str = "([\w.]+)";/g)].map((m) => m[1]);
  assert.ok(serverCommands.includes("postmortem.draftSection"), `server commands: ${serverCommands}`);
  for (const c of serverCommands) assert.ok(!(c in titles), `${c} collides with a server command`);
  for (const c of ["postmortem.draftSection", "postmortem.draftMissing", "postmortem.review", "postmortem.reviewWording", "postmortem.showLowConfidence", "postmortem.whatIsSent"]) {
    assert.ok(serverCommands.includes(c), `the server no longer has ${c}`);
    assert.ok(src.includes(`"${c}"`), `the extension does not handle ${c}`);
  }
});

test("activation covers the server's postmortem files", () => {
  const ev = pkg.activationEvents;
  assert.ok(ev.includes("onLanguage:yaml"));
  for (const g of ["**/postmortem.yaml", "**/*.postmortem.yaml", "**/postmortems/**/*.yaml"]) {
    assert.ok(ev.includes(`workspaceContains:${g}`), g);
  }
  // Alongside the YAML extension: no language of our own.
  assert.equal(pkg.contributes.languages, undefined);
});

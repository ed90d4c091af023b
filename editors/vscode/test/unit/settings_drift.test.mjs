// The contributed settings cannot drift from what the server reads: they are
// generated from crates/engine/src/config.rs, crates/claude/src/config.rs, crates/draft/src/prompts.rs and
// docs/rules.md by scripts/settings.mjs, and checked here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXTENSION_DIR, REPO, contributedConfiguration, rules, serverSettingKeys } from "../../scripts/settings.mjs";

const pkg = JSON.parse(readFileSync(join(EXTENSION_DIR, "package.json"), "utf8"));
const props = pkg.contributes.configuration.properties;

test("package.json has exactly the generated settings", () => {
  assert.deepEqual(
    pkg.contributes.configuration,
    contributedConfiguration(),
    "package.json's settings are out of date: run `node scripts/settings.mjs` in editors/vscode",
  );
});

test("every key the server reads is a setting, and nothing else is", () => {
  const { keys, apiKey, problems } = serverSettingKeys();
  assert.deepEqual(problems, []);
  const ours = Object.keys(props)
    .filter((k) => !k.startsWith("postmortem.server.") && !k.startsWith("postmortem.trace."))
    .map((k) => k.slice("postmortem.".length))
    .sort();
  assert.deepEqual(ours, keys);
  for (const k of ["rules", "locale", "inputs.maxBytes", "blameless.people", "claude.model", "claude.baseUrl", "claude.maxRetries"]) {
    assert.ok(keys.includes(k), `the parser lost ${k}`);
  }
  // The key is read by the server but must never be a setting (SecretStorage).
  assert.equal(apiKey, true);
  assert.equal("postmortem.claude.apiKey" in props, false);
});

test("every rule has a level setting", () => {
  const r = rules();
  assert.ok(r.length >= 39, `only ${r.length} rules parsed from docs/rules.md`);
  const ruleProps = props["postmortem.rules"].properties;
  assert.deepEqual(Object.keys(ruleProps).sort(), r.map((x) => x.code).sort());
  assert.deepEqual(ruleProps.PM201.enum, ["off", "hint", "info", "warning", "error"]);
  assert.match(ruleProps.PM201.markdownDescription, /missing-owner/);
});

test("unset server settings default to null, so the workspace file applies", () => {
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith("postmortem.server.") || k.startsWith("postmortem.trace.")) continue;
    assert.ok(
      v.default === null || (Array.isArray(v.default) && v.default.length === 0) || (k === "postmortem.rules" && Object.keys(v.default).length === 0),
      `${k} defaults to ${JSON.stringify(v.default)}`,
    );
  }
});

test("a field added to ClaudeConfig without an editor mapping is caught", () => {
  const copy = mkdtempSync(join(tmpdir(), "pm-drift-"));
  for (const rel of ["crates/engine/src/config.rs", "crates/claude/src/config.rs", "crates/draft/src/prompts.rs", "docs/rules.md"]) {
    cpSync(join(REPO, rel), join(copy, rel), { recursive: true });
  }
  const cc = join(copy, "crates/claude/src/config.rs");
  writeFileSync(cc, readFileSync(cc, "utf8").replace("pub struct ClaudeConfig {", "pub struct ClaudeConfig {\n    pub top_p: f32,"));
  assert.ok(serverSettingKeys(copy).keys.includes("claude.topP"));
  assert.match(serverSettingKeys(copy).problems.join("\n"), /does not map claude\.topP to top_p/);
  assert.throws(() => contributedConfiguration(copy), /claude\.topP/);
});

// What the server receives as settings; the API key only from SecretStorage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { serverSettings, withoutUnset } = require("../../out/unit/settings.js");

// What workspace.getConfiguration().get("postmortem") returns with only
// defaults: every contributed key, unset ones null.
const defaults = {
  server: { path: null },
  trace: { server: "off" },
  rules: {},
  inputs: { maxBytes: null },
  blameless: { people: [], allow: [], bots: [] },
  locale: null,
  claude: {
    model: null, baseUrl: null, maxTokens: null, temperature: null, timeoutS: null,
    connectTimeoutS: null, structuredOutput: null, maxRetries: null, promptsDir: null,
  },
};

test("unset settings are left out, so .postmortem-lsp.toml applies", () => {
  const s = serverSettings(defaults, undefined);
  assert.deepEqual(s, { rules: {}, inputs: {}, blameless: { people: [], allow: [], bots: [] } });
  // In particular no claude.baseUrl key at all: the server trusts a base URL
  // that comes from the editor, so a null one must not be sent.
  assert.equal("claude" in s, false);
});

test("set values pass through, the extension's own keys do not", () => {
  const s = serverSettings(
    { ...defaults, rules: { PM305: "off" }, locale: "zh-TW", claude: { ...defaults.claude, model: "m", maxRetries: 0, structuredOutput: false } },
    undefined,
  );
  assert.deepEqual(s.rules, { PM305: "off" });
  assert.equal(s.locale, "zh-TW");
  assert.deepEqual(s.claude, { model: "m", maxRetries: 0, structuredOutput: false });
  assert.equal("server" in s, false);
  assert.equal("trace" in s, false);
});

test("the API key comes from SecretStorage only", () => {
  const s = serverSettings(defaults, "  sk-ant-secret  ");
  assert.deepEqual(s.claude, { apiKey: "sk-ant-secret" });
  const typed = serverSettings({ ...defaults, claude: { ...defaults.claude, apiKey: "sk-from-settings-json" } }, undefined);
  assert.equal(typed.claude, undefined, "a key typed into settings.json is not used");
  const both = serverSettings({ ...defaults, claude: { apiKey: "sk-typed" } }, "sk-secret");
  assert.equal(both.claude.apiKey, "sk-secret");
  assert.equal(serverSettings(defaults, "   ").claude, undefined);
});

test("the input is not modified", () => {
  const input = { claude: { model: "m" } };
  serverSettings(input, "k");
  assert.deepEqual(input, { claude: { model: "m" } });
  assert.equal(withoutUnset(undefined), undefined);
  assert.deepEqual(withoutUnset([1, null, "a"]), [1, "a"]);
});

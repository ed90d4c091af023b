// The extension's `postmortem.*` settings, generated from what the server
// reads: `Config::merge_client` (crates/engine/src/config.rs), the fields of `ClaudeConfig`
// (crates/claude/src/config.rs), `prompts_dir` (crates/draft/src/prompts.rs) and the rule
// table (docs/rules.md, itself kept in sync with the rules by a Rust test).
//
//   node scripts/settings.mjs          rewrite package.json's settings
//   node scripts/settings.mjs --check  exit 1 when package.json is out of date
//
// A server key without an entry in META below (or an entry the server does
// not read) is an error, so the two cannot drift apart.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const EXTENSION_DIR = join(HERE, "..");
export const REPO = join(EXTENSION_DIR, "..", "..");

const LEVELS = ["off", "hint", "info", "warning", "error"];

/** Type and description of each server setting, by its editor name. */
export const META = {
  rules: null, // generated from docs/rules.md
  locale: {
    type: ["string", "null"],
    enum: [null, "auto", "en", "zh-TW"],
    default: null,
    markdownDescription:
      "Language of the messages and hovers: `en` or `zh-TW` (繁體中文). Empty or `auto`: the editor's language, unless `locale` is set in `.postmortem-lsp.toml`.",
  },
  "inputs.maxBytes": {
    type: ["integer", "null"],
    minimum: 1,
    default: null,
    markdownDescription:
      "The largest input file read, in bytes (default 1 MiB). Overrides `[inputs] max_bytes` in `.postmortem-lsp.toml`.",
  },
  "privacy.secrets": {
    type: ["boolean", "null"],
    default: null,
    markdownDescription:
      "Redact secrets (keys, tokens, passwords, private keys; gitleaks' rule set) from the inputs and the document before drafting with Claude. Empty: `[privacy] secrets` in `.postmortem-lsp.toml` applies (on by default).",
  },
  "privacy.emails": {
    type: ["boolean", "null"],
    default: null,
    markdownDescription: "Also redact e-mail addresses before drafting. Empty: `[privacy] emails` applies (off by default).",
  },
  "privacy.phones": {
    type: ["boolean", "null"],
    default: null,
    markdownDescription: "Also redact telephone numbers before drafting. Empty: `[privacy] phones` applies (off by default).",
  },
  "privacy.ipAddresses": {
    type: ["boolean", "null"],
    default: null,
    markdownDescription: "Also redact IPv4 and IPv6 addresses before drafting. Empty: `[privacy] ip_addresses` applies (off by default).",
  },
  "privacy.cardNumbers": {
    type: ["boolean", "null"],
    default: null,
    markdownDescription: "Also redact payment card numbers (Luhn-valid) before drafting. Empty: `[privacy] card_numbers` applies (off by default).",
  },
  "privacy.allow": {
    type: "array",
    items: { type: "string" },
    default: [],
    markdownDescription:
      "Regular expressions: a finding one of them matches is not redacted (e.g. `@example\\.com$`). Added to `[privacy] allow`.",
  },
  "blameless.people": {
    type: "array",
    items: { type: "string" },
    default: [],
    markdownDescription:
      "Names to treat as people (besides the chat log's speakers), e.g. `alice`, `王小明`. Added to `[blameless] people`.",
  },
  "blameless.allow": {
    type: "array",
    items: { type: "string" },
    default: [],
    markdownDescription: "Words never treated as names (e.g. `Will`). Added to `[blameless] allow`.",
  },
  "blameless.bots": {
    type: "array",
    items: { type: "string" },
    default: [],
    markdownDescription: "Chat speakers that are not people (e.g. `deploybot`). Added to `[blameless] bots`.",
  },
  "claude.model": {
    type: ["string", "null"],
    default: null,
    markdownDescription: "The Claude model used for drafting (default `claude-sonnet-4-6`).",
  },
  "claude.baseUrl": {
    type: ["string", "null"],
    default: null,
    markdownDescription:
      "The Anthropic API address (default `https://api.anthropic.com`, or `ANTHROPIC_BASE_URL`). Set here, it is trusted; set in a workspace's `.postmortem-lsp.toml`, only the public API or a loopback address is used with your key.",
  },
  "claude.maxTokens": {
    type: ["integer", "null"],
    minimum: 1,
    default: null,
    markdownDescription: "The most tokens Claude may answer with per section (default 4096).",
  },
  "claude.temperature": {
    type: ["number", "string", "null"],
    default: null,
    markdownDescription: "Sampling temperature between 0 and 1, sent only when set (default: not sent). Claude Opus 4.7 and later refuse it.",
  },
  "claude.timeoutS": {
    type: ["integer", "null"],
    minimum: 1,
    default: null,
    markdownDescription: "Seconds to wait for the next bytes of an answer before giving up (default 60).",
  },
  "claude.connectTimeoutS": {
    type: ["integer", "null"],
    minimum: 1,
    default: null,
    markdownDescription: "Seconds to wait for a connection to the API (default 10).",
  },
  "claude.structuredOutput": {
    type: ["boolean", "null"],
    default: null,
    markdownDescription: "Also send the section's JSON Schema as `output_config` (default off: each section's schema would stop the prompt cache from carrying over; answers are checked against the schema either way).",
  },
  "claude.contextWindow": {
    type: ["integer", "null"],
    minimum: 1,
    default: null,
    markdownDescription: "The model's context window in tokens (default 200000). Requests counted above it less `maxTokens` are not sent.",
  },
  "claude.countTokens": {
    type: ["boolean", "null"],
    default: null,
    markdownDescription: "Count large requests with Anthropic's token-counting endpoint before sending them (default on; off, or a gateway without it: a conservative local estimate).",
  },
  "claude.maxRetries": {
    type: ["integer", "null"],
    minimum: 0,
    default: null,
    markdownDescription: "Retries after a rate limit, an overloaded API or a dropped connection (default 3).",
  },
  "claude.promptsDir": {
    type: ["string", "null"],
    default: null,
    markdownDescription:
      "A folder with your own prompts (`system.md`, `review.md`, `sections/NAME.md`), file by file over the built-in ones.",
  },
};

/** Settings that belong to the extension, not the server. */
export const EXTENSION_SETTINGS = {
  "postmortem.server.path": {
    type: ["string", "null"],
    default: null,
    scope: "machine-overridable",
    markdownDescription:
      "Path to the `postmortem-lsp` binary. Empty: the binary bundled with the extension, else `postmortem-lsp` on `PATH`.",
  },
  "postmortem.trace.server": {
    type: "string",
    enum: ["off", "messages", "verbose"],
    default: "off",
    markdownDescription: "Log the messages between VS Code and the server in the `Postmortem` output channel.",
  },
};

const camel = (snake) => snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

function read(rel) {
  return readFileSync(join(REPO, rel), "utf8");
}

/** The body of `fn name(` … up to the matching closing brace. */
function fnBody(src, name) {
  const start = src.indexOf(`fn ${name}(`);
  if (start < 0) throw new Error(`fn ${name} not found`);
  let i = src.indexOf("{", start);
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    if (src[j] === "{") depth++;
    else if (src[j] === "}" && --depth === 0) return src.slice(i, j + 1);
  }
  throw new Error(`fn ${name} has no end`);
}

/**
 * What the server reads from the editor's `postmortem` section: editor names
 * (`claude.baseUrl`), plus `apiKey` (secret) and `aliases` (snake_case
 * spellings it also accepts).
 */
export function serverSettingKeys(repo = REPO) {
  const readR = (rel) => readFileSync(join(repo, rel), "utf8");
  const merge = fnBody(readR("crates/engine/src/config.rs"), "merge_client");
  const keys = new Set();
  for (const m of merge.matchAll(/\bv\s*\.get\("(\w+)"\)/g)) if (m[1] !== "claude") keys.add(m[1]);
  for (const m of merge.matchAll(/(?:pointer|strings)\("\/(\w+)\/(\w+)"\)/g)) {
    if (!m[2].includes("_")) keys.add(`${m[1]}.${m[2]}`);
  }
  // claude.*: every field ClaudeConfig deserializes, plus prompts_dir.
  const cc = readR("crates/claude/src/config.rs");
  const struct = cc.slice(cc.indexOf("pub struct ClaudeConfig"));
  const body = struct.slice(0, struct.indexOf("\n}\n"));
  const fields = [];
  let skip = false;
  for (const line of body.split("\n")) {
    if (/#\[serde\(skip\)\]/.test(line)) skip = true;
    const f = line.match(/^\s*pub (\w+):/);
    if (f) {
      if (!skip) fields.push(f[1]);
      skip = false;
    }
  }
  if (/\.get\("prompts_dir"\)/.test(readR("crates/draft/src/prompts.rs"))) fields.push("prompts_dir");
  // merge_client's renames: `"baseUrl" => "base_url"`, `"apiKey" => continue`.
  const arms = {};
  for (const m of merge.matchAll(/((?:"\w+"\s*\|\s*)*"\w+")\s*=>\s*("(\w+)"|continue)/g)) {
    for (const k of m[1].matchAll(/"(\w+)"/g)) arms[k[1]] = m[3] ?? null;
  }
  const problems = [];
  for (const f of fields) {
    const c = camel(f);
    if (c !== f && arms[c] !== f) {
      problems.push(`merge_client does not map claude.${c} to ${f}, so that editor setting would be ignored`);
    }
    keys.add(`claude.${c}`);
  }
  const apiKey = Object.prototype.hasOwnProperty.call(arms, "apiKey") && arms.apiKey === null;
  return { keys: [...keys].sort(), apiKey, problems };
}

/** The rule table of docs/rules.md: [{code, name, severity, summary}]. */
export function rules(repo = REPO) {
  const md = readFileSync(join(repo, "docs/rules.md"), "utf8");
  const out = [];
  for (const m of md.matchAll(/^\| \[(PM\d{3})\]\([^)]*\) \| ([\w-]+) \| (\w+) \| (.*) \|$/gm)) {
    out.push({ code: m[1], name: m[2], severity: m[3], summary: m[4] });
  }
  return out;
}

/** `contributes.configuration` for package.json. */
export function contributedConfiguration(repo = REPO) {
  const { keys, problems } = serverSettingKeys(repo);
  const missing = keys.filter((k) => !(k in META));
  const extra = Object.keys(META).filter((k) => !keys.includes(k));
  for (const k of missing) problems.push(`the server reads postmortem.${k} but scripts/settings.mjs has no entry for it`);
  for (const k of extra) problems.push(`scripts/settings.mjs describes postmortem.${k} but the server does not read it`);
  if (problems.length) throw new Error(problems.join("\n"));

  const ruleProps = {};
  for (const r of rules(repo)) {
    ruleProps[r.code] = {
      type: "string",
      enum: LEVELS,
      markdownDescription: `\`${r.name}\`: ${r.summary} Default: \`${r.severity}\`.`,
    };
  }
  const properties = { ...EXTENSION_SETTINGS };
  properties["postmortem.rules"] = {
    type: "object",
    default: {},
    markdownDescription:
      "Rule levels by code or name (`off`, `hint`, `info`, `warning`, `error`), over `[rules]` in `.postmortem-lsp.toml`. See `postmortem-lsp explain CODE`.",
    properties: ruleProps,
    additionalProperties: { type: "string", enum: LEVELS },
  };
  for (const k of keys) {
    if (k === "rules") continue;
    properties[`postmortem.${k}`] = { ...META[k], scope: META[k].scope ?? "resource" };
  }
  return { title: "Postmortem", properties };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pkgPath = join(EXTENSION_DIR, "package.json");
  const text = readFileSync(pkgPath, "utf8");
  const pkg = JSON.parse(text);
  pkg.contributes.configuration = contributedConfiguration();
  const next = JSON.stringify(pkg, null, 2) + "\n";
  if (process.argv.includes("--check")) {
    if (next !== text) {
      console.error("package.json's settings are out of date: run `node scripts/settings.mjs` in editors/vscode");
      process.exit(1);
    }
  } else {
    writeFileSync(pkgPath, next);
  }
}

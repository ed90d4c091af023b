// End to end in real VS Code: code-server with the built .vsix installed,
// driven in headless Chromium by playwright-core. Opens the example with
// mistakes and checks the Problems panel, a hover, a draft against the fake
// Anthropic server (and a cancelled one), the low-confidence quick pick and
// New postmortem; saves a screenshot of each step in target/e2e-artifacts
// (and the servers' stderr in stderr.log).
//
// Environment (set by test/run.sh): E2E_NODE24, E2E_CODE_SERVER,
// E2E_PLAYWRIGHT, E2E_CHROMIUM, PM_VSIX, PM_SERVER, PM_FAKE, PM_ARTIFACTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..", "..", "..");
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run editors/vscode/test/run.sh)`);
  return v;
};
const require = createRequire(import.meta.url);
const { chromium } = require(env("E2E_PLAYWRIGHT"));

const KEY = "sk-ant-test-vscode-e2e-7d41";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const TOKEN = "ghp_" + Array.from({ length: 36 }, () => ALNUM[Math.floor(Math.random() * ALNUM.length)]).join("");
const DOC = "mistakes.postmortem.yaml";
/** Claude's finding in the wording review (a phrase of why_5 in the example). */
const WORDING_FINDING = {
  path: "root_cause.five_whys[4].why_5",
  quote: "People don't follow the process",
  rule: "PM302",
  reason: "This blames people instead of naming the missing guard.",
  rewrite: "Nothing enforces the process",
};
const ARTIFACTS = env("PM_ARTIFACTS");
const PATIENCE = 60_000;

const tmp = mkdtempSync(join(tmpdir(), "pm-vscode-e2e-"));
const ws = join(tmp, "checkout-outage");
const userData = join(tmp, "user-data");
const extDir = join(tmp, "extensions");
let codeServer, fake, browser, page, fakeUrl, record;
const logs = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves with the first match of `re` in the process's stdout. */
function waitOutput(proc, re, what) {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; output: ${out.slice(-2000)}`)), PATIENCE);
    const on = (d) => {
      out += d.toString();
      const m = out.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout.on("data", on);
    proc.stderr.on("data", (d) => logs.push(d.toString()));
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: the process exited with ${code}; output: ${out.slice(-2000)}`));
    });
  });
}

function stop(proc) {
  if (!proc || proc.exitCode !== null) return;
  try {
    process.kill(-proc.pid, "SIGTERM"); // its own process group
  } catch {
    proc.kill("SIGTERM");
  }
}

async function shot(name) {
  const file = join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  return file;
}

function requests() {
  if (!existsSync(record)) return [];
  return readFileSync(record, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** Resolves once no quick input (palette, quick pick) is showing. */
async function quickInputClosed() {
  await page.waitForFunction(() => {
    const w = document.querySelector(".quick-input-widget");
    return !w || getComputedStyle(w).display === "none";
  });
}

/** Runs a command from the command palette by its title. */
async function palette(title) {
  await quickInputClosed();
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: PATIENCE });
  await page.keyboard.press("Enter");
  // The command has taken over once the palette's `>` is gone (or it closed).
  await page.waitForFunction(() => {
    const w = document.querySelector(".quick-input-widget");
    const i = w?.querySelector("input");
    return !w || getComputedStyle(w).display === "none" || !i || !i.value.startsWith(">");
  });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of readdirSync(ARTIFACTS)) if (f.endsWith(".png")) rmSync(join(ARTIFACTS, f));
  // The workspace: the example incident, its own root.
  cpSync(join(REPO, "examples/checkout-outage"), ws, { recursive: true });
  mkdirSync(join(ws, ".git"));
  // A token pasted into the chat (generated here, never committed): it must
  // be redacted from what is sent.
  appendFileSync(join(ws, "chat.log"), `[15:20] priya: mirror token was ${TOKEN}, rotating it now\n`);

  // The fake Anthropic server: a timeline answer streamed over ~4 s (so the
  // progress notification can be seen), then the default `ok`.
  const script = JSON.parse(readFileSync(join(REPO, "editors/fixtures/draft-timeline.json"), "utf8"));
  script.replies[0].stream.delay_ms = 150;
  // The second draft trickles in for a minute: it is cancelled.
  script.replies.push({ stream: { text: "blameless_summary: never applied", delay_ms: 2000, delta_chars: 1 } });
  // The wording review's answer: one finding on a phrase of the example.
  script.replies.push({ stream: { text: JSON.stringify({ findings: [WORDING_FINDING] }) } });
  writeFileSync(join(tmp, "script.json"), JSON.stringify(script));
  record = join(tmp, "record.jsonl");
  fake = spawn(env("PM_FAKE"), ["--port", "0", "--script", join(tmp, "script.json"), "--record", record], {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  fakeUrl = (await waitOutput(fake, /listening on (http:\/\/[\d.:]+)/, "the fake Anthropic server"))[1];

  // User settings: no workspace trust prompt, no welcome page, the fake API.
  mkdirSync(join(userData, "User"), { recursive: true });
  writeFileSync(
    join(userData, "User", "settings.json"),
    JSON.stringify(
      {
        "security.workspace.trust.enabled": false,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "update.mode": "none",
        "editor.hover.delay": 200,
        "editor.minimap.enabled": false,
        "window.restoreWindows": "none",
        "files.hotExit": "off",
        "postmortem.claude.baseUrl": fakeUrl,
        "postmortem.claude.maxRetries": 0,
        "postmortem.trace.server": "messages",
        "chat.disableAIFeatures": true,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
      },
      null,
      2,
    ),
  );

  const csEnv = {
    ...process.env,
    PATH: `${dirname(env("E2E_NODE24"))}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(tmp, "xdg-config"),
    XDG_DATA_HOME: join(tmp, "xdg-data"),
  };
  // No extension gallery: nothing but loopback (the machine's network is closed anyway).
  csEnv.EXTENSIONS_GALLERY = JSON.stringify({
    serviceUrl: "http://127.0.0.1:9/gallery",
    itemUrl: "http://127.0.0.1:9/items",
    resourceUrlTemplate: "http://127.0.0.1:9/resource/{publisher}/{name}/{version}/{path}",
  });
  delete csEnv.ANTHROPIC_API_KEY;
  delete csEnv.ANTHROPIC_BASE_URL;
  // Install the built .vsix the way a user would.
  const inst = spawnSync(
    env("E2E_CODE_SERVER"),
    ["--user-data-dir", userData, "--extensions-dir", extDir, "--install-extension", env("PM_VSIX")],
    { env: csEnv, encoding: "utf8", timeout: PATIENCE * 2 },
  );
  assert.equal(inst.status, 0, `install-extension failed: ${inst.stdout}\n${inst.stderr}`);
  assert.match(inst.stdout, /was successfully installed/);

  const port = await freePort();
  codeServer = spawn(
    env("E2E_CODE_SERVER"),
    [
      "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
      "--disable-workspace-trust", "--disable-getting-started-override",
      "--user-data-dir", userData, "--extensions-dir", extDir, ws,
    ],
    { env: csEnv, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  await waitOutput(codeServer, /HTTP server listening on/, "code-server");

  browser = await chromium.launch({
    executablePath: env("E2E_CHROMIUM"),
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.setDefaultTimeout(PATIENCE);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.locator(".monaco-workbench").waitFor();
  // Open the postmortem with mistakes.
  await page.locator(".explorer-folders-view").waitFor();
  await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${DOC}"]`).click();
  await page.locator(`.tab[aria-label*="${DOC}"]`).first().waitFor();
  await page.locator(".monaco-editor .view-lines").first().waitFor();
});

// Never leave code-server or the fake server behind, whatever happens.
process.on("exit", () => {
  stop(codeServer);
  stop(fake);
});

after(async () => {
  writeFileSync(join(ARTIFACTS, "stderr.log"), logs.join(""));
  await browser?.close().catch(() => undefined);
  stop(codeServer);
  stop(fake);
  rmSync(tmp, { recursive: true, force: true });
});

let expected;

/** A test that leaves a screenshot of the page when it fails. */
function step(name, file, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (e) {
      await page?.screenshot({ path: join(ARTIFACTS, `failed-${file}`) }).catch(() => undefined);
      throw e;
    }
  });
}

step("the Problems panel shows the server's problems", "01-problems.png", async () => {
  // The CLI's findings for the same file (it exits 1: the file has errors).
  const cli = JSON.parse(spawnSync(env("PM_SERVER"), ["check", "--format", "json", join(ws, DOC)], { encoding: "utf8" }).stdout);
  expected = cli.files[0].diagnostics;
  assert.ok(expected.length > 10, "the CLI's findings");
  // Squiggles in the editor first.
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: PATIENCE });
  await page.keyboard.press("Control+Shift+M");
  const panel = page.locator(".markers-panel");
  await panel.waitFor();
  // Every finding of the CLI for this file is in the panel: the badge counts them.
  const count = page.locator('.pane-header[aria-label*="Problems"] .badge .badge-content, .composite.title .action-item .badge .badge-content, .panel-switcher-container .badge-content').first();
  await page.waitForFunction(
    (n) => [...document.querySelectorAll(".badge-content")].some((b) => b.textContent.trim() === String(n)),
    expected.length,
    { timeout: PATIENCE },
  );
  assert.ok(await count.count() >= 0);
  const rows = panel.locator(".monaco-list-row");
  await rows.first().waitFor();
  const text = await panel.innerText();
  assert.match(text, new RegExp(DOC.replace(/\./g, "\\.")));
  // The panel lists errors first, in file order: the server's first errors.
  for (const d of expected.filter((x) => x.severity === "error").slice(0, 4)) {
    assert.ok(text.includes(d.message.slice(0, 40)), `Problems panel lacks: ${d.message}`);
  }
  // Filter to one rule: its finding is there, with the code.
  const filter = page.locator(".markers-panel-action-filter input, .viewpane-filter input").first();
  await filter.fill("AI-002 has no owner");
  // Filtered: the file's row and the one finding.
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll(".markers-panel .monaco-list-row")];
    return rows.length === 2 && rows[1].textContent.includes("Action item AI-002 has no owner");
  });
  const filtered = await panel.innerText();
  assert.match(filtered, /PM201/);
  await page.locator(".monaco-editor .squiggly-error").first().waitFor();
  await shot("01-problems.png");
  await filter.fill("");
});

step("a hover shows the field's documentation", "02-hover.png", async () => {
  // Go to `owner:` of AI-001 (line 48, column 5) and ask for the hover.
  const lines = readFileSync(join(ws, DOC), "utf8").split("\n");
  const line = lines.findIndex((l) => l.includes("owner: payments-team")) + 1;
  await page.locator(".monaco-editor .view-lines").first().click();
  await palette("Go to Line/Column");
  await page.keyboard.type(`${line}:6`);
  await page.keyboard.press("Enter");
  await palette("Show or Focus Hover");
  const hover = page.locator(".monaco-hover:visible", { hasText: "The one person or team who will see this item through" });
  await hover.first().waitFor({ timeout: PATIENCE });
  const text = await hover.first().innerText();
  assert.match(text, /action_items\.owner/);
  await shot("02-hover.png");
  await page.keyboard.press("Escape");
});

step("a draft with Claude inserts the section", "04-drafted.png", async () => {
  const before = readFileSync(join(ws, DOC), "utf8");
  assert.ok(!before.includes("\ntimeline:"), "the example has no timeline");
  // Room for the editor: the Problems panel closes.
  if (await page.locator(".markers-panel").isVisible()) await palette("View: Toggle Panel Visibility");
  // The key through the command, into SecretStorage.
  await palette("Postmortem: Set Anthropic API key");
  const input = page.locator(".quick-input-widget input[type=password]");
  await input.waitFor();
  await input.fill(KEY);
  await page.keyboard.press("Enter");
  await page.locator(".notification-toast", { hasText: "API key is stored" }).first().waitFor();

  await palette("Postmortem: Draft section…");
  await page.locator(".quick-input-widget .quick-input-title", { hasText: "Draft which section" }).waitFor();
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "timeline" }).first().waitFor();
  await page.keyboard.type("timeline");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "missing: draft it" }).first().waitFor();
  await page.keyboard.press("Enter");
  // Consent first: the question names the files and what was redacted, and
  // nothing is sent until it is answered.
  const question = () => page.locator(".notification-toast", { hasText: /secrets? redacted\) to / }).first();
  await question().waitFor({ timeout: PATIENCE });
  const asked = await question().innerText();
  assert.match(asked, /Send mistakes\.postmortem\.yaml, report\.md, chat\.log/);
  assert.equal(requests().length, 0, "nothing is sent before consent");
  await page.waitForTimeout(400);
  await shot("03a-consent.png");
  await question().locator(".monaco-button", { hasText: "Show what is sent" }).first().click();
  // What is sent opens as a read-only document, the token redacted.
  const sentTab = page.locator(".tab", { hasText: "what-is-sent" }).first();
  await sentTab.waitFor({ timeout: PATIENCE });
  // It opens beside the postmortem, in the active editor group.
  const sentView = page.locator(".editor-group-container.active .monaco-editor .view-lines").first();
  await sentView.click();
  await page.keyboard.press("Control+F");
  await page.locator(".find-widget textarea, .find-widget input").first().waitFor();
  await page.keyboard.type("REDACTED:github-pat");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() =>
    document.querySelector(".editor-group-container.active .monaco-editor .view-lines")?.textContent.includes("REDACTED:github-pat"),
  );
  await page.keyboard.press("Escape");
  await sentView.click();
  await page.keyboard.type("typed");
  await page.waitForTimeout(300);
  assert.equal(await page.locator(".tab.dirty", { hasText: "what-is-sent" }).count(), 0, "the request document is read-only");
  await shot("03b-what-is-sent.png");
  await palette("View: Close Editor");
  // Back to the postmortem (from the Explorer).
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: DOC }).first().click();
  await page.locator(".tab", { hasText: DOC }).first().waitFor();
  // Asked again (as a toast, or in the notification center if the toast was
  // hidden meanwhile); "Always for this workspace" sends and is remembered.
  const again = page.locator(".notification-toast, .notifications-center .notification-list-item", { hasText: /secrets? redacted\) to / }).first();
  const centerOpened = !(await again.isVisible());
  if (centerOpened) await palette("Notifications: Show Notifications");
  await again.waitFor({ timeout: PATIENCE });
  await again.locator(".monaco-button", { hasText: "Always for this workspace" }).first().click();
  // Close the notification center again, so that progress shows as a toast.
  if (centerOpened) {
    await page.keyboard.press("Escape");
    await page.locator(".notifications-center .notification-list-item").first().waitFor({ state: "hidden" }).catch(() => {});
  }
  // The server's progress, as a notification with a cancel button (unless
  // the question was answered in the notification center, where it shows;
  // the cancel step below checks the toast then).
  if (!centerOpened) {
    const progress = page.locator(".notification-toast", { hasText: "Drafting timeline" }).first();
    await progress.waitFor({ timeout: PATIENCE });
    const buttons = await progress.locator(".monaco-button, a.monaco-button").allInnerTexts();
    assert.ok(buttons.some((b) => /cancel/i.test(b)), `no cancel button in the progress notification: ${buttons}`);
    await page.waitForTimeout(400); // the toast fades in
    await shot("03-draft-progress.png");
  }
  await page
    .locator(".notification-toast, .notifications-center .notification-list-item", { hasText: "Drafted timeline" })
    .first()
    .waitFor({ timeout: PATIENCE });
  // The draft is in the editor (unsaved), at the top where the section goes.
  await page.locator(".monaco-editor .view-lines").first().click();
  await palette("Go to Line/Column");
  await page.keyboard.type("13:1");
  await page.keyboard.press("Enter");
  const view = page.locator(".monaco-editor .view-lines").first();
  await page.waitForFunction(() => document.querySelector(".monaco-editor .view-lines")?.textContent.includes("impact_start"));
  assert.match(await view.innerText(), /timeline:/);
  await shot("04-drafted.png");

  // Saved, the file is the original plus the timeline section.
  await page.keyboard.press("Control+S");
  let after = before;
  for (let i = 0; i < 100 && after === before; i++) {
    await page.waitForTimeout(100);
    after = readFileSync(join(ws, DOC), "utf8");
  }
  assert.match(after, /\ntimeline:\n {2}- at: 2026-04-09T13:52:00Z\n/);
  assert.match(after, /kind: impact_start/);
  const start = after.indexOf("\ntimeline:");
  const end = after.indexOf("\nroot_cause:");
  assert.ok(start > 0 && end > start, "timeline before root_cause");
  assert.equal((after.slice(0, start + 1) + after.slice(end + 1)).replace(/\n\n\n/g, "\n\n"), before);

  // One request, with the key from SecretStorage; the key is in no settings file.
  const reqs = requests();
  assert.equal(reqs.length, 1, "requests to the fake Anthropic server");
  assert.equal(reqs[0].path, "/v1/messages");
  assert.equal(reqs[0].headers["x-api-key"], KEY);
  assert.ok(!JSON.stringify(reqs[0]).includes(TOKEN), "the token was sent");
  assert.ok(JSON.stringify(reqs[0]).includes("[REDACTED:github-pat]"), "the redaction marker is in the request");
  for (const f of [join(userData, "User", "settings.json"), join(ws, ".vscode", "settings.json")]) {
    if (existsSync(f)) assert.ok(!readFileSync(f, "utf8").includes(KEY), `${f} holds the key`);
  }
});

step("cancelling a draft from its notification leaves the document as it was", "05-cancelled.png", async () => {
  const before = readFileSync(join(ws, DOC), "utf8");
  await page.locator(".monaco-editor .view-lines").first().click();
  await palette("Postmortem: Draft section…");
  await page.locator(".quick-input-widget .quick-input-title", { hasText: "Draft which section" }).waitFor();
  await page.keyboard.type("blameless_summary");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "has content" }).first().waitFor();
  await page.keyboard.press("Enter");
  const progress = page.locator(".notification-toast", { hasText: "Drafting blameless_summary" }).first();
  await progress.waitFor();
  // "Always for this workspace" was remembered: no question this time.
  assert.equal(await page.locator(".notification-toast", { hasText: /secrets? redacted\) to / }).count(), 0, "asked again");
  for (let i = 0; i < 100 && requests().length < 2; i++) await page.waitForTimeout(100);
  assert.equal(requests().length, 2, "the second draft reached the fake server");
  await progress.locator(".monaco-button", { hasText: /cancel/i }).first().click();
  await progress.waitFor({ state: "detached" });
  await page.waitForTimeout(500);
  await shot("05-cancelled.png");
  // Nothing changed: the editor is not dirty and the file is as saved.
  assert.equal(await page.locator(`.tab.dirty[aria-label*="${DOC}"]`).count(), 0, "the document is dirty after a cancel");
  assert.equal(readFileSync(join(ws, DOC), "utf8"), before);
});

step("Show low-confidence fields lists the code lens items in a quick pick", "06-low-confidence.png", async () => {
  await page.locator(".monaco-editor .view-lines").first().click();
  await palette("Postmortem: Show low-confidence fields");
  const title = page.locator(".quick-input-widget .quick-input-title", { hasText: "Fields to verify" });
  await title.waitFor();
  const rows = page.locator(".quick-input-list .monaco-list-row");
  await rows.first().waitFor();
  const text = await page.locator(".quick-input-list").innerText();
  assert.match(text, /AI-002/, "the action item without owner");
  assert.match(text, /confidence below H/);
  await shot("06-low-confidence.png");
  // Picking one moves the cursor there (the status bar names its line) and
  // closes the pick. Both are waited for: the editor taking focus after the
  // next step has opened the command palette would close the palette.
  const line = readFileSync(join(ws, DOC), "utf8").split("\n").findIndex((l) => /id: AI-002\b/.test(l)) + 1;
  assert.ok(line > 0, "AI-002 is in the document");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "AI-002" }).first().click();
  await page.waitForFunction(
    (ln) => new RegExp(`Ln ${ln}, Col \\d+`).test(document.querySelector(".statusbar")?.textContent ?? ""),
    line,
  );
  await quickInputClosed();
});

step("New postmortem writes a skeleton and opens it", "07-new-postmortem.png", async () => {
  await palette("Postmortem: New postmortem");
  await page.locator(".quick-input-widget .quick-input-title", { hasText: "New postmortem" }).waitFor();
  const input = page.locator(".quick-input-widget input");
  await input.waitFor();
  await input.fill("postmortems/e2e-new");
  await page.keyboard.press("Enter");
  await page.locator('.tab[aria-label*="postmortem.yaml"]', { hasText: "postmortem.yaml" }).first().waitFor();
  const file = join(ws, "postmortems", "e2e-new", "postmortem.yaml");
  for (let i = 0; i < 100 && !existsSync(file); i++) await page.waitForTimeout(100);
  assert.ok(existsSync(file), "the skeleton was written");
  assert.match(readFileSync(file, "utf8"), /^incident_ref:/m);
  await shot("07-new-postmortem.png");
});

/** The frame of the preview webview that holds the rendered page. */
async function previewFrame() {
  for (let i = 0; i < 300; i++) {
    for (const f of page.frames()) {
      try {
        if (await f.evaluate(() => !!document.querySelector("main.pm h1"))) return f;
      } catch {
        // a frame that went away
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error("no preview frame with a rendered postmortem");
}

step("Open Preview to the Side renders the postmortem, follows edits and jumps to the YAML", "08-preview.png", async () => {
  const file = "postmortem.yaml";
  const text = readFileSync(join(ws, file), "utf8");
  // The workspace's own postmortem.yaml (level 1): "New postmortem" above wrote another one in a folder.
  await page.locator(`.explorer-folders-view .monaco-list-row[aria-level="1"][aria-label="${file}"]`).click();
  await page.locator(`.tab[aria-label*="${file}"]`).first().waitFor();
  await page.locator(".monaco-editor .view-lines").first().click();
  // The editor's title bar offers the preview once the file is known as a postmortem.
  await page.locator('.editor-actions .action-label[aria-label*="Open Preview to the Side"]').first().waitFor({ timeout: PATIENCE });
  await palette("Postmortem: Open Preview to the Side");
  await page.locator('.tab[aria-label*="Preview postmortem.yaml"]').first().waitFor();
  let frame = await previewFrame();
  assert.match(await frame.locator("main.pm h1").innerText(), /INC-2026-0412/);
  assert.equal(await frame.locator("svg.timeline-chart g.tl-event").count(), 10);
  // The page's policy: no default sources, the style and script by nonce only.
  const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(csp, /^default-src 'none'; style-src 'nonce-[0-9a-f]{32}'; script-src 'nonce-[0-9a-f]{32}'/);

  // Type in the YAML: the preview changes without a save.
  const idLine = text.split("\n").findIndex((l) => l.includes("id: INC-2026-0412")) + 1;
  await page.locator(".monaco-editor .view-lines").first().click();
  await palette("Go to Line/Column");
  await page.keyboard.type(`${idLine}:100`);
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.type("-B");
  await page.keyboard.press("Home");
  await frame.waitForFunction(() => document.querySelector("main.pm h1")?.textContent.includes("INC-2026-0412-B"), null, { timeout: PATIENCE });
  assert.equal(readFileSync(join(ws, file), "utf8"), text, "edited, not saved: the preview shows the buffer");

  // The cursor on an action item: the preview marks that row.
  const aiLine = text.split("\n").findIndex((l) => l.includes("- id: AI-003")) + 1;
  await palette("Go to Line/Column");
  await page.keyboard.type(`${aiLine}:1`);
  await page.keyboard.press("Enter");
  await frame.waitForFunction(() => document.body.getAttribute("data-current") === "action-items", null, { timeout: PATIENCE });
  assert.match(await frame.locator(".pm-current").first().innerText(), /AI-003/);
  await page.waitForTimeout(300);
  await shot("08-preview.png");

  // A click on a decision in the preview moves the cursor to its YAML.
  const decLine = text.split("\n").findIndex((l) => l.includes("- decision: Whether to fail over")) + 1;
  await frame.locator("#decisions article.decision", { hasText: "fail over" }).first().click();
  await page.waitForFunction(
    (ln) => new RegExp(`Ln ${ln},`).test(document.querySelector(".statusbar")?.textContent ?? ""),
    decLine,
    { timeout: PATIENCE },
  );
  await shot("09-preview-jump.png");
  // Leave the file as it was for the steps after this one.
  await page.keyboard.press("Control+Z");
  await page.keyboard.press("Control+Z");
});

step("Review blameless wording with Claude shows its finding as a problem and edits nothing", "10-wording.png", async () => {
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: DOC }).first().click();
  await page.locator(".tab", { hasText: DOC }).first().waitFor();
  const before = readFileSync(join(ws, DOC), "utf8");
  const sent = requests().length;
  await palette("Postmortem: Review blameless wording with Claude");
  // "Always for this workspace" was remembered: no question, one request.
  await page
    .locator(".notification-toast, .notifications-center .notification-list-item", { hasText: "Claude suggests rewording 1 phrase" })
    .first()
    .waitFor({ timeout: PATIENCE });
  assert.equal(await page.locator(".notification-toast", { hasText: /secrets? redacted\) to / }).count(), 0, "asked again");
  assert.equal(requests().length, sent + 1, "requests");
  assert.ok(!JSON.stringify(requests().at(-1)).includes(TOKEN), "the token was sent");
  // In the Problems panel, from its own source.
  if (!(await page.locator(".markers-panel").isVisible())) await page.keyboard.press("Control+Shift+M");
  // (The list is long and virtual: filter it to the finding.)
  const filter = page.getByPlaceholder(/^Filter \(e\.g\. text/).first();
  await filter.fill("blames people");
  const row = page.locator(".markers-panel .monaco-list-row", { hasText: "blames people instead of naming the missing guard" }).first();
  await row.waitFor({ timeout: PATIENCE });
  assert.match(await row.innerText(), /postmortem-lsp \(claude\)/);
  await shot("10-wording.png");
  await filter.fill("");
  assert.equal(readFileSync(join(ws, DOC), "utf8"), before, "the file changed");
  assert.equal(await page.locator(`.tab.dirty[aria-label*="${DOC}"]`).count(), 0, "the document is dirty after the review");
});

// The rendered HTML in headless Chromium (Debian's, driven by playwright-core):
// no console errors, no network requests, the chart and the footnotes work,
// hostile text stays text; screenshots and a PDF under target/e2e-artifacts/render/.
// Run through crates/render/tests/browser/run.sh (it sets up Chromium and playwright-core).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.E2E_PLAYWRIGHT);
const REPO = path.resolve(import.meta.dirname, "../../../..");
const BIN = process.env.PM_SERVER ?? path.join(REPO, "target/debug/postmortem-lsp");
const OUT = path.join(REPO, "target/e2e-artifacts/render");
fs.mkdirSync(OUT, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => browser?.close());

function render(file, args, out) {
  execFileSync(BIN, ["render", file, "-o", out, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  return pathToFileURL(out).href;
}

/** Opens a file and records console errors, page errors, dialogs and every request. */
async function open(url, opts = {}) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: opts.colorScheme ?? "light" });
  const seen = { errors: [], requests: [], dialogs: [] };
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") seen.errors.push(m.text()); });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("dialog", async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  page.on("request", (r) => { if (r.url() !== url.split("#")[0]) seen.requests.push(r.url()); });
  await page.goto(url, { waitUntil: "load" });
  return { page, seen };
}

test("the example reads as a finished postmortem, with no errors and no requests", async () => {
  const url = render(path.join(REPO, "examples/checkout-outage/postmortem.yaml"), ["--format", "html"], path.join(OUT, "checkout-outage.html"));
  const { page, seen } = await open(url);
  assert.deepEqual(seen.errors, [], "console errors");
  assert.deepEqual(seen.requests, [], "network requests");
  assert.equal(await page.title(), "Postmortem INC-2026-0412");
  // the chart: accessible name and description, one dot per event, three spans
  const svg = page.locator("svg.timeline-chart");
  assert.equal(await svg.getAttribute("role"), "img");
  assert.match(await page.locator("svg.timeline-chart > title").textContent(), /INC-2026-0412 timeline/);
  assert.equal(await page.locator("svg.timeline-chart g.tl-event").count(), 10);
  assert.equal(await page.locator("svg.timeline-chart g.tl-span").count(), 3);
  const box = await svg.boundingBox();
  assert.ok(box && box.width > 900 && box.height > 250, `chart size ${JSON.stringify(box)}`);
  // headings in order, tables with headers
  assert.equal(await page.locator("h1").count(), 1);
  assert.ok((await page.locator("h2").count()) >= 14);
  assert.equal(await page.locator("table.actions thead th").count(), 7);
  assert.equal(await page.locator("table.actions tbody tr").count(), 5);
  await page.screenshot({ path: path.join(OUT, "checkout-outage.png"), fullPage: true });
  await page.screenshot({ path: path.join(OUT, "checkout-outage-top.png") });
  // evidence one click away: a footnote reference jumps to the quoted chat line
  const ref = page.locator("#timeline table.events tr.ms-detected sup.fnref a").first();
  const href = await ref.getAttribute("href");
  assert.match(await ref.getAttribute("title"), /chat\.log L13: \[14:19\] pagerbot: FIRING CheckoutErrorRateHigh/);
  await ref.click();
  assert.equal(new URL(page.url()).hash, href);
  const note = page.locator(href);
  assert.match(await note.locator("blockquote").textContent(), /FIRING CheckoutErrorRateHigh/);
  assert.ok(await note.isVisible());
  await page.screenshot({ path: path.join(OUT, "checkout-outage-evidence.png") });
  // print: a PDF, and the section list is hidden
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("header.title nav").isVisible(), false);
  await page.pdf({ path: path.join(OUT, "checkout-outage.pdf"), format: "A4", printBackground: true });
  assert.deepEqual(seen.errors, [], "console errors after clicks and print");
  assert.deepEqual(seen.requests, [], "network requests after clicks and print");
  await page.close();
});

test("dark scheme and 繁體中文", async () => {
  const url = render(path.join(REPO, "crates/postmortem-lsp/tests/fixtures/zh-tw/postmortem.yaml"), [], path.join(OUT, "zh-tw.html"));
  const { page, seen } = await open(url, { colorScheme: "dark" });
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.requests, []);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(13, 17, 23)", "dark background");
  assert.match(await page.locator("h2#summary, #summary h2").first().textContent(), /摘要/);
  await page.screenshot({ path: path.join(OUT, "zh-tw-dark.png"), fullPage: true });
  await page.close();
});

test("a chat line <script>alert(1)</script> shows as text and never runs", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-render-xss-"));
  fs.writeFileSync(path.join(dir, ".postmortem-lsp.toml"), "");
  fs.writeFileSync(path.join(dir, "chat.log"), "[14:00] mallory: <script>alert(1)</script>\n[14:01] bot: <img src=x onerror=alert(2)>\n");
  fs.writeFileSync(
    path.join(dir, "postmortem.yaml"),
    'incident_ref: INC-1\ninputs:\n  chat: chat.log\ntimeline:\n  - at: 2026-04-09T14:00:00Z\n    event: "<script>alert(1)</script> was posted [chat L1]"\n    kind: impact_start\nblameless_summary: "</style><script>alert(3)</script> <img src=x onerror=alert(4)> [chat L1-L2]"\n',
  );
  const url = render(path.join(dir, "postmortem.yaml"), [], path.join(OUT, "hostile.html"));
  const { page, seen } = await open(url);
  await page.waitForTimeout(200);
  assert.deepEqual(seen.dialogs, [], "no script ran");
  assert.deepEqual(seen.requests, [], "no image was fetched");
  assert.equal(await page.locator("script, img").count(), 0);
  assert.match(await page.locator("#summary").textContent(), /<\/style><script>alert\(3\)<\/script>/);
  assert.match(await page.locator("#evidence").textContent(), /mallory: <script>alert\(1\)<\/script>/);
  assert.deepEqual(seen.errors, []);
  await page.screenshot({ path: path.join(OUT, "hostile.png"), fullPage: true });
  await page.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The extension matches the same files as the server (crates/engine/src/detect.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { isPostmortem, hasIncidentRef } = require("../../out/unit/match.js");

test("postmortem file names and folders", () => {
  assert.equal(isPostmortem("/w/a/postmortem.yaml"), true);
  assert.equal(isPostmortem("/w/a/postmortem.yml"), true);
  assert.equal(isPostmortem("/w/a/inc-1.postmortem.yml"), true);
  assert.equal(isPostmortem("/w/a/INC-1.Postmortem.YAML"), true);
  assert.equal(isPostmortem("/repo/postmortems/2026/inc.yaml"), true);
  assert.equal(isPostmortem("C:\\repo\\postmortems\\inc.yaml"), true);
  assert.equal(isPostmortem("/w/postmortem.md"), false);
  assert.equal(isPostmortem("/w/postmortems.yaml"), false);
});

test("a top-level incident_ref makes any YAML a postmortem", () => {
  assert.equal(isPostmortem("/w/x.yaml", "incident_ref: INC-1\n"), true);
  assert.equal(isPostmortem("/w/x.yaml", "# c\r\n\"incident_ref\": {}\r\n"), true);
  assert.equal(isPostmortem("/w/x.yaml", "  incident_ref: nested\n"), false);
  assert.equal(isPostmortem("/w/.github/workflows/ci.yaml", "on: push\n"), false);
  assert.equal(isPostmortem("/w/x.json", "incident_ref: INC-1\n"), false);
  assert.equal(hasIncidentRef("'incident_ref': x"), true);
});

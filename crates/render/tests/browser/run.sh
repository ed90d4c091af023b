#!/usr/bin/env bash
# The rendered HTML in headless Chromium (crates/render/tests/browser/render.test.mjs).
# Sets up Chromium and playwright-core the way the VS Code end-to-end test
# does (editors/vscode/test/setup-e2e.sh, cached outside the source tree),
# builds the CLI if needed, and prints `render-browser: N passed, M failed`.
# Artifacts: target/e2e-artifacts/render/ (HTML, PNG screenshots, a PDF).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../../../.." && pwd)"
cd "$REPO"
eval "$(editors/vscode/test/setup-e2e.sh)"
export PM_SERVER="${PM_SERVER:-$REPO/target/debug/postmortem-lsp}"
[[ -x "$PM_SERVER" ]] || cargo build --bin postmortem-lsp
set +e
out="$(node --test --test-reporter=tap crates/render/tests/browser/ 2>&1)"
rc=$?
set -e
echo "$out" | grep -E '^(not ok|ok) |^# (pass|fail)'
[[ $rc -ne 0 ]] && echo "$out" | grep -vE '^ *(ok|# Subtest)' | head -60
p="$(echo "$out" | grep -E '^# pass' | awk '{print $3}')"; f="$(echo "$out" | grep -E '^# fail' | awk '{print $3}')"
echo "render-browser: ${p:-0} passed, ${f:-1} failed"
exit $rc

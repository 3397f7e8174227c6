#!/usr/bin/env bash
# A stand-in for the VS Code executable, for @vscode/test-electron (`vscodeExecutablePath`) and
# @vscode/test-cli (`useInstallation.fromPath`, via VSCODE_E2E_SHIM in .vscode-test.mjs): it runs the
# extension-host tests in code-server instead. ext-tests.e2e.mjs reads --extensionDevelopmentPath=,
# --extensionTestsPath= and the folder argument and ignores the desktop-only flags.
set -euo pipefail
exec node "$(dirname "$(readlink -f "$0")")/ext-tests.e2e.mjs" "$@"

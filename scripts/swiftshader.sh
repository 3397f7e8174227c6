#!/usr/bin/env bash
# Installs what the webgpu unit tests run on when the machine has no GPU: SwiftShader, the Vulkan CPU
# driver inside Debian's chromium package, and the Vulkan loader (libvulkan1) Dawn opens it through.
# Correct but slow: the tests use it to check results on the webgpu backend, never to time it.
# Idempotent: does nothing when both are present.
set -euo pipefail
say() { printf '[swiftshader] %s\n' "$*"; }
ICD=/usr/lib/chromium/vk_swiftshader_icd.json
missing=()
[ -f "$ICD" ] || missing+=(chromium)
ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1 ' >/dev/null || missing+=(libvulkan1)
[ "${#missing[@]}" -eq 0 ] && exit 0
say "apt-get install ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
for p in "${missing[@]}"; do
  cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
  if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then $SUDO apt-get update -y; break; fi
done
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
[ -f "$ICD" ] || { echo "[swiftshader] ERROR: $ICD is missing after apt-get install chromium" >&2; exit 1; }

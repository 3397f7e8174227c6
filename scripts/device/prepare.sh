#!/usr/bin/env bash
# Fills .device/: what a bare linux-x64 GPU machine (no node, no npm, no internet, python3 with
# PyTorch on CUDA) needs to run bench:compare on webgpu beside the PyTorch reference on CUDA, so the
# measurement is one call of scripts/device/run.sh there (docs/performance.md, "Measuring on a GPU:
# the prepared kit"). Run here, from anywhere in the checkout: bash scripts/device/prepare.sh
#
#   .device/node.xz                 this machine's node binary, xz-compressed (x86-64 checked)
#   .device/bench-compare.js        the bench:compare bundle (dist/), with tfjs's .wasm files beside it
#   .device/node_modules/webgpu/    the webgpu package's loader and dawn.node for linux-x64 only
#   .device/torch_blo_bench.py      the reference script, copied from ../shared/bench/
#   .device/gl/*.deb                the Vulkan loader and glvnd (amd64), unpacked to / there
#   .device/gl/x11/*.deb            X11 client libraries, unpacked to /tmp there only if the NVIDIA ICD lacks them
#   .device/MANIFEST.txt            commit, date, versions and sizes, printed there first
#
# .device/ is ignored through .git/info/exclude (this checkout only), not .gitignore: it is a local
# build product, and the copy that travels to the GPU machine is named there explicitly.
set -euo pipefail
say() { printf '[prepare] %s\n' "$*"; }
die() { printf '[prepare] ERROR: %s\n' "$*" >&2; exit 1; }

cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
KIT=.device
LIMIT_MIB=${KIT_LIMIT_MIB:-55}

# 1. Ignored, so it never lands in a commit and travels only when named.
exclude="$(git rev-parse --git-path info/exclude)"
mkdir -p "$(dirname "$exclude")"
grep -qxF "/$KIT/" "$exclude" 2>/dev/null || { echo "/$KIT/" >>"$exclude"; say "added /$KIT/ to $exclude"; }
mkdir -p "$KIT"
git check-ignore -q "$KIT/bench-compare.js" || die "$KIT/ is not ignored by git"

# 2. The node binary: x86-64 (the GPU machine's processor), compressed once per binary (xz takes a minute).
node_bin="$(readlink -f "$(command -v node)")" || die 'node is not on PATH'
[ "$(node -p process.arch)" = x64 ] || die "node here is $(node -p process.arch), the GPU machine is x86-64"
od -An -tx1 -j18 -N2 "$node_bin" | grep -q '3e 00' || die "$node_bin is not an x86-64 ELF binary"
source_id="$node_bin $(stat -c '%s %Y' "$node_bin") $(node --version)"
if [ -f "$KIT/node.xz" ] && [ "$(cat "$KIT/node.xz.source" 2>/dev/null)" = "$source_id" ]; then
  say "node.xz is up to date ($source_id)"
else
  say "compressing $node_bin ($(node --version)) with xz -T0 (about a minute)"
  rm -f "$KIT/node.xz" "$KIT/node.xz.source"
  xz -T0 -c "$node_bin" >"$KIT/node.xz.tmp"
  mv "$KIT/node.xz.tmp" "$KIT/node.xz"
  echo "$source_id" >"$KIT/node.xz.source"
fi

# 3. The bundle, built from this working tree (bench/compare.ts), and the wasm binaries it loads from
#    its own folder (--backend wasm, a CPU baseline there). Nothing of node_modules is bundled but webgpu.
say 'building (node esbuild.mjs)'
node esbuild.mjs
rm -rf "$KIT/node_modules" "$KIT"/*.js "$KIT"/*.wasm "$KIT/torch_blo_bench.py"
cp dist/bench-compare.js "$KIT/"
cp dist/*.wasm "$KIT/"

# 4. webgpu: the loader (index.js, an ES module: package.json says so) and the linux-x64 dawn.node,
#    the files scripts/copyRuntimePackages.mjs puts in a .vsix. index.js needs only node: builtins.
src=node_modules/webgpu
dst="$KIT/node_modules/webgpu"
[ -f "$src/dist/linux-x64/dawn.node" ] || die "$src/dist/linux-x64/dawn.node is missing (npm install)"
mkdir -p "$dst/dist/linux-x64"
cp "$src/package.json" "$src/index.js" "$src/LICENSE.md" "$dst/"
cp "$src/dist/linux-x64/dawn.node" "$dst/dist/linux-x64/"
if grep -E "^import .* from '[^n.]" "$dst/index.js" | grep -v "from 'node:" | grep -v "from 'module'"; then
  die "$dst/index.js imports a package the kit does not carry (above)"
fi

# 5. The reference script.
ref=../shared/bench/torch_blo_bench.py
[ -f "$ref" ] || die "$ref is missing: the kit needs the PyTorch reference script"
cp "$ref" "$KIT/"

# 6. Vulkan loader debs, amd64, per the device README's recipe (only what Vulkan compute needs), and
#    X11 client libraries apart (gl/x11/), which run.sh unpacks to /tmp only if the NVIDIA ICD needs them.
if ls "$KIT"/gl/libvulkan1_*_amd64.deb >/dev/null 2>&1 && ls "$KIT"/gl/x11/libx11-6_*.deb >/dev/null 2>&1; then
  say 'gl/ debs present (delete .device/gl to fetch them again)'
else
  rm -rf "$KIT/gl"
  mkdir -p "$KIT/gl/x11" /tmp/amd64-lists/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64-lists)
  say 'apt-get update (amd64 lists in /tmp/amd64-lists)'
  apt-get "${o[@]}" update >/tmp/prepare-apt.log 2>&1 || { tail -5 /tmp/prepare-apt.log; die 'apt-get update failed'; }
  (cd "$KIT/gl" && apt-get "${o[@]}" download libvulkan1 libglvnd0 libglx0 libegl1 libgl1) >>/tmp/prepare-apt.log 2>&1 \
    || { tail -5 /tmp/prepare-apt.log; die 'apt-get download (gl) failed'; }
  (cd "$KIT/gl/x11" && apt-get "${o[@]}" download libx11-6 libx11-xcb1 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0) >>/tmp/prepare-apt.log 2>&1 \
    || { tail -5 /tmp/prepare-apt.log; die 'apt-get download (x11) failed'; }
fi

# 7. A manifest, printed first there, so a result can be traced to the commit and binaries it came from.
dirty=""
[ -z "$(git status --porcelain --untracked-files=no)" ] || dirty=' (working tree has uncommitted changes)'
{
  echo "kit prepared $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
  echo "commit $(git rev-parse --short HEAD)$dirty"
  echo "node $(node --version) from $node_bin"
  echo "webgpu $(node -p "require('./$src/package.json').version"), tfjs-backend-webgpu $(node -p "require('./node_modules/@tensorflow/tfjs-backend-webgpu/package.json').version")"
  echo "torch_blo_bench.py sha256 $(sha256sum "$KIT/torch_blo_bench.py" | cut -c1-16)"
  echo "debs: $(cd "$KIT/gl" && ls ./*.deb x11/*.deb | xargs -n1 basename | tr '\n' ' ')"
  (cd "$KIT" && find . -type f ! -name MANIFEST.txt -printf '%s %p\n' | sort -k2 | awk '{ printf "  %8.2f MiB  %s\n", $1 / 1048576, $2 }')
} >"$KIT/MANIFEST.txt"
rm -f "$KIT/node.xz.tmp"

# 8. The size that travels: the kit plus the checkout's tracked files must stay under the call's 64 MiB.
kit_bytes=$(du -sb "$KIT" | cut -f1)
tracked_bytes=$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
cat "$KIT/MANIFEST.txt"
say "$KIT/: $(awk -v b="$kit_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB; tracked files: $(awk -v b="$tracked_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB (the call carries both, 64 MiB at most)"
[ "$kit_bytes" -le $((LIMIT_MIB * 1048576)) ] || die "$KIT/ is over $LIMIT_MIB MiB"
grep -q "'\.device/\*\*'" eslint.config.mjs || say "note: eslint.config.mjs does not ignore '.device/**', so 'npm run lint' (eslint .) also parses $KIT/bench-compare.js and fails; delete $KIT/ before linting, or add '.device/**' to its ignores"
say 'done: the device call is in docs/performance.md, "Measuring on a GPU: the prepared kit"'

#!/usr/bin/env bash
# Runs ON the GPU machine (as root, from the repo root, with the .device/ kit of prepare.sh carried
# along): installs the Vulkan loader from the kit, unpacks node, checks which WebGPU adapter Dawn
# gets, then times bench:compare on webgpu beside the PyTorch reference on CUDA and writes every
# output to $OUT (at most 8 flat files). docs/performance.md, "Measuring on a GPU: the prepared kit".
#
#   OUT=/some/dir bash scripts/device/run.sh                      # there (the GPU machine)
#   DEVICE_DRY_RUN=1 OUT=/tmp/devout bash scripts/device/run.sh   # here: SwiftShader, tiny settings
#
# Each step has its own timeout inside one budget (DEVICE_BUDGET_S, default 450 s; the dry run 1500),
# so a step that hangs costs its share, not the whole call, and the summary always gets written.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
KIT=.device
: "${OUT:?set OUT to the folder for the results}"
mkdir -p "$OUT"
DRY=${DEVICE_DRY_RUN:-0}
BUDGET_S=${DEVICE_BUDGET_S:-$([ "$DRY" = 1 ] && echo 1500 || echo 450)}
START=$SECONDS
SUMMARY="$OUT/summary.txt"
: >"$SUMMARY"
RESULTS=()

say() { printf '[run %s +%ds] %s\n' "$(date -u +%H:%M:%S)" $((SECONDS - START)) "$*" | tee -a "$SUMMARY"; }
left() { echo $((BUDGET_S - (SECONDS - START))); }

# step NAME SECONDS FILE CMD...: runs CMD under a timeout cut to the budget left, output to $OUT/FILE.
step() {
  local name=$1 limit=$2 file=$3 l
  shift 3
  l=$(left)
  if [ "$l" -lt 40 ]; then say "$name: skipped, ${l} s of the budget left"; RESULTS+=("$name=skipped"); return 0; fi
  [ "$limit" -le $((l - 15)) ] || limit=$((l - 15))
  say "$name (timeout ${limit} s, output $file): $*"
  timeout -k 10 "$limit" "$@" 2>&1 | tee "$OUT/$file"
  local rc=${PIPESTATUS[0]}
  say "$name: exit $rc$([ "$rc" = 124 ] && echo ' (timed out: the output above is what it printed)')"
  RESULTS+=("$name=$rc")
}

[ -f "$KIT/node.xz" ] && [ -f "$KIT/bench-compare.js" ] || { say "no kit in $PWD/$KIT: run scripts/device/prepare.sh here and carry .device"; exit 2; }
ENV="$OUT/env.txt"
{
  cat "$KIT/MANIFEST.txt"
  echo "--- run.sh $([ "$DRY" = 1 ] && echo 'DRY RUN (SwiftShader, tiny settings: no GPU numbers)' || echo 'on the GPU machine') at $(date -u +%Y-%m-%dT%H:%M:%SZ), budget ${BUDGET_S} s"
  uname -a
  nproc
} >"$ENV" 2>&1

# 1. Vulkan: the loader from the kit (the image has none), the NVIDIA ICD, and what that ICD needs.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}
mkdir -p "$XDG_RUNTIME_DIR"
if [ "$DRY" = 1 ]; then
  export VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}
  say "dry run: Vulkan ICD $VK_ICD_FILENAMES"
else
  for f in "$KIT"/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ! ls /etc/vulkan/icd.d/*nvidia* /usr/share/vulkan/icd.d/*nvidia* /usr/local/share/vulkan/icd.d/*nvidia* >/dev/null 2>&1; then
    icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -f "$icd" ] || icd=$(find /usr/local/nvidia /usr/share /etc /usr/lib -name 'nvidia_icd*.json' 2>/dev/null | head -1)
    # VK_DRIVER_FILES for this loader (1.3.239), VK_ICD_FILENAMES for older ones.
    [ -n "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  fi
  icd=${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-$(ls /etc/vulkan/icd.d/*nvidia* /usr/share/vulkan/icd.d/*nvidia* 2>/dev/null | head -1)}}
  say "Vulkan ICD: ${icd:-none found}"
  lib=""
  [ -n "$icd" ] && lib=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ICD"]["library_path"])' "$icd" 2>/dev/null)
  case "$lib" in ./*) lib=$(dirname "$icd")/${lib#./} ;; esac
  if [ -n "$lib" ] && [ "${lib#/}" = "$lib" ]; then
    name=$lib
    lib=$(ldconfig -p | awk -v n="$name" '$1 == n { print $NF; exit }')
    for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -n "$lib" ] || [ ! -f "$d/$name" ] || lib=$d/$name; done
  fi
  if [ -n "$lib" ] && ldd "$lib" 2>/dev/null | grep -q 'not found'; then
    # Unpacked apart, not over /, and searched only because the ICD lacks them.
    mkdir -p /tmp/kit-x11
    for f in "$KIT"/gl/x11/*.deb; do dpkg -x "$f" /tmp/kit-x11; done
    export LD_LIBRARY_PATH=/tmp/kit-x11/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    say "the ICD library $lib lacked libraries: the kit's X11 libraries are on LD_LIBRARY_PATH"
  fi
  { echo "--- Vulkan: ICD ${icd:-none}, library ${lib:-?}"; ldconfig -p | grep -E 'libvulkan|libGLX_nvidia|libGLdispatch'; [ -n "$lib" ] && ldd "$lib"; } >>"$ENV" 2>&1
fi

# 2. node (prepare.sh checked it is x86-64); xz if the image has it, else Python's lzma.
mkdir -p /tmp/kit-node
if command -v xz >/dev/null; then xz -dc "$KIT/node.xz" >/tmp/kit-node/node
else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$KIT/node.xz" /tmp/kit-node/node; fi
chmod +x /tmp/kit-node/node
export PATH=/tmp/kit-node:$PATH
NODE=/tmp/kit-node/node
say "node $($NODE --version) (from the kit)"

# 3. The machine, the GPU, PyTorch, and the adapter Dawn hands out.
PY=$(command -v python3 || echo python3)
{
  echo "--- nvidia-smi"
  timeout 30 nvidia-smi || echo "(no nvidia-smi)"
  timeout 30 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,power.limit --format=csv 2>/dev/null
  echo "--- PyTorch ($PY)"
  timeout 120 "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' 2>&1 | tail -1
  echo "--- WebGPU adapter (scripts/device/adapter.mjs: the kit's webgpu package, high-performance)"
} >>"$ENV" 2>&1
timeout 60 "$NODE" scripts/device/adapter.mjs "$KIT" >>"$ENV" 2>&1
ADAPTER=$?
grep -A1 '^name, ' "$ENV" | tail -1
grep -A1 '^--- PyTorch' "$ENV" | tail -1
tail -1 "$ENV" | cut -c1-400
case $ADAPTER in
  0) say "adapter: a GPU (env.txt)" ;;
  3) say "adapter: software (SwiftShader/llvmpipe)$([ "$DRY" = 1 ] && echo ', as a dry run expects' || echo ': Dawn did not reach the NVIDIA driver (see env.txt)')" ;;
  *) say "adapter: none (exit $ADAPTER; env.txt has Dawn's words)" ;;
esac

# 4. The runs. Torch on CUDA there; here on the CPU if python3 has torch, else without it.
if [ "$DRY" = 1 ]; then
  if "$PY" -c 'import torch' 2>/dev/null; then TORCH=(--torch-device cpu --python "$PY"); else TORCH=(--no-torch); fi
else
  TORCH=(--torch-device cuda --python "$PY")
fi
BENCH=("$NODE" "$KIT/bench-compare.js" --backend webgpu --torch-script "$KIT/torch_blo_bench.py")
if [ "$DRY" = 1 ]; then
  # Plumbing only: SwiftShader needs minutes for one 5000-sample linear iteration; the MLP's 5000-sample
  # comparison would take far longer, so the dry run counts it at 64 samples instead.
  step linear-k1 900 linear-k1.txt "${BENCH[@]}" "${TORCH[@]}" --workloads linear --K 1 --methods rhg --iterations 1 --torch-iters 1
  step counts 600 counts.txt "${BENCH[@]}" --profile --samples 64 --workloads linear,mlp --K 2 --iterations 1
elif [ "$ADAPTER" = 0 ]; then
  step linear-k50 180 linear-k50.txt "${BENCH[@]}" "${TORCH[@]}" --workloads linear --K 50 --methods rhg --iterations 5 --torch-iters 30
  step mlp-k10 150 mlp-k10.txt "${BENCH[@]}" "${TORCH[@]}" --workloads mlp --K 10 --iterations 5 --torch-iters 30
  # Device-independent counts at 64 samples: the same as SwiftShader's in docs/performance.md, or a finding.
  step counts 60 counts.txt "${BENCH[@]}" --profile --samples 64 --workloads linear,mlp --K 10 --iterations 2
  # The other acceptance cells, with what the budget has left.
  step linear-k50-more 150 linear-k50-more.txt "${BENCH[@]}" "${TORCH[@]}" --workloads linear --K 50 --methods cg,iaptt-gm --iterations 5 --torch-iters 20
else
  # Without a GPU adapter our side would run on a CPU emulation for hours: the reference alone, so the
  # call still brings back PyTorch's CUDA numbers for the same cells.
  say "no GPU adapter: webgpu runs skipped; the PyTorch reference alone on cuda"
  step torch-only 180 torch-only.txt bash -c "'$PY' '$KIT/torch_blo_bench.py' --device cuda --workload hyperclean-linear --method rhg,cg,iaptt --K 50 --iters 30 --l2 0 && '$PY' '$KIT/torch_blo_bench.py' --device cuda --workload hyperclean-mlp --method rhg,trhg --K 10 --iters 30 --l2 0"
fi

# The tables again at the end, where a reply that keeps only the output's tail still has them.
for f in "$OUT"/linear-*.txt "$OUT"/mlp-*.txt; do
  [ -f "$f" ] || continue
  { echo "--- $(basename "$f")"; grep -E '^\||^PyTorch' "$f"; } | tee -a "$SUMMARY"
done
say "done in $((SECONDS - START)) s: ${RESULTS[*]:-no runs}"
say "files: $(cd "$OUT" && ls | tr '\n' ' ')"
for r in "${RESULTS[@]}"; do case $r in *=0) ;; *) exit 1 ;; esac; done
exit 0

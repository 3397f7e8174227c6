// A WebGPU adapter that runs on the CPU (SwiftShader, llvmpipe/lavapipe, WARP) computes correctly
// but far slower than the wasm backend, so `auto` must not pick it; an explicit `--backend webgpu`
// still runs on it, which is how the tests check the webgpu path on machines without a GPU.
// The one place these names are matched: run.json records the verdict (`backend.software`, backend.ts),
// so readers such as the panel's label (src/protocol/backendLabel.ts) never match names themselves.
import type { AdapterSummary } from './probeWebgpuAdapter';

// Names software rasterizers report in vendor, architecture, device or description.
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Why `adapter` is a CPU emulation of a GPU (its name, or Dawn's fallback flag), or null for real hardware. */
export function softwareAdapterReason(adapter: AdapterSummary): string | null {
  const fields = [adapter.description, adapter.device, adapter.architecture, adapter.vendor];
  const named = fields.map((f) => SOFTWARE_NAMES.exec(f)?.[0]).find((m) => m !== undefined);
  if (named !== undefined) return `${adapter.description || named} is a CPU emulation of a GPU${adapter.isFallbackAdapter ? ' (a fallback adapter)' : ''}`;
  if (adapter.isFallbackAdapter) return `${adapter.description || adapter.device || 'the adapter'} is a fallback (software) adapter`;
  return null;
}

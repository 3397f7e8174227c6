// How the UI names the tfjs backend a run ran on: a short label ("webgpu · NVIDIA H100", "wasm · 8
// threads, SIMD"), a short list of what `auto` skipped and why, and the full text for tooltips. The
// detail strings come from src/runtime/backend.ts (activateWasm, activateWebgpu/describeAdapter,
// activateTensorflow, activateCpu) and the skip reasons are free text, so every parse here falls back
// to something true (the bare backend name, the reason's first clause) when a string has another shape.

/** A backend `auto` passed over, and why (run.json's `backend.skipped`, the worker's `ready`). */
export interface SkippedBackendView {
  readonly name: string;
  readonly reason: string;
}

/** The backend that ran: run.json's `backend` and the worker's `ready.backend` both have this shape. */
export interface BackendView {
  readonly name: string;
  /** Versions and hardware facts, as src/runtime/backend.ts words them. */
  readonly detail: string;
  /** Backends `auto` tried first and could not use (absent or empty for an explicit choice). */
  readonly skipped?: readonly SkippedBackendView[];
}

/** Longest short skip reason before it is cut with `…`. */
const MAX_SHORT_REASON = 40;

/**
 * A backend in a few words: `webgpu · NVIDIA H100`, `webgpu · SwiftShader Device (software)`,
 * `wasm · 8 threads, SIMD`, `wasm · single-threaded (threads failed), SIMD`,
 * `tensorflow · tfjs-node-gpu 4.22.0`, `cpu`; the bare name when the detail has another shape.
 */
export function backendLabel(ran: Pick<BackendView, 'name' | 'detail'>): string {
  const facts = ran.name === 'webgpu' ? webgpuFacts(ran.detail) : ran.name === 'wasm' ? wasmFacts(ran.detail) : ran.name === 'tensorflow' ? tensorflowFacts(ran.detail) : undefined;
  return facts ? `${ran.name} · ${facts}` : ran.name;
}

/** The adapter of a webgpu detail (`Dawn (webgpu 0.6.2) on NAME (vendor …, arch …); tfjs-backend-webgpu 4.22.0`). */
function webgpuFacts(detail: string): string | undefined {
  const on = detail.indexOf(' on ');
  if (on < 0) return undefined;
  const end = detail.lastIndexOf(';');
  let adapter = detail.slice(on + ' on '.length, end > on ? end : undefined).trim();
  // describeAdapter appends its facts as one parenthesized group; an adapter name may have its own
  // parentheses (`SwiftShader Device (Subzero)`), so only a last group that holds facts is removed.
  const group = trailingGroup(adapter);
  let software = false;
  let vendor: string | undefined;
  if (group && /^(vendor |arch |fallback)/.test(group.inner)) {
    adapter = adapter.slice(0, group.start).trim();
    vendor = /(?:^|, )vendor ([^,]+)/.exec(group.inner)?.[1]?.trim();
    software = /\bfallback\b/.test(group.inner);
  }
  // Software Vulkan drivers do not always call themselves a fallback adapter.
  if (/swiftshader|llvmpipe|lavapipe/i.test(adapter)) software = true;
  if (adapter === '' || adapter === 'unnamed adapter') adapter = vendor ? `${vendor} adapter` : 'unnamed adapter';
  return software ? `${adapter} (software)` : adapter;
}

/** The last balanced `( … )` group that ends `text`, with where it starts, or undefined. */
function trailingGroup(text: string): { start: number; inner: string } | undefined {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return { start: i, inner: text.slice(i + 1, -1) };
  }
  return undefined;
}

/** Threads and SIMD of a wasm detail (`tfjs-backend-wasm 4.22.0, simd, 8 threads, binaries: DIR`). */
function wasmFacts(detail: string): string | undefined {
  // The running thread count comes first; a fallback note (`; 8 threads failed (…), so single-threaded`) follows it.
  const threads = /\b(\d+ threads|single-threaded)\b/.exec(detail)?.[1];
  const simd = /\bno simd\b/i.test(detail) ? 'no SIMD' : /\bsimd\b/i.test(detail) ? 'SIMD' : undefined;
  const failed = threads === 'single-threaded' && /threads failed/.test(detail) ? ' (threads failed)' : '';
  const parts = [threads !== undefined ? `${threads}${failed}` : undefined, simd].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The package and version of a tensorflow detail (`tfjs-node-gpu 4.22.0`, maybe followed by a version mismatch note). */
function tensorflowFacts(detail: string): string | undefined {
  const m = /^(tfjs-node(?:-gpu)?) (\S+)/.exec(detail.trim());
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** Words that mark a skip reason as "a software GPU adapter" (src/runtime/softwareAdapter.ts words them so). */
const SOFTWARE_REASON = /cpu emulation|fallback (?:\(software\) )?adapter|software adapter|swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|basic render/i;
/** The software rasterizers' own names, shown as found in the reason. */
const SOFTWARE_NAME = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;
/** Longest adapter name a short software reason repeats. */
const MAX_ADAPTER_NAME = 24;

/**
 * Why `auto` skipped a backend, in a few words: `not installed`, `no adapter`, `software adapter
 * SwiftShader`, `failed to load`, else the reason's first clause, cut at {@link MAX_SHORT_REASON} characters.
 */
export function shortSkipReason(reason: string): string {
  const text = reason.trim();
  if (/\bnot installed\b|neither is installed/i.test(text)) return 'not installed';
  if (/\bno (WebGPU )?adapter\b/i.test(text)) return 'no adapter';
  if (SOFTWARE_REASON.test(text)) {
    // `skipped: NAME is a CPU emulation of a GPU …`: the rasterizer's own name, else the adapter's.
    const named = SOFTWARE_NAME.exec(text)?.[0] ?? /^skipped:?\s+(.+?)\s+is an? /i.exec(text)?.[1];
    const which = named !== undefined && named !== 'the adapter' && named.length <= MAX_ADAPTER_NAME ? named : undefined;
    return which !== undefined ? `software adapter ${which}` : 'software adapter';
  }
  if (/failed to load|registered no/i.test(text)) return 'failed to load';
  const clause = text.split(/[;:(]/, 1)[0]!.trim();
  return clause.length > MAX_SHORT_REASON ? `${clause.slice(0, MAX_SHORT_REASON - 1).trimEnd()}…` : clause;
}

/** `auto skipped tensorflow (not installed), webgpu (no adapter)`; '' when nothing was skipped. */
export function skippedSummary(skipped: readonly SkippedBackendView[] | undefined): string {
  if (!skipped || skipped.length === 0) return '';
  return `auto skipped ${skipped.map((s) => `${s.name} (${shortSkipReason(s.reason)})`).join(', ')}`;
}

/**
 * The full account for a tooltip, one fact a line: the label (with the backend asked for, when
 * known), the detail, and each skipped backend with its whole reason.
 */
export function backendTooltipLines(ran: BackendView, requested?: string): string[] {
  const asked = requested !== undefined && requested !== ran.name ? ` (asked for ${requested})` : '';
  const lines = [`backend ${backendLabel(ran)}${asked}`];
  if (ran.detail !== '') lines.push(`  ${ran.detail}`);
  for (const s of ran.skipped ?? []) lines.push(`  auto skipped ${s.name}: ${s.reason}`);
  return lines;
}

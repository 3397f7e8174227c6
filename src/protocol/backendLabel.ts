// How the UI names the tfjs backend a run ran on: a short label ("webgpu · NVIDIA H100", "wasm · 8
// threads, SIMD"), a short list of what `auto` skipped and why, and the full text for tooltips. The
// label reads the facts src/runtime/backend.ts records as fields (runRecord.ts's BackendFacts).
// Records written before those fields existed have only the `detail` strings and free-text skip
// reasons, so for them it parses the words instead, and every parse falls back to something true
// (the bare backend name, the reason's first clause) when a string has another shape. Which adapter
// names are software rasterizers is decided in src/runtime/softwareAdapter.ts alone (this layer may
// not import it): here an adapter counts as software only when a record says so.
import type { BackendFacts, RunBackend, SkippedBackendRecord } from './runRecord';

/** A backend `auto` passed over, and why (run.json's `backend.skipped`, the worker's `ready`). */
export type SkippedBackendView = SkippedBackendRecord;

/** The backend that ran: run.json's `backend` and the worker's `ready.backend` both have this shape. */
export type BackendView = RunBackend;

/** Longest short skip reason before it is cut with `…`. */
const MAX_SHORT_REASON = 40;

/**
 * A backend in a few words: `webgpu · NVIDIA H100`, `webgpu · SwiftShader Device (Subzero) (software)`,
 * `wasm · 8 threads, SIMD`, `wasm · single-threaded (threads failed), SIMD`,
 * `tensorflow · tfjs-node-gpu 4.22.0`, `cpu`; the bare name when an older record's detail has another shape.
 */
export function backendLabel(ran: Pick<BackendView, 'name' | 'detail'> & BackendFacts): string {
  const facts = backendFacts(ran);
  return facts !== undefined ? `${ran.name} · ${facts}` : ran.name;
}

/** The label's part after the name: from the record's fields, else (older records) from its detail. */
function backendFacts(ran: Pick<BackendView, 'name' | 'detail'> & BackendFacts): string | undefined {
  switch (ran.name) {
    case 'webgpu':
      return typeof ran.adapter === 'string' ? adapterWords(ran.adapter, typeof ran.software === 'string') : parseWebgpuDetail(ran.detail);
    case 'wasm':
      return typeof ran.threads === 'number' ? wasmWords(ran.threads, typeof ran.threadsFailed === 'string', typeof ran.simd === 'boolean' ? ran.simd : undefined) : parseWasmDetail(ran.detail);
    case 'tensorflow':
      return typeof ran.build === 'string' ? ran.build : parseTensorflowDetail(ran.detail);
    default:
      return undefined;
  }
}

/** `NVIDIA H100`, `SwiftShader Device (Subzero) (software)`. */
function adapterWords(adapter: string, software: boolean): string {
  return software ? `${adapter} (software)` : adapter;
}

/** `8 threads, SIMD`, `single-threaded (threads failed), no SIMD`; without SIMD words when it is unknown. */
function wasmWords(threads: number, failed: boolean, simd: boolean | undefined): string {
  const running = threads > 1 ? `${threads} threads` : `single-threaded${failed ? ' (threads failed)' : ''}`;
  return simd === undefined ? running : `${running}, ${simd ? 'SIMD' : 'no SIMD'}`;
}

// ---- older records: the facts as the detail words them ----------------------------------------

/** The adapter of an older webgpu detail (`Dawn (webgpu 0.6.2) on NAME (vendor …, arch …); tfjs-backend-webgpu 4.22.0`). */
function parseWebgpuDetail(detail: string): string | undefined {
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
    // Dawn's fallback flag is the only software mark such a detail carries.
    software = /\bfallback\b/.test(group.inner);
  }
  if (adapter === '' || adapter === 'unnamed adapter') adapter = vendor ? `${vendor} adapter` : 'unnamed adapter';
  return adapterWords(adapter, software);
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

/** Threads and SIMD of an older wasm detail (`tfjs-backend-wasm 4.22.0, simd, 8 threads, binaries: DIR`). */
function parseWasmDetail(detail: string): string | undefined {
  // The running thread count comes first; a fallback note (`; 8 threads failed (…), so single-threaded`) follows it.
  const threads = /\b(?:(\d+) threads|(single-threaded))\b/.exec(detail);
  const simd = /\bno simd\b/i.test(detail) ? false : /\bsimd\b/i.test(detail) ? true : undefined;
  if (threads === null) return simd === undefined ? undefined : simd ? 'SIMD' : 'no SIMD';
  return wasmWords(threads[2] !== undefined ? 1 : Number(threads[1]), /threads failed/.test(detail), simd);
}

/** The package and version of an older tensorflow detail (`tfjs-node-gpu 4.22.0`, maybe followed by a version mismatch note). */
function parseTensorflowDetail(detail: string): string | undefined {
  const m = /^(tfjs-node(?:-gpu)?) (\S+)/.exec(detail.trim());
  return m ? `${m[1]} ${m[2]}` : undefined;
}

// ---- skip reasons ------------------------------------------------------------------------------

/** Longest adapter name a short software reason repeats. */
const MAX_ADAPTER_NAME = 24;

/** How softwareAdapterReason and backend.ts word a software adapter in an older skip reason (names are not matched here). */
const SOFTWARE_REASON = /cpu emulation|fallback (?:\(software\) )?adapter|software adapter/i;

/**
 * Why `auto` skipped a backend, in a few words: `not installed`, `no adapter`, `software adapter
 * SwiftShader`, `failed to load`, else the reason's first clause, cut at {@link MAX_SHORT_REASON} characters.
 */
export function shortSkipReason(skip: Pick<SkippedBackendView, 'reason' | 'adapter' | 'software'>): string {
  if (typeof skip.software === 'string') return softwareWords(typeof skip.adapter === 'string' ? withoutTrailingGroups(skip.adapter) : undefined);
  const text = skip.reason.trim();
  if (/\bnot installed\b|neither is installed/i.test(text)) return 'not installed';
  if (/\bno (WebGPU )?adapter\b/i.test(text)) return 'no adapter';
  if (SOFTWARE_REASON.test(text)) {
    // `skipped: NAME is a CPU emulation of a GPU …` (older wording: `skipped NAME (a CPU emulation …`).
    let named = /^skipped:?\s+(.+?)\s+(?:is an? |\()/i.exec(text)?.[1];
    // A CPU emulation was named by its description, which a software rasterizer begins with its own
    // name (`SwiftShader Device (Subzero)`, `llvmpipe (LLVM 15.0.6, 256 bits)`).
    if (named !== undefined && /cpu emulation/i.test(text)) named = named.split(/\s/, 1)[0];
    return softwareWords(named !== 'the adapter' ? named : undefined);
  }
  if (/failed to load|registered no/i.test(text)) return 'failed to load';
  const clause = text.split(/[;:(]/, 1)[0]!.trim();
  return clause.length > MAX_SHORT_REASON ? `${clause.slice(0, MAX_SHORT_REASON - 1).trimEnd()}…` : clause;
}

/** `software adapter NAME`, the name left out when unknown or longer than {@link MAX_ADAPTER_NAME}. */
function softwareWords(name: string | undefined): string {
  return name !== undefined && name !== '' && name.length <= MAX_ADAPTER_NAME ? `software adapter ${name}` : 'software adapter';
}

/** An adapter name without the parenthesized groups that end it: `llvmpipe (LLVM 15.0.6, 256 bits)` → `llvmpipe`. */
function withoutTrailingGroups(name: string): string {
  let text = name.trim();
  for (let group = trailingGroup(text); group !== undefined && group.start > 0; group = trailingGroup(text)) text = text.slice(0, group.start).trim();
  return text;
}

/** `auto skipped tensorflow (not installed), webgpu (no adapter)`; '' when nothing was skipped. */
export function skippedSummary(skipped: readonly SkippedBackendView[] | undefined): string {
  if (!skipped || skipped.length === 0) return '';
  return `auto skipped ${skipped.map((s) => `${s.name} (${shortSkipReason(s)})`).join(', ')}`;
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

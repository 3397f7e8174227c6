// Backend failures whose own text names no cause. tfjs-backend-wasm's release build reports a heap
// allocation it cannot make as `RuntimeError: Aborted(). Build with -sASSERTIONS for more info.`,
// or as `memory access out of bounds` (both captured from real runs; see
// test/unit/runtime/describeBackendError.test.ts): no word of memory, sizes or what to change. The
// recognizers also look inside messages that wrap such an error (a problem's "data: the data
// loader threw: Aborted()…") and along `cause`.

/** The most a wasm32 heap can hold: tfjs-backend-wasm grows its memory up to 4 GiB, whatever the machine has. */
export const WASM_HEAP_LIMIT_BYTES = 4 * 1024 ** 3;

/** Out-of-memory texts, with the backend they come from when the text itself tells (else the one that ran). */
const OUT_OF_MEMORY: readonly { readonly pattern: RegExp; readonly backend?: string }[] = [
  // emscripten: abort() after a failed malloc (release build), its OOM variants, a memory that cannot
  // grow; and an access out of bounds, which is how tfjs-backend-wasm fails when an allocation it
  // did not check came back empty (both captured in the test).
  { pattern: /\bAborted\((?:OOM)?\)|Aborted\(Cannot enlarge memory|Cannot enlarge memory arrays|WebAssembly\.Memory\(\): could not allocate memory|memory access out of bounds/, backend: 'wasm' },
  // tfjs-node (TensorFlow C++).
  { pattern: /\bOOM when allocating tensor/, backend: 'tensorflow' },
  // WebGPU (Dawn): a buffer the device cannot hold.
  { pattern: /GPUOutOfMemoryError|\bout of memory\b/i },
  // JavaScript itself (the cpu backend, and plain arrays anywhere): a typed array that cannot exist.
  { pattern: /Array buffer allocation failed|Invalid typed array length|Invalid array length/ },
];

/** What to change, by backend that ran out. */
const ADVICE: Readonly<Record<string, string>> = {
  wasm: 'lower K, the problem or data size, or use --backend cpu (limited by the machine\'s memory only) or webgpu',
  webgpu: 'lower K or the problem or data size, or use --backend wasm or cpu',
  tensorflow: 'lower K or the problem or data size, or use --backend cpu',
  cpu: 'lower K or the problem or data size',
};

/**
 * A plain-words account of `err` when it is a backend running out of memory, naming the backend
 * (the error's own when its text tells, else `backend`, the one that ran), its limit, the run's
 * `sizes` (e.g. `{ K: 300, n: 1000000 }`, printed as `K = 300, n = 1000000`) and what to change;
 * undefined for any other error.
 */
export function describeBackendError(err: unknown, backend: string, sizes?: Readonly<Record<string, number | string | boolean>>): string | undefined {
  const text = errorTexts(err).join('\n');
  const match = OUT_OF_MEMORY.find((m) => m.pattern.test(text));
  if (!match) return undefined;
  const ran = match.backend ?? backend;
  const limit = ran === 'wasm' ? ` (its heap holds at most ${WASM_HEAP_LIMIT_BYTES / 1024 ** 3} GiB)` : '';
  const given = Object.entries(sizes ?? {}).map(([name, value]) => `${name} = ${String(value)}`);
  // The original error's words: a wrapping message ("data: the data loader threw: …") is cut to them
  // when the text names its backend, else the whole line is kept for context.
  const line = text.split('\n').find((l) => match.pattern.test(l)) ?? text;
  const quoted = (match.backend !== undefined ? line.slice(Math.max(0, line.search(match.pattern))) : line).trim();
  return `the ${ran} backend ran out of memory${limit}${given.length > 0 ? ` with ${given.join(', ')}` : ''}: ${ADVICE[ran] ?? ADVICE['cpu']!} (the error: "${quoted}")`;
}

/** The messages of `err` and of its causes, outermost first (at most a few levels). */
function errorTexts(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== undefined && e !== null; depth++) {
    out.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return out;
}

/** A backend out-of-memory error in describeBackendError's words (the CLI prints it without a stack, exit 1); the backend's own error is its `cause`. */
export class BackendMemoryError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'BackendMemoryError';
  }
}

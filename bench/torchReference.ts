// Runs the PyTorch reference script (../shared/bench/torch_blo_bench.py, never committed to this
// repository; the GPU kit copies it into the ignored .device/) as a child process and parses its JSON
// lines, for `npm run bench:compare`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Where the reference runs: the script's `--device` (on cuda it synchronizes around each timed iteration itself). */
export type TorchDevice = 'cpu' | 'cuda';

/** Reads `--torch-device` (absent: cpu), naming the flag in the error. */
export function parseTorchDevice(value: string | undefined): TorchDevice {
  if (value === undefined || value === 'cpu' || value === 'cuda') return value ?? 'cpu';
  throw new Error(`--torch-device: cpu or cuda, got ${value}`);
}

/** Where the script and its interpreter are, and how many threads it may use. */
export interface TorchReferenceConfig {
  /** Path of torch_blo_bench.py (flag --torch-script, env BILEVEL_TORCH_BENCH; default ../shared/bench/ from the repo root). */
  readonly script: string;
  /** Python with torch (flag --python, env BILEVEL_PYTHON; default /usr/bin/python3, where Debian's python3-torch lives). */
  readonly python: string;
  /** torch intra-op threads (`--threads`; the script's default 1, since OpenBLAS has its own pool). */
  readonly threads: number;
  /** OPENBLAS_NUM_THREADS for the child; undefined leaves OpenBLAS at its default (all cores). */
  readonly openblasThreads?: number;
  /** The script's `--device` (flag --torch-device, default cpu). */
  readonly device: TorchDevice;
}

/** Whether the reference can run here, and if not, why (printed instead of failing); on cuda, the GPU torch sees. */
export type TorchAvailability = { readonly ok: true; readonly version: string; readonly gpu?: string } | { readonly ok: false; readonly reason: string };

/** One reference invocation: a workload, methods and Ks sharing the same script flags. */
export interface TorchRun {
  readonly workload: string;
  readonly methods: readonly string[];
  readonly Ks: readonly number[];
  readonly iters: number;
  /** Extra flags, e.g. ['--fom-mode', 'direct']. */
  readonly extra?: readonly string[];
}

/** The default script location: ../shared/bench/torch_blo_bench.py next to the repository. */
export function defaultTorchScript(repoRoot: string): string {
  return path.resolve(repoRoot, '..', 'shared', 'bench', 'torch_blo_bench.py');
}

function childEnv(config: TorchReferenceConfig): NodeJS.ProcessEnv {
  return config.openblasThreads === undefined ? process.env : { ...process.env, OPENBLAS_NUM_THREADS: String(config.openblasThreads) };
}

/** Checks the script exists and `python -c "import torch"` works, and on cuda that torch sees a GPU; never throws. */
export function probeTorch(config: TorchReferenceConfig): TorchAvailability {
  if (!existsSync(config.script)) return { ok: false, reason: `the reference script ${config.script} does not exist (set --torch-script or BILEVEL_TORCH_BENCH)` };
  // Second line: the GPU's name, or '' when torch has no CUDA device (asked on cuda only: it initializes CUDA).
  const code = config.device === 'cuda' ? 'import torch; print(torch.__version__); print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' : 'import torch; print(torch.__version__)';
  const r = spawnSync(config.python, ['-c', code], { encoding: 'utf8', env: childEnv(config) });
  if (r.error) return { ok: false, reason: `${config.python} could not be started (${r.error.message}); set --python or BILEVEL_PYTHON` };
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    return { ok: false, reason: `${config.python} cannot import torch (${last}); on Debian: apt-get install python3-torch libopenblas0-pthread` };
  }
  const [version = '', gpu = ''] = r.stdout.trim().split('\n').map((line) => line.trim());
  if (config.device !== 'cuda') return { ok: true, version };
  if (gpu === '') return { ok: false, reason: `torch ${version} (${config.python}) sees no CUDA device (torch.cuda.is_available() is False); --torch-device cpu runs it on the CPU` };
  return { ok: true, version, gpu };
}

/**
 * Runs one invocation with --l2 0 (our problems have no weight decay) and returns its JSON records
 * (one per method × K), or throws with the script's stderr when it fails.
 */
export function runTorch(config: TorchReferenceConfig, run: TorchRun): Record<string, unknown>[] {
  const args = [
    config.script,
    '--workload', run.workload,
    '--method', run.methods.join(','),
    '--K', run.Ks.join(','),
    '--iters', String(run.iters),
    '--threads', String(config.threads),
    '--device', config.device,
    '--l2', '0',
    ...(run.extra ?? []),
  ];
  const r = spawnSync(config.python, args, { encoding: 'utf8', env: childEnv(config), maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`torch reference exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// Looks for a WebGPU adapter in a short-lived child process. Dawn prints why it found no adapter
// (e.g. "Couldn't load Vulkan: libvulkan.so.1 ...") from native code straight to file descriptor 2,
// where JavaScript cannot catch it; a child lets us capture that text as the reason, keeps it off the
// user's terminal, and confines a driver that crashes or hangs to the probe instead of the run.
import { spawn } from 'node:child_process';

/** What the probe learned about the adapter Dawn would hand out. */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
}

/** Result of {@link probeWebgpuAdapter}: the adapter, if any, and Dawn's own messages. */
export interface AdapterProbe {
  /** The adapter `requestAdapter({ powerPreference: 'high-performance' })` returned, or null. */
  readonly adapter: AdapterSummary | null;
  /** Dawn's stderr with native stack lines removed, or why the probe itself failed; '' when silent. */
  readonly diagnostics: string;
}

// The child imports the `webgpu` package by URL, asks for an adapter and prints one JSON line. It
// must exit explicitly: the object returned by `create()` keeps Node alive (webgpu README, Lifetime).
const PROBE_SCRIPT = `
const [url, options] = [process.argv[1], JSON.parse(process.argv[2])];
const { create } = await import(url);
const adapter = await create(options).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter && adapter.info;
const summary = info ? {
  vendor: String(info.vendor ?? ''), architecture: String(info.architecture ?? ''),
  device: String(info.device ?? ''), description: String(info.description ?? ''),
  isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
} : null;
process.stdout.write('@@probe ' + JSON.stringify(summary) + '\\n');
process.exit(0);
`;

/** Keeps the message lines of Dawn's stderr and drops its C++ source locations. */
export function cleanDawnOutput(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '));
  const text = lines.join('; ');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/**
 * Spawns `node` on the `webgpu` package at `moduleUrl` (a file: URL) with Dawn `options`, and
 * reports the adapter it gets. Never rejects: failures come back as `adapter: null` with a reason.
 */
export function probeWebgpuAdapter(
  moduleUrl: string,
  options: readonly string[] = [],
  timeoutMs = 20_000,
): Promise<AdapterProbe> {
  return new Promise((resolve) => {
    // ELECTRON_RUN_AS_NODE makes the VS Code (Electron) binary behave as plain Node; Node ignores it.
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE_SCRIPT, moduleUrl, JSON.stringify(options)], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err) => resolve({ adapter: null, diagnostics: `could not start the WebGPU probe: ${err.message}` }));
    child.on('close', (code, signal) => {
      const dawn = cleanDawnOutput(stderr);
      const line = stdout.split('\n').find((l) => l.startsWith('@@probe '));
      if (line !== undefined) {
        try {
          resolve({ adapter: JSON.parse(line.slice('@@probe '.length)) as AdapterSummary | null, diagnostics: dawn });
          return;
        } catch {
          // Fall through: a garbled line is reported like a crashed probe.
        }
      }
      const how = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : signal ? `died with ${signal}` : `exited with code ${code}`;
      resolve({ adapter: null, diagnostics: `the WebGPU probe ${how}${dawn ? `: ${dawn}` : ''}` });
    });
  });
}

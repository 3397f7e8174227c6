// bench:compare --torch-device: the flag's parsing, the --device the reference script is given, and
// the probe that turns down cuda when torch sees no GPU. A stub interpreter (a shell script that
// prints its arguments or a canned answer) stands in for python, so no torch is needed.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTorchDevice, probeTorch, runTorch } from '../../../bench/torchReference';
import type { TorchReferenceConfig } from '../../../bench/torchReference';

describe('torchReference', { skip: process.platform === 'win32' ? 'stub interpreters are shell scripts' : false }, () => {
  let dir = '';
  /** A stub "python" whose stdout is `body`'s output; returns its path. */
  const stub = (name: string, body: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const config = (python: string, device: 'cpu' | 'cuda'): TorchReferenceConfig => ({ script: path.join(dir, 'torch_blo_bench.py'), python, threads: 1, device });

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'torch-ref-'));
    writeFileSync(path.join(dir, 'torch_blo_bench.py'), '# stand-in: only its existence is checked\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses --torch-device: cpu by default, cuda, and an error naming the flag otherwise', () => {
    assert.equal(parseTorchDevice(undefined), 'cpu');
    assert.equal(parseTorchDevice('cpu'), 'cpu');
    assert.equal(parseTorchDevice('cuda'), 'cuda');
    assert.throws(() => parseTorchDevice('gpu'), /--torch-device: cpu or cuda, got gpu/);
  });

  it('passes --device to the script, once, after the other flags', () => {
    // The stub prints its arguments as one JSON record, the shape runTorch parses.
    const echo = stub('echo-python', `printf '{"argv": "%s"}\\n' "$*"`);
    for (const device of ['cpu', 'cuda'] as const) {
      const [record] = runTorch(config(echo, device), { workload: 'hyperclean-linear', methods: ['rhg'], Ks: [50], iters: 3, extra: ['--fom-mode', 'direct'] });
      const argv = String(record?.['argv']).split(' ');
      assert.equal(argv.filter((a) => a === '--device').length, 1, argv.join(' '));
      assert.equal(argv[argv.indexOf('--device') + 1], device);
      assert.deepEqual(argv.slice(-2), ['--fom-mode', 'direct'], 'extra flags stay last');
    }
  });

  it('on cuda, reports the GPU torch sees, and is unavailable when it sees none', () => {
    const withGpu = probeTorch(config(stub('gpu-python', "printf '2.11.0\\nNVIDIA H100 80GB HBM3\\n'"), 'cuda'));
    assert.deepEqual(withGpu, { ok: true, version: '2.11.0', gpu: 'NVIDIA H100 80GB HBM3' });
    const noGpu = probeTorch(config(stub('cpu-only-python', "printf '2.11.0\\n\\n'"), 'cuda'));
    assert.equal(noGpu.ok, false);
    assert.match(noGpu.ok ? '' : noGpu.reason, /sees no CUDA device/);
    // On cpu the same interpreter is fine: no GPU is asked for.
    assert.deepEqual(probeTorch(config(stub('cpu-python', "printf '2.11.0\\n'"), 'cpu')), { ok: true, version: '2.11.0' });
  });
});

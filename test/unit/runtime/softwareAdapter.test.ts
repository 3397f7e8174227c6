// Which WebGPU adapters `auto` turns down: CPU emulations by name or by Dawn's fallback flag, never real GPUs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AdapterSummary } from '../../../src/runtime/probeWebgpuAdapter';
import { softwareAdapterReason } from '../../../src/runtime/softwareAdapter';

const adapter = (fields: Partial<AdapterSummary>): AdapterSummary => ({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...fields });

describe('softwareAdapterReason', () => {
  test('SwiftShader as Dawn reports it (the info read on this machine) is a CPU emulation and a fallback adapter', () => {
    const swiftShader = adapter({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true });
    assert.equal(softwareAdapterReason(swiftShader), 'SwiftShader driver 5.0.0 is a CPU emulation of a GPU (a fallback adapter)');
  });

  test('llvmpipe and lavapipe are recognised by name, whatever the flag says', () => {
    assert.match(softwareAdapterReason(adapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })) ?? '', /^llvmpipe \(LLVM 15\.0\.6, 256 bits\) is a CPU emulation/);
    assert.match(softwareAdapterReason(adapter({ vendor: 'mesa', device: 'lavapipe' })) ?? '', /^lavapipe is a CPU emulation/);
  });

  test('an unnamed adapter flagged as fallback is software', () => {
    assert.equal(softwareAdapterReason(adapter({ device: 'Some Device', isFallbackAdapter: true })), 'Some Device is a fallback (software) adapter');
  });

  test('real GPUs are not', () => {
    for (const gpu of [
      adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3' }),
      adapter({ vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900 XTX' }),
      adapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics 770' }),
      // A name that merely contains "warp" as part of a word is not Microsoft's WARP.
      adapter({ vendor: 'nvidia', description: 'Warpdrive 9000 (hypothetical)' }),
    ]) {
      assert.equal(softwareAdapterReason(gpu), null, gpu.description);
    }
  });
});

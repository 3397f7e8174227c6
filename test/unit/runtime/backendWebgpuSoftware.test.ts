// selectBackend on SwiftShader (unless VK_ICD_FILENAMES names a driver): an explicit `webgpu` runs on
// it and records the adapter and why it is software as fields, and a later `auto` in the same process
// (webgpu already up, so the probe is not repeated) skips it with the same reason and facts that a
// first `auto` gives (test/unit/cli/webgpuBackend.test.ts checks that one in a fresh process).
// A file of its own: it leaves webgpu and wasm initialized.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type BackendInfo, selectBackend } from '../../../src/runtime/backend';
import { useSwiftShaderUnlessSet } from '../helpers/backends';

void describe('selectBackend webgpu on a software adapter', () => {
  let webgpu: BackendInfo;
  before(async () => {
    useSwiftShaderUnlessSet();
    webgpu = await selectBackend('webgpu');
  });

  void it('records the adapter the detail names, and why it is software', (t) => {
    assert.equal(webgpu.name, 'webgpu');
    assert.ok(webgpu.adapter !== undefined && webgpu.adapter !== '', 'an adapter name');
    assert.ok(webgpu.detail.includes(` on ${webgpu.adapter}`), `${webgpu.detail} names ${webgpu.adapter}`);
    if (webgpu.software === undefined) {
      t.skip(`VK_ICD_FILENAMES names a hardware driver here (${webgpu.adapter})`);
      return;
    }
    assert.match(webgpu.software, /is a (CPU emulation of a GPU|fallback \(software\) adapter)/);
  });

  void it('auto then skips it, with the reason and facts a first probe gives', async (t) => {
    if (webgpu.software === undefined) {
      t.skip('not a software adapter');
      return;
    }
    const auto = await selectBackend('auto');
    assert.notEqual(auto.name, 'webgpu');
    const skip = auto.skipped.find((s) => s.name === 'webgpu');
    assert.deepEqual(skip, {
      name: 'webgpu',
      reason: `skipped: ${webgpu.software}, slower than wasm (--backend webgpu still runs on it)`,
      adapter: webgpu.adapter,
      software: webgpu.software,
    });
  });
});

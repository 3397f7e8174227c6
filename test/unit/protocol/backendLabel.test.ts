// The backend's name in the panel and the history: from the facts src/runtime/backend.ts records as
// fields (adapter, software, threads, simd, build), and for older records, which lack them, from the
// detail strings it builds (activateWasm, activateWebgpu/describeAdapter, activateTensorflow,
// activateCpu) and the reasons `auto` records when it skips one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendLabel, backendTooltipLines, shortSkipReason, skippedSummary } from '../../../src/protocol/backendLabel';

const NOT_INSTALLED = 'needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, and neither is installed (npm install @tensorflow/tfjs-node)';
const SWIFTSHADER = 'skipped: SwiftShader Device (Subzero) is a CPU emulation of a GPU (a fallback adapter), slower than wasm (--backend webgpu still runs on it)';
/** An older record's skip: the reason alone. */
const short = (reason: string): string => shortSkipReason({ reason });

describe('backendLabel from the recorded facts', () => {
  it('names the webgpu adapter, marked when a record says it is software, whatever the detail says', () => {
    assert.equal(backendLabel({ name: 'webgpu', detail: 'anything', adapter: 'NVIDIA H100 80GB HBM3' }), 'webgpu · NVIDIA H100 80GB HBM3');
    const software = 'llvmpipe (LLVM 15.0.6, 256 bits) is a CPU emulation of a GPU';
    assert.equal(backendLabel({ name: 'webgpu', detail: 'Dawn (webgpu 0.6.2) on llvmpipe (LLVM 15.0.6, 256 bits) (vendor mesa); tfjs-backend-webgpu 4.22.0', adapter: 'llvmpipe (LLVM 15.0.6, 256 bits)', software }), 'webgpu · llvmpipe (LLVM 15.0.6, 256 bits) (software)');
  });

  it('gives wasm its threads, why threads failed, and SIMD from the fields', () => {
    assert.equal(backendLabel({ name: 'wasm', detail: '', threads: 8, simd: true }), 'wasm · 8 threads, SIMD');
    assert.equal(backendLabel({ name: 'wasm', detail: '', threads: 1, simd: false }), 'wasm · single-threaded, no SIMD');
    assert.equal(backendLabel({ name: 'wasm', detail: '', threads: 1, threadsFailed: '2 threads failed (timed out)', simd: true }), 'wasm · single-threaded (threads failed), SIMD');
  });

  it('gives tensorflow its build, and ignores fields of the wrong type (hand-edited records)', () => {
    assert.equal(backendLabel({ name: 'tensorflow', detail: 'tfjs-node 4.21.0 (its tfjs-core 4.21.0 differs from 4.22.0)', build: 'tfjs-node 4.21.0' }), 'tensorflow · tfjs-node 4.21.0');
    const odd = { name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /x', threads: '8' } as unknown as Parameters<typeof backendLabel>[0];
    assert.equal(backendLabel(odd), 'wasm · 2 threads, SIMD');
  });
});

describe('shortSkipReason from the recorded facts', () => {
  it('names a software adapter by its recorded name, without the groups that end it', () => {
    const reason = 'skipped: A Very Long Vendor Adapter Name 9000 is a fallback (software) adapter, slower than wasm';
    assert.equal(shortSkipReason({ reason, adapter: 'llvmpipe (LLVM 15.0.6, 256 bits)', software: 'llvmpipe (LLVM 15.0.6, 256 bits) is a CPU emulation of a GPU' }), 'software adapter llvmpipe');
    assert.equal(shortSkipReason({ reason, adapter: 'SwiftShader driver 5.0.0', software: 'x' }), 'software adapter SwiftShader driver 5.0.0');
    assert.equal(shortSkipReason({ reason, adapter: 'A Very Long Vendor Adapter Name 9000', software: 'x' }), 'software adapter');
    assert.equal(
      skippedSummary([{ name: 'webgpu', reason: 'not the reason the summary reads', adapter: 'SwiftShader Device (Subzero)', software: 'SwiftShader Device (Subzero) is a CPU emulation of a GPU' }]),
      'auto skipped webgpu (software adapter SwiftShader Device)',
    );
  });
});

// Records written before the facts were fields: the label parses the detail and the reason.

describe('backendLabel of an older record (detail only)', () => {
  it('names the GPU adapter of webgpu, without the vendor and architecture facts', () => {
    assert.equal(backendLabel({ name: 'webgpu', detail: 'Dawn (webgpu 0.6.2) on NVIDIA H100 (vendor nvidia, arch hopper); tfjs-backend-webgpu 4.22.0' }), 'webgpu · NVIDIA H100');
    assert.equal(backendLabel({ name: 'webgpu', detail: 'Dawn (webgpu 0.6.2) on NVIDIA H100; tfjs-backend-webgpu 4.22.0' }), 'webgpu · NVIDIA H100');
  });

  it('keeps parentheses that belong to the adapter name and marks adapters Dawn flagged as fallback', () => {
    const swiftshader = 'Dawn (webgpu 0.6.2) on SwiftShader Device (Subzero) (vendor google, arch swiftshader, fallback (software) adapter); tfjs-backend-webgpu 4.22.0';
    assert.equal(backendLabel({ name: 'webgpu', detail: swiftshader }), 'webgpu · SwiftShader Device (Subzero) (software)');
    // Not flagged as a fallback adapter: which names are CPU drivers is softwareAdapter.ts's rule, and
    // an older record that ran on one has only the name, so it is not marked.
    assert.equal(backendLabel({ name: 'webgpu', detail: 'Dawn (webgpu 0.6.2) on llvmpipe (LLVM 15.0.6, 256 bits) (vendor mesa); tfjs-backend-webgpu 4.22.0' }), 'webgpu · llvmpipe (LLVM 15.0.6, 256 bits)');
  });

  it('names an unnamed adapter by its vendor when it has one', () => {
    assert.equal(backendLabel({ name: 'webgpu', detail: 'Dawn (webgpu 0.6.2) on unnamed adapter (vendor amd, arch rdna-3); tfjs-backend-webgpu 4.22.0' }), 'webgpu · amd adapter');
    assert.equal(backendLabel({ name: 'webgpu', detail: 'Dawn (webgpu 0.6.2) on unnamed adapter; tfjs-backend-webgpu 4.22.0' }), 'webgpu · unnamed adapter');
  });

  it('gives wasm its thread count and SIMD', () => {
    assert.equal(backendLabel({ name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /ext/dist' }), 'wasm · 2 threads, SIMD');
    assert.equal(backendLabel({ name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, no simd, single-threaded, binaries: /ext/dist' }), 'wasm · single-threaded, no SIMD');
    assert.equal(backendLabel({ name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, simd, 8 threads, binaries: already initialized' }), 'wasm · 8 threads, SIMD');
  });

  it('says when wasm threads failed to start, counting the threads that run, not the ones asked for', () => {
    const detail = 'tfjs-backend-wasm 4.22.0, simd, single-threaded; 8 threads failed (timed out after 20000 ms), so single-threaded, binaries: /ext/dist';
    assert.equal(backendLabel({ name: 'wasm', detail }), 'wasm · single-threaded (threads failed), SIMD');
  });

  it('gives tensorflow its package and version, and cpu its name alone', () => {
    assert.equal(backendLabel({ name: 'tensorflow', detail: 'tfjs-node-gpu 4.22.0' }), 'tensorflow · tfjs-node-gpu 4.22.0');
    assert.equal(backendLabel({ name: 'tensorflow', detail: 'tfjs-node 4.21.0 (its tfjs-core 4.21.0 differs from 4.22.0)' }), 'tensorflow · tfjs-node 4.21.0');
    assert.equal(backendLabel({ name: 'cpu', detail: 'tfjs-backend-cpu 4.22.0 (plain JavaScript kernels)' }), 'cpu');
  });

  it('falls back to the bare name for a detail of another shape', () => {
    assert.equal(backendLabel({ name: 'webgpu', detail: 'fake' }), 'webgpu');
    assert.equal(backendLabel({ name: 'wasm', detail: '' }), 'wasm');
    assert.equal(backendLabel({ name: 'tensorflow', detail: 'something else' }), 'tensorflow');
    assert.equal(backendLabel({ name: 'webnn', detail: 'x on y' }), 'webnn');
  });
});

describe('shortSkipReason and skippedSummary of an older record (reason only)', () => {
  it('shorten the reasons backend.ts gives', () => {
    assert.equal(short(NOT_INSTALLED), 'not installed');
    assert.equal(short('needs the webgpu package (Dawn for Node), which is not installed (npm install webgpu)'), 'not installed');
    assert.equal(short('found no WebGPU adapter (Dawn returned no adapter and gave no reason)'), 'no adapter');
    assert.equal(short('found no WebGPU adapter in this process although the probe saw one'), 'no adapter');
    assert.equal(short(SWIFTSHADER), 'software adapter SwiftShader');
    assert.equal(short('skipped SwiftShader (a CPU emulation of a GPU, slower than wasm); --backend webgpu still runs on it'), 'software adapter SwiftShader');
    assert.equal(short('is unavailable: @tensorflow/tfjs-node is installed but failed to load: libtensorflow.so.2: cannot open'), 'failed to load');
  });

  it('name the software adapter auto turned down (src/runtime/softwareAdapter.ts words)', () => {
    const tail = ', slower than wasm (--backend webgpu still runs on it)';
    assert.equal(short(`skipped: SwiftShader Device (Subzero) is a CPU emulation of a GPU (a fallback adapter)${tail}`), 'software adapter SwiftShader');
    assert.equal(short(`skipped: llvmpipe (LLVM 15.0.6, 256 bits) is a CPU emulation of a GPU${tail}`), 'software adapter llvmpipe');
    assert.equal(short(`skipped: Mesa Soft GPU is a fallback (software) adapter${tail}`), 'software adapter Mesa Soft GPU');
    assert.equal(short(`skipped: the adapter is a fallback (software) adapter${tail}`), 'software adapter');
    assert.equal(short(`skipped: A Very Long Vendor Adapter Name 9000 is a fallback (software) adapter${tail}`), 'software adapter');
  });

  it('keep the first clause of any other reason, cut to 40 characters', () => {
    assert.equal(short('failed to initialize: WebAssembly.instantiate(): out of memory'), 'failed to initialize');
    assert.equal(short('found no tfjs-backend-wasm-simd.wasm in /a/very/long/folder/name/that/goes/on'), 'found no tfjs-backend-wasm-simd.wasm in…');
    assert.equal(short('found no tfjs-backend-wasm-simd.wasm in /a/very/long/folder/name/that/goes/on').length, 40);
  });

  it('list every skipped backend in order, and nothing when none was skipped', () => {
    assert.equal(
      skippedSummary([
        { name: 'tensorflow', reason: NOT_INSTALLED },
        { name: 'webgpu', reason: SWIFTSHADER },
      ]),
      'auto skipped tensorflow (not installed), webgpu (software adapter SwiftShader)',
    );
    assert.equal(skippedSummary([]), '');
    assert.equal(skippedSummary(undefined), '');
  });
});

describe('backendTooltipLines', () => {
  it('gives the label, what was asked, the whole detail and every whole reason', () => {
    const ran = { name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /ext/dist', skipped: [{ name: 'tensorflow', reason: NOT_INSTALLED }, { name: 'webgpu', reason: SWIFTSHADER }] };
    assert.deepEqual(backendTooltipLines(ran, 'auto'), [
      'backend wasm · 2 threads, SIMD (asked for auto)',
      '  tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /ext/dist',
      `  auto skipped tensorflow: ${NOT_INSTALLED}`,
      `  auto skipped webgpu: ${SWIFTSHADER}`,
    ]);
  });

  it('does not repeat an explicit choice that ran as asked', () => {
    assert.deepEqual(backendTooltipLines({ name: 'cpu', detail: 'tfjs-backend-cpu 4.22.0 (plain JavaScript kernels)' }, 'cpu'), ['backend cpu', '  tfjs-backend-cpu 4.22.0 (plain JavaScript kernels)']);
  });
});

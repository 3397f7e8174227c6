// Prints the WebGPU adapter Dawn hands out, as bench:compare's webgpu backend asks for it (high
// performance, no Dawn options), loading the webgpu package the way the kit's bundle does: resolved
// from KIT/ (default .device). Exit 0: a hardware adapter; 3: a software one (SwiftShader, llvmpipe,
// lavapipe: a CPU, where the comparison would take hours); 4: none. Used by scripts/device/run.sh.
// Usage: node scripts/device/adapter.mjs [KIT]
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const kit = path.resolve(process.argv[2] ?? '.device');
const url = pathToFileURL(createRequire(path.join(kit, 'bench-compare.js')).resolve('webgpu')).href;
const { create } = await import(url);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
if (adapter === null) {
  console.log(JSON.stringify({ adapter: null, webgpu: url }));
  process.exit(4);
}
const info = adapter.info ?? {};
const limits = {};
for (const key of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupStorageSize']) limits[key] = adapter.limits?.[key];
const summary = {
  vendor: info.vendor,
  architecture: info.architecture,
  device: info.device,
  description: info.description,
  isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
  features: [...(adapter.features ?? [])].sort(),
  limits,
  webgpu: url,
};
console.log(JSON.stringify(summary));
const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
// The words src/runtime/backend.ts's softwareAdapterReason looks for, plus Dawn's own fallback flag.
process.exit(summary.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software/i.test(text) ? 3 : 0);

// The webgpu backend through the CLI with only SwiftShader visible (a CPU emulation of a GPU): `auto`
// passes it over for wasm and says why in the JSON, while an explicit `--backend webgpu` runs on it
// and agrees with cpu. On a machine with a real GPU the same environment still shows only SwiftShader.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertCliBuilt, runBilevelWithEnv, type CliResult } from '../helpers/bilevelCli';
import { useSwiftShaderUnlessSet } from '../helpers/backends';
import { relativeError } from '../helpers/assertClose';

interface GradJson {
  readonly backend: string;
  readonly backendDetail: string;
  readonly skipped?: readonly { name: string; reason: string; adapter?: string; software?: string }[];
  readonly hypergradient: number[];
  readonly F: number;
}

// toy-nonconvex at its defaults (x = 1, y_0 = 2, K = 40): ∇φ ≈ 2.95, of which ≈ 1.95 comes through
// the 40 differentiated lower steps (sin and cos of x·y), so the second-order path is what is compared.
const GRAD = ['grad', '--problem', 'toy-nonconvex', '--method', 'rhg'];

describe('bilevel grad with only SwiftShader visible', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const grad = (backend: string): { result: CliResult; json: GradJson } => {
    const result = runBilevelWithEnv(env, dir, ...GRAD, '--backend', backend);
    assert.equal(result.code, 0, result.stderr);
    return { result, json: JSON.parse(result.stdout) as GradJson };
  };

  before(() => {
    assertCliBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-webgpu-'));
    env = { ...process.env, VK_ICD_FILENAMES: undefined, VK_DRIVER_FILES: undefined };
    useSwiftShaderUnlessSet(env);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('auto runs on wasm and says webgpu was skipped because SwiftShader is a CPU emulation', () => {
    const { json } = grad('auto');
    assert.equal(json.backend, 'wasm');
    const webgpu = json.skipped?.find((s) => s.name === 'webgpu');
    assert.ok(webgpu, `skipped: ${JSON.stringify(json.skipped)}`);
    assert.match(webgpu.reason, /^skipped: SwiftShader .* is a CPU emulation of a GPU/);
    assert.match(webgpu.reason, /--backend webgpu still runs on it/);
    // The same facts as fields, so the panel's label need not parse the reason.
    assert.match(webgpu.adapter ?? '', /^SwiftShader/);
    assert.equal(webgpu.reason, `skipped: ${webgpu.software}, slower than wasm (--backend webgpu still runs on it)`);
  });

  test('--backend webgpu runs on SwiftShader and matches cpu within 1e-3 relative', () => {
    const gpu = grad('webgpu').json;
    const cpu = grad('cpu').json;
    assert.equal(gpu.backend, 'webgpu');
    assert.match(gpu.backendDetail, /SwiftShader/);
    assert.equal(gpu.skipped, undefined);
    assert.ok(Math.abs(cpu.hypergradient[0]! - 1) > 1, `the implicit part (∇φ − ∂ₓF = ∇φ − 1) is of order 1: ${cpu.hypergradient[0]}`);
    const err = relativeError(gpu.hypergradient, cpu.hypergradient);
    assert.ok(err <= 1e-3, `webgpu ${gpu.hypergradient} vs cpu ${cpu.hypergradient}: relative error ${err}`);
    assert.ok(Math.abs(gpu.F - cpu.F) <= 1e-3 * Math.abs(cpu.F), `F: webgpu ${gpu.F} vs cpu ${cpu.F}`);
  });
});

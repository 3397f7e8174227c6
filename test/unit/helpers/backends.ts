// Test helper: the backends every numerical test runs on, selected the way the CLI does.
import { existsSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/runtime/backend';

/**
 * Backends the numerical tests cover, all of which must pass. webgpu runs on SwiftShader (the
 * Vulkan CPU driver in Debian's chromium package, installed by scripts/swiftshader.sh) unless
 * VK_ICD_FILENAMES already names a driver: correct results, not speed.
 */
export const TEST_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;

/** A backend the numerical tests run on. */
export type TestBackend = (typeof TEST_BACKENDS)[number];

/** The SwiftShader Vulkan driver manifest Debian's chromium package ships. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Makes Dawn, loaded later in this process (and in its adapter probe), see only SwiftShader unless
 * the environment already names a Vulkan driver; Dawn also wants a writable XDG_RUNTIME_DIR.
 */
export function useSwiftShaderUnlessSet(env: NodeJS.ProcessEnv = process.env): void {
  if (env['VK_ICD_FILENAMES'] === undefined && env['VK_DRIVER_FILES'] === undefined) {
    if (!existsSync(SWIFTSHADER_ICD)) {
      throw new Error(`The webgpu tests need SwiftShader (${SWIFTSHADER_ICD}) or a Vulkan driver named in VK_ICD_FILENAMES: run bash scripts/swiftshader.sh`);
    }
    env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  }
  if (env['XDG_RUNTIME_DIR'] === undefined) {
    const dir = path.join(os.tmpdir(), `bilevel-xdg-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env['XDG_RUNTIME_DIR'] = dir;
  }
}

/** Activates a backend for the following tests. */
export async function useBackend(name: TestBackend): Promise<void> {
  if (name === 'webgpu') useSwiftShaderUnlessSet();
  await selectBackend(name);
}

/** The values of a tensor on any backend (webgpu in Node has no synchronous read). */
export async function read(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Runs `fn` in a tidy scope and returns its tensors' values, disposing them after the read. */
export async function readTidy(fn: () => tf.Tensor[]): Promise<number[][]> {
  const tensors = tf.tidy(fn);
  try {
    return await Promise.all(tensors.map(read));
  } finally {
    tf.dispose(tensors);
  }
}

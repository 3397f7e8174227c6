// Test helper: the backends every numerical test runs on, selected the way the CLI does.
import { selectBackend } from '../../../src/runtime/backend';

/** Backends the numerical tests cover (both must pass; spec acceptance "on cpu and wasm"). */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** Activates a backend for the following tests. */
export async function useBackend(name: (typeof TEST_BACKENDS)[number]): Promise<void> {
  await selectBackend(name);
}

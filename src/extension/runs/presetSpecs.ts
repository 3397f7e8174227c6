// The experiments of a paper preset (protocol/presets.ts), without vscode so it is unit-tested.
import type { ExperimentSpec } from '../../protocol/experiment';
import { presetOptions } from '../../protocol/presets';
import type { Preset, PresetValue } from '../../protocol/presets';

/**
 * One experiment per method on the preset's built-in problem: the user's default options, then the
 * preset's run options, then that method's own preset options, all on one seed (0 unless given).
 */
export function presetSpecs(preset: Preset, defaults: Readonly<Record<string, PresetValue>> = {}, methods: readonly string[] = preset.methods): ExperimentSpec[] {
  return methods.map((method) => {
    const options = { ...defaults, ...presetOptions(preset, method) };
    return {
      problem: { kind: 'builtin', id: preset.problem, params: { ...preset.params } },
      method,
      options: { ...options, seed: typeof options['seed'] === 'number' ? options['seed'] : 0 },
      preset: preset.id,
    };
  });
}

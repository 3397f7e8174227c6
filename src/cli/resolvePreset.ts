// `--preset ID` (run, compare): a paper preset (protocol/presets.ts) fills the problem, its parameters,
// the method(s) and options; anything given on the command line wins. Preset options a method does
// not declare are dropped for that method, so a preset never causes an "unknown option" error.
import { RUN_OPTIONS } from '../core';
import type { MethodSpec, OptionValue } from '../core';
import { PRESETS, presetOptions } from '../protocol/presets';
import type { Preset } from '../protocol/presets';
import { UsageError } from './usageError';

/** The preset `id` of `presets`; a UsageError listing the valid ids otherwise. */
export function findPreset(id: string, presets: readonly Preset[] = PRESETS): Preset {
  const preset = presets.find((p) => p.id === id);
  if (!preset) throw new UsageError(`unknown preset '${id}' (--preset); valid presets: ${presets.map((p) => p.id).join(', ') || '(none)'} (see bilevel presets)`);
  return preset;
}

/** The preset's run and method options that `method` declares (keyed by option key); the rest is dropped. */
export function presetOptionsFor(preset: Preset | undefined, method: MethodSpec): Record<string, OptionValue> {
  if (!preset) return {};
  const keys = new Set([...RUN_OPTIONS, ...method.options].map((s) => s.key));
  return Object.fromEntries(Object.entries(presetOptions(preset, method.id)).filter(([k]) => keys.has(k)));
}

/** The preset's option keys that none of `methods` declares (nor the run options), i.e. that no run uses. */
export function unusedPresetOptions(preset: Preset | undefined, methods: readonly MethodSpec[]): string[] {
  if (!preset) return [];
  const keys = new Set([...RUN_OPTIONS, ...methods.flatMap((m) => m.options)].map((s) => s.key));
  const given = new Set(methods.flatMap((m) => Object.keys(presetOptions(preset, m.id))));
  return [...given].filter((k) => !keys.has(k));
}

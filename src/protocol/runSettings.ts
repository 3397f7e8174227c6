// A run's settings as one flat, ordered record: what the panel, the history tooltip, the CSV, the
// experiments table and Compare show, and what Compare diffs. One home, so every view lists the same
// keys in the same order and a difference found in one is the difference shown in all.
import type { RunConfig } from './runRecord';

/** A setting's value (problem parameters and resolved options are scalars). */
export type SettingValue = number | string | boolean;

/**
 * A run's settings by key, in display order: `method`, the resolved method options (as the method
 * declares them: `iterations`, `lowerSteps`, `seed`, …), the problem's parameters as `problem.<name>`,
 * then `backend` (as asked for) and `preset` when the run came from one.
 */
export type RunSettings = Readonly<Record<string, SettingValue>>;

/** The settings of a run from the config its record keeps. */
export function runSettings(config: Pick<RunConfig, 'method' | 'methodOptions' | 'problemParams' | 'iterations' | 'seed' | 'backend' | 'preset'>): RunSettings {
  const out: Record<string, SettingValue> = { method: config.method };
  // Older records may lack iterations or seed among the method options; the config always has them.
  out.iterations = config.iterations;
  for (const [k, v] of Object.entries(config.methodOptions ?? {})) out[k] = v;
  out.seed = config.methodOptions?.seed ?? config.seed;
  for (const [k, v] of Object.entries(config.problemParams ?? {})) out[`problem.${k}`] = v;
  out.backend = config.backend;
  if (config.preset !== undefined) out.preset = config.preset;
  return out;
}

/**
 * The keys whose values are not the same in every run (a key some runs lack counts as differing), in
 * the order they first appear. Empty for fewer than two runs.
 */
export function settingsDiff(runs: readonly RunSettings[]): string[] {
  if (runs.length < 2) return [];
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      keys.push(k);
    }
  }
  return keys.filter((k) => {
    const first = runs[0]![k];
    return runs.some((r) => !(k in r) || !Object.is(r[k], first));
  });
}

/** A setting's value as text: numbers as written (no rounding: they are what was asked for), booleans as true/false, absent as —. */
export function formatSetting(value: SettingValue | undefined): string {
  return value === undefined ? '—' : String(value);
}

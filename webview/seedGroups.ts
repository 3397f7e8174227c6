// Runs of one setting over several seeds, drawn as one: the panel's runs whose settings are equal
// except `seed` form a group, coloured by method, labelled by the method and (when several groups
// share a method) the settings that tell them apart. Pure, no DOM; state.ts draws a group of two or
// more runs as a band, main.ts lists the groups in the "to reach target" table.
import { methodColor } from '../src/protocol/chartData';
import { formatSetting, settingsDiff, type RunSettings, type SettingValue } from '../src/protocol/runSettings';

/** The setting a group leaves out: runs that differ only in it are seeds of one group. */
export const SEED_KEY = 'seed';

/** What grouping reads of a run. */
export interface GroupableRun {
  readonly runId: string;
  readonly method: string;
  readonly label: string;
  readonly settings?: RunSettings;
}

/** One group of runs: the same settings but the seed. */
export interface SeedGroup {
  /** The id of its first run (in panel order): stable while runs are added after it. */
  readonly id: string;
  readonly method: string;
  /** The method, with the settings that set it apart from the method's other groups; a lone run keeps its own label. */
  readonly label: string;
  /** The method's colour, shaded per group of the same method (as runColors shades runs). */
  readonly color: string;
  /** Its runs, in panel order. */
  readonly runIds: readonly string[];
  /** The settings its runs share, the seed left out (a key known for any of its runs). */
  readonly settings: RunSettings;
}

/**
 * The groups of `runs`, ordered by their first run. Two runs belong together when they have the same
 * method and every setting both know, the seed aside, is equal: a key one run lacks does not split a
 * group, because a queued run knows only the options it was given until its record has them all. A
 * run without settings is a group of its own (nothing says it repeats another). Runs that know more
 * settings are placed first, so a queued run joins the group its full settings would match.
 */
export function groupRuns(runs: readonly GroupableRun[]): SeedGroup[] {
  const order = runs.map((r, i) => ({ r, i, keys: Object.keys(r.settings ?? {}).length }));
  const placing = [...order].sort((a, b) => b.keys - a.keys || a.i - b.i);
  const drafts: { method: string; members: number[]; settings: Record<string, SettingValue>; open: boolean }[] = [];
  for (const { r, i, keys } of placing) {
    const own = withoutSeed(r.settings ?? {});
    const home = keys === 0 ? undefined : drafts.find((d) => d.open && d.method === r.method && compatible(d.settings, own));
    if (home) {
      home.members.push(i);
      for (const [k, v] of Object.entries(own)) if (!(k in home.settings)) home.settings[k] = v;
    } else {
      drafts.push({ method: r.method, members: [i], settings: { ...own }, open: keys > 0 });
    }
  }
  for (const d of drafts) d.members.sort((a, b) => a - b);
  drafts.sort((a, b) => a.members[0]! - b.members[0]!);
  const shades = new Map<string, number>();
  return drafts.map((d) => {
    const shade = shades.get(d.method) ?? 0;
    shades.set(d.method, shade + 1);
    const first = runs[d.members[0]!]!;
    // Runs without settings say nothing about what tells groups apart.
    const siblings = drafts.filter((o) => o.method === d.method && o.open);
    const label = d.members.length === 1 ? first.label : groupLabel(d.method, d.settings, siblings.map((o) => o.settings), siblings.indexOf(d));
    return { id: first.runId, method: d.method, label, color: methodColor(d.method, shade), runIds: d.members.map((i) => runs[i]!.runId), settings: d.settings };
  });
}

function withoutSeed(settings: RunSettings): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [k, v] of Object.entries(settings)) if (k !== SEED_KEY) out[k] = v;
  return out;
}

function compatible(a: RunSettings, b: RunSettings): boolean {
  for (const [k, v] of Object.entries(b)) if (k in a && !Object.is(a[k], v)) return false;
  return true;
}

/**
 * `rhg` alone; `rhg (lowerSteps=10)` when another group of rhg has another lowerSteps. Keys both
 * groups know and disagree on come first; if the groups differ only in keys one of them lacks, those
 * are named; `rhg #2` if nothing tells them apart.
 */
function groupLabel(method: string, settings: RunSettings, siblings: readonly RunSettings[], index: number): string {
  if (siblings.length < 2) return method;
  const known = Object.keys(settings).filter((k) => siblings.every((s) => k in s) && siblings.some((s) => !Object.is(s[k], settings[k])));
  const keys = known.length > 0 ? known : settingsDiff(siblings).filter((k) => k !== SEED_KEY);
  if (keys.length === 0) return `${method} #${index + 1}`;
  return `${method} (${keys.map((k) => `${k}=${formatSetting(settings[k])}`).join(', ')})`;
}

// The one place settings are read (STYLE §4): a typed, normalized snapshot of `bilevel.*`. The
// settings are declared in package.json (`contributes.configuration`); SETTINGS below lists the same
// keys with their defaults and test/unit/extension/config.test.ts fails when the two drift. This file
// only imports vscode's types, so the normalizers run in plain Node tests.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { CONFIG_SECTION } from './ids';
import { isKnownMethod, METHOD_CATALOG } from './commands/methodCatalog';

/** The tfjs backends a run may ask for (`auto` picks the best available one in the worker). */
export const BACKENDS = ['auto', 'webgpu', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendSetting = (typeof BACKENDS)[number];

/** An option value as ExperimentSpec.options holds it. */
export type OptionValue = number | string | boolean;

/** Every setting, normalized: wrong types and out-of-range values fall back to the defaults. */
export interface BilevelConfig {
  readonly backend: BackendSetting;
  readonly runs: {
    /** Runs executing at once; more wait in the queue (1–16). */
    readonly maxConcurrent: number;
    /** Runs of one comparison or preset executing at once (1–16); 1 times each method alone. */
    readonly comparisonConcurrency: number;
    /** Ask before a preset or comparison expected (from a short probe) to take longer than this (s); 0 never asks. */
    readonly confirmAboveSeconds: number;
    /** Method of `▶ Run` when the command gets none (a catalogued method id). */
    readonly defaultMethod: string;
    /** Options every run starts from (`lowerSteps`, `seed`, …); only number/string/boolean values. */
    readonly defaultOptions: Readonly<Record<string, OptionValue>>;
    /** Runs folder, relative to the workspace folder unless absolute. */
    readonly storeLocation: string;
  };
  readonly charts: {
    readonly logScaleY: boolean;
    /** EMA weight of the previous smoothed value, 0 (off) to 0.99. */
    readonly smoothing: number;
    /** Points drawn per series after min/max decimation (200–100000). */
    readonly maxPointsPerSeries: number;
  };
  readonly panel: {
    /** A new single run of a problem file replaces the runs of that file's open panel (else: a new tab per run). */
    readonly reuse: boolean;
  };
  readonly compare: {
    /** Seeds ⇄ Compare… offers first (1–100): each method runs once per seed, seeds s … s + n − 1. */
    readonly seeds: number;
  };
  readonly history: {
    /** More runs folders the history shows and watches (absolute, `~/…`, or relative to the first workspace folder), as typed. */
    readonly extraStores: readonly string[];
  };
}

/** One declared setting: its key under `bilevel.`, JSON type and default (as in package.json). */
export interface SettingSpec {
  readonly key: string;
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  readonly default: unknown;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
}

/** The settings table; package.json `contributes.configuration.properties` declares exactly these. */
export const SETTINGS: readonly SettingSpec[] = [
  { key: 'backend', type: 'string', default: 'auto', enum: BACKENDS },
  { key: 'runs.maxConcurrent', type: 'integer', default: 2, minimum: 1, maximum: 16 },
  { key: 'runs.comparisonConcurrency', type: 'integer', default: 1, minimum: 1, maximum: 16 },
  { key: 'runs.confirmAboveSeconds', type: 'number', default: 60, minimum: 0, maximum: 86400 },
  { key: 'runs.defaultMethod', type: 'string', default: 'rhg', enum: METHOD_CATALOG.map((m) => m.id) },
  { key: 'runs.defaultOptions', type: 'object', default: {} },
  { key: 'runs.storeLocation', type: 'string', default: '.bilevel/runs' },
  { key: 'charts.logScaleY', type: 'boolean', default: false },
  { key: 'charts.smoothing', type: 'number', default: 0, minimum: 0, maximum: 0.99 },
  { key: 'charts.maxPointsPerSeries', type: 'integer', default: 2000, minimum: 200, maximum: 100000 },
  { key: 'panel.reuse', type: 'boolean', default: true },
  { key: 'compare.seeds', type: 'integer', default: 1, minimum: 1, maximum: 100 },
  { key: 'history.extraStores', type: 'array', default: [] },
];

/** The defaults of every setting, normalized (what a fresh install reads). */
export const DEFAULT_CONFIG: BilevelConfig = normalizeConfig(() => undefined);

/** Reads a raw setting value by key under `bilevel.` (e.g. `runs.maxConcurrent`). */
export type SettingReader = (key: string) => unknown;

/** Turns raw setting values into a {@link BilevelConfig}; never throws. */
export function normalizeConfig(get: SettingReader): BilevelConfig {
  const backend = get('backend');
  return {
    backend: typeof backend === 'string' && (BACKENDS as readonly string[]).includes(backend) ? (backend as BackendSetting) : 'auto',
    runs: {
      maxConcurrent: integerIn(get('runs.maxConcurrent'), 1, 16, 2),
      comparisonConcurrency: integerIn(get('runs.comparisonConcurrency'), 1, 16, 1),
      confirmAboveSeconds: numberIn(get('runs.confirmAboveSeconds'), 0, 86400, 60),
      defaultMethod: methodOr(get('runs.defaultMethod'), 'rhg'),
      defaultOptions: optionRecord(get('runs.defaultOptions')),
      storeLocation: nonEmptyString(get('runs.storeLocation'), '.bilevel/runs'),
    },
    charts: {
      logScaleY: typeof get('charts.logScaleY') === 'boolean' ? (get('charts.logScaleY') as boolean) : false,
      smoothing: numberIn(get('charts.smoothing'), 0, 0.99, 0),
      maxPointsPerSeries: integerIn(get('charts.maxPointsPerSeries'), 200, 100000, 2000),
    },
    panel: {
      reuse: typeof get('panel.reuse') === 'boolean' ? (get('panel.reuse') as boolean) : true,
    },
    compare: {
      seeds: integerIn(get('compare.seeds'), 1, 100, 1),
    },
    history: {
      extraStores: stringList(get('history.extraStores')),
    },
  };
}

/** The current settings (for `scope`'s folder when given); pass `vscode.workspace`. */
export function getConfig(workspace: Pick<typeof vscode.workspace, 'getConfiguration'>, scope?: vscode.ConfigurationScope): BilevelConfig {
  const section = workspace.getConfiguration(CONFIG_SECTION, scope);
  return normalizeConfig((key) => section.get(key));
}

/** True when a configuration change touches any `bilevel.*` setting. */
export function affectsBilevel(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(CONFIG_SECTION);
}

/** The runs folder of a workspace folder: `storeLocation` resolved against it. */
export function storeDirFor(workspaceFolder: string, config: BilevelConfig): string {
  return path.resolve(workspaceFolder, config.runs.storeLocation);
}

function integerIn(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

function nonEmptyString(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** The non-empty strings of an array, trimmed, each once (anything else: none). */
function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v !== ''))];
}

function methodOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && isKnownMethod(value.trim()) ? value.trim() : fallback;
}

/** Keeps the entries whose values an ExperimentSpec can carry (finite numbers, strings, booleans). */
function optionRecord(value: unknown): Readonly<Record<string, OptionValue>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, OptionValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

// `Bilevel: Run Paper Preset…`: a paper's setting of a built-in workload, its methods raced on one
// seed in one comparison panel (the extension's `bilevel compare --preset ID`).
import * as vscode from 'vscode';
import { PRESETS } from '../../protocol/presets';
import type { Preset, PresetValue } from '../../protocol/presets';
import { presetSpecs } from '../runs/presetSpecs';
import { startRuns, type CommandContext } from './context';
import { confirmCost } from './confirmCost';
import type { StartedRuns } from './runCommands';

/**
 * `bilevel.runPreset(presetId?, methods?, { options?, confirm? }?)`: asks for the preset and its
 * methods when not given; `options` override the preset's for every method (e.g. fewer iterations).
 * The methods run one at a time; a short probe estimates the total time and asks when it is long
 * (`confirm: false` skips both).
 */
export const runPreset =
  (ctx: CommandContext) =>
  async (arg0?: unknown, methodsArg?: unknown, extra?: unknown): Promise<StartedRuns | undefined> => {
    let preset: Preset | undefined;
    if (typeof arg0 === 'string') {
      preset = PRESETS.find((p) => p.id === arg0);
      if (!preset) {
        void vscode.window.showErrorMessage(`Unknown preset '${arg0}'; valid presets: ${PRESETS.map((p) => p.id).join(', ')}.`);
        return undefined;
      }
    } else {
      const picked = await vscode.window.showQuickPick(
        PRESETS.map((p) => ({ label: p.id, description: p.title, detail: `${p.source}. ${p.scaling}`, preset: p })),
        { placeHolder: 'Paper preset to run', matchOnDescription: true, matchOnDetail: true },
      );
      if (!picked) return undefined;
      preset = picked.preset;
    }
    let methods = Array.isArray(methodsArg) ? methodsArg.filter((m): m is string => typeof m === 'string') : undefined;
    if (!methods || methods.length === 0) {
      const picked = await vscode.window.showQuickPick(
        preset.methods.map((m) => ({ label: m, picked: true })),
        { placeHolder: `Methods of ${preset.id} to race on one seed`, canPickMany: true },
      );
      if (!picked || picked.length === 0) return undefined;
      methods = picked.map((p) => p.label);
    }
    const args = typeof extra === 'object' && extra !== null ? (extra as { options?: Record<string, PresetValue>; confirm?: boolean }) : {};
    const overrides = args.options;
    const specs = presetSpecs(preset, ctx.config().runs.defaultOptions, methods).map((s) => (overrides ? { ...s, options: { ...s.options, ...overrides } } : s));
    if (!(await confirmCost(ctx, specs, args.confirm !== false))) return undefined;
    const runs = startRuns(ctx, specs, { group: true, title: `${preset.id} · ${methods.join(', ')}` });
    return runs ? { handles: runs.map((r) => r.runId) } : undefined;
  };

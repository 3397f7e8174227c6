// Workspace Trust gates every command that runs one: each command of the table (index.ts) is called
// with arguments that would start a worker if it ever does, once in a trusted and once in an
// untrusted workspace. Trusted, exactly WORKER_COMMANDS start runs or checks; untrusted, nothing
// starts and the user is told why. A new command needs an entry in ARGS, so it is enumerated too.
import '../vscodeStub';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Uri, vscodeStub } from '../vscodeStub';
import { COMMAND_FACTORIES, WORKER_COMMANDS, createCommands } from '../../../../src/extension/commands';
import type { CommandContext } from '../../../../src/extension/commands/context';
import { Commands, type CommandId } from '../../../../src/extension/ids';
import type { ExperimentSpec } from '../../../../src/protocol/experiment';
import { PRESETS } from '../../../../src/protocol/presets';
import type { RunRecord } from '../../../../src/protocol/runRecord';
import type { CheckResultMessage } from '../../../../src/protocol/worker';

/** The commands that execute problem code (a problem file, or a built-in workload) in a worker, or submit it to SLURM. */
const EXPECTED_WORKER_COMMANDS: readonly CommandId[] = [Commands.runProblem, Commands.compareMethods, Commands.runPreset, Commands.checkHypergradient, Commands.rerun, Commands.newSweep, Commands.submitSweepSlurm];

const CHECK: CheckResultMessage = { type: 'checkResult', method: 'rhg', exact: true, maxRelativeError: 0, relativeErrorVsRhg: 0, directions: [] };

let tmp: string;
let problemFile: string;
/** What the fake controller was asked to do. */
const started: string[] = [];

function fakeContext(): CommandContext {
  const record = {
    schemaVersion: 1,
    id: 'R1',
    status: 'completed',
    config: { problem: 'toy-quadratic', problemParams: {}, method: 'rhg', methodOptions: {}, iterations: 3, seed: 0, backend: 'cpu' },
  } as unknown as RunRecord;
  const store = {
    dirOf: (id: string) => path.join(tmp, '.bilevel', 'runs', id),
    readMetrics: () => [],
    update: () => undefined,
    delete: () => undefined,
  };
  const found = { store, storeDir: path.join(tmp, '.bilevel', 'runs'), folder: tmp, record };
  const panel = { ids: ['R1'], firstRunDir: () => store.dirOf('R1'), exportCharts: () => Promise.resolve([]) };
  let next = 1;
  const ctx = {
    extension: {
      extensionUri: Uri.file(tmp),
      asAbsolutePath: (p: string) => path.join(tmp, p),
      workspaceState: { get: () => undefined, update: () => Promise.resolve() },
    },
    // The CLI a SLURM submission runs: counted as started work, never spawned here.
    runCli: (argv: readonly string[]) => {
      started.push(`cli ${argv.slice(1, 2).join(' ')}`);
      return Promise.resolve({ code: 0, stdout: '{"sweep":"20261206-030000-sweep-lake-ab12","jobId":"7"}\n', stderr: '' });
    },
    controller: {
      start: (spec: ExperimentSpec) => {
        started.push(`run ${spec.method}`);
        return { runId: `L${next++}` };
      },
      check: (spec: ExperimentSpec) => {
        started.push(`check ${spec.method}`);
        return Promise.resolve(CHECK);
      },
      setCheck: () => undefined,
      get: () => undefined,
      cancel: () => false,
      cancelAll: () => 0,
      waitForRun: () => Promise.resolve({ status: 'completed' }),
      probe: (spec: ExperimentSpec) => {
        started.push(`probe ${spec.method}`);
        return Promise.resolve({ ok: false, message: 'no probe here' });
      },
      active: () => [],
      liveInfo: () => [],
      onDidChange: () => ({ dispose: () => undefined }),
    },
    stores: { storeDirFor: (folder: string) => path.join(folder, '.bilevel', 'runs'), find: () => found },
    panels: { open: () => panel, openForProblem: () => panel, active: () => undefined },
    history: {
      refresh: () => undefined,
      reload: () => undefined,
      allRuns: () => [],
      allSweeps: () => [],
      findSweep: () => undefined,
      onDidChangeTreeData: () => ({ dispose: () => undefined }),
    },
    diagnostics: { clear: () => undefined, set: () => undefined },
    output: { appendLine: () => undefined, append: () => undefined, show: () => undefined },
    config: () => ({
      backend: 'cpu',
      runs: { maxConcurrent: 1, defaultMethod: 'rhg', defaultOptions: {}, storeLocation: '.bilevel/runs' },
      charts: { logScaleY: false, smoothing: 0, maxPointsPerSeries: 2000 },
      compare: { seeds: 1 },
    }),
  };
  return ctx as unknown as CommandContext;
}

/** Arguments for every command: what a code lens, the history or a test passes (no picker needed). */
function argsFor(): Record<CommandId, unknown[]> {
  const preset = PRESETS[0]!;
  return {
    [Commands.runProblem]: [Uri.file(problemFile), 'default', 'rhg', { iterations: 2 }],
    [Commands.compareMethods]: [Uri.file(problemFile), 'default', ['rhg', 'cg'], { check: true }],
    [Commands.runPreset]: [preset.id, [preset.methods[0]], { options: { iterations: 1 } }],
    [Commands.checkHypergradient]: [Uri.file(problemFile), 'default', 'rhg'],
    [Commands.rerun]: ['R1'],
    [Commands.newProblemFile]: [Uri.file(path.join(tmp, 'new'))],
    [Commands.cancelRun]: ['R1'],
    [Commands.openRun]: ['R1'],
    [Commands.compareSelected]: ['R1', ['R1', 'R2']],
    [Commands.renameRun]: ['R1', 'renamed'],
    [Commands.addNote]: ['R1', 'a note'],
    [Commands.deleteRun]: ['R1', { confirmed: true }],
    [Commands.revealRunFolder]: ['R1'],
    [Commands.exportCsv]: ['R1', Uri.file(path.join(tmp, 'R1.csv'))],
    [Commands.exportChart]: ['R1', 'png', Uri.file(path.join(tmp, 'charts'))],
    [Commands.refreshHistory]: [],
    [Commands.cancelAll]: [['R1', 'R2']],
    [Commands.showCheckDetails]: ['R1'],
    [Commands.openExperiments]: [],
    [Commands.newSweep]: [Uri.file(problemFile), 'default', { methods: ['rhg', 'cg'], seeds: '0-1' }],
    [Commands.openSweep]: ['20261206-030000-sweep-lake-ab12'],
    [Commands.cancelSweep]: ['20261206-030000-sweep-lake-ab12'],
    [Commands.submitSweepSlurm]: [Uri.file(problemFile), 'default', { methods: ['rhg'], seeds: '0-1', maxConcurrent: 2, sbatchArgs: [], store: path.join(tmp, 'shared') }],
  };
}

/** Runs command `id` with its arguments; the runs and checks it started (checks may follow later). */
async function invoke(id: CommandId, trusted: boolean): Promise<string[]> {
  vscodeStub.reset();
  vscodeStub.folder = tmp;
  vscodeStub.trusted = trusted;
  started.length = 0;
  const handler = new Map(createCommands(fakeContext())).get(id)!;
  await handler(...argsFor()[id]);
  // Compare Methods checks its methods after it returns (fire and forget).
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return [...started];
}

describe('Workspace Trust', () => {
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-trust-'));
    problemFile = path.join(tmp, 'lake.bilevel.ts');
    writeFileSync(problemFile, "import { defineProblem } from 'bilevel-lab';\nexport default defineProblem({ id: 'lake' } as never);\n");
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('has arguments for every command of the table', () => {
    assert.deepEqual(Object.keys(argsFor()).sort(), Object.keys(COMMAND_FACTORIES).sort());
  });

  it('declares exactly the commands that start workers as gated', async () => {
    const starters: CommandId[] = [];
    for (const id of Object.keys(COMMAND_FACTORIES) as CommandId[]) if ((await invoke(id, true)).length > 0) starters.push(id);
    assert.deepEqual([...starters].sort(), [...EXPECTED_WORKER_COMMANDS].sort(), 'the commands that start a run or a check when trusted');
    assert.deepEqual([...WORKER_COMMANDS].sort(), [...EXPECTED_WORKER_COMMANDS].sort(), 'WORKER_COMMANDS in commands/index.ts');
  });

  it('starts no run and no check in an untrusted workspace, and says why', async () => {
    for (const id of Object.keys(COMMAND_FACTORIES) as CommandId[]) {
      assert.deepEqual(await invoke(id, false), [], `${id} started work in an untrusted workspace`);
      if (EXPECTED_WORKER_COMMANDS.includes(id)) {
        assert.ok(
          vscodeStub.shown.some((m) => m.startsWith('warning: Bilevel Lab runs problem files only in trusted workspaces')),
          `${id} did not tell the user why nothing ran: ${vscodeStub.shown.join(' | ')}`,
        );
      }
    }
  });
});

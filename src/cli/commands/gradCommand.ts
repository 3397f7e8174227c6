// `bilevel grad`: one hypergradient at one point, printed as JSON (for scripts and closed-form checks).
import * as tf from '@tensorflow/tfjs-core';
import { compileProblem, createRng, hypergradientAt, startingPoint } from '../../core';
import type { ProblemDefinition, VariableSpec } from '../../core';
import { stringifyRecord } from '../../store/recordJson';
import type { CliIo } from '../cliIo';
import { backendJson } from '../backendJson';
import { resolveFor } from '../executeRun';
import type { ParsedArgs } from '../parseArgs';
import { parsePoint, prepareProblem, startProblem, variableSizes } from '../prepareProblem';

/** Runs `bilevel grad`; prints `{ command, problem, method, backend, backendDetail, skipped?, K, x, y0?, hypergradient, F, options }`. */
export async function gradCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const { backend, problem: loaded, prepared } = await startProblem(prepareProblem('grad', args), args);
  const method = prepared.methods[0]!;
  const xText = args.flags.get('x');
  const xGiven = xText === undefined ? undefined : parsePoint('x', xText, variableSizes(loaded.definition.upper));
  const y0Text = args.flags.get('y0');
  const definition = y0Text === undefined ? loaded.definition : withLowerStart(loaded.definition, parsePoint('y0', y0Text, variableSizes(loaded.definition.lower)));
  const options = resolveFor({ ...prepared, definition }, method);
  const problem = await compileProblem(definition, createRng(options.seed));
  try {
    const x = startingPoint(problem, xGiven);
    try {
      const { gx, upperLoss } = await hypergradientAt(problem, method, options, x);
      const xFlat = (await Promise.all(x.map((t) => t.data()))).flatMap((d) => Array.from(d));
      // Non-finite numbers as run.json keeps them ("Infinity", "NaN"), not JSON.stringify's null.
      io.stdout.write(
        stringifyRecord({
          command: 'grad',
          problem: loaded.id,
          problemParams: loaded.params,
          method: method.id,
          ...backendJson(backend),
          K: options.lowerSteps,
          options,
          x: xFlat,
          ...(y0Text !== undefined ? { y0: Object.values(definition.lower.variables).flatMap((v) => flatInit(v)) } : {}),
          hypergradient: gx.flat(),
          F: upperLoss,
        }) + '\n',
      );
    } finally {
      tf.dispose(x);
    }
  } finally {
    problem.dispose();
  }
  return 0;
}

/** A copy of `def` whose lower variables start at `values` (by name; a number fills the tensor). */
export function withLowerStart(def: ProblemDefinition<unknown, unknown>, values: Readonly<Record<string, number | readonly number[]>>): ProblemDefinition<unknown, unknown> {
  const variables: Record<string, VariableSpec> = {};
  for (const [name, spec] of Object.entries(def.lower.variables)) {
    const v = values[name];
    variables[name] = v === undefined ? spec : { ...spec, init: v };
  }
  return { ...def, lower: { ...def.lower, variables } };
}

function flatInit(v: VariableSpec): number[] {
  const size = v.shape.reduce((a, b) => a * b, 1);
  return typeof v.init === 'number' ? new Array<number>(size).fill(v.init) : typeof v.init === 'function' ? [] : Array.from(v.init);
}

// Turns a ProblemDefinition into what the solver works with: ordered variable lists, objectives on
// tensor lists, projections, and the known solution as tensors. Validates at the initial point.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import type { TensorList } from '../tensorList';
import { ProblemError, checkDefinition, sizeOf } from './defineProblem';
import type { LevelDefinition, ProblemDefinition, VariableSpec, Vars } from './defineProblem';

/** One level after compilation: variable names in a fixed order, their specs and bounds. */
export interface CompiledLevel {
  readonly names: readonly string[];
  readonly specs: readonly VariableSpec[];
  /** True when any variable of the level has bounds (so steps must project). */
  readonly bounded: boolean;
}

/** A problem ready to run; owns `data` and the solution tensors (call dispose()). */
export interface CompiledProblem<D = unknown> {
  readonly definition: ProblemDefinition<D, unknown>;
  readonly upper: CompiledLevel;
  readonly lower: CompiledLevel;
  readonly data: D;
  /** F(x, y) on tensor lists. */
  upperObjective(x: TensorList, y: TensorList): tf.Scalar;
  /** f(x, y) on tensor lists. */
  lowerObjective(x: TensorList, y: TensorList): tf.Scalar;
  /** Proj_X: clamps each bounded upper tensor; returns new tensors. */
  projectUpper(x: TensorList): TensorList;
  /** Proj_Y: clamps each bounded lower tensor; returns new tensors. */
  projectLower(y: TensorList): TensorList;
  /** Fresh initial x_0 and y_0 (drawn from the rng for generated inits). */
  initialUpper(): TensorList;
  initialLower(): TensorList;
  /** True when the problem samples tasks (sampleTask); objectives then see the view's task. */
  readonly hasTasks: boolean;
  /** The task this view's objectives see (undefined without tasks). */
  readonly task: unknown;
  /** A view whose objectives see `task`; it shares data and solution (its dispose() does nothing). */
  withTask(task: unknown): CompiledProblem<D>;
  /** Draws a task; the caller disposes its tensors (tf.dispose). Throws when the problem has no sampler. */
  sampleTask(rng: Rng): unknown;
  /** y_0 = start(x) for MAML-type problems (differentiable in x); undefined when y_0 is the lower init. */
  readonly lowerStart?: (x: TensorList) => TensorList;
  /** x* and y* when known (each tensor only if the solution names it), else undefined. */
  readonly upperSolution?: TensorList;
  readonly lowerSolution?: TensorList;
  /** Releases data and solution tensors. */
  dispose(): void;
}

/** Compiles and validates a problem: objectives must return finite scalars at (x_0, y_0). */
export async function compileProblem<D, T>(definition: ProblemDefinition<D, T>, rng: Rng): Promise<CompiledProblem<D>> {
  const structural = checkDefinition(definition as ProblemDefinition<unknown, unknown>);
  if (structural.length > 0) throw new ProblemError(definition?.id, structural);
  const upper = compileLevel(definition.upper);
  const lower = compileLevel(definition.lower);
  let data: D;
  try {
    data = definition.data ? definition.data(rng) : (undefined as D);
  } catch (e) {
    throw new ProblemError(definition.id, [`data: the data loader threw: ${messageOf(e)}`]);
  }
  let x0: TensorList;
  let y0: TensorList;
  try {
    // Values are drawn and checked before any tensor exists, so a bad init leaks nothing.
    const xValues = initialValues('upper', upper, rng, definition.id);
    const yValues = initialValues('lower', lower, rng, definition.id);
    x0 = toTensors(upper, xValues);
    y0 = toTensors(lower, yValues);
  } catch (e) {
    tf.dispose(data as unknown as tf.TensorContainer);
    throw e;
  }
  const toVars = (level: CompiledLevel, list: TensorList): Vars =>
    Object.fromEntries(level.names.map((n, i) => [n, list[i]!]));
  const project = (level: CompiledLevel, list: TensorList): TensorList =>
    list.map((t, i) => {
      const b = level.specs[i]!.bounds;
      return b ? tf.clipByValue(t, b[0], b[1]) : tf.clone(t);
    });
  const solution = (which: 'upper' | 'lower', level: CompiledLevel): TensorList | undefined => {
    const known = definition.solution?.[which];
    if (!known || !level.names.every((n) => n in known)) return undefined;
    return level.names.map((n, i) => {
      const value = known[n]!;
      const shape = level.specs[i]!.shape as number[];
      return typeof value === 'number' ? tf.fill(shape, value) : tf.tensor(value as number[], shape, 'float32');
    });
  };
  const upperSolution = solution('upper', upper);
  const lowerSolution = solution('lower', lower);
  const start = definition.lower.start;
  const lowerStart = start
    ? (x: TensorList): TensorList => {
        const out = start(toVars(upper, x), data);
        return lower.names.map((n) => {
          const t = out[n];
          if (!t) throw new ProblemError(definition.id, [`lower.start: returned no tensor for lower variable '${n}' (returned: ${Object.keys(out).join(', ')})`]);
          return t;
        });
      }
    : undefined;
  const view = (task: unknown): CompiledProblem<D> => ({
    definition: definition as ProblemDefinition<D, unknown>,
    upper,
    lower,
    data,
    hasTasks: definition.sampleTask !== undefined,
    task,
    withTask: (t) => view(t),
    sampleTask(taskRng) {
      if (!definition.sampleTask) throw new Error(`problem '${definition.id}' defines no sampleTask`);
      return definition.sampleTask(taskRng, data);
    },
    upperObjective: (x, y) => definition.upper.objective(toVars(upper, x), toVars(lower, y), data, task as T),
    lowerObjective: (x, y) => definition.lower.objective(toVars(upper, x), toVars(lower, y), data, task as T),
    projectUpper: (x) => project(upper, x),
    projectLower: (y) => project(lower, y),
    initialUpper: () => x0.map((t) => tf.clone(t)),
    initialLower: () => y0.map((t) => tf.clone(t)),
    ...(lowerStart ? { lowerStart } : {}),
    ...(upperSolution ? { upperSolution } : {}),
    ...(lowerSolution ? { lowerSolution } : {}),
    // Only the root owns tensors; views share them.
    dispose: () => undefined,
  });
  const compiled: CompiledProblem<D> = {
    ...view(undefined),
    dispose() {
      tf.dispose([...x0, ...y0, ...(upperSolution ?? []), ...(lowerSolution ?? [])]);
      tf.dispose(data as unknown as tf.TensorContainer);
    },
  };
  // Check the objectives on one task when the problem has tasks (objectives may need it).
  const checkTask: { task: unknown; error?: string } = definition.sampleTask ? safeSample(definition, data, rng) : { task: undefined };
  const issues: string[] = checkTask.error !== undefined ? [checkTask.error] : await checkAtInitialPoint(compiled.withTask(checkTask.task), x0, y0);
  tf.dispose(checkTask.task as tf.TensorContainer);
  if (issues.length > 0) {
    compiled.dispose();
    throw new ProblemError(definition.id, issues);
  }
  return compiled;
}

function safeSample<D, T>(definition: ProblemDefinition<D, T>, data: D, rng: Rng): { task: unknown; error?: string } {
  try {
    return { task: definition.sampleTask!(rng, data) };
  } catch (e) {
    return { task: undefined, error: `sampleTask: threw: ${messageOf(e)}` };
  }
}

function compileLevel(level: LevelDefinition<unknown, unknown>): CompiledLevel {
  const names = Object.keys(level.variables);
  const specs = names.map((n) => level.variables[n]!);
  return { names, specs, bounded: specs.some((s) => s.bounds !== undefined) };
}

function toTensors(level: CompiledLevel, values: Float32Array[]): TensorList {
  return values.map((v, i) => tf.tensor(v, level.specs[i]!.shape as number[], 'float32'));
}

function initialValues(which: string, level: CompiledLevel, rng: Rng, id: string): Float32Array[] {
  return level.names.map((name, i) => {
    const spec = level.specs[i]!;
    const shape = spec.shape as number[];
    const n = sizeOf(shape);
    let values: ArrayLike<number>;
    if (typeof spec.init === 'number') {
      values = new Float32Array(n).fill(spec.init);
    } else if (typeof spec.init === 'function') {
      values = spec.init(rng);
      if (!values || values.length !== n) {
        throw new ProblemError(id, [`${which}.variables.${name}.init: the generator returned ${values?.length} values, shape [${shape.join(', ')}] needs ${n}`]);
      }
    } else {
      values = spec.init;
    }
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k])) {
        throw new ProblemError(id, [`${which}.variables.${name}.init: entry ${k} is ${values[k]}; initial values must be finite`]);
      }
    }
    return Float32Array.from(values);
  });
}

/** Evaluates both objectives once, naming the field that misbehaves (reads asynchronously: webgpu). */
async function checkAtInitialPoint(p: CompiledProblem<unknown>, x: TensorList, y: TensorList): Promise<string[]> {
  const issues: string[] = [];
  for (const [field, fn] of [
    ['upper.objective', p.upperObjective],
    ['lower.objective', p.lowerObjective],
  ] as const) {
    let value: unknown;
    try {
      value = tf.tidy(() => fn(x, y));
    } catch (e) {
      issues.push(`${field}: threw at the initial point (x_0, y_0): ${messageOf(e)}`);
      continue;
    }
    if (!(value instanceof tf.Tensor)) {
      issues.push(`${field}: must return a tf.Scalar, got ${typeof value}`);
      continue;
    }
    try {
      if (value.rank !== 0) {
        issues.push(`${field}: must return a scalar (rank 0), got shape [${value.shape.join(', ')}]; reduce it with tf.sum or tf.mean`);
      } else if (value.dtype !== 'float32') {
        issues.push(`${field}: must return a float32 scalar, got ${value.dtype}`);
      } else {
        const v = (await value.data())[0]!;
        if (!Number.isFinite(v)) issues.push(`${field}: is ${v} at the initial point (x_0, y_0)`);
      }
    } finally {
      value.dispose();
    }
  }
  return issues;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

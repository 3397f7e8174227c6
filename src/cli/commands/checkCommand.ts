// `bilevel check`: a method's hypergradient against central finite differences of φ_K and RHG.
import { checkHypergradient } from '../../core';
import type { CheckResult, DirectionCheck } from '../../core';
import { absoluteError, checkRuleText, directionPasses, directionsPass, directionTolerance } from '../../protocol/checkRule';
import { backendJson } from '../backendJson';
import type { CliIo } from '../cliIo';
import { resolveFor } from '../executeRun';
import { formatNumber, formatTable } from '../formatTable';
import type { ParsedArgs } from '../parseArgs';
import { parsePoint, prepareProblem, startProblem, variableSizes } from '../prepareProblem';
import { stringifyRecord } from '../../store/recordJson';
import { parseDecimal } from '../parseDecimal';
import { UsageError } from '../usageError';

/** Runs `bilevel check`; exit 1 when a method that should be exact fails the pass rule (src/protocol/checkRule.ts). */
export async function checkCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const first = prepareProblem('check', args);
  const { backend, problem, prepared } = await startProblem(first, args);
  const method = prepared.methods[0]!;
  const options = resolveFor(prepared, method);
  const rtol = positiveNumber(args.flags, 'rtol', 1e-3);
  const directionsText = args.flags.get('directions');
  const directions = directionsText === undefined ? 2 : parseDecimal(directionsText);
  if (directions === undefined || !Number.isInteger(directions) || directions < 0) throw new UsageError(`--directions: must be a whole number ≥ 0, got '${directionsText}'`);
  const xText = args.flags.get('x');
  const x = xText === undefined ? undefined : parsePoint('x', xText, variableSizes(problem.definition.upper));
  const zText = args.flags.get('z');
  if (zText !== undefined && !method.learnsLowerStart) throw new UsageError(`--z: method '${method.id}' does not learn the lower start; methods that do: ia-gm, ia-gm-a, iaptt-gm`);
  const z = zText === undefined ? undefined : parsePoint('z', zText, variableSizes(problem.definition.lower));
  const json = args.flags.has('json') && args.flags.get('json') !== 'false';
  const result = await checkHypergradient(problem.definition, method.id, {
    options: prepared.optionsFor(method),
    ...(x ? { x } : {}),
    ...(z ? { z } : {}),
    directions,
    seed: options.seed,
  });
  const exact = result.exactForApproximateProblem;
  // Every direction must pass the rule of protocol/checkRule.ts; for methods that learn z, dφ_K/dz is
  // part of the hypergradient and must pass too.
  const passed = directionsPass(result.directions, rtol) && directionsPass(result.lowerStart?.directions ?? [], rtol);
  const verdict = exact ? (passed ? 'PASS' : 'FAIL') : 'APPROXIMATE';
  if (json) {
    io.stdout.write(stringifyRecord({ command: 'check', problem: problem.id, ...backendJson(backend), options, rtol, verdict, ...result }) + '\n');
  } else {
    io.stdout.write(formatCheck(result, rtol, verdict) + '\n');
  }
  return exact && !passed ? 1 : 0;
}

/** The text report of a check. */
export function formatCheck(r: CheckResult, rtol: number, verdict: string): string {
  // checkHypergradient puts the hypergradient's own direction first when g ≠ 0.
  const hasG = Math.hypot(...r.hypergradient) > 0;
  const table = formatTable(
    DIRECTION_HEADER,
    r.directions.map((d, i) => directionRow(i === 0 && hasG ? 'g/‖g‖' : `random ${hasG ? i : i + 1}`, d, rtol)),
  );
  const lines = [
    `${r.method} with K = ${r.lowerSteps}: F(x, y_K) = ${formatNumber(r.upperLoss)}`,
    table,
    `max relative error vs finite differences: ${formatNumber(r.maxRelativeError)}`,
    `relative error vs RHG:                    ${formatNumber(r.relativeErrorVsRhg)}`,
  ];
  if (r.lowerStart) {
    lines.push(
      'w.r.t. the lower start z:',
      formatTable(
        DIRECTION_HEADER,
        r.lowerStart.directions.map((d, i) => directionRow(`z ${i + 1}`, d, rtol)),
      ),
      `max relative error vs finite differences (z): ${formatNumber(r.lowerStart.maxRelativeError)}`,
    );
  }
  if (verdict === 'APPROXIMATE') {
    lines.push(`${r.method} approximates the gradient of φ_K by design; the errors above are reported, not judged (rtol ${rtol}).`);
  } else {
    const all = [...r.directions, ...(r.lowerStart?.directions ?? [])];
    const failed = all.filter((d) => !directionPasses(d, rtol)).length;
    const worst = Math.max(r.maxRelativeError, r.lowerStart?.maxRelativeError ?? 0);
    const how = verdict === 'PASS' ? `every direction has ${checkRuleText(rtol)}` : `${failed} of ${all.length} direction(s) fail ${checkRuleText(rtol)}`;
    lines.push(`${verdict}: ${r.method} is exact for φ_K; ${how} (max relative error ${formatNumber(worst)})`);
  }
  return lines.join('\n');
}

const DIRECTION_HEADER = ['direction', 'analytic g·d', 'finite diff.', 'ε', 'abs. error', 'tolerance', 'rel. error', 'ok'];

/** One row of the direction table: the numbers, the tolerance of the pass rule and ✓ / ✗. */
function directionRow(label: string, d: DirectionCheck, rtol: number): string[] {
  return [
    label,
    formatNumber(d.analytic),
    formatNumber(d.finiteDifference),
    formatNumber(d.epsilon),
    formatNumber(absoluteError(d)),
    formatNumber(directionTolerance(d, rtol)),
    formatNumber(d.relativeError),
    directionPasses(d, rtol) ? '✓' : '✗',
  ];
}

function positiveNumber(flags: ReadonlyMap<string, string>, flag: string, fallback: number): number {
  const text = flags.get(flag);
  if (text === undefined) return fallback;
  const v = parseDecimal(text);
  if (v === undefined || v <= 0) throw new UsageError(`--${flag}: must be a decimal number > 0, got '${text}'`);
  return v;
}

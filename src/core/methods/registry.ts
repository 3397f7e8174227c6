// The methods a run can name, by id.
import { bda } from './bda';
import { conjugateGradientMethod } from './conjugateGradientMethod';
import { firstOrderMethod } from './firstOrderMethod';
import { iaGm, iaGmA, iapttGm, pessimisticTruncationOnly } from './initializationAuxiliary';
import type { AnyMethodSpec } from './methodSpec';
import { neumannMethod } from './neumannMethod';
import { rhg } from './rhg';
import { slBamm } from './slBamm';
import { truncatedRhg } from './truncatedRhg';
import { ufom } from './ufom';

/** Every built-in method, in the order `bilevel methods` lists them. */
export const METHODS: readonly AnyMethodSpec[] = [rhg, truncatedRhg, conjugateGradientMethod, neumannMethod, firstOrderMethod, slBamm, ufom, bda, iaGm, iaGmA, iapttGm, pessimisticTruncationOnly];

/** Looks a method up by id; throws listing the valid ids. */
export function getMethod(id: string): AnyMethodSpec {
  const method = METHODS.find((m) => m.id === id);
  if (!method) throw new Error(`unknown method '${id}'; valid methods: ${METHODS.map((m) => m.id).join(', ')}`);
  return method;
}

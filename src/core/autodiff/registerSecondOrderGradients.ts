// Makes tfjs's gradient registry safe for nested tf.grad (Hessian-vector products).
// tfjs-core's default gradients are registered by the side-effect import below; it only takes effect
// because every entry point is bundled with `module` first (see esbuild.mjs). registerGradient with
// an existing kernel name overrides, so the configs here replace the defaults they name.
//
// tfjs gradients that stay as they are, on purpose: Max and Min (their saved output only feeds
// equal(x, max), which now has a zero gradient, so its disconnection is harmless), Sqrt, Rsqrt,
// Reciprocal, Softplus, Expm1, Erf and the other unary ops written from their saved input, and
// LogSoftmax (its gradient uses the saved output, but no backend implements that kernel: tf.logSoftmax
// is a customGrad op; use logSoftmax from this folder). See supportedOps.ts for what remains unsafe.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { fusedSoftmaxGradients } from './fusedSoftmax';
import { elementwiseGradients } from './gradients/elementwiseGradients';
import { indexingGradients } from './gradients/indexingGradients';
import { reductionGradients } from './gradients/reductionGradients';
import { spatialGradients } from './gradients/spatialGradients';
import { zeroGradients } from './gradients/zeroGradients';

/** Every gradient this module installs, by family. */
export const SECOND_ORDER_GRADIENTS: readonly tf.GradConfig[] = [
  ...elementwiseGradients,
  ...reductionGradients,
  ...indexingGradients,
  ...spatialGradients,
  ...zeroGradients,
  ...fusedSoftmaxGradients,
];

/**
 * Installs the second-order-safe gradients over tfjs's defaults. Idempotent and cheap (a registry
 * lookup per kernel), so library entry points call it unconditionally; it also re-installs any of
 * ours that later code overrode.
 */
export function registerSecondOrderGradients(): void {
  for (const config of SECOND_ORDER_GRADIENTS) {
    if (tf.getGradient(config.kernelName) !== config) tf.registerGradient(config);
  }
}

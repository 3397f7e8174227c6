// Second-order-safe automatic differentiation on tfjs-core: the gradient registry patch, the ops
// built on it, and the list of kernels whose nested derivatives are tested.
export { registerSecondOrderGradients, SECOND_ORDER_GRADIENTS } from './registerSecondOrderGradients';
export { supportedOps, SECOND_ORDER_SAFE_KERNELS } from './supportedOps';
export type { SupportedOp } from './supportedOps';
export { stopGradient, withoutGradient } from './stopGradient';
export { logSumExp } from './logSumExp';
export { logSoftmax } from './logSoftmax';
export { softmax } from './softmax';
export { crossEntropy } from './crossEntropy';
export type { CrossEntropyOptions, CrossEntropyReduction } from './crossEntropy';

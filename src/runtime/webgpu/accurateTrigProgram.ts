// WGSL's sin and cos only promise an absolute error of 2⁻¹¹ on [−π, π] (WGSL spec, "Floating Point
// Accuracy"), and drivers use that room: on SwiftShader tfjs-backend-webgpu's Sin was off by up to
// 5e-5, which finite differences with step 1e-2 turn into a 12% wrong derivative. This program
// evaluates them as libm does in float32 instead: a three-part Cody–Waite reduction by π/2 and the
// Cephes sinf/cosf minimax polynomials on [−π/4, π/4], about 1 ulp for |x| up to 1e4.
import { UnaryOpType } from '@tensorflow/tfjs-backend-webgpu/dist/unary_op_util';
import { UnaryOpProgram } from '@tensorflow/tfjs-backend-webgpu/dist/unary_op_webgpu';
import { getMainHeaderString as main } from '@tensorflow/tfjs-backend-webgpu/dist/webgpu_program';

/** Which function {@link AccurateTrigProgram} evaluates. */
export type TrigFunction = 'sin' | 'cos';

/**
 * tfjs's elementwise Sin or Cos program with the function accurate to about 1 ulp in float32. Like
 * ExactZeroLogProgram (patchWebgpuLog.ts) it keeps UnaryOpProgram's layout and dispatch and replaces
 * only the shader: UnaryOpProgram takes no snippet of its own, just an op whose tfjs snippet it inlines.
 */
export class AccurateTrigProgram extends UnaryOpProgram {
  constructor(
    outputShape: number[],
    private readonly fn: TrigFunction,
  ) {
    super(outputShape, fn === 'sin' ? UnaryOpType.SIN : UnaryOpType.COS);
    this.shaderKey = `bilevel_accurate_${fn}`;
  }

  override getUserCode(): string {
    // Quadrant q of x = k·π/2 + r: sin x = (s, c, −s, −c)[q], cos x = (c, −s, −c, s)[q].
    const pick = this.fn === 'sin' ? ['s', 'c', '-s', '-c'] : ['c', '-s', '-c', 's'];
    return `
      fn unaryOperation(x : f32) -> f32 {
        let k = round(x * 0.636619772367581343);
        // π/2 = P1 + P2 + P3 with P1 and P2 short enough that k·P1 and k·P2 are exact.
        let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
        let z = r * r;
        let s = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
        let c = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
        let q = i32(k) & 3;
        if (q == 0) { return ${pick[0]}; }
        if (q == 1) { return ${pick[1]}; }
        if (q == 2) { return ${pick[2]}; }
        return ${pick[3]};
      }
      ${main('index')} {
        if (index < uniforms.size) {
          setOutputAtIndex(index, unaryOperation(getAByOutputIndex(index)));
        }
      }
    `;
  }
}

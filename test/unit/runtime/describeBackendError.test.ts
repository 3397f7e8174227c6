// describeBackendError on the exact texts backends produce. The wasm ones were captured from real
// runs of tfjs-backend-wasm 4.22 in Node 20 (test/unit/faults/cli.test.ts provokes the first again):
// tensors kept until the heap cannot grow give `RuntimeError: Aborted(). Build with -sASSERTIONS
// for more info.`; an allocation that came back empty and was written anyway gives `RuntimeError:
// memory access out of bounds`. A problem's data loader wraps either in a ProblemError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendMemoryError, describeBackendError } from '../../../src/runtime/describeBackendError';

/** A WebAssembly RuntimeError as V8 makes it (WebAssembly.RuntimeError where available). */
function wasmRuntimeError(message: string): Error {
  const Ctor = (globalThis as { WebAssembly?: { RuntimeError?: new (m: string) => Error } }).WebAssembly?.RuntimeError ?? Error;
  return new Ctor(message);
}

const WASM_ABORT = 'Aborted(). Build with -sASSERTIONS for more info.';
const WASM_OUT_OF_BOUNDS = 'memory access out of bounds';

void describe('describeBackendError', () => {
  void it('says memory, the wasm heap limit, the sizes and what to change for a wasm abort', () => {
    const text = describeBackendError(wasmRuntimeError(WASM_ABORT), 'wasm', { K: 300, n: 1000000 });
    assert.equal(
      text,
      'the wasm backend ran out of memory (its heap holds at most 4 GiB) with K = 300, n = 1000000: lower K, the problem or data size, ' +
        `or use --backend cpu (limited by the machine's memory only) or webgpu (the error: "${WASM_ABORT}")`,
    );
  });

  void it('finds the abort inside a ProblemError of a data loader and quotes only the original words', () => {
    const wrapped = new Error(`Invalid problem 'oom':\n  - data: the data loader threw: ${WASM_ABORT}`);
    const text = describeBackendError(wrapped, 'auto');
    assert.match(text ?? '', /^the wasm backend ran out of memory \(its heap holds at most 4 GiB\): /);
    assert.ok(text!.endsWith(`(the error: "${WASM_ABORT}")`), text);
  });

  void it('takes an out-of-bounds access on wasm for the unchecked allocation it is, and follows `cause`', () => {
    const err = new Error('the step failed', { cause: wasmRuntimeError(WASM_OUT_OF_BOUNDS) });
    assert.match(describeBackendError(err, 'wasm', { K: 20 }) ?? '', /the wasm backend ran out of memory .* with K = 20: .*\(the error: "memory access out of bounds"\)/);
  });

  void it('names the backend that ran for JavaScript, WebGPU and TensorFlow allocation failures', () => {
    assert.match(describeBackendError(new RangeError('Array buffer allocation failed'), 'cpu') ?? '', /^the cpu backend ran out of memory: lower K or the problem or data size \(the error: "Array buffer allocation failed"\)$/);
    assert.match(describeBackendError(new Error('GPUOutOfMemoryError: buffer of 6 GB'), 'webgpu') ?? '', /^the webgpu backend ran out of memory: .*--backend wasm or cpu/);
    assert.match(describeBackendError(new Error('OOM when allocating tensor with shape[100000,100000]'), 'auto') ?? '', /^the tensorflow backend ran out of memory: /);
  });

  void it('leaves every other error alone (undefined)', () => {
    assert.equal(describeBackendError(new Error('Invalid problem: lower.objective returned a non-scalar'), 'wasm'), undefined);
    assert.equal(describeBackendError(wasmRuntimeError('Aborted(native code called abort())'), 'wasm'), undefined);
    assert.equal(describeBackendError('plain string', 'cpu'), undefined);
    assert.equal(describeBackendError(undefined, 'cpu'), undefined);
  });

  void it('BackendMemoryError carries the account as its message and the backend error as its cause', () => {
    const original = wasmRuntimeError(WASM_ABORT);
    const err = new BackendMemoryError(describeBackendError(original, 'wasm')!, original);
    assert.equal(err.name, 'BackendMemoryError');
    assert.equal(err.cause, original);
    assert.match(err.message, /ran out of memory/);
  });
});

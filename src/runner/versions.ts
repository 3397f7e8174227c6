// The versions a run record keeps (and the worker reports in `ready`): one definition for every process.
import * as tf from '@tensorflow/tfjs-core';
import { version as packageVersion } from '../../package.json';

/** Versions of what computed a run: this package, tfjs-core and node. */
export function versions(): Record<string, string> {
  return { bilevel: packageVersion, tfjs: tf.version_core, node: process.version };
}

// The problem file's source kept with a run (`source/<basename>` in the run folder, its sha256 in
// run.json's `source`; docs/run-store.md). Node only (crypto), no vscode: the CLI, the worker and
// the extension share it.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { RunRecord, RunSourceRef } from '../protocol/runRecord';

/** The folder inside a run folder that holds the problem file's source. */
export const SOURCE_DIR = 'source';

/** sha256 of `text` encoded as UTF-8, lowercase hex: what run.json's `source.sha256` holds. */
export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The run.json reference of a source `text` kept under the problem file's base name. */
export function sourceRefOf(fileName: string, text: string): RunSourceRef {
  const name = path.basename(fileName);
  if (name === '' || name === '.' || name === '..') throw new Error(`'${fileName}' is not a file name to keep a problem's source under`);
  return { file: `${SOURCE_DIR}/${name}`, sha256: sha256Of(text) };
}

/**
 * Whether the problem file changed since the run: its `currentText` hashes differently from the
 * source the run kept. Undefined when the run kept none (a built-in, or a run older than the field).
 */
export function sourceChanged(record: Pick<RunRecord, 'source'>, currentText: string): boolean | undefined {
  if (record.source === undefined) return undefined;
  return sha256Of(currentText) !== record.source.sha256;
}

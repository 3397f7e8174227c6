// bilevel.history.extraStores → runs folders: absolute, `~/…` and relative entries, duplicates and the
// workspace's own stores left out, relative entries without a folder skipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveExtraStores } from '../../../../src/extension/runs/extraStores';

describe('resolveExtraStores', () => {
  it('resolves absolute, home and workspace-relative entries in the order given', () => {
    assert.deepEqual(resolveExtraStores(['/shared/lab/runs', '~/cluster/runs', '../scratch/runs', 'sub/./runs/'], ['/ws/a', '/ws/b'], '/home/u'), [
      '/shared/lab/runs',
      '/home/u/cluster/runs',
      '/ws/scratch/runs',
      '/ws/a/sub/runs',
    ]);
  });

  it('lists each folder once and leaves out the workspace stores', () => {
    assert.deepEqual(resolveExtraStores(['/shared/runs', '/shared/x/../runs', '.bilevel/runs', '/ws/a/.bilevel/runs/', '  ', '/other'], ['/ws/a'], '/h', ['/ws/a/.bilevel/runs']), ['/shared/runs', '/other']);
  });

  it('skips relative entries when no folder is open, keeps absolute ones', () => {
    assert.deepEqual(resolveExtraStores(['runs', '/abs/runs', '~'], [], '/home/u'), ['/abs/runs', '/home/u']);
  });
});

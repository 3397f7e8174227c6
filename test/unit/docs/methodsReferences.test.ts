// Every method-reference citation in the repository (`docs/methods.md §9f`) resolves to an anchor of
// docs/methods.md, and no citation points outside the repository any more (`docs/methods.md §…`).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

// Bundled to dist-test/unit/docs/, so the repository root is three folders up.
const ROOT = path.resolve(__dirname, '../../..');

function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mjs|md)$/.test(name)) out.push(p);
    }
  };
  for (const dir of ['src', 'bench', 'test', 'webview', 'docs']) walk(path.join(ROOT, dir));
  return [...out, path.join(ROOT, 'README.md'), path.join(ROOT, 'ARCHITECTURE.md')];
}

describe('docs/methods.md citations', () => {
  it('resolve to anchors of docs/methods.md', () => {
    const anchors = new Set([...readFileSync(path.join(ROOT, 'docs', 'methods.md'), 'utf8').matchAll(/<a id="(s[0-9a-z-]+)"><\/a>/g)].map((m) => m[1]!));
    assert.ok(anchors.size > 40, `docs/methods.md has anchors (${anchors.size})`);
    const missing: string[] = [];
    let cited = 0;
    for (const file of sources()) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/docs\/methods\.md §(\d+[a-z]?(?:\.\d+[a-z]?)*)/g)) {
        cited++;
        const anchor = `s${m[1]!.replace(/\./g, '-')}`;
        if (!anchors.has(anchor)) missing.push(`${path.relative(ROOT, file)}: §${m[1]} (#${anchor})`);
      }
    }
    assert.ok(cited > 100, `the code cites the reference (${cited} citations)`);
    assert.deepEqual(missing, []);
  });

  it('leaves no citation of the out-of-repository spec', () => {
    // The old form was the word "spec" before the section sign; docs/methods.md itself explains it.
    const oldForm = new RegExp(['\\bspec', '§\\d'].join(' '));
    const stale = sources().filter((f) => !f.endsWith(path.join('docs', 'methods.md')) && oldForm.test(readFileSync(f, 'utf8')));
    assert.deepEqual(stale.map((f) => path.relative(ROOT, f)), []);
  });
});

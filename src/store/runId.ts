// Run ids: `<UTC yyyymmdd-hhmmss>-<method>-<problem>-<4 hex>`, e.g. `20261122-195701-rhg-toy-quadratic-a1b2`.
// The UTC timestamp first makes ids sort by creation time as plain strings; the random suffix keeps
// two runs started in the same second apart (RunStore.create retries if a folder still exists).
import { randomBytes } from 'node:crypto';

/** What a run id may look like: safe as a folder name, no separators, no leading dot. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Lowercase words joined by '-', at most `max` characters, for the readable middle of an id. */
export function slug(text: string, max = 40): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s || 'x';
}

/** A fresh run id for `method` on `problem`, created at `now`. */
export function makeRunId(method: string, problem: string, now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-22T19:57:01.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${stamp}-${slug(method, 24)}-${slug(problem)}-${randomBytes(2).toString('hex')}`;
}

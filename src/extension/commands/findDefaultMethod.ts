// `▶ Run` uses the problem's own default method when the file states it literally
// (`defaults: { method: 'cg', … }`), as `bilevel run` does with definition.defaults.method; the
// setting bilevel.runs.defaultMethod applies otherwise. A text scan, not a compile: a method chosen
// by an expression is not seen (the setting applies then). Pure, unit-tested.
import type { ProblemLocation } from '../../protocol/experiment';

/** The literal `defaults.method` inside the `defineProblem(...)` call at `location`, if any. */
export function findDefaultMethod(source: string, location: Pick<ProblemLocation, 'line' | 'character'>): string | undefined {
  const start = offsetOf(source, location.line, location.character);
  if (start < 0) return undefined;
  const open = source.indexOf('(', start);
  if (open < 0) return undefined;
  const call = source.slice(open, callEnd(source, open));
  const m = /\bdefaults\s*:\s*\{[^{}]*?\bmethod\s*:\s*(['"`])([A-Za-z0-9_-]+)\1/.exec(call);
  return m?.[2];
}

function offsetOf(source: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = source.indexOf('\n', offset);
    if (next < 0) return -1;
    offset = next + 1;
  }
  return offset + character;
}

/** Index just after the parenthesis matching the one at `open`, skipping strings and comments. */
function callEnd(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 1;
    } else if (c === '"' || c === "'" || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return source.length;
}

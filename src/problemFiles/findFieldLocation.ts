// Where a field of a problem's definition is written: `upper.objective` inside the object literal
// passed to `defineProblem(`, so a validation issue about that field ("upper.objective: must return a
// scalar …") is underlined at the field rather than at the call. Pure, on the same tokenizer as
// findProblemLocations (comments, strings and templates are never mistaken for keys).
import type { ProblemLocation } from '../protocol/experiment';
import { lineOf, lineStarts, tokenize, type Token } from './findProblemLocations';

/** A 0-based position (UTF-16 character, as VS Code counts). */
export interface SourcePosition {
  readonly line: number;
  readonly character: number;
}

/** The dotted field path an issue of core's validation starts with (`upper.variables.x.init: …`), if any. */
export function issueField(issue: string): string | undefined {
  return /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*): /.exec(issue)?.[1];
}

/**
 * The position of the deepest key of `field` (dotted, e.g. `upper.objective`) written in the object
 * literal of the `defineProblem(` call at `call`: `upper.objective` gives the `objective` key inside
 * `upper: { … }`; when `upper` is a variable (`upper: upperLevel`) it gives `upper`. Undefined when the
 * call's argument is not an object literal or its first segment is not written there (a spread).
 */
export function findFieldLocation(source: string, call: Pick<ProblemLocation, 'line' | 'character'>, field: string): SourcePosition | undefined {
  const tokens = tokenize(source);
  const starts = lineStarts(source);
  const callOffset = (starts[call.line] ?? Number.NaN) + call.character;
  const at = tokens.findIndex((t) => t.offset === callOffset && t.text === 'defineProblem');
  if (at < 0) return undefined;
  let open = at + 1;
  if (tokens[open]?.text === '<') open = skipTypeArguments(tokens, open);
  if (tokens[open]?.text !== '(' || tokens[open + 1]?.text !== '{') return undefined;
  let object = open + 1;
  let found: Token | undefined;
  for (const segment of field.split('.')) {
    const key = findKey(tokens, object, segment);
    if (key === undefined) break;
    found = tokens[key];
    // Deeper only through a nested object literal (`upper: { … }`).
    if (tokens[key + 1]?.text !== ':' || tokens[key + 2]?.text !== '{') break;
    object = key + 2;
  }
  if (!found) return undefined;
  const line = lineOf(starts, found.offset);
  return { line, character: found.offset - starts[line]! };
}

/** Index of the key token `name` among the properties of the object literal opened at `open`. */
function findKey(tokens: readonly Token[], open: number, name: string): number | undefined {
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      if (depth === 0) return undefined;
      depth--;
    } else if (depth === 0 && (tokens[i - 1]!.text === ',' || i === open + 1) && keyText(t) === name) {
      // A key is followed by `:` (value), `(` (method) or `,`/`}` (shorthand).
      const next = tokens[i + 1]?.text;
      if (next === ':' || next === '(' || next === ',' || next === '}' || next === '?') return i;
    }
  }
  return undefined;
}

/** A property key's name: an identifier, or a quoted string's contents. */
function keyText(t: Token): string | undefined {
  if (t.kind === 'name') return t.text;
  if (t.kind === 'literal' && /^(['"]).*\1$/.test(t.text)) return t.text.slice(1, -1);
  return undefined;
}

/** Index just after `<…>` type arguments starting at `i`. */
function skipTypeArguments(tokens: readonly Token[], i: number): number {
  let depth = 0;
  for (; i < tokens.length; i++) {
    const s = tokens[i]!.text;
    if (s === '<') depth++;
    else if (s === '>') depth--;
    else if (s === '>>') depth -= 2;
    if (depth <= 0) return i + 1;
  }
  return i;
}

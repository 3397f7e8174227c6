// Finds the problems a `*.bilevel.ts` file exports, with the position of their `defineProblem(` call,
// without compiling it. Pure (protocol types only: no tfjs, no core, no vscode), so the extension's
// code lenses and the worker's diagnostics share it.
import type { ProblemLocation } from '../protocol/experiment';

/** One significant token: an identifier/keyword, a punctuator, or a literal (strings, numbers, templates). */
export interface Token {
  readonly kind: 'name' | 'punct' | 'literal';
  readonly text: string;
  /** UTF-16 offset of the token's first character. */
  readonly offset: number;
}

/** A `defineProblem(` call assigned to a binding: `NAME = defineProblem(` or `export default defineProblem(`. */
interface Definition {
  readonly offset: number;
}

/**
 * The problems `source` exports, in source order: `export default defineProblem(`, `export const
 * NAME = defineProblem(` (also with a type annotation, type arguments or a namespace prefix such as
 * `bl.defineProblem(`), and local `const NAME = defineProblem(` bindings exported later with
 * `export default NAME` or `export { NAME as ALIAS }`. Positions are 0-based line and character (UTF-16,
 * as VS Code counts) of the `defineProblem` identifier. Comments, strings, template literals and regular
 * expressions are skipped, so a commented-out problem is not found.
 */
export function findProblemLocations(source: string): ProblemLocation[] {
  const tokens = tokenize(source);
  const found: { exportName: string; offset: number }[] = [];
  const locals = new Map<string, Definition>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'name') continue;
    if (t.text === 'export' && tokens[i + 1]?.text === 'default') {
      const call = defineProblemCallAt(tokens, i + 2);
      if (call !== undefined) {
        found.push({ exportName: 'default', offset: call });
        continue;
      }
      // `export default NAME;` of a local definition.
      const name = tokens[i + 2];
      const after = tokens[i + 3];
      if (name?.kind === 'name' && (after === undefined || after.text === ';' || after.text === '}' || onLaterLine(source, name, after))) {
        const local = locals.get(name.text);
        if (local) found.push({ exportName: 'default', offset: local.offset });
      }
      continue;
    }
    if (t.text === 'export' && tokens[i + 1]?.text === '{') {
      // `export { a, b as c }` (not a re-export `export { … } from '…'`).
      const close = tokens.findIndex((u, j) => j > i && u.text === '}');
      if (close < 0 || tokens[close + 1]?.text === 'from') continue;
      for (let j = i + 2; j < close; j++) {
        const local = tokens[j]!;
        if (local.kind !== 'name') continue;
        const alias = tokens[j + 1]?.text === 'as' ? tokens[j + 2] : undefined;
        const definition = locals.get(local.text);
        if (definition) found.push({ exportName: alias?.text ?? local.text, offset: definition.offset });
        if (alias) j += 2;
      }
      i = close;
      continue;
    }
    if (t.text === 'const' || t.text === 'let' || t.text === 'var') {
      const exported = tokens[i - 1]?.text === 'export';
      const name = tokens[i + 1];
      if (name?.kind !== 'name') continue;
      const eq = initializerStart(tokens, i + 2);
      if (eq === undefined) continue;
      const call = defineProblemCallAt(tokens, eq);
      if (call === undefined) continue;
      if (exported) found.push({ exportName: name.text, offset: call });
      else locals.set(name.text, { offset: call });
    }
  }
  found.sort((a, b) => a.offset - b.offset);
  const lines = lineStarts(source);
  return found.map(({ exportName, offset }) => {
    const line = lineOf(lines, offset);
    return { exportName, line, character: offset - lines[line]! };
  });
}

/** Index of the first token after `=` of a declarator whose name was just read (skips `: Type`). */
function initializerStart(tokens: readonly Token[], i: number): number | undefined {
  if (tokens[i]?.text === '=') return i + 1;
  if (tokens[i]?.text !== ':') return undefined;
  // A type annotation: up to the `=` at depth 0 (generics, object and function types nest).
  let depth = 0;
  for (let j = i + 1; j < tokens.length; j++) {
    const s = tokens[j]!.text;
    if (s === '<' || s === '(' || s === '[' || s === '{') depth++;
    else if (s === '>' || s === ')' || s === ']' || s === '}') depth--;
    else if (s === '=>' && depth === 0) continue;
    else if (s === '=' && depth === 0) return j + 1;
    else if (s === ';' && depth <= 0) return undefined;
    if (depth < 0) return undefined;
  }
  return undefined;
}

/** The offset of `defineProblem` when tokens[i…] is `[ns .] defineProblem [<…>] (`, else undefined. */
function defineProblemCallAt(tokens: readonly Token[], i: number): number | undefined {
  let j = i;
  if (tokens[j]?.kind === 'name' && tokens[j + 1]?.text === '.' && tokens[j + 2]?.text === 'defineProblem') j += 2;
  const name = tokens[j];
  if (name?.kind !== 'name' || name.text !== 'defineProblem') return undefined;
  j++;
  if (tokens[j]?.text === '<') {
    let depth = 0;
    for (; j < tokens.length; j++) {
      const s = tokens[j]!.text;
      if (s === '<') depth++;
      else if (s === '>') depth--;
      else if (s === '>>') depth -= 2;
      if (depth <= 0) break;
    }
    j++;
  }
  return tokens[j]?.text === '(' ? name.offset : undefined;
}

function onLaterLine(source: string, a: Token, b: Token): boolean {
  return source.slice(a.offset, b.offset).includes('\n');
}

// Keywords after which a `/` starts a regular expression rather than a division.
const REGEX_AFTER_KEYWORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * A small JS/TS tokenizer: identifiers, punctuators, and opaque literals. Comments are dropped;
 * strings, template literals (with their `${…}` parts) and regular expressions become one literal
 * token each, so nothing inside them is mistaken for code.
 */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  const regexAllowed = (): boolean => {
    const prev = out[out.length - 1];
    if (!prev) return true;
    if (prev.kind === 'literal') return false;
    if (prev.kind === 'name') return REGEX_AFTER_KEYWORD.has(prev.text);
    return prev.text !== ')' && prev.text !== ']' && prev.text !== '}';
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '\n' || c === '\r' || c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\uFEFF' || c === '\u00A0' || c === '\u2028' || c === '\u2029') {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      const start = i;
      i = skipQuoted(src, i + 1, c);
      out.push({ kind: 'literal', text: src.slice(start, i), offset: start });
    } else if (c === '`') {
      const start = i;
      i = skipTemplate(src, i + 1);
      out.push({ kind: 'literal', text: '`', offset: start });
    } else if (c === '/' && regexAllowed()) {
      const start = i;
      i = skipRegex(src, i + 1);
      out.push({ kind: 'literal', text: src.slice(start, i), offset: start });
    } else if (isIdentifierStart(c)) {
      const start = i;
      while (i < n && isIdentifierPart(src[i]!)) i++;
      out.push({ kind: 'name', text: src.slice(start, i), offset: start });
    } else if (c >= '0' && c <= '9') {
      const start = i;
      while (i < n && (isIdentifierPart(src[i]!) || (src[i] === '.' && src[i + 1] !== '.'))) i++;
      out.push({ kind: 'literal', text: src.slice(start, i), offset: start });
    } else {
      // Multi-character punctuators that matter here; others are read one character at a time.
      const two = src.slice(i, i + 2);
      const text = two === '=>' || two === '>>' || two === '==' || two === '?.' ? two : c;
      out.push({ kind: 'punct', text, offset: i });
      i += text.length;
    }
  }
  return out;
}

/** Index just after the closing quote (or the end of line for an unterminated string). */
function skipQuoted(src: string, i: number, quote: string): number {
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else if (c === '\n') return i;
    else i++;
  }
  return i;
}

/** Index just after the closing backtick; `${ … }` parts may hold strings, comments and nested templates. */
function skipTemplate(src: string, i: number): number {
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') i += 2;
    else if (c === '`') return i + 1;
    else if (c === '$' && src[i + 1] === '{') i = skipBraces(src, i + 2);
    else i++;
  }
  return i;
}

/** Index just after the `}` closing an expression that started at i (inside `${`). */
function skipBraces(src: string, i: number): number {
  let depth = 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") i = skipQuoted(src, i + 1, c);
    else if (c === '`') i = skipTemplate(src, i + 1);
    else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

/** Index just after a regular expression literal's flags (a `/` inside `[…]` does not end it). */
function skipRegex(src: string, i: number): number {
  let inClass = false;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') i += 2;
    else if (c === '\n') return i;
    else if (c === '[') {
      inClass = true;
      i++;
    } else if (c === ']') {
      inClass = false;
      i++;
    } else if (c === '/' && !inClass) {
      i++;
      while (i < src.length && isIdentifierPart(src[i]!)) i++;
      return i;
    } else i++;
  }
  return i;
}

function isIdentifierStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$' || c > '\u007f';
}

function isIdentifierPart(c: string): boolean {
  return isIdentifierStart(c) || (c >= '0' && c <= '9');
}

/** Offsets at which each line starts (after \n, \r\n or a lone \r). */
export function lineStarts(src: string): number[] {
  const starts = [0];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\r' && src[i + 1] === '\n') continue;
    if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  return starts;
}

/** The 0-based line holding `offset` (binary search over the line starts). */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Compiles a user's `*.bilevel.ts` in the worker and returns the problem it exports. esbuild-wasm
// bundles the file and its workspace imports to CommonJS in memory; `@tensorflow/tfjs-core` and
// `bilevel-lab` stay external and are bound, when the bundle runs, to this worker's own module
// instances, so the problem's tensors live in the same tfjs engine (and backend) as the solver's.
// Every failure becomes a ProblemFileError whose diagnostics point into the user's source.
import * as tf from '@tensorflow/tfjs-core';
import type { Message } from 'esbuild-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as core from '../core';
import type { ProblemDefinition } from '../core';
import type { ProblemLocation, SourceDiagnostic } from '../protocol/experiment';
import { findFieldLocation, issueField } from './findFieldLocation';
import { findProblemLocations } from './findProblemLocations';
import { fromVirtualPath, isProvidedModule, loaderFor, resolveProblemImport, toVirtualPath } from './resolveProblemImport';
import { SourceMapLookup } from './sourceMap';
import { withEsbuild } from './withEsbuild';
import { messageOf } from '../common/messageOf';

/** A problem file's module after evaluation, with what maps errors back into the source. */
interface ProblemModule {
  readonly exportsObject: Record<string, unknown>;
  locate(error: unknown): SourceDiagnostic | undefined;
  locationOf(name: string): ProblemLocation | undefined;
  atExport(name: string, message: string): SourceDiagnostic;
  /** Where a field (`upper.objective`) of export `name`'s defineProblem object is written, if it is. */
  fieldOf(name: string, field: string): SourceDiagnostic | undefined;
}

/** Where a field of the problem's definition is written (1-based), if the source shows it. */
export type FieldLocator = (field: string) => SourceDiagnostic | undefined;

/** A problem file that did not compile, evaluate or validate. */
export class ProblemFileError extends Error {
  constructor(readonly diagnostics: readonly SourceDiagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'ProblemFileError';
  }
}

/** A problem taken from a problem file, with what is needed to point back into the source. */
export interface LoadedProblemFile {
  readonly file: string;
  readonly exportName: string;
  readonly definition: ProblemDefinition<unknown, unknown>;
  /** Every export of the file that is a valid problem (for `bilevel problems --file`). */
  readonly problemExports: readonly string[];
  /** Where the export's `defineProblem(` call is, when the source shows it. */
  readonly location?: ProblemLocation;
  /** The source position of the innermost problem-file frame of `error`'s stack, if any. */
  locate(error: unknown): SourceDiagnostic | undefined;
  /** Where a field of the export's definition (`upper.objective`) is written, for validation issues about it. */
  locateField: FieldLocator;
}

/**
 * Compiles `file` (absolute) and returns its export `exportName` (`default` for the default export).
 * Without a name it takes the default export when that is a problem, else the only problem the
 * file exports; several problems and none named is an error that lists them.
 */
export async function compileProblemFile(file: string, exportName?: string): Promise<LoadedProblemFile> {
  const { exportsObject, locate, locationOf, atExport, fieldOf } = await loadModule(file, exportName);
  const names = Object.keys(exportsObject);
  const problemNames = names.filter((n) => isProblem(exportsObject[n]));
  const chosen = exportName ?? pickExport(file, names, problemNames, exportsObject);
  if (!names.includes(chosen)) {
    const what = chosen === 'default' ? 'no default export' : `no export named '${chosen}'`;
    const available =
      problemNames.length > 0
        ? `Problem exports: ${problemNames.join(', ')}.`
        : `It exports no problem${names.length > 0 ? ` (exports: ${names.join(', ')})` : ''}; export one made with defineProblem({...}).`;
    throw new ProblemFileError([{ file, message: `${path.basename(file)} has ${what}. ${available}` }]);
  }
  const value = exportsObject[chosen];
  const issues = core.checkDefinition(value as ProblemDefinition<unknown, unknown>);
  if (issues.length > 0) {
    const label = chosen === 'default' ? 'The default export' : `Export '${chosen}'`;
    throw new ProblemFileError(issues.map((issue) => ({ ...atField(fieldOf, chosen, issue, atExport(chosen, '')), message: `${label} is not a valid problem: ${issue}` })));
  }
  const location = locationOf(chosen);
  const locateField: FieldLocator = (field) => fieldOf(chosen, field);
  return { file, exportName: chosen, definition: value as ProblemDefinition<unknown, unknown>, problemExports: problemNames, ...(location ? { location } : {}), locate, locateField };
}

/** Bundles and evaluates `file`; errors point at `exportName`'s defineProblem (or the file's first). */
async function loadModule(file: string, exportName: string | undefined): Promise<ProblemModule> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProblemFileError([{ file, message: `Cannot read the problem file: ${messageOf(err)}` }]);
  }
  const locations = findProblemLocations(source);
  const locationOf = (name: string): ProblemLocation | undefined => locations.find((l) => l.exportName === name);
  const atExport = (name: string, message: string): SourceDiagnostic => diagnosticAt(file, locationOf(name), message);
  const fieldOf = (name: string, field: string): SourceDiagnostic | undefined => {
    const call = locationOf(name);
    const at = call && findFieldLocation(source, call, field);
    return at ? { file, line: at.line + 1, column: at.character + 1, message: '' } : undefined;
  };
  const { code, map } = await bundle(file);
  const bundleName = `bilevel-bundle:${file}`;
  const lookup = new SourceMapLookup(map.json);
  const locate = (error: unknown): SourceDiagnostic | undefined => {
    const frame = firstBundleFrame(error, bundleName);
    const original = frame && lookup.originalPositionFor(frame.line - 1, frame.column - 1);
    const sourcePath = original && map.json.sources[original.source];
    if (!original || sourcePath === undefined) return undefined;
    return { file: fromVirtualPath(path.posix.resolve(map.dir, sourcePath)), line: original.line + 1, column: original.column + 1, message: messageOf(error) };
  };
  let exportsObject: Record<string, unknown>;
  try {
    exportsObject = evaluate(code, file, bundleName);
  } catch (err) {
    const at = locate(err);
    // The defineProblem call that threw, when the stack shows it: its fields are where issues point.
    const thrower = at?.file === file ? locations.find((l) => l.line + 1 === at.line && l.character + 1 === at.column) : undefined;
    const name = thrower?.exportName ?? exportName ?? locations[0]?.exportName ?? 'default';
    throw new ProblemFileError(diagnosticsForThrow(err, at, atExport(name, ''), at === undefined || thrower ? (field) => fieldOf(name, field) : undefined));
  }
  return { exportsObject, locate, locationOf, atExport, fieldOf };
}

/** The export a reference without `#name` means: the default export if it is a problem, else the only problem. */
function pickExport(file: string, names: readonly string[], problemNames: readonly string[], exportsObject: Record<string, unknown>): string {
  if (names.includes('default') && isProblem(exportsObject.default)) return 'default';
  if (problemNames.length === 1) return problemNames[0]!;
  if (problemNames.length === 0) return 'default';
  throw new ProblemFileError([
    { file, message: `${path.basename(file)} exports ${problemNames.length} problems (${problemNames.join(', ')}) and no default one; name one as ${path.basename(file)}#${problemNames[0]}` },
  ]);
}

/** Every problem a file exports, by export name, in the file's order (`bilevel problems --file`). */
export async function listProblemExports(file: string): Promise<{ readonly exportName: string; readonly definition: ProblemDefinition<unknown, unknown>; readonly location?: ProblemLocation }[]> {
  const { exportsObject, locationOf } = await loadModule(file, undefined);
  return Object.keys(exportsObject)
    .filter((n) => isProblem(exportsObject[n]))
    .map((n) => {
      const location = locationOf(n);
      return { exportName: n, definition: exportsObject[n] as ProblemDefinition<unknown, unknown>, ...(location ? { location } : {}) };
    });
}

/**
 * Diagnostics for an error thrown while a problem's source runs: one per issue of a ProblemError
 * (defineProblem / compileProblem validation), else one for the error. An issue about a field
 * (`upper.objective: must return a scalar …`) sits at that field when `fieldAt` finds it; the rest sit
 * at `at` (the frame in the user's source) when known, else at `fallback`'s position (the export's
 * defineProblem).
 */
export function diagnosticsForThrow(err: unknown, at: SourceDiagnostic | undefined, fallback: SourceDiagnostic, fieldAt?: FieldLocator): SourceDiagnostic[] {
  const position = at ?? fallback;
  const base: SourceDiagnostic = { file: position.file, ...(position.line !== undefined ? { line: position.line, column: position.column ?? 1 } : {}), message: '' };
  if (err instanceof core.ProblemError) {
    const label = err.problemId ? `Invalid problem '${err.problemId}'` : 'Invalid problem';
    return err.issues.map((issue) => {
      const field = issueField(issue);
      const where = field !== undefined ? fieldAt?.(field) : undefined;
      return { ...(where ?? base), message: `${label}: ${issue}` };
    });
  }
  const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  return [{ ...base, message: `${name}${messageOf(err)}` }];
}

/** Diagnostics for a validation error of a file's problem raised while it runs: at the field an issue names, else at its defineProblem call. */
export function runErrorDiagnostics(file: LoadedProblemFile, err: unknown): SourceDiagnostic[] {
  return diagnosticsForThrow(err, file.locate(err), diagnosticAt(file.file, file.location, ''), file.locateField);
}

/** An issue's position: at the field it names when the export's source shows it, else `fallback`. */
function atField(fieldOf: ProblemModule['fieldOf'], exportName: string, issue: string, fallback: SourceDiagnostic): SourceDiagnostic {
  const field = issueField(issue);
  return (field !== undefined ? fieldOf(exportName, field) : undefined) ?? fallback;
}

/** A diagnostic at a problem location (0-based) or, without one, for the whole file. */
export function diagnosticAt(file: string, location: ProblemLocation | undefined, message: string): SourceDiagnostic {
  return location ? { file, line: location.line + 1, column: location.character + 1, message } : { file, message };
}

/** `file:line:column: message`, the form terminals and problem matchers read. */
export function formatDiagnostic(d: SourceDiagnostic): string {
  return `${d.file}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}: ${d.message}`;
}

/** Bundles `file` to CommonJS with an external source map; build errors become a ProblemFileError. */
async function bundle(file: string): Promise<{ code: string; map: { json: { sources: string[]; mappings: string }; dir: string } }> {
  const dir = toVirtualPath(path.dirname(file));
  const outfile = path.posix.join(dir, '__bilevel_problem__.js');
  const result = await withEsbuild(async (esbuild) => {
    try {
      return await esbuild.build({
        entryPoints: [toVirtualPath(file)],
        absWorkingDir: dir,
        outfile,
        bundle: true,
        write: false,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        sourcemap: 'external',
        sourcesContent: false,
        logLevel: 'silent',
        plugins: [
          {
            name: 'bilevel-problem-files',
            setup(build) {
              build.onResolve({ filter: /.*/ }, (args) => {
                if (args.kind === 'entry-point') return { path: args.path, namespace: 'file' };
                const resolved = resolveProblemImport(args.path, fromVirtualPath(args.resolveDir));
                if ('external' in resolved) return { path: args.path, external: true };
                if ('error' in resolved) return { errors: [{ text: resolved.error }] };
                return { path: toVirtualPath(resolved.file), namespace: 'file' };
              });
              build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
                const native = fromVirtualPath(args.path);
                return { contents: readFileSync(native, 'utf8'), loader: loaderFor(native), resolveDir: path.posix.dirname(args.path) };
              });
            },
          },
        ],
      });
    } catch (err) {
      const errors = (err as { errors?: Message[] }).errors;
      if (!Array.isArray(errors) || errors.length === 0) throw err;
      throw new ProblemFileError(errors.map((m) => buildDiagnostic(m, file, dir)));
    }
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (!js || !map) throw new Error('esbuild returned no bundle for the problem file');
  return { code: js.text, map: { json: JSON.parse(map.text) as { sources: string[]; mappings: string }, dir } };
}

/** An esbuild message as a diagnostic: its location is relative to the working dir, column 0-based. */
function buildDiagnostic(m: Message, entry: string, workingDir: string): SourceDiagnostic {
  const notes = m.notes.map((n) => n.text).filter((t) => t !== '');
  const message = [m.text, ...notes].join(' ');
  const loc = m.location;
  if (!loc) return { file: entry, message };
  return { file: fromVirtualPath(path.posix.resolve(workingDir, loc.file)), line: loc.line, column: loc.column + 1, message };
}

/** Runs the CommonJS bundle with a require that hands out the worker's own tfjs-core and library. */
function evaluate(code: string, file: string, bundleName: string): Record<string, unknown> {
  const nodeRequire = createRequire(file);
  const provided: Readonly<Record<string, unknown>> = { '@tensorflow/tfjs-core': tf, 'bilevel-lab': core };
  const requireForBundle = (id: string): unknown => {
    // Subpaths of tfjs-core (`@tensorflow/tfjs-core/dist/…`) get the whole namespace: a second copy
    // of any tfjs-core file would be a second engine.
    if (isProvidedModule(id)) return provided[id] ?? tf;
    return nodeRequire(id);
  };
  const module = { exports: {} as Record<string, unknown> };
  const fn = vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: bundleName });
  fn.call(module.exports, module.exports, requireForBundle, module, file, path.dirname(file));
  return module.exports;
}

/** Line and column (1-based, as in stack traces) of the innermost stack frame inside the bundle. */
function firstBundleFrame(error: unknown, bundleName: string): { line: number; column: number } | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return undefined;
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    const at = line.lastIndexOf(bundleName + ':');
    if (at < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(line.slice(at + bundleName.length));
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}

function isProblem(value: unknown): boolean {
  return typeof value === 'object' && value !== null && core.checkDefinition(value as ProblemDefinition<unknown, unknown>).length === 0;
}


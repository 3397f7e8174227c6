// `bilevel init [dir]`: scaffolds a problem folder: the example problem of `Bilevel: New Problem File`
// and a tsconfig.json under which plain `tsc --noEmit` type-checks problem files. Its `paths` point
// `bilevel-lab` and `@tensorflow/tfjs-core` at the declarations shipped beside this CLI (dist/types,
// built by scripts/editorTypes.mjs): the same core and tfjs-core the CLI binds those imports to when it
// runs a problem file, so the types are those of the code that runs. Existing files are never
// overwritten.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROBLEM_TEMPLATE } from '../../common/problemTemplate';
import type { CliIo } from '../cliIo';
import type { ParsedArgs } from '../parseArgs';
import { UsageError } from '../usageError';

/** The scaffold's file names. */
export const INIT_FILES = { problem: 'example.bilevel.ts', tsconfig: 'tsconfig.json' } as const;

/** `bilevel init --help`. */
export const INIT_USAGE = [
  'Usage: bilevel init [dir]',
  '',
  'Scaffold a problem folder (default: the current folder): example.bilevel.ts, a problem with a known',
  'solution, and a tsconfig.json under which `npx tsc --noEmit` type-checks *.bilevel.ts files against the',
  'declarations shipped with this CLI. Existing files are never overwritten.',
  '',
  'Then: bilevel run --problem ./example.bilevel.ts',
].join('\n');

/** The declarations shipped beside the CLI bundle (dist/cli.js → dist/types). */
export function shippedTypesDir(): string {
  return path.join(__dirname, 'types');
}

/** The entry declaration of `bilevel-lab` in a types folder. */
function libraryEntry(typesDir: string): string {
  return path.join(typesDir, 'node_modules/bilevel-lab/core/index.d.ts');
}

/**
 * The scaffold's tsconfig.json. Paths into `typesDir` are relative when it lies inside `dir` (the CLI
 * installed in the folder's node_modules: the folder can move), absolute otherwise (a CLI run from
 * elsewhere: npx, a global install, a checkout).
 */
export function scaffoldTsconfig(dir: string, typesDir: string): object {
  const rel = path.relative(path.resolve(dir), path.resolve(typesDir));
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  const base = inside ? `./${rel.split(path.sep).join('/')}` : path.resolve(typesDir).split(path.sep).join('/');
  return {
    '//': 'Written by `bilevel init`. `npx tsc --noEmit` type-checks the problem files; `bilevel-lab` and `@tensorflow/tfjs-core` resolve to the declarations shipped with the bilevel CLI, i.e. the core and tfjs-core it runs problem files with.',
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM'],
      types: [],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      paths: {
        'bilevel-lab': [`${base}/node_modules/bilevel-lab/core/index.d.ts`],
        '@tensorflow/tfjs-core': [`${base}/node_modules/@tensorflow/tfjs-core/dist/index.d.ts`],
        '@tensorflow/tfjs-core/*': [`${base}/node_modules/@tensorflow/tfjs-core/*`],
      },
    },
    include: ['**/*.ts'],
  };
}

/**
 * Writes the scaffold into `dir` (created if missing) and returns the files written. Throws a
 * UsageError naming the first file that already exists, before writing anything.
 */
export function initProject(dir: string, typesDir: string = shippedTypesDir()): string[] {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${dir} exists and is not a folder`);
  const files: [string, string][] = [
    [path.join(dir, INIT_FILES.problem), PROBLEM_TEMPLATE],
    [path.join(dir, INIT_FILES.tsconfig), JSON.stringify(scaffoldTsconfig(dir, typesDir), null, 2) + '\n'],
  ];
  for (const [file] of files) {
    if (existsSync(file)) throw new UsageError(`${file} already exists; bilevel init does not overwrite files (move it away, or init another folder)`);
  }
  if (!existsSync(libraryEntry(typesDir))) {
    throw new Error(`the declarations of bilevel-lab are missing (${libraryEntry(typesDir)}); build the package first (npm run build)`);
  }
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of files) writeFileSync(file, text, { flag: 'wx' });
  return files.map(([file]) => file);
}

/** Runs `bilevel init [dir]`; returns the exit code. */
export function initCommand(args: ParsedArgs, io: CliIo): number {
  const unknown = [...args.flags.keys()].filter((f) => f !== 'help');
  if (unknown.length > 0) throw new UsageError(`unknown flag --${unknown[0]} for 'init'; it takes only a folder: bilevel init [dir]`);
  if (args.positionals.length > 1) throw new UsageError(`bilevel init takes one folder, got ${args.positionals.length}: ${args.positionals.join(' ')}`);
  const dir = args.positionals[0] ?? '.';
  let written: string[];
  try {
    written = initProject(dir);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    io.stderr.write(`bilevel: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const shown = (f: string): string => path.relative(process.cwd(), f) || f;
  const next: [string, string][] = [
    ['npx tsc --noEmit', 'type-check the problem files (TypeScript: npm i -D typescript)'],
    [`npx bilevel run --problem ./${INIT_FILES.problem}`, 'run one (compare, check and grad take --problem too)'],
  ];
  const w = Math.max(...next.map(([c]) => c.length));
  io.stdout.write(
    [
      `Created ${written.map(shown).join(' and ')}.`,
      'Next:',
      ...(dir === '.' ? [] : [`  cd ${dir}`]),
      ...next.map(([command, what]) => `  ${command.padEnd(w)}  # ${what}`),
      '',
    ].join('\n'),
  );
  return 0;
}

// The TypeScript server plugin of the extension (`contributes.typescriptServerPlugins` in package.json,
// built to dist/node_modules/bilevel-lab-ts-plugin/ and shipped in the .vsix as
// node_modules/bilevel-lab-ts-plugin/, the only place the TS server looks for it: see
// scripts/editorTypes.mjs). In `*.bilevel.ts` files it resolves `bilevel-lab` and
// `@tensorflow/tfjs-core` to the declarations shipped with the extension (dist/types/node_modules/,
// the same core and tfjs-core the worker binds those imports to at run time), so a problem file has
// full types with no node_modules, no tsconfig and no setting. Every other import, file and project is
// left exactly as TypeScript resolves it.
//
// It runs inside tsserver: it uses only the `typescript` instance it is given and node:fs/node:path.
import type * as ts from 'typescript';
import * as fs from 'node:fs';
import * as path from 'node:path';

type TypeScript = typeof ts;

/** Files whose imports the plugin resolves: problem files, as the extension's code lenses see them. */
export function isProblemFile(fileName: string): boolean {
  return /\.bilevel\.[cm]?tsx?$/i.test(fileName);
}

/** Module ids the runner provides to problem files (see src/problemFiles/resolveProblemImport.ts). */
export function isProvidedModule(specifier: string): boolean {
  return specifier === 'bilevel-lab' || specifier === '@tensorflow/tfjs-core' || specifier.startsWith('@tensorflow/tfjs-core/');
}

/**
 * The shipped declarations: `<ext>/dist/types` seen from `<ext>/node_modules/bilevel-lab-ts-plugin`
 * (the installed extension, or the repository after a build), or `dist/types` seen from the build
 * output `dist/node_modules/bilevel-lab-ts-plugin`.
 */
export function findTypesDir(pluginDir: string): string | undefined {
  for (const candidate of [path.resolve(pluginDir, '../../dist/types'), path.resolve(pluginDir, '../../types')]) {
    if (fs.existsSync(path.join(candidate, 'node_modules/bilevel-lab/package.json'))) return candidate;
  }
  return undefined;
}

/** `file` lies inside `dir` (both absolute; tsserver paths use `/`, node's may use `\`). */
function isInside(dir: string, file: string): boolean {
  const norm = (p: string): string => {
    const s = p.replace(/\\/g, '/');
    return process.platform === 'win32' || process.platform === 'darwin' ? s.toLowerCase() : s;
  };
  const d = norm(dir).replace(/\/$/, '') + '/';
  return norm(file).startsWith(d);
}

/** Makes a language service host resolve provided modules of problem files to the shipped declarations. */
export function patchHost(tsi: TypeScript, host: ts.LanguageServiceHost, typesDir: string, log: (message: string) => void): void {
  // Resolved as from a file inside dist/types, so node_modules lookup finds dist/types/node_modules:
  // the results carry package ids and count as external library files, like any installed package.
  const anchor = path.join(typesDir, 'bilevel-problem.ts');
  const options: ts.CompilerOptions = {
    moduleResolution: tsi.ModuleResolutionKind.Bundler ?? tsi.ModuleResolutionKind.NodeJs,
    module: tsi.ModuleKind.ESNext,
    target: tsi.ScriptTarget.ES2022,
  };
  const cache = new Map<string, ts.ResolvedModuleFull | undefined>();
  const shipped = (specifier: string): ts.ResolvedModuleFull | undefined => {
    if (!cache.has(specifier)) {
      const resolved = tsi.resolveModuleName(specifier, anchor, options, tsi.sys).resolvedModule;
      cache.set(specifier, resolved);
      log(`${specifier} -> ${resolved?.resolvedFileName ?? 'not found in the shipped declarations'}`);
    }
    return cache.get(specifier);
  };
  // Problem files, and the shipped declarations themselves (so their own `@tensorflow/tfjs-core`
  // imports resolve even where the project's moduleResolution would not look in node_modules).
  const applies = (containingFile: string): boolean => isProblemFile(containingFile) || isInside(typesDir, containingFile);

  const literals = host.resolveModuleNameLiterals?.bind(host);
  if (literals) {
    host.resolveModuleNameLiterals = (moduleLiterals, containingFile, ...rest) => {
      const resolved = literals(moduleLiterals, containingFile, ...rest);
      if (!applies(containingFile)) return resolved;
      return moduleLiterals.map((literal, i) => {
        const ours = isProvidedModule(literal.text) ? shipped(literal.text) : undefined;
        return ours ? { resolvedModule: ours } : resolved[i]!;
      });
    };
  }
  // TypeScript before 5.0 (a workspace version) asks through resolveModuleNames instead.
  const names = host.resolveModuleNames?.bind(host);
  if (names) {
    host.resolveModuleNames = (moduleNames, containingFile, ...rest) => {
      const resolved = names(moduleNames, containingFile, ...rest);
      if (!applies(containingFile)) return resolved;
      return moduleNames.map((name, i) => (isProvidedModule(name) ? shipped(name) : undefined) ?? resolved[i]);
    };
  }
}

/**
 * The language service with no diagnostics for the shipped declaration files (tfjs-core's own
 * declarations name DOM, node and `Long` types that a problem file's project need not have; they
 * matter only if someone opens those files with Go to Definition).
 */
export function quietShippedFiles(ls: ts.LanguageService, typesDir: string): ts.LanguageService {
  const proxy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(ls) as (keyof ts.LanguageService)[]) {
    const member = ls[key];
    proxy[key] = typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(ls) : member;
  }
  const quiet =
    <K extends 'getSemanticDiagnostics' | 'getSyntacticDiagnostics' | 'getSuggestionDiagnostics'>(key: K) =>
    (fileName: string) =>
      isInside(typesDir, fileName) ? [] : ls[key](fileName);
  proxy['getSemanticDiagnostics'] = quiet('getSemanticDiagnostics');
  proxy['getSyntacticDiagnostics'] = quiet('getSyntacticDiagnostics');
  proxy['getSuggestionDiagnostics'] = quiet('getSuggestionDiagnostics');
  return proxy as unknown as ts.LanguageService;
}

/** The plugin factory tsserver calls (the bundle's `module.exports`). */
export default function init(modules: { typescript: TypeScript }): ts.server.PluginModule {
  const tsi = modules.typescript;
  return {
    create(info) {
      const log = (message: string): void => info.project.projectService.logger.info(`[bilevel-lab-ts-plugin] ${message}`);
      const typesDir = findTypesDir(__dirname);
      if (!typesDir) {
        log(`no declarations found next to ${__dirname}; problem files keep TypeScript's own resolution`);
        return info.languageService;
      }
      log(`problem files (*.bilevel.ts) resolve bilevel-lab and @tensorflow/tfjs-core in ${typesDir}`);
      patchHost(tsi, info.languageServiceHost, typesDir, log);
      return quietShippedFiles(info.languageService, typesDir);
    },
  };
}

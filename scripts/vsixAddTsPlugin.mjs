// Adds the TypeScript server plugin to a packaged .vsix as extension/node_modules/bilevel-lab-ts-plugin/.
//
//   node scripts/vsixAddTsPlugin.mjs dist/bilevel-lab.vsix      (run by `npm run package` after vsce)
//
// VS Code starts tsserver with the extension's folder as a plugin probe location, and tsserver loads
// a plugin named in `contributes.typescriptServerPlugins` from <that folder>/node_modules/<name> only.
// `vsce package --no-dependencies` never packs a file under node_modules/ (its file list skips the
// folder before .vscodeignore is read), so the plugin, built to dist/node_modules/bilevel-lab-ts-plugin
// by scripts/editorTypes.mjs, is added to the archive here. Idempotent: a second run replaces the files.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLUGIN_BUILD_DIR, PLUGIN_NAME } from './editorTypes.mjs';
import { addToZip, listZip } from './zipArchive.mjs';

/** Adds the built plugin folder `pluginDir` to the .vsix at `vsix`; returns the entry names added. */
export function addTsPluginToVsix(vsix, pluginDir = PLUGIN_BUILD_DIR) {
  if (!existsSync(join(pluginDir, 'index.js')) || !existsSync(join(pluginDir, 'package.json'))) {
    throw new Error(`${pluginDir} has no built plugin: run \`npm run build\` first`);
  }
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.map')) files.push({ name: `extension/node_modules/${PLUGIN_NAME}/${relative(pluginDir, p).split('\\').join('/')}`, data: readFileSync(p) });
    }
  };
  walk(pluginDir);
  const zip = readFileSync(vsix);
  if (!listZip(zip).some((e) => e.name === 'extension/package.json')) throw new Error(`${vsix} is not a .vsix (no extension/package.json)`);
  writeFileSync(vsix, addToZip(zip, files));
  return files.map((f) => f.name);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const vsix = process.argv[2];
  if (!vsix) {
    console.error('usage: node scripts/vsixAddTsPlugin.mjs <file.vsix>');
    process.exit(2);
  }
  try {
    const added = addTsPluginToVsix(vsix);
    console.log(`${vsix}: added ${added.join(', ')}`);
  } catch (err) {
    console.error(`vsixAddTsPlugin: ${err.message}`);
    process.exit(1);
  }
}

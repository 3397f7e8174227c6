// @vscode/test-cli configuration (`npm run test:desktop` = `vscode-test`): runs the extension-host suites
// (dist/test/suite/*.test.js, built by `npm run build`) against the fixture workspace.
//  - On a desktop: downloads VS Code (the minimum engines.vscode and stable) and runs them in Electron.
//  - Here / in CI (no VS Code download possible): VSCODE_E2E_SHIM=$PWD/e2e/code-shim.sh runs the same
//    suites in code-server's extension host instead (see e2e/README.md).
import { defineConfig } from '@vscode/test-cli';

const shim = process.env.VSCODE_E2E_SHIM;
const common = {
  files: 'dist/test/suite/*.test.js',
  workspaceFolder: 'test/integration/fixtures/workspace',
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'tdd', timeout: 120_000, color: false },
};

export default defineConfig(
  shim
    ? [{ ...common, label: 'code-server (shim)', useInstallation: { fromPath: shim } }]
    : [
        { ...common, label: 'minimum (1.90.0)', version: '1.90.0' },
        { ...common, label: 'stable', version: 'stable' },
      ],
);

// Small pure helpers of the extension host: the check verdict and report, re-run specs, the options
// box, the panel's CSP, compile-error positions, a problem's literal default method, the scaffold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../../src/protocol/runRecord';
import type { CheckResultMessage } from '../../../src/protocol/worker';
import { checkHeadline, checkReportLines, checkVerdict, toCheckView } from '../../../src/extension/views/checkReport';
import { findDefaultMethod } from '../../../src/extension/commands/findDefaultMethod';
import { makeNonce, panelCsp, renderPanelHtml } from '../../../src/extension/views/panelHtml';
import { formatOptionsText, parseOptionsText } from '../../../src/extension/commands/parseOptionsText';
import { PROBLEM_TEMPLATE, problemFileName } from '../../../src/extension/commands/problemTemplate';
import { diagnosticsByFile } from '../../../src/extension/views/sourceDiagnostics';
import { problemLabel, problemSourceOf, specFromConfig } from '../../../src/store/problemPaths';
import { findProblemLocations } from '../../../src/problemFiles/findProblemLocations';

const CHECK: CheckResultMessage = {
  type: 'checkResult',
  method: 'rhg',
  exact: true,
  maxRelativeError: 2e-6,
  relativeErrorVsRhg: 0,
  directions: [{ analytic: 1.5, finiteDifference: 1.500003, epsilon: 1e-3, relativeError: 2e-6, fdError: 1e-6 }],
};
/** The same check with a gradient 1% off: |g·d − FD| = 0.015 > 3·1e-6 + 1e-3·1.515. */
const WRONG: CheckResultMessage = { ...CHECK, maxRelativeError: 0.0099, directions: [{ analytic: 1.515, finiteDifference: 1.5, epsilon: 1e-3, relativeError: 0.0099, fdError: 1e-6 }] };

describe('checkReport', () => {
  it('passes exact methods within the rule of protocol/checkRule.ts, fails them beyond, and does not judge approximate ones', () => {
    assert.equal(checkVerdict(CHECK), 'pass');
    assert.equal(checkVerdict(WRONG), 'fail');
    // A tiny directional derivative with float32-level FD noise: relative error 4.4e-3 > rtol, yet within 3·fdError.
    const tiny: CheckResultMessage = { ...CHECK, maxRelativeError: 4.4e-3, directions: [{ analytic: -0.00137, finiteDifference: -0.001376, epsilon: 0.03, relativeError: 4.4e-3, fdError: 4e-6 }] };
    assert.equal(checkVerdict(tiny), 'pass');
    assert.equal(checkVerdict({ ...CHECK, exact: false, maxRelativeError: 0.5 }), 'approximate');
    assert.deepEqual(toCheckView(CHECK, 1e-3, '2026-12-06T00:00:00.000Z'), {
      verdict: 'pass',
      maxRelativeError: 2e-6,
      relativeErrorVsRhg: 0,
      rtol: 1e-3,
      directions: CHECK.directions,
      checkedAt: '2026-12-06T00:00:00.000Z',
    });
  });

  it('writes a headline and one line per direction', () => {
    assert.equal(checkHeadline(CHECK, 'toy'), '✓ PASS rhg on toy: max relative error vs finite differences 2e-6, vs RHG 0 (rtol 0.001, atol 3·fdError)');
    assert.match(checkHeadline(WRONG, 'toy'), /^✗ FAIL/);
    assert.match(checkHeadline({ ...CHECK, exact: false }, 'toy'), /^≈ APPROXIMATE .*not judged/);
    const lines = checkReportLines(CHECK, 'toy');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /direction 1: analytic 1.5 {2}finite diff. 1.5 {2}ε 0.001 {2}abs. error 3e-6 {2}tolerance 0.001503 {2}rel. error 2e-6 {2}✓/);
    assert.match(checkReportLines(WRONG, 'toy')[1]!, /abs. error 0.015 .*✗$/);
  });
});

describe('specFromConfig', () => {
  const record = (problem: string): RunRecord => ({
    schemaVersion: 1,
    id: 'x',
    status: 'completed',
    config: { problem, problemParams: { n: 3 }, method: 'cg', methodOptions: { lowerSteps: 30, iterations: 150, seed: 0 }, iterations: 150, seed: 7, backend: 'wasm' },
    versions: {},
    pid: 1,
    hostname: 'h',
    createdAt: '',
    updatedAt: '',
  });

  it('repeats a built-in run with its parameters, resolved options, iterations and seed', () => {
    assert.deepEqual(specFromConfig(record('toy-quadratic').config, '/ws'), {
      problem: { kind: 'builtin', id: 'toy-quadratic', params: { n: 3 } },
      method: 'cg',
      options: { lowerSteps: 30, iterations: 150, seed: 7 },
    });
  });

  it('resolves a file problem relative to the workspace folder (absolute paths stay)', () => {
    assert.deepEqual(specFromConfig(record('problems/lake.bilevel.ts#lake').config, '/ws').problem, { kind: 'file', path: '/ws/problems/lake.bilevel.ts', exportName: 'lake' });
    assert.deepEqual(problemSourceOf('/abs/x.bilevel.ts#default', {}, '/ws'), { kind: 'file', path: '/abs/x.bilevel.ts', exportName: 'default' });
    assert.equal(problemLabel({ kind: 'file', path: '/abs/x.bilevel.ts', exportName: 'default' }), 'x.bilevel.ts#default');
    assert.equal(problemLabel({ kind: 'builtin', id: 'toy-ufom', params: {} }), 'toy-ufom');
  });
});

describe('parseOptionsText', () => {
  it('reads numbers, booleans and strings; round-trips with formatOptionsText', () => {
    const options = parseOptionsText('iterations=300, lowerLr = 0.05,\n outerOptimizer=adam, warmStart=true, ');
    assert.deepEqual(options, { iterations: 300, lowerLr: 0.05, outerOptimizer: 'adam', warmStart: true });
    assert.deepEqual(parseOptionsText(formatOptionsText(options)), options);
    assert.deepEqual(parseOptionsText(''), {});
  });

  it('names the bad entry', () => {
    assert.throws(() => parseOptionsText('iterations'), /'iterations' is not key=value/);
    assert.throws(() => parseOptionsText('9x=1'), /'9x' is not an option key/);
  });
});

describe('panelHtml', () => {
  it('allows scripts only with the nonce and loads nothing remote', () => {
    const csp = panelCsp('https://webview.example', 'abc123');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!webview\.example)/);
    const html = renderPanelHtml({ cspSource: 'https://webview.example', nonce: 'abc123', scriptUri: 'https://webview.example/dist/webview.js', styleUri: 'https://webview.example/media/panel.css', title: 'rhg <1>' });
    assert.match(html, /<script nonce="abc123" src="https:\/\/webview.example\/dist\/webview.js"><\/script>/);
    assert.match(html, /<title>rhg &lt;1&gt;<\/title>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });

  it('makes a fresh nonce each time', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(a, makeNonce());
  });
});

describe('diagnosticsByFile', () => {
  it('turns the worker\u2019s 1-based positions into 0-based ones, by file', () => {
    const map = diagnosticsByFile(
      [
        { file: '/ws/a.bilevel.ts', line: 9, column: 64, message: 'Expected ")"' },
        { file: 'lib/helper.ts', line: 1, column: 1, message: 'x' },
        { file: '', message: 'no position' },
      ],
      '/ws/a.bilevel.ts',
    );
    assert.deepEqual(map.get('/ws/a.bilevel.ts'), [
      { line: 8, character: 63, message: 'Expected ")"' },
      { line: 0, character: 0, message: 'no position' },
    ]);
    assert.deepEqual(map.get('/ws/lib/helper.ts'), [{ line: 0, character: 0, message: 'x' }]);
  });
});

describe('findDefaultMethod', () => {
  it('reads a literal defaults.method inside the defineProblem call at the location', () => {
    const src = [
      "export const a = defineProblem({ id: 'a', defaults: { iterations: 5, method: 'cg' } });",
      '// defaults: { method: "bda" } in a comment of the next one',
      'export const b = defineProblem({',
      "  id: 'b', note: ')', /* ) */",
      "  defaults: { lowerSteps: 3, method: \"iaptt-gm\" },",
      '});',
      "export const c = defineProblem({ id: 'c', defaults: { method: pick() } });",
    ].join('\n');
    const locations = findProblemLocations(src);
    assert.deepEqual(
      locations.map((l) => findDefaultMethod(src, l)),
      ['cg', 'iaptt-gm', undefined],
    );
  });
});

describe('problemTemplate', () => {
  it('is a problem file with one default export using bilevel-lab and tfjs-core, defaulting to rhg', () => {
    const locations = findProblemLocations(PROBLEM_TEMPLATE);
    assert.deepEqual(
      locations.map((l) => l.exportName),
      ['default'],
    );
    assert.match(PROBLEM_TEMPLATE, /import \* as tf from '@tensorflow\/tfjs-core';/);
    assert.match(PROBLEM_TEMPLATE, /import \{ defineProblem \} from 'bilevel-lab';/);
    assert.equal(findDefaultMethod(PROBLEM_TEMPLATE, locations[0]!), 'rhg');
  });

  it('picks a free file name', () => {
    assert.equal(problemFileName(new Set()), 'example.bilevel.ts');
    assert.equal(problemFileName(new Set(['example.bilevel.ts', 'example-2.bilevel.ts'])), 'example-3.bilevel.ts');
  });
});

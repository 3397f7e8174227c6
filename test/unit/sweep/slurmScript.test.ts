// The batch script of a sweep submitted to SLURM: the --array value (ranges, lists, the %K cap), the
// extra #SBATCH lines, and the quoting of paths with spaces and quotes, checked by running the body's
// command line through a real sh and reading back the argv it produces.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { checkSbatchArg, formatArraySpec, sbatchArgWord, sbatchPath, shQuote, slurmScript } from '../../../src/sweep/slurmScript';
import type { SlurmScriptInput } from '../../../src/sweep/slurmScript';
import { SweepError } from '../../../src/sweep/sweepError';

const INPUT: SlurmScriptInput = {
  sweepId: '20261206-030000-sweep-toy-ufom-ab12',
  indices: [0, 1, 2, 3, 4, 5, 6, 7],
  maxConcurrent: 2,
  node: '/opt/node 20/bin/node',
  cli: "/home/o'brien/bilevel/dist/cli.js",
  runsJsonl: "/shared/my runs/it's \"here\"/.sweeps/s/runs.jsonl",
  store: "/shared/my runs/it's \"here\"",
  output: '/shared/my runs/.sweeps/s/slurm-%A_%a.out',
  backend: 'cpu',
};

/** The argv sh makes of `line` after `exec`, with SLURM_ARRAY_TASK_ID set: printed NUL-separated by printf. */
function shArgv(line: string, taskId: string): string[] {
  const body = line.replace(/^exec /, "printf '%s\\0' ");
  const r = spawnSync('sh', ['-c', body], { env: { SLURM_ARRAY_TASK_ID: taskId }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

void describe('formatArraySpec', () => {
  void it('writes consecutive indices as ranges and the cap as %K', () => {
    assert.equal(formatArraySpec([0, 1, 2, 3, 4, 5, 6, 7], 2), '0-7%2');
    assert.equal(formatArraySpec([0, 1, 2, 3, 4, 5, 6, 7]), '0-7');
    assert.equal(formatArraySpec([3, 7], 4), '3,7%4');
    assert.equal(formatArraySpec([7, 1, 2, 3]), '1-3,7', 'sorted before grouping');
    assert.equal(formatArraySpec([5]), '5');
    assert.equal(formatArraySpec([0, 2, 3, 9, 10, 11, 20]), '0,2-3,9-11,20');
  });

  void it('refuses an empty list, a repeated or negative index and a cap below 1', () => {
    assert.throws(() => formatArraySpec([]), SweepError);
    assert.throws(() => formatArraySpec([1, 1]), /index 1 is given twice/);
    assert.throws(() => formatArraySpec([-1]), /whole number ≥ 0/);
    assert.throws(() => formatArraySpec([0.5]), /whole number ≥ 0/);
    assert.throws(() => formatArraySpec([0], 0), /--max-concurrent takes a whole number ≥ 1/);
  });
});

void describe('shQuote and sbatchPath', () => {
  void it('keeps one sh word for any text', () => {
    const texts = ['plain/path', 'with space', "it's", 'a "b"', '$HOME `x` \\ ;&|', '', '-dash'];
    const line = `exec ${texts.map(shQuote).join(' ')}`;
    assert.deepEqual(shArgv(line, '0'), texts);
    assert.equal(shQuote('/usr/bin/node'), '/usr/bin/node', 'a plain path is left bare');
  });

  void it('double-quotes an #SBATCH path, escaping \\ and ", doubling a literal % but not %A and %a', () => {
    assert.equal(sbatchPath('/a b/slurm-%A_%a.out'), '"/a b/slurm-%A_%a.out"');
    assert.equal(sbatchPath('/x"y\\z/100%/o-%a'), '"/x\\"y\\\\z/100%%/o-%a"');
    assert.throws(() => sbatchPath('/a\nb'), /line break/);
  });
});

void describe('slurmScript', () => {
  const script = slurmScript({ ...INPUT, sbatchArgs: ['--partition=gpu', '--time=1:00:00', ' --gres=gpu:1 '] });
  const lines = script.split('\n');

  void it('starts with sh and the #SBATCH lines: job name, array with its cap, output, then each extra argument in order', () => {
    assert.equal(lines[0], '#!/bin/sh');
    assert.deepEqual(
      lines.filter((l) => l.startsWith('#SBATCH')),
      [
        '#SBATCH --job-name=bilevel-20261206-030000-sweep-toy-ufom-ab12',
        '#SBATCH --array=0-7%2',
        '#SBATCH --output="/shared/my runs/.sweeps/s/slurm-%A_%a.out"',
        '#SBATCH --partition=gpu',
        '#SBATCH --time=1:00:00',
        '#SBATCH --gres=gpu:1',
      ],
    );
    assert.ok(script.endsWith('\n'));
  });

  void it('runs the task index of runs.jsonl with node and the CLI, every path one argument', () => {
    const command = lines.find((l) => l.startsWith('exec '))!;
    assert.deepEqual(shArgv(command, '6'), [INPUT.node, INPUT.cli, 'run', '--spec', INPUT.runsJsonl, '--index', '6', '--store', INPUT.store, '--backend', 'cpu', '--json']);
  });

  void it('a resume submits only its indices, as a list with the cap; no cap without --max-concurrent', () => {
    assert.match(slurmScript({ ...INPUT, indices: [3, 7] }), /^#SBATCH --array=3,7%2$/m);
    const { maxConcurrent: _cap, ...uncapped } = INPUT;
    assert.match(slurmScript({ ...uncapped, indices: [3, 7] }), /^#SBATCH --array=3,7$/m);
  });

  void it('refuses an --sbatch-arg that is not an option, spans lines or sets the array', () => {
    assert.equal(checkSbatchArg(' --mem=4G '), '--mem=4G');
    assert.throws(() => checkSbatchArg('partition=gpu'), /takes an sbatch option/);
    assert.throws(() => checkSbatchArg('--time=1\n#SBATCH --x'), /line break/);
    assert.throws(() => checkSbatchArg('--array=0-3'), /--max-concurrent/);
    assert.throws(() => checkSbatchArg('-a 0-3'), /--max-concurrent/);
    assert.throws(() => slurmScript({ ...INPUT, sbatchArgs: ['gpu'] }), SweepError);
  });
});

/**
 * How sbatch reads the words after `#SBATCH` on one line: a port of `_get_argument` in slurm's
 * src/sbatch/opt.c (whitespace splits outside quotes, ' or " group, \ escapes the next character, an
 * unquoted # ends the line).
 */
function sbatchWords(fullLine: string): string[] {
  assert.ok(fullLine.startsWith('#SBATCH '), fullLine);
  const line = fullLine.slice('#SBATCH'.length);
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) return words;
    let word = '';
    let quote = '';
    let escaped = false;
    while (i < line.length && (quote !== '' || !/\s/.test(line[i]!))) {
      const c = line[i]!;
      if (escaped) escaped = false;
      else if (c === '\\') {
        escaped = true;
        i++;
        continue;
      } else if (quote !== '') {
        if (c === quote) {
          quote = '';
          i++;
          continue;
        }
      } else if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      } else if (c === '#') return word === '' ? words : [...words, word];
      word += c;
      i++;
    }
    words.push(word);
  }
}

void describe('sbatchArgWord', () => {
  void it('leaves plain options alone, and an option with its value as two words', () => {
    for (const arg of ['--partition=gpu', '--time=1:00:00', '--gres=gpu:1', '-p gpu', '--time 1:00:00']) assert.equal(sbatchArgWord(arg), arg);
    assert.deepEqual(sbatchWords(`#SBATCH ${sbatchArgWord('-p gpu')}`), ['-p', 'gpu']);
  });

  void it('quotes a --name=value whose value holds spaces, quotes, backslashes or #, and sbatch reads it back whole', () => {
    const cases = ['--job-name=my sweep', '--comment=say "hi" #1', "--comment=it's", '--chdir=/a\\b c', '--job-name=tab\there'];
    for (const arg of cases) {
      const line = `#SBATCH ${sbatchArgWord(arg)}`;
      assert.deepEqual(sbatchWords(line), [arg], line);
    }
    assert.equal(sbatchArgWord('--job-name=my sweep'), '--job-name="my sweep"');
    // Unquoted, the first would have been two words and the second cut at its #.
    assert.deepEqual(sbatchWords('#SBATCH --job-name=my sweep'), ['--job-name=my', 'sweep']);
    assert.deepEqual(sbatchWords('#SBATCH --comment=a #1'), ['--comment=a']);
  });

  void it('is what slurmScript writes', () => {
    assert.match(slurmScript({ ...INPUT, sbatchArgs: ['--job-name=my sweep'] }), /^#SBATCH --job-name="my sweep"$/m);
  });
});

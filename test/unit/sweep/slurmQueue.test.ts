// Reading SLURM's answers about a sweep's array job: scontrol -o and squeue lines as SLURM 22.05
// printed them on a one-node cluster (array 0-5%2, task 2 cancelled), sacct -n -P -X lines of the
// accounting, sbatch --parsable, MaxArraySize.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseState, countStates, expandTaskIds, isLiveState, parseMaxArraySize, parseSacct, parseSbatchJobId, parseScontrolJobs, parseSqueue, sacctArgs } from '../../../src/sweep/slurmQueue';

// Trimmed to the fields that matter, in SLURM's order; the Command path has a space and a decoy field.
const SCONTROL = [
  'JobId=1 ArrayJobId=1 ArrayTaskId=4-5%2 ArrayTaskThrottle=2 JobName=bl UserId=root(0) JobState=PENDING Reason=JobArrayTaskLimit Dependency=(null) NodeList= Command=/tmp/a JobState=RUNNING/x.sbatch',
  'JobId=4 ArrayJobId=1 ArrayTaskId=3 ArrayTaskThrottle=2 JobName=bl UserId=root(0) JobState=RUNNING Reason=None Dependency=(null) NodeList=vm Command=/tmp/x.sbatch',
  'JobId=3 ArrayJobId=1 ArrayTaskId=2 ArrayTaskThrottle=2 JobName=bl UserId=root(0) JobState=CANCELLED Reason=None Dependency=(null) NodeList=vm Command=/tmp/x.sbatch',
  'JobId=2 ArrayJobId=1 ArrayTaskId=0 ArrayTaskThrottle=2 JobName=bl UserId=root(0) JobState=COMPLETED Reason=None Dependency=(null) NodeList=vm Command=/tmp/x.sbatch',
  'JobId=7 JobName=other UserId=root(0) JobState=RUNNING Reason=None NodeList=vm',
  '',
].join('\n');

void describe('parseScontrolJobs', () => {
  void it('gives every task of the array by index, the pending range expanded, None reasons and empty nodes dropped', () => {
    const tasks = parseScontrolJobs(SCONTROL, '1');
    assert.deepEqual(
      [...tasks.values()].sort((a, b) => a.index - b.index),
      [
        { index: 0, state: 'COMPLETED', node: 'vm' },
        { index: 2, state: 'CANCELLED', node: 'vm' },
        { index: 3, state: 'RUNNING', node: 'vm' },
        { index: 4, state: 'PENDING', reason: 'JobArrayTaskLimit' },
        { index: 5, state: 'PENDING', reason: 'JobArrayTaskLimit' },
      ],
    );
    assert.equal(parseScontrolJobs(SCONTROL, '7').size, 0, 'a job that is not an array has no tasks');
    assert.equal(parseScontrolJobs(SCONTROL, '10').size, 0);
  });
});

void describe('parseSqueue', () => {
  void it('reads `job_task|STATE|reason|node` lines, and a bracketed pending range', () => {
    const text = '1_[4-5%2]|PENDING|JobArrayTaskLimit|\n1_3|RUNNING|None|vm\n12_0|RUNNING|None|vm\n';
    assert.deepEqual([...parseSqueue(text, '1').values()], [
      { index: 4, state: 'PENDING', reason: 'JobArrayTaskLimit' },
      { index: 5, state: 'PENDING', reason: 'JobArrayTaskLimit' },
      { index: 3, state: 'RUNNING', node: 'vm' },
    ]);
    assert.equal(parseSqueue('', '1').size, 0);
  });
});

void describe('parseSacct', () => {
  // `sacct -n -P -X -j 1 --format=JobID,State` of array 0-5%2 after `scancel 1` by uid 1000 while
  // task 3 ran and 4-5 waited: the tasks that never left the queue are one record, a range.
  const SACCT = ['1_0|COMPLETED', '1_1|FAILED', '1_2|CANCELLED by 0', '1_3|CANCELLED by 1000', '1_[4-5%2]|CANCELLED by 1000', ''].join('\n');

  void it('asks for one line per task, no header, |-separated', () => {
    assert.deepEqual(sacctArgs('1'), ['-n', '-P', '-X', '-j', '1', '--format=JobID,State']);
  });

  void it('gives every task by index with its bare state, the range expanded', () => {
    assert.deepEqual([...parseSacct(SACCT, '1').values()], [
      { index: 0, state: 'COMPLETED' },
      { index: 1, state: 'FAILED' },
      { index: 2, state: 'CANCELLED' },
      { index: 3, state: 'CANCELLED' },
      { index: 4, state: 'CANCELLED' },
      { index: 5, state: 'CANCELLED' },
    ]);
  });

  void it('reads a job still queued, and lets a requeued task\'s later line win', () => {
    const text = '7_0|COMPLETED\n7_1|RUNNING\n7_[2-5]|PENDING\n7_0|PENDING\n';
    assert.deepEqual(
      [...parseSacct(text, '7').values()].map((t) => [t.index, t.state]),
      [
        [0, 'PENDING'],
        [1, 'RUNNING'],
        [2, 'PENDING'],
        [3, 'PENDING'],
        [4, 'PENDING'],
        [5, 'PENDING'],
      ],
    );
  });

  void it('skips steps, other jobs, a plain job and error text, and never throws', () => {
    const text = ['12|COMPLETED', '1_0.batch|COMPLETED', '1_0.extern|COMPLETED', '10_0|CANCELLED by 0', '1_x|FAILED', '1_1|', 'sacct: error: Slurm accounting storage is disabled', '1_2|TIMEOUT'].join('\n');
    assert.deepEqual([...parseSacct(text, '1').values()], [{ index: 2, state: 'TIMEOUT' }]);
    assert.equal(parseSacct('', '1').size, 0);
    assert.equal(parseSacct('Slurm accounting storage is disabled\n', '1').size, 0);
  });

  void it('bares `CANCELLED by N` and a cut `CANCELLED+`, which count as ended', () => {
    assert.equal(baseState('CANCELLED by 1000'), 'CANCELLED');
    assert.equal(baseState('CANCELLED+'), 'CANCELLED');
    assert.equal(baseState('RUNNING'), 'RUNNING');
    assert.ok(!isLiveState('CANCELLED by 0'));
    assert.ok(isLiveState('PENDING'));
  });
});

void describe('expandTaskIds', () => {
  void it('expands single ids, ranges, lists, steps, and drops the %K cap', () => {
    assert.deepEqual(expandTaskIds('3'), [3]);
    assert.deepEqual(expandTaskIds('4-6%2'), [4, 5, 6]);
    assert.deepEqual(expandTaskIds('1,3,5-7'), [1, 3, 5, 6, 7]);
    assert.deepEqual(expandTaskIds('0-9:4'), [0, 4, 8]);
    assert.throws(() => expandTaskIds('4294967294x'), /not a SLURM array task list/);
    assert.throws(() => expandTaskIds('5-3'), /not a SLURM array task list/);
  });
});

void describe('the rest of SLURM\'s answers', () => {
  void it('takes the job id from sbatch --parsable, with or without a cluster name', () => {
    assert.equal(parseSbatchJobId('123\n'), '123');
    assert.equal(parseSbatchJobId('456;cluster-a\n'), '456');
    assert.throws(() => parseSbatchJobId('sbatch: error: Batch job submission failed'), /not a job id/);
  });

  void it('reads MaxArraySize from scontrol show config', () => {
    assert.equal(parseMaxArraySize('MaxArrayDepth = 3\nMaxArraySize            = 1001\nMaxJobCount = 10000\n'), 1001);
    assert.equal(parseMaxArraySize('MaxJobCount = 10000\n'), undefined);
  });

  void it('tells live states from ended ones, and counts them most first', () => {
    for (const s of ['PENDING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'CONFIGURING']) assert.ok(isLiveState(s), s);
    for (const s of ['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL']) assert.ok(!isLiveState(s), s);
    assert.deepEqual(countStates(parseScontrolJobs(SCONTROL, '1').values()), [
      { state: 'PENDING', count: 2 },
      { state: 'CANCELLED', count: 1 },
      { state: 'COMPLETED', count: 1 },
      { state: 'RUNNING', count: 1 },
    ]);
  });
});

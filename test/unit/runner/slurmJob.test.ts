// The SLURM job of a run, from the environment its caller passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slurmJobOf } from '../../../src/runner/slurmJob';

describe('slurmJobOf', () => {
  it('reads an array task: its own job id, the array id, the index and the node', () => {
    const env = { SLURM_JOB_ID: '4213', SLURM_ARRAY_JOB_ID: '4207', SLURM_ARRAY_TASK_ID: '6', SLURMD_NODENAME: 'gpu-03', PATH: '/usr/bin' };
    assert.deepEqual(slurmJobOf(env, 'login-1'), { jobId: '4213', arrayJobId: '4207', arrayTaskId: 6, node: 'gpu-03' });
  });

  it('reads a plain batch job, the node falling back to the host name', () => {
    assert.deepEqual(slurmJobOf({ SLURM_JOB_ID: '88' }, 'cn-12'), { jobId: '88', node: 'cn-12' });
    assert.deepEqual(slurmJobOf({ SLURM_JOB_ID: '88', SLURMD_NODENAME: '' }, 'cn-12'), { jobId: '88', node: 'cn-12' });
  });

  it('is absent outside SLURM, and leaves out a task id that is not a whole number', () => {
    assert.equal(slurmJobOf({}, 'laptop'), undefined);
    assert.equal(slurmJobOf({ SLURM_ARRAY_TASK_ID: '3', SLURMD_NODENAME: 'x' }, 'laptop'), undefined);
    assert.equal(slurmJobOf({ SLURM_JOB_ID: '  ' }, 'laptop'), undefined);
    assert.deepEqual(slurmJobOf({ SLURM_JOB_ID: '9', SLURM_ARRAY_JOB_ID: '9', SLURM_ARRAY_TASK_ID: '1-3' }, 'h'), { jobId: '9', arrayJobId: '9', node: 'h' });
  });
});

import { describe, expect, it } from '@jest/globals';
import { groupCommit } from '../../src/store/group-commit.js';

describe('groupCommit', () => {
  it('commits the calls of one event-loop turn together, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const double = groupCommit((inputs: number[]) => {
      batches.push(inputs);
      return inputs.map((n) => n * 2);
    });

    const results = await Promise.all([double(1), double(2), double(3)]);
    const later = await double(4);

    expect(results).toEqual([2, 4, 6]);
    expect(later).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('when a batch fails, commits each input alone so only the bad one fails', async () => {
    const commit = groupCommit((inputs: number[]) => {
      if (inputs.includes(13)) throw new Error('unlucky');
      return inputs;
    });

    const results = await Promise.allSettled([commit(1), commit(13), commit(2)]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: new Error('unlucky') });
  });
});

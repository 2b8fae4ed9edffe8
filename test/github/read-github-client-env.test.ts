import { describe, expect, it } from '@jest/globals';
import { readGitHubClientEnv } from '../../src/github/read-github-client-env.js';

describe('readGitHubClientEnv: the write budget keeps a margin inside GitHub’s limits', () => {
  it.each([
    { case: 'the defaults (GitHub 80/min, 500/h, margin 10 %)', env: {}, budget: { perMinute: 72, perHour: 450 } },
    { case: 'no margin', env: { CHANGE_CONTROL_WRITE_MARGIN_PERCENT: '0' }, budget: { perMinute: 80, perHour: 500 } },
    {
      case: 'lowered limits for two replicas',
      env: { CHANGE_CONTROL_WRITES_PER_MINUTE: '40', CHANGE_CONTROL_WRITES_PER_HOUR: '250' },
      budget: { perMinute: 36, perHour: 225 },
    },
    {
      case: 'a margin that would leave nothing',
      env: { CHANGE_CONTROL_WRITES_PER_MINUTE: '1', CHANGE_CONTROL_WRITE_MARGIN_PERCENT: '50' },
      budget: { perMinute: 1, perHour: 250 },
    },
  ])('$case', ({ env, budget }) => {
    expect(readGitHubClientEnv(env).budget).toEqual(budget);
  });

  it.each(['-1', '51', '10.5', 'ten'])('refuses CHANGE_CONTROL_WRITE_MARGIN_PERCENT=%s, naming the variable', (value) => {
    expect(() => readGitHubClientEnv({ CHANGE_CONTROL_WRITE_MARGIN_PERCENT: value })).toThrow(
      'CHANGE_CONTROL_WRITE_MARGIN_PERCENT must be a whole number from 0 to 50',
    );
  });
});

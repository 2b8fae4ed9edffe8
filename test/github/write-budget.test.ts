import { describe, expect, it } from '@jest/globals';
import { isContentCreating } from '../../src/github/change-control-octokit.js';
import { createWriteBudget } from '../../src/github/write-budget.js';

/** A clock that only moves when the budget sleeps: the test asserts request times, not speed. */
function fakeTime() {
  let now = 0;
  return { clock: () => now, sleep: async (ms: number) => void (now += ms) };
}

/** The most requests in any window of `windowMs` (inclusive at both ends). */
function most(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t <= start + windowMs).length));
}

describe('write budget', () => {
  it('never lets more than the per-minute budget through in any 60 s window, and lets a burst go up to it at once', async () => {
    const time = fakeTime();
    const budget = createWriteBudget({ perMinute: 80, perHour: 500 }, time);
    const times: number[] = [];

    for (let i = 0; i < 200; i += 1) {
      await budget.acquire('installation-1');
      times.push(time.clock());
    }

    expect(most(times, 60_000)).toBe(80);
    expect(times.filter((t) => t === 0)).toHaveLength(80);
    // 200 writes at 80 a minute: the last goes out just after two windows of 61 s (a minute, and a second for the
    // request to reach GitHub), the least the budget allows.
    expect(times.at(-1)).toBeGreaterThan(122_000);
    expect(times.at(-1)).toBeLessThan(123_000);
  });

  it('keeps the hourly budget too', async () => {
    const time = fakeTime();
    const budget = createWriteBudget({ perMinute: 80, perHour: 100 }, time);
    const times: number[] = [];

    for (let i = 0; i < 150; i += 1) {
      await budget.acquire('installation-1');
      times.push(time.clock());
    }

    expect(most(times, 3_600_000)).toBe(100);
    expect(most(times, 60_000)).toBeLessThanOrEqual(80);
  });

  it('counts each installation on its own', async () => {
    const time = fakeTime();
    const budget = createWriteBudget({ perMinute: 2, perHour: 500 }, time);

    await Promise.all([budget.acquire('a'), budget.acquire('a'), budget.acquire('b'), budget.acquire('b')]);

    expect(time.clock()).toBe(0);
  });

  it.each([
    ['POST', 'http://127.0.0.1:9/api/v3/repos/acme/x/statuses/abc', true],
    ['PATCH', 'https://api.github.com/repos/acme/x/check-runs/1', true],
    ['POST', 'https://api.github.com/graphql', false],
    ['POST', 'http://127.0.0.1:9/api/graphql', false],
    ['POST', 'https://api.github.com/app/installations/7/access_tokens', false],
    ['GET', 'https://api.github.com/repos/acme/x/pulls', false],
  ])('%s %s creates content: %s', (method, url, expected) => {
    expect(isContentCreating(method, url)).toBe(expected);
  });
});

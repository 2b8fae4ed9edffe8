import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import pino from 'pino';
import { runQueuedCommand } from '../../src/app/commands/run-queued-command.js';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import type { CommandAsk, WorkRequest } from '../../src/store/work-request.js';
import { APP_ID, audit, GITHUB, REPO_PATH, useHandlerHarness } from './harness.js';

useHandlerHarness();

/** The worker's view of one queued command: the comment as it was accepted, and the PR it is on. */
const ask: CommandAsk = {
  deliveryId: 'd-1',
  by: 'carol',
  comment: { id: 9001, url: 'https://github.com/Codertocat/Hello-World/pull/2#issuecomment-9001' },
  command: { command: 'emergency', reason: 'INC-1 payments are down' },
};
const request: Extract<WorkRequest, { kind: 'command' }> = {
  kind: 'command',
  installationId: 1,
  owner: 'Codertocat',
  repo: 'Hello-World',
  number: 2,
  isPullRequest: true,
  deliveryIds: ['d-1'],
  force: 'none',
  statusWrites: [],
  asks: [ask],
};

function run() {
  const deps: AppDeps = {
    appId: APP_ID,
    tickets: { unavailable: 'not needed' },
    audit,
    botLogin: async () => 'change-control[bot]',
    now: () => new Date('2026-11-01T12:00:00Z'),
    queue: audit.queue,
  };
  const Octokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });
  const octokit = new Octokit({ auth: { token: 'ghs_test' } });
  return runQueuedCommand({ deps, octokit, log: pino({ level: 'silent' }), request, ask });
}

describe('a queued command is read back from GitHub before it runs', () => {
  it.each([
    { case: 'deleted since it was accepted', status: 404, body: { message: 'Not Found' } },
    {
      case: 'by someone else on GitHub than the accepted author',
      status: 200,
      body: {
        id: 9001,
        html_url: ask.comment.url,
        created_at: '2026-11-01T11:59:00Z',
        body: '/change-control emergency INC-1 payments are down',
        user: { login: 'mallory', type: 'User' },
      },
    },
  ])('$case: runs nothing, records nothing, writes nothing', async ({ status, body }) => {
    nock(GITHUB).get(`${REPO_PATH}/issues/comments/9001`).reply(status, body);

    const result = await run();

    expect(result).toEqual({ kind: 'done', outcome: 'skipped' });
    expect(await audit.list({})).toEqual([]);
    expect(await audit.queue.stats()).toMatchObject({ depth: 0 });
  });

  it('a read that fails otherwise throws: the queue retries the command, nothing is dropped', async () => {
    nock(GITHUB).get(`${REPO_PATH}/issues/comments/9001`).reply(502, { message: 'Bad Gateway' });

    await expect(run()).rejects.toThrow();
    expect(await audit.list({})).toEqual([]);
  });
});

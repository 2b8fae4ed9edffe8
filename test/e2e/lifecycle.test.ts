import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { pullRequestEvent, type PullTarget } from './harness/webhooks.js';

/** The queue across a process's life: redeliveries, a crash mid-evaluation, a graceful shutdown. */

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: { CHANGE_CONTROL_QUEUE_LEASE_MS: '2000', CHANGE_CONTROL_QUEUE_POLL_MS: '200', CHANGE_CONTROL_SHUTDOWN_GRACE_MS: '15000' },
});

const states = (pr: PullTarget, sha: string): string[] =>
  e2e.github.statuses({ ...pr, sha, context: 'change-control' }).map((s) => s.state);

async function entries(pr: PullTarget): Promise<Array<{ kind: string; delivery_id: string | null }>> {
  return e2e.app.query(
    `SELECT kind, delivery_id FROM audit_entries WHERE repo = '${pr.owner}/${pr.repo}' AND pr_number = ${pr.number} ORDER BY seq`,
  );
}

/** A hold on the app's next fact query: the simulator answers only once released. */
function holdFacts(): { release(): void } {
  let release = (): void => undefined;
  const until = new Promise<void>((resolve) => (release = resolve));
  e2e.github.injectFailure({ path: '/api/graphql', operationName: 'ChangeControlFacts', times: 1, until, passThrough: true });
  return { release };
}

async function factQueryArrived(): Promise<void> {
  await waitFor('the fact query', () => e2e.github.requests().some((r) => r.operationName === 'ChangeControlFacts'), { timeoutMs: 20_000 });
}

describe('the work queue across the process life', () => {
  it('the same delivery twice: both answered 2xx, evaluated once', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const id = randomUUID();
    const payload = pullRequestEvent(pr, 'opened');

    const first = await e2e.send('pull_request', payload, id);
    await e2e.quiet();
    const again = await e2e.send('pull_request', payload, id);
    await e2e.quiet();

    expect([first.status, again.status]).toEqual([200, 200]);
    expect(e2e.github.callCounts(0)).toMatchObject({ graphqlQueries: 1, restWrites: 2 });
    expect(await entries(pr)).toEqual([
      { kind: 'push', delivery_id: id },
      { kind: 'verdict', delivery_id: id },
    ]);
  });

  it('the process killed (SIGKILL) mid-evaluation: the next process evaluates the PR, with every audit entry', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const { headSha } = e2e.github.pullRequest(pr);
    const hold = holdFacts();
    const delivery = await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
    expect(delivery.status).toBe(200);
    await factQueryArrived();

    const { exitCode } = await e2e.restart('SIGKILL');
    hold.release();
    await waitFor('the status from the restarted app', () => states(pr, headSha).length > 0, { timeoutMs: 30_000 });
    await e2e.quiet();

    expect(exitCode).toBeNull(); // killed, no clean exit
    expect(states(pr, headSha)).toEqual(['success']);
    expect((await entries(pr)).map((e) => e.kind)).toEqual(['push', 'verdict']);
  }, 90_000);

  it('SIGTERM: webhooks refused with 503, the evaluation in flight finishes, exit 0, queued work done by the next process', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const other = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(other);
    const { headSha } = e2e.github.pullRequest(pr);
    const hold = holdFacts();
    await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
    await factQueryArrived();

    const restarted = e2e.restart('SIGTERM');
    const refusedId = randomUUID();
    const refused = await waitFor(
      'a webhook refused during shutdown',
      async () => {
        // Until the signal lands a delivery is accepted (and queued: the next process runs it); then 503.
        const sent = await e2e.send('pull_request', pullRequestEvent(other, 'opened'), refusedId).catch(() => null);
        return sent?.status === 503 ? sent : null;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    hold.release();
    const { exitCode } = await restarted;
    // GitHub redelivers what was refused: the new process takes it (the refusal recorded nothing).
    const redelivered = await e2e.send('pull_request', pullRequestEvent(other, 'opened'), refusedId);
    await waitFor('the verdict on the other PR', () => states(other, e2e.github.pullRequest(other).headSha).length > 0, {
      timeoutMs: 30_000,
    });
    await e2e.quiet();

    expect(refused.status).toBe(503);
    expect(redelivered.status).toBe(200);
    expect(exitCode).toBe(0);
    expect(states(pr, headSha)).toEqual(['success']);
    expect((await entries(pr)).map((e) => e.kind)).toEqual(['push', 'verdict']);
  }, 90_000);
});

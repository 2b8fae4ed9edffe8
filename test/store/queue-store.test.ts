import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WorkRequest } from '../../src/store/work-request.js';
import { BACKENDS, type Backend } from './backends.js';

const LEASE = 30_000;

function pull(overrides: Partial<Extract<WorkRequest, { kind: 'pull' }>> = {}): WorkRequest {
  return {
    kind: 'pull',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    number: 7,
    headSha: 'a'.repeat(40),
    deliveryIds: ['d-1'],
    force: 'none',
    statusWrites: [],
    ...overrides,
  };
}

function command(commentId: number): WorkRequest {
  const deliveryId = `c-${commentId}`;
  return {
    kind: 'command',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    number: 7,
    isPullRequest: true,
    deliveryIds: [deliveryId],
    force: 'none',
    statusWrites: [],
    asks: [
      {
        deliveryId,
        by: 'carol',
        comment: { id: commentId, url: `https://github.com/acme/payments/pull/7#issuecomment-${commentId}` },
        command: { command: 'emergency', reason: 'INC-1' },
      },
    ],
  };
}

function deploymentStatus(statusId: number, environment = 'production'): WorkRequest {
  const deliveryId = `s-${statusId}`;
  return {
    kind: 'deployment-status',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    environment,
    deliveryIds: [deliveryId],
    force: 'none',
    statusWrites: [],
    statuses: [
      {
        deliveryId,
        statusId,
        deploymentId: statusId + 1000,
        sha: 'd'.repeat(40),
        ref: 'main',
        state: 'success',
        at: '2026-11-01T12:00:00Z',
        statusCreator: 'release-bot',
        deploymentCreator: 'release-bot',
        description: null,
      },
    ],
  };
}

const commentIds = (work: { request: WorkRequest } | null) =>
  work?.request.kind === 'command' ? work.request.asks.map((a) => a.comment.id) : null;
const statusIds = (work: { request: WorkRequest } | null) =>
  work?.request.kind === 'deployment-status' ? work.request.statuses.map((s) => s.statusId) : null;

describe.each(BACKENDS.map((make) => [make().name, make] as const))('work queue on %s', (_name, make) => {
  const backend: Backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('drops a redelivery: the same delivery id queues nothing the second time', async () => {
    const { store } = await backend.fresh();

    const first = await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });
    const again = await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull({ number: 8 })], now: 1001 });

    expect(first).toEqual({ duplicate: false, coalesced: 0 });
    expect(again).toEqual({ duplicate: true, coalesced: 0 });
    expect(await store.queue.stats()).toEqual({ depth: 1, oldestEnqueuedAt: 1000, retrying: 0, deadLetters: 0 });
  });

  it('merges events for a waiting PR into one item: newest head, every delivery, strongest force', async () => {
    const { store } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });

    const second = await store.queue.accept({
      deliveryId: 'd-2',
      event: 'check_run',
      requests: [pull({ deliveryIds: ['d-2'], headSha: 'b'.repeat(40), force: 'status' })],
      now: 1001,
    });
    await store.queue.accept({ deliveryId: 'd-3', event: 'pull_request_review', requests: [pull({ deliveryIds: ['d-3'] })], now: 1002 });
    const claimed = await store.queue.claim({ owner: 'w1', now: 2000, leaseMs: LEASE });

    expect(second.coalesced).toBe(1);
    expect(claimed).toMatchObject({
      attempts: 1,
      enqueuedAt: 1000,
      request: { headSha: 'a'.repeat(40), deliveryIds: ['d-1', 'd-2', 'd-3'], force: 'status' },
    });
    expect(await store.queue.claim({ owner: 'w2', now: 2000, leaseMs: LEASE })).toBeNull();
  });

  it('never hands a PR in flight to a second worker; events meanwhile become exactly one follow-up', async () => {
    const { store } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });
    const first = await store.queue.claim({ owner: 'w1', now: 1000, leaseMs: LEASE });
    for (const id of ['d-2', 'd-3', 'd-4'])
      await store.queue.accept({ deliveryId: id, event: 'check_run', requests: [pull({ deliveryIds: [id] })], now: 1100 });

    expect(await store.queue.claim({ owner: 'w2', now: 1200, leaseMs: LEASE })).toBeNull();
    await store.queue.complete({ key: first!.key, owner: 'w1', now: 1300 });
    const followUp = await store.queue.claim({ owner: 'w2', now: 1300, leaseMs: LEASE });
    await store.queue.complete({ key: followUp!.key, owner: 'w2', now: 1400 });

    expect(followUp?.request.deliveryIds).toEqual(['d-2', 'd-3', 'd-4']);
    expect(followUp?.enqueuedAt).toBe(1100);
    expect(await store.queue.claim({ owner: 'w1', now: 1500, leaseMs: LEASE })).toBeNull();
    expect(await store.queue.stats()).toEqual({ depth: 0, oldestEnqueuedAt: null, retrying: 0, deadLetters: 0 });
  });

  it('the follow-up waits out its delay, and events during the delay join it without making it earlier', async () => {
    const { store } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'check_run', requests: [pull()], now: 1000 });
    const first = await store.queue.claim({ owner: 'w1', now: 1000, leaseMs: LEASE });
    await store.queue.accept({ deliveryId: 'd-2', event: 'check_run', requests: [pull({ deliveryIds: ['d-2'] })], now: 1010 });

    await store.queue.complete({ key: first!.key, owner: 'w1', now: 1050, followUpDelayMs: 250 });
    await store.queue.accept({ deliveryId: 'd-3', event: 'check_run', requests: [pull({ deliveryIds: ['d-3'] })], now: 1100 });

    expect(await store.queue.claim({ owner: 'w1', now: 1299, leaseMs: LEASE })).toBeNull();
    expect(await store.queue.claim({ owner: 'w1', now: 1300, leaseMs: LEASE })).toMatchObject({ request: { deliveryIds: ['d-2', 'd-3'] } });
  });

  it('a failed item waits for its retry time with its attempt count, merged with newer events', async () => {
    const { store } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });
    const first = await store.queue.claim({ owner: 'w1', now: 1000, leaseMs: LEASE });

    await store.queue.fail({ key: first!.key, owner: 'w1', retryAt: 5000, error: 'GitHub answered 502' });

    expect(await store.queue.claim({ owner: 'w1', now: 4999, leaseMs: LEASE })).toBeNull();
    expect(await store.queue.stats()).toEqual({ depth: 1, oldestEnqueuedAt: 1000, retrying: 1, deadLetters: 0 });
    const retry = await store.queue.claim({ owner: 'w2', now: 5000, leaseMs: LEASE });
    expect(retry).toMatchObject({ attempts: 2, request: { deliveryIds: ['d-1'] } });
  });

  it('a new event makes a failed item ready now', async () => {
    const { store } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });
    const first = await store.queue.claim({ owner: 'w1', now: 1000, leaseMs: LEASE });
    await store.queue.fail({ key: first!.key, owner: 'w1', retryAt: 60_000, error: 'Jira down' });

    await store.queue.accept({ deliveryId: 'd-2', event: 'pull_request', requests: [pull({ deliveryIds: ['d-2'] })], now: 2000 });

    expect(await store.queue.claim({ owner: 'w1', now: 2000, leaseMs: LEASE })).toMatchObject({
      attempts: 2,
      request: { deliveryIds: ['d-1', 'd-2'] },
    });
  });

  it("takes over a dead process's work once its lease expires, and the dead one's late completion changes nothing", async () => {
    const { store, openAnother } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });
    const dead = await store.queue.claim({ owner: 'dead', now: 1000, leaseMs: LEASE });
    const other = await openAnother();

    expect(await other.queue.claim({ owner: 'alive', now: 1000 + LEASE, leaseMs: LEASE })).toBeNull();
    const takenOver = await other.queue.claim({ owner: 'alive', now: 1001 + LEASE, leaseMs: LEASE });
    await store.queue.complete({ key: dead!.key, owner: 'dead', now: 1002 + LEASE });

    expect(takenOver).toMatchObject({ key: dead!.key, attempts: 2, request: { deliveryIds: ['d-1'] } });
    expect(await store.queue.renew({ key: dead!.key, owner: 'dead', now: 1003 + LEASE, leaseMs: LEASE })).toBe(false);
    expect(await other.queue.renew({ key: dead!.key, owner: 'alive', now: 1003 + LEASE, leaseMs: LEASE })).toBe(true);
    expect((await other.queue.stats()).depth).toBe(1);
  });

  it('a release on shutdown makes the work ready for another process without counting an attempt', async () => {
    const { store } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });
    const first = await store.queue.claim({ owner: 'w1', now: 1000, leaseMs: LEASE });

    await store.queue.release({ key: first!.key, owner: 'w1', now: 1100 });

    expect(await store.queue.claim({ owner: 'w2', now: 1100, leaseMs: LEASE })).toMatchObject({ attempts: 1 });
  });

  it('queues PRs and commits under separate keys, and forgets old deliveries', async () => {
    const { store } = await backend.fresh();
    const commit: WorkRequest = {
      kind: 'commit',
      installationId: 1,
      owner: 'acme',
      repo: 'payments',
      sha: 'c'.repeat(40),
      evaluate: true,
      deliveryIds: ['d-1'],
      force: 'none',
      statusWrites: [],
    };
    await store.queue.accept({ deliveryId: 'd-1', event: 'status', requests: [commit, pull()], now: 1000 });
    await store.queue.accept({ deliveryId: 'd-2', event: 'status', requests: [], now: 5000 });

    expect(await store.queue.pruneDeliveries(2000)).toBe(1);
    expect((await store.queue.stats()).depth).toBe(2);
    expect((await store.queue.accept({ deliveryId: 'd-2', event: 'status', requests: [], now: 6000 })).duplicate).toBe(true);
  });

  it.each([
    { case: 'a pending request that is not JSON', column: 'pending', value: '{"kind": "pull", ' },
    { case: 'a running request of an unknown shape', column: 'running', value: '{"kind":"deploy","installationId":1}' },
  ])('moves a row holding $case to the dead letters, and the rest of the queue flows', async ({ column, value }) => {
    const { store, raw } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull({ number: 1 })], now: 1000 });
    await store.queue.accept({
      deliveryId: 'd-2',
      event: 'pull_request',
      requests: [pull({ number: 2, deliveryIds: ['d-2'] })],
      now: 1001,
    });
    const poisoned = (await raw("SELECT key FROM queue_items WHERE key LIKE '%#1'"))[0]?.key as string;
    // A lease that expired, for the running case: as if the process died holding it.
    await raw(
      `UPDATE queue_items SET ${column} = '${value.replace(/'/g, "''")}'${column === 'running' ? ", lease_owner = 'gone', lease_until_ms = 1" : ''} WHERE key = '${poisoned}'`,
    );
    const dead: { key: string; error: string }[] = [];

    const first = await store.queue.claim({ owner: 'w1', now: 2000, leaseMs: LEASE, onDeadLetter: (letter) => dead.push(letter) });
    const next = await store.queue.claim({ owner: 'w2', now: 2000, leaseMs: LEASE });

    expect(first).toMatchObject({ request: { number: 2, deliveryIds: ['d-2'] } });
    expect(next).toBeNull();
    expect(dead).toEqual([{ key: poisoned, error: expect.stringContaining(`${column} cannot be parsed`) }]);
    expect(await store.queue.stats()).toMatchObject({ depth: 1, deadLetters: 1 });
    // Nothing lost: the whole row is kept, with why.
    const [letter] = await raw('SELECT key, row, error FROM queue_dead_letters');
    expect(letter).toMatchObject({ key: poisoned, error: expect.stringContaining('cannot be parsed') });
    expect(JSON.parse(String(letter?.row))).toMatchObject({ key: poisoned, [column]: value });
  });

  it('a new event for a PR whose row cannot be parsed starts it afresh, keeping the old row in the dead letters', async () => {
    const { store, raw } = await backend.fresh();
    await store.queue.accept({ deliveryId: 'd-1', event: 'pull_request', requests: [pull()], now: 1000 });
    await raw("UPDATE queue_items SET pending = 'not json'");

    const accepted = await store.queue.accept({
      deliveryId: 'd-2',
      event: 'pull_request',
      requests: [pull({ deliveryIds: ['d-2'] })],
      now: 1100,
    });
    const claimed = await store.queue.claim({ owner: 'w1', now: 1200, leaseMs: LEASE });

    expect(accepted).toEqual({ duplicate: false, coalesced: 0 });
    expect(claimed).toMatchObject({ request: { deliveryIds: ['d-2'] } });
    expect(await store.queue.stats()).toMatchObject({ deadLetters: 1 });
  });
  it('two commands given together on one PR share one row: both kept, oldest comment first, claimed by one worker', async () => {
    const { store, openAnother } = await backend.fresh();
    const other = await openAnother();
    // Two replicas accept one comment each; the newer comment's webhook arrives first.
    const accepted = await Promise.all([
      other.queue.accept({ deliveryId: 'c-12', event: 'issue_comment', requests: [command(12)], now: 1000 }),
      store.queue.accept({ deliveryId: 'c-11', event: 'issue_comment', requests: [command(11)], now: 1001 }),
    ]);
    const redelivered = await store.queue.accept({ deliveryId: 'c-11', event: 'issue_comment', requests: [command(11)], now: 1002 });

    const claimed = await store.queue.claim({ owner: 'w1', now: 2000, leaseMs: LEASE });

    expect(accepted.map((a) => a.coalesced).sort()).toEqual([0, 1]);
    expect(redelivered.duplicate).toBe(true);
    expect(claimed?.key).toBe('command:acme/payments#7');
    expect(commentIds(claimed)).toEqual([11, 12]);
    expect(await other.queue.claim({ owner: 'w2', now: 2000, leaseMs: LEASE })).toBeNull();
  });

  it('the rest of a list, queued by the worker after its first item, runs next with what arrived meanwhile, in order', async () => {
    const { store, openAnother } = await backend.fresh();
    const other = await openAnother();
    await store.queue.accept({ deliveryId: 's-1', event: 'deployment_status', requests: [deploymentStatus(1)], now: 1000 });
    await store.queue.accept({ deliveryId: 's-2', event: 'deployment_status', requests: [deploymentStatus(2)], now: 1001 });
    const first = await store.queue.claim({ owner: 'w1', now: 1100, leaseMs: LEASE });
    // While status 1 is recorded: status 3 arrives at the other replica, which cannot take the environment.
    await other.queue.accept({ deliveryId: 's-3', event: 'deployment_status', requests: [deploymentStatus(3)], now: 1150 });
    expect(await other.queue.claim({ owner: 'w2', now: 1160, leaseMs: LEASE })).toBeNull();

    // Status 1 done: the worker queues the rest (2), then completes.
    await store.queue.enqueue([deploymentStatus(2)], 1200);
    await store.queue.complete({ key: first!.key, owner: 'w1', now: 1200 });
    const next = await other.queue.claim({ owner: 'w2', now: 1200, leaseMs: LEASE });

    expect(statusIds(first)).toEqual([1, 2]);
    expect(statusIds(next)).toEqual([2, 3]);
    expect(next).toMatchObject({ key: first!.key, attempts: 1 });
  });

  it('a failed item puts its whole list back, the failed one first; another environment is its own row', async () => {
    const { store } = await backend.fresh();
    await store.queue.accept({
      deliveryId: 's-1',
      event: 'deployment_status',
      requests: [deploymentStatus(1), deploymentStatus(2), deploymentStatus(9, 'Staging')],
      now: 1000,
    });
    const first = await store.queue.claim({ owner: 'w1', now: 1000, leaseMs: LEASE });
    const staging = await store.queue.claim({ owner: 'w1', now: 1000, leaseMs: LEASE });

    await store.queue.fail({ key: first!.key, owner: 'w1', retryAt: 5000, error: 'GitHub answered 502' });
    const retry = await store.queue.claim({ owner: 'w2', now: 5000, leaseMs: LEASE });

    expect(statusIds(first)).toEqual([1, 2]);
    expect(staging).toMatchObject({ key: 'deployment-status:acme/payments:staging' });
    expect(statusIds(staging)).toEqual([9]);
    expect(retry).toMatchObject({ key: first!.key, attempts: 2 });
    expect(statusIds(retry)).toEqual([1, 2]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { mergeRequests, parseStoredRequest, workKey, type RecheckAsk, type WorkRequest } from '../../src/store/work-request.js';

type PullWork = Extract<WorkRequest, { kind: 'pull' }>;

function pull(overrides: Partial<PullWork> = {}): PullWork {
  return {
    kind: 'pull',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    number: 7,
    headSha: null,
    deliveryIds: ['d1'],
    force: 'none',
    statusWrites: [],
    ...overrides,
  };
}

function ask(deliveryId: string, by: string): RecheckAsk {
  return {
    deliveryId,
    by,
    comment: { id: Number(deliveryId.slice(1)), url: `https://github.com/acme/payments/pull/7#issuecomment-${deliveryId}` },
  };
}

describe('mergeRequests: rechecks waiting for an evaluation', () => {
  it.each([
    { case: 'none on either', earlier: undefined, later: undefined, merged: undefined },
    { case: 'only on the earlier', earlier: [ask('d1', 'dave')], later: undefined, merged: [ask('d1', 'dave')] },
    { case: 'only on the later', earlier: undefined, later: [ask('d2', 'erin')], merged: [ask('d2', 'erin')] },
    {
      case: 'on both, oldest first',
      earlier: [ask('d1', 'dave')],
      later: [ask('d2', 'erin')],
      merged: [ask('d1', 'dave'), ask('d2', 'erin')],
    },
    { case: 'the same delivery twice', earlier: [ask('d1', 'dave')], later: [ask('d1', 'dave')], merged: [ask('d1', 'dave')] },
  ])('$case', ({ earlier, later, merged }) => {
    const result = mergeRequests(pull({ rechecks: earlier }), pull({ deliveryIds: ['d2'], rechecks: later }));
    expect(result.kind === 'pull' ? result.rechecks : 'not a pull').toEqual(merged);
  });

  it('a row queued before rechecks were queued still parses (no rechecks)', () => {
    const stored = JSON.stringify({
      kind: 'pull',
      installationId: 1,
      owner: 'acme',
      repo: 'payments',
      number: 7,
      headSha: null,
      deliveryIds: ['d1'],
      force: 'none',
      statusWrites: [],
    });
    expect(parseStoredRequest(stored)).toEqual(pull());
  });
});

type CommandWork = Extract<WorkRequest, { kind: 'command' }>;
type DeploymentStatusWork = Extract<WorkRequest, { kind: 'deployment-status' }>;

function command(commentIds: number[], overrides: Partial<CommandWork> = {}): CommandWork {
  return {
    kind: 'command',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    number: 7,
    isPullRequest: true,
    deliveryIds: commentIds.map((id) => `d${id}`),
    force: 'none',
    statusWrites: [],
    asks: commentIds.map((id) => ({
      deliveryId: `d${id}`,
      by: `user${id}`,
      comment: { id, url: `https://github.com/acme/payments/pull/7#issuecomment-${id}` },
      command: { command: 'emergency', reason: `INC-${id}` },
    })),
    ...overrides,
  };
}

function deploymentStatuses(statusIds: number[], overrides: Partial<DeploymentStatusWork> = {}): DeploymentStatusWork {
  return {
    kind: 'deployment-status',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    environment: 'production',
    deliveryIds: statusIds.map((id) => `d${id}`),
    force: 'none',
    statusWrites: [],
    statuses: statusIds.map((id) => ({
      deliveryId: `d${id}`,
      statusId: id,
      deploymentId: 500 + id,
      sha: String(id).repeat(40).slice(0, 40),
      ref: 'main',
      state: 'success',
      at: `2026-11-01T12:00:${String(id).padStart(2, '0')}Z`,
      statusCreator: 'release-bot',
      deploymentCreator: 'release-bot',
      description: null,
    })),
    ...overrides,
  };
}

describe('mergeRequests: commands and deployment statuses are all kept, oldest first', () => {
  it.each([
    { case: 'in the order they were written', earlier: [1], later: [2], merged: [1, 2] },
    { case: 'a later webhook for an older comment', earlier: [3], later: [2], merged: [2, 3] },
    { case: 'the same comment twice (a retry puts the list back)', earlier: [1, 2], later: [2], merged: [1, 2] },
    { case: 'lists interleaved', earlier: [1, 4], later: [2, 3], merged: [1, 2, 3, 4] },
  ])('commands: $case', ({ earlier, later, merged }) => {
    const result = mergeRequests(command(earlier), command(later));
    expect(result.kind === 'command' ? result.asks.map((a) => a.comment.id) : 'not a command').toEqual(merged);
    expect(result.deliveryIds).toEqual([...new Set([...earlier, ...later].map((id) => `d${id}`))]);
  });

  it.each([
    { case: 'in the order they were created', earlier: [10], later: [11], merged: [10, 11] },
    { case: 'a later webhook for an older status', earlier: [12], later: [11], merged: [11, 12] },
    { case: 'the same status twice', earlier: [10, 11], later: [11], merged: [10, 11] },
  ])('deployment statuses: $case', ({ earlier, later, merged }) => {
    const result = mergeRequests(deploymentStatuses(earlier), deploymentStatuses(later));
    expect(result.kind === 'deployment-status' ? result.statuses.map((s) => s.statusId) : 'not statuses').toEqual(merged);
  });
});

describe('workKey: one row per PR or issue for commands, per environment for deployment statuses', () => {
  it.each([
    { case: 'a command', request: command([1]), key: 'command:acme/payments#7' },
    { case: 'a command on another issue', request: command([1], { number: 8, isPullRequest: false }), key: 'command:acme/payments#8' },
    { case: 'a deployment status', request: deploymentStatuses([1]), key: 'deployment-status:acme/payments:production' },
    {
      case: 'environment and repository names ignore case',
      request: deploymentStatuses([1], { owner: 'Acme', repo: 'Payments', environment: 'Production' }),
      key: 'deployment-status:acme/payments:production',
    },
    {
      case: 'another environment',
      request: deploymentStatuses([1], { environment: 'staging' }),
      key: 'deployment-status:acme/payments:staging',
    },
  ])('$case', ({ request, key }) => {
    expect(workKey(request)).toBe(key);
  });

  it('a merge group is one row per group head (a redelivery or a repeat coalesces), apart from its PRs', () => {
    const group = (headSha: string, deliveryIds: string[]): WorkRequest => ({
      kind: 'merge-group',
      installationId: 1,
      owner: 'Acme',
      repo: 'Payments',
      deliveryIds,
      force: 'none',
      statusWrites: [],
      headSha,
      headRef: `refs/heads/gh-readonly-queue/main/pr-7-${'b'.repeat(40)}`,
      baseSha: 'b'.repeat(40),
      baseRef: 'refs/heads/main',
    });
    expect(workKey(group('a'.repeat(40), ['d1']))).toBe(`merge-group:acme/payments@${'a'.repeat(40)}`);
    expect(workKey(group('c'.repeat(40), ['d1']))).not.toBe(workKey(group('a'.repeat(40), ['d1'])));
    expect(workKey(group('a'.repeat(40), ['d1']))).not.toBe(workKey(pull()));
    expect(mergeRequests(group('a'.repeat(40), ['d1']), group('a'.repeat(40), ['d2'])).deliveryIds).toEqual(['d1', 'd2']);
    expect(parseStoredRequest(JSON.stringify(group('a'.repeat(40), ['d1'])))).toEqual(group('a'.repeat(40), ['d1']));
    expect(() => parseStoredRequest(JSON.stringify(group('not-a-sha', ['d1'])))).toThrow();
  });

  it('a command and an evaluation of the same PR are separate rows', () => {
    expect(workKey(command([1]))).not.toBe(workKey(pull()));
  });

  it('a stored command of an unknown name does not parse (the row goes to the dead letters, never runs)', () => {
    const stored = command([1]);
    const bad = { ...stored, asks: [{ ...stored.asks[0], command: { command: 'recheck' } }] };
    expect(() => parseStoredRequest(JSON.stringify(bad))).toThrow();
  });
});

type MergeWork = Extract<WorkRequest, { kind: 'merge' }>;

function mergeWork(overrides: Partial<MergeWork> = {}): MergeWork {
  return {
    kind: 'merge',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    deliveryIds: ['d1'],
    force: 'none',
    statusWrites: [],
    merge: {
      number: 7,
      title: 'PAY-1 rotate keys',
      url: 'https://github.com/acme/payments/pull/7',
      author: 'alice',
      baseRef: 'main',
      headSha: 'a'.repeat(40),
      mergeSha: 'f'.repeat(40),
      mergedBy: 'bob',
      mergedAt: '2026-03-01T10:00:00Z',
    },
    claimSeq: 3,
    recordedBy: 'webhook',
    ...overrides,
  };
}

describe('the merge work kind: one row per merged PR', () => {
  it.each([
    { case: 'a merge', request: mergeWork(), key: 'merge:acme/payments#7' },
    { case: 'repository names ignore case', request: mergeWork({ owner: 'Acme', repo: 'PAYMENTS' }), key: 'merge:acme/payments#7' },
  ])('workKey: $case', ({ request, key }) => {
    expect(workKey(request)).toBe(key);
  });

  it('is a row of its own, apart from the evaluation and the commands of the same PR', () => {
    expect(new Set([workKey(mergeWork()), workKey(pull()), workKey(command([1]))]).size).toBe(3);
  });

  it.each([
    { case: 'a redelivery after the claim (none written again)', earlier: 3, later: null, merged: 3 },
    { case: 'a sweep that found no claim, then the claim', earlier: null, later: 5, merged: 5 },
    { case: 'two claims: the first is the one completed', earlier: 3, later: 9, merged: 3 },
  ])('mergeRequests keeps the claim: $case', ({ earlier, later, merged }) => {
    const result = mergeRequests(mergeWork({ claimSeq: earlier }), mergeWork({ claimSeq: later, deliveryIds: ['d2'] }));
    expect(result.kind === 'merge' ? result.claimSeq : 'not a merge').toBe(merged);
    expect(result.deliveryIds).toEqual(['d1', 'd2']);
  });

  it('mergeRequests: a webhook and a reconciliation sweep for the same merge are recorded as by the webhook', () => {
    const result = mergeRequests(mergeWork(), mergeWork({ recordedBy: 'reconciliation', deliveryIds: [] }));
    expect(result.kind === 'merge' ? result.recordedBy : 'not a merge').toBe('webhook');
  });

  it('round-trips through the stored JSON; a row without the merge facts does not parse', () => {
    expect(parseStoredRequest(JSON.stringify(mergeWork()))).toEqual(mergeWork());
    const { merge: _merge, ...bad } = mergeWork();
    expect(() => parseStoredRequest(JSON.stringify(bad))).toThrow();
  });
});

describe('push work', () => {
  const reported = (deliveryId: string) => ({
    deliveryId,
    branch: 'main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
    sender: 'admin',
    pusher: { name: 'admin', email: null },
    receivedAt: '2026-11-01T12:00:00.000Z',
  });
  const push = (ids: string[], branch = 'main'): WorkRequest => ({
    kind: 'push',
    installationId: 1,
    owner: 'Acme',
    repo: 'Payments',
    branch,
    deliveryIds: ids,
    force: 'none',
    statusWrites: [],
    pushes: ids.map(reported),
  });

  it('is one queue item per branch (repository names ignore case, branch names do not)', () => {
    expect(workKey(push(['d1']))).toBe('push:acme/payments:main');
    expect(workKey(push(['d1'], 'Main'))).not.toBe(workKey(push(['d1'])));
  });

  it('keeps every push, each delivery once, in the order accepted', () => {
    const merged = mergeRequests(push(['d1', 'd2']), push(['d2', 'd3']));
    expect(merged.kind === 'push' && merged.pushes.map((p) => p.deliveryId)).toEqual(['d1', 'd2', 'd3']);
  });

  it('round-trips through the store', () => {
    expect(parseStoredRequest(JSON.stringify(push(['d1'])))).toEqual(push(['d1']));
  });
});

describe('reconciliation work', () => {
  type ReconcileWork = Extract<WorkRequest, { kind: 'reconcile' }>;
  type InstallationWork = Extract<WorkRequest, { kind: 'reconcile-installation' }>;
  const common = { installationId: 1, owner: 'acme', deliveryIds: [], force: 'none' as const, statusWrites: [] };
  const repoSweep = (since: string | null, repo = 'payments'): ReconcileWork => ({ kind: 'reconcile', ...common, repo, since });
  const installationSweep = (since: string | null, repo: string | null): InstallationWork => ({
    kind: 'reconcile-installation',
    ...common,
    since,
    repo,
  });

  it('is one row per repository, and one per installation for the listing, apart from its enforcement sweep', () => {
    expect(workKey(repoSweep(null, 'Payments'))).toBe(workKey(repoSweep('2026-01-01T00:00:00.000Z')));
    expect(workKey(repoSweep(null))).toBe('reconcile:acme/payments');
    expect(workKey(installationSweep(null, null))).toBe('reconcile-installation:1');
  });

  it.each([
    ['two from the watermark stay so', null, null, null],
    ['an asked start wins over the watermark, whichever came first', '2026-01-05T00:00:00.000Z', null, '2026-01-05T00:00:00.000Z'],
    ['the watermark after an asked start keeps it', null, '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z'],
    ['of two asked starts, the earlier covers both', '2026-02-01T00:00:00.000Z', '2026-01-05T00:00:00+02:00', '2026-01-05T00:00:00+02:00'],
  ])('mergeRequests: %s', (_case, earlier, later, since) => {
    expect(mergeRequests(repoSweep(earlier), repoSweep(later))).toMatchObject({ since });
    expect(mergeRequests(installationSweep(earlier, 'payments'), installationSweep(later, 'payments'))).toMatchObject({ since });
  });

  it('mergeRequests: sweeps of two repositories of an installation become one of all its repositories', () => {
    expect(mergeRequests(installationSweep(null, 'payments'), installationSweep(null, 'ledger'))).toMatchObject({ repo: null });
  });

  it('round-trips through the store; a start without its offset does not parse', () => {
    expect(parseStoredRequest(JSON.stringify(repoSweep('2026-01-05T00:00:00.000Z')))).toEqual(repoSweep('2026-01-05T00:00:00.000Z'));
    expect(() => parseStoredRequest(JSON.stringify(repoSweep('2026-01-05T00:00:00')))).toThrow();
  });
});

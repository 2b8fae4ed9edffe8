import { describe, expect, it } from '@jest/globals';
import { mergeRequests, parseStoredRequest, type RecheckAsk, type WorkRequest } from '../../src/store/work-request.js';

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

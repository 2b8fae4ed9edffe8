import { describe, expect, it } from '@jest/globals';
import { CHANGE_MANAGER_RECORD } from '../simulators/index.js';
import { useServiceNowSimulator } from './harness/use-servicenow.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestEvent, pullRequestMergedEvent } from './harness/webhooks.js';

/** `ticket.create` and `ticket.close_on: merge` with `ticket.provider: servicenow` (Table API, change_request). */

const { sn, env: serviceNowEnv } = await useServiceNowSimulator();

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: {
    ...serviceNowEnv,
  },
});

const POLICY = STANDARD_POLICY.replace('  projects: [CHG]', '  provider: servicenow\n  create:\n    project: CHG\n  close_on: merge');

describe('ticket.create (ServiceNow)', () => {
  it('creates one change request with the PR marker as correlation_id, waits for it, passes once approved, closes it on merge', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: POLICY }), { title: 'Rotate the TLS certificates' });
    e2e.makeReady(pr, { ticketStatus: null });

    const first = await e2e.evaluate(pr);
    await e2e.quiet();

    expect(sn.created()).toHaveLength(1);
    const number = sn.created()[0]!;
    const change = sn.change(number)!;
    expect(change).toMatchObject({
      shortDescription: 'Rotate the TLS certificates',
      type: 'normal',
      correlationId: `change-control-pr:acme/${pr.repo}#${pr.number}`,
    });
    expect(first.status.state).toBe('pending');
    expect(first.status.description).toContain(`waiting for approval of ${number} — created for this PR (New)`);
    expect(e2e.github.pullRequest(pr).body).toContain(`Change ticket: ${number} (created by Change Control)`);

    Object.assign(change, { state: 'Scheduled', approval: 'approved' });
    change.approvals.push({ approver: CHANGE_MANAGER_RECORD, state: 'approved', updatedOn: '2026-05-01 10:00:00' });
    const after = await e2e.evaluate(pr, { payload: pullRequestEvent(pr, 'edited') });
    expect(after.status.state).toBe('success');
    expect(after.status.description).toContain(`Ticket ${number} is Scheduled`);
    await e2e.quiet();

    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await e2e.quiet();

    expect(sn.change(number)).toMatchObject({ state: 'Closed', closeCode: 'successful' });
    expect(sn.change(number)?.closeNotes).toContain(`/pull/${pr.number}`);
    expect(sn.created()).toHaveLength(1);
  }, 60_000);
});

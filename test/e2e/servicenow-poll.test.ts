import { describe, expect, it } from '@jest/globals';
import { useServiceNowSimulator } from './harness/use-servicenow.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';

/** The fallback for a ServiceNow call that never came: the app polls the PRs waiting on a change and re-evaluates them. */

const { sn, env: serviceNowEnv } = await useServiceNowSimulator();

const POLL_MS = 1_200;
let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: {
    ...serviceNowEnv,
    // No SERVICENOW_WEBHOOK_SECRET: the route is off, only the poll can re-evaluate.
    SERVICENOW_POLL_MINUTES: String(POLL_MS / 60_000),
  },
});

const POLICY = STANDARD_POLICY.replace('  projects: [CHG]', '  provider: servicenow');

describe('the ServiceNow poll (SERVICENOW_POLL_MINUTES)', () => {
  it('re-evaluates a PR waiting on a change without any call: one ServiceNow read per poll while it waits, then it passes', async () => {
    const change = sn.addChange({ number: 'CHG0050001', state: 'Scheduled', approval: 'requested' });
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: POLICY }), { title: 'CHG0050001: rotate the TLS certificates' });
    e2e.makeReady(pr, { ticketStatus: null });
    const before = await e2e.evaluate(pr);
    expect(before.status).toMatchObject({ state: 'failure', description: 'Ticket CHG0050001: approval "Requested" is pending' });

    // While the change waits, each poll reads it once (the change only: its approvals are read once it is approved).
    await e2e.idle();
    const waiting = sn.requests().length;
    const quietMark = e2e.github.mark();
    await waitFor('two polls to read the waiting change', () => sn.requests().length >= waiting + 2, { timeoutMs: 20_000 });
    const reads = sn.requests().slice(waiting, waiting + 2);
    expect(reads.map((r) => r.path)).toEqual(['/api/now/table/change_request', '/api/now/table/change_request']);
    expect(reads[1]!.at - reads[0]!.at).toBeGreaterThanOrEqual(POLL_MS * 0.9 - 50);
    await e2e.idle();
    // An unchanged verdict is written nowhere: the polls cost GitHub reads only.
    expect(e2e.github.callCounts(quietMark)).toMatchObject({ tokenRequests: 0, restWrites: 0 });

    const mark = e2e.github.mark();
    change.approval = 'approved';
    const after = await e2e.verdict(pr, before.headSha, mark);

    expect(after.status.state).toBe('success');
    expect(after.status.description).toMatch(/^All controls passed: Ticket CHG0050001 is Scheduled/);
  });
});

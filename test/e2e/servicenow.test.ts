import { describe, expect, it } from '@jest/globals';
import { CHANGE_MANAGER_RECORD } from '../simulators/index.js';
import { useServiceNowSimulator } from './harness/use-servicenow.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestMergedEvent } from './harness/webhooks.js';

/** `ticket.provider: servicenow` through the real app, against the ServiceNow simulator (Table API). */

const { sn, env: serviceNowEnv } = await useServiceNowSimulator();

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: {
    ...serviceNowEnv,
  },
});

const POLICY = STANDARD_POLICY.replace('  projects: [CHG]', '  provider: servicenow\n  write_back: true');

describe('ServiceNow change requests', () => {
  it('passes a PR naming an approved, scheduled change, with its approver in the report, and writes a work note on merge', async () => {
    sn.addChange({ number: 'CHG0030001', state: 'Scheduled', approvedBy: [CHANGE_MANAGER_RECORD] });
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: POLICY }), { title: 'CHG0030001: rotate the TLS certificates' });
    e2e.makeReady(pr, { ticketStatus: null });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(status.description).toMatch(/^All controls passed: Ticket CHG0030001 is Scheduled;/);
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain('- Approval (ServiceNow approval Approved): **approved**');
    expect(e2e.jira.requests()).toEqual([]);
    await e2e.quiet();

    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await e2e.quiet();

    const notes = sn.change('CHG0030001')?.workNotes ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`/pull/${pr.number}`);
    expect(notes[0]).toContain('Ticket approved by: cara@acme.test');
  });

  it.each([
    {
      case: 'a change not approved yet',
      change: { state: 'Scheduled', approval: 'requested' },
      description: 'Ticket CHG0030002: approval "Requested" is pending',
    },
    {
      case: 'a change in the wrong state',
      change: { state: 'Assess' },
      description: 'Ticket CHG0030002 is Assess; it needs Scheduled or Implement',
    },
  ])('fails $case', async ({ change, description }) => {
    sn.addChange({ number: 'CHG0030002', ...change });
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: POLICY }), { title: 'CHG0030002: rotate' });
    e2e.makeReady(pr, { ticketStatus: null });

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe(description);
  });

  it('fails a PR naming a change that does not exist', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: POLICY }), { title: 'CHG0039999: rotate' });
    e2e.makeReady(pr, { ticketStatus: null });

    const { status } = await e2e.evaluate(pr);

    expect(status).toMatchObject({ state: 'failure', description: 'Ticket CHG0039999 does not exist in ServiceNow' });
  });

  it('makes the verdict an error when ServiceNow keeps failing', async () => {
    sn.addChange({ number: 'CHG0030003' });
    sn.failNext({ status: 503, count: 3 });
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: POLICY }), { title: 'CHG0030003: rotate' });
    e2e.makeReady(pr, { ticketStatus: null });

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toBe(
      'Cannot evaluate: ServiceNow lookup of CHG0030003 failed: ServiceNow failed to answer for CHG0030003 (HTTP 503) (3 attempts)',
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { CHANGE_MANAGER } from '../simulators/jira/issue-shape.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { OWNER, STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';

/**
 * Cross-system segregation of duties through the real app: who approved the Jira ticket, tied to GitHub by the
 * organisation's people file (read in the one facts query) or by the commits' e-mails, must not have written the PR.
 */

let e2e: E2E;
useE2E((started) => (e2e = started));

const PEOPLE_PATH = '.github/change-control-people.yml';
const ALICE_IN_JIRA = { accountId: '712020:alice', name: 'alice', email: 'alice.smith@acme.test', displayName: 'Alice Smith' };

function withPeople(repo: RepoTarget, people: string): void {
  e2e.github.addRepository({ owner: OWNER, repo: '.github', installationId: repo.installationId, files: { [PEOPLE_PATH]: people } });
}

describe('who approved the ticket', () => {
  it('fails a PR whose ticket its own author approved (people file), and says so in the check run', async () => {
    const repo = e2e.newRepo();
    withPeople(repo, `alice: ${ALICE_IN_JIRA.accountId}\ncara: ${CHANGE_MANAGER.email}\n`);
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-61', author: 'alice' });
    e2e.makeReady(pr, { ticket: 'CHG-61', ticketStatus: 'Awaiting Approval' });
    e2e.jira.setStatus('CHG-61', 'Approved', undefined, ALICE_IN_JIRA);
    const mark = e2e.github.mark();

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe('Ticket CHG-61 was approved by Alice Smith, the PR author');
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('- ❌ Approver Alice Smith &lt;alice.smith@acme.test&gt; is @alice (people file): the PR author');
    expect(summary).toContain(`- Approvers tied to GitHub through ${OWNER}/.github:${PEOPLE_PATH} and commit e-mails`);
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 1, restReads: 0 });
  });

  it('passes with an independent, mapped change manager', async () => {
    const repo = e2e.newRepo();
    withPeople(repo, `cara: ${CHANGE_MANAGER.accountId}\n`);
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-62' });
    e2e.makeReady(pr, { ticket: 'CHG-62' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain(
      '- ✅ Approver Cara Change &lt;cara@acme.test&gt; is @cara (people file): independent of the PR',
    );
  });

  it('blocks an approver tied to no GitHub identity when the policy says unmapped_approver: block', async () => {
    const policy = STANDARD_POLICY.replace('  projects: [CHG]', '  projects: [CHG]\n  unmapped_approver: block');
    const pr = e2e.openPullRequest(e2e.newRepo({ policy }), { ticket: 'CHG-63' });
    e2e.makeReady(pr, { ticket: 'CHG-63' });

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe('Cara Change (approver of CHG-63) is not tied to any GitHub identity');
  });

  it('makes the verdict an error, naming the line, when the people file is broken', async () => {
    const repo = e2e.newRepo();
    withPeople(repo, 'cara: cara@acme.test\nnot a login: x@acme.test\n');
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-64' });
    e2e.makeReady(pr, { ticket: 'CHG-64' });

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toBe(`Cannot evaluate: ${OWNER}/.github:${PEOPLE_PATH}: "not a login" is not a GitHub login (line 2)`);
  });
});

import { describe, expect, it } from '@jest/globals';
import { blobOid } from '../simulators/github/model.js';
import { CONFIG_PATH, OWNER, STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';

/** The organisation floor: set in the org's `.github` repository, a repository's own policy can tighten it, never loosen it. */

let e2e: E2E;
useE2E((started) => (e2e = started));

const FLOOR = ['floor:', '  ticket: {provider: jira, projects: [CHG]}', '  approval: {count: 1}', '  checks: {required: [build]}', ''].join(
  '\n',
);
const ORG_POLICY = `${STANDARD_POLICY}${FLOOR}`;
/** A repository policy that would switch every control off. */
const LOOSENING_POLICY = ['ticket:', '  provider: none', 'approval:', '  count: 0', ''].join('\n');
const LOOSENED = [
  "- ticket.provider none would switch off the ticket control: the floor's jira applies",
  '- approval.count 0 is below the organisation floor 1: 1 applies',
  '- checks.required lacks build: added',
].join('\n');

function withOrgFloor(repo: RepoTarget, policy = ORG_POLICY): void {
  e2e.github.addRepository({ owner: OWNER, repo: '.github', installationId: repo.installationId, files: { [CONFIG_PATH]: policy } });
}

describe('a repository policy that loosens the organisation floor', () => {
  it('is judged by the floor, and the check run lists each loosening attempt', async () => {
    const repo = e2e.newRepo({ policy: LOOSENING_POLICY });
    withOrgFloor(repo);
    const pr = e2e.openPullRequest(repo, { title: 'Tidy up without a ticket' });

    const { status, checkRun } = await e2e.evaluate(pr);

    // Under the repository's own file this would pass: no ticket, approval or check is needed there.
    expect(status.state).toBe('failure');
    expect(status.description).toBe('No CHG ticket in the title, branch or body');
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('| Segregation of duties | ⏳ Needs 1 more independent approval on');
    expect(summary).toContain('| Required checks | ⏳ Waiting for build |');
    expect(summary).toContain(
      [
        '### Organisation floor: 3 settings below it; the floor applies',
        '',
        `Floor: \`${OWNER}/.github:${CONFIG_PATH}@${blobOid(ORG_POLICY).slice(0, 7)}\``,
        '',
        LOOSENED,
      ].join('\n'),
    );
    expect(checkRun?.output.text).toContain(`Policy: \`${OWNER}/${repo.repo}:${CONFIG_PATH}@${blobOid(LOOSENING_POLICY).slice(0, 7)}\``);
  });

  it('passes once the floor’s controls pass: the Jira ticket is looked up although the repository switched tickets off', async () => {
    const repo = e2e.newRepo({ policy: LOOSENING_POLICY });
    withOrgFloor(repo);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(status.description).toMatch(/^All controls passed: Ticket CHG-1 is Approved; Approved on [0-9a-f]{7} by bob; Passed: build$/);
    // The issue, then its history: who approved it.
    expect(e2e.jira.requests().map((r) => r.path)).toEqual([
      expect.stringMatching(/\/issue\/CHG-1$/),
      expect.stringMatching(/\/issue\/CHG-1\/changelog$/),
    ]);
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain(LOOSENED);
  });

  it('costs no extra read: both files come in the one query, and the floor’s team rule needs no file list', async () => {
    const repo = e2e.newRepo({ policy: LOOSENING_POLICY });
    withOrgFloor(repo, ORG_POLICY.replace('approval: {count: 1}', 'approval: {count: 1, teams: [acme/release-managers]}'));
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    const mark = e2e.github.mark();

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('pending');
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 1, restReads: 0 });
    expect(e2e.github.fileReads()).toEqual([
      expect.objectContaining({ repo: `${OWNER}/${repo.repo}`, onDefaultBranch: true, path: CONFIG_PATH }),
      expect.objectContaining({ repo: `${OWNER}/.github`, onDefaultBranch: true, path: CONFIG_PATH }),
      // The organisation's people file (cross-system segregation of duties) comes in the same query.
      expect.objectContaining({ repo: `${OWNER}/.github`, onDefaultBranch: true, path: '.github/change-control-people.yml' }),
    ]);
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toMatch(
      /- ⏳ `approval.rules\[0\]`: 0\/1 independent approval from acme\/release-managers for \*\* \(every change\) on [0-9a-f]{7}/,
    );
    expect(summary).toContain(
      "- approval.teams is empty (anyone may approve), outside the organisation floor's acme/release-managers: the floor's requirement is added as approval.rules[0] (both must be met)",
    );
  });
});

describe('failing closed', () => {
  it('a floor in a repository’s own file is an error naming its line', async () => {
    const repo = e2e.newRepo({ policy: `${STANDARD_POLICY}floor:\n  approval: {count: 0}\n` });
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain(
      `- ${OWNER}/${repo.repo}:${CONFIG_PATH}: floor can only be set in the organisation's .github repository (line 7)`,
    );
    expect(e2e.jira.requests()).toEqual([]);
  });

  it('an invalid organisation file fails a repository with a valid file of its own: its floor is unknown', async () => {
    const repo = e2e.newRepo({ policy: STANDARD_POLICY });
    withOrgFloor(repo, `${STANDARD_POLICY}floor:\n  approval: {count: many}\n`);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain(`- ${OWNER}/.github:${CONFIG_PATH}: floor.approval.count must be a whole number ≥ 0, got "many" (line 8)`);
    expect(summary).toContain(`Fix ${OWNER}/.github:${CONFIG_PATH} on its default branch.`);
  });
});

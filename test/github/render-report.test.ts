import { describe, it, expect } from '@jest/globals';
import { renderReport } from '../../src/github/render-report.js';
import type { ChangeControlConfig } from '../../src/policy/config-schema.js';
import { errorVerdict, evaluate } from '../../src/policy/evaluate.js';
import type { PullRequestFacts, TeamMembers, TicketLookup } from '../../src/policy/facts.js';
import type { TicketKeySearch } from '../../src/policy/find-ticket-keys.js';
import type { Verdict } from '../../src/policy/verdict.js';
import {
  aCheck,
  aCommit,
  aConfig,
  aFoundTicket,
  aKeySearch,
  aMissingTicket,
  aPullRequest,
  aChangedFile,
  aPush,
  aReview,
  aRule,
  bot,
  gitIdentity,
  HEAD_SHA,
  MERGE_SHA,
  MID_SHA,
  NOW,
  OLD_SHA,
  POLICY,
} from '../policy/builders.js';

const RUNS = 'https://github.com/acme/payments/runs';

function verdictOf(
  input: {
    config?: ChangeControlConfig;
    pr?: Partial<PullRequestFacts>;
    search?: Partial<TicketKeySearch>;
    lookup?: TicketLookup | null;
    teamMembers?: TeamMembers;
    now?: Date;
  } = {},
): Verdict {
  return evaluate({
    config: input.config ?? aConfig({ checks: ['build', 'test'] }),
    policy: POLICY,
    pr: aPullRequest({
      checks: [aCheck('build', 'success'), aCheck('test', 'success', { kind: 'status', raw: 'SUCCESS', url: null })],
      ...input.pr,
    }),
    ticketSearch: aKeySearch(input.search),
    ticketLookups: input.lookup === undefined ? [aFoundTicket()] : input.lookup === null ? [] : [input.lookup],
    teamMembers: input.teamMembers ?? {},
    now: input.now ?? NOW,
  });
}

/** Every control passes. */
const PASSING = verdictOf();

/** Every control blocks: the ticket awaits approval, only the author and a stale reviewer approved, a reviewer with write access requested changes, checks are mixed. */
const BLOCKED = verdictOf({
  config: aConfig({ checks: ['build', 'test', 'deploy-preview'] }),
  pr: {
    reviews: [aReview('alice', 'APPROVED'), aReview('bob', 'APPROVED', { commitSha: OLD_SHA }), aReview('erin', 'CHANGES_REQUESTED')],
    checks: [aCheck('build', 'failure'), aCheck('deploy-preview', 'pending')],
  },
  lookup: aFoundTicket({ status: 'Awaiting Approval', issueType: 'Standard Change' }),
});

const ERROR = errorVerdict({
  pullRequest: { owner: 'acme', repo: 'payments', number: 42, headSha: HEAD_SHA, url: 'https://github.com/acme/payments/pull/42' },
  policy: POLICY,
  errors: ['Jira answered 503 for CHG-12', 'acme/payments:.github/change-control.yml: approval.count must be a whole number ≥ 0 (line 2)'],
  nextStep: 'Re-run the check when Jira is back.',
  now: NOW,
});

describe('renderReport: the report of a verdict', () => {
  it.each<{ name: string; verdict: Verdict; title: string }>([
    {
      name: 'passing',
      verdict: PASSING,
      title: 'Ready to merge: All controls passed: Ticket CHG-12 is Approved; Approved on c0ffee1 by bob; Passed: build, test',
    },
    {
      name: 'blocked',
      verdict: BLOCKED,
      title: 'Blocked: Ticket CHG-12 is Awaiting Approval; it needs Approved; Changes requested by erin; Failed: build',
    },
    { name: 'waiting', verdict: verdictOf({ pr: { reviews: [] } }), title: 'Waiting: Needs 1 more independent approval on c0ffee1' },
    { name: 'not evaluated', verdict: ERROR, title: 'Cannot evaluate: Jira answered 503 for CHG-12' },
  ])('titles a $name verdict with its state and description', ({ verdict, title }) => {
    // Act
    const report = renderReport(verdict);

    // Assert
    expect(report.title).toBe(title);
    expect(report.text).toBe(`Policy: \`acme/payments:.github/change-control.yml@f00dcaf\` · head \`${HEAD_SHA}\``);
  });

  it.each<{ section: string; line: string }>([
    { section: 'overview', line: '| Control | Result |\n| --- | --- |\n| Change ticket | ✅ Ticket CHG-12 is Approved |' },
    { section: 'overview', line: '| Segregation of duties | ✅ Approved on c0ffee1 by bob |' },
    { section: 'overview', line: '| Required checks | ✅ Passed: build, test |' },
    { section: 'ticket', line: '### ✅ Change ticket: Ticket CHG-12 is Approved' },
    { section: 'ticket', line: '- Key: **CHG-12** (found in the PR title)' },
    { section: 'ticket', line: '- Jira: [CHG-12](https://acme.atlassian.net/browse/CHG-12): Rotate the card vault key' },
    { section: 'ticket', line: '- Status: **Approved** (approved statuses: Approved)' },
    { section: 'ticket', line: '- Type: Change' },
    { section: 'approval', line: '### ✅ Segregation of duties: Approved on c0ffee1 by bob' },
    { section: 'approval', line: '- ✅ `approval`: 1/1 independent approval on c0ffee1' },
    { section: 'approval', line: '- PR author: @alice; contributors: @alice (authored c0ffee1)' },
    { section: 'approval', line: '- ✅ @bob approved c0ffee1 at 2024-05-02T10:00:00Z' },
    { section: 'checks', line: '### ✅ Required checks: Passed: build, test' },
    { section: 'checks', line: 'Head commit c0ffee1:' },
    { section: 'checks', line: `| [build](${RUNS}/build) | success | check run COMPLETED/SUCCESS |` },
    { section: 'checks', line: '| test | success | status SUCCESS |' },
  ])('shows passing $section evidence: $line', ({ line }) => {
    // Act
    const { summary } = renderReport(PASSING);

    // Assert
    expect(summary).toContain(line);
  });

  it('has no next steps when every control passes', () => {
    // Act
    const { summary } = renderReport(PASSING);

    // Assert
    expect(summary).not.toContain('**Next:**');
  });

  it.each<{ section: string; line: string }>([
    { section: 'overview', line: '| Change ticket | ❌ Ticket CHG-12 is Awaiting Approval; it needs Approved |' },
    { section: 'ticket', line: '### ❌ Change ticket: Ticket CHG-12 is Awaiting Approval; it needs Approved' },
    { section: 'ticket', line: '- Status: **Awaiting Approval** (approved statuses: Approved)' },
    { section: 'ticket', line: '- Type: Standard Change' },
    { section: 'ticket', line: '**Next:** Get CHG-12 moved to Approved in Jira, then re-run the check.' },
    { section: 'overview', line: '| Segregation of duties | ❌ Changes requested by erin |' },
    { section: 'approval', line: '### ❌ Segregation of duties: Changes requested by erin' },
    { section: 'approval', line: '- ⏳ `approval`: 0/1 independent approval on c0ffee1' },
    { section: 'approval', line: '- ➖ @alice not counted: is the PR author' },
    { section: 'approval', line: '- ➖ @bob not counted: approved bada551, before the last push to c0ffee1' },
    { section: 'approval', line: '- ✋ @erin requested changes (blocks until they approve or the review is dismissed)' },
    { section: 'approval', line: '**Next:** Address the requested changes; erin must approve, or the review must be dismissed.' },
    { section: 'checks', line: '### ❌ Required checks: Failed: build' },
    { section: 'checks', line: `| [build](${RUNS}/build) | failure | check run COMPLETED/FAILURE |` },
    { section: 'checks', line: '| test | missing | not reported |' },
    { section: 'checks', line: `| [deploy-preview](${RUNS}/deploy-preview) | pending | check run IN_PROGRESS |` },
    { section: 'checks', line: '**Next:** Fix build and push, or re-run it if the failure was flaky.' },
  ])('shows blocking $section evidence and next steps: $line', ({ line }) => {
    // Act
    const { summary } = renderReport(BLOCKED);

    // Assert
    expect(summary).toContain(line);
  });

  it.each<{ name: string; verdict: Verdict; lines: string[] }>([
    {
      name: 'no ticket key, with keys of other projects',
      verdict: verdictOf({ search: { key: null, source: null, otherProjectKeys: ['UTF-8', 'SHA-256'] }, lookup: null }),
      lines: [
        '- Key: none found',
        '- Not tickets of this policy: UTF-8, SHA-256',
        "**Next:** Put the approved change ticket's key \\(CHG-123\\)",
      ],
    },
    {
      name: 'a key Jira does not know',
      verdict: verdictOf({ search: { key: 'CHG-99' }, lookup: aMissingTicket('CHG-99') }),
      lines: ['- Key: **CHG-99** (found in the PR title)', '- Jira: [CHG-99](https://acme.atlassian.net/browse/CHG-99) was not found'],
    },
    {
      name: 'the ticket control switched off',
      verdict: verdictOf({ config: aConfig({ ticket: { provider: 'none', projects: [] } }), lookup: null }),
      lines: [
        '### ✅ Change ticket: Ticket control is off \\(ticket.provider: none\\)',
        '- Ticket provider: none (control switched off by the policy)',
      ],
    },
    {
      name: 'a commit author not tied to a GitHub user',
      verdict: verdictOf({ pr: { commits: [aCommit(null, { identities: [gitIdentity('author', null, 'ghost@example.com')] })] } }),
      lines: [
        '### ❌ Segregation of duties: Commit c0ffee1 has an author \\(ghost@example.com\\) not tied to a GitHub user',
        '- ⚠️ Commit c0ffee1: author Unknown Person &lt;ghost@example.com&gt; is not tied to a GitHub user\n',
        '**Next:** Independence cannot be proven',
      ],
    },
    {
      name: 'approval teams and no approvals yet',
      verdict: verdictOf({ config: aConfig({ approval: { count: 2, teams: ['acme/release'] } }), pr: { reviews: [] } }),
      lines: ['- ⏳ `approval`: 0/2 independent approvals from acme/release on c0ffee1', '- No approvals yet'],
    },
    {
      name: 'no required checks',
      verdict: verdictOf({ config: aConfig({ checks: [] }) }),
      lines: ['### ✅ Required checks: No checks required', '- No checks are required by the policy'],
    },
    {
      name: 'an evaluation that could not be made',
      verdict: ERROR,
      lines: [
        '**The evaluation could not be made, so the change may not merge.**',
        '- Jira answered 503 for CHG-12',
        '- acme/payments:.github/change-control.yml: approval.count must be a whole number ≥ 0 \\(line 2\\)',
        '**Next:** Re-run the check when Jira is back.',
      ],
    },
  ])('shows the evidence of $name', ({ verdict, lines }) => {
    // Act
    const { summary } = renderReport(verdict);

    // Assert
    for (const line of lines) expect(summary).toContain(line);
  });
});

const RELEASE = 'acme/release-managers';
/** alice's commit, then erin's commit (3f2a1c9) and alice's head; dave pushed the head. */
const SHARED_WORK: Partial<PullRequestFacts> = {
  commits: [aCommit('alice', { sha: OLD_SHA }), aCommit('erin', { sha: MID_SHA }), aCommit('alice')],
  pushers: [aPush('dave')],
};
const GHOST = [aCommit('alice', { identities: [gitIdentity('author', null, 'ghost@example.com'), gitIdentity('committer', 'alice')] })];
const LEDGER_FILES = ['src/ledger/a.ts', 'src/ledger/b.ts', 'src/ledger/c.ts', 'src/ledger/d.ts', 'src/ledger/e.ts', 'src/ledger/f.ts'].map(
  (p) => aChangedFile(p),
);

describe('renderReport: segregation of duties evidence', () => {
  it.each<{ name: string; verdict: Verdict; lines: string[] }>([
    {
      name: 'the PR author and each contributor with why',
      verdict: verdictOf({ pr: SHARED_WORK }),
      lines: ['- PR author: @alice; contributors: @alice (authored bada551), @dave (pushed c0ffee1), @erin (authored 3f2a1c9)'],
    },
    {
      name: 'a PR author who wrote no commit, and no contributors',
      verdict: verdictOf({ pr: { commits: [aCommit('web-flow', { committedViaWeb: true })] } }),
      lines: ['- PR author: @alice\n'],
    },
    {
      name: 'a counted approval and an ignored contributor',
      verdict: verdictOf({
        pr: {
          commits: [aCommit('alice', { identities: [gitIdentity('author', 'alice'), gitIdentity('committer', 'erin')] })],
          reviews: [aReview('bob', 'APPROVED'), aReview('erin', 'APPROVED')],
        },
      }),
      lines: ['- ✅ @bob approved c0ffee1 at 2024-05-02T10:00:00Z', '- ➖ @erin not counted: committed c0ffee1'],
    },
    {
      name: 'a contributor by an earlier commit',
      verdict: verdictOf({ pr: { ...SHARED_WORK, reviews: [aReview('erin', 'APPROVED')] } }),
      lines: ['- ➖ @erin not counted: authored 3f2a1c9', '### ⏳ Segregation of duties: Needs 1 more independent approval on c0ffee1'],
    },
    {
      name: 'an approval before the last push',
      verdict: verdictOf({ pr: { reviews: [aReview('bob', 'APPROVED', { commitSha: MERGE_SHA })] } }),
      lines: ['- ➖ @bob not counted: approved 1a2b3c4, before the last push to c0ffee1'],
    },
    {
      name: 'a bot approval',
      verdict: verdictOf({ pr: { reviews: [aReview('renovate[bot]', 'APPROVED', { reviewer: bot('renovate[bot]') })] } }),
      lines: ['- ➖ @renovate[bot] not counted: bots cannot approve'],
    },
    {
      name: 'an approval without write access',
      verdict: verdictOf({ pr: { reviews: [aReview('bob', 'APPROVED', { reviewerCanPush: false })] } }),
      lines: ['- ➖ @bob not counted: has no write access to the repository'],
    },
    {
      name: 'an approval from outside the required team',
      verdict: verdictOf({ config: aConfig({ approval: { teams: [RELEASE] } }), teamMembers: { [RELEASE]: ['carol'] } }),
      lines: [
        '- ➖ @bob not counted: not in acme/release-managers',
        '- ⏳ `approval`: 0/1 independent approval from acme/release-managers on c0ffee1',
        '**Next:** Ask a reviewer from acme/release-managers with write access who did not write, commit or push to this PR to approve the current head commit c0ffee1.',
      ],
    },
    {
      name: 'a met and an unmet path rule',
      verdict: verdictOf({
        config: aConfig({ approval: { rules: [aRule(['src/ledger/**'], { count: 2, teams: [RELEASE] })] } }),
        pr: { changedFiles: [aChangedFile('src/ledger/post.ts')], reviews: [aReview('carol', 'APPROVED')] },
        teamMembers: { [RELEASE]: ['carol'] },
      }),
      lines: [
        '- ✅ `approval`: 1/1 independent approval on c0ffee1',
        '- ⏳ `approval.rules[0]`: 1/2 independent approvals from acme/release-managers for src/ledger/\\*\\* (matched src/ledger/post.ts) on c0ffee1',
        '### ⏳ Segregation of duties: Needs 1 more independent approval from acme/release-managers for src/ledger/\\*\\* on c0ffee1',
      ],
    },
    {
      name: 'a path rule matching many files (the first five shown)',
      verdict: verdictOf({ config: aConfig({ approval: { rules: [aRule(['src/ledger/**'])] } }), pr: { changedFiles: LEDGER_FILES } }),
      lines: [
        '- ✅ `approval.rules[0]`: 1/1 independent approval for src/ledger/\\*\\* (matched src/ledger/a.ts, src/ledger/b.ts, src/ledger/c.ts, src/ledger/d.ts, src/ledger/e.ts, …) on c0ffee1',
      ],
    },
    {
      name: 'blocking and non-blocking requests for changes',
      verdict: verdictOf({
        pr: {
          reviews: [
            aReview('bob', 'APPROVED'),
            aReview('erin', 'CHANGES_REQUESTED'),
            aReview('frank', 'CHANGES_REQUESTED', { reviewerCanPush: false }),
          ],
        },
      }),
      lines: [
        '- ✋ @erin requested changes (blocks until they approve or the review is dismissed)',
        '- ✋ @frank requested changes (no write access: does not block)',
        '### ❌ Segregation of duties: Changes requested by erin',
      ],
    },
    {
      name: 'only a non-blocking request for changes',
      verdict: verdictOf({
        pr: { reviews: [aReview('bob', 'APPROVED'), aReview('frank', 'CHANGES_REQUESTED', { reviewerCanPush: false })] },
      }),
      lines: [
        '### ✅ Segregation of duties: Approved on c0ffee1 by bob',
        '- ✋ @frank requested changes (no write access: does not block)',
      ],
    },
    {
      name: 'an approval withdrawn by a request for changes',
      verdict: verdictOf({
        pr: { reviews: [aReview('erin', 'APPROVED'), aReview('erin', 'CHANGES_REQUESTED', { submittedAt: '2024-05-02T11:00:00Z' })] },
      }),
      lines: ['- ➖ @erin not counted: approval was followed by a request for changes \\(2024-05-02T11:00:00Z\\)'],
    },
    {
      name: 'an unattributed identity that blocks',
      verdict: verdictOf({ pr: { commits: GHOST } }),
      lines: [
        '### ❌ Segregation of duties: Commit c0ffee1 has an author \\(ghost@example.com\\) not tied to a GitHub user',
        '- ⚠️ Commit c0ffee1: author Unknown Person &lt;ghost@example.com&gt; is not tied to a GitHub user\n',
      ],
    },
    {
      name: 'an unattributed identity allowed by the policy',
      verdict: verdictOf({
        config: aConfig({ checks: ['build', 'test'], approval: { unattributed_commits: 'allow' } }),
        pr: { commits: GHOST },
      }),
      lines: [
        '### ✅ Segregation of duties: Approved on c0ffee1 by bob',
        '- ⚠️ Commit c0ffee1: author Unknown Person &lt;ghost@example.com&gt; is not tied to a GitHub user (allowed by approval.unattributed_commits)',
      ],
    },
  ])('shows $name', ({ verdict, lines }) => {
    // Act
    const { summary } = renderReport(verdict);

    // Assert
    for (const line of lines) expect(summary).toContain(line);
  });
});

describe('renderReport: user text is inert', () => {
  it.each<{ name: string; verdict: Verdict; raw: string; escaped: string }>([
    {
      name: 'a script tag in the Jira summary',
      verdict: verdictOf({ lookup: aFoundTicket({ summary: 'Fix <script>alert(1)</script>' }) }),
      raw: '<script>',
      escaped: 'Fix &lt;script&gt;alert\\(1\\)&lt;/script&gt;',
    },
    {
      name: 'a markdown link in the Jira summary',
      verdict: verdictOf({ lookup: aFoundTicket({ summary: 'Click [x](y)' }) }),
      raw: '[x](y)',
      escaped: 'Click \\[x\\]\\(y\\)',
    },
    {
      name: 'an image and table pipes in the Jira summary',
      verdict: verdictOf({ lookup: aFoundTicket({ summary: '| a | ![i](https://evil.test/i.png)' }) }),
      raw: '![i]',
      escaped: '\\| a \\| \\!\\[i\\]\\(https://evil.test/i.png\\)',
    },
    {
      name: 'a line break and heading in the Jira summary',
      verdict: verdictOf({ lookup: aFoundTicket({ summary: 'Fix\n## ✅ All clear' }) }),
      raw: '\n## ✅ All clear',
      escaped: 'Fix \\#\\# ✅ All clear',
    },
    {
      name: 'HTML in a Jira status (summary heading, table and evidence)',
      verdict: verdictOf({ lookup: aFoundTicket({ status: '<img src=x onerror=alert(1)>' }) }),
      raw: '<img',
      escaped: '| Change ticket | ❌ Ticket CHG-12 is &lt;img src=x onerror=alert\\(1\\)&gt;; it needs Approved |',
    },
    {
      name: 'emphasis in a Jira issue type',
      verdict: verdictOf({ lookup: aFoundTicket({ issueType: '**Change**' }) }),
      raw: '**Change**',
      escaped: '- Type: \\*\\*Change\\*\\*',
    },
    {
      name: 'HTML in a git email of an unknown commit author',
      verdict: verdictOf({
        pr: {
          commits: [
            aCommit(null, { identities: [{ role: 'author', login: null, name: '<b>Mallory</b>', email: 'img src=x onerror=alert(1)' }] }),
          ],
        },
      }),
      raw: '<img',
      escaped: 'author &lt;b&gt;Mallory&lt;/b&gt; &lt;img src=x onerror=alert\\(1\\)&gt; is not tied',
    },
    {
      name: 'HTML in an error',
      verdict: errorVerdict({
        pullRequest: { owner: 'acme', repo: 'payments', number: 42, headSha: HEAD_SHA, url: 'https://github.com/acme/payments/pull/42' },
        policy: null,
        errors: ['Jira said <script>x</script>'],
        nextStep: 'Re-run the check.',
        now: NOW,
      }),
      raw: '<script>',
      escaped: '- Jira said &lt;script&gt;x&lt;/script&gt;',
    },
  ])('escapes $name', ({ verdict, raw, escaped }) => {
    // Act
    const { summary } = renderReport(verdict);

    // Assert
    expect(summary).not.toContain(raw);
    expect(summary).toContain(escaped);
  });
});

describe('renderReport: deterministic', () => {
  it.each<{ name: string; verdict: Verdict }>([
    { name: 'passing', verdict: PASSING },
    { name: 'blocked', verdict: BLOCKED },
    { name: 'not evaluated', verdict: ERROR },
  ])('renders a $name verdict the same way twice, and from a copy of it', ({ verdict }) => {
    // Act
    const first = renderReport(verdict);
    const second = renderReport(structuredClone(verdict));

    // Assert
    expect(second).toEqual(first);
  });

  it('does not depend on when the verdict was evaluated', () => {
    // Arrange
    const later = verdictOf({ now: new Date('2024-06-30T23:59:59.000Z') });

    // Act
    const report = renderReport(later);

    // Assert
    expect(report).toEqual(renderReport(PASSING));
  });
});

describe('renderReport on a public repository', () => {
  const secretsOfTheTicket = ['Rotate the card vault key', 'Cara Change', 'cara@acme.test', 'https://', 'Awaiting Approval → Approved'];

  it.each<{ name: string; lookup?: TicketLookup; shows: string }>([
    { name: 'an approved ticket', shows: '- Key: **CHG-12** (found in the PR title): status **Approved**' },
    {
      name: 'a ticket awaiting approval',
      lookup: aFoundTicket({ status: 'Awaiting Approval' }),
      shows: '- Key: **CHG-12** (found in the PR title): status **Awaiting Approval**',
    },
    { name: 'a missing ticket', lookup: aMissingTicket(), shows: '- Key: **CHG-12** (found in the PR title): not found' },
  ])('shows $name by key and status only, never its content or who approved it', ({ lookup, shows }) => {
    const verdict = verdictOf({ pr: { visibility: 'public' }, ...(lookup ? { lookup } : {}) });

    const report = renderReport(verdict);
    const ticketSection = report.summary.split('\n### ').find((part) => part.includes('Change ticket:')) ?? '';

    expect(ticketSection).toContain(shows);
    expect(ticketSection).toContain('`report.ticket_details: true` shows them');
    for (const secret of secretsOfTheTicket) expect(ticketSection).not.toContain(secret);
  });

  it('shows the details with report.ticket_details: true, and on private repositories', () => {
    const config = { ...aConfig({ checks: ['build', 'test'] }), report: { ticket_details: true } };
    const opted = renderReport(verdictOf({ config, pr: { visibility: 'public' } })).summary;
    const privateRepo = renderReport(verdictOf({ pr: { visibility: 'private' } })).summary;

    for (const summary of [opted, privateRepo]) expect(summary).toContain('Rotate the card vault key');
  });
});

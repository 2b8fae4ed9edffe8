import { deploymentEvent, deploymentProtectionRuleEvent, deploymentStatusEvent } from '../../test/e2e/harness/deployment-webhooks.js';
import { CONFIG_PATH, STANDARD_POLICY, type E2E, type RepoTarget } from '../../test/e2e/harness/start-e2e.js';
import { waitFor } from '../../test/e2e/harness/wait.js';
import { issueCommentEvent, pullRequestMergedEvent, type PullTarget } from '../../test/e2e/harness/webhooks.js';

/**
 * The demo's history, built the only honest way: every record is written by the real app, evaluating the
 * webhooks it is sent against the simulated GitHub and Jira — nothing is inserted into its store.
 *
 * What is simulated: GitHub's clock. The simulator stamps commits, reviews, checks and merges from a clock the
 * demo moves through the past four weeks, so each merge (and so the dashboard's period, weeks and chart) falls on
 * its day. Entries the app stamps itself (verdicts, emergency authorisation, retrospective approval, deployment)
 * carry the real time at which the demo ran: the app's clock is never faked.
 */

const DAY_MS = 86_400_000;

export const DEMO_ORG = 'acme';
/** The team allowed into the dashboard (DASHBOARD_TEAMS) and its member, the person the demo signs in as. */
export const DASHBOARD_TEAM = 'acme/compliance';
export const AUDITOR = 'audrey';

const POLICY = `${STANDARD_POLICY}emergency:\n  teams: [acme/incident-commanders]\n  reviewers: [acme/change-reviewers]\n  review_within_hours: 72\ndeployments:\n  environments: [production]\n`;

export interface SeedSummary {
  repositories: string[];
  merged: number;
  bypass: string;
  emergency: string;
  deployment: string;
  /** Up to which time the simulated history runs (the last merge). */
  until: string;
}

interface Change {
  repo: RepoTarget;
  /** Days before today at which it merges. */
  daysAgo: number;
  ticket: string;
  title: string;
  author: string;
  reviewer: string;
}

/** Runs the demo's history through the app; resolves once the app has recorded all of it. */
export async function seedHistory(e2e: E2E, now: Date): Promise<SeedSummary> {
  const { github, jira } = e2e;
  github.addTeam({ org: DEMO_ORG, slug: 'compliance', members: [AUDITOR] });
  github.addTeam({ org: DEMO_ORG, slug: 'incident-commanders', members: ['carol'] });
  github.addTeam({ org: DEMO_ORG, slug: 'change-reviewers', members: ['erin'] });
  const payments: RepoTarget = { owner: DEMO_ORG, repo: 'payments', installationId: 1 };
  const ledger: RepoTarget = { owner: DEMO_ORG, repo: 'ledger', installationId: 1 };
  const at = (daysAgo: number, hour: number) => {
    const day = new Date(now.getTime() - daysAgo * DAY_MS);
    day.setUTCHours(hour, 0, 0, 0);
    return day;
  };
  github.advanceClockTo(at(29, 8));
  for (const repo of [payments, ledger])
    github.addRepository({ ...repo, files: { 'README.md': `# ${repo.repo}\n`, [CONFIG_PATH]: POLICY } });
  // What production ran before the app gated it (GitHub knows it; no webhook).
  const before = github.createDeployment({
    ...payments,
    environment: 'production',
    sha: github.defaultBranchHead(payments),
    creator: 'release-bot',
  });
  github.addDeploymentStatus({ ...payments, deploymentId: before.id, state: 'success' });

  let ticket = 100;
  const change = (repo: RepoTarget, daysAgo: number, title: string, author: string, reviewer: string): Change => ({
    repo,
    daysAgo,
    ticket: `CHG-${++ticket}`,
    title,
    author,
    reviewer,
  });
  const approved: Change[] = [
    change(payments, 27, 'Retry card authorisations on gateway timeouts', 'alice', 'bob'),
    change(ledger, 25, 'Close the month in UTC, not server time', 'dan', 'bob'),
    change(payments, 22, 'Mask card numbers in the refund log', 'bob', 'alice'),
    change(ledger, 20, 'Reconcile FX rates daily', 'alice', 'dan'),
    change(payments, 15, 'Upgrade the PSP SDK to 4.2', 'dan', 'alice'),
    change(ledger, 13, 'Add the journal export for the auditors', 'bob', 'dan'),
  ];
  const later: Change[] = [
    change(payments, 6, 'Idempotency keys on payouts', 'alice', 'bob'),
    change(ledger, 3, 'Index the postings by period', 'dan', 'alice'),
  ];

  let merged = 0;
  for (const c of approved) {
    await approvedChange(e2e, c, at(c.daysAgo, 10));
    merged += 1;
  }

  // An emergency change: the fix goes in before anyone could review it; carol authorises it, erin approves it afterwards.
  github.advanceClockTo(at(10, 2));
  jira.addIssue({ key: 'CHG-200', status: 'Approved', summary: 'Payments outage INC-4711' });
  const hotfix = openPullRequest(e2e, payments, { ticket: 'CHG-200', title: 'Hotfix: stop double-charging on retry', author: 'alice' });
  github.addCheckRun({ ...payments, sha: github.pullRequest(hotfix).headSha, name: 'build', conclusion: 'success' });
  const waiting = await e2e.evaluate(hotfix);
  expectState(waiting.status.state, 'pending', hotfix);
  const authorised = await comment(e2e, hotfix, 'carol', '/change-control emergency INC-4711 customers are charged twice', waiting.headSha);
  expectState(authorised.state, 'success', hotfix);
  await merge(e2e, hotfix, 'carol');
  merged += 1;
  const followUp = github.issues(payments).find((issue) => issue.title.startsWith(`Emergency change acme/payments#${hotfix.number}`));
  if (!followUp) throw new Error('the app opened no follow-up issue for the emergency change');
  const onIssue: PullTarget = { ...hotfix, number: followUp.number };
  await comment(e2e, onIssue, 'erin', '/change-control approve-retro reviewed the diff and the incident timeline');
  await waitFor(
    'the follow-up issue to close',
    () => github.issues(payments).find((issue) => issue.number === followUp.number)?.state === 'closed',
  );

  // A bypass: dave, an admin, merges a change whose ticket the change manager has not approved.
  github.advanceClockTo(at(8, 16));
  jira.addIssue({ key: 'CHG-201', status: 'Awaiting approval', summary: 'Raise the ledger batch size' });
  const rushed = openPullRequest(e2e, ledger, { ticket: 'CHG-201', title: 'Raise the ledger batch size to 5,000', author: 'dan' });
  github.addReview({ ...rushed, reviewer: 'bob' });
  github.addCheckRun({ ...ledger, sha: github.pullRequest(rushed).headSha, name: 'build', conclusion: 'success' });
  expectState((await e2e.evaluate(rushed)).status.state, 'failure', rushed);
  await merge(e2e, rushed, 'dave');
  merged += 1;

  for (const c of later) {
    await approvedChange(e2e, c, at(c.daysAgo, 11));
    merged += 1;
  }

  // A deployment of payments' default branch to production: the app is asked, approves, and records the deployment.
  github.advanceClockTo(at(2, 14));
  const deployment = github.createDeployment({
    ...payments,
    environment: 'production',
    sha: github.defaultBranchHead(payments),
    creator: 'release-bot',
  });
  const target = { github, ...payments };
  await send(e2e, 'deployment', deploymentEvent(target, deployment));
  const gate = github.requestDeploymentGate({ ...payments, environment: 'production', sha: deployment.sha, deploymentId: deployment.id });
  await send(e2e, 'deployment_protection_rule', deploymentProtectionRuleEvent(target, gate));
  const answer = await waitFor(`the app's answer on run ${gate.runId}`, () => gate.reviews[0]);
  if (answer.state !== 'approved') throw new Error(`the app rejected the demo's deployment: ${answer.comment}`);
  github.addDeploymentStatus({ ...payments, deploymentId: deployment.id, state: 'success' });
  await send(e2e, 'deployment_status', deploymentStatusEvent(target, deployment));
  await waitFor(
    'the deployment to be recorded',
    async () =>
      (await e2e.app.query<{ n: number }>("SELECT count(*) AS n FROM audit_entries WHERE kind = 'deployment-status'"))[0]?.n === 1,
  );
  await e2e.idle();

  return {
    repositories: [`${DEMO_ORG}/payments`, `${DEMO_ORG}/ledger`],
    merged,
    bypass: `acme/ledger#${rushed.number}`,
    emergency: `acme/payments#${hotfix.number}`,
    deployment: `acme/payments ${deployment.sha.slice(0, 7)} to production`,
    until: at(later.at(-1)?.daysAgo ?? 0, 12).toISOString(),
  };
}

function openPullRequest(e2e: E2E, repo: RepoTarget, input: { ticket: string; title: string; author: string }): PullTarget {
  const pr = e2e.github.openPullRequest({
    ...repo,
    title: `${input.ticket}: ${input.title}`,
    body: input.title,
    author: input.author,
    headRef: input.ticket.toLowerCase(),
  });
  return { github: e2e.github, ...repo, number: pr.number };
}

/** Opened, ticket approved, reviewed, built, evaluated `success` and merged by the reviewer, on its day. */
async function approvedChange(e2e: E2E, c: Change, day: Date): Promise<void> {
  e2e.github.advanceClockTo(day);
  e2e.jira.addIssue({ key: c.ticket, status: 'Approved', summary: c.title });
  const pr = openPullRequest(e2e, c.repo, c);
  e2e.github.addReview({ ...pr, reviewer: c.reviewer });
  e2e.github.addCheckRun({ ...c.repo, sha: e2e.github.pullRequest(pr).headSha, name: 'build', conclusion: 'success' });
  expectState((await e2e.evaluate(pr)).status.state, 'success', pr);
  await merge(e2e, pr, c.reviewer);
}

/** Merges the PR in the simulator, tells the app, and waits until it has recorded the merge. */
async function merge(e2e: E2E, pr: PullTarget, by: string): Promise<void> {
  e2e.github.mergePullRequest({ ...pr, mergedBy: by });
  await send(e2e, 'pull_request', pullRequestMergedEvent(pr));
  const sql = `SELECT count(*) AS n FROM audit_entries WHERE kind = 'merge' AND repo = '${pr.owner}/${pr.repo}' AND pr_number = ${pr.number}`;
  await waitFor(
    `the merge of ${pr.owner}/${pr.repo}#${pr.number} to be recorded`,
    async () => (await e2e.app.query<{ n: number }>(sql))[0]?.n === 1,
  );
  await e2e.idle();
}

/** `login` comments on the PR or issue; with `headSha`, waits for the verdict the app writes on it. */
async function comment(e2e: E2E, target: PullTarget, login: string, body: string, headSha?: string): Promise<{ state: string }> {
  const mark = e2e.github.mark();
  const posted = e2e.github.addComment({ owner: target.owner, repo: target.repo, number: target.number, author: login, body });
  await send(e2e, 'issue_comment', issueCommentEvent(target, posted));
  if (headSha === undefined) {
    await waitFor(`the app's reply to @${login}`, () =>
      e2e.github.comments(target).some((c) => c.author.type === 'Bot' && c.body.startsWith(`@${login} `)),
    );
    await e2e.idle();
    return { state: 'none' };
  }
  return (await e2e.verdict(target, headSha, mark)).status;
}

async function send(e2e: E2E, event: string, payload: unknown): Promise<void> {
  const delivery = await e2e.send(event, payload);
  if (delivery.status !== 200 && delivery.status !== 202)
    throw new Error(`the app answered the ${event} webhook with ${delivery.status}: ${delivery.body}`);
}

function expectState(actual: string, expected: string, pr: PullTarget): void {
  if (actual !== expected)
    throw new Error(`the demo expected ${pr.owner}/${pr.repo}#${pr.number} to be ${expected}, the app said ${actual}`);
}

import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { OPA_BUNDLE, startOpaSimulator, type OpaMode, type OpaRequest, type SimPolicy } from '../simulators/index.js';
import { CONFIG_PATH, OWNER, STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { issueCommentEvent, pullRequestEvent, type PullTarget } from './harness/webhooks.js';

/** `opa.decision` through the real app, against the OPA simulator (Data API, bearer token), with the queue's retries. */

const TOKEN = 'opa-token-for-e2e';
// Started before the app, whose environment names its URL.
const opa = await startOpaSimulator({ token: TOKEN });
afterAll(() => opa.stop());
afterEach(() => {
  expect(opa.unexpectedRequests()).toEqual([]);
  opa.reset();
});

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: {
    OPA_URL: opa.url,
    OPA_TOKEN: TOKEN,
    OPA_TIMEOUT_MS: '1000',
    CHANGE_CONTROL_RETRY_BASE_MS: '500',
    CHANGE_CONTROL_RETRY_MAX_MS: '2000',
    CHANGE_CONTROL_QUEUE_POLL_MS: '200',
  },
});

const DECISION = 'change_control/allow';
const OPA_POLICY = `${STANDARD_POLICY}opa:\n  decision: ${DECISION}\n  teams: [acme/finance]\n`;

interface Input {
  repository: { name: string };
  changed_files: { path: string }[];
  reviews: { reviewer: { login: string }; state: string; commit_sha: string | null }[];
  pull_request: { head_sha: string };
  teams: Record<string, string[]>;
}

/** Stands in for the Rego example of docs/opa.md: payments/** needs two approvals on the head from @acme/finance. */
const PAYMENTS_NEEDS_FINANCE: SimPolicy = (raw) => {
  const input = raw as unknown as Input;
  const touches = input.changed_files.some((f) => f.path.startsWith('payments/'));
  const finance = new Set(input.teams['acme/finance'] ?? []);
  const approvals = input.reviews.filter(
    (r) => r.state === 'APPROVED' && r.commit_sha === input.pull_request.head_sha && finance.has(r.reviewer.login.toLowerCase()),
  ).length;
  const reasons = touches && approvals < 2 ? [`payments/** needs two approvals from @acme/finance, has ${approvals}`] : [];
  return { allow: reasons.length === 0, reasons };
};

const requestsFor = (repo: RepoTarget): OpaRequest[] =>
  opa.requests().filter((r) => (r.input as unknown as Input | null)?.repository.name === repo.repo);

function openPaymentsChange(policy = OPA_POLICY): { repo: RepoTarget; pr: PullTarget } {
  const repo = e2e.newRepo({ policy });
  const pr = e2e.openPullRequest(repo, { commits: [{ files: { 'payments/ledger.ts': 'export const fee = 2;\n' } }] });
  e2e.makeReady(pr);
  return { repo, pr };
}

async function waitForState(pr: PullTarget, sha: string, state: string): Promise<void> {
  const states = () => e2e.github.statuses({ ...pr, sha, context: 'change-control' }).map((s) => s.state);
  await waitFor(`a ${state} change-control status on ${sha.slice(0, 7)}`, () => states().at(-1) === state, { timeoutMs: 60_000 });
}

/** The OPA evidence of the PR's latest recorded verdict. */
async function recordedOpaEvidence(pr: PullTarget): Promise<unknown> {
  const rows = await e2e.app.query<{ data: string }>(
    `SELECT data FROM audit_entries WHERE kind = 'verdict' AND repo = '${pr.owner}/${pr.repo}' AND pr_number = ${pr.number} ORDER BY seq DESC LIMIT 1`,
  );
  const data = JSON.parse(rows[0]?.data ?? '{}') as { verdict?: { controls?: { control: string; evidence: unknown }[] } };
  return data.verdict?.controls?.find((c) => c.control === 'opa')?.evidence;
}

describe('OPA allows or denies', () => {
  it('passes when OPA allows, with the decision id and bundle revision in the report and the audit entry; one OPA request, one GitHub read more', async () => {
    opa.definePolicy(DECISION, PAYMENTS_NEEDS_FINANCE);
    e2e.github.addTeam({ org: OWNER, slug: 'finance', members: ['bob', 'fiona'] });
    const { repo, pr } = openPaymentsChange();
    e2e.github.addReview({ ...pr, reviewer: 'fiona' });
    const mark = e2e.github.mark();
    const jiraBefore = e2e.jira.requests().length;

    const { status, checkRun, headSha } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(status.description).toMatch(/; OPA change_control\/allow allows$/);
    const [request, ...more] = requestsFor(repo);
    expect(more).toEqual([]);
    expect(request).toMatchObject({ authorization: `Bearer ${TOKEN}`, query: { provenance: 'true' } });
    expect(request?.input).toMatchObject({
      version: 1,
      pull_request: { number: pr.number, head_sha: headSha },
      changed_files: [{ path: 'payments/ledger.ts', previous_path: null }],
      teams: { 'acme/finance': ['bob', 'fiona'] },
      controls: [
        { control: 'ticket', outcome: 'success' },
        { control: 'approval', outcome: 'success' },
        { control: 'checks', outcome: 'success' },
      ],
      emergency: { path_configured: false, authorisation: null },
    });
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('| Policy (OPA) | ✅ OPA change_control/allow allows |');
    expect(summary).toMatch(
      new RegExp(
        `- ✅ \`change_control/allow\` \\(opa.decision, input v1\\): \\*\\*allow\\*\\* · decision id [0-9a-f-]{36} · bundle ${OPA_BUNDLE.name} revision ${OPA_BUNDLE.revision}`,
      ),
    );
    expect(await recordedOpaEvidence(pr)).toEqual({
      decisions: [
        {
          path: DECISION,
          source: 'opa.decision',
          allow: true,
          reasons: [],
          decisionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          bundleRevisions: { [OPA_BUNDLE.name]: OPA_BUNDLE.revision },
          inputVersion: 1,
        },
      ],
    });
    // The standard evaluation's calls (call-counts.test.ts: 1 token, 1 GraphQL query, 2 writes), plus the changed
    // files (OPA's input lists them) and opa.teams' members: the same GraphQL query as approval.teams would use.
    expect({ ...e2e.github.callCounts(mark), jira: e2e.jira.requests().length - jiraBefore }).toEqual({
      tokenRequests: 1,
      appRequests: 0,
      graphqlQueries: 2,
      restReads: 1,
      restWrites: 2,
      jira: 2,
    });
  });

  it('fails with OPA’s reasons when OPA denies, though every built-in control passes', async () => {
    opa.definePolicy(DECISION, PAYMENTS_NEEDS_FINANCE);
    e2e.github.addTeam({ org: OWNER, slug: 'finance', members: ['fiona'] });
    const { pr } = openPaymentsChange();

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe('OPA change_control/allow denies: payments/** needs two approvals from @acme/finance, has 0');
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('| Segregation of duties | ✅');
    expect(summary).toContain('  - payments/** needs two approvals from @acme/finance, has 0');
    expect(summary).toContain("**Next:** Change the PR so that the organisation's policy allows it");
  });

  it('writes nothing on a re-evaluation with the same answer, though OPA gives each decision a new id', async () => {
    opa.definePolicy(DECISION, () => ({ allow: true, reasons: [] }));
    e2e.github.addTeam({ org: OWNER, slug: 'finance', members: [] });
    const { repo, pr } = openPaymentsChange();
    await e2e.evaluate(pr);
    await e2e.quiet();
    const mark = e2e.github.mark();

    await e2e.send('pull_request', pullRequestEvent(pr, 'edited'));
    await e2e.quiet();

    expect(requestsFor(repo)).toHaveLength(2);
    expect(e2e.github.callCounts(mark).restWrites).toBe(0);
  });
});

describe('OPA cannot give a decision: error, never a pass, retried by the queue', () => {
  it.each<{ case: string; mode?: OpaMode; undefinedDecision?: true; reason: string }>([
    { case: 'OPA too slow (OPA_TIMEOUT_MS)', mode: 'hang', reason: 'OPA did not answer within 1000 ms' },
    { case: 'an answer that is not JSON', mode: 'not-json', reason: "OPA's answer for change_control/allow is not a Data API response" },
    {
      case: 'a result of another shape',
      mode: 'wrong-shape',
      reason: "OPA's decision at change_control/allow is not { allow: boolean, reasons: [string] }",
    },
    { case: 'a 404', mode: 'not-found', reason: 'OPA answered HTTP 404 for change_control/allow: page not found' },
    { case: 'no decision at the path', undefinedDecision: true, reason: 'OPA has no decision at change_control/allow (result undefined)' },
  ])('$case', async ({ mode, undefinedDecision, reason }) => {
    if (mode) opa.setMode(mode);
    if (!undefinedDecision) opa.definePolicy(DECISION, () => ({ allow: true, reasons: [] }));
    e2e.github.addTeam({ org: OWNER, slug: 'finance', members: [] });
    const { pr } = openPaymentsChange();

    const { status, checkRun, headSha } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toContain(`Cannot evaluate: ${reason}`.slice(0, 120));
    expect(checkRun?.conclusion).toBe('failure');
    // The fault clears: the queued work is retried without a new webhook and the real verdict follows.
    opa.setMode('normal');
    opa.definePolicy(DECISION, () => ({ allow: true, reasons: [] }));
    await waitForState(pr, headSha, 'success');
    await e2e.quiet();
  });
});

describe('the organisation floor requires an OPA decision', () => {
  const FLOOR_DECISION = 'acme/floor/allow';
  const ORG_POLICY = `${STANDARD_POLICY}floor:\n  opa:\n    decision: ${FLOOR_DECISION}\n`;

  function withOrgFloor(repo: RepoTarget): void {
    e2e.github.addRepository({ owner: OWNER, repo: '.github', installationId: repo.installationId, files: { [CONFIG_PATH]: ORG_POLICY } });
  }

  it('applies to a repository whose policy names no OPA decision', async () => {
    opa.definePolicy(FLOOR_DECISION, () => ({ allow: false, reasons: ['the payments freeze is on'] }));
    const repo = e2e.newRepo();
    withOrgFloor(repo);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe('OPA acme/floor/allow denies: the payments freeze is on');
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain(
      "- opa.decision is not set: the organisation floor's acme/floor/allow applies",
    );
  });

  it('cannot be replaced by a repository’s own decision: both are asked and both must allow', async () => {
    opa.definePolicy(FLOOR_DECISION, () => ({ allow: false, reasons: ['the payments freeze is on'] }));
    opa.definePolicy(DECISION, () => ({ allow: true, reasons: [] }));
    e2e.github.addTeam({ org: OWNER, slug: 'finance', members: [] });
    const repo = e2e.newRepo({ policy: OPA_POLICY });
    withOrgFloor(repo);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(
      requestsFor(repo)
        .map((r) => r.decision)
        .sort(),
    ).toEqual([FLOOR_DECISION, DECISION].sort());
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('- ❌ `acme/floor/allow` (floor.opa.decision, input v1): **deny**');
    expect(summary).toContain('- ✅ `change_control/allow` (opa.decision, input v1): **allow**');
    expect(summary).toContain(
      "- opa.decision change_control/allow differs from the organisation floor's acme/floor/allow: both apply (each must allow)",
    );
  });
});

describe("the emergency path in OPA's input", () => {
  interface EmergencyInput {
    tickets: { key: string; found: boolean; type: string | null }[];
    emergency: { authorisation: unknown };
  }
  /** Stands in for the third Rego example of docs/opa.md: a ticket of type Emergency needs the emergency path. */
  const EMERGENCY_NEEDS_PATH: SimPolicy = (raw) => {
    const input = raw as unknown as EmergencyInput;
    const reasons = input.tickets
      .filter((t) => t.found && t.type?.toLowerCase() === 'emergency' && input.emergency.authorisation === null)
      .map((t) => `${t.key} is an Emergency ticket: it needs the emergency path (/change-control emergency)`);
    return { allow: reasons.length === 0, reasons };
  };

  it('denies an Emergency ticket until it is authorised on the head; the input then carries the authorisation', async () => {
    opa.definePolicy(DECISION, EMERGENCY_NEEDS_PATH);
    e2e.github.addTeam({ org: OWNER, slug: 'finance', members: [] });
    e2e.github.addTeam({ org: OWNER, slug: 'incident-commanders', members: ['carol'] });
    const repo = e2e.newRepo({ policy: `${OPA_POLICY}emergency:\n  teams: [acme/incident-commanders]\n` });
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { ticketStatus: null });
    e2e.jira.addIssue({ key: 'CHG-1', status: 'Approved', summary: 'Hotfix the card vault', issueType: 'Emergency' });

    const { status, headSha } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe(
      'OPA change_control/allow denies: CHG-1 is an Emergency ticket: it needs the emergency path (/change-control emergency)',
    );

    const mark = e2e.github.mark();
    const posted = e2e.github.addComment({ ...pr, author: 'carol', body: '/change-control emergency INC-4711 card payments are failing' });
    expect((await e2e.send('issue_comment', issueCommentEvent(pr, posted, 'created'))).status).toBe(200);
    const after = await e2e.verdict(pr, headSha, mark);

    expect(after.status.state).toBe('success');
    expect((requestsFor(repo).at(-1)?.input as unknown as EmergencyInput).emergency.authorisation).toMatchObject({
      by: 'carol',
      reason: 'INC-4711 card payments are failing',
    });
    await e2e.quiet();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { AccessAt, ControlAt } from '../../src/report/enforcement-at.js';
import { runCli } from '../../src/cli/run-cli.js';
import { userId } from '../simulators/github/model.js';
import {
  branchProtectionRuleEvent,
  installationCreatedEvent,
  repositoriesAddedEvent,
  repositoryRulesetEvent,
} from './harness/enforcement-webhooks.js';
import { APP_ID, OWNER, STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';

/**
 * Enforcement assurance through the real app: at install and on ruleset/protection events it reads what GitHub
 * enforces on the controlled branches, records each change as an `enforcement` entry (with an access snapshot),
 * opens an issue when the gate gets weaker, and `audit controls` / `audit access` answer for a past date from the
 * store alone, after GitHub's state has changed.
 */

let e2e: E2E;
const dir = mkdtempSync(join(tmpdir(), 'cc-e2e-enforcement-'));
const database = `sqlite:${join(dir, 'audit.db')}`;

useE2E((started) => (e2e = started), {
  env: { DATABASE_URL: database },
  afterReset: (started) => started.github.addTeam({ org: OWNER, slug: 'release', members: ['carol'] }),
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { env: {}, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
  const code = await runCli([...argv, '--database', database], io);
  return { code, stdout, stderr };
}

/** A controlled repository whose default branch has a ruleset requiring our status from this app. */
function guardedRepo() {
  const repo = e2e.newRepo();
  const ruleset = e2e.github.addRuleset({ ...repo, requiredChecks: [{ context: 'change-control', integrationId: APP_ID }] });
  e2e.github.setCollaborator({ ...repo, login: 'alice', role: 'write' });
  e2e.github.setCollaborator({ ...repo, login: 'bob', role: 'admin' });
  e2e.github.setTeamAccess({ ...repo, team: 'release', role: 'maintain' });
  return { repo, ruleset };
}

const target = (repo: RepoTarget) => ({ github: e2e.github, ...repo });

async function deliver(event: string, payload: unknown): Promise<void> {
  const delivery = await e2e.send(event, payload);
  expect(delivery.status).toBe(200);
  await e2e.quiet();
}

async function controls(at: string, repo: RepoTarget): Promise<ControlAt[]> {
  const result = await cli('audit', 'controls', '--at', at, '--repo', `${repo.owner}/${repo.repo}`, '--json');
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as ControlAt[];
}

async function access(at: string, repo: RepoTarget): Promise<AccessAt[]> {
  const result = await cli('audit', 'access', '--at', at, '--repo', `${repo.owner}/${repo.repo}`, '--json');
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as AccessAt[];
}

/** A moment strictly between the entries written before and after it. */
async function instant(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  const at = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 10));
  return at;
}

describe('enforcement assurance', () => {
  it('records the gate in force at install, then its removal, with an issue; audit controls answers for the past from the store', async () => {
    const { repo, ruleset } = guardedRepo();
    await deliver('installation', installationCreatedEvent(target(repo)));

    expect(e2e.github.issues(repo)).toEqual([]);
    const installed = await instant();
    const [first] = await controls(installed, repo);
    expect(first).toMatchObject({
      branch: 'main',
      status: 'enforced',
      requiredBy: [{ via: `ruleset ${ruleset.id} (${OWNER}/${repo.repo})`, context: 'change-control', integrationId: APP_ID }],
      bypass: { known: true, value: [] },
    });

    // An admin replaces the required status with `build`.
    e2e.github.editRuleset({ ...repo, id: ruleset.id, change: { requiredChecks: [{ context: 'build' }] } });
    await deliver('repository_ruleset', repositoryRulesetEvent(target(repo), ruleset));

    const [issue, ...more] = e2e.github.issues(repo);
    expect(more).toEqual([]);
    expect(issue?.title).toBe(`Change control not in force: ${OWNER}/${repo.repo} main (not-enforced)`);
    expect(unescapeMarkdown(issue?.body ?? '')).toContain(
      `no longer required by ruleset ${ruleset.id} (${OWNER}/${repo.repo}): change-control from app ${APP_ID}`,
    );
    const now = new Date().toISOString();
    expect((await controls(now, repo)).map((c) => c.status)).toEqual(['not-enforced']);
    // The past is answered from the store, although GitHub no longer requires the status.
    expect((await controls(installed, repo)).map((c) => c.status)).toEqual(['enforced']);
    const text = await cli('audit', 'controls', '--at', now, '--repo', `${OWNER}/${repo.repo}`);
    expect(text.stdout).toContain(`${OWNER}/${repo.repo} main: NOT-ENFORCED since`);
    expect(text.stdout).toContain('0 of 1 controlled branches enforced; 1 not enforced or unknown');

    // A second event with nothing changed writes nothing and opens no second issue: two REST reads for the branch
    // (no ruleset requires our status now, so no bypass actors are read), three for access; the policy and team queries.
    const mark = e2e.github.mark();
    await deliver('branch_protection_rule', branchProtectionRuleEvent(target(repo)));
    expect(e2e.github.callCounts(mark)).toMatchObject({ restWrites: 0, graphqlQueries: 2, restReads: 5 });
    expect(e2e.github.issues(repo)).toHaveLength(1);
  });

  it('records and alerts a new bypass actor; audit access for a past date answers from the store', async () => {
    const { repo, ruleset } = guardedRepo();
    let mark = e2e.github.mark();
    await deliver('repository_ruleset', repositoryRulesetEvent(target(repo), ruleset));
    // The GitHub cost of one check of a repository with one controlled branch, one requiring ruleset and one team
    // with write access: rules, ruleset, protection, collaborators ×2, teams (REST); policy, team members (GraphQL).
    expect(e2e.github.callCounts(mark)).toMatchObject({ restWrites: 0, graphqlQueries: 2, restReads: 6 });
    const before = await instant();

    e2e.github.editRuleset({
      ...repo,
      id: ruleset.id,
      change: { bypassActors: [{ actorType: 'User', actorId: userId(e2e.github.data, 'alice'), bypassMode: 'always' }] },
    });
    mark = e2e.github.mark();
    await deliver('repository_ruleset', repositoryRulesetEvent(target(repo), ruleset));

    expect(e2e.github.callCounts(mark)).toMatchObject({ restWrites: 1 });
    const [issue] = e2e.github.issues(repo);
    expect(issue?.title).toBe(`Change control can be bypassed by someone new: ${OWNER}/${repo.repo} main`);
    expect(unescapeMarkdown(issue?.body ?? '')).toContain(
      `can now bypass: User ${userId(e2e.github.data, 'alice')} (always, ruleset ${ruleset.id}`,
    );
    const after = new Date().toISOString();
    const [now] = await controls(after, repo);
    expect(now?.bypass).toEqual({
      known: true,
      value: [
        {
          actorType: 'User',
          actorId: userId(e2e.github.data, 'alice'),
          bypassMode: 'always',
          via: `ruleset ${ruleset.id} (${OWNER}/${repo.repo})`,
        },
      ],
    });

    // GitHub changes again (alice leaves); the store still answers for both dates.
    e2e.github.editRuleset({ ...repo, id: ruleset.id, change: { bypassActors: [] } });
    e2e.github.setCollaborator({ ...repo, login: 'alice', role: 'read' });
    const [past] = await access(before, repo);
    const people = (a: AccessAt | undefined) => Object.fromEntries((a?.review?.people ?? []).map((p) => [p.login, p]));
    expect(people(past)).toMatchObject({
      alice: { role: 'write', via: ['direct (write)'], canApprove: true, canBypass: [] },
      bob: { role: 'admin', via: ['direct (admin)'], canMerge: true },
      carol: { role: 'maintain', via: [`team ${OWNER}/release (maintain)`], canApprove: true, canPushDirectly: [] },
    });
    const [later] = await access(after, repo);
    expect(people(later).alice).toMatchObject({
      canBypass: [{ branch: 'main', via: `ruleset ${ruleset.id} (${OWNER}/${repo.repo})` }],
      canPushDirectly: ['main'],
    });
    const text = await cli('audit', 'access', '--at', after, '--repo', `${OWNER}/${repo.repo}`);
    expect(text.stdout).toContain(
      `alice [write] via direct (write): approve; merge; push directly to main; bypass on main (ruleset ${ruleset.id}`,
    );
  });

  it('fails closed without the Administration permission: protection unknown, bypassers not disclosed', async () => {
    const repo = e2e.newRepo();
    e2e.github.setAdministration(null);
    await deliver('branch_protection_rule', branchProtectionRuleEvent(target(repo), 'deleted'));

    const [state] = await controls(new Date().toISOString(), repo);
    expect(state?.status).toBe('unknown');
    expect(state?.reasons).toContain(
      'branch protection could not be read: GitHub refused to show the branch protection of main (403: the app lacks the permission)',
    );
    expect(e2e.github.issues(repo).map((i) => i.title)).toEqual([`Change control not in force: ${OWNER}/${repo.repo} main (unknown)`]);
  });

  it('checks each branch the policy controls, patterns against the branch list, when a repository is added', async () => {
    const repo = e2e.newRepo({ policy: `${STANDARD_POLICY}branches: [main, 'release/*']\n` });
    const simRepo = e2e.github.data.repos.get(`${OWNER}/${repo.repo}`.toLowerCase());
    simRepo?.branches.set('release/1.0', e2e.github.defaultBranchHead(repo));
    simRepo?.branches.set('feature/x', e2e.github.defaultBranchHead(repo));
    e2e.github.setBranchProtection({
      ...repo,
      branch: 'main',
      protection: { requiredChecks: [{ context: 'change-control', appId: APP_ID }], enforceAdmins: false },
    });

    await deliver('installation_repositories', repositoriesAddedEvent(target(repo)));

    const states = await controls(new Date().toISOString(), repo);
    expect(states.map((c) => [c.branch, c.status])).toEqual([
      ['main', 'enforced'],
      ['release/1.0', 'not-enforced'],
    ]);
    // Admins are not included in classic protection: they can merge past it.
    expect(states[0]).toMatchObject({
      adminsEnforced: false,
      bypass: { known: true, value: [{ actorType: 'RepositoryRole', actorId: 5, via: 'branch protection (admins not included)' }] },
    });
    expect(e2e.github.issues(repo).map((i) => i.title)).toEqual([
      `Change control not in force: ${OWNER}/${repo.repo} release/1.0 (not-enforced)`,
    ]);
  });

  it('records nothing while GitHub fails (5xx): the check stays queued for a retry, never "unknown" from an outage', async () => {
    const { repo, ruleset } = guardedRepo();
    e2e.github.injectFailure({ path: new RegExp(`/repos/${OWNER}/${repo.repo}/rules/branches/`), status: 502 });
    const delivery = await e2e.send('repository_ruleset', repositoryRulesetEvent(target(repo), ruleset));
    expect(delivery.status).toBe(200);
    await waitFor('the check to fail and wait for its retry', async () => {
      const rows = await e2e.app.query<{ last_error: string | null }>(
        `SELECT last_error FROM queue_items WHERE key = 'enforcement:${OWNER}/${repo.repo}'`,
      );
      return rows[0]?.last_error ?? null;
    });
    await e2e.quiet();

    const entries = await e2e.app.query<{ kind: string }>(`SELECT kind FROM audit_entries WHERE repo = '${OWNER}/${repo.repo}'`);
    expect(entries).toEqual([]);
    expect(e2e.github.issues(repo)).toEqual([]);
    e2e.github.clearFailures();
  });

  it('records the loss even when its issue cannot be opened (issues disabled): the issue is retried with the check', async () => {
    const { repo, ruleset } = guardedRepo();
    e2e.github.editRuleset({ ...repo, id: ruleset.id, change: { enforcement: 'disabled' } });
    e2e.github.injectFailure({
      method: 'POST',
      path: `/api/v3/repos/${OWNER}/${repo.repo}/issues`,
      status: 410,
      body: { message: 'Issues are disabled for this repo' },
    });

    await e2e.send('repository_ruleset', repositoryRulesetEvent(target(repo), ruleset));
    await waitFor('the check to wait for its retry', async () => {
      const rows = await e2e.app.query<{ last_error: string | null }>(
        `SELECT last_error FROM queue_items WHERE key = 'enforcement:${OWNER}/${repo.repo}'`,
      );
      return rows[0]?.last_error ?? null;
    });
    await e2e.quiet();

    const kinds = await e2e.app.query<{ kind: string }>(`SELECT kind FROM audit_entries WHERE repo = '${OWNER}/${repo.repo}' ORDER BY seq`);
    expect(kinds.map((k) => k.kind)).toEqual(['enforcement', 'access-snapshot']);
    expect((await controls(new Date().toISOString(), repo)).map((c) => c.status)).toEqual(['not-enforced']);
    expect(e2e.github.issues(repo)).toEqual([]);
    e2e.github.clearFailures();
  });

  it('says nothing is known for a date before the first check (exit 1)', async () => {
    const result = await cli('audit', 'controls', '--at', '2000-01-01', '--repo', `${OWNER}/nothing-here`);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('no enforcement check recorded before 2000-01-01T00:00:00.000Z for acme/nothing-here');
  });
});

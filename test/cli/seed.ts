import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewAuditEntry } from '../../src/audit/audit-entry.js';
import { EmergencyRecord, ExceptionRecord, MergeRecord, RetroApprovalRecord } from '../../src/audit/evidence-records.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import type { CliIo } from '../../src/cli/cli-io.js';

export const sha = (c: string): string => c.repeat(40);

/** A verdict entry as recordVerdict writes it (the facts trimmed to what a reader uses). */
export function verdictEntry(input: {
  repo?: string;
  number: number;
  at: string;
  head: string;
  state: 'success' | 'pending' | 'failure';
  description: string;
}): NewAuditEntry {
  const [owner = '', repo = ''] = (input.repo ?? 'acme/payments').split('/');
  return NewAuditEntry.parse({
    kind: 'verdict',
    at: input.at,
    deliveryId: `d-verdict-${input.number}-${input.at}`,
    repo: `${owner}/${repo}`,
    prNumber: input.number,
    headSha: input.head,
    data: {
      fingerprint: `fp-${input.state}`,
      verdict: {
        state: input.state,
        description: input.description,
        pullRequest: {
          owner,
          repo,
          number: input.number,
          headSha: input.head,
          url: `https://github.com/${owner}/${repo}/pull/${input.number}`,
        },
        policy: { repo: `${owner}/${repo}`, path: '.github/change-control.yml', blobSha: sha('c') },
        controls: [
          { control: 'ticket', outcome: 'success', summary: 'PAY-12 is Approved', nextStep: null, evidence: {} },
          {
            control: 'approval',
            outcome: input.state === 'success' ? 'success' : 'pending',
            summary: '1 of 1 independent approval',
            nextStep: null,
            evidence: {},
          },
        ],
        evaluatedAt: input.at,
      },
      facts: null,
      published: { checkRunId: 1 },
    },
  });
}

export function pushEntry(input: { repo?: string; number: number; at: string; head: string; pusher: string }): NewAuditEntry {
  return NewAuditEntry.parse({
    kind: 'push',
    at: input.at,
    deliveryId: `d-push-${input.number}-${input.at}`,
    repo: input.repo ?? 'acme/payments',
    prNumber: input.number,
    headSha: input.head,
    data: { pusher: input.pusher, senderType: 'User', action: 'synchronize' },
  });
}

export function statusOverwrittenEntry(input: { number: number; at: string; head: string; by: string }): NewAuditEntry {
  return NewAuditEntry.parse({
    kind: 'status-overwritten',
    at: input.at,
    deliveryId: `d-status-${input.number}-${input.at}`,
    repo: 'acme/payments',
    prNumber: input.number,
    headSha: input.head,
    data: { overwrittenBy: input.by, state: 'success', description: 'looks fine to me' },
  });
}

export interface MergeInput {
  repo?: string;
  number: number;
  at: string;
  title?: string;
  mergedBy?: string;
  head?: string;
  bypass?: boolean;
  /** The security control's counts at merge (absent: a record written before the control existed). */
  security?: MergeRecord['security'];
}

/** A merge entry as onPullRequestClosed writes it: the MergeRecord plus the verdict and facts at merge. */
export function mergeEntry(input: MergeInput): NewAuditEntry {
  const repo = input.repo ?? 'acme/payments';
  const head = input.head ?? sha('a');
  const record = MergeRecord.parse({
    pr: {
      number: input.number,
      title: input.title ?? `PAY-12 change ${input.number}`,
      url: `https://github.com/${repo}/pull/${input.number}`,
      author: 'alice',
    },
    baseRef: 'main',
    headSha: head,
    mergeSha: sha('f'),
    mergedBy: input.mergedBy ?? 'bob',
    mergedAt: input.at,
    gate: input.bypass
      ? { state: 'pending', description: 'Waiting for 1 approval', seq: 2 }
      : { state: 'success', description: 'All controls pass', seq: 2 },
    atMerge: input.bypass
      ? { state: 'pending', description: 'Waiting for 1 approval' }
      : { state: 'success', description: 'All controls pass' },
    ticket: { key: 'PAY-12', status: 'Approved', url: 'https://acme.atlassian.net/browse/PAY-12', approver: 'carol' },
    approvers: input.bypass ? [] : [{ login: 'dave', commitSha: head, submittedAt: input.at }],
    checks: [
      { name: 'ci/build', state: 'success', raw: 'SUCCESS' },
      { name: 'ci/test', state: input.bypass ? 'pending' : 'success', raw: input.bypass ? 'IN_PROGRESS' : 'SUCCESS' },
    ],
    exceptions: input.bypass ? ['bypass'] : [],
    policy: `${repo}:.github/change-control.yml@${sha('c')}`,
    ...(input.security === undefined ? {} : { security: input.security }),
  });
  return NewAuditEntry.parse({
    kind: 'merge',
    at: input.at,
    deliveryId: `d-merge-${repo}-${input.number}`,
    repo,
    prNumber: input.number,
    headSha: head,
    data: { ...record, verdictAtMerge: { state: record.atMerge.state }, facts: {} },
  });
}

export function exceptionEntry(input: { repo?: string; number: number; at: string; head?: string; mergedBy?: string }): NewAuditEntry {
  const exception = ExceptionRecord.parse({
    type: 'bypass',
    mergeSha: sha('f'),
    mergedBy: input.mergedBy ?? 'bob',
    missing: ['the last verdict on the merged head was pending: Waiting for 1 approval', 'approval: 0 of 1 independent approvals'],
    gateState: 'pending',
    issueUrl: `https://github.com/acme/audit/issues/${input.number}`,
  });
  return NewAuditEntry.parse({
    kind: 'exception',
    at: input.at,
    deliveryId: `d-merge-${input.repo ?? 'acme/payments'}-${input.number}`,
    repo: input.repo ?? 'acme/payments',
    prNumber: input.number,
    headSha: input.head ?? sha('a'),
    data: { ...exception },
  });
}

/** Writes the entries to a new SQLite store at `path` the way the app does, and closes it. */
export async function seedStore(path: string, entries: readonly NewAuditEntry[], signingKey?: string): Promise<void> {
  const store = await openAuditStore({ databaseUrl: `sqlite:${path}`, signingKey });
  try {
    for (const entry of entries) await store.append(entry);
  } finally {
    await store.close();
  }
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cc-cli-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A CliIo that keeps what the command wrote. */
export function captureIo(env: NodeJS.ProcessEnv = {}): { io: CliIo; stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    io: {
      env,
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      now: () => new Date('2026-03-01T12:00:00.000Z'),
    },
    stdout: () => out,
    stderr: () => err,
  };
}

export const XSS_TITLE = '<img src=x onerror=alert(1)>';
export const FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")';

/**
 * January 2026 in two repositories: clean merges, one bypass with its exception, and merges on each side
 * of the period's boundaries (#39 and #44 fall outside 2026-01-01 … 2026-02-01).
 */
export function januaryEntries(): NewAuditEntry[] {
  return [
    mergeEntry({ number: 39, at: '2025-12-31T23:59:59.999Z' }),
    mergeEntry({ number: 40, at: '2026-01-01T00:00:00.000Z' }),
    pushEntry({ number: 41, at: '2026-01-05T09:00:00.000Z', head: sha('a'), pusher: 'alice' }),
    verdictEntry({ number: 41, at: '2026-01-05T09:00:05.000Z', head: sha('a'), state: 'pending', description: 'Waiting for 1 approval' }),
    verdictEntry({ number: 41, at: '2026-01-06T10:00:00.000Z', head: sha('a'), state: 'success', description: 'All controls pass' }),
    mergeEntry({ number: 41, at: '2026-01-06T11:00:00.000Z' }),
    mergeEntry({ repo: 'acme/ledger', number: 7, at: '2026-01-10T12:00:00.000Z', title: FORMULA_TITLE }),
    pushEntry({ number: 42, at: '2026-01-19T08:00:00.000Z', head: sha('b'), pusher: 'erin' }),
    verdictEntry({ number: 42, at: '2026-01-19T08:00:05.000Z', head: sha('b'), state: 'pending', description: 'Waiting for 1 approval' }),
    statusOverwrittenEntry({ number: 42, at: '2026-01-19T09:00:00.000Z', head: sha('b'), by: 'mallory' }),
    mergeEntry({ number: 42, at: '2026-01-20T15:00:00.000Z', head: sha('b'), title: XSS_TITLE, mergedBy: 'admin-carol', bypass: true }),
    exceptionEntry({ number: 42, at: '2026-01-20T15:00:02.000Z', head: sha('b'), mergedBy: 'admin-carol' }),
    mergeEntry({ number: 43, at: '2026-01-31T23:59:59.999Z' }),
    mergeEntry({ number: 44, at: '2026-02-01T00:00:00.000Z' }),
  ];
}

export interface EmergencyInput {
  repo?: string;
  number: number;
  at: string;
  dueAt: string;
  head?: string;
  by?: string;
  reason?: string;
}

/** An `emergency` entry as the app writes it when a member of emergency.teams authorises a PR. */
export function emergencyEntry(input: EmergencyInput): NewAuditEntry {
  const repo = input.repo ?? 'acme/payments';
  const head = input.head ?? sha('d');
  const record = EmergencyRecord.parse({
    by: input.by ?? 'carol',
    reason: input.reason ?? 'INC-4711 card payments failing',
    headSha: head,
    installationId: 7,
    pr: {
      repo,
      number: input.number,
      title: `PAY-12 hotfix ${input.number}`,
      url: `https://github.com/${repo}/pull/${input.number}`,
      author: 'alice',
    },
    contributors: ['alice'],
    waived: [
      { control: 'approval', outcome: 'pending', summary: 'Needs 1 more independent approval' },
      { control: 'checks', outcome: 'failure', summary: 'Failed: ci/test' },
    ],
    verdictBefore: { state: 'failure', description: 'Failed: ci/test' },
    followUpIssue: { repo, number: input.number + 100, url: `https://github.com/${repo}/issues/${input.number + 100}` },
    dueAt: input.dueAt,
    teams: ['acme/incident-commanders'],
    reviewers: ['acme/change-reviewers'],
    comment: { id: input.number, url: `https://github.com/${repo}/pull/${input.number}#issuecomment-${input.number}` },
    policy: `${repo}:.github/change-control.yml@${sha('c')}`,
  });
  return NewAuditEntry.parse({
    kind: 'emergency',
    at: input.at,
    deliveryId: `d-emergency-${repo}-${input.number}`,
    repo,
    prNumber: input.number,
    headSha: head,
    data: { ...record },
  });
}

/** A `retro-approval` entry of the emergency recorded as entry `emergencySeq`. */
export function retroApprovalEntry(input: {
  repo?: string;
  number: number;
  at: string;
  emergencySeq: number;
  dueAt: string;
  by?: string;
  head?: string;
}): NewAuditEntry {
  const repo = input.repo ?? 'acme/payments';
  const record = RetroApprovalRecord.parse({
    by: input.by ?? 'erin',
    emergencySeq: input.emergencySeq,
    emergencyBy: 'carol',
    dueAt: input.dueAt,
    late: Date.parse(input.at) > Date.parse(input.dueAt),
    note: null,
    followUpIssue: { repo, number: input.number + 100, url: `https://github.com/${repo}/issues/${input.number + 100}` },
    comment: { id: 1, url: `https://github.com/${repo}/issues/${input.number + 100}#issuecomment-1` },
  });
  return NewAuditEntry.parse({
    kind: 'retro-approval',
    at: input.at,
    deliveryId: `d-retro-${repo}-${input.number}`,
    repo,
    prNumber: input.number,
    headSha: input.head ?? sha('d'),
    data: { ...record },
  });
}

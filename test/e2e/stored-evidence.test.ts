import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { chainEntry } from '../../src/audit/chain-entry.js';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { runCli } from '../../src/cli/run-cli.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { pullRequestEvent } from './harness/webhooks.js';

/**
 * Issue 16, part 6: the real app with a signing key and a file witness. A row inserted straight into the database
 * (the app role may INSERT) is not acted on, and the verdict says why; removing the newest entries is caught by
 * `audit verify` against the witness.
 */

const SIGNING_KEY = 'e2e-signing-key-of-at-least-32-characters';
const EMERGENCY_POLICY = `${STANDARD_POLICY}emergency:\n  teams: [acme/incident-commanders]\n  reviewers: [acme/change-reviewers]\n`;
const dir = mkdtempSync(join(tmpdir(), 'cc-e2e-evidence-'));
const path = join(dir, 'audit.db');
const witnessFile = join(dir, 'witness.jsonl');

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: { DATABASE_URL: `sqlite:${path}`, AUDIT_SIGNING_KEY: SIGNING_KEY, AUDIT_WITNESS_FILE: witnessFile, AUDIT_WITNESS_EVERY: '1' },
  afterReset: (started) => started.github.addTeam({ org: 'acme', slug: 'incident-commanders', members: ['carol'] }),
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

interface Row {
  seq: number;
  kind: string;
  hash: string;
  signature: string | null;
}

const lastRow = async (): Promise<Row> =>
  (await e2e.app.query<Row>('SELECT seq, kind, hash, signature FROM audit_entries ORDER BY seq DESC LIMIT 1'))[0]!;

async function verify(): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    env: { AUDIT_SIGNING_KEY: SIGNING_KEY },
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    now: () => new Date(),
  };
  const code = await runCli(['audit', 'verify', '--database', `sqlite:${path}`, '--witness-file', witnessFile], io);
  return { code, out, err };
}

/** What an attacker with the app role's INSERT right writes: a well-formed emergency entry chained to the head, unsigned. */
async function insertForgedEmergency(input: { repo: string; number: number; headSha: string }): Promise<number> {
  const head = await lastRow();
  const data = {
    by: 'carol',
    reason: 'forged',
    headSha: input.headSha,
    installationId: 1,
    pr: { repo: input.repo, number: input.number, title: 't', url: 'u', author: 'alice' },
    contributors: ['alice'],
    waived: [],
    verdictBefore: { state: 'pending', description: 'x' },
    followUpIssue: { repo: input.repo, number: 999, url: 'u' },
    dueAt: '2100-01-01T00:00:00.000Z',
    teams: ['acme/incident-commanders'],
    reviewers: ['acme/change-reviewers'],
    comment: { id: 1, url: 'u' },
    policy: null,
  };
  const at = new Date().toISOString();
  const { entry } = chainEntry({
    input: { kind: 'emergency', at, deliveryId: null, repo: input.repo, prNumber: input.number, headSha: input.headSha, data },
    seq: head.seq + 1,
    prevHash: head.hash,
  });
  const db = new Database(path);
  try {
    const e: AuditEntry = entry;
    db.prepare(
      'INSERT INTO audit_entries (seq, at, at_ms, delivery_id, kind, repo, pr_number, head_sha, data, prev_hash, hash, signature) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, NULL)',
    ).run(e.seq, e.at, Date.parse(e.at), e.kind, e.repo, e.prNumber, e.headSha, JSON.stringify(e.data), e.prevHash, e.hash);
  } finally {
    db.close();
  }
  return entry.seq;
}

describe('a forged unsigned audit row', () => {
  it('an emergency authorisation inserted into the database is not acted on; the verdict says why', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: EMERGENCY_POLICY }));
    e2e.makeReady(pr, { reviewer: null });
    const first = await e2e.evaluate(pr);
    expect(first.status.state).toBe('pending');

    const forgedSeq = await insertForgedEmergency({ repo: `${pr.owner}/${pr.repo}`, number: pr.number, headSha: first.headSha });
    const { status, checkRun } = await e2e.evaluate(pr, { payload: pullRequestEvent(pr, 'reopened') });

    expect(status.state).toBe('error');
    expect(status.description).toContain(`audit entry ${forgedSeq} (emergency) fails verification`);
    expect(checkRun?.output.summary ?? '').toContain('entry is not signed, yet the store signs with hmac-sha256');
    // Nothing lost: the error verdict is recorded, signed, after the forged row; no verdict ever said success.
    const verdicts = await e2e.app.query<{ seq: number; data: string; signature: string | null }>(
      `SELECT seq, data, signature FROM audit_entries WHERE kind = 'verdict' AND repo = '${pr.owner}/${pr.repo}' ORDER BY seq`,
    );
    expect(verdicts.map((v) => JSON.parse(v.data).verdict.state)).toEqual(['pending', 'error']);
    expect(verdicts.at(-1)!.seq).toBeGreaterThan(forgedSeq);
    expect(verdicts.every((v) => v.signature !== null)).toBe(true);
    // And `audit verify` (the key from AUDIT_SIGNING_KEY, no --key-file) names the forged row.
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.out).toContain(`BROKEN at entry ${forgedSeq}: entry is not signed`);
  });
});

describe('a truncated chain', () => {
  it('is detected by `audit verify` against the witness the app published to', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    await e2e.evaluate(pr);
    const head = await lastRow();
    // The app publishes every entry (AUDIT_WITNESS_EVERY=1) within a poll.
    await waitFor(
      `the witness to hold entry ${head.seq}`,
      () => existsSync(witnessFile) && readFileSync(witnessFile, 'utf8').includes(`"seq":${head.seq},"hash":"${head.hash}"`),
      { timeoutMs: 20_000 },
    );
    await e2e.app.stop();

    // The attacker switches off the append-only triggers and removes the newest entries: the rest still chains.
    const db = new Database(path);
    try {
      db.exec('DROP TRIGGER audit_entries_no_delete');
      db.prepare('DELETE FROM audit_entries WHERE seq > ?').run(head.seq - 2);
    } finally {
      db.close();
    }
    const result = await verify();

    expect(result.code).toBe(1);
    expect(result.out).toContain(`WITNESS MISMATCH: the store ends at entry ${head.seq - 2}, but entry ${head.seq} published`);
    expect(result.out).toContain('entries were removed');
  });
});

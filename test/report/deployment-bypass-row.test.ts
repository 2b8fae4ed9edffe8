import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH } from '../../src/audit/audit-entry.js';
import { chainEntry } from '../../src/audit/chain-entry.js';
import type { DeploymentBypassRecord } from '../../src/audit/deployment-records.js';
import { deploymentBypassRow } from '../../src/report/export-row.js';
import { parseChangeFilter } from '../../src/report/change-filter.js';
import { matchesExceptionRow } from '../../src/report/read-export.js';

const SHA = 'b'.repeat(40);
const record: DeploymentBypassRecord = {
  type: 'deployment-bypass',
  environment: 'production',
  sha: SHA,
  deploymentId: 77,
  statusCreator: 'mallory',
  deploymentCreator: 'mallory',
  reason: 'Change Control did not approve deployment 77 of bbbbbbb to production (no deployment-gate entry)',
  statusSeq: 4,
  issueUrl: 'https://github.com/acme/payments/issues/9',
};
const { entry } = chainEntry({
  input: {
    kind: 'exception',
    at: '2026-12-01T10:00:00.000Z',
    deliveryId: 'd1',
    repo: 'acme/payments',
    prNumber: null,
    headSha: SHA,
    data: { ...record },
  },
  seq: 1,
  prevHash: GENESIS_HASH,
});

describe('a deployment-bypass exception', () => {
  it('is an exceptions row of its own type, with why and the issue', () => {
    expect(deploymentBypassRow(entry)).toMatchObject({
      repo: 'acme/payments',
      pr: null,
      head_sha: SHA,
      type: 'deployment-bypass',
      exceptions: [record.reason],
      reason: 'deployment 77 to production reported successful by mallory',
      issue_url: record.issueUrl,
      audit_seq: 1,
    });
  });

  it.each([
    ['exception=deployment-bypass', true],
    ['exception=any', true],
    ['exception=bypass', false],
  ])('the dashboard filter %s keeps it: %s', (query, kept) => {
    const filter = parseChangeFilter(new URLSearchParams(query), new Date('2026-12-06T00:00:00Z'));
    if (!filter.ok) throw new Error(filter.errors.join('; '));

    expect(matchesExceptionRow(filter.filter, deploymentBypassRow(entry))).toBe(kept);
  });
});

import { describe, expect, it } from '@jest/globals';
import { builtInControls } from '../../src/policy/evaluate.js';
import { buildOpaInput, OpaInput } from '../../src/policy/opa-input.js';
import type { EmergencyAuthorisation } from '../../src/policy/emergency-override.js';
import {
  aChangedFile,
  aCheck,
  aCommit,
  aConfig,
  aFoundTicket,
  aKeySearch,
  aPullRequest,
  aPush,
  aReview,
  HEAD_SHA,
  NOW,
  POLICY,
} from './builders.js';

const AUTHORISATION: EmergencyAuthorisation = {
  by: 'erin',
  reason: 'payments outage',
  at: '2024-05-02T10:00:00Z',
  headSha: HEAD_SHA,
  followUpIssue: { repo: 'acme/compliance', number: 3, url: 'https://github.test/acme/compliance/issues/3' },
  dueAt: '2024-05-05T10:00:00Z',
  auditSeq: 41,
};

function inputFor(overrides: { authorisation?: EmergencyAuthorisation | null } = {}) {
  const pr = {
    ...aPullRequest({
      commits: [aCommit()],
      reviews: [aReview('bob', 'APPROVED')],
      checks: [aCheck('build', 'success')],
      pushers: [aPush('alice')],
    }),
    changedFiles: [aChangedFile('payments/ledger.ts'), aChangedFile('docs/new.md', 'docs/old.md')],
  };
  const grounds = {
    config: aConfig(),
    policy: POLICY,
    pr,
    ticketSearch: aKeySearch(),
    ticketLookups: [aFoundTicket({ issueType: 'Emergency' })],
    teamMembers: { 'acme/finance': ['fiona', 'bob'] },
    now: NOW,
  };
  return buildOpaInput({
    ...grounds,
    controls: builtInControls(grounds),
    emergency: { pathConfigured: true, authorisation: overrides.authorisation ?? null },
  });
}

describe('buildOpaInput', () => {
  it('is the whole evaluation, valid under the documented schema (input.version 1)', () => {
    const input = inputFor();

    expect(OpaInput.parse(input)).toEqual(input);
    expect(input).toMatchObject({
      version: 1,
      evaluated_at: NOW.toISOString(),
      pull_request: { head_sha: HEAD_SHA, author: { login: expect.any(String), is_bot: false } },
      reviews: [{ reviewer: { login: 'bob' }, state: 'APPROVED', reviewer_can_push: true }],
      checks: [{ name: 'build', state: 'success' }],
      pushers: [{ login: 'alice', head_sha: HEAD_SHA }],
      changed_files: [
        { path: 'payments/ledger.ts', previous_path: null },
        { path: 'docs/new.md', previous_path: 'docs/old.md' },
      ],
      teams: { 'acme/finance': ['fiona', 'bob'] },
      tickets: [{ found: true, type: 'Emergency', status: 'Approved' }],
      emergency: { path_configured: true, authorisation: null },
      controls: [
        { control: 'ticket', outcome: 'success' },
        { control: 'approval', outcome: 'success' },
        { control: 'checks', outcome: 'success' },
      ],
    });
  });

  it('carries the emergency authorisation recorded for the head', () => {
    expect(inputFor({ authorisation: AUTHORISATION }).emergency).toEqual({
      path_configured: true,
      authorisation: { by: 'erin', reason: 'payments outage', at: '2024-05-02T10:00:00Z', audit_seq: 41 },
    });
  });

  it('reports the security control’s outcome with the built-in ones when the policy has security:', () => {
    const pr = {
      ...aPullRequest({
        security: { codeScanning: { analysed: false, detail: 'no code scanning analysis of refs/pull/1/merge yet' }, dependencies: null },
      }),
      changedFiles: [],
    };
    const grounds = {
      config: { ...aConfig(), security: { code_scanning: { block_at: 'high' as const } } },
      policy: POLICY,
      pr,
      ticketSearch: aKeySearch(),
      ticketLookups: [],
      teamMembers: {},
      now: NOW,
    };

    const input = buildOpaInput({
      ...grounds,
      controls: builtInControls(grounds),
      emergency: { pathConfigured: false, authorisation: null },
    });

    expect(OpaInput.parse(input).controls.at(-1)).toEqual({
      control: 'security',
      outcome: 'pending',
      summary: 'Waiting for code scanning of c0ffee1',
    });
  });
});

import type { NewAuditEntry } from '../../src/audit/audit-entry.js';
import type { AccessSnapshotRecord, EnforcementRecord } from '../../src/audit/enforcement-records.js';
import { reviewAccess, type AccessFacts } from '../../src/policy/access-review.js';
import { judgeEnforcement, type BypassActor } from '../../src/policy/enforcement.js';

/** `enforcement` and `access-snapshot` entries of acme/payments in February 2026: enforced, removed on the 10th, restored on the 20th. */

export const REPO = 'acme/payments';
const APP = 4242;

export function branchState(input: { required: boolean; bypass?: BypassActor[] }) {
  return judgeEnforcement({
    facts: {
      branch: 'main',
      rulesets: {
        known: true,
        value: [
          {
            rulesetId: 7,
            source: REPO,
            sourceType: 'Repository',
            requiredChecks: [{ context: input.required ? 'change-control' : 'build', integrationId: APP }],
            bypassActors: { known: true, value: input.bypass ?? [] },
          },
        ],
      },
      protection: { known: true, value: null },
    },
    appId: APP,
    checkNames: ['change-control', 'Change control'],
  });
}

function enforcement(at: string, required: boolean, changes: string[], bypass: BypassActor[] = []): NewAuditEntry {
  const record: EnforcementRecord = {
    installationId: 1,
    trigger: 'sweep',
    policy: `${REPO}:.github/change-control.yml@abc`,
    state: branchState({ required, bypass }),
    changes,
    lost: !required,
  };
  return { kind: 'enforcement', at, deliveryId: null, repo: REPO, prNumber: null, headSha: null, data: { ...record } };
}

/** A login with markup in it, as a hostile collaborator might (GitHub logins cannot, but the page must not trust that). */
export const HOSTILE = '<img src=x onerror=alert(1)>';

function snapshot(at: string, facts: AccessFacts, bypass: BypassActor[]): NewAuditEntry {
  const state = branchState({ required: true, bypass });
  const record: AccessSnapshotRecord = {
    installationId: 1,
    trigger: 'sweep',
    branches: ['main'],
    review: reviewAccess({ facts, branches: [state], org: 'acme' }),
    facts,
  };
  return { kind: 'access-snapshot', at, deliveryId: null, repo: REPO, prNumber: null, headSha: null, data: { ...record } };
}

const FACTS: AccessFacts = {
  collaborators: [
    { login: 'alice', id: 1, role: 'write' },
    { login: HOSTILE, id: 2, role: 'admin' },
  ],
  direct: ['alice', HOSTILE],
  teams: [],
};

export function enforcementEntries(): NewAuditEntry[] {
  return [
    enforcement('2026-01-20T09:00:00.000Z', true, ['first check: enforced']),
    snapshot('2026-01-20T09:00:00.000Z', FACTS, []),
    enforcement('2026-02-10T09:00:00.000Z', false, ['status enforced → not-enforced']),
    enforcement('2026-02-20T09:00:00.000Z', true, ['status not-enforced → enforced']),
    snapshot('2026-02-20T09:00:00.000Z', FACTS, [{ actorType: 'User', actorId: 1, bypassMode: 'always' }]),
  ];
}

import { describe, expect, it } from '@jest/globals';
import { reviewAccess, type AccessFacts } from '../../src/policy/access-review.js';
import { judgeEnforcement, type BypassActor } from '../../src/policy/enforcement.js';

const FACTS: AccessFacts = {
  collaborators: [
    { login: 'alice', id: 1, role: 'write' },
    { login: 'bob', id: 2, role: 'admin' },
    { login: 'carol', id: 3, role: 'read' },
    { login: 'dave', id: 4, role: 'write' },
  ],
  direct: ['alice', 'bob'],
  teams: [{ slug: 'release', id: 77, role: 'maintain', members: ['bob'] }],
};

function branch(bypass: BypassActor[], status: 'required' | 'none' = 'required') {
  return judgeEnforcement({
    facts: {
      branch: 'main',
      rulesets: {
        known: true,
        value:
          status === 'none'
            ? []
            : [
                {
                  rulesetId: 9,
                  source: 'acme/api',
                  sourceType: 'Repository',
                  requiredChecks: [{ context: 'change-control', integrationId: 1 }],
                  bypassActors: { known: true, value: bypass },
                },
              ],
      },
      protection: { known: true, value: null },
    },
    appId: 1,
    checkNames: ['change-control'],
  });
}

describe('reviewAccess', () => {
  it('says how each person got access and what they can do', () => {
    const review = reviewAccess({
      facts: FACTS,
      branches: [branch([{ actorType: 'Team', actorId: 77, bypassMode: 'always' }])],
      org: 'acme',
    });
    expect(review.people).toEqual([
      { login: 'alice', role: 'write', via: ['direct (write)'], canApprove: true, canMerge: true, canPushDirectly: [], canBypass: [] },
      {
        login: 'bob',
        role: 'admin',
        via: ['direct (admin)', 'team acme/release (maintain)'],
        canApprove: true,
        canMerge: true,
        canPushDirectly: ['main'],
        canBypass: [{ branch: 'main', via: 'ruleset 9 (acme/api)' }],
      },
      {
        login: 'carol',
        role: 'read',
        via: ['organisation (owner or base permission: read)'],
        canApprove: false,
        canMerge: false,
        canPushDirectly: [],
        canBypass: [],
      },
      {
        login: 'dave',
        role: 'write',
        via: ['organisation (owner or base permission: write)'],
        canApprove: true,
        canMerge: true,
        canPushDirectly: [],
        canBypass: [],
      },
    ]);
  });

  it.each([
    ['a user bypass actor', { actorType: 'User', actorId: 1, bypassMode: 'always' }, ['alice']],
    ['the write role', { actorType: 'RepositoryRole', actorId: 4, bypassMode: 'always' }, ['alice', 'bob', 'dave']],
    ['the admin role', { actorType: 'RepositoryRole', actorId: 5, bypassMode: 'pull_request' }, ['bob']],
    ['an app', { actorType: 'Integration', actorId: 31, bypassMode: 'always' }, []],
  ] as const)('%s can bypass', (_name, actor, logins) => {
    const review = reviewAccess({ facts: FACTS, branches: [branch([actor])], org: 'acme' });
    expect(review.people.filter((p) => p.canBypass.length > 0).map((p) => p.login)).toEqual(logins);
  });

  it('lets every writer push directly to a branch whose gate is not enforced, and lists non-people bypassers apart', () => {
    const review = reviewAccess({ facts: FACTS, branches: [branch([], 'none')], org: 'acme' });
    expect(review.people.filter((p) => p.canPushDirectly.includes('main')).map((p) => p.login)).toEqual(['alice', 'bob', 'dave']);
    const withApp = reviewAccess({
      facts: FACTS,
      branches: [branch([{ actorType: 'Integration', actorId: 31, bypassMode: 'always' }])],
      org: 'acme',
    });
    expect(withApp.otherBypassers).toEqual([{ branch: 'main', actor: 'Integration 31', via: 'ruleset 9 (acme/api)' }]);
  });
});

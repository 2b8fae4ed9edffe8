import { describe, expect, it } from '@jest/globals';
import {
  compareEnforcement,
  judgeEnforcement,
  type BranchEnforcementFacts,
  type BypassActor,
  type RulesetFact,
} from '../../src/policy/enforcement.js';

const APP = 4242;
const NAMES = ['change-control', 'Change control'];

function aRuleset(overrides: Partial<RulesetFact> = {}): RulesetFact {
  return {
    rulesetId: 7,
    source: 'acme/api',
    sourceType: 'Repository',
    requiredChecks: [{ context: 'change-control', integrationId: APP }],
    bypassActors: { known: true, value: [] },
    ...overrides,
  };
}

function facts(
  input: { rulesets?: RulesetFact[] | string; protection?: BranchEnforcementFacts['protection'] } = {},
): BranchEnforcementFacts {
  const rulesets =
    typeof input.rulesets === 'string'
      ? { known: false as const, reason: input.rulesets }
      : { known: true as const, value: input.rulesets ?? [aRuleset()] };
  return { branch: 'main', rulesets, protection: input.protection ?? { known: true, value: null } };
}

const judge = (f: BranchEnforcementFacts) => judgeEnforcement({ facts: f, appId: APP, checkNames: NAMES });
const admins: BypassActor = { actorType: 'RepositoryRole', actorId: 5, bypassMode: 'always' };
const alice: BypassActor = { actorType: 'User', actorId: 501, bypassMode: 'always' };

describe('judgeEnforcement', () => {
  it.each([
    ['a ruleset requiring change-control from this app', facts(), 'enforced'],
    [
      'a ruleset requiring the Change control check run from any source',
      facts({ rulesets: [aRuleset({ requiredChecks: [{ context: 'Change control', integrationId: null }] })] }),
      'enforced',
    ],
    [
      'a ruleset requiring change-control from another app only',
      facts({ rulesets: [aRuleset({ requiredChecks: [{ context: 'change-control', integrationId: 99 }] })] }),
      'not-enforced',
    ],
    [
      'a ruleset requiring only build',
      facts({ rulesets: [aRuleset({ requiredChecks: [{ context: 'build', integrationId: null }] })] }),
      'not-enforced',
    ],
    ['nothing at all, everything read', facts({ rulesets: [] }), 'not-enforced'],
    [
      'classic protection requiring it, rulesets unreadable',
      facts({
        rulesets: 'GitHub refused',
        protection: { known: true, value: { requiredChecks: [{ context: 'change-control', integrationId: APP }], enforceAdmins: true } },
      }),
      'enforced',
    ],
    ['no ruleset, protection unreadable (no permission)', facts({ rulesets: [], protection: { known: false, reason: '403' } }), 'unknown'],
    ['rulesets unreadable, no protection', facts({ rulesets: 'GitHub refused' }), 'unknown'],
  ] as const)('%s: %s', (_name, input, status) => {
    expect(judge(input).status).toBe(status);
  });

  it('lists the ruleset bypass actors and admins when classic protection does not include them', () => {
    const state = judge(
      facts({
        rulesets: [aRuleset({ bypassActors: { known: true, value: [alice] } })],
        protection: { known: true, value: { requiredChecks: [{ context: 'change-control', integrationId: null }], enforceAdmins: false } },
      }),
    );
    expect(state.bypass).toEqual({
      known: true,
      value: [
        { ...admins, via: 'branch protection (admins not included)' },
        { ...alice, via: 'ruleset 7 (acme/api)' },
      ],
    });
    expect(state.adminsEnforced).toBe(false);
    expect(state.reasons).toContain(
      'branch protection requires change-control from any source: anyone who can write statuses can satisfy it',
    );
  });

  it('says who can bypass is unknown when GitHub did not disclose a requiring ruleset’s bypass actors', () => {
    const state = judge(facts({ rulesets: [aRuleset({ bypassActors: { known: false, reason: 'not disclosed' } })] }));
    expect(state.status).toBe('enforced');
    expect(state.bypass).toEqual({ known: false, reason: 'bypass actors not disclosed: ruleset 7 (acme/api): not disclosed' });
  });
});

describe('compareEnforcement', () => {
  const enforced = judge(facts());
  const withAlice = judge(facts({ rulesets: [aRuleset({ bypassActors: { known: true, value: [alice] } })] }));
  const removed = judge(facts({ rulesets: [] }));
  const unknown = judge(facts({ rulesets: 'GitHub refused' }));
  const undisclosed = judge(facts({ rulesets: [aRuleset({ bypassActors: { known: false, reason: 'hidden' } })] }));
  const viaProtection = judge(
    facts({
      rulesets: [],
      protection: { known: true, value: { requiredChecks: [{ context: 'change-control', integrationId: APP }], enforceAdmins: true } },
    }),
  );

  it.each([
    ['first check, enforced', null, enforced, { changed: true, lost: false }],
    ['first check, not enforced (a gap seen for the first time)', null, removed, { changed: true, lost: true }],
    ['unchanged', enforced, judge(facts()), { changed: false, lost: false }],
    ['the required status removed', enforced, removed, { changed: true, lost: true }],
    ['enforced → unknown (fail closed: a loss)', enforced, unknown, { changed: true, lost: true }],
    ['a bypass actor added', enforced, withAlice, { changed: true, lost: true }],
    ['a bypass actor removed', withAlice, enforced, { changed: true, lost: false }],
    ['restored', removed, enforced, { changed: true, lost: false }],
    ['bypass actors no longer disclosed', enforced, undisclosed, { changed: true, lost: true }],
    ['moved from a ruleset to classic protection', enforced, viaProtection, { changed: true, lost: false }],
    ['not enforced, still not enforced', removed, judge(facts({ rulesets: [] })), { changed: false, lost: false }],
  ] as const)('%s', (_name, previous, current, expected) => {
    expect(compareEnforcement(previous, current)).toMatchObject(expected);
  });

  it('says what changed, line by line', () => {
    expect(compareEnforcement(enforced, withAlice).changes).toEqual(['can now bypass: User 501 (always, ruleset 7 (acme/api))']);
    expect(compareEnforcement(enforced, removed).changes).toEqual([
      'status enforced → not-enforced',
      'no longer required by ruleset 7 (acme/api): change-control from app 4242',
    ]);
  });
});

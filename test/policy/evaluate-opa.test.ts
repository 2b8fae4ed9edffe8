import { describe, expect, it } from '@jest/globals';
import type { OpaDecisionRef } from '../../src/policy/config-schema.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { evaluateOpa } from '../../src/policy/evaluate-opa.js';
import type { OpaDecision } from '../../src/policy/facts.js';
import { withoutDecisionIds } from '../../src/policy/without-decision-ids.js';
import { aCheck, aCommit, aConfig, aFoundTicket, aKeySearch, aPullRequest, aReview, NOW, POLICY } from './builders.js';

const OWN: OpaDecisionRef = { path: 'change_control/allow', source: 'opa.decision' };
const FLOOR: OpaDecisionRef = { path: 'acme/floor/allow', source: 'floor.opa.decision' };

function answer(ref: OpaDecisionRef, allow: boolean, reasons: string[] = []): OpaDecision {
  return { ...ref, allow, reasons, decisionId: `id-${ref.path}`, bundleRevisions: { acme: 'rev-7' }, inputVersion: 1 };
}

describe('evaluateOpa', () => {
  it.each<{ name: string; required: OpaDecisionRef[]; decisions: OpaDecision[]; outcome: string; summary: string }>([
    {
      name: 'one decision that allows',
      required: [OWN],
      decisions: [answer(OWN, true)],
      outcome: 'success',
      summary: 'OPA change_control/allow allows',
    },
    {
      name: 'one decision that denies, with its reasons',
      required: [OWN],
      decisions: [answer(OWN, false, ['payments/** needs 2 approvals from acme/finance', 'Friday after 16:00 UTC'])],
      outcome: 'failure',
      summary: 'OPA change_control/allow denies: payments/** needs 2 approvals from acme/finance; Friday after 16:00 UTC',
    },
    {
      name: 'a denial without reasons',
      required: [OWN],
      decisions: [answer(OWN, false)],
      outcome: 'failure',
      summary: 'OPA change_control/allow denies: no reason given',
    },
    {
      name: 'the floor’s and the repository’s, both allowing',
      required: [FLOOR, OWN],
      decisions: [answer(OWN, true), answer(FLOOR, true)],
      outcome: 'success',
      summary: 'OPA acme/floor/allow, change_control/allow allows',
    },
    {
      name: 'the repository’s allows but the floor’s denies: both must allow',
      required: [FLOOR, OWN],
      decisions: [answer(FLOOR, false, ['frozen']), answer(OWN, true)],
      outcome: 'failure',
      summary: 'OPA acme/floor/allow denies: frozen',
    },
  ])('$name', ({ required, decisions, outcome, summary }) => {
    const result = evaluateOpa({ required, decisions });

    expect(result).toMatchObject({ control: 'opa', outcome, summary });
    if ('control' in result) expect(result.evidence.decisions.map((d) => d.path)).toEqual(required.map((r) => r.path));
  });

  it.each<{ name: string; decisions: OpaDecision[]; missing: OpaDecisionRef[] }>([
    { name: 'no answer at all', decisions: [], missing: [FLOOR, OWN] },
    { name: 'only the repository’s answer', decisions: [answer(OWN, true)], missing: [FLOOR] },
    {
      name: 'an answer for the path under another key',
      decisions: [answer({ ...FLOOR, source: 'opa.decision' }, true), answer(OWN, true)],
      missing: [FLOOR],
    },
  ])('names a decision without an answer as missing ($name), never a pass', ({ decisions, missing }) => {
    expect(evaluateOpa({ required: [FLOOR, OWN], decisions })).toEqual({ missing });
  });
});

describe('evaluate with opa.decision', () => {
  const grounds = (opaDecisions: OpaDecision[] | undefined) => ({
    config: { ...aConfig(), opa: { decisions: [OWN], teams: [] } },
    policy: POLICY,
    pr: aPullRequest({ commits: [aCommit()], reviews: [aReview('bob', 'APPROVED')], checks: [aCheck('build', 'success')] }),
    ticketSearch: aKeySearch(),
    ticketLookups: [aFoundTicket()],
    teamMembers: {},
    now: NOW,
    ...(opaDecisions === undefined ? {} : { opaDecisions }),
  });

  it.each<{ name: string; decisions: OpaDecision[] | undefined; state: string; description: string }>([
    {
      name: 'OPA allows: the fourth control passes with the others',
      decisions: [answer(OWN, true)],
      state: 'success',
      description: expect.stringMatching(/^All controls passed: .*; OPA change_control\/allow allows$/) as unknown as string,
    },
    {
      name: 'OPA denies: the PR fails with OPA’s reasons although the built-in controls pass',
      decisions: [answer(OWN, false, ['no production changes on Fridays after 16:00 UTC'])],
      state: 'failure',
      description: 'OPA change_control/allow denies: no production changes on Fridays after 16:00 UTC',
    },
    {
      name: 'no answer gathered: error, never a pass',
      decisions: undefined,
      state: 'error',
      description: 'Cannot evaluate: OPA decision change_control/allow (opa.decision) has no answer',
    },
  ])('$name', ({ decisions, state, description }) => {
    const verdict = evaluate(grounds(decisions));

    expect(verdict).toMatchObject({ state, description });
  });

  it('keeps the decision id and bundle revision in the verdict, and leaves the id out of what fingerprints compare', () => {
    const verdict = evaluate(grounds([answer(OWN, true)]));
    const again = evaluate(grounds([{ ...answer(OWN, true), decisionId: 'another-call' }]));

    expect(verdict.state !== 'error' && verdict.controls.at(-1)).toMatchObject({
      control: 'opa',
      evidence: { decisions: [{ decisionId: 'id-change_control/allow', bundleRevisions: { acme: 'rev-7' } }] },
    });
    expect(withoutDecisionIds(again)).toEqual(withoutDecisionIds(verdict));
    const newBundle = evaluate(grounds([{ ...answer(OWN, true), bundleRevisions: { acme: 'rev-8' } }]));
    expect(withoutDecisionIds(newBundle)).not.toEqual(withoutDecisionIds(verdict));
  });
});

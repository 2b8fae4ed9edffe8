import { describe, expect, it } from '@jest/globals';
import type { ExpectedSource } from '../../src/policy/expected-source.js';
import type { CheckFact } from '../../src/policy/facts.js';
import { selectCheckResult } from '../../src/policy/select-check-result.js';
import { evaluateChecks } from '../../src/policy/evaluate-checks.js';
import { aCheck, HEAD_SHA } from './builders.js';

const T1 = '2024-05-02T09:00:00Z';
const T2 = '2024-05-02T09:10:00Z';
const T3 = '2024-05-02T09:20:00Z';
const CONTRIBUTORS = new Map([
  ['dave', 'the author'],
  ['erin', 'pushed 1a2b3c4'],
]);

const run = (state: CheckFact['state'], at: string, app: string | null = 'github-actions'): CheckFact =>
  aCheck('ci/test', state, { at, source: app });
const status = (state: CheckFact['state'], at: string, creator: string | null): CheckFact =>
  aCheck('ci/test', state, { kind: 'status', raw: state.toUpperCase(), at, source: creator });

interface Row {
  name: string;
  source: ExpectedSource;
  checks: CheckFact[];
  /** Index into `checks` of the result that decides, or null. */
  used: number | null;
  ignored: string[];
}

describe('selectCheckResult', () => {
  it.each<Row>([
    { name: 'plain name: the latest result', source: null, checks: [run('failure', T1), run('success', T2)], used: 1, ignored: [] },
    {
      name: 'plain name: the author posts success over CI failure',
      source: null,
      checks: [status('failure', T1, 'ci-bot'), status('success', T2, 'dave')],
      used: 0,
      ignored: ['ci/test reported success by @dave, a contributor to this pull request (the author)'],
    },
    {
      name: 'plain name: a pusher’s status never counts, even alone (login case differs)',
      source: null,
      checks: [status('success', T1, 'Erin')],
      used: null,
      ignored: ['ci/test reported success by @Erin, a contributor to this pull request (pushed 1a2b3c4)'],
    },
    {
      name: 'plain name: a non-contributor cannot replace another reporter’s failure',
      source: null,
      checks: [status('failure', T1, 'ci-bot'), status('success', T2, 'mallory')],
      used: 0,
      ignored: ['ci/test reported success by @mallory, after a failure reported by @ci-bot; only @ci-bot can replace it'],
    },
    {
      name: 'plain name: a check run cannot replace a status failure of the same name',
      source: null,
      checks: [status('failure', T1, 'ci-bot'), run('success', T2, 'other-app')],
      used: 0,
      ignored: ['ci/test reported success by other-app, after a failure reported by @ci-bot; only @ci-bot can replace it'],
    },
    {
      name: 'plain name: the reporter of the failure replaces it',
      source: null,
      checks: [status('failure', T1, 'ci-bot'), status('success', T3, 'CI-BOT')],
      used: 1,
      ignored: [],
    },
    {
      name: 'plain name: a status from a user GitHub no longer knows',
      source: null,
      checks: [status('success', T1, null)],
      used: null,
      ignored: ['ci/test reported success by an unknown user, whom GitHub no longer knows'],
    },
    {
      name: 'plain name: a later failure from anyone non-contributing replaces a success',
      source: null,
      checks: [run('success', T1), status('failure', T2, 'mallory')],
      used: 1,
      ignored: [],
    },
    {
      name: 'app: a success by another app does not count',
      source: { app: 'github-actions' },
      checks: [run('success', T1, 'evil-app')],
      used: null,
      ignored: ['ci/test reported success by evil-app, not by github-actions'],
    },
    {
      name: 'app: a status of that name does not count, even by a login named like the app',
      source: { app: 'github-actions' },
      checks: [run('failure', T1), status('success', T2, 'github-actions')],
      used: 0,
      ignored: ['ci/test reported success by @github-actions, not by github-actions'],
    },
    {
      name: 'app: the named app’s re-run replaces its failure',
      source: { app: 'GitHub-Actions' },
      checks: [run('failure', T1), run('success', T2)],
      used: 1,
      ignored: [],
    },
    {
      name: 'creator: the author posting success does not count',
      source: { creator: 'ci-bot' },
      checks: [status('failure', T1, 'ci-bot'), status('success', T2, 'dave')],
      used: 0,
      ignored: ['ci/test reported success by @dave, not by @ci-bot'],
    },
    {
      name: 'creator: the named creator counts even if it pushed to the PR',
      source: { creator: 'erin' },
      checks: [status('success', T1, 'erin')],
      used: 0,
      ignored: [],
    },
    { name: 'creator: nothing from it yet', source: { creator: 'ci-bot' }, checks: [], used: null, ignored: [] },
  ])('$name', ({ source, checks, used, ignored }) => {
    // Act
    const selected = selectCheckResult({ name: 'ci/test', source, checks, contributors: CONTRIBUTORS });

    // Assert
    expect(selected.result).toBe(used === null ? null : checks[used]);
    expect(selected.ignored.map((i) => i.reason)).toEqual(ignored);
  });

  it('ignores other names', () => {
    const selected = selectCheckResult({ name: 'ci/test', source: null, checks: [aCheck('lint', 'success')], contributors: CONTRIBUTORS });

    expect(selected).toEqual({ result: null, ignored: [] });
  });
});

describe('evaluateChecks with bound sources', () => {
  it.each([
    {
      name: 'a forged success over CI failure fails the control',
      required: ['ci/test'],
      checks: [status('failure', T1, 'ci-bot'), status('success', T2, 'dave')],
      outcome: 'failure',
      summary: 'Failed: ci/test',
    },
    {
      name: 'a forged success by the wrong app leaves the check missing',
      required: [{ name: 'ci/test', app: 'github-actions' }],
      checks: [run('success', T1, 'evil-app')],
      outcome: 'pending',
      summary: 'Waiting for ci/test',
    },
    {
      name: 'the named creator’s success passes',
      required: [{ name: 'ci/test', creator: 'ci-bot' }],
      checks: [status('success', T1, 'ci-bot')],
      outcome: 'success',
      summary: 'Passed: ci/test',
    },
  ])('$name', ({ required, checks, outcome, summary }) => {
    const result = evaluateChecks({ config: { required }, headSha: HEAD_SHA, checks, contributors: CONTRIBUTORS });

    expect(result).toMatchObject({ outcome, summary });
  });

  it('keeps the expected source in the evidence', () => {
    const result = evaluateChecks({
      config: { required: [{ name: 'ci/test', app: 'github-actions' }] },
      headSha: HEAD_SHA,
      checks: [],
      contributors: CONTRIBUTORS,
    });

    expect(result.evidence.required).toEqual([
      { name: 'ci/test', source: { app: 'github-actions' }, state: 'missing', result: null, ignored: [] },
    ]);
  });
});

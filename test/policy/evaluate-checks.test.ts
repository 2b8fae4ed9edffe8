import { describe, it, expect } from '@jest/globals';
import { evaluateChecks } from '../../src/policy/evaluate-checks.js';
import type { CheckFact } from '../../src/policy/facts.js';
import type { ControlOutcome, RequiredCheckEvidence } from '../../src/policy/verdict.js';
import { aCheck, HEAD_SHA } from './builders.js';

const EARLY = '2024-05-02T09:00:00Z';
const LATE = '2024-05-02T09:30:00Z';
const NONE = new Map<string, string>();

interface Row {
  name: string;
  required: string[];
  checks: CheckFact[];
  outcome: ControlOutcome;
  summary: string;
  states?: RequiredCheckEvidence['state'][];
}

describe('evaluateChecks', () => {
  it.each<Row>([
    { name: 'no required checks', required: [], checks: [aCheck('lint', 'failure')], outcome: 'success', summary: 'No checks required' },
    {
      name: 'every required check passed',
      required: ['build', 'test'],
      checks: [aCheck('build', 'success'), aCheck('test', 'success')],
      outcome: 'success',
      summary: 'Passed: build, test',
      states: ['success', 'success'],
    },
    {
      name: 'a required commit status passed',
      required: ['ci/jenkins'],
      checks: [aCheck('ci/jenkins', 'success', { kind: 'status', raw: 'SUCCESS' })],
      outcome: 'success',
      summary: 'Passed: ci/jenkins',
    },
    {
      name: 'a failing check that is not required',
      required: ['build'],
      checks: [aCheck('build', 'success'), aCheck('lint', 'failure')],
      outcome: 'success',
      summary: 'Passed: build',
    },
    {
      name: 'a required check still running',
      required: ['build'],
      checks: [aCheck('build', 'pending')],
      outcome: 'pending',
      summary: 'Waiting for build',
      states: ['pending'],
    },
    {
      name: 'a required commit status still pending',
      required: ['ci/jenkins'],
      checks: [aCheck('ci/jenkins', 'pending', { kind: 'status', raw: 'PENDING' })],
      outcome: 'pending',
      summary: 'Waiting for ci/jenkins',
    },
    {
      name: 'a required check not reported',
      required: ['build', 'test'],
      checks: [aCheck('build', 'success')],
      outcome: 'pending',
      summary: 'Waiting for test',
      states: ['success', 'missing'],
    },
    {
      name: 'a required check failed while another is missing',
      required: ['build', 'test'],
      checks: [aCheck('build', 'failure')],
      outcome: 'failure',
      summary: 'Failed: build',
      states: ['failure', 'missing'],
    },
    {
      name: 'a name that differs only in case is not the required check',
      required: ['Build'],
      checks: [aCheck('build', 'success')],
      outcome: 'pending',
      summary: 'Waiting for Build',
      states: ['missing'],
    },
  ])('$name → $outcome', ({ required, checks, outcome, summary, states }) => {
    // Act
    const result = evaluateChecks({ config: { required }, headSha: HEAD_SHA, checks, contributors: NONE });

    // Assert
    expect(result).toMatchObject({ control: 'checks', outcome, summary });
    if (states) expect(result.evidence.required.map((r) => r.state)).toEqual(states);
  });

  // The edge (toCheckFact) turns GitHub's raw conclusions into a state; the control fails on every non-success one.
  it.each([
    { raw: 'COMPLETED/FAILURE', kind: 'check_run' },
    { raw: 'COMPLETED/CANCELLED', kind: 'check_run' },
    { raw: 'COMPLETED/TIMED_OUT', kind: 'check_run' },
    { raw: 'COMPLETED/SKIPPED', kind: 'check_run' },
    { raw: 'COMPLETED/NEUTRAL', kind: 'check_run' },
    { raw: 'COMPLETED/ACTION_REQUIRED', kind: 'check_run' },
    { raw: 'FAILURE', kind: 'status' },
    { raw: 'ERROR', kind: 'status' },
  ] as const)('fails on a $kind that ended $raw', ({ raw, kind }) => {
    // Arrange
    const checks = [aCheck('build', 'failure', { raw, kind })];

    // Act
    const result = evaluateChecks({ config: { required: ['build'] }, headSha: HEAD_SHA, checks, contributors: NONE });

    // Assert
    expect(result.outcome).toBe('failure');
    expect(result.summary).toBe('Failed: build');
    expect(result.evidence.required[0]?.result?.raw).toBe(raw);
  });

  it.each<{ name: string; checks: CheckFact[]; outcome: ControlOutcome; raw: string }>([
    {
      name: 'a re-run that passed after a failure',
      checks: [aCheck('build', 'failure', { at: EARLY }), aCheck('build', 'success', { at: LATE })],
      outcome: 'success',
      raw: 'COMPLETED/SUCCESS',
    },
    {
      name: 'a re-run that failed after a pass, listed first',
      checks: [aCheck('build', 'failure', { at: LATE }), aCheck('build', 'success', { at: EARLY })],
      outcome: 'failure',
      raw: 'COMPLETED/FAILURE',
    },
    {
      name: 'a re-run still running after a failure',
      checks: [aCheck('build', 'failure', { at: EARLY }), aCheck('build', 'pending', { at: LATE })],
      outcome: 'pending',
      raw: 'IN_PROGRESS',
    },
    {
      name: 'a commit status newer than a passing check run of the same name',
      checks: [aCheck('build', 'success', { at: EARLY }), aCheck('build', 'failure', { kind: 'status', raw: 'FAILURE', at: LATE })],
      outcome: 'failure',
      raw: 'FAILURE',
    },
  ])('keeps the latest result per name: $name', ({ checks, outcome, raw }) => {
    // Act
    const result = evaluateChecks({ config: { required: ['build'] }, headSha: HEAD_SHA, checks, contributors: NONE });

    // Assert
    expect(result.outcome).toBe(outcome);
    expect(result.evidence.required).toEqual([
      { name: 'build', source: null, state: outcome, result: expect.objectContaining({ raw }), ignored: [] },
    ]);
  });

  it.each([
    {
      name: 'missing checks say they have not reported on the head',
      checks: [aCheck('build', 'pending')],
      nextStep: 'test has not reported on c0ffee1; check that CI runs for this branch.',
    },
    {
      name: 'running checks say to wait',
      checks: [aCheck('build', 'pending'), aCheck('test', 'pending')],
      nextStep: 'Wait for the running checks to finish.',
    },
    {
      name: 'failed checks say to fix or re-run them',
      checks: [aCheck('build', 'failure'), aCheck('test', 'failure')],
      nextStep: 'Fix build, test and push, or re-run them if the failure was flaky.',
    },
    { name: 'passing checks have no next step', checks: [aCheck('build', 'success'), aCheck('test', 'success')], nextStep: null },
  ])('next step: $name', ({ checks, nextStep }) => {
    // Act
    const result = evaluateChecks({ config: { required: ['build', 'test'] }, headSha: HEAD_SHA, checks, contributors: NONE });

    // Assert
    expect(result.nextStep).toBe(nextStep);
  });
});

/**
 * One row of the table-driven tests of the segregation-of-duties control: the facts and policy that
 * differ from the passing defaults of the builders, and what the control must decide.
 */
import { expect } from '@jest/globals';
import type { ApprovalConfig } from '../../src/policy/config-schema.js';
import { evaluateApprovals } from '../../src/policy/evaluate-approvals.js';
import type { PullRequestFacts, TeamMembers } from '../../src/policy/facts.js';
import type { ApprovalResult, ControlOutcome, IgnoredApprovalReason } from '../../src/policy/verdict.js';
import { anApprovalConfig, aPullRequest } from './builders.js';

export interface ApprovalRow {
  name: string;
  config?: Partial<ApprovalConfig>;
  pr?: Partial<PullRequestFacts>;
  teamMembers?: TeamMembers;
  outcome: ControlOutcome;
  /** Logins whose approvals counted, in review order. */
  counted: string[];
  /** Approvals not counted; `detail` is checked only when given. Default: none. */
  ignored?: { login: string; reason: IgnoredApprovalReason; detail?: string }[];
  summary?: string;
}

export function evaluateRow(row: Pick<ApprovalRow, 'config' | 'pr' | 'teamMembers'>): ApprovalResult {
  return evaluateApprovals({ config: anApprovalConfig(row.config), pr: aPullRequest(row.pr), teamMembers: row.teamMembers ?? {} });
}

export function expectRow(result: ApprovalResult, row: ApprovalRow): void {
  expect(result.outcome).toBe(row.outcome);
  expect(result.evidence.counted.map((a) => a.login)).toEqual(row.counted);
  expect(result.evidence.ignored).toEqual((row.ignored ?? []).map((i) => expect.objectContaining(i)));
  if (row.summary !== undefined) expect(result.summary).toBe(row.summary);
}

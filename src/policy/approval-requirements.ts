import picomatch from 'picomatch';
import type { ApprovalConfig, ApprovalRule } from './config-schema.js';
import type { ChangedFile } from './facts.js';

export interface Requirement {
  source: string;
  count: number;
  teams: string[];
  paths: string[];
  matchedFiles: string[];
}

/**
 * A rule with the glob `**` matches every path, so it applies to every PR: its files need not be read, and it
 * applies even to a PR that changes no file (the organisation floor's team requirement is such a rule).
 */
export function coversEveryPath(rule: Pick<ApprovalRule, 'paths'>): boolean {
  return rule.paths.includes('**');
}

/**
 * What the approval control requires: the policy's own count and teams, plus every path rule that
 * matches a changed file (a rename counts as both its paths). Every requirement must be met, so the
 * strictest always applies. Without a file list (`null`), every rule applies: fail closed.
 */
export function approvalRequirements(config: ApprovalConfig, changedFiles: ChangedFile[] | null): Requirement[] {
  const requirements: Requirement[] = [{ source: 'approval', count: config.count, teams: config.teams, paths: [], matchedFiles: [] }];
  const paths = changedFiles?.flatMap((f) => (f.previousPath ? [f.path, f.previousPath] : [f.path])) ?? null;
  config.rules.forEach((rule, index) => {
    const matches = picomatch(rule.paths, { dot: true });
    const matchedFiles = paths === null ? [] : [...new Set(paths.filter((p) => matches(p)))];
    if (paths !== null && matchedFiles.length === 0 && !coversEveryPath(rule)) return;
    requirements.push({ source: `approval.rules[${index}]`, count: rule.count, teams: rule.teams, paths: rule.paths, matchedFiles });
  });
  return requirements;
}

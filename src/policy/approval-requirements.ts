import picomatch from 'picomatch';
import type { ApprovalConfig } from '../config/schema.js';
import type { ChangedFile } from './facts.js';

export interface Requirement {
  source: string;
  count: number;
  teams: string[];
  paths: string[];
  matchedFiles: string[];
}

/**
 * What the approval control requires: the policy's own count and teams, plus every path rule that
 * matches a changed file (a rename counts as both its paths). Every requirement must be met, so the
 * strictest always applies. Without a file list (`null`), every rule applies: fail closed.
 */
export function approvalRequirements(config: ApprovalConfig, changedFiles: ChangedFile[] | null): Requirement[] {
  const requirements: Requirement[] = [{ source: 'approval', count: config.count, teams: config.teams, paths: [], matchedFiles: [] }];
  config.rules.forEach((rule, index) => {
    const matches = picomatch(rule.paths, { dot: true });
    const paths = changedFiles?.flatMap((f) => (f.previousPath ? [f.path, f.previousPath] : [f.path])) ?? null;
    const matchedFiles = paths === null ? [] : [...new Set(paths.filter((p) => matches(p)))];
    if (paths !== null && matchedFiles.length === 0) return;
    requirements.push({ source: `approval.rules[${index}]`, count: rule.count, teams: rule.teams, paths: rule.paths, matchedFiles });
  });
  return requirements;
}

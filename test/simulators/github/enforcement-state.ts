import { nextId, tick, type CollaboratorRole, type GitHubData, type SimProtection, type SimRepository, type SimRuleset } from './model.js';
import { findRepo, type RepoRef } from './state.js';

/** Rulesets, branch protection and team access: what GitHub enforces on a branch and who can get around it. */

function globMatch(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** Whether a ruleset applies to a branch (GitHub's `ref_name.include`, given here without `refs/heads/`). */
export function rulesetApplies(repo: SimRepository, ruleset: SimRuleset, branch: string): boolean {
  return ruleset.include.some((pattern) =>
    pattern === '~ALL' ? true : pattern === '~DEFAULT_BRANCH' ? branch === repo.defaultBranch : globMatch(pattern, branch),
  );
}

/** Adds an active ruleset (by default on the default branch, from the repository); returns it. */
export function addRuleset(
  data: GitHubData,
  input: RepoRef &
    Partial<Pick<SimRuleset, 'name' | 'source' | 'sourceType' | 'enforcement' | 'include' | 'requiredChecks' | 'bypassActors'>>,
): SimRuleset {
  const repo = findRepo(data, input);
  const at = tick(data);
  const ruleset: SimRuleset = {
    id: nextId(data),
    name: input.name ?? 'protect main',
    source: input.source ?? `${repo.owner}/${repo.name}`,
    sourceType: input.sourceType ?? 'Repository',
    enforcement: input.enforcement ?? 'active',
    include: input.include ?? ['~DEFAULT_BRANCH'],
    requiredChecks: input.requiredChecks ?? [],
    bypassActors: input.bypassActors ?? [],
    createdAt: at,
    updatedAt: at,
  };
  repo.rulesets.push(ruleset);
  return ruleset;
}

/** Changes a ruleset as an admin would in the settings page (deliver `repository_ruleset.edited` after). */
export function editRuleset(
  data: GitHubData,
  input: RepoRef & { id: number; change: Partial<Omit<SimRuleset, 'id' | 'createdAt' | 'updatedAt'>> },
): SimRuleset {
  const ruleset = findRepo(data, input).rulesets.find((r) => r.id === input.id);
  if (!ruleset) throw new Error(`simulator: no ruleset ${input.id} in ${input.owner}/${input.repo}`);
  Object.assign(ruleset, input.change, { updatedAt: tick(data) });
  return ruleset;
}

/** Sets (null removes) the classic protection of a branch. */
export function setBranchProtection(data: GitHubData, input: RepoRef & { branch: string; protection: SimProtection | null }): void {
  const repo = findRepo(data, input);
  if (input.protection === null) repo.protection.delete(input.branch);
  else repo.protection.set(input.branch, input.protection);
  tick(data);
}

/** Gives a team of the owner organisation a role on the repository (the team is created by `addTeam`). */
export function setTeamAccess(data: GitHubData, input: RepoRef & { team: string; role: CollaboratorRole | null }): void {
  const repo = findRepo(data, input);
  if (input.role === null) repo.teamAccess.delete(input.team.toLowerCase());
  else repo.teamAccess.set(input.team.toLowerCase(), input.role);
}

const RANK: CollaboratorRole[] = ['read', 'triage', 'write', 'maintain', 'admin'];

/** Everyone with access and their effective role: direct grants and the repository's teams, the highest wins. */
export function effectiveAccess(data: GitHubData, repo: SimRepository): Map<string, CollaboratorRole> {
  const access = new Map(repo.collaborators);
  for (const [slug, role] of repo.teamAccess) {
    const team = data.teams.find((t) => t.org.toLowerCase() === repo.owner.toLowerCase() && t.slug.toLowerCase() === slug);
    for (const member of team?.members ?? []) {
      const key = member.toLowerCase();
      const current = access.get(key);
      if (current === undefined || RANK.indexOf(role) > RANK.indexOf(current)) access.set(key, role);
    }
  }
  return access;
}

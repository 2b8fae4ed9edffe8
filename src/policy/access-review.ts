import { z } from 'zod';
import type { EnforcementState } from './enforcement.js';

/**
 * The user-access review of one repository: who could approve, merge, push directly to a controlled branch or
 * bypass the gate, and how they got it. Pure: built from what GitHub listed (collaborators, teams and their
 * members) and the judged enforcement of each controlled branch.
 */

export const Role = z.enum(['admin', 'maintain', 'write', 'triage', 'read']);
export type Role = z.infer<typeof Role>;

export const AccessFacts = z.object({
  /** `GET /repos/{o}/{r}/collaborators?affiliation=all`: everyone with access, with their effective role. */
  collaborators: z.array(z.object({ login: z.string(), id: z.number(), role: Role })),
  /** `affiliation=direct`: the logins given access on the repository itself. */
  direct: z.array(z.string()),
  /** `GET /repos/{o}/{r}/teams` with each team's members (`GET /orgs/{org}/teams/{slug}/members`). */
  teams: z.array(z.object({ slug: z.string(), id: z.number(), role: Role, members: z.array(z.string()) })),
});
export type AccessFacts = z.infer<typeof AccessFacts>;

export const PersonAccess = z.object({
  login: z.string(),
  role: Role,
  /** How the access was given: `direct (write)`, `team acme/x (admin)`, `organisation (owner or base permission)`. */
  via: z.array(z.string()),
  canApprove: z.boolean(),
  canMerge: z.boolean(),
  /** Branches the person can push to without a PR passing the gate (unenforced, unknown or bypassable). */
  canPushDirectly: z.array(z.string()),
  /** Branches whose gate the person can bypass, with the rule that lets them. */
  canBypass: z.array(z.object({ branch: z.string(), via: z.string() })),
});
export type PersonAccess = z.infer<typeof PersonAccess>;

export const AccessReview = z.object({
  people: z.array(PersonAccess),
  /** Bypass actors that are not people (apps, deploy keys, organisation admins), per branch. */
  otherBypassers: z.array(z.object({ branch: z.string(), actor: z.string(), via: z.string() })),
  /** Branches whose bypassers could not be read: anyone with write access may be able to bypass them. */
  unknownBypass: z.array(z.object({ branch: z.string(), reason: z.string() })),
});
export type AccessReview = z.infer<typeof AccessReview>;

const RANK: Record<Role, number> = { read: 0, triage: 1, write: 2, maintain: 3, admin: 4 };
/** GitHub's ids of the repository roles it documents as bypass actors (maintain, write, admin). */
const ROLE_IDS: Record<number, Role> = { 2: 'maintain', 4: 'write', 5: 'admin' };

const atLeast = (role: Role, floor: Role): boolean => RANK[role] >= RANK[floor];

/** Whether a bypass actor names this person: as a user, through a team, or through their role. */
function matches(actor: { actorType: string; actorId: number | null }, person: { id: number; role: Role; teamIds: number[] }): boolean {
  if (actor.actorType === 'User') return actor.actorId === person.id;
  if (actor.actorType === 'Team') return actor.actorId !== null && person.teamIds.includes(actor.actorId);
  if (actor.actorType === 'RepositoryRole') {
    const role = actor.actorId === null ? undefined : ROLE_IDS[actor.actorId];
    // A custom role's id is not one of GitHub's base roles: counted for admins only, whose access covers any role.
    return role === undefined ? person.role === 'admin' : atLeast(person.role, role);
  }
  return false;
}

/** Builds the review; people are sorted by login, their sources in a stable order. */
export function reviewAccess(input: { facts: AccessFacts; branches: EnforcementState[]; org: string }): AccessReview {
  const { facts, branches, org } = input;
  const direct = new Set(facts.direct.map((login) => login.toLowerCase()));
  const people: PersonAccess[] = [];
  for (const person of [...facts.collaborators].sort((a, b) => a.login.localeCompare(b.login))) {
    const key = person.login.toLowerCase();
    const teams = facts.teams.filter((team) => team.members.some((m) => m.toLowerCase() === key));
    const via = [
      ...(direct.has(key) ? [`direct (${person.role})`] : []),
      ...teams.map((team) => `team ${org}/${team.slug} (${team.role})`),
    ];
    const best = Math.max(-1, ...teams.map((t) => RANK[t.role]), direct.has(key) ? RANK[person.role] : -1);
    // GitHub reports the effective role; what neither the direct grant nor a team explains comes from the organisation.
    if (best < RANK[person.role]) via.push(`organisation (owner or base permission: ${person.role})`);
    const subject = { id: person.id, role: person.role, teamIds: teams.map((t) => t.id) };
    const canBypass = branches.flatMap((state) =>
      state.bypass.known
        ? state.bypass.value.filter((actor) => matches(actor, subject)).map((actor) => ({ branch: state.branch, via: actor.via }))
        : [],
    );
    const writer = atLeast(person.role, 'write');
    const canPushDirectly = writer
      ? branches
          .filter((state) => state.status !== 'enforced' || !state.bypass.known || canBypass.some((b) => b.branch === state.branch))
          .map((s) => s.branch)
      : [];
    people.push({ login: person.login, role: person.role, via, canApprove: writer, canMerge: writer, canPushDirectly, canBypass });
  }
  const otherBypassers = branches.flatMap((state) =>
    state.bypass.known
      ? state.bypass.value
          .filter((actor) => !['User', 'Team', 'RepositoryRole'].includes(actor.actorType))
          .map((actor) => ({
            branch: state.branch,
            actor: `${actor.actorType}${actor.actorId === null ? '' : ` ${actor.actorId}`}`,
            via: actor.via,
          }))
      : [],
  );
  const unknownBypass = branches.flatMap((state) => (state.bypass.known ? [] : [{ branch: state.branch, reason: state.bypass.reason }]));
  return { people, otherBypassers, unknownBypass };
}

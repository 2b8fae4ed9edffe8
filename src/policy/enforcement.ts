import { z } from 'zod';

/**
 * What GitHub enforces on a controlled branch, and whether that puts the change-control gate in force. Pure:
 * the facts are read elsewhere (src/github/read-enforcement.ts); this module only judges and compares them.
 * Fail closed: a fact that could not be read makes the status `unknown`, never `enforced`.
 */

/** A fact GitHub told us, or why it could not be read (no permission, not disclosed). */
export function Readable<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('known', [
    z.object({ known: z.literal(true), value }),
    z.object({ known: z.literal(false), reason: z.string() }),
  ]);
}

export const RequiredCheck = z.object({
  context: z.string(),
  /** The app whose result alone satisfies the rule (ruleset `integration_id`, protection `app_id`); null: any source. */
  integrationId: z.number().nullable(),
});
export type RequiredCheck = z.infer<typeof RequiredCheck>;

export const BypassActor = z.object({
  actorType: z.string(),
  actorId: z.number().nullable(),
  bypassMode: z.string(),
});
export type BypassActor = z.infer<typeof BypassActor>;

export const RulesetFact = z.object({
  rulesetId: z.number(),
  /** `owner/name` or the organisation the ruleset belongs to. */
  source: z.string(),
  sourceType: z.string(),
  requiredChecks: z.array(RequiredCheck),
  /** From `GET /repos/{o}/{r}/rulesets/{id}`: GitHub discloses them only to callers allowed to see them. */
  bypassActors: Readable(z.array(BypassActor)),
});
export type RulesetFact = z.infer<typeof RulesetFact>;

export const ProtectionFact = z.object({
  requiredChecks: z.array(RequiredCheck),
  /** `enforce_admins.enabled`: false lets repository admins merge past the required checks. */
  enforceAdmins: z.boolean(),
});
export type ProtectionFact = z.infer<typeof ProtectionFact>;

/** Everything read for one branch, each with its source: the rulesets that apply, and classic branch protection. */
export const BranchEnforcementFacts = z.object({
  branch: z.string(),
  /** `GET /repos/{o}/{r}/rules/branches/{branch}` (active rules only), with each ruleset's bypass actors. */
  rulesets: Readable(z.array(RulesetFact)),
  /** `GET /repos/{o}/{r}/branches/{branch}/protection`; null: the branch has no classic protection (404). */
  protection: Readable(ProtectionFact.nullable()),
});
export type BranchEnforcementFacts = z.infer<typeof BranchEnforcementFacts>;

/** Who can get around the required check, and which rule lets them. */
export const Bypasser = z.object({
  actorType: z.string(),
  actorId: z.number().nullable(),
  bypassMode: z.string(),
  /** `ruleset 12 (acme)` or `branch protection`. */
  via: z.string(),
});
export type Bypasser = z.infer<typeof Bypasser>;

export const EnforcementStatus = z.enum(['enforced', 'not-enforced', 'unknown']);
export type EnforcementStatus = z.infer<typeof EnforcementStatus>;

/** The judged state of one branch: what an `enforcement` audit entry records (with the facts it came from). */
export const EnforcementState = z.object({
  branch: z.string(),
  status: EnforcementStatus,
  /** The rules that require our status or check run, and from which app. */
  requiredBy: z.array(z.object({ via: z.string(), context: z.string(), integrationId: z.number().nullable() })),
  /** Null when no classic protection requires the check (or it could not be read). */
  adminsEnforced: z.boolean().nullable(),
  bypass: Readable(z.array(Bypasser)),
  /** Why the status is what it is, in words an auditor reads. */
  reasons: z.array(z.string()),
  facts: BranchEnforcementFacts,
});
export type EnforcementState = z.infer<typeof EnforcementState>;

/** Repository admins, when classic protection does not bind them. */
export const ADMINS: Omit<Bypasser, 'via'> = { actorType: 'RepositoryRole', actorId: 5, bypassMode: 'always' };

function requires(check: RequiredCheck, names: readonly string[], appId: number): 'ours' | 'other-app' | null {
  if (!names.includes(check.context)) return null;
  return check.integrationId === null || check.integrationId === appId ? 'ours' : 'other-app';
}

/**
 * Judges one branch: `enforced` when a ruleset or classic protection GitHub reported requires the
 * `change-control` status (or the `Change control` check run) from this app or from any source; `not-enforced`
 * when everything was read and nothing requires it; `unknown` when nothing read requires it and something could
 * not be read. Bypassers: the bypass actors of each ruleset that requires it, and admins when classic protection
 * requires it without `enforce_admins`.
 */
export function judgeEnforcement(input: { facts: BranchEnforcementFacts; appId: number; checkNames: readonly string[] }): EnforcementState {
  const { facts, appId, checkNames } = input;
  const requiredBy: EnforcementState['requiredBy'] = [];
  const reasons: string[] = [];
  const bypassers: Bypasser[] = [];
  const unknownBypass: string[] = [];
  let adminsEnforced: boolean | null = null;

  if (facts.rulesets.known) {
    for (const ruleset of facts.rulesets.value) {
      const via = `ruleset ${ruleset.rulesetId} (${ruleset.source})`;
      let ours = false;
      for (const check of ruleset.requiredChecks) {
        const found = requires(check, checkNames, appId);
        if (found === 'other-app')
          reasons.push(`${via} requires ${check.context} from app ${check.integrationId}, not from this app (${appId})`);
        if (found === 'ours') {
          ours = true;
          requiredBy.push({ via, context: check.context, integrationId: check.integrationId });
        }
      }
      if (!ours) continue;
      if (ruleset.bypassActors.known) bypassers.push(...ruleset.bypassActors.value.map((actor) => ({ ...actor, via })));
      else unknownBypass.push(`${via}: ${ruleset.bypassActors.reason}`);
    }
  } else {
    reasons.push(`rulesets could not be read: ${facts.rulesets.reason}`);
  }

  if (facts.protection.known) {
    const protection = facts.protection.value;
    const ours = (protection?.requiredChecks ?? []).filter((check) => requires(check, checkNames, appId) === 'ours');
    for (const check of protection?.requiredChecks ?? []) {
      if (requires(check, checkNames, appId) === 'other-app')
        reasons.push(`branch protection requires ${check.context} from app ${check.integrationId}, not from this app (${appId})`);
    }
    if (protection !== null && ours.length > 0) {
      requiredBy.push(...ours.map((check) => ({ via: 'branch protection', ...check })));
      adminsEnforced = protection.enforceAdmins;
      if (!protection.enforceAdmins) bypassers.push({ ...ADMINS, via: 'branch protection (admins not included)' });
    }
  } else {
    reasons.push(`branch protection could not be read: ${facts.protection.reason}`);
  }

  for (const required of requiredBy) {
    if (required.integrationId === null)
      reasons.push(`${required.via} requires ${required.context} from any source: anyone who can write statuses can satisfy it`);
  }
  const readAll = facts.rulesets.known && facts.protection.known;
  const status: EnforcementStatus = requiredBy.length > 0 ? 'enforced' : readAll ? 'not-enforced' : 'unknown';
  if (status === 'not-enforced') reasons.unshift(`no ruleset or branch protection requires ${checkNames.join(' or ')} on ${facts.branch}`);
  if (status === 'unknown')
    reasons.unshift(`nothing read requires ${checkNames.join(' or ')} on ${facts.branch}, and not everything could be read`);
  const bypass =
    unknownBypass.length > 0
      ? { known: false as const, reason: `bypass actors not disclosed: ${unknownBypass.join('; ')}` }
      : { known: true as const, value: sortBypassers(bypassers) };
  return { branch: facts.branch, status, requiredBy, adminsEnforced, bypass, reasons, facts };
}

const bypasserKey = (b: Bypasser): string => `${b.actorType}:${b.actorId ?? ''}:${b.bypassMode}:${b.via}`;

function sortBypassers(list: Bypasser[]): Bypasser[] {
  const unique = new Map(list.map((b) => [bypasserKey(b), b]));
  return [...unique.values()].sort((a, b) => bypasserKey(a).localeCompare(bypasserKey(b)));
}

export interface EnforcementChange {
  /** Anything an auditor would care about differs (status, the rules requiring the check, admins, bypassers). */
  changed: boolean;
  /** The gate is weaker than before: no longer enforced (unknown counts), or someone new can bypass it. */
  lost: boolean;
  /** What changed, one line each. */
  changes: string[];
}

const describe = (b: Omit<Bypasser, 'via'> & { via?: string }): string =>
  `${b.actorType}${b.actorId === null ? '' : ` ${b.actorId}`} (${b.bypassMode}${b.via ? `, ${b.via}` : ''})`;

/**
 * Compares the last recorded state of a branch with the one just judged. With no previous state (the first
 * check), every gap is new: a branch that is not enforced is a loss, so it is alerted once.
 */
export function compareEnforcement(previous: EnforcementState | null, current: EnforcementState): EnforcementChange {
  const changes: string[] = [];
  let lost = false;
  if (previous === null) {
    changes.push(`first check: ${current.status}`);
    lost = current.status !== 'enforced';
    if (current.bypass.known && current.bypass.value.length > 0)
      changes.push(`can bypass: ${current.bypass.value.map(describe).join(', ')}`);
    return { changed: true, lost, changes };
  }
  if (previous.status !== current.status) {
    changes.push(`status ${previous.status} → ${current.status}`);
    if (previous.status === 'enforced') lost = true;
  }
  const rules = (s: EnforcementState) =>
    s.requiredBy.map((r) => `${r.via}: ${r.context}${r.integrationId === null ? '' : ` from app ${r.integrationId}`}`).sort();
  const [before, after] = [rules(previous), rules(current)];
  for (const rule of before.filter((r) => !after.includes(r))) changes.push(`no longer required by ${rule}`);
  for (const rule of after.filter((r) => !before.includes(r))) changes.push(`now required by ${rule}`);
  if (previous.adminsEnforced !== current.adminsEnforced)
    changes.push(`admins included: ${String(previous.adminsEnforced)} → ${String(current.adminsEnforced)}`);
  if (previous.bypass.known && current.bypass.known) {
    const keys = new Set(previous.bypass.value.map(bypasserKey));
    const nowKeys = new Set(current.bypass.value.map(bypasserKey));
    const added = current.bypass.value.filter((b) => !keys.has(bypasserKey(b)));
    const removed = previous.bypass.value.filter((b) => !nowKeys.has(bypasserKey(b)));
    if (added.length > 0) {
      lost = true;
      changes.push(`can now bypass: ${added.map(describe).join(', ')}`);
    }
    if (removed.length > 0) changes.push(`can no longer bypass: ${removed.map(describe).join(', ')}`);
  } else if (previous.bypass.known !== current.bypass.known) {
    changes.push(current.bypass.known ? 'bypass actors now disclosed' : `bypass actors no longer known: ${current.bypass.reason}`);
    if (!current.bypass.known) lost = true;
  }
  return { changed: changes.length > 0, lost, changes };
}

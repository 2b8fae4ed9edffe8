import { z } from 'zod';
import type { BranchEnforcementFacts, BypassActor, RulesetFact } from '../policy/enforcement.js';
import type { RestClient } from './rest-client.js';

/** The fields we use of `GET /repos/{o}/{r}/rules/branches/{branch}` (GitHub's `repository-rule-detailed`). */
const BranchRule = z.object({
  type: z.string(),
  ruleset_id: z.number().optional(),
  ruleset_source: z.string().optional(),
  ruleset_source_type: z.string().optional(),
  parameters: z
    .object({ required_status_checks: z.array(z.object({ context: z.string(), integration_id: z.number().optional() })).optional() })
    .passthrough()
    .optional(),
});
const BranchRules = z.array(BranchRule);

/** `GET /repos/{o}/{r}/rulesets/{id}`: `bypass_actors` is only present for callers allowed to see it. */
const Ruleset = z.object({
  id: z.number(),
  bypass_actors: z
    .array(z.object({ actor_id: z.number().nullable().optional(), actor_type: z.string(), bypass_mode: z.string().optional() }))
    .optional(),
});

/** `GET /repos/{o}/{r}/branches/{branch}/protection` (GitHub's `branch-protection`). */
const Protection = z.object({
  required_status_checks: z
    .object({ contexts: z.array(z.string()), checks: z.array(z.object({ context: z.string(), app_id: z.number().nullable() })).optional() })
    .optional(),
  enforce_admins: z.object({ enabled: z.boolean() }).optional(),
});

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
};

/** 403 is the app lacking a permission: the fact is unknown. Anything else (5xx, rate limit) is thrown, so the work is retried. */
function refused(error: unknown, what: string): { known: false; reason: string } {
  if (statusOf(error) === 403) return { known: false, reason: `GitHub refused to show ${what} (403: the app lacks the permission)` };
  throw error;
}

/** Reads one ruleset's bypass actors, once per check (`cache`), as several branches share rulesets. */
async function readBypassActors(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  id: number;
  cache: Map<number, RulesetFact['bypassActors']>;
}) {
  const cached = input.cache.get(input.id);
  if (cached) return cached;
  let result: RulesetFact['bypassActors'];
  try {
    const { data } = await input.octokit.request('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}', {
      owner: input.owner,
      repo: input.repo,
      ruleset_id: input.id,
    });
    const ruleset = Ruleset.parse(data);
    result = ruleset.bypass_actors
      ? {
          known: true,
          value: ruleset.bypass_actors.map((a): BypassActor => ({
            actorType: a.actor_type,
            actorId: a.actor_id ?? null,
            bypassMode: a.bypass_mode ?? 'always',
          })),
        }
      : {
          known: false,
          reason: `GitHub did not disclose the bypass actors of ruleset ${input.id} (it shows them only to callers who may edit the ruleset)`,
        };
  } catch (error) {
    result =
      statusOf(error) === 404
        ? { known: false, reason: `ruleset ${input.id} could not be read (404)` }
        : refused(error, `ruleset ${input.id}`);
  }
  input.cache.set(input.id, result);
  return result;
}

async function readRulesets(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  branch: string;
  checkNames: readonly string[];
  cache: Map<number, RulesetFact['bypassActors']>;
}): Promise<BranchEnforcementFacts['rulesets']> {
  const { octokit, owner, repo, branch } = input;
  let rules: z.infer<typeof BranchRules>;
  try {
    rules = BranchRules.parse(
      await octokit.paginate('GET /repos/{owner}/{repo}/rules/branches/{branch}', { owner, repo, branch, per_page: 100 }),
    );
  } catch (error) {
    return refused(error, `the rules of ${branch}`);
  }
  const byRuleset = new Map<number, RulesetFact>();
  for (const rule of rules) {
    if (rule.type !== 'required_status_checks' || rule.ruleset_id === undefined) continue;
    const checks = (rule.parameters?.required_status_checks ?? []).map((c) => ({
      context: c.context,
      integrationId: c.integration_id ?? null,
    }));
    const existing = byRuleset.get(rule.ruleset_id);
    if (existing) {
      existing.requiredChecks.push(...checks);
      if (!existing.bypassActors.known && checks.some((c) => input.checkNames.includes(c.context)))
        existing.bypassActors = await readBypassActors({ ...input, id: rule.ruleset_id });
      continue;
    }
    // Bypass actors matter only for a ruleset that requires our status or check run: one read less for the others.
    const bypassActors = checks.some((c) => input.checkNames.includes(c.context))
      ? await readBypassActors({ ...input, id: rule.ruleset_id })
      : { known: false as const, reason: 'not read: the ruleset does not require change-control' };
    byRuleset.set(rule.ruleset_id, {
      rulesetId: rule.ruleset_id,
      source: rule.ruleset_source ?? '',
      sourceType: rule.ruleset_source_type ?? 'Repository',
      requiredChecks: checks,
      bypassActors,
    });
  }
  return { known: true, value: [...byRuleset.values()].sort((a, b) => a.rulesetId - b.rulesetId) };
}

async function readProtection(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  branch: string;
}): Promise<BranchEnforcementFacts['protection']> {
  const { octokit, owner, repo, branch } = input;
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch });
    const protection = Protection.parse(data);
    const status = protection.required_status_checks;
    // `checks` carries the app each context must come from; `contexts` alone (older servers) means any source.
    const requiredChecks = status?.checks
      ? status.checks.map((c) => ({ context: c.context, integrationId: c.app_id }))
      : (status?.contexts ?? []).map((context) => ({ context, integrationId: null }));
    return { known: true, value: { requiredChecks, enforceAdmins: protection.enforce_admins?.enabled ?? false } };
  } catch (error) {
    // 404 "Branch not protected" (or no such branch yet): no classic protection; rulesets may still apply.
    if (statusOf(error) === 404) return { known: true, value: null };
    return refused(error, `the branch protection of ${branch}`);
  }
}

/**
 * What GitHub enforces on `branch`: the active rulesets' required status checks (with each ruleset's bypass
 * actors) and classic branch protection. Two REST reads per branch, plus one per ruleset requiring a status
 * check (shared across branches through `cache`). A refusal (403) is an unknown fact; other failures throw.
 */
export async function readBranchEnforcement(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  branch: string;
  /** Our status context and check run name: only the rulesets requiring one of them have their bypass actors read. */
  checkNames: readonly string[];
  cache: Map<number, RulesetFact['bypassActors']>;
}): Promise<BranchEnforcementFacts> {
  const [rulesets, protection] = [await readRulesets(input), await readProtection(input)];
  return { branch: input.branch, rulesets, protection };
}

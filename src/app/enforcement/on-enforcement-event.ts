import type { Context } from 'probot';
import { z } from 'zod';
import type { WorkRequest } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { installationOf } from '../webhooks/installation-of.js';
import { parsePayload } from '../payloads.js';

/**
 * Events after which what GitHub enforces may have changed (docs/audit-and-evidence.md, enforcement evidence).
 * The payload only says where to look: the facts are read back from GitHub by the queued check.
 */
export const ENFORCEMENT_EVENTS = [
  'installation.created',
  'installation_repositories.added',
  'repository_ruleset',
  'branch_protection_rule',
] as const;

const Repository = z.object({ name: z.string(), owner: z.object({ login: z.string() }) });
const EventPayload = z.object({
  installation: z.object({ id: z.number(), account: z.object({ login: z.string() }).nullable().optional() }),
  /** Absent for an organisation ruleset: every repository of the installation is checked. */
  repository: Repository.optional(),
  organization: z.object({ login: z.string() }).optional(),
  repositories_added: z.array(z.object({ full_name: z.string() })).optional(),
});

/** The checks an event asks for: the repository it names, the repositories added, or the whole installation. */
export function enforcementRequests(input: { event: string; payload: unknown; deliveryId: string }): WorkRequest[] {
  const { event, deliveryId } = input;
  const payload = parsePayload(EventPayload, event, input.payload);
  const installationId = installationOf(event, input.payload);
  const common = { installationId, deliveryIds: [deliveryId], force: 'none' as const, statusWrites: [], trigger: event };
  const check = (owner: string, repo: string): WorkRequest => ({ kind: 'enforcement', ...common, owner, repo });
  if (event === 'installation_repositories') {
    return (payload.repositories_added ?? []).map((r) => {
      const [owner = '', repo = ''] = r.full_name.split('/');
      return check(owner, repo);
    });
  }
  if (payload.repository) return [check(payload.repository.owner.login, payload.repository.name)];
  const owner = payload.organization?.login ?? payload.installation.account?.login;
  if (owner === undefined) throw new Error(`${event} names no repository, organisation or account: nothing to check`);
  return [{ kind: 'installation-sweep', ...common, owner }];
}

/** Queues the enforcement checks an event asks for; the worker reads GitHub (never inline: GitHub waits 10 s at most). */
export function onEnforcementEvent(deps: AppDeps) {
  return async (context: Context<(typeof ENFORCEMENT_EVENTS)[number]>): Promise<void> => {
    const requests = enforcementRequests({ event: context.name, payload: context.payload, deliveryId: context.id });
    if (requests.length > 0) await acceptWork({ deps, delivery: context, requests });
  };
}

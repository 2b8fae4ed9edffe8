import type { Probot } from 'probot';
import type { AuditStore } from '../../audit/audit-entry.js';
import { parseSigningKey } from '../../audit/signing.js';
import { chainChecker } from './chain-checker.js';
import type { DashboardDeps, Simulate } from './dashboard-context.js';
import { readDashboardEnv } from './dashboard-env.js';
import { teamMembershipOf } from './team-membership.js';

/**
 * The dashboard's dependencies from the environment (docs/dashboard.md). A partial or invalid configuration stops
 * the start with every problem listed; no configuration leaves the dashboard off (its pages say so).
 */
export function dashboardDepsFromEnv(input: {
  app: Probot;
  env: NodeJS.ProcessEnv;
  store: AuditStore;
  now: () => Date;
  /** The dry run for `POST /api/v1/simulate` (src/index.ts wires it; web/ never imports the evaluation). */
  simulate?: Simulate;
}): DashboardDeps {
  const read = readDashboardEnv(input.env);
  if (!read.ok) throw new Error(`dashboard settings are invalid: ${read.errors.join('; ')}`);
  const key = input.env.AUDIT_SIGNING_KEY;
  const signer = key ? parseSigningKey(key) : undefined;
  const settings = read.settings;
  if (settings)
    input.app.log.info(
      {
        pages: settings.pages !== null,
        apiTokens: settings.apiTokenHashes.length,
        teams: settings.pages?.teams.map((t) => `${t.org}/${t.slug}`) ?? [],
      },
      'dashboard enabled',
    );
  return {
    store: input.store,
    settings,
    findMemberTeam: teamMembershipOf(input.app),
    fetch: globalThis.fetch,
    now: input.now,
    log: input.app.log,
    checkChain: chainChecker({ store: input.store, now: input.now, ...(signer ? { signer } : {}) }),
    ...(signer ? { signer } : {}),
    ...(input.simulate ? { simulate: input.simulate } : {}),
  };
}

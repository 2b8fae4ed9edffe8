import type { IncomingMessage } from 'node:http';
import type { Logger } from 'probot';
import type { AuditStore } from '../../audit/audit-entry.js';
import type { AuditSigner } from '../../audit/signing.js';
import type { CheckChain } from './chain-checker.js';
import type { DashboardSettings } from './dashboard-env.js';
import type { Fetch } from './github-oauth.js';
import type { FindMemberTeam } from './team-membership.js';
import type { DryRunOutcome } from '../../github/dry-run-report.js';

/** The dry run of one pull request in the app process, with the installation's token (wired in src/index.ts). */
export type Simulate = (request: { owner: string; repo: string; number: number; policy?: string }) => Promise<DryRunOutcome>;

/** What the dashboard routes need; injected, so tests choose their own GitHub, clock and store. */
export interface DashboardDeps {
  store: AuditStore;
  /** Null: the dashboard is not enabled (its pages say so, and show no data). */
  settings: DashboardSettings | null;
  findMemberTeam: FindMemberTeam;
  fetch: Fetch;
  now: () => Date;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Checks entry signatures along with the hashes in the HTML report when AUDIT_SIGNING_KEY is set. */
  signer?: AuditSigner;
  /** Whether the chain verifies up to an entry (chain-checker.ts; with the signer when there is one). */
  checkChain: CheckChain;
  /** The dry run behind `POST /api/v1/simulate`; absent: the route answers 404. */
  simulate?: Simulate;
}

/** One request as the routes see it. */
export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  deps: DashboardDeps;
}

/** The dashboard's public origin: DASHBOARD_URL, else the request's Host over http (behind a proxy, set DASHBOARD_URL). */
export function baseUrl(ctx: RequestContext): string {
  return ctx.deps.settings?.publicUrl ?? `http://${ctx.req.headers.host ?? 'localhost'}`;
}

export const isSecure = (ctx: RequestContext): boolean => baseUrl(ctx).startsWith('https:');

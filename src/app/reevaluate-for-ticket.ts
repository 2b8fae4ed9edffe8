import type { Logger, Probot } from 'probot';
import type { AppDeps } from './app-deps.js';
import { evaluatePullRequest } from './evaluate-pull-request.js';

/**
 * A ticket changed at its provider: forget any cached answer for it, then evaluate each open PR that
 * references it, one after another. A PR that fails is logged and the others still run.
 */
export async function reevaluateForTicket(input: { app: Probot; deps: AppDeps; log: Logger; key: string; deliveryId: string }): Promise<number> {
  const { app, deps, log, key, deliveryId } = input;
  for (const source of [deps.tickets, deps.serviceNow]) if (source && 'reader' in source) source.reader.forget?.(key);
  const pulls = await deps.audit.pullRequestsForTicket(key);
  log.info({ pullRequests: pulls.map((p) => `${p.repo}#${p.prNumber}`) }, 'ticket changed: re-evaluating the pull requests that reference it');
  for (const pull of pulls) {
    const [owner = '', repo = ''] = pull.repo.split('/');
    try {
      const octokit = await app.auth(pull.installationId);
      await evaluateForTicket({ octokit, log, deps, owner, repo, number: pull.prNumber, headSha: pull.headSha, deliveryId, installationId: pull.installationId });
    } catch (error) {
      log.error({ err: error, pr: `${pull.repo}#${pull.prNumber}` }, 'ticket changed: re-evaluation of a pull request failed');
    }
  }
  return pulls.length;
}

/**
 * The one call that evaluates a PR for a ticket event. Kept on its own: the durable delivery queue (another
 * branch) replaces direct evaluation, and this is the call it swaps.
 */
async function evaluateForTicket(input: Parameters<typeof evaluatePullRequest>[0]): Promise<void> {
  await evaluatePullRequest(input);
}

import type { Probot } from 'probot';
import { instrumentOctokit } from './github-metrics.js';
import { webhooksReceived } from './metrics.js';

/**
 * Counts every verified webhook by event name, and instruments every installation octokit the app
 * obtains with `app.auth(…)` (the queue's worker) for the GitHub request metrics.
 */
export function observeApp(app: Probot): void {
  app.onAny((event) => {
    webhooksReceived.inc({ event: event.name });
  });
  const auth = app.auth.bind(app);
  app.auth = async (installationId?: number) => {
    const octokit = await auth(installationId);
    instrumentOctokit(octokit);
    return octokit;
  };
}

import type { Probot } from 'probot';
import type { AppDeps } from '../../evaluation/app-deps.js';
import type { ShutdownGate } from '../shutdown-gate.js';
import { pollServiceNowChanges } from './poll-servicenow-changes.js';
import type { ServiceNowPollSettings } from './read-servicenow-poll-env.js';

/**
 * Polls every `intervalMs` (the meta key in the store makes the replicas take turns); null when the poll is off or no
 * ServiceNow reader is configured (no verdict can then wait on a change). Stops polling once shutdown began; the
 * timer does not keep the process alive.
 */
export function startServiceNowPoll(input: {
  deps: AppDeps;
  app: Probot;
  settings: ServiceNowPollSettings;
  gate: ShutdownGate;
}): NodeJS.Timeout | null {
  const { deps, app, settings, gate } = input;
  const { intervalMs } = settings;
  if (intervalMs === null || !deps.serviceNow || !('reader' in deps.serviceNow)) return null;
  const log = app.log.child({ name: 'servicenow-poll' });
  let running = false;
  const run = (): void => {
    // A poll slower than the interval (a slow store) is not started twice in one process.
    if (running || !gate.open) return;
    running = true;
    pollServiceNowChanges({ deps, log, now: deps.now(), intervalMs, maxChanges: settings.maxChanges })
      .catch((error: unknown) => log.error({ err: error }, 'ServiceNow poll failed; trying again at the next interval'))
      .finally(() => {
        running = false;
      });
  };
  // The first poll is one interval after start: the webhook is the fast path, and a process restarting in a loop does not poll at each start.
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return timer;
}

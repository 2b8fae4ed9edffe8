import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from 'probot';
import type { AppDeps } from './app/evaluate-pull-request.js';
import { CHECK_COMPLETED_EVENTS, onCheckCompleted } from './app/on-check-completed.js';
import { onCheckRunRerequested } from './app/on-check-run-rerequested.js';
import { onPullRequest, PULL_REQUEST_EVENTS } from './app/on-pull-request.js';
import { readAppEnv } from './app/read-app-env.js';
import { healthzHandler } from './web/healthz.js';

/** Builds the Probot app over the given dependencies (tests and the demo inject their own). */
export function createApp(deps?: AppDeps): ApplicationFunction {
  return (app: Probot, options: ApplicationFunctionOptions) => {
    let appDeps = deps;
    if (!appDeps) {
      const env = readAppEnv(process.env);
      for (const warning of env.warnings) app.log.warn({ warning }, 'configuration warning');
      appDeps = env.deps;
    }
    app.on([...PULL_REQUEST_EVENTS], onPullRequest(appDeps));
    app.on([...CHECK_COMPLETED_EVENTS], onCheckCompleted(appDeps));
    app.on('check_run.rerequested', onCheckRunRerequested(appDeps));
    options.addHandler?.(healthzHandler);
  };
}

export default createApp();

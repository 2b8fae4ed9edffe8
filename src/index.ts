import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from 'probot';
import type { AppDeps } from './app/app-deps.js';
import { CHECK_COMPLETED_EVENTS, onCheckCompleted } from './app/on-check-completed.js';
import { onCheckRunRerequested } from './app/on-check-run-rerequested.js';
import { onPullRequestClosed } from './app/on-pull-request-closed.js';
import { onPullRequest, PULL_REQUEST_EVENTS } from './app/on-pull-request.js';
import { createDepsFromEnv } from './app/read-app-env.js';
import { healthzHandler } from './web/healthz.js';

/** Builds the Probot app over the given dependencies (tests and the demo inject their own). */
export function createApp(deps?: AppDeps): ApplicationFunction {
  return async (app: Probot, options: ApplicationFunctionOptions) => {
    const appDeps = deps ?? (await createDepsFromEnv(app, process.env));
    app.on([...PULL_REQUEST_EVENTS], onPullRequest(appDeps));
    app.on('pull_request.closed', onPullRequestClosed(appDeps));
    app.on([...CHECK_COMPLETED_EVENTS], onCheckCompleted(appDeps));
    app.on('check_run.rerequested', onCheckRunRerequested(appDeps));
    options.addHandler(healthzHandler);
  };
}

export default createApp();

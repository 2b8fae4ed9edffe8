import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from 'probot';
import type { AppDeps } from './app/app-deps.js';
import { startOverdueSweep } from './app/flag-overdue-emergencies.js';
import { CHECK_COMPLETED_EVENTS, onCheckCompleted } from './app/on-check-completed.js';
import { onCheckRunRerequested } from './app/on-check-run-rerequested.js';
import { onDeploymentCreated } from './app/on-deployment-created.js';
import { onDeploymentProtectionRule } from './app/on-deployment-protection-rule.js';
import { onDeploymentStatus } from './app/on-deployment-status.js';
import { onIssueComment } from './app/on-issue-comment.js';
import { onPullRequestClosed } from './app/on-pull-request-closed.js';
import { onPullRequest, PULL_REQUEST_EVENTS } from './app/on-pull-request.js';
import { createDepsFromEnv } from './app/read-app-env.js';
import { dashboardHandler } from './web/dashboard/dashboard-handler.js';
import { dashboardDepsFromEnv } from './web/dashboard/dashboard-deps-from-env.js';
import { healthzHandler } from './web/healthz.js';
import { jiraWebhookHandler } from './web/jira-webhook.js';

/** Builds the Probot app over the given dependencies (tests and the demo inject their own). */
export function createApp(deps?: AppDeps): ApplicationFunction {
  return async (app: Probot, options: ApplicationFunctionOptions) => {
    const appDeps = deps ?? (await createDepsFromEnv(app, process.env));
    app.on([...PULL_REQUEST_EVENTS], onPullRequest(appDeps));
    app.on('pull_request.closed', onPullRequestClosed(appDeps));
    app.on([...CHECK_COMPLETED_EVENTS], onCheckCompleted(appDeps));
    app.on('check_run.rerequested', onCheckRunRerequested(appDeps));
    // Deployment gating and evidence (docs/deployments.md).
    app.on('deployment_protection_rule.requested', onDeploymentProtectionRule(appDeps));
    app.on('deployment.created', onDeploymentCreated(appDeps));
    app.on('deployment_status.created', onDeploymentStatus(appDeps));
    // Only new comments: an edited or deleted command comment runs nothing (docs/emergency-changes.md).
    app.on('issue_comment.created', onIssueComment(appDeps));
    // Injected deps are a test's or the demo's: they call the sweep themselves when they need it.
    if (!deps) startOverdueSweep({ deps: appDeps, app });
    options.addHandler(healthzHandler);
    // The compliance dashboard and its JSON API (docs/dashboard.md); off, with a page that says so, until configured.
    options.addHandler(dashboardHandler(dashboardDepsFromEnv({ app, env: process.env, store: appDeps.audit, now: appDeps.now })));
    // Jira's issue webhooks re-evaluate the PRs that reference the issue (docs/tickets.md).
    options.addHandler(jiraWebhookHandler({ app, deps: appDeps, secret: process.env.JIRA_WEBHOOK_SECRET }));
  };
}

export default createApp();
